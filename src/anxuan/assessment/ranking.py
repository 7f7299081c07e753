"""Fair ranking: units are ranked only within the groups the office defines, by total and
then by the subtotals of the sections the office names as tie-breakers; units still equal
share the rank (1, 2, 2, 4). Awards go to the best units of a group by the total (or one
section's subtotal), vetoed units skipped, and are named only when the office confirms."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anxuan.assessment import services
from anxuan.assessment.models import Award, Item, Named, RankGroup, Rubric, Section
from anxuan.assessment.services import Sheet
from anxuan.campaigns.models import Participant
from anxuan.campaigns.selectors import participants_of
from anxuan.core import audit
from anxuan.orgs.models import Person


@dataclass(frozen=True)
class Place:
    participant: Participant
    sheet: Sheet
    rank: int
    subtotals: tuple[Decimal, ...]  # per section, in the rubric's order
    key: tuple[Decimal, ...]  # total, then the tie-breaking subtotals


def members(group: RankGroup, participants: Sequence[Participant]) -> list[Participant]:
    """The group's units: those picked by hand when any are, else those of its kinds."""
    picked = {p.pk for p in group.members.all()}
    if picked:
        return [p for p in participants if p.pk in picked]
    return [p for p in participants if p.organization.kind in group.kinds]


def tie_breakers(rubric: Rubric, sections: Sequence[Section]) -> list[Section]:
    """The sections that break a tie of totals: the office's, else the first section."""
    by_id = {s.pk: s for s in sections}
    chosen = [by_id[pk] for pk in rubric.tie_breakers if pk in by_id]
    return chosen or list(sections[:1])


def rank(
    rubric: Rubric,
    group: RankGroup,
    participants: Sequence[Participant],
    sheets: dict[int, Sheet],
    sections: dict[Section, list[Item]],
) -> list[Place]:
    order = list(sections)
    breakers = tie_breakers(rubric, order)
    rows = []
    for participant in members(group, participants):
        sheet = sheets[participant.pk]
        subtotals = tuple(sheet.section_total(sections[s]) for s in order)
        key = (sheet.total, *(subtotals[order.index(s)] for s in breakers))
        rows.append((participant, sheet, subtotals, key))
    rows.sort(key=lambda row: (tuple(-k for k in row[3]), row[0].organization.path))
    places: list[Place] = []
    for i, (participant, sheet, subtotals, key) in enumerate(rows):
        same = places and places[-1].key == key
        places.append(Place(participant, sheet, places[-1].rank if same else i + 1, subtotals, key))
    return places


@dataclass(frozen=True)
class Standings:
    """A rubric's whole result as the data stands: every unit's sheet and each group's
    ranking, the one reading the pages, exports, API and B12 share."""

    sections: dict[Section, list[Item]]
    participants: list[Participant]  # in the organisation tree's order
    sheets: dict[int, Sheet]
    groups: list[tuple[RankGroup, list[Place]]]


def standings(rubric: Rubric, now: datetime | None = None) -> Standings:
    sections = services.grouped(services.items_of(rubric))
    participants = list(
        participants_of(rubric.campaign)
        .select_related("organization")
        .order_by("organization__path")
    )
    sheets = services.sheets(rubric, [p.pk for p in participants], now=now)
    groups = rubric.groups.prefetch_related(
        "members", "awards__section", "awards__named__participant__organization"
    )
    ranked = [(g, rank(rubric, g, participants, sheets, sections)) for g in groups]
    return Standings(sections, participants, sheets, ranked)


@dataclass(frozen=True)
class Proposal:
    award: Award
    units: list[Place]
    tie_at_quota: bool  # the next unit scores the same as the last one proposed


def propose(award: Award, places: Sequence[Place], sections: Sequence[Section]) -> Proposal:
    """The best `quota` units for the award, skipping vetoed ones."""
    candidates = [p for p in places if not p.sheet.vetoed]
    if award.section_id is not None:
        at = [s.pk for s in sections].index(award.section_id)
        candidates.sort(key=lambda p: (-p.subtotals[at], p.rank))

        def score(place: Place) -> Decimal:
            return place.subtotals[at]
    else:

        def score(place: Place) -> Decimal:
            return place.sheet.total

    chosen = candidates[: award.quota]
    tie = bool(chosen) and len(candidates) > len(chosen)
    tie = tie and score(candidates[len(chosen)]) == score(chosen[-1])
    return Proposal(award, chosen, tie)


@transaction.atomic
def confirm(
    *, actor: Person, award: Award, chosen: Sequence[Participant], places: Sequence[Place]
) -> list[Named]:
    """Name the units the office confirms for the award (replacing an earlier choice):
    at most the quota, all of the group, none vetoed."""
    by_pk = {p.participant.pk: p for p in places}
    errors = []
    if len(chosen) > award.quota:
        errors.append(
            _("%(award)s: at most %(n)d units.") % {"award": award.title, "n": award.quota}
        )
    for unit in chosen:
        place = by_pk.get(unit.pk)
        if place is None:
            errors.append(_("%(unit)s is not in this group.") % {"unit": unit})
        elif place.sheet.vetoed:
            errors.append(_("%(unit)s is vetoed (一票否决).") % {"unit": unit})
    if errors:
        raise ValidationError(errors)
    Named.objects.filter(award=award).delete()
    named = [Named.objects.create(award=award, participant=u, by=actor) for u in chosen]
    audit.record(
        actor=actor,
        action="assessment.award",
        target=award,
        summary=f"{award}: " + "、".join(str(u) for u in chosen),
    )
    return named
