"""The audit log: every service that changes data calls `record` inside its transaction."""

from typing import Any

from django.db import models

from anxuan.core.models import AuditEntry


def record(
    *, actor: Any, action: str, target: models.Model, summary: str = "", **data: Any
) -> None:
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        summary=summary[:255],
        data=data,
    )
