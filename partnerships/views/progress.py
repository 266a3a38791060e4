"""Progress over years: the partnership's dashboard, updates on commitments, indicator
readings and exports (members and connectors); the public progress page and the public
trace of a commitment (anyone, once the prospectus is published)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from levelup.views import form_error_from
from partnerships.exports import EXPORTS, export_response
from partnerships.forms import CommitmentUpdateForm, IndicatorReadingForm
from partnerships.models import Indicator
from partnerships.rules import represented_members
from partnerships.selectors import (
    commitment_published_get,
    commitment_updates,
    partnerships_public,
    progress_dashboard,
    prospectus_for_partnership,
    prospectus_public,
)
from partnerships.services import commitment_update_add, indicator_reading_add

from .mixins import PartnershipMixin


class ProgressDashboardView(PartnershipMixin, TemplateView):
    """Commitments and their latest updates, what is stale, and the charts."""

    template_name = "partnerships/progress/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        prospectus = prospectus_for_partnership(partnership=self.partnership)
        dashboard = progress_dashboard(
            partnership=self.partnership, prospectus=prospectus, page=self.request.GET.get("page")
        )
        user = self.request.user
        can_run = user.has_perm("partnerships.run_partnership", self.partnership)
        mine = {rep.member_id for rep in represented_members(user).values()}
        for commitment in [*dashboard.commitments, *dashboard.stale]:
            commitment.can_update = can_run or commitment.member_id in mine
        context.update(dashboard=dashboard, can_run=can_run, exports=EXPORTS)
        return context


class CommitmentMixin(PartnershipMixin):
    """A commitment of the published prospectus, by its key (404 if there is none)."""

    def get_commitment(self):
        if not hasattr(self, "_commitment"):
            prospectus = prospectus_for_partnership(partnership=self.partnership)
            commitment = None
            if prospectus is not None and prospectus.published_version_id:
                commitment = commitment_published_get(prospectus=prospectus, key=self.kwargs["key"])
            if commitment is None:
                raise Http404
            self._commitment = commitment
        return self._commitment


class CommitmentUpdateCreateView(CommitmentMixin, FormView):
    """Post an update on a commitment: members for their own organisation, connectors any."""

    template_name = "partnerships/progress/update_form.html"
    permission_required = "partnerships.update_commitment"
    form_class = CommitmentUpdateForm

    def get_permission_object(self):
        return self.get_commitment()

    def get_initial(self):
        return {"reported_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment = self.get_commitment()
        context["commitment"] = commitment
        context["updates"] = commitment_updates(commitment=commitment)[:10]
        return context

    def form_valid(self, form):
        try:
            commitment_update_add(
                actor=self.request.user, commitment=self.get_commitment(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your update has been saved."))
        return redirect("partnerships:progress", slug=self.partnership.slug)


class IndicatorReadingCreateView(PartnershipMixin, FormView):
    template_name = "partnerships/progress/reading_form.html"
    permission_required = "partnerships.run_partnership"
    form_class = IndicatorReadingForm

    def get_indicator(self) -> Indicator:
        if not hasattr(self, "_indicator"):
            self._indicator = get_object_or_404(
                Indicator, pk=self.kwargs["pk"], partnership=self.partnership
            )
        return self._indicator

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicator": self.get_indicator()}

    def get_initial(self):
        return {"measured_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["indicator"] = self.get_indicator()
        return context

    def form_valid(self, form):
        try:
            indicator_reading_add(
                actor=self.request.user, indicator=self.get_indicator(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The reading has been saved."))
        return redirect("partnerships:progress", slug=self.partnership.slug)


class ProgressExportView(PartnershipMixin, TemplateView):
    """Commitments or the investment plan of the published prospectus, as CSV or XLSX
    (`?what=commitments&format=csv`)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        what, file_format = request.GET.get("what"), request.GET.get("format")
        if what not in EXPORTS or file_format not in ("csv", "xlsx"):
            raise Http404
        prospectus = prospectus_for_partnership(partnership=self.partnership)
        if prospectus is None or prospectus.published_version_id is None:
            raise Http404
        return export_response(prospectus=prospectus, what=what, file_format=file_format)


def _published(slug: str):
    partnership = get_object_or_404(partnerships_public(), slug=slug)
    prospectus = prospectus_public(partnership=partnership)
    if prospectus is None:
        raise Http404
    return partnership, prospectus


class ProgressPublicView(TemplateView):
    # Public page: progress against the published prospectus only (no drafts, no stale list).
    template_name = "partnerships/progress/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnership, prospectus = _published(self.kwargs["slug"])
        context.update(
            partnership=partnership,
            prospectus=prospectus,
            dashboard=progress_dashboard(
                partnership=partnership,
                prospectus=prospectus,
                page=self.request.GET.get("page"),
                with_stale=False,
            ),
        )
        return context


class CommitmentPublicView(TemplateView):
    # Public page: one published commitment, the priority it serves and its updates.
    template_name = "partnerships/progress/commitment_public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnership, prospectus = _published(self.kwargs["slug"])
        commitment = commitment_published_get(prospectus=prospectus, key=self.kwargs["key"])
        if commitment is None:
            raise Http404
        context.update(
            partnership=partnership,
            prospectus=prospectus,
            commitment=commitment,
            updates=commitment_updates(commitment=commitment),
        )
        return context
