from django.urls import path

# A read-only post (auditors) opens every page here but its POST is a 403 before any form is read.
from workflows.acting import post_requires_acting as acting

from . import recheck_views, views

app_name = "intake"

urlpatterns = [
    path("intake/", acting(views.index), name="index"),
    path("intake/template.xlsx", acting(views.template), name="template"),
    path("intake/export.xlsx", acting(views.export_list), name="export"),
    path("intake/<int:pk>/", acting(views.batch_detail), name="batch"),
    path("intake/<int:pk>/confirm/", acting(views.confirm), name="confirm"),
    path("intake/<int:pk>/cancel/", acting(views.cancel), name="cancel"),
    path("intake/<int:pk>/errors.xlsx", acting(views.error_workbook), name="errors"),
    path("intake/recheck/", acting(recheck_views.page), name="recheck"),
    path("intake/recheck/upload/", acting(recheck_views.upload), name="recheck_upload"),
    path("intake/recheck/sample/", acting(recheck_views.sample), name="recheck_sample"),
    path("intake/recheck/report/", acting(recheck_views.report), name="recheck_report"),
    path("intake/recheck/reports/<int:pk>/excel/", acting(recheck_views.report_excel), name="recheck_report_excel"),
    path("intake/recheck/suspects/<int:pk>/", acting(recheck_views.decide), name="recheck_decide"),
    path("intake/recheck/checks/<int:pk>/", acting(recheck_views.field_check), name="recheck_field_check"),
]
