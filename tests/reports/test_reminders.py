"""Reminders reach units that have not submitted, once, through every channel; the group
robot is a local HTTP server that records what it receives."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.core.models import Notice
from anxuan.reports import services
from anxuan.reports.reminders import send_due_reminders
from tests import factories
from tests.reports.robots import FakeRobot, FakeRobotServer


@pytest.fixture
def robot(settings):
    """A stand-in for a DingTalk / WeCom robot on loopback, which the settings allow."""
    settings.ROBOT_HOSTS = ["127.0.0.1"]
    settings.ROBOT_ALLOW_PRIVATE = True
    with FakeRobotServer(FakeRobot()) as fake:
        yield fake


def at(day: int, hour: int, minute: int = 0):
    return datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def campaign(county, robot):
    county.campaign.webhook_url = robot.url()
    county.campaign.save()
    county.town_liaison.email = "liaison@example.test"
    county.town_liaison.save()
    return county.campaign


def test_a_day_before_the_deadline_units_without_a_report_are_reminded_once(
    county, campaign, robot, django_capture_on_commit_callbacks
):
    week1 = factories.weekly_period(campaign, 1)
    done = factories.report(county.other_liaison, county.other_participant, week1)
    services.submit_report(actor=county.other_liaison, submission=done)

    with (
        time_machine.travel(at(3, 12, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = send_due_reminders()
        again = send_due_reminders()

    notice = Notice.objects.get(recipient=county.town_liaison)
    assert "将于 06-04 12:00 截止，本单位尚未报送" in notice.text
    assert not Notice.objects.filter(recipient=county.other_liaison).exists()
    assert (first, again) == (2, 0)  # the town and the department, then nothing twice
    assert [m.to for m in mail.outbox] == [["liaison@example.test"]]
    assert len(robot.received) == 1
    message = robot.received[0].body
    assert message["msgtype"] == "text"
    assert "尚未报送：城关镇、县交通运输局" in message["text"]["content"]


def test_after_a_missed_deadline_the_unit_hears_that_it_counts_as_not_done(county, campaign):
    with time_machine.travel(at(4, 13, 0), tick=False):
        send_due_reminders()

    texts = list(
        Notice.objects.filter(recipient=county.town_liaison).values_list("text", flat=True)
    )
    assert any("相关资料未报送视为未开展活动" in t for t in texts)


def test_no_reminder_when_the_office_turned_them_off(county, campaign, robot):
    campaign.reminder_hours = 0
    campaign.remind_missed = False
    campaign.save()

    with time_machine.travel(at(3, 12, 30), tick=False):
        assert send_due_reminders() == 0

    assert robot.received == []


def test_a_returned_report_tells_the_liaison_at_once(county, django_capture_on_commit_callbacks):
    week1 = factories.weekly_period(county.campaign, 1)
    draft = factories.report(county.town_liaison, county.participant, week1)
    services.submit_report(actor=county.town_liaison, submission=draft)

    with django_capture_on_commit_callbacks(execute=True):
        services.return_submission(actor=county.office_admin, submission=draft, reason="请补充照片")

    notice = Notice.objects.get(recipient=county.town_liaison)
    assert notice.text == "城关镇的“每周活动开展情况”被退回：请补充照片"
    assert notice.link == f"/reports/{draft.pk}/edit/"
