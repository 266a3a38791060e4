"""Permission predicates for the core objects. Each reads the per-request role cache."""

import rules


@rules.predicate
def always_allow(user, obj=None) -> bool:
    return True


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_site_admin)


@rules.predicate
def is_body_secretariat(user, body) -> bool:
    if body is None or not (user and user.is_authenticated):
        return False
    return body.pk in user.secretariat_body_ids


@rules.predicate
def has_any_secretariat_role(user) -> bool:
    return bool(user and user.is_authenticated and user.secretariat_body_ids)


@rules.predicate
def has_any_connector_role(user) -> bool:
    return bool(user and user.is_authenticated and user.connector_partnership_ids)


rules.add_perm("levelup.view_account", is_authenticated)
