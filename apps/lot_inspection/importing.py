"""Reading a results file (.xlsx or .csv) into rows of results (``rows.RowInput``).

The first non-empty row is the header. Columns are found by their Chinese or English names;
columns this app does not know are ignored (QC tools export many). A row names its item by
position (位置/序号), archive code (档号) or file name (文件名), in that order of preference.
"""

from __future__ import annotations

import csv
import io
import zipfile

from django.utils.translation import gettext as _

from apps.core.errors import DomainError

from .rows import RowInput, parse_codes, parse_result

MAX_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_CELL = 1000

COLUMNS = {
    "position": {"position", "pos", "no", "no.", "位置", "序号", "顺序号", "抽样序号"},
    "archive_code": {"archive_code", "archive code", "档号"},
    "file_name": {"file_name", "file name", "filename", "file", "文件名", "文件名称", "图像文件"},
    "result": {"result", "结果", "检查结果", "判定", "判定结果", "结论"},
    "defects": {"defects", "defect_codes", "defect codes", "defect", "缺陷", "缺陷代码", "缺陷编码", "缺陷类型"},
    "note": {"note", "notes", "remark", "备注", "说明"},
}
# Measured quantities (apps.inspections.enums.Metric) by their usual column names.
METRIC_COLUMNS = {
    "dpi": {"dpi", "resolution", "分辨率", "图像分辨率"},
    "skew_deg": {"skew_deg", "skew", "偏斜", "偏斜度", "图像偏斜度", "偏斜角"},
    "border_mm": {"border_mm", "border", "黑边", "黑边宽度", "黑边mm"},
    "temperature_c": {"temperature_c", "temperature", "温度"},
    "humidity_pct": {"humidity_pct", "humidity", "湿度", "相对湿度"},
    "retrieval_hours": {"retrieval_hours", "调档时间", "响应时间"},
    "cctv_days": {"cctv_days", "监控保存天数"},
    "ocr_accuracy_pct": {"ocr_accuracy_pct", "ocr", "ocr准确率", "识别准确率"},
    "drills_per_year": {"drills_per_year", "演练次数"},
}


def _norm(header) -> str:
    return str(header or "").strip().lower().replace("（", "(").split("(")[0].strip()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_table(uploaded_file) -> list[list]:
    name = (getattr(uploaded_file, "name", "") or "").lower()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise DomainError(_("The file is too large (at most 5 MB)."), field="file")
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is too large (at most 5 MB)."), field="file")
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        if not name.endswith(".xlsx"):
            raise DomainError(_("Upload an .xlsx or .csv file."), field="file")
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise DomainError(_("Upload an .xlsx or .csv file."), field="file")


def _read_xlsx(data: bytes) -> list[list]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise DomainError(_("The file cannot be read as an Excel workbook (.xlsx)."), field="file") from exc
    except Exception as exc:  # openpyxl raises its own types for malformed parts
        raise DomainError(_("The file cannot be read as an Excel workbook (.xlsx)."), field="file") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_DATA_ROWS + 1:
                raise DomainError(_("Too many rows (at most %(n)d).") % {"n": MAX_DATA_ROWS}, field="file")
        return rows
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise DomainError(_("The file's text encoding is not UTF-8 or GB18030."), field="file")
    if "\x00" in text:
        raise DomainError(_("The file is not a text (CSV) file."), field="file")
    try:
        rows = []
        for row in csv.reader(io.StringIO(text)):
            rows.append(row)
            if len(rows) > MAX_DATA_ROWS + 1:
                raise DomainError(_("Too many rows (at most %(n)d).") % {"n": MAX_DATA_ROWS}, field="file")
        return rows
    except csv.Error as exc:
        raise DomainError(_("The CSV file cannot be read: %(error)s") % {"error": exc}, field="file") from exc


def read_result_rows(uploaded_file, *, metrics: set[str]) -> list[RowInput]:
    """The file's rows as ``RowInput``s; a DomainError lists every row error (all or nothing)."""
    table = _read_table(uploaded_file)
    start = next((i for i, row in enumerate(table) if any(_cell(c) for c in row)), None)
    if start is None:
        raise DomainError(_("The file has no header row."), field="file")
    where = _columns(table[start], metrics)
    rows, errors = [], []
    for number, raw in enumerate(table[start + 1:], start=start + 2):
        cells = [_cell(c) for c in raw]
        if not any(cells):
            continue
        try:
            rows.append(_row(cells, where, label=_("row %(n)d") % {"n": number}))
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        raise DomainError(_("Nothing was imported: %(n)d rows have errors.") % {"n": len(errors)},
                          code="invalid", field="file", details=errors[:200])
    if not rows:
        raise DomainError(_("The file has no data rows."), field="file")
    return rows


def _columns(header_row: list, metrics: set[str]) -> dict[str, int]:
    """Where each known column is (``m:<metric>`` for the measured ones), from the header row;
    refused when no column names the item or none gives a result, a defect or a measurement."""
    header = [_norm(c) for c in header_row]
    where: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, names in COLUMNS.items():
            if name in names and key not in where:
                where[key] = index
        for metric, names in METRIC_COLUMNS.items():
            if metric in metrics and name in names and f"m:{metric}" not in where:
                where[f"m:{metric}"] = index
    if not {"position", "archive_code", "file_name"} & set(where):
        raise DomainError(_("The file needs a column naming the item: position (位置/序号), archive code (档号) "
                            "or file name (文件名)."), field="file")
    if not ({"result", "defects"} & set(where) or any(k.startswith("m:") for k in where)):
        raise DomainError(_("The file has no result, defect or measurement column."), field="file")
    return where


def _row(cells: list[str], where: dict[str, int], *, label: str) -> RowInput:
    """One data row; raises ValueError with the row's error (its label and the reason)."""

    def get(key: str) -> str:
        index = where.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    if any(len(c) > MAX_CELL for c in cells):
        raise ValueError(f"{label}：" + _("a cell is too long"))
    row = RowInput(label=label)
    position = get("position")
    if position:
        if not position.isdigit() or int(position) < 1:
            raise ValueError(f"{label}：" + _("the position “%(value)s” is not a positive whole number")
                             % {"value": position})
        row.position = int(position)
    else:
        row.archive_code = get("archive_code") or None
        row.file_name = get("file_name") or None
    try:
        row.result = parse_result(get("result"))
    except ValueError:
        raise ValueError(f"{label}：" + _("unknown result “%(value)s” (use 合格 or 不合格)")
                         % {"value": get("result")}) from None
    row.defects = parse_codes(get("defects"))
    row.measurements = {k[2:]: get(k) for k in where if k.startswith("m:") and get(k)}
    if "note" in where:
        row.note = get("note")
    return row
