"""bench/national_data.py at scale 0.02 (~3 000 units, ~14 000 reports): what it loads with
COPY has the shape the app's own services give a linked campaign, and the app's board and
roll-ups count it (once the tallies are recounted) as plain SQL does."""

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.models import Campaign, Participant, Requirement
from anxuan.orgs import services as org_services
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports.models import Submission

# The generator loads with COPY: PostgreSQL only (tests/conftest.py leaves it out elsewhere).
pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]
SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "national_data.py"
CAMPAIGN_FIELDS = [
    "kind",
    "theme",
    "year",
    "starts_on",
    "ends_on",
    "office_name",
    "committee",
    "description",
    "reminder_hours",
    "remind_missed",
    "webhook_url",
    "robot_secret",
    "archived",
    "parent_id",
    "copied_from_id",
]
REQUIREMENT_FIELDS = [
    "kind",
    "title",
    "description",
    "schedule",
    "due_at",
    "weekday",
    "due_time",
    "repeat_from",
    "repeat_until",
    "min_photos",
    "min_videos",
    "min_documents",
    "opens_days_early",
    "order",
    "phase_id",
    "inherited_from_id",
]


@pytest.fixture(scope="module")
def national():
    spec = importlib.util.spec_from_file_location("national_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture
def summary(national):
    return national.build(0.02, seed=3)


def shape(campaign: Campaign) -> dict:
    requirement = campaign.requirements.get()
    return {
        "campaign": Campaign.objects.values(*CAMPAIGN_FIELDS).get(pk=campaign.pk),
        "requirement": Requirement.objects.values(*REQUIREMENT_FIELDS).get(pk=requirement.pk),
        "periods": list(requirement.periods.values_list("number", "opens_at", "due_at")),
        "collects": sorted(requirement.indicators.values_list("pk", flat=True)),
        "indicators": list(
            campaign.indicators.order_by("campaignindicator__order").values_list("pk", flat=True)
        ),
        "activity_types": list(campaign.activity_types.values_list("name", flat=True)),
        "domains": list(campaign.domains.values_list("name", flat=True)),
    }


def linked_by_the_app(parent: Campaign) -> Campaign:
    """A province joining the national campaign and linking its own, through the services."""
    province = org_services.create_organization(
        actor=None, name="新加省", kind=OrgKind.PROVINCE, parent=parent.owner
    )
    admin, _password = org_services.create_person(
        actor=None,
        username="new-province",
        full_name="新加",
        mobile=None,
        organization=province,
        role=Role.OFFICE_ADMIN,
    )
    Participant.objects.create(campaign=parent, organization=province, joined_on=date(2026, 6, 1))
    return campaign_services.create_linked_campaign(actor=admin, parent=parent, owner=province)


def test_linked_campaigns_have_the_shape_the_app_gives_them(summary):
    generated = Campaign.objects.get(pk=summary["campaigns"]["province"])
    made = linked_by_the_app(generated.parent)
    assert shape(generated) == shape(made)
    assert generated.title == f"{generated.parent.title}（{generated.owner.name}）"
    county = Campaign.objects.get(pk=summary["campaigns"]["county"])
    assert county.parent.parent == generated
    assert county.lineage == f"{county.parent.lineage}{county.pk:010d}."
    assert county.requirements.get().inherited_from.campaign == county.parent
    assert Submission.objects.count() == summary["counts"]["reports_submission"]


def test_board_and_rollups_count_as_sql_does(national, summary):
    national.maybe_rollup()  # the tallies are recounted after the bulk load
    for level, campaign_id in summary["campaigns"].items():
        assert national.mismatches(level, campaign_id) == []
