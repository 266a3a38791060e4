from django.urls import path

from .enums import AgreementKind
from .urls_progress import urlpatterns as progress_urlpatterns
from .urls_prospectus import urlpatterns as prospectus_urlpatterns
from .views import (
    agreement,
    engagement,
    exchange,
    invitation,
    member,
    partnership,
    people,
    plan,
    programme,
    setup,
)

app_name = "partnerships"

urlpatterns = [
    path("", partnership.PartnershipListView.as_view(), name="partnership-list"),
    path("mine/", partnership.MyPartnershipListView.as_view(), name="partnership-mine"),
    path("actions/mine/", engagement.MyActionListView.as_view(), name="action-mine"),
    path("programme/", programme.ProgrammeView.as_view(), name="programme"),
    path("new/", setup.PartnershipCreateView.as_view(), name="partnership-create"),
    path("places/new/", setup.PlaceCreateView.as_view(), name="place-create"),
    path(
        "organisations/new/",
        setup.OrganisationCreateView.as_view(),
        name="organisation-create",
    ),
    path(
        "invitations/<str:token>/",
        invitation.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("<slug:slug>/", partnership.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("<slug:slug>/home/", partnership.PartnershipHomeView.as_view(), name="partnership-home"),
    path(
        "<slug:slug>/notes/",
        partnership.PartnershipNotesUpdateView.as_view(),
        name="partnership-notes",
    ),
    path("<slug:slug>/members/", member.MemberListView.as_view(), name="member-list"),
    path("<slug:slug>/members/add/", setup.MemberAddView.as_view(), name="member-add"),
    path(
        "<slug:slug>/members/invite/", member.InvitationCreateView.as_view(), name="member-invite"
    ),
    path(
        "<slug:slug>/members/<int:pk>/remove/",
        member.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path(
        "<slug:slug>/members/<int:pk>/role/",
        member.MemberRoleChangeView.as_view(),
        name="member-role",
    ),
    path(
        "<slug:slug>/representatives/<int:pk>/remove/",
        member.RepresentativeRemoveView.as_view(),
        name="representative-remove",
    ),
    path("<slug:slug>/people/", people.PeopleView.as_view(), name="people"),
    path(
        "<slug:slug>/people/<int:pk>/remove/",
        people.FigureRemoveView.as_view(),
        name="figure-remove",
    ),
    path(
        "<slug:slug>/connectors/add/",
        people.ConnectorGrantView.as_view(),
        name="connector-grant",
    ),
    path(
        "<slug:slug>/connectors/<int:pk>/revoke/",
        people.ConnectorRevokeView.as_view(),
        name="connector-revoke",
    ),
    path(
        "<slug:slug>/engagements/", engagement.EngagementListView.as_view(), name="engagement-list"
    ),
    path(
        "<slug:slug>/engagements/new/",
        engagement.EngagementCreateView.as_view(),
        name="engagement-create",
    ),
    path(
        "<slug:slug>/engagements/<int:pk>/",
        engagement.EngagementDetailView.as_view(),
        name="engagement-detail",
    ),
    path(
        "<slug:slug>/engagements/<int:pk>/edit/",
        engagement.EngagementUpdateView.as_view(),
        name="engagement-update",
    ),
    path(
        "<slug:slug>/actions/<int:pk>/done/",
        engagement.ActionDoneView.as_view(),
        name="action-done",
    ),
    path(
        "<slug:slug>/asks/",
        exchange.ExchangeListView.as_view(config=exchange.ASKS),
        name="ask-list",
    ),
    path(
        "<slug:slug>/asks/new/",
        exchange.ExchangeCreateView.as_view(config=exchange.ASKS),
        name="ask-create",
    ),
    path(
        "<slug:slug>/asks/<int:pk>/edit/",
        exchange.ExchangeUpdateView.as_view(config=exchange.ASKS),
        name="ask-update",
    ),
    path("<slug:slug>/asks/<int:pk>/match/", exchange.MatchCreateView.as_view(), name="ask-match"),
    path(
        "<slug:slug>/deliverables/",
        exchange.ExchangeListView.as_view(config=exchange.DELIVERABLES),
        name="deliverable-list",
    ),
    path(
        "<slug:slug>/deliverables/new/",
        exchange.ExchangeCreateView.as_view(config=exchange.DELIVERABLES),
        name="deliverable-create",
    ),
    path(
        "<slug:slug>/deliverables/<int:pk>/edit/",
        exchange.ExchangeUpdateView.as_view(config=exchange.DELIVERABLES),
        name="deliverable-update",
    ),
    path("<slug:slug>/matches/", exchange.MatchBoardView.as_view(), name="match-board"),
    path(
        "<slug:slug>/matches/<int:pk>/move/",
        exchange.MatchMoveView.as_view(),
        name="match-move",
    ),
    path("<slug:slug>/summary/", exchange.ExchangeSummaryView.as_view(), name="exchange-summary"),
    path(
        "<slug:slug>/goal/",
        agreement.AgreementView.as_view(kind=AgreementKind.COMMON_GOAL),
        name="goal",
    ),
    path(
        "<slug:slug>/goal/new/",
        agreement.AgreementProposeView.as_view(kind=AgreementKind.COMMON_GOAL),
        name="goal-propose",
    ),
    path(
        "<slug:slug>/goal/<int:number>/endorse/",
        agreement.AgreementEndorseView.as_view(kind=AgreementKind.COMMON_GOAL),
        name="goal-endorse",
    ),
    path(
        "<slug:slug>/goal/history/",
        agreement.AgreementHistoryView.as_view(kind=AgreementKind.COMMON_GOAL),
        name="goal-history",
    ),
    path(
        "<slug:slug>/terms/",
        agreement.AgreementView.as_view(kind=AgreementKind.TERMS_OF_REFERENCE),
        name="terms",
    ),
    path(
        "<slug:slug>/terms/new/",
        agreement.AgreementProposeView.as_view(kind=AgreementKind.TERMS_OF_REFERENCE),
        name="terms-propose",
    ),
    path(
        "<slug:slug>/terms/<int:number>/endorse/",
        agreement.AgreementEndorseView.as_view(kind=AgreementKind.TERMS_OF_REFERENCE),
        name="terms-endorse",
    ),
    path(
        "<slug:slug>/terms/history/",
        agreement.AgreementHistoryView.as_view(kind=AgreementKind.TERMS_OF_REFERENCE),
        name="terms-history",
    ),
    path("<slug:slug>/plan/", plan.PlanView.as_view(), name="plan"),
    path("<slug:slug>/plan/exit/", plan.ExitPlanUpdateView.as_view(), name="exit-plan"),
    path(
        "<slug:slug>/plan/indicators/new/",
        plan.IndicatorFormView.as_view(),
        name="indicator-create",
    ),
    path(
        "<slug:slug>/plan/indicators/<int:pk>/edit/",
        plan.IndicatorFormView.as_view(),
        name="indicator-update",
    ),
    path(
        "<slug:slug>/stage/",
        partnership.PartnershipStageChangeView.as_view(),
        name="partnership-stage",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        member.InvitationWithdrawView.as_view(),
        name="invitation-withdraw",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/resend/",
        member.InvitationResendView.as_view(),
        name="invitation-resend",
    ),
]
urlpatterns += prospectus_urlpatterns
urlpatterns += progress_urlpatterns
