from django.urls import path

from . import recheck_views, views

app_name = "intake"

urlpatterns = [
    path("intake/", views.index, name="index"),
    path("intake/template.xlsx", views.template, name="template"),
    path("intake/export.xlsx", views.export_list, name="export"),
    path("intake/<int:pk>/", views.batch_detail, name="batch"),
    path("intake/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("intake/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("intake/<int:pk>/errors.xlsx", views.error_workbook, name="errors"),
    path("intake/recheck/", recheck_views.page, name="recheck"),
    path("intake/recheck/upload/", recheck_views.upload, name="recheck_upload"),
    path("intake/recheck/sample/", recheck_views.sample, name="recheck_sample"),
    path("intake/recheck/report/", recheck_views.report, name="recheck_report"),
    path("intake/recheck/reports/<int:pk>/excel/", recheck_views.report_excel, name="recheck_report_excel"),
    path("intake/recheck/suspects/<int:pk>/", recheck_views.decide, name="recheck_decide"),
    path("intake/recheck/checks/<int:pk>/", recheck_views.field_check, name="recheck_field_check"),
]
