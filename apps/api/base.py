"""The configuration every API view shares, set on the classes themselves so that it holds
whatever ``REST_FRAMEWORK`` says (and before the settings are added).

Other apps write their endpoints as subclasses of :class:`ApiViewSet` (or :class:`ApiView`);
endpoints below one project mix in :class:`ProjectScopedMixin`. See docs/api.md.
"""

from __future__ import annotations

import rules
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apps.core.errors import PermissionDenied
from apps.projects.models import Project
from apps.projects.selectors import project_for_user

from .authentication import AUTHENTICATION_CLASSES
from .exceptions import api_exception_handler
from .pagination import ApiPagination
from .permissions import IsActiveUser

# A numeric id in URLs: anything else never reaches a view and gets the JSON 404 of the
# catch-all route in urls.py.
ID_REGEX = r"[0-9]+"


def api_schema(**kwargs):
    """``extend_schema`` for a view method that works without DEFAULT_SCHEMA_CLASS in the
    settings: the decorator otherwise builds on DRF's own AutoSchema, which drf-spectacular's
    generator cannot use."""

    def decorator(func):
        if getattr(func, "schema", None) is None and "schema" not in getattr(func, "kwargs", {}):
            func.schema = AutoSchema
        return extend_schema(**kwargs)(func)

    return decorator


class ApiConfigMixin:
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsActiveUser]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    pagination_class = ApiPagination
    throttle_classes: list = []
    schema = AutoSchema()

    def get_exception_handler(self):
        return api_exception_handler

    def require(self, rule: str, obj=None, message: str | None = None) -> None:
        """Refuse (403) unless the django-rules predicate holds. Views ask before validating
        input so that someone without the role learns nothing from validation messages; the
        service checks the same rule again."""
        user = self.request.user
        ok = rules.test_rule(rule, user, obj) if obj is not None else rules.test_rule(rule, user)
        if not ok:
            raise PermissionDenied(message or _("You are not allowed to do this on this project."))


class ApiView(ApiConfigMixin, APIView):
    """A single endpoint (no model): authentication, permissions, errors as everywhere."""


class ApiViewSet(ApiConfigMixin, viewsets.GenericViewSet):
    """Base of every viewset. Subclasses return a scoped queryset from ``get_queryset`` (a
    selector) and call a service for every write; no ``ModelViewSet``, no ``serializer.save()``."""

    lookup_value_regex = ID_REGEX

    def http_method_not_allowed(self, request, *args, **kwargs):
        # An object the user may not see is 404 whatever the method: outsiders learn nothing.
        if self.kwargs.get(self.lookup_url_kwarg or self.lookup_field) is not None:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class ProjectScopedMixin:
    """For endpoints below ``projects/<project_pk>/``: ``self.project`` is the project if the
    user may see it, 404 otherwise (outsiders never learn that the id exists)."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.project  # noqa: B018 — 404 first for a project the user may not see
        return super().http_method_not_allowed(request, *args, **kwargs)

    @cached_property
    def project(self) -> Project:
        return project_for_user(self.request.user, self.kwargs.get("project_pk"))

    @property
    def is_schema_generation(self) -> bool:
        return getattr(self, "swagger_fake_view", False)
