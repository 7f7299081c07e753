"""Handling a tip from receipt to the end, with its legal clocks (tips.clocks):

    received → verifying (受理) | refused (不予受理, a ground) | transferred (转办)
             | assigned down (交办: another office, still received)
    verifying → (extension requested → approved or refused by the level above) → closed
    closed (the reply's four parts) → replied → objected (within the window) → final
    (re-examined by the level above); received or verifying → withdrawn (no reply);
    received or verifying → merged into another tip of the matter.

Every step checks who may take it, the state it starts from and its clock, changes the tip
under a row lock, and writes a TipEvent and an audit row in one transaction."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anxuan.core import audit
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import has_role_over, own_org_ids
from anxuan.tips import clocks, evidence, rewards
from anxuan.tips.enums import EventKind, Extension, Reexamination, RefusalGround, Sector, State
from anxuan.tips.models import Tip, TipEvent

REPORTER_OPEN = frozenset({State.RECEIVED, State.VERIFYING})  # withdrawn or merged from here
VERIFIED = frozenset({State.CLOSED, State.REPLIED, State.OBJECTED, State.FINAL})


def level_above(office: Organization) -> Organization:
    """The office that approves extensions and re-examines (county → city → province)."""
    if office.parent is None:
        raise ValidationError(_("There is no level above %(office)s.") % {"office": office})
    return office.parent


def may_handle(person: Person, tip: Tip) -> bool:
    """Office staff of the handling office or of an office above it."""
    return has_role_over(person, tip.office, OFFICE_ROLES)


def is_level_above(person: Person, tip: Tip) -> bool:
    """Office staff of the office above the handling one (or higher), and not of the
    handling office itself: nobody approves their own extension."""
    above = tip.office.parent
    if above is None or not has_role_over(person, above, OFFICE_ROLES):
        return False
    return tip.office_id not in own_org_ids(person, OFFICE_ROLES)


def may_reexamine(person: Person, tip: Tip) -> bool:
    return tip.reexam_office is not None and has_role_over(person, tip.reexam_office, OFFICE_ROLES)


def _locked(tip: Tip, *states: State) -> Tip:
    """The tip's row, locked for the change; refused unless it is in one of `states`
    (a second click on the same button finds the tip already moved on)."""
    fresh = (
        Tip.objects.select_for_update(of=("self",))
        .select_related("office", "reexam_office")
        .get(pk=tip.pk)
    )
    if fresh.state not in states:
        raise ValidationError(
            _("This tip is now “%(state)s”; the step cannot be taken.")
            % {"state": fresh.get_state_display()},
            code="state",
        )
    return fresh


def _done(
    tip: Tip,
    kind: EventKind,
    actor: Person | None,
    note: str = "",
    *,
    to_reporter: bool = False,
    office: Organization | None = None,
) -> Tip:
    tip.save()
    TipEvent.objects.create(
        tip=tip,
        kind=kind,
        actor=actor,
        office=office if office is not None else (tip.office if actor is not None else None),
        note=note,
        to_reporter=to_reporter,
    )
    audit.record(actor=actor, action=f"tips.{kind}", target=tip, summary=tip.get_state_display())
    return tip


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def remit_of(tip: Tip) -> tuple[bool, str]:
    """Whether the handling office handles the tip's field itself, and if not the
    competent department its rules name for it."""
    rules = clocks.rules_for(tip.office)
    if tip.sector in rules.remit:
        return True, ""
    return False, str(rules.departments.get(tip.sector, ""))


@transaction.atomic
def accept(tip: Tip, actor: Person, *, sector: str = "", on: date | None = None) -> Tip:
    """受理: the verification clock starts today; the reward table in force is kept."""
    _check(may_handle(actor, tip))
    tip = _locked(tip, State.RECEIVED)
    if sector:
        tip.sector = Sector(sector)
    handled, department = remit_of(tip)
    if not handled:
        raise ValidationError(
            _("%(field)s is outside this office's remit: transfer it to %(department)s.")
            % {"field": tip.get_sector_display(), "department": department or _("its department")}
        )
    tip.accepted_on = on or clocks.today()
    tip.verify_due = clocks.days_after(tip.accepted_on, clocks.rules_for(tip.office).verify_days)
    tip.reward_table = rewards.table_in_force(tip.office)
    tip.state = State.VERIFYING
    note = _("Accepted; verification to be closed by %(due)s.") % {"due": tip.verify_due}
    return _done(tip, EventKind.ACCEPTED, actor, note, to_reporter=True)


@transaction.atomic
def refuse(tip: Tip, actor: Person, *, ground: str, note: str = "") -> Tip:
    """不予受理 on one of the grounds in the list; the reporter reads the ground."""
    _check(may_handle(actor, tip))
    tip = _locked(tip, State.RECEIVED)
    tip.refusal_ground = RefusalGround(ground)
    tip.state = State.REFUSED
    told = " ".join(filter(None, [str(RefusalGround(ground).label), note.strip()]))
    return _done(tip, EventKind.REFUSED, actor, told, to_reporter=True)


@transaction.atomic
def transfer(tip: Tip, actor: Person, *, department: str, note: str = "") -> Tip:
    """转办 to the competent department (outside the office's remit)."""
    _check(may_handle(actor, tip))
    department = department.strip()
    if not department:
        raise ValidationError(_("Name the department the tip is transferred to."))
    tip = _locked(tip, State.RECEIVED)
    tip.transferred_to = department
    tip.state = State.TRANSFERRED
    told = " ".join(filter(None, [_("Transferred to %(d)s.") % {"d": department}, note.strip()]))
    return _done(tip, EventKind.TRANSFERRED, actor, told, to_reporter=True)


@transaction.atomic
def assign(tip: Tip, actor: Person, *, office: Organization, note: str = "") -> Tip:
    """交办: an office hands a tip it received to an office below it, which handles it."""
    _check(may_handle(actor, tip))
    if office.pk == tip.office_id or not office.path.startswith(tip.office.path):
        raise ValidationError(_("A tip is assigned to an office below the one holding it."))
    if not has_role_over(actor, office, OFFICE_ROLES):
        raise PermissionDenied
    tip = _locked(tip, State.RECEIVED)
    source = tip.office
    tip.office = office
    told = _("Assigned by %(source)s to %(office)s.") % {"source": source, "office": office}
    note = " ".join(filter(None, [told, note.strip()]))
    return _done(tip, EventKind.ASSIGNED, actor, note, to_reporter=True, office=source)


@transaction.atomic
def request_extension(
    tip: Tip, actor: Person, *, days: int, reason: str, on: date | None = None
) -> Tip:
    """Ask the level above for the one extension of verification, before the due date."""
    _check(may_handle(actor, tip))
    tip = _locked(tip, State.VERIFYING)
    longest = clocks.rules_for(tip.office).extension_days
    on = on or clocks.today()
    if tip.extension:
        raise ValidationError(_("Verification can be extended only once."))
    if not 1 <= days <= longest:
        raise ValidationError(
            _("An extension is of 1 to %(n)s days.") % {"n": longest}, code="days"
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension."))
    if not clocks.in_time(tip.verify_due, on):
        raise ValidationError(_("The verification period is over; it can no longer be extended."))
    level_above(tip.office)
    tip.extension = Extension.REQUESTED
    tip.extension_days = days
    tip.extension_reason = reason.strip()
    return _done(tip, EventKind.EXTENSION_REQUESTED, actor, tip.extension_reason)


@transaction.atomic
def decide_extension(tip: Tip, actor: Person, *, approve: bool, note: str = "") -> Tip:
    """The level above approves (the due date moves, the reporter is told) or refuses."""
    _check(is_level_above(actor, tip))
    tip = _locked(tip, State.VERIFYING)
    if tip.extension != Extension.REQUESTED or tip.verify_due is None:
        raise ValidationError(_("No extension is waiting for a decision."))
    above = level_above(tip.office)
    if approve:
        tip.extension = Extension.APPROVED
        tip.verify_due = clocks.days_after(tip.verify_due, tip.extension_days or 0)
        told = _("Verification extended by %(n)s days, to %(due)s, with the approval of %(o)s.") % {
            "n": tip.extension_days,
            "due": tip.verify_due,
            "o": above,
        }
        return _done(tip, EventKind.EXTENSION_APPROVED, actor, told, to_reporter=True, office=above)
    tip.extension = Extension.REFUSED
    return _done(tip, EventKind.EXTENSION_REFUSED, actor, note.strip(), office=above)


@transaction.atomic
def close(
    tip: Tip,
    actor: Person,
    *,
    conclusion: str,
    findings: str,
    decision: str,
    reward_eligibility: str,
    on: date | None = None,
) -> Tip:
    """办结: verification closed with the reply's four parts; the reply clock starts."""
    _check(may_handle(actor, tip))
    parts = {
        "conclusion": conclusion.strip(),
        "findings": findings.strip(),
        "decision": decision.strip(),
        "reward_eligibility": reward_eligibility.strip(),
    }
    if not all(parts.values()):
        raise ValidationError(
            _(
                "A reply has all four parts: the conclusion, the verification in brief, the "
                "handling decision and whether a reward applies."
            )
        )
    tip = _locked(tip, State.VERIFYING)
    for name, value in parts.items():
        setattr(tip, name, value)
    tip.closed_on = on or clocks.today()
    tip.reply_due = clocks.days_after(tip.closed_on, clocks.rules_for(tip.office).reply_days)
    tip.state = State.CLOSED
    return _done(tip, EventKind.CLOSED, actor)


@transaction.atomic
def reply(tip: Tip, actor: Person, *, on: date | None = None) -> Tip:
    """答复: the reporter reads the four parts; the objection window opens."""
    _check(may_handle(actor, tip))
    tip = _locked(tip, State.CLOSED)
    tip.replied_on = on or clocks.today()
    tip.objection_due = clocks.days_after(
        tip.replied_on, clocks.rules_for(tip.office).objection_days
    )
    tip.state = State.REPLIED
    return _done(tip, EventKind.REPLIED, actor, to_reporter=True)


@transaction.atomic
def object_to(tip: Tip, *, text: str, on: date | None = None) -> Tip:
    """异议 by the reporter, within the window: the level above re-examines."""
    if not text.strip():
        raise ValidationError(_("Say what you object to."))
    tip = _locked(tip, State.REPLIED)
    on = on or clocks.today()
    if not clocks.in_time(tip.objection_due, on):
        raise ValidationError(
            _("The time to object ended on %(due)s.") % {"due": tip.objection_due},
            code="late",
        )
    above = level_above(tip.office)
    tip.objected_on = on
    tip.objection = text.strip()
    tip.reexam_office = above
    tip.reexam_due = clocks.days_after(on, clocks.rules_for(above).reexam_days)
    tip.state = State.OBJECTED
    return _done(tip, EventKind.OBJECTED, None, tip.objection, to_reporter=True, office=above)


@transaction.atomic
def reexamine(tip: Tip, actor: Person, *, outcome: str, result: str, on: date | None = None) -> Tip:
    """复查 by the level above: the outcome and its reasons, told to the reporter."""
    _check(may_reexamine(actor, tip))
    if not result.strip():
        raise ValidationError(_("Write the result of the re-examination."))
    tip = _locked(tip, State.OBJECTED)
    tip.reexam_outcome = Reexamination(outcome)
    tip.reexam_result = result.strip()
    tip.final_on = on or clocks.today()
    tip.state = State.FINAL
    told = f"{tip.get_reexam_outcome_display()}: {tip.reexam_result}"
    return _done(tip, EventKind.REEXAMINED, actor, told, to_reporter=True, office=tip.reexam_office)


@transaction.atomic
def withdraw(tip: Tip, *, note: str = "", on: date | None = None) -> Tip:
    """The reporter withdraws a tip still open: it gets no reply."""
    tip = _locked(tip, *REPORTER_OPEN)
    tip.withdrawn_on = on or clocks.today()
    tip.state = State.WITHDRAWN
    return _done(tip, EventKind.WITHDRAWN, None, note.strip(), to_reporter=True)


@transaction.atomic
def merge(tip: Tip, actor: Person, *, into: Tip) -> Tip:
    """Merge a tip into another on the same matter: the reporter follows the other's
    handling; tips already merged into this one move along."""
    _check(may_handle(actor, tip) and may_handle(actor, into))
    if into.pk == tip.pk or into.merged_into_id is not None or into.state == State.MERGED:
        raise ValidationError(_("Merge into a tip that stands on its own."))
    tip = _locked(tip, *REPORTER_OPEN)
    Tip.objects.filter(merged_into=tip).update(merged_into=into)
    tip.merged_into = into
    tip.state = State.MERGED
    told = _("Merged with another tip on the same matter, handled together.")
    return _done(tip, EventKind.MERGED, actor, told, to_reporter=True)


@transaction.atomic
def expose(tip: Tip, actor: Person) -> Tip:
    """Mark a verified tip for media exposure (万里行 / 曝光)."""
    _check(may_handle(actor, tip))
    tip = _locked(tip, *VERIFIED)
    tip.exposed = True
    return _done(tip, EventKind.EXPOSED, actor)


@transaction.atomic
def add_evidence(tip: Tip, uploads: Sequence[UploadedFile], note: str = "") -> Tip:
    """The reporter adds photos or videos to a tip not yet closed for good."""
    if tip.state in (State.WITHDRAWN, State.MERGED, State.FINAL, State.REFUSED):
        raise ValidationError(_("Nothing more can be added to this tip."))
    added = evidence.attach(tip, uploads, from_reporter=True)
    told = ngettext("%(n)d file added.", "%(n)d files added.", len(added)) % {"n": len(added)}
    return _done(
        tip,
        EventKind.EVIDENCE,
        None,
        " ".join(filter(None, [told, note.strip()])),
        to_reporter=True,
    )


@transaction.atomic
def message(tip: Tip, text: str, actor: Person | None = None) -> TipEvent:
    """A message between the reporter (actor None) and the handling office."""
    if actor is not None:
        _check(may_handle(actor, tip))
    text = text.strip()
    if not text:
        raise ValidationError(_("The message is empty."))
    event = TipEvent(
        tip=tip,
        kind=EventKind.MESSAGE,
        actor=actor,
        office=tip.office if actor is not None else None,
        note=text,
        to_reporter=True,
    )
    event.full_clean()
    event.save()
    audit.record(actor=actor, action="tips.message", target=tip)
    return event


def _bigrams(text: str) -> set[str]:
    kept = "".join(c for c in text.lower() if c.isalnum())
    return {kept[i : i + 2] for i in range(len(kept) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two texts (Chinese needs no
    segmenter): 1 for the same words, about 0.5 for one matter told twice."""
    first, second = _bigrams(a), _bigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


DUPLICATE_SIMILARITY = 0.3
# Endings a reporter may leave off an enterprise's name: 某化工公司 is 某化工有限公司.
NAME_ENDINGS = ("股份有限公司", "有限责任公司", "有限公司", "公司", "集团", "厂")


def _name_core(name: str) -> str:
    core = "".join(c for c in name.lower() if c.isalnum())
    for ending in NAME_ENDINGS:
        core = core.removesuffix(ending)
    return core


def _same_name(a: str, b: str) -> bool:
    first, second = _name_core(a), _name_core(b)
    if len(first) < 2 or len(second) < 2:
        return first == second and bool(first)
    return first in second or second in first or similarity(first, second) >= 0.5


DUPLICATE_LOOKBACK = 200  # the office's latest tips compared


def duplicates_of(tip: Tip) -> list[Tip]:
    """Tips of the same office that look like the same matter: the same place and a
    similar target, or a similar account; merged ones are left out."""
    candidates = (
        Tip.objects.filter(office=tip.office, merged_into=None)
        .exclude(pk=tip.pk)
        .exclude(state__in=[State.MERGED, State.WITHDRAWN])
        .order_by("-received_at")[:DUPLICATE_LOOKBACK]
    )
    found = []
    for other in candidates:
        same_target = other.place_id == tip.place_id and _same_name(other.target, tip.target)
        if same_target or similarity(other.description, tip.description) >= DUPLICATE_SIMILARITY:
            found.append(other)
    return found
