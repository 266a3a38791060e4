import rules

from levelup.rules import always_allow, is_site_admin


@rules.predicate
def is_call_secretariat(user, call) -> bool:
    if call is None or not (user and user.is_authenticated):
        return False
    return call.body_id in user.secretariat_body_ids


@rules.predicate
def is_call_reviewer(user, call) -> bool:
    if call is None or not (user and user.is_authenticated):
        return False
    return call.pk in user.reviewer_call_ids


@rules.predicate
def is_call_public(user, call) -> bool:
    return call is not None and call.is_public


can_manage_call = is_site_admin | is_call_secretariat
can_view_call = is_call_public | can_manage_call | is_call_reviewer

__all__ = ["always_allow", "can_manage_call", "can_view_call"]
