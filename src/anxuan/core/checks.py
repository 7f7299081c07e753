"""System checks of a deployment (`anxuan check --deploy`)."""

import os
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def node_keys(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Several nodes (a shared queue or object store says so) must share their keys: a key
    left unset is made by each node in its own VAR_DIR (decision 0025), and then a session,
    a signed link or a reporter's identity made on one node cannot be read on another."""
    shared = [name for name in ("REDIS_URL", "S3_ENDPOINT_URL") if os.environ.get(name)]
    if not shared:
        return []
    return [
        Error(
            f"{', '.join(shared)} is set, so this is one node of several, but {key} is not: "
            "each node would make its own in its VAR_DIR.",
            hint=f"Set the same {key} on every node (deploy/anxuan.env).",
            id=f"anxuan.E00{n}",
        )
        for n, key in enumerate(("SECRET_KEY", "TIPS_IDENTITY_KEY"), start=1)
        if not os.environ.get(key)
    ]
