"""Form pieces every app's pages use: a date picker and bounded date fields, the hidden version,
a password, a several-files field, radio styling, and the kit's fields for a ModelForm's model
fields (:func:`kit_formfield`). Text fields are :class:`apps.core.text.LineField` /
:class:`~apps.core.text.TextField`."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models

from .text import LineField, TextField, validate_storable

# Dates people enter (contracts, deadlines, meetings, certificates) lie between these. A typo such
# as 0202 or 20266, or a forged 9999-12-31, is refused: it would otherwise be stored and break date
# arithmetic later (working days, deadlines, reminders).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
MAX_INT = 2**31 - 1  # PostgreSQL ``integer``


class DateInput(forms.DateInput):
    """The browser's date picker, always with ISO dates."""

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """A date from the date picker, refused outside ``EARLIEST_DATE`` … ``LATEST_DATE``."""

    widget = DateInput

    def __init__(self, *, min_value: dt.date = EARLIEST_DATE, max_value: dt.date = LATEST_DATE, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(min_value), MaxValueValidator(max_value)]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, DateInput):  # the date picker offers only these days
            attrs.update(min=self.min_value.isoformat(), max=self.max_value.isoformat())
        return attrs


class DateTimeField(forms.DateTimeField):
    """A moment, refused outside the days of :class:`DateField`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.min_value = dt.datetime.combine(EARLIEST_DATE, dt.time.min, tzinfo=dt.UTC)
        self.max_value = dt.datetime.combine(LATEST_DATE, dt.time.max, tzinfo=dt.UTC)
        self.validators += [MinValueValidator(self.min_value), MaxValueValidator(self.max_value)]


class VersionField(forms.IntegerField):
    """The hidden ``version`` a page was opened with (optimistic locking, :mod:`apps.core.locking`)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=0, max_value=MAX_INT, **kwargs)


class PasswordField(forms.CharField):
    """A password typed again (login, signature): kept as typed; only what cannot be stored or
    hashed (NUL, a lone surrogate) and absurd lengths are refused."""

    widget = forms.PasswordInput
    default_validators = (validate_storable,)

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        kwargs.setdefault("max_length", 4096)
        super().__init__(**kwargs)
        # validate_storable names a NUL itself: Django's own validator would say it a second time.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


def _limits(db_field: models.Field) -> tuple:
    """The tightest bounds among the model field's validators (its own and the column's range)."""
    low = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
    high = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
    return (max(low) if low else None), (min(high) if high else None)


def kit_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``Meta.formfield_callback`` of a ModelForm: the model's free text becomes the kit's
    ``LineField`` / ``TextField``, its dates the bounded :class:`DateField`, and its whole numbers
    carry the model's bounds into the form (the form refuses 10**40 itself, with the range)."""
    if not db_field.choices:
        kind = type(db_field)
        if kind is models.CharField:
            kwargs.setdefault("form_class", LineField)
        elif kind is models.TextField:
            kwargs.setdefault("form_class", TextField)
        elif kind is models.DateField:
            kwargs.setdefault("form_class", DateField)
        elif isinstance(db_field, models.IntegerField):
            low, high = _limits(db_field)
            kwargs.setdefault("min_value", low)
            kwargs.setdefault("max_value", high)
    return db_field.formfield(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class StyledForm(forms.Form):
    """Bootstrap's class on radio buttons (the templates style the other widgets)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
