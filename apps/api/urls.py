"""Mounted at /api/ (config/urls.py).

Every resource is one ``router.register`` line. Apps keep their viewsets in their own ``api.py``
(subclasses of ``apps.core.rest.base.ApiViewSet``); this module only wires them.
"""

from importlib import import_module

from django.apps import apps
from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from apps.core.rest.base import ID_REGEX

from .auth import TokenView
from .docs import DocsView, SchemaView
from .views import NotFoundView

app_name = "api"

# Endpoints below one project: the viewset mixes in ProjectScopedMixin (self.project, 404 for outsiders).
PROJECT_PREFIX = rf"projects/(?P<project_pk>{ID_REGEX})/"

router = SimpleRouter()

# Apps with endpoints keep them in ``<app>/api.py`` with a function
# ``register(router, project_prefix)`` that adds their viewsets; nothing else to edit here.
for _app in apps.get_app_configs():
    if _app.name.startswith("apps.") and _app.name != "apps.api":
        try:
            _module = import_module(f"{_app.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_app.name}.api":
                raise
            continue
        _module.register(router, PROJECT_PREFIX)

v1_patterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]
api_patterns = [path("v1/", include(v1_patterns))]

urlpatterns = [
    *api_patterns,
    # The schema lists the API's own routes only (prefixed as mounted), not the HTML pages.
    path("schema/", SchemaView.as_view(patterns=[path("api/", include(api_patterns))]), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    re_path(r"^", NotFoundView.as_view(), name="not_found"),
]
