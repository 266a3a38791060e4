"""The secretariat sets up and watches review: reviewers and conflicts, rubric, code frame,
phases, assignment (by hand, in bulk, automatic) and progress.

Who may: the secretariat of the call's body and site admins (`evidence.manage_call`).
A reviewer of the call gets 403 (they can see the call, not run its review); anyone else,
including the secretariat of another body, gets 404. A reviewer's own conflicts page is the
one exception: reviewers of the call only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from evidence.enums import SubmissionReviewState
from evidence.forms import SubmissionFilterForm
from evidence.forms.review_setup import (
    AssignForm,
    AutoAssignForm,
    BulkAssignForm,
    ConflictForm,
    CriterionForm,
    PhaseForm,
    ReviewerAccountForm,
    ReviewerAddForm,
    ReviewerInviteForm,
    ScoreAggregateForm,
    ThemeForm,
    ThemeImportForm,
    ThemeMergeForm,
)
from evidence.models import (
    Criterion,
    Review,
    ReviewerConflict,
    ReviewerInvitation,
    ReviewPhase,
    Theme,
)
from evidence.rules import can_manage_call
from evidence.selectors import (
    calls_for_user,
    submission_for_secretariat,
    submissions_for_secretariat,
)
from evidence.selectors.review import active_phase
from evidence.selectors.review_setup import (
    agreement_latest,
    assignment_rows,
    conflicts_for_call,
    conflicts_of_reviewer,
    criteria_for_call,
    criteria_removed,
    disagreement_rows,
    invitations_pending,
    phases_for_call,
    progress_counts,
    reviewer_rows,
    reviewers_for_call,
    reviews_of_submission,
    theme_tree,
    themes_merged,
)
from evidence.services import review_setup as svc
from evidence.services.agreement import agreement_refresh
from levelup.models import User
from levelup.views import PrivatePageMixin, form_error_from, service_with_message

from .calls import PAGE_SIZE

# ------------------------------------------------------------------------------------- access


class ReviewManageMixin(PrivatePageMixin):
    """A secretariat review page of one call: 404 unless the person can see its review."""

    permission_required = "evidence.manage_call"
    object_name = "call"

    def object_from_selector(self):
        user = self.request.user
        call = get_object_or_404(calls_for_user(user=user), slug=self.kwargs["slug"])
        # The call's reviewers see the call (a 403 here); anyone else sees nothing of review.
        if not (call.pk in user.reviewer_call_ids or can_manage_call.test(user, call)):
            raise Http404
        return call

    def reviewers(self):
        return reviewers_for_call(call=self.call)

    def site_url(self) -> str:
        return self.request.build_absolute_uri("/")


def _back(name: str, call, **kwargs):
    return redirect(f"evidence:{name}", slug=call.slug, **kwargs)


# ---------------------------------------------------------------------------------- overview


class ReviewOverviewView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phase"] = active_phase(call=self.call)
        context["counts"] = progress_counts(call=self.call)
        context["reviewer_count"] = self.reviewers().count()
        context["criterion_count"] = criteria_for_call(call=self.call).count()
        context["theme_count"] = sum(1 + len(n.children) for n in theme_tree(call=self.call))
        return context


# ---------------------------------------------------------------------------------- reviewers


class ReviewersView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/reviewers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviewer_rows"] = reviewer_rows(call=self.call)
        context["invitations"] = invitations_pending(call=self.call)
        context["conflicts"] = conflicts_for_call(call=self.call).order_by(
            "reviewer__name", "organisation_name"
        )
        context.setdefault("invite_form", ReviewerInviteForm(prefix="invite"))
        context.setdefault("add_form", ReviewerAddForm(prefix="add"))
        context.setdefault(
            "conflict_form", ConflictForm(prefix="conflict", reviewers=self.reviewers())
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "invite":
            form = ReviewerInviteForm(request.POST, prefix="invite")
            if form.is_valid():
                try:
                    svc.reviewer_invite(
                        actor=request.user,
                        call=self.call,
                        email=form.cleaned_data["email"],
                        site_url=self.site_url(),
                    )
                except ValidationError as exc:
                    form_error_from(form, exc)
                else:
                    messages.success(request, _("The invitation has been emailed."))
                    return _back("manage-reviewers", self.call)
            return self.render_to_response(self.get_context_data(invite_form=form))
        if action == "add":
            form = ReviewerAddForm(request.POST, prefix="add")
            if form.is_valid():
                user = User.objects.filter(
                    email__iexact=form.cleaned_data["email"], is_active=True
                ).first()
                if user is None:
                    form.add_error(
                        "email", _("No one has an account with this email: invite them.")
                    )
                else:
                    try:
                        svc.reviewer_add(actor=request.user, call=self.call, user=user)
                    except ValidationError as exc:
                        form_error_from(form, exc)
                    else:
                        messages.success(
                            request, _("%(name)s now reviews this call.") % {"name": user.name}
                        )
                        return _back("manage-reviewers", self.call)
            return self.render_to_response(self.get_context_data(add_form=form))
        if action == "conflict":
            form = ConflictForm(request.POST, prefix="conflict", reviewers=self.reviewers())
            if form.is_valid():
                try:
                    svc.conflict_declare(
                        actor=request.user,
                        call=self.call,
                        reviewer=form.cleaned_data["reviewer"],
                        organisation_name=form.cleaned_data["organisation_name"],
                    )
                except ValidationError as exc:
                    form_error_from(form, exc)
                else:
                    messages.success(request, _("The conflict of interest has been recorded."))
                    return _back("manage-reviewers", self.call)
            return self.render_to_response(self.get_context_data(conflict_form=form))
        raise Http404


class ReviewerRemoveView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/reviewer_remove.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviewer"] = self.reviewer
        context["open_count"] = Review.objects.filter(
            call=self.call, reviewer=self.reviewer, state__in=svc.OPEN_STATES
        ).count()
        return context

    def get(self, request, *args, **kwargs):
        self.reviewer = get_object_or_404(self.reviewers(), pk=kwargs["user_id"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        reviewer = get_object_or_404(self.reviewers(), pk=kwargs["user_id"])
        count = svc.reviewer_remove(actor=request.user, call=self.call, user=reviewer)
        messages.success(
            request,
            ngettext(
                "%(name)s no longer reviews this call; %(n)s unfinished review was handed back.",
                "%(name)s no longer reviews this call; %(n)s unfinished reviews were handed back.",
                count,
            )
            % {"name": reviewer.name, "n": count},
        )
        return _back("manage-reviewers", self.call)


class InvitationWithdrawView(ReviewManageMixin, View):
    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(ReviewerInvitation, pk=kwargs["pk"], call=self.call)
        service_with_message(
            request,
            svc.reviewer_invitation_withdraw,
            invitation=invitation,
            success=_("The invitation has been withdrawn: its link no longer works."),
        )
        return _back("manage-reviewers", self.call)


class ConflictRemoveView(ReviewManageMixin, View):
    def post(self, request, *args, **kwargs):
        conflict = get_object_or_404(ReviewerConflict, pk=kwargs["pk"], call=self.call)
        service_with_message(
            request,
            svc.conflict_remove,
            conflict=conflict,
            success=_("The conflict of interest has been removed."),
        )
        return _back("manage-reviewers", self.call)


class ReviewerInvitationAcceptView(View):
    # Public page: the emailed token is the credential. It works once, until it expires.
    template_name = "evidence/review/setup/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = svc.reviewer_invitation_for_token(kwargs["token"])
        if self.invitation is None:
            return render(request, "evidence/review/setup/invitation_invalid.html", status=410)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self._render(self._form())

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                svc.reviewer_invitation_accept(user=request.user, token=kwargs["token"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("home")
            return self._joined()
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            invitation = svc.reviewer_invitation_accept_with_new_account(
                token=kwargs["token"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self._render(form)
        login(request, invitation.accepted_by, backend="django.contrib.auth.backends.ModelBackend")
        return self._joined()

    def _form(self, data=None):
        return ReviewerAccountForm(data=data, initial={"email": self.invitation.email})

    def _render(self, form):
        return render(
            self.request, self.template_name, {"invitation": self.invitation, "form": form}
        )

    def _joined(self):
        messages.success(
            self.request,
            _("You now review “%(call)s”.") % {"call": self.invitation.call.title},
        )
        return redirect("evidence:review-conflicts", slug=self.invitation.call.slug)


class MyConflictsView(PrivatePageMixin, TemplateView):
    """A reviewer declares the organisations they are connected to (reviewers of the call only)."""

    template_name = "evidence/review/setup/my_conflicts.html"
    permission_required = "evidence.declare_conflicts"
    object_name = "call"

    def object_from_selector(self):
        user = self.request.user
        call = get_object_or_404(calls_for_user(user=user), slug=self.kwargs["slug"])
        if call.pk not in user.reviewer_call_ids:
            raise Http404
        return call

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conflicts"] = conflicts_of_reviewer(call=self.call, user=self.request.user)
        context.setdefault("form", ConflictForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ConflictForm(request.POST)
        if form.is_valid():
            try:
                svc.conflict_declare(
                    actor=request.user,
                    call=self.call,
                    reviewer=request.user,
                    organisation_name=form.cleaned_data["organisation_name"],
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded. You will not be given this organisation's responses."),
                )
                return redirect("evidence:review-conflicts", slug=self.call.slug)
        return self.render_to_response(self.get_context_data(form=form))


# ------------------------------------------------------------------------------------- rubric


class RubricView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/rubric.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["criteria"] = criteria_for_call(call=self.call)
        context["removed"] = criteria_removed(call=self.call)
        context.setdefault(
            "aggregate_form",
            ScoreAggregateForm(initial={"score_aggregate": self.call.score_aggregate}),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ScoreAggregateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(aggregate_form=form))
        svc.call_score_aggregate_set(
            actor=request.user, call=self.call, aggregate=form.cleaned_data["score_aggregate"]
        )
        messages.success(request, _("Totals now use this rule; every review's total is updated."))
        return _back("manage-rubric", self.call)


class CriterionMixin(ReviewManageMixin):
    @property
    def criterion(self) -> Criterion:
        if not hasattr(self, "_criterion"):
            self._criterion = get_object_or_404(
                Criterion, pk=self.kwargs["pk"], call=self.call, removed_at__isnull=True
            )
        return self._criterion


class CriterionCreateView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/criterion_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CriterionForm())
        return context

    def post(self, request, *args, **kwargs):
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                svc.criterion_create(actor=request.user, call=self.call, **form.values())
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The criterion has been added."))
                return _back("manage-rubric", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class CriterionUpdateView(CriterionMixin, TemplateView):
    template_name = "evidence/review/setup/criterion_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["criterion"] = self.criterion
        context.setdefault(
            "form", CriterionForm(initial=CriterionForm.initial_from(self.criterion))
        )
        return context

    def post(self, request, *args, **kwargs):
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                svc.criterion_update(actor=request.user, criterion=self.criterion, **form.values())
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The criterion has been saved."))
                return _back("manage-rubric", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class CriterionRemoveView(CriterionMixin, TemplateView):
    template_name = "evidence/review/setup/criterion_remove.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["criterion"] = self.criterion
        context["score_count"] = self.criterion.scores.count()
        return context

    def post(self, request, *args, **kwargs):
        svc.criterion_remove(actor=request.user, criterion=self.criterion)
        messages.success(
            request,
            _("The criterion has been removed. Its scores are kept but no longer count."),
        )
        return _back("manage-rubric", self.call)


class CriterionMoveView(CriterionMixin, View):
    def post(self, request, *args, **kwargs):
        direction = "up" if request.POST.get("direction") == "up" else "down"
        svc.criterion_move(actor=request.user, criterion=self.criterion, direction=direction)
        messages.success(request, _("The criterion has been moved."))
        return _back("manage-rubric", self.call)


# --------------------------------------------------------------------------------- code frame


class ThemesView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/themes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = theme_tree(call=self.call)
        context["merged"] = themes_merged(call=self.call)
        context.setdefault("form", ThemeForm(call=self.call))
        context["import_form"] = ThemeImportForm()
        return context

    def post(self, request, *args, **kwargs):
        form = ThemeForm(request.POST, call=self.call)
        if form.is_valid():
            try:
                svc.theme_create(actor=request.user, call=self.call, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The theme has been added."))
                return _back("manage-themes", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class ThemeMixin(ReviewManageMixin):
    @property
    def theme(self) -> Theme:
        if not hasattr(self, "_theme"):
            self._theme = get_object_or_404(
                Theme.objects.select_related("parent"),
                pk=self.kwargs["pk"],
                call=self.call,
                merged_into__isnull=True,
            )
        return self._theme

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme"] = self.theme
        return context


class ThemeUpdateView(ThemeMixin, TemplateView):
    template_name = "evidence/review/setup/theme_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {
            "name": self.theme.name,
            "description": self.theme.description,
            "parent": self.theme.parent,
        }
        context.setdefault("form", ThemeForm(call=self.call, exclude=self.theme, initial=initial))
        return context

    def post(self, request, *args, **kwargs):
        form = ThemeForm(request.POST, call=self.call, exclude=self.theme)
        if form.is_valid():
            try:
                svc.theme_update(actor=request.user, theme=self.theme, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The theme has been saved."))
                return _back("manage-themes", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class ThemeMergeView(ThemeMixin, TemplateView):
    template_name = "evidence/review/setup/theme_merge.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ThemeMergeForm(theme=self.theme))
        context["coding_count"] = self.theme.codings.filter(removed_at__isnull=True).count()
        context["excerpt_count"] = self.theme.excerpts.count()
        return context

    def post(self, request, *args, **kwargs):
        form = ThemeMergeForm(request.POST, theme=self.theme)
        if form.is_valid():
            try:
                counts = svc.theme_merge(
                    actor=request.user, theme=self.theme, into=form.cleaned_data["into"]
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(
                    request,
                    _("Merged: %(codings)s codings and %(excerpts)s excerpts moved.") % counts,
                )
                return _back("manage-themes", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class ThemeMoveView(ThemeMixin, View):
    def post(self, request, *args, **kwargs):
        direction = "up" if request.POST.get("direction") == "up" else "down"
        svc.theme_move(actor=request.user, theme=self.theme, direction=direction)
        messages.success(request, _("The theme has been moved."))
        return _back("manage-themes", self.call)


class ThemeImportView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/theme_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ThemeImportForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ThemeImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 1024 * 1024:
                form.add_error("file", _("The file is over 1 MB: a code frame is much smaller."))
            else:
                try:
                    added = svc.themes_import_csv(
                        actor=request.user, call=self.call, data=upload.read()
                    )
                except ValidationError as exc:
                    form_error_from(form, exc)
                else:
                    messages.success(
                        request,
                        _("Imported: %(themes)s themes and %(sub_themes)s sub-themes added.")
                        % added,
                    )
                    return _back("manage-themes", self.call)
        return self.render_to_response(self.get_context_data(form=form))


# ------------------------------------------------------------------------------------- phases


class PhasesView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/phases.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phases"] = phases_for_call(call=self.call)
        context.setdefault("form", PhaseForm(prefix="phase"))
        return context

    def post(self, request, *args, **kwargs):
        form = PhaseForm(request.POST, prefix="phase")
        if form.is_valid():
            try:
                svc.phase_create(actor=request.user, call=self.call, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The phase has been added."))
                return _back("manage-phases", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class PhaseMixin(ReviewManageMixin):
    @property
    def phase(self) -> ReviewPhase:
        if not hasattr(self, "_phase"):
            self._phase = get_object_or_404(ReviewPhase, pk=self.kwargs["pk"], call=self.call)
        return self._phase


class PhaseUpdateView(PhaseMixin, TemplateView):
    template_name = "evidence/review/setup/phase_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phase"] = self.phase
        context.setdefault("form", PhaseForm(instance=self.phase, prefix="phase"))
        return context

    def post(self, request, *args, **kwargs):
        form = PhaseForm(request.POST, prefix="phase")
        if form.is_valid():
            try:
                svc.phase_update(actor=request.user, phase=self.phase, **form.cleaned_data)
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("The phase has been saved."))
                return _back("manage-phases", self.call)
        return self.render_to_response(self.get_context_data(form=form))


class PhaseActivateView(PhaseMixin, View):
    def post(self, request, *args, **kwargs):
        if request.POST.get("active") == "0":
            svc.phase_deactivate(actor=request.user, phase=self.phase)
            messages.success(request, _("Review is paused: no phase is active."))
        else:
            svc.phase_activate(actor=request.user, phase=self.phase)
            messages.success(
                request, _("“%(name)s” is now the active phase.") % {"name": self.phase.name}
            )
        return _back("manage-phases", self.call)


# --------------------------------------------------------------------------------- assignment


class AssignmentFilterMixin(ReviewManageMixin):
    """The responses the filters give (the secretariat's response filters + review state)."""

    def filtered(self, data):
        self.filter_form = SubmissionFilterForm(data or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        submissions = submissions_for_secretariat(call=self.call, **filters).exclude(
            status="withdrawn"
        )
        review_state = data.get("review_state", "")
        if review_state in SubmissionReviewState.values:
            submissions = submissions.filter(review_state=review_state)
        return submissions

    def query_string(self, data) -> str:
        query = data.copy()
        for key in ("page", "csrfmiddlewaretoken", "ids", "reviewer", "scope", "per_response"):
            query.pop(key, None)
        return query.urlencode()

    def selected_ids(self, data, submissions) -> list[int] | None:
        """The ticked responses (limited to the filtered ones), or None for "all filtered"."""
        if data.get("scope") != "selected":
            return None
        ids = [int(i) for i in data.getlist("ids") if i.isdigit()]
        return list(submissions.filter(pk__in=ids).values_list("pk", flat=True))


class AssignmentListView(AssignmentFilterMixin, TemplateView):
    template_name = "evidence/review/setup/assignment.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submissions = self.filtered(self.request.GET)
        page = Paginator(submissions, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["rows"] = assignment_rows(call=self.call, submissions=page.object_list)
        context["filter_form"] = self.filter_form
        context["review_state"] = self.request.GET.get("review_state", "")
        context["review_states"] = SubmissionReviewState.choices
        context["query"] = self.query_string(self.request.GET)
        reviewers = self.reviewers()
        context["bulk_form"] = BulkAssignForm(reviewers=reviewers)
        context["auto_form"] = AutoAssignForm()
        context["has_reviewers"] = reviewers.exists()
        return context


class BulkAssignView(AssignmentFilterMixin, View):
    def post(self, request, *args, **kwargs):
        form = BulkAssignForm(request.POST, reviewers=self.reviewers())
        back = reverse("evidence:manage-assignment", kwargs={"slug": self.call.slug})
        query = self.query_string(request.POST)
        back = f"{back}?{query}" if query else back
        if not form.is_valid():
            messages.error(request, _("Choose a reviewer and which responses to give them."))
            return redirect(back)
        submissions = self.filtered(request.POST)
        ids = self.selected_ids(request.POST, submissions)
        if ids is None:
            ids = list(submissions.values_list("pk", flat=True))
        if not ids:
            messages.error(request, _("Tick at least one response."))
            return redirect(back)
        try:
            result = svc.reviews_assign_bulk(
                actor=request.user,
                call=self.call,
                submission_ids=ids,
                reviewer=form.cleaned_data["reviewer"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "%(assigned)s assigned; %(already)s already had this reviewer; "
                    "%(conflicts)s left out for a conflict of interest."
                )
                % result,
            )
        return redirect(back)


class AutoAssignView(AssignmentFilterMixin, TemplateView):
    """GET: the preview (workload per reviewer, nothing saved). POST: do it."""

    template_name = "evidence/review/setup/auto_assign.html"

    def _plan_inputs(self, data):
        form = AutoAssignForm(data)
        if not form.is_valid():
            return form, None
        submissions = self.filtered(data)
        ids = self.selected_ids(data, submissions)
        if ids is None:
            ids = list(submissions.values_list("pk", flat=True))
        return form, ids

    def get(self, request, *args, **kwargs):
        form, ids = self._plan_inputs(request.GET)
        if ids is None:
            messages.error(request, _("Choose how many reviewers each response needs (1 to 10)."))
            return _back("manage-assignment", self.call)
        per_response = form.cleaned_data["per_response"]
        plan = svc.assignment_plan(call=self.call, submission_ids=ids, per_response=per_response)
        names = {u.pk: u for u in self.reviewers()}
        context = self.get_context_data(
            plan=plan,
            per_response=per_response,
            response_count=len(ids),
            ids=ids if request.GET.get("scope") == "selected" else [],
            workloads=[
                (
                    names[r],
                    plan.load_before[r],
                    plan.load_after[r] - plan.load_before[r],
                    plan.load_after[r],
                )
                for r in sorted(plan.load_after, key=lambda r: (names[r].name, r))
            ],
            hidden=[(k, v) for k, values in request.GET.lists() for v in values if k != "ids"],
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        form, ids = self._plan_inputs(request.POST)
        if ids is None:
            messages.error(request, _("Choose how many reviewers each response needs (1 to 10)."))
            return _back("manage-assignment", self.call)
        try:
            plan = svc.reviews_assign_automatic(
                actor=request.user,
                call=self.call,
                submission_ids=ids,
                per_response=form.cleaned_data["per_response"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _back("manage-assignment", self.call)
        messages.success(
            request,
            ngettext("%(n)s review assigned.", "%(n)s reviews assigned.", len(plan.pairs))
            % {"n": len(plan.pairs)},
        )
        return _back("manage-review-progress", self.call)


class SubmissionReviewersView(ReviewManageMixin, TemplateView):
    """One response's reviewers: assign by hand, unassign, reassign."""

    template_name = "evidence/review/setup/submission_reviewers.html"

    @property
    def submission(self):
        if not hasattr(self, "_submission"):
            self._submission = submission_for_secretariat(
                call=self.call, public_id=self.kwargs["public_id"]
            )
        return self._submission

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submission"] = self.submission
        context["reviews"] = reviews_of_submission(submission=self.submission)
        reviewers = self.reviewers()
        context.setdefault("form", AssignForm(reviewers=reviewers))
        context["reassign_form"] = AssignForm(reviewers=reviewers, prefix="to")
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        reviewers = self.reviewers()
        if action in ("unassign", "reassign"):
            review = get_object_or_404(
                Review, pk=request.POST.get("review"), submission=self.submission
            )
            if action == "unassign":
                service_with_message(
                    request, svc.review_unassign, review=review, success=_("Review taken back.")
                )
            else:
                form = AssignForm(request.POST, reviewers=reviewers, prefix="to")
                if form.is_valid():
                    service_with_message(
                        request,
                        svc.review_reassign,
                        review=review,
                        reviewer=form.cleaned_data["reviewer"],
                        success=_("Review given to another reviewer."),
                    )
            return redirect(request.path)
        form = AssignForm(request.POST, reviewers=reviewers)
        if form.is_valid():
            try:
                svc.review_assign(
                    actor=request.user,
                    call=self.call,
                    submission=self.submission,
                    reviewer=form.cleaned_data["reviewer"],
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("Reviewer assigned."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


# ----------------------------------------------------------------------------------- progress


class ProgressView(ReviewManageMixin, TemplateView):
    template_name = "evidence/review/setup/progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.call
        # Everything but the disagreement page comes from the agreement job's stored
        # result: a constant number of queries whatever the size of the call.
        agreement = agreement_latest(call=call)
        context["agreement"] = agreement
        context["progress"] = agreement.progress
        context["agreement_criteria"] = agreement.criteria
        context["agreement_themes"] = agreement.themes
        order = self.request.GET.get("order", "spread")
        context["order"] = order
        paginator = Paginator(disagreement_rows(call=call, order=order), PAGE_SIZE)
        if agreement.progress and agreement.progress["spread_rows"] is not None:
            # The job wrote the rows and counted them: no COUNT(*) over them on each load.
            paginator.count = agreement.progress["spread_rows"]
        page = paginator.get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["query"] = f"order={order}"
        return context

    def post(self, request, *args, **kwargs):
        """ "Recalculate": queue the agreement figures now (or say one is already queued)."""
        service_with_message(
            request,
            agreement_refresh,
            call=self.call,
            success=_(
                "The agreement figures are being worked out again. Reload this page in a "
                "minute to see them."
            ),
        )
        return redirect("evidence:manage-review-progress", slug=self.call.slug)
