"""Ledgers laid out as text lines (apps/reports/ledger.py): same pages, same text, ruled."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from apps.reports.fonts import FontsNotBuiltError, load_font_set
from apps.reports.ledger import expand_ledgers
from apps.reports.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[2]
HEADER = "序号日期区域/部位检查内容结果检查人备注"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def font_set():
    try:
        return load_font_set()
    except FontsNotBuiltError:
        from apps.reports.fonts.build import build
        from apps.reports import fonts as fonts_module

        build(fonts_module.font_dir())
        return load_font_set()


@pytest.fixture(scope="module")
def ledger(font_set):
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench_pdf import ledger_context, render_template

    context = ledger_context()  # the benchmark's 800 rows x 7 columns
    return context["rows"], render_template("reports/sample_ledger.html", context)


def _row_text(r: dict) -> str:
    return "".join((r["no"], r["date"], r["area"], r["item"], r["result"], r["inspector"], r["remark"]))


def test_ledger_is_expanded_to_one_cell_per_row(ledger, font_set):
    rows, html = ledger
    out = expand_ledgers(html, font_set)
    assert 'class="pdf-ledger"' in out and "data-pdf-ledger" not in out.split("</head>", 1)[1]
    assert out.count("<td>") == len(rows)


def test_every_row_is_in_the_text_layer_in_row_order(ledger, monkeypatch):
    monkeypatch.setenv("PDF_WORKERS", "0")
    rows, html = ledger
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    assert len(reader.pages) == 20
    pages = [_squeeze(p.extract_text()) for p in reader.pages]
    text = "".join(pages)
    for r in rows:
        assert _row_text(r) in text, r["no"]  # a row reads left to right, every character kept
    for n, page in enumerate(pages, start=1):
        assert HEADER in page, f"header row repeated on page {n}"
        assert f"第{n}页共20页" in page
    for name in ("刘䶮", "郑䲜", "𠮷田"):
        assert name in text
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            assert ref.get_object()["/Encoding"] == "/Identity-H"  # no glyph missing from a face


def test_same_pages_and_characters_as_the_ordinary_table(ledger, monkeypatch):
    monkeypatch.setenv("PDF_WORKERS", "0")
    rows, html = ledger
    small = html.split("<tbody>")[0] + "<tbody>" + "".join(
        re.findall(r"<tr>.*?</tr>", html.split("<tbody>")[1], re.S)[:120]) + "</tbody></table></body></html>"
    fast = PdfReader(io.BytesIO(render_pdf(small)))
    plain = PdfReader(io.BytesIO(render_pdf(small.replace(' data-pdf-ledger="182mm"', ""))))
    assert len(fast.pages) == len(plain.pages) == 3
    for a, b in zip(fast.pages, plain.pages):
        assert sorted(_squeeze(a.extract_text())) == sorted(_squeeze(b.extract_text()))


def test_long_cells_wrap_inside_their_column(font_set, monkeypatch):
    monkeypatch.setenv("PDF_WORKERS", "0")
    long_text = "整改复查" * 12 + " Latin words wrap at spaces, averyveryverylongwordwithoutanyspace"
    html = ('<html><head></head><body><table data-pdf-ledger="182mm"><colgroup><col style="width: 20%">'
            '<col style="width: 50%"><col style="width: 30%"></colgroup><thead><tr><th>甲</th><th>乙</th>'
            f'<th>丙</th></tr></thead><tbody><tr><td class="c">1</td><td>{long_text}</td><td class="r">'
            "刘䶮 &amp; 𠮷田</td></tr><tr><td>2</td><td>短</td><td></td></tr></tbody></table></body></html>")
    out = expand_ledgers(html, font_set)
    first_row = re.search(r"<td>(.*?)</td>", out, re.S).group(1)
    assert first_row.count("\n") >= 2  # wrapped: the row has several printed lines
    text = _squeeze(PdfReader(io.BytesIO(render_pdf(html))).pages[0].extract_text())
    for part in ("整改复查" * 3, "Latinwordswrapatspaces", "刘䶮&𠮷田", "短"):
        assert part in text
    # Printed lines read across the row (as a real table's do): the third column's text sits
    # on the first line, between the long cell's first and second lines.
    assert _squeeze(long_text) in text.replace("刘䶮&𠮷田", "")


@pytest.mark.parametrize("cell", ["<b>粗</b>", "a<br>b", '<img src="x.png">'])
def test_tables_with_markup_in_cells_are_left_alone(font_set, cell):
    html = ('<html><head></head><body><table data-pdf-ledger="182mm"><colgroup><col style="width: 50%">'
            '<col style="width: 50%"></colgroup><thead><tr><th>甲</th><th>乙</th></tr></thead>'
            f"<tbody><tr><td>1</td><td>{cell}</td></tr></tbody></table></body></html>")
    assert expand_ledgers(html, font_set) == html


def test_colspan_and_missing_widths_are_left_alone(font_set):
    base = ('<html><body><table data-pdf-ledger="182mm"><colgroup>{cols}</colgroup><thead><tr><th>甲</th>'
            "<th>乙</th></tr></thead><tbody>{body}</tbody></table></body></html>")
    cols = '<col style="width: 50%"><col style="width: 50%">'
    colspan = base.format(cols=cols, body='<tr><td colspan="2">1</td></tr>')
    no_widths = base.format(cols="<col><col>", body="<tr><td>1</td><td>2</td></tr>")
    assert expand_ledgers(colspan, font_set) == colspan
    assert expand_ledgers(no_widths, font_set) == no_widths
    ok = base.format(cols=cols, body="<tr><td>1</td><td>2</td></tr>")
    assert expand_ledgers(ok, font_set) != ok
