"""Saved inbox views (常用筛选, issue 22 item 4): the inbox offers to save its current filter; a view is
the user's own, validated (known filter names only), listed on the inbox and opening the same list."""

from notifications.models import SavedView


def test_save_a_view_from_the_inbox_and_open_it(client, cast):
    client.force_login(cast["reviewer"])
    page = client.get("/work/?tab=queue&overdue=on&sort=priority").content.decode()
    assert "保存为常用筛选" in page
    form = client.get("/notifications/views/", {"query": "tab=queue&overdue=on&sort=priority"})
    assert "保存当前筛选" in form.content.decode()
    response = client.post("/notifications/views/", {"name": "逾期优先", "query": "tab=queue&overdue=on&sort=priority"})
    assert response.status_code == 302
    view = SavedView.objects.get(user=cast["reviewer"])
    assert view.query == "tab=queue&overdue=on&sort=priority"
    inbox = client.get("/work/?tab=queue&overdue=on&sort=priority").content.decode()
    assert 'href="/work/?tab=queue&amp;overdue=on&amp;sort=priority" aria-current="true">逾期优先</a>' in inbox
    assert client.get("/work/?" + view.query).status_code == 200


def test_a_bad_view_is_refused_in_chinese_and_not_stored(client, cast):
    client.force_login(cast["reviewer"])
    page = client.post("/notifications/views/", {"name": "x", "query": "evil=1"}).content.decode()
    assert "筛选条件中有无法识别的项目" in page
    page = client.post("/notifications/views/", {"name": "", "query": "tab=queue"}).content.decode()
    assert "请填写视图名称" in page
    page = client.post("/notifications/views/", {"name": "空", "query": ""}).content.decode()
    assert "当前没有筛选条件" in page
    client.post("/notifications/views/", {"name": "甲", "query": "tab=queue"})
    page = client.post("/notifications/views/", {"name": "甲", "query": "tab=area"}).content.decode()
    assert "已有同名的视图" in page
    assert SavedView.objects.count() == 1


def test_anothers_view_is_neither_listed_nor_deletable(client, cast):
    theirs = SavedView.objects.create(user=cast["clerk_b"], name="他人的视图", query="tab=queue")
    client.force_login(cast["reviewer"])
    assert "他人的视图" not in client.get("/work/").content.decode()
    assert client.post(f"/notifications/views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
