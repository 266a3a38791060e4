"""Public pages of a published call: the evidence index, each published response by its
reference, excerpts by their citable anchor, and original files approved without redactions.

Public pages: anyone may read them; everything comes from `selectors.publishing`, which only
returns what respondents allowed and moderation approved, once the report is published.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from evidence.forms.publishing import EvidenceFilterForm
from evidence.models import Attachment, Excerpt, Submission
from evidence.selectors import calls_for_user
from evidence.selectors.publishing import (
    attachment_file_public,
    evidence_index_page,
    excerpt_public_get,
    is_call_report_published,
    oral_evidence_public,
    public_label,
    respondent_type_label,
    submission_findings,
    submission_public_get,
    submission_published_parts,
)
from evidence.views.downloads import attachment_file_response

EVIDENCE_PAGE_SIZE = 25


class PublishedCallMixin:
    # Public: the call must be published, or the page does not exist.
    def get_call(self):
        if not hasattr(self, "_call"):
            call = get_object_or_404(
                calls_for_user(user=self.request.user), slug=self.kwargs["slug"]
            )
            if not is_call_report_published(call):
                raise Http404("Not published")
            self._call = call
        return self._call


class EvidenceIndexView(PublishedCallMixin, TemplateView):
    # Public page: published written evidence and oral evidence of a published call.
    # Pages are read by reference number (`?after=`, `?before=`, `?page=last`), so a deep
    # page costs what the first does; a fixed number of queries.
    template_name = "evidence/report/evidence_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.get_call()
        self.filter_form = EvidenceFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        place = filters.get("place")
        page = evidence_index_page(
            call=call,
            respondent_type=filters.get("type", ""),
            place_id=place.pk if place else None,
            q=filters.get("q", ""),
            after=_number(self.request.GET.get("after")),
            before=_number(self.request.GET.get("before")),
            last=self.request.GET.get("page") == "last",
            size=EVIDENCE_PAGE_SIZE,
        )
        query = self.request.GET.copy()
        for name in ("after", "before", "page"):
            query.pop(name, None)
        for submission in page.items:
            submission.public_label = public_label(submission)
            submission.type_label = respondent_type_label(submission)
        context.update(
            call=call,
            filter_form=self.filter_form,
            page=page,
            submissions=page.items,
            query=query.urlencode(),
        )
        if not query and page.is_newest:
            context["oral_evidence"] = list(oral_evidence_public(call=call))
        return context


def _number(value: str | None) -> int | None:
    """A page key from the address; anything else means the first page."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


class EvidenceDetailView(PublishedCallMixin, TemplateView):
    # Public page: one published response, its redacted text, and the findings it informed.
    template_name = "evidence/report/evidence_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.get_call()
        try:
            submission = submission_public_get(call=call, reference=self.kwargs["reference"])
        except Submission.DoesNotExist as exc:
            raise Http404("No such published response") from exc
        context.update(
            call=call,
            submission=submission,
            label=public_label(submission),
            type_label=respondent_type_label(submission),
            is_named=submission.publication_preference == "named",
            parts=submission_published_parts(submission),
            original_files=submission.moderation.state == "approved",
            findings=list(submission_findings(submission=submission)),
        )
        return context


class ExcerptAnchorView(PublishedCallMixin, TemplateView):
    # Public page: an excerpt by its citable anchor, once its words are published.
    template_name = "evidence/report/excerpt.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.get_call()
        try:
            excerpt = excerpt_public_get(call=call, anchor=self.kwargs["anchor"])
        except (Excerpt.DoesNotExist, Submission.DoesNotExist) as exc:
            raise Http404("No such published excerpt") from exc
        context.update(call=call, excerpt=excerpt, label=public_label(excerpt.submission))
        return context


class EvidenceFileView(PublishedCallMixin, View):
    # Public: an original file, only when its response was approved without redactions.
    def get(self, request, *args, **kwargs):
        try:
            attachment = attachment_file_public(
                call=self.get_call(), reference=kwargs["reference"], pk=kwargs["pk"]
            )
        except (Attachment.DoesNotExist, Submission.DoesNotExist) as exc:
            raise Http404("No such file") from exc
        return attachment_file_response(attachment)
