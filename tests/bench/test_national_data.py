"""bench/national_data.py at scale 0.02 (~3 000 units, ~14 000 reports): what it loads with
COPY has the shape the app's own services give a linked campaign, and the app's board and
roll-ups count it (once the tallies are recounted) as plain SQL does; with --integrity (at
scale 0.01) the integrity rows are those the worker stores."""

import importlib.util
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.models import Campaign, Participant, Requirement
from anxuan.integrity import checks, fingerprints, index
from anxuan.integrity.enums import CheckState, TextSource
from anxuan.integrity.fingerprints import FULL, VIEW
from anxuan.integrity.models import EvidenceCheck, Fingerprint, TextBand, TextPrint
from anxuan.orgs import services as org_services
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports.models import Attachment, Submission, SubmissionVersion

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


def test_integrity_rows_are_what_the_worker_stores(national):
    """--integrity: 1 FULL and 9 VIEW prints per photo filed in the lookup's buckets, a
    check per photo, and the signatures check_texts would store, found by similar_texts."""
    national.build(0.01, seed=3, integrity=True)
    photos = Attachment.objects.count()
    assert photos > 0
    assert EvidenceCheck.objects.filter(state=CheckState.CHECKED).count() == photos
    roles = Counter(Fingerprint.objects.values_list("attachment_id", "role"))
    assert set(roles.values()) == {1, 9}
    assert Counter(role for _attachment, role in roles) == {FULL: photos, VIEW: photos}
    for value in Fingerprint.objects.values_list("value", flat=True)[:50]:  # filed: found
        assert value in index.within(value, 0, FULL)

    expected, shared_of = {}, {}
    versions = SubmissionVersion.objects.select_related(
        "submission__participant__campaign"
    ).prefetch_related("activities")
    for version in versions:
        campaign = version.submission.participant.campaign
        if campaign.pk not in shared_of:
            passages = checks.shared_passages(campaign, checks.rules_for(campaign))
            shared_of[campaign.pk] = fingerprints.shared_shingles(passages)
        shared = shared_of[campaign.pk]
        for source, text in checks.version_texts(version).items():
            signature = fingerprints.signature(text, shared)
            if signature is not None:
                expected[version.pk, source] = (signature, text, shared)
    stored = {(t.version_id, t.source): t for t in TextPrint.objects.all()}
    assert stored.keys() == expected.keys()
    assert {source for _pk, source in stored} == {TextSource.REPORT, TextSource.ACTIVITIES}
    for key, (signature, text, shared) in list(expected.items())[:50]:
        mine = stored[key]
        assert bytes(mine.values) == signature.to_bytes()
        bands = sorted(TextBand.objects.filter(text=mine).values_list("key", flat=True))
        assert bands == sorted(signature.bands)
        own = frozenset(fingerprints.shingles(text) - shared)
        found = checks.similar_texts(signature, own, shared, 0.8)
        assert mine.pk in [text.pk for text, _score in found]
