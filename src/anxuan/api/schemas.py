"""What the API reads and writes. Output schemas read model attributes (selectors prepare
the joins); input schemas type the request, and the pages' forms then validate it."""

from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Schema

from anxuan.reports.enums import AWAITING_REVIEW, EDITABLE
from anxuan.tips import clocks, handling, views
from anxuan.tips.enums import Category, Reexamination, RefusalGround, Sector
from anxuan.tips.models import TipRules

# ---- shared -----------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class ErrorOut(Schema):
    code: str = Field(examples=["state_conflict"])
    message: str = Field(description="in simplified Chinese")
    message_en: str = Field(description="in English")
    fields: dict[str, list[str]] = Field(description="the request's fields at fault")


# ---- people and organisations -----------------------------------------------------------


class MembershipOut(Schema):
    organization: Ref
    role: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    mobile: str | None
    memberships: list[MembershipOut]
    office_work: bool = Field(description="may organise campaigns somewhere")
    review_work: bool = Field(description="reviews reports somewhere")


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str | None
    parent_id: int | None
    depth: int
    archived: bool


class OrgDetailOut(OrgOut):
    children: list[Ref]
    can_manage: bool


class ImportRowErrorOut(Schema):
    row: int
    column: str
    column_label: str
    message: str


class ImportPreviewOut(Schema):
    ok: bool = Field(description="the file would import cleanly")
    rows: int
    errors: list[ImportRowErrorOut]

    @staticmethod
    def resolve_rows(obj) -> int:
        return len(obj.rows)


# ---- campaigns --------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    kind: str
    theme: str
    year: int
    starts_on: date
    ends_on: date
    owner: Ref
    participant_count: int
    registered_count: int


class PhaseOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    description: str
    evidence: list[str]


class CampaignDetailOut(CampaignOut):
    office_name: str
    description: str
    phases: list[PhaseOut]
    activity_types: list[str]
    domains: list[str]
    can_manage: bool
    can_oversee: bool = Field(description="sees the board and the statistics table")


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    category: str
    aggregation: str
    description: str


class RequirementOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    schedule: str
    rule_text: str
    due_at: datetime | None
    weekday: int | None
    due_time: str | None = Field(
        description="wall-clock time of the weekly deadline in Asia/Shanghai, HH:MM:SS",
        pattern=r"^\d{2}:\d{2}:\d{2}$",
    )
    repeat_from: date | None
    repeat_until: date | None
    evidence: list[str] = Field(description="the evidence kinds a report must attach")
    evidence_minimums: dict[str, int] = Field(
        description="at least how many files of each kind (photo, video, document) a report "
        "must attach before it is submitted; kinds not listed need none"
    )
    opens_days_early: int = Field(
        description="reports for a period are accepted from this many days before it opens"
    )
    phase_id: int | None
    indicator_ids: list[int]

    @staticmethod
    def resolve_evidence(obj) -> list[str]:
        return list(obj.evidence_minimums)

    @staticmethod
    def resolve_indicator_ids(obj) -> list[int]:
        return [i.pk for i in obj.indicators.all()]

    @staticmethod
    def resolve_due_time(obj) -> str | None:
        return obj.due_time.isoformat() if obj.due_time else None


class PeriodOut(Schema):
    id: int
    requirement_id: int
    number: int
    label: str
    opens_at: datetime
    due_at: datetime


class ParticipantOut(Schema):
    id: int
    organization: Ref
    joined_on: date
    liaison_name: str
    liaison_title: str
    liaison_mobile: str
    liaison_phone: str
    registered_at: datetime | None


class ParticipantsIn(Schema):
    organization_ids: list[int] = Field(min_length=1)
    joined_on: date | None = Field(None, description="empty: the campaign start, or today")


class AddedOut(Schema):
    added: int


class LiaisonIn(Schema):
    name: str
    title: str
    mobile: str
    phone: str = ""


# ---- reports ----------------------------------------------------------------------------


class RequirementRef(Schema):
    id: int
    title: str
    kind: str


class PeriodRef(Schema):
    id: int
    label: str
    due_at: datetime


class ParticipantRef(Schema):
    id: int
    organization: Ref


class DueOut(Schema):
    campaign: Ref
    requirement: RequirementRef
    period: PeriodRef
    participant: ParticipantRef
    overdue: bool
    submission_id: int | None
    state: str | None = Field(description="the report's state; null when not started")


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    original_name: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    taken_at: datetime | None
    uploaded_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("api-v1:attachment_file", args=[obj.pk])


class SubmissionOut(Schema):
    id: int
    campaign_id: int
    requirement: RequirementRef
    period: PeriodRef | None
    participant: ParticipantRef
    state: str
    important: bool
    timeliness: str = Field(
        description="on_time or late, judged at the first submit against the period's due "
        "time; empty before it, and always for ad-hoc items (no due time)"
    )
    first_submitted_at: datetime | None
    updated_at: datetime
    version_count: int

    @staticmethod
    def resolve_campaign_id(obj) -> int:
        return obj.requirement.campaign_id


class ActivityIn(Schema):
    held_on: date = Field(description="not after the day the report is submitted")
    activity_type: str = Field(
        "", description="one of the campaign's activity types; empty when it defines none"
    )
    domain: str = ""
    place: str = ""
    people_reached: int = 0
    description: str = ""


class ActivityOut(ActivityIn):
    pass


class DraftIn(Schema):
    text: str = ""
    activities: list[ActivityIn] = Field([], max_length=50)
    values: dict[str, Decimal] = Field(
        {}, description="indicator id → value, for the requirement's indicators"
    )
    important: bool = Field(False, description="ad-hoc items only: tell the office at once")


class NewDraftIn(DraftIn):
    participant_id: int
    period_id: int | None = Field(None, description="the period, for periodic requirements")
    requirement_id: int | None = Field(None, description="for requirements without periods")


class DraftOut(Schema):
    text: str = ""
    activities: list[ActivityOut] = []
    values: dict[str, Decimal] = {}


class ReviewOut(Schema):
    kind: str
    reason: str
    version: int
    at: datetime

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.number


class SubmissionDetailOut(SubmissionOut):
    draft: DraftOut | None = Field(description="the editable draft, for those who report")
    attachments: list[AttachmentOut] | None = Field(description="files in the draft")
    reviews: list[ReviewOut]
    can_edit: bool
    can_review: bool

    # What the caller may see and do, by the same rules as the report page.
    @staticmethod
    def resolve_draft(obj, context) -> dict | None:
        return obj.draft if context["request"].user.has_perm("reports.report", obj) else None

    @staticmethod
    def resolve_attachments(obj, context) -> list | None:
        if not context["request"].user.has_perm("reports.report", obj):
            return None
        return list(obj.attachments.filter(in_draft=True))

    @staticmethod
    def resolve_reviews(obj) -> list:
        return list(obj.reviews.select_related("version"))

    @staticmethod
    def resolve_can_edit(obj, context) -> bool:
        return obj.state in EDITABLE and context["request"].user.has_perm("reports.report", obj)

    @staticmethod
    def resolve_can_review(obj, context) -> bool:
        return obj.state in AWAITING_REVIEW and context["request"].user.has_perm(
            "reports.review", obj
        )


class ValueOut(Schema):
    indicator: Ref
    unit: str
    value: Decimal

    @staticmethod
    def resolve_indicator(obj) -> dict:
        return {"id": obj.indicator_id, "name": obj.indicator.name}

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.indicator.unit


class VersionOut(Schema):
    number: int
    text: str
    submitted_at: datetime
    submitted_by: Ref
    activities: list[ActivityOut]
    values: list[ValueOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_submitted_by(obj) -> dict:
        return {"id": obj.submitted_by_id, "name": str(obj.submitted_by)}


class SubmittedOut(Schema):
    submission: SubmissionOut
    version: VersionOut


class ReturnIn(Schema):
    reason: str


# ---- board and statistics ---------------------------------------------------------------


class RateOut(Schema):
    expected: int
    reported: int
    timely: int
    reporting: float | None
    timeliness: float | None


class CellOut(Schema):
    status: str
    label: str
    timely: bool
    submission_id: int | None

    @staticmethod
    def resolve_submission_id(obj) -> int | None:
        return obj.submission.pk if obj.submission else None


class BoardRowOut(Schema):
    participant: ParticipantRef
    cells: list[CellOut]
    rate: RateOut
    adhoc_counts: list[int] = Field(
        description="reports sent for each of the board's ad-hoc requirements, in order"
    )
    extra: list[int] = Field(
        description="a value for each of the board's `columns`, in order (0: none)"
    )


class BoardPeriodOut(PeriodRef):
    requirement_id: int


class AdhocRequirementOut(Schema):
    id: int
    title: str


class BoardColumnOut(Schema):
    name: str = Field(description='a stable key, e.g. "integrity.confirmed"')
    header: str

    @staticmethod
    def resolve_header(obj) -> str:
        return str(obj.header)


class BoardOut(Schema):
    periods: list[BoardPeriodOut]
    columns: list[BoardColumnOut] = Field(
        description="columns other apps add: integrity.confirmed counts a unit's confirmed "
        "formalism flags in this campaign"
    )
    adhoc: list[AdhocRequirementOut] = Field(
        description="ad-hoc requirements (no due time): counted per unit, never missing"
    )
    rows: list[BoardRowOut]
    period_rates: list[RateOut]
    overall: RateOut


class StatisticsRowOut(Schema):
    participant: ParticipantRef
    reported: bool = Field(
        description="false: the unit sent no figures on this basis (未报送); its values are "
        "all null. A unit running a linked campaign: false when no unit below it sent any."
    )
    values: list[Decimal | None] = Field(
        description="one per indicator, in the columns' order; null when not reported, "
        "never 0 (a 0 the unit sent is 0)"
    )


class StatisticsOut(Schema):
    basis: str
    indicators: list[IndicatorOut] = Field(description="the columns, in the office's order")
    rows: list[StatisticsRowOut]
    totals: list[Decimal] = Field(description="the reported figures added up")
    not_reported: int = Field(description="how many rows sent no figures")


# ---- hazard tips (举报) ------------------------------------------------------------------
# No schema here has a field for the reporter's name or mobile (beyond the intake's input),
# the receipt or passphrase hash, the reporter key or an address: none can leak by a
# resolver added later without someone writing the field first.


class TipIn(Schema):
    """A tip as the public form takes it; validated by the same form (tips.forms.TipForm)."""

    category: Category
    place_id: int = Field(description="the county, town or subdistrict (an organisation)")
    address: str = Field(max_length=200)
    target: str = Field(max_length=200, description="the enterprise or site")
    seen_on: date | None = None
    description: str = Field(max_length=5000, description="what was seen")
    name: str = Field("", max_length=50, description="optional; needed for a reward")
    mobile: str = Field("", max_length=11, description="optional; needed for a reward")
    passphrase: str = Field(
        "", max_length=64, description="8 characters or more; empty: one is made"
    )
    captcha: str = Field(
        max_length=16,
        description="the answer to the image of GET /tips/captcha, fetched with the same "
        "session cookie; good for one try",
    )


class FiledOut(Schema):
    receipt: str = Field(description="16 digits: shown this once, never stored in clear")
    passphrase: str = Field(description="shown this once, never stored in clear")
    office: Ref = Field(description="the office that handles the tip")
    state: str


class FollowIn(Schema):
    receipt: str = Field(max_length=32)
    passphrase: str = Field(max_length=64)


class ReporterMessageIn(FollowIn):
    text: str = Field(max_length=2000)


class ObjectionIn(FollowIn):
    text: str = Field(max_length=5000, description="what the reporter objects to, and why")


class ReplyOut(Schema):
    """The reply's four parts (核查结论, 简要核查情况, 处理决定, 符合奖励条件情况)."""

    conclusion: str
    findings: str
    decision: str
    reward_eligibility: str
    replied_on: date
    objection_due: date | None


class ReexaminationOut(Schema):
    office: str
    outcome: str
    outcome_label: str
    result: str
    on: date | None


class ReporterEventOut(Schema):
    kind: str
    kind_label: str
    from_reporter: bool
    office: str | None = Field(description="the office that wrote it; null for the reporter")
    note: str
    at: datetime


class ReporterTipOut(Schema):
    """A tip as its reporter sees it: a merged tip shows the handling of the tip it was
    merged into (its state, office and reply) and its own history."""

    state: str
    state_label: str
    merged: bool
    office: str = Field(description="the handling office")
    category: str
    category_label: str
    place: str
    address: str
    target: str
    seen_on: date | None
    description: str
    received_at: datetime
    reply: ReplyOut | None = Field(description="once replied: all four parts")
    reexamination: ReexaminationOut | None
    may_object: bool
    may_withdraw: bool
    events: list[ReporterEventOut] = Field(description="what the office told the reporter")


class TipOut(Schema):
    id: int
    category: str
    category_label: str
    sector: str
    channel: str
    state: str
    state_label: str
    office: Ref
    place: Ref
    address: str
    target: str
    seen_on: date | None
    received_at: datetime
    accepted_on: date | None
    due: date | None = Field(description="the deadline the tip's state runs against")
    urgency: str = Field(description='"overdue", "soon" (within the rules\' days) or ""')
    extension: str
    identified: bool = Field(description="a name or mobile was given (kept sealed)")
    exposed: bool
    merged_into_id: int | None

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_due(obj) -> date | None:
        return clocks.running_due(obj)

    @staticmethod
    def resolve_urgency(obj, context) -> str:
        return clocks.urgency(obj, _tip_rules(context["request"], obj.office))


def _tip_rules(request, office) -> TipRules:
    """The tip rules of an office, read once per request (a list has few offices)."""
    memo: dict[int, TipRules] = request.__dict__.setdefault("_tip_rules", {})
    if office.pk not in memo:
        memo[office.pk] = clocks.rules_for(office)
    return memo[office.pk]


class TipEventOut(Schema):
    kind: str
    kind_label: str
    actor: str | None = Field(description="the office's person; null for the reporter")
    office: str | None
    note: str
    to_reporter: bool
    at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    @staticmethod
    def resolve_office(obj) -> str | None:
        return obj.office.name if obj.office_id else None


class TipDetailOut(TipOut):
    description: str
    refusal_ground: str
    transferred_to: str
    verify_due: date | None
    extension_days: int | None
    extension_reason: str
    closed_on: date | None
    reply_due: date | None
    conclusion: str
    findings: str
    decision: str
    reward_eligibility: str
    replied_on: date | None
    objection_due: date | None
    objected_on: date | None
    objection: str
    reexam_office: Ref | None
    reexam_due: date | None
    reexam_outcome: str
    reexam_result: str
    final_on: date | None
    withdrawn_on: date | None
    outside_remit: str = Field(
        description="the competent department when the tip's field is outside the office's "
        "remit (transfer it there); empty otherwise"
    )
    duplicate_ids: list[int] = Field(description="tips that look like the same matter")
    steps: list[str] = Field(description="the steps (POST …/steps/{step}) open to the caller")
    events: list[TipEventOut]

    # As the tip's page (tips.views.tip_detail) shows them, by the same rules.
    @staticmethod
    def resolve_outside_remit(obj) -> str:
        handled, department = handling.remit_of(obj)
        return "" if handled else department

    @staticmethod
    def resolve_duplicate_ids(obj) -> list[int]:
        if obj.state not in handling.REPORTER_OPEN:
            return []
        return [other.pk for other in handling.duplicates_of(obj)]

    @staticmethod
    def resolve_steps(obj, context) -> list[str]:
        person = context["request"].user
        return [step for step, (_f, _a, is_open) in views.STEPS.items() if is_open(obj, person)]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.select_related("actor", "office"))


class AcceptIn(Schema):
    sector: Sector | None = Field(None, description="the field; empty: the tip's own")


class RefuseIn(Schema):
    ground: RefusalGround
    note: str = Field("", max_length=2000)


class TransferIn(Schema):
    department: str = Field(max_length=100, description="the competent department")
    note: str = Field("", max_length=2000)


class AssignIn(Schema):
    office_id: int = Field(description="an office below the one holding the tip")
    note: str = Field("", max_length=2000)


class ExtendIn(Schema):
    days: int = Field(ge=1, le=366, description="at most the rules' longest extension")
    reason: str = Field(max_length=5000)


class DecideExtensionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class CloseIn(Schema):
    """The reply's four parts, all required."""

    conclusion: str = Field(max_length=5000)
    findings: str = Field(max_length=5000)
    decision: str = Field(max_length=5000)
    reward_eligibility: str = Field(max_length=5000)


class ReexamineIn(Schema):
    outcome: Reexamination
    result: str = Field(max_length=5000)


class MergeIn(Schema):
    into_id: int = Field(description="a tip of the same matter (one of duplicate_ids)")


class TipMessageIn(Schema):
    text: str = Field(max_length=2000)


class TipCountsOut(Schema):
    received: int
    accepted: int = Field(description="accepted for handling and not withdrawn")
    verified: int
    verified_rate: Decimal | None = Field(description="verified of accepted, in percent")
    overdue: int
    exposed: int


class TipStatsRowOut(TipCountsOut):
    key: str
    label: str
    organization_id: int | None = Field(description="for rows by region")


class TipStatsOut(TipCountsOut):
    office: Ref
    start: date
    end: date
    on: date = Field(description="overdue as of this day")
    closed: int
    mean_days_to_close: Decimal | None
    median_days_to_close: Decimal | None
    rewards_proposed: Decimal
    rewards_paid: Decimal
    merged: int = Field(description="tips merged into another: not counted themselves")
    by_category: list[TipStatsRowOut]
    by_region: list[TipStatsRowOut]
    by_channel: list[TipStatsRowOut]
    by_state: list[TipStatsRowOut]
    by_month: list[TipStatsRowOut]
