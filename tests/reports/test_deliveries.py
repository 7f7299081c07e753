"""Every reminder's delivery is recorded with what came of it; a failed e-mail or robot call
is tried again through the real queue after 1, 5 and 30 minutes, then given up. The robots
and the mail server are local servers that answer as DingTalk, WeCom and a refusing mail
server do."""

from datetime import datetime, timedelta

import pytest
import time_machine
from huey.contrib.djhuey import HUEY
from huey.utils import utcnow

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.reports.enums import Channel, DeliveryState
from anxuan.reports.models import Delivery
from anxuan.reports.reminders import send_due_reminders
from tests.reports.robots import FakeRobot, FakeRobotServer, RefusingMailServer, dingtalk_sign

DAY_BEFORE = datetime(2026, 6, 3, 12, 30, tzinfo=SHANGHAI)  # week 1 is due 06-04 12:00


@pytest.fixture(autouse=True)
def _robots_on_loopback(settings):
    settings.ROBOT_HOSTS = ["127.0.0.1"]
    settings.ROBOT_ALLOW_PRIVATE = True


def remind(campaign, url: str, secret: str = "") -> None:
    campaign.webhook_url = url
    campaign.robot_secret = secret
    campaign.save()
    send_due_reminders(DAY_BEFORE)


def robot_delivery() -> Delivery:
    return Delivery.objects.get(channel__in=[Channel.DINGTALK, Channel.WECOM])


def outcome(delivery: Delivery) -> tuple:
    delivery.refresh_from_db()
    return delivery.state, delivery.attempts, delivery.code


@pytest.fixture
def queue():
    """The real queue (the SQLite file of the settings), emptied before and after."""
    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.flush()


def run_queued(queue) -> None:
    while (task := queue.dequeue()) is not None:
        queue.execute(task)


def run_next_retry(queue, pause: timedelta) -> None:
    """The one retry the queue holds is due `pause` after it was scheduled, not before."""
    run_queued(queue)  # as the consumer does, a job not due yet goes to the schedule
    (task,) = queue.scheduled()
    assert abs(task.eta - (utcnow() + pause)) < timedelta(seconds=20)
    assert queue.read_schedule(task.eta - timedelta(seconds=30)) == []
    (due,) = queue.read_schedule(task.eta)
    queue.execute(due, task.eta)


@pytest.mark.django_db(transaction=True)  # the worker's tries run after the commit
def test_a_failing_robot_is_tried_after_1_5_and_30_minutes_then_given_up(county, queue):
    with FakeRobotServer(FakeRobot(fail_first=10)) as robot:
        remind(county.campaign, robot.url())
        run_queued(queue)
        delivery = robot_delivery()
        assert outcome(delivery) == (DeliveryState.PENDING, 1, "500")
        assert delivery.answer == 'HTTP 500 {"message": "internal error"}'

        for attempt, pause in [(2, 1), (3, 5), (4, 30)]:
            run_next_retry(queue, timedelta(minutes=pause))
            assert outcome(delivery)[1] == attempt

        assert outcome(delivery) == (DeliveryState.FAILED, 4, "500")
        assert len(robot.received) == 4
        assert queue.scheduled() == []
        assert queue.pending_count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_once_only_reminder_does_not_stop_the_retry(county, queue):
    with FakeRobotServer(FakeRobot(fail_first=1)) as robot:
        remind(county.campaign, robot.url())
        run_queued(queue)
        send_due_reminders(DAY_BEFORE + timedelta(minutes=1))  # decided already: no new one
        run_queued(queue)
        run_next_retry(queue, timedelta(minutes=1))

        assert outcome(robot_delivery()) == (DeliveryState.DELIVERED, 2, "0")
        assert len(robot.received) == 2


@pytest.mark.django_db(transaction=True)
def test_a_try_whose_job_is_run_twice_sends_once_and_a_lost_one_is_queued_again(county, queue):
    from anxuan.reports.deliveries import retry_stalled
    from anxuan.reports.tasks import deliver

    with FakeRobotServer(FakeRobot()) as robot:
        remind(county.campaign, robot.url())
        queue.flush()  # the worker died with the first try's job
        delivery = robot_delivery()
        assert retry_stalled(delivery.next_try_at + timedelta(minutes=10)) == 0
        assert retry_stalled(delivery.next_try_at + timedelta(minutes=16)) == 1
        deliver(delivery.pk, 1)  # and the lost job turns up after all
        run_queued(queue)

        assert outcome(delivery) == (DeliveryState.DELIVERED, 1, "0")
        assert len(robot.received) == 1


def test_dingtalk_signed_robot_gets_timestamp_and_sign(county, django_capture_on_commit_callbacks):
    with FakeRobotServer(FakeRobot(secret="SEC0123456789abcdef")) as robot:
        with django_capture_on_commit_callbacks(execute=True):
            remind(county.campaign, robot.url(), secret="SEC0123456789abcdef")

        assert outcome(robot_delivery()) == (DeliveryState.DELIVERED, 1, "0")
        (request,) = robot.received
        assert request.query["access_token"] == "test"
        assert request.query["sign"] == dingtalk_sign(request.query["timestamp"], robot.secret)


@pytest.mark.parametrize("secret", ["", "SECwrong"])
def test_dingtalk_refusing_the_signature_with_http_200_is_a_failure(
    county, django_capture_on_commit_callbacks, secret
):
    with FakeRobotServer(FakeRobot(secret="SEC0123456789abcdef")) as robot:
        with django_capture_on_commit_callbacks(execute=True):
            remind(county.campaign, robot.url(), secret=secret)

        delivery = robot_delivery()
        assert outcome(delivery) == (DeliveryState.PENDING, 1, "310000")
        assert delivery.answer == "sign not match, more: [x]"
        assert delivery.next_try_at is not None


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("wecom-key", (DeliveryState.DELIVERED, 1, "0")),
        ("revoked-key", (DeliveryState.PENDING, 1, "93000")),
    ],
)
def test_wecom_robot_by_key(county, django_capture_on_commit_callbacks, key, expected):
    with FakeRobotServer(FakeRobot()) as robot:
        with django_capture_on_commit_callbacks(execute=True):
            remind(county.campaign, robot.url(f"/cgi-bin/webhook/send?key={key}"))

        delivery = robot_delivery()
        assert delivery.channel == Channel.WECOM
        assert outcome(delivery) == expected
        assert robot.received[0].path == "/cgi-bin/webhook/send"
        assert "尚未报送" in robot.received[0].body["text"]["content"]


def test_a_refused_email_is_recorded_with_the_mail_servers_answer(
    county, settings, django_capture_on_commit_callbacks
):
    county.town_liaison.email = "nobody@example.test"
    county.town_liaison.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with RefusingMailServer() as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        with django_capture_on_commit_callbacks(execute=True):
            send_due_reminders(DAY_BEFORE)

    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert (email.recipient, email.address) == (county.town_liaison, "nobody@example.test")
    assert outcome(email) == (DeliveryState.PENDING, 1, "550")
    assert email.answer == "550 5.1.1 mailbox unavailable"
    notice = Delivery.objects.get(channel=Channel.NOTICE, recipient=county.town_liaison)
    assert outcome(notice) == (DeliveryState.DELIVERED, 1, "")


def test_the_office_sees_which_reminders_reached_whom(
    county, login, django_capture_on_commit_callbacks
):
    with (
        FakeRobotServer(FakeRobot(secret="SEC0123456789abcdef")) as robot,
        django_capture_on_commit_callbacks(execute=True),
    ):
        remind(county.campaign, robot.url())
    client = login(county.office_admin)

    page = client.get(f"/campaigns/{county.campaign.pk}/deliveries/").content.decode()
    trying = client.get(f"/campaigns/{county.campaign.pk}/deliveries/?outcome=pending")

    assert "提醒送达情况" in page
    assert page.count('data-channel="notice"') == 2  # the two towns' liaisons
    assert "钉钉群机器人" in page
    assert "sign not match" in page
    counts = [(value, n) for value, _label, n in trying.context["states"]]
    assert counts == [("pending", 1), ("delivered", 2), ("failed", 0)]
    rows = trying.context["page"].object_list
    assert [(d.channel, d.code) for d in rows] == [(Channel.DINGTALK, "310000")]
    detail = client.get(f"/campaigns/{county.campaign.pk}/").content.decode()
    assert f'href="/campaigns/{county.campaign.pk}/deliveries/"' in detail


@pytest.mark.parametrize("liaisons", [1, 3])
def test_the_delivery_page_has_constant_queries(county, login, django_assert_num_queries, liaisons):
    from tests import factories

    for n in range(liaisons - 1):
        extra = factories.person(county.town, "liaison", f"extra{n}")
        extra.email = f"extra{n}@example.test"
        extra.save()
    with time_machine.travel(DAY_BEFORE, tick=False):
        send_due_reminders(DAY_BEFORE)
    client = login(county.office_admin)

    # 7 for the page, 3 for the idle clock written into the session on the first page
    with django_assert_num_queries(10):
        client.get(f"/campaigns/{county.campaign.pk}/deliveries/")
