"""Factories free of surprises: each makes exactly what its name says, through the services
where a service exists, so tests exercise the same paths as the app."""

from itertools import count

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.models import Campaign
from anxuan.orgs import services as org_services
from anxuan.orgs.models import Organization, Person

PASSWORD = "pw-for-tests-1"
_numbers = count(1)


def org(name: str, kind: str, parent: Organization | None = None, code: str | None = None):
    return org_services.create_organization(
        actor=None, name=name, kind=kind, parent=parent, region_code=code
    )


def person(org: Organization, role: str, username: str | None = None, **extra) -> Person:
    n = next(_numbers)
    created, _password = org_services.create_person(
        actor=None,
        username=username or f"user{n}",
        full_name=extra.pop("full_name", f"测试人员{n}"),
        mobile=extra.pop("mobile", f"137{n:08d}"),
        organization=org,
        role=role,
        password=PASSWORD,
        **extra,
    )
    return created


def safety_month(actor: Person, owner: Organization, year: int = 2026) -> Campaign:
    return campaign_services.create_campaign_from_blueprint(
        actor=actor, owner=owner, blueprint_key="safety_month", year=year
    )


def weekly_period(campaign: Campaign, number: int = 1):
    from anxuan.campaigns.enums import RequirementKind

    return campaign.requirements.get(kind=RequirementKind.WEEKLY).periods.get(number=number)


def report(actor: Person, participant, period, text: str = "开展安全宣传咨询活动", **draft):
    """A saved draft for a period (not submitted)."""
    from anxuan.reports import services
    from anxuan.reports.drafts import ReportDraft

    return services.save_draft(
        actor=actor,
        participant=participant,
        requirement=period.requirement,
        period=period,
        draft=ReportDraft.from_stored({"text": text, **draft}),
    )
