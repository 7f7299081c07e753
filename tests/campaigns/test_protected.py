"""What holds reports is never dropped: removing a unit, deleting a requirement or moving a
schedule so that a period with reports would go is refused, saying what holds it."""

from datetime import timedelta

from django.urls import reverse

from anxuan.campaigns.enums import RequirementKind
from anxuan.campaigns.models import Participant, Period, Requirement
from anxuan.reports.models import Submission
from tests import factories


def _weekly(county) -> Requirement:
    return county.campaign.requirements.get(kind=RequirementKind.WEEKLY)


def test_a_unit_with_reports_is_not_taken_out(county, login):
    factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    url = reverse("campaigns:participant_remove", args=[county.campaign.pk, county.participant.pk])

    response = login(county.office_admin).post(url, follow=True)

    assert response.status_code == 200
    assert f"{county.participant.organization}已有 1 份报送，不能移出本活动。" in (
        response.content.decode()
    )
    assert Participant.objects.filter(pk=county.participant.pk).exists()
    assert Submission.objects.filter(participant=county.participant).count() == 1


def test_a_unit_without_reports_is_taken_out(county, login):
    url = reverse("campaigns:participant_remove", args=[county.campaign.pk, county.participant.pk])

    login(county.office_admin).post(url)

    assert not Participant.objects.filter(pk=county.participant.pk).exists()


def test_a_requirement_with_reports_is_not_deleted(county, login):
    weekly = _weekly(county)
    factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    factories.report(
        county.other_liaison, county.other_participant, factories.weekly_period(county.campaign)
    )
    url = reverse("campaigns:requirement_delete", args=[county.campaign.pk, weekly.pk])

    response = login(county.office_admin).post(url, follow=True)

    assert response.status_code == 200
    assert f"“{weekly.title}”已有 2 份报送，不能删除。" in response.content.decode()
    assert Requirement.objects.filter(pk=weekly.pk).exists()
    assert Submission.objects.filter(requirement=weekly).count() == 2


def test_a_schedule_that_would_drop_a_period_with_reports_is_refused(county, login):
    weekly = _weekly(county)
    last = weekly.periods.order_by("-number").first()
    factories.report(county.town_liaison, county.participant, last)
    periods = list(weekly.periods.values_list("pk", "due_at"))
    url = reverse("campaigns:requirement_edit", args=[county.campaign.pk, weekly.pk])
    form = {
        "kind": weekly.kind,
        "title": weekly.title,
        "schedule": weekly.schedule,
        "weekday": str(weekly.weekday),
        "due_time": weekly.due_time.strftime("%H:%M"),
        "repeat_from": weekly.repeat_from.isoformat(),
        "repeat_until": (weekly.repeat_until - timedelta(days=7)).isoformat(),
        "min_photos": "0",
        "min_videos": "0",
        "min_documents": "0",
        "opens_days_early": str(weekly.opens_days_early),
    }

    response = login(county.office_admin).post(url, form)

    assert response.status_code == 400
    assert f"{last.label}已有 1 份报送，新的报送规则会删去它。" in response.content.decode()
    assert list(Period.objects.filter(requirement=weekly).values_list("pk", "due_at")) == periods
