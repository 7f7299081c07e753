"""The shipped rubric template, in the layout of the national and city 考核评分表 (the
organising-bodies section, then activities, publicity and safety), 100 points. The texts are
the office's material, in Chinese; services.from_template copies them into a campaign's
rubric, which the office then edits.

Each row: title (考核项目), criterion (考核标准), points (分值), rule (评分方式) with its
parameters, evidence (落实情况(提供数据)), and optionally the measure it is computed from
with the kind of requirement it is bound to (the campaign's first requirement of that kind;
a row whose requirement the campaign lacks, or with no measure, is scored by the assessor).
"""

from typing import Any

from anxuan.assessment.enums import Rule
from anxuan.campaigns.enums import RequirementKind

Row = dict[str, Any]

ORGANISING: list[Row] = [
    {
        "title": "成立专门活动组织机构",
        "criterion": "成立“安全生产月”活动组委会或领导小组，明确成员及职责分工",
        "points": 4,
        "rule": Rule.MANUAL,
        "evidence": "成立组织机构的文件",
    },
    {
        "title": "设立组委会办公室并指定联络员",
        "criterion": "设立办公室，按时报送联络员登记表；每迟报一天扣 1 分",
        "points": 3,
        "rule": Rule.TIMELINESS,
        "per_unit": 1,
        "measure": "reports.days_late",
        "requirement": RequirementKind.LIAISON_FORM,
        "evidence": "联络员登记表报送时间",
    },
    {
        "title": "经费保障",
        "criterion": "落实活动经费",
        "points": 3,
        "rule": Rule.MANUAL,
        "evidence": "经费安排文件或凭证",
    },
    {
        "title": "制度完善",
        "criterion": "建立信息报送、督导检查等工作制度",
        "points": 2,
        "rule": Rule.MANUAL,
        "evidence": "制度文件",
    },
    {
        "title": "专题会议部署",
        "criterion": "召开专题会议研究部署“安全生产月”活动",
        "points": 3,
        "rule": Rule.MANUAL,
        "evidence": "会议纪要、照片",
    },
    {
        "title": "政府领导出席",
        "criterion": "政府分管领导出席启动仪式或主要活动",
        "points": 3,
        "rule": Rule.MANUAL,
        "evidence": "活动照片、新闻报道",
    },
    {
        "title": "部门负责人参加",
        "criterion": "成员单位负责人参加主要活动",
        "points": 2,
        "rule": Rule.MANUAL,
        "evidence": "活动照片、签到表",
    },
    {
        "title": "创造性编制方案",
        "criterion": "结合实际创造性编制活动方案，内容具体、措施可行",
        "points": 4,
        "rule": Rule.MANUAL,
        "evidence": "活动方案",
    },
    {
        "title": "按时报送方案",
        "criterion": "按时报送活动方案；每迟报一天扣 1 分，未报送不得分",
        "points": 3,
        "rule": Rule.TIMELINESS,
        "per_unit": 1,
        "measure": "reports.days_late",
        "requirement": RequirementKind.PLAN,
        "evidence": "方案报送时间",
    },
    {
        "title": "调动成员单位",
        "criterion": "组织成员单位、企业广泛参与",
        "points": 3,
        "rule": Rule.MANUAL,
        "evidence": "参与单位名单",
    },
    {
        "title": "督导方案",
        "criterion": "制定督导方案并开展督导",
        "points": 2,
        "rule": Rule.MANUAL,
        "evidence": "督导方案、督导记录",
    },
    {
        "title": "考核奖惩措施",
        "criterion": "制定考核奖惩措施",
        "points": 2,
        "rule": Rule.MANUAL,
        "evidence": "考核办法",
    },
    {
        "title": "按时报送信息",
        "criterion": "每周按时报送工作信息；每缺报一期扣 0.5 分",
        "points": 3,
        "rule": Rule.REGULARITY,
        "per_unit": 0.5,
        "measure": "reports.missed_periods",
        "requirement": RequirementKind.WEEKLY,
        "evidence": "每周信息报送记录",
    },
    {
        "title": "总结质量",
        "criterion": "总结全面、数据翔实、特色突出",
        "points": 2,
        "rule": Rule.MANUAL,
        "evidence": "活动总结",
    },
    {
        "title": "按时报送总结及视频照片",
        "criterion": "按时报送总结，并附视频、照片",
        "points": 1,
        "rule": Rule.DONE,
        "measure": "reports.photos_and_video_on_time",
        "requirement": RequirementKind.SUMMARY,
        "evidence": "总结报送时间及所附视频、照片",
    },
]

ACTIVITIES: list[Row] = [
    {
        "title": "安全宣传咨询日",
        "criterion": "开展“安全宣传咨询日”活动，每次得 2 分",
        "points": 6,
        "rule": Rule.PER_COUNT,
        "per_unit": 2,
        "measure": "reports.activities",
        "params": {"activity_type": "安全宣传咨询日"},
        "evidence": "活动记录、照片",
    },
    {
        "title": "应急演练",
        "criterion": "组织应急演练，每次得 2 分",
        "points": 6,
        "rule": Rule.PER_COUNT,
        "per_unit": 2,
        "measure": "reports.activities",
        "params": {"activity_type": "应急演练"},
        "evidence": "演练记录、视频",
    },
    {
        "title": "警示教育",
        "criterion": "开展事故警示教育，每次得 2 分",
        "points": 6,
        "rule": Rule.PER_COUNT,
        "per_unit": 2,
        "measure": "reports.activities",
        "params": {"activity_type": "警示教育"},
        "evidence": "活动记录、照片",
    },
    {
        "title": "安全宣传“五进”及各类活动",
        "criterion": "开展各类宣传教育活动，每项得 0.5 分",
        "points": 12,
        "rule": Rule.PER_COUNT,
        "per_unit": 0.5,
        "measure": "reports.activities",
        "evidence": "每周报送的活动记录",
    },
]

PUBLICITY: list[Row] = [
    {
        "title": "新闻宣传",
        "criterion": "开展新闻宣传，每篇（次）得 1 分",
        "points": 10,
        "rule": Rule.PER_COUNT,
        "per_unit": 1,
        "measure": "reports.activities",
        "params": {"activity_type": "新闻宣传"},
        "evidence": "报道截图、链接",
    },
    {
        "title": "媒体采用",
        "criterion": "宣传报道被市级以上媒体采用",
        "points": 6,
        "rule": Rule.MANUAL,
        "evidence": "媒体采用情况",
    },
    {
        "title": "杜绝形式主义",
        "criterion": "经核实重复使用照片、抄袭材料等弄虚作假的，1 起扣 1 分，2 起扣 2 分，"
        "3 起扣 3 分，4 起及以上扣 4 分",
        "points": 4,
        "rule": Rule.TIERED,
        "tiers": [1, 2, 3, 4],
        "measure": "integrity.confirmed_flags",
        "evidence": "已确认的疑似形式主义",
    },
]

SAFETY: list[Row] = [
    {
        "title": "生产安全事故",
        "criterion": "考核年度内未发生生产安全事故；发生 1 起扣 2 分，2 起扣 4 分，3 起扣 6 分，"
        "4 起及以上扣 10 分",
        "points": 10,
        "rule": Rule.TIERED,
        "tiers": [2, 4, 6, 10],
        "evidence": "事故统计",
    },
]

SECTIONS: list[tuple[str, list[Row]]] = [
    ("一、组织领导", ORGANISING),
    ("二、活动开展", ACTIVITIES),
    ("三、宣传报道", PUBLICITY),
    ("四、安全生产", SAFETY),
]
