"""The catch-all of /api/: a JSON 404 for every path no route matches."""

from __future__ import annotations

from rest_framework.exceptions import NotFound

from apps.core.rest.base import ApiView


class NotFoundView(ApiView):
    """Any other path under /api/: a JSON 404 rather than the HTML error page (also for ids
    that are not numbers, which the routes do not match)."""

    permission_classes: list = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound

    def options(self, request, *args, **kwargs):
        raise NotFound
