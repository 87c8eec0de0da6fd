"""Rows of results as the pages, the API and imported files give them, and the pure parsing of
their cells (no database): what ``services.lot_inspection_results_record`` takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .enums import ItemResult

MAX_ROWS = 20_000
MAX_DEFECTS_PER_ITEM = 20
MAX_MEASUREMENT = Decimal("1000000000")

# Words accepted for a result (pages send the values; imported files use any of these).
RESULT_WORDS = {
    ItemResult.CONFORMING: {"conforming", "合格", "pass", "passed", "ok", "y", "yes", "1", "是", "√", "✓"},
    ItemResult.DEFECTIVE: {"defective", "不合格", "fail", "failed", "ng", "n", "no", "0", "否", "×", "✗", "x"},
    ItemResult.PENDING: {"pending", "待检", "未检"},
}
CODE_SEPARATORS = ("，", "；", ";", "、", " ", "\n", "\t", "|")


@dataclass
class RowInput:
    """One row of results as given by a page, the API or an imported file. ``result`` None means
    "derive it" (defective when a defect is named or a measurement fails, else conforming)."""

    label: str  # how errors name the row ("row 12", "position 37")
    item_id: int | None = None
    position: int | None = None
    archive_code: str | None = None
    file_name: str | None = None
    result: str | None = None
    defects: list[str] = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    note: str | None = None  # None: keep the current note
    version: int | None = None


def parse_result(value) -> str | None:
    """A result word → ItemResult value; "" / None → None (derive it). Raises ValueError."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    for result, words in RESULT_WORDS.items():
        if text in words:
            return result
    raise ValueError(text)


def parse_codes(value) -> list[str]:
    """Defect codes from a list or a text separated by commas, semicolons, 、 or spaces."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        text = str(value)
        for sep in CODE_SEPARATORS:
            text = text.replace(sep, ",")
        parts = text.split(",")
    codes = []
    for part in parts:
        code = part.strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


def parse_number(value) -> Decimal | None:
    """A measured value (``"4.5"``, ``"1，6"``, ``"95%"``, ``"1.6°"``) → Decimal; empty → None.
    Raises ValueError for anything else, and for values beyond ±10⁹."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip().replace("，", ".").rstrip("°％%"))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not number.is_finite() or abs(number) > MAX_MEASUREMENT:
        raise ValueError(value)
    return number


def json_number(number: Decimal):
    """How a measured value is stored in JSON: an int when whole, else a float."""
    return int(number) if number == number.to_integral_value() else float(number)
