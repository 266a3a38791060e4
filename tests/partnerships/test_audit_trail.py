"""Everything is audited: every write service of partnerships/services leaves an AuditEntry
naming who did it, what, and to which object.

`test_every_write_service_has_a_case` compares the cases with partnerships.services.__all__,
so a new service without an audit case fails here.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from levelup.enums import Role
from levelup.models import AuditEntry, RoleGrant
from partnerships import services
from partnerships.enums import AgreementKind, MatchStatus, MemberRole, PartnershipStage
from tests.factories.core import OrganisationFactory, RoleGrantFactory, UserFactory
from tests.factories.partnerships import (
    ActionFactory,
    AgreementVersionFactory,
    AskFactory,
    DeliverableFactory,
    EngagementFactory,
    IndicatorFactory,
    MatchFactory,
    PartnershipMemberFactory,
    RepresentativeFactory,
)

from .conftest import lead_representative

pytestmark = pytest.mark.django_db

# Exports of partnerships.services that write nothing.
READS = {
    "INVITATION_VALID_FOR",
    "action_owner_choices",
    "agreement_current",
    "invitation_for_token",
    "invitation_token_hash",
    "lead_members",
    "vision_clean",
}
SITE = "http://testserver/"


def _invite(actor, partnership, email="invitee@example.org"):
    return services.invitation_create(
        actor=actor,
        partnership=partnership,
        organisation=OrganisationFactory(),
        role=MemberRole.MEMBER,
        name="Ina Invitee",
        email=email,
        site_url=SITE,
    )


# Each case: (service name, expected action, run(actor, partnership) -> (who acted, target)).
# `who acted` is the actor the entry must name (None for the clock).
def _notes(actor, p):
    return actor, services.partnership_notes_update(actor=actor, partnership=p, private_notes="N")


def _stage(actor, p):
    return actor, services.partnership_stage_change(
        actor=actor, partnership=p, stage=PartnershipStage.FORMING
    )


def _member_add(actor, p):
    return actor, services.member_add(
        actor=actor, partnership=p, organisation=OrganisationFactory()
    )


def _member_add_new_organisation(actor, p):
    return actor, services.member_add_new_organisation(
        actor=actor, partnership=p, name="Fresh Start CIC", type="community"
    )


def _partnership_create(actor, p):
    return actor, services.partnership_create(actor=actor, place=p.place, name="Second one")


def _published_commitment(p, *, with_representative=False):
    from tests.factories.partnerships import CommitmentFactory

    from .test_progress import publish

    commitment = CommitmentFactory(version=publish(p).published_version)
    if with_representative:
        RepresentativeFactory(member=commitment.member)
    return commitment


def _commitment_update_add(actor, p):
    return actor, services.commitment_update_add(
        actor=actor,
        commitment=_published_commitment(p),
        reported_on=timezone.localdate(),
        status="on_track",
    )


def _commitment_reminders_send(actor, p):
    commitment = _published_commitment(p, with_representative=True)
    services.commitment_reminders_send()
    return None, commitment


def _indicator_reading_add(actor, p):
    return actor, services.indicator_reading_add(
        actor=actor,
        indicator=IndicatorFactory(partnership=p),
        measured_on=timezone.localdate(),
        value=Decimal(7),
    )


def _representative_add(actor, p):
    member = PartnershipMemberFactory(partnership=p)
    return actor, services.representative_add(actor=actor, member=member, user=UserFactory())


def _role_change(actor, p):
    member = PartnershipMemberFactory(partnership=p)
    return actor, services.member_role_change(actor=actor, member=member, role=MemberRole.LEAD)


def _member_remove(actor, p):
    member = PartnershipMemberFactory(partnership=p)
    return actor, services.member_remove(actor=actor, member=member)


def _representative_remove(actor, p):
    representative = RepresentativeFactory(member__partnership=p)
    return actor, services.representative_remove(actor=actor, representative=representative)


def _invitation_create(actor, p):
    return actor, _invite(actor, p)[0]


def _invitation_resend(actor, p):
    invitation, _token = _invite(actor, p)
    return actor, services.invitation_resend(actor=actor, invitation=invitation, site_url=SITE)[0]


def _invitation_withdraw(actor, p):
    invitation, _token = _invite(actor, p)
    return actor, services.invitation_withdraw(actor=actor, invitation=invitation)


def _invitation_accept(actor, p):
    invitation, token = _invite(actor, p)
    person = UserFactory(email="invitee@example.org")
    services.invitation_accept(user=person, token=token)
    return person, invitation


def _invitation_accept_new(actor, p):
    invitation, token = _invite(actor, p, email="brand.new@example.org")
    representative = services.invitation_accept_with_new_account(
        token=token, name="Bran New", email="brand.new@example.org", password="a-long-pass-42"
    )
    return representative.user, invitation


def _connector_grant(actor, p):
    return actor, services.connector_grant(actor=actor, partnership=p, user=UserFactory())


def _connector_revoke(actor, p):
    grant = RoleGrantFactory(role=Role.CONNECTOR, target=p)
    return actor, services.connector_revoke(actor=actor, partnership=p, grant=grant)


def _figure_add(actor, p):
    return actor, services.figure_add(actor=actor, partnership=p, kind="champion", name="C")


def _figure_remove(actor, p):
    figure = services.figure_add(actor=None, partnership=p, kind="ambassador", name="A")
    pk = figure.pk
    services.figure_remove(actor=actor, figure=figure)
    figure.pk = pk  # deleting cleared it; the entry keeps the old id
    return actor, figure


def _engagement_create(actor, p):
    return actor, services.engagement_create(
        actor=actor,
        partnership=p,
        occurred_on=timezone.localdate(),
        kind="workshop",
        title="Workshop",
    )


def _engagement_update(actor, p):
    engagement = EngagementFactory(partnership=p)
    return actor, services.engagement_update(
        actor=actor,
        engagement=engagement,
        occurred_on=engagement.occurred_on,
        kind=engagement.kind,
        title="A new title",
        notes=engagement.notes,
        organisations=[],
    )


def _action_create(actor, p):
    return actor, services.action_create(
        actor=actor,
        engagement=EngagementFactory(partnership=p),
        description="Do it",
        owner=actor,
        due_on=timezone.localdate() + timedelta(days=3),
    )


def _action_done(actor, p):
    action = ActionFactory(engagement__partnership=p)
    return actor, services.action_set_done(actor=actor, action=action, done=True)


def _reminders(actor, p):
    action = ActionFactory(
        engagement__partnership=p, due_on=timezone.localdate() + timedelta(days=1)
    )
    assert services.action_reminders_send() == 1
    return None, action


def _exchange_fields(**extra):
    return {"kind": "skills", "description": "Mentors", "quantity": Decimal(5), "unit": "", **extra}


def _ask_create(actor, p):
    member = PartnershipMemberFactory(partnership=p)
    return actor, services.ask_create(
        actor=actor, partnership=p, member=member, **_exchange_fields()
    )


def _ask_update(actor, p):
    ask = AskFactory(member__partnership=p, kind="skills")
    return actor, services.ask_update(actor=actor, ask=ask, **_exchange_fields(member=ask.member))


def _deliverable_create(actor, p):
    member = PartnershipMemberFactory(partnership=p)
    return actor, services.deliverable_create(
        actor=actor, partnership=p, member=member, **_exchange_fields()
    )


def _deliverable_update(actor, p):
    offer = DeliverableFactory(member__partnership=p, kind="skills")
    return actor, services.deliverable_update(
        actor=actor, deliverable=offer, **_exchange_fields(member=offer.member)
    )


def _match_create(actor, p):
    ask = AskFactory(member__partnership=p, kind="skills", quantity=Decimal(10))
    offer = DeliverableFactory(member__partnership=p, kind="skills", quantity=Decimal(10))
    return actor, services.match_create(
        actor=actor, partnership=p, ask=ask, deliverable=offer, quantity=Decimal(4)
    )


def _match_move(actor, p):
    match = MatchFactory(ask=AskFactory(member__partnership=p))
    return actor, services.match_move(actor=actor, match=match, status=MatchStatus.AGREED)


def _agreement_propose(actor, p):
    return actor, services.agreement_propose(
        actor=actor, partnership=p, kind=AgreementKind.COMMON_GOAL, text="Our goal."
    )


def _agreement_endorse(actor, p):
    lead = lead_representative(p)
    version = AgreementVersionFactory(partnership=p, number=1)
    services.agreement_endorse(actor=lead, version=version, member=lead.membership)
    return lead, version


def _exit_plan(actor, p):
    return actor, services.exit_plan_update(actor=actor, partnership=p, exit_plan="The plan.")


def _indicator_create(actor, p):
    return actor, services.indicator_create(
        actor=actor,
        partnership=p,
        name="Jobs",
        unit="jobs",
        baseline=Decimal(1),
        target=Decimal(2),
        source="Survey",
    )


def _indicator_update(actor, p):
    indicator = IndicatorFactory(partnership=p)
    return actor, services.indicator_update(
        actor=actor,
        indicator=indicator,
        name=indicator.name,
        unit=indicator.unit,
        baseline=indicator.baseline,
        target=Decimal(99),
        source=indicator.source,
    )


def _partnership_create(actor, p):
    from partnerships.models import Partnership

    return actor, services.partnership_save(
        actor=actor, partnership=Partnership(place=p.place, name="New one", slug="new-one")
    )


def _partnership_delete(actor, p):
    from tests.factories.partnerships import PartnershipFactory

    doomed = PartnershipFactory()
    pk = doomed.pk
    services.partnership_delete(actor=actor, partnership=doomed)
    doomed.pk = pk
    return actor, doomed


def _prospectus_draft(actor, p):
    prospectus = services.prospectus_create(actor=actor, partnership=p, title="Plan")
    return prospectus.versions.get()


def _prospectus_sent(actor, p):
    version = _prospectus_draft(actor, p)
    services.prospectus_vision_update(actor=actor, version=version, vision="<p>Jobs</p>")
    services.priority_create(actor=actor, version=version, title="Skills")
    return services.prospectus_version_send(actor=actor, version=version)


def _prospectus_create(actor, p):
    return actor, services.prospectus_create(actor=actor, partnership=p, title="Plan")


def _vision_update(actor, p):
    version = _prospectus_draft(actor, p)
    return actor, services.prospectus_vision_update(actor=actor, version=version, vision="V")


def _priority_create(actor, p):
    return actor, services.priority_create(
        actor=actor, version=_prospectus_draft(actor, p), title="T"
    )


def _priority_update(actor, p):
    priority = services.priority_create(actor=actor, version=_prospectus_draft(actor, p), title="T")
    return actor, services.priority_update(actor=actor, priority=priority, title="U")


def _priority_cite(actor, p):
    from tests.factories.evidence import FindingFactory

    version = _prospectus_draft(actor, p)
    priority = services.priority_create(actor=actor, version=version, title="T")
    return actor, services.priority_citations_set(
        actor=actor, priority=priority, findings=[FindingFactory()]
    )


def _priority_delete(actor, p):
    priority = services.priority_create(actor=actor, version=_prospectus_draft(actor, p), title="T")
    pk = priority.pk
    services.priority_delete(actor=actor, priority=priority)
    priority.pk = pk
    return actor, priority


def _new_commitment(actor, p):
    return services.commitment_create(
        actor=actor,
        version=_prospectus_draft(actor, p),
        member=PartnershipMemberFactory(partnership=p),
        description="Placements",
        due_on=timezone.localdate() + timedelta(days=90),
    )


def _commitment_create(actor, p):
    return actor, _new_commitment(actor, p)


def _commitment_update(actor, p):
    commitment = _new_commitment(actor, p)
    return actor, services.commitment_update(actor=actor, commitment=commitment, description="X")


def _commitment_delete(actor, p):
    commitment = _new_commitment(actor, p)
    pk = commitment.pk
    services.commitment_delete(actor=actor, commitment=commitment)
    commitment.pk = pk
    return actor, commitment


def _new_line(actor, p):
    return services.investment_line_create(
        actor=actor,
        version=_prospectus_draft(actor, p),
        project="Seafront",
        amount=Decimal(1000),
        source="Town Deal",
        status="secured",
        year=2026,
    )


def _line_create(actor, p):
    return actor, _new_line(actor, p)


def _line_update(actor, p):
    return actor, services.investment_line_update(
        actor=actor, line=_new_line(actor, p), project="Pier"
    )


def _line_delete(actor, p):
    line = _new_line(actor, p)
    pk = line.pk
    services.investment_line_delete(actor=actor, line=line)
    line.pk = pk
    return actor, line


def _version_send(actor, p):
    return actor, _prospectus_sent(actor, p)


def _version_start(actor, p):
    version = _prospectus_sent(actor, p)
    return actor, services.prospectus_version_start(actor=actor, prospectus=version.prospectus)


def _sign_off(actor, p):
    lead = lead_representative(p)
    version = _prospectus_sent(actor, p)
    services.prospectus_sign_off(actor=lead, version=version, member=lead.membership)
    return lead, version


def _publish(actor, p):
    lead = lead_representative(p)
    version = _prospectus_sent(actor, p)
    services.prospectus_sign_off(actor=lead, version=version, member=lead.membership)
    return actor, services.prospectus_publish(actor=actor, version=version)


def _pdf_render(actor, p):
    _actor, prospectus = _publish(actor, p)
    rendered = services.prospectus_pdf_render(
        prospectus_id=prospectus.pk, version_id=prospectus.published_version_id
    )
    rendered.pdf.storage.delete(rendered.pdf.name)
    return None, rendered


def _comment_add(actor, p):
    version = _prospectus_draft(actor, p)
    return actor, services.prospectus_comment_add(
        actor=actor, version=version, section="vision", text="Hello"
    )


def _comment_resolve(actor, p):
    _actor, comment = _comment_add(actor, p)
    return actor, services.prospectus_comment_resolve(actor=actor, comment=comment)


CASES = [
    ("partnership_save", "partnerships.partnership.create", _partnership_create),
    ("partnership_delete", "partnerships.partnership.delete", _partnership_delete),
    ("partnership_notes_update", "partnerships.partnership.notes_update", _notes),
    ("partnership_stage_change", "partnerships.partnership.stage_change", _stage),
    ("member_add", "partnerships.member.add", _member_add),
    ("representative_add", "partnerships.representative.add", _representative_add),
    ("member_role_change", "partnerships.member.role_change", _role_change),
    ("member_remove", "partnerships.member.remove", _member_remove),
    ("representative_remove", "partnerships.representative.remove", _representative_remove),
    ("invitation_create", "partnerships.invitation.create", _invitation_create),
    ("invitation_resend", "partnerships.invitation.resend", _invitation_resend),
    ("invitation_withdraw", "partnerships.invitation.withdraw", _invitation_withdraw),
    ("invitation_accept", "partnerships.invitation.accept", _invitation_accept),
    (
        "invitation_accept_with_new_account",
        "partnerships.invitation.accept",
        _invitation_accept_new,
    ),
    ("connector_grant", "levelup.role.grant", _connector_grant),
    ("connector_revoke", "levelup.role.revoke", _connector_revoke),
    ("figure_add", "partnerships.figure.add", _figure_add),
    ("figure_remove", "partnerships.figure.remove", _figure_remove),
    ("engagement_create", "partnerships.engagement.create", _engagement_create),
    ("engagement_update", "partnerships.engagement.update", _engagement_update),
    ("action_create", "partnerships.action.create", _action_create),
    ("action_set_done", "partnerships.action.done", _action_done),
    ("action_reminders_send", "partnerships.action.remind", _reminders),
    ("ask_create", "partnerships.ask.create", _ask_create),
    ("ask_update", "partnerships.ask.update", _ask_update),
    ("deliverable_create", "partnerships.deliverable.create", _deliverable_create),
    ("deliverable_update", "partnerships.deliverable.update", _deliverable_update),
    ("match_create", "partnerships.match.create", _match_create),
    ("match_move", "partnerships.match.move", _match_move),
    ("agreement_propose", "partnerships.common_goal.propose", _agreement_propose),
    ("agreement_endorse", "partnerships.common_goal.endorse", _agreement_endorse),
    ("exit_plan_update", "partnerships.partnership.exit_plan_update", _exit_plan),
    ("indicator_create", "partnerships.indicator.create", _indicator_create),
    ("indicator_update", "partnerships.indicator.update", _indicator_update),
    ("prospectus_create", "partnerships.prospectus.create", _prospectus_create),
    ("prospectus_vision_update", "partnerships.prospectus.vision_update", _vision_update),
    ("priority_create", "partnerships.priority.create", _priority_create),
    ("priority_update", "partnerships.priority.update", _priority_update),
    ("priority_delete", "partnerships.priority.delete", _priority_delete),
    ("priority_citations_set", "partnerships.priority.cite", _priority_cite),
    ("commitment_create", "partnerships.commitment.create", _commitment_create),
    ("commitment_update", "partnerships.commitment.update", _commitment_update),
    ("commitment_delete", "partnerships.commitment.delete", _commitment_delete),
    ("investment_line_create", "partnerships.investment_line.create", _line_create),
    ("investment_line_update", "partnerships.investment_line.update", _line_update),
    ("investment_line_delete", "partnerships.investment_line.delete", _line_delete),
    ("prospectus_version_send", "partnerships.prospectus.send", _version_send),
    ("prospectus_version_start", "partnerships.prospectus.version_start", _version_start),
    ("prospectus_sign_off", "partnerships.prospectus.sign_off", _sign_off),
    ("prospectus_publish", "partnerships.prospectus.publish", _publish),
    ("prospectus_pdf_render", "partnerships.prospectus.pdf_render", _pdf_render),
    ("prospectus_comment_add", "partnerships.prospectus.comment", _comment_add),
    ("prospectus_comment_resolve", "partnerships.prospectus.comment_resolve", _comment_resolve),
    ("member_add_new_organisation", "partnerships.member.add", _member_add_new_organisation),
    ("partnership_create", "partnerships.partnership.create", _partnership_create),
    (
        "commitment_update_add",
        "partnerships.commitment_update.create",
        _commitment_update_add,
    ),
    ("commitment_reminders_send", "partnerships.commitment.remind", _commitment_reminders_send),
    (
        "indicator_reading_add",
        "partnerships.indicator_reading.create",
        _indicator_reading_add,
    ),
]


def test_every_write_service_has_a_case():
    assert {name for name, _action, _run in CASES} == set(services.__all__) - READS


@pytest.mark.parametrize(
    ("name", "action", "run"), CASES, ids=[name for name, _action, _run in CASES]
)
def test_service_writes_an_audit_entry(connector, partnership, name, action, run):
    who, target = run(connector, partnership)

    entries = AuditEntry.objects.filter(action=action, object_id=str(target.pk))
    assert [(entry.actor, entry.content_type.model) for entry in entries] == [
        (who, target._meta.model_name)
    ]


def test_refused_write_leaves_no_audit_entry(connector, partnership):
    before = AuditEntry.objects.count()

    with pytest.raises(Exception, match="one stage at a time"):
        services.partnership_stage_change(
            actor=connector, partnership=partnership, stage=PartnershipStage.CLOSED
        )

    assert AuditEntry.objects.count() == before


def test_connector_grant_entry_names_the_person_and_partnership(site_admin, partnership):
    person = UserFactory(email="new.connector@example.org")

    grant = services.connector_grant(actor=site_admin, partnership=partnership, user=person)

    entry = AuditEntry.objects.get(action="levelup.role.grant", object_id=str(grant.pk))
    assert entry.changes == {
        "user": "new.connector@example.org",
        "role": Role.CONNECTOR,
        "on": partnership.name,
    }
    assert RoleGrant.objects.get(pk=grant.pk).granted_by == site_admin
