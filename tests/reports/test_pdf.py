"""apps.reports.pdf: Chinese text (rare characters included) survives into the PDF text layer,
fonts are embedded and never missing a glyph, bold is a real face, errors are clear.

No database and no Django settings needed.  The fonts are built on first use if absent
(`scripts/build_fonts.py`, about a minute); afterwards these tests take a few seconds.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from apps.reports import fonts as fonts_module
from apps.reports.fonts import FontsNotBuiltError, codepoints_in_markup, load_font_set
from apps.reports.pdf import missing_characters, render_pdf

ROOT = Path(__file__).resolve().parents[2]

RARE = "刘䶮 𠮷 䲜 堃 喆 昇 珺 瑄 犇 淼"
TITLE = "档案数字化加工质量检查记录表"
BOLD = "检查结论：合格"
SEGMENTS = [
    TITLE,
    "检查人员：刘䶮、张堃、李喆、王昇、赵珺、陈瑄、周犇、吴淼、郑䲜、𠮷田（生僻字）",
    "项目名称：民国档案数字化加工项目（第二期），合同编号：HZ-2026-001。",
    "全角标点与字符：，。、；：？！“”‘’《》【】〔〕——……·ＡＢＣ１２３％＃",
    "Latin text 0123456789 ABC xyz (half-width) ¥€ ℃ № Ⅻ ① ㎡ □ ■ ✓",
    BOLD,
]

FORM = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 15mm; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 0.5pt solid #000; padding: 2pt; }}
h1 {{ font-size: 18pt; text-align: center; }}
</style></head><body>
<h1>{SEGMENTS[0]}</h1>
<table><tr><th>姓名</th><td>{SEGMENTS[1]}</td></tr><tr><th>项目</th><td>{SEGMENTS[2]}</td></tr></table>
<p>{SEGMENTS[3]}</p><p>{SEGMENTS[4]}</p>
<p><b>{SEGMENTS[5]}</b></p>
</body></html>"""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _fonts(reader: PdfReader) -> list:
    out = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            out.append(ref.get_object())
    return out


@pytest.fixture(scope="session")
def font_set():
    try:
        return load_font_set()
    except FontsNotBuiltError:
        from apps.reports.fonts.build import SourceFontsMissing, build

        try:
            build(fonts_module.font_dir())
        except SourceFontsMissing as exc:
            pytest.fail(str(exc))
        return load_font_set()


@pytest.fixture(scope="session")
def form_pdf(font_set) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(FORM)))


def test_text_layer_has_every_character(form_pdf):
    text = _squeeze("".join(page.extract_text() for page in form_pdf.pages))
    for segment in SEGMENTS:
        assert _squeeze(segment) in text, f"{segment!r} not in the PDF text layer"
    for char in _squeeze(RARE):
        assert char in text


def test_fonts_are_built_faces_embedded_without_missing_glyphs(form_pdf):
    fonts = _fonts(form_pdf)
    assert fonts
    for font in fonts:
        name = str(font["/BaseFont"])
        assert "Report-Sans" in name, f"{name}: not one of the built faces (system fallback?)"
        descendant = font["/DescendantFonts"][0].get_object()
        assert descendant["/Subtype"] == "/CIDFontType2"  # TrueType (glyf) outlines
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        # WeasyPrint swaps Identity-H for a remapping CMap when a glyph is missing (.notdef).
        assert font["/Encoding"] == "/Identity-H", f"{name} has missing glyphs"


def test_bold_text_uses_a_real_bold_face(form_pdf):
    names = [str(font["/BaseFont"]) for font in _fonts(form_pdf)]
    assert any(name.endswith("Report-Sans-Bold") for name in names), names
    assert any(name.endswith("Report-Sans") for name in names), names


def test_every_codepoint_has_a_glyph_in_a_built_face(font_set):
    from fontTools.ttLib import TTFont

    text = "".join(SEGMENTS)
    families, missing = font_set.families_for(codepoints_in_markup(text))
    assert missing == set()
    assert missing_characters(FORM) == set()
    cmaps = {}
    for cp in {ord(c) for c in text if not c.isspace()}:
        family = font_set.families[font_set.family_of(cp)]
        for face in family.faces:
            if face.path not in cmaps:
                cmaps[face.path] = TTFont(face.path, lazy=True).getBestCmap()
        regular = next(f for f in family.faces if f.weight == 400)
        assert cp in cmaps[regular.path], f"U+{cp:04X} not in {regular.path.name}"


def test_coverage_of_cjk_blocks(font_set):
    uncovered = [cp for cp in range(0x4E00, 0x9FF0) if font_set.family_of(cp) is None]
    assert uncovered == [], "CJK Unified Ideographs"
    uncovered = [cp for cp in range(0x3400, 0x4DB6) if font_set.family_of(cp) is None]
    assert uncovered == [], "Extension A"
    for char in "𠮷、。〈〉「」『』【】〔〕（）：；！？，．０９ＡＺａｚ":
        assert font_set.covers(char), f"U+{ord(char):04X}"
    if "fonts-hanazono" not in font_set.missing_optional_sources:  # all of Extension B
        uncovered = [cp for cp in range(0x20000, 0x2A6E0) if font_set.family_of(cp) is None]
        assert len(uncovered) < 50, "Extension B"
    # Glyphs for the common text sit in the small common faces, not in slices.
    assert font_set.family_of(ord("档")) == 0
    assert font_set.families[0].codepoints < 10_000
    assert max(f.glyphs for fam in font_set.families[1:] for f in fam.faces) <= 2_001


def test_monospace_text_stays_in_built_faces(font_set):
    html = "<pre>档号 WS·2026-长期-0001 刘䶮</pre><code>代码</code>"
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    assert "刘䶮" in _squeeze(reader.pages[0].extract_text())
    for font in _fonts(reader):
        name = str(font["/BaseFont"])
        assert "Report-Sans" in name or "DejaVu-Sans-Mono" in name, name


def test_markup_scan_sees_references_and_css_escapes():
    markup = '<p>&#x4DAE;&#40759;&middot;</p><style>p::after { content: "\\2713"; }</style>'
    cps = codepoints_in_markup(markup)
    assert {0x4DAE, 40759, 0xB7, 0x2713} <= cps


def test_character_references_render(font_set):
    reader = PdfReader(io.BytesIO(render_pdf("<p>刘&#x4DAE; &#x20BB7;田</p>")))
    assert "刘䶮𠮷田" in _squeeze(reader.pages[0].extract_text())
    assert all(font["/Encoding"] == "/Identity-H" for font in _fonts(reader))


def test_threads_render_independently(font_set):
    results, errors = {}, []

    def work(i):
        try:
            results[i] = render_pdf(f"<h1>线程 {i}</h1><p>张堃 第{i}份</p>")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, pdf in results.items():
        assert f"张堃第{i}份" in _squeeze(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def test_sample_template_renders_on_one_page(font_set):
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench_pdf import form_context, render_template

    html = render_template("reports/sample_form.html", form_context())
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    assert len(reader.pages) == 1
    text = _squeeze(reader.pages[0].extract_text())
    assert "档案数字化加工质量检查记录表" in text and "刘䶮" in text and "第1页共1页" in text


def test_missing_fonts_error_is_clear(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts_module, "font_dir", lambda: tmp_path)
    with pytest.raises(FontsNotBuiltError, match=r"scripts/build_fonts\.py") as info:
        render_pdf("<p>你好</p>")
    assert str(tmp_path) in str(info.value)


def test_missing_face_file_is_reported(tmp_path, font_set):
    manifest = (font_set.directory / fonts_module.MANIFEST_NAME).read_text(encoding="utf-8")
    (tmp_path / fonts_module.MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    with pytest.raises(FontsNotBuiltError, match=r"is missing; rebuild"):
        load_font_set(tmp_path)


def test_build_script_names_the_debian_package(tmp_path):
    env = {**os.environ, "FONT_SOURCE_DIR": str(tmp_path / "none"),
           "FONT_DIR": str(tmp_path / "out")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_fonts.py")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 2
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "fonts-noto-cjk" in message and "apt-get install" in message


def test_build_is_a_quick_no_op_when_up_to_date(font_set):
    from apps.reports.fonts.build import build

    assert build(font_set.directory) is False


def test_long_table_split_matches_single_render(font_set, monkeypatch):
    """A table marked data-pdf-split is rendered in page-aligned chunks by worker
    processes and merged: same pages, same text, page numbers over the whole document."""
    sys.path.insert(0, str(ROOT))
    from apps.reports import pdf as pdf_module
    from benchmarks.bench_pdf import ledger_context, render_template

    html = render_template("reports/sample_ledger.html", ledger_context(rows=200))
    # The ordinary table (a ledger laid out as text lines is only split from 2,000 rows on).
    html = html.replace(' data-pdf-ledger="182mm"', "")
    monkeypatch.setenv("PDF_WORKERS", "1")
    from django.conf import settings as django_settings

    if django_settings.configured:
        monkeypatch.setattr(django_settings, "REPORTS_PDF_WORKERS", 1, raising=False)
    plan = pdf_module._split_plan(html)
    assert plan is not None and len(plan.chunks) == 2
    split = PdfReader(io.BytesIO(render_pdf(html)))
    pdf_module.stop_pdf_workers()
    monkeypatch.setenv("PDF_WORKERS", "0")
    single = PdfReader(io.BytesIO(render_pdf(html)))
    assert len(split.pages) == len(single.pages) == 5
    total = len(split.pages)
    for n, (a, b) in enumerate(zip(split.pages, single.pages), start=1):
        ta, tb = _squeeze(a.extract_text()), _squeeze(b.extract_text())
        assert sorted(ta) == sorted(tb), f"page {n}"
        assert f"第{n}页共{total}页" in ta
        assert "数字化加工现场安全巡检台账" in ta and "XJ-2026-Q2" in ta  # running header
        assert "序号日期区域/部位检查内容结果检查人备注" in ta  # repeated header row
    text = _squeeze("".join(p.extract_text() for p in split.pages))
    for name in ("刘䶮", "郑䲜", "𠮷田"):
        assert name in text
    for font in _fonts(split):
        assert font["/Encoding"] == "/Identity-H"
