from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from levelup.views import form_error_from, service_with_message
from partnerships.enums import MONEY_KINDS, MatchStatus
from partnerships.forms import ExchangeForm, MatchForm, MatchMoveForm, quantity_text
from partnerships.models import Ask, Deliverable, Match, PartnershipMember
from partnerships.rules import represented_members
from partnerships.selectors import (
    asks_for_partnership,
    deliverables_for_partnership,
    exchange_summary,
    matches_for_partnership,
)
from partnerships.services import (
    ask_create,
    ask_update,
    deliverable_create,
    deliverable_update,
    match_create,
    match_move,
)

from .mixins import PAGE_SIZE, PartnershipMixin

ASK_STATES = {
    "met": gettext_lazy("Met"),
    "partly": gettext_lazy("Partly met"),
    "open": gettext_lazy("Open"),
}
DELIVERABLE_STATES = {"used": gettext_lazy("Used"), "unused": gettext_lazy("Not used yet")}


class ExchangeConfig:
    """What differs between asks and deliverables."""

    def __init__(self, *, model, create, update, selector, states, field, names):
        self.model, self.create, self.update = model, create, update
        self.selector, self.states, self.field = selector, states, field
        self.plural, self.singular, self.new_label = names


ASKS = ExchangeConfig(
    model=Ask,
    create=ask_create,
    update=ask_update,
    selector=asks_for_partnership,
    states=ASK_STATES,
    field="ask",
    names=(gettext_lazy("Asks"), gettext_lazy("ask"), gettext_lazy("Record an ask")),
)
DELIVERABLES = ExchangeConfig(
    model=Deliverable,
    create=deliverable_create,
    update=deliverable_update,
    selector=deliverables_for_partnership,
    states=DELIVERABLE_STATES,
    field="deliverable",
    names=(
        gettext_lazy("Deliverables"),
        gettext_lazy("deliverable"),
        gettext_lazy("Record a deliverable"),
    ),
)


class ExchangeMixin(PartnershipMixin):
    config: ExchangeConfig = ASKS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["config"] = self.config
        context["is_asks"] = self.config is ASKS
        return context

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

    def list_url(self):
        name = "ask-list" if self.config is ASKS else "deliverable-list"
        return redirect(f"partnerships:{name}", slug=self.partnership.slug)


class ExchangeListView(ExchangeMixin, ListView):
    template_name = "partnerships/exchange/list.html"
    context_object_name = "items"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.state = self.request.GET.get("state", "")
        if self.state not in self.config.states:
            self.state = ""
        return self.config.selector(partnership=self.partnership, state=self.state)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["state"] = self.state
        context["states"] = self.config.states
        return context


class ExchangeCreateView(ExchangeMixin, FormView):
    template_name = "partnerships/exchange/form.html"
    permission_required = "partnerships.record_exchange"
    form_class = ExchangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": self.members_for_form()}

    def form_valid(self, form):
        try:
            self.config.create(
                actor=self.request.user, partnership=self.partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Saved: %(what)s") % {"what": form.cleaned_data["description"]}
        )
        return self.list_url()


class ExchangeUpdateView(ExchangeMixin, FormView):
    template_name = "partnerships/exchange/form.html"
    form_class = ExchangeForm

    def get_permission_required(self):
        return [f"partnerships.change_{self.config.model._meta.model_name}"]

    def get_permission_object(self):
        return self.get_item()

    def get_item(self):
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(
                self.config.model.objects.select_related("member__organisation", "partnership"),
                pk=self.kwargs["pk"],
                partnership=self.partnership,
            )
        return self._item

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": self.members_for_form()}

    def get_initial(self):
        item = self.get_item()
        return {
            "member": item.member_id,
            "kind": item.kind,
            "description": item.description,
            "quantity": quantity_text(item.quantity, money=item.kind in MONEY_KINDS),
            "unit": item.unit,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.get_item()
        return context

    def form_valid(self, form):
        try:
            self.config.update(
                actor=self.request.user,
                **{self.config.field: self.get_item()},
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes have been saved."))
        return self.list_url()


class MatchCreateView(PartnershipMixin, FormView):
    """Meet an ask with a deliverable of the same kind."""

    template_name = "partnerships/exchange/match_form.html"
    permission_required = "partnerships.run_partnership"
    form_class = MatchForm

    def get_ask(self) -> Ask:
        if not hasattr(self, "_ask"):
            self._ask = get_object_or_404(
                asks_for_partnership(partnership=self.partnership), pk=self.kwargs["pk"]
            )
        return self._ask

    def get_form_kwargs(self):
        ask = self.get_ask()
        deliverables = (
            deliverables_for_partnership(partnership=self.partnership)
            .filter(kind=ask.kind)
            .exclude(member__organisation_id=ask.member.organisation_id)
        )
        return {
            **super().get_form_kwargs(),
            "deliverables": deliverables,
            "money": ask.unit == "£",
        }

    def get_initial(self):
        ask = self.get_ask()
        left = ask.quantity - ask.matched
        return {"quantity": quantity_text(left, money=ask.unit == "£") if left > 0 else None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ask"] = self.get_ask()
        return context

    def form_valid(self, form):
        try:
            match_create(
                actor=self.request.user,
                partnership=self.partnership,
                ask=self.get_ask(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The match has been proposed."))
        return redirect("partnerships:match-board", slug=self.partnership.slug)


class MatchBoardView(PartnershipMixin, ListView):
    """Matches by status. Each card has a small form to move it: no JavaScript needed."""

    template_name = "partnerships/exchange/board.html"
    context_object_name = "matches"
    paginate_by = 60

    def get_queryset(self):
        return matches_for_partnership(partnership=self.partnership)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_status = {status: [] for status in MatchStatus}
        for match in context["matches"]:
            by_status[MatchStatus(match.status)].append(match)
        context["columns"] = [(status, by_status[status]) for status in MatchStatus]
        context["status_choices"] = MatchStatus.choices
        return context


class MatchMoveView(PartnershipMixin, TemplateView):
    permission_required = "partnerships.run_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        match = get_object_or_404(Match, pk=self.kwargs["pk"], partnership=self.partnership)
        form = MatchMoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a status to move the match to."))
        else:
            service_with_message(
                request,
                match_move,
                match=match,
                success=_("The match is now: %(status)s.")
                % {"status": MatchStatus(form.cleaned_data["status"]).label},
                **form.cleaned_data,
            )
        return redirect("partnerships:match-board", slug=self.partnership.slug)


class ExchangeSummaryView(PartnershipMixin, TemplateView):
    template_name = "partnerships/exchange/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = exchange_summary(partnership=self.partnership)
        context["match_statuses"] = [
            (MatchStatus(status).label, count)
            for status, count in context["summary"].matches_by_status.items()
        ]
        return context
