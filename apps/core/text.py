"""One way to clean text that people and tools send: single-line and multi-line.

- A **single-line** value (a title, a name, a serial number, a reference) refuses every control
  character, CR and LF included: a line break in a title would end up in an e-mail header or
  a PDF cell and is never what the person meant.
- A **multi-line** value (a description, an opinion, minutes) keeps line breaks and tabs
  (``\\r\\n`` becomes ``\\n``) and refuses the other control characters.

Both refuse what PostgreSQL cannot store: NUL, and a lone surrogate (half of a UTF-16 pair, which
only a crafted request sends, e.g. ``"\\ud800"`` in JSON); storing either would fail with a
database or encoding error instead of a message.

Services call :func:`clean_line` / :func:`clean_text`; forms and serializers use the
validators (or the :class:`LineField` / :class:`TextField` form fields and the REST fields in
``apps.core.rest.fields``), so that a bad value is refused with the same Chinese message before
anything is saved, whatever the path. Other free text (a password, a search) uses
:func:`validate_storable`.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

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


def _is_lone_surrogate(ch: str) -> bool:
    return unicodedata.category(ch) == "Cs"


def _refusal(label, *, multiline: bool, bad: str = "") -> str:
    if _is_lone_surrogate(bad):
        return _("%(label)s contains an invalid character.") % {"label": label}
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
    bad = _bad_character(value, multiline=multiline)
    if bad is not None:
        raise DomainError(_refusal(label, multiline=multiline, bad=bad), field=field)
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

# Django's own words for a NUL, translated in this project's catalogue (Django's Chinese catalogue
# has a typo in it).
_NUL_MESSAGE = gettext_lazy("Null characters are not allowed.")
_INVALID_MESSAGE = gettext_lazy("The text contains an invalid character.")


def _refuse(bad: str, message) -> None:
    if bad == "\x00":
        raise ValidationError(_NUL_MESSAGE, code="null_characters_not_allowed")
    if _is_lone_surrogate(bad):
        raise ValidationError(_INVALID_MESSAGE, code="invalid_character")
    raise ValidationError(message, code="control_character")


def validate_single_line(value) -> None:
    """Django validator (forms, models, REST serializers) for single-line fields."""
    if isinstance(value, str):
        bad = _bad_character(value, multiline=False)
        if bad is not None:
            _refuse(bad, gettext_lazy("Enter a single line without line breaks or control characters."))


def validate_multi_line(value) -> None:
    """Django validator for multi-line fields: line breaks and tabs are fine, other control
    characters are not."""
    if isinstance(value, str):
        bad = _bad_character(value, multiline=True)
        if bad is not None:
            _refuse(bad, gettext_lazy("The text contains a control character that is not allowed."))


def validate_storable(value) -> None:
    """Django validator for free text that may hold anything else (a password, a search): only
    what PostgreSQL cannot store, NUL and lone surrogates, is refused."""
    if isinstance(value, str):
        bad = next((ch for ch in value if ch == "\x00" or _is_lone_surrogate(ch)), None)
        if bad is not None:
            _refuse(bad, _INVALID_MESSAGE)


class _KitCharField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The kit's validator names a NUL itself: Django's own would say it a second time.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class LineField(_KitCharField):
    """A single-line form field: refuses control characters, CR and LF included."""

    default_validators = [validate_single_line]


class TextField(_KitCharField):
    """A multi-line form field (a textarea): refuses control characters other than line breaks."""

    widget = forms.Textarea
    default_validators = [validate_multi_line]
