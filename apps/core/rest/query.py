"""Query parameters, validated one way everywhere (docs/api.md, "Query parameters").

A known parameter (a filter, ``page``, ``page_size``, a parameter a view reads) takes one value:
``?page_size=1&page_size=2`` and ``?page_size[]=1`` are refused with 400, as is a value of the
wrong type or out of bounds. Unknown parameters are ignored.

- filters of a list: a FilterSet (``apps.core.rest.filters``), applied by the views' filter backend;
- ``page`` and ``page_size``: ``apps.core.rest.pagination.ApiPagination``;
- other parameters a view reads (a reason on DELETE, the inputs of a computation):
  ``ApiViewSet.query(SomeSerializer)``, which validates them like a body.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


def refuse_repeated(request, names: Iterable[str], *, many: Iterable[str] = ()) -> None:
    """400 when one of ``names`` is given more than once, or as ``name[]`` (an array); the
    names in ``many`` may repeat (a multiple choice)."""
    params, many = request.query_params, set(many)
    for name in names:
        if f"{name}[]" in params or (name not in many and len(params.getlist(name)) > 1):
            raise ValidationError({name: [_("Give this parameter only once.")]})


def whole_number(request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """The single whole-number value of ``name`` between ``minimum`` and ``maximum`` (400 otherwise)."""
    refuse_repeated(request, [name])
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    digits = raw.removeprefix("-")
    value = int(raw) if digits.isascii() and digits.isdigit() and len(digits) <= 12 else None
    if value is None or not minimum <= value <= maximum:
        raise ValidationError({name: [_("Enter a whole number from %(min)d to %(max)d.")
                                      % {"min": minimum, "max": maximum}]})
    return value


def validate_query(request, serializer_class: type[serializers.Serializer], **kwargs) -> dict:
    """The query parameters ``serializer_class`` declares, validated like a body: one value each
    (a ``ListField`` may repeat), 400 naming the parameter otherwise."""
    serializer = serializer_class(**kwargs)
    many = [name for name, field in serializer.fields.items() if isinstance(field, serializers.ListField)]
    refuse_repeated(request, serializer.fields, many=many)
    data = {}
    for name in serializer.fields:
        if name in request.query_params:
            data[name] = request.query_params.getlist(name) if name in many else request.query_params[name]
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
