"""GB/T 2828.1-2012 (= ISO 2859-1:1999) single sampling, read from the tables (no database).

The numbers are in ``data/gbt2828_tables.json``, a verbatim copy of the shared, cross-checked
tables (Table 1 sample-size code letters; master Tables 2-A normal, 2-B tightened, 2-C reduced).
Nothing is retyped here: every plan is read from that file.

- :func:`code_letter` — Table 1: lot size and inspection level → code letter.
- :func:`single_plan` — the plan of one AQL column: the cell of the code letter's row; an
  arrow (↓/↑) is followed to the first plan below/above in the same column, and the code
  letter and sample size are those of the row reached. When the sample size reaches the lot
  size, the whole lot is inspected (n = lot size, Ac/Re as read).
- :func:`plan_for_sample` — the plan of a column with the largest sample that a given
  (enlarged) sample still covers; used when the DA/T 68.6 floor rate enlarges the
  sample beyond the GB/T 2828.1 n (see ``docs/sampling.md``).
- :func:`tighter_aql` — the AQL one step tighter (switching score, GB/T 2828.1 §9.3.3).

The disputed cell (Table 2-B, code A, AQL 10) is used as the GB source gives it (n = 2,
Ac 0, Re 1); the data file already holds that value and ``DISPUTED_CELLS`` records the dispute.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "gbt2828_tables.json"

NORMAL = "normal"
TIGHTENED = "tightened"
REDUCED = "reduced"
REGIMES = (NORMAL, TIGHTENED, REDUCED)

MAX_LOT_SIZE = 1_000_000_000


class EngineError(ValueError):
    """Bad input to the engine (unknown level, AQL, regime, lot size). ``message`` is Chinese-
    neutral English; callers translate or wrap it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Plan:
    """One single sampling plan: code letter and sample size of the row used, acceptance
    number Ac and rejection number Re; ``full_inspection`` when the whole lot is inspected."""

    code: str
    n: int
    ac: int
    re: int
    full_inspection: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(code=str(data["code"]), n=int(data["n"]), ac=int(data["ac"]), re=int(data["re"]),
                   full_inspection=bool(data.get("full_inspection", False)))


@cache
def tables() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _table_key(regime: str) -> str:
    return {NORMAL: "table_2A", TIGHTENED: "table_2B", REDUCED: "table_2C"}[regime]


def levels() -> list[str]:
    return list(tables()["table_1"]["levels"])


def aql_columns() -> list[str]:
    return list(tables()["aql_columns"])


def disputed_cells() -> list[dict]:
    return list(tables()["disputed_cells"])


def row_order(regime: str) -> list[str]:
    """Code letters of the regime's master table, top to bottom (2-B has the extra row S)."""
    check_regime(regime)
    return list(tables()[_table_key(regime)].keys())


def sample_size_of(code: str, regime: str) -> int:
    check_regime(regime)
    try:
        return int(tables()["sample_size_by_code"][regime][code])
    except KeyError:
        raise EngineError(f"Unknown code letter {code!r} for the {regime} table.", field="code") from None


# ---------------------------------------------------------------- input checks

def check_regime(regime: str) -> str:
    if regime not in REGIMES:
        raise EngineError(f"Unknown inspection regime {regime!r}: use normal, tightened or reduced.",
                          field="regime")
    return regime


def check_level(level: str) -> str:
    if not isinstance(level, str) or level.strip().upper() not in levels():
        raise EngineError(f"Unknown inspection level {level!r}: use one of {', '.join(levels())}.", field="level")
    return level.strip().upper()


def check_lot_size(lot_size: int) -> int:
    if isinstance(lot_size, bool) or not isinstance(lot_size, int):
        raise EngineError("The lot size must be a whole number.", field="lot_size")
    if not 1 <= lot_size <= MAX_LOT_SIZE:
        raise EngineError(f"The lot size must be between 1 and {MAX_LOT_SIZE}.", field="lot_size")
    return lot_size


def normalize_aql(aql: Any) -> str:
    """The AQL column label ("0.010" … "1000") for a value given as text, int, float or Decimal;
    "1" and "1.00" both mean "1.0"."""
    if isinstance(aql, bool) or aql is None:
        raise EngineError("The AQL must be one of the values of GB/T 2828.1 Table 2-A.", field="aql")
    try:
        value = Decimal(str(aql).strip())
    except (InvalidOperation, ValueError):
        raise EngineError(f"The AQL {aql!r} is not a number.", field="aql") from None
    for column in aql_columns():
        if Decimal(column) == value:
            return column
    raise EngineError(f"The AQL {aql} is not a column of GB/T 2828.1 Table 2-A "
                      f"({', '.join(aql_columns())}).", field="aql")


def tighter_aql(aql: Any) -> str | None:
    """The AQL one step tighter (the column to the left), or None for the smallest AQL."""
    columns = aql_columns()
    index = columns.index(normalize_aql(aql))
    return columns[index - 1] if index > 0 else None


# ---------------------------------------------------------------- Table 1

def code_letter(lot_size: int, level: str) -> str:
    """Table 1: the sample-size code letter of a lot size at an inspection level.

    A lot of one item (below Table 1's first row, 2–8) gets the first row's letter; the plan
    then inspects it entirely."""
    lot_size = check_lot_size(lot_size)
    level = check_level(level)
    for row in tables()["table_1"]["rows"]:
        upper = row["lot_max"]
        if upper is None or lot_size <= upper:
            return row[level]
    raise EngineError("Lot size beyond Table 1.", field="lot_size")  # pragma: no cover - last row is open


# ---------------------------------------------------------------- Tables 2-A/2-B/2-C

def read_cell(code: str, aql: Any, regime: str) -> tuple[str, int, int]:
    """The plan of column ``aql`` starting at row ``code``, arrows followed: (row reached, Ac, Re)."""
    regime = check_regime(regime)
    column = aql_columns().index(normalize_aql(aql))
    order = row_order(regime)
    table = tables()[_table_key(regime)]
    if code not in table:
        raise EngineError(f"Unknown code letter {code!r} for the {regime} table.", field="code")
    index = order.index(code)
    for _step in range(len(order) + 1):
        cell = table[order[index]][column]
        if isinstance(cell, list):
            return order[index], int(cell[0]), int(cell[1])
        if cell == "down":
            index += 1
        elif cell == "up":
            index -= 1
        else:
            break
        if not 0 <= index < len(order):
            break
    raise EngineError(f"GB/T 2828.1 has no {regime} plan for code letter {code} at AQL {aql}.", field="aql")


def _plan(row: str, ac: int, re: int, regime: str, lot_size: int) -> Plan:
    n = sample_size_of(row, regime)
    if n >= lot_size:
        return Plan(code=row, n=lot_size, ac=ac, re=re, full_inspection=True)
    return Plan(code=row, n=n, ac=ac, re=re, full_inspection=False)


def single_plan(lot_size: int, level: str, aql: Any, regime: str = NORMAL) -> Plan:
    """The single sampling plan of GB/T 2828.1 for a lot, an inspection level, an AQL and a regime."""
    lot_size = check_lot_size(lot_size)
    regime = check_regime(regime)
    code = code_letter(lot_size, level)
    row, ac, re = read_cell(code, aql, regime)
    return _plan(row, ac, re, regime, lot_size)


def plan_for_sample(sample_size: int, aql: Any, regime: str, lot_size: int) -> Plan:
    """The plan of column ``aql`` that the enlarged sample fully covers: of the regime's rows whose
    plan (arrows followed) needs at most ``sample_size`` items, the one with the largest sample.
    Its Ac/Re are never more lenient than the number of items inspected warrants (e.g. 150 items
    are judged with K's 125-item numbers, not L's 200-item ones). Blank cells (row S of 2-B) are
    skipped; if every plan of the column needs more items, the smallest such plan is used.
    """
    regime = check_regime(regime)
    column = aql_columns().index(normalize_aql(aql))
    table = tables()[_table_key(regime)]
    best = fallback = None
    for code in row_order(regime):
        if table[code][column] is None:
            continue
        row, ac, re = read_cell(code, aql, regime)
        n = sample_size_of(row, regime)
        if n <= sample_size and (best is None or n >= sample_size_of(best[0], regime)):
            best = (row, ac, re)
        elif fallback is None or n < sample_size_of(fallback[0], regime):
            fallback = (row, ac, re)
    row, ac, re = best or fallback
    return _plan(row, ac, re, regime, lot_size)


def acceptance_at(code: str, aql: Any, regime: str) -> tuple[int, int]:
    """(Ac, Re) of column ``aql`` starting at row ``code`` (arrows followed)."""
    _row, ac, re = read_cell(code, aql, regime)
    return ac, re
