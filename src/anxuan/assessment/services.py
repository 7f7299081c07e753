"""Scoring a campaign's participants against its rubric, and checking a rubric adds up.

`sheets` computes every automatic item for every participant: each measure once per set of
parameters for all units (campaigns.measures), then the item's rule (scoring.score). While
the rubric is open the points follow the data; nothing is stored here."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.assessment import template
from anxuan.assessment.enums import Rule
from anxuan.assessment.measures import reports
from anxuan.assessment.models import Item, Rubric, Section
from anxuan.assessment.scoring import ZERO, Outcome, plain, score
from anxuan.campaigns import measures
from anxuan.campaigns.models import Campaign
from anxuan.campaigns.selectors import participants_of

RULES_WITH_PER_UNIT = (Rule.PER_COUNT, Rule.TIMELINESS, Rule.REGULARITY)
TIERS = 4


@dataclass
class Sheet:
    """One unit's scoring table: an outcome per item, subtotals per section, the total."""

    participant_id: int
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # by item id
    values: dict[int, Decimal | None] = field(default_factory=dict)  # the measure's, by item

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


def items_of(rubric: Rubric) -> list[Item]:
    return list(
        Item.objects.filter(section__rubric=rubric)
        .select_related("section")
        .order_by("section__order", "section_id", "order", "id")
    )


def sheets(
    rubric: Rubric, participant_ids: Sequence[int] | None = None, now: datetime | None = None
) -> dict[int, Sheet]:
    """Every participant's sheet (or those of `participant_ids`), judged at `now`."""
    now = now or timezone.now()
    campaign = rubric.campaign
    ids = list(
        participant_ids
        if participant_ids is not None
        else participants_of(campaign).values_list("pk", flat=True)
    )
    shared: dict[str, object] = {}
    found = {pid: Sheet(pid) for pid in ids}
    for item in items_of(rubric):
        measure = measures.get(item.measure) if item.measure else None
        params = {k: str(v) for k, v in item.measure_params.items() if v not in ("", None)}
        query = measures.Query(campaign, ids, params, now, shared)
        values = measure.compute(query) if measure else {}
        bound = reports(query) if "requirement" in params else {}
        for pid, sheet in found.items():
            value = values.get(pid) if measure else None
            sent = bound.get(pid)
            sheet.values[item.pk] = value
            sheet.outcomes[item.pk] = score(
                item,
                value,
                late=bool(sent) and any(r.days_late > 0 for r in sent or ()),
                no_document=bool(sent) and all(r.no_document for r in sent or ()),
            )
    return found


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
