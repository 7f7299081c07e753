"""The fingerprint lookup finds exactly what a scan of every stored fingerprint finds, on the
test database (SQLite, or PostgreSQL's binary read when DATABASE_URL says so), before and
after its buckets are compacted or rebuilt."""

import io
import random

import pytest
from PIL import Image, ImageOps

from anxuan.integrity import fingerprints, index, tasks
from anxuan.integrity.fingerprints import COMPARABLE, FRAME, FULL, PROBE, VIEW, Print
from anxuan.integrity.models import Fingerprint, FingerprintBucket, SharedMaterial
from anxuan.orgs.enums import OrgKind, Role
from tests import factories
from tests.integrity.conftest import photo_file, scene

ALL_ROLES = (FULL, VIEW, PROBE, FRAME)


@pytest.fixture
def material(db) -> SharedMaterial:
    county = factories.org("高台县", OrgKind.COUNTY)
    office = factories.person(county, Role.OFFICE_ADMIN, "office")
    return SharedMaterial.objects.create(
        owner=county,
        title="海报",
        added_by=office,
        kind="photo",
        content_type="image/jpeg",
        original_name="海报.jpg",
        sha256="0" * 64,
        storage_name="x",
        size=1,
    )


def flipped(value: int, bits: list[int]) -> int:
    return fingerprints.signed(fingerprints.unsigned(value) ^ sum(1 << b for b in bits))


def spread(r: random.Random, counts: tuple[int, ...]) -> list[int]:
    """Bit positions: counts[i] random bits of 16-bit part i."""
    return [16 * i + b for i, n in enumerate(counts) for b in r.sample(range(16), n)]


def store(material, prints: list[Print]) -> list[Fingerprint]:
    return index.store(index.row(p, material=material) for p in prints)


def brute_force(query: Print, radius: int) -> set[tuple[int, int]]:
    """(fingerprint id, distance) of every stored row within `radius` of a comparable role."""
    return {
        (pk, fingerprints.distance(value, query.value))
        for pk, value, role in Fingerprint.objects.values_list("id", "value", "role")
        if role in COMPARABLE[query.role] and fingerprints.distance(value, query.value) <= radius
    }


def found(prints: list[Print], radius: int) -> set[tuple[int, int]]:
    return {(hit.fingerprint_id, hit.distance) for hit in index.nearby(prints, radius)}


def test_every_way_of_spreading_up_to_12_flipped_bits_over_the_parts_is_found_exactly(material):
    # The lookup only sees how many bits differ in each 16-bit part: store a copy of one
    # value for every split of d = 0..12 flipped bits over the four parts (1 820 copies).
    r = random.Random(20)
    original = fingerprints.signed(r.getrandbits(64))
    splits = [
        (a, b, c, d - a - b - c)
        for d in range(13)
        for a in range(d + 1)
        for b in range(d + 1 - a)
        for c in range(d + 1 - a - b)
    ]
    rows = store(material, [Print(FULL, flipped(original, spread(r, s))) for s in splits])
    query = Print(FULL, original)

    for radius in range(13):
        expected = {
            (row.id, sum(s)) for row, s in zip(rows, splits, strict=True) if sum(s) <= radius
        }
        assert found([query], radius) == expected
        assert len(expected) == sum(1 for s in splits if sum(s) <= radius)


def test_random_stored_prints_with_planted_copies_match_a_scan_at_every_radius(material):
    r = random.Random(4)
    stored: list[Print] = []
    originals = [fingerprints.signed(r.getrandbits(64)) for _ in range(12)]
    for value in originals:  # copies 0..12 bits away, of every stored role
        for d in range(13):
            copy = flipped(value, r.sample(range(64), d))
            stored.append(Print(r.choice(fingerprints.STORED_ROLES), copy))
    stored += [
        Print(r.choice(fingerprints.STORED_ROLES), fingerprints.signed(r.getrandbits(64)))
        for _ in range(300)
    ]
    store(material, stored)
    queries = [Print(r.choice(ALL_ROLES), value) for value in originals]
    queries.append(Print(FULL, fingerprints.signed(r.getrandbits(64))))  # meets nothing near

    for radius in range(13):
        expected = set().union(*(brute_force(q, radius) for q in queries))
        assert found(queries, radius) == expected
    assert found(queries, 12) != set()


def test_a_near_copy_is_found_and_a_far_one_is_not(material):
    original = fingerprints.signed(0x0123_4567_89AB_CDEF)
    near, far = store(
        material,
        [
            Print(FULL, flipped(original, [0, 1, 2, 3, 4, 5, 6, 7])),  # 8 bits, all in part 0
            Print(FULL, flipped(original, [0, 16, 32, 48, 1, 17, 33, 49, 2])),  # 9 bits
        ],
    )

    hits = index.nearby([Print(VIEW, original)], 8)

    assert [(hit.fingerprint_id, hit.distance, hit.material_id) for hit in hits] == [
        (near.id, 8, material.id)
    ]
    assert far.id not in {hit.fingerprint_id for hit in index.nearby([Print(VIEW, original)], 8)}
    assert [hit.fingerprint_id for hit in index.nearby([Print(VIEW, original)], 9)] == [
        near.id,
        far.id,
    ]


@pytest.mark.parametrize("extreme", [-(2**63), 2**63 - 1, 0, -1])
def test_the_extreme_values_a_flat_picture_hashes_to_are_looked_up(material, extreme):
    # A flat picture's pHash is often only the sign bit: -2**63 as a signed bigint.
    stored, near = store(material, [Print(FULL, extreme), Print(FULL, flipped(extreme, [3]))])

    hits = index.nearby([Print(FULL, extreme)], 2)

    assert [(hit.fingerprint_id, hit.distance) for hit in hits] == [(stored.id, 0), (near.id, 1)]


def test_a_looked_up_role_only_meets_the_stored_roles_it_may(material):
    value = fingerprints.signed(0xFEDC_BA98_7654_3210)
    full, view, frame = store(
        material, [Print(FULL, value), Print(VIEW, value), Print(FRAME, value)]
    )

    def met(role):
        return sorted(hit.fingerprint_id for hit in index.nearby([Print(role, value)], 4))

    assert met(FULL) == sorted([full.id, view.id, frame.id])
    assert met(FRAME) == sorted([full.id, view.id, frame.id])
    assert met(VIEW) == sorted([full.id, frame.id])  # two crops are no evidence
    assert met(PROBE) == sorted([full.id, frame.id])


def test_hits_come_nearest_first_with_the_print_that_found_them(material):
    a, b = fingerprints.signed(0x1111_2222_3333_4444), fingerprints.signed(0x5555_6666_7777_8888)
    store(material, [Print(FULL, flipped(a, [3, 40])), Print(FULL, flipped(b, [9]))])

    hits = index.nearby([Print(FULL, a), Print(PROBE, b)], 6)

    assert [(hit.query.value, hit.distance) for hit in hits] == [(b, 1), (a, 2)]


def test_answers_stay_exact_when_buckets_filed_in_many_batches_are_compacted(material):
    r = random.Random(8)
    originals = [fingerprints.signed(r.getrandbits(64)) for _ in range(6)]
    for value in originals:  # one check's worth at a time, as the worker files them
        store(material, [Print(FULL, flipped(value, r.sample(range(64), d))) for d in range(11)])
    store(material, [Print(FULL, o) for o in originals])  # the same values again
    queries = [Print(VIEW, value) for value in originals]
    before = found(queries, 10)
    rows = FingerprintBucket.objects.count()

    tasks.compact_index.call_local()  # the worker's periodic task

    assert found(queries, 10) == before == set().union(*(brute_force(q, 10) for q in queries))
    assert len(before) == 6 * 12
    keys = set(FingerprintBucket.objects.values_list("key", flat=True))
    assert FingerprintBucket.objects.count() == len(keys) < rows
    assert index.compact() == 0  # nothing left to merge


def test_a_deleted_fingerprint_is_not_found_and_rebuild_drops_its_value(material):
    kept, gone = store(material, [Print(FULL, 0x0F0F_0F0F), Print(FULL, 0x0F0F_0F0E)])
    gone.delete()

    assert [hit.fingerprint_id for hit in index.nearby([Print(FULL, 0x0F0F_0F0F)], 3)] == [kept.id]
    assert index.rebuild() == 1
    buckets = FingerprintBucket.objects.values_list("entries", flat=True)
    entries = b"".join(bytes(e) for e in buckets)
    assert len(entries) == 8 * index.PARTS * 2  # one value under its four parts, in the
    # family of every stored role and in that of the roles a crop or a probe may meet
    assert index.within(0x0F0F_0F0F, 3, FULL) == [0x0F0F_0F0F]
    assert index.within(0x0F0F_0F0F, 3, PROBE) == [0x0F0F_0F0F]


def test_thresholds_probe_fewer_part_values_than_radius_over_four():
    for radius in range(0, 17):
        taus = index.thresholds(radius)
        assert sum(taus) == radius - index.PARTS + 1
        assert min(taus) >= -1
    assert len(index.probes(0, 8, FULL)) == 188  # against 548 for (2, 2, 2, 2)
    assert len(index.probes(0, 6, VIEW)) == 52
    assert len(index.probes(0, 10, PROBE)) == 428


def test_a_large_photo_and_its_recompressed_copy_keep_their_prints():
    # photo_facts decodes a large JPEG at a reduced scale (Image.draft), keeping at least
    # twice the work size; the prints must still be those of the whole picture, and an
    # upright copy of a photo taken sideways (EXIF orientation) must meet the original.
    image = scene(7, (2400, 1800))
    original = fingerprints.photo_facts(photo_file(image, quality=90))
    copy = fingerprints.photo_facts(photo_file(image, quality=60))
    undrafted = fingerprints.picture_prints(image.copy())
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned a quarter: the viewer turns it back
    sideways = io.BytesIO()
    image.transpose(Image.Transpose.ROTATE_90).save(sideways, "JPEG", quality=90, exif=exif)
    turned = fingerprints.photo_facts(io.BytesIO(sideways.getvalue()))

    def full(prints):
        return next(p.value for p in prints if p.role == FULL)

    assert ImageOps.exif_transpose(Image.open(sideways)).size == image.size
    assert fingerprints.distance(full(original.prints), full(undrafted)) <= 2
    assert fingerprints.distance(full(original.prints), full(copy.prints)) <= 2
    assert fingerprints.distance(full(original.prints), full(turned.prints)) <= 2
