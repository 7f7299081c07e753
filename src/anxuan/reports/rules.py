"""Who may write, see and review submissions; built on the tree checks of orgs.rules."""

import rules

from anxuan.campaigns.rules import can_register_liaison
from anxuan.core import grants
from anxuan.orgs.enums import REVIEW_ROLES
from anxuan.orgs.rules import has_role_over, memberships_of
from anxuan.reports.models import Submission


@rules.predicate
def can_report_for(person, submission: Submission | None) -> bool:
    """The unit's own liaison, or the office over the unit (reporting on its behalf)."""
    return submission is not None and can_register_liaison(person, submission.participant)


@rules.predicate
def can_review(person, submission: Submission | None) -> bool:
    """The organising office and its reviewers."""
    return submission is not None and has_role_over(
        person, submission.requirement.campaign.owner, REVIEW_ROLES
    )


@rules.predicate
def is_granted(person, submission: Submission | None) -> bool:
    """Read by a right another app grants (core.grants: an assessor of the unit, say)."""
    extra = grants.granted(Submission._meta.label, person)
    return (
        submission is not None
        and extra is not None
        and Submission.objects.filter(extra, pk=submission.pk).exists()
    )


@rules.predicate
def is_reviewer_somewhere(person) -> bool:
    return getattr(person, "is_superuser", False) or any(
        m.role in REVIEW_ROLES for m in memberships_of(person)
    )


rules.add_perm("reports.report", can_report_for)
rules.add_perm("reports.review_somewhere", is_reviewer_somewhere)
rules.add_perm("reports.review", can_review)
rules.add_perm("reports.view", can_report_for | can_review | is_granted)
