"""Scoring a campaign's participants against its rubric: checking a rubric adds up, the
template, opening, self-scores, assessors' scores and closing.

`sheets` computes every automatic item for every participant: each measure once per set of
parameters for all units (campaigns.measures), then the item's rule (scoring.score), then
the assessors' scores over it. While the assessment is open nothing computed is stored and
the points follow the data; closing freezes them (FrozenScore)."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.assessment import template
from anxuan.assessment.enums import RubricState, Rule
from anxuan.assessment.measures import reports
from anxuan.assessment.models import (
    AssessedScore,
    Assessor,
    FrozenScore,
    Item,
    Rubric,
    Section,
    SelfScore,
    Visit,
    VisitPhoto,
)
from anxuan.assessment.scoring import ZERO, Outcome, plain, score
from anxuan.assessment.scoring import points as scoring_points
from anxuan.campaigns import measures
from anxuan.campaigns.models import Campaign, Participant
from anxuan.campaigns.selectors import participants_of
from anxuan.core import audit, files
from anxuan.core import tasks as core_tasks
from anxuan.orgs.enums import OFFICE_ROLES, Role
from anxuan.orgs.models import Person
from anxuan.orgs.rules import has_role_over, own_org_ids
from anxuan.reports.models import Submission

RULES_WITH_PER_UNIT = (Rule.PER_COUNT, Rule.TIMELINESS, Rule.REGULARITY)
TIERS = 4


@dataclass
class Sheet:
    """One unit's scoring table: per item what the data gives (`computed`), the unit's
    self-score, the assessors' scores, and the item's points (`outcomes`): the assessors'
    combined where they scored it, else the computed; subtotals per section, the total."""

    participant_id: int
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # by item id
    computed: dict[int, Outcome] = field(default_factory=dict)
    values: dict[int, Decimal | None] = field(default_factory=dict)  # the measure's, by item
    self_scores: dict[int, SelfScore] = field(default_factory=dict)
    assessed: dict[int, list[AssessedScore]] = field(default_factory=dict)

    def section_total(self, items: Sequence[Item]) -> Decimal:
        return sum((self.outcomes[i.pk].points or ZERO for i in items), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((o.points or ZERO for o in self.outcomes.values()), ZERO)

    @property
    def vetoed(self) -> bool:
        return any(o.vetoed for o in self.outcomes.values())

    @property
    def pending(self) -> int:
        """Items an assessor still has to score."""
        return sum(o.points is None for o in self.outcomes.values())

    def cited_visits(self, item_id: int) -> list[Visit]:
        """The supervision visits the item's assessors cited, each once, by date."""
        cited = {v.pk: v for s in self.assessed.get(item_id, []) for v in s.visits.all()}
        return sorted(cited.values(), key=lambda v: (v.visited_on, v.pk))

    def spread(self, item_id: int) -> Decimal:
        """How far apart the assessors' scores of the item are."""
        found = [s.points for s in self.assessed.get(item_id, [])]
        return max(found) - min(found) if found else ZERO


def combine(points: Sequence[Decimal]) -> Decimal:
    """Several assessors' scores as one: the mean of one or two, the median of three or
    more (one assessor far off moves it least)."""
    ordered = sorted(points)
    if len(ordered) <= 2:
        return scoring_points(sum(ordered, ZERO) / len(ordered))
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return scoring_points((ordered[middle - 1] + ordered[middle]) / 2)


def items_of(rubric: Rubric) -> list[Item]:
    return list(
        Item.objects.filter(section__rubric=rubric)
        .select_related("section")
        .order_by("section__order", "section_id", "order", "id")
    )


def sheets(
    rubric: Rubric, participant_ids: Sequence[int] | None = None, now: datetime | None = None
) -> dict[int, Sheet]:
    """Every participant's sheet (or those of `participant_ids`), judged at `now`; once the
    assessment is closed, what was frozen at closing."""
    ids = list(
        participant_ids
        if participant_ids is not None
        else participants_of(rubric.campaign).values_list("pk", flat=True)
    )
    found = {pid: Sheet(pid) for pid in ids}
    if rubric.state == RubricState.CLOSED:
        frozen_rows = FrozenScore.objects.filter(
            item__section__rubric=rubric, participant_id__in=ids
        ).prefetch_related("amendments")
        for frozen in frozen_rows:
            sheet = found[frozen.participant_id]
            sheet.computed[frozen.item_id] = Outcome(frozen.points, frozen.why, frozen.vetoed)
            amendments = list(frozen.amendments.all())  # in time order
            sheet.outcomes[frozen.item_id] = (
                Outcome(
                    amendments[-1].after,
                    _("Corrected: %(reason)s") % {"reason": amendments[-1].reason},
                    frozen.vetoed,
                )
                if amendments
                else sheet.computed[frozen.item_id]
            )
            sheet.values[frozen.item_id] = frozen.value
        _add_scores(rubric, found)
        return found
    _compute(rubric, found, now or timezone.now())
    _add_scores(rubric, found)
    for sheet in found.values():
        for item_id, computed in sheet.computed.items():
            scores = sheet.assessed.get(item_id)
            sheet.outcomes[item_id] = (
                Outcome(
                    combine([s.points for s in scores]),
                    _("Assessed (%(n)d assessors)") % {"n": len(scores)},
                    computed.vetoed,
                )
                if scores
                else computed
            )
    return found


def _compute(rubric: Rubric, found: dict[int, Sheet], now: datetime) -> None:
    ids = list(found)
    shared: dict[str, object] = {}
    for item in items_of(rubric):
        measure = measures.get(item.measure) if item.measure else None
        params = {k: str(v) for k, v in item.measure_params.items() if v not in ("", None)}
        query = measures.Query(rubric.campaign, ids, params, now, shared)
        values = measure.compute(query) if measure else {}
        bound = reports(query) if "requirement" in params else {}
        for pid, sheet in found.items():
            value = values.get(pid) if measure else None
            sent = bound.get(pid)
            sheet.values[item.pk] = value
            sheet.computed[item.pk] = score(
                item,
                value,
                late=bool(sent) and any(r.days_late > 0 for r in sent or ()),
                no_document=bool(sent) and all(r.no_document for r in sent or ()),
            )


def _add_scores(rubric: Rubric, found: dict[int, Sheet]) -> None:
    ids = list(found)
    own_scores = SelfScore.objects.filter(
        item__section__rubric=rubric, participant_id__in=ids
    ).prefetch_related("reports__period__requirement", "reports__requirement")
    for own in own_scores:
        found[own.participant_id].self_scores[own.item_id] = own
    assessed = (
        AssessedScore.objects.filter(item__section__rubric=rubric, participant_id__in=ids)
        .select_related("assessor")
        .prefetch_related("visits")
    )
    for given in assessed.order_by("at", "pk"):
        found[given.participant_id].assessed.setdefault(given.item_id, []).append(given)


def problems(rubric: Rubric) -> list[str]:
    """What is wrong with a rubric, in words naming the item: points that do not add up to
    the rubric's total, parameters its rule needs, a measure unknown or missing its
    parameters. Empty when it may be opened for scoring."""
    found: list[str] = []
    items = items_of(rubric)
    counted = sum((i.max_points for i in items if i.rule != Rule.VETO), ZERO)
    if counted != rubric.total_points:
        found.append(
            _("The items' points add up to %(sum)s, not the rubric's %(total)s.")
            % {"sum": plain(counted), "total": plain(rubric.total_points)}
        )
    requirements = set(rubric.campaign.requirements.values_list("pk", flat=True))
    for item in items:
        found += [f"{item.section} · {item}: {p}" for p in item_problems(item, requirements)]
    return found


def item_problems(item: Item, requirements: set[int]) -> list[str]:
    found = []
    if item.rule in RULES_WITH_PER_UNIT and not item.per_unit:
        found.append(_("points per thing, day or period are needed"))
    if item.rule == Rule.TIERED:
        tiers = item.tiers if isinstance(item.tiers, list) else []
        if len(tiers) != TIERS or any(Decimal(str(t)) < 0 for t in tiers):
            found.append(_("four deductions (1, 2, 3, ≥4 occurrences) are needed"))
        elif any(Decimal(str(a)) > Decimal(str(b)) for a, b in pairwise(tiers)):
            found.append(_("a deduction is smaller than the one before it"))
    if item.rule == Rule.VETO and item.max_points:
        found.append(_("a veto item carries no points"))
    needs_measure = item.rule in (Rule.TIMELINESS, Rule.REGULARITY, Rule.VETO, Rule.TIERED)
    if item.rule == Rule.MANUAL:
        if item.measure:
            found.append(_("an item scored by the assessor is not computed"))
        return found
    if not item.measure:
        if needs_measure or item.rule in (Rule.PER_COUNT, Rule.DONE):
            found.append(_("choose what it is computed from, or score it by the assessor"))
        return found
    measure = measures.get(item.measure)
    if measure is None:
        return [*found, _("computed from an unknown measure “%(key)s”") % {"key": item.measure}]
    for param in measure.params:
        value = str(item.measure_params.get(param.name) or "")
        if param.required and not value:
            found.append(_("%(param)s is needed") % {"param": param.label})
        if param.kind == "requirement" and value and int(value) not in requirements:
            found.append(_("the requirement is not one of this campaign's"))
    if (item.zero_if_late or item.zero_if_no_document) and "requirement" not in {
        p.name for p in measure.params
    }:
        found.append(_("“late: 0” and “no document: 0” need a measure of a requirement"))
    return found


@transaction.atomic
def from_template(campaign: Campaign) -> Rubric:
    """The campaign's rubric, made from the shipped template (template.SECTIONS), its
    items bound to the campaign's requirements by kind where the template names one."""
    by_kind: dict[str, int] = {}
    for pk, kind in campaign.requirements.order_by("order", "pk").values_list("pk", "kind"):
        by_kind.setdefault(kind, pk)
    rubric = Rubric.objects.create(campaign=campaign, title=_("Assessment scoring table"))
    for s_order, (title, rows) in enumerate(template.SECTIONS):
        section = Section.objects.create(rubric=rubric, order=s_order, title=str(title))
        for order, row in enumerate(rows):
            params: dict[str, str | int] = dict(row.get("params", {}))
            kind = str(row.get("requirement", ""))
            measure = str(row.get("measure", ""))
            if kind:
                if kind not in by_kind:  # the campaign asks for no such report
                    measure = ""
                else:
                    params["requirement"] = by_kind[kind]
            computed = bool(measure)  # else the assessor scores it, by its criterion
            Item.objects.create(
                section=section,
                order=order,
                title=str(row["title"]),
                criterion=str(row.get("criterion", "")),
                max_points=Decimal(str(row["points"])),
                rule=str(row["rule"]) if computed else Rule.MANUAL,
                per_unit=Decimal(str(row["per_unit"]))
                if computed and row.get("per_unit")
                else None,
                cap=Decimal(str(row["cap"])) if computed and row.get("cap") else None,
                tiers=list(row.get("tiers", [])) if computed else [],
                evidence=str(row.get("evidence", "")),
                measure=measure,
                measure_params=params if computed else {},
                zero_if_no_data=computed and bool(row.get("zero_if_no_data")),
                zero_if_late=computed and bool(row.get("zero_if_late")),
            )
    rubric.total_points = sum((i.max_points for i in items_of(rubric) if i.rule != Rule.VETO), ZERO)
    rubric.save(update_fields=["total_points"])
    return rubric


def grouped(items: Sequence[Item]) -> dict[Section, list[Item]]:
    """Items by section, in order."""
    out: dict[Section, list[Item]] = defaultdict(list)
    for item in items:
        out[item.section].append(item)
    return dict(out)


# Opening, scoring, closing -------------------------------------------------------------


@transaction.atomic
def open_for_scoring(*, actor: Person, rubric: Rubric) -> Rubric:
    """Open the assessment: units may self-score, assessors score. Refused while the rubric
    does not add up or an item lacks what its rule needs (the reasons, naming the items)."""
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.state == RubricState.CLOSED:
        raise ValidationError(_("The assessment is closed."))
    found = problems(locked)
    if found:
        raise ValidationError(found)
    locked.state = RubricState.OPEN
    locked.save(update_fields=["state", "updated_at"])
    audit.record(actor=actor, action="assessment.open", target=locked, summary=str(locked))
    return locked


@transaction.atomic
def close(*, actor: Person, rubric: Rubric, now: datetime | None = None) -> Rubric:
    """Close the assessment: every unit's points per item as they stand are written into
    FrozenScore, and from then on the sheets read those, whatever the data does."""
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.state != RubricState.OPEN:
        raise ValidationError(_("Only an open assessment can be closed."))
    found = sheets(locked, now=now)
    FrozenScore.objects.bulk_create(
        FrozenScore(
            item_id=item_id,
            participant_id=sheet.participant_id,
            value=sheet.values.get(item_id),
            points=outcome.points,
            why=outcome.why[:200],
            vetoed=outcome.vetoed,
        )
        for sheet in found.values()
        for item_id, outcome in sheet.outcomes.items()
    )
    locked.state = RubricState.CLOSED
    locked.save(update_fields=["state", "updated_at"])
    audit.record(actor=actor, action="assessment.close", target=locked, summary=str(locked))
    return locked


@dataclass(frozen=True)
class Entry:
    """One item's score as a unit or an assessor enters it."""

    item: Item
    points: Decimal | None  # None: left empty (nothing saved, an earlier one removed)
    words: str = ""  # the self-score's evidence, or the assessor's reason
    reports: tuple[int, ...] = ()  # a self-score's own reports cited
    visits: tuple[int, ...] = ()  # an assessed score's supervision visits cited


def _check_points(entries: Sequence[Entry]) -> None:
    errors = []
    for entry in entries:
        if entry.points is None:
            continue
        if entry.points < 0:
            errors.append(_("%(item)s: a score may not be negative.") % {"item": entry.item})
        elif entry.points > entry.item.max_points:
            errors.append(
                _("%(item)s: at most %(max)s points.")
                % {"item": entry.item, "max": plain(entry.item.max_points)}
            )
    if errors:
        raise ValidationError(errors)


def _open(rubric: Rubric) -> Rubric:
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.state != RubricState.OPEN:
        raise ValidationError(_("The assessment is not open for scoring."))
    return locked


@transaction.atomic
def self_score(
    *,
    actor: Person,
    participant: Participant,
    entries: Sequence[Entry],
    now: datetime | None = None,
) -> int:
    """Save a unit's self-scores (all or nothing); returns how many are saved."""
    rubric = _open(participant.campaign.rubric)
    now = now or timezone.now()
    if rubric.self_scores_until and now > rubric.self_scores_until:
        raise ValidationError(
            _("Self-scores were accepted until %(when)s.")
            % {"when": timezone.localtime(rubric.self_scores_until).strftime("%Y-%m-%d %H:%M")}
        )
    _check_points(entries)
    own = set(Submission.objects.filter(participant=participant).values_list("pk", flat=True))
    saved = 0
    for entry in entries:
        if entry.item.section.rubric_id != rubric.pk:
            raise ValidationError(_("The item is not one of this assessment's."))
        if entry.points is None:
            SelfScore.objects.filter(item=entry.item, participant=participant).delete()
            continue
        found, _created = SelfScore.objects.update_or_create(
            item=entry.item,
            participant=participant,
            defaults={"points": entry.points, "note": entry.words.strip(), "by": actor},
        )
        found.reports.set([pk for pk in entry.reports if pk in own])
        saved += 1
    audit.record(
        actor=actor, action="assessment.self_score", target=participant, summary=str(participant)
    )
    return saved


def may_assess(person: Person, participant: Participant) -> bool:
    """Office staff of the organiser, or an assessor the office named for the unit; never
    for an organisation they belong to."""
    if participant.organization_id in own_org_ids(person, list(Role)):
        return False
    if has_role_over(person, participant.campaign.owner, OFFICE_ROLES):
        return True
    return (
        Assessor.objects.filter(rubric__campaign_id=participant.campaign_id, person=person)
        .filter(Q(units__isnull=True) | Q(units=participant))
        .exists()
    )


def assessed_reports(person: Person) -> Q:
    """The reports a named assessor may read (core.grants): those of the units they were
    named for (every unit of the rubric's campaign when none were listed), so the reports a
    self-score cites open for them. The office's own staff read them by their roles."""
    everyone = Assessor.objects.filter(person=person, units__isnull=True)
    listed = Assessor.units.through.objects.filter(assessor__person=person)
    return Q(participant__campaign__in=everyone.values("rubric__campaign")) | Q(
        participant__in=listed.values("participant")
    )


def to_assess(person: Person, rubric: Rubric) -> list[Participant]:
    """The units a person may assess under the rubric (may_assess for all at once), in the
    organisation tree's order."""
    units = participants_of(rubric.campaign).order_by("organization__path")
    own = set(own_org_ids(person, list(Role)))
    if has_role_over(person, rubric.campaign.owner, OFFICE_ROLES):
        return [u for u in units if u.organization_id not in own]
    named = Assessor.objects.filter(rubric=rubric, person=person).first()
    if named is None:
        return []
    listed = {u.pk for u in named.units.all()}
    return [u for u in units if u.organization_id not in own and (not listed or u.pk in listed)]


@transaction.atomic
def name_assessor(
    *, actor: Person, rubric: Rubric, person: Person, units: Sequence[Participant]
) -> Assessor:
    """Name (or re-name, with other units) an assessor; their scores so far stay."""
    if any(u.campaign_id != rubric.campaign_id for u in units):
        raise ValidationError(_("The unit does not take part in this campaign."))
    found, _created = Assessor.objects.get_or_create(
        rubric=rubric, person=person, defaults={"named_by": actor}
    )
    found.units.set(units)
    audit.record(
        actor=actor,
        action="assessment.assessor",
        target=rubric,
        summary=f"{person}: " + ("、".join(str(u) for u in units) or _("every unit")),
    )
    return found


@transaction.atomic
def remove_assessor(*, actor: Person, assessor: Assessor) -> None:
    """No longer an assessor: the scores they gave stay, as the record of who scored."""
    audit.record(
        actor=actor,
        action="assessment.assessor_removed",
        target=assessor.rubric,
        summary=str(assessor.person),
    )
    assessor.delete()


@transaction.atomic
def assess(*, actor: Person, participant: Participant, entries: Sequence[Entry]) -> int:
    """Save one assessor's scores of a unit (all or nothing), each with its reason."""
    rubric = _open(participant.campaign.rubric)
    if not may_assess(actor, participant):
        raise ValidationError(_("You may not assess your own organisation."))
    _check_points(entries)
    missing = [e.item for e in entries if e.points is not None and not e.words.strip()]
    if missing:
        raise ValidationError(
            [_("%(item)s: give the reason for the score.") % {"item": i} for i in missing]
        )
    visits = set(Visit.objects.filter(participant=participant).values_list("pk", flat=True))
    saved = 0
    for entry in entries:
        if entry.item.section.rubric_id != rubric.pk:
            raise ValidationError(_("The item is not one of this assessment's."))
        if entry.points is None:
            AssessedScore.objects.filter(
                item=entry.item, participant=participant, assessor=actor
            ).delete()
            continue
        given, _created = AssessedScore.objects.update_or_create(
            item=entry.item,
            participant=participant,
            assessor=actor,
            defaults={"points": entry.points, "reason": entry.words.strip()},
        )
        given.visits.set([pk for pk in entry.visits if pk in visits])
        saved += 1
    audit.record(
        actor=actor, action="assessment.assess", target=participant, summary=str(participant)
    )
    return saved


# Supervision visits --------------------------------------------------------------------

MAX_VISIT_PHOTOS = 9


@transaction.atomic
def record_visit(
    *,
    actor: Person,
    participant: Participant,
    visited_on: date,
    visitors: str,
    findings: str,
    uploads: Sequence[files.Upload],
) -> Visit:
    """Record a supervision visit (督导) to a unit, with its photos: by those who may
    assess it. The same visit sent twice (a double click) is kept once."""
    if not may_assess(actor, participant):
        raise PermissionDenied
    visitors, findings = visitors.strip(), findings.strip()
    errors: dict[str, str] = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("The visit cannot be in the future.")
    if not visitors:
        errors["visitors"] = _("Say who went.")
    if not findings:
        errors["findings"] = _("Say what the visit found.")
    if any(u[2].kind != files.PHOTO for u in uploads):
        errors["photos"] = _("A visit's files are photos.")
    elif len(uploads) > MAX_VISIT_PHOTOS:
        errors["photos"] = _("At most %(n)d photos with one visit.") % {"n": MAX_VISIT_PHOTOS}
    if errors:
        raise ValidationError(errors)
    same = Visit.objects.filter(
        participant=participant,
        recorded_by=actor,
        visited_on=visited_on,
        visitors=visitors,
        findings=findings,
    ).first()
    if same is not None:
        return same
    visit = Visit.objects.create(
        participant=participant,
        visited_on=visited_on,
        visitors=visitors,
        findings=findings,
        recorded_by=actor,
    )
    photos = [VisitPhoto.objects.create(visit=visit, **files.stored_fields(u)) for u in uploads]
    audit.record(
        actor=actor,
        action="assessment.visit",
        target=participant,
        summary=f"{visit}: {findings[:150]}",
        files=[p.sha256 for p in photos],
    )
    label = VisitPhoto._meta.label
    ids = [p.pk for p in photos]
    transaction.on_commit(lambda: [core_tasks.process_stored_file(label, pk) for pk in ids])
    return visit
