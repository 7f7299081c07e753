"""Writes on flags, rules and shared materials. Each checks permission, changes rows in one
transaction and leaves an audit row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign, Indicator
from anxuan.core import files
from anxuan.core import tasks as core_tasks
from anxuan.core.audit import changes, record, removal, snapshot
from anxuan.core.files import Inspected
from anxuan.integrity import tasks
from anxuan.integrity.checks import rules_for
from anxuan.integrity.enums import FlagState
from anxuan.integrity.models import (
    Explanation,
    ExplanationFile,
    FigureBound,
    Flag,
    Rules,
    SharedMaterial,
    UnitPlace,
)
from anxuan.integrity.rules import can_decide, can_explain, can_share_materials
from anxuan.orgs.models import Organization, Person
from anxuan.reports.services import StateConflict, Upload

MAX_EXPLANATION_FILES = 9


def _locked(flag: Flag) -> Flag:
    return (
        Flag.objects.select_for_update()
        .select_related("campaign__owner", "submission")
        .get(pk=flag.pk)
    )


def _queue_processing(model: type[SharedMaterial] | type[ExplanationFile], ids: list[int]) -> None:
    label = model._meta.label
    transaction.on_commit(lambda: [core_tasks.process_stored_file(label, pk) for pk in ids])


@transaction.atomic
def explain(*, actor: Person, flag: Flag, text: str, uploads: list[Upload]) -> Explanation:
    """The unit's answer to a flag, with new evidence; the flag waits for the office again.
    The same text with the same files from the same person is kept once.
    Side effects: explanation and file rows, files in storage, audit row, thumbnails queued."""
    flag = _locked(flag)
    if not can_explain(actor, flag):
        if flag.state in (FlagState.CONFIRMED, FlagState.DISMISSED):
            raise StateConflict(_("The office has already decided on this flag."))
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say why this is not formalism.")})
    if len(uploads) > MAX_EXPLANATION_FILES:
        raise ValidationError(
            {"files": _("At most %(n)d files with one explanation.") % {"n": MAX_EXPLANATION_FILES}}
        )
    hashes = sorted(upload[2].sha256 for upload in uploads)
    for earlier in flag.explanations.filter(author=actor, text=text).prefetch_related("files"):
        if sorted(f.sha256 for f in earlier.files.all()) == hashes:
            return earlier  # the same answer sent twice (a double click, a resent form)
    explanation = Explanation.objects.create(flag=flag, text=text, author=actor)
    made = [
        ExplanationFile.objects.create(explanation=explanation, **files.stored_fields(upload))
        for upload in uploads
    ]
    flag.state = FlagState.EXPLAINED
    flag.save(update_fields=["state"])
    record(
        actor=actor,
        action="integrity.explain",
        target=flag,
        summary=text[:200],
        files=[f.sha256 for f in made],
    )
    _queue_processing(ExplanationFile, [f.pk for f in made])
    return explanation


def _decide(actor: Person, flag: Flag, state: str, reason: str) -> Flag:
    flag = _locked(flag)
    if not can_decide(actor, flag):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if flag.state == state and flag.decision_reason == reason:
        return flag  # a double click
    before = flag.state
    flag.state, flag.decision_reason = state, reason
    flag.decided_by, flag.decided_at = actor, timezone.now()
    flag.save(update_fields=["state", "decision_reason", "decided_by", "decided_at"])
    record(
        actor=actor,
        action=f"integrity.{state}",
        target=flag,
        summary=reason[:200],
        changes={"state": [before, state]},
    )
    return flag


@transaction.atomic
def confirm(*, actor: Person, flag: Flag, reason: str) -> Flag:
    """The office finds it is formalism: counted against the unit (selectors.confirmed_by_unit).
    A decision may be changed later, with a new reason; each one is audited."""
    return _decide(actor, flag, FlagState.CONFIRMED, reason)


@transaction.atomic
def dismiss(*, actor: Person, flag: Flag, reason: str) -> Flag:
    """Not formalism. The pair is remembered by the flag itself, so it never comes back."""
    return _decide(actor, flag, FlagState.DISMISSED, reason)


# The office's rules (the rules page) ------------------------------------------------------

RULE_FIELDS = (
    "photo_radius",
    "video_frames",
    "text_similarity",
    "date_tolerance_days",
    "activity_tolerance_days",
    "distance_km",
    "same_figures_periods",
    "reach_multiple",
    "shared_text",
)


def _may_set_rules(actor: Person, campaign: Campaign) -> None:
    if not actor.has_perm("integrity.set_rules", campaign):
        raise PermissionDenied


@transaction.atomic
def set_rules(*, actor: Person, campaign: Campaign, values: dict[str, object]) -> Rules:
    """Change the campaign's thresholds (any of RULE_FIELDS); the checks of reports
    submitted from now on follow them. Side effects: the Rules row, an audit row with what
    changed."""
    _may_set_rules(actor, campaign)
    rules = Rules.objects.select_for_update().get(pk=rules_for(campaign).pk)
    before = snapshot(rules)
    for name, value in values.items():
        if name not in RULE_FIELDS:
            raise ValueError(name)
        setattr(rules, name, value)
    rules.full_clean()
    changed = changes(before, rules)
    if changed:
        rules.save()
        record(actor=actor, action="integrity.set_rules", target=rules, changes=changed)
    return rules


@transaction.atomic
def add_bound(
    *, actor: Person, campaign: Campaign, lesser: Indicator, greater: Indicator
) -> FigureBound:
    """Within one report of `campaign`, `lesser` may not exceed `greater`. Both must be
    indicators of the campaign. Side effects: the row, an audit row."""
    _may_set_rules(actor, campaign)
    own = set(campaign.indicators.values_list("pk", flat=True))
    if lesser.pk not in own or greater.pk not in own:
        raise ValidationError(_("Choose two of the campaign's indicators."))
    if lesser.pk == greater.pk:
        raise ValidationError(_("Choose two different indicators."))
    rules = rules_for(campaign)
    bound, created = FigureBound.objects.get_or_create(rules=rules, lesser=lesser, greater=greater)
    if created:
        record(actor=actor, action="integrity.add_bound", target=rules, summary=str(bound))
    return bound


@transaction.atomic
def remove_bound(*, actor: Person, bound: FigureBound) -> None:
    _may_set_rules(actor, bound.rules.campaign)
    record(
        actor=actor,
        action="integrity.remove_bound",
        target=bound.rules,
        summary=str(bound),
        changes=removal(bound),
    )
    bound.delete()


Place = tuple[float | None, float | None, int | None]  # latitude, longitude, population


@transaction.atomic
def set_unit_places(
    *, actor: Person, campaign: Campaign, places: dict[int, Place]
) -> list[UnitPlace]:
    """Where the campaign's units are and how many people they have, by organisation id
    (only organisations taking part in `campaign`). A unit's place is its own, so every
    campaign it takes part in uses it. Side effects: UnitPlace rows, an audit row per unit
    changed."""
    _may_set_rules(actor, campaign)
    taking_part = set(campaign.participants.values_list("organization_id", flat=True))
    if not set(places) <= taking_part:
        raise PermissionDenied
    existing = {
        p.organization_id: p
        for p in UnitPlace.objects.select_for_update().filter(organization__in=list(places))
    }
    saved = []
    for org_id, (latitude, longitude, population) in sorted(places.items()):
        place = existing.get(org_id) or UnitPlace(organization_id=org_id)
        before = snapshot(place)
        place.latitude, place.longitude, place.population = latitude, longitude, population
        changed = changes(before, place)
        if not changed:
            continue
        if (latitude is None) != (longitude is None):
            raise ValidationError({str(org_id): _("Give both latitude and longitude, or neither.")})
        place.full_clean()
        place.save()
        record(actor=actor, action="integrity.set_place", target=place, changes=changed)
        saved.append(place)
    return saved


@transaction.atomic
def share_material(
    *, actor: Person, owner: Organization, title: str, text: str, upload: Upload | None
) -> SharedMaterial:
    """An official poster, photo or text the units below `owner` may show or repeat.
    Side effects: the row, the file in storage, audit row; thumbnail and fingerprints queued."""
    if not can_share_materials(actor, owner):
        raise PermissionDenied
    title, text = title.strip(), text.strip()
    if not title:
        raise ValidationError({"title": _("Give the material a title.")})
    if upload is None and not text:
        raise ValidationError({"file": _("Upload a file or paste the text.")})
    stored: dict[str, object] = (
        files.stored_fields(upload)
        if upload is not None
        else {
            "kind": "text",
            "content_type": "text/plain",
            "original_name": "",
            "sha256": "",
            "storage_name": "",
            "size": len(text.encode()),
            "processed_at": timezone.now(),  # nothing for the worker to do
        }
    )
    if upload is not None and upload[2].kind not in (files.PHOTO, files.VIDEO) and not text:
        raise ValidationError({"file": _("Shared materials are photos, videos or texts.")})
    material = SharedMaterial.objects.create(
        owner=owner, title=title, text=text, added_by=actor, **stored
    )
    record(actor=actor, action="integrity.share", target=material, summary=title)
    if upload is not None:
        _queue_processing(SharedMaterial, [material.pk])
        transaction.on_commit(lambda: tasks.fingerprint_material(material.pk))
    return material


@transaction.atomic
def remove_material(*, actor: Person, material: SharedMaterial) -> None:
    if not can_share_materials(actor, material.owner):
        raise PermissionDenied
    record(actor=actor, action="integrity.unshare", target=material, summary=material.title)
    material.delete()


__all__ = [
    "Inspected",
    "add_bound",
    "confirm",
    "dismiss",
    "explain",
    "remove_bound",
    "remove_material",
    "set_rules",
    "set_unit_places",
    "share_material",
]
