"""The audit log: every service that changes data calls `record` inside its transaction.

A change of fields is kept with its content: take a `snapshot` of the object before
changing it and pass `changes=changes(before, obj)` to `record`; the row then holds
`{"changes": {field: [before, after]}}` for the fields that changed (the admin's audit log
shows them under the fields' names)."""

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import models
from django.utils.translation import gettext

from anxuan.core.models import AuditEntry

# Never copied into the log: a password hash is no one's business, a login time no change.
LEFT_OUT = frozenset({"password", "last_login"})
# Kept only as a fingerprint, so the log shows that they changed but never what they are:
# a group robot's address carries its access token.
MASKED = ("webhook", "secret", "token", "key")

Changes = dict[str, list[Any]]
# Names of the `extra` values apps keep beside fields (a campaign's activity types), which
# the model cannot name: filled by those apps through `name_extras`.
EXTRA_LABELS: dict[str, Any] = {}


def name_extras(**labels: Any) -> None:
    """Name (lazily translated) the `extra` values an app keeps in changes."""
    EXTRA_LABELS.update(labels)


def _plain(value: Any) -> Any:
    """A value as the log's JSON keeps it."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _masked(value: Any) -> Any:
    if not value:
        return value
    return "#" + hashlib.sha256(str(value).encode()).hexdigest()[:8]


def snapshot(obj: models.Model, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The object's own fields as the log keeps them (a foreign key as its id under the
    field's name), without its id, automatic times and passwords, secrets as fingerprints;
    `extra` adds values that are not fields (the names of related rows, say)."""
    values = {
        field.name: _plain(field.value_from_object(obj))
        for field in obj._meta.concrete_fields
        if not field.primary_key
        and field.name not in LEFT_OUT
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    }
    for name in values:
        if any(word in name for word in MASKED):
            values[name] = _masked(values[name])
    return values | {name: _plain(value) for name, value in (extra or {}).items()}


def changes(
    before: dict[str, Any], obj: models.Model, *, extra: dict[str, Any] | None = None
) -> Changes:
    """{field: [before, after]} of what differs between `before` (a snapshot) and the
    object now (with the same `extra` values, taken again)."""
    after = snapshot(obj, extra=extra)
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def removal(obj: models.Model) -> Changes:
    """{field: [value, None]} of an object about to be deleted."""
    return {name: [value, None] for name, value in snapshot(obj).items()}


def names(rows: Iterable[object]) -> list[str]:
    """Related rows as the log keeps them: their names, in order."""
    return [str(row) for row in rows]


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    summary: str = "",
    address_hash: str = "",
    changes: Changes | None = None,
    **data: Any,
) -> None:
    """One audit row. `actor` is the person (None for the system or the public);
    `address_hash` is core.public's hash of a public caller's address, never the address.
    `target` may be None for an action on nothing stored (a refused public call).
    `changes` ({field: [before, after]}, see `changes`) is kept under that key when any."""
    if changes:
        data["changes"] = changes
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        address_hash=address_hash,
        data=data,
    )


def _model_of(action: str) -> type[models.Model] | None:
    """The model an action's changes are fields of: its first word names it
    (`phase.save` → Phase, `person.update` → Person)."""
    name = action.partition(".")[0]
    return next((m for m in apps.get_models() if m._meta.model_name == name), None)


def _shown(field: "models.Field[Any, Any] | None", value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def described_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) of an audit row's changes, in words: the fields' names and
    choices as the pages show them."""
    found = entry.data.get("changes") if isinstance(entry.data, dict) else None
    if not isinstance(found, dict):
        return []
    model = _model_of(entry.action)
    fields = {f.name: f for f in model._meta.get_fields()} if model else {}
    rows = []
    for name, pair in found.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        field = fields.get(name)
        concrete = field if isinstance(field, models.Field) else None
        label = str(concrete.verbose_name if concrete is not None else EXTRA_LABELS.get(name, name))
        rows.append((label, _shown(concrete, before), _shown(concrete, after)))
    return rows
