"""Exports of a call's responses for the secretariat."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views import View

from evidence.services.exports import export_csv_chunks, export_record
from levelup.views import NoStoreMixin

from .calls import CallManageMixin


class ResponsesCsvExportView(NoStoreMixin, CallManageMixin, View):
    """The call's sent responses as CSV, streamed as they are read.

    `?details=0` leaves out who responded (for sharing beyond the secretariat).
    """

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        include_identity = self.may_see_identity() and request.GET.get("details") != "0"
        export_record(
            actor=request.user,
            call=self.call,
            file_format="csv",
            include_identity=include_identity,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            export_csv_chunks(call=self.call, include_identity=include_identity),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self.call.slug}-responses-{stamp}.csv"'
        )
        return response

    def may_see_identity(self) -> bool:
        """Exports are for the secretariat, who see who responded; the switch stays for others."""
        return self.request.user.has_perm("evidence.manage_call", self.call)
