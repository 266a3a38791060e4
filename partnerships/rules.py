"""Who may do what in a partnership.

Predicates read the per-request role cache (`user.connector_partnership_ids`,
`user.member_partnership_ids`) and `represented_members(user)`, loaded once per user
object, so that checking many objects costs no extra queries.
"""

from dataclasses import dataclass

import rules

from levelup.rules import always_allow, has_any_secretariat_role, is_site_admin

_REPRESENTED = "_partnerships_represented_members"


@dataclass(frozen=True)
class Represented:
    member_id: int
    partnership_id: int
    organisation_id: int
    role: str


def represented_members(user) -> dict[int, Represented]:
    """The active member organisations `user` speaks for, by member id (one query, cached)."""
    if not (user and user.is_authenticated and user.is_active):
        return {}
    cached = user.__dict__.get(_REPRESENTED)
    if cached is None:
        from .models import Representative

        cached = {
            member_id: Represented(member_id, partnership_id, organisation_id, role)
            for member_id, partnership_id, organisation_id, role in (
                Representative.objects.active()
                .filter(user_id=user.pk)
                .values_list(
                    "member_id",
                    "member__partnership_id",
                    "member__organisation_id",
                    "member__role",
                )
            )
        }
        user.__dict__[_REPRESENTED] = cached
    return cached


def forget_represented_members(user) -> None:
    user.__dict__.pop(_REPRESENTED, None)


def partnership_id_of(obj) -> int | None:
    """The partnership a Partnership or any of its parts belongs to."""
    if obj is None:
        return None
    if obj._meta.model_name == "partnership":
        return obj.pk
    return obj.partnership_id


@rules.predicate
def is_partnership_connector(user, obj) -> bool:
    if obj is None or not (user and user.is_authenticated):
        return False
    return partnership_id_of(obj) in user.connector_partnership_ids


@rules.predicate
def is_partnership_member(user, obj) -> bool:
    if obj is None or not (user and user.is_authenticated):
        return False
    return partnership_id_of(obj) in user.member_partnership_ids


@rules.predicate
def is_lead_representative(user, obj) -> bool:
    """`user` speaks for a lead member organisation of this partnership."""
    if obj is None:
        return False
    partnership_id = partnership_id_of(obj)
    return any(
        rep.partnership_id == partnership_id and rep.role == "lead"
        for rep in represented_members(user).values()
    )


@rules.predicate
def is_own_organisation(user, obj) -> bool:
    """`obj` (an ask or deliverable) belongs to a member organisation `user` speaks for."""
    if obj is None:
        return False
    return obj.member_id in represented_members(user)


@rules.predicate
def is_member_representative(user, obj) -> bool:
    """`user` speaks for at least one member organisation of this partnership."""
    if obj is None:
        return False
    partnership_id = partnership_id_of(obj)
    return any(rep.partnership_id == partnership_id for rep in represented_members(user).values())


@rules.predicate
def is_action_owner(user, action) -> bool:
    if action is None or not (user and user.is_authenticated):
        return False
    return action.owner_id == user.pk and action.partnership_id in user.member_partnership_ids


@rules.predicate
def is_programme_secretariat(user, partnership) -> bool:
    """`user` is secretariat of the body that runs this partnership's programme."""
    if partnership is None or not (user and user.is_authenticated):
        return False
    body_id = partnership.programme_body_id
    return body_id is not None and body_id in user.secretariat_body_ids


can_run_partnership = is_site_admin | is_partnership_connector
can_view_partnership_private = can_run_partnership | is_partnership_member
can_edit_exchange = can_run_partnership | (is_partnership_member & is_own_organisation)
can_record_exchange = can_run_partnership | (is_partnership_member & is_member_representative)
# Members report progress on their own organisation's commitments; connectors on any.
can_update_commitment = can_edit_exchange

rules.add_perm("partnerships.view_partnership_private", can_view_partnership_private)
rules.add_perm("partnerships.run_partnership", can_run_partnership)
can_manage_connectors = is_site_admin | is_programme_secretariat

rules.add_perm("partnerships.manage_connectors", can_manage_connectors)
# The secretariat of a programme body follows its partnerships on one page (counts only).
rules.add_perm("partnerships.view_programme", is_site_admin | has_any_secretariat_role)
rules.add_perm("partnerships.record_exchange", can_record_exchange)
rules.add_perm("partnerships.update_commitment", can_update_commitment)
rules.add_perm("partnerships.endorse_agreement", is_partnership_member & is_lead_representative)
# The prospectus: the connector drafts and publishes, members (and the connector) comment,
# lead members sign off; members edit their own organisation's commitments (`can_edit_exchange`).
can_comment_prospectus = can_run_partnership | is_partnership_member
rules.add_perm("partnerships.comment_prospectus", can_comment_prospectus)
rules.add_perm("partnerships.sign_off_prospectus", is_partnership_member & is_lead_representative)

__all__ = [
    "always_allow",
    "can_comment_prospectus",
    "can_edit_exchange",
    "can_manage_connectors",
    "can_record_exchange",
    "can_run_partnership",
    "can_update_commitment",
    "can_view_partnership_private",
    "forget_represented_members",
    "has_any_secretariat_role",
    "is_action_owner",
    "is_programme_secretariat",
    "is_site_admin",
    "represented_members",
]
