"""REST serializer fields of the kit: text with the control-character rules of ``apps.core.text``
and dates within the bounds the pages use (``apps.core.forms``). Input serializers use these, not
DRF's own ``CharField`` / ``DateField`` / ``DateTimeField``."""

from __future__ import annotations

import datetime as dt

from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from apps.core.forms import EARLIEST_DATE, LATEST_DATE, MAX_INT
from apps.core.text import validate_multi_line, validate_single_line


class _KitCharField(serializers.CharField):
    kit_validator = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The kit's validator names a NUL or a lone surrogate itself: DRF's would say it again.
        self.validators = [v for v in self.validators
                           if not isinstance(v, (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator))]
        self.validators.append(type(self).kit_validator)


class LineField(_KitCharField):
    """Single-line text: control characters, CR and LF included, are refused with a clear message."""

    kit_validator = staticmethod(validate_single_line)


class TextField(_KitCharField):
    """Multi-line text: line breaks and tabs are kept, other control characters refused."""

    kit_validator = staticmethod(validate_multi_line)


class DateField(serializers.DateField):
    """A date between ``EARLIEST_DATE`` and ``LATEST_DATE``: a forged 0001-01-01 or 9999-12-31 would
    break date arithmetic later (working days, deadlines)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


class DateTimeField(serializers.DateTimeField):
    """A moment within the days of :class:`DateField`; one the server cannot convert to its time
    zone (year 1, year 9999) is a bad value, not an error of the server."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(dt.datetime.combine(EARLIEST_DATE, dt.time.min, tzinfo=dt.UTC)),
                            MaxValueValidator(dt.datetime.combine(LATEST_DATE, dt.time.max, tzinfo=dt.UTC))]

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except (OverflowError, ValueError):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")


MAX_ID = 2**63 - 1  # PostgreSQL ``bigint``


class IdField(serializers.IntegerField):
    """The id of a record named in a body (a person, a batch): a whole number from 1 to 2⁶³−1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class VersionField(serializers.IntegerField):
    """The ``version`` of a record the client read (optimistic locking, ``apps.core.locking``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(**kwargs)


class RecordField(serializers.PrimaryKeyRelatedField):
    """A record named by its id in a body, among ``queryset`` (those the person may name). The id
    must be a whole number: ``1.5`` or ``"1abc"`` is refused, not read as record 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", IdField())
        super().__init__(**kwargs)
