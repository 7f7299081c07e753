"""The largest trees read their roll-up from a snapshot the worker refreshes every minute;
the page says how old it is, and a stale snapshot is not used."""

from datetime import timedelta

import time_machine
from django.urls import reverse

from anxuan.rollup import tasks
from anxuan.rollup.models import RollupSnapshot
from anxuan.rollup.rollups import count_tallies, tallies_for
from tests.rollup.test_rollup import AFTER_JUNE, send, week


def same(a, b) -> bool:
    return (sorted(a.rates), a.units, sorted(a.figures, key=str)) == (
        sorted(b.rates),
        b.units,
        sorted(b.figures, key=str),
    )


def test_a_snapshot_stands_for_the_tree_until_the_next_refresh(
    county, city, county_campaign, login, settings
):
    settings.ROLLUP_SNAPSHOT_FROM = 1  # every tree counts as large
    send(county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11)
    office = login(city.owner.memberships.get().person)
    url = reverse("dashboards:dashboard", args=[city.pk])

    with time_machine.travel(AFTER_JUNE, tick=False):
        tasks.refresh_rollup_snapshots()  # through the queue (immediate in tests)
        assert RollupSnapshot.objects.filter(campaign=city).exists()
        read = tallies_for(city, AFTER_JUNE)
        assert read.as_of == AFTER_JUNE
        assert same(read, count_tallies(city, AFTER_JUNE))
        before = office.get(url)
    assert "下级数据截至 07-10 09:00" in before.content.decode()
    assert before.context["dashboard"].kpis["reporting"] != "—"

    send(
        county.other_liaison,
        county_campaign,
        county.other_town,
        week(county_campaign),
        day=4,
        hour=9,
    )
    with time_machine.travel(AFTER_JUNE + timedelta(seconds=30), tick=False):
        kept = office.get(url).context["dashboard"].kpis
        tasks.refresh_rollup_snapshots()
        refreshed = office.get(url).context["dashboard"].kpis
    assert kept == before.context["dashboard"].kpis  # the snapshot, until refreshed
    assert refreshed["reporting"] != kept["reporting"]


def test_a_stale_snapshot_is_not_used(county, city, county_campaign, settings):
    settings.ROLLUP_SNAPSHOT_FROM = 1
    with time_machine.travel(AFTER_JUNE, tick=False):
        tasks.refresh_rollup_snapshots()

    later = AFTER_JUNE + timedelta(seconds=settings.ROLLUP_SNAPSHOT_MAX_AGE + 1)
    assert tallies_for(city, later).as_of is None


def test_small_trees_have_no_snapshot(county, city, county_campaign, settings):
    settings.ROLLUP_SNAPSHOT_FROM = 10_000
    RollupSnapshot.objects.create(campaign=city, as_of=AFTER_JUNE, data={})

    tasks.refresh_rollup_snapshots()

    assert not RollupSnapshot.objects.exists()
