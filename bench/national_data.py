"""A national Safety Production Month on PostgreSQL, built with COPY in minutes: the data
the B3 benchmark (board and roll-ups for a province and the nation) runs on.

  .venv/bin/python bench/national_data.py [--scale 1.0] [--seed 1] [--fresh] [--integrity]
  .venv/bin/python bench/national_data.py --check

At scale 1.0: a nation office, 31 provinces, ~330 cities, ~2 800 counties, ~38 000 towns
and ~109 000 enterprises, schools and departments under the counties; a linked campaign
for every region office down to the counties, all carrying the national weekly report
(5 periods, Thursdays 12:00); ~147 000 units reporting at the bottom and ~700 000 weekly
reports with their versions, activities, figures, photos (rows only, no files) and reviews.
Names, figures and times follow from --seed.

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/anxuan_national) is created when
missing, dropped and recreated with --fresh, and migrated; a database that already holds
organisations is refused. Ids are assigned here, the sequences moved past them afterwards;
the large tables' foreign keys and indexes are dropped for the load and made again at the
end, which also checks every reference. COPY bypasses the services that keep the roll-up
tallies, so `anxuan rollup --rebuild` recounts them afterwards (skipped, with a note, in a
version of the app without it). The summary (counts, the campaigns to benchmark, the
office logins) is printed and written to var/national.json.

--integrity adds what the integrity worker would have stored for all of it, so that B4
(reused photos) and B5 (copied text) run at national size: for every photo an EvidenceCheck
(checked, no EXIF facts) and its stored fingerprints, 1 FULL and 9 VIEW as
fingerprints.photo_facts stores them (random 64-bit values, the views a few bits from the
full one, filed in the lookup's buckets by integrity.index.rebuild), and for every version
the TextPrint and TextBand rows of its report text and activity descriptions: the real
MinHash signatures of the generated texts, the campaign's theme and titles removed as
check_texts removes them (texts too short to judge get none, as in the app). It is off by
default because it is slow: the signatures take ~0.2 ms a text in one process (~1.5
million texts at scale 1.0, ~1.1 million long enough to sign: ~5 minutes) and the
fingerprints are ~11 million rows (scale 0.05 took 20 s for the texts, 4 s for the
fingerprints).

--check compares the app's own board and roll-ups (anxuan.rollup.board/rollup) for the
campaigns in var/national.json with counts computed here in plain SQL.
"""

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/anxuan_national"
SUMMARY = ROOT / "var" / "national.json"
PASSWORD = "bench-pass-2026"  # noqa: S105 - the published password of generated logins

# Target sizes at scale 1.0.
PROVINCES, CITIES, COUNTIES, TOWNS, UNITS = 31, 330, 2_800, 38_000, 109_000

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026
STARTS_ON, ENDS_ON = date(YEAR, 6, 1), date(YEAR, 6, 30)
# June 2026 has four Thursdays; the fifth weekly report (29-30 June) is due on 2 July.
REPEAT_FROM, REPEAT_UNTIL = date(YEAR, 6, 1), date(YEAR, 7, 2)
LATE_JOIN = date(YEAR, 6, 15)  # a few units join mid-campaign: not expected before
CREATED = datetime(YEAR, 5, 10, 9, 0, tzinfo=SHANGHAI)  # when the offices set things up

# The shared catalogue's indicators the weekly report collects, in the campaign's order.
INDICATORS = ("发放宣传资料", "受教育人数", "开展应急演练", "排查隐患")
DOMAINS = ("进企业", "进农村", "进社区", "进学校", "进家庭", "进公共场所", "进机关")
PLACES = ("村委会", "文化广场", "社区服务中心", "企业厂区", "学校操场", "集贸市场", "会议室")
DOINGS = (
    "摆放展板、发放资料，现场解答群众咨询",
    "组织员工观看警示教育片",
    "开展火灾逃生疏散演练",
    "邀请专家讲解安全生产法律法规",
    "排查整治安全隐患",
    "通过微信群推送安全知识",
)
RETURN_REASONS = (
    "请补充活动现场照片",
    "活动人数与统计表不一致，请核实",
    "请写明活动地点和参加人员",
)

# Name material: region names are two of these characters, units add a trade or a school.
PLACE_CHARS = (
    "安平山河阳江宁兴东西南北丰华嘉清泉石林金水云德永长新和庆武昌泰福临通海湖城川原定远广"
    "襄宜章乐康富贵盛隆吉祥瑞明光化胜利丹凤龙桥溪峰岭源台庄坪塘沙白青红黄松柏桂枫梅兰竹"
)
# The first two digits of the 31 provinces' GB/T 2260 codes.
PROVINCE_CODES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44)
PROVINCE_CODES += (45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)
TRADES = ("化工", "建材", "机械", "矿业", "电力", "食品", "纺织", "物流", "建筑工程", "燃气")
TRADES += ("冶金", "运输", "石化", "制药", "造纸", "新能源")
COMPANY = ("有限公司", "有限责任公司", "股份有限公司")
SCHOOLS = ("中学", "小学", "实验学校", "中心小学", "职业技术学校", "幼儿园")
DEPARTMENTS = (
    "应急管理局",
    "教育局",
    "公安局",
    "交通运输局",
    "住房和城乡建设局",
    "市场监督管理局",
    "卫生健康局",
    "农业农村局",
    "文化和旅游局",
    "自然资源局",
    "水利局",
    "工业和信息化局",
)
STATIONED = ("供电公司", "消防救援大队", "移动分公司", "气象局", "公路段")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海燕丹宁"
# The units under a county besides its towns, by kind, with their shares.
UNIT_KINDS = {"enterprise": 56, "school": 22, "department": 14, "stationed": 5, "other": 3}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the nation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--check", action="store_true", help="check the existing data instead of building"
    )
    parser.add_argument(
        "--integrity",
        action="store_true",
        help="also the photos' fingerprints and the texts' signatures (slow)",
    )
    args = parser.parse_args()
    if not 0 < args.scale <= 3:
        parser.error("--scale must be in (0, 3]")
    return args


# ---------------------------------------------------------------- database and Django


def prepare_database(url: str, fresh: bool) -> None:
    """Create the database when missing (dropped first with `fresh`)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url, DB_POOL="0", DJANGO_SETTINGS_MODULE="anxuan.settings", LOG_LEVEL="ERROR"
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# ---------------------------------------------------------------- loading


class Loader:
    """COPY into tables on Django's connection, with ids assigned here and a line per table."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.next_ids: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def first_id(self, table: str) -> None:
        """Start the table's ids after its rows (not during a COPY: one statement at a time)."""
        if table not in self.next_ids:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
                self.next_ids[table] = cursor.fetchone()[0]

    def take_id(self, table: str) -> int:
        self.first_id(table)
        value = self.next_ids[table]
        self.next_ids[table] += 1
        return value

    def copy(self, table: str, columns: str, rows: Iterable[tuple], quiet: bool = False) -> None:
        """COPY `rows` (tuples in the order of `columns`, space-separated) into `table`;
        `quiet` leaves out the line (for a table loaded in many parts)."""
        started = time.perf_counter()
        self.first_id(table)
        quoted = ", ".join(f'"{c}"' for c in columns.split())
        n = 0
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                n += 1
        self.counts[table] = self.counts.get(table, 0) + n
        self.timings[table] = self.timings.get(table, 0) + time.perf_counter() - started
        if not quiet:
            print(f"  {table:<40} {n:>10,} rows {time.perf_counter() - started:7.1f} s", flush=True)

    def report(self, table: str) -> None:
        """The line of a table loaded in parts: its rows and seconds in all."""
        n, seconds = self.counts.get(table, 0), self.timings.get(table, 0)
        print(f"  {table:<40} {n:>10,} rows {seconds:7.1f} s", flush=True)

    def move_sequences(self) -> None:
        """Let the app's own inserts continue after the ids assigned here."""
        with self.connection.cursor() as cursor:
            for table, next_id in self.next_ids.items():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, next_id - 1]
                )


class DeferredChecks:
    """Drop the foreign keys, unique constraints and indexes of bulk-loaded tables and make
    them again afterwards: one pass per index and one join per reference instead of a
    lookup per row. Re-adding a foreign key checks every row of the table."""

    def __init__(self, connection, tables: list[str]) -> None:
        self.connection, self.tables = connection, tables
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self) -> "DeferredChecks":
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
                "AND contype IN ('f', 'u') ORDER BY contype DESC",
                [self.tables],
            )
            self.constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [self.tables],
            )
            self.indexes = cursor.fetchall()
            for table, name, _definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            return  # the transaction rolls back the drops too
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        print(
            f"  {'indexes and constraints again':<40} {len(self.indexes):>4} indexes "
            f"{len(self.constraints):>3} constraints {time.perf_counter() - started:7.1f} s",
            flush=True,
        )


# ---------------------------------------------------------------- organisations


@dataclass(eq=False)
class Org:
    id: int
    parent: "Org | None"
    kind: str
    name: str
    region_code: str | None
    path: str
    regions: list["Org"] = field(default_factory=list)  # the regions below, one level down
    units: list["Org"] = field(default_factory=list)  # for a county: towns and other units


class Names:
    """Deterministic Chinese names, unique where the database wants them unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_regions: set[str] = set()

    def stem(self) -> str:
        return "".join(self.rng.sample(PLACE_CHARS, 2))

    def region(self, suffix: str, siblings: set[str], national: bool = True) -> str:
        """A two-character place name with `suffix`, unique among the siblings and, for
        provinces, cities and counties, in the whole country."""
        while True:
            name = self.stem() + suffix
            if name not in siblings and not (national and name in self.used_regions):
                self.used_regions.add(name)
                siblings.add(name)
                return name

    def unit(self, kind: str, county: Org, siblings: set[str]) -> str:
        county_stem = county.name[:-1]
        for _attempt in range(100):
            if kind == "enterprise":
                name = self.stem() + self.rng.choice(TRADES) + self.rng.choice(COMPANY)
            elif kind == "school":
                name = county_stem + self.stem() + self.rng.choice(SCHOOLS)
            elif kind == "department":
                name = county.name + self.rng.choice(DEPARTMENTS)
            elif kind == "stationed":
                name = county.name + self.rng.choice(STATIONED)
            else:
                name = county.name + self.stem() + "工业园区管理委员会"
            if name not in siblings:
                siblings.add(name)
                return name
        name = f"{self.stem()}{self.rng.choice(TRADES)}{len(siblings)}号{COMPANY[0]}"
        siblings.add(name)
        return name

    def person(self) -> str:
        given = "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given


def spread(rng: random.Random, total: int, parents: int) -> list[int]:
    """Split `total` children unevenly among `parents`, at least one each."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    scale = total / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    while sum(counts) != total:
        i = rng.randrange(parents)
        if sum(counts) < total:
            counts[i] += 1
        elif counts[i] > 1:
            counts[i] -= 1
    return counts


@dataclass
class Tree:
    nation: Org
    provinces: list[Org]
    cities: list[Org]
    counties: list[Org]
    leaves: list[Org]  # towns and units, county by county

    def offices(self) -> list[Org]:
        """The region offices that run a campaign, top down."""
        return [self.nation, *self.provinces, *self.cities, *self.counties]

    def all(self) -> list[Org]:
        return [*self.offices(), *self.leaves]


def sizes(scale: float) -> tuple[int, int, int, int, int]:
    provinces = min(PROVINCES, max(2, round(PROVINCES * scale)))
    cities = max(provinces, round(CITIES * scale))
    counties = max(cities, round(COUNTIES * scale))
    towns = max(counties, round(TOWNS * scale))
    return provinces, cities, counties, towns, round(UNITS * scale)


def build_tree(loader: Loader, rng: random.Random, scale: float) -> Tree:
    """Nation, provinces, cities, counties (ids level by level), then every county's towns
    and units."""
    names = Names(rng)
    n_provinces, n_cities, n_counties, n_towns, n_units = sizes(scale)

    def org(parent: Org | None, kind: str, name: str, code: str | None) -> Org:
        pk = loader.take_id("orgs_organization")
        node = Org(pk, parent, kind, name, code, f"{parent.path if parent else ''}{pk:08d}/")
        if parent is not None:
            below = parent.units if parent.kind == "county" else parent.regions
            below.append(node)
        return node

    nation = org(None, "nation", "国务院安全生产委员会办公室", None)
    provinces = []
    taken: set[str] = set()
    for code in PROVINCE_CODES[:n_provinces]:
        provinces.append(org(nation, "province", names.region("省", taken), f"{code}0000"))
    cities = []
    for province, n in zip(provinces, spread(rng, n_cities, n_provinces), strict=True):
        taken = set()
        for i in range(1, n + 1):
            code = f"{province.region_code[:2]}{i:02d}00"
            cities.append(org(province, "city", names.region("市", taken), code))
    counties = []
    for city, n in zip(cities, spread(rng, n_counties, n_cities), strict=True):
        taken = set()
        for i in range(1, n + 1):
            suffix = "区" if i <= 2 else "县"  # a city's first districts, then its counties
            code = f"{city.region_code[:4]}{i:02d}"
            counties.append(org(city, "county", names.region(suffix, taken), code))
    leaves = []
    town_counts = spread(rng, n_towns, n_counties)
    unit_counts = spread(rng, n_units, n_counties)
    for county, towns, units in zip(counties, town_counts, unit_counts, strict=True):
        taken = set()
        for i in range(1, towns + 1):
            suffix = rng.choices(("镇", "乡", "街道"), (6, 2, 2))[0]
            name = names.region(suffix, taken, national=False)
            leaves.append(org(county, "town", name, f"{county.region_code}{i:03d}"))
        for kind in rng.choices(list(UNIT_KINDS), list(UNIT_KINDS.values()), k=units):
            leaves.append(org(county, kind, names.unit(kind, county, taken), None))
    return Tree(nation, provinces, cities, counties, leaves)


def load_orgs(loader: Loader, tree: Tree, now: datetime) -> None:
    loader.copy(
        "orgs_organization",
        "id name kind region_code path archived created_at parent_id",
        (
            (o.id, o.name, o.kind, o.region_code, o.path, False, now, o.parent and o.parent.id)
            for o in tree.all()
        ),
    )


# ---------------------------------------------------------------- people


@dataclass
class Person:
    id: int
    username: str
    full_name: str
    mobile: str


def make_people(loader: Loader, names: Names, tree: Tree) -> dict[int, Person]:
    """{organisation id: its person}: an office administrator for every region office that
    runs a campaign, a liaison for every unit reporting at the bottom."""
    people = {}
    for i, office in enumerate(tree.offices()):
        username = f"office-{office.region_code or 'nation'}"
        people[office.id] = Person(
            loader.take_id("orgs_person"), username, names.person(), f"138{i:08d}"
        )
    for i, leaf in enumerate(tree.leaves):
        mobile = f"139{i:08d}"
        people[leaf.id] = Person(loader.take_id("orgs_person"), mobile, names.person(), mobile)
    return people


def load_people(loader: Loader, tree: Tree, people: dict[int, Person], now: datetime) -> None:
    from django.contrib.auth.hashers import make_password

    from anxuan.orgs.enums import Role

    password = make_password(PASSWORD)
    loader.copy(
        "orgs_person",
        "id password last_login is_superuser username first_name last_name email is_staff "
        "is_active date_joined full_name mobile must_change_password password_changed_at",
        (
            (
                p.id,
                password,
                None,
                False,
                p.username,
                "",
                "",
                "",
                False,
                True,
                now,
                p.full_name,
                p.mobile,
                False,
                None,
            )
            for p in people.values()
        ),
    )
    loader.copy(  # the names they log in with: a liaison's username is its mobile
        "orgs_loginname",
        "id name person_id",
        (
            (loader.take_id("orgs_loginname"), name, p.id)
            for p in people.values()
            for name in dict.fromkeys((p.username, p.mobile))
        ),
    )
    offices = {o.id for o in tree.offices()}

    def membership(org_id: int, person: Person) -> tuple:
        role, title = (
            (Role.OFFICE_ADMIN.value, "办公室主任")
            if org_id in offices
            else (Role.LIAISON.value, "联络员")
        )
        return (loader.take_id("orgs_membership"), role, title, now, person.id, org_id)

    loader.copy(
        "orgs_membership",
        "id role title created_at person_id organization_id",
        (membership(org_id, person) for org_id, person in people.items()),
    )


# ---------------------------------------------------------------- campaigns


@dataclass(eq=False)
class PlannedCampaign:
    id: int
    owner: Org
    parent: "PlannedCampaign | None"
    lineage: str
    title: str
    admin: Person
    requirement_id: int = 0
    period_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Catalogue:
    """What every campaign shares: the indicators the weekly report collects ({name: id}),
    the activity types and the weekly periods (number, opens_at, due_at)."""

    indicators: dict[str, int]
    activity_types: tuple[str, ...]
    periods: list[tuple[int, datetime, datetime]]


def catalogue() -> Catalogue:
    from anxuan.campaigns.blueprints import SAFETY_MONTH
    from anxuan.campaigns.deadlines import weekly_periods
    from anxuan.campaigns.models import Indicator

    by_name = dict(
        Indicator.objects.filter(owner__isnull=True, name__in=INDICATORS).values_list("name", "pk")
    )
    missing = [name for name in INDICATORS if name not in by_name]
    if missing:
        raise SystemExit(f"the shared catalogue lacks {missing}: run the migrations")
    periods = weekly_periods(weekday=3, due_time=clock(12, 0), first=REPEAT_FROM, last=REPEAT_UNTIL)
    return Catalogue(
        {name: by_name[name] for name in INDICATORS},
        SAFETY_MONTH.activity_types,
        [(p.number, p.opens_at, p.due_at) for p in periods],
    )


def make_campaigns(loader: Loader, tree: Tree, people: dict[int, Person]) -> list[PlannedCampaign]:
    """The national campaign and a linked campaign for every region office under it, with
    the title create_linked_campaign gives: the parent's, then the owner in brackets."""
    from anxuan.campaigns.blueprints import SAFETY_MONTH

    campaigns: dict[int, PlannedCampaign] = {}
    for office in tree.offices():
        parent = campaigns.get(office.parent.id) if office.parent else None
        pk = loader.take_id("campaigns_campaign")
        title = (
            f"{parent.title}（{office.name}）" if parent else SAFETY_MONTH.title.format(year=YEAR)
        )
        lineage = f"{parent.lineage if parent else ''}{pk:010d}."
        campaigns[office.id] = PlannedCampaign(
            pk, office, parent, lineage, title, people[office.id]
        )
    for campaign in campaigns.values():
        campaign.requirement_id = loader.take_id("campaigns_requirement")
    for campaign in campaigns.values():
        campaign.period_ids = [loader.take_id("campaigns_period") for _ in range(5)]
    return list(campaigns.values())


def load_campaigns(
    loader: Loader, campaigns: list[PlannedCampaign], cat: Catalogue, now: datetime
) -> None:
    """Campaigns as create_campaign_from_blueprint (the nation) and create_linked_campaign
    (everyone below) make them: one weekly requirement inherited down, periods, indicators
    in the same order, activity types and domains."""
    from anxuan.campaigns.blueprints import SAFETY_MONTH as BP
    from anxuan.campaigns.models import MINIMUM_FIELDS

    def campaign_row(c: PlannedCampaign) -> tuple:
        top = c.parent is None  # _clone keeps the office and committee for the same owner
        office_name = f"{c.owner.name}{BP.office_name}" if top else ""
        return (
            c.id,
            "safety_month",
            c.title,
            BP.theme,
            YEAR,
            STARTS_ON,
            ENDS_ON,
            office_name,
            BP.committee if top else "",
            BP.description,
            False,
            now,
            None,
            c.admin.id,
            c.owner.id,
            c.parent and c.parent.id,
            True,
            24,
            "",
            "",
            c.lineage,
        )

    loader.copy(
        "campaigns_campaign",
        "id kind title theme year starts_on ends_on office_name committee description archived "
        "created_at copied_from_id created_by_id owner_id parent_id remind_missed "
        "reminder_hours webhook_url robot_secret lineage",
        (campaign_row(c) for c in campaigns),
    )
    named = (
        ("campaigns_campaignindicator", "order indicator_id", list(cat.indicators.values())),
        ("campaigns_activitytype", "order name", list(cat.activity_types)),
        ("campaigns_targetdomain", "order name", list(DOMAINS)),
    )
    for table, columns, values in named:
        loader.copy(
            table,
            f"id {columns} campaign_id",
            (
                (loader.take_id(table), order, value, c.id)
                for c in campaigns
                for order, value in enumerate(values)
            ),
        )
    weekly = next(r for r in BP.requirements if r.schedule == "weekly")
    loader.copy(
        "campaigns_requirement",
        "id kind title description schedule due_at weekday due_time repeat_from repeat_until "
        "min_photos min_videos min_documents opens_days_early order campaign_id phase_id "
        "inherited_from_id",
        (
            (
                c.requirement_id,
                weekly.kind,
                weekly.title,
                weekly.description,
                "weekly",
                None,
                weekly.weekday,
                weekly.due_time,
                REPEAT_FROM,
                REPEAT_UNTIL,
                *(dict(weekly.evidence).get(kind, 0) for kind in MINIMUM_FIELDS),
                0,
                0,
                c.id,
                None,
                c.parent and c.parent.requirement_id,
            )
            for c in campaigns
        ),
    )
    loader.copy(
        "campaigns_requirement_indicators",
        "id requirement_id indicator_id",
        (
            (loader.take_id("campaigns_requirement_indicators"), c.requirement_id, i)
            for c in campaigns
            for i in cat.indicators.values()
        ),
    )
    loader.copy(
        "campaigns_period",
        "id number opens_at due_at requirement_id",
        (
            (pk, number, opens_at, due_at, c.requirement_id)
            for c in campaigns
            for pk, (number, opens_at, due_at) in zip(c.period_ids, cat.periods, strict=True)
        ),
    )


# ---------------------------------------------------------------- participants


@dataclass(eq=False)
class Unit:
    """A participant that reports itself: a town or unit in its county's campaign."""

    participant_id: int
    org: Org
    joined_on: date
    liaison: Person
    campaign: PlannedCampaign


def load_participants(
    loader: Loader,
    rng: random.Random,
    campaigns: list[PlannedCampaign],
    people: dict[int, Person],
) -> list[Unit]:
    """Every region campaign's participants are the regions one level down; a county's are
    its towns and units, a few of which joined mid-campaign. Every liaison is registered."""
    units: list[Unit] = []

    def rows() -> Iterator[tuple]:
        for c in campaigns:
            leaf = c.owner.kind == "county"
            for member in c.owner.units if leaf else c.owner.regions:
                pk = loader.take_id("campaigns_participant")
                person = people[member.id]
                joined_on = LATE_JOIN if leaf and rng.random() < 0.01 else STARTS_ON
                if leaf:
                    units.append(Unit(pk, member, joined_on, person, c))
                registered = datetime.combine(
                    joined_on - timedelta(days=rng.randint(1, 12)), clock(9), tzinfo=SHANGHAI
                )
                yield (
                    pk,
                    joined_on,
                    person.full_name,
                    "联络员",
                    person.mobile,
                    "",
                    registered,
                    c.id,
                    person.id,
                    member.id,
                )

    loader.copy(
        "campaigns_participant",
        "id joined_on liaison_name liaison_title liaison_mobile liaison_phone registered_at "
        "campaign_id liaison_person_id organization_id",
        rows(),
    )
    return units


# ---------------------------------------------------------------- reports


@dataclass(slots=True, eq=False)
class Report:
    """One submission planned: its state and the times and ids of what follows from it."""

    id: int
    unit: Unit
    period: int  # index into the campaign's periods
    state: str
    created_at: datetime
    updated_at: datetime
    first_at: datetime | None = None
    timeliness: str = ""
    versions: list[tuple[int, datetime]] = field(default_factory=list)  # (id, submitted_at)
    reviews: list[tuple[str, int, datetime]] = field(default_factory=list)  # kind, version, at
    photos: list[tuple[int, datetime]] = field(default_factory=list)  # (id, uploaded_at)


# What happens to a report once it exists: (state, versions, reviews), with weights.
OUTCOMES = (
    (("draft", 0, ()), 2),
    (("submitted", 1, ()), 13),
    (("returned", 1, ("return",)), 3),
    (("resubmitted", 2, ("return",)), 5),
    (("accepted", 2, ("return", "accept")), 6),
    (("accepted", 1, ("accept",)), 71),
)


def hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def plan_reports(
    loader: Loader, rng: random.Random, units: list[Unit], cat: Catalogue
) -> list[Report]:
    """~95 % of the expected (unit, week) reports exist; ~10 % of those first came in after
    the Thursday deadline. Reviews follow within 30 hours, a returned report comes back
    within a day with one more photo."""
    outcomes, weights = zip(*OUTCOMES, strict=True)
    reports = []
    for unit in units:
        for index, (_number, _opens_at, due_at) in enumerate(cat.periods):
            if due_at.date() < unit.joined_on or rng.random() >= 0.95:
                continue  # not expected yet, or missing
            state, n_versions, reviews = rng.choices(outcomes, weights)[0]
            pk = loader.take_id("reports_submission")
            if n_versions == 0:
                at = due_at - hours(rng, 1, 72)
                reports.append(Report(pk, unit, index, state, at, at))
                continue
            late = rng.random() < 0.10
            first = due_at + hours(rng, 0.1, 48) if late else due_at - hours(rng, 0.2, 70)
            report = Report(pk, unit, index, state, first - hours(rng, 1, 3), first, first)
            report.timeliness = "late" if late else "on_time"
            add_version(loader, rng, report, first, photos=rng.choice((1, 2)))
            at = first
            for kind in reviews:
                at += hours(rng, 1, 30)
                report.reviews.append((kind, report.versions[-1][0], at))
                if kind == "return" and n_versions == 2:
                    at += hours(rng, 1, 24)
                    add_version(loader, rng, report, at, photos=1)
            report.updated_at = at
            reports.append(report)
    return reports


def add_version(
    loader: Loader, rng: random.Random, report: Report, at: datetime, photos: int
) -> None:
    """A version submitted at `at` with `photos` more photos uploaded just before."""
    report.versions.append((loader.take_id("reports_submissionversion"), at))
    for _ in range(photos):
        report.photos.append((loader.take_id("reports_attachment"), at - hours(rng, 0.05, 0.9)))


@dataclass
class Content:
    text: str
    activities: list[dict]
    values: dict[str, int]


def content(seed: int, key: int, report: Report, cat: Catalogue, submitted: datetime) -> Content:
    """What one version (or a draft) says, from its own random stream, so the version rows
    and the submission's draft agree without keeping every report's text in memory."""
    rng = random.Random(seed << 40 | key)
    _number, opens_at, due_at = cat.periods[report.period]
    last = min(submitted.date(), due_at.date())
    span = min(6, (last - opens_at.date()).days)
    activities = [
        {
            "held_on": (last - timedelta(days=rng.randint(0, span))).isoformat(),
            "activity_type": rng.choice(cat.activity_types),
            "domain": rng.choice(DOMAINS),
            "place": rng.choice(PLACES),
            "people_reached": rng.randint(20, 1500),
            "description": rng.choice(DOINGS),
        }
        for _ in range(rng.randint(1, 3))
    ]
    reached = sum(a["people_reached"] for a in activities)
    figures = {
        "发放宣传资料": rng.randint(50, 2000),
        "受教育人数": reached,
        "开展应急演练": sum(a["activity_type"] == "应急演练" for a in activities),
        "排查隐患": rng.randint(0, 15),
    }
    kinds = "、".join(dict.fromkeys(a["activity_type"] for a in activities))
    text = (
        f"{report.unit.org.name}本周围绕“人人讲安全、个个会应急”主题，开展{kinds}等活动"
        f"{len(activities)}场，覆盖群众{reached}人次。"
    )
    values = {str(pk): figures[name] for name, pk in cat.indicators.items()}
    return Content(text, activities, values)


class ReportTables:
    """The rows of reports_* from the plan, table by table."""

    def __init__(self, loader: Loader, seed: int, reports: list[Report], cat: Catalogue):
        self.loader, self.seed, self.reports, self.cat = loader, seed, reports, cat

    def versions(self) -> Iterator[tuple[Report, int, int, datetime, Content]]:
        """(report, version id, number, submitted_at, content) of every version."""
        for report in self.reports:
            for number, (pk, at) in enumerate(report.versions, start=1):
                yield report, pk, number, at, content(self.seed, pk, report, self.cat, at)

    def load(self) -> None:
        self.loader.copy(
            "reports_submission",
            "id state important draft first_submitted_at timeliness created_at updated_at "
            "participant_id period_id requirement_id",
            map(self.submission_row, self.reports),
        )
        self.loader.copy(
            "reports_submissionversion",
            "id number text submitted_at submission_id submitted_by_id",
            (
                (pk, number, c.text, at, r.id, r.unit.liaison.id)
                for r, pk, number, at, c in self.versions()
            ),
        )
        self.load_photos()
        self.loader.copy(
            "reports_activityrecord",
            "id held_on activity_type domain place people_reached description version_id",
            (
                # the draft's activity keys are in the order of the columns
                (self.loader.take_id("reports_activityrecord"), *a.values(), pk)
                for _r, pk, _n, _at, c in self.versions()
                for a in c.activities
            ),
        )
        self.loader.copy(
            "reports_indicatorvalue",
            "id value indicator_id version_id",
            (
                (self.loader.take_id("reports_indicatorvalue"), value, int(indicator), pk)
                for _r, pk, _n, _at, c in self.versions()
                for indicator, value in c.values.items()
            ),
        )
        self.loader.copy(
            "reports_review",
            "id kind reason at reviewer_id submission_id version_id",
            (
                (
                    self.loader.take_id("reports_review"),
                    kind,
                    self.reason(r, kind, at),
                    at,
                    r.unit.campaign.admin.id,
                    r.id,
                    version,
                )
                for r in self.reports
                for kind, version, at in r.reviews
            ),
        )

    def submission_row(self, r: Report) -> tuple:
        """The draft holds what was last submitted, marked frozen, as submit_report leaves
        it; a draft never submitted holds its own content."""
        if r.versions:
            pk, at = r.versions[-1]
            c = content(self.seed, pk, r, self.cat, at)
            frozen = {"frozen_as": len(r.versions)}
        else:
            c = content(self.seed, 1 << 39 | r.id, r, self.cat, r.created_at)  # not a version id
            frozen = {}
        draft = {"text": c.text, "activities": c.activities, "values": c.values, **frozen}
        return (
            r.id,
            r.state,
            False,
            json.dumps(draft, ensure_ascii=False),
            r.first_at,
            r.timeliness,
            r.created_at,
            r.updated_at,
            r.unit.participant_id,
            r.unit.campaign.period_ids[r.period],
            r.unit.campaign.requirement_id,
        )

    def reason(self, r: Report, kind: str, at: datetime) -> str:
        return RETURN_REASONS[(r.id + at.minute) % len(RETURN_REASONS)] if kind == "return" else ""

    def load_photos(self) -> None:
        """Photo rows without files (plausible hashes, sizes and names), each version linked
        to the photos in the draft when it was submitted: all uploaded so far."""
        from anxuan.core.files import storage_name

        rng = random.Random(self.seed << 8 | 7)

        def photo(r: Report, pk: int, uploaded: datetime) -> tuple:
            sha = f"{rng.getrandbits(256):064x}"
            width, height = rng.choice(((4032, 3024), (3024, 4032), (1920, 1080)))
            local = uploaded.astimezone(SHANGHAI)
            return (
                pk,
                "photo",
                "image/jpeg",
                f"IMG_{local:%Y%m%d_%H%M%S}.jpg",
                sha,
                storage_name(sha, "jpg"),
                rng.randint(600_000, 6_000_000),
                width,
                height,
                uploaded - hours(rng, 0.1, 48),
                "",
                True,
                uploaded,
                r.id,
                r.unit.liaison.id,
                r.state == "accepted" and rng.random() < 0.005,
                uploaded,
                1,
                uploaded,  # processed: the sweeper leaves these files (not on disk) alone
            )

        self.loader.copy(
            "reports_attachment",
            "id kind content_type original_name sha256 storage_name size width height taken_at "
            "thumbnail in_draft uploaded_at submission_id uploaded_by_id highlight queued_at "
            "process_attempts processed_at",
            (photo(r, pk, uploaded) for r in self.reports for pk, uploaded in r.photos),
        )
        table = "reports_submissionversion_attachments"
        self.loader.copy(
            table,
            "id submissionversion_id attachment_id",
            (
                (self.loader.take_id(table), version, photo)
                for r in self.reports
                for version, submitted_at in r.versions
                for photo, uploaded in r.photos
                if uploaded <= submitted_at
            ),
        )


# ---------------------------------------------------------------- integrity


VIEWS = 9  # fingerprints.CROP_STEPS ** 2 stored crops beside the full picture
TEXT_CHUNK = 20_000  # versions signed, then copied, at a time


class IntegrityTables:
    """What the integrity worker stores for the reports' photos and texts (--integrity)."""

    def __init__(self, tables: ReportTables) -> None:
        self.tables, self.loader = tables, tables.loader

    def load(self) -> None:
        self.load_checks()
        self.load_fingerprints()
        self.load_texts()

    @staticmethod
    def columns(model) -> list[str]:
        return [f.column for f in model._meta.fields]

    def load_checks(self) -> None:
        from anxuan.integrity.enums import CheckState
        from anxuan.integrity.models import EvidenceCheck

        table, cols = EvidenceCheck._meta.db_table, self.columns(EvidenceCheck)

        def row(attachment: int, uploaded: datetime) -> tuple:
            values = {
                "id": self.loader.take_id(table),
                "attachment_id": attachment,
                "material_id": None,
                "state": CheckState.CHECKED.value,
                "reason": "",
                "taken_at": None,
                "latitude": None,
                "longitude": None,
                "checked_at": uploaded + timedelta(minutes=1),
            }
            return tuple(values[c] for c in cols)

        self.loader.copy(
            table,
            " ".join(cols),
            (row(pk, uploaded) for r in self.tables.reports for pk, uploaded in r.photos),
        )

    def load_fingerprints(self) -> None:
        """1 FULL and VIEWS VIEW prints per photo; a view is 1 to 10 bits from the full
        print, as a 90 % crop's pHash mostly is; then filed in the buckets of the lookup."""
        from anxuan.integrity import index
        from anxuan.integrity.fingerprints import FULL, VIEW, signed
        from anxuan.integrity.models import Fingerprint, FingerprintBucket

        table, cols = Fingerprint._meta.db_table, self.columns(Fingerprint)
        rng = random.Random(self.tables.seed << 8 | 11)

        def row(attachment: int, role: str, bits: int) -> tuple:
            value = signed(bits)
            values = {
                "id": self.loader.take_id(table),
                "attachment_id": attachment,
                "material_id": None,
                "role": role,
                "value": value,
                "at": None,
            }
            return tuple(values[c] for c in cols)

        def rows() -> Iterator[tuple]:
            for r in self.tables.reports:
                for pk, _uploaded in r.photos:
                    full = rng.getrandbits(64)
                    yield row(pk, FULL, full)
                    for _ in range(VIEWS):
                        flips = sum(1 << b for b in rng.sample(range(64), rng.randint(1, 10)))
                        yield row(pk, VIEW, full ^ flips)

        self.loader.copy(table, " ".join(cols), rows())
        started = time.perf_counter()
        index.rebuild()
        buckets = FingerprintBucket._meta.db_table
        print(
            f"  {buckets:<40} {'':>10} (filed) {time.perf_counter() - started:5.1f} s", flush=True
        )

    def load_texts(self) -> None:
        """The report text's and the activity descriptions' signatures of every version,
        with their band keys, TEXT_CHUNK versions at a time."""
        from anxuan.integrity import fingerprints
        from anxuan.integrity.enums import TextSource
        from anxuan.integrity.models import TextBand, TextPrint

        print_table, print_cols = TextPrint._meta.db_table, self.columns(TextPrint)
        band_table, band_cols = TextBand._meta.db_table, self.columns(TextBand)
        shared_of: dict[int, frozenset[str]] = {}

        def shared(campaign: PlannedCampaign) -> frozenset[str]:
            """The theme and titles of the campaign and those above (check_texts' passages
            without an office's own: the generator makes none)."""
            if campaign.id not in shared_of:
                from anxuan.campaigns.blueprints import SAFETY_MONTH

                passages, node = [], campaign
                while node is not None:
                    passages += [SAFETY_MONTH.theme, node.title]
                    node = node.parent
                shared_of[campaign.id] = fingerprints.shared_shingles(passages)
            return shared_of[campaign.id]

        started = time.perf_counter()
        signing = 0.0
        chunk: list[tuple] = []

        def flush() -> None:
            prints, bands = [], []
            for version, org_id, source, sig in chunk:
                pk = self.loader.take_id(print_table)
                values = {
                    "id": pk,
                    "source": source,
                    "version_id": version,
                    "material_id": None,
                    "organization_id": org_id,
                    "year": YEAR,
                    "values": sig.to_bytes(),
                    "size": sig.size,
                }
                prints.append(tuple(values[c] for c in print_cols))
                for key in sig.bands:
                    band = {"id": self.loader.take_id(band_table), "text_id": pk, "key": key}
                    bands.append(tuple(band[c] for c in band_cols))
            self.loader.copy(print_table, " ".join(print_cols), prints, quiet=True)
            self.loader.copy(band_table, " ".join(band_cols), bands, quiet=True)
            chunk.clear()

        for r, pk, _number, _at, c in self.tables.versions():
            # In the order version.activities gives them: held_on, then id (the load order).
            held = sorted(c.activities, key=lambda a: a["held_on"])
            descriptions = "\n".join(a["description"] for a in held if a["description"])
            common = shared(r.unit.campaign)
            t0 = time.perf_counter()
            for source, text in (
                (TextSource.REPORT, c.text),
                (TextSource.ACTIVITIES, descriptions),
            ):
                sig = fingerprints.signature(text, common)
                if sig is not None:
                    chunk.append((pk, r.unit.org.id, source.value, sig))
            signing += time.perf_counter() - t0
            if len(chunk) >= TEXT_CHUNK:
                flush()
        flush()
        self.loader.report(print_table)
        self.loader.report(band_table)
        print(
            f"  {'(text signatures)':<51} {signing:7.1f} s of "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )


INTEGRITY_LOADED = [
    "integrity_evidencecheck",
    "integrity_fingerprint",
    "integrity_textprint",
    "integrity_textband",
]


# ---------------------------------------------------------------- build, summary, check


LOADED = [
    "orgs_organization",
    "orgs_person",
    "orgs_loginname",
    "orgs_membership",
    "campaigns_participant",
    "reports_submission",
    "reports_submissionversion",
    "reports_attachment",
    "reports_submissionversion_attachments",
    "reports_activityrecord",
    "reports_indicatorvalue",
    "reports_review",
]


def build(scale: float, seed: int, integrity: bool = False) -> dict:
    """Everything in one transaction (the integrity tables too with `integrity`); returns
    the summary."""
    from django.db import connection, transaction

    loader = Loader()
    rng = random.Random(seed)
    tables = LOADED + INTEGRITY_LOADED if integrity else LOADED
    with transaction.atomic(), DeferredChecks(connection, tables):
        t0 = time.perf_counter()
        tree = build_tree(loader, rng, scale)
        people = make_people(loader, Names(rng), tree)
        print(f"  {'(organisation tree and people planned)':<51} {time.perf_counter() - t0:7.1f} s")
        load_orgs(loader, tree, CREATED)
        load_people(loader, tree, people, CREATED)
        cat = catalogue()
        campaigns = make_campaigns(loader, tree, people)
        load_campaigns(loader, campaigns, cat, CREATED)
        units = load_participants(loader, rng, campaigns, people)
        t0 = time.perf_counter()
        reports = plan_reports(loader, rng, units, cat)
        print(f"  {'(reports planned)':<51} {time.perf_counter() - t0:7.1f} s", flush=True)
        report_tables = ReportTables(loader, seed, reports, cat)
        report_tables.load()
        if integrity:
            IntegrityTables(report_tables).load()
        loader.move_sequences()
    return summary(loader, tree, campaigns, people, scale, seed)


def targets(tree: Tree, campaigns: list[PlannedCampaign]) -> dict[str, PlannedCampaign]:
    """The campaigns to benchmark: the nation's, then the province with the most units at the
    bottom, its biggest city and that city's biggest county."""
    by_owner = {c.owner.id: c for c in campaigns}

    def units(org: Org) -> int:
        return len(org.units) + sum(units(r) for r in org.regions)

    province = max(tree.provinces, key=units)
    city = max(province.regions, key=units)
    county = max(city.regions, key=units)
    return {
        "nation": by_owner[tree.nation.id],
        "province": by_owner[province.id],
        "city": by_owner[city.id],
        "county": by_owner[county.id],
    }


def summary(
    loader: Loader,
    tree: Tree,
    campaigns: list[PlannedCampaign],
    people: dict[int, Person],
    scale: float,
    seed: int,
) -> dict:
    from django.db import connection

    chosen = targets(tree, campaigns)
    return {
        "database": connection.settings_dict["NAME"],
        "scale": scale,
        "seed": seed,
        "counts": dict(sorted(loader.counts.items())),
        "load_seconds": {table: round(s, 1) for table, s in loader.timings.items()},
        "campaigns": {level: c.id for level, c in chosen.items()},
        "campaign_owners": {level: c.owner.name for level, c in chosen.items()},
        "logins": {level: c.admin.username for level, c in chosen.items()},
        "liaison_login": people[chosen["county"].owner.units[0].id].username,
        "password": PASSWORD,
    }


def analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def maybe_rollup() -> str:
    """Rebuild the maintained roll-up aggregates when this version of the app has them."""
    from django.core.management import call_command, get_commands

    if "rollup" not in get_commands():
        return "skipped: no `rollup` management command in this version of the app"
    started = time.perf_counter()
    call_command("rollup", "--rebuild")
    return f"`anxuan rollup --rebuild` took {time.perf_counter() - started:.1f} s"


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


# SQL the check compares with: every unit reporting itself at or below a campaign, per week
# of that campaign and per campaign one level down, counted as the board counts a cell.
CHECK_SQL = """
SELECT pe.number,
       substring(c.lineage FROM %(width)s + 1 FOR 10) AS branch,
       count(*) AS expected,
       count(s.id) FILTER (WHERE s.state <> 'draft') AS reported,
       count(s.id) FILTER (WHERE s.state <> 'draft' AND s.timeliness = 'on_time') AS timely
FROM campaigns_campaign c
JOIN campaigns_participant p ON p.campaign_id = c.id
JOIN campaigns_requirement r ON r.campaign_id = c.id
JOIN campaigns_period pe ON pe.requirement_id = r.id
LEFT JOIN reports_submission s ON s.participant_id = p.id AND s.period_id = pe.id
WHERE c.lineage LIKE %(prefix)s AND NOT c.archived
  AND NOT EXISTS (SELECT 1 FROM campaigns_campaign k
                  WHERE k.parent_id = c.id AND k.owner_id = p.organization_id AND NOT k.archived)
  AND pe.due_at <= now()
  AND p.joined_on <= (pe.due_at AT TIME ZONE 'Asia/Shanghai')::date
GROUP BY 1, 2
"""


def sql_counts(lineage: str) -> dict[tuple[int, str], tuple[int, int, int]]:
    """{(week number, branch campaign id or ''): (expected, reported, timely)}."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL, {"width": len(lineage), "prefix": lineage + "%"})
        return {(n, branch): (e, r, t) for n, branch, e, r, t in cursor.fetchall()}


def rate(r) -> tuple[int, int, int]:
    return (r.expected, r.reported, r.timely)


def total(counts: dict, number: int | None = None, branch: str | None = None) -> tuple:
    keys = [k for k in counts if number in (None, k[0]) and branch in (None, k[1])]
    return tuple(sum(counts[k][i] for k in keys) for i in range(3))


def mismatches(level: str, campaign_id: int) -> list[tuple[str, tuple, tuple]]:
    """The app's board (a county's) or roll-up (above) of a campaign against the SQL counts:
    overall, per week and per campaign one level down. Returns (what, app, SQL) that
    differ and prints a line."""
    from anxuan.campaigns.models import Campaign
    from anxuan.rollup.board import campaign_board
    from anxuan.rollup.figures import campaign_figures as build_rollup

    campaign = Campaign.objects.get(pk=campaign_id)
    counts = sql_counts(campaign.lineage)
    started = time.perf_counter()
    if level == "county":
        result, rows = campaign_board(campaign), []
    else:
        result = build_rollup(campaign)
        rows = [(f"{r.child.pk:010d}", rate(r.rate)) for r in result.rows if r.child]
    elapsed = time.perf_counter() - started
    pairs = [("overall", rate(result.overall), total(counts))]
    pairs += [
        (f"week {p.number}", rate(r), total(counts, number=p.number))
        for p, r in zip(result.periods, result.period_rates, strict=True)
    ]
    pairs += [(f"campaign {b}", got, total(counts, branch=b)) for b, got in rows]
    bad = [(what, got, want) for what, got, want in pairs if got != want]
    e, r, t = rate(result.overall)
    print(
        f"  {level:<8} #{campaign_id:<6} app {elapsed * 1000:7.0f} ms  expected {e:>9,}  "
        f"reported {r:>9,}  on time {t:>9,}  {len(pairs) - len(bad)}/{len(pairs)} agree"
    )
    return bad


def check() -> None:
    """Compare the campaigns named in the summary; exit 1 on any difference."""
    from django.db import connection

    if not SUMMARY.exists():
        raise SystemExit(f"no {SUMMARY}: build the data first")
    data = json.loads(SUMMARY.read_text())
    if data["database"] != connection.settings_dict["NAME"]:
        raise SystemExit(f"{SUMMARY} describes {data['database']}, not this database")
    failures = [
        (level, *bad) for level, pk in data["campaigns"].items() for bad in mismatches(level, pk)
    ]
    for failure in failures:
        print("  MISMATCH (what, app, SQL):", *failure)
    if failures:
        raise SystemExit(1)
    print("check passed: the app's board and roll-ups equal the SQL counts")


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if args.check:
        setup_django(url)
        check()
        return
    started = time.perf_counter()
    prepare_database(url, args.fresh)
    setup_django(url)
    migrate()
    from anxuan.orgs.models import Organization

    if Organization.objects.exists():
        raise SystemExit(f"{urlsplit(url).path[1:]} already holds organisations: use --fresh")
    print(f"building scale {args.scale} seed {args.seed} into {urlsplit(url).path[1:]}")
    data = build(args.scale, args.seed, integrity=args.integrity)
    print(f"  {'ANALYZE':<51} {analyze():7.1f} s")
    data["rollup"] = maybe_rollup()
    print(f"  {'ANALYZE (with the tallies)':<51} {analyze():7.1f} s")
    data["database_size"] = database_size()
    data["seconds"] = round(time.perf_counter() - started, 1)
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(data, ensure_ascii=False, indent=2))
    print(f"summary written to {SUMMARY.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
