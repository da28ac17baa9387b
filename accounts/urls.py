from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/verify/", views.verify, name="verify"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("second-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("administration/", views.administration, name="administration"),
    path("administration/security/users/", views.security_users, name="security_users"),
    path("administration/security/users/<int:pk>/", views.security_user, name="security_user"),
]
