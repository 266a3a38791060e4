"""The secretariat's pages for setting up a call: the call, its questions, its lifecycle.

Who may: the secretariat of the call's body and site admins (`evidence.manage_call`).
A call outside the person's selector is a 404; a call they may see but not run (a
reviewer's, or another body's public call) is a 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from evidence.enums import CALL_MANUAL_TRANSITIONS, CallStatus
from evidence.forms import CallForm, QuestionForm, SectionAnswersForm, SectionForm
from evidence.models import Question, Section
from evidence.selectors import bodies_run_by, calls_for_user, calls_run_by, sections_with_questions
from evidence.services import (
    call_create,
    call_transition,
    call_update,
    question_create,
    question_move,
    question_update,
    section_create,
    section_move,
    section_update,
)
from evidence.services.calls import CALL_FIELDS, question_add_warning
from evidence.services.questions import question_delete, section_delete
from levelup.views import PrivatePageMixin, form_error_from, service_with_message

PAGE_SIZE = 25


class CallManageMixin(PrivatePageMixin):
    """A secretariat page of one call, found by `slug` in the URL."""

    permission_required = "evidence.manage_call"
    object_name = "call"

    def object_from_selector(self):
        return get_object_or_404(calls_for_user(user=self.request.user), slug=self.kwargs["slug"])

    def back_to_questions(self):
        return redirect("evidence:manage-questions", slug=self.call.slug)


class ManagedCallListView(PrivatePageMixin, ListView):
    """The calls of the person's bodies (every call for a site admin): "Calls you run"."""

    template_name = "evidence/secretariat/call_list.html"
    permission_required = "evidence.create_call"
    context_object_name = "calls"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return calls_run_by(user=self.request.user)


class CallCreateView(PrivatePageMixin, FormView):
    template_name = "evidence/secretariat/call_form.html"
    permission_required = "evidence.create_call"
    form_class = CallForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["bodies"] = bodies_run_by(user=self.request.user)
        return kwargs

    def get_initial(self):
        bodies = list(bodies_run_by(user=self.request.user)[:2])
        return {"body": bodies[0] if len(bodies) == 1 else None, "max_attachments": 3}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        body = data.pop("body")
        try:
            call = call_create(actor=self.request.user, body=body, **data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The call has been created as a draft."))
        return redirect("evidence:manage-questions", slug=call.slug)


class CallUpdateView(CallManageMixin, FormView):
    template_name = "evidence/secretariat/call_form.html"
    form_class = CallForm

    def get_initial(self):
        return {field: getattr(self.call, field) for field in CALL_FIELDS}

    def form_valid(self, form):
        try:
            call_update(actor=self.request.user, call=self.call, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The call's settings have been saved."))
        return redirect("evidence:manage-call", slug=self.call.slug)


class CallPreviewView(CallManageMixin, TemplateView):
    """The call as a respondent will see it, drafts included."""

    template_name = "evidence/secretariat/call_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = sections_with_questions(call=self.call)
        context["sections"] = sections
        # Each page of the form as respondents will fill it in (shown, not submittable).
        context["pages"] = [
            (
                section,
                SectionAnswersForm(
                    questions=section.questions.all(), strict=False, prefix=f"s{section.pk}"
                ),
            )
            for section in sections
        ]
        return context


class QuestionsView(CallManageMixin, TemplateView):
    """The call's sections and questions in order, with buttons to change and reorder them."""

    template_name = "evidence/secretariat/questions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = sections_with_questions(call=self.call)
        return context


class SectionCreateView(CallManageMixin, FormView):
    template_name = "evidence/secretariat/section_form.html"
    form_class = SectionForm

    def form_valid(self, form):
        try:
            section_create(actor=self.request.user, call=self.call, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The section has been added."))
        return self.back_to_questions()


class SectionMixin(CallManageMixin):
    @property
    def section(self) -> Section:
        if not hasattr(self, "_section"):
            self._section = get_object_or_404(Section, pk=self.kwargs["pk"], call=self.call)
        return self._section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        return context


class SectionUpdateView(SectionMixin, FormView):
    template_name = "evidence/secretariat/section_form.html"
    form_class = SectionForm

    def get_initial(self):
        return {"title": self.section.title, "description": self.section.description}

    def form_valid(self, form):
        try:
            section_update(actor=self.request.user, section=self.section, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The section has been saved."))
        return self.back_to_questions()


class SectionDeleteView(SectionMixin, TemplateView):
    template_name = "evidence/secretariat/section_delete.html"

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            section_delete,
            section=self.section,
            success=_("The section has been deleted."),
        )
        return self.back_to_questions()


class MoveMixin:
    """POST `direction=up|down` (a button each, so reordering needs no JavaScript)."""

    http_method_names = ["post"]

    def direction(self) -> str:
        direction = self.request.POST.get("direction")
        if direction not in ("up", "down"):
            raise Http404("No such direction")
        return direction


class SectionMoveView(MoveMixin, SectionMixin, TemplateView):
    def post(self, request, *args, **kwargs):
        section_move(actor=request.user, section=self.section, direction=self.direction())
        messages.success(request, _("The section has been moved."))
        return self.back_to_questions()


class QuestionMixin(CallManageMixin):
    @property
    def question(self) -> Question:
        if not hasattr(self, "_question"):
            self._question = get_object_or_404(
                Question.objects.select_related("section"), pk=self.kwargs["pk"], call=self.call
            )
        return self._question

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question
        return context


class QuestionCreateView(CallManageMixin, FormView):
    template_name = "evidence/secretariat/question_form.html"
    form_class = QuestionForm

    def get(self, request, *args, **kwargs):
        if not self.call.sections.exists():
            messages.info(request, _("Add a section first: questions sit in sections."))
            return redirect("evidence:manage-section-create", slug=self.call.slug)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["call"] = self.call
        kwargs["confirm_sent_responses"] = bool(self.add_warning)
        return kwargs

    @cached_property
    def add_warning(self) -> str:
        return question_add_warning(call=self.call)

    def get_context_data(self, **kwargs):
        return super().get_context_data(add_warning=self.add_warning, **kwargs)

    def get_initial(self):
        section = self.call.sections.filter(pk=self.request.GET.get("section") or 0).first()
        return {"section": section, "kind": "long_text"}

    def form_valid(self, form):
        try:
            question_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The question has been added."))
        return self.back_to_questions()


class QuestionUpdateView(QuestionMixin, FormView):
    template_name = "evidence/secretariat/question_form.html"
    form_class = QuestionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["call"] = self.call
        return kwargs

    def get_initial(self):
        question = self.question
        return {
            "section": question.section,
            "text": question.text,
            "kind": question.kind,
            "help_text": question.help_text,
            "required": question.required,
            "word_limit": question.word_limit,
            "choices": "\n".join(question.choices),
        }

    def form_valid(self, form):
        try:
            question_update(actor=self.request.user, question=self.question, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The question has been saved."))
        return self.back_to_questions()


class QuestionDeleteView(QuestionMixin, TemplateView):
    template_name = "evidence/secretariat/question_delete.html"

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            question_delete,
            question=self.question,
            success=_("The question has been deleted."),
        )
        return self.back_to_questions()


class QuestionMoveView(MoveMixin, QuestionMixin, TemplateView):
    def post(self, request, *args, **kwargs):
        question_move(actor=request.user, question=self.question, direction=self.direction())
        messages.success(request, _("The question has been moved."))
        return self.back_to_questions()


TRANSITION_WORDS = {
    CallStatus.SCHEDULED: _(
        "Schedule the call. It opens by itself at its opening time and closes by itself "
        "at its closing time."
    ),
    CallStatus.DRAFT: _("Take the call back to draft. It disappears from the public list."),
    CallStatus.ANALYSING: _("Start analysing the responses. The call stays closed."),
    CallStatus.ARCHIVED: _("Archive the call. It stays readable."),
}


class CallTransitionView(CallManageMixin, TemplateView):
    """A step in the call's lifecycle by hand: `?to=<status>` asks, POST confirms."""

    template_name = "evidence/secretariat/transition.html"

    def target(self) -> str:
        to = self.request.POST.get("to") or self.request.GET.get("to") or ""
        if to not in CALL_MANUAL_TRANSITIONS.get(self.call.current_status, []):
            raise Http404("No such step")
        return to

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        to = self.target()
        context["to"] = to
        context["to_label"] = CallStatus(to).label
        context["explanation"] = TRANSITION_WORDS.get(to, "")
        return context

    def post(self, request, *args, **kwargs):
        to = self.target()
        service_with_message(
            request,
            call_transition,
            call=self.call,
            to_status=to,
            success=_("The call is now %(status)s.") % {"status": CallStatus(to).label.lower()},
        )
        return redirect("evidence:manage-call", slug=self.call.slug)
