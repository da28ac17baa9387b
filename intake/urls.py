from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("intake/", views.index, name="index"),
    path("intake/template.xlsx", views.template, name="template"),
    path("intake/<int:pk>/", views.batch_detail, name="batch"),
    path("intake/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("intake/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("intake/<int:pk>/errors.xlsx", views.error_workbook, name="errors"),
]
