"""Small real documents for attachment tests, built in memory."""

import functools
import io
import struct
import zipfile
import zlib


def pdf_bytes(text: str = "Evidence from Blackpool") -> bytes:
    """A minimal, valid one-page PDF whose page says `text`."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def corrupt_pdf_bytes() -> bytes:
    return b"%PDF-1.7\n" + b"\x00\xff garbage that is not a PDF body " * 20


def docx_bytes(text: str = "Evidence from Wisbech") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(text: str = "Evidence from Bradford") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            "<office:document-content "
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
            "</office:document-content>",
        )
    return out.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


MIB = 1024 * 1024


@functools.cache
def _zeros_crc(mebibytes: int) -> int:
    crc, chunk = 0, bytes(MIB)
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return crc


def _deflated_zeros(mebibytes: int) -> bytes:
    """`mebibytes` MiB of zero bytes, deflated: about 1 KB on disk per MiB inflated.

    After a full flush the compressor starts afresh, so every 1 MiB chunk deflates to the
    same bytes: one chunk is compressed and repeated, which keeps building a 1 GiB bomb fast.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MIB)
    compressor.compress(chunk)
    compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return piece * mebibytes + compressor.flush()


def zip_bomb(members: dict[str, bytes | int]) -> bytes:
    """A real, valid zip archive. A member given as an int is that many MiB of zeros.

    Small on disk, huge inflated: what `zipfile` reports and reads is exactly what an
    attacker's archive would make it report and read.
    """
    out = io.BytesIO()
    directory = []
    for name, content in members.items():
        if isinstance(content, int):
            deflated, size, crc = _deflated_zeros(content), content * MIB, _zeros_crc(content)
        else:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            deflated = compressor.compress(content) + compressor.flush()
            size, crc = len(content), zlib.crc32(content)
        encoded = name.encode()
        offset = out.tell()
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(encoded), 0
        )
        out.write(header + encoded + deflated)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(deflated),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(directory))
    size = out.tell() - start
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), size, start, 0)
    )
    return out.getvalue()


def odt_bomb(mebibytes: int = 1024) -> bytes:
    """An ODT whose `mimetype` member inflates to `mebibytes` MiB."""
    return zip_bomb({"mimetype": mebibytes, "content.xml": b"<x/>"})


def docx_bomb(mebibytes: int = 1024) -> bytes:
    """A DOCX whose `word/document.xml` inflates to `mebibytes` MiB."""
    return zip_bomb({"[Content_Types].xml": b"<Types/>", "word/document.xml": mebibytes})


def many_entries_zip(entries: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(entries):
            archive.writestr(f"word/media/{number}.txt", "")
    return out.getvalue()
