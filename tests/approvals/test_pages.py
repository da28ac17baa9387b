"""Every page of the app answers for the posts that use it."""


def test_the_work_pages_render_for_the_township(officials, in_approval, login):
    client = login(officials["reviewer"])
    response = client.get("/work/")
    assert response.status_code == 200
    assert in_approval.number in response.content.decode()
    assert client.get(f"/cases/{in_approval.pk}/").status_code == 200
    for url in ["/notices/", "/meetings/", "/work/?tab=queue"]:
        assert client.get(url).status_code == 200, url
    assert login(officials["leader"]).get("/work/?tab=area").status_code == 200


def test_pages_need_a_login(client, db):
    for url in ["/work/", "/cases/1/", "/notices/", "/meetings/"]:
        assert client.get(url).status_code == 302


def test_actions_refuse_get(officials, in_approval, login):
    client = login(officials["reviewer"])
    for url in [f"/cases/{in_approval.pk}/decide/", "/work/bulk/", "/work/search-id/", "/work/tasks/1/claim/"]:
        assert client.get(url).status_code == 405, url
