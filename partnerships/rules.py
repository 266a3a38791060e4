import rules

from levelup.rules import always_allow, is_site_admin


@rules.predicate
def is_partnership_connector(user, partnership) -> bool:
    if partnership is None or not (user and user.is_authenticated):
        return False
    return partnership.pk in user.connector_partnership_ids


@rules.predicate
def is_partnership_member(user, partnership) -> bool:
    if partnership is None or not (user and user.is_authenticated):
        return False
    return partnership.pk in user.member_partnership_ids


can_run_partnership = is_site_admin | is_partnership_connector
can_view_partnership_private = can_run_partnership | is_partnership_member

__all__ = ["always_allow", "can_run_partnership", "can_view_partnership_private"]
