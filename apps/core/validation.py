"""Model validation turned into the domain error every service raises. (Text cleaning is
:mod:`apps.core.text`.)"""

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
