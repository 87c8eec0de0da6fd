"""Import of a batch's item list from .xlsx or .csv (UTF-8 with or without BOM, or GB18030).

Columns are found by their header, in Chinese or English: 档号/archive_code (required),
题名/title, 页数/pages, 文件名/file_name; other columns are ignored. Rows are checked one by one and
every problem is reported with its row number; nothing is saved unless every row is valid
(the service saves all rows in one transaction).
"""

from __future__ import annotations

import csv
import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.text import validate_single_line

from .models import ARCHIVE_CODE_MAX, FILE_NAME_MAX, TITLE_MAX

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_PAGES = 100_000
MAX_ERRORS_SHOWN = 50

HEADERS = {
    "archive_code": {"档号", "archive_code", "archive code", "archivecode", "code"},
    "title": {"题名", "title", "题名/标题", "标题"},
    "pages": {"页数", "pages", "page count", "page_count"},
    "file_name": {"文件名", "file_name", "file name", "filename", "文件名称"},
}


def _norm(header) -> str:
    return str(header or "").strip().lstrip("\ufeff").strip().lower()


def _column_map(header_row: list) -> dict[str, int]:
    lookup = {name: field for field, names in HEADERS.items() for name in names}
    found: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        field = lookup.get(_norm(cell))
        if field is None:
            continue
        if field in found:
            raise DomainError(_("The column “%(c)s” appears twice in the header row.") % {"c": str(cell).strip()},
                              field="file")
        found[field] = index
    if "archive_code" not in found:
        raise DomainError(_("The header row must name the archive code column (档号 or archive_code); "
                            "other columns: 题名/title, 页数/pages, 文件名/file_name."), field="file")
    return found


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The CSV file is neither UTF-8 nor GB18030 text."), field="file")


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    if "\x00" in text:
        raise DomainError(_("The CSV file contains a character that is not allowed."), field="file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise DomainError(_("The CSV file cannot be read: %(e)s") % {"e": exc}, field="file") from None


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise DomainError(_("The Excel file cannot be read. Save it again as .xlsx and retry."),
                          field="file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_rows(data: bytes, filename: str) -> list[list]:
    """The file's rows (header first) as lists of cell values."""
    name = (filename or "").lower()
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_("The file is too large (at most %(n)d MB).") % {"n": MAX_FILE_BYTES // (1024 * 1024)},
                          field="file")
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise DomainError(_("This file is not a valid .xlsx workbook."), field="file")
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0":
            raise DomainError(_("This file is a workbook, not CSV text: name it .xlsx."), field="file")
        return _read_csv(data)
    if name.endswith(".xls"):
        raise DomainError(_("Old .xls workbooks are not accepted: save the file as .xlsx or .csv."), field="file")
    raise DomainError(_("Upload an .xlsx or .csv file."), field="file")


def _single_line(value: str) -> bool:
    """Archive codes, titles and file names are single lines (``apps.core.text``)."""
    try:
        validate_single_line(value)
    except ValidationError:
        return False
    return True


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _pages(value) -> tuple[int | None, bool]:
    """(pages, ok); empty is allowed (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, float):
        if not value.is_integer():
            return None, False
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit() or not text.isascii():
            return None, False
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= MAX_PAGES:
        return None, False
    return value, True


def rows_to_items(rows: list[list]) -> list[dict]:
    """Header + data rows → item dicts, every row validated (row numbers as in the file)."""
    if not rows:
        raise DomainError(_("The file is empty."), field="file")
    columns = _column_map(rows[0])
    raw = []
    for number, row in enumerate(rows[1:], start=2):
        values = {field: (row[i] if i < len(row) else None) for field, i in columns.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue  # blank line
        raw.append({"_row": number, "archive_code": values.get("archive_code"), "title": values.get("title"),
                    "pages": values.get("pages"), "file_name": values.get("file_name")})
    return validate_rows(raw)


def validate_rows(rows: list[dict]) -> list[dict]:
    """Check item dicts; raise one DomainError listing every bad row (``_row`` or the index)."""
    if not rows:
        raise DomainError(_("The file has no item rows below the header."), field="file")
    if len(rows) > MAX_ROWS:
        raise DomainError(_("Too many items: at most %(n)d per batch.") % {"n": MAX_ROWS}, field="file")
    errors: list[str] = []
    seen: dict[str, int] = {}
    clean = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(_("Row %(row)d: not an item.") % {"row": index})
            continue
        number = row.get("_row", index)
        problems = []
        code = _cell_text(row.get("archive_code"))
        title = _cell_text(row.get("title"))
        file_name = _cell_text(row.get("file_name"))
        if not code:
            problems.append(_("the archive code (档号) is missing"))
        elif len(code) > ARCHIVE_CODE_MAX:
            problems.append(_("the archive code is too long (at most %(n)d characters)") % {"n": ARCHIVE_CODE_MAX})
        elif code.casefold() in seen:
            # Case-insensitively: results are matched to items by 档号 regardless of case.
            problems.append(_("the archive code %(code)s is already on row %(row)d") % {
                "code": code, "row": seen[code.casefold()]})
        else:
            seen[code.casefold()] = number
        if len(title) > TITLE_MAX:
            problems.append(_("the title is too long (at most %(n)d characters)") % {"n": TITLE_MAX})
        if len(file_name) > FILE_NAME_MAX:
            problems.append(_("the file name is too long (at most %(n)d characters)") % {"n": FILE_NAME_MAX})
        if not all(_single_line(s) for s in (code, title, file_name)):
            problems.append(_("a cell contains a character that is not allowed"))
        pages, ok = _pages(row.get("pages"))
        if not ok:
            problems.append(_("the page count must be a whole number from 1 to %(n)d") % {"n": MAX_PAGES})
        if problems:
            errors.append(_("Row %(row)d: %(problems)s.") % {"row": number, "problems": "；".join(problems)})
            continue
        clean.append({"archive_code": code, "title": title, "pages": pages, "file_name": file_name})
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        message = _("The item list has %(n)d invalid rows; nothing was imported.") % {"n": len(errors)}
        if more:
            shown.append(_("… and %(n)d more rows.") % {"n": more})
        raise DomainError(message, code="invalid_rows", field="file", details=shown)
    return clean


def parse_item_file(data: bytes, filename: str) -> list[dict]:
    """Read and validate an uploaded item list; raises DomainError (with ``details``: one line per
    bad row) when anything is wrong."""
    rows = read_rows(data, filename)
    if len(rows) > MAX_ROWS + 1:
        raise DomainError(_("Too many items: at most %(n)d per batch.") % {"n": MAX_ROWS}, field="file")
    return rows_to_items(rows)
