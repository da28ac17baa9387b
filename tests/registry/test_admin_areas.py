"""Areas, role grants, officials and posts in the admin: the superuser's tools, audited."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import AdminArea, AreaGroupGrant, AreaUserGrant
from registry.scope import prefixes_for

# AreaScopeBackend answers permissions only; sessions must name the backend that loads users.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def superuser(client, admin_user):
    client.force_login(admin_user, backend=MODEL_BACKEND)
    return client


def as_official(client, cast, name):
    client.force_login(cast[name], backend=MODEL_BACKEND)
    return client


def grant_user_url(area, user):
    return reverse("admin:registry_adminarea_permissions_manage_user", args=[area.pk, user.pk])


def test_a_superuser_grants_a_role_on_an_area_and_it_is_audited(superuser, areas, django_user_model):
    official = django_user_model.objects.create_user("new_clerk", password="pw-for-tests-1", is_staff=True)
    response = superuser.post(grant_user_url(areas["village_b"], official), {"permissions": ["role_village_clerk"]})
    assert response.status_code == 302
    grant = AreaUserGrant.objects.get(user=official)
    assert (grant.permission.codename, grant.content_object) == ("role_village_clerk", areas["village_b"])
    assert prefixes_for(django_user_model.objects.get(pk=official.pk), "registry.view_household") == ["520999101202"]
    event = AuditEvent.objects.get(action="area.grant_user")
    assert event.area_code == areas["village_b"].code
    assert event.data["user"]["name"] == "new_clerk"
    assert event.data["added"] == ["role_village_clerk"] and event.data["removed"] == []


def test_revoking_a_role_is_audited(superuser, cast, areas):
    # A browser always sends the CSRF token; an entirely empty POST would leave the form unbound.
    response = superuser.post(grant_user_url(areas["village_a"], cast["clerk_a"]), {"permissions": [], "_save": "1"})
    assert response.status_code == 302
    assert not AreaUserGrant.objects.filter(user=cast["clerk_a"]).exists()
    assert AuditEvent.objects.get(action="area.grant_user").data["removed"] == ["role_village_clerk"]


def test_a_post_group_is_granted_a_role(superuser, areas):
    post = Group.objects.create(name="村B-村级经办人")
    url = reverse("admin:registry_adminarea_permissions_manage_group", args=[areas["village_b"].pk, post.pk])
    assert superuser.post(url, {"permissions": ["role_village_clerk"]}).status_code == 302
    assert AreaGroupGrant.objects.filter(group=post, content_object=areas["village_b"]).exists()
    assert AuditEvent.objects.get(action="area.grant_group").data["group"]["name"] == "村B-村级经办人"


def test_only_roles_can_be_granted(superuser, cast, areas):
    form = superuser.get(grant_user_url(areas["village_a"], cast["clerk_a"])).context["form"]
    codenames = {value for value, _ in form.fields["permissions"].choices}
    assert "role_village_clerk" in codenames
    assert not codenames & {"add_adminarea", "change_adminarea", "delete_adminarea", "view_adminarea"}


@pytest.mark.parametrize("official", ["county_office", "auditor", "clerk_a"])
def test_only_a_superuser_may_manage_grants(client, cast, areas, official):
    as_official(client, cast, official)
    area = areas["village_a"]
    assert client.get(reverse("admin:registry_adminarea_permissions", args=[area.pk])).status_code == 403
    response = client.post(grant_user_url(area, cast[official]), {"permissions": ["role_county_office"]})
    assert response.status_code == 403
    change_page = client.get(reverse("admin:registry_adminarea_change", args=[area.pk])).content.decode()
    assert "permissionslink" not in change_page


def test_a_clerk_sees_only_the_own_village_among_areas(client, cast, areas):
    as_official(client, cast, "clerk_a")
    page = client.get(reverse("admin:registry_adminarea_changelist")).content.decode()
    assert "520999101201" in page
    assert "520999101202" not in page
    assert client.get(reverse("admin:registry_adminarea_change", args=[areas["village_b"].pk])).status_code == 404


def test_creating_an_area_is_audited(superuser, areas):
    response = superuser.post(reverse("admin:registry_adminarea_add"), {
        "code": "520999101203", "name": "村D", "level": "village", "parent": areas["town"].pk,
    })
    assert response.status_code == 302
    area = AdminArea.objects.get(code="520999101203")
    event = AuditEvent.objects.get(action="area.create")
    assert event.target_id == str(area.pk)
    assert event.data["values"]["parent"] == {"id": areas["town"].pk, "name": "城关镇"}


def test_an_area_code_not_under_its_parent_is_refused(superuser, areas):
    response = superuser.post(reverse("admin:registry_adminarea_add"), {
        "code": "520999102203", "name": "错村", "level": "village", "parent": areas["town"].pk,
    })
    assert response.status_code == 200
    assert "不以上级“城关镇”的代码前缀" in response.content.decode()


@pytest.mark.parametrize("url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist",
                                      "admin:auth_user_add"])
def test_officials_and_posts_are_managed_by_the_superuser_only(client, cast, url_name, db):
    assert as_official(client, cast, "county_office").get(reverse(url_name)).status_code == 403


def test_the_admin_index_shows_officials_their_registry_only(client, cast, db):
    page = as_official(client, cast, "clerk_a").get(reverse("admin:index")).content.decode()
    assert "搬迁户" in page
    assert "/admin/auth/user/" not in page


def test_creating_an_official_is_audited_without_the_password(superuser, db, django_user_model):
    response = superuser.post(reverse("admin:auth_user_add"), {
        "username": "new_official", "password1": "Very-long-pass-2026", "password2": "Very-long-pass-2026",
        "usable_password": "true",
    })
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.create")
    assert event.data["values"]["username"] == "new_official"
    assert "password" not in event.data["values"]
    assert "Very-long-pass-2026" not in str(event.data)


def test_setting_an_officials_password_is_audited(superuser, cast):
    url = reverse("admin:auth_user_password_change", args=[cast["clerk_a"].pk])
    response = superuser.post(url, {"password1": "Very-long-pass-2026", "password2": "Very-long-pass-2026",
                                    "usable_password": "true", "set_usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password_set")
    assert event.target_id == str(cast["clerk_a"].pk)
    assert "Very-long-pass-2026" not in str(event.data)


def test_deleting_areas_in_bulk_is_audited(superuser, db):
    from tests.factories import AreaFactory

    spare = AreaFactory(code="520777000000", name="待删县", level="county")
    response = superuser.post(reverse("admin:registry_adminarea_changelist"),
                              {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"})
    assert response.status_code == 302
    assert not AdminArea.objects.filter(pk=spare.pk).exists()
    event = AuditEvent.objects.get(action="area.delete")
    assert (event.target_id, event.data["values"]["name"]) == (str(spare.pk), "待删县")
