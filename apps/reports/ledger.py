"""Long ruled ledgers (台账) laid out as one text line per row, for speed.

WeasyPrint spends ~0.8 ms CPU on every table cell whatever the CSS (cascade, box, line
layout, drawing): a 20-page ledger of 800 rows x 7 columns is ~5 s.  A table marked

    <table class="grid compact" data-pdf-ledger="182mm"> <colgroup> (widths in %) <thead> <tbody>

(the value is the table's width: the page's content width) is rewritten by ``render_pdf``
before WeasyPrint sees it: the same ruled table, but each row is ONE cell holding one
preformatted text line per printed line, in which every column's text is placed at its
column's position with space characters (U+0020, U+2002, U+2003) whose widths come from
the built fonts' metrics (no kerning or shaping tables: advances are exact).  Wrapping is
done here, per column, the way ``overflow-wrap: anywhere`` does it.  The column rules are
backgrounds of the table (one image per page), the row rules the cells' bottom borders, the
header row is repeated on every page (``thead``).  ~7x fewer boxes: the ledger renders in
~1.4 s CPU instead of ~5 s, with the same pages.

Every character of every cell stays in the text layer, in row order (a row reads
"12  2026-04-12  扫描区  ..."), with extra spaces between the columns.

Only plain-text cells qualify: a table with markup inside a cell (<b>, <br>, images ...),
colspan/rowspan, a <tfoot>, several header rows or column widths not all in % is left
alone (rendered as an ordinary table, slower).  Cell alignment: class ``c`` (centre), ``r``
(right), else left.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
import unicodedata
import urllib.parse
from html.parser import HTMLParser

from .fonts import FontSet

ATTR = "data-pdf-ledger"
FONT_SIZE_PT = 9.0  # table.grid.compact
LINE_HEIGHT = 1.3
PAD_PT = 72 / 25.4  # 1 mm, horizontal and vertical cell padding
RULE_PT = 0.5
SPACES = ((" ", 0x20), ("\u2002", 0x2002), ("\u2003", 0x2003))

_UNITS = re.compile(r"^\s*([0-9.]+)\s*(mm|cm|pt|px|in)\s*$")
_TO_PT = {"mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1.0, "px": 0.75, "in": 72.0}
_TABLE = re.compile(r"<table\b[^>]*\s" + ATTR + r"\b[^>]*>.*?</table\s*>", re.I | re.S)
_RULE_SVG = "data:image/svg+xml," + urllib.parse.quote(
    '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'
)


class _Metrics:
    """Advance widths (em units) of the built faces, loaded once per face and process."""

    def __init__(self):
        self._faces: dict[str, tuple[dict[int, int], int]] = {}
        self._lock = threading.Lock()

    def face(self, path) -> tuple[dict[int, int], int]:
        key = str(path)
        found = self._faces.get(key)
        if found is None:
            from fontTools.ttLib import TTFont

            with self._lock:
                font = TTFont(key, lazy=True)
                cmap, hmtx = font.getBestCmap(), font["hmtx"].metrics
                upem = font["head"].unitsPerEm
                found = self._faces[key] = ({cp: hmtx[g][0] for cp, g in cmap.items()}, upem)
                font.close()
        return found


_metrics = _Metrics()


class _Measure:
    """Width in points of text at FONT_SIZE_PT, with the faces Pango will pick."""

    def __init__(self, font_set: FontSet, bold: bool):
        self.font_set, self.bold = font_set, bold
        self.cache: dict[str, float] = {}
        common = self._face(0)
        self.space = {ch: common[0][cp] * FONT_SIZE_PT / common[1] for ch, cp in SPACES}

    def _face(self, family: int):
        faces = self.font_set.families[family].faces
        wanted = [f for f in faces if (f.weight >= 600) == self.bold] or [
            f for f in faces if f.weight < 600] or list(faces)
        return _metrics.face(wanted[0].path)

    def char(self, ch: str) -> float | None:
        width = self.cache.get(ch)
        if width is None:
            cp = ord(ch)
            family = self.font_set.family_of(cp)
            if family is None:
                return None
            advances, upem = self._face(family)
            if cp not in advances:
                return None
            width = self.cache[ch] = advances[cp] * FONT_SIZE_PT / upem
        return width


def _tokens(text: str) -> list[str]:
    """Break opportunities of overflow-wrap: anywhere for CJK (every character) and Latin
    (spaces; a word longer than the column is cut anywhere later)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch == " ":
            if word:
                out.append(word)
                word = ""
            out.append(" ")
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _wrap(text: str, width: float, measure: _Measure) -> list[tuple[str, float]] | None:
    """Lines (text, width in pt) of ``text`` in a column ``width`` pt wide; None if a
    character has no face (then the table is left to WeasyPrint)."""
    lines: list[tuple[str, float]] = []
    line, used = "", 0.0
    for token in _tokens(text):
        widths = [measure.char(c) for c in token]
        if None in widths:
            return None
        w = sum(widths)
        if token == " ":
            if line:
                line, used = line + " ", used + w
            continue
        if used + w <= width + 1e-6:
            line, used = line + token, used + w
            continue
        if line.rstrip():
            stripped = line.rstrip(" ")
            lines.append((stripped, used - (len(line) - len(stripped)) * measure.space[" "]))
            line, used = "", 0.0
        for c, cw in zip(token, widths):  # longer than the column: cut anywhere
            if used + cw > width + 1e-6 and line:
                lines.append((line, used))
                line, used = "", 0.0
            line, used = line + c, used + cw
    stripped = line.rstrip(" ")
    if stripped:
        lines.append((stripped, used - (len(line) - len(stripped)) * measure.space[" "]))
    return lines or [("", 0.0)]


def _fill(gap: float, measure: _Measure) -> str:
    """Spaces closest to ``gap`` points (error ≤ ~0.1 mm once the gap exceeds one en)."""
    s, en, em = measure.space[" "], measure.space["\u2002"], measure.space["\u2003"]
    best, best_err = "", gap
    for a in range(0, 9):
        rest = gap - a * s
        if rest < -s:
            break
        ens = max(0, round(rest / en))
        err = abs(rest - ens * en)
        if err < best_err - 1e-9:
            best, best_err = " " * a + "\u2003" * (ens // 2) + "\u2002" * (ens % 2), err
    return best


class _TableParser(HTMLParser):
    """Plain-text cells of a simple table, or ``ok = False``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ok = True
        self.widths: list[float] = []
        self.head: list[list] = []
        self.body: list[list] = []
        self.section = None
        self.row = None
        self.cell = None
        self.table_attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            if self.table_attrs:
                self.ok = False
            self.table_attrs = attrs
        elif tag == "col":
            m = re.search(r"width\s*:\s*([0-9.]+)%", a.get("style") or "")
            if not m or a.get("span"):
                self.ok = False
            else:
                self.widths.append(float(m.group(1)))
        elif tag in ("colgroup",):
            pass
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self._end_row()
            if self.section not in ("thead", "tbody"):
                self.ok = False
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is None or a.get("colspan") or a.get("rowspan"):
                self.ok = False
                return
            classes = (a.get("class") or "").split()
            align = "c" if "c" in classes else "r" if "r" in classes else ""
            if tag == "th":
                align = align or "c"
            self.cell = [align, []]
        else:
            self.ok = False  # markup inside a cell, tfoot, caption ...

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag in ("thead", "tbody"):
            self._end_row()
            self.section = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1].append(data)
        elif data.strip():
            self.ok = False

    def _end_cell(self):
        if self.cell is not None and self.row is not None:
            self.row.append((self.cell[0], " ".join("".join(self.cell[1]).split())))
        self.cell = None

    def _end_row(self):
        self._end_cell()
        if self.row is not None:
            (self.head if self.section == "thead" else self.body).append(self.row)
        self.row = None


def _row_html(row, bounds, measures: _Measure) -> str | None:
    columns = []
    for (align, text), (x0, x1) in zip(row, bounds):
        inner = x1 - x0 - 2 * PAD_PT
        lines = _wrap(text, inner, measures) if text else [("", 0.0)]
        if lines is None:
            return None
        placed = []
        for t, w in lines:
            if align == "c":
                start = x0 + (x1 - x0 - w) / 2
            elif align == "r":
                start = x1 - PAD_PT - w
            else:
                start = x0 + PAD_PT
            placed.append((t, start, w))
        columns.append(placed)
    out_lines = []
    for i in range(max(len(c) for c in columns)):
        parts, pen = [], 0.0
        for col in columns:
            if i >= len(col) or not col[i][0]:
                continue
            t, start, w = col[i]
            gap = start - pen
            parts.append((_fill(gap, measures) if gap > 0 else (" " if pen else "")) + html_lib.escape(t, quote=False))
            pen = max(start, pen) + w
        out_lines.append("".join(parts))
    return "\n".join(out_lines)


def _table_html(match_text: str, font_set: FontSet) -> tuple[str, str] | None:
    parser = _TableParser()
    try:
        parser.feed(match_text)
        parser.close()
    except Exception:
        return None
    attrs = dict(parser.table_attrs)
    m = _UNITS.match(attrs.get(ATTR) or "")
    n = len(parser.widths)
    if (not parser.ok or not m or not n or len(parser.head) != 1 or not parser.body
            or any(len(r) != n for r in parser.head + parser.body) or abs(sum(parser.widths) - 100) > 0.5):
        return None
    width = float(m.group(1)) * _TO_PT[m.group(2)]
    inner = width - 2 * RULE_PT
    edges = [0.0]
    for w in parser.widths:
        edges.append(edges[-1] + inner * w / 100)
    bounds = list(zip(edges, edges[1:]))
    regular, bold = _Measure(font_set, False), _Measure(font_set, True)
    head = _row_html(parser.head[0], bounds, bold)
    rows = [_row_html(r, bounds, regular) for r in parser.body]
    if head is None or None in rows:
        return None
    rules = ", ".join(f"url({_RULE_SVG})" for _ in edges[1:-1])
    positions = ", ".join(f"{x - RULE_PT / 2:.3f}pt 0" for x in edges[1:-1])
    rule_css = (f"background-image: {rules}; background-position: {positions}; "
                f"background-size: {RULE_PT}pt 100%; background-repeat: no-repeat;") if rules else ""
    keep = " ".join(
        f'{k}="{html_lib.escape(v or "")}"' for k, v in parser.table_attrs if k.startswith("data-pdf-") and k != ATTR
    )
    style = (
        "<style>"
        f"table.pdf-ledger {{ width: {width:.3f}pt; border-collapse: separate; border-spacing: 0; "
        f"table-layout: fixed; margin: 0 0 3mm; font-size: {FONT_SIZE_PT}pt; line-height: {LINE_HEIGHT}; "
        f"border: {RULE_PT}pt solid #000; border-bottom: none; {rule_css} }}"
        f"table.pdf-ledger th, table.pdf-ledger td {{ white-space: pre; padding: {PAD_PT:.3f}pt 0; "
        f"border: none; border-bottom: {RULE_PT}pt solid #000; text-align: left; vertical-align: top; }}"
        f"table.pdf-ledger th {{ font-weight: bold; background-color: #eee; {rule_css} }}"
        "table.pdf-ledger thead { display: table-header-group; }"
        "table.pdf-ledger tr { break-inside: avoid; }"
        "</style>"
    )
    body = "".join(f"<tr><td>{r}</td></tr>" for r in rows)
    return style, (f'<table class="pdf-ledger" {keep}><thead><tr><th>{head}</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def expand_ledgers(html: str, font_set: FontSet) -> str:
    """``html`` with every qualifying ``<table data-pdf-ledger="WIDTH">`` rewritten (see the
    module docstring); the others are left as they are."""
    if ATTR not in html:
        return html

    styles: list[str] = []

    def replace(match: re.Match) -> str:
        new = _table_html(match.group(0), font_set)
        if new is None:
            return match.group(0)
        styles.append(new[0])
        return new[1]

    html = _TABLE.sub(replace, html)
    if styles:
        # In <head>: the split renderer copies the head into every chunk.
        style = "".join(dict.fromkeys(styles))
        head_end = re.search(r"</head\s*>", html, re.I)
        html = html[:head_end.start()] + style + html[head_end.start():] if head_end else style + html
    return html
