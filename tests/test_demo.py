from django.test import Client
from django.urls import reverse

from anxuan import demo
from anxuan.campaigns.models import Campaign
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
