"""Adding units to a campaign: the units already taking part are shown ticked, disabled
and marked, and the office can narrow the list to the units of its latest import or to
those created since a day."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from openpyxl import Workbook

from anxuan.orgs import importing
from anxuan.orgs.enums import OrgKind
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def candidates(page: str) -> dict[str, str]:
    """Each unit of the "add units" list with its checkbox's markup (and mark)."""
    block = page.split('id="candidates"')[1].split("</div>\n</div>")[0]
    rows = {}
    for row in block.split("<div>")[1:]:
        name = row.split("<label")[1].split(">", 1)[1].split(" · ")[0]
        rows[name] = row
    return rows


def url(county, query: str = "") -> str:
    return reverse("campaigns:participants", args=[county.campaign.pk]) + query


def import_units(county, names: list[str]) -> None:
    wb = Workbook()
    wb.active.append([title for _key, title in importing.COLUMNS])
    for name in names:
        wb.active.append([name, "", "企业", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    rows = importing.read_workbook(io.BytesIO(buf.getvalue()), len(buf.getvalue()))
    importing.apply_import(actor=county.office_admin, root=county.county, rows=rows)


def test_units_taking_part_are_listed_ticked_disabled_and_marked(county, login):
    page = login(county.office_admin).get(url(county)).content.decode()

    rows = candidates(page)
    assert set(rows) == {"城关镇", "宣化镇", "县交通运输局", "高台县鑫源化工有限公司"}
    for name in ("城关镇", "宣化镇", "县交通运输局"):
        assert "disabled checked" in rows[name]
        assert "已参加" in rows[name]
        assert 'name="organizations"' not in rows[name]
    assert 'name="organizations"' in rows["高台县鑫源化工有限公司"]
    assert "disabled" not in rows["高台县鑫源化工有限公司"]
    assert "已参加" not in rows["高台县鑫源化工有限公司"]


def test_a_unit_taking_part_sent_again_is_not_added_twice(county, login):
    client = login(county.office_admin)

    response = client.post(url(county), {"organizations": [county.town.pk]})

    assert response.status_code == 400
    assert county.campaign.participants.filter(organization=county.town).count() == 1


def test_the_office_narrows_the_list_to_its_latest_import(county, login):
    import_units(county, ["甲公司"])
    import_units(county, ["乙公司", "丙公司"])
    client = login(county.office_admin)

    whole = client.get(url(county)).content.decode()
    latest = client.get(url(county, "?new=last")).content.decode()

    assert 'href="?new=last"' in whole
    assert "最近一次导入的 2 个单位" in whole
    assert set(candidates(latest)) == {"乙公司", "丙公司"}
    client.post(url(county, "?new=last"), {"organizations": [
        o.pk for o in county.county.children.filter(name__in=["乙公司", "丙公司"])]})  # fmt: skip
    assert set(
        county.campaign.participants.filter(organization__name__endswith="公司").values_list(
            "organization__name", flat=True
        )
    ) == {"乙公司", "丙公司"}


def test_the_office_narrows_the_list_to_units_created_since_a_day(county, login, time_machine):
    # The county's units were made today; this one on a day after them.
    time_machine.move_to(datetime(2027, 1, 10, 0, 30, tzinfo=SHANGHAI), tick=False)
    factories.org("新成立的公司", OrgKind.ENTERPRISE, county.county)
    client = login(county.office_admin)

    since = client.get(url(county, "?since=2027-01-10")).content.decode()
    later = client.get(url(county, "?since=2027-01-11")).content.decode()

    assert set(candidates(since)) == {"新成立的公司"}
    assert candidates(later) == {}


def test_a_bad_day_is_refused_in_chinese(county, login):
    response = login(county.office_admin).get(url(county, "?since=5月20日"))

    assert response.status_code == 400
    assert "日期应写成 2026-05-20 这样的格式。" in response.content.decode()


def test_the_latest_import_of_another_county_is_not_offered(county, login):
    neighbour = county.outsider.memberships.get().organization
    wb = Workbook()
    wb.active.append([title for _key, title in importing.COLUMNS])
    wb.active.append(["临泽公司", "", "企业", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    rows = importing.read_workbook(io.BytesIO(buf.getvalue()), len(buf.getvalue()))
    importing.apply_import(actor=county.outsider, root=neighbour, rows=rows)

    page = login(county.office_admin).get(url(county)).content.decode()

    assert "?new=last" not in page
