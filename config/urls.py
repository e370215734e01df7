"""Top-level URLs: pages per app, the API, its schema and docs, the admin."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from ops import views as ops_views
from people import sso as people_sso
from people import views as people_views

from .health import healthz

urlpatterns = [
    path("", people_views.home, name="home"),
    path("people/", include("people.urls")),
    path("hris/", include("hris.urls")),
    path("catalog/", include("catalog.urls")),
    path("budget/", include("budgets.urls")),
    path("comms/", include("comms.urls")),
    path("moments/", include("policy.urls")),
    path("surveys/", include("surveys.urls")),
    path("goals/", include("goals.urls")),
    path("engagement/", include("engagement.urls")),
    path("adoption/", include("adoption.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("language/", people_views.language_switch, name="set_language"),
    path("privacy/", people_views.privacy, name="privacy"),
    path("accounts/sso/", people_sso.oidc_start, name="oidc_authentication_init"),
    path("accounts/sso/callback/", people_sso.oidc_callback, name="oidc_authentication_callback"),
    path("accounts/login/", people_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", people_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("api/v1/", include(("config.api", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script); ReDoc styles
    # itself inline and reads the schema in a worker, which its page alone allows.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="schema")
        ),
        name="api_redoc",
    ),
    path("healthz", healthz, name="healthz"),
    path("health/ready", ops_views.ready, name="ready"),
    path("admin/", admin.site.urls),
    path("scim/v2/", include("hris.scim.urls")),
]

# JSON 404s for /api/ and /scim/ (a non-numeric id, an unknown path); pages keep the HTML one.
handler404 = "hris.views.api_not_found"
# A database that is away answers 503 with Retry-After (a page in the person's language, or JSON).
handler500 = "ops.views.server_error"
