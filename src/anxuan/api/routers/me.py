"""The caller: who they are, and what their units must hand in next."""

from django.http import HttpRequest
from ninja import Router

from anxuan.api.schemas import DueOut, MeOut
from anxuan.campaigns.selectors import due_for_liaison
from anxuan.orgs.rules import memberships_of
from anxuan.reports.selectors import submissions_by_period

router = Router(tags=["me"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    person = request.user
    return {
        "id": person.pk,
        "username": person.username,
        "full_name": person.full_name,
        "mobile": person.mobile,
        "memberships": [
            {"organization": m.organization, "role": m.role} for m in memberships_of(person)
        ],
        "office_work": person.has_perm("orgs.office_work"),
        "review_work": person.has_perm("reports.review_somewhere"),
    }


@router.get("/me/due", response=list[DueOut])
def due(request: HttpRequest):
    """What the caller's units must submit next, earliest first (at most 20 periods, from a
    week back), with the state of each report — the liaison's home page as data."""
    rows = due_for_liaison(request.user)
    found = submissions_by_period(
        [row["participant"].pk for row in rows], [row["period"].pk for row in rows]
    )
    result = []
    for row in rows:
        period, participant = row["period"], row["participant"]
        submission = found.get((participant.pk, period.pk))
        result.append(
            {
                "campaign": {"id": participant.campaign.pk, "name": participant.campaign.title},
                "requirement": period.requirement,
                "period": period,
                "participant": participant,
                "overdue": row["overdue"],
                "submission_id": submission.pk if submission else None,
                "state": submission.state if submission else None,
            }
        )
    return result
