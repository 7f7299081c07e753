"""B5 copied-text scan: a year of weekly safety-month reports (~500 Chinese characters each,
a planted share of them copies of earlier reports edited by 5-20 %) indexed into the real
TextPrint/TextBand tables, then the recall of the locality-sensitive lookup against brute
force, the exact-hash baseline and the latency of one lookup through checks.similar_texts.

  .venv/bin/python bench/b5_text_index.py [--reports 1000000 | --quick] [--processes 2]
      [--copies 0.05] [--sample 2000] [--seed 1] [--fresh] [--latency-only]

Texts are never stored: report i is regenerated from (--seed, i) wherever it is needed, so
the index holds TextPrint ids i + 1 only. The database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/anxuan_b5) is created when missing and migrated;
--fresh drops it first. Each worker process computes signatures of its share of the
reports and writes them in batches with COPY in its own transaction per batch; the tables'
indexes and foreign keys stay in place, as in production.

Recall: a sample (half planted copies, half other reports) is compared by exact Jaccard of
shingle sets (the campaign's shared passages removed, as check_texts does) with a
neighbourhood of reports that holds every sampled copy's source, filled up at random. A
pair with true Jaccard >= 0.8 is found by LSH when the database's band lookup returns it,
flagged by the app's rule when, in addition, its MinHash estimate is at least
threshold - ESTIMATE_MARGIN (the exact comparison then decides), and flagged by the
estimate alone when the estimate is >= 0.8; lsh_2 is the recall of a lookup that keeps only
texts sharing at least two band keys (not what the app does: a measure of the option).
Writes bench/out/b5.json.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_data import migrate, prepare_database, setup_django

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/anxuan_b5"
OUT = ROOT / "bench" / "out" / "b5.json"
THRESHOLD = 0.8
BATCH = 2_000
YEAR = 2026
VERBATIM = 0.1  # of the planted copies: only punctuation and spacing changed

# What every unit may repeat (removed before comparing, as check_texts removes them).
THEME = "人人讲安全、个个会应急——畅通生命通道"
TITLE = f"{YEAR}年全国安全生产月活动"
SLOGANS = ("安全生产责任重于泰山", "坚持人民至上、生命至上")

# Vocabularies of the report templates.
PLACE_CHARS = (
    "安平山河阳江宁兴东西南北丰华嘉清泉石林金水云德永长新和庆武昌泰福临通海湖城川原定远广"
    "襄宜章乐康富贵盛隆吉祥瑞明光化胜利丹凤龙桥溪峰岭源台庄坪塘沙白青红黄松柏桂枫梅兰竹"
)
TRADES = ("化工", "建材", "机械", "矿业", "电力", "食品", "纺织", "物流", "建筑工程", "燃气")
UNIT_ENDS = ("有限公司", "镇人民政府", "街道办事处", "中学", "中心小学", "应急管理局", "社区")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海燕丹宁"
POSTS = ("主要负责人", "党委书记", "总经理", "分管副镇长", "校长", "安全总监", "主任")
OPENINGS = (
    "高度重视，认真贯彻落实上级关于安全生产月活动的部署要求",
    "按照县安委会的统一安排，结合本单位实际",
    "坚持以问题为导向，把安全生产月活动作为推动责任落实的重要抓手",
    "紧扣活动主题，聚焦重点行业领域",
    "严格落实属地管理责任和企业主体责任",
    "提前谋划、精心组织，层层压实责任",
)
DOCS = ("活动实施方案", "工作安排", "任务分解表", "宣传工作方案", "隐患排查整治方案")
TEAMS = ("领导小组", "工作专班", "督导组", "宣传小组")
PLACES = (
    "村委会",
    "文化广场",
    "社区服务中心",
    "企业厂区",
    "学校操场",
    "集贸市场",
    "会议室",
    "生产车间",
    "加油站",
    "建筑工地",
    "仓储物流园",
    "老旧小区",
)
ACTIVITIES = (
    "摆放展板、发放资料，现场解答群众咨询",
    "组织员工观看警示教育片，开展事故案例讨论",
    "开展火灾逃生疏散演练，讲解灭火器使用方法",
    "邀请专家讲解安全生产法律法规和岗位操作规程",
    "对有限空间作业开展专项检查",
    "组织班组长开展应急处置卡填写培训",
    "进行燃气泄漏应急处置实战演练",
    "开展“安全宣传咨询日”集中宣传",
    "组织学生开展防溺水、防交通事故安全教育",
    "对电动自行车违规停放充电开展清理整治",
    "开展危险化学品储存使用情况检查",
    "组织志愿者入户宣传家庭用火用电安全",
)
PEOPLE = ("干部职工", "企业员工", "村民群众", "师生", "居民", "从业人员", "志愿者")
RESULTS = (
    "进一步增强了大家的安全意识",
    "取得了良好效果",
    "提高了应急处置能力",
    "营造了浓厚的安全氛围",
    "受到群众好评",
    "现场秩序井然",
)
HAZARDS = ("生产经营单位", "重点部位", "小散远企业", "人员密集场所", "在建工地", "出租房屋")
CHANNELS = ("微信公众号", "工作群", "村村响广播", "电子显示屏", "宣传栏", "抖音账号")
MATERIALS = ("宣传单", "宣传手册", "应急知识读本", "安全提示卡")
PROBLEMS = (
    "部分企业主体责任落实不到位",
    "个别员工安全意识仍然淡薄",
    "应急物资储备不足",
    "隐患整改进度偏慢",
    "部分场所消防通道被占用",
    "基层安全监管力量薄弱",
    "宣传覆盖面还不够广",
)
PLANS = (
    "持续深化隐患排查整治",
    "加强重点时段值班值守",
    "强化执法检查力度",
    "完善应急预案并组织演练",
    "巩固活动成果，建立长效机制",
    "加大对小散远企业的帮扶指导",
    "做好汛期安全防范工作",
)
GOALS = ("安全生产形势持续稳定", "不发生较大及以上事故", "各项任务落到实处")
FILLERS = (
    "同时",
    "此外",
    "在此基础上",
    "根据实际情况",
    "为确保实效",
    "经过认真研究",
    "按照要求",
    "进一步",
    "切实",
)
FILLER_CHARS = "的了和在是与对为将及并等中上下各项工作情况开展进行加强落实推进组织"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50 000 reports")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--copies", type=float, default=0.05, help="planted share of copies")
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=300, help="similar_texts lookups timed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only time similar_texts against the index a run with the same --reports made",
    )
    args = parser.parse_args()
    if args.quick:
        args.reports = 50_000
    return args


# ---------------------------------------------------------------- the reports


class Corpus:
    """Report i of a year's N, regenerated on demand from (seed, i): which unit wrote it, in
    which week, and whether it is a planted copy of an earlier report (and of which)."""

    def __init__(self, n: int, seed: int, copies: float) -> None:
        self.n, self.seed, self.copies = n, seed, copies
        self.units = max(50, n // 45)  # a unit reports ~45 weeks of the year

    def _rng(self, kind: int, i: int) -> random.Random:
        return random.Random((self.seed << 48) ^ (kind << 40) ^ i)

    def plan(self, i: int) -> tuple[int, int | None, bool]:
        """(unit, source or None, verbatim) of report i."""
        rng = self._rng(1, i)
        unit = rng.randrange(self.units)
        if i < 100 or rng.random() >= self.copies:
            return unit, None, False
        return unit, rng.randrange(i), rng.random() < VERBATIM

    @lru_cache(maxsize=200_000)  # noqa: B019 - one corpus per run
    def unit_name(self, unit: int) -> str:
        rng = self._rng(2, unit)
        stem = "".join(rng.sample(PLACE_CHARS, 2))
        end = rng.choice(UNIT_ENDS)
        middle = rng.choice(TRADES) if end == "有限公司" else "".join(rng.sample(PLACE_CHARS, 2))
        return stem + middle + end

    def text(self, i: int) -> str:
        unit, source, verbatim = self.plan(i)
        if source is None:
            return self.original(i, unit)
        rng = self._rng(3, i)
        text = self.text(source)
        if verbatim:
            return respace(text, rng)
        return edit(
            text,
            rng,
            rng.uniform(0.05, 0.20),
            self.unit_name(self.plan(source)[0]),
            self.unit_name(unit),
        )

    def original(self, i: int, unit: int) -> str:
        rng = self._rng(4, i)
        name = self.unit_name(unit)
        short = name[:4]
        week = i * 52 // self.n
        month, day = 1 + week * 12 // 52, 1 + rng.randrange(28)
        person = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        parts = [
            f"{name}{rng.choice(OPENINGS)}，于{month}月{day}日至{month}月{min(28, day + 6)}日"
            f"围绕“{THEME}”主题扎实开展各项工作。",
            f"{short}成立了以{rng.choice(POSTS)}{person}为组长的{rng.choice(TEAMS)}，"
            f"印发了《{rng.choice(DOCS)}》，明确了{rng.randint(3, 12)}项重点任务和责任人。",
        ]
        for _ in range(rng.randint(3, 4)):
            parts.append(
                f"{month}月{rng.randint(1, 28)}日，{short}在{rng.choice(PLACES)}"
                f"{rng.choice(ACTIVITIES)}，{rng.choice(PEOPLE)}{rng.randint(12, 1500)}人参加，"
                f"{rng.choice(RESULTS)}。"
            )
        found = rng.randint(0, 40)
        fixed = rng.randint(0, found)
        parts.append(
            f"本周共排查{rng.choice(HAZARDS)}{rng.randint(5, 300)}家（处），发现一般隐患"
            f"{found}项，已整改{fixed}项，其余{found - fixed}项已落实整改责任和期限。"
        )
        parts.append(
            f"通过{'、'.join(rng.sample(CHANNELS, 2))}推送安全知识{rng.randint(3, 80)}条，"
            f"发放{rng.choice(MATERIALS)}{rng.randint(50, 5000)}份，"
            f"悬挂横幅{rng.randint(1, 40)}条，{rng.choice(SLOGANS)}的理念深入人心。"
        )
        parts.append(f"存在的问题：{'；'.join(rng.sample(PROBLEMS, 2))}。")
        parts.append(
            f"下一步，{short}将{'，'.join(rng.sample(PLANS, 3))}，确保{rng.choice(GOALS)}。"
        )
        return "".join(parts)

    def shared(self) -> list[str]:
        return [THEME, TITLE, *SLOGANS]


def respace(text: str, rng: random.Random) -> str:
    """The same text pasted into another form: punctuation and spacing differ."""
    swaps = {"，": ", ", "。": ".\n", "：": ": ", "；": "; "}
    return "".join(swaps[ch] if ch in swaps and rng.random() < 0.5 else ch for ch in text)


def edit(text: str, rng: random.Random, rate: float, old_name: str, new_name: str) -> str:
    """`text` with about `rate` of its characters edited: the unit's name swapped for the
    copier's, sentences reordered, then substitutions, insertions and deletions of short
    spans until `rate` × len characters have been touched."""
    budget = int(rate * len(text))
    if rng.random() < 0.8 and old_name != new_name:
        budget -= text.count(old_name[:4]) * 4
        text = text.replace(old_name, new_name).replace(old_name[:4], new_name[:4])
    sentences = [s + "。" for s in text.split("。") if s]
    if len(sentences) > 3 and rng.random() < 0.5:
        a, b = rng.sample(range(1, len(sentences) - 1), 2)
        sentences[a], sentences[b] = sentences[b], sentences[a]
    chars = list("".join(sentences))
    while budget > 0:
        at = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.5:  # substitute a word (or a figure)
            span = rng.randint(2, 6)
            chars[at : at + span] = [rng.choice(FILLER_CHARS + "0123456789") for _ in range(span)]
        elif op < 0.75:  # insert a phrase
            phrase = rng.choice(FILLERS)
            chars[at:at] = list(phrase)
            span = len(phrase)
        else:  # delete a few characters
            span = rng.randint(2, 8)
            del chars[at : at + span]
        budget -= span
    return "".join(chars)


# ---------------------------------------------------------------- indexing


def columns(model) -> list[str]:
    return [f.column for f in model._meta.fields]


def worker(args: tuple) -> dict:
    """Index reports p, p + P, p + 2P … of the corpus: signatures, then COPY per batch."""
    url, n, seed, copies, part, processes = args
    import psycopg

    from anxuan.integrity import fingerprints
    from anxuan.integrity.enums import TextSource
    from anxuan.integrity.models import TextBand, TextPrint

    corpus = Corpus(n, seed, copies)
    shared = fingerprints.shared_shingles(corpus.shared())
    print_cols, band_cols = columns(TextPrint), columns(TextBand)
    times = {"generate": 0.0, "signature": 0.0, "write": 0.0}
    cpu = {"signature": 0.0, "write": 0.0}
    done = skipped = 0
    mine = range(part, n, processes)
    with psycopg.connect(url, autocommit=True) as conn:  # conn.transaction() per batch
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        server_before = server_cpu(backend)
        for start in range(0, len(mine), BATCH):
            t0 = time.perf_counter()
            texts = [(i, corpus.text(i)) for i in mine[start : start + BATCH]]
            t1, c1 = time.perf_counter(), time.process_time()
            signed = [(i, fingerprints.signature(text, shared)) for i, text in texts]
            t2, c2 = time.perf_counter(), time.process_time()
            prints, bands = [], []
            for i, sig in signed:
                if sig is None:
                    skipped += 1
                    continue
                row = {
                    "id": i + 1,
                    "source": TextSource.REPORT.value,
                    "version_id": None,
                    "material_id": None,
                    "organization_id": None,
                    "year": YEAR,
                    "values": sig.to_bytes(),
                    "size": sig.size,
                }
                prints.append(tuple(row[c] for c in print_cols))
                for b, key in enumerate(sig.bands):
                    band = {"id": i * fingerprints.BANDS + b + 1, "text_id": i + 1, "key": key}
                    bands.append(tuple(band[c] for c in band_cols))
            with conn.transaction(), conn.cursor() as cur:
                copy_rows(cur, TextPrint._meta.db_table, print_cols, prints)
                copy_rows(cur, TextBand._meta.db_table, band_cols, bands)
            t3, c3 = time.perf_counter(), time.process_time()
            times["generate"] += t1 - t0
            times["signature"] += t2 - t1
            times["write"] += t3 - t2
            cpu["signature"] += c2 - c1
            cpu["write"] += c3 - c2
            done += len(prints)
        cpu["server"] = server_cpu(backend) - server_before
    return {"part": part, "indexed": done, "skipped": skipped, **times, "cpu": cpu}


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend `pid` has used (same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_rows(cur, table: str, cols: list[str], rows: list[tuple]) -> None:
    quoted = ", ".join(f'"{c}"' for c in cols)
    with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def index_all(url: str, args: argparse.Namespace) -> dict:
    from django.db import connection

    from anxuan.integrity.models import TextBand, TextPrint

    if TextPrint.objects.exists():
        raise SystemExit(f"{urlsplit(url).path[1:]} already holds text prints: use --fresh")
    connection.close()  # the workers open their own connections
    jobs = [
        (url, args.reports, args.seed, args.copies, p, args.processes)
        for p in range(args.processes)
    ]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        parts = pool.map(worker, jobs)
    wall = time.perf_counter() - started
    with connection.cursor() as cur:
        for model in (TextPrint, TextBand):
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"  # noqa: S608
            )
        cur.execute(f"ANALYZE {TextPrint._meta.db_table}, {TextBand._meta.db_table}")
    indexed = sum(p["indexed"] for p in parts)
    per_process = [p["indexed"] / (p["signature"] + p["write"]) for p in parts]
    # CPU seconds per report, the worker's (signature and COPY) and its backend's together:
    # what one core does when nothing else runs on it.
    cpu = sum(p["cpu"]["signature"] + p["cpu"]["write"] + p["cpu"]["server"] for p in parts)
    per_core = indexed / cpu
    return {
        "reports": args.reports,
        "indexed": indexed,
        "skipped_too_short": sum(p["skipped"] for p in parts),
        "processes": args.processes,
        "wall_seconds": round(wall, 1),
        "signatures_per_second_per_core_cpu": round(
            indexed / sum(p["cpu"]["signature"] for p in parts)
        ),
        "indexed_per_second_per_core_cpu": round(per_core),
        "indexed_per_second_per_process_wall": [round(r) for r in per_process],
        "indexed_per_second_total_wall": round(indexed / wall),
        "seconds_per_process_wall": [
            {k: round(p[k], 1) for k in ("generate", "signature", "write")} for p in parts
        ],
        "cpu_seconds_per_process": [{k: round(v, 1) for k, v in p["cpu"].items()} for p in parts],
        "extrapolated_wall_seconds_for_1m_on_2_cores": {
            "at_this_runs_wall_rate": round(1_000_000 / (indexed / wall) * args.processes / 2),
            "at_the_cpu_rate": round(1_000_000 / per_core / 2),
        },
    }


def sizes() -> dict:
    from django.db import connection

    from anxuan.integrity.models import TextBand, TextPrint

    found = {}
    with connection.cursor() as cur:
        for model in (TextPrint, TextBand):
            table = model._meta.db_table
            cur.execute(
                "SELECT pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s)), "
                "pg_total_relation_size(%s)",
                [table, table, table],
            )
            data, indexes, total = cur.fetchone()
            found[table] = {"table": data, "indexes": indexes, "total_bytes": total}
    return found


# ---------------------------------------------------------------- recall


def _pairs(args: tuple) -> list[tuple[int, int, float]]:
    """Exact Jaccard of each sample item against the whole neighbourhood (>= 0.3 kept)."""
    sample_sets, hood_sets, hood_ids, sample_ids = args
    kept = []
    for s, a in zip(sample_ids, sample_sets, strict=True):
        la = len(a)
        for r, b in zip(hood_ids, hood_sets, strict=True):
            if r == s:
                continue
            common = len(a & b)
            score = common / (la + len(b) - common)
            if score >= 0.3:
                kept.append((s, r, score))
    return kept


def ancestors(corpus: Corpus, i: int) -> set[int]:
    """i and every report it was copied from, directly or through other copies."""
    found = {i}
    source = corpus.plan(i)[1]
    while source is not None:
        found.add(source)
        source = corpus.plan(source)[1]
    return found


def recall(args: argparse.Namespace) -> dict:
    from django.db import connection

    from anxuan.integrity import checks, fingerprints
    from anxuan.integrity.models import TextBand

    corpus = Corpus(args.reports, args.seed, args.copies)
    shared = fingerprints.shared_shingles(corpus.shared())
    rng = random.Random(args.seed)
    planned = [corpus.plan(i) for i in range(args.reports)]
    copies = [i for i, p in enumerate(planned) if p[1] is not None]
    others = [i for i, p in enumerate(planned) if p[1] is None]
    half = min(len(copies), args.sample // 2)
    sample = sorted(rng.sample(copies, half) + rng.sample(others, args.sample - half))
    hood = {planned[i][1] for i in sample if planned[i][1] is not None}
    while len(hood) < args.sample:
        hood.add(rng.randrange(args.reports))
    hood_ids = sorted(hood)
    texts = {i: corpus.text(i) for i in set(sample) | hood}
    own = {i: fingerprints.shingles(t) - shared for i, t in texts.items()}
    sigs = {i: fingerprints.signature(t, shared) for i, t in texts.items()}

    started = time.perf_counter()
    chunks = [sample[k :: args.processes] for k in range(args.processes)]
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        results = pool.map(
            _pairs,
            [([own[i] for i in c], [own[r] for r in hood_ids], hood_ids, c) for c in chunks],
        )
    brute = time.perf_counter() - started
    scored = {(s, r): j for part in results for s, r, j in part}

    # The database's candidates for every sample item (band keys → text ids), timed.
    # Also those sharing at least two bands: a pair at 0.8 shares 25 × 0.8^5 ≈ 8 on average.
    candidates: dict[int, set[int]] = {}
    two_bands: dict[int, set[int]] = {}
    lookups = []
    for s in sample:
        t0 = time.perf_counter()
        ids = list(TextBand.objects.filter(key__in=sigs[s].bands).values_list("text_id", flat=True))
        lookups.append(time.perf_counter() - t0)
        candidates[s] = {pk - 1 for pk in ids}
        two_bands[s] = {pk - 1 for pk, n in Counter(ids).items() if n >= 2}

    digests = {
        i: hashlib.blake2b(fingerprints.normalise(t).encode()).digest() for i, t in texts.items()
    }
    buckets = {"[0.8,0.85)": (0.8, 0.85), "[0.85,0.9)": (0.85, 0.9), "[0.9,1.0]": (0.9, 1.01)}
    tally = {
        name: dict.fromkeys(("pairs", "lsh", "app_rule", "estimate", "exact_hash", "lsh_2"), 0)
        for name in [*buckets, "all >= 0.8"]
    }
    below = {"pairs": 0, "flagged_by_estimate": 0}
    unrelated = {"pairs": 0, "at_or_above_0.8": 0, "flagged_by_estimate": 0}
    lineage = {i: ancestors(corpus, i) for i in set(sample) | hood}
    histogram = dict.fromkeys(("0.3-0.5", "0.5-0.7", "0.7-0.8", ">=0.8"), 0)
    n_pairs = len(sample) * len(hood_ids) - len(set(sample) & hood)
    for (s, r), j in scored.items():
        estimate = fingerprints.similarity(sigs[s].values, sigs[r].values)
        found = r in candidates[s]
        related = bool(lineage[s] & lineage[r])
        key = (
            ">=0.8" if j >= 0.8 else "0.7-0.8" if j >= 0.7 else "0.5-0.7" if j >= 0.5 else "0.3-0.5"
        )
        histogram[key] += 1
        if not related:
            unrelated["pairs"] += 1
            unrelated["at_or_above_0.8"] += j >= THRESHOLD
            unrelated["flagged_by_estimate"] += found and estimate >= THRESHOLD
        if j < THRESHOLD:
            below["pairs"] += 1
            below["flagged_by_estimate"] += found and estimate >= THRESHOLD
            continue
        app = found and estimate >= THRESHOLD - checks.ESTIMATE_MARGIN
        for name, (low, high) in [*buckets.items(), ("all >= 0.8", (0.8, 1.01))]:
            if low <= j < high:
                t = tally[name]
                t["pairs"] += 1
                t["lsh"] += found
                t["app_rule"] += app
                t["estimate"] += found and estimate >= THRESHOLD
                t["exact_hash"] += digests[s] == digests[r]
                t["lsh_2"] += r in two_bands[s]
    for t in tally.values():
        for k in ("lsh", "app_rule", "estimate", "exact_hash", "lsh_2"):
            t[k] = round(t[k] / t["pairs"], 4) if t["pairs"] else None
    # Pairs below 0.3 were not kept; none of them can be flagged by the exact rule, and the
    # estimate alone flags them only through noise far larger than it has.
    below["pairs"] += n_pairs - len(scored)
    unrelated["pairs"] += n_pairs - len(scored)

    t0 = time.perf_counter()
    for t in texts.values():
        hashlib.blake2b(fingerprints.normalise(t).encode()).digest()
    hash_rate = len(texts) / (time.perf_counter() - t0)
    connection.close()
    return {
        "sample": len(sample),
        "sample_copies": half,
        "neighbourhood": len(hood_ids),
        "pairs_compared": n_pairs,
        "brute_force_seconds": round(brute, 1),
        "jaccard_histogram_of_pairs": histogram,
        "recall_at_0.8": tally,
        "below_0.8": {**below, "rate": below["flagged_by_estimate"] / below["pairs"]},
        "unrelated_pairs": {
            **unrelated,
            "exact_rule_false_flag_rate": unrelated["at_or_above_0.8"] / unrelated["pairs"],
            "estimate_false_flag_rate": unrelated["flagged_by_estimate"] / unrelated["pairs"],
        },
        "band_lookup_ms": percentiles(lookups),
        "candidates_per_lookup": {
            "mean": round(statistics.mean(len(c) for c in candidates.values()), 1),
            "max": max(len(c) for c in candidates.values()),
            "sharing_two_bands_mean": round(statistics.mean(len(c) for c in two_bands.values()), 1),
        },
        "exact_hash_texts_per_second": round(hash_rate),
    }


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 2)

    return {"p50": at(50), "p99": at(99), "n": len(ordered)}


def lookup_latency(args: argparse.Namespace) -> dict:
    """checks.similar_texts against the full index for reports of the corpus: band keys,
    candidates, estimates, and the exact comparison. The bench's prints have no version,
    so the candidates' texts are regenerated here (checks._text_of is replaced) instead of
    read from reports_submissionversion."""
    from anxuan.integrity import checks, fingerprints

    corpus = Corpus(args.reports, args.seed, args.copies)
    shared = fingerprints.shared_shingles(corpus.shared())
    checks._text_of = lambda text: corpus.text(text.pk - 1)
    rng = random.Random(args.seed + 1)
    times, found = [], []
    for n, i in enumerate(rng.sample(range(args.reports), args.queries + 5)):
        text = corpus.text(i)
        sig = fingerprints.signature(text, shared)
        own = fingerprints.shingles(text) - shared
        t0 = time.perf_counter()
        hits = checks.similar_texts(sig, own, shared, THRESHOLD)
        if n >= 5:  # after five warm-ups
            times.append(time.perf_counter() - t0)
            found.append(len(hits) - 1)  # itself
    return {**percentiles(times), "mean_matches_besides_itself": round(np.mean(found), 3)}


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    prepare_database(url, args.fresh)
    setup_django(url)
    migrate()
    print(
        f"B5: {args.reports:,} reports, {args.copies:.0%} planted copies, "
        f"{args.processes} processes, into {urlsplit(url).path[1:]}",
        flush=True,
    )
    if args.latency_only:
        from anxuan.integrity.models import TextPrint

        if TextPrint.objects.count() != args.reports:
            raise SystemExit(f"the index does not hold {args.reports:,} reports")
        data = {"similar_texts_ms": lookup_latency(args)}
        print(json.dumps(data, indent=2))
        return
    data = {"indexing": index_all(url, args)}
    data["sizes"] = sizes()
    print(json.dumps(data, ensure_ascii=False, indent=2), flush=True)
    data["recall"] = recall(args)
    print(json.dumps({"recall": data["recall"]}, ensure_ascii=False, indent=2), flush=True)
    data["similar_texts_ms"] = lookup_latency(args)
    print(json.dumps({"similar_texts_ms": data["similar_texts_ms"]}, indent=2))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
