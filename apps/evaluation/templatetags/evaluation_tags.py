"""``{{ rate|pct }}``: a rate as the evaluation shows every rate (two decimals and %, "—" when
there was nothing to count); ``{{ score|points }}``: a score with two decimals."""

from __future__ import annotations

from django import template

from ..stats import as_decimal, two_places

register = template.Library()


@register.filter
def pct(value) -> str:
    value = as_decimal(value)
    return "—" if value is None else f"{two_places(value)}%"


@register.filter
def points(value) -> str:
    value = as_decimal(value)
    return "—" if value is None else str(two_places(value))
