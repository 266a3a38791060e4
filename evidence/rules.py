import rules

from levelup.rules import always_allow, has_any_secretariat_role, is_site_admin


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


@rules.predicate
def reviews_any_call(user) -> bool:
    return bool(user and user.is_authenticated and user.reviewer_call_ids)


can_manage_call = is_site_admin | is_call_secretariat
can_view_call = is_call_public | can_manage_call | is_call_reviewer
can_create_call = is_site_admin | has_any_secretariat_role


@rules.predicate
def can_view_section(user, obj) -> bool:
    return obj is not None and can_view_call.test(user, obj.call)


@rules.predicate
def can_manage_section(user, obj) -> bool:
    return obj is not None and can_manage_call.test(user, obj.call)


@rules.predicate
def is_submission_owner(user, submission) -> bool:
    if submission is None or not (user and user.is_authenticated):
        return False
    return submission.user_id == user.pk


@rules.predicate
def is_submission_secretariat(user, submission) -> bool:
    return submission is not None and can_manage_call.test(user, submission.call)


@rules.predicate
def is_submission_reviewer(user, submission) -> bool:
    if submission is None or not (user and user.is_authenticated):
        return False
    return submission.call_id in user.reviewer_call_ids and not submission.is_draft


can_view_submission = is_submission_owner | is_submission_secretariat | is_submission_reviewer
can_manage_submission = is_submission_secretariat


@rules.predicate
def is_assigned_reviewer(user, submission) -> bool:
    """The reviewer may open this response: assigned, no conflict, a phase active."""
    if submission is None or not (user and user.is_authenticated):
        return False
    if submission.call_id not in user.reviewer_call_ids:
        return False
    from evidence.selectors.review import reviewer_may_open

    return reviewer_may_open(user=user, submission=submission)


can_review_submission = is_assigned_reviewer

rules.add_perm("evidence.create_call", can_create_call)
rules.add_perm("evidence.declare_conflicts", is_call_reviewer)
rules.add_perm("evidence.manage_call", can_manage_call)
rules.add_perm("evidence.review_any", reviews_any_call)
rules.add_perm("evidence.review_call", is_call_reviewer)

__all__ = ["always_allow", "can_manage_call", "can_view_call"]

# Moderation for publication: a reviewer may propose, the secretariat decides.
can_propose_moderation = can_manage_call | is_call_reviewer
rules.add_perm("evidence.propose_moderation", can_propose_moderation)
