"""Name sanitising and content sniffing, without the database."""

import io

import pytest

from apps.attachments.validation import FileRejected, detect, extension_of, sanitize_file_name

from . import factories as f


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\x.pdf", "x.pdf"),
    ("C:\\扫描件\\验收报告.pdf", "验收报告.pdf"),
    ("bad\x00name.pdf", "badname.pdf"),
    ("line\nbreak\r.pdf", "linebreak.pdf"),
    ("rtl\u202efdp.exe", "rtlfdp.exe"),
    ("  ..hidden.pdf  ", "..hidden.pdf"),
    ("setup.exe. . ", "setup.exe"),
    ('a<b>c:"d"|e?.pdf', "a_b_c__d__e_.pdf"),
    ("民国档案　数字化 说明.txt", "民国档案 数字化 说明.txt"),
    ("../", ""),
    (None, ""),
])
def test_sanitize_file_name(raw, expected):
    assert sanitize_file_name(raw) == expected


def test_long_names_are_cut_but_keep_their_extension():
    name = sanitize_file_name("档" * 500 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


def test_extension_is_lowercased():
    assert extension_of("SCAN.JPEG") == "jpeg"
    assert extension_of("noext") == ""


@pytest.mark.parametrize("ext, content, mime", [
    ("pdf", f.PDF, "application/pdf"),
    ("png", f.PNG, "image/png"),
    ("jpg", f.JPEG, "image/jpeg"),
    ("jpeg", f.JPEG, "image/jpeg"),
    ("tif", f.TIFF, "image/tiff"),
    ("tiff", b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
    ("doc", f.OLE2, "application/msword"),
    ("xls", f.OLE2, "application/vnd.ms-excel"),
    ("docx", f.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", f.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ofd", f.OFD, "application/ofd"),
    ("csv", f.CSV_UTF8, "text/csv; charset=utf-8"),
    ("csv", f.CSV_GB18030, "text/csv; charset=gb18030"),
    ("txt", b"\xef\xbb\xbfplain text", "text/plain; charset=utf-8"),
])
def test_matching_content_is_detected(ext, content, mime):
    assert detect(io.BytesIO(content), ext).mime_type == mime


@pytest.mark.parametrize("ext, content", [
    ("pdf", f.PNG), ("pdf", f.HTML), ("pdf", f.EXE), ("pdf", f.ELF), ("png", f.SVG), ("jpg", f.PNG),
    ("tif", f.PDF), ("docx", f.XLSX), ("xlsx", f.DOCX), ("docx", f.PLAIN_ZIP), ("ofd", f.PLAIN_ZIP),
    ("docx", b"PK\x03\x04 not really a zip"), ("doc", f.DOCX), ("csv", f.PDF), ("txt", b"a\x00b"),
    ("txt", f.HTML), ("csv", b"\xff\xfe\x00\x00"), ("txt", b"\x80\xff\x80"), ("exe", f.EXE), ("html", f.HTML),
    ("svg", f.SVG), ("", f.PDF),
])
def test_mismatched_or_dangerous_content_is_rejected(ext, content):
    with pytest.raises(FileRejected):
        detect(io.BytesIO(content), ext)
