from django.test import Client
from django.urls import reverse

from anxuan import demo
from anxuan.campaigns.models import Campaign
from anxuan.integrity.models import Flag
from anxuan.orgs.enums import OrgKind
from anxuan.orgs.models import Organization
from anxuan.reports.models import Attachment, Submission


def test_demo_builds_a_county_with_a_login_for_each_role(db):
    demo.build()

    county = Organization.objects.get(name="高台县")
    below = Organization.objects.filter(path__startswith=county.path).exclude(pk=county.pk)
    assert below.filter(kind=OrgKind.TOWN).count() == 9
    assert (
        below.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.STATIONED, OrgKind.MEDIA]).count() == 30
    )
    assert below.filter(kind=OrgKind.ENTERPRISE).count() == 20
    month = Campaign.objects.get(kind="safety_month", copied_from__isnull=True, owner=county)
    assert month.participants.filter(registered_at__isnull=True).count() == 5
    assert month.participants.filter(registered_at__isnull=False).count() == 57
    for username, _label in demo.LOGIN_HELP:
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": demo.PASSWORD})
        assert response.status_code == 302, username
        assert client.get(reverse("dashboards:home")).status_code == 200
    assert demo.is_loaded()
    city_month = Campaign.objects.get(kind="safety_month", owner=county.parent)
    counties = set(city_month.participants.values_list("organization__name", flat=True))
    assert counties == {"高台县", "临泽县"}
    assert set(city_month.children.values_list("owner__name", flat=True)) == counties
    states = set(Submission.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "accepted"}
    assert set(Submission.objects.values_list("timeliness", flat=True)) == {"", "on_time", "late"}
    assert Attachment.objects.filter(kind="photo").count() >= 20
    # The integrity step: a photo two towns sent, a write-up one town copied from another,
    # a photo taken a year before; confirmed by nobody yet.
    flags = Flag.objects.filter(campaign=month)
    found = {(f.kind, f.participant.organization.name) for f in flags}
    assert found == {
        ("reused_photo", "宣化镇"),
        ("copied_text", "巷道镇"),
        ("taken_outside", "合黎镇"),
    }
    assert set(flags.values_list("state", flat=True)) == {"open"}


def test_the_demo_command_says_what_it_is_doing(db, capsys):
    from anxuan import cli

    assert cli.demo() == 0

    lines = capsys.readouterr().out.splitlines()
    county = Organization.objects.get(name="高台县")
    sent = (
        Submission.objects.filter(participant__campaign__owner=county)
        .exclude(state="draft")
        .exclude(requirement__kind="adhoc")  # the integrity step's reports come later
    )
    steps = [line.split(":")[0].split(" (")[0] for line in lines[: -len(demo.LOGIN_HELP)]]
    assert steps == [
        "Loading the demo county",
        "Organisations",
        "People",
        "Campaigns",
        "Reports of 高台县",
        "  20/62 units",
        "  40/62 units",
        "  60/62 units",
        "  高台县",
        "Reports of 临泽县",
        "  临泽县",
        "Integrity checks",
        "Assessment",
        "Roll-up tallies recounted",
        lines[14],  # "Demo county loaded in N s."
        "Demo logins",
    ]
    assert lines[14].startswith("Demo county loaded in ")
    assert lines[12] == "Assessment: 23 items, open"
    assert lines[8].startswith(f"  高台县: {sent.count()} reports sent (")
    # The demo serves nothing, so it names no address (`anxuan serve` prints the real one).
    assert not [line for line in lines if "http://" in line]
