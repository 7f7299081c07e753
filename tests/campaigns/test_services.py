from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxuan.campaigns import services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind, Schedule
from anxuan.campaigns.models import Campaign, Indicator, Period, Requirement
from anxuan.core.models import AuditEntry


def local(dt: datetime) -> tuple:
    dt = dt.astimezone(SHANGHAI)
    return (dt.month, dt.day, dt.hour, dt.minute)


def test_safety_month_template_follows_the_county_plan(county):
    campaign = county.campaign
    by_kind = {r.kind: r for r in campaign.requirements.all()}

    assert campaign.title == "2026年“安全生产月”活动"
    assert (campaign.starts_on, campaign.ends_on) == (date(2026, 6, 1), date(2026, 6, 30))
    assert local(by_kind[RequirementKind.LIAISON_FORM].due_at) == (5, 30, 18, 0)
    assert local(by_kind[RequirementKind.PLAN].due_at) == (5, 31, 18, 0)
    assert local(by_kind[RequirementKind.SUMMARY].due_at) == (7, 1, 18, 0)
    assert by_kind[RequirementKind.ADHOC].schedule == Schedule.ANYTIME
    weekly = by_kind[RequirementKind.WEEKLY]
    assert [local(p.due_at) for p in weekly.periods.all()] == [
        (6, 4, 12, 0),
        (6, 11, 12, 0),
        (6, 18, 12, 0),
        (6, 25, 12, 0),
    ]
    assert list(campaign.activity_types.values_list("name", flat=True)) == [
        "动员启动", "安全宣传咨询日", "主题宣讲", "新闻宣传", "应急演练", "教育培训", "警示教育",
        "网上安全月",
    ]  # fmt: skip
    assert campaign.domains.count() == 5
    statistics = by_kind[RequirementKind.STATISTICS]
    assert statistics.indicators.count() == 12
    assert [i.unit for i in campaign.indicators.order_by("campaignindicator__order")][:3] == [
        "块",
        "份",
        "人次",
    ]


def test_seven_domain_template_has_four_phases_with_deadlines(county):
    campaign = services.create_campaign_from_blueprint(
        actor=county.office_admin, owner=county.county, blueprint_key="seven_domains", year=2027
    )

    phases = list(campaign.phases.values_list("name", "ends_on"))
    assert phases == [
        ("统筹规划", date(2027, 4, 30)),
        ("活动启动", date(2027, 6, 30)),
        ("梳理典型", date(2027, 10, 31)),
        ("成果总结", date(2027, 12, 31)),
    ]
    due = [local(r.due_at)[:2] for r in campaign.requirements.all()]
    assert due == [(4, 30), (6, 30), (10, 31), (12, 31)]
    assert campaign.domains.count() == 7
    assert campaign.requirements.last().evidence_minimums == {"photo": 1, "video": 1, "document": 1}


def test_another_county_sets_friday_17_without_code(county):
    campaign = services.create_campaign(
        actor=county.office_admin,
        owner=county.county,
        title="某县安全生产月",
        year=2026,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
    )

    requirement = services.save_requirement(
        actor=county.office_admin,
        campaign=campaign,
        kind=RequirementKind.WEEKLY,
        title="周报",
        schedule=Schedule.WEEKLY,
        weekday=4,
        due_time=time(17, 0),
        repeat_from=date(2026, 6, 1),
        repeat_until=date(2026, 6, 30),
    )

    assert [local(p.due_at) for p in requirement.periods.all()] == [
        (6, 5, 17, 0),
        (6, 12, 17, 0),
        (6, 19, 17, 0),
        (6, 26, 17, 0),
    ]


def test_editing_a_rule_re_expands_its_periods_and_keeps_matching_ones(county):
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    first = weekly.periods.get(number=1)

    services.save_requirement(
        actor=county.office_admin,
        campaign=county.campaign,
        requirement=weekly,
        repeat_until=date(2026, 6, 12),
    )

    assert list(weekly.periods.values_list("number", flat=True)) == [1, 2]
    assert weekly.periods.get(number=1).pk == first.pk


def test_a_field_left_out_of_an_edit_keeps_its_value(county):
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    kept = (
        weekly.title,
        weekly.weekday,
        weekly.repeat_from,
        weekly.repeat_until,
        weekly.min_photos,
    )
    indicators = list(weekly.indicators.all())
    before = AuditEntry.objects.count()

    services.save_requirement(
        actor=county.office_admin,
        campaign=county.campaign,
        requirement=weekly,
        due_time=time(17, 0),
    )

    weekly = Requirement.objects.get(pk=weekly.pk)
    assert weekly.due_time == time(17, 0)
    assert (
        weekly.title,
        weekly.weekday,
        weekly.repeat_from,
        weekly.repeat_until,
        weekly.min_photos,
    ) == kept
    assert list(weekly.indicators.all()) == indicators
    assert AuditEntry.objects.count() == before + 1


def test_a_field_left_out_of_a_campaign_edit_keeps_its_value(county):
    campaign = county.campaign
    kept = (campaign.title, campaign.starts_on, campaign.reminder_hours)
    domains = list(campaign.domains.values_list("name", flat=True))

    services.update_campaign(actor=county.office_admin, campaign=campaign, theme="新主题")

    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.theme == "新主题"
    assert (campaign.title, campaign.starts_on, campaign.reminder_hours) == kept
    assert list(campaign.domains.values_list("name", flat=True)) == domains


@pytest.mark.parametrize(
    "call",
    [
        lambda c: services.save_requirement(
            actor=c.office_admin, campaign=c.campaign, requirement=None, colour="red"
        ),
        lambda c: services.update_campaign(actor=c.office_admin, campaign=c.campaign, owner=None),
        lambda c: services.save_phase(actor=c.office_admin, campaign=c.campaign, campaign_id=1),
        lambda c: services.save_indicator(actor=c.office_admin, owner=c.county, archived=True),
    ],
    ids=["requirement", "campaign", "phase", "indicator"],
)
def test_an_unknown_field_is_refused_at_the_call(county, call):
    before = AuditEntry.objects.count()

    with pytest.raises(TypeError, match="got an unexpected keyword argument"):
        call(county)

    assert AuditEntry.objects.count() == before


def test_copy_last_year_moves_everything_to_the_new_year(county):
    source = county.campaign
    services.register_liaison(
        actor=county.town_liaison,
        participant=county.participant,
        name="张三",
        title="安全员",
        mobile="13811112222",
    )

    copy = services.copy_campaign(actor=county.office_admin, source=source, year=2027)

    assert copy.title == "2027年“安全生产月”活动"
    assert (copy.starts_on, copy.ends_on) == (date(2027, 6, 1), date(2027, 6, 30))
    assert copy.copied_from == source
    weekly = copy.requirements.get(kind=RequirementKind.WEEKLY)
    assert [p.due_at.astimezone(SHANGHAI).date() for p in weekly.periods.all()] == [
        date(2027, 6, 3),
        date(2027, 6, 10),
        date(2027, 6, 17),
        date(2027, 6, 24),
    ]
    assert local(copy.requirements.get(kind=RequirementKind.LIAISON_FORM).due_at) == (5, 30, 18, 0)
    assert list(copy.phases.values_list("starts_on", flat=True)) == [
        date(2027, 5, 20),
        date(2027, 6, 1),
        date(2027, 7, 1),
    ]
    assert set(copy.participants.values_list("organization", flat=True)) == set(
        source.participants.values_list("organization", flat=True)
    )
    # Units with a liaison account join registered; the others register again.
    assert set(
        copy.participants.filter(registered_at__isnull=False).values_list("organization", flat=True)
    ) == {county.town.pk, county.other_town.pk}
    assert list(copy.indicators.values_list("pk", flat=True)) == list(
        source.indicators.values_list("pk", flat=True)
    )
    assert copy.requirements.get(kind=RequirementKind.STATISTICS).indicators.count() == 12
    assert source.requirements.get(kind=RequirementKind.WEEKLY).periods.count() == 4


def test_copy_to_the_same_year_is_refused(county):
    with pytest.raises(ValidationError):
        services.copy_campaign(actor=county.office_admin, source=county.campaign, year=2026)


def test_participants_join_once_and_only_from_the_office_subtree(county):
    added = services.add_participants(
        actor=county.office_admin,
        campaign=county.campaign,
        organizations=[county.town, county.enterprise],
    )

    assert added == 1  # the town was already in
    with pytest.raises(PermissionDenied):
        services.add_participants(
            actor=county.outsider, campaign=county.campaign, organizations=[county.enterprise]
        )


def test_a_liaison_registers_only_for_their_own_unit(county):
    with pytest.raises(PermissionDenied):
        services.register_liaison(
            actor=county.other_liaison,
            participant=county.participant,
            name="冒名",
            title="",
            mobile="13800000000",
        )

    services.register_liaison(
        actor=county.town_liaison,
        participant=county.participant,
        name="李四",
        title="安全员",
        mobile=county.town_liaison.mobile,
    )

    county.participant.refresh_from_db()
    assert county.participant.liaison_person == county.town_liaison
    assert county.participant.registered_at is not None
    assert AuditEntry.objects.filter(action="liaison.register", actor=county.town_liaison).exists()


def test_every_change_leaves_an_audit_row(county):
    before = AuditEntry.objects.count()

    services.archive_campaign(actor=county.office_admin, campaign=county.campaign)

    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor, entry.target_id) == (
        "campaign.archive",
        county.office_admin,
        str(county.campaign.pk),
    )
    assert Campaign.objects.get(pk=county.campaign.pk).archived


def test_database_refuses_a_weekly_rule_without_its_fields(county):
    with pytest.raises(ValidationError):
        services.save_requirement(
            actor=county.office_admin,
            campaign=county.campaign,
            kind=RequirementKind.WEEKLY,
            title="周报",
            schedule=Schedule.WEEKLY,
        )
    assert Period.objects.filter(requirement__title="周报").count() == 0


def test_the_shared_catalogue_is_seeded_by_migration(db):
    assert set(Indicator.objects.filter(owner__isnull=True).values_list("name", "unit")) >= {
        ("宣传展板", "块"),
        ("发放宣传资料", "份"),
        ("开展应急演练", "场"),
        ("媒体宣传报道", "条"),
        ("排查隐患", "处"),
    }


def test_units_added_before_the_campaign_are_expected_from_the_preparation_phase(county):
    import time_machine

    from anxuan.campaigns.deadlines import SHANGHAI

    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.add_participants(
            actor=county.office_admin, campaign=county.campaign, organizations=[county.enterprise]
        )
    joined = county.campaign.participants.get(organization=county.enterprise).joined_on

    assert joined == date(2026, 5, 20)  # the 动员部署 phase, before the plan is due on 31 May


def test_units_added_during_the_campaign_are_expected_from_that_day(county):
    import time_machine

    from anxuan.campaigns.deadlines import SHANGHAI

    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.add_participants(
            actor=county.office_admin, campaign=county.campaign, organizations=[county.enterprise]
        )

    assert county.campaign.participants.get(organization=county.enterprise).joined_on == date(
        2026, 6, 10
    )
