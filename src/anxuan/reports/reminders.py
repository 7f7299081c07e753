"""Reminders before a deadline and after a missed one, to units that have not submitted:
in-app notices, e-mail and the campaign's group robot. Each is sent once."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.campaigns.deadlines import due_day
from anxuan.campaigns.enums import RequirementKind, Schedule
from anxuan.campaigns.models import Participant, Period
from anxuan.core.notices import notify, post_webhook
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Membership, Person
from anxuan.reports.enums import State
from anxuan.reports.models import ReminderSent, Submission

MISSED_WINDOW = timedelta(days=2)  # remind about a missed deadline for this long after it


def _claim(key: str, period: Period, participant: Participant | None) -> bool:
    """Record the reminder; False when it was already sent (by this or another worker)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(key=key, period=period, participant=participant)
    except IntegrityError:
        return False
    return True


def _liaisons(participant: Participant) -> list[Person]:
    people = {
        m.person
        for m in Membership.objects.filter(
            organization=participant.organization, role=Role.LIAISON, person__is_active=True
        ).select_related("person")
    }
    if participant.liaison_person_id:
        people.add(participant.liaison_person)
    return sorted(people, key=lambda p: p.pk)


def _pending(period: Period, now: datetime) -> list[Participant]:
    """Participants expected for the period that have nothing submitted for it."""
    done = (
        Submission.objects.filter(period=period).exclude(state=State.DRAFT).values("participant_id")
    )
    return list(
        period.requirement.campaign.participants.filter(joined_on__lte=due_day(period.due_at))
        .exclude(pk__in=done)
        .select_related("organization", "liaison_person")
    )


def _remind(period: Period, kind: str, now: datetime) -> int:
    campaign = period.requirement.campaign
    due = timezone.localtime(period.due_at)
    what = period.requirement.title + (
        f"（{period.label}）" if period.requirement.schedule == Schedule.WEEKLY else ""
    )
    if kind == "before":
        text = _("%(c)s: “%(what)s” is due %(due)s and your unit has not submitted it yet.")
    else:
        text = _(
            "%(c)s: “%(what)s” was due %(due)s and nothing was received from your unit. "
            "Not reported counts as not done."
        )
    text = text % {"c": campaign.title, "what": what, "due": f"{due:%m-%d %H:%M}"}
    pending = _pending(period, now)
    sent = 0
    for participant in pending:
        # The claim commits with the notices: a run killed in between leaves neither, and
        # the next tick sends the reminder instead of finding it marked as sent.
        with transaction.atomic():
            if not _claim(f"{kind}:{period.pk}:{participant.pk}", period, participant):
                continue
            link = (
                f"{reverse('reports:report_new')}?participant={participant.pk}&period={period.pk}"
            )
            notify(_liaisons(participant), text, link)
        sent += 1
    if campaign.webhook_url and pending and _claim(f"{kind}:{period.pk}:group", period, None):
        heading = _("Not yet submitted") if kind == "before" else _("Missed")
        post_webhook(
            campaign.webhook_url,
            _("%(c)s “%(what)s”, due %(due)s. %(heading)s: %(names)s")
            % {
                "c": campaign.title,
                "what": what,
                "due": f"{due:%m-%d %H:%M}",
                "heading": heading,
                "names": "、".join(p.organization.name for p in pending),
            },
        )
    return sent


def send_due_reminders(now: datetime | None = None) -> int:
    """Run by the worker every few minutes; safe to run as often as wanted."""
    now = now or timezone.now()
    periods = (
        Period.objects.filter(
            requirement__campaign__archived=False,
            due_at__gt=now - MISSED_WINDOW,
            due_at__lte=now + timedelta(hours=168),
        )
        .exclude(requirement__kind=RequirementKind.LIAISON_FORM)
        .select_related("requirement__campaign")
    )
    sent = 0
    for period in periods:
        campaign = period.requirement.campaign
        if period.due_at > now:
            if campaign.reminder_hours and period.due_at - now <= timedelta(
                hours=campaign.reminder_hours
            ):
                sent += _remind(period, "before", now)
        elif campaign.remind_missed:
            sent += _remind(period, "missed", now)
    return sent


def notify_returned(submission: Submission, reason: str) -> None:
    """The liaison hears at once that a report came back, and why."""
    text = _("“%(what)s” of %(unit)s was returned: %(reason)s") % {
        "what": submission.requirement.title,
        "unit": submission.participant.organization.name,
        "reason": reason,
    }
    notify(
        _liaisons(submission.participant),
        text,
        reverse("reports:report_edit", args=[submission.pk]),
    )
