"""The PDF fonts at run time: where they are and which face covers which character.

The faces are built by ``scripts/build_fonts.py`` (see :mod:`apps.reports.fonts.build`)
into :func:`font_dir`, described by ``manifest.json`` there.  Importing this module does
not need Django, fontTools or WeasyPrint.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import sys
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FAMILY = "Report Sans"  # CSS family of the common faces; slices are "Report Sans N01" ...
FILE_PREFIX = "ReportSans"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
FONT_DIR_ENV = "FONT_DIR"
SETTING_NAME = "REPORTS_FONT_DIR"

# apps/reports/fonts/__init__.py -> project root
PROJECT_ROOT = Path(__file__).resolve().parents[3]
BUILD_COMMAND = ".venv/bin/python scripts/build_fonts.py"


class FontsNotBuiltError(RuntimeError):
    """The PDF fonts have not been built (or the build is incomplete)."""


def font_dir() -> Path:
    """Folder of the built fonts.

    ``settings.REPORTS_FONT_DIR`` if Django settings are configured and set it, else the
    ``FONT_DIR`` environment variable, else ``<project root>/var/fonts``.
    """
    if "django.conf" in sys.modules:  # not imported = no Django settings to consult
        from django.conf import settings

        if settings.configured:
            value = getattr(settings, SETTING_NAME, None)
            if value:
                return Path(value)
    env = os.environ.get(FONT_DIR_ENV)
    return Path(env) if env else PROJECT_ROOT / "var" / "fonts"


def compress_ranges(codepoints: Iterable[int]) -> list[list[int]]:
    """Sorted codepoints -> [[first, last], ...] runs."""
    runs: list[list[int]] = []
    for cp in sorted(codepoints):
        if runs and cp == runs[-1][1] + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return runs


@dataclass(frozen=True)
class Face:
    family: str
    path: Path
    weight: int
    glyphs: int


@dataclass(frozen=True)
class Family:
    index: int  # position in the manifest = fallback priority
    name: str
    faces: tuple[Face, ...]
    codepoints: int


class FontSet:
    """The built faces, grouped by CSS family, with a codepoint -> family lookup."""

    def __init__(self, directory: Path, manifest: dict):
        self.directory = directory
        self.build_key = manifest["build_key"]
        self.missing_optional_sources = tuple(manifest.get("missing_optional_sources", ()))
        by_family: dict[str, list[dict]] = {}
        for face in manifest["faces"]:
            by_family.setdefault(face["family"], []).append(face)
        families = []
        runs: list[tuple[int, int, int]] = []
        for index, (name, faces) in enumerate(by_family.items()):
            regular = [f for f in faces if f["weight"] < 600] or faces
            coverage = regular[0]["ranges"]
            families.append(
                Family(
                    index=index,
                    name=name,
                    faces=tuple(
                        Face(name, directory / f["file"], f["weight"], f["glyphs"]) for f in faces
                    ),
                    codepoints=sum(hi - lo + 1 for lo, hi in coverage),
                )
            )
            runs.extend((lo, hi, index) for lo, hi in coverage)
        runs.sort()
        self.families: tuple[Family, ...] = tuple(families)
        self._starts = [r[0] for r in runs]
        self._ends = [r[1] for r in runs]
        self._owners = [r[2] for r in runs]
        for face in (f for fam in families for f in fam.faces):
            if not face.path.is_file():
                raise FontsNotBuiltError(
                    f"The PDF font {face.path} listed in {directory / MANIFEST_NAME} is missing; "
                    f"rebuild the fonts with `{BUILD_COMMAND}`."
                )

    def family_of(self, codepoint: int) -> int | None:
        """Index of the family whose faces have this codepoint, or None."""
        i = bisect_right(self._starts, codepoint) - 1
        if i >= 0 and codepoint <= self._ends[i]:
            return self._owners[i]
        return None

    def families_for(self, codepoints: Iterable[int]) -> tuple[list[int], set[int]]:
        """(sorted family indices needed, codepoints no face has).  Always has family 0."""
        needed = {0}
        missing = set()
        for cp in codepoints:
            if cp < 0x7F:
                continue  # ASCII (and controls): in the common faces
            owner = self.family_of(cp)
            if owner is None:
                if not _ignorable(cp):
                    missing.add(cp)
            else:
                needed.add(owner)
        return sorted(needed), missing

    def covers(self, char: str) -> bool:
        return self.family_of(ord(char)) is not None


def _ignorable(cp: int) -> bool:
    # Controls, zero-width and format characters, variation selectors: no glyph needed.
    return (
        cp < 0x20
        or 0x7F <= cp <= 0x9F
        or cp in (0xAD, 0x034F, 0x061C, 0x180E, 0xFEFF)
        or 0x200B <= cp <= 0x200F
        or 0x2028 <= cp <= 0x202E
        or 0x2060 <= cp <= 0x206F
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0000 <= cp <= 0xE0FFF
    )


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})")


def codepoints_in_markup(markup: str) -> set[int]:
    """Every codepoint the document may show: its characters, character references
    (``&#x4DAE;``, ``&middot;``) and CSS escapes (``content: "\\2713"``)."""
    text = html_lib.unescape(markup) if "&" in markup else markup
    codepoints = set(map(ord, set(text)))
    if "\\" in markup:
        for match in _CSS_ESCAPE.findall(markup):
            value = int(match, 16)
            if value <= 0x10FFFF:
                codepoints.add(value)
    return codepoints


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int], FontSet]] = {}


def load_font_set(directory: Path | None = None) -> FontSet:
    """The FontSet of ``directory`` (default :func:`font_dir`), cached per process.

    Reloaded when manifest.json changes (a rebuild).  Raise FontsNotBuiltError if absent.
    """
    directory = Path(directory or font_dir())
    manifest_path = directory / MANIFEST_NAME
    try:
        st = manifest_path.stat()
    except FileNotFoundError:
        raise FontsNotBuiltError(
            f"The PDF fonts are not built: {manifest_path} does not exist; run "
            f"`{BUILD_COMMAND}` (it needs the Debian package fonts-noto-cjk)."
        ) from None
    stamp = (st.st_mtime_ns, st.st_size)
    with _cache_lock:
        cached = _cache.get(directory)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise FontsNotBuiltError(
                f"{manifest_path} is unreadable ({exc}); rebuild the fonts with `{BUILD_COMMAND}`."
            ) from None
        if manifest.get("format") != MANIFEST_FORMAT:
            raise FontsNotBuiltError(
                f"{manifest_path} was written by another version of the font builder; "
                f"rebuild the fonts with `{BUILD_COMMAND}`."
            )
        font_set = FontSet(directory, manifest)
        _cache[directory] = (stamp, font_set)
        return font_set


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
