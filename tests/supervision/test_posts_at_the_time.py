"""A case history names the post its actor held when the event was recorded (stored with the
event), not the post held now; events recorded before posts were stored show the current post,
marked 现任."""

import datetime
import io

from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from openpyxl import load_workbook

import audit.log
from registry.scope import forget_grants
from supervision import findings
from tests.conftest import make_official


def history(login, auditor, household, **params):
    return login(auditor).get(f"/supervision/households/{household.pk}/history/", params)


def test_the_timeline_shows_the_post_held_at_the_time_after_it_is_revoked(cast, household_a, areas, login):
    acting = make_official("acting", "role_township_reviewer", areas["town"])
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_township_reviewer",
                                    responsible_area_code=areas["town"].code,
                                    deadline=timezone.localdate() + datetime.timedelta(days=5))
    findings.respond(finding.pk, actor=acting, text="已整改")
    # He leaves the post: the reviewer's grant is revoked and he becomes the township leader.
    remove_perm("registry.role_township_reviewer", acting, areas["town"])
    assign_perm("registry.role_township_leader", acting, areas["town"])
    forget_grants(acting)
    response = history(login, cast["auditor"], household_a, kind=["finding"])
    entries = {e.action: e for e in response.context["entries"]}
    assert (entries["finding.respond"].role, entries["finding.respond"].role_current) == ("乡镇审核员", False)
    assert entries["finding.file"].role == "审计/纪检/复查人员"
    page = response.content.decode()
    assert "乡镇审核员" in page and "乡镇分管领导" not in page and "data-role-current" not in page
    book = load_workbook(io.BytesIO(login(cast["auditor"]).get(
        f"/supervision/households/{household_a.pk}/history.xlsx", {"kind": ["finding"]}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[5] for r in rows[2:] if r[3] == "finding.respond"] == ["乡镇审核员"]


def test_an_event_recorded_before_posts_were_kept_shows_the_current_post_marked(cast, household_a, areas, login,
                                                                                 monkeypatch):
    acting = make_official("acting", "role_township_reviewer", areas["town"])
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_township_reviewer",
                                    responsible_area_code=areas["town"].code,
                                    deadline=timezone.localdate() + datetime.timedelta(days=5))
    with monkeypatch.context() as patched:
        patched.setattr(audit.log, "_posts_provider", None)  # as the log did before posts were stored
        findings.respond(finding.pk, actor=acting, text="已整改")
    assign_perm("registry.role_township_leader", acting, areas["town"])
    response = history(login, cast["auditor"], household_a, kind=["finding"])
    entry = next(e for e in response.context["entries"] if e.action == "finding.respond")
    assert entry.role_current and entry.role == "乡镇分管领导、乡镇审核员（现任）"
    page = response.content.decode()
    assert "data-role-current" in page and "（现任）" in page


def test_the_log_browser_shows_the_posts_stored_with_each_event(cast, household_a, login, monkeypatch):
    from audit.log import record

    with monkeypatch.context() as patched:
        patched.setattr(audit.log, "_posts_provider", None)
        old = record(cast["clerk_a"], "household.change", household_a)
    new = record(cast["clerk_a"], "household.change", household_a)
    page = login(cast["auditor"]).get("/supervision/log/").content.decode()

    def cell(event):
        return page.split(f'data-event="{event.pk}"')[1].split("data-posts>")[1].split("</td>")[0]

    assert cell(new) == "村级经办人（村文书）"
    assert "未记录" in cell(old)
