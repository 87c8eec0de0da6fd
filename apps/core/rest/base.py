"""The configuration every API view shares, set on the classes themselves so that it holds
whatever ``REST_FRAMEWORK`` says (and before the settings are added).

Other apps write their endpoints as subclasses of :class:`ApiViewSet` (or :class:`ApiView`);
endpoints below one project mix in ``apps.projects.rest.ProjectScopedMixin``. See docs/api.md.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apps.core.permissions import require

from .authentication import AUTHENTICATION_CLASSES
from .exceptions import api_exception_handler
from .filters import ApiFilterBackend
from .pagination import ApiPagination
from .parsers import ApiJSONParser
from .permissions import IsActiveUser
from .query import validate_query
from .schema import ApiAutoSchema

# A numeric id in URLs: anything else never reaches a view and gets the JSON 404 of the
# catch-all route in urls.py.
ID_REGEX = r"[0-9]+"


def api_schema(**kwargs):
    """``extend_schema`` for a view method that builds on the kit's :class:`ApiAutoSchema` (the
    error answers) whatever DEFAULT_SCHEMA_CLASS says. Put it above ``@action``."""

    def decorator(func):
        base = getattr(func, "schema", None) is None and "schema" not in getattr(func, "kwargs", {})
        if base:
            func.schema = ApiAutoSchema
        func = extend_schema(**kwargs)(func)
        if base:
            # drf-spectacular builds on ``func.schema`` before the schema stacked in ``func.kwargs``:
            # without this, a second ``api_schema(methods=[…])`` would drop the first one.
            del func.schema
        return func

    return decorator


class ApiConfigMixin:
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsActiveUser]
    renderer_classes = [JSONRenderer]
    parser_classes = [ApiJSONParser, FormParser, MultiPartParser]
    pagination_class = ApiPagination
    filter_backends = [ApiFilterBackend]
    filterset_class = None  # a FilterSet (apps.core.rest.filters); an @action may name its own
    throttle_classes: list = []
    schema = ApiAutoSchema()
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

    def query(self, serializer_class, **kwargs) -> dict:
        """The query parameters ``serializer_class`` declares, validated (400 naming the
        parameter; each given once). Filters of a list are a FilterSet instead
        (``apps.core.rest.filters``); document the parameters with ``api_schema(parameters=[…])``."""
        return validate_query(self.request, serializer_class, **kwargs)

    def reason(self, serializer_class) -> str:
        """The ``reason`` of a DELETE, validated by ``serializer_class``: from the body when it
        sends one, else from ``?reason=``."""
        body = self.request.data
        if body and (not isinstance(body, dict) or "reason" in body):
            data = serializer_class(data=body)
            data.is_valid(raise_exception=True)
            return data.validated_data["reason"]
        return self.query(serializer_class)["reason"]


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
