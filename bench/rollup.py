"""B3 roll-ups on the national dataset: the provincial and national roll-up (board and
statistics table) and dashboard over loopback, beside the bare SQL that computes the same
numbers from the base tables; the full rebuild of the tallies and of the snapshots; the
cost of keeping the tallies current through a burst of new submissions; the dashboard's
first render in Chromium.

  .venv/bin/python bench/national_data.py          # once: builds anxuan_national
  .venv/bin/python bench/rollup.py [--requests 40] [--burst 10000] [--no-rebuild]

Needs var/national.json from the generator. The burst runs inside one transaction that is
rolled back, so the dataset is the same after every run. Writes bench/out/b3.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from b1_page_floor import free_port, session_cookie, start_server, stop

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
DB = os.environ.get("NATIONAL_DB", "anxuan_national")

# Reports expected, received and on time per child campaign of the top one (`branch`) and
# period number, from the units that report themselves, periods on the board due by now.
BARE_RATES = """
WITH camp AS (
  SELECT id, substr(lineage, %(start)s, 10)::int AS branch FROM campaigns_campaign
  WHERE lineage LIKE %(prefix)s AND lineage <> %(own)s AND NOT archived),
units AS (
  SELECT pa.id, pa.campaign_id, pa.joined_on, camp.branch
  FROM campaigns_participant pa JOIN camp ON camp.id = pa.campaign_id
  WHERE NOT EXISTS (SELECT 1 FROM campaigns_campaign c WHERE c.parent_id = pa.campaign_id
                    AND c.owner_id = pa.organization_id AND NOT c.archived)),
due AS (
  SELECT p.id, p.number, p.due_at, r.campaign_id FROM campaigns_period p
  JOIN campaigns_requirement r ON r.id = p.requirement_id JOIN camp ON camp.id = r.campaign_id
  WHERE p.due_at <= now() AND r.schedule <> 'anytime' AND r.kind <> 'liaison_form')
SELECT u.branch, d.number, count(*), count(s.id),
       count(s.id) FILTER (WHERE s.timeliness = 'on_time')
FROM units u
JOIN due d ON d.campaign_id = u.campaign_id
          AND u.joined_on <= (d.due_at AT TIME ZONE 'Asia/Shanghai')::date
LEFT JOIN reports_submission s
  ON s.participant_id = u.id AND s.period_id = d.id AND s.state <> 'draft'
GROUP BY u.branch, d.number
"""
# Activities and people reached in the latest version of every submitted report, and
# indicator totals of accepted ones, per child campaign of the top one.
BARE_FIGURES = """
WITH camp AS (
  SELECT id, substr(lineage, %(start)s, 10)::int AS branch FROM campaigns_campaign
  WHERE lineage LIKE %(prefix)s AND lineage <> %(own)s AND NOT archived),
latest AS (
  SELECT max(v.id) AS id, s.state, camp.branch FROM reports_submissionversion v
  JOIN reports_submission s ON s.id = v.submission_id
  JOIN campaigns_participant pa ON pa.id = s.participant_id
  JOIN camp ON camp.id = pa.campaign_id
  WHERE s.state <> 'draft'
    AND NOT EXISTS (SELECT 1 FROM campaigns_campaign c WHERE c.parent_id = pa.campaign_id
                    AND c.owner_id = pa.organization_id AND NOT c.archived)
  GROUP BY v.submission_id, s.state, camp.branch)
SELECT l.branch, 'a', count(a.id) FROM latest l
  JOIN reports_activityrecord a ON a.version_id = l.id GROUP BY l.branch
UNION ALL
SELECT l.branch, 'i:' || iv.indicator_id, sum(iv.value) FROM latest l
  JOIN reports_indicatorvalue iv ON iv.version_id = l.id
  WHERE l.state = 'accepted' GROUP BY l.branch, iv.indicator_id
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, runs: int) -> dict:
    """p50/p95 in ms of `fn()` over `runs` calls, after two warm-ups."""
    for _ in range(2):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": round(pct(times, 50), 1), "p95": round(pct(times, 95), 1), "runs": runs}


def get(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200:
            raise SystemExit(f"{url}: {response.status}")
        response.read()


def bare(campaign, sql: str):
    """Run a bare query for `campaign` through a raw cursor; returns its rows."""
    from django.db import connection

    params = {
        "start": len(campaign.lineage) + 1,
        "prefix": campaign.lineage + "%",
        "own": campaign.lineage,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def check_equal(campaign) -> bool:
    """The page's numbers (through the tallies) against the bare SQL's, row by row."""
    from anxuan.dashboards.dashboard import build_dashboard

    dashboard = build_dashboard(campaign)
    rates: dict = {}
    for branch, _number, expected, reported, timely in bare(campaign, BARE_RATES):
        total = rates.setdefault(branch, [0, 0, 0])
        total[0], total[1], total[2] = total[0] + expected, total[1] + reported, total[2] + timely
    figures: dict = {}
    for branch, metric, value in bare(campaign, BARE_FIGURES):
        figures.setdefault(branch, {})[metric] = value
    for row in dashboard.figures.rows:
        r = row.rate
        if rates.get(row.child.pk, [0, 0, 0]) != [r.expected, r.reported, r.timely]:
            print(f"  rates differ for {row.participant}: {rates.get(row.child.pk)} vs {r}")
            return False
        wanted = figures.get(row.child.pk, {})
        if any(row.value(m) != v for m, v in wanted.items()):
            print(f"  figures differ for {row.participant}")
            return False
    return True


def rebuild() -> dict:
    from anxuan.reports import tally
    from anxuan.reports.models import Submission

    started = time.perf_counter()
    periods = tally.rebuild()
    seconds = time.perf_counter() - started
    submissions = Submission.objects.count()
    return {
        "periods": periods,
        "submissions": submissions,
        "seconds": round(seconds, 2),
        "seconds_per_million": round(seconds / submissions * 1e6, 2),
    }


def snapshots() -> dict:
    """What the worker does every minute: the largest trees' snapshots, counted afresh."""
    from anxuan.rollup.rollups import refresh_snapshots

    started = time.perf_counter()
    campaigns = refresh_snapshots()
    return {"campaigns": campaigns, "seconds": round(time.perf_counter() - started, 3)}


def burst(n: int) -> dict:
    """`n` new submissions through the services, each refreshing its period's tally, in one
    transaction rolled back at the end; the time spent refreshing tallies is measured apart."""
    from django.db import transaction

    from anxuan.campaigns.models import Participant, Period
    from anxuan.orgs.models import Membership, Person
    from anxuan.reports import services, tally
    from anxuan.reports.drafts import ReportDraft
    from anxuan.reports.models import Submission

    spent: list[float] = []
    refresh = tally.refresh_submission

    def measured(submission) -> None:
        started = time.perf_counter()
        refresh(submission)
        spent.append(time.perf_counter() - started)

    taken = set(Submission.objects.values_list("participant_id", "period_id"))
    pairs = []
    periods = list(
        Period.objects.filter(requirement__campaign__children=None, requirement__kind="weekly")
        .select_related("requirement")
        .order_by("?")[:4000]
    )
    for period in periods:
        for participant in Participant.objects.filter(campaign=period.requirement.campaign_id):
            if (participant.pk, period.pk) not in taken:
                pairs.append((participant, period))
        if len(pairs) >= n:
            break
    pairs = pairs[:n]
    liaisons = dict(
        Membership.objects.filter(
            organization__in=[p.organization_id for p, _ in pairs], role="liaison"
        ).values_list("organization_id", "person")
    )
    people = Person.objects.in_bulk(set(liaisons.values()))
    tally.refresh_submission = measured
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for participant, period in pairs:
                actor = people[liaisons[participant.organization_id]]
                draft = services.save_draft(
                    actor=actor,
                    participant=participant,
                    requirement=period.requirement,
                    period=period,
                    draft=ReportDraft.from_stored({"text": "基准测试报送"}),
                )
                services.submit_report(actor=actor, submission=draft)
            wall = time.perf_counter() - started
            transaction.set_rollback(True)
    finally:
        tally.refresh_submission = refresh
    return {
        "submissions": len(pairs),
        "wall_seconds": round(wall, 1),
        "per_submission_ms": round(wall / len(pairs) * 1000, 2),
        "tally_ms_p50": round(pct([s * 1000 for s in spent], 50), 2),
        "tally_ms_p95": round(pct([s * 1000 for s in spent], 95), 2),
        "tally_share": round(sum(spent) / wall, 3),
    }


def first_render(port: int, cookie: str, path: str) -> float:
    """ms from navigation start until every chart on the page has drawn, in Chromium."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [
                {"name": k, "value": v, "domain": "127.0.0.1", "path": "/"}
                for k, v in (c.split("=", 1) for c in cookie.split("; "))
            ]
        )
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}{path}")  # warm: static files cached
        times = []
        for _ in range(3):
            page.goto(f"http://127.0.0.1:{port}{path}")
            expect(page.locator("[data-chart]:not([data-drawn])")).to_have_count(0)
            times.append(page.evaluate("performance.now()"))
        browser.close()
    return round(statistics.median(times))


def measure_level(campaign, port: int, cookie: str, runs: int) -> dict:
    base = f"http://127.0.0.1:{port}/campaigns/{campaign.pk}"
    row = {
        "equal": check_equal(campaign),
        "rollup page (board + statistics)": timed(lambda: get(f"{base}/rollup/", cookie), runs),
        "dashboard page": timed(lambda: get(f"{base}/dashboard/", cookie), runs),
        "bare SQL rates": timed(lambda: bare(campaign, BARE_RATES), runs),
        "bare SQL figures": timed(lambda: bare(campaign, BARE_FIGURES), runs),
    }
    bare_p95 = row["bare SQL rates"]["p95"] + row["bare SQL figures"]["p95"]
    row["ratio rollup page / bare SQL (p95)"] = round(
        row["rollup page (board + statistics)"]["p95"] / bare_p95, 3
    )
    row["first render ms (Chromium, dashboard)"] = first_render(
        port, cookie, f"/campaigns/{campaign.pk}/dashboard/"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--burst", type=int, default=10000)
    parser.add_argument("--no-rebuild", action="store_true")
    args = parser.parse_args()
    env = {
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from anxuan.campaigns.models import Campaign

    info = json.loads((ROOT / "var" / "national.json").read_text())
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "dataset": info["counts"]}
    if not args.no_rebuild:
        results["rebuild"] = rebuild()
        print("rebuild:", results["rebuild"])
    results["snapshots"] = snapshots()
    print("snapshots:", results["snapshots"])
    levels = {
        level: Campaign.objects.get(pk=info["campaigns"][level]) for level in ("province", "nation")
    }
    port = free_port()
    server = start_server({**os.environ, **env}, port, pool=True)
    try:
        cookies = {
            level: session_cookie(port, info["logins"][level], info["password"]) for level in levels
        }
        for level, campaign in levels.items():
            results[level] = measure_level(campaign, port, cookies[level], args.requests)
            print(level, json.dumps(results[level], ensure_ascii=False, indent=1))
    finally:
        stop(server)
    if args.burst:
        results["burst"] = burst(args.burst)
        print("burst:", results["burst"])
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "b3.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
