"""Ranking within groups with ties and tie-breakers; awards by quota skip vetoed units and
are named only as the office confirms."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anxuan.assessment import ranking, services
from anxuan.assessment.models import Award, Named, RankGroup
from anxuan.assessment.scoring import Outcome
from anxuan.campaigns import services as campaign_services
from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import OrgKind
from tests import factories


@pytest.fixture
def towns(county):
    """Five towns taking part (the county's two and three more), the department too."""
    more = [
        factories.org(name, OrgKind.TOWN, county.county)
        for name in ("巷道镇", "南华镇", "骆驼城镇")
    ]
    campaign_services.add_participants(
        actor=county.office_admin, campaign=county.campaign, organizations=more
    )
    rubric = services.from_template(county.campaign)
    group = RankGroup.objects.create(rubric=rubric, name="乡镇组", kinds=[OrgKind.TOWN])
    return rubric, group


def sheets_with(rubric, points: dict[str, tuple[str, str]], vetoed=()):
    """Sheets where each unit has its first section's subtotal and the rest as given."""
    items = services.items_of(rubric)
    sections = services.grouped(items)
    first, *_rest = sections
    found = {}
    for participant in rubric.campaign.participants.select_related("organization"):
        name = participant.organization.name
        head, tail = (Decimal(p) for p in points.get(name, ("0", "0")))
        sheet = services.Sheet(participant.pk)
        for item in items:
            sheet.outcomes[item.pk] = Outcome(Decimal(0))
        sheet.outcomes[sections[first][0].pk] = Outcome(head)
        sheet.outcomes[items[-1].pk] = Outcome(tail, vetoed=name in vetoed)
        found[participant.pk] = sheet
    return found, sections


def placed(rubric, group, found, sections):
    participants = list(rubric.campaign.participants.select_related("organization"))
    return ranking.rank(rubric, group, participants, found, sections)


def test_towns_rank_with_towns_ties_share_a_rank_and_the_first_section_breaks_them(towns):
    rubric, group = towns
    found, sections = sheets_with(
        rubric,
        {
            "城关镇": ("4", "5"),  # 9, first section 4
            "宣化镇": ("2", "7"),  # 9, first section 2
            "巷道镇": ("3", "3"),  # 6
            "南华镇": ("3", "3"),  # 6: the same total and the same first section
            "骆驼城镇": ("1", "1"),
            "县交通运输局": ("4", "9"),  # a department: not in the towns' group
        },
    )

    places = placed(rubric, group, found, sections)

    assert [(p.participant.organization.name, p.rank) for p in places] == [
        ("城关镇", 1),
        ("宣化镇", 2),
        ("巷道镇", 3),
        ("南华镇", 3),
        ("骆驼城镇", 5),
    ]
    assert places[0].key == (Decimal(9), Decimal(4))


def test_an_award_by_quota_skips_a_vetoed_unit_and_waits_for_the_office(county, towns):
    rubric, group = towns
    found, sections = sheets_with(
        rubric,
        {"城关镇": ("4", "6"), "宣化镇": ("3", "5"), "巷道镇": ("2", "5"), "南华镇": ("2", "5")},
        vetoed={"城关镇"},
    )
    places = placed(rubric, group, found, sections)
    award = Award.objects.create(group=group, title="先进单位", quota=2)

    proposal = ranking.propose(award, places, list(sections))

    assert [p.participant.organization.name for p in proposal.units] == ["宣化镇", "巷道镇"]
    assert proposal.tie_at_quota  # 南华镇 has 巷道镇's total: the office decides
    assert not Named.objects.exists()  # nothing named before the office confirms

    vetoed = places[0].participant
    with pytest.raises(ValidationError) as refused:
        ranking.confirm(actor=county.office_admin, award=award, chosen=[vetoed], places=places)
    assert (
        refused.value.messages == ["城关镇 is vetoed (一票否决)."]
        or "一票否决" in (refused.value.messages[0])
    )
    chosen = [p.participant for p in proposal.units]
    ranking.confirm(actor=county.office_admin, award=award, chosen=chosen, places=places)
    assert {n.participant for n in Named.objects.all()} == set(chosen)
    assert AuditEntry.objects.filter(action="assessment.award").exists()


def test_an_award_by_a_sections_subtotal(county, towns):
    rubric, group = towns
    found, sections = sheets_with(rubric, {"城关镇": ("1", "9"), "宣化镇": ("4", "0")})
    places = placed(rubric, group, found, sections)
    first = next(iter(sections))
    award = Award.objects.create(group=group, title="优秀组织单位", quota=1, section=first)

    proposal = ranking.propose(award, places, list(sections))

    assert [p.participant.organization.name for p in proposal.units] == ["宣化镇"]
    assert places[0].participant.organization.name == "城关镇"  # first by the total
