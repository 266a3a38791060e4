"""The secretariat's pages for running a call: dashboard, responses, late links, paper entry."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from evidence.enums import CALL_MANUAL_TRANSITIONS, CallStatus
from evidence.forms import (
    LateLinkForm,
    OnBehalfAnswersForm,
    OnBehalfDetailsForm,
    SubmissionFilterForm,
)
from evidence.forms.review import call_themes
from evidence.models import Attachment, LateSubmissionLink, Question
from evidence.selectors import (
    call_dashboard_counts,
    keyset_page,
    late_links_for_call,
    search_snippets,
    submission_attachments,
    submission_for_secretariat,
    submission_list_key,
    submission_summary,
    submissions_for_secretariat,
)
from evidence.services.late_links import late_link_revoke, late_link_send
from evidence.services.on_behalf import submission_enter_with_consent
from evidence.templatetags.evidence_tags import when_words
from evidence.views.downloads import attachment_file_response
from levelup.views import NoStoreMixin, form_error_from, service_with_message

from .calls import PAGE_SIZE, CallManageMixin


class CallDashboardView(CallManageMixin, TemplateView):
    """The call's home for the secretariat: status and next steps, and who has responded."""

    template_name = "evidence/secretariat/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stats"] = call_dashboard_counts(call=self.call)
        context["transitions"] = [
            (status, CallStatus(status).label)
            for status in CALL_MANUAL_TRANSITIONS.get(self.call.current_status, [])
        ]
        return context


class SubmissionListView(NoStoreMixin, CallManageMixin, TemplateView):
    """A call's responses: search, filters, and pages read by key (newest first), so the
    last page costs what the first does; a fixed number of queries per page."""

    template_name = "evidence/secretariat/submission_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.filter_form = SubmissionFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        page = keyset_page(
            submissions_for_secretariat(call=self.call, **filters),
            key=submission_list_key(status=filters.get("status", "")),
            after=_key(self.request.GET.get("after")),
            before=_key(self.request.GET.get("before")),
            oldest=self.request.GET.get("page") == "oldest",
            size=PAGE_SIZE,
        )
        query = self.request.GET.copy()
        for name in ("after", "before", "page"):
            query.pop(name, None)
        context.update(
            filter_form=self.filter_form,
            page=page,
            submissions=page.items,
            query=query.urlencode(),
            filtered=bool(query),
        )
        term = self.filter_form.cleaned_data.get("q", "") if self.filter_form.is_bound else ""
        snippets = search_snippets(submission_ids=[s.pk for s in page.items], term=term or "")
        for submission in page.items:
            submission.snippet = snippets.get(submission.pk)
        # Bulk coding of the filtered list, once the call has a code frame.
        context["themes"] = list(call_themes(self.call)) if context["submissions"] else []
        return context


def _key(value: str | None) -> int | None:
    """A page key from the address; anything else means the first page."""
    return int(value) if value and value.isdigit() and len(value) < 19 else None


class SubmissionDetailView(NoStoreMixin, CallManageMixin, TemplateView):
    template_name = "evidence/secretariat/submission_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = submission_for_secretariat(call=self.call, public_id=self.kwargs["public_id"])
        context["submission"] = submission
        # One query for the files: the summary and the list of files share it.
        context["attachments"] = submission_attachments(submission=submission)
        context["summary"] = submission_summary(
            submission=submission, attachments=context["attachments"]
        )
        return context


class SubmissionAttachmentView(NoStoreMixin, CallManageMixin, View):
    """A response's file, for the call's secretariat (private storage, never cached)."""

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(
            Attachment,
            pk=kwargs["pk"],
            submission__call=self.call,
            submission__public_id=kwargs["public_id"],
        )
        return attachment_file_response(attachment)


class SubmissionEnterView(NoStoreMixin, CallManageMixin, TemplateView):
    """Type in a response that came on paper or by email, on the respondent's behalf."""

    template_name = "evidence/secretariat/submission_enter.html"

    def questions(self) -> list[Question]:
        questions = list(
            Question.objects.filter(call=self.call).order_by(
                "section__position", "section_id", "position", "pk"
            )
        )
        for question in questions:
            question.call = self.call
        return questions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("details_form", OnBehalfDetailsForm())
        context.setdefault("answers_form", OnBehalfAnswersForm(questions=self.questions()))
        context["forms"] = [context["details_form"], context["answers_form"]]
        return context

    def post(self, request, *args, **kwargs):
        details_form = OnBehalfDetailsForm(request.POST)
        answers_form = OnBehalfAnswersForm(request.POST, questions=self.questions())
        if details_form.is_valid() and answers_form.is_valid():
            data = dict(details_form.cleaned_data)
            channel = data.pop("channel")
            received_on = data.pop("received_on")
            consented = data.pop("consent")
            received_at = timezone.make_aware(datetime.combine(received_on, time(12, 0)))
            try:
                submission = submission_enter_with_consent(
                    actor=request.user,
                    call=self.call,
                    channel=channel,
                    details=data,
                    answers=answers_form.raw_answers(),
                    consented=consented,
                    received_at=received_at,
                )
            except ValidationError as exc:
                form_error_from(details_form, exc)
            else:
                messages.success(
                    request,
                    _("The response has been entered as %(reference)s.")
                    % {"reference": submission.reference},
                )
                return redirect(
                    "evidence:manage-submission",
                    slug=self.call.slug,
                    public_id=submission.public_id,
                )
        return self.render_to_response(
            self.get_context_data(details_form=details_form, answers_form=answers_form)
        )


class LateLinksView(NoStoreMixin, CallManageMixin, TemplateView):
    """The call's personal late-submission links, and the form to issue one."""

    template_name = "evidence/secretariat/late_links.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", LateLinkForm())
        context["links"] = late_links_for_call(call=self.call)
        context["now"] = timezone.now()
        return context

    def post(self, request, *args, **kwargs):
        form = LateLinkForm(request.POST)
        if form.is_valid():

            def link_url_for(token: str) -> str:
                return request.build_absolute_uri(
                    reverse("evidence:late-start", kwargs={"slug": self.call.slug, "token": token})
                )

            try:
                link, _token = late_link_send(
                    actor=request.user,
                    call=self.call,
                    link_url_for=link_url_for,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(
                    request,
                    _("We have emailed a personal link to %(email)s. It works until %(until)s.")
                    % {
                        "email": link.email,
                        "until": when_words(link.expires_at),
                    },
                )
                return redirect("evidence:manage-late-links", slug=self.call.slug)
        return self.render_to_response(self.get_context_data(form=form))


class LateLinkRevokeView(CallManageMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        link = get_object_or_404(LateSubmissionLink, pk=kwargs["pk"], call=self.call)
        service_with_message(
            request,
            late_link_revoke,
            link=link,
            success=_("The link for %(email)s no longer works.") % {"email": link.email},
        )
        return redirect("evidence:manage-late-links", slug=self.call.slug)
