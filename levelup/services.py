"""Writes on core objects. Keyword-only, one transaction, an audit entry each."""

from urllib.parse import urlsplit

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .audit import audit_record
from .enums import ROLE_TARGET_MODELS, Role
from .models import Organisation, OutboundEmail, Place, RoleGrant, User
from .outbox import outbox_queue_deferred


@transaction.atomic
def role_grant(
    *, actor: User | None, user: User, role: str, target: models.Model | None = None
) -> RoleGrant:
    """Give `user` the `role` on `target` (nothing for a site administrator).

    Raises ValidationError when the role does not fit the target or is already held.
    """
    grant = RoleGrant(user=user, role=role, granted_by=actor if _is_user(actor) else None)
    if target is not None:
        expected = ROLE_TARGET_MODELS.get(role)
        label = f"{target._meta.app_label}.{target._meta.model_name}"
        if expected != label:
            raise ValidationError(_("This role cannot be granted on that kind of object."))
        grant.content_type = ContentType.objects.get_for_model(target)
        grant.object_id = target.pk
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action="levelup.role.grant",
        target=grant,
        changes={"user": user.email, "role": role, "on": str(target) if target else "site"},
    )
    _forget_roles(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, grant: RoleGrant) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("This role has already been removed."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor if _is_user(actor) else None
    grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="levelup.role.revoke",
        target=grant,
        changes={"user": grant.user.email, "role": grant.role, "on": str(grant.target or "site")},
    )
    _forget_roles(grant.user)
    return grant


@transaction.atomic
def user_create(*, actor: User | None, email: str, name: str, password: str | None) -> User:
    user = User(email=User.objects.normalize_email(email).lower(), name=name)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="levelup.user.create", target=user)
    return user


@transaction.atomic
def password_reset_request(*, actor: User | None, email: str, site_url: str) -> None:
    """Record a reset request and queue its email; the account lookup runs when it is sent.

    The request does the same work whether or not `email` has an account, so its timing
    reveals nothing (see `password_reset_render`).
    """
    audit_record(
        actor=actor, action="levelup.account.password_reset_request", changes={"email": email}
    )
    outbox_queue_deferred(
        template="accounts/password_reset", to=[email], context={"site_url": site_url}
    )


def password_reset_render(email: OutboundEmail) -> tuple[list[str], dict] | None:
    """The reset link for the active account with the requested address, if there is one."""
    address = email.to[0]
    user = (
        User.objects.filter(email__iexact=address, is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .first()
    )
    if user is None:
        return None
    site_url = urlsplit(email.render_context["site_url"])
    return [user.email], {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": site_url.scheme,
        "domain": site_url.netloc,
    }


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 100) -> str:
    """A slug for `text` that no row of `model` uses yet: "name", then "name-2", "name-3"…"""
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


PLACE_FIELDS = ["name", "slug", "local_authority", "region", "ons_code"]
ORGANISATION_FIELDS = ["name", "slug", "type", "size", "sector", "website", "place"]


@transaction.atomic
def place_create(
    *, actor: User, name: str, local_authority: str, region: str, ons_code: str = ""
) -> Place:
    """A new place (a town or city) partnerships can be started in (site administrators)."""
    place = Place(
        name=name.strip(),
        slug=unique_slug(Place, name),
        local_authority=local_authority.strip(),
        region=region.strip(),
        ons_code=ons_code.strip().upper(),
    )
    place.full_clean()
    place.save()
    audit_record(
        actor=actor,
        action="levelup.place.create",
        target=place,
        changes={field: getattr(place, field) for field in PLACE_FIELDS},
    )
    return place


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    type: str,
    place: Place | None = None,
    size: str = "",
    sector: str = "",
    website: str = "",
) -> Organisation:
    """A new organisation. Callers offer `organisations_similar` first, so that people pick an
    existing one rather than make a near-duplicate; this only refuses the exact same name in
    the same place."""
    name = " ".join(name.split())
    if Organisation.objects.filter(name__iexact=name, place=place).exists():
        raise ValidationError(
            {"name": _("An organisation with this name already exists in this place.")}
        )
    organisation = Organisation(
        name=name,
        slug=unique_slug(Organisation, name, max_length=300),
        type=type,
        size=size,
        sector=sector.strip(),
        website=website.strip(),
        place=place,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="levelup.organisation.create",
        target=organisation,
        changes={field: getattr(organisation, field) for field in ORGANISATION_FIELDS},
    )
    return organisation


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _forget_roles(user: User) -> None:
    user.__dict__.pop("role_object_ids", None)


__all__ = [
    "Role",
    "organisation_create",
    "password_reset_render",
    "password_reset_request",
    "place_create",
    "role_grant",
    "role_revoke",
    "unique_slug",
    "user_create",
]
