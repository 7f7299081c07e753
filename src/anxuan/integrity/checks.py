"""The checks run on each submitted version by the worker (integrity.tasks.check_version).

Order matters for concurrency: a file's fingerprints are committed before they are looked
up, so of two reports carrying the same photo checked at the same moment, the second to
commit always sees the first. A finding is a Flag with a unique `pair`: found again (the
report is checked again, or the other side is checked later) it is not raised twice, and a
dismissed one never comes back. The later of two uses of an item is the one flagged."""

import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone

from anxuan.campaigns.models import Campaign
from anxuan.core.files import PHOTO, VIDEO
from anxuan.core.models import StoredFile
from anxuan.integrity import compare, fingerprints, index
from anxuan.integrity.enums import CheckState, FlagKind, Severity, TextSource
from anxuan.integrity.fingerprints import FRAME, Print, Unreadable
from anxuan.integrity.models import (
    EvidenceCheck,
    Flag,
    Rules,
    SharedMaterial,
    TextBand,
    TextPrint,
    UnitPlace,
)
from anxuan.reports.enums import State
from anxuan.reports.models import Attachment, Submission, SubmissionVersion

log = logging.getLogger(__name__)

MAX_MATCHES = 3  # other items flagged against one item, nearest first
MAX_LOOKS = 20  # candidates given the second look (~0.1 s each), nearest first
# Texts alike reports made from the same template share single band keys by thousands; a
# pair at the threshold 0.8 shares fewer than two of the 25 keys once in 1 600 (B5).
MIN_BANDS = 2
ESTIMATE_MARGIN = 0.15  # MinHash estimates this far below the threshold are compared exactly
CLOCK_SLACK = timedelta(hours=1)  # a camera's clock may run this much ahead
EARTH_KM = 6371.0


def rules_for(campaign: Campaign) -> Rules:
    rules, _ = Rules.objects.get_or_create(campaign=campaign)
    return rules


# Fingerprinting -------------------------------------------------------------------------


@dataclass
class Facts:
    check: EvidenceCheck
    prints: list[Print]  # every print, probes included (probes are never stored)


def _compute(stored: StoredFile) -> tuple[dict[str, Any], list[Print]]:
    with default_storage.open(stored.storage_name, "rb") as file:
        if stored.kind == PHOTO:
            facts = fingerprints.photo_facts(file)
            return {
                "taken_at": facts.taken_at,
                "latitude": facts.latitude,
                "longitude": facts.longitude,
            }, facts.prints
        return {}, fingerprints.video_prints(file)


def fingerprint(stored: Attachment | SharedMaterial) -> Facts:
    """The check of one file, computing and storing its fingerprints the first time. A file
    that cannot be read is marked "could not check" with the reason; a document is skipped."""
    owner: dict[str, Any] = (
        {"attachment": stored} if isinstance(stored, Attachment) else {"material": stored}
    )
    existing = EvidenceCheck.objects.filter(**owner).first()
    if stored.kind not in (PHOTO, VIDEO):
        if existing is None:
            existing = _save_check(owner, CheckState.SKIPPED, {}, [])
        return Facts(existing, [])
    if existing is not None and existing.state != CheckState.CHECKED:
        return Facts(existing, [])
    try:
        facts, prints = _compute(stored)
    except Unreadable as exc:
        return Facts(
            existing or _save_check(owner, CheckState.FAILED, {"reason": str(exc)}, []), []
        )
    except (OSError, MemoryError) as exc:  # a missing file, a box out of memory: logged
        log.exception("integrity: cannot read %s", stored.storage_name)
        reason = f"无法读取文件（{exc.__class__.__name__}）"
        return Facts(existing or _save_check(owner, CheckState.FAILED, {"reason": reason}, []), [])
    if existing is None:
        existing = _save_check(owner, CheckState.CHECKED, facts, prints)
    return Facts(existing, prints)


def _save_check(
    owner: dict[str, Any], state: str, facts: dict[str, Any], prints: list[Print]
) -> EvidenceCheck:
    try:
        with transaction.atomic():
            check = EvidenceCheck.objects.create(state=state, **facts, **owner)
            index.store(
                index.row(p, **owner) for p in prints if p.role in fingerprints.STORED_ROLES
            )
    except IntegrityError:  # another worker checked the same file first
        return EvidenceCheck.objects.get(**owner)
    return check


# Reused photos and videos ---------------------------------------------------------------


def _first_use(attachment_ids: Iterable[int]) -> dict[int, datetime]:
    """When each attachment was first submitted in a version (drafts do not count)."""
    rows = (
        Attachment.objects.filter(pk__in=list(attachment_ids))
        .annotate(first=Min("versions__submitted_at"))
        .filter(first__isnull=False)
        .values_list("pk", "first")
    )
    return dict(rows)


def _earlier(mine: tuple[datetime, int], other: tuple[datetime, int]) -> bool:
    return other < mine


def _picture(stored: StoredFile, at: float | None) -> Any:
    """The picture of a stored photo, or of a video's frame at `at` seconds, for the second
    look; None when it cannot be read."""
    try:
        with default_storage.open(stored.storage_name, "rb") as file:
            if stored.kind == VIDEO:
                return fingerprints.video_picture(file, at or 0.0)
            return fingerprints.work_picture(file)
    except (Unreadable, OSError):
        return None


class _SecondLook:
    """compare.same_picture of one item against others, each picture of it read once. A
    video's picture is its frame at the time of the nearest print."""

    def __init__(self, mine: Attachment) -> None:
        self.mine = mine
        self.pictures: dict[float | None, Any] = {}

    def score(self, other: Attachment, best: index.Hit) -> float | None:
        """The score when both can be read and they are one picture, else None."""
        at = best.query.at if self.mine.kind == VIDEO else None
        if at not in self.pictures:
            self.pictures[at] = _picture(self.mine, at)
        mine, theirs = self.pictures[at], _picture(other, best.at)
        if mine is None or theirs is None:
            return None
        score = compare.same_picture(mine, theirs)
        return score if score >= compare.SAME_PICTURE else None


def _nearest(group: list[index.Hit]) -> int:
    return min(hit.distance for hit in group)


def check_media(
    version: SubmissionVersion, attachment: Attachment, facts: Facts, rules: Rules
) -> None:
    if not facts.prints:
        return
    hits = [
        h
        for h in index.nearby(facts.prints, rules.photo_radius)
        if h.attachment_id != attachment.pk
    ]
    if any(hit.material_id for hit in hits):
        return  # the office's own poster or photo: everybody may show it
    others = _first_use({hit.attachment_id for hit in hits if hit.attachment_id})
    mine = _first_use([attachment.pk]).get(attachment.pk, version.submitted_at)
    candidates = Attachment.objects.filter(pk__in=others).exclude(submission=version.submission_id)
    by_id = {a.pk: a for a in candidates.select_related("submission__participant")}
    grouped: dict[int, list[index.Hit]] = defaultdict(list)
    for hit in hits:
        if hit.attachment_id in by_id and _earlier(
            (mine, attachment.pk), (others[hit.attachment_id], hit.attachment_id)
        ):
            grouped[hit.attachment_id].append(hit)
    is_video = attachment.kind == VIDEO
    second_look = _SecondLook(attachment)
    found = []
    nearest_first = sorted(grouped.items(), key=lambda item: (_nearest(item[1]), others[item[0]]))
    for other_id, group in nearest_first[:MAX_LOOKS]:
        other = by_id[other_id]
        # Distinct stored frames of the other video met (dense probes may meet one often).
        frames = {hit.fingerprint_id for hit in group if hit.role == FRAME}
        if is_video and other.kind == VIDEO and len(frames) < rules.video_frames:
            continue  # a few similar frames (a black screen, a title card) prove nothing
        best = min(group, key=lambda hit: hit.distance)
        same = None
        if not (is_video and other.kind == VIDEO):  # a photo met: look at the pictures
            same = second_look.score(other, best)
            if same is None:
                continue  # alike layouts, not one picture
        found.append((other, best, len(frames), same))
        if len(found) == MAX_MATCHES:
            break
    for other, best, frame_count, same in found:
        same_unit = (
            other.submission.participant.organization_id
            == version.submission.participant.organization_id
        )
        low, high = sorted((attachment.pk, other.pk))
        _raise(
            version,
            pair=f"media:{low}:{high}",
            kind=FlagKind.REUSED_VIDEO if is_video else FlagKind.REUSED_PHOTO,
            severity=Severity.MEDIUM if same_unit else Severity.HIGH,
            attachment=attachment,
            other_attachment=other,
            score=best.distance,
            details={
                "bits": best.distance,
                "view": best.query.role,
                "at": best.query.at,
                "other_at": best.at,
                "frames": frame_count,
                "same_picture": None if same is None else round(same, 3),
                "same_unit": same_unit,
            },
        )


# Dates and places -----------------------------------------------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def check_dates_and_place(
    version: SubmissionVersion, attachment: Attachment, check: EvidenceCheck, rules: Rules
) -> None:
    """A photo without EXIF proves nothing either way (screenshots of media reports are
    evidence too): only what the photo says of itself is checked."""
    campaign = version.submission.participant.campaign
    taken = check.taken_at
    if taken is not None:
        day = timezone.localdate(taken)
        tolerance = timedelta(days=rules.date_tolerance_days)
        if taken > version.submitted_at + CLOCK_SLACK:
            _raise(
                version,
                pair=f"taken_after:{attachment.pk}",
                kind=FlagKind.TAKEN_AFTER,
                severity=Severity.HIGH,
                attachment=attachment,
                details={
                    "taken_at": taken.isoformat(),
                    "submitted_at": version.submitted_at.isoformat(),
                },
            )
        elif not campaign.starts_on - tolerance <= day <= campaign.ends_on + tolerance:
            _raise(
                version,
                pair=f"taken_outside:{attachment.pk}",
                kind=FlagKind.TAKEN_OUTSIDE,
                severity=Severity.MEDIUM,
                attachment=attachment,
                details={
                    "taken_at": taken.isoformat(),
                    "starts_on": campaign.starts_on.isoformat(),
                    "ends_on": campaign.ends_on.isoformat(),
                    "tolerance_days": rules.date_tolerance_days,
                },
            )
        else:
            held = [a.held_on for a in version.activities.all()]
            gap = min((abs((day - h).days) for h in held), default=0)
            if gap > rules.activity_tolerance_days:
                _raise(
                    version,
                    pair=f"activity_date:{attachment.pk}",
                    kind=FlagKind.ACTIVITY_DATE,
                    severity=Severity.LOW,
                    attachment=attachment,
                    score=gap,
                    details={
                        "taken_at": taken.isoformat(),
                        "held_on": [h.isoformat() for h in held],
                        "days": gap,
                    },
                )
    if check.latitude is None or check.longitude is None:
        return
    place = UnitPlace.objects.filter(
        organization=version.submission.participant.organization_id
    ).first()
    if place is None or place.latitude is None or place.longitude is None:
        return
    km = _km(check.latitude, check.longitude, place.latitude, place.longitude)
    if km > rules.distance_km:
        _raise(
            version,
            pair=f"place:{attachment.pk}",
            kind=FlagKind.PLACE,
            severity=Severity.MEDIUM,
            attachment=attachment,
            score=round(km, 1),
            details={
                "km": round(km, 1),
                "photo": [check.latitude, check.longitude],
                "unit": [place.latitude, place.longitude],
                "limit_km": rules.distance_km,
            },
        )


# Copied text ----------------------------------------------------------------------------


def shared_passages(campaign: Campaign, rules: Rules) -> list[str]:
    """What every unit of `campaign` may repeat: the themes of it and the campaigns above
    it, the office's shared passages, and the shared texts of its organiser and the offices
    above the organiser."""
    passages = [line for line in rules.shared_text.splitlines() if line.strip()]
    node: Campaign | None = campaign
    while node is not None:
        passages += [node.theme, node.title]
        node = node.parent
    owners = [int(step) for step in campaign.owner.path.split("/") if step]  # it and above
    passages += (
        SharedMaterial.objects.filter(owner__in=owners)
        .exclude(text="")
        .values_list("text", flat=True)
    )
    return [p for p in passages if p]


def version_texts(version: SubmissionVersion) -> dict[str, str]:
    descriptions = "\n".join(a.description for a in version.activities.all() if a.description)
    return {TextSource.REPORT: version.text, TextSource.ACTIVITIES: descriptions}


def index_text(signature: fingerprints.Signature, **row: Any) -> TextPrint | None:
    """Store a signature and its band keys (once per version and source)."""
    try:
        with transaction.atomic():
            text = TextPrint.objects.create(values=signature.to_bytes(), size=signature.size, **row)
            TextBand.objects.bulk_create(TextBand(text=text, key=key) for key in signature.bands)
    except IntegrityError:
        return None
    return text


def _text_of(text: TextPrint) -> str:
    if text.material is not None:
        return text.material.text
    return version_texts(text.version)[text.source] if text.version else ""


def similar_texts(
    signature: fingerprints.Signature, own: frozenset[str], shared: frozenset[str], threshold: float
) -> list[tuple[TextPrint, float]]:
    """Stored texts whose shingles, less the shared ones, share at least `threshold` of their
    union with `own` (exact Jaccard similarity). Texts sharing MIN_BANDS band keys are the
    candidates; only those whose MinHash estimate is near enough are loaded and compared
    exactly, so that a pair at the threshold is not flagged or missed by the estimate's
    noise."""
    banded = (
        TextBand.objects.filter(key__in=signature.bands)
        .values("text_id")
        .annotate(keys=Count("*"))
        .filter(keys__gte=MIN_BANDS)
        .values("text_id")
    )
    near = [
        pk
        for pk, values in TextPrint.objects.filter(pk__in=banded).values_list("pk", "values")
        if fingerprints.similarity(
            signature.values, fingerprints.Signature.values_of(bytes(values))
        )
        >= threshold - ESTIMATE_MARGIN
    ]
    candidates = (
        TextPrint.objects.filter(pk__in=near)
        .select_related("version__submission", "material")
        .prefetch_related("version__activities")
    )
    found = []
    for text in candidates:
        score = fingerprints.jaccard(own, fingerprints.shingles(_text_of(text)) - shared)
        if score >= threshold:
            found.append((text, score))
    found.sort(key=lambda item: -item[1])
    return found


def check_texts(version: SubmissionVersion, rules: Rules) -> None:
    submission = version.submission
    participant = submission.participant
    campaign = participant.campaign
    shared = fingerprints.shared_shingles(shared_passages(campaign, rules))
    threshold = float(rules.text_similarity)
    for source, text in version_texts(version).items():
        signature = fingerprints.signature(text, shared)
        if signature is None:
            continue
        own = frozenset(fingerprints.shingles(text) - shared)
        mine = index_text(
            signature,
            source=source,
            version=version,
            organization_id=participant.organization_id,
            year=campaign.year,
        )
        if mine is None:
            mine = TextPrint.objects.get(version=version, source=source)
        matches = similar_texts(signature, own, shared, threshold)
        if any(other.material_id for other, _ in matches):
            continue
        flagged = 0
        for other, score in matches:
            if other.pk == mine.pk or other.version is None or flagged >= MAX_MATCHES:
                continue
            if other.version.submission_id == submission.pk:
                continue
            if (other.version.submitted_at, other.version_id) >= (version.submitted_at, version.pk):
                continue  # the later of the two is the copy
            same_unit = other.organization_id == participant.organization_id
            if same_unit and (other.year or 0) >= campaign.year:
                continue  # a unit may repeat itself within a year
            low, high = sorted((mine.pk, other.pk))
            _raise(
                version,
                pair=f"text:{low}:{high}",
                kind=FlagKind.COPIED_TEXT,
                severity=Severity.MEDIUM if same_unit else Severity.HIGH,
                other_version=other.version,
                text_source=source,
                score=round(score, 3),
                details={
                    "similarity": round(score, 3),
                    "other_source": other.source,
                    "same_unit": same_unit,
                },
            )
            flagged += 1


# Figures --------------------------------------------------------------------------------


def _values(version: SubmissionVersion) -> dict[int, Decimal]:
    return {v.indicator_id: v.value for v in version.values.all()}


def check_figures(version: SubmissionVersion, rules: Rules) -> None:
    submission = version.submission
    values = _values(version)
    for bound in rules.bounds.select_related("lesser", "greater"):
        lesser, greater = values.get(bound.lesser_id), values.get(bound.greater_id)
        if lesser is not None and greater is not None and lesser > greater:
            _raise(
                version,
                pair=f"bound:{submission.pk}:{bound.pk}",
                kind=FlagKind.FIGURES_CONTRADICT,
                severity=Severity.LOW,
                details={
                    "lesser": str(bound.lesser),
                    "lesser_value": str(lesser),
                    "greater": str(bound.greater),
                    "greater_value": str(greater),
                },
            )
    place = UnitPlace.objects.filter(organization=submission.participant.organization_id).first()
    reached = sum(a.people_reached for a in version.activities.all())
    if place is not None and place.population and reached > rules.reach_multiple * place.population:
        _raise(
            version,
            pair=f"reach:{submission.pk}",
            kind=FlagKind.FIGURES_CONTRADICT,
            severity=Severity.LOW,
            details={
                "people_reached": reached,
                "population": place.population,
                "multiple": rules.reach_multiple,
            },
        )
    _check_same_figures(version, values, rules)


def _check_same_figures(
    version: SubmissionVersion, values: dict[int, Decimal], rules: Rules
) -> None:
    submission = version.submission
    if submission.period is None or not values or not any(values.values()):
        return
    earlier = (
        Submission.objects.filter(
            participant=submission.participant_id,
            requirement=submission.requirement_id,
            period__due_at__lt=submission.period.due_at,
        )
        .exclude(state=State.DRAFT)
        .order_by("-period__due_at")
        .select_related("period")[: rules.same_figures_periods * 4]
    )
    run = [submission]
    for other in earlier:
        latest = other.versions.order_by("-number").first()
        if latest is None or _values(latest) != values:
            break
        run.append(other)
    if len(run) >= rules.same_figures_periods:
        start = run[-1]
        _raise(
            version,
            pair=f"same_figures:{start.pk}",
            kind=FlagKind.SAME_FIGURES,
            severity=Severity.LOW,
            details={
                "periods": len(run),
                "values": {str(k): str(v) for k, v in sorted(values.items())},
            },
        )


# Flags ----------------------------------------------------------------------------------


def _raise(version: SubmissionVersion, *, pair: str, **fields: Any) -> Flag | None:
    submission = version.submission
    try:
        with transaction.atomic():
            flag, created = Flag.objects.get_or_create(
                pair=pair,
                defaults={
                    "campaign_id": submission.participant.campaign_id,
                    "participant_id": submission.participant_id,
                    "submission": submission,
                    "version": version,
                    **fields,
                },
            )
    except IntegrityError:  # raised by another worker at the same moment
        return None
    return flag if created else None


def check_version(version_id: int) -> None:
    """Every check of one submitted version. Safe to run twice and in parallel."""
    version = (
        SubmissionVersion.objects.filter(pk=version_id)
        .select_related("submission__participant__campaign__owner", "submission__period")
        .first()
    )
    if version is None:
        return
    rules = rules_for(version.submission.participant.campaign)
    for attachment in version.attachments.all():
        facts = fingerprint(attachment)
        if facts.check.state != CheckState.CHECKED:
            continue
        check_media(version, attachment, facts, rules)
        if attachment.kind == PHOTO:
            check_dates_and_place(version, attachment, facts.check, rules)
    check_texts(version, rules)
    check_figures(version, rules)
