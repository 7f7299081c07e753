"""Reminding handlers of tips whose legal clock is soon due or overdue, through the
existing channels (an in-app notice, and e-mail to those who have an address): the
handling office's staff for verification and the reply, the re-examining office's for a
re-examination. Once per deadline and urgency (ClockReminder), safe to run twice."""

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.core.notices import create_notices, send_email
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Membership, Organization, Person
from anxuan.tips import clocks
from anxuan.tips.enums import State
from anxuan.tips.models import ClockReminder, Tip


def _staff(office: Organization) -> list[Person]:
    members = Membership.objects.filter(
        organization=office, role__in=OFFICE_ROLES, person__is_active=True
    ).select_related("person")
    return sorted({m.person for m in members}, key=lambda p: p.pk)


def _claimed(tip: Tip, due: date, urgency: str) -> bool:
    try:
        with transaction.atomic():
            ClockReminder.objects.create(tip=tip, due=due, urgency=urgency)
    except IntegrityError:
        return False
    return True


def send_clock_reminders(on: date | None = None) -> int:
    """Tell the handlers of every open tip whose running deadline is soon or past; the
    number of tips reminded."""
    on = on or clocks.today()
    sent = 0
    open_tips = Tip.objects.filter(
        state__in=[State.VERIFYING, State.CLOSED, State.OBJECTED]
    ).select_related("office", "reexam_office")
    for tip in open_tips.iterator():
        due = clocks.running_due(tip)
        urgency = clocks.urgency(tip, clocks.rules_for(tip.office), on)
        if due is None or not urgency or not _claimed(tip, due, urgency):
            continue
        office = (
            tip.reexam_office if tip.state == State.OBJECTED and tip.reexam_office else tip.office
        )
        label = _("overdue") if urgency == clocks.OVERDUE else _("soon due")
        text = _("Tip “%(tip)s” (%(state)s) is %(label)s: the deadline is %(due)s.") % {
            "tip": tip,
            "state": tip.get_state_display(),
            "label": label,
            "due": due.isoformat(),
        }
        link = reverse("tips:tip_detail", args=[tip.pk])
        people = _staff(office)
        create_notices(people, text, link)
        for person in people:
            if person.email:
                send_email(person.email, text, link)
        sent += 1
    return sent
