"""B6 statistics table export: 3 000 units × 20 indicators to .xlsx, against the same rows
written as CSV, on PostgreSQL.

  .venv/bin/python bench/b6_statistics_export.py [--units 3000] [--repeat 5]

Builds a campaign with 3 000 participants whose accepted statistics reports hold 20 values
each (bulk inserts into a fresh database `anxuan_b6`), then times: the table query
(`statistics_table`), the .xlsx writer (`statistics_xlsx`) and a CSV of the same rows, and
the peak Python memory of the export (tracemalloc) and the process's peak RSS.
"""

import argparse
import csv
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
DB = "anxuan_b6"


def setup_django() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update(
        DATABASE_URL=f"{PG}/{DB}",
        ANXUAN_VAR_DIR=tempfile.mkdtemp(prefix="anxuan-b6-"),
        DJANGO_SETTINGS_MODULE="anxuan.settings",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(units: int):
    from django.utils import timezone

    from anxuan.campaigns import services as campaigns
    from anxuan.campaigns.enums import RequirementKind
    from anxuan.campaigns.models import Indicator, Participant
    from anxuan.orgs import services as orgs
    from anxuan.orgs.enums import OrgKind, Role
    from anxuan.orgs.models import Organization
    from anxuan.reports.enums import State, Timeliness
    from anxuan.reports.models import IndicatorValue, Submission, SubmissionVersion

    county = orgs.create_organization(actor=None, name="基准县", kind=OrgKind.COUNTY, parent=None)
    office, _pw = orgs.create_person(
        actor=None,
        username="office",
        full_name="办公室",
        mobile=None,
        organization=county,
        role=Role.OFFICE_ADMIN,
    )
    campaign = campaigns.create_campaign_from_blueprint(
        actor=office, owner=county, blueprint_key="safety_month", year=2026
    )
    extra = [Indicator.objects.create(name=f"指标{i}", unit="次") for i in range(8)]
    indicators = list(campaign.indicators.all()) + extra
    campaigns._set_indicators(campaign, indicators)
    orgs_ = Organization.objects.bulk_create(
        Organization(name=f"单位{i:05d}", kind=OrgKind.ENTERPRISE, parent=county, path=f"x{i}")
        for i in range(units)
    )
    for org in orgs_:
        org.path = f"{county.path}{org.pk:08d}/"
    Organization.objects.bulk_update(orgs_, ["path"], batch_size=1000)
    participants = Participant.objects.bulk_create(
        Participant(campaign=campaign, organization=o, joined_on=campaign.starts_on) for o in orgs_
    )
    requirement = campaign.requirements.get(kind=RequirementKind.STATISTICS)
    period = requirement.periods.get()
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        Submission(
            participant=p,
            requirement=requirement,
            period=period,
            state=State.ACCEPTED,
            first_submitted_at=now,
            timeliness=Timeliness.ON_TIME,
        )
        for p in participants
    )
    versions = SubmissionVersion.objects.bulk_create(
        SubmissionVersion(
            submission=s, number=1, text="统计", submitted_at=now, submitted_by=office
        )
        for s in submissions
    )
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(version=v, indicator=ind, value=Decimal((v.pk * 7 + ind.pk) % 500))
            for v in versions
            for ind in indicators
        ),
        batch_size=5000,
    )
    return campaign, list(campaign.participants.select_related("organization"))


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, max(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from anxuan.exports.xlsx import statistics_xlsx
    from anxuan.rollup.statistics import statistics_table

    t0 = time.perf_counter()
    campaign, _participants = build(args.units)
    print(f"built {args.units} units × 20 indicators in {time.perf_counter() - t0:.1f} s")

    q50, qmax, table = timed(lambda: statistics_table(campaign, basis="accepted"), args.repeat)

    def as_xlsx() -> bytes:
        buffer = io.BytesIO()
        statistics_xlsx(campaign, table, buffer)
        return buffer.getvalue()

    x50, xmax, content = timed(as_xlsx, args.repeat)

    def as_csv() -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["单位", *[i.name for i in table.indicators]])
        for participant, values in table.rows:
            writer.writerow([participant.organization.name, *values])
        writer.writerow(["合计", *table.totals])
        return buffer.getvalue().encode()

    c50, cmax, _csv = timed(as_csv, args.repeat)
    tracemalloc.start()
    as_xlsx()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nB6 statistics table — {args.units} units × {len(table.indicators)} indicators, "
        f"PostgreSQL, {os.cpu_count()} cores, median of {args.repeat}"
    )
    print(f"{'step':<34} {'p50 ms':>8} {'max ms':>8}")
    print(f"{'table query (statistics_table)':<34} {q50:>8.0f} {qmax:>8.0f}")
    print(f"{'xlsx (statistics_xlsx)':<34} {x50:>8.0f} {xmax:>8.0f}")
    print(f"{'csv of the same rows (baseline)':<34} {c50:>8.0f} {cmax:>8.0f}")
    print(
        f"xlsx / csv: {x50 / c50:.1f}×; xlsx {len(content) / 1024:.0f} KB; "
        f"peak Python memory of one xlsx export {peak / 2**20:.1f} MB; "
        f"process peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
