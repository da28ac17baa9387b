"""Read-only means read-only (issue 8, part 5): every request of the auditor that would write, on
every URL of the project outside his own findings, answers 403 (or 405 where the URL takes no
POST) and changes nothing. Each URL is filled with the id of a real object of its kind in the
auditor's county, so the refusal is the post's, not a 404 of a made-up id."""

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from documents.models import DocumentVersion, Evidence
from documents.services import generate_document
from supervision import findings
from supervision.models import Finding
from tests.factories import SiteFactory
from tests.workflows.conftest import upload
from tests.workflows.test_walk import walk_to_approval
from workflows import worklist
from workflows.models import NoticeBatch, Objection, ReviewMeeting

# Not case writes: signing in and out and one's own password (a personal account matter), the
# admin site (its model permissions are tested with the registry), static files.
SKIPPED = re.compile(r"^(accounts/|admin/|static/|media/)")
# POSTs that read: an ID-number search kept in the session (never in an address), the public
# comparison of a printed PDF with its record, an archive export request (a package of what one
# may read, audited as such), a member's full ID number (a POST so it never sits in an address;
# auditors hold the reveal and each use is an audit event).
READING_POSTS = {"approvals:search_id", "documents:verify", "documents:verify_lookup", "archive:export_new",
                 "member_reveal_id",
                 # the auditor's own notifications marked read, his own channel choices: no case data
                 "notifications:read", "notifications:channels",
                 # his own notice opened (marked read), his own stand-in revoked, his own saved inbox
                 # filter deleted: his personal arrangements, no case data (another's are 404:
                 # test_his_own_notices_stand_ins_and_views_only)
                 "notifications:open", "notifications:revoke_delegation", "notifications:delete_view",
                 # 立即运行 of the integrity checks: it verifies, writing only its results and its
                 # audit event (tests/supervision/test_integrity.py)
                 "supervision:integrity_run",
                 # the completeness report of a large area as a background job: an export request
                 # of what he reads (tests/archive/test_completeness_job.py)
                 "archive:completeness_job"}
# The auditor's own write domain: his findings (tested in test_finding_pages.py).
FINDINGS = re.compile(r"^supervision:finding")
# Rows a refused request may still leave: its own audit trail, sessions, login bookkeeping; and
# the export job a reading POST above requests.
# archive.exportjob and monitoring.ledgerexport: made lazily by the walk itself; monitoring.areatally:
# the cockpit's counted figures, a cache any reader's page refills when missing or too old.
UNCOUNTED = {"audit.auditevent", "audit.chainhead", "sessions.session", "axes.accessattempt", "axes.accesslog",
             "axes.accessfailurelog", "archive.exportjob", "monitoring.ledgerexport", "monitoring.areatally"}


def routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n) if entry.namespace else namespace
            yield from routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), ":".join(n for n in (namespace, entry.name or "") if n)


def first_pk(label, **filters):
    return apps.get_model(label).objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def export_job(world):
    """The auditor's own export of the household's file (export requests are reads)."""
    from archive.jobs import request_export, run

    job = request_export(world["officials"]["auditor"], "household", world["household"].pk)
    run(job.pk)  # built now: the build is scheduled after a commit the test never makes
    return job.pk


def export_code(world):
    """The verification code of the auditor's PDF export of the household's history."""
    from supervision.history_pdf import history_pdf
    from supervision.timeline import household_timeline

    household = world["household"]
    _, event = history_pdf(household, subject="搬迁户", entries=household_timeline(household),
                           actor=world["officials"]["auditor"], filters={})
    return event.data["code"]


# For each URL name with parameters: {parameter: the id of a real object of that URL's kind}.
def params_for(name: str, route: str, world: dict) -> dict:
    h, site = world["household"], world["site"]
    by_name = {
        "member_reveal_id": {"pk": h.pk, "member_pk": h.members.first().pk},
        "documents:verify": {"code": world["version"].verify_code},
        "documents:generate_for_household": {"household_pk": h.pk, "doc_type": "application_form"},
        "documents:household_documents": {"household_pk": h.pk},
        "documents:detail": {"pk": world["document"].pk},
        "documents:regenerate": {"pk": world["document"].pk},
        "documents:download_version": {"pk": world["version"].pk},
        "documents:batch_detail": {"pk": world["render_batch"]},
        "documents:batch_status": {"pk": world["render_batch"]},
        "documents:evidence_household": {"household_pk": h.pk},
        "documents:evidence_site": {"site_pk": site.pk},
        "approvals:claim": {"task_pk": world["task"]},
        "approvals:release": {"task_pk": world["task"]},
        "approvals:reassign": {"task_pk": world["task"]},
        "approvals:meeting_detail": {"pk": world["meeting"]},
        "approvals:notice_detail": {"pk": world["batch"]},
        "approvals:notice_photo": {"pk": world["batch"]},
        "approvals:notice_objection": {"pk": world["batch"]},
        "approvals:notice_print_forms": {"pk": world["batch"]},
        "approvals:objection_resolve": {"pk": world["objection"]},
        "approvals:version_pdf": {"pk": world["version"].pk},
        "approvals:render_progress": {"pk": world["render_batch"]},
        "approvals:render_merged": {"pk": world["render_batch"]},
        "approvals:print_for_signing": {"pk": h.pk, "doc_type": "acceptance_form"},
        "approvals:owed_regenerate": {"pk": world["owed_order"]},
        "archive:file_detail": {"pk": first_pk("archive.ArchiveFile")},
        "archive:file_catalogue": {"pk": first_pk("archive.ArchiveFile")},
        "archive:file_cover": {"pk": first_pk("archive.ArchiveFile")},
        "archive:item_open": {"pk": first_pk("archive.ArchiveItem")},
        "archive:export_new": {"kind": "household", "pk": h.pk},
        "archive:export_detail": {"pk": world["export_job"]()},
        "archive:export_download": {"pk": world["export_job"]()},
        "api:household-transition": {"pk": h.pk, "name": "township_review"},
        "api:site-transition": {"pk": site.pk, "name": "submit_plan"},
        "api:evidence-file": {"pk": world["evidence"]},
        "api:document-pdf": {"pk": world["document"].pk},
        "api:task-claim": {"pk": world["task"]},
        "api:task-release": {"pk": world["task"]},
        "api:notice-photo": {"pk": world["batch"]},
        "api:notice-objections": {"pk": world["batch"]},
        "api:objection-resolve": {"pk": world["objection"]},
        "supervision:export_check": {"code": world["export_code"]()},
        "placement_detail": {"pk": world["placement"]},
        "monitoring:ledger_xlsx": {"kind": "households"},
        "monitoring:ledger_export": {"kind": "households"},
        "monitoring:ledger_export_status": {"pk": world["ledger_export"]()},
        "monitoring:ledger_export_download": {"pk": world["ledger_export"]()},
        "aftercare:village_income": {"code": h.village.code},
        "aftercare:income_template": {"code": h.village.code},
        "public:notice": {"pk": world["batch"]},
        "supervision:finding_attachment": {"pk": world["finding"].pk,
                                           "attachment_pk": world["finding"].attachments.first().pk},
        "aftercare:hazard_photo": {"pk": world["hazard_photo"]},
        "intake:recheck_decide": {"pk": world["suspect"]},
        "intake:recheck_field_check": {"pk": world["field_check"]},
        "intake:recheck_report_excel": {"pk": world["recheck_report"]},
        "notifications:open": {"pk": world["notice"]},
        "notifications:revoke_delegation": {"pk": world["delegation"]},
        "notifications:delete_view": {"pk": world["saved_view"]},
    }
    if name in by_name:
        return by_name[name]
    # Otherwise the path names the kind of its <pk>: the segment just before it.
    segment = re.search(r"([\w-]+)/<int:pk>", route)
    kinds = {"households": h.pk, "cases": h.pk, "sites": site.pk, "site-cases": site.pk,
             "evidence": world["evidence"], "findings": world["finding"].pk, "risks": world["risk"],
             "hazards": world["hazard"], "intake": world["import_batch"]}
    if segment and segment.group(1) in kinds and re.findall(r"<", route) == ["<"]:
        return {"pk": kinds[segment.group(1)]}
    raise AssertionError(f"{name} ({route}): say in params_for which object its URL takes")


def concrete(route: str, values: dict) -> str:
    def fill(match):
        return str(values[match.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, re.sub(r"[\^$]", "", route)).replace("\\", "")


def snapshot():
    return {m._meta.label_lower: m.objects.count() for m in apps.get_models()
            if m._meta.label_lower not in UNCOUNTED and m._meta.managed}


@pytest.fixture
def world(officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)
    task = worklist.filter_step(worklist.open_tasks(), "township_review").get()
    batch = NoticeBatch.objects.get()
    objection = Objection.objects.create(batch=batch, household=household, objector="村民王某", content="面积有疑问",
                                         recorded_by=officials["clerk_a"])
    document = generate_document("application_form", actor=officials["county_office"], household=household).document
    RenderBatch = apps.get_model("documents", "RenderBatch")
    render_batch = RenderBatch.objects.create(doc_type="application_form", household_ids=[household.pk], total=1,
                                              started_by=officials["clerk_a"])
    site = SiteFactory(area=areas["county"])
    owed_order = apps.get_model("documents", "RenderOrder").objects.create(
        lifecycle="household", doc_type="application_form", area_code=household.area_code, household=household,
        household_ids=[household.pk], actor=officials["clerk_a"])
    finding = findings.file_finding(actor=officials["auditor"], area_code=household.area_code, household=household,
                                    category="relocation", description="旧房未拆", attachments=[upload()],
                                    responsible_role="role_village_clerk", deadline=timezone.localdate())
    findings.respond(finding.pk, actor=officials["clerk_a"], text="已拆除")
    world = {
        "officials": officials, "household": household, "site": site, "task": task.pk, "batch": batch.pk,
        "meeting": ReviewMeeting.objects.get().pk, "objection": objection.pk, "document": document,
        "version": DocumentVersion.objects.filter(document=document).first(), "render_batch": render_batch.pk,
        "evidence": Evidence.objects.filter(household=household).order_by("pk").first().pk, "finding": finding,
        "owed_order": owed_order.pk,
    }
    world.update(later_apps_world(officials, areas, site))
    job, code = [], []
    world["export_job"] = lambda: job[0] if job else job.append(export_job(world)) or job[0]
    world["export_code"] = lambda: code[0] if code else code.append(export_code(world)) or code[0]
    world["placement"] = cross_county(world)
    ledger = []
    world["ledger_export"] = lambda: ledger[0] if ledger else ledger.append(ledger_export(world)) or ledger[0]
    return world


def ledger_export(world):
    """The county office's background 台账 (an auditor may not start one: 后台生成 is a POST)."""
    from monitoring.models import LedgerExport

    return LedgerExport.objects.create(kind="households", area_code=world["household"].village.parent.parent.code,
                                       requested_by=world["officials"]["county_office"], total=1).pk


def cross_county(world):
    """A 跨县安置 request for the household (registry/placements.py), as its township files it: for a
    site of a neighbouring county, waiting for the county's decision."""
    from django.test import override_settings

    from registry import placements
    from tests.factories import AreaFactory

    neighbour = AreaFactory(code="520888000000", name="邻县", level="county")
    with override_settings(POLICY_CROSS_COUNTY_PROVINCES=["52"]):
        return placements.request_placement(actor=world["officials"]["reviewer"], household_id=world["household"].pk,
                                            site_id=SiteFactory(area=neighbour).pk, reason="邻县安置").pk


def later_apps_world(officials, areas, site) -> dict:
    """The objects of the apps that came after the first walk, each made by the app's own functions
    as its officials make them: a 后扶 household's 防返贫 risk, a site hazard with its photo, an import
    batch checked, a 回头看 list with its suspect, field check and report, and the auditor's own
    notice, delegation and saved view."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftercare.hazards import file_hazard
    from aftercare.models import HazardPhoto
    from aftercare.risks import raise_manually
    from intake import recheck, services
    from intake.models import FieldCheck, RecheckList, Suspect
    from notifications import delegation
    from notifications.models import SavedView
    from notifications.service import notify
    from tests.aftercare.conftest import moved_in
    from tests.conftest import make_official
    from tests.factories import HouseholdFactory
    from tests.intake.test_pages import a_list as import_list
    from tests.intake.test_recheck import a_list as department_list

    office, auditor, county = officials["county_office"], officials["auditor"], areas["county"]
    settled = moved_in(HouseholdFactory(village=areas["village_a"]))
    risk = raise_manually(actor=officials["reviewer"], household=settled, risk_type="01", detail="户主因病住院")
    hazard = file_hazard(actor=office, site=site, kind="extension", description="3栋一楼私自搭建彩钢棚",
                         found_on=timezone.localdate(), photos=[upload("before.png")])
    batch = services.upload(office, county, SimpleUploadedFile("名单.xlsx", import_list()))
    services.run_check(batch.pk)  # the check the batch's commit would start in the background
    member = settled.members.first()
    recheck.upload_list(office, county, RecheckList.Kind.STATE_SALARIED,
                        department_list([(member.name, member.id_number)]))
    recheck.draw_sample(office, county, 100, seed=1)
    report = recheck.build_report(office, county)
    notice = notify([auditor], "finding_filed", key="read-only-walk", title="督查问题交办", link="/supervision/findings/")
    colleague = make_official("auditor_two", "role_auditor", county)
    today = timezone.localdate()
    stand_in = delegation.create(principal=auditor, delegate=colleague, starts_on=today,
                                 ends_on=today + datetime.timedelta(days=7), reason="出差")
    return {
        "risk": risk.pk, "hazard": hazard.pk, "hazard_photo": HazardPhoto.objects.get().pk, "import_batch": batch.pk,
        "suspect": Suspect.objects.get().pk, "field_check": FieldCheck.objects.order_by("pk").first().pk,
        "recheck_report": report.pk, "notice": notice[0].pk, "delegation": stand_in.pk,
        "saved_view": SavedView.objects.create(user=auditor, name="逾期", query="overdue=on").pk,
    }


# URLs whose object is named in the query string.
QUERIES = {"archive:level_record_new": lambda world: f"?area={world['household'].village.parent.parent.code}"}


def urls(world, *, findings_only=False):
    for route, name in routes():
        if SKIPPED.match(route) or route.endswith("^") or bool(FINDINGS.match(name)) != findings_only:
            continue  # a catch-all (the API's answer to unknown addresses) has no object to take
        query = QUERIES[name](world) if name in QUERIES else ""
        yield name, concrete(route, params_for(name, route, world) if "<" in route else {}) + query


# Pages that are not the auditor's to open even in his county (404, as for anyone they are not for):
# the supervisors' reassignment form, the village officials' meeting and notice forms, render
# batches (their starter's own progress pages), the archivists' form for level records.
NOT_HIS = {"approvals:reassign", "approvals:meeting_new", "approvals:notice_new", "documents:batch_detail",
           "documents:batch_status", "approvals:render_progress", "approvals:render_merged",
           "archive:level_record_new",
           # the list export with full ID numbers (posts that may reveal them), the supervisors'
           # 逾期督办, and the public window's notice (only while it runs; the world's has ended)
           "intake:export", "notifications:escalations", "public:notice",
           # an import batch and its error workbook: the working file of the officials entering its
           # households (intake/access.py); the 回头看 report's Excel: the county office's (the
           # report itself is filed as a document, which the auditor reads)
           "intake:batch", "intake:errors", "intake:recheck_report_excel",
           # a background 台账 and its one download: its requester's (monitoring/ledger_exports.py)
           "monitoring:ledger_export_status", "monitoring:ledger_export_download"}
# Form pages (GET shows the form, POST writes): their POST must answer 403 like the POST-only URLs.
WRITE_FORMS = {"approvals:reassign", "approvals:meeting_new", "approvals:notice_new", "documents:notice_new",
               "documents:batch_new", "archive:level_record_new", "placement_new", "placement_detail"}


def test_every_url_takes_a_real_object_of_the_auditors_county(officials, world, login):
    client = login(officials["auditor"])
    missing = {name: url for name, url in urls(world) if name not in NOT_HIS and client.get(url).status_code == 404}
    assert missing == {}


def test_every_auditor_post_outside_his_findings_answers_403_and_writes_nothing(officials, world, login):
    client = login(officials["auditor"])
    before = snapshot()
    writes, pages = {}, {}
    for name, url in urls(world):
        if name in READING_POSTS:
            continue
        get = client.get(url).status_code
        post = client.post(url, {"decision": "approve", "opinion": "审计员试图修改"}).status_code
        # A URL that takes no GET is an action; a form page writes on POST: both are writes.
        if get == 405 or name in WRITE_FORMS:
            writes[f"{name} {url}"] = post
        else:
            pages[f"{name} {url}"] = (get, post)
    assert len(writes) > 25
    assert {url: code for url, code in writes.items() if code != 403} == {}
    # The other URLs are pages: a POST is refused (403/405) or shows the page as a GET would.
    assert {url: codes for url, codes in pages.items() if codes[1] not in (403, 405, codes[0])} == {}
    assert {url: codes for url, codes in pages.items() if codes[1] >= 500} == {}
    assert snapshot() == before


def test_the_reading_posts_are_open_to_the_auditor_and_logged(officials, world, login):
    from audit.models import AuditEvent

    client = login(officials["auditor"])
    household = world["household"]
    member = household.members.first()
    response = client.post(f"/households/{household.pk}/members/{member.pk}/reveal-id/")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="member.reveal_id").latest("id")
    assert (event.actor_username, event.target_id) == ("auditor", str(member.pk))


def test_the_auditor_writes_only_his_own_findings(officials, world, login):
    client = login(officials["auditor"])
    finding = world["finding"]
    assert client.post(f"/supervision/findings/{finding.pk}/respond/", {"text": "x"}).status_code == 403
    assert client.post(f"/supervision/findings/{finding.pk}/review/", {"decision": "close"}).status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == "closed"
    assert client.post("/supervision/findings/new/", {}).status_code == 400  # his to file; an empty form
    get_only = [url for name, url in urls(world, findings_only=True)
                if name in ("supervision:findings", "supervision:finding", "supervision:finding_attachment")]
    assert {url: client.post(url).status_code for url in get_only} == {url: 405 for url in get_only}


def test_his_own_notices_stand_ins_and_views_only(officials, world, login):
    """The personal posts above touch the auditor's own rows; another official's are 404 to him."""
    from notifications.models import Delegation, Notification, SavedView
    from notifications.service import notify

    theirs = notify([officials["clerk_a"]], "finding_filed", key="not-his", title="督查问题交办")[0]
    view = SavedView.objects.create(user=officials["clerk_a"], name="逾期", query="overdue=on")
    client = login(officials["auditor"])
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/views/{view.pk}/delete/").status_code == 404
    stand_in = Delegation.objects.get(pk=world["delegation"])
    client = login(stand_in.delegate)  # the stand-in may not revoke what the auditor gave
    assert client.post(f"/notifications/delegations/{stand_in.pk}/revoke/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None and SavedView.objects.filter(pk=view.pk).exists()
    assert Delegation.objects.get(pk=stand_in.pk).revoked_at is None
