"""Filters of a list, one way for every viewset: a FilterSet (subclass of :class:`ApiFilterSet`)
named by the view's ``filterset_class`` (or its ``@action``), applied by :class:`ApiFilterBackend`,
which ``ApiViewSet`` uses. A bad value (a date that is not one, an unknown choice, an id that is
not visible, a repeated parameter) is 400 naming the parameter, never ignored.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend

from .query import refuse_repeated

TRUE_VALUES = frozenset({"true", "1"})
FALSE_VALUES = frozenset({"false", "0"})


class _BooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``); anything else is refused, not read as "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = _BooleanField


class ApiFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {**django_filters.FilterSet.FILTER_DEFAULTS,
                       models.BooleanField: {"filter_class": BooleanFilter}}


def _multiple(f) -> bool:
    return isinstance(f, (django_filters.MultipleChoiceFilter, django_filters.BaseInFilter))


class ApiFilterBackend(DjangoFilterBackend):
    filterset_base = ApiFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        refuse_repeated(request, filterset.filters, many=[n for n, f in filterset.filters.items() if _multiple(f)])
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        return filterset.qs
