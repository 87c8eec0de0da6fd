"""The OpenAPI schema and the Swagger UI, served from our own static files (the intranet has
no internet: drf-spectacular-sidecar ships the Swagger UI assets).

The Swagger page is the "split" variant: its start-up script is a separate same-origin file,
so the strict Content-Security-Policy (no inline script) holds.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.settings import patched_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView, _get_sidecar_url
from rest_framework.permissions import AllowAny

from apps.core.rest.authentication import AUTHENTICATION_CLASSES
from apps.core.rest.exceptions import api_exception_handler
from apps.core.rest.permissions import IsAuthenticatedReader

TITLE = "档案服务外包质量保障系统 API"

# Applied to every schema/docs request, so that they are right before SPECTACULAR_SETTINGS is
# added to the settings (and whatever it says).
from .enum_names import ENUM_NAME_OVERRIDES  # noqa: E402

SPECTACULAR_OVERRIDES = {
    "TITLE": TITLE,
    "DESCRIPTION": "REST API v1. Authentication: session (browser) or `Authorization: Token <key>` "
                   "from POST /api/v1/auth/token/. See docs/api.md.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise load a badge from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES,
}


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: YAML by default, JSON with ``?format=json`` or ``Accept``."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticatedReader]
    custom_settings = SPECTACULAR_OVERRIDES
    schema = None  # not part of the schema itself

    def get_exception_handler(self):
        return api_exception_handler


class DocsView(SpectacularSwaggerSplitView):
    """``/api/docs/``: Swagger UI. Anonymous visitors are sent to the login page."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [AllowAny]
    url_name = "api:schema"
    title = TITLE
    template_name = "api/swagger_ui.html"
    schema = None

    def get(self, request, *args, **kwargs):
        if not (request.user and request.user.is_authenticated and request.user.is_active):
            return redirect_to_login(request.get_full_path())
        with patched_settings(SPECTACULAR_OVERRIDES):
            return super().get(request, *args, **kwargs)

    @staticmethod
    def _swagger_ui_resource(filename):
        return _get_sidecar_url(f"swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return _get_sidecar_url("swagger-ui-dist/favicon-32x32.png")

