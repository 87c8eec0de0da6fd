"""One way to clean text that people and tools send: single-line and multi-line.

- A **single-line** value (a title, a name, a serial number, a reference) refuses every control
  character, CR and LF included: a line break in a title would end up in an e-mail header or
  a PDF cell and is never what the person meant.
- A **multi-line** value (a description, an opinion, minutes) keeps line breaks and tabs
  (``\\r\\n`` becomes ``\\n``) and refuses the other control characters.

Services call :func:`clean_line` / :func:`clean_text`; forms and serializers use the
validators (or the :class:`LineField` / :class:`TextField` form fields and the REST fields in
``apps.core.rest.fields``), so that a bad value is refused with the same Chinese message before
anything is saved, whatever the path.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .errors import DomainError

# Django's own refusal of a NUL character, translated in this project's catalogue (Django's
# Chinese catalogue has a typo in it).
gettext_noop("Null characters are not allowed.")

# Line and paragraph separators break a line as surely as LF does.
_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}
_MULTILINE_ALLOWED = {"\n", "\r", "\t"}  # browsers send a textarea's line ends as CR LF


def _bad_character(value: str, *, multiline: bool) -> str | None:
    for ch in value:
        if multiline and ch in _MULTILINE_ALLOWED:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in _LINE_BREAKS or ch == "\ufffe" or ch == "\uffff":
            return ch
    return None


def _normalise(value: str, *, multiline: bool) -> str:
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def _refusal(label, *, multiline: bool) -> str:
    if multiline:
        return _("%(label)s contains a control character that is not allowed.") % {"label": label}
    return _("%(label)s must be a single line without line breaks or control characters.") % {"label": label}


def _clean(value, *, field: str, label, required: bool, max_length: int, multiline: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(_("%(label)s must be text.") % {"label": label}, field=field)
    value = _normalise(value, multiline=multiline)
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise DomainError(_("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": max_length},
                          field=field)
    if _bad_character(value, multiline=multiline) is not None:
        raise DomainError(_refusal(label, multiline=multiline), field=field)
    return value


def clean_line(value, *, field: str, label, required: bool = True, max_length: int) -> str:
    """A single-line text: stripped; refused when not text, missing (if ``required``), too
    long, or holding any control character (CR and LF included)."""
    return _clean(value, field=field, label=label, required=required, max_length=max_length, multiline=False)


def clean_text(value, *, field: str, label, required: bool = True, max_length: int) -> str:
    """A multi-line text: stripped, line ends made ``\\n``; refused when not text, missing (if
    ``required``), too long, or holding a control character other than line breaks and tabs."""
    return _clean(value, field=field, label=label, required=required, max_length=max_length, multiline=True)


# ---------------------------------------------------------------- validators and form fields

def validate_single_line(value) -> None:
    """Django validator (forms, models, REST serializers) for single-line fields."""
    if isinstance(value, str) and _bad_character(value, multiline=False) is not None:
        raise ValidationError(gettext_lazy("Enter a single line without line breaks or control characters."),
                              code="control_character")


def validate_multi_line(value) -> None:
    """Django validator for multi-line fields: line breaks and tabs are fine, other control
    characters are not."""
    if isinstance(value, str) and _bad_character(value, multiline=True) is not None:
        raise ValidationError(gettext_lazy("The text contains a control character that is not allowed."),
                              code="control_character")


class LineField(forms.CharField):
    """A single-line form field: refuses control characters, CR and LF included."""

    default_validators = [validate_single_line]


class TextField(forms.CharField):
    """A multi-line form field (a textarea): refuses control characters other than line breaks."""

    widget = forms.Textarea
    default_validators = [validate_multi_line]
