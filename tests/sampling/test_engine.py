"""The GB/T 2828.1 engine against real cells of Table 1 and Tables 2-A, 2-B, 2-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.sampling import engine
from apps.sampling.engine import Plan, code_letter, plan_for_sample, single_plan

SHARED = Path("/work/shared/gbt2828/tables.json")


@pytest.mark.skipif(not SHARED.exists(), reason="the shared tables are not on this machine")
def test_data_file_is_the_shared_file_unchanged():
    assert engine.DATA_FILE.read_bytes() == SHARED.read_bytes()


def test_data_file_has_the_tables():
    data = json.loads(engine.DATA_FILE.read_text(encoding="utf-8"))
    assert {"table_1", "table_2A", "table_2B", "table_2C", "sample_size_by_code"} <= set(data)
    assert engine.row_order("tightened")[-1] == "S"
    assert engine.row_order("normal")[-1] == "R" and engine.row_order("reduced")[-1] == "R"


@pytest.mark.parametrize(("lot", "level", "code"), [
    (2, "II", "A"), (8, "II", "A"), (9, "II", "B"), (15, "II", "B"), (16, "II", "C"),
    (150, "II", "F"), (151, "II", "G"), (280, "II", "G"), (281, "II", "H"), (500, "II", "H"), (501, "II", "J"),
    (1200, "II", "J"), (1201, "II", "K"), (3200, "II", "K"), (3201, "II", "L"), (10000, "II", "L"),
    (10001, "II", "M"), (35000, "II", "M"), (35001, "II", "N"), (150000, "II", "N"), (150001, "II", "P"),
    (500000, "II", "P"), (500001, "II", "Q"), (10**8, "II", "Q"),
    (8, "III", "B"), (500001, "III", "R"), (1000, "I", "G"), (1000, "III", "K"),
    (90, "S-1", "B"), (500001, "S-1", "D"), (500001, "S-2", "E"), (500001, "S-3", "H"), (500001, "S-4", "K"),
    (1200, "S-3", "E"), (1201, "S-4", "G"),
])
def test_code_letters_at_lot_boundaries(lot, level, code):
    assert code_letter(lot, level) == code


def test_a_lot_of_one_item_uses_the_first_row():
    assert code_letter(1, "II") == "A"
    assert single_plan(1, "II", "6.5") == Plan("A", 1, 0, 1, True)


@pytest.mark.parametrize(("lot", "aql", "expected"), [
    (1000, "2.5", Plan("J", 80, 5, 6)),           # J row, AQL 2.5
    (1000, "1.0", Plan("J", 80, 2, 3)),
    (1000, "4.0", Plan("J", 80, 7, 8)),
    (2000, "1.0", Plan("K", 125, 3, 4)),
    (5000, "0.65", Plan("L", 200, 3, 4)),
    (200, "0.65", Plan("F", 20, 0, 1)),           # G/0.65 is ↑: F (n=20), Ac 0
    (200, "1.0", Plan("H", 50, 1, 2)),            # G/1.0 is ↓: H (n=50), Ac 1
    (1000, "10", Plan("J", 80, 14, 15)),
    (100000, "0.010", Plan("Q", 1250, 0, 1)),     # N/0.010 ↓ to Q
    (200000, "0.015", Plan("P", 800, 0, 1)),      # P/0.015 is a plan of its own row
    (13, "4.0", Plan("B", 3, 0, 1)),              # B/4.0
    (100, "4.0", Plan("F", 20, 2, 3)),
])
def test_normal_table_2a_cells(lot, aql, expected):
    assert single_plan(lot, "II", aql, "normal") == expected


def test_normal_arrow_up_at_the_bottom_row():
    # R/0.010 is ↑ in Table 2-A: the plan above is Q, n = 1250, Ac 0.
    assert single_plan(600_000, "III", "0.010", "normal") == Plan("Q", 1250, 0, 1)


@pytest.mark.parametrize(("lot", "aql", "regime", "expected"), [
    (1000, "2.5", "tightened", Plan("J", 80, 3, 4)),
    (1000, "4.0", "tightened", Plan("J", 80, 5, 6)),
    (1000, "1.0", "tightened", Plan("J", 80, 1, 2)),
    (1000, "10", "tightened", Plan("J", 80, 12, 13)),
    (200, "0.40", "tightened", Plan("H", 50, 0, 1)),   # G/0.40 is ↓ on 2-B (it is a plan on 2-A)
    (600_000, "0.010", "tightened", Plan("R", 2000, 0, 1)),
    (1000, "2.5", "reduced", Plan("J", 32, 3, 4)),    # reduced: J has n = 32
    (2000, "1.0", "reduced", Plan("K", 50, 2, 3)),    # K has n = 50 on Table 2-C
    (2000, "0.25", "reduced", Plan("M", 125, 1, 2)),  # K/0.25 ↓ L ↓ M
    (5000, "6.5", "reduced", Plan("L", 80, 10, 11)),
    (600_000, "0.040", "reduced", Plan("R", 800, 1, 2)),
])
def test_tightened_and_reduced_cells(lot, aql, regime, expected):
    assert single_plan(lot, "II" if lot < 600_000 else "III", aql, regime) == expected


def test_reduced_sample_sizes_differ_from_normal():
    assert [engine.sample_size_of(c, "reduced") for c in "ABCDEFGHJKLMNPQR"] == [
        2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800]
    assert engine.sample_size_of("K", "normal") == 125


def test_tightened_row_s_reached_by_the_arrow():
    # Level III, lot > 500 000 → R; Table 2-B R/0.025 is ↓ to the extra row S (n = 3150, 1/2).
    assert single_plan(600_000, "III", "0.025", "tightened") == Plan("S", 3150, 1, 2)
    # The same cell on normal inspection is a plan of row R.
    assert single_plan(600_000, "III", "0.025", "normal") == Plan("R", 2000, 1, 2)


def test_disputed_cell_follows_the_gb_source():
    disputed = engine.disputed_cells()[0]
    assert (disputed["table"], disputed["code"], disputed["aql"]) == ("2-B", "A", "10")
    assert single_plan(5, "II", "10", "tightened") == Plan("A", 2, 0, 1)


def test_full_inspection_when_the_sample_reaches_the_lot():
    # Lot 50, level II → D; AQL 0.10 ↓ … down to K (n = 125 ≥ 50): inspect all 50.
    assert single_plan(50, "II", "0.10") == Plan("K", 50, 0, 1, True)
    # n equal to the lot size is also 100 %.
    # Lot 8, level III → B; B/6.5 is ↑ to A (n = 2 < 8): a sample, not 100 %.
    assert single_plan(8, "III", "6.5") == Plan("A", 2, 0, 1, False)
    assert single_plan(5, "II", "1.0") == Plan("E", 5, 0, 1, True)  # A ↓ … E (n = 13) ≥ 5


def test_plan_for_an_enlarged_sample():
    # 150 items inspected (15 % of 1000) at AQL 1.0: the largest plan 150 items cover is K (125): 3/4,
    # not L's 5/6, which is meant for 200 items.
    assert plan_for_sample(150, "1.0", "normal", 1000) == Plan("K", 125, 3, 4)
    # 600 items at AQL 4.0: N/4.0 is ↑ to M (315): 21/22; P (800) needs more than 600.
    assert plan_for_sample(600, "4.0", "normal", 3000) == Plan("M", 315, 21, 22)
    assert plan_for_sample(600, "1.0", "normal", 3000) == Plan("N", 500, 10, 11)
    assert plan_for_sample(80, "1.0", "normal", 1000) == Plan("J", 80, 2, 3)
    # Beyond the largest row: the largest row (its arrows followed).
    assert plan_for_sample(5000, "0.010", "tightened", 100_000) == Plan("R", 2000, 0, 1)
    assert plan_for_sample(5000, "0.025", "tightened", 100_000) == Plan("S", 3150, 1, 2)
    # Reduced (Table 2-C's own sizes): 400 items cover P (315): 8/9; Q (500) needs more.
    assert plan_for_sample(400, "1.0", "reduced", 500) == Plan("P", 315, 8, 9)
    assert plan_for_sample(1000, "1.0", "reduced", 5000) == Plan("Q", 500, 10, 11)


def test_tighter_aql():
    assert engine.tighter_aql("1.0") == "0.65"
    assert engine.tighter_aql("10") == "6.5"
    assert engine.tighter_aql("0.010") is None


@pytest.mark.parametrize("aql", ["1", "1.00", 1.0, "  2.5 "])
def test_aql_spellings(aql):
    assert engine.normalize_aql(aql) in {"1.0", "2.5"}


@pytest.mark.parametrize(("args", "field"), [
    ((0, "II", "1.0", "normal"), "lot_size"),
    ((-5, "II", "1.0", "normal"), "lot_size"),
    ((True, "II", "1.0", "normal"), "lot_size"),
    (("100", "II", "1.0", "normal"), "lot_size"),
    ((100, "IV", "1.0", "normal"), "level"),
    ((100, None, "1.0", "normal"), "level"),
    ((100, "II", "3", "normal"), "aql"),
    ((100, "II", "abc", "normal"), "aql"),
    ((100, "II", None, "normal"), "aql"),
    ((100, "II", "1.0", "strict"), "regime"),
])
def test_bad_input(args, field):
    with pytest.raises(engine.EngineError) as exc:
        single_plan(*args)
    assert exc.value.field == field
