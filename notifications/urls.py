from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notice_list, name="list"),
    path("notifications/read/", views.read, name="read"),
    path("notifications/<int:pk>/open/", views.open_notice, name="open"),
    path("notifications/channels/", views.channels, name="channels"),
    path("notifications/delegations/", views.delegations, name="delegations"),
    path("notifications/delegations/<int:pk>/revoke/", views.revoke_delegation, name="revoke_delegation"),
    path("notifications/views/", views.saved_views, name="views"),
    path("notifications/views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("notifications/escalations/", views.escalations, name="escalations"),
]
