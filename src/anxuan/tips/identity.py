"""A reporter's identity (name, mobile) encrypted at rest with Fernet (AES-128-CBC and
HMAC-SHA256, from the `cryptography` library), under a key that is never in the database:
settings.TIPS_IDENTITY_KEY (the environment) or, on a one-machine install, a key file in
VAR_DIR made on first use. A database dump, an export or the admin holds only the token."""

import json
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings


@cache
def _fernet() -> Fernet:
    key: str | None = settings.TIPS_IDENTITY_KEY
    if not key:
        path = Path(settings.VAR_DIR) / "tips_identity.key"
        if not path.exists():
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        key = path.read_text().strip()
    return Fernet(key.encode())


def seal(name: str, mobile: str) -> bytes:
    """The token of a reporter's name and mobile (empty when neither is given)."""
    if not name and not mobile:
        return b""
    return _fernet().encrypt(json.dumps({"name": name, "mobile": mobile}).encode())


def unseal(token: bytes) -> dict[str, str]:
    """The name and mobile of a token (for the custodian's reveal, logged by the caller)."""
    if not token:
        return {"name": "", "mobile": ""}
    found: dict[str, str] = json.loads(_fernet().decrypt(bytes(token)))
    return found
