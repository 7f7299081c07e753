"""Delivering reminders and notices, and recording what came of each (Delivery).

An in-app notice is delivered in the transaction that decides to send it. E-mail and group
robots are tried by the worker after that transaction commits (tasks.deliver); a failed try
is tried again after RETRY_AFTER's pauses, through the queue, then given up. Each try is
claimed by its number, so a job run twice sends once; a delivery whose job was lost (the
worker died) is queued again by the periodic reminder run (retry_stalled)."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from anxuan.campaigns.models import Campaign
from anxuan.core.notices import create_notices, send_email
from anxuan.core.robots import Outcome, RobotRefused, parse_robot_url, post_robot, robot_kind
from anxuan.orgs.models import Person
from anxuan.reports.enums import Channel, DeliveryState
from anxuan.reports.models import Delivery, ReminderSent

# Pauses before the second, third and fourth try; the fourth failure gives up.
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
# A pending delivery this long past its due try has lost its job.
STALLED_AFTER = timedelta(minutes=15)


def _queue(deliveries: list[Delivery]) -> None:
    from anxuan.reports.tasks import deliver

    for delivery in deliveries:
        transaction.on_commit(partial(deliver, delivery.pk, 1))


def send_to_people(
    *,
    campaign: Campaign,
    people: Iterable[Person],
    text: str,
    link: str,
    reminder: ReminderSent | None = None,
) -> None:
    """In-app notices (delivered now) and e-mail to those with an address (queued for the
    worker once the caller's transaction commits). Side effects: Notice and Delivery rows."""
    people = list(people)
    now = timezone.now()
    create_notices(people, text, link)
    common = {"campaign": campaign, "reminder": reminder, "text": text, "link": link}
    Delivery.objects.bulk_create(
        Delivery(
            channel=Channel.NOTICE,
            recipient=p,
            state=DeliveryState.DELIVERED,
            attempts=1,
            tried_at=now,
            **common,
        )
        for p in people
    )
    emails = [
        Delivery.objects.create(
            channel=Channel.EMAIL, recipient=p, address=p.email, next_try_at=now, **common
        )
        for p in people
        if p.email
    ]
    _queue(emails)


def send_to_robot(*, campaign: Campaign, text: str, reminder: ReminderSent | None = None) -> None:
    """A message to the campaign's group robot, queued for the worker once the caller's
    transaction commits. Side effects: a Delivery row."""
    try:
        host = parse_robot_url(campaign.webhook_url).host
    except RobotRefused:
        host = ""
    kind = robot_kind(campaign.webhook_url)
    delivery = Delivery.objects.create(
        campaign=campaign,
        reminder=reminder,
        channel=Channel.WECOM if kind == "wecom" else Channel.DINGTALK,
        address=host,
        text=text,
        next_try_at=timezone.now(),
    )
    _queue([delivery])


def _send(delivery: Delivery) -> Outcome:
    if delivery.channel == Channel.EMAIL:
        return send_email(delivery.address, delivery.text, delivery.link)
    # The campaign's current address and secret: one the office corrected meanwhile counts.
    campaign = delivery.campaign
    return post_robot(campaign.webhook_url, delivery.text, campaign.robot_secret)


def try_delivery(delivery_id: int, attempt: int) -> timedelta | None:
    """Make try number `attempt` of a pending delivery and record its outcome; returns the
    pause before the next try when this one failed and another is due, else None. A try
    already made (by a job run twice) is not made again."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, state=DeliveryState.PENDING, attempts=attempt - 1
    ).update(attempts=attempt, tried_at=now)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("campaign").get(pk=delivery_id)
    outcome = _send(delivery)
    delivery.answer = outcome.answer[:500]
    delivery.code = outcome.code[:40]
    delivery.tried_at = timezone.now()
    pause = None
    if outcome.ok:
        delivery.state = DeliveryState.DELIVERED
        delivery.next_try_at = None
    elif attempt > len(RETRY_AFTER):
        delivery.state = DeliveryState.FAILED
        delivery.next_try_at = None
    else:
        pause = RETRY_AFTER[attempt - 1]
        delivery.next_try_at = delivery.tried_at + pause
    delivery.save(update_fields=["answer", "code", "tried_at", "state", "next_try_at"])
    return pause


def retry_stalled(now: datetime) -> int:
    """Queue again the pending deliveries whose next try is long overdue (their job was
    lost with a worker); the try's claim keeps a job that was only late from sending
    twice. Returns how many were queued."""
    from anxuan.reports.tasks import deliver

    stalled = list(
        Delivery.objects.filter(
            state=DeliveryState.PENDING, next_try_at__lt=now - STALLED_AFTER
        ).values_list("pk", "attempts")
    )
    for pk, attempts in stalled:
        deliver(pk, attempts + 1)
    return len(stalled)
