"""The case history reads in Chinese (page, Excel, PDF): detail keys and coded values carry their
Chinese labels, lists of attachments their names, decisions their step's Chinese name. Only Latin
things that are data (file names, usernames, paths, hashes, 文号 prefixes) may stay, each listed."""

import io
import re

from openpyxl import load_workbook
from rest_framework.test import APIClient

from api.models import ApiToken
from supervision.detail_labels import detail_items, step_label
from supervision.timeline import label_of
from tests.approvals.test_case_page import decide as decide_on_the_page
from tests.supervision.test_history import pdf_text, url
from tests.workflows.conftest import days_ago, upload
from workflows.households import batches
from workflows.households.batches import Vote
from workflows.models import NoticeBatch

LATIN = re.compile(r"[A-Za-z]")


def api_client(user):
    _, key = ApiToken.issue(user=user, name=f"测试-{user.username}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def walk(household, officials, give, areas, login):
    """申报 on the web page → 评议 → 公示 → 审核: 乡镇审核 through the API, 县级审批 on the web page;
    the auditor reads the case through the API and the web."""
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    response = decide_on_the_page(login(officials["clerk_a"]), household, "submit_application", opinion="材料齐全")
    assert response.status_code in (200, 302)
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(12), place="村委会",
        expected_members=9, present_members=6, votes=[Vote(household.pk, 5, 1, 0)],
        files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign_in.png")},
    )
    batch = batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                        household_ids=[household.pk], posted_on=days_ago(3),
                                        ends_on=days_ago(-3), posted_at="村公示栏")
    NoticeBatch.objects.filter(pk=batch.pk).update(posted_on=days_ago(10), ends_on=days_ago(4))
    batches.file_notice_photo(batch_id=batch.pk, actor=officials["clerk_a"], upload=upload("notice.png"))
    batches.close_due_notices()
    give(household, "household_survey", "signed_agreement")
    response = api_client(officials["reviewer"]).post(
        f"/api/v1/households/{household.pk}/transitions/township_review/", {"opinion": "审核通过"}, format="json")
    assert response.status_code == 200, response.content
    response = decide_on_the_page(login(officials["county_office"]), household, "county_approval", opinion="同意")
    assert response.status_code in (200, 302)
    auditor_api = api_client(officials["auditor"])
    assert auditor_api.get(f"/api/v1/households/{household.pk}/").status_code == 200
    api_history = auditor_api.get(f"/api/v1/households/{household.pk}/history/")
    assert api_history.status_code == 200
    return api_history.json()


def allowed(officials, household) -> list[str]:
    """The Latin a history may show: usernames, file names, paths, the Latin in labels (SHA-256, SM3, PDF)."""
    names = [u.get_username() for u in officials.values()] + ["auditor"]
    return sorted(set(names), key=len, reverse=True) + [
        r"\b(image|application|text)/[\w.+\-]+",  # 文件类型 (MIME) of events recorded before its label
        "JPEG", "PNG",  # 文件类型：PNG 图片
        r"/[\w/\-.?=&]*",  # 访问路径
        r"[\w\-]+\.(png|pdf|jpg|xlsx)",  # file names
        r"\b[0-9a-f]{16,}\b",  # hashes
        "SHA-256", "SM3", "PDF",
    ]


def latin_left(text: str, whitelist: list[str]) -> list[str]:
    for pattern in whitelist:
        text = re.sub(pattern, " ", text)
    return [w for w in re.findall(r"\S*[A-Za-z]\S*", text)]


def test_the_history_reads_in_chinese_on_the_page_in_excel_and_in_pdf(officials, give, areas, household, login):
    api_history = walk(household, officials, give, areas, login)
    whitelist = allowed(officials, household)
    client = login(officials["auditor"])
    # the page: the label and content columns
    page = client.get(url(household)).content.decode()
    rows = re.findall(r'<tr data-action="[^"]*">(.*?)</tr>', page, re.S)
    assert len(rows) > 10
    left = []
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        left += latin_left(cells[2] + " " + cells[6], whitelist)
    assert left == []
    assert "同意（提交搬迁申请）" in page and "同意（乡镇审核（入户调查））" in page
    assert "渠道：接口" in page and "阶段：审核" in page and "环节：县级审批（抽样踏验与信息比对）" in page
    # Excel: 操作 and 内容
    book = load_workbook(io.BytesIO(client.get(url(household, ".xlsx")).content))
    lines = list(book.active.iter_rows(min_row=3, values_only=True))
    assert len(lines) >= len(rows)  # the page read itself is in the export
    assert [w for line in lines for w in latin_left(f"{line[2]} {line[7] or ''}", whitelist)] == []
    assert any(line[2] == "同意（县级审批（抽样踏验与信息比对））" for line in lines)
    # PDF: all of it (the header names the exporter, the footer its check code and hashes)
    response = client.get(url(household, ".pdf"))
    text = pdf_text(response.content)
    from audit.models import AuditEvent
    from documents.verification import display

    code = display(AuditEvent.objects.filter(action="supervision.history_pdf").latest("id").data["code"])
    assert latin_left(text.replace(code, " "), whitelist + [r"\d+\.\d+\.\d+\.\d+", "IP地址"]) == []
    assert "同意（提交搬迁申请）" in text.replace("\n", "")
    # The API: its detail stays machine data, its label reads in Chinese.
    entries = api_history.get("results", api_history) if isinstance(api_history, dict) else api_history
    labels = [e["label"] for e in entries]
    assert "同意（提交搬迁申请）" in labels and not any(LATIN.search(label) for label in labels)
    assert any(e["detail"].get("step") == "township_review" for e in entries)


def test_decision_labels_name_the_step_of_the_household_or_the_site():
    assert label_of("household.submit_application.approve") == "同意（提交搬迁申请）"
    assert label_of("household.county_approval.return") == "退回（县级审批（抽样踏验与信息比对））"
    assert label_of("household.removal_request.request") == "申请（清退申请）"
    assert step_label("selection_opinion", "site") == "选址意见（自然资源部门）"
    assert label_of("site.selection_opinion.approve") == "同意（选址意见（自然资源部门））"
    assert label_of("site.selection_opinion.return") == "退回（选址意见（自然资源部门））"
    assert label_of("household.no_such_step.approve") == "同意（no_such_step）"  # unknown: the code stays


def test_lists_and_dicts_read_as_names_and_labels_not_python():
    items = dict(detail_items({
        "attachments": [{"name": "整改报告.pdf", "sha256": "ab"}, {"name": "照片.png"}],
        "via": "web", "stage": "approval", "round": 1, "path": "/api/v1/x/",
        "changes": {"stage": "apply", "round": 2}, "upheld": False,
    }))
    assert items["附件"] == "整改报告.pdf、照片.png"
    assert items["渠道"] == "网页" and items["阶段"] == "审核" and items["轮次"] == "1"
    assert items["访问路径"] == "/api/v1/x/" and items["异议成立"] == "否"
    assert items["变更"] == "阶段：申报，轮次：2"
    site = dict(detail_items({"stage": "construction"}, "site.x.approve", "site"))
    assert site["阶段"] == "开工建设"


def test_every_payload_key_the_apps_record_has_a_chinese_label():
    import ast
    import pathlib

    from supervision.detail_labels import DETAIL_LABELS

    root = pathlib.Path(__file__).resolve().parents[2]
    keys = set()
    for app in ("accounts", "aftercare", "approvals", "api", "archive", "audit", "documents", "registry",
                "supervision", "workflows"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                        "record", "_audit", "_record"):
                    for arg in list(node.args[2:]) + [k.value for k in node.keywords if k.arg == "data"]:
                        for d in ast.walk(arg):
                            if isinstance(d, ast.Dict):
                                keys |= {k.value for k in d.keys if isinstance(k, ast.Constant)
                                         and isinstance(k.value, str)}
    missing = sorted(keys - set(DETAIL_LABELS))
    assert missing == []
