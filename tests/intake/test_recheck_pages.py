"""The 回头看 page: the county's forms, each township's own checking list, decisions by POST."""

from intake.models import FieldCheck, RecheckList, Suspect
from tests.intake.test_recheck import a_list, two_in_cases  # noqa: F401  (the fixture)


def test_county_uploads_township_decides(client, areas, cast, two_in_cases):  # noqa: F811
    client.force_login(cast["county_office"])
    page = client.get("/intake/recheck/").content.decode()
    assert "上传部门名单比对" in page and "按乡镇随机抽样" in page
    response = client.post("/intake/recheck/upload/", {"county": areas["county"].pk, "kind": "state_salaried",
                                                       "source": "县财政局",
                                                       "file": a_list([("甲", two_in_cases["a"]), ("丙", two_in_cases["c"])])},
                           follow=True)
    assert "比中在办搬迁户成员2人" in response.content.decode()
    client.force_login(cast["reviewer"])
    page = client.get("/intake/recheck/").content.decode()
    assert "上传部门名单比对" not in page  # a township uploads nothing
    assert two_in_cases["h_a"].number in page and two_in_cases["h_c"].number not in page
    theirs = Suspect.objects.get(household=two_in_cases["h_c"])
    assert client.post(f"/intake/recheck/suspects/{theirs.pk}/", {"action": "clear", "reason": "x"}).status_code == 404
    mine = Suspect.objects.get(household=two_in_cases["h_a"])
    response = client.post(f"/intake/recheck/suspects/{mine.pk}/", {"action": "clear", "reason": ""}, follow=True)
    assert "请填写核查说明" in response.content.decode()
    client.post(f"/intake/recheck/suspects/{mine.pk}/", {"action": "clear", "reason": "同名，已核对户籍"})
    mine.refresh_from_db()
    assert mine.status == "cleared"
    response = client.post("/intake/recheck/upload/", {"county": areas["county"].pk, "kind": "death",
                                                       "file": a_list([("甲", two_in_cases["a"])])})
    assert RecheckList.objects.count() == 1  # the county is not among the reviewer's choices


def test_sample_check_and_report(client, areas, cast, two_in_cases, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(cast["county_office"])
    response = client.post("/intake/recheck/sample/", {"county": areas["county"].pk, "percent": 50}, follow=True)
    assert "已抽取 2 户待踏验" in response.content.decode()
    check = FieldCheck.objects.get(township=areas["town"])
    client.force_login(cast["reviewer"])
    client.post(f"/intake/recheck/checks/{check.pk}/", {"result": "conforms", "note": ""})
    check.refresh_from_db()
    assert check.result == "conforms"
    client.force_login(cast["county_office"])
    response = client.post("/intake/recheck/report/", {"county": areas["county"].pk}, follow=True)
    assert "已生成并归档" in response.content.decode()
    from intake.models import RecheckReport
    made = RecheckReport.objects.get()
    assert client.get(f"/intake/recheck/reports/{made.pk}/excel/").status_code == 200
    client.force_login(cast["reviewer"])
    assert client.get(f"/intake/recheck/reports/{made.pk}/excel/").status_code == 404
