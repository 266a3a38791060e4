"""Reads that decide what a user may see of partnerships; import them from here."""

from .agreements import (
    AgreementStatus,
    VersionWithDiff,
    agreed_goal_public,
    agreement_current,
    agreement_history,
    agreement_status,
    agreement_versions,
    lead_members,
)
from .attention import (
    AttentionItem,
    attention_for_user,
)
from .engagements import (
    actions_for_engagement,
    actions_for_user,
    engagements_for_partnership,
)
from .exchanges import (
    MATCH_STATUS_ORDER,
    ExchangeSummary,
    asks_for_partnership,
    deliverables_for_partnership,
    exchange_summary,
    matches_for_partnership,
)
from .partnerships import (
    connector_grants,
    figures_for_partnership,
    indicators_for_partnership,
    invitations_pending,
    member_names_public,
    members_for_partnership,
    partnerships_for_connector_management,
    partnerships_for_user,
    partnerships_public,
)

__all__ = [
    "MATCH_STATUS_ORDER",
    "AgreementStatus",
    "AttentionItem",
    "ExchangeSummary",
    "VersionWithDiff",
    "actions_for_engagement",
    "actions_for_user",
    "agreed_goal_public",
    "agreement_current",
    "agreement_history",
    "agreement_status",
    "agreement_versions",
    "asks_for_partnership",
    "attention_for_user",
    "connector_grants",
    "deliverables_for_partnership",
    "engagements_for_partnership",
    "exchange_summary",
    "figures_for_partnership",
    "indicators_for_partnership",
    "invitations_pending",
    "lead_members",
    "matches_for_partnership",
    "member_names_public",
    "members_for_partnership",
    "partnerships_for_connector_management",
    "partnerships_for_user",
    "partnerships_public",
]
