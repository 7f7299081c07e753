"""The measures the assessment offers from the reporting loop (campaigns.measures): through
the figures selector (rollup.figures) where the figure is one of its, from the reports'
server receipt times where it is not (how late, which evidence a report held)."""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from anxuan.assessment.scoring import days_late
from anxuan.campaigns.deadlines import due_day
from anxuan.campaigns.enums import EvidenceKind
from anxuan.campaigns.measures import Measure, Param, Query, Values, register
from anxuan.campaigns.models import Participant
from anxuan.reports.enums import State
from anxuan.reports.models import Submission, SubmissionVersion
from anxuan.rollup.figures import ACTIVITIES, CampaignFigures, campaign_figures

REQUIREMENT = Param("requirement", _("requirement"), "requirement")


def connect() -> None:
    register(
        Measure(
            "reports.days_late",
            _("Days late of a requirement"),
            _("days"),
            (REQUIREMENT,),
            days_late_of,
            _(
                "Server receipt time of the first submit against each period's due time "
                "(Asia/Shanghai), a started day counting; the worst period due so far; no "
                "data when a period due is not reported."
            ),
        )
    )
    register(
        Measure(
            "reports.missed_periods",
            _("Periods without a report"),
            _("periods"),
            (REQUIREMENT,),
            missed_periods,
            _("Periods of the requirement due so far without a report, as on the board."),
        )
    )
    register(
        Measure(
            "reports.activities",
            _("Activities reported"),
            _("activities"),
            (
                Param("activity_type", _("activity type"), "activity_type", required=False),
                Param("domain", _("domain"), "domain", required=False),
            ),
            activities,
            _("Activity records in the latest version of the weekly and once-only reports."),
        )
    )
    register(
        Measure(
            "reports.photos_and_video_on_time",
            _("Photos and video sent on time"),
            _("reports"),
            (REQUIREMENT,),
            photos_and_video_on_time,
            _("1 when the first submit was on time and held photos and a video, else 0."),
        )
    )
    register(
        Measure(
            "reports.units_below",
            _("Units below that reported"),
            _("units"),
            (),
            units_below,
            _(
                "Units under the participant in the organisation tree that sent at least one "
                "report, in this campaign or the campaigns linked below it (each unit once)."
            ),
        )
    )
    register(
        Measure(
            "rollup.indicator",
            _("Statistics figure"),
            "",
            (Param("indicator", _("indicator"), "indicator"),),
            indicator,
            _("The unit's figure in the statistics table; no data when it sent none."),
        )
    )


def figures(query: Query) -> CampaignFigures:
    """The campaign's figures, read once per run (every submitted report counts)."""
    if "figures" not in query.shared:
        query.shared["figures"] = campaign_figures(query.campaign, basis="submitted", now=query.now)
    found: CampaignFigures = query.shared["figures"]
    return found


@dataclass(frozen=True)
class Report:
    """What assessment items ask of a unit's report for one period of a requirement."""

    participant_id: int
    days_late: int
    no_document: bool
    photos_and_video: bool


def reports(query: Query) -> dict[int, list[Report] | None]:
    """Per participant its reports of the requirement's periods due by `query.now` (and any
    sent early); None when a period due that it had joined by is not reported."""
    requirement = int(query.params["requirement"])
    key = f"reports:{requirement}"
    if key in query.shared:
        cached: dict[int, list[Report] | None] = query.shared[key]
        return cached
    submissions = Submission.objects.filter(
        requirement_id=requirement,
        requirement__campaign=query.campaign,
        participant_id__in=query.participant_ids,
        first_submitted_at__isnull=False,
        period__isnull=False,
    )
    kinds = _first_and_latest_kinds(submissions)
    found: dict[int, list[Report]] = defaultdict(list)
    sent: dict[int, set[int]] = defaultdict(set)
    for pk, pid, period, at, due_at in submissions.values_list(
        "pk", "participant_id", "period_id", "first_submitted_at", "period__due_at"
    ):
        if at is None:  # filtered out above
            continue
        first, latest = kinds.get(pk, (set(), set()))
        found[pid].append(
            Report(
                pid,
                days_late(at, due_at),
                EvidenceKind.DOCUMENT not in latest,
                {EvidenceKind.PHOTO, EvidenceKind.VIDEO} <= first,
            )
        )
        sent[pid].add(period)
    due = list(
        query.campaign.requirements.get(pk=requirement)
        .periods.filter(due_at__lte=query.now)
        .values_list("pk", "due_at")
    )
    joined = dict(
        Participant.objects.filter(pk__in=query.participant_ids).values_list("pk", "joined_on")
    )

    def expected(pid: int) -> set[int]:
        """The periods due that the unit had joined by (as on the board)."""
        return {pk for pk, due_at in due if due_day(due_at) >= joined[pid]}

    answer: dict[int, list[Report] | None] = {
        pid: found[pid] if found[pid] and expected(pid) <= sent[pid] else None
        for pid in query.participant_ids
    }
    query.shared[key] = answer
    return answer


def _first_and_latest_kinds(
    submissions: QuerySet[Submission],
) -> dict[int, tuple[set[str], set[str]]]:
    """{submission id: (evidence kinds of its first version, of its latest)}, in two plain
    queries (no model instances: a county's reports are a few hundred)."""
    ends: dict[int, tuple[int, int]] = {}  # submission: (first version, latest version)
    for submission, version in (
        SubmissionVersion.objects.filter(submission__in=submissions)
        .order_by("submission_id", "number")
        .values_list("submission_id", "pk")
    ):
        first = ends.get(submission, (version, version))[0]
        ends[submission] = (first, version)
    held: dict[int, set[str]] = defaultdict(set)
    through = SubmissionVersion.attachments.through.objects
    for version, kind in through.filter(submissionversion__submission__in=submissions).values_list(
        "submissionversion_id", "attachment__kind"
    ):
        held[version].add(kind)
    return {pk: (held[first], held[latest]) for pk, (first, latest) in ends.items()}


def days_late_of(query: Query) -> Values:
    return {
        pid: None if got is None else Decimal(max(r.days_late for r in got))
        for pid, got in reports(query).items()
    }


def photos_and_video_on_time(query: Query) -> Values:
    return {
        pid: None
        if got is None
        else Decimal(all(r.photos_and_video and r.days_late == 0 for r in got))
        for pid, got in reports(query).items()
    }


def missed_periods(query: Query) -> Values:
    requirement = int(query.params["requirement"])
    found = figures(query)
    mine = [i for i, p in enumerate(found.periods) if p.requirement_id == requirement]
    return {
        row.participant.pk: Decimal(sum(row.rates[i].missing for i in mine)) for row in found.rows
    }


def activities(query: Query) -> Values:
    kind, domain = query.params.get("activity_type"), query.params.get("domain")
    metric = f"t:{kind}" if kind else f"d:{domain}" if domain else ACTIVITIES
    return {row.participant.pk: row.value(metric) for row in figures(query).rows}


def indicator(query: Query) -> Values:
    metric = f"i:{int(query.params['indicator'])}"
    return {
        row.participant.pk: row.value(metric) if row.reported_figures else None
        for row in figures(query).rows
    }


def units_below(query: Query) -> Values:
    """Per participant, the organisations strictly below it that reported (a submitted
    report in the campaign or a campaign linked under it), counted once each."""
    paths = sorted(
        set(
            Submission.objects.exclude(state=State.DRAFT)
            .filter(requirement__campaign__lineage__startswith=query.campaign.lineage)
            .values_list("participant__organization__path", flat=True)
        )
    )
    own = Participant.objects.filter(pk__in=query.participant_ids).values_list(
        "pk", "organization__path"
    )
    return {
        pk: Decimal(bisect_left(paths, path + "\uffff") - bisect_right(paths, path))
        for pk, path in own
    }
