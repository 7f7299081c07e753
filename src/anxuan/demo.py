"""Demo data: a county like the one in seed 003 (高台县), its units, people and campaigns."""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from anxuan.campaigns import services as campaigns
from anxuan.orgs import services as orgs
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Membership, Organization, Person

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
]


def is_loaded() -> bool:
    return Organization.objects.exists()


@transaction.atomic
def build(*, seed: int = 2021) -> None:
    """Create the demo county, its people (password PASSWORD) and campaigns."""
    rng = random.Random(seed)
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

    for i, unit in enumerate(units):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        orgs.create_person(
            actor=None,
            username="liaison" if i == 0 else f"139{i:08d}",
            full_name=name,
            mobile=f"139{i:08d}",
            organization=unit,
            role=Role.LIAISON,
            title=rng.choice(["办公室主任", "安全员", "综合办干事", "安全科科长"]),
            password=PASSWORD,
        )
    office = Person.objects.get(username="office")

    year = timezone.localdate().year
    month = campaigns.create_campaign_from_blueprint(
        actor=office, owner=county, blueprint_key="safety_month", year=year
    )
    campaigns.add_participants(
        actor=office, campaign=month, organizations=units, joined_on=month.starts_on
    )
    liaisons = {
        m.organization_id: m.person
        for m in Membership.objects.filter(role=Role.LIAISON).select_related("person")
    }
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
