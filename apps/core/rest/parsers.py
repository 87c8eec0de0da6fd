"""The JSON body of an API request, refused with a clear message (400) when it is not JSON, not
UTF-8, nested absurdly deep, or holds a string PostgreSQL cannot store (NUL, a lone surrogate such
as ``"\\ud800"``) anywhere, keys included: the answer names where."""

from __future__ import annotations

import codecs
import json
import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from apps.core.text import validate_storable


def _refuse_constant(name: str):
    raise ValueError(name)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400
        raise ValueError(text)
    return value


def _unstorable(data) -> tuple[str, list[str]] | None:
    """The path (``items.0.note``) and messages of the first string that cannot be stored."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                try:
                    validate_storable(key)
                except DjangoValidationError as exc:
                    return path or "non_field_errors", exc.messages
                stack.append((where, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
        elif isinstance(value, str):
            try:
                validate_storable(value)
            except DjangoValidationError as exc:
                return path or "non_field_errors", exc.messages
    return None


class ApiJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding") or "utf-8"
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=_refuse_constant,
                             parse_float=_finite)
        except UnicodeDecodeError:
            raise ParseError(_("The request body is not valid UTF-8 text.")) from None
        except json.JSONDecodeError as exc:
            raise ParseError(_("The request body is not valid JSON (line %(line)d, column %(column)d).")
                             % {"line": exc.lineno, "column": exc.colno}) from None
        except ValueError:  # NaN, Infinity, 1e400, a number of thousands of digits
            raise ParseError(_("The request body is not valid JSON.")) from None
        except RecursionError:
            raise ParseError(_("The request body is nested too deeply.")) from None
        bad = _unstorable(data)
        if bad is not None:
            path, messages = bad
            raise ValidationError({path: messages})
        return data
