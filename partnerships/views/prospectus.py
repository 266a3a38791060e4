"""The place prospectus, private side: drafting, comments, sign-off and publishing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from evidence.selectors import findings_published, recommendations_published
from levelup.jobs import job_retry
from levelup.views import form_error_from, service_with_message
from partnerships.forms_prospectus import (
    CitationForm,
    CommentForm,
    CommitmentForm,
    InvestmentLineForm,
    PriorityForm,
    ProspectusStartForm,
    VisionForm,
)
from partnerships.models import (
    Commitment,
    InvestmentLine,
    Match,
    PartnershipMember,
    Priority,
    ProspectusComment,
)
from partnerships.rules import represented_members
from partnerships.selectors import (
    comments_by_section,
    priorities_for_version,
    prospectus_content,
    prospectus_for_partnership,
    prospectus_latest_version,
    prospectus_pdf_job,
    prospectus_version_diff,
    prospectus_version_get,
    prospectus_versions,
    sign_off_status,
)
from partnerships.services import (
    commitment_create,
    commitment_delete,
    commitment_update,
    investment_line_create,
    investment_line_delete,
    investment_line_update,
    priority_citations_set,
    priority_create,
    priority_delete,
    priority_update,
    prospectus_comment_add,
    prospectus_comment_resolve,
    prospectus_create,
    prospectus_publish,
    prospectus_sign_off,
    prospectus_version_send,
    prospectus_version_start,
    prospectus_vision_update,
)
from partnerships.services.prospectus import COMMITTABLE_MATCH_STATUSES

from .mixins import PartnershipMixin


class ProspectusMixin(PartnershipMixin):
    """A page of the partnership's prospectus; 404 until the connector has started one."""

    _prospectus = None

    @property
    def prospectus(self):
        if self._prospectus is None:
            self._prospectus = prospectus_for_partnership(partnership=self.partnership)
            if self._prospectus is None:
                raise Http404(_("This partnership has no prospectus yet."))
            self._prospectus.partnership = self.partnership
        return self._prospectus

    @property
    def version(self):
        if not hasattr(self, "_version"):
            self._version = prospectus_latest_version(prospectus=self.prospectus)
            self._version.prospectus = self.prospectus
        return self._version

    def draft_url(self, anchor: str = "") -> str:
        url = reverse("partnerships:prospectus-draft", kwargs={"slug": self.partnership.slug})
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["prospectus"] = self.prospectus
        context["version"] = self.version
        return context


class ProspectusDraftView(PartnershipMixin, TemplateView):
    """The newest version with its comments and sign-offs; a start form before there is one."""

    template_name = "partnerships/prospectus/draft.html"
    comment_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        prospectus = prospectus_for_partnership(partnership=self.partnership)
        context["prospectus"] = prospectus
        context["can_run"] = user.has_perm("partnerships.run_partnership", self.partnership)
        if prospectus is None:
            context["start_form"] = ProspectusStartForm() if context["can_run"] else None
            return context
        prospectus.partnership = self.partnership
        version = prospectus_latest_version(prospectus=prospectus)
        version.prospectus = prospectus
        content = prospectus_content(version=version)
        mine = set(represented_members(user))
        for commitment in content.commitments:
            commitment.can_edit = context["can_run"] or commitment.member_id in mine
        context.update(
            version=version,
            content=content,
            sign_offs=sign_off_status(version=version, user=user),
            comment_sections=comments_by_section(prospectus=prospectus),
            comment_form=self.comment_form or CommentForm(),
            can_comment=user.has_perm("partnerships.comment_prospectus", self.partnership),
            can_add_commitment=user.has_perm("partnerships.add_commitment", self.partnership),
            pdf_job=(
                prospectus_pdf_job(prospectus=prospectus)
                if prospectus.is_published and not prospectus.has_current_pdf
                else None
            ),
        )
        return context


class ProspectusCreateView(PartnershipMixin, FormView):
    template_name = "partnerships/prospectus/form.html"
    permission_required = "partnerships.run_partnership"
    form_class = ProspectusStartForm
    extra_context = {"page_title": gettext_lazy("Start the place prospectus")}

    def form_valid(self, form):
        try:
            prospectus_create(
                actor=self.request.user, partnership=self.partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The prospectus has been started: version 1 is a draft."))
        return redirect("partnerships:prospectus-draft", slug=self.partnership.slug)


class VisionUpdateView(ProspectusMixin, FormView):
    template_name = "partnerships/prospectus/form.html"
    permission_required = "partnerships.run_partnership"
    form_class = VisionForm
    extra_context = {"page_title": gettext_lazy("Title and vision")}

    def get_initial(self):
        return {"title": self.prospectus.title, "vision": self.version.vision}

    def form_valid(self, form):
        try:
            prospectus_vision_update(
                actor=self.request.user, version=self.version, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The vision has been saved."))
        return redirect(self.draft_url("vision"))


class PriorityFormView(ProspectusMixin, FormView):
    """Add a priority, or change one (`pk` in the URL) of the newest version."""

    template_name = "partnerships/prospectus/form.html"
    permission_required = "partnerships.run_partnership"
    form_class = PriorityForm

    def get_priority(self) -> Priority | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Priority, pk=self.kwargs["pk"], version=self.version)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = (
            _("Change a priority") if "pk" in self.kwargs else _("Add a priority")
        )
        return context

    def get_initial(self):
        priority = self.get_priority()
        return {"title": priority.title, "description": priority.description} if priority else {}

    def form_valid(self, form):
        priority = self.get_priority()
        try:
            if priority is None:
                priority_create(actor=self.request.user, version=self.version, **form.cleaned_data)
            else:
                priority_update(actor=self.request.user, priority=priority, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(title)s") % form.cleaned_data)
        return redirect(self.draft_url("priorities"))


class PriorityCiteView(ProspectusMixin, FormView):
    """Choose the findings and recommendations of published calls that a priority cites."""

    template_name = "partnerships/prospectus/cite.html"
    permission_required = "partnerships.run_partnership"
    form_class = CitationForm
    shown = 30

    def get_priority(self) -> Priority:
        if not hasattr(self, "_priority"):
            self._priority = get_object_or_404(
                priorities_for_version(version=self.version), pk=self.kwargs["pk"]
            )
        return self._priority

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        priority = self.get_priority()
        search = self.request.GET.get("q", "").strip()[:200]
        form = context["form"]
        if form.is_bound:
            chosen_findings = {str(pk) for pk in form.data.getlist("findings")}
            chosen_recommendations = {str(pk) for pk in form.data.getlist("recommendations")}
        else:
            chosen_findings = {str(f.pk) for f in priority.findings.all()}
            chosen_recommendations = {str(r.pk) for r in priority.recommendations.all()}
        # What is cited stays on the page whatever the search, so saving never drops it.
        cited_findings = list(priority.findings.all())
        cited_recommendations = list(priority.recommendations.all())
        found_findings = list(findings_published(search=search)[: self.shown])
        found_recommendations = list(recommendations_published(search=search)[: self.shown])
        context.update(
            priority=priority,
            search=search,
            findings=_merge(cited_findings, found_findings),
            recommendations=_merge(cited_recommendations, found_recommendations),
            chosen_findings=chosen_findings,
            chosen_recommendations=chosen_recommendations,
            page_title=_("Evidence for “%(title)s”") % {"title": priority.title},
        )
        return context

    def form_valid(self, form):
        try:
            priority_citations_set(
                actor=self.request.user, priority=self.get_priority(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Saved the evidence for “%(title)s”.") % {"title": self.get_priority().title},
        )
        return redirect(self.draft_url("priorities"))


def _merge(first: list, then: list) -> list:
    seen = {item.pk for item in first}
    return first + [item for item in then if item.pk not in seen]


class PriorityDeleteView(ProspectusMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        priority = get_object_or_404(Priority, pk=kwargs["pk"], version=self.version)
        service_with_message(
            request,
            priority_delete,
            priority=priority,
            success=_("Removed: %(title)s") % {"title": priority.title},
        )
        return redirect(self.draft_url("priorities"))


class CommitmentMixin(ProspectusMixin):
    template_name = "partnerships/prospectus/commitment_form.html"
    form_class = CommitmentForm

    def members_for_form(self):
        members = (
            PartnershipMember.objects.active()
            .filter(partnership=self.partnership)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        if not self.request.user.has_perm("partnerships.run_partnership", self.partnership):
            members = members.filter(pk__in=list(represented_members(self.request.user)))
        return members

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "members": self.members_for_form(),
            "priorities": Priority.objects.filter(version=self.version),
        }


class CommitmentCreateView(CommitmentMixin, FormView):
    """A new commitment; `?match=<id>` starts it from an agreed or delivered match."""

    permission_required = "partnerships.add_commitment"

    def get_match(self) -> Match | None:
        match_id = self.request.GET.get("match") or self.request.POST.get("match")
        if not match_id or not str(match_id).isdigit():
            return None
        return get_object_or_404(
            Match.objects.select_related("deliverable__member__organisation", "ask"),
            pk=match_id,
            partnership=self.partnership,
            status__in=COMMITTABLE_MATCH_STATUSES,
        )

    def get_initial(self):
        match = self.get_match()
        if match is None:
            return {}
        initial = {
            "member": match.deliverable.member_id,
            "description": f"{match.deliverable.description} – {match.ask.description}",
        }
        if match.deliverable.unit == "£":
            initial["value"] = match.quantity
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["match"] = self.get_match()
        context["page_title"] = _("Add a commitment")
        if context["match"] is None and self.request.user.has_perm(
            "partnerships.run_partnership", self.partnership
        ):
            context["matches"] = (
                Match.objects.filter(
                    partnership=self.partnership, status__in=COMMITTABLE_MATCH_STATUSES
                )
                .select_related("deliverable__member__organisation", "ask__member__organisation")
                .order_by("-updated_at")[:50]
            )
        return context

    def form_valid(self, form):
        try:
            commitment_create(
                actor=self.request.user,
                version=self.version,
                match=self.get_match(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(description)s") % form.cleaned_data)
        return redirect(self.draft_url("commitments"))


class CommitmentUpdateView(CommitmentMixin, FormView):
    """Connectors change any commitment; members only their own organisation's."""

    permission_required = "partnerships.change_commitment"

    def get_commitment(self) -> Commitment:
        if not hasattr(self, "_commitment"):
            self._commitment = get_object_or_404(
                Commitment.objects.select_related("version", "member__organisation"),
                pk=self.kwargs["pk"],
                version=self.version,
            )
        return self._commitment

    def get_permission_object(self):
        return self.get_commitment()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        commitment = self.get_commitment()
        if not self.request.user.has_perm("partnerships.run_partnership", self.partnership):
            kwargs["members"] = kwargs["members"].filter(pk=commitment.member_id)
        return kwargs

    def get_initial(self):
        c = self.get_commitment()
        return {
            "member": c.member_id,
            "description": c.description,
            "due_on": c.due_on,
            "value": c.value,
            "priority": c.priority_id,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitment"] = self.get_commitment()
        context["page_title"] = _("Change a commitment")
        return context

    def form_valid(self, form):
        try:
            commitment_update(
                actor=self.request.user, commitment=self.get_commitment(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(description)s") % form.cleaned_data)
        return redirect(self.draft_url("commitments"))


class CommitmentDeleteView(CommitmentUpdateView):
    permission_required = "partnerships.delete_commitment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        commitment = self.get_commitment()
        service_with_message(
            request,
            commitment_delete,
            commitment=commitment,
            success=_("Removed: %(description)s") % {"description": commitment.description},
        )
        return redirect(self.draft_url("commitments"))


class InvestmentLineFormView(ProspectusMixin, FormView):
    template_name = "partnerships/prospectus/form.html"
    permission_required = "partnerships.run_partnership"
    form_class = InvestmentLineForm

    def get_line(self) -> InvestmentLine | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(InvestmentLine, pk=self.kwargs["pk"], version=self.version)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = (
            _("Change an investment line") if "pk" in self.kwargs else _("Add an investment line")
        )
        return context

    def get_initial(self):
        line = self.get_line()
        if line is None:
            return {}
        return {name: getattr(line, name) for name in InvestmentLineForm.base_fields}

    def form_valid(self, form):
        line = self.get_line()
        try:
            if line is None:
                investment_line_create(
                    actor=self.request.user, version=self.version, **form.cleaned_data
                )
            else:
                investment_line_update(actor=self.request.user, line=line, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(project)s") % form.cleaned_data)
        return redirect(self.draft_url("investment-plan"))


class InvestmentLineDeleteView(ProspectusMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        line = get_object_or_404(InvestmentLine, pk=kwargs["pk"], version=self.version)
        service_with_message(
            request,
            investment_line_delete,
            line=line,
            success=_("Removed: %(project)s") % {"project": line.project},
        )
        return redirect(self.draft_url("investment-plan"))


class ProspectusSendView(ProspectusMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            prospectus_version_send,
            version=self.version,
            site_url=request.build_absolute_uri("/"),
            success=_(
                "Version %(number)s has been sent for sign-off. We have emailed the lead members."
            )
            % {"number": self.version.number},
        )
        return redirect(self.draft_url())


class ProspectusVersionStartView(ProspectusMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        service_with_message(
            request,
            prospectus_version_start,
            prospectus=self.prospectus,
            success=_(
                "Version %(number)s is a new draft, copied from version %(old)s. Sign-offs of "
                "earlier versions no longer count."
            )
            % {"number": self.version.number + 1, "old": self.version.number},
        )
        return redirect(self.draft_url())


class ProspectusPdfRetryView(ProspectusMixin, TemplateView):
    """Try the PDF again after its job failed for good."""

    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = prospectus_pdf_job(prospectus=self.prospectus)
        if job is None:
            raise Http404
        service_with_message(
            request, job_retry, job=job, success=_("The PDF is being prepared again.")
        )
        return redirect(self.draft_url())


class VersionActionMixin(ProspectusMixin):
    def http_method_not_allowed(self, request, *args, **kwargs):
        # A version outside this prospectus is a 404 whatever the method, like any object.
        self.get_target_version()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_target_version(self):
        version = prospectus_version_get(prospectus=self.prospectus, number=self.kwargs["number"])
        if version is None:
            raise Http404
        version.prospectus = self.prospectus
        return version


class ProspectusSignOffView(VersionActionMixin, TemplateView):
    permission_required = "partnerships.sign_off_prospectus"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = self.get_target_version()
        member = get_object_or_404(
            PartnershipMember.objects.select_related("organisation"),
            pk=request.POST.get("member") or 0,
            partnership=self.partnership,
        )
        service_with_message(
            request,
            prospectus_sign_off,
            version=version,
            member=member,
            success=_("You have signed off version %(number)s for %(organisation)s.")
            % {"number": version.number, "organisation": member.organisation.name},
        )
        return redirect(self.draft_url("sign-off"))


class ProspectusPublishView(VersionActionMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = self.get_target_version()
        service_with_message(
            request,
            prospectus_publish,
            version=version,
            success=_(
                "Version %(number)s is published. The PDF is being prepared and will be ready "
                "in a minute."
            )
            % {"number": version.number},
        )
        return redirect(self.draft_url())


class CommentCreateView(ProspectusDraftView):
    """A comment or a reply; an invalid one shows the draft again with the text kept."""

    permission_required = "partnerships.comment_prospectus"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        prospectus = prospectus_for_partnership(partnership=self.partnership)
        if prospectus is None:
            raise Http404
        version = prospectus_latest_version(prospectus=prospectus)
        parent = None
        if parent_id := request.POST.get("parent"):
            parent = get_object_or_404(
                ProspectusComment, pk=parent_id if parent_id.isdigit() else 0, prospectus=prospectus
            )
        data = request.POST.copy()
        if parent is not None:
            data["section"] = parent.section
        form = CommentForm(data)
        if form.is_valid():
            try:
                prospectus_comment_add(
                    actor=request.user, version=version, parent=parent, **form.cleaned_data
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(request, _("Your comment has been added."))
                return redirect(self.draft_url_for(f"comments-{form.cleaned_data['section']}"))
        self.comment_form = form
        return self.render_to_response(self.get_context_data(**kwargs))

    def draft_url_for(self, anchor: str) -> str:
        url = reverse("partnerships:prospectus-draft", kwargs={"slug": self.partnership.slug})
        return f"{url}#{anchor}"


class CommentResolveView(ProspectusMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        comment = get_object_or_404(ProspectusComment, pk=kwargs["pk"], prospectus=self.prospectus)
        service_with_message(
            request,
            prospectus_comment_resolve,
            comment=comment,
            success=_("The thread is resolved."),
        )
        return redirect(self.draft_url(f"comments-{comment.section}"))


class ProspectusHistoryView(ProspectusMixin, ListView):
    template_name = "partnerships/prospectus/history.html"
    context_object_name = "versions"
    paginate_by = 20

    def get_queryset(self):
        return prospectus_versions(prospectus=self.prospectus)


class ProspectusVersionView(VersionActionMixin, TemplateView):
    """One version as it was, with the words changed since the version before it."""

    template_name = "partnerships/prospectus/version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = self.get_target_version()
        context["shown"] = shown
        context["content"] = prospectus_content(version=shown)
        previous = None
        if shown.number > 1:
            previous = prospectus_version_get(prospectus=self.prospectus, number=shown.number - 1)
        context["previous"] = previous
        context["diff"] = prospectus_version_diff(old=previous, new=shown) if previous else None
        return context
