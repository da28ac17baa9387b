from django.contrib.auth import get_user_model


def test_a_chinese_name_prints_family_name_first_without_a_space(db):
    from registry.people import display_name

    User = get_user_model()
    assert display_name(User(username="u1", first_name="德荣", last_name="韦")) == "韦德荣"
    assert display_name(User(username="u2", first_name="Anna", last_name="Lee")) == "Anna Lee"
    assert display_name(User(username="u3")) == "u3"
    assert display_name(None) == ""
