"""Demo data: a county like the one in seed 003 (高台县), its units, people and campaigns."""

import io
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from anxuan.campaigns import services as campaigns
from anxuan.campaigns.enums import RequirementKind
from anxuan.campaigns.models import Campaign
from anxuan.core.audit import record
from anxuan.core.files import inspect_upload
from anxuan.orgs import services as orgs
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Membership, Organization, Person, sync_login_names
from anxuan.reports import services as reports
from anxuan.reports import tally
from anxuan.reports.drafts import ReportDraft
from anxuan.reports.enums import State, Timeliness
from anxuan.reports.models import Attachment, Submission, SubmissionVersion

PASSWORD = "anxuan2026"  # noqa: S105 - printed for the demo on purpose

TOWNS = [
    "城关镇",
    "宣化镇",
    "南华镇",
    "巷道镇",
    "合黎镇",
    "骆驼城镇",
    "新坝镇",
    "黑泉镇",
    "罗城镇",
    "高台工业园区",
]
DEPARTMENTS = [
    "县委宣传部",
    "县发展和改革局",
    "县教育局",
    "县科学技术协会",
    "县工业和信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水务局",
    "县农业农村局",
    "县商务局",
    "县文体广电和旅游局",
    "县卫生健康局",
    "县市场监督管理局",
    "县林业和草原局",
    "县总工会",
    "团县委",
    "县妇女联合会",
    "县气象局",
    "市生态环境局高台分局",
    "县公安局交通警察大队",
]
STATIONED = ["县消防救援大队", "国网高台县供电公司", "中国移动高台分公司"]
MEDIA = ["县融媒体中心"]
ENTERPRISES = [
    "高台县鑫源化工有限公司",
    "高台县祁连水泥有限责任公司",
    "高台县金达矿业有限公司",
    "高台县恒通物流有限公司",
    "高台县黑河建筑工程有限公司",
    "高台县天诚食品有限公司",
    "高台县华瑞光伏发电有限公司",
    "高台县绿洲农产品加工厂",
    "高台县明珠商贸有限公司",
    "高台县顺达客运有限公司",
    "高台县昌盛燃气有限公司",
    "高台县荣达机械制造有限公司",
    "高台县丝路酒业有限公司",
    "高台县宏远建材有限公司",
    "高台县新能热力有限公司",
    "高台县润泽纸业有限公司",
    "高台县康源制药有限公司",
    "高台县万通加油站",
    "高台县骆驼城旅游开发有限公司",
    "高台县金穗种业有限公司",
]
SCHOOLS = ["高台县第一中学", "城关镇中心小学"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文博",
    "海燕",
    "志强",
    "玉兰",
    "晓东",
]

LOGINS = [
    ("office", "县安委办管理员 (office admin)", Role.OFFICE_ADMIN),
    ("staff", "县安委办工作人员 (office staff)", Role.OFFICE_STAFF),
    ("reviewer", "审核员 (reviewer)", Role.REVIEWER),
    ("expert", "专家 (expert)", Role.EXPERT),
]
LOGIN_HELP = [
    ("admin", "超级管理员 (superuser, /admin/)"),
    *[(username, label) for username, label, _role in LOGINS],
    ("liaison", "城关镇联络员 (a town liaison; or mobile 13900000000)"),
    ("13900000001", "宣化镇联络员 (another town's liaison, by mobile)"),
    ("city", "市安委办管理员 (the city office: its Safety Month over two counties' campaigns)"),
    ("linze", "临泽县安委办管理员 (the other county's office)"),
]


def is_loaded() -> bool:
    return Organization.objects.exists()


def _quiet(line: str) -> None:
    pass


@transaction.atomic
def build(*, seed: int = 2021, say: Callable[[str], None] = _quiet) -> None:
    """Create the demo county, its people (password PASSWORD) and campaigns; `say` is given
    a line of progress after each step (the `anxuan demo` command prints them)."""
    rng = random.Random(seed)
    shared_hash = make_password(PASSWORD)  # one Argon2 hash for every demo liaison
    Person.objects.create_superuser(username="admin", password=PASSWORD, full_name="系统管理员")

    def new(name, kind, parent, code=None):
        return orgs.create_organization(
            actor=None, name=name, kind=kind, parent=parent, region_code=code
        )

    province = new("甘肃省", OrgKind.PROVINCE, None, "620000")
    city = new("张掖市", OrgKind.CITY, province, "620700")
    county = new("高台县", OrgKind.COUNTY, city, "620724")
    for username, label, role in LOGINS:
        orgs.create_person(
            actor=None,
            username=username,
            full_name=label.split(" ")[0],
            mobile=None,
            organization=county,
            role=role,
            password=PASSWORD,
        )
    units: list[Organization] = []
    towns = []
    for i, name in enumerate(TOWNS):
        kind = OrgKind.TOWN if name.endswith("镇") else OrgKind.OTHER
        towns.append(new(name, kind, county, f"620724{100 + i:03d}"))
    units += towns
    units += [new(n, OrgKind.DEPARTMENT, county) for n in DEPARTMENTS]
    units += [new(n, OrgKind.STATIONED, county) for n in STATIONED]
    units += [new(n, OrgKind.MEDIA, county) for n in MEDIA]
    units += [new(n, OrgKind.ENTERPRISE, towns[i % len(towns)]) for i, n in enumerate(ENTERPRISES)]
    units += [new(SCHOOLS[0], OrgKind.SCHOOL, county), new(SCHOOLS[1], OrgKind.SCHOOL, towns[0])]

    say(f"Organisations: {Organization.objects.count()} ({len(units)} units under 高台县)")
    office = Person.objects.get(username="office")

    # A Safety Month that is over: a week's report is accepted only once the week has opened
    # and with no activity dated later, so before July the demo is last year's.
    today = timezone.localdate()
    year = today.year if today > date(today.year, 7, 1) else today.year - 1
    neighbour = new("临泽县", OrgKind.COUNTY, city, "620723")
    city_month = _city(city, [county, neighbour], year)
    # The county runs its Safety Month under the city's ("上下联动"), tightening nothing.
    month = campaigns.create_linked_campaign(actor=office, parent=city_month, owner=county)
    campaigns.add_participants(
        actor=office,
        campaign=month,
        organizations=units,
        joined_on=campaigns.work_starts_on(month),
    )
    # The liaisons' accounts come after the units joined (a unit joining with an account is
    # registered at once), so that the board shows a few units still to register.
    liaisons = _liaisons(
        [
            (
                "liaison" if i == 0 else f"139{i:08d}",
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                f"139{i:08d}",
                unit,
                rng.choice(["办公室主任", "安全员", "综合办干事", "安全科科长"]),
            )
            for i, unit in enumerate(units)
        ],
        shared_hash,
    )
    say(f"People: {Person.objects.count()} ({len(units)} liaisons, one for each unit)")
    # All but a few units registered their liaison; one registered late in June.
    for k, participant in enumerate(month.participants.select_related("organization")):
        if k % 13 == 5:
            continue
        person = liaisons[participant.organization_id]
        campaigns.register_liaison(
            actor=person,
            participant=participant,
            name=person.full_name,
            title="安全员",
            mobile=person.mobile,
            phone=f"0936-66881{k:02d}",
        )

    seven = campaigns.create_campaign_from_blueprint(
        actor=office, owner=county, blueprint_key="seven_domains", year=year
    )
    campaigns.add_participants(
        actor=office, campaign=seven, organizations=towns, joined_on=date(year, 4, 1)
    )
    campaigns.copy_campaign(actor=office, source=month, year=year + 1)
    say(
        f"Campaigns: {Campaign.objects.count()} ({month.participants.count()} units take part "
        "in 高台县's Safety Month)"
    )
    _reports(month, liaisons, Person.objects.get(username="reviewer"), rng, say)
    _neighbour(neighbour, city_month, rng, shared_hash, say)
    _formalism(month, liaisons, say)
    _assessment(month, office, liaisons, say)
    # The reports were back-dated to June behind the services' back (_backdate), so their
    # tallies are recounted once here rather than once per report.
    periods = tally.rebuild()
    say(f"Roll-up tallies recounted: {periods} periods")


def _liaisons(rows: list[tuple[str, str, str, Organization, str]], password_hash: str) -> dict:
    """Liaisons (username, name, mobile, unit, title) in bulk, all with one password hash:
    hashing the shared demo password once per person was a tenth of the demo's time. As
    orgs.services.create_person does otherwise: validated, one membership, an audit row."""
    people = [
        Person(username=username, full_name=name, mobile=mobile, password=password_hash)
        for username, name, mobile, _unit, _title in rows
    ]
    for person in people:
        person.full_clean(exclude=["password"])
    people = Person.objects.bulk_create(people)
    sync_login_names(people)
    Membership.objects.bulk_create(
        Membership(person=person, organization=unit, role=Role.LIAISON, title=title)
        for person, (_u, _n, _m, unit, title) in zip(people, rows, strict=True)
    )
    for person, (_u, _n, _m, unit, _t) in zip(people, rows, strict=True):
        record(
            actor=None,
            action="person.create",
            target=person,
            summary=person.get_full_name(),
            organization=unit.pk,
            role=Role.LIAISON,
        )
    return {unit.pk: person for person, (_u, _n, _m, unit, _t) in zip(people, rows, strict=True)}


def _neighbour(
    county: Organization,
    city_month,
    rng: random.Random,
    password_hash: str,
    say: Callable[[str], None],
) -> None:
    """A second county under the city, with its own campaign and four towns' reports, so
    the city's dashboard compares two counties."""
    office, _password = orgs.create_person(
        actor=None,
        username="linze",
        full_name="临泽县安委办管理员",
        mobile=None,
        organization=county,
        role=Role.OFFICE_ADMIN,
        password=PASSWORD,
    )
    towns = [
        orgs.create_organization(
            actor=None, name=name, kind=OrgKind.TOWN, parent=county, region_code=None
        )
        for name in ("沙河镇", "新华镇", "蓼泉镇", "平川镇")
    ]
    liaisons = _liaisons(
        [
            (
                f"1380000000{i}",
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                f"1380000000{i}",
                town,
                "",
            )
            for i, town in enumerate(towns)
        ],
        password_hash,
    )
    month = campaigns.create_linked_campaign(actor=office, parent=city_month, owner=county)
    campaigns.add_participants(
        actor=office,
        campaign=month,
        organizations=towns,
        joined_on=campaigns.work_starts_on(month),
    )
    _reports(month, liaisons, office, rng, say)


def _city(city: Organization, counties: list[Organization], year: int):
    """The city's Safety Month with two counties taking part; each runs its own under it."""
    office, _password = orgs.create_person(
        actor=None,
        username="city",
        full_name="市安委办管理员",
        mobile=None,
        organization=city,
        role=Role.OFFICE_ADMIN,
        password=PASSWORD,
    )
    month = campaigns.create_campaign_from_blueprint(
        actor=office, owner=city, blueprint_key="safety_month", year=year
    )
    campaigns.add_participants(
        actor=office, campaign=month, organizations=counties, joined_on=month.starts_on
    )
    return month


RETURN_REASONS = [
    "请补充活动现场照片",
    "活动人数与统计表不一致，请核实",
    "请写明活动地点和参加人员",
]


def _picture(rng: random.Random) -> Image.Image:
    """A generated 'scene': a background and six coloured blocks."""
    image = Image.new("RGB", (1280, 960), tuple(rng.randint(60, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 1100), rng.randint(0, 800)
        draw.rectangle(
            (x, y, x + rng.randint(60, 300), y + rng.randint(40, 200)),
            fill=tuple(rng.randint(0, 255) for _ in range(3)),
        )
    return image


def _jpeg(image: Image.Image, name: str, when: datetime, quality: int = 80) -> SimpleUploadedFile:
    """The picture as a phone saves it, with the EXIF time it writes."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = timezone.localtime(when).strftime("%Y:%m:%d %H:%M:%S")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _photo(rng: random.Random, name: str, when: datetime) -> SimpleUploadedFile:
    """A generated 'photo' with the EXIF time a phone would write."""
    return _jpeg(_picture(rng), name, when)


def _backdate(submission: Submission, at: datetime, due: datetime) -> None:
    """Demo history: the reports were received in June, not when the demo was built."""
    Submission.objects.filter(pk=submission.pk).update(
        first_submitted_at=at, timeliness=Timeliness.ON_TIME if at <= due else Timeliness.LATE
    )
    SubmissionVersion.objects.filter(submission=submission).update(submitted_at=at)
    # Timeliness changed behind the services' back: build() recounts the tallies at the end.


def _reports(
    month, liaisons, reviewer: Person, rng: random.Random, say: Callable[[str], None]
) -> None:
    """Weekly reports in every state (on time, late, missing, returned, accepted, draft),
    some with photos, and most units' statistics tables."""
    weekly = month.requirements.get(kind=RequirementKind.WEEKLY)
    statistics = month.requirements.get(kind=RequirementKind.STATISTICS)
    types = list(month.activity_types.values_list("name", flat=True))
    domains = list(month.domains.values_list("name", flat=True))
    indicators = list(statistics.indicators.all())
    participants = list(month.participants.select_related("organization"))
    highlights = 0
    owner = month.owner.name
    say(f"Reports of {owner}: {len(participants)} units, {weekly.periods.count()} weeks each")
    for k, participant in enumerate(participants):
        if k and k % 20 == 0:
            say(f"  {k}/{len(participants)} units")
        liaison, org = liaisons[participant.organization_id], participant.organization
        for period in weekly.periods.all():
            roll = rng.random()
            if roll < 0.1:
                continue  # missing: not reported, not done
            kind = rng.choice(types)
            held = timezone.localtime(period.due_at) - timedelta(days=rng.randint(1, 5))
            draft = {
                "text": f"{org.name}本周开展“{kind}”活动，{rng.choice(domains)}宣传安全知识，"
                f"发放宣传资料{rng.randint(50, 800)}份。",
                "activities": [
                    {
                        "held_on": held.date().isoformat(),
                        "activity_type": kind,
                        "domain": rng.choice(domains),
                        "place": f"{org.name}",
                        "people_reached": rng.randint(20, 600),
                        "description": "",
                    }
                ],
            }
            submission = reports.save_draft(
                actor=liaison,
                participant=participant,
                requirement=weekly,
                period=period,
                draft=ReportDraft.from_stored(draft),
            )
            if roll > 0.97:
                continue  # a draft never submitted
            if k % 5 == 0:
                photo = _photo(rng, f"活动现场{period.number}.jpg", held)
                reports.attach_files(
                    actor=liaison,
                    submission=submission,
                    uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
                )
            reports.submit_report(actor=liaison, submission=submission)
            late = roll > 0.85
            hours = rng.randint(1, 30)
            _backdate(
                submission,
                period.due_at + timedelta(hours=hours if late else -hours),
                period.due_at,
            )
            review = rng.random()
            if review < 0.6:
                reports.accept_submission(actor=reviewer, submission=submission)
                photo = submission.attachments.first()
                if photo and highlights < 4:  # the office picks photos for the summary
                    reports.set_highlight(actor=reviewer, attachment=photo, highlight=True)
                    highlights += 1
            elif review < 0.7:
                reports.return_submission(
                    actor=reviewer, submission=submission, reason=rng.choice(RETURN_REASONS)
                )
        if k % 5 == 4:
            continue
        summary = month.requirements.get(kind=RequirementKind.SUMMARY).periods.get()
        report = reports.save_draft(
            actor=liaison,
            participant=participant,
            requirement=summary.requirement,
            period=summary,
            draft=ReportDraft.from_stored(
                {
                    "text": f"{org.name}“安全生产月”活动总结：组织开展各类活动"
                    f"{rng.randint(3, 15)}场，覆盖群众{rng.randint(300, 5000)}人次。"
                }
            ),
        )
        reports.submit_report(actor=liaison, submission=report)
        _backdate(report, summary.due_at - timedelta(hours=rng.randint(1, 72)), summary.due_at)
        period = statistics.periods.get()
        values = {
            str(i.pk): str(rng.randint(0, 40) * (10 if i.unit == "人次" else 1)) for i in indicators
        }
        submission = reports.save_draft(
            actor=liaison,
            participant=participant,
            requirement=statistics,
            period=period,
            draft=ReportDraft.from_stored(
                {"text": f"{org.name}“安全生产月”活动进展情况。", "values": values}
            ),
        )
        reports.submit_report(actor=liaison, submission=submission)
        _backdate(submission, period.due_at - timedelta(hours=rng.randint(1, 72)), period.due_at)
        if rng.random() < 0.8:
            reports.accept_submission(actor=reviewer, submission=submission)
    made = Submission.objects.filter(participant__campaign=month)
    say(
        f"  {owner}: {made.exclude(state=State.DRAFT).count()} reports sent "
        f"({made.filter(state=State.ACCEPTED).count()} accepted, "
        f"{made.filter(state=State.RETURNED).count()} returned), "
        f"{made.filter(state=State.DRAFT).count()} drafts, "
        f"{Attachment.objects.filter(submission__participant__campaign=month).count()} photos"
    )


COPIED_TEXT = (
    "{unit}深入辖区企业、村社开展安全生产宣传，围绕“人人讲安全、个个会应急”主题，"
    "组织干部职工逐户发放宣传资料，讲解燃气使用、电动车充电和夏季防溺水常识，"
    "现场解答群众咨询，排查整改一般隐患，群众安全意识明显增强。"
)


def _formalism(month: Campaign, liaisons: dict, say: Callable[[str], None]) -> None:
    """What the integrity checks are for (issue 13), as ad-hoc reports of four towns:
    宣化镇 sends, re-saved smaller, the photo 城关镇 had sent the day before; 巷道镇 repeats
    南华镇's write-up with its own name; 合黎镇's photo was taken a year before the campaign.
    The checks run here on each version, as the worker runs them after a submit."""
    from anxuan.integrity.checks import check_version
    from anxuan.integrity.models import Flag

    adhoc = month.requirements.get(kind=RequirementKind.ADHOC)
    towns = {
        p.organization.name: p
        for p in month.participants.select_related("organization").filter(
            organization__name__in=TOWNS[:5]
        )
    }
    year = month.year
    scene = _picture(random.Random(13))
    june = datetime(year, 6, 10, 9, 30, tzinfo=timezone.get_current_timezone())
    plan = [
        ("城关镇", "城关镇在人民广场开展安全生产咨询日活动。", _jpeg(scene, "咨询日.jpg", june)),
        (
            "宣化镇",
            "宣化镇在镇文化广场开展安全宣传咨询活动。",
            _jpeg(scene.resize((1024, 768)), "宣传活动.jpg", june + timedelta(days=1), 70),
        ),
        ("南华镇", COPIED_TEXT.format(unit="南华镇"), None),
        ("巷道镇", COPIED_TEXT.format(unit="巷道镇"), None),
        (
            "合黎镇",
            "合黎镇组织辖区企业开展消防应急演练。",
            _photo(random.Random(17), "演练.jpg", june.replace(year=year - 1)),
        ),
    ]
    versions = []
    for day, (name, text, photo) in enumerate(plan, 10):
        participant = towns[name]
        liaison = liaisons[participant.organization_id]
        held = date(year, 6, day)
        submission = reports.save_draft(
            actor=liaison,
            participant=participant,
            requirement=adhoc,
            period=None,
            draft=ReportDraft.from_stored(
                {
                    "text": text,
                    "activities": [
                        {
                            "held_on": held.isoformat(),
                            "activity_type": month.activity_types.values_list("name", flat=True)[0],
                            "domain": "",
                            "place": name,
                            "people_reached": 80 + day,
                            "description": "",
                        }
                    ],
                }
            ),
        )
        if photo is not None:
            reports.attach_files(
                actor=liaison,
                submission=submission,
                uploads=[(photo, str(photo.name), inspect_upload(photo, str(photo.name)))],
            )
        reports.submit_report(actor=liaison, submission=submission)
        at = datetime(year, 6, day, 16, 0, tzinfo=timezone.get_current_timezone())
        Submission.objects.filter(pk=submission.pk).update(first_submitted_at=at)
        version = submission.versions.get()
        SubmissionVersion.objects.filter(pk=version.pk).update(submitted_at=at)
        versions.append(version.pk)
    for version_id in versions:  # in the order they were sent: the later one is the copy
        check_version(version_id)
    flags = Flag.objects.filter(campaign=month)
    say(f"Integrity checks: {flags.count()} flags for the office to confirm or dismiss")


def _assessment(month: Campaign, office: Person, liaisons: dict, say: Callable[[str], None]):
    """The Safety Month's rubric (issue 14), made from the template and open for scoring:
    the towns ranked together with two 先进单位 places, and 城关镇's self-scores."""
    from anxuan.assessment import services
    from anxuan.assessment.models import Award, Item, RankGroup

    rubric = services.open_for_scoring(actor=office, rubric=services.from_template(month))
    towns = RankGroup.objects.create(rubric=rubric, name="乡镇组", kinds=[OrgKind.TOWN])
    Award.objects.create(group=towns, title="先进单位", quota=2)
    first = month.participants.select_related("organization").get(organization__name="城关镇")
    claims = {
        "成立专门活动组织机构": ("4", "镇党委发文成立安全生产月活动领导小组"),
        "经费保障": ("3", "镇财政安排专项经费"),
    }
    items = {i.title: i for i in Item.objects.filter(section__rubric=rubric, title__in=claims)}
    services.self_score(
        actor=liaisons[first.organization_id],
        participant=first,
        entries=[
            services.Entry(items[title], Decimal(points), words)
            for title, (points, words) in claims.items()
        ],
    )
    say(f"Assessment: {Item.objects.filter(section__rubric=rubric).count()} items, open")
