from django.urls import path

from . import check_views, export_views, level_views, views

app_name = "archive"

urlpatterns = [
    path("archive/", views.index, name="index"),
    path("archive/areas/", views.village, name="village"),  # ?code=<village code>
    path("archive/files/<int:pk>/", views.file_detail, name="file_detail"),
    path("archive/items/<int:pk>/", views.item_open, name="item_open"),
    path("archive/completeness/", views.completeness, name="completeness"),
    path("archive/completeness/background/", views.completeness_job, name="completeness_job"),
    path("archive/four-properties/", check_views.four_properties, name="four_properties"),
    path("archive/households/<int:pk>/export/", views.household_export, name="household_export"),
    path("archive/files/<int:pk>/catalogue.pdf", views.file_catalogue, name="file_catalogue"),
    path("archive/files/<int:pk>/cover.pdf", views.file_catalogue, {"part": "cover"}, name="file_cover"),
    path("archive/level-records/new/", level_views.level_record_new, name="level_record_new"),
    path("archive/exports/", export_views.export_list, name="export_list"),
    path("archive/exports/new/<str:kind>/<int:pk>/", export_views.export_new, name="export_new"),
    path("archive/exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("archive/exports/<int:pk>/download/", export_views.export_download, name="export_download"),
]
