from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    # The cockpit is the home page of every post with an area (registry's plain list otherwise).
    path("", views.home, name="home"),
    path("monitoring/list/", views.drill, name="list"),
    path("monitoring/refresh/", views.refresh, name="refresh"),
    path("monitoring/rankings/", views.ranking_page, name="rankings"),
    path("monitoring/reports/", views.reports, name="reports"),
    path("monitoring/reports/daily.xlsx", views.daily_xlsx, name="daily_xlsx"),
    path("monitoring/reports/daily-pdf/", views.daily_pdf, name="daily_pdf"),
    path("monitoring/ledgers/", views.ledger_page, name="ledgers"),
    path("monitoring/ledgers/<slug:kind>.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("monitoring/ledgers/<slug:kind>/export/", views.ledger_export, name="ledger_export"),
    path("monitoring/ledgers/exports/<int:pk>/", views.ledger_export_status, name="ledger_export_status"),
    path("monitoring/ledgers/exports/<int:pk>/download/", views.ledger_export_download,
         name="ledger_export_download"),
    path("monitoring/definitions/", views.definitions, name="definitions"),
]
