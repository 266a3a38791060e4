from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from levelup.views import form_error_from, service_with_message
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

from .mixins import PAGE_SIZE, PartnershipMixin, paginate


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.get_member()
        return context


class MemberRemoveView(MemberMixin, TemplateView):
    template_name = "partnerships/member/remove.html"

    def post(self, request, *args, **kwargs):
        member = self.get_member()
        service_with_message(
            request,
            member_remove,
            member=member,
            success=_("%(organisation)s has left the partnership. Its history is kept.")
            % {"organisation": member.organisation.name},
        )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class MemberRoleChangeView(MemberMixin, FormView):
    template_name = "partnerships/member/role_form.html"
    form_class = MemberRoleForm

    def get_initial(self):
        return {"role": self.get_member().role}

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
        service_with_message(
            request,
            representative_remove,
            representative=representative,
            success=_("%(name)s no longer represents the organisation.")
            % {"name": representative.user.name},
        )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class InvitationActionMixin(PartnershipMixin):
    """A form-less POST about one of the partnership's invitations (`pk` in the URL)."""

    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def get_invitation(self) -> Invitation:
        return get_object_or_404(Invitation, pk=self.kwargs["pk"], partnership=self.partnership)


class InvitationWithdrawView(InvitationActionMixin, TemplateView):
    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        service_with_message(
            request,
            invitation_withdraw,
            invitation=invitation,
            success=_("The invitation to %(email)s has been withdrawn.")
            % {"email": invitation.email},
        )
        return redirect("partnerships:member-list", slug=self.partnership.slug)


class InvitationResendView(InvitationActionMixin, TemplateView):
    """Send a pending invitation again, with a new link (the old one stops working)."""

    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        service_with_message(
            request,
            invitation_resend,
            invitation=invitation,
            site_url=request.build_absolute_uri("/"),
            success=_("We have emailed the invitation to %(email)s again, with a new link.")
            % {"email": invitation.email},
        )
        return redirect("partnerships:member-list", slug=self.partnership.slug)
