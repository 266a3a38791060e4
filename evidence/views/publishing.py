"""The secretariat's publishing pages: moderation and redaction, findings and their evidence,
recommendations, and publishing the report after confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from evidence.enums import ModerationState
from evidence.forms.publishing import (
    ExcerptFilterForm,
    FindingForm,
    ModerationForm,
    RecommendationForm,
    RedactionForm,
    ReportSummaryForm,
)
from evidence.models import (
    Answer,
    Attachment,
    CallReport,
    Excerpt,
    Finding,
    FindingExcerpt,
    Recommendation,
    Redaction,
    Theme,
)
from evidence.selectors import calls_for_user, submission_for_secretariat
from evidence.selectors.publishing import (
    _has_moderation,
    finding_evidence,
    finding_evidence_counts,
    findings_for_call,
    is_call_report_published,
    recommendations_for_call,
    redacted_text,
    submission_findings,
    submissions_for_moderation,
    theme_excerpts,
)
from evidence.selectors.report_pdf import report_pdf_job
from evidence.services.publishing import (
    call_report_publish,
    finding_create,
    finding_excerpt_quote,
    finding_excerpt_remove,
    finding_excerpts_add,
    finding_move,
    finding_update,
    moderation_decide,
    moderation_propose,
    recommendation_create,
    recommendation_remove,
    recommendation_update,
    redaction_add,
    redaction_remove,
    report_held_back,
    report_summary_update,
)
from levelup.views import (
    PrivatePageMixin,
    error_message_from,
    form_error_from,
    service_with_message,
)

from .calls import PAGE_SIZE, CallManageMixin


class ModerationListView(CallManageMixin, ListView):
    """Responses whose respondent allowed publication, by moderation state."""

    template_name = "evidence/publishing/moderation_list.html"
    context_object_name = "submissions"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.state = self.request.GET.get("state", "")
        if self.state not in ModerationState.values:
            self.state = ""
        return submissions_for_moderation(call=self.call, state=self.state)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["states"] = ModerationState.choices
        context["state"] = self.state
        context["query"] = f"state={self.state}" if self.state else ""
        return context


class ModerationDetailView(PrivatePageMixin, TemplateView):
    """One response to moderate: its text with redactions, the decision, the trace to findings.

    Reviewers of the call may propose a decision; only the secretariat decides and redacts.
    """

    template_name = "evidence/publishing/moderation_detail.html"
    permission_required = "evidence.propose_moderation"
    object_name = "call"

    def object_from_selector(self):
        return get_object_or_404(calls_for_user(user=self.request.user), slug=self.kwargs["slug"])

    def get_submission(self):
        if not hasattr(self, "_submission"):
            submission = submission_for_secretariat(
                call=self.call, public_id=self.kwargs["public_id"]
            )
            if submission.is_draft:
                raise PermissionDenied
            self._submission = submission
        return self._submission

    def sources(self, submission):
        answers = list(
            Answer.objects.filter(submission=submission)
            .select_related("question")
            .prefetch_related("redactions")
        )
        attachments = list(
            Attachment.objects.filter(submission=submission).prefetch_related("redactions")
        )
        for source in answers:
            reds = list(source.redactions.all())
            source.published_text = redacted_text(source.text, reds) if reds else ""
        for source in attachments:
            reds = list(source.redactions.all())
            source.published_text = redacted_text(source.extracted_text, reds) if reds else ""
        choices = [(f"answer-{a.pk}", a.question.text[:80]) for a in answers if a.text]
        choices += [(f"attachment-{a.pk}", a.original_name) for a in attachments]
        return answers, attachments, choices

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.get_submission()
        answers, attachments, choices = self.sources(submission)
        may_decide = self.request.user.has_perm("evidence.manage_call", self.call)
        context.update(
            submission=submission,
            answers=[a for a in answers if a.text],
            attachments=attachments,
            moderation=submission.moderation if _has_moderation(submission) else None,
            may_decide=may_decide,
            redactions=list(Redaction.objects.filter(submission=submission)),
            findings=list(submission_findings(submission=submission)),
            show_identity=may_decide,
        )
        context.setdefault(
            "moderation_form",
            ModerationForm(
                initial={"state": context["moderation"].state if context["moderation"] else ""}
            ),
        )
        context.setdefault("redaction_form", RedactionForm(sources=choices))
        return context

    def post(self, request, *args, **kwargs):
        submission = self.get_submission()
        action = request.POST.get("action")
        may_decide = request.user.has_perm("evidence.manage_call", self.call)
        if action != "propose" and not may_decide:
            raise PermissionDenied
        if action in ("decide", "propose"):
            form = ModerationForm(request.POST)
            if form.is_valid():
                service = moderation_decide if action == "decide" else moderation_propose
                try:
                    service(actor=request.user, submission=submission, **form.cleaned_data)
                except ValidationError as exc:
                    form_error_from(form, exc)
                else:
                    messages.success(request, _("The moderation has been saved."))
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(moderation_form=form))
        if action == "redact":
            _answers, _attachments, choices = self.sources(submission)
            form = RedactionForm(request.POST, sources=choices)
            if form.is_valid():
                kind, _sep, pk = form.cleaned_data["source"].partition("-")
                target = {}
                if kind == "answer":
                    target["answer"] = get_object_or_404(Answer, pk=pk, submission=submission)
                else:
                    target["attachment"] = get_object_or_404(
                        Attachment, pk=pk, submission=submission
                    )
                try:
                    redaction_add(
                        actor=request.user,
                        submission=submission,
                        reason=form.cleaned_data["reason"],
                        start=form.cleaned_data["start"],
                        end=form.cleaned_data["end"],
                        quoted=form.cleaned_data["quoted"],
                        **target,
                    )
                except ValidationError as exc:
                    form_error_from(form, exc)
                else:
                    messages.success(request, _("The words are redacted in the published text."))
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(redaction_form=form))
        if action == "unredact":
            redaction = get_object_or_404(
                Redaction, pk=request.POST.get("redaction"), submission=submission
            )
            try:
                redaction_remove(actor=request.user, redaction=redaction)
            except ValidationError as exc:
                error_message_from(request, exc)
            else:
                messages.success(request, _("The redaction has been removed."))
            return redirect(request.path)
        raise PermissionDenied


class FindingListView(CallManageMixin, TemplateView):
    """The call's findings in order, and a form to add one."""

    template_name = "evidence/publishing/finding_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = list(findings_for_call(call=self.call))
        context.setdefault("form", FindingForm(call=self.call))
        return context

    def post(self, request, *args, **kwargs):
        form = FindingForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                finding = finding_create(actor=request.user, call=self.call, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The finding has been added."))
                return redirect("evidence:manage-finding", slug=self.call.slug, pk=finding.pk)
        return self.render_to_response(self.get_context_data(form=form))


class FindingMixin(CallManageMixin):
    @property
    def finding(self) -> Finding:
        if not hasattr(self, "_finding"):
            self._finding = get_object_or_404(Finding, call=self.call, pk=self.kwargs["pk"])
        return self._finding


class FindingDetailView(FindingMixin, TemplateView):
    """A finding: edit it, its evidence (quoted or not, and why), counts, and the trace."""

    template_name = "evidence/publishing/finding_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = self.finding
        context["finding"] = finding
        context["evidence"] = finding_evidence(finding=finding)
        context["counts"] = finding_evidence_counts(finding=finding)
        context["themes"] = list(
            Theme.objects.filter(call=self.call, merged_into__isnull=True).order_by("name")
        )
        context["finding_themes"] = list(finding.themes.all())
        context.setdefault(
            "form",
            FindingForm(
                call=self.call,
                initial={
                    "title": finding.title,
                    "summary": finding.summary,
                    "themes": context["finding_themes"],
                },
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action in ("quote", "unquote", "remove"):
            link = get_object_or_404(
                FindingExcerpt, pk=request.POST.get("link"), finding=self.finding
            )
            try:
                if action == "remove":
                    finding_excerpt_remove(actor=request.user, link=link)
                else:
                    finding_excerpt_quote(actor=request.user, link=link, quoted=action == "quote")
            except ValidationError as exc:
                error_message_from(request, exc)
            else:
                messages.success(request, _("The finding's evidence has been updated."))
            return redirect(request.path)
        form = FindingForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                finding_update(actor=request.user, finding=self.finding, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The finding has been saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class FindingPickView(FindingMixin, TemplateView):
    """From a theme, all its excerpts (filtered by respondent type and place): pick some."""

    template_name = "evidence/publishing/finding_pick.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = get_object_or_404(Theme, call=self.call, pk=self.kwargs["theme"])
        form = ExcerptFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        place = filters.get("place")
        context.update(
            finding=self.finding,
            theme=theme,
            filter_form=form,
            excerpts=list(
                theme_excerpts(
                    call=self.call,
                    theme_id=theme.pk,
                    respondent_type=filters.get("type", ""),
                    place_id=place.pk if place else None,
                )
            ),
            already=set(self.finding.finding_excerpts.values_list("excerpt_id", flat=True)),
        )
        return context

    def post(self, request, *args, **kwargs):
        ids = [i for i in request.POST.getlist("excerpts") if i.isdigit()]
        excerpts = Excerpt.objects.filter(call=self.call, pk__in=ids)
        added = finding_excerpts_add(actor=request.user, finding=self.finding, excerpts=excerpts)
        messages.success(
            request,
            _("%(n)d excerpts now back this finding.") % {"n": added}
            if added
            else _("No new excerpts were chosen."),
        )
        return redirect("evidence:manage-finding", slug=self.call.slug, pk=self.finding.pk)


class RecommendationListView(CallManageMixin, TemplateView):
    template_name = "evidence/publishing/recommendation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recommendations"] = list(recommendations_for_call(call=self.call))
        context.setdefault("form", RecommendationForm(call=self.call))
        return context

    def post(self, request, *args, **kwargs):
        form = RecommendationForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                recommendation_create(actor=request.user, call=self.call, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The recommendation has been added."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class FindingMoveView(FindingMixin, View):
    """POST: move a finding up or down the report's order."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            finding_move,
            finding=self.finding,
            up=request.POST.get("direction") == "up",
            success=_("The findings have been reordered."),
        )
        return redirect("evidence:manage-findings", slug=self.call.slug)


class RecommendationMixin(CallManageMixin):
    @property
    def recommendation(self) -> Recommendation:
        if not hasattr(self, "_recommendation"):
            self._recommendation = get_object_or_404(
                Recommendation, call=self.call, pk=self.kwargs["pk"]
            )
        return self._recommendation


class RecommendationUpdateView(RecommendationMixin, TemplateView):
    """Edit one recommendation; after publication the changelog says what changed."""

    template_name = "evidence/publishing/recommendation_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recommendation = self.recommendation
        context["recommendation"] = recommendation
        context.setdefault(
            "form",
            RecommendationForm(
                call=self.call,
                initial={
                    "text": recommendation.text,
                    "audience": recommendation.audience,
                    "addressed_to": recommendation.addressed_to,
                    "findings": list(recommendation.findings.all()),
                },
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RecommendationForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                recommendation_update(
                    actor=request.user, recommendation=self.recommendation, **form.cleaned_data
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The recommendation has been saved."))
                return redirect("evidence:manage-recommendations", slug=self.call.slug)
        return self.render_to_response(self.get_context_data(form=form))


class RecommendationRemoveView(RecommendationMixin, View):
    """POST: remove a recommendation (refused once its addressee has responded)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            recommendation_remove,
            recommendation=self.recommendation,
            success=_("The recommendation has been removed."),
        )
        return redirect("evidence:manage-recommendations", slug=self.call.slug)


class ReportPublishView(CallManageMixin, TemplateView):
    """What publishing will make public and what it holds back, then publish on POST.

    Once published: the report's summary, and the state of its PDF (queued, rendering with
    its progress, ready, or failed with the reason and "Try again").
    """

    template_name = "evidence/publishing/publish.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = CallReport.objects.filter(call=self.call).first()
        published = bool(report and report.published_at) and is_call_report_published(self.call)
        context["report"] = report
        context["published"] = published
        if not published:
            context["counts"] = report_held_back(call=self.call)
        else:
            context["pdf_job"] = report_pdf_job(report=report)
        context.setdefault(
            "summary_form", ReportSummaryForm(initial={"summary": report.summary if report else ""})
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            call_report_publish(
                actor=request.user, call=self.call, base_url=request.build_absolute_uri("/")
            )
        except ValidationError as exc:
            error_message_from(request, exc)
            return redirect("evidence:manage-report-publish", slug=self.call.slug)
        messages.success(request, _("The report is published."))
        return redirect(self.call)


class ReportSummaryView(CallManageMixin, View):
    """POST: the report's summary, before or after publication (then noted in the changelog)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ReportSummaryForm(request.POST)
        if form.is_valid():
            service_with_message(
                request,
                report_summary_update,
                call=self.call,
                summary=form.cleaned_data["summary"],
                success=_("The report's summary has been saved."),
            )
        return redirect("evidence:manage-report-publish", slug=self.call.slug)
