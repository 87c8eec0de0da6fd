"""The configuration every API view shares, set on the classes themselves so that it holds
whatever ``REST_FRAMEWORK`` says (and before the settings are added).

Other apps write their endpoints as subclasses of :class:`ApiViewSet` (or :class:`ApiView`);
endpoints below one project mix in ``apps.projects.rest.ProjectScopedMixin``. See docs/api.md.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apps.core.permissions import require

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
    # OPTIONS is switched off on every route (405): DRF's metadata describes a form by calling
    # ``get_object()``, which is not defined for every route, and the schema at /api/schema/
    # already says what each route takes.
    metadata_class = None

    def get_exception_handler(self):
        return api_exception_handler

    def require(self, rule: str, obj=None, message: str | None = None) -> None:
        """Refuse (403, with the rule's registered sentence) unless the rule holds. Views ask
        before validating input so that someone without the role learns nothing from
        validation messages; the service checks the same rule again."""
        require(rule, self.request.user, obj, message=message)


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
