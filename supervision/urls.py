from django.urls import path

from . import finding_views, views

app_name = "supervision"

urlpatterns = [
    # 案件历史: one timeline per household or site, and its Excel export.
    path("supervision/households/<int:pk>/history/", views.household_history, name="household_history"),
    path("supervision/households/<int:pk>/history.xlsx", views.household_history_xlsx, name="household_history_xlsx"),
    path("supervision/households/<int:pk>/history.pdf", views.household_history_pdf, name="household_history_pdf"),
    path("supervision/sites/<int:pk>/history/", views.site_history, name="site_history"),
    path("supervision/sites/<int:pk>/history.xlsx", views.site_history_xlsx, name="site_history_xlsx"),
    path("supervision/sites/<int:pk>/history.pdf", views.site_history_pdf, name="site_history_pdf"),
    # Where a printed history's QR code leads (inside the system, scoped).
    path("supervision/exports/<str:code>/", views.export_check, name="export_check"),
    # 审计日志: the event log of the auditor's scope.
    path("supervision/log/", views.audit_log, name="audit_log"),
    # 完整性: the latest results of the scheduled checks.
    path("supervision/integrity/", views.integrity, name="integrity"),
    path("supervision/integrity/run/", views.integrity_run, name="integrity_run"),
    # 督查问题台账: the ledger, filing, rectification, 销号 or send-back.
    path("supervision/findings/", finding_views.ledger, name="findings"),
    path("supervision/findings.xlsx", finding_views.ledger_xlsx, name="findings_xlsx"),
    path("supervision/findings/new/", finding_views.finding_new, name="finding_new"),
    path("supervision/findings/<int:pk>/", finding_views.finding_detail, name="finding"),
    path("supervision/findings/<int:pk>/respond/", finding_views.finding_respond, name="finding_respond"),
    path("supervision/findings/<int:pk>/review/", finding_views.finding_review, name="finding_review"),
    path("supervision/findings/<int:pk>/attachments/<int:attachment_pk>/", finding_views.attachment_download,
         name="finding_attachment"),
]
