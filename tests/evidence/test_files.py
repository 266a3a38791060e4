import pytest

from evidence.files import extract_text, sniff_kind
from tests.evidence.documents import corrupt_pdf_bytes, docx_bytes, exe_bytes, odt_bytes, pdf_bytes


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
