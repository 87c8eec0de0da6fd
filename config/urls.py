from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from apps.accounts import views as accounts_views

admin.site.site_header = "档案服务外包质量保障系统"
admin.site.site_title = "档案服务外包质量保障系统"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects:list", permanent=False)),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("accounts/", include("apps.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("projects/", include("apps.projects.urls")),
    path("reports/", include("apps.reports.urls")),
    path("signatures/", include("apps.signatures.urls")),
    path("attachments/", include("apps.attachments.urls")),
    path("deadlines/", include("apps.deadlines.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("qualification/", include("apps.qualification.urls")),
    path("plans/", include("apps.plans.urls")),
    path("teams/", include("apps.teams.urls")),
    path("disclosure/", include("apps.disclosure.urls")),
    path("first-article/", include("apps.first_article.urls")),
    path("sampling/", include("apps.sampling.urls")),
    path("batches/", include("apps.batches.urls")),
    path("inspections/", include("apps.inspections.urls")),
    path("lot-inspection/", include("apps.lot_inspection.urls")),
    path("problems/", include("apps.rectification.urls")),
    path("control/", include("apps.control.urls")),
    path("acceptance/", include("apps.acceptance.urls")),
    path("handover/", include("apps.handover.urls")),
    path("warranty/", include("apps.warranty.urls")),
    path("evaluation/", include("apps.evaluation.urls")),
    path("api/", include("apps.api.urls")),
    path("admin/login/", accounts_views.admin_login),  # the site's log-in, with its second step
    path("admin/", admin.site.urls),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
