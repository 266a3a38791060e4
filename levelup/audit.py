"""The audit log: every service records who did what to which object."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry. `changes` maps a field to `[before, after]`, or holds other details.

    `actor` may be None (the clock, a task) or an anonymous user, recorded as nobody.
    """
    entry = AuditEntry(action=action, changes=_jsonable(changes or {}))
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.actor = actor
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:300]
    entry.save()
    return entry


def audit_diff(before: models.Model | dict[str, Any], after: models.Model, fields: list[str]):
    """`{"field": [before, after]}` for the fields that changed."""
    old = before if isinstance(before, dict) else {f: getattr(before, f) for f in fields}
    return {
        field: [old.get(field), getattr(after, field)]
        for field in fields
        if old.get(field) != getattr(after, field)
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)
