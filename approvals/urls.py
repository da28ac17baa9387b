from django.urls import path

from .access import acting_post_required as acting
from .views import batches, bulk, case, case_evidence, inbox, owed, printing, site, site_entries

app_name = "approvals"

# Action URLs are wrapped in `acting`: a read-only post's POST answers 403 (approvals/access.py).
urlpatterns = [
    # 待办: inbox, queue, the area's tasks; claim / release / reassign; search by ID (POST only).
    path("work/", inbox.inbox, name="inbox"),
    path("work/search-id/", inbox.search_id, name="search_id"),
    path("work/tasks/<int:task_pk>/claim/", acting(inbox.claim), name="claim"),
    path("work/tasks/<int:task_pk>/release/", acting(inbox.release), name="release"),
    path("work/tasks/<int:task_pk>/reassign/", acting(inbox.reassign), name="reassign"),
    path("work/bulk/", acting(bulk.bulk_approve), name="bulk"),
    # 案件办理: the household's page and its actions.
    path("cases/<int:pk>/", case.case_detail, name="case"),
    path("cases/<int:pk>/decide/", acting(case.decide), name="decide"),
    path("cases/<int:pk>/evidence/", acting(case_evidence.case_evidence), name="case_evidence"),
    path("cases/<int:pk>/print/<slug:doc_type>/", acting(case.print_for_signing), name="print_for_signing"),
    path("cases/<int:pk>/removal/request/", acting(case.removal_request), name="removal_request"),
    path("cases/<int:pk>/removal/decide/", acting(case.removal_decide), name="removal_decide"),
    path("evidence/<int:pk>/thumbnail/", case.evidence_thumbnail, name="evidence_thumbnail"),
    # 待生成文书: what committed moves still owe (workflows/outbox.py), with 重新生成.
    path("work/owed-documents/", owed.owed_list, name="owed_documents"),
    path("work/owed-documents/<int:pk>/regenerate/", acting(owed.owed_regenerate), name="owed_regenerate"),
    # 安置点.
    path("site-cases/<int:pk>/", site.site_detail, name="site"),
    path("site-cases/<int:pk>/decide/", acting(site.site_decide), name="site_decide"),
    path("site-cases/<int:pk>/progress/", acting(site_entries.site_progress_report), name="site_progress"),
    path("site-cases/<int:pk>/funds/arrival/", acting(site_entries.site_funds_arrival), name="site_funds_arrival"),
    path("site-cases/<int:pk>/funds/disbursement/", acting(site_entries.site_funds_disbursement),
         name="site_funds_disbursement"),
    path("site-cases/<int:pk>/self-funds/", acting(site_entries.site_self_funds), name="site_self_funds"),
    # 评议与公示.
    path("meetings/", batches.meeting_list, name="meeting_list"),
    path("meetings/new/", acting(batches.meeting_new), name="meeting_new"),
    path("meetings/<int:pk>/", batches.meeting_detail, name="meeting_detail"),
    path("notices/", batches.notice_list, name="notice_list"),
    path("notices/new/", acting(batches.notice_new), name="notice_new"),
    path("notices/<int:pk>/", batches.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/photo/", acting(batches.notice_photo), name="notice_photo"),
    path("notices/<int:pk>/objections/", acting(batches.notice_objection), name="notice_objection"),
    path("notices/<int:pk>/print-forms/", acting(batches.notice_print_forms), name="notice_print_forms"),
    path("objections/<int:pk>/resolve/", acting(batches.objection_resolve), name="objection_resolve"),
    # 打印.
    path("print/versions/<int:pk>/", printing.version_pdf, name="version_pdf"),
    path("print/batches/<int:pk>/", printing.render_progress, name="render_progress"),
    path("print/batches/<int:pk>/merged.pdf", printing.render_merged, name="render_merged"),
]
