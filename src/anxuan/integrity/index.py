"""The shared lookup of fingerprints within a Hamming radius (decision 0020).

Multi-index hashing: each 64-bit value is stored with its four 16-bit parts, each part
indexed. Two values at most `radius` bits apart differ in at least one part by at most
radius // 4 bits (pigeonhole), so the rows whose part i is one of the 16-bit values that
near the query's part i, for some i, hold every answer; the exact distance then sorts out
the candidates. The answer is exactly a brute-force scan's, on both databases, and the
index is the database's own: every worker and app node shares it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import cast

from django.db.models import Q

from anxuan.integrity.fingerprints import COMPARABLE, Print, Role, distance, unsigned
from anxuan.integrity.models import Fingerprint

PARTS = 4
PART_BITS = 16


def parts(value: int) -> tuple[int, int, int, int]:
    bits = unsigned(value)
    return (
        bits & 0xFFFF,
        (bits >> 16) & 0xFFFF,
        (bits >> 32) & 0xFFFF,
        (bits >> 48) & 0xFFFF,
    )


@cache
def _flips(radius: int) -> tuple[int, ...]:
    """Every 16-bit mask of at most `radius` set bits."""
    masks = [0]
    for k in range(1, radius + 1):
        for positions in combinations(range(PART_BITS), k):
            masks.append(sum(1 << p for p in positions))
    return tuple(masks)


def near(part: int, radius: int) -> list[int]:
    return [part ^ mask for mask in _flips(radius)]


def row(print_: Print, **owner: object) -> Fingerprint:
    p0, p1, p2, p3 = parts(print_.value)
    return Fingerprint(
        role=print_.role, value=print_.value, at=print_.at, p0=p0, p1=p1, p2=p2, p3=p3, **owner
    )


@dataclass(frozen=True)
class Hit:
    query: Print
    fingerprint_id: int
    attachment_id: int | None
    material_id: int | None
    role: Role
    at: float | None
    distance: int


def nearby(prints: Sequence[Print], radius: int) -> list[Hit]:
    """Every stored fingerprint within `radius` bits of one of `prints`, of a role that the
    print's role may meet (fingerprints.COMPARABLE), nearest first."""
    hits: list[Hit] = []
    for query in prints:
        hits += _nearby(query, radius)
    hits.sort(key=lambda hit: hit.distance)
    return hits


def _nearby(query: Print, radius: int) -> Iterable[Hit]:
    per_part = radius // PARTS
    condition = Q()
    for name, part in zip(("p0", "p1", "p2", "p3"), parts(query.value), strict=True):
        condition |= Q(**{f"{name}__in": near(part, per_part)})
    rows = Fingerprint.objects.filter(condition, role__in=COMPARABLE[query.role]).values_list(
        "id", "attachment_id", "material_id", "role", "at", "value"
    )
    for pk, attachment_id, material_id, role, at, value in rows:
        bits = distance(value, query.value)
        if bits <= radius:
            yield Hit(query, pk, attachment_id, material_id, cast(Role, role), at, bits)
