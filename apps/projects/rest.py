"""API plumbing that needs a project: the mixin of every endpoint below ``projects/<project_pk>/``
and the base of a viewset of one kind of the project's records."""

from __future__ import annotations

from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet

from .models import Project
from .selectors import project_for_user


class ProjectScopedMixin:
    """For endpoints below ``projects/<project_pk>/``: ``self.project`` is the project if the
    user may see it, 404 otherwise (outsiders never learn that the id exists)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # 404 for a project the user may not see before anything else is looked at (a query
        # parameter checked first would answer 400 to an outsider).
        self.project  # noqa: B018

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.project  # noqa: B018 — 404 first for a project the user may not see
        return super().http_method_not_allowed(request, *args, **kwargs)

    @cached_property
    def project(self) -> Project:
        return project_for_user(self.request.user, self.kwargs.get("project_pk"))

    @property
    def is_schema_generation(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


class ProjectRecordsViewSet(ProjectScopedMixin, ApiViewSet):
    """List and retrieve one kind of record of the project: subclasses name the ``model`` and
    return the scoped queryset from ``records()``; an id of another project is 404."""

    model = None
    http_method_names = ["get", "head", "options"]

    def records(self):
        raise NotImplementedError

    def get_queryset(self):
        if self.is_schema_generation:
            return self.model.objects.none()
        return self.records()

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)
