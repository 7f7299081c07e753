"""Name and unit identify an indicator (issue 11, item 6): 宣讲团宣讲 counted in 支 and in
场 are two columns of one national table; a real duplicate is refused in plain Chinese,
naming the field; nothing looks an indicator up by its name alone."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anxuan.campaigns import services
from anxuan.campaigns.models import Campaign, Indicator
from anxuan.orgs.enums import Role
from tests import factories


def _post(client, name: str, unit: str):
    return client.post(
        reverse("campaigns:indicator_create"),
        {"name": name, "unit": unit, "category": "宣讲", "aggregation": "sum", "description": ""},
    )


def test_two_indicators_share_a_name_in_different_units(county, login):
    office = login(county.office_admin)

    first, second = _post(office, "宣讲团宣讲", "支"), _post(office, "宣讲团宣讲", "场")

    assert (first.status_code, second.status_code) == (302, 302)
    found = Indicator.objects.filter(owner=county.county, name="宣讲团宣讲")
    assert sorted(found.values_list("unit", flat=True)) == ["场", "支"]


def test_the_same_name_and_unit_again_is_refused_in_plain_chinese(county, login):
    office = login(county.office_admin)
    _post(office, "宣讲团宣讲", "场")

    response = _post(office, "宣讲团宣讲", "场")

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {"name": ["已有同名同单位的指标“宣讲团宣讲（场）”。"]}
    assert Indicator.objects.filter(owner=county.county, name="宣讲团宣讲").count() == 1


def test_a_shared_duplicate_is_refused_with_the_same_message(county):
    admin = factories.person(county.county, Role.OFFICE_ADMIN, "root")
    admin.is_superuser = True

    with pytest.raises(ValidationError) as refused:
        services.save_indicator(
            actor=admin, owner=None, name="宣传展板", unit="块", category="", aggregation="sum",
            description="",
        )  # fmt: skip

    assert refused.value.message_dict == {"name": ["已有同名同单位的指标“宣传展板（块）”。"]}


def test_a_template_picks_its_indicators_by_name_and_unit(county):
    """A shared 宣传展板 counted in 张 beside the catalogue's 块: the Safety Month template
    still takes the 块 one, once."""
    Indicator.objects.create(owner=None, name="宣传展板", unit="张", category="宣传咨询")

    campaign = factories.safety_month(county.office_admin, county.county, year=2027)

    boards = [(i.name, i.unit) for i in campaign.indicators.all() if i.name == "宣传展板"]
    assert boards == [("宣传展板", "块")]


def test_reversed_campaign_dates_name_the_field_in_plain_chinese(county):
    """Through the service (as the API edits a campaign), not only through the form."""
    with pytest.raises(ValidationError) as refused:
        services.update_campaign(
            actor=county.office_admin, campaign=county.campaign, ends_on=date(2026, 5, 1)
        )

    assert refused.value.message_dict == {"ends_on": ["结束日期早于开始日期。"]}
    assert Campaign.objects.get(pk=county.campaign.pk).ends_on != date(2026, 5, 1)
