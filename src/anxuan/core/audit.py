"""The audit log: every service that changes data calls `record` inside its transaction."""

from typing import Any

from django.db import models

from anxuan.core.models import AuditEntry


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    summary: str = "",
    address_hash: str = "",
    **data: Any,
) -> None:
    """One audit row. `actor` is the person (None for the system or the public);
    `address_hash` is core.public's hash of a public caller's address, never the address.
    `target` may be None for an action on nothing stored (a refused public call)."""
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        address_hash=address_hash,
        data=data,
    )
