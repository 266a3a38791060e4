"""Public pages of a published call: the evidence index, each published response by its
reference, excerpts by their citable anchor, and original files approved without redactions.

Public pages: anyone may read them; everything comes from `selectors.publishing`, which only
returns what respondents allowed and moderation approved, once the report is published.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import ListView, TemplateView

from evidence.forms.publishing import EvidenceFilterForm
from evidence.models import Attachment, Excerpt, Submission
from evidence.selectors import calls_for_user
from evidence.selectors.publishing import (
    attachment_file_public,
    excerpt_public_get,
    is_call_report_published,
    oral_evidence_public,
    public_label,
    respondent_type_label,
    submission_findings,
    submission_public_get,
    submission_published_parts,
    submissions_public,
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


class EvidenceIndexView(PublishedCallMixin, ListView):
    # Public page: published written evidence and oral evidence of a published call.
    template_name = "evidence/report/evidence_index.html"
    context_object_name = "submissions"
    paginate_by = EVIDENCE_PAGE_SIZE

    def get_queryset(self):
        self.filter_form = EvidenceFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        place = filters.get("place")
        return submissions_public(
            call=self.get_call(),
            respondent_type=filters.get("type", ""),
            place_id=place.pk if place else None,
            q=filters.get("q", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["call"] = self.get_call()
        context["filter_form"] = self.filter_form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        for submission in context["submissions"]:
            submission.public_label = public_label(submission)
            submission.type_label = respondent_type_label(submission)
        if not query and context["page_obj"].number == 1:
            context["oral_evidence"] = list(oral_evidence_public(call=self.get_call()))
        return context


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
