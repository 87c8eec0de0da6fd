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
"""

from __future__ import annotations

import gc
import atexit
import logging
import os
import threading
from collections.abc import Iterable
from contextlib import contextmanager

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
    state = _state(font_set)
    families, missing = font_set.families_for(codepoints_in_markup(html))
    if missing:
        logger.warning(
            "No built font has %s; they will print as empty boxes.",
            " ".join(f"U+{cp:04X}" for cp in sorted(missing)[:20]),
        )
    stylesheet = state.stylesheet_for(families)

    from weasyprint import HTML

    with _gc_paused():
        document = HTML(string=html, base_url=base_url)
        return document.write_pdf(stylesheets=[stylesheet], font_config=state.font_config)


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
    # Let WeasyPrint clean up its font folder while the interpreter is still whole
    # (otherwise its __del__ runs during shutdown and prints a harmless traceback).
    state = getattr(_local, "state", None)
    if state is not None:
        _local.state = None
        del state


atexit.register(_release_at_exit)
