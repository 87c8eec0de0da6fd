"""Pages of a list: ``?page=N`` and ``?page_size=M`` (at most 100), each a single whole number;
anything else is 400 (``apps.core.rest.query``). A page past the last one is 404."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

from .query import whole_number

MAX_PAGE = 2**31 - 1


class ApiPagination(PageNumberPagination):
    """Answers ``count``, ``next``, ``previous`` and ``results``."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # ``page`` is a number, nothing else

    def get_page_size(self, request):
        return whole_number(request, self.page_size_query_param, default=self.page_size, minimum=1,
                            maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        return whole_number(request, self.page_query_param, default=1, minimum=1, maximum=MAX_PAGE)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: {"minimum": 1, "maximum": MAX_PAGE},
                  self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size,
                                               "default": self.page_size}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
