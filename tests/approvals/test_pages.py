from approvals import queue


def test_pages_render(officials, in_approval, login):
    c = login(officials["reviewer"])
    r = c.get("/work/")
    assert r.status_code == 200, r.content.decode()[:3000]
    assert in_approval.number in r.content.decode()
    r = c.get(f"/cases/{in_approval.pk}/")
    assert r.status_code == 200
    print(r.content.decode()[:200])
    for url in ["/notices/", "/meetings/", "/work/?tab=queue"]:
        assert c.get(url).status_code == 200, url
    c = login(officials["leader"])
    assert c.get("/work/?tab=area").status_code == 200
