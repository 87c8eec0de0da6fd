"""Model validation turned into the domain error every service raises."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .errors import DomainError


def full_clean_or_error(obj, exclude: list[str] | None = None, *, validate_constraints: bool = True,
                        set_field: bool = False) -> None:
    """``obj.full_clean()``; a failure becomes one DomainError whose message names each field
    (by its verbose name) with its errors. ``set_field`` names the first failing field on the
    error, for forms that show it next to the field."""
    try:
        obj.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            label = obj._meta.get_field(name).verbose_name if name != "__all__" else ""
            messages += [f"{label}: {e}" if label else str(e) for e in errors]
        first = next(iter(exc.message_dict), None)
        field = first if set_field and first != "__all__" else None
        raise DomainError("；".join(messages), code="invalid", field=field) from exc


def clean_text(value, *, field: str, label: str, required: bool = True, max_length: int) -> str:
    """A text a service takes from a person or a tool: stripped; refused with a message naming
    ``label`` when it is not text, missing (if ``required``), too long or holds a NUL."""
    from django.utils.translation import gettext as _

    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(_("%(label)s must be text.") % {"label": label}, field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise DomainError(_("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": max_length},
                          field=field)
    if "\x00" in value:
        raise DomainError(_("%(label)s contains a character that is not allowed.") % {"label": label}, field=field)
    return value
