"""Attachment checks by content (magic bytes), and text extraction for search.

The name a person gives a file says nothing about what it is: an EXE renamed to .pdf
is refused because it does not start like a PDF.

DOCX, ODT and XLSX files are zip archives, and a small archive can inflate to gigabytes
(a "zip bomb"). Every archive is checked before it is opened for real: a bounded central
directory, at most ZIP_MAX_ENTRIES entries, and at most ZIP_MAX_MEMBER_BYTES per member and
ZIP_MAX_TOTAL_BYTES in all once inflated; members are read through a bounded reader too, in
case the sizes an archive declares are lies. Text extraction runs in a separate process
with a memory (address-space) limit, a CPU-time limit and a wall-clock timeout, so a
document that slips past these checks still cannot take the web or worker process with it.
"""

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from django.utils.translation import gettext as _

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

ZIP_MAX_ENTRIES = 1_000
ZIP_MAX_DIRECTORY_BYTES = 1024 * 1024
ZIP_MAX_MEMBER_BYTES = 50 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 100 * 1024 * 1024

# The extraction process: all of its memory (Python, parsers, the document), CPU and time.
EXTRACT_MEMORY_BYTES = 300 * 1024 * 1024
EXTRACT_CPU_SECONDS = 60
EXTRACT_TIMEOUT_SECONDS = 90

_EOCD = b"PK\x05\x06"
_ROOT = Path(__file__).resolve().parent.parent


class UnsafeArchive(ValueError):
    """An archive too large once inflated, or with too many entries; the message says which."""


class ExtractionFailed(ValueError):
    """The child process could not read the document; `peak_kb` is the memory it reached."""

    def __init__(self, message: str, peak_kb: int | None = None):
        super().__init__(message)
        self.peak_kb = peak_kb


def check_archive(data: bytes) -> None:
    """Raise UnsafeArchive unless the zip in `data` stays within the limits above.

    Reads only the central directory: nothing is inflated.
    """
    # The end-of-central-directory record is in the last 22 bytes plus a comment (<64 KiB).
    # Read the directory's size there before zipfile parses it, so a directory of millions
    # of entries is refused before it costs memory.
    end = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if end < 0:
        raise zipfile.BadZipFile("no end of central directory")
    entries = int.from_bytes(data[end + 10 : end + 12], "little")
    directory_bytes = int.from_bytes(data[end + 12 : end + 16], "little")
    if entries > ZIP_MAX_ENTRIES or directory_bytes > ZIP_MAX_DIRECTORY_BYTES:
        raise UnsafeArchive(_too_many_entries())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    if len(members) > ZIP_MAX_ENTRIES:
        raise UnsafeArchive(_too_many_entries())
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > ZIP_MAX_MEMBER_BYTES or total > ZIP_MAX_TOTAL_BYTES:
            raise UnsafeArchive(
                _(
                    "This file unpacks to more than %(limit)s MB, which is more than any "
                    "document we accept. Save it again from the program that made it, or "
                    "split it up."
                )
                % {"limit": ZIP_MAX_TOTAL_BYTES // (1024 * 1024)}
            )


def _too_many_entries() -> str:
    return _(
        "This file is an archive of more than %(limit)s parts, which is more than any "
        "document we accept. Save it again from the program that made it, or split it up."
    ) % {"limit": ZIP_MAX_ENTRIES}


def read_member(archive: zipfile.ZipFile, name: str, limit: int = ZIP_MAX_MEMBER_BYTES) -> bytes:
    """A member's bytes, refusing (not reading) past `limit` whatever its header says."""
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise UnsafeArchive(_("A part of this file is too large once unpacked."))
    return data


def sniff_kind(data: bytes) -> str | None:
    """The kind of document in `data`, or None when it is not one we accept.

    Raises UnsafeArchive for an archive over the limits (with a message for the person).
    """
    from .enums import AttachmentKind

    if data.startswith(b"%PDF-"):
        return AttachmentKind.PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            check_archive(data)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return AttachmentKind.DOCX
                if "mimetype" in names:
                    # Only as many bytes as the expected value: the rest is never inflated.
                    with archive.open("mimetype") as member:
                        mimetype = member.read(len(ODT_MIMETYPE) + 2)
                    if mimetype.strip() == ODT_MIMETYPE:
                        return AttachmentKind.ODT
        except UnsafeArchive:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
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
    """The document's text. Raises ValueError when the file cannot be read.

    Runs in a child process under EXTRACT_MEMORY_BYTES, EXTRACT_CPU_SECONDS and
    EXTRACT_TIMEOUT_SECONDS (see the module docstring).
    """
    if kind == "txt":
        return data.decode("utf-8", errors="replace")
    return extract_in_child(str(kind), data)["text"]


def extract_in_child(kind: str, data: bytes) -> dict:
    """{"text": …, "peak_kb": …} from a limited child process; ValueError when it fails."""
    code = (
        "import sys; from evidence.files import _child_main; "
        "_child_main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))"
    )
    try:
        finished = subprocess.run(  # noqa: S603 -- our own interpreter and code, no shell
            [
                sys.executable,
                "-c",
                code,
                kind,
                str(EXTRACT_MEMORY_BYTES),
                str(EXTRACT_CPU_SECONDS),
            ],
            input=data,
            capture_output=True,
            cwd=_ROOT,
            timeout=EXTRACT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractionFailed(
            f"reading the document took longer than {EXTRACT_TIMEOUT_SECONDS} seconds"
        ) from None
    try:
        result = json.loads(finished.stdout)
    except ValueError:
        raise ExtractionFailed(
            "reading the document needed more memory or time than allowed "
            f"(exit status {finished.returncode})"
        ) from None
    if "error" in result:
        raise ExtractionFailed(result["error"], peak_kb=result.get("peak_kb"))
    return result


def _child_main(kind: str, memory_bytes: int, cpu_seconds: int) -> None:
    """The extraction process: limit itself first, then read stdin and print JSON."""
    import resource

    from django.conf import settings

    # Translations need settings; the child needs nothing else from the project.
    settings.configure(USE_I18N=False)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    data = sys.stdin.buffer.read()
    _leave_out_optional_libraries(data, sys.modules)
    try:
        result = {"text": _extract(kind, data)}
    except MemoryError:
        result = {"error": "reading the document needed more memory than allowed"}
    except UnsafeArchive as exc:
        result = {"error": str(exc)}
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    result["peak_kb"] = _peak_kb()
    sys.stdout.write(json.dumps(result))


# Libraries pypdf imports when present but text extraction never uses: images (Pillow) and
# building fonts (fontTools). Together with cryptography they are about a third of the
# child's CPU for a small PDF (start-up dominates).
OPTIONAL_LIBRARIES = ("PIL", "fontTools")


def _leave_out_optional_libraries(data: bytes, modules: dict) -> None:
    """Make the imports of libraries the child will not need fail fast (pypdf carries on
    without them). cryptography is needed only to decrypt, so it is kept for a document
    that says it is encrypted (the /Encrypt key of its trailer)."""
    names = [*OPTIONAL_LIBRARIES, *([] if b"/Encrypt" in data else ["cryptography"])]
    for name in names:
        modules.setdefault(name, None)


def _peak_kb() -> int:
    """This program's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would
    also count the pages of the (possibly large) process that forked us."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _extract(kind: str, data: bytes) -> str:
    # Plain values of AttachmentKind: the child does not import the models' enums.
    readers = {"pdf": _pdf_text, "docx": _docx_text, "odt": _odt_text}
    if kind not in readers:
        raise ValueError(f"no reader for {kind!r}")
    return readers[kind](data)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    return "\n\n".join((page.extract_text() or "") for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx

    check_archive(data)
    document = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _odt_text(data: bytes) -> str:
    check_archive(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = read_member(archive, "content.xml")
    root = ElementTree.fromstring(content)  # noqa: S314 -- stdlib parser, no external entities
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    paragraphs = []
    for element in root.iter():
        if element.tag in (f"{{{text_ns}}}p", f"{{{text_ns}}}h"):
            paragraphs.append("".join(element.itertext()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(paragraphs))
