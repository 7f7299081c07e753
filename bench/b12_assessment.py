"""B12 assessment on the national dataset: every county of the largest province scores its
towns and units against a rubric of automatic items (days late and periods missed of the
weekly report, photos and video on time, activities, activities in enterprises, drills
from the statistics table, confirmed integrity flags, a veto) and ranks them (towns with
towns, the other units together, 先进单位 proposed by quota, vetoed units skipped), as the
ranking page, the exports and the API read it (assessment.ranking.standings), beside the
bare SQL that computes the same measures, points, ranks and proposals in one statement.

  .venv/bin/python bench/national_data.py          # once: builds anxuan_national
  .venv/bin/python bench/b12_assessment.py [--runs 3] [--province CAMPAIGN_ID]

The rubrics are made inside one transaction that is rolled back, so the dataset is the same
after every run. Every unit's measure values, total, rank, veto and proposal must be equal
on both sides; the script exits 1 when one is not. Writes bench/out/b12.json.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/anxuan_national"
NOW = datetime(2026, 7, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # after the last week
QUOTA = 3

# (section, title, points, rule, per_unit, cap, measure, params, tiers); params name the
# campaign's weekly requirement as "weekly" and an indicator by its name.
W, DRILLS, TIERS = {"requirement": "weekly"}, {"indicator": "开展应急演练"}, [5, 10, 20, 30]
ITEMS = [
    ("报送", "按时报送信息", 10, "timeliness", 2, None, "reports.days_late", W, []),
    ("报送", "每期报送", 10, "regularity", "2.5", None, "reports.missed_periods", W, []),
    ("报送", "图文视频", 10, "done", None, None, "reports.photos_and_video_on_time", W, []),
    ("活动", "开展活动", 20, "per_count", 1, None, "reports.activities", {}, []),
    ("活动", "进企业", 10, "per_count", 2, None, "reports.activities", {"domain": "进企业"}, []),
    ("活动", "应急演练", 10, "per_count", 1, None, "rollup.indicator", DRILLS, []),
    ("诚信", "弄虚作假", 30, "tiered", None, None, "integrity.confirmed_flags", {}, TIERS),
    ("诚信", "漏报一票否决", 0, "veto", None, None, "reports.missed_periods", W, []),
]  # fmt: skip

# The same measures, points, ranks and proposals for every county campaign under the
# province, from the base tables. Each CTE mirrors one measure's definition in the app.
BARE = """
WITH camp AS (
  SELECT c.id FROM campaigns_campaign c JOIN orgs_organization o ON o.id = c.owner_id
  WHERE c.lineage LIKE %(prefix)s AND o.kind = 'county' AND NOT c.archived),
req AS (
  SELECT r.id, r.campaign_id FROM campaigns_requirement r JOIN camp ON camp.id = r.campaign_id
  WHERE r.schedule = 'weekly'),
units AS (
  SELECT pa.id, pa.campaign_id, pa.joined_on, o.kind, o.path
  FROM campaigns_participant pa JOIN camp ON camp.id = pa.campaign_id
  JOIN orgs_organization o ON o.id = pa.organization_id),
expected AS (  -- periods due by now that the unit had joined by
  SELECT u.id AS unit, p.id AS period FROM units u
  JOIN req ON req.campaign_id = u.campaign_id
  JOIN campaigns_period p ON p.requirement_id = req.id
  WHERE p.due_at <= %(now)s AND u.joined_on <= (p.due_at AT TIME ZONE 'Asia/Shanghai')::date),
sent AS (  -- reports of the weekly requirement with a first submit: how late, what it held
  SELECT s.id, s.participant_id AS unit, s.period_id AS period,
         greatest(0, ceil(extract(epoch FROM s.first_submitted_at - p.due_at) / 86400))::int
           AS late
  FROM reports_submission s JOIN req ON req.id = s.requirement_id
  JOIN campaigns_period p ON p.id = s.period_id
  WHERE s.first_submitted_at IS NOT NULL),
firsts AS (  -- each report's first version
  SELECT DISTINCT ON (v.submission_id) v.submission_id, v.id
  FROM reports_submissionversion v JOIN sent ON sent.id = v.submission_id
  ORDER BY v.submission_id, v.number),
pictures AS (  -- photos and a video in it
  SELECT f.submission_id, bool_or(a.kind = 'photo') AND bool_or(a.kind = 'video') AS both
  FROM firsts f JOIN reports_submissionversion_attachments va ON va.submissionversion_id = f.id
  JOIN reports_attachment a ON a.id = va.attachment_id GROUP BY f.submission_id),
unsent AS (  -- periods expected that the unit sent nothing for, or nothing but a draft
  SELECT e.unit, count(*) FILTER (WHERE x.unit IS NULL) AS n,
         count(*) FILTER (WHERE s.id IS NULL) AS missed
  FROM expected e LEFT JOIN sent x ON x.unit = e.unit AND x.period = e.period
  LEFT JOIN reports_submission s ON s.participant_id = e.unit AND s.period_id = e.period
                                AND s.state <> 'draft'
  GROUP BY e.unit),
timely AS (  -- days late and photos on time: no data when a period expected is not sent
  SELECT x.unit, max(x.late) AS late,
         bool_and(coalesce(pi.both, false) AND x.late = 0) AS pictures
  FROM sent x LEFT JOIN pictures pi ON pi.submission_id = x.id
  LEFT JOIN unsent un ON un.unit = x.unit
  WHERE coalesce(un.n, 0) = 0 GROUP BY x.unit),
latest AS (  -- the latest version of every report in the county campaigns, not a draft
  SELECT DISTINCT ON (v.submission_id) v.id, s.participant_id AS unit, s.state
  FROM reports_submissionversion v JOIN reports_submission s ON s.id = v.submission_id
  JOIN req ON req.id = s.requirement_id
  WHERE s.state <> 'draft' ORDER BY v.submission_id, v.id DESC),
acts AS (
  SELECT l.unit, count(*) AS n, count(*) FILTER (WHERE a.domain = '进企业') AS firms
  FROM latest l JOIN reports_activityrecord a ON a.version_id = l.id GROUP BY l.unit),
figs AS (  -- no data for a unit that sent no figure at all
  SELECT l.unit, coalesce(sum(iv.value) FILTER (WHERE i.name = '开展应急演练'), 0) AS drills
  FROM latest l JOIN reports_indicatorvalue iv ON iv.version_id = l.id
  JOIN campaigns_indicator i ON i.id = iv.indicator_id
  WHERE l.state IN ('submitted', 'resubmitted', 'accepted') GROUP BY l.unit),
flags AS (
  SELECT f.participant_id AS unit, count(*) AS n FROM integrity_flag f
  JOIN units u ON u.id = f.participant_id WHERE f.state = 'confirmed' GROUP BY f.participant_id),
measured AS (
  SELECT u.id, u.campaign_id, u.path, u.kind = 'town' AS town, t.late,
         CASE WHEN t.unit IS NULL THEN NULL WHEN t.pictures THEN 1 ELSE 0 END AS pictures,
         coalesce(m.missed, 0) AS missed, coalesce(a.n, 0) AS acts, coalesce(a.firms, 0) AS firms,
         f.drills, coalesce(fl.n, 0) AS flags
  FROM units u LEFT JOIN timely t ON t.unit = u.id LEFT JOIN unsent m ON m.unit = u.id
  LEFT JOIN acts a ON a.unit = u.id LEFT JOIN figs f ON f.unit = u.id
  LEFT JOIN flags fl ON fl.unit = u.id),
pointed AS (
  SELECT *,
    CASE WHEN late IS NULL THEN 0 ELSE greatest(0, 10 - 2 * late) END
    + greatest(0, 10 - 2.5 * missed) + CASE WHEN pictures = 1 THEN 10 ELSE 0 END AS reporting,
    least(20, acts) + least(10, 2 * firms) + coalesce(least(10, drills), 0) AS activity,
    30 - CASE least(flags, 4) WHEN 0 THEN 0 WHEN 1 THEN 5 WHEN 2 THEN 10 WHEN 3 THEN 20
         ELSE 30 END AS honesty,
    missed > 0 AS vetoed
  FROM measured),
ranked AS (
  SELECT *, reporting + activity + honesty AS total,
    rank() OVER (PARTITION BY campaign_id, town
                 ORDER BY reporting + activity + honesty DESC, reporting DESC) AS place,
    CASE WHEN vetoed THEN NULL ELSE row_number() OVER (
      PARTITION BY campaign_id, town, vetoed
      ORDER BY reporting + activity + honesty DESC, reporting DESC, path) END AS candidate
  FROM pointed)
SELECT id, late, missed, pictures, acts, firms, drills, flags, total, place, vetoed,
       coalesce(candidate <= %(quota)s, false) AS proposed
FROM ranked
"""


def setup_django(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url, DB_POOL="0", DJANGO_SETTINGS_MODULE="anxuan.settings", LOG_LEVEL="ERROR"
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def largest_province():
    from anxuan.campaigns.models import Campaign

    provinces = Campaign.objects.filter(owner__kind="province", archived=False)
    sizes = {
        p.pk: Campaign.objects.filter(lineage__startswith=p.lineage, owner__kind="county").count()
        for p in provinces
    }
    return provinces.get(pk=max(sizes, key=sizes.__getitem__))


def make_rubric(campaign, indicator_ids: dict[str, int]):
    """The B12 rubric on one county campaign, open, with its two rank groups and awards."""
    from anxuan.assessment.models import Award, Item, RankGroup, Rubric, Section
    from anxuan.orgs.enums import OrgKind

    weekly = campaign.requirements.get(schedule="weekly").pk
    rubric = Rubric.objects.create(
        campaign=campaign, title="B12 考核评分表", total_points=100, state="open"
    )
    sections: dict[str, Section] = {}
    items = []
    for n, (section, title, pts, rule, per, cap, measure, params, tiers) in enumerate(ITEMS):
        if section not in sections:
            sections[section] = Section.objects.create(
                rubric=rubric, title=section, order=len(sections)
            )
        bound = {
            k: weekly if v == "weekly" else indicator_ids[v] if k == "indicator" else v
            for k, v in params.items()
        }
        items.append(
            Item(
                section=sections[section],
                order=n,
                title=title,
                max_points=pts,
                rule=rule,
                per_unit=None if per is None else Decimal(str(per)),
                cap=cap,
                tiers=tiers,
                measure=measure,
                measure_params=bound,
                zero_if_no_data=True,
            )
        )
    Item.objects.bulk_create(items)
    others = [k for k in OrgKind.values if k != OrgKind.TOWN]
    for order, (name, kinds) in enumerate((("乡镇（街道）", [OrgKind.TOWN]), ("其他单位", others))):
        group = RankGroup.objects.create(rubric=rubric, name=name, kinds=kinds, order=order)
        Award.objects.create(group=group, title="先进单位", quota=QUOTA)
    return rubric


def app_answer(standings) -> dict[int, tuple]:
    """What the app says per unit, in the bare SQL's columns."""
    from anxuan.assessment import ranking

    by_title = {i.title: i.pk for items in standings.sections.values() for i in items}
    answer: dict[int, tuple] = {}
    for group, places in standings.groups:
        proposal = ranking.propose(group.awards.all()[0], places, list(standings.sections))
        proposed = {p.participant.pk for p in proposal.units}
        for place in places:
            v = place.sheet.values
            answer[place.participant.pk] = (
                v[by_title["按时报送信息"]],
                v[by_title["每期报送"]],
                v[by_title["图文视频"]],
                v[by_title["开展活动"]],
                v[by_title["进企业"]],
                v[by_title["应急演练"]],
                v[by_title["弄虚作假"]],
                place.sheet.total,
                place.rank,
                place.sheet.vetoed,
                place.participant.pk in proposed,
            )
    return answer


def number(value) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--province", type=int, help="a province campaign id (the largest)")
    args = parser.parse_args()
    setup_django(os.environ.get("DATABASE_URL", DEFAULT_URL))

    from django.db import connection, transaction

    from anxuan.assessment import ranking, services
    from anxuan.campaigns.models import Campaign, Indicator

    province = Campaign.objects.get(pk=args.province) if args.province else largest_province()
    counties = list(
        Campaign.objects.filter(
            lineage__startswith=province.lineage, owner__kind="county", archived=False
        ).order_by("pk")
    )
    indicators = dict(Indicator.objects.values_list("name", "pk"))
    out: dict = {"province": province.owner.name, "counties": len(counties), "runs": args.runs}
    with transaction.atomic():
        started = time.perf_counter()
        rubrics = [make_rubric(c, indicators) for c in counties]
        out["setup_s"] = round(time.perf_counter() - started, 1)
        problems = services.problems(rubrics[0])
        assert problems == [], problems
        ranking.standings(rubrics[0], now=NOW)  # warm the caches both sides share
        app_runs, per_county, answer = [], [], {}
        for _ in range(args.runs):
            started = time.perf_counter()
            for rubric in rubrics:
                one = time.perf_counter()
                answer.update(app_answer(ranking.standings(rubric, now=NOW)))
                per_county.append((time.perf_counter() - one) * 1000)
            app_runs.append(time.perf_counter() - started)
        sql_runs, sql_county_runs = [], []
        with connection.cursor() as cursor:
            for _ in range(args.runs + 1):  # the first warms the buffers
                started = time.perf_counter()
                cursor.execute(BARE, {"prefix": province.lineage + "%", "now": NOW, "quota": QUOTA})
                rows = cursor.fetchall()
                sql_runs.append(time.perf_counter() - started)
            for _ in range(args.runs):  # as the app works: one county at a time
                started = time.perf_counter()
                for county in counties:
                    cursor.execute(
                        BARE, {"prefix": county.lineage + "%", "now": NOW, "quota": QUOTA}
                    )
                    cursor.fetchall()
                sql_county_runs.append(time.perf_counter() - started)
        sql_runs = sql_runs[1:]
        transaction.set_rollback(True)
    bare = {
        row[0]: (*(number(v) for v in row[1:8]), number(row[8]), row[9], row[10], row[11])
        for row in rows
    }
    app = {pk: (*(number(v) for v in got[:8]), *got[8:]) for pk, got in answer.items()}
    wrong = [pk for pk in bare if app.get(pk) != bare[pk]]
    wrong += [pk for pk in app if pk not in bare]
    app_s, sql_s = statistics.median(app_runs), statistics.median(sql_runs)
    by_county_s = statistics.median(sql_county_runs)
    out.update(
        units=len(bare),
        app_s=round(app_s, 2),
        sql_s=round(sql_s, 2),
        ratio=round(app_s / sql_s, 2),
        sql_by_county_s=round(by_county_s, 2),
        ratio_by_county=round(app_s / by_county_s, 2),
        county_ms_p50=round(pct(per_county, 50), 1),
        county_ms_p95=round(pct(per_county, 95), 1),
        max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        proposed=sum(got[-1] for got in bare.values()),
        vetoed=sum(bool(got[-2]) for got in bare.values()),
        unequal=len(wrong),
    )
    for pk in wrong[:5]:
        print(f"unit {pk}: app {app.get(pk)} bare SQL {bare.get(pk)}")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "b12.json").write_text(json.dumps(out, ensure_ascii=False))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
