from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as accounts_views

admin.site.site_header = "易地扶贫搬迁案件审批与档案系统"
admin.site.site_title = "易地扶贫搬迁管理"
admin.site.index_title = "业务数据管理"

urlpatterns = [
    # Two-step sign-in (password, then the second factor): accounts/views.py.
    path("accounts/login/", accounts_views.PasswordStepView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("accounts.urls")),
    # The admin's own login form would sign in with a password alone: it leads to ours.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("ops.urls")),  # /healthz for load balancers
    # The cockpit is the home page (monitoring/views.py): before registry, whose plain list it replaces.
    path("", include("monitoring.urls")),
    path("", include("registry.urls")),
    path("", include("documents.urls")),
    path("", include("approvals.urls")),
    path("", include("archive.urls")),
    path("", include("supervision.urls")),
    path("", include("aftercare.urls")),
    path("", include("intake.urls")),
    path("", include("notifications.urls")),
    path("", include("public.urls")),  # /public/: no login (issue 22)
]
