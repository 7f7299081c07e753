"""Results made known (公示): publishing a closed assessment, units' objections within the
period the office sets, the office's answers, and corrections after closing as audited
amendments (the frozen points are never edited)."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.assessment.enums import RubricState
from anxuan.assessment.models import (
    Amendment,
    FrozenScore,
    Item,
    Objection,
    Publication,
    Rubric,
)
from anxuan.assessment.scoring import plain
from anxuan.campaigns.models import Participant
from anxuan.core import audit
from anxuan.orgs.models import Person


@transaction.atomic
def publish(
    *, actor: Person, rubric: Rubric, objections_until: datetime, others_totals: bool
) -> Publication:
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.state != RubricState.CLOSED:
        raise ValidationError(_("Close the assessment before publishing its results."))
    if Publication.objects.filter(rubric=locked).exists():
        raise ValidationError(_("The results are already published."))
    if objections_until <= timezone.now():
        raise ValidationError(_("The objection period must end in the future."))
    found = Publication.objects.create(
        rubric=locked, objections_until=objections_until, others_totals=others_totals, by=actor
    )
    audit.record(actor=actor, action="assessment.publish", target=locked, summary=str(locked))
    return found


def published(rubric: Rubric) -> Publication | None:
    return Publication.objects.filter(rubric=rubric).first()


@transaction.atomic
def object_to(
    *,
    actor: Person,
    participant: Participant,
    item: Item | None,
    reason: str,
    now: datetime | None = None,
) -> Objection:
    """A unit objects to its published result (an item, or the whole), with its reason."""
    rubric = participant.campaign.rubric
    found = published(rubric)
    if found is None:
        raise ValidationError(_("The results are not published."))
    if (now or timezone.now()) > found.objections_until:
        raise ValidationError(
            _("Objections were accepted until %(when)s.")
            % {"when": timezone.localtime(found.objections_until).strftime("%Y-%m-%d %H:%M")}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the objection."))
    if item is not None and item.section.rubric_id != rubric.pk:
        raise ValidationError(_("The item is not one of this assessment's."))
    objection = Objection.objects.create(
        rubric=rubric, participant=participant, item=item, reason=reason.strip(), by=actor
    )
    audit.record(actor=actor, action="assessment.object", target=objection, summary=reason[:80])
    return objection


@transaction.atomic
def answer(*, actor: Person, objection: Objection, text: str) -> Objection:
    if not text.strip():
        raise ValidationError(_("Write the answer."))
    objection.answer = text.strip()
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(actor=actor, action="assessment.answer", target=objection, summary=text[:80])
    return objection


@transaction.atomic
def amend(
    *,
    actor: Person,
    participant: Participant,
    item: Item,
    points: Decimal,
    reason: str,
    objection: Objection | None = None,
) -> Amendment:
    """Correct a unit's item after closing: a new row over the frozen one, with the reason."""
    frozen = (
        FrozenScore.objects.select_for_update().filter(item=item, participant=participant).first()
    )
    if frozen is None:
        raise ValidationError(_("Only a closed assessment's points are amended."))
    if points < 0 or points > item.max_points:
        raise ValidationError(
            _("%(item)s: between 0 and %(max)s points.")
            % {"item": item, "max": plain(item.max_points)}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the correction."))
    latest = frozen.amendments.order_by("-at", "-pk").first()
    before = latest.after if latest else frozen.points
    found = Amendment.objects.create(
        frozen=frozen,
        before=before,
        after=points,
        reason=reason.strip(),
        objection=objection,
        by=actor,
    )
    audit.record(
        actor=actor,
        action="assessment.amend",
        target=found,
        summary=f"{participant} · {item}: {before} → {points}",
    )
    return found
