"""Receipt codes a member of the public can read out on the phone: 15 random characters
of Crockford's base32 (no I, L, O or U, so nothing is misread) and a check character,
shown in groups of four (`7K2M-9QXD-4HRT-B3N8`). One wrong or swapped character is told
apart from a real code without looking anything up."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's 37 check symbols (value modulo 37)
RANDOM_LENGTH = 15  # 75 bits: enough that guessing a code is hopeless
GROUP = 4
# What people read or type for the same character (Crockford's decoding rules).
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_VALUES = {c: i for i, c in enumerate(ALPHABET)}


def _check(body: str) -> str:
    """Crockford's check symbol: the body's value modulo 37 (a prime, so any single wrong
    character and any swap of two neighbours changes it)."""
    value = 0
    for char in body:
        value = (value * 32 + _VALUES[char]) % 37
    return CHECK_ALPHABET[value]


def _group(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def new_code() -> str:
    """A fresh code, grouped for reading out: 4-4-4-4 with the check character last."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return _group(body + _check(body))


def normalise(code: str) -> str:
    """The code as stored and compared: capitals, no spaces or dashes, I/L read as 1 and
    O as 0; grouped 4-4-4-4. Says nothing about validity (see is_valid)."""
    compact = "".join(code.split()).replace("-", "").upper().translate(_ALIASES)
    return _group(compact)


def is_valid(code: str) -> bool:
    """Whether `code` (as typed: any case, spaces, dashes) is a well-formed code whose check
    character matches."""
    compact = normalise(code).replace("-", "")
    if len(compact) != RANDOM_LENGTH + 1:
        return False
    body, check = compact[:-1], compact[-1]
    if any(char not in _VALUES for char in body):
        return False
    return _check(body) == check
