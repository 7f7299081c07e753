from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from anxuan.api import views as api_views
from anxuan.api.api import api
from anxuan.core.ratelimit import per_address
from anxuan.core.views import healthz
from anxuan.orgs.forms import LoginForm

# Error pages in the site's layout; JSON under /api/ (anxuan.error_pages).
handler403 = "anxuan.error_pages.permission_denied"
handler404 = "anxuan.error_pages.page_not_found"
handler500 = "anxuan.error_pages.server_error"

urlpatterns = [
    path(
        "accounts/login/",
        # Attempts per address, whichever accounts they name (axes locks accounts besides).
        per_address("login", "LOGIN_RATE_PER_MINUTE", methods=("POST",))(
            auth_views.LoginView.as_view(
                authentication_form=LoginForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", per_address("healthz", "HEALTHZ_RATE_PER_MINUTE")(healthz), name="healthz"),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_views.not_found),
    path("", include("anxuan.api.urls")),
    path("", include("anxuan.orgs.urls")),
    path("", include("anxuan.campaigns.urls")),
    path("", include("anxuan.reports.urls")),
    path("", include("anxuan.tips.urls")),
    path("", include("anxuan.rollup.urls")),
    path("", include("anxuan.integrity.urls")),
    path("", include("anxuan.assessment.urls")),
    path("", include("anxuan.dashboards.urls")),
    path("", include("anxuan.exports.urls")),
]
