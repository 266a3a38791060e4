"""The respondent's journey: details, questions page by page, check, submit, receipt.

These pages are public: anyone may respond, with or without an account. Who may open a
response is decided here, not by `rules`: it is the account's own response, or one this
browser opened with its private link (remembered in the session).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from evidence.access import (
    continue_url,
    remember_response,
    responses_opened_here,
    started_here,
)
from evidence.enums import QuestionKind, SubmissionStatus
from evidence.forms import RespondentDetailsForm, SectionAnswersForm, question_field_name
from evidence.selectors import (
    attachments_by_question,
    calls_for_user,
    required_files_missing,
    sections_with_questions,
    submission_answers_by_question,
    submission_attachments,
    submission_by_continue_token,
    submission_draft_for_visitor,
    submission_for_respondent,
    submission_late_link_get,
    submission_problems,
    submission_summary,
    submissions_for_respondent,
)
from evidence.services import (
    attachment_add,
    attachment_remove,
    continue_token_hash,
    submission_answers_save,
    submission_continue_link_send,
    submission_details_save,
    submission_may_withdraw,
    submission_start,
    submission_submit,
    submission_withdraw,
)
from evidence.services.late_links import late_link_start
from evidence.services.submissions import DETAIL_FIELDS
from evidence.views.downloads import attachment_file_response
from levelup.auth import client_ip
from levelup.views import NoStoreMixin, error_message_from, form_error_from


class CallClosedMixin:
    def closed_response(self, request, status: int = 403):
        """The polite page for a call that is not taking responses, with the draft read-only."""
        return render(
            request,
            "evidence/respond/closed.html",
            {
                "call": self.call,
                "submission": getattr(self, "submission", None),
                "summary": submission_summary(submission=self.submission)
                if getattr(self, "submission", None)
                else [],
            },
            status=status,
        )


class RespondStartView(CallClosedMixin, View):
    # Public page: anyone may start a response to an open call.
    template_name = "evidence/respond/start.html"

    def dispatch(self, request, *args, **kwargs):
        self.call = get_object_or_404(calls_for_user(user=request.user), slug=kwargs["slug"])
        if not self.call.is_public:
            raise Http404("No such call")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.call.is_accepting_responses:
            return self.closed_response(request, status=200)
        return render(request, self.template_name, {"call": self.call})

    def post(self, request, *args, **kwargs):
        draft = submission_draft_for_visitor(
            user=request.user,
            allowed_public_ids=responses_opened_here(request),
            call=self.call,
        )
        if draft is not None and self.call.is_accepting_responses:
            messages.info(
                request, _("You have a draft response to this call already. Carry on with it.")
            )
            return redirect("evidence:response-details", public_id=draft.public_id)
        try:
            submission, token = submission_start(actor=request.user, call=self.call)
        except ValidationError:
            return self.closed_response(request)
        remember_response(request, submission, token)
        return redirect("evidence:response-details", public_id=submission.public_id)


class LateStartView(CallClosedMixin, View):
    # Public page: a personal late-submission link; the token is the permission.
    # It is for one respondent: the first use starts the response, and only that
    # person (this browser, or their account) gets back in with it; anyone else is refused.
    def get(self, request, slug: str, token: str):
        link = submission_late_link_get(token_hash=continue_token_hash(token))
        if link is None or link.call.slug != slug:
            return render(request, "evidence/respond/link_invalid.html", status=404)
        self.call = link.call
        try:
            submission, continue_token = late_link_start(actor=request.user, link=link)
        except ValidationError:
            return render(
                request, "evidence/respond/link_invalid.html", {"call": link.call}, status=410
            )
        if continue_token is None:
            if not started_here(request, submission):
                return render(
                    request, "evidence/respond/link_used.html", {"call": link.call}, status=403
                )
            return redirect("evidence:response-check", public_id=submission.public_id)
        remember_response(request, submission, continue_token)
        return redirect("evidence:response-details", public_id=submission.public_id)


class ContinueView(NoStoreMixin, View):
    """Public page: the private "continue your response" link; the token is the permission.

    It does what its email says: while the call takes responses it opens the draft; once
    the response is sent it shows a read-only receipt (nothing more is opened in this
    browser); once the call has closed it shows nothing of the response at all.
    """

    def get(self, request, token: str):
        submission = submission_by_continue_token(token_hash=continue_token_hash(token))
        if submission is None:
            return render(request, "evidence/respond/link_invalid.html", status=404)
        if not submission.may_take_responses():
            return render(
                request, "evidence/respond/link_closed.html", {"call": submission.call}, status=410
            )
        if submission.status != SubmissionStatus.DRAFT:
            return render(
                request,
                "evidence/respond/receipt.html",
                {
                    "call": submission.call,
                    "submission": submission,
                    "summary": submission_summary(submission=submission),
                    "may_withdraw": False,
                    "read_only": True,
                },
            )
        remember_response(request, submission, token)
        return redirect("evidence:response-check", public_id=submission.public_id)


class RespondentSubmissionMixin(CallClosedMixin):
    """Finds the response this visitor may open (404 otherwise). Its pages are never stored."""

    editing = True

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        self.submission = submission_for_respondent(
            user=request.user,
            allowed_public_ids=responses_opened_here(request),
            public_id=kwargs["public_id"],
        )
        if self.submission is None:
            raise Http404("No such response")
        self.call = self.submission.call
        if self.editing:
            if self.submission.status != SubmissionStatus.DRAFT:
                return redirect("evidence:response-receipt", public_id=self.submission.public_id)
            if not self.submission.may_take_responses():
                return self.closed_response(request, status=200 if request.method == "GET" else 403)
        return super().dispatch(request, *args, **kwargs)

    def sections(self):
        if not hasattr(self, "_sections"):
            self._sections = sections_with_questions(call=self.call)
        return self._sections

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            call=self.call,
            submission=self.submission,
            sections=self.sections(),
            continue_url=continue_url(self.request, self.submission),
        )
        return context


class ResponseDetailsView(RespondentSubmissionMixin, TemplateView):
    # Public page (see RespondentSubmissionMixin for who may open it).
    template_name = "evidence/respond/details.html"

    def initial(self) -> dict:
        s = self.submission
        return {
            "respondent_name": s.respondent_name,
            "respondent_email": s.respondent_email,
            "responding_as": s.responding_as,
            "organisation_name": s.organisation_name,
            "organisation_type": s.organisation_type,
            "organisation_size": s.organisation_size,
            "place": s.place_id,
            "publication_preference": s.publication_preference,
            "wants_report": s.wants_report,
            "consent": s.consented_at is not None
            and s.consent_version == self.call.privacy_notice_version,
        }

    def get(self, request, *args, **kwargs):
        form = RespondentDetailsForm(initial=self.initial())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = RespondentDetailsForm(request.POST)
        if not form.is_valid():
            self._save_what_is_valid(form)
            return self.render_to_response(self.get_context_data(form=form))
        data = dict(form.cleaned_data)
        consent = data.pop("consent")
        try:
            submission_details_save(
                actor=request.user, submission=self.submission, consent=consent, **data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        self._send_link_once(data["respondent_email"])
        if not self.sections():
            return redirect("evidence:response-check", public_id=self.submission.public_id)
        return redirect("evidence:response-section", public_id=self.submission.public_id, number=1)

    def _save_what_is_valid(self, form) -> None:
        """Keep the answers that passed, so a mistake in one field loses none of the others."""
        valid = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in DETAIL_FIELDS and name not in form.errors
        }
        if not valid:
            return
        try:
            submission_details_save(actor=self.request.user, submission=self.submission, **valid)
        except ValidationError:
            return  # the page shows the form's own errors; nothing more to say

    def _send_link_once(self, email: str) -> None:
        """Anonymous respondents get their private link by email, once per response."""
        if self.request.user.is_authenticated:
            return
        url = continue_url(self.request, self.submission)
        if not url:
            return
        self.submission.refresh_from_db()
        outcome = submission_continue_link_send(
            actor=self.request.user,
            submission=self.submission,
            continue_url=url,
            client_address=client_ip(self.request),
        )
        if outcome == "sent":
            messages.success(
                self.request,
                _("Your draft is saved. We have emailed a private link to %(email)s.")
                % {"email": email},
            )
        elif outcome == "limited":
            messages.warning(
                self.request,
                _(
                    "Your draft is saved. We cannot email its private link just now: copy "
                    "the link shown on this page to come back to it."
                ),
            )


class ResponseSectionView(RespondentSubmissionMixin, TemplateView):
    # Public page (see RespondentSubmissionMixin for who may open it).
    template_name = "evidence/respond/section.html"

    def section(self):
        sections = self.sections()
        number = self.kwargs["number"]
        if not 1 <= number <= len(sections):
            raise Http404("No such page")
        return sections[number - 1]

    def initial(self, questions) -> dict:
        answers = submission_answers_by_question(submission=self.submission)
        initial = {}
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                continue
            name = question_field_name(question)
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                initial[name] = answer.values
            else:
                initial[name] = answer.text
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.kwargs["number"]
        files = attachments_by_question(submission_attachments(submission=self.submission))
        form = context["form"]
        context.update(
            section=self.section(),
            number=number,
            total=len(self.sections()),
            files=files,
            file_fields=[
                (form[question_field_name(q)], files.get(q.pk, []))
                for q in form.questions
                if q.kind == QuestionKind.FILE
            ],
        )
        return context

    def get(self, request, *args, **kwargs):
        questions = list(self.section().questions.all())
        form = SectionAnswersForm(
            initial=self.initial(questions), questions=questions, strict=False
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        questions = list(self.section().questions.all())
        action = request.POST.get("action", "continue")
        form = SectionAnswersForm(
            request.POST, request.FILES, questions=questions, strict=action == "continue"
        )
        try:
            submission_answers_save(
                actor=request.user, submission=self.submission, answers=form.raw_answers()
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_draft":
                # Sent from another tab in the meantime: show what was sent.
                return redirect("evidence:response-receipt", public_id=self.submission.public_id)
            return self.closed_response(request)
        valid = form.is_valid()
        for question, upload in form.uploads().items():
            try:
                attachment_add(
                    actor=request.user, submission=self.submission, question=question, upload=upload
                )
            except ValidationError as exc:
                form.add_error(question_field_name(question), exc)
                valid = False
        if valid and form.strict:
            for question in required_files_missing(submission=self.submission, questions=questions):
                form.add_error(
                    question_field_name(question),
                    _("Attach a file, or save and come back later."),
                )
                valid = False
        if not valid:
            return self.render_to_response(self.get_context_data(form=form))
        if action == "upload":
            messages.success(request, _("Your file has been attached."))
            return redirect(request.path)
        if action == "save":
            return redirect("evidence:response-saved", public_id=self.submission.public_id)
        number = self.kwargs["number"]
        if number < len(self.sections()):
            return redirect(
                "evidence:response-section",
                public_id=self.submission.public_id,
                number=number + 1,
            )
        return redirect("evidence:response-check", public_id=self.submission.public_id)


class ResponseSavedView(RespondentSubmissionMixin, TemplateView):
    # Public page (see RespondentSubmissionMixin for who may open it).
    template_name = "evidence/respond/saved.html"


class ResponseCheckView(RespondentSubmissionMixin, TemplateView):
    # Public page (see RespondentSubmissionMixin for who may open it).
    template_name = "evidence/respond/check.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = submission_summary(
            submission=self.submission, sections=self.sections()
        )
        context.setdefault("problems", [])
        return context

    def post(self, request, *args, **kwargs):
        try:
            submission = submission_submit(actor=request.user, submission=self.submission)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "call_closed":
                return self.closed_response(request)
            problems = submission_problems(submission=self.submission)
            return self.render_to_response(
                self.get_context_data(problems=problems or [{"message": m} for m in exc.messages])
            )
        return redirect("evidence:response-receipt", public_id=submission.public_id)


class ResponseReceiptView(RespondentSubmissionMixin, TemplateView):
    # Public page (see RespondentSubmissionMixin for who may open it).
    template_name = "evidence/respond/receipt.html"
    editing = False

    def get(self, request, *args, **kwargs):
        if self.submission.status == SubmissionStatus.DRAFT:
            return redirect("evidence:response-check", public_id=self.submission.public_id)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = submission_summary(
            submission=self.submission, sections=self.sections()
        )
        context["may_withdraw"] = submission_may_withdraw(submission=self.submission)
        return context


class ResponseWithdrawView(RespondentSubmissionMixin, TemplateView):
    # Public page (see RespondentSubmissionMixin for who may open it).
    template_name = "evidence/respond/withdraw.html"
    editing = False

    def get(self, request, *args, **kwargs):
        if self.submission.status != SubmissionStatus.SUBMITTED:
            return redirect("evidence:response-receipt", public_id=self.submission.public_id)
        if not self.call.is_accepting_responses:
            return self.closed_response(request, status=200)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            submission_withdraw(actor=request.user, submission=self.submission)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "call_closed":
                return self.closed_response(request)
            error_message_from(request, exc)
            return redirect("evidence:response-receipt", public_id=self.submission.public_id)
        messages.success(request, _("Your response has been withdrawn."))
        return redirect("evidence:response-receipt", public_id=self.submission.public_id)


class AttachmentDownloadView(RespondentSubmissionMixin, View):
    # Public page (see RespondentSubmissionMixin): respondents read back their own files.
    editing = False

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(self.submission.attachments, pk=kwargs["pk"])
        return attachment_file_response(attachment)


class AttachmentRemoveView(RespondentSubmissionMixin, View):
    # Public page (see RespondentSubmissionMixin for who may open it).
    def post(self, request, *args, **kwargs):
        attachment = get_object_or_404(self.submission.attachments, pk=kwargs["pk"])
        try:
            attachment_remove(actor=request.user, attachment=attachment)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_draft":
                return redirect("evidence:response-receipt", public_id=self.submission.public_id)
            return self.closed_response(request)
        messages.success(
            request, _("%(name)s has been removed.") % {"name": attachment.original_name}
        )
        back = request.POST.get("back", "")
        if back.isdigit():
            return HttpResponseRedirect(
                reverse(
                    "evidence:response-section",
                    kwargs={"public_id": self.submission.public_id, "number": int(back)},
                )
            )
        return redirect("evidence:response-check", public_id=self.submission.public_id)


class MyResponsesView(NoStoreMixin, PermissionRequiredMixin, ListView):
    """A signed-in person's drafts and receipts."""

    template_name = "evidence/respond/mine.html"
    permission_required = "levelup.view_account"
    context_object_name = "responses"
    paginate_by = 50

    def get_queryset(self):
        return submissions_for_respondent(user=self.request.user)
