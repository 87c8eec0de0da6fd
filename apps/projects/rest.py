"""API plumbing that needs a project: the mixin of every endpoint below ``projects/<project_pk>/``."""

from __future__ import annotations

from django.utils.functional import cached_property

from .models import Project
from .selectors import project_for_user


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
