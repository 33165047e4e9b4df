"""Common non-text files (PDFs, office documents, images, archives) someone dropped into
the inbox instead of a dump, told by their first bytes. (Which format a text dump has is
decided by the format modules themselves: see formats/__init__.py.)"""

from __future__ import annotations

_COPY_TEXT = "copy its text into a .txt file (or save the page as HTML)"
_IMAGE = "copy the article's text into a .txt file (digest reads text, not pictures of it)"
_UNPACK = "unpack it and put the text, HTML or e-mail files it holds in the inbox"
# (offset, signature, what it is, what to do), checked in order.
_SIGNATURES: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"%PDF-", "a PDF document", _COPY_TEXT),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Office document", _COPY_TEXT),
    (0, b"{\\rtf", "an RTF document", _COPY_TEXT),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image", _IMAGE),
    (0, b"\xff\xd8\xff", "a JPEG image", _IMAGE),
    (0, b"GIF87a", "a GIF image", _IMAGE),
    (0, b"GIF89a", "a GIF image", _IMAGE),
    (0, b"II*\x00", "a TIFF image", _IMAGE),
    (0, b"MM\x00*", "a TIFF image", _IMAGE),
    (4, b"ftypheic", "a HEIC image", _IMAGE),
    (4, b"ftypavif", "an AVIF image", _IMAGE),
    (60, b"BOOKMOBI", "a Kindle e-book", _COPY_TEXT),
    (0, b"bplist00", "a Safari web archive", "save the page as HTML (Page Source) instead"),
    (0, b"\x1f\x8b", "a gzip archive", _UNPACK),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _UNPACK),
    (0, b"Rar!\x1a\x07", "a RAR archive", _UNPACK),
)
# Zip files hold many formats: what their first entries are named tells which.
_ZIPPED: tuple[tuple[bytes, str, str], ...] = (
    (b"mimetypeapplication/epub+zip", "an EPUB e-book", _COPY_TEXT),
    (b"mimetypeapplication/vnd.oasis.opendocument.text", "an OpenDocument text", _COPY_TEXT),
    (b"word/", "a Word document (.docx)", _COPY_TEXT),
    (b"ppt/", "a PowerPoint presentation", _COPY_TEXT),
    (b"xl/", "an Excel workbook", _COPY_TEXT),
)


def non_text(data: bytes) -> tuple[str, str] | None:
    """(what the file is, what to do) for a common document, image or archive format;
    None for anything else, which is decoded as text."""
    for offset, signature, what, advice in _SIGNATURES:
        if data.startswith(signature, offset):
            return what, advice
    if data.startswith(b"RIFF") and data.startswith(b"WEBP", 8):
        return "a WebP image", _IMAGE
    if data.startswith(b"PK\x03\x04"):
        head = data[:8192]
        for marker, what, advice in _ZIPPED:
            if marker in head:
                return what, advice
        return "a zip archive", _UNPACK
    return None
