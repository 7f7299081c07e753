"""Writes to campaigns. Each runs in one transaction, checks the actor, leaves an audit row."""

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxuan.campaigns.blueprints import BLUEPRINTS, Blueprint
from anxuan.campaigns.deadlines import at_shanghai, once_period, shift_year, weekly_periods
from anxuan.campaigns.enums import CampaignKind, Schedule
from anxuan.campaigns.models import (
    MINIMUM_FIELDS,
    ActivityType,
    Campaign,
    CampaignIndicator,
    Indicator,
    Participant,
    Period,
    Phase,
    Requirement,
    TargetDomain,
    evidence_count_text,
)
from anxuan.campaigns.rules import can_manage_campaign, can_register_liaison
from anxuan.campaigns.signals import campaign_copied, expectations_changed
from anxuan.core.audit import changes, name_extras, names, record, removal, snapshot
from anxuan.core.services import UNCHANGED, Unchanged, assign_and_save
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import is_office_over, own_org_ids
from anxuan.orgs.selectors import liaison_accounts_by_org


def work_starts_on(campaign: Campaign) -> date:
    """The first day units work on the campaign: its start, or an earlier preparation phase
    (the plan and the liaison form are due before June)."""
    first_phase = campaign.phases.order_by("starts_on").values_list("starts_on", flat=True).first()
    return min(campaign.starts_on, first_phase) if first_phase else campaign.starts_on


def _require_manager(actor: Person, campaign: Campaign) -> None:
    if not can_manage_campaign(actor, campaign):
        raise PermissionDenied


def _expectations_changed(*campaign_ids: int) -> None:
    expectations_changed.send(sender=Campaign, campaign_ids=campaign_ids)


def sync_periods(requirement: Requirement) -> None:
    """Expand the requirement's rule into periods: update those that remain by number, add new
    ones, drop the ones the rule no longer yields."""
    if requirement.schedule == Schedule.WEEKLY:
        specs = weekly_periods(
            weekday=requirement.weekday,
            due_time=requirement.due_time,
            first=requirement.repeat_from,
            last=requirement.repeat_until,
        )
    elif requirement.schedule == Schedule.ONCE:
        opens_on = requirement.campaign.starts_on
        if requirement.phase is not None:
            opens_on = min(opens_on, requirement.phase.starts_on)
        specs = once_period(due_at=requirement.due_at, opens_on=opens_on)
    else:
        specs = []
    existing = {p.number: p for p in requirement.periods.all()}
    for spec in specs:
        period = existing.pop(spec.number, None) or Period(
            requirement=requirement, number=spec.number
        )
        if period.pk is None or (period.opens_at, period.due_at) != (spec.opens_at, spec.due_at):
            period.opens_at, period.due_at = spec.opens_at, spec.due_at
            period.save()
    if existing:
        dropped = Period.objects.filter(pk__in=[p.pk for p in existing.values()])
        held = (
            dropped.annotate(reports=Count("submissions"))
            .filter(reports__gt=0)
            .order_by("number")
            .first()
        )
        if held is not None:  # a report is never lost to a new schedule
            raise ValidationError(
                _(
                    "%(period)s already has %(n)d reports: the new schedule would drop it. "
                    "Keep a schedule that still includes it."
                )
                % {"period": held.label, "n": held.reports}
            )
        dropped.delete()
    _expectations_changed(requirement.campaign_id)


def _set_named(model: type, campaign: Campaign, names: list[str]) -> None:
    """Make the campaign's activity types (or domains) exactly `names`, in that order."""
    names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    current = {o.name: o for o in model.objects.filter(campaign=campaign)}
    model.objects.filter(campaign=campaign).exclude(name__in=names).delete()
    for order, name in enumerate(names):
        obj = current.get(name) or model(campaign=campaign, name=name)
        obj.order = order
        obj.full_clean()
        obj.save()


def _set_indicators(campaign: Campaign, indicators: list[Indicator]) -> None:
    CampaignIndicator.objects.filter(campaign=campaign).exclude(indicator__in=indicators).delete()
    current = {ci.indicator_id: ci for ci in CampaignIndicator.objects.filter(campaign=campaign)}
    for order, indicator in enumerate(indicators):
        ci = current.get(indicator.pk) or CampaignIndicator(campaign=campaign, indicator=indicator)
        ci.order = order
        ci.save()


DUPLICATE = "duplicate"


def _refuse_duplicate(owner: Organization, kind: str, year: int) -> None:
    """A second campaign of one kind (Safety Month ...) for one office and year is most
    often a mistake: refused with code DUPLICATE unless the office confirms it."""
    if kind == CampaignKind.CUSTOM:
        return
    if Campaign.objects.filter(owner=owner, kind=kind, year=year, archived=False).exists():
        raise ValidationError(
            _("%(owner)s already has a campaign of this kind (%(kind)s) in %(year)d.")
            % {"owner": owner.name, "kind": CampaignKind(kind).label, "year": year},
            code=DUPLICATE,
        )


@transaction.atomic
def create_campaign(
    *,
    actor: Person,
    owner: Organization,
    kind: str = CampaignKind.CUSTOM,
    title: str,
    year: int,
    starts_on: date,
    ends_on: date,
    theme: str | Unchanged = UNCHANGED,
    office_name: str | Unchanged = UNCHANGED,
    committee: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    reminder_hours: int | Unchanged = UNCHANGED,
    remind_missed: bool | Unchanged = UNCHANGED,
    webhook_url: str | Unchanged = UNCHANGED,
    robot_secret: str | Unchanged = UNCHANGED,
    allow_duplicate: bool = False,
) -> Campaign:
    """A blank campaign with only its basic fields; those left out take the model's
    defaults. A second one of the same kind, office and year is refused (ValidationError
    with code DUPLICATE) unless `allow_duplicate`. Side effects: audit row."""
    if not is_office_over(actor, owner):
        raise PermissionDenied
    if not allow_duplicate:
        _refuse_duplicate(owner, kind, year)
    campaign = Campaign(owner=owner, kind=kind, created_by=actor)
    assign_and_save(
        campaign,
        title=title,
        theme=theme,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        office_name=office_name,
        committee=committee,
        description=description,
        reminder_hours=reminder_hours,
        remind_missed=remind_missed,
        webhook_url=webhook_url,
        robot_secret=robot_secret,
    )
    record(actor=actor, action="campaign.create", target=campaign, summary=campaign.title)
    return campaign


@transaction.atomic
def create_campaign_from_blueprint(
    *,
    actor: Person,
    owner: Organization,
    blueprint_key: str,
    year: int,
    allow_duplicate: bool = False,
) -> Campaign:
    """A campaign filled from a template for `year`: phases, requirements and their periods,
    activity types, domains and indicators; a duplicate is refused as by create_campaign.
    Side effects: audit row."""
    bp: Blueprint = BLUEPRINTS[blueprint_key]
    campaign = create_campaign(
        actor=actor,
        owner=owner,
        allow_duplicate=allow_duplicate,
        kind=bp.kind,
        title=bp.title.format(year=year),
        theme=bp.theme,
        year=year,
        starts_on=date(year, *bp.starts),
        ends_on=date(year, *bp.ends),
        office_name=f"{owner.name}{bp.office_name}",
        committee=bp.committee,
        description=bp.description,
    )
    phases = {}
    for p in bp.phases:
        phases[p.name] = Phase.objects.create(
            campaign=campaign,
            name=p.name,
            starts_on=date(year, *p.starts),
            ends_on=date(year, *p.ends),
            description=p.description,
            evidence=list(p.evidence),
        )
    shared = Indicator.objects.filter(owner__isnull=True, name__in=[n for n, _u in bp.indicators])
    by_key = {(i.name, i.unit): i for i in shared}
    indicators = [by_key[key] for key in bp.indicators if key in by_key]
    _set_indicators(campaign, indicators)
    for order, r in enumerate(bp.requirements):
        requirement = Requirement(
            campaign=campaign,
            kind=r.kind,
            title=r.title,
            description=r.description,
            schedule=r.schedule,
            phase=phases.get(r.phase),
            order=order,
            **{MINIMUM_FIELDS[kind]: n for kind, n in r.evidence},
        )
        if r.due:
            month, day, hour, minute = r.due
            requirement.due_at = at_shanghai(date(year, month, day), time(hour, minute))
        if r.repeat:
            requirement.weekday, requirement.due_time = r.weekday, r.due_time
            requirement.repeat_from = date(year, *r.repeat[0])
            requirement.repeat_until = date(year, *r.repeat[1])
        requirement.full_clean()
        requirement.save()
        if r.collects_indicators:
            requirement.indicators.set(indicators)
        sync_periods(requirement)
    _set_named(ActivityType, campaign, list(bp.activity_types))
    _set_named(TargetDomain, campaign, list(bp.domains))
    return campaign


@transaction.atomic
def update_campaign(
    *,
    actor: Person,
    campaign: Campaign,
    title: str | Unchanged = UNCHANGED,
    theme: str | Unchanged = UNCHANGED,
    year: int | Unchanged = UNCHANGED,
    starts_on: date | Unchanged = UNCHANGED,
    ends_on: date | Unchanged = UNCHANGED,
    office_name: str | Unchanged = UNCHANGED,
    committee: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    reminder_hours: int | Unchanged = UNCHANGED,
    remind_missed: bool | Unchanged = UNCHANGED,
    webhook_url: str | Unchanged = UNCHANGED,
    robot_secret: str | Unchanged = UNCHANGED,
    activity_types: list[str] | Unchanged = UNCHANGED,
    domains: list[str] | Unchanged = UNCHANGED,
    indicators: list[Indicator] | Unchanged = UNCHANGED,
) -> Campaign:
    """Edit the campaign's basic fields, activity types, domains and indicators; what is
    left out stays as it is. Side effects: audit row."""
    _require_manager(actor, campaign)
    before = snapshot(campaign, extra=_campaign_lists(campaign))
    assign_and_save(
        campaign,
        title=title,
        theme=theme,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        office_name=office_name,
        committee=committee,
        description=description,
        reminder_hours=reminder_hours,
        remind_missed=remind_missed,
        webhook_url=webhook_url,
        robot_secret=robot_secret,
    )
    if not isinstance(activity_types, Unchanged):
        _set_named(ActivityType, campaign, activity_types)
    if not isinstance(domains, Unchanged):
        _set_named(TargetDomain, campaign, domains)
    if not isinstance(indicators, Unchanged):
        _set_indicators(campaign, indicators)
    record(
        actor=actor,
        action="campaign.update",
        target=campaign,
        summary=campaign.title,
        changes=changes(before, campaign, extra=_campaign_lists(campaign)),
    )
    return campaign


name_extras(
    activity_types=gettext_lazy("Activity types"),
    domains=gettext_lazy("Domains"),
    indicators=gettext_lazy("Indicators"),
)


def _campaign_lists(campaign: Campaign) -> dict[str, list[str]]:
    """The campaign's lists as the audit log keeps them, by name."""
    return {
        "activity_types": names(ActivityType.objects.filter(campaign=campaign)),
        "domains": names(TargetDomain.objects.filter(campaign=campaign)),
        "indicators": names(campaign.indicators.all()),
    }


@transaction.atomic
def order_indicators(*, actor: Person, campaign: Campaign, indicators: list[Indicator]) -> None:
    """Put the campaign's statistics columns in this order (the page, its .xlsx, the API
    and the Word summary follow it); `indicators` are exactly the campaign's.
    Side effects: audit row."""
    _require_manager(actor, campaign)
    if sorted(i.pk for i in indicators) != sorted(campaign.indicators.values_list("pk", flat=True)):
        raise ValidationError(_("The columns changed meanwhile; order them again."))
    _set_indicators(campaign, indicators)
    record(
        actor=actor,
        action="campaign.columns",
        target=campaign,
        summary="、".join(str(i) for i in indicators),
    )


@transaction.atomic
def archive_campaign(*, actor: Person, campaign: Campaign) -> None:
    _require_manager(actor, campaign)
    before = snapshot(campaign)
    campaign.archived = True
    campaign.save(update_fields=["archived"])
    if campaign.parent_id:
        _expectations_changed(campaign.parent_id)
    record(
        actor=actor,
        action="campaign.archive",
        target=campaign,
        summary=campaign.title,
        changes=changes(before, campaign),
    )


@transaction.atomic
def save_phase(
    *,
    actor: Person,
    campaign: Campaign,
    phase: Phase | None = None,
    name: str | Unchanged = UNCHANGED,
    starts_on: date | Unchanged = UNCHANGED,
    ends_on: date | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    evidence: list[str] | Unchanged = UNCHANGED,
) -> Phase:
    """Add a phase (`phase` None: name and dates are then required) or edit one; what is
    left out stays as it is. Side effects: audit row."""
    _require_manager(actor, campaign)
    phase = phase or Phase(campaign=campaign)
    before = snapshot(phase) if phase.pk else {}
    assign_and_save(
        phase,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        evidence=evidence,
    )
    record(
        actor=actor,
        action="phase.save",
        target=campaign,
        summary=phase.name,
        phase=phase.pk,
        changes=changes(before, phase),
    )
    return phase


@transaction.atomic
def delete_phase(*, actor: Person, phase: Phase) -> None:
    _require_manager(actor, phase.campaign)
    record(
        actor=actor,
        action="phase.delete",
        target=phase.campaign,
        summary=phase.name,
        phase=phase.pk,
        changes=removal(phase),
    )
    phase.delete()


@transaction.atomic
def save_requirement(
    *,
    actor: Person,
    campaign: Campaign,
    requirement: Requirement | None = None,
    kind: str | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    schedule: str | Unchanged = UNCHANGED,
    due_at: datetime | Unchanged | None = UNCHANGED,
    weekday: int | Unchanged | None = UNCHANGED,
    due_time: time | Unchanged | None = UNCHANGED,
    repeat_from: date | Unchanged | None = UNCHANGED,
    repeat_until: date | Unchanged | None = UNCHANGED,
    min_photos: int | Unchanged = UNCHANGED,
    min_videos: int | Unchanged = UNCHANGED,
    min_documents: int | Unchanged = UNCHANGED,
    opens_days_early: int | Unchanged = UNCHANGED,
    phase: Phase | Unchanged | None = UNCHANGED,
    indicators: list[Indicator] | Unchanged = UNCHANGED,
) -> Requirement:
    """Create (`requirement` None: kind, title and schedule are then required) or edit a
    requirement, and re-expand its periods; what is left out stays as it is.
    Side effects: audit row."""
    _require_manager(actor, campaign)
    requirement = requirement or Requirement(campaign=campaign, order=campaign.requirements.count())
    before = snapshot(requirement, extra=_requirement_lists(requirement)) if requirement.pk else {}
    assign_and_save(
        requirement,
        kind=kind,
        title=title,
        description=description,
        schedule=schedule,
        due_at=due_at,
        weekday=weekday,
        due_time=due_time,
        repeat_from=repeat_from,
        repeat_until=repeat_until,
        min_photos=min_photos,
        min_videos=min_videos,
        min_documents=min_documents,
        opens_days_early=opens_days_early,
        phase=phase,
    )
    if not isinstance(indicators, Unchanged):
        requirement.indicators.set(indicators)
    sync_periods(requirement)
    if requirement.inherited_from_id:
        _check_inherited(requirement)
    record(
        actor=actor,
        action="requirement.save",
        target=campaign,
        summary=requirement.title,
        requirement=requirement.pk,
        changes=changes(before, requirement, extra=_requirement_lists(requirement)),
    )
    return requirement


def _requirement_lists(requirement: Requirement) -> dict[str, list[str]]:
    return {"indicators": names(requirement.indicators.all())}


def _check_inherited(requirement: Requirement) -> None:
    """A requirement carried down from the parent campaign keeps its kind, rule, periods and
    indicators; each deadline may be earlier than the parent's, never later; it may ask for
    more attachments than the parent's, never fewer."""
    parent = requirement.inherited_from
    if (requirement.kind, requirement.schedule) != (parent.kind, parent.schedule):
        raise ValidationError(
            {"schedule": _("An inherited requirement keeps its kind and deadline rule.")}
        )
    for kind, field in MINIMUM_FIELDS.items():
        if getattr(requirement, field) < getattr(parent, field):
            raise ValidationError(
                {
                    field: _(
                        "The parent campaign asks for at least %(what)s: this one may ask "
                        "for more, not fewer."
                    )
                    % {"what": evidence_count_text(kind, getattr(parent, field))}
                }
            )
    missing = set(parent.indicators.values_list("name", "unit")) - set(
        requirement.indicators.values_list("name", "unit")
    )
    if missing:
        raise ValidationError(
            {
                "indicators": _("The parent campaign collects these too: %(names)s.")
                % {"names": "、".join(f"{name}（{unit}）" for name, unit in sorted(missing))}
            }
        )
    mine = dict(requirement.periods.values_list("number", "due_at"))
    for number, due_at in parent.periods.values_list("number", "due_at"):
        if number not in mine or mine[number] > due_at:
            field = "due_at" if requirement.schedule == Schedule.ONCE else "due_time"
            raise ValidationError(
                {
                    field: _(
                        "The parent campaign's deadline is %(when)s: this one may be earlier, "
                        "not later, and may not drop a period."
                    )
                    % {"when": f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}"}
                }
            )


@transaction.atomic
def delete_requirement(*, actor: Person, requirement: Requirement) -> None:
    _require_manager(actor, requirement.campaign)
    if requirement.inherited_from_id:
        raise ValidationError(
            _("“%(title)s” comes from the parent campaign and cannot be dropped.")
            % {"title": requirement.title}
        )
    reports = requirement.submissions.count()
    if reports:
        raise ValidationError(
            _("“%(title)s” already has %(n)d reports and cannot be deleted.")
            % {"title": requirement.title, "n": reports}
        )
    record(
        actor=actor,
        action="requirement.delete",
        target=requirement.campaign,
        summary=requirement.title,
        requirement=requirement.pk,
        changes=removal(requirement),
    )
    requirement.delete()


def _clone(
    actor: Person,
    source: Campaign,
    *,
    owner: Organization,
    year: int,
    title: str,
    inherit: bool = False,
) -> Campaign:
    """A new campaign like `source`, moved by whole years: phases, requirements with their
    periods, indicators, activity types and domains. With `inherit`, each requirement is
    carried down from the source's (a linked campaign)."""
    years = year - source.year
    campaign = create_campaign(
        actor=actor,
        owner=owner,
        kind=source.kind,
        title=title,
        theme=source.theme,
        year=year,
        starts_on=shift_year(source.starts_on, years),
        ends_on=shift_year(source.ends_on, years),
        office_name=source.office_name if owner == source.owner else "",
        committee=source.committee if owner == source.owner else "",
        description=source.description,
        # A linked campaign sits beside the office's own by design; a copy names its year.
        allow_duplicate=True,
    )
    phases = {}
    for phase in source.phases.all():
        phases[phase.pk] = Phase.objects.create(
            campaign=campaign,
            name=phase.name,
            starts_on=shift_year(phase.starts_on, years),
            ends_on=shift_year(phase.ends_on, years),
            description=phase.description,
            evidence=phase.evidence,
        )
    for req in source.requirements.prefetch_related("indicators"):
        new = Requirement(
            campaign=campaign,
            kind=req.kind,
            title=req.title,
            description=req.description,
            schedule=req.schedule,
            weekday=req.weekday,
            due_time=req.due_time,
            min_photos=req.min_photos,
            min_videos=req.min_videos,
            min_documents=req.min_documents,
            opens_days_early=req.opens_days_early,
            order=req.order,
            phase=phases.get(req.phase_id),
            inherited_from=req if inherit else None,
        )
        if req.due_at:
            local = timezone.localtime(req.due_at)
            new.due_at = at_shanghai(shift_year(local.date(), years), local.time())
        if req.repeat_from and req.repeat_until:
            new.repeat_from = shift_year(req.repeat_from, years)
            new.repeat_until = shift_year(req.repeat_until, years)
        new.full_clean()
        new.save()
        new.indicators.set(req.indicators.all())
        sync_periods(new)
    _set_indicators(campaign, list(source.indicators.order_by("campaignindicator__order")))
    _set_named(ActivityType, campaign, list(source.activity_types.values_list("name", flat=True)))
    _set_named(TargetDomain, campaign, list(source.domains.values_list("name", flat=True)))
    return campaign


@transaction.atomic
def copy_campaign(*, actor: Person, source: Campaign, year: int) -> Campaign:
    """Repeat a campaign in another year: phases and requirements shifted by whole years,
    indicators, activity types, domains and participants (liaisons to be registered again,
    except those of units with a liaison account)."""
    _require_manager(actor, source)
    if year == source.year:
        raise ValidationError({"year": _("Choose a year other than the campaign's own.")})
    campaign = _clone(
        actor,
        source,
        owner=source.owner,
        year=year,
        title=source.title.replace(str(source.year), str(year)),
    )
    campaign.copied_from = source
    campaign.save(update_fields=["copied_from"])
    Participant.objects.bulk_create(
        _with_known_liaisons(
            [
                Participant(
                    campaign=campaign, organization_id=org_id, joined_on=work_starts_on(campaign)
                )
                for org_id in source.participants.filter(organization__archived=False).values_list(
                    "organization_id", flat=True
                )
            ]
        )
    )
    _expectations_changed(campaign.pk)
    campaign_copied.send(sender=Campaign, source=source, copy=campaign)
    record(
        actor=actor,
        action="campaign.copy",
        target=campaign,
        summary=campaign.title,
        source=source.pk,
    )
    return campaign


@transaction.atomic
def create_linked_campaign(*, actor: Person, parent: Campaign, owner: Organization) -> Campaign:
    """A participant office's own campaign under the parent's ("上下联动"): the parent's
    phases, requirements (deadlines and indicators), activity types and domains, which the
    office may tighten but not drop; it then adds its own units. Side effects: audit row."""
    if owner.pk not in own_org_ids(actor, OFFICE_ROLES):
        raise PermissionDenied
    if not parent.participants.filter(organization=owner).exists():
        raise ValidationError(
            _("%(unit)s does not take part in “%(title)s”.")
            % {"unit": owner.name, "title": parent.title}
        )
    if parent.children.filter(owner=owner, archived=False).exists():
        raise ValidationError(
            _("%(unit)s already has its campaign under “%(title)s”.")
            % {"unit": owner.name, "title": parent.title}
        )
    campaign = _clone(
        actor,
        parent,
        owner=owner,
        year=parent.year,
        title=f"{parent.title}（{owner.name}）",
        inherit=True,
    )
    campaign.parent = parent
    campaign.save(update_fields=["parent"])
    _expectations_changed(parent.pk, campaign.pk)
    record(
        actor=actor,
        action="campaign.link",
        target=campaign,
        summary=campaign.title,
        parent=parent.pk,
    )
    return campaign


def _with_known_liaisons(participants: list[Participant]) -> list[Participant]:
    """Fill in the liaison of each unit that already has a liaison account (as the unit
    import makes them: name and mobile): such a unit counts as registered from the start;
    its liaison may still change the details through the liaison form."""
    accounts = liaison_accounts_by_org([p.organization_id for p in participants])
    now = timezone.now()
    for participant in participants:
        membership = accounts.get(participant.organization_id)
        if membership is not None:
            person = membership.person
            participant.liaison_name = person.full_name or person.username
            participant.liaison_title = membership.title
            participant.liaison_mobile = person.mobile or ""
            participant.liaison_person = person
            participant.registered_at = now
    return participants


@transaction.atomic
def add_participants(
    *,
    actor: Person,
    campaign: Campaign,
    organizations: list[Organization],
    joined_on: date | None = None,
) -> int:
    """Add units not yet taking part; returns how many were added. A unit added after the
    campaign started is expected to report only from the day it joins. A unit with a
    liaison account joins with that liaison registered."""
    _require_manager(actor, campaign)
    if any(not is_office_over(actor, o) for o in organizations):
        raise PermissionDenied
    joined_on = joined_on or max(work_starts_on(campaign), timezone.localdate())
    present = set(campaign.participants.values_list("organization_id", flat=True))
    new = _with_known_liaisons(
        [
            Participant(campaign=campaign, organization=o, joined_on=joined_on)
            for o in organizations
            if o.pk not in present
        ]
    )
    Participant.objects.bulk_create(new)
    _expectations_changed(campaign.pk)
    if new:
        record(
            actor=actor,
            action="participants.add",
            target=campaign,
            summary=_("%(n)d units added") % {"n": len(new)},
            organizations=[p.organization_id for p in new],
            registered=[p.organization_id for p in new if p.registered_at],
        )
    return len(new)


@transaction.atomic
def remove_participant(*, actor: Person, participant: Participant) -> None:
    """Take a unit out of the campaign; refused once it has reported (its reports stay
    with it). Side effects: audit row."""
    _require_manager(actor, participant.campaign)
    reports = participant.submissions.count()
    if reports:
        raise ValidationError(
            _("%(unit)s already has %(n)d reports and cannot be taken out of the campaign.")
            % {"unit": participant.organization, "n": reports}
        )
    record(
        actor=actor,
        action="participant.remove",
        target=participant.campaign,
        summary=str(participant.organization),
        organization=participant.organization_id,
    )
    participant.delete()
    _expectations_changed(participant.campaign_id)


@transaction.atomic
def register_liaison(
    *, actor: Person, participant: Participant, name: str, title: str, mobile: str, phone: str = ""
) -> Participant:
    """The unit names its liaison for this campaign (the liaison form). Re-registering
    replaces the details; the audit log keeps the earlier ones."""
    if not can_register_liaison(actor, participant):
        raise PermissionDenied
    before = {"name": participant.liaison_name, "mobile": participant.liaison_mobile}
    participant.liaison_name, participant.liaison_title = name.strip(), title.strip()
    participant.liaison_mobile, participant.liaison_phone = mobile.strip(), phone.strip()
    participant.liaison_person = Person.objects.filter(mobile=participant.liaison_mobile).first()
    participant.registered_at = timezone.now()
    participant.full_clean()
    participant.save()
    record(
        actor=actor,
        action="liaison.register",
        target=participant.campaign,
        summary=f"{participant.organization} · {participant.liaison_name}",
        before=before,
    )
    return participant


@transaction.atomic
def save_indicator(
    *,
    actor: Person,
    owner: Organization | None,
    indicator: Indicator | None = None,
    name: str | Unchanged = UNCHANGED,
    unit: str | Unchanged = UNCHANGED,
    category: str | Unchanged = UNCHANGED,
    aggregation: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> Indicator:
    """Add to (name and unit are then required) or edit the catalogue; what is left out
    stays as it is. Shared entries (no owner) are edited by superusers only.
    Side effects: audit row."""
    target_owner = indicator.owner if indicator else owner
    if target_owner is None and not actor.is_superuser:
        raise PermissionDenied
    if target_owner is not None and not is_office_over(actor, target_owner):
        raise PermissionDenied
    indicator = indicator or Indicator(owner=owner)
    before = snapshot(indicator) if indicator.pk else {}
    assign_and_save(
        indicator,
        name=name,
        unit=unit,
        category=category,
        aggregation=aggregation,
        description=description,
    )
    record(
        actor=actor,
        action="indicator.save",
        target=indicator,
        summary=str(indicator),
        changes=changes(before, indicator),
    )
    return indicator


def default_year() -> int:
    """The year an office most likely plans for: next year once this June is past."""
    today = timezone.localdate()
    return today.year + (1 if today >= date(today.year, 7, 1) else 0)
