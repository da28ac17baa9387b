from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/notices/<int:pk>/", views.notice, name="notice"),
    path("public/lookup/", views.lookup, name="lookup"),
]
