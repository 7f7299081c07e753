"""Campaign templates: the plans offices repeat every year, as data.

The wording is the offices' own (seeds 001, 003, 004); dates are month/day in the
campaign's year and every part is editable after creation.
"""

from dataclasses import dataclass, field
from datetime import time

from anxuan.campaigns.enums import CampaignKind, EvidenceKind, RequirementKind, Schedule


@dataclass(frozen=True)
class PhaseBlueprint:
    name: str
    starts: tuple[int, int]  # (month, day)
    ends: tuple[int, int]
    description: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequirementBlueprint:
    kind: str
    title: str
    schedule: str
    due: tuple[int, int, int, int] | None = None  # (month, day, hour, minute) for ONCE
    weekday: int | None = None
    due_time: time | None = None
    repeat: tuple[tuple[int, int], tuple[int, int]] | None = None  # first, last (month, day)
    description: str = ""
    # (evidence kind, at least how many) a report must attach before it is submitted
    evidence: tuple[tuple[str, int], ...] = ()
    phase: str = ""
    collects_indicators: bool = False


@dataclass(frozen=True)
class Blueprint:
    key: str
    kind: str
    title: str  # "{year}" is replaced
    theme: str
    starts: tuple[int, int]
    ends: tuple[int, int]
    office_name: str
    committee: str
    description: str
    phases: tuple[PhaseBlueprint, ...]
    requirements: tuple[RequirementBlueprint, ...]
    activity_types: tuple[str, ...]
    domains: tuple[str, ...]
    # (name, unit) of entries in the shared catalogue: the two identify an indicator
    indicators: tuple[tuple[str, str], ...] = field(default=())


# The shared indicator catalogue's default entries: (name, unit, category).
DEFAULT_INDICATORS = (
    ("宣传展板", "块", "宣传咨询"),
    ("发放宣传资料", "份", "宣传咨询"),
    ("现场咨询群众", "人次", "宣传咨询"),
    ("悬挂横幅标语", "条", "宣传咨询"),
    ("受教育人数", "人次", "宣传咨询"),
    ("开展应急演练", "场", "应急演练"),
    ("演练参与人数", "人次", "应急演练"),
    ("举办培训班", "场", "教育培训"),
    ("培训人数", "人次", "教育培训"),
    ("媒体宣传报道", "条", "新闻宣传"),
    ("排查隐患", "处", "隐患排查"),
    ("整改隐患", "处", "隐患排查"),
)

PHOTO_VIDEO_TEXT = (EvidenceKind.PHOTO, EvidenceKind.VIDEO, EvidenceKind.DOCUMENT)

SAFETY_MONTH = Blueprint(
    key="safety_month",
    kind=CampaignKind.SAFETY_MONTH,
    title="{year}年“安全生产月”活动",
    theme="人人讲安全、个个会应急",
    starts=(6, 1),
    ends=(6, 30),
    office_name="“安全生产月”活动组委会办公室",
    committee="组委会主任由政府分管领导担任；办公室设在应急管理局，由分管宣传工作负责同志任办公室主任，"
    "负责组织、指导、协调、督导各镇、各有关部门和单位开展活动。",
    description="各镇、安委会各成员单位、驻地各单位和企业参加。相关资料未报送视为未开展活动。",
    phases=(
        PhaseBlueprint("动员部署", (5, 20), (5, 31), "报送联络员和活动方案，层层动员部署"),
        PhaseBlueprint(
            "集中开展", (6, 1), (6, 30), "开展各项活动，每周报送活动开展情况", PHOTO_VIDEO_TEXT
        ),
        PhaseBlueprint("总结报送", (7, 1), (7, 1), "报送活动总结报告和活动进展情况统计表"),
    ),
    requirements=(
        RequirementBlueprint(
            RequirementKind.LIAISON_FORM,
            "联络员推荐表",
            Schedule.ONCE,
            due=(5, 30, 18, 0),
            phase="动员部署",
            description="报送1名活动联络员（附件1）",
        ),
        RequirementBlueprint(
            RequirementKind.PLAN,
            "活动方案",
            Schedule.ONCE,
            due=(5, 31, 18, 0),
            phase="动员部署",
            evidence=((EvidenceKind.DOCUMENT, 1),),
        ),
        RequirementBlueprint(
            RequirementKind.WEEKLY,
            "每周活动开展情况",
            Schedule.WEEKLY,
            weekday=3,
            due_time=time(12, 0),
            repeat=((6, 1), (6, 30)),
            phase="集中开展",
            description="每周四12:00前报送本周活动开展情况和相关视频、图片、文字等电子版资料",
        ),
        RequirementBlueprint(
            RequirementKind.ADHOC,
            "活动信息（随时报送）",
            Schedule.ANYTIME,
            phase="集中开展",
            description="好的做法、特色项目、重要事项随时报送；重要活动、特色活动即时报送",
        ),
        RequirementBlueprint(
            RequirementKind.SUMMARY,
            "活动总结报告",
            Schedule.ONCE,
            due=(7, 1, 18, 0),
            phase="总结报送",
        ),
        RequirementBlueprint(
            RequirementKind.STATISTICS,
            "活动进展情况统计表",
            Schedule.ONCE,
            due=(7, 1, 18, 0),
            phase="总结报送",
            collects_indicators=True,
            description="附件2",
        ),
    ),
    activity_types=(
        "动员启动",
        "安全宣传咨询日",
        "主题宣讲",
        "新闻宣传",
        "应急演练",
        "教育培训",
        "警示教育",
        "网上安全月",
    ),
    domains=("进企业", "进农村", "进社区", "进学校", "进家庭"),
    indicators=tuple((name, unit) for name, unit, _cat in DEFAULT_INDICATORS),
)

SEVEN_DOMAINS = Blueprint(
    key="seven_domains",
    kind=CampaignKind.SEVEN_DOMAINS,
    title="{year}年安全生产宣传教育“七进”活动",
    theme="安全生产宣传教育进企业、进校园、进机关、进社区、进农村、进家庭、进公共场所",
    starts=(4, 1),
    ends=(12, 31),
    office_name="“七进”活动领导小组办公室",
    committee="成立活动领导小组和工作机构，做到有组织、有计划、有制度、有专人负责。",
    description="严格按照四个阶段调度并上报活动进展情况；措施不落实、进展不快、效果不明显的单位予以批评。",
    phases=(
        PhaseBlueprint(
            "统筹规划",
            (4, 1),
            (4, 30),
            "细化分工、量化标准、明确时限，制定完成实施方案",
            (EvidenceKind.DOCUMENT,),
        ),
        PhaseBlueprint(
            "活动启动",
            (5, 1),
            (6, 30),
            "配合召开“七进”活动新闻发布会",
            (EvidenceKind.PHOTO, EvidenceKind.CLIPPING),
        ),
        PhaseBlueprint(
            "梳理典型", (7, 1), (10, 31), "形成先进典型经验材料", (EvidenceKind.DOCUMENT,)
        ),
        PhaseBlueprint(
            "成果总结",
            (11, 1),
            (12, 31),
            "报送音视频、照片、报刊杂志、网站截图、手机截屏等见证材料和活动总结",
            (
                EvidenceKind.VIDEO,
                EvidenceKind.PHOTO,
                EvidenceKind.CLIPPING,
                EvidenceKind.SCREENSHOT,
                EvidenceKind.DOCUMENT,
            ),
        ),
    ),
    requirements=(
        RequirementBlueprint(
            RequirementKind.PLAN,
            "“七进”活动实施方案",
            Schedule.ONCE,
            due=(4, 30, 18, 0),
            phase="统筹规划",
            evidence=((EvidenceKind.DOCUMENT, 1),),
        ),
        RequirementBlueprint(
            RequirementKind.PHASE,
            "活动启动情况",
            Schedule.ONCE,
            due=(6, 30, 18, 0),
            phase="活动启动",
            evidence=((EvidenceKind.PHOTO, 1),),
        ),
        RequirementBlueprint(
            RequirementKind.PHASE,
            "先进典型经验材料",
            Schedule.ONCE,
            due=(10, 31, 18, 0),
            phase="梳理典型",
            evidence=((EvidenceKind.DOCUMENT, 1),),
        ),
        RequirementBlueprint(
            RequirementKind.SUMMARY,
            "活动总结及见证材料",
            Schedule.ONCE,
            due=(12, 31, 18, 0),
            phase="成果总结",
            evidence=((EvidenceKind.PHOTO, 1), (EvidenceKind.VIDEO, 1), (EvidenceKind.DOCUMENT, 1)),
        ),
    ),
    activity_types=("主题宣讲", "新闻宣传", "应急演练", "教育培训", "警示教育", "知识竞赛"),
    domains=("进企业", "进校园", "进机关", "进社区", "进农村", "进家庭", "进公共场所"),
    indicators=(
        ("宣传展板", "块"),
        ("发放宣传资料", "份"),
        ("受教育人数", "人次"),
        ("开展应急演练", "场"),
        ("媒体宣传报道", "条"),
    ),
)

BLUEPRINTS = {b.key: b for b in (SAFETY_MONTH, SEVEN_DOMAINS)}
