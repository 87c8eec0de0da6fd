"""REST serializer fields for text, with the kit's control-character rules (``apps.core.text``)."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.text import validate_multi_line, validate_single_line


class LineField(serializers.CharField):
    """Single-line text: control characters, CR and LF included, are refused with a clear message."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_single_line)


class TextField(serializers.CharField):
    """Multi-line text: line breaks and tabs are kept, other control characters refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_multi_line)
