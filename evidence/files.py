"""Attachment checks by content (magic bytes), and text extraction for search.

The name a person gives a file says nothing about what it is: an EXE renamed to .pdf
is refused because it does not start like a PDF.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

from .enums import AttachmentKind

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def sniff_kind(data: bytes) -> str | None:
    """The kind of document in `data`, or None when it is not one we accept."""
    if data.startswith(b"%PDF-"):
        return AttachmentKind.PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return AttachmentKind.DOCX
                if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return AttachmentKind.ODT
        except zipfile.BadZipFile:
            return None
        return None
    return AttachmentKind.TXT if _looks_like_text(data) else None


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
    return True


def extract_text(kind: str, data: bytes) -> str:
    """The document's text. Raises ValueError when the file cannot be read."""
    try:
        if kind == AttachmentKind.PDF:
            return _pdf_text(data)
        if kind == AttachmentKind.DOCX:
            return _docx_text(data)
        if kind == AttachmentKind.ODT:
            return _odt_text(data)
        return data.decode("utf-8", errors="replace")
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    return "\n\n".join((page.extract_text() or "") for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 -- stdlib parser, no external entities
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    paragraphs = []
    for element in root.iter():
        if element.tag in (f"{{{text_ns}}}p", f"{{{text_ns}}}h"):
            paragraphs.append("".join(element.itertext()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(paragraphs))
