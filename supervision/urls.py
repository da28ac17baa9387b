from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    # 案件历史: one timeline per household or site, and its Excel export.
    path("supervision/households/<int:pk>/history/", views.household_history, name="household_history"),
    path("supervision/households/<int:pk>/history.xlsx", views.household_history_xlsx, name="household_history_xlsx"),
    path("supervision/sites/<int:pk>/history/", views.site_history, name="site_history"),
    path("supervision/sites/<int:pk>/history.xlsx", views.site_history_xlsx, name="site_history_xlsx"),
    # 审计日志: the event log of the auditor's scope.
    path("supervision/log/", views.audit_log, name="audit_log"),
    # 完整性: the latest results of the scheduled checks.
    path("supervision/integrity/", views.integrity, name="integrity"),
]
