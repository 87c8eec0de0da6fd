from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """``?page=N`` (and ``?page_size=M``, at most 100). Answers ``count``, ``next``,
    ``previous`` and ``results``."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
