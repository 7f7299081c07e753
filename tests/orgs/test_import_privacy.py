"""Checking an import file reveals nothing about people outside the importing office's
subtree: two counties of one city, each with its own office."""

import io

from django.urls import reverse
from openpyxl import Workbook

from anxuan.orgs import importing
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Membership, Organization, Person
from tests import factories

HEADER = [title for _key, title in importing.COLUMNS]
OUTSIDE = "手机号 {m} 已在本辖区以外注册了账号，不能在此导入。请联系上级安委办或系统管理员处理。"


def upload(rows) -> io.BytesIO:
    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "units.xlsx"
    return buf


def neighbour_liaison(county) -> Person:
    """A town liaison of the other county (临泽县), whose office is `county.outsider`."""
    linze = county.outsider.memberships.get().organization
    town = factories.org("沙河镇", OrgKind.TOWN, linze, "620723100")
    return factories.person(town, Role.LIAISON, "shahe", full_name="孙悦", mobile="13811112222")


def check(client, county, rows):
    return client.post(reverse("orgs:org_import", args=[county.county.pk]), {"file": upload(rows)})


def test_a_mobile_registered_in_another_county_names_no_one(county, login):
    other = neighbour_liaison(county)
    client = login(county.office_admin)

    response = check(client, county, [["甲公司", "", "企业", "", "别人", other.mobile]])

    page = response.content.decode()
    assert response.status_code == 400
    assert OUTSIDE.format(m=other.mobile) in page
    for secret in ("孙悦", "shahe", "沙河镇", "临泽县"):
        assert secret not in page


def test_guessing_the_right_name_of_another_countys_person_is_refused_alike(county, login):
    other = neighbour_liaison(county)

    response = check(
        login(county.office_admin), county, [["甲公司", "", "企业", "", "孙悦", other.mobile]]
    )

    assert response.status_code == 400
    assert OUTSIDE.format(m=other.mobile) in response.content.decode()
    assert not Membership.objects.filter(person=other, organization__name="甲公司").exists()


def test_a_person_of_the_own_county_may_be_named_or_reused(county):
    rows_other_name = [["甲公司", "", "企业", "", "别人", county.town_liaison.mobile]]
    rows_same_name = [["乙公司", "", "企业", "", county.town_liaison.full_name,
                       county.town_liaison.mobile]]  # fmt: skip

    def messages(rows):
        parsed = importing.read_workbook(upload(rows), 10_000)
        preview = importing.validate_rows(parsed, root=county.county, actor=county.office_admin)
        return [e.message for e in preview.errors]

    assert messages(rows_other_name) == [
        f"手机号 {county.town_liaison.mobile} 已属于 {county.town_liaison.full_name}。"
    ]
    assert messages(rows_same_name) == []


def test_a_login_name_taken_outside_is_found_at_the_check_not_at_the_confirm(county, login):
    linze = county.outsider.memberships.get().organization
    factories.person(linze, Role.OFFICE_STAFF, "13911110000", full_name="周婷", mobile=None)
    client = login(county.office_admin)

    response = check(client, county, [["甲公司", "", "企业", "", "吴刚", "13911110000"]])

    page = response.content.decode()
    assert response.status_code == 400
    assert OUTSIDE.format(m="13911110000") in page
    assert "周婷" not in page
    assert not Organization.objects.filter(name="甲公司").exists()


def test_a_login_name_taken_inside_names_the_person(county):
    factories.person(county.town, Role.LIAISON, "13911110000", full_name="周婷", mobile=None)
    parsed = importing.read_workbook(
        upload([["甲公司", "", "企业", "", "吴刚", "13911110000"]]), 10_000
    )

    preview = importing.validate_rows(parsed, root=county.county, actor=county.office_admin)

    assert [(e.column, e.message) for e in preview.errors] == [
        ("liaison_mobile", "手机号 13911110000 已是 周婷 的登录名。")
    ]
