"""统一社会信用代码 (unified social credit identifier) per GB 32100-2015."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has exactly 18 characters."), code="length")
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise ValidationError(
            _("The unified social credit code contains characters not allowed by GB 32100: %(chars)s.")
            % {"chars": "".join(bad)},
            code="charset",
        )
    if not code[2:8].isdigit():
        raise ValidationError(_("Characters 3–8 of the code must be the administrative division code (digits)."),
                              code="division")
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check character of the unified social credit code is wrong; please check the code."),
                              code="checksum")
