"""Setting partnerships up without the Django admin.

Who may: site administrators create places; the secretariat of a body (the programme's) and
site administrators start partnerships and create organisations; a partnership's connectors
(and site administrators) add existing or new organisations to it as members.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from evidence.selectors import bodies_run_by
from levelup.models import Organisation, Place
from levelup.selectors import organisations_similar
from levelup.services import organisation_create, place_create
from levelup.views import PrivatePageMixin, form_error_from
from partnerships.forms_setup import (
    MemberExistingOrganisationForm,
    MemberNewOrganisationForm,
    OrganisationForm,
    PartnershipCreateForm,
    PlaceForm,
)
from partnerships.models import PartnershipMember
from partnerships.services import member_add, member_add_new_organisation, partnership_create

from .mixins import PartnershipMixin


class PlaceCreateView(PrivatePageMixin, FormView):
    template_name = "partnerships/setup/place_form.html"
    permission_required = "levelup.add_place"
    form_class = PlaceForm

    def form_valid(self, form):
        try:
            place = place_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(place)s has been added. You can start a partnership there now.")
            % {"place": place.name},
        )
        return redirect(reverse("partnerships:partnership-create") + f"?place={place.slug}")


def _check_duplicates(form: OrganisationForm) -> bool:
    """True when the organisation may be created: no similar name in its place, or the person
    has seen the similar ones and confirmed. Otherwise the form is ready to show them."""
    if form.cleaned_data.get("create_anyway"):
        return True
    similar = organisations_similar(
        name=form.cleaned_data["name"], place=form.cleaned_data.get("place")
    )
    if not similar:
        return True
    form.offer_similar(similar)
    return False


class OrganisationCreateView(PrivatePageMixin, FormView):
    """A new organisation, after checking for similar names in the same place."""

    template_name = "partnerships/setup/organisation_form.html"
    permission_required = ("partnerships.add_partnership", "levelup.add_organisation")
    form_class = OrganisationForm

    def form_valid(self, form):
        if not _check_duplicates(form):
            return self.render_to_response(self.get_context_data(form=form))
        try:
            organisation = organisation_create(
                actor=self.request.user, **form.organisation_fields()
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been added.") % {"name": organisation.name})
        return redirect("partnerships:programme")


class PartnershipCreateView(PrivatePageMixin, FormView):
    template_name = "partnerships/setup/partnership_form.html"
    permission_required = "partnerships.add_partnership"
    form_class = PartnershipCreateForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "bodies": bodies_run_by(user=self.request.user),
            # Secretariat start partnerships in their own programme; admins may leave it out.
            "body_required": not self.request.user.is_site_admin,
        }

    def get_initial(self):
        initial = {}
        if place_slug := self.request.GET.get("place"):
            initial["place"] = Place.objects.filter(slug=place_slug).first()
        bodies = list(bodies_run_by(user=self.request.user)[:2])
        if len(bodies) == 1:
            initial["programme_body"] = bodies[0]
        return initial

    def form_valid(self, form):
        try:
            partnership = partnership_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s has been started. Name its business connectors next.")
            % {"name": partnership.name},
        )
        return redirect("partnerships:connector-grant", slug=partnership.slug)


class MemberAddView(PartnershipMixin, TemplateView):
    """Add an organisation as a member: one already on the site, or a new one (after the
    duplicate check). Two forms on one page, told apart by their prefixes."""

    template_name = "partnerships/member/add.html"
    permission_required = "partnerships.run_partnership"

    def organisations(self):
        """Organisations that are not active members yet, the partnership's place first."""
        active = PartnershipMember.objects.active().filter(
            partnership=self.partnership, organisation=OuterRef("pk")
        )
        return (
            Organisation.objects.exclude(Exists(active))
            .select_related("place")
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "existing_form",
            MemberExistingOrganisationForm(prefix="existing", organisations=self.organisations()),
        )
        context.setdefault(
            "new_form",
            MemberNewOrganisationForm(prefix="new", initial={"place": self.partnership.place}),
        )
        return context

    def post(self, request, *args, **kwargs):
        if "existing-organisation" in request.POST:
            return self._add_existing()
        return self._add_new()

    def _done(self, member: PartnershipMember):
        messages.success(
            self.request,
            _("%(name)s is now a member. Invite the people who represent it.")
            % {"name": member.organisation.name},
        )
        return redirect("partnerships:member-list", slug=self.partnership.slug)

    def _add_existing(self):
        form = MemberExistingOrganisationForm(
            self.request.POST, prefix="existing", organisations=self.organisations()
        )
        if form.is_valid():
            try:
                member = member_add(
                    actor=self.request.user, partnership=self.partnership, **form.cleaned_data
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                return self._done(member)
        return self.render_to_response(self.get_context_data(existing_form=form))

    def _add_new(self):
        form = MemberNewOrganisationForm(self.request.POST, prefix="new")
        if form.is_valid() and not _check_duplicates(form):
            members = set(
                PartnershipMember.objects.active()
                .filter(partnership=self.partnership)
                .values_list("organisation_id", flat=True)
            )
            for organisation in form.similar:
                organisation.is_member = organisation.pk in members
        elif form.is_valid():
            try:
                member = member_add_new_organisation(
                    actor=self.request.user,
                    partnership=self.partnership,
                    role=form.cleaned_data["role"],
                    **form.organisation_fields(),
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                return self._done(member)
        return self.render_to_response(self.get_context_data(new_form=form))
