"""A unit whose liaison came in with the unit import is registered in every campaign it
joins; a campaign that asks for no liaison form lists no unit as missing one."""

import io
from datetime import date

from django.urls import reverse
from openpyxl import Workbook

from anxuan.campaigns import services
from anxuan.campaigns.enums import RequirementKind
from anxuan.orgs import importing
from anxuan.orgs.models import Organization

UNITS = [
    ["新坝镇", "", "乡镇（街道）", "620724106", "赵敏", "13912345678"],
    ["县水务局", "", "成员单位", "", "", ""],
]


def imported(county) -> tuple[Organization, Organization]:
    wb = Workbook()
    wb.active.append([title for _key, title in importing.COLUMNS])
    for row in UNITS:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    rows = importing.read_workbook(io.BytesIO(buf.getvalue()), len(buf.getvalue()))
    importing.apply_import(actor=county.office_admin, root=county.county, rows=rows)
    return Organization.objects.get(name="新坝镇"), Organization.objects.get(name="县水务局")


def table(page: str) -> str:
    return page.split('id="participants"')[1].split("</table>")[0]


def test_a_unit_imported_with_its_liaison_is_registered_when_it_joins(county, login):
    town, bureau = imported(county)
    client = login(county.office_admin)
    url = reverse("campaigns:participants", args=[county.campaign.pk])

    client.post(url, {"organizations": [town.pk, bureau.pk]})

    missing = table(client.get(url + "?show=unregistered").content.decode())
    assert "县水务局" in missing
    assert "新坝镇" not in missing
    row = next(r for r in table(client.get(url).content.decode()).split("<tr>") if "新坝镇" in r)
    assert "已报送" in row
    assert "赵敏" in row
    assert "13912345678" in row
    detail = client.get(reverse("campaigns:campaign_detail", args=[county.campaign.pk]))
    # 城关镇, 宣化镇 and 县交通运输局 joined before any liaison account; 县水务局 has none.
    assert "4 个单位未报送联络员" in detail.content.decode()


def test_a_copied_campaign_keeps_the_imported_liaisons_registered(county):
    town, _bureau = imported(county)
    services.add_participants(
        actor=county.office_admin, campaign=county.campaign, organizations=[town]
    )

    copy = services.copy_campaign(actor=county.office_admin, source=county.campaign, year=2027)

    joined = copy.participants.get(organization=town)
    assert (joined.liaison_name, joined.liaison_mobile) == ("赵敏", "13912345678")
    assert joined.registered_at is not None


def campaign_without_liaison_form(county):
    campaign = services.create_campaign(
        actor=county.office_admin, owner=county.county, title="道路交通安全宣传", year=2026,
        starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31),
    )  # fmt: skip
    services.add_participants(
        actor=county.office_admin,
        campaign=campaign,
        organizations=[county.town, county.department],
    )
    assert not campaign.requirements.filter(kind=RequirementKind.LIAISON_FORM).exists()
    return campaign


def test_a_campaign_without_a_liaison_form_lists_no_one_as_missing_a_liaison(county, login):
    campaign = campaign_without_liaison_form(county)
    office = login(county.office_admin)

    participants = office.get(reverse("campaigns:participants", args=[campaign.pk]))
    detail = office.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    home = office.get(reverse("dashboards:home"))

    assert "未报送联络员" not in participants.content.decode()
    assert "未报送" not in table(participants.content.decode())
    assert "未报送联络员" not in detail.content.decode()
    card = home.content.decode().split("道路交通安全宣传")[1].split('<div class="card">')[0]
    assert "联络员已报送" not in card
    assert "?show=unregistered" not in card


def test_a_liaison_is_not_asked_for_a_form_the_campaign_does_not_ask_for(county, login):
    campaign = campaign_without_liaison_form(county)
    liaison = login(county.town_liaison)

    home = liaison.get(reverse("dashboards:home")).content.decode()
    detail = liaison.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()

    form = reverse("campaigns:liaison_register", args=[campaign.pk, campaign.participants.get(
        organization=county.town).pk])  # fmt: skip
    assert form not in home
    assert "填写联络员推荐表" not in detail
