"""HTML -> PDF for every form of the product, with WeasyPrint and the built CJK fonts.

    from apps.reports.pdf import render_pdf
    pdf_bytes = render_pdf(html_string)            # base_url="file:///..." for relative URLs

The fonts come from ``scripts/build_fonts.py`` (see docs/pdf.md).  ``render_pdf`` never
asks fontconfig for a system CJK font: the built faces are loaded through ``@font-face``
rules with ``file://`` URLs, and the document gets ``html { font-family: "Report Sans", ...}``
(forms should not set ``font-family`` themselves; ``inherit`` is fine).

What is cached, and where (all of it lazily, on first use):

* per process: the manifest of the built fonts (:func:`apps.reports.fonts.load_font_set`),
  reloaded when the fonts are rebuilt;
* per thread: one WeasyPrint ``FontConfiguration`` (a Pango font map with the faces
  registered so far, and WeasyPrint's copies of the font files in a temporary folder) and
  the ``CSS`` object naming the registered families.  Pango font maps are not thread-safe,
  so threads never share them; a process forked after first use (Celery prefork, gunicorn
  --preload) builds its own and leaves the parent's temporary folder alone.

Faces are registered on demand: the common faces on the first render, a slice face the
first time a document contains one of its characters.

A long table marked ``<table data-pdf-split data-pdf-first-page-rows=".."
data-pdf-rows-per-page="..">`` is rendered in page-aligned chunks, in this thread and in a
warm pool of forked worker processes, then merged with pypdf; the page margin boxes (header,
"第 N 页 共 M 页") are drawn over the merged pages by one render of M empty pages.  See
docs/pdf.md, "Long tables: split rendering".  ``PDF_WORKERS=0`` turns it off.
"""

from __future__ import annotations

import gc
import atexit
import logging
import os
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from .ledger import ATTR as LEDGER_ATTR, expand_ledgers
from .fonts import (
    BUILD_COMMAND,
    FontSet,
    FontsNotBuiltError,
    codepoints_in_markup,
    load_font_set,
)

__all__ = [
    "FontsNotBuiltError",
    "font_family_css",
    "missing_characters",
    "render_pdf",
    "render_template_to_pdf",
    "start_pdf_workers",
    "stop_pdf_workers",
    "warm_up",
]

logger = logging.getLogger(__name__)

MONOSPACE_ELEMENTS = "code, kbd, listing, plaintext, pre, samp, tt, xmp"
MONOSPACE_LATIN = "DejaVu Sans Mono"  # fonts-dejavu-core; Latin only, CJK falls to ours

_local = threading.local()
_warned_subset = False
_gc_lock = threading.Lock()
_gc_pauses = 0  # renders in progress that paused the cyclic garbage collector


@contextmanager
def _gc_paused():
    """Pause the cyclic GC while WeasyPrint builds its (large) box trees.

    Full collections scan every live object, and a long document keeps tens of thousands
    alive: with the GC running, a 20-page table renders ~25% slower (and worse than
    linearly).  Nothing is leaked: collection resumes as soon as the last concurrent
    render ends.  The GC switch is process-wide, hence the counter.
    """
    global _gc_pauses
    with _gc_lock:
        if _gc_pauses == 0 and not gc.isenabled():
            paused = False  # someone else turned it off: leave it alone
        else:
            paused = True
            _gc_pauses += 1
            gc.disable()
    try:
        yield
    finally:
        if paused:
            with _gc_lock:
                _gc_pauses -= 1
                if _gc_pauses == 0:
                    gc.enable()


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _RenderState:
    """One thread's WeasyPrint font configuration and the CSS that goes with it."""

    def __init__(self, font_set: FontSet):
        from weasyprint.text.fonts import FontConfiguration

        self.pid = os.getpid()
        self.font_set = font_set
        self.font_config = FontConfiguration()
        self.registered: set[int] = set()
        self.stylesheet = None

    def abandon(self) -> None:
        """Forget a state inherited through fork() without deleting the parent's files."""
        # FontConfiguration.__del__ removes its temporary folder, which is the parent's.
        self.font_config._folder = None

    def stylesheet_for(self, families: Iterable[int]):
        from weasyprint import CSS

        new = sorted(set(families) - self.registered)
        if new:
            rules = []
            for index in new:
                for face in self.font_set.families[index].faces:
                    rules.append(
                        f"@font-face {{ font-family: {_css_string(face.family)}; "
                        f"src: url({_css_string(face.path.as_uri())}); "
                        f"font-weight: {face.weight}; font-style: normal; }}"
                    )
            # Parsing the rules with our FontConfiguration registers the faces in it.
            CSS(string="\n".join(rules), font_config=self.font_config)
            self.registered.update(new)
            self.stylesheet = None
        if self.stylesheet is None:
            names = ", ".join(
                _css_string(self.font_set.families[i].name) for i in sorted(self.registered)
            )
            # The UA stylesheet gives <pre>, <code>... "monospace", which fontconfig would
            # complete with the system CJK fonts: name a Latin monospace face, then ours.
            self.stylesheet = CSS(
                string=f"html {{ font-family: {names}; }}\n"
                f"{MONOSPACE_ELEMENTS} {{ font-family: {_css_string(MONOSPACE_LATIN)}, {names}; }}",
                font_config=self.font_config,
            )
        return self.stylesheet


def _state(font_set: FontSet) -> _RenderState:
    state = getattr(_local, "state", None)
    if state is not None and state.pid != os.getpid():
        state.abandon()
        state = None
    if state is None or state.font_set is not font_set:
        state = _local.state = _RenderState(font_set)
    return state


def _check_subsetter() -> None:
    global _warned_subset
    if _warned_subset:
        return
    _warned_subset = True
    from weasyprint.text import ffi

    if getattr(ffi, "harfbuzz_subset", None) is None:
        logger.warning(
            "libharfbuzz-subset0 is not installed: WeasyPrint subsets fonts with fontTools, "
            "which makes every PDF several times slower (apt-get install libharfbuzz-subset0)."
        )


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document (a string) to PDF bytes.

    ``base_url`` resolves relative URLs (images, stylesheets).  Raise
    :class:`FontsNotBuiltError` if the fonts have not been built.
    """
    font_set = load_font_set()
    _check_subsetter()
    families, missing = font_set.families_for(codepoints_in_markup(html))
    if missing:
        logger.warning(
            "No built font has %s; they will print as empty boxes.",
            " ".join(f"U+{cp:04X}" for cp in sorted(missing)[:20]),
        )
    if LEDGER_ATTR in html:
        html = expand_ledgers(html, font_set)
    plan = _split_plan(html) if _split_workers() > 0 else None
    if plan is not None:
        pdf = _render_split(plan, families, base_url=base_url)
        if pdf is not None:
            return pdf
    return _render_one(html, families, base_url=base_url)


def _render_one(
    html: str, families: Iterable[int], *, base_url: str | None = None, extra_css=None
) -> tuple[bytes, int] | bytes:
    """Render in this thread.  With ``extra_css`` (for the split renderer): return
    ``(pdf, page count)`` and add that CSS (a string) after the font stylesheet."""
    from weasyprint import CSS, HTML

    state = _state(load_font_set())
    stylesheets = [state.stylesheet_for(families)]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, font_config=state.font_config))
    with _gc_paused():
        document = HTML(string=html, base_url=base_url).render(
            stylesheets=stylesheets, font_config=state.font_config
        )
        pdf = document.write_pdf()
        pages = len(document.pages)
        # Drop the box tree before the collector resumes: the first collection after
        # gc.enable() would otherwise walk all of it (~5 % of a 20-page render).
        del document
    return (pdf, pages) if extra_css is not None else pdf


# --- Long tables: page-aligned chunks rendered in parallel --------------------------------
#
# WeasyPrint lays out pages one after the other in one thread (~0.25 s CPU per page of a
# 7-column table).  A table marked ``data-pdf-split`` is cut into chunks at rows that start a
# page (``data-pdf-first-page-rows`` / ``data-pdf-rows-per-page``); the chunks are rendered at
# the same time (this thread + a warm pool of forked worker processes) without page margin
# boxes, concatenated with pypdf, and the page margin boxes (running header, "第 N 页 共 M
# 页") are drawn for the whole document by one cheap overlay render of M empty pages.  See
# docs/pdf.md, "Long tables".

SPLIT_ATTR = "data-pdf-split"
SPLIT_MIN_ROWS = 120  # below this, one render is as fast as the fork/merge overhead
LEDGER_SPLIT_MIN_ROWS = 2000  # the same for a ledger expanded by apps/reports/ledger.py
SPLIT_TIMEOUT = 300  # seconds; a worker that takes longer is killed, the render done here
MARGIN_BOXES = (
    "top-left-corner top-left top-center top-right top-right-corner right-top right-middle "
    "right-bottom bottom-right-corner bottom-right bottom-center bottom-left "
    "bottom-left-corner left-bottom left-middle left-top"
).split()
_NO_MARGIN_BOXES_CSS = "@page { %s }" % " ".join(
    f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES
)
# The overlay: margin boxes only.  The body is laid out (so string-set still feeds the
# running headers) but not drawn; nothing may paint over the chunks' content.
_OVERLAY_CSS = (
    "html, body { background: none !important; }\n"
    "body, body * { visibility: hidden !important; }\n"
    "@page { background: none !important; border: none !important; }\n"
    ".pdf-split-page { break-before: page !important; height: 0; margin: 0; }"
)
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)

_pool = None
_pool_lock = threading.Lock()


def _split_workers() -> int:
    """Worker processes for split rendering: ``settings.REPORTS_PDF_WORKERS``, else
    ``$PDF_WORKERS``, else CPUs - 1 (the calling thread renders one chunk itself).
    0 disables splitting."""
    value = None
    try:
        from django.conf import settings

        if settings.configured:
            value = getattr(settings, "REPORTS_PDF_WORKERS", None)
    except Exception:  # pragma: no cover - Django missing or broken settings
        value = None
    if value is None:
        value = os.environ.get("PDF_WORKERS")
    if value is None:
        return max(0, min(4, (os.cpu_count() or 1) - 1))
    try:
        return max(0, int(value))
    except ValueError:
        return 0


class _SplitPlan:
    def __init__(self, chunks: list[str], overlay_head: str, overlay_body: str):
        self.chunks = chunks
        self.overlay_head = overlay_head
        self.overlay_body = overlay_body

    def overlay(self, pages: int) -> str:
        breaks = '<div class="pdf-split-page"></div>' * (pages - 1)
        return f"{self.overlay_head}{self.overlay_body}{breaks}</body></html>"


def _open_elements(fragment: str) -> list[str] | None:
    """Elements left open at the end of an HTML fragment (None if it cannot tell)."""
    from html.parser import HTMLParser

    stack: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in _VOID:
                stack.append(tag)

        def handle_endtag(self, tag):
            if tag in stack:
                while stack.pop() != tag:
                    pass

    try:
        parser = Parser(convert_charrefs=True)
        parser.feed(fragment)
        parser.close()
    except Exception:
        return None
    # Optional end tags (<p>, <li>...) closed implicitly are not ancestors of a table.
    return [t for t in stack if t not in ("p", "li", "dt", "dd", "option")]


def _split_plan(html: str) -> _SplitPlan | None:
    """Cut a document with a ``<table data-pdf-split ...>`` into page-aligned chunks.

    None (render in one piece) unless: exactly one such table, a direct child of <body>,
    with one <tbody> of at least SPLIT_MIN_ROWS rows, no nested table, no <tfoot>."""
    import re

    if SPLIT_ATTR not in html:
        return None
    tables = list(re.finditer(r"<table\b[^>]*\s" + SPLIT_ATTR + r"\b[^>]*>", html, re.I))
    body = re.search(r"<body\b[^>]*>", html, re.I)
    if len(tables) != 1 or body is None or body.end() > tables[0].start():
        return None
    table = tables[0]

    def attr(name: str) -> int | None:
        m = re.search(rf'\s{name}\s*=\s*["\']?(\d+)', table.group(0), re.I)
        return int(m.group(1)) if m else None

    first, per_page = attr("data-pdf-first-page-rows"), attr("data-pdf-rows-per-page")
    if not first or not per_page:
        return None
    tbody = re.compile(r"<tbody\b[^>]*>", re.I).search(html, table.end())
    tbody_end = re.compile(r"</tbody\s*>", re.I).search(html, tbody.end()) if tbody else None
    table_end = re.compile(r"</table\s*>", re.I).search(html, table.end())
    if tbody is None or tbody_end is None or table_end is None or tbody_end.end() > table_end.start():
        return None
    inside = html[table.end():table_end.start()]
    if re.search(r"<(table|tfoot|tbody)\b", inside[tbody.end() - table.end():], re.I) or re.search(
        r"<(table|tfoot)\b", inside, re.I
    ):
        return None
    pre = html[body.end():table.start()]
    if _open_elements(pre) != []:
        return None  # the table is inside another element: not split (yet)
    rows = re.split(r"(?=<tr\b)", html[tbody.end():tbody_end.start()], flags=re.I)
    lead, rows = rows[0], rows[1:]
    # A ledger laid out as text lines (apps/reports/ledger.py) costs ~1.7 ms a row, not
    # ~6: below ~50 pages the overlay and the merge cost more than the second core saves
    # (and on a busy machine there is no second core).
    min_rows = LEDGER_SPLIT_MIN_ROWS if 'class="pdf-ledger"' in table.group(0) else SPLIT_MIN_ROWS
    if len(rows) < min_rows or lead.strip():
        return None
    # Page starts as the template expects them; cut at the ones nearest to equal shares.
    starts = list(range(first, len(rows), per_page))
    n = min(_split_workers() + 1, len(starts) + 1)
    cuts: list[int] = []
    for j in range(1, n):
        best = min(starts, key=lambda r: abs(r - j * len(rows) / n))
        if best not in cuts and (not cuts or best > cuts[-1]):
            cuts.append(best)
    if not cuts:
        return None
    head = html[:body.end()]
    table_open = html[table.start():tbody.end()]
    bounds = [0, *cuts, len(rows)]
    chunks = []
    for j in range(len(bounds) - 1):
        part = "".join(rows[bounds[j]:bounds[j + 1]])
        last = j == len(bounds) - 2
        chunks.append(
            head
            + (pre if j == 0 else "")
            + table_open
            + part
            + (html[tbody_end.start():] if last else "</tbody></table></body></html>")
        )
    return _SplitPlan(chunks, head, pre)


def _pool_init() -> None:
    # Forked from a process that may have had other threads rendering: start clean.
    global _gc_lock, _gc_pauses, _pool
    _gc_lock = threading.Lock()
    _gc_pauses = 0
    _pool = None
    gc.enable()
    warm_up()


def _chunk_job(args):
    html, families, base_url = args
    return _render_one(html, families, base_url=base_url, extra_css=_NO_MARGIN_BOXES_CSS)


def _get_pool(workers: int):
    global _pool
    with _pool_lock:
        if _pool is not None and (_pool[0] != os.getpid() or _pool[2] != workers):
            if _pool[0] == os.getpid():
                _pool[1].terminate()
            _pool = None
        if _pool is None:
            import multiprocessing

            # fork: the workers start with the modules (and fonts manifest) already
            # loaded; they register their own faces (warm_up) once, then stay warm.
            ctx = multiprocessing.get_context("fork")
            _pool = (os.getpid(), ctx.Pool(workers, initializer=_pool_init), workers)
        return _pool[1]


def start_pdf_workers() -> None:
    """Start the worker processes for long tables now (e.g. at worker start-up), not on
    the first long document.  No-op if splitting is disabled."""
    workers = _split_workers()
    if workers > 0:
        _get_pool(workers)


def stop_pdf_workers() -> None:
    """Stop the worker processes (they are also stopped at exit)."""
    global _pool
    with _pool_lock:
        if _pool is not None and _pool[0] == os.getpid():
            _pool[1].terminate()
            _pool[1].join()
        _pool = None


def _render_split(plan: _SplitPlan, families, *, base_url: str | None) -> bytes | None:
    """The chunks of ``plan`` rendered in parallel and merged, or None (then the caller
    renders the document in one piece) if the pool or the overlay failed."""
    import io

    from pypdf import PdfReader, PdfWriter

    families = sorted(families)
    try:
        pool = _get_pool(_split_workers())
        pending = [
            pool.apply_async(_chunk_job, ((html, families, base_url),)) for html in plan.chunks[:-1]
        ]
    except Exception:
        logger.exception("PDF worker pool unavailable; rendering in one piece")
        return None
    results = []
    try:
        last = _chunk_job((plan.chunks[-1], families, base_url))
        results = [p.get(timeout=SPLIT_TIMEOUT) for p in pending] + [last]
    except Exception:
        logger.exception("Split PDF rendering failed; rendering in one piece")
        stop_pdf_workers()
        return None
    total = sum(pages for _, pages in results)
    overlay, overlay_pages = _render_one(
        plan.overlay(total), families, base_url=base_url, extra_css=_OVERLAY_CSS
    )
    if overlay_pages != total:
        logger.warning(
            "Split PDF: the page header overlay has %d pages for %d; rendering in one piece",
            overlay_pages, total,
        )
        return None
    writer = PdfWriter()
    for i, (pdf, _) in enumerate(results):
        reader = PdfReader(io.BytesIO(pdf))
        if i == 0 and reader.metadata:
            writer.add_metadata(dict(reader.metadata))
        writer.append(reader)
    for page, margin in zip(writer.pages, PdfReader(io.BytesIO(overlay)).pages):
        page.merge_page(margin)
        page.compress_content_streams()  # merge_page leaves them uncompressed (7x the size)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_template_to_pdf(
    template_name: str, context: dict | None = None, request=None, *, base_url: str | None = None
) -> bytes:
    """Render a Django template (e.g. one extending ``reports/base_pdf.html``) to PDF.

    ``request`` only feeds the template context.  It is deliberately not turned into a
    ``base_url``: WeasyPrint would fetch relative images over HTTP from this very server,
    which can deadlock a sync worker.  Pass ``base_url`` (e.g. a ``file://`` folder URL) or
    use absolute ``file://`` / ``data:`` URLs for images.
    """
    from django.template.loader import render_to_string

    html = render_to_string(template_name, context or {}, request=request)
    return render_pdf(html, base_url=base_url)


def missing_characters(text: str) -> set[str]:
    """The characters of ``text`` (markup included) that no built face has."""
    _, missing = load_font_set().families_for(codepoints_in_markup(text))
    return {chr(cp) for cp in missing}


def font_family_css() -> str:
    """The ``font-family`` value naming every built family, for stylesheets that must set one."""
    font_set = load_font_set()
    return ", ".join(_css_string(f.name) for f in font_set.families)


def warm_up() -> None:
    """Load the fonts and register the common faces in this thread (e.g. in a Celery
    ``worker_process_init`` handler), so the first real document does not pay for it."""
    try:
        font_set = load_font_set()
    except FontsNotBuiltError:
        logger.error("PDF fonts are not built; run `%s`.", BUILD_COMMAND)
        return
    _state(font_set).stylesheet_for([0])


def _release_at_exit() -> None:
    stop_pdf_workers()
    # Let WeasyPrint clean up its font folder while the interpreter is still whole
    # (otherwise its __del__ runs during shutdown and prints a harmless traceback).
    state = getattr(_local, "state", None)
    if state is not None:
        _local.state = None
        del state


atexit.register(_release_at_exit)
