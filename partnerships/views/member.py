from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from partnerships.forms import InvitationForm, MemberRoleForm
from partnerships.models import Invitation, PartnershipMember, Representative
from partnerships.selectors import invitations_pending, members_for_partnership
from partnerships.services import (
    invitation_create,
    invitation_resend,
    invitation_withdraw,
    member_remove,
    member_role_change,
    representative_remove,
)

from .mixins import PAGE_SIZE, PartnershipMixin, form_error_from, paginate


class MemberListView(PartnershipMixin, ListView):
    template_name = "partnerships/member/list.html"
    context_object_name = "members"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return members_for_partnership(partnership=self.partnership, include_former=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("partnerships.run_partnership", self.partnership):
            context["invitations"] = paginate(
                self.request,
                invitations_pending(partnership=self.partnership),
                param="invitations_page",
            )
        return context


class InvitationCreateView(PartnershipMixin, FormView):
    template_name = "partnerships/member/invite.html"
    permission_required = "partnerships.run_partnership"
    form_class = InvitationForm

    def form_valid(self, form):
        try:
            invitation, _token = invitation_create(
                actor=self.request.user,
                partnership=self.partnership,
                site_url=self.request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("We have emailed an invitation to %(email)s.") % {"email": invitation.email},
        )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class MemberMixin(PartnershipMixin):
    permission_required = "partnerships.run_partnership"

    def get_member(self) -> PartnershipMember:
        return get_object_or_404(
            PartnershipMember.objects.select_related("organisation"),
            pk=self.kwargs["pk"],
            partnership=self.partnership,
        )


class MemberRemoveView(MemberMixin, TemplateView):
    template_name = "partnerships/member/remove.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.get_member()
        return context

    def post(self, request, *args, **kwargs):
        member = self.get_member()
        try:
            member_remove(actor=request.user, member=member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(organisation)s has left the partnership. Its history is kept.")
                % {"organisation": member.organisation.name},
            )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class MemberRoleChangeView(MemberMixin, FormView):
    template_name = "partnerships/member/role_form.html"
    form_class = MemberRoleForm

    def get_initial(self):
        return {"role": self.get_member().role}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.get_member()
        return context

    def form_valid(self, form):
        try:
            member_role_change(
                actor=self.request.user, member=self.get_member(), **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The role has been changed."))
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class RepresentativeRemoveView(PartnershipMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        representative = get_object_or_404(
            Representative.objects.select_related("user", "member__partnership"),
            pk=self.kwargs["pk"],
            member__partnership=self.partnership,
        )
        try:
            representative_remove(actor=request.user, representative=representative)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s no longer represents the organisation.")
                % {"name": representative.user.name},
            )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class InvitationWithdrawView(PartnershipMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation, pk=self.kwargs["pk"], partnership=self.partnership
        )
        try:
            invitation_withdraw(actor=request.user, invitation=invitation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
            )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class InvitationResendView(PartnershipMixin, TemplateView):
    """Send a pending invitation again, with a new link (the old one stops working)."""

    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation, pk=self.kwargs["pk"], partnership=self.partnership
        )
        try:
            invitation_resend(
                actor=request.user,
                invitation=invitation,
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("We have emailed the invitation to %(email)s again, with a new link.")
                % {"email": invitation.email},
            )
        return redirect("partnerships:member-list", slug=self.partnership.slug)
