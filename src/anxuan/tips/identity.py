"""A reporter's identity (name, mobile) encrypted at rest with Fernet (AES-128-CBC and
HMAC-SHA256, from the `cryptography` library), under a key that is never in the database:
settings.TIPS_IDENTITY_KEY (the environment) or, on a one-machine install, a key file in
VAR_DIR made on first use. A database dump, an export or the admin holds only the token."""

import hashlib
import hmac
import io
import json
import struct
from functools import cache
from pathlib import Path
from typing import IO

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@cache
def _key() -> bytes:
    key: str | None = settings.TIPS_IDENTITY_KEY
    if not key:
        path = Path(settings.VAR_DIR) / "tips_identity.key"
        if not path.exists():
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        key = path.read_text().strip()
    return key.encode()


@cache
def _fernet() -> Fernet:
    return Fernet(_key())


def reporter_key(mobile: str) -> str:
    """A blind index of a mobile (HMAC-SHA256 under the identity key): the same reporter's
    tips can be found (receipt recovery, a monthly reward cap) while a database dump, which
    lacks the key, cannot be searched for a number. Empty for no mobile."""
    digits = "".join(c for c in mobile if c.isdigit())
    if not digits:
        return ""
    return hmac.new(_key(), b"reporter:" + digits.encode(), hashlib.sha256).hexdigest()


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


# A sealed file (an evidence original): MAGIC, then records of a 4-byte big-endian length
# and a Fernet token whose plaintext is a flag byte (1 on the last record), the record's
# 8-byte number and up to SEAL_CHUNK bytes of the file. Fernet authenticates each record;
# the numbers and the last flag make a reordered, cut or spliced file fail to unseal.
MAGIC = b"ANXUAN-SEALED-1\n"
SEAL_CHUNK = 1 << 20
_RECORD = struct.Struct(">BQ")
_LENGTH = struct.Struct(">I")


def seal_stream(source: IO[bytes], target: IO[bytes]) -> None:
    """Encrypt `source` (read from where it stands to its end) into `target`, a chunk at a
    time, so a large video never sits whole in memory."""
    fernet = _fernet()
    target.write(MAGIC)
    number = 0
    chunk = source.read(SEAL_CHUNK)
    while True:
        following = source.read(SEAL_CHUNK) if chunk else b""
        last = not following
        token = fernet.encrypt(_RECORD.pack(int(last), number) + chunk)
        target.write(_LENGTH.pack(len(token)) + token)
        if last:
            return
        chunk, number = following, number + 1


def unseal_stream(source: IO[bytes], target: IO[bytes]) -> None:
    """Decrypt what `seal_stream` wrote into `target`; raises InvalidToken for anything
    else, a damaged file or one sealed under another key."""
    fernet = _fernet()
    if source.read(len(MAGIC)) != MAGIC:
        raise InvalidToken
    number = 0
    while True:
        size = source.read(_LENGTH.size)
        if len(size) != _LENGTH.size:
            raise InvalidToken  # cut before its last record
        plain = fernet.decrypt(source.read(_LENGTH.unpack(size)[0]))
        last, found = _RECORD.unpack_from(plain)
        if found != number:
            raise InvalidToken
        target.write(plain[_RECORD.size :])
        if last:
            if source.read(1):
                raise InvalidToken  # something after the last record
            return
        number += 1


def seal_bytes(data: bytes) -> bytes:
    """`seal_stream` of bytes held in memory."""
    sealed = io.BytesIO()
    seal_stream(io.BytesIO(data), sealed)
    return sealed.getvalue()


def unseal_bytes(data: bytes) -> bytes:
    plain = io.BytesIO()
    unseal_stream(io.BytesIO(data), plain)
    return plain.getvalue()
