"""The custodian of reporters' identities: the office's admin names one member of staff
(audited); only that person reveals a tip's name and mobile, with a reason, on a page no
browser keeps, each reveal in the access log and the audit log (without the identity);
nobody else reveals, not the office's admin nor the level above nor a superuser; the log
is read by the custodian and the offices above, not by the office's own handlers."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Membership
from anxuan.tips import custody
from anxuan.tips import services as tip_services
from anxuan.tips.models import Custodian, IdentityAccess
from tests import factories

NAME, MOBILE = "王强", "13912345678"
REASON = "核实举报人身份以便发放奖励"


def as_(person) -> Client:
    client = Client()
    client.force_login(person, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    return client


def a_tip(county, **reporter):
    return tip_services.file_tip(
        place=county.town,
        address="工业园区 3 号",
        target="某化工厂",
        category="major_hazard",
        description="夜间违规动火作业",
        **reporter,
    ).tip


@pytest.fixture
def city_admin(county):
    return factories.person(county.county.parent, Role.OFFICE_ADMIN, "city")


@pytest.fixture
def named(county):
    """The county office's staff member named custodian by its admin."""
    return custody.name_custodian(
        actor=county.office_admin, office=county.county, person=county.office_staff
    )


def test_the_office_admin_names_the_custodian_and_each_change_is_audited(county):
    page = reverse("tips:custodian", args=[county.county.pk])
    admin = as_(county.office_admin)
    assert "尚未指定保管人" in admin.get(page).content.decode()

    first = admin.post(page, {"person": county.office_staff.pk})
    again = admin.post(page, {"person": county.office_staff.pk})  # no change, no row
    changed = admin.post(page, {"person": county.office_admin.pk})

    assert (first.status_code, again.status_code, changed.status_code) == (302, 302, 302)
    held = Custodian.objects.get(office=county.county)
    assert (held.person, held.named_by) == (county.office_admin, county.office_admin)
    rows = list(AuditEntry.objects.filter(action="custodian.name").order_by("pk"))
    assert [r.data["changes"]["person"] for r in rows] == [
        [None, county.office_staff.pk],
        [county.office_staff.pk, county.office_admin.pk],
    ]
    assert all(r.actor == county.office_admin for r in rows)
    shown = admin.get(page).content.decode()
    assert county.office_admin.full_name in shown.split('id="custodian-name"')[1][:100]


def test_only_the_offices_own_staff_can_be_named_and_only_by_its_admin(county, city_admin):
    page = reverse("tips:custodian", args=[county.county.pk])

    liaison = as_(county.office_admin).post(page, {"person": county.town_liaison.pk})
    reviewer = as_(county.office_admin).post(page, {"person": county.reviewer.pk})

    assert liaison.status_code == reviewer.status_code == 400
    assert "有效的选项" in liaison.content.decode()  # not among the office's staff
    assert (
        as_(county.office_staff).post(page, {"person": county.office_staff.pk}).status_code == 403
    )
    assert as_(city_admin).post(page, {"person": county.office_staff.pk}).status_code == 403
    assert as_(county.outsider).get(page).status_code == 404
    assert not Custodian.objects.exists()
    with pytest.raises(Exception, match="保管人必须是高台县在岗的工作人员"):
        custody.name_custodian(
            actor=county.office_admin, office=county.county, person=county.town_liaison
        )


def test_the_custodian_reveals_with_a_reason_logged_and_the_page_is_not_kept(county, named):
    tip = a_tip(county, name=NAME, mobile=MOBILE)
    custodian = as_(county.office_staff)
    form = custodian.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
    assert 'id="reveal-form"' in form
    assert NAME not in form

    answer = custodian.post(reverse("tips:identity_reveal", args=[tip.pk]), {"reason": REASON})

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    page = answer.content.decode()
    assert f'id="revealed-name">{NAME}<' in page
    assert f'id="revealed-mobile">{MOBILE}<' in page
    access = IdentityAccess.objects.get()
    assert (access.tip, access.person, access.reason) == (tip, county.office_staff, REASON)
    audited = AuditEntry.objects.get(action="tips.reveal")
    assert audited.actor == county.office_staff
    assert audited.target_id == str(tip.pk)
    assert audited.data == {"access": access.pk}
    assert NAME not in repr(audited.__dict__)
    assert MOBILE not in repr(audited.__dict__)


def test_a_reveal_needs_a_reason_and_an_identified_tip(county, named):
    tip = a_tip(county, name=NAME, mobile=MOBILE)
    anonymous = a_tip(county)
    custodian = as_(county.office_staff)

    blank = custodian.post(reverse("tips:identity_reveal", args=[tip.pk]), {"reason": "  "})
    nothing = custodian.post(
        reverse("tips:identity_reveal", args=[anonymous.pk]), {"reason": "核实"}
    )

    assert blank.status_code == 400
    assert NAME not in blank.content.decode()
    assert nothing.status_code == 400
    assert "这是匿名举报，没有可查看的举报人信息。" in nothing.content.decode()
    assert not IdentityAccess.objects.exists()


def test_nobody_but_the_custodian_reveals(county, named, city_admin):
    tip = a_tip(county, name=NAME, mobile=MOBILE)
    superuser = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    url = reverse("tips:identity_reveal", args=[tip.pk])

    answers = {
        who: as_(person).post(url, {"reason": REASON})
        for who, person in {
            "office admin": county.office_admin,
            "city admin": city_admin,
            "superuser": superuser,
            "liaison": county.town_liaison,
            "reviewer": county.reviewer,
            "outsider": county.outsider,
        }.items()
    }

    assert {who: a.status_code for who, a in answers.items()} == {
        "office admin": 403,
        "city admin": 403,
        "superuser": 403,
        "liaison": 404,
        "reviewer": 404,
        "outsider": 404,
    }
    assert all(NAME not in a.content.decode() for a in answers.values())
    assert not IdentityAccess.objects.exists()
    for person in (county.office_admin, city_admin, superuser):
        shown = as_(person).get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
        assert 'id="reveal-form"' not in shown
        assert "实名举报（信息已加密，仅保管人可查看）" in shown


def test_a_custodian_who_left_the_office_reveals_nothing(county, named):
    tip = a_tip(county, name=NAME, mobile=MOBILE)
    Membership.objects.filter(person=county.office_staff).delete()
    county.office_staff.memberships.create(organization=county.town, role=Role.LIAISON)

    answer = as_(county.office_staff).post(
        reverse("tips:identity_reveal", args=[tip.pk]), {"reason": REASON}
    )

    assert answer.status_code == 404  # no longer handles the county's tips at all
    fresh = get_user_model().objects.get(pk=county.office_staff.pk)  # memberships read again
    assert not custody.is_custodian(fresh, county.county)


def test_an_anonymous_tip_says_so_to_everyone(county, named):
    tip = a_tip(county)

    for person in (county.office_staff, county.office_admin):
        shown = as_(person).get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
        assert '<p id="identity-state">匿名举报</p>' in shown
        assert 'id="reveal-form"' not in shown


def test_the_access_log_is_read_by_the_custodian_and_the_level_above_only(
    county, named, city_admin
):
    tip = a_tip(county, name=NAME, mobile=MOBILE)
    custody.reveal_identity(actor=county.office_staff, tip=tip, reason=REASON)
    url = reverse("tips:identity_log", args=[county.county.pk])

    statuses = {
        who: as_(person).get(url).status_code
        for who, person in {
            "custodian": county.office_staff,
            "city admin": city_admin,
            "office admin": county.office_admin,
            "reviewer": county.reviewer,
            "liaison": county.town_liaison,
            "outsider": county.outsider,
        }.items()
    }
    page = as_(city_admin).get(url)

    assert statuses == {
        "custodian": 200,
        "city admin": 200,
        "office admin": 403,
        "reviewer": 403,
        "liaison": 404,
        "outsider": 404,
    }
    assert page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert REASON in text
    assert county.office_staff.full_name in text
    assert NAME not in text
    assert MOBILE not in text
    city_log = as_(city_admin).get(reverse("tips:identity_log", args=[county.county.parent.pk]))
    assert city_log.status_code == 403  # the city's own log: its custodian and the province


def test_the_access_log_lists_in_a_fixed_number_of_queries(county, named, city_admin):
    tips = [a_tip(county, name=NAME, mobile=MOBILE) for _ in range(3)]
    client = as_(city_admin)
    url = reverse("tips:identity_log", args=[county.county.pk])
    custody.reveal_identity(actor=county.office_staff, tip=tips[0], reason=REASON)
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for tip in tips[1:]:
        custody.reveal_identity(actor=county.office_staff, tip=tip, reason=REASON)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)

    assert page.content.decode().count('data-access="') == 3
    assert len(three.captured_queries) == len(one.captured_queries)
