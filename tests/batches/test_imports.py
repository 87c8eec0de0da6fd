from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from apps.batches.imports import MAX_ROWS, parse_item_file
from apps.core.errors import DomainError

CSV = "档号,题名,页数,文件名\nJ001-0001,通知,3,a.pdf\nJ001-0002,报告,12,b.pdf\n"


def test_csv_utf8_with_and_without_bom_and_gb18030():
    for data in (CSV.encode("utf-8"), CSV.encode("utf-8-sig"), CSV.encode("gb18030")):
        rows = parse_item_file(data, "list.csv")
        assert rows == [{"archive_code": "J001-0001", "title": "通知", "pages": 3, "file_name": "a.pdf"},
                        {"archive_code": "J001-0002", "title": "报告", "pages": 12, "file_name": "b.pdf"}]


def test_english_headers_any_order_and_blank_lines():
    data = "file_name,Pages,archive_code\nx.pdf,,A-1\n\n,,\ny.pdf,2,A-2\n".encode()
    rows = parse_item_file(data, "LIST.CSV")
    assert [r["archive_code"] for r in rows] == ["A-1", "A-2"] and rows[0]["pages"] is None


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx():
    data = _xlsx([["档号", "题名", "页数"], ["J-1", "甲", 4], ["J-2", "乙", 5.0], [1234, None, None]])
    rows = parse_item_file(data, "items.xlsx")
    assert [(r["archive_code"], r["pages"]) for r in rows] == [("J-1", 4), ("J-2", 5), ("1234", None)]


def test_row_errors_are_all_reported_with_row_numbers():
    data = ("档号,题名,页数\n,无档号,3\nA-1,好,2\nA-1,重复,2\nA-2,坏页数,abc\nA-3,零,0\nA-4,小数,1.5\n"
            f"{'X' * 101},长,1\n").encode()
    with pytest.raises(DomainError) as exc:
        parse_item_file(data, "x.csv")
    details = exc.value.details
    assert len(details) == 6
    assert details[0].startswith("Row 2:") and "missing" in details[0]
    assert "Row 4:" in details[1] and "already on row 3" in details[1]
    assert all(any(f"Row {n}:" in d for d in details) for n in (5, 6, 7, 8))
    assert "too long" in details[5]


@pytest.mark.parametrize("data,name,message", [
    (b"", "x.csv", "empty"),
    (b"%PDF-1.4", "x.pdf", ".xlsx or .csv"),
    (b"\xd0\xcf\x11\xe0....", "x.xls", "xls"),
    (b"not a zip", "x.xlsx", "not a valid .xlsx"),
    (b"PK\x03\x04junk", "x.csv", "workbook"),
    ("题名,页数\n甲,1\n".encode(), "x.csv", "archive code column"),
    ("档号,档号\nA,B\n".encode(), "x.csv", "twice"),
    ("档号\n".encode(), "x.csv", "no item rows"),
    (b"\xff\xfe\x00\x00\x81", "x.csv", "UTF-8"),
])
def test_bad_files(data, name, message):
    with pytest.raises(DomainError, match=message):
        parse_item_file(data, name)


def test_damaged_xlsx():
    good = _xlsx([["档号"], ["A"]])
    with pytest.raises(DomainError, match="cannot be read|not a valid"):
        parse_item_file(good[:200] + b"\x00" * 50 + good[250:], "x.xlsx")


def test_too_many_rows():
    data = ("档号\n" + "\n".join(f"A{i}" for i in range(MAX_ROWS + 1))).encode()
    with pytest.raises(DomainError, match="Too many"):
        parse_item_file(data, "x.csv")


def test_too_large():
    with pytest.raises(DomainError, match="too large"):
        parse_item_file(b"a" * (10 * 1024 * 1024 + 1), "x.csv")


def test_archive_codes_differing_only_in_case_are_duplicates():
    # Results are matched to items by 档号 regardless of case, so a-1 and A-1 cannot both exist.
    with pytest.raises(DomainError) as exc:
        parse_item_file("档号,题名\nA-1,一\na-1,二\n".encode(), "x.csv")
    assert len(exc.value.details) == 1
    assert exc.value.details[0].startswith("Row 3:") and "already on row 2" in exc.value.details[0]
