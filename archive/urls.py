from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("archive/", views.index, name="index"),
    path("archive/files/<int:pk>/", views.file_detail, name="file_detail"),
    path("archive/items/<int:pk>/", views.item_open, name="item_open"),
    path("archive/completeness/", views.completeness, name="completeness"),
    path("archive/households/<int:pk>/export/", views.household_export, name="household_export"),
    path("archive/files/<int:pk>/catalogue.pdf", views.file_catalogue, name="file_catalogue"),
]
