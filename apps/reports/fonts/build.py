"""Build the PDF fonts: glyf-outline TrueType faces cut from the Debian CJK fonts.

Run through ``scripts/build_fonts.py``.  Output (in the font directory, see
:func:`apps.reports.fonts.font_dir`)::

    manifest.json                       what the runtime reads (faces, coverage, build key)
    ReportSans-Common-Regular.ttf       GB 2312 + Latin + CJK punctuation + name characters
    ReportSans-Common-Bold.ttf
    ReportSans-N01-Regular.ttf ...      "slices": the rest of Noto Sans CJK SC, ~1000 glyphs each
    ReportSans-D01-Regular.ttf ...      symbols (✔ ☐ ☑ ...) from DejaVu Sans
    ReportSans-W01-Regular.ttf ...      what only WenQuanYi Zen Hei has (compatibility ideographs)
    ReportSans-H01-Regular.ttf ...      Extension B-F from Hanazono (HanaMinA/B)

Why: WeasyPrint subsets every font face it uses when writing the PDF, and the cost of
that grows with the glyph count of the face (and with CFF, which must be desubroutinized).
Small TrueType faces without hinting subset in milliseconds.  See docs/pdf.md.

The build is deterministic (fixed timestamps, sorted inputs): the same sources give the
same bytes.  It is skipped when ``manifest.json`` carries the same build key (builder
source + parameters + size/mtime of every source font).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import multiprocessing
import os
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    FAMILY,
    FILE_PREFIX,
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    compress_ranges,
    font_dir,
)

# Bump to force a rebuild everywhere (the builder's own source hash is part of the key too).
BUILD_VERSION = 1

# Glyphs per slice.  Smaller slices subset faster but a page touches more of them.
SLICE_SIZE = 1000
# Hanazono and WenQuanYi only hold rare characters: bigger slices, fewer files.
RARE_SLICE_SIZE = 2000

# Quadratic conversion tolerance in font units (1/1000 em for Noto): invisible in print.
CU2QU_MAX_ERR = 1.0

SOURCE_ROOT_ENV = "FONT_SOURCE_DIR"  # default /usr/share/fonts (Debian's font root)


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str  # one letter, used in slice names: N01, D01 ...
    name: str
    package: str  # Debian package that ships it
    licence: str
    regular: str  # path relative to the source root
    bold: str | None
    face_name: str | None  # full name of the face in a collection (.ttc); None = first face
    required: bool
    # Only take codepoints in these ranges from this source (None = all it has) ...
    ranges: tuple[tuple[int, int], ...] | None = None
    # ... and never these (left to a later source).
    skip: tuple[tuple[int, int], ...] = ()
    extra_files: tuple[str, ...] = ()  # more files merged into the same source (Hanazono B)


SOURCES: tuple[Source, ...] = (
    Source(
        key="N",
        name="Noto Sans CJK SC",
        package="fonts-noto-cjk",
        licence="SIL Open Font License 1.1",
        regular="opentype/noto/NotoSansCJK-Regular.ttc",
        bold="opentype/noto/NotoSansCJK-Bold.ttc",
        face_name="Noto Sans CJK SC",
        required=True,
        # Hangul: 11k glyphs Chinese forms hardly need; WenQuanYi has them as TrueType
        # already, which saves a third of the CFF->TrueType conversion time.
        skip=((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF)),
    ),
    Source(
        key="D",
        name="DejaVu Sans",
        package="fonts-dejavu-core",
        licence="Bitstream Vera Fonts licence (DejaVu changes: public domain)",
        regular="truetype/dejavu/DejaVuSans.ttf",
        bold="truetype/dejavu/DejaVuSans-Bold.ttf",
        face_name=None,
        required=False,
        # Symbols and Latin/Greek/Cyrillic letters Noto CJK lacks (✔ ✘ ☐ ☑ ☒ ...).
        ranges=((0x0000, 0x058F), (0x1D00, 0x1FFF), (0x2000, 0x2BFF)),
    ),
    Source(
        key="W",
        name="WenQuanYi Zen Hei",
        package="fonts-wqy-zenhei",
        licence="GPL-2 with font embedding exception",
        regular="truetype/wqy/wqy-zenhei.ttc",
        bold=None,
        face_name="WenQuanYi Zen Hei",
        required=False,
    ),
    Source(
        key="H",
        name="Hanazono Mincho (HanaMinA/HanaMinB)",
        package="fonts-hanazono",
        licence="SIL Open Font License 1.1 (or the Hanazono Font License)",
        regular="truetype/hanazono/HanaMinA.ttf",
        bold=None,
        face_name=None,
        required=False,
        extra_files=("truetype/hanazono/HanaMinB.ttf",),
    ),
)

# Never mapped: controls, private use, variation selectors, specials, non-characters.
EXCLUDED_RANGES = (
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0xD800, 0xF8FF),  # surrogates + private use area
    (0xFE00, 0xFE0F),
    (0xFFF0, 0xFFFF),
    (0xE0000, 0xE01EF),
    (0xF0000, 0x10FFFF),
)


def source_root() -> Path:
    return Path(os.environ.get(SOURCE_ROOT_ENV) or "/usr/share/fonts")


# --------------------------------------------------------------------------------------
# The common set
# --------------------------------------------------------------------------------------

# Frequent in personal and place names but outside GB 2312 (most are in 通用规范汉字表).
# Characters already in GB 2312 are harmless here; order does not matter.
NAME_CHARACTERS = (
    "堃喆昇珺瑄犇淼玥祎彧璟禛曌燚垚赟頔晞琇琬瑀珅珩珣琤瑢璠璇炜煜昉昶晟旻暐曦桢楠槿樾"
    "彤妤姝婳嫣铠锴镕骞骅鹍淏溍濬滢沄洺浛汭泓湉堇垲埕韡翀翊翎羿睿禕颢翾琨瑱玹珈玚珂瑨"
    "瑒劼勍懿熠炅炟烨焜煊熳菡萩苡蘅芊莜笙箬昳晏晁暄曜玙瑗璞璨瑭珞琛琮琀瑷璘璩瓅缇绮"
    "婷婕娴娅婀妘姮嫱婵媱嬿钖铉锟锘镠鑫淇湛澍澈潇漪涵汐沅洵浠淳渲溱滟潆瀚灏炀炫烜焕煦"
    "熙燊燏爔赜赉贇赓鋆钧铖锃镛昀昕昱晔晖晗暻曈朗朔桉栩梓棠椿楷榕槐樨檀歆毓沣沭洹浚"
    "淦渤湄溥漳潼澜濡琰琳瑾璐瑶琪琦珏钰晋堉埔坶垣墉壹奕宸宓寅崧嵘嶷巍弢弋彪徵忞恺"
    "悦惇慜戬昙晰暾杲枫柘栋桦梵楦樯橦檠泷洙涤渟湜溦潍炘焯煖爚犀珙珮琚瑛璋璜璎禔祐"
    "祯祾秾穆竑笃筱篪籍粲絜罡羲耘聿芃芸苒茉荔莘菁萍蒨蔻蕙蕴薇藜蘩虓蛟衎袆裕觐訸谞"
    "豫贲趵跃轩辰迪逸遐邕郗郜鄞钊铮锋锐闿阗隽雯霁霏靓韫韵颀颉馥骐骥鲲鹏麒黛龑䶮"
)


def gb2312_codepoints() -> set[int]:
    """Every character of GB 2312 (6763 hanzi + 682 symbols), from Python's codec."""
    out = set()
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((b1, b2)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


COMMON_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
    (0x01CD, 0x01DC),  # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    (0x0250, 0x02FF),  # IPA, spacing modifiers (ɑ ɡ ˇ ˉ ˊ ˋ ˙)
    (0x0391, 0x03C9),  # Greek
    (0x0401, 0x0451),  # Cyrillic
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x20CF),  # super/subscripts, currency
    (0x2100, 0x218F),  # letterlike (℃ №), number forms (Ⅰ Ⅻ)
    (0x2190, 0x22FF),  # arrows, mathematical operators
    (0x2300, 0x23FF),  # miscellaneous technical
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈)
    (0x2500, 0x25FF),  # box drawing, blocks, geometric shapes (□ ■ ○ ● △)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats (★ ☆ ✓) - whatever Noto has
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # kana (GB 2312 has it)
    (0x3100, 0x312F),  # bopomofo
    (0x3200, 0x33FF),  # enclosed CJK (㈠ ㊣), CJK compatibility (㎡ ㎏)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
)


def common_codepoints() -> set[int]:
    cps = gb2312_codepoints()
    for lo, hi in COMMON_RANGES:
        cps.update(range(lo, hi + 1))
    cps.update(ord(c) for c in NAME_CHARACTERS)
    return cps


# --------------------------------------------------------------------------------------
# Plan: which codepoint goes into which output face
# --------------------------------------------------------------------------------------


@dataclass
class FacePlan:
    family: str
    slug: str  # Common, N01 ...
    weight: int  # 400 / 700
    source: Source
    path: str  # source file (absolute)
    font_number: int
    codepoints: list[int]
    # For multi-file sources: codepoint -> (path, font_number); None = all from `path`.
    split: dict[int, tuple[str, int]] | None = None

    @property
    def filename(self) -> str:
        style = "Bold" if self.weight >= 600 else "Regular"
        return f"{FILE_PREFIX}-{self.slug}-{style}.ttf"


@dataclass
class Plan:
    faces: list[FacePlan] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)


class SourceFontsMissing(Exception):
    pass


def _excluded(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in EXCLUDED_RANGES)


def _face_index(path: Path, face_name: str | None) -> int:
    if face_name is None or path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(collection.fonts):
            names = (font["name"].getDebugName(4), font["name"].getDebugName(1))
            if face_name in names:
                return i
    finally:
        collection.close()
    raise SourceFontsMissing(f"{path} has no face named {face_name!r}")


def _cmap(path: str, font_number: int) -> dict[int, str]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=font_number, lazy=True)
    try:
        return dict(font.getBestCmap() or {})
    finally:
        font.close()


def _stat(path: Path) -> dict:
    st = path.stat()
    return {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def available_sources(root: Path | None = None) -> tuple[list[Source], list[Source]]:
    """(sources present, optional sources missing); raise SourceFontsMissing for required."""
    root = root or source_root()
    present, missing = [], []
    for src in SOURCES:
        files = [src.regular, *([src.bold] if src.bold else []), *src.extra_files]
        absent = [f for f in files if not (root / f).is_file()]
        if not absent:
            present.append(src)
        elif src.required:
            raise SourceFontsMissing(
                f"The source font {root / absent[0]} is missing: install the Debian package "
                f"{src.package} (apt-get install {src.package}) and run this again."
            )
        else:
            missing.append(src)
    return present, missing


def build_key(root: Path, present: list[Source]) -> str:
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())  # the builder's logic
    params = {
        "version": BUILD_VERSION,
        "names": [FAMILY, FILE_PREFIX, MANIFEST_FORMAT],
        "slice": SLICE_SIZE,
        "rare_slice": RARE_SLICE_SIZE,
        "err": CU2QU_MAX_ERR,
        "sources": [
            _stat(root / f)
            for s in present
            for f in [s.regular, *([s.bold] if s.bold else []), *s.extra_files]
        ],
    }
    h.update(json.dumps(params, sort_keys=True).encode())
    return h.hexdigest()[:32]


def make_plan(root: Path, present: list[Source]) -> Plan:
    plan = Plan()
    common = common_codepoints()
    taken: set[int] = set()

    for src in present:
        files = [(root / src.regular)] + [root / f for f in src.extra_files]
        index = _face_index(files[0], src.face_name)
        owner: dict[int, tuple[str, int]] = {}
        for i, path in enumerate(files):
            fnum = index if i == 0 else _face_index(path, src.face_name)
            for cp in _cmap(str(path), fnum):
                if cp in taken or cp in owner or _excluded(cp):
                    continue
                if src.ranges and not any(lo <= cp <= hi for lo, hi in src.ranges):
                    continue
                if any(lo <= cp <= hi for lo, hi in src.skip):
                    continue
                owner[cp] = (str(path), fnum)
        if src.bold:
            bold_path = root / src.bold
            bold_index = _face_index(bold_path, src.face_name)
            bold_cmap = _cmap(str(bold_path), bold_index)
        plan.sources.append(
            {
                "key": src.key,
                "name": src.name,
                "package": src.package,
                "licence": src.licence,
                "files": [str(p) for p in files] + ([str(root / src.bold)] if src.bold else []),
                "codepoints": len(owner),
            }
        )
        if not owner:
            continue
        taken.update(owner)
        cps = sorted(owner)
        main_path, main_index = str(files[0]), index

        groups: list[tuple[str, list[int]]] = []
        if src.key == "N":
            common_cps = [cp for cp in cps if cp in common]
            groups.append(("Common", common_cps))
            rest = [cp for cp in cps if cp not in common]
            size = SLICE_SIZE
        else:
            rest = cps
            size = SLICE_SIZE if src.bold else RARE_SLICE_SIZE
        n = (len(rest) + size - 1) // size
        for i in range(n):
            groups.append((f"{src.key}{i + 1:02d}", rest[i * size : (i + 1) * size]))

        for slug, group in groups:
            family = FAMILY if slug == "Common" else f"{FAMILY} {slug}"
            split = None if len(files) == 1 else {cp: owner[cp] for cp in group}
            plan.faces.append(
                FacePlan(family, slug, 400, src, main_path, main_index, group, split)
            )
            if src.bold:
                bold_group = [cp for cp in group if cp in bold_cmap]
                plan.faces.append(
                    FacePlan(family, slug, 700, src, str(bold_path), bold_index, bold_group)
                )
    return plan


# --------------------------------------------------------------------------------------
# Building one face (runs in worker processes)
# --------------------------------------------------------------------------------------

_OPEN: dict[tuple[str, int], tuple] = {}


def _open(path: str, font_number: int):
    from fontTools.ttLib import TTFont

    key = (path, font_number)
    if key not in _OPEN:
        font = TTFont(path, fontNumber=font_number, lazy=True)
        is_cff = "CFF " in font
        _OPEN[key] = (
            font,
            font.getBestCmap(),
            font.getGlyphSet() if is_cff else font["glyf"],
            font["hmtx"],
            is_cff,
        )
    return _OPEN[key]


# A glyph ready to be written: (raw glyf bytes, contours, points, (xMin, yMin, xMax, yMax)).
GlyphRecord = tuple[bytes, int, int, tuple[int, int, int, int]]
_EMPTY: GlyphRecord = (b"", 0, 0, (0, 0, 0, 0))


def _record(glyph) -> GlyphRecord:
    """Compile a simple fontTools Glyph (no instructions) into a GlyphRecord."""
    if glyph.numberOfContours == 0:
        return _EMPTY
    glyph.recalcBounds(None)
    data = glyph.compile(None, recalcBBoxes=False)
    bbox = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
    return data, glyph.numberOfContours, len(glyph.coordinates), bbox


def _cff_glyph(glyph_set, name) -> GlyphRecord:
    """CFF (cubic) -> TrueType (quadratic) outline, via cu2qu; no hinting."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    glyph_set[name].draw(Cu2QuPen(pen, CU2QU_MAX_ERR, reverse_direction=True))
    # (dropImpliedOnCurves would save 0.1% of the bytes for 25% more build time.)
    return _record(pen.glyph())


def _glyf_glyph(glyf, name) -> GlyphRecord:
    """Copy a TrueType glyph as bytes, without its instructions; decompose composites."""
    raw = glyf.glyphs[name].data if hasattr(glyf.glyphs[name], "data") else None
    if raw is None:  # already expanded by someone: recompile it
        raw = glyf.glyphs[name].compile(glyf, recalcBBoxes=False)
    if len(raw) < 10:
        return _EMPTY
    contours, x0, y0, x1, y1 = struct.unpack(">hhhhh", raw[:10])
    if contours > 0:
        end = 10 + 2 * contours
        points = struct.unpack(">H", raw[end - 2 : end])[0] + 1
        ilen = struct.unpack(">H", raw[end : end + 2])[0]
        if ilen:
            raw = raw[:end] + b"\0\0" + raw[end + 2 + ilen :]
        return raw, contours, points, (x0, y0, x1, y1)
    if contours == 0:
        return _EMPTY
    # Composite: flatten the components into one simple glyph.
    from array import array

    from fontTools.ttLib.tables import ttProgram
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphCoordinates

    coords, end_pts, flags = glyf[name].getCoordinates(glyf)
    flat = Glyph()
    flat.numberOfContours = len(end_pts)
    flat.coordinates = GlyphCoordinates(coords)
    flat.coordinates.toInt()
    flat.endPtsOfContours = list(end_pts)
    flat.flags = array("B", (f & 0x01 for f in flags))
    flat.program = ttProgram.Program()
    flat.program.fromBytecode(b"")
    return _record(flat)


def _name_strings(face: dict, src_font) -> dict:
    style = "Bold" if face["weight"] >= 600 else "Regular"
    src_name = src_font["name"]
    copyright_ = src_name.getDebugName(0) or ""
    licence = src_name.getDebugName(13) or face["licence"]
    licence_url = src_name.getDebugName(14) or ""
    ps = f"{FILE_PREFIX}-{face['slug']}-{style}"
    return {
        "copyright": copyright_,
        "familyName": face["family"],
        "styleName": style,
        "uniqueFontIdentifier": f"{ps};{BUILD_VERSION}",
        "fullName": f"{face['family']} {style}",
        "version": f"Version {BUILD_VERSION}.0; derived from {face['source_name']}",
        "psName": ps,
        "description": (
            f"Subset of {face['source_name']} converted to TrueType outlines for PDF reports; "
            "not the original font."
        ),
        "licenseDescription": licence,
        "licenseInfoURL": licence_url,
    }


def build_face(face: dict) -> tuple[str, int, float]:
    """Write one face; ``face`` is a plain dict (picklable).  Returns (file, glyphs, seconds)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    t0 = time.perf_counter()
    main_font, main_cmap, main_glyphs, main_hmtx, main_cff = _open(
        face["path"], face["font_number"]
    )
    upem = main_font["head"].unitsPerEm

    def convert(glyphs, is_cff, name):
        return _cff_glyph(glyphs, name) if is_cff else _glyf_glyph(glyphs, name)

    order = [".notdef"]
    records: dict[str, GlyphRecord] = {".notdef": convert(main_glyphs, main_cff, ".notdef")}
    advances = {".notdef": main_hmtx[".notdef"][0]}
    cmap_out: dict[int, str] = {}
    seen: dict[tuple[str, str], str] = {}
    split = face["split"]
    for cp in face["codepoints"]:
        if split is not None:
            path, fnum = split[cp]
            font, cmap, glyphs, hmtx, is_cff = _open(path, fnum)
            if font["head"].unitsPerEm != upem:  # pragma: no cover - true of today's sources
                raise ValueError(f"{path}: unitsPerEm differs from {face['path']}")
        else:
            path, cmap, glyphs, hmtx, is_cff = (
                face["path"], main_cmap, main_glyphs, main_hmtx, main_cff,
            )
        src_glyph = cmap.get(cp)
        if src_glyph is None:
            continue
        key = (path, src_glyph)
        name = seen.get(key)
        if name is None:
            name = f"uni{cp:04X}" if cp <= 0xFFFF else f"u{cp:05X}"
            seen[key] = name
            order.append(name)
            records[name] = convert(glyphs, is_cff, src_glyph)
            advances[name] = hmtx[src_glyph][0]
        cmap_out[cp] = name

    fb = FontBuilder(upem, isTTF=True)
    fb.font.recalcBBoxes = False  # we know every bound: skip fontTools' slow recalculation
    src_head = main_font["head"]
    bold = face["weight"] >= 600
    fb.setupHead(
        unitsPerEm=upem,
        created=src_head.created,
        modified=src_head.modified,
        fontRevision=float(BUILD_VERSION),
        macStyle=1 if bold else 0,
        flags=0x000B,  # baseline at y=0, lsb at x=0 (= xMin), integer ppem
    )
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap_out)
    fb.font["loca"] = newTable("loca")
    glyf = fb.font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {name: Glyph(records[name][0]) for name in order}

    inked = [records[n][3] for n in order if records[n][1]]
    head = fb.font["head"]
    if inked:
        head.xMin = min(b[0] for b in inked)
        head.yMin = min(b[1] for b in inked)
        head.xMax = max(b[2] for b in inked)
        head.yMax = max(b[3] for b in inked)
    else:  # pragma: no cover
        head.xMin = head.yMin = head.xMax = head.yMax = 0
    maxp = fb.font["maxp"]
    maxp.maxPoints = max(r[2] for r in records.values())
    maxp.maxContours = max(r[1] for r in records.values())
    maxp.maxCompositePoints = maxp.maxCompositeContours = 0
    maxp.maxComponentElements = maxp.maxComponentDepth = 0
    maxp.maxZones = 1

    metrics = {}
    for name in order:
        rec = records[name]
        metrics[name] = (advances[name], rec[3][0] if rec[1] else 0)
    fb.setupHorizontalMetrics(metrics)

    # Same vertical metrics in every face (Noto's, scaled), so a line that mixes
    # faces keeps the same height.
    m = face["metrics"]
    scale = upem / m["upem"]
    asc, desc, gap = (round(m[k] * scale) for k in ("ascent", "descent", "lineGap"))
    tasc, tdesc = round(m["typoAscender"] * scale), round(m["typoDescender"] * scale)
    lsbs = [metrics[n][1] for n in order if records[n][1]] or [0]
    rsbs = [advances[n] - records[n][3][2] for n in order if records[n][1]] or [0]
    extents = [records[n][3][2] for n in order if records[n][1]] or [0]
    fb.setupHorizontalHeader(
        ascent=asc,
        descent=desc,
        lineGap=gap,
        advanceWidthMax=max(advances.values()),
        minLeftSideBearing=min(lsbs),
        minRightSideBearing=min(rsbs),
        xMaxExtent=max(extents),
    )
    fb.setupNameTable(_name_strings(face, main_font), mac=False)
    widths = [a for a in advances.values() if a]
    fb.setupOS2(
        version=4,
        xAvgCharWidth=round(sum(widths) / len(widths)) if widths else 0,
        usWeightClass=face["weight"],
        fsSelection=(1 << 5) if bold else (1 << 6),
        sTypoAscender=tasc,
        sTypoDescender=tdesc,
        sTypoLineGap=0,
        usWinAscent=asc,
        usWinDescent=-desc,
        achVendID="NONE",
        fsType=main_font["OS/2"].fsType,  # embedding permissions of the source
        ulCodePageRange1=(1 << 18) if face["source_key"] in "NWH" else 1,  # GB 2312 / Latin 1
        ulCodePageRange2=0,
    )
    fb.font["OS/2"].recalcUnicodeRanges(fb.font)
    fb.setupPost(keepGlyphNames=False)
    out = Path(face["out"])
    fb.save(str(out))
    return out.name, len(order), time.perf_counter() - t0


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def _is_up_to_date(out_dir: Path, key: str) -> bool:
    manifest = out_dir / MANIFEST_NAME
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return False
    if data.get("format") != MANIFEST_FORMAT or data.get("build_key") != key:
        return False
    return all(
        (out_dir / f["file"]).is_file() and (out_dir / f["file"]).stat().st_size == f["bytes"]
        for f in data.get("faces", [])
    )


@contextlib.contextmanager
def _lock(out_dir: Path):
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _noto_metrics(root: Path) -> dict:
    from fontTools.ttLib import TTFont

    src = SOURCES[0]
    path = root / src.regular
    font = TTFont(str(path), fontNumber=_face_index(path, src.face_name), lazy=True)
    try:
        return {
            "upem": font["head"].unitsPerEm,
            "ascent": font["hhea"].ascent,
            "descent": font["hhea"].descent,
            "lineGap": font["hhea"].lineGap,
            "typoAscender": font["OS/2"].sTypoAscender,
            "typoDescender": font["OS/2"].sTypoDescender,
        }
    finally:
        font.close()


def build(
    out_dir: Path | None = None,
    *,
    root: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    log=print,
) -> bool:
    """Build the fonts into ``out_dir``.  Return False if they were already up to date."""
    out_dir = Path(out_dir or font_dir())
    root = Path(root or source_root())
    present, missing = available_sources(root)
    key = build_key(root, present)
    if not force and _is_up_to_date(out_dir, key):
        return False
    with _lock(out_dir):
        if not force and _is_up_to_date(out_dir, key):  # built by a concurrent run
            return False
        t0 = time.perf_counter()
        for src in missing:
            log(
                f"note: {src.name} not found (Debian package {src.package}); "
                "the characters only it has will not be covered."
            )
        plan = make_plan(root, present)
        metrics = _noto_metrics(root)
        tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
        try:
            tasks = []
            for f in plan.faces:
                tasks.append(
                    {
                        "family": f.family,
                        "slug": f.slug,
                        "weight": f.weight,
                        "path": f.path,
                        "font_number": f.font_number,
                        "codepoints": f.codepoints,
                        "split": f.split,
                        "out": str(tmp / f.filename),
                        "metrics": metrics,
                        "licence": f.source.licence,
                        "source_key": f.source.key,
                        "source_name": f.source.name,
                    }
                )
            # Largest first, so the two cores finish together.
            order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i]["codepoints"]))
            jobs = jobs or min(os.cpu_count() or 1, 8)
            results = {}
            if jobs > 1:
                ctx = multiprocessing.get_context("fork")
                with ctx.Pool(jobs) as pool:
                    for i, res in zip(
                        order,
                        pool.imap(build_face, [tasks[i] for i in order], chunksize=1),
                        strict=True,
                    ):
                        results[i] = res
            else:
                for i in order:
                    results[i] = build_face(tasks[i])

            faces = []
            for i, f in enumerate(plan.faces):
                name, glyph_count, _ = results[i]
                path = tmp / name
                faces.append(
                    {
                        "family": f.family,
                        "file": name,
                        "weight": f.weight,
                        "source": f.source.key,
                        "glyphs": glyph_count,
                        "bytes": path.stat().st_size,
                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                        "ranges": compress_ranges(f.codepoints),
                    }
                )
            manifest = {
                "format": MANIFEST_FORMAT,
                "build_key": key,
                "family": FAMILY,
                "sources": plan.sources,
                "missing_optional_sources": [s.package for s in missing],
                "faces": faces,
            }
            # Move faces in, then the manifest (atomically), then drop stale files.
            keep = {f["file"] for f in faces}
            for name in keep:
                os.replace(tmp / name, out_dir / name)
            manifest_tmp = out_dir / (MANIFEST_NAME + ".tmp")
            manifest_tmp.write_text(
                json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
            )
            os.replace(manifest_tmp, out_dir / MANIFEST_NAME)
            for stale in out_dir.glob(f"{FILE_PREFIX}-*.ttf"):
                if stale.name not in keep:
                    stale.unlink()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        total = sum(f["bytes"] for f in faces)
        log(
            f"built {len(faces)} font faces ({total / 1e6:.1f} MB, "
            f"{sum(f['glyphs'] for f in faces)} glyphs) in {out_dir} "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the PDF fonts (see docs/pdf.md).")
    parser.add_argument("--out", type=Path, help="output folder (default: FONT_DIR or var/fonts)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: CPU count)")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    out = args.out or font_dir()
    try:
        built = build(out, jobs=args.jobs, force=args.force)
    except SourceFontsMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not built:
        print(f"fonts in {out} are up to date")
    return 0
