"""File checks for uploads (security.md row 21): name sanitising and content sniffing.

Pure functions; the service :func:`apps.attachments.services.attachment_add` turns their
``FileRejected`` into a DomainError. The type is always decided from the bytes, never from the
browser's Content-Type header.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_NAME_CHARS = 200
HEAD_BYTES = 8192
CHUNK = 64 * 1024

PDF, PNG, JPEG, TIFF, ZIP, OLE2 = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", (b"II*\x00", b"MM\x00*"), \
    b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension → detected content type (text types get their charset appended).
ALLOWED_EXTENSIONS: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "csv": "text/csv",
    "txt": "text/plain",
}
TEXT_EXTENSIONS = frozenset({"csv", "txt"})

# Recognised only to give a clear message; never accepted whatever the extension says.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
                     b"\xca\xfe\xba\xbe", b"#!")
_MARKUP_STARTS = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<meta", "<!--")
_FORBIDDEN_NAME_CHARS = re.compile(r'[<>:"|?*]')


class FileRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Detected:
    extension: str
    mime_type: str


def allowed_extensions_display() -> str:
    return ", ".join(sorted(ALLOWED_EXTENSIONS))


def sanitize_file_name(raw: str | None) -> str:
    """A display-only name: no directories, no control or format characters, NFC, ≤ 200 chars.

    ``../../etc/passwd.pdf`` → ``passwd.pdf``; ``C:\\scans\\验收报告.pdf`` → ``验收报告.pdf``.
    The result is never used to build a storage path.
    """
    name = unicodedata.normalize("NFC", str(raw or ""))
    # Control (Cc) and format (Cf: e.g. U+202E right-to-left override, used to fake extensions)
    # characters are dropped; so are NUL and newlines.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _FORBIDDEN_NAME_CHARS.sub("_", name)
    name = " ".join(name.split())  # collapse whitespace (incl. full-width spaces)
    # Trailing dots and spaces are dropped (Windows ignores them, so "a.exe." would be "a.exe").
    name = name.strip().rstrip(" .")
    if len(name) > MAX_NAME_CHARS:
        stem, ext = posixpath.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") + ext
    return name


def extension_of(name: str) -> str:
    """The part after the last dot (``....pdf`` → ``pdf``, ``.pdf`` → ``pdf``), lower case."""
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def _read_head(fileobj) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    return head or b""


def _looks_like_markup(head: bytes) -> bool:
    text = head[:512].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    try:
        decoded = text.decode("utf-8", errors="ignore")
    except Exception:  # pragma: no cover - errors="ignore" never raises
        return False
    return decoded.startswith(_MARKUP_STARTS)


def _zip_names(fileobj) -> list[str]:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        raise FileRejected(_("The file is not a valid ZIP-based document.")) from None
    finally:
        fileobj.seek(0)


def _text_charset(fileobj) -> str:
    """UTF-8 (with or without BOM) or GB18030, no NUL byte anywhere; the charset found."""
    decoders = {"utf-8": codecs.getincrementaldecoder("utf-8-sig")(),
                "gb18030": codecs.getincrementaldecoder("gb18030")()}
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        if b"\x00" in chunk:
            raise FileRejected(_("A text file must not contain NUL bytes."))
        for name in list(decoders):
            try:
                decoders[name].decode(chunk)
            except UnicodeDecodeError:
                del decoders[name]
    for name in list(decoders):
        try:
            decoders[name].decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    fileobj.seek(0)
    if not decoders:
        raise FileRejected(_("A text file must be encoded in UTF-8 or GB18030."))
    return "utf-8" if "utf-8" in decoders else "gb18030"


# The magic bytes each binary type starts with.
_MAGIC = {"pdf": (PDF,), "png": (PNG,), "jpg": (JPEG,), "jpeg": (JPEG,), "tif": TIFF, "tiff": TIFF,
          "doc": (OLE2,), "xls": (OLE2,)}
# What a ZIP-based package holds: docx → word/…, xlsx → xl/…, OFD (GB/T 33190) → OFD.xml at the root.
_PACKAGE_ENTRY = {"docx": lambda n: n.startswith("word/"), "xlsx": lambda n: n.startswith("xl/"),
                  "ofd": lambda n: n.lower() == "ofd.xml"}


def _refuse_dangerous(head: bytes) -> None:
    if head.startswith(_EXECUTABLE_MAGIC):
        raise FileRejected(_("Executable files and scripts are not accepted."))
    if _looks_like_markup(head):
        raise FileRejected(_("Web pages, SVG and XML files are not accepted."))


def _content_matches(fileobj, head: bytes, extension: str) -> bool:
    if extension in _MAGIC:
        return head.startswith(tuple(_MAGIC[extension]))
    if extension in _PACKAGE_ENTRY:
        return head.startswith(ZIP) and any(_PACKAGE_ENTRY[extension](n) for n in _zip_names(fileobj))
    if extension in TEXT_EXTENSIONS:
        return not head.startswith((PDF, PNG, JPEG, ZIP, OLE2, *TIFF))
    return False  # pragma: no cover - every allowed extension is handled above


def detect(fileobj, extension: str) -> Detected:
    """Check that the content agrees with the extension; return the detected content type."""
    if extension not in ALLOWED_EXTENSIONS:
        raise FileRejected(_("Files of type “%(ext)s” are not accepted. Allowed types: %(allowed)s.")
                           % {"ext": extension or "?", "allowed": allowed_extensions_display()})
    head = _read_head(fileobj)
    _refuse_dangerous(head)
    if not _content_matches(fileobj, head, extension):
        raise FileRejected(_("The content of the file does not match its extension “.%(ext)s”.")
                           % {"ext": extension})
    mime = ALLOWED_EXTENSIONS[extension]
    if extension in TEXT_EXTENSIONS:
        mime = f"{mime}; charset={_text_charset(fileobj)}"
    return Detected(extension=extension, mime_type=mime)
