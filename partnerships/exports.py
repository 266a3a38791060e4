"""Exports of a published prospectus: its commitments (with their latest update) and its
investment plan, as CSV (streamed row by row) or XLSX (openpyxl's write-only workbook, which
keeps only the row being written in memory)."""

import csv
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from partnerships.enums import CommitmentStatus, FundingStatus
from partnerships.models import InvestmentLine, Prospectus

from .selectors.progress import published_commitments
from .selectors.prospectus import financial_year

EXPORTS = {
    "commitments": gettext_lazy("Commitments"),
    "investment-plan": gettext_lazy("Investment plan"),
}
CHUNK = 2000


def _amount(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def _commitment_rows(prospectus: Prospectus) -> Iterator[list]:
    yield [
        _("Organisation"),
        _("Commitment"),
        _("Priority"),
        _("Due by"),
        _("Value (£)"),
        _("Latest status"),
        _("Latest update on"),
        _("Figure"),
        _("What the figure counts"),
    ]
    labels = dict(CommitmentStatus.choices)
    commitments = published_commitments(prospectus=prospectus)
    for c in commitments.iterator(chunk_size=CHUNK):
        yield [
            c.member.organisation.name,
            c.description,
            c.priority.title if c.priority_id else "",
            c.due_on,
            _amount(c.value),
            str(labels.get(c.latest_status, _("No update yet"))),
            c.latest_on or "",
            _amount(c.latest_figure),
            c.latest_figure_label or "",
        ]


def _investment_rows(prospectus: Prospectus) -> Iterator[list]:
    yield [_("Project"), _("Financial year"), _("Funding source"), _("Status"), _("Amount (£)")]
    labels = dict(FundingStatus.choices)
    lines = InvestmentLine.objects.filter(version_id=prospectus.published_version_id).order_by(
        "year", "project", "pk"
    )
    for line in lines.iterator(chunk_size=CHUNK):
        yield [
            line.project,
            financial_year(line.year),
            line.source,
            str(labels[line.status]),
            line.amount,
        ]


ROWS = {"commitments": _commitment_rows, "investment-plan": _investment_rows}


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run a cell that starts with these as a formula: keep it as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def export_response(*, prospectus: Prospectus, what: str, file_format: str):
    name = f"{slugify(prospectus.partnership.slug)}-{what}-{timezone.localdate():%Y-%m-%d}"
    rows = ROWS[what](prospectus)
    if file_format == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow([_csv_value(v) for v in row]) for row in rows),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(EXPORTS[what])[:31])
    for row in rows:
        sheet.append([_csv_value(v) if isinstance(v, str) else v for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
