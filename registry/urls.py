from django.urls import path

from . import entry, placement_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", entry.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", entry.household_edit, name="household_edit"),
    path("households/<int:pk>/members/<int:member_pk>/reveal-id/", views.member_reveal_id,
         name="member_reveal_id"),
    path("households/<int:pk>/cross-county/", placement_views.placement_new, name="placement_new"),
    path("cross-county/", placement_views.placement_list, name="placement_list"),
    path("cross-county/<int:pk>/", placement_views.placement_detail, name="placement_detail"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
]
