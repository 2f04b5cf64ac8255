from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from csp.decorators import csp_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from appliance import health

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/routing/", include("appliance.routing.api_urls")),
    path("api/v1/", include("appliance.documents.api.urls")),
    path("audit/", include("audit.urls")),
    path("review/", include("appliance.review.urls")),
    path("routing/", include("appliance.routing.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline script;
    # ReDoc's page has one, so that page alone goes without the policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", csp_exempt()(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("appliance.documents.urls")),
]

handler500 = "appliance.health.server_error"
