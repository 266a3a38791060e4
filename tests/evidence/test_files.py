import tracemalloc

import pytest
from django.core.exceptions import ValidationError

from evidence import files
from evidence.enums import AttachmentKind
from evidence.files import (
    EXTRACT_MEMORY_BYTES,
    ExtractionFailed,
    UnsafeArchive,
    extract_in_child,
    extract_text,
    sniff_kind,
)
from evidence.services.imports import import_read
from tests.evidence.documents import (
    MIB,
    corrupt_pdf_bytes,
    docx_bomb,
    docx_bytes,
    exe_bytes,
    many_entries_zip,
    odt_bomb,
    odt_bytes,
    pdf_bytes,
    zip_bomb,
)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pdf_bytes(), "pdf"),
        (docx_bytes(), "docx"),
        (odt_bytes(), "odt"),
        ("Plain words, and a £ sign.".encode(), "txt"),
        (exe_bytes(), None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_sniff_kind_reads_content_not_name(data, kind):
    assert sniff_kind(data) == kind


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("pdf", pdf_bytes("Evidence from Blackpool"), "Evidence from Blackpool"),
        ("docx", docx_bytes("Evidence from Wisbech"), "Evidence from Wisbech"),
        ("odt", odt_bytes("Evidence from Bradford"), "Evidence from Bradford"),
        ("txt", b"Evidence from Fleetwood", "Evidence from Fleetwood"),
    ],
)
def test_extract_text_reads_each_kind(kind, data, expected):
    assert extract_text(kind, data).strip() == expected


def test_extract_text_corrupt_pdf_raises_value_error():
    with pytest.raises(ValueError):
        extract_text("pdf", corrupt_pdf_bytes())


# Zip bombs: small on disk, huge inflated. Built for real in the test (see documents.py).


def _peak_python_allocation(function, *args) -> tuple[object, int]:
    """What `function` returned (or raised), and the most memory it held at once."""
    tracemalloc.start()
    try:
        try:
            outcome = function(*args)
        except Exception as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_odt_bomb_is_refused_by_the_type_check_without_inflating_it():
    bomb = odt_bomb(1024)

    outcome, peak = _peak_python_allocation(sniff_kind, bomb)

    assert len(bomb) < 1_100_000
    assert isinstance(outcome, UnsafeArchive)
    assert str(outcome) == (
        "This file unpacks to more than 100 MB, which is more than any document we accept. "
        "Save it again from the program that made it, or split it up."
    )
    assert peak < 5 * MIB


def test_docx_bomb_is_refused_by_the_type_check():
    with pytest.raises(UnsafeArchive):
        sniff_kind(docx_bomb(1024))


def test_archive_with_too_many_entries_is_refused():
    with pytest.raises(UnsafeArchive, match="more than 1000 parts"):
        sniff_kind(many_entries_zip(1_001))


def test_archive_just_within_the_entry_limit_is_accepted():
    assert sniff_kind(many_entries_zip(999)) == "docx"


@pytest.mark.parametrize(("kind", "bomb"), [("docx", docx_bomb), ("odt", odt_bomb)])
def test_extraction_refuses_a_bomb_with_bounded_memory(kind, bomb):
    data = bomb(1024)

    outcome, peak = _peak_python_allocation(extract_text, kind, data)

    assert isinstance(outcome, ValueError)
    assert "unpacks to more than 100 MB" in str(outcome)
    assert peak < 5 * MIB


def test_extraction_child_cannot_grow_past_its_memory_limit():
    """A document within the archive limits whose parse would need about a gigabyte."""
    content = (
        b'<?xml version="1.0"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        + b"<text:p>a</text:p>" * (45 * MIB // 18)
        + b"</office:body></office:document-content>"
    )
    data = zip_bomb(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": content}
    )

    with pytest.raises(ExtractionFailed, match="needed more memory than allowed") as failed:
        extract_in_child("odt", data)

    assert sniff_kind(data) == "odt"
    assert len(data) < 1 * MIB
    assert 0 < failed.value.peak_kb * 1024 <= EXTRACT_MEMORY_BYTES


def test_extraction_child_reports_its_peak_memory():
    result = extract_in_child("docx", docx_bytes("Evidence from Skegness"))

    assert result["text"].strip() == "Evidence from Skegness"
    assert 0 < result["peak_kb"] * 1024 < EXTRACT_MEMORY_BYTES


def test_extraction_that_takes_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(files, "EXTRACT_TIMEOUT_SECONDS", 0.001)

    with pytest.raises(ValueError, match=r"took longer than 0\.001 seconds"):
        extract_text("pdf", pdf_bytes())


def test_xlsx_bomb_import_is_refused():
    with pytest.raises(ValidationError) as refused:
        import_read(
            data=zip_bomb({"xl/workbook.xml": b"<x/>", "xl/sharedStrings.xml": 1024}),
            file_format="xlsx",
        )

    assert refused.value.messages == [
        "This file unpacks to more than 100 MB, which is more than any document we accept. "
        "Save it again from the program that made it, or split it up."
    ]


def test_extraction_handles_every_kind_of_attachment():
    """The child process names kinds by value; it must know every one we accept."""
    assert {kind.value for kind in AttachmentKind} == {"pdf", "docx", "odt", "txt"}


def test_extraction_child_leaves_out_libraries_text_extraction_does_not_use():
    modules = {}

    files._leave_out_optional_libraries(pdf_bytes("Evidence from Grimsby"), modules)

    assert modules == {"PIL": None, "fontTools": None, "cryptography": None}


def test_extraction_child_keeps_cryptography_for_an_encrypted_pdf():
    data = pdf_bytes("Evidence from Grimsby").replace(b"trailer\n<<", b"trailer\n<< /Encrypt 9 0 R")
    modules = {"PIL": "already imported"}

    files._leave_out_optional_libraries(data, modules)

    assert modules == {"PIL": "already imported", "fontTools": None}
