"""Load generator for B11, run as its own process: members of the public filing hazard tips
through the public form, as a phone's browser does.

  python bench/tip_client.py OUT.json --port P --dsn DSN --photo BASE.jpg --first I
      (--rate R --seconds S | --concurrency N --seconds S) [--photo-share F] ...

Each reporter, on one keep-alive connection and from an address of its own (198.18.0.0/15,
the benchmarking range, sent in X-Forwarded-For as the trusted proxy in front would):
GET /tips/new/ (CSRF cookie and token, the provinces), the place cascade as app.js asks it
(/tips/places/?parent= for the cities, counties and towns of a random pick), GET
/tips/captcha.png (the session), reads the challenge's answer from the server-side
session in PostgreSQL (standing in for the person reading the picture; the app's check
itself is unchanged), then POSTs the multipart form: category, place, address, target,
date, ~400 characters of description with a unique token, for some a name and mobile,
for some a passphrase of their own, for some one ~3 MB phone photo (the base JPEG with a
unique trailer, its SHA-256 recorded). A share of reporters first mistype the code
(expecting 400 and the form again), then fetch a new image and send again.

With --rate the reporters arrive at t0 + i/R (open model: a sequence's latency is counted
from its due time, so queueing shows); with --concurrency N reporters follow one another
as fast as the server answers (closed loop, to find saturation). Writes one JSON file with
a result per reporter; bounded in time (--seconds, then at most DRAIN seconds) and count.
"""

import argparse
import asyncio
import base64
import hashlib
import ipaddress
import json
import random
import re
import time
import uuid
import zlib
from datetime import date, timedelta

MAX_IN_FLIGHT = 400  # reporters at once in the open model; beyond: not sent, counted
TIMEOUT = 120.0  # one request
DRAIN = 180.0  # after the last arrival, for the sequences still running
ADDRESSES = ipaddress.ip_network("198.18.0.0/15")  # RFC 2544: benchmarking, never routed
CATEGORIES = ("major_hazard", "illegal_operation", "concealed_accident", "other_violation")
TRADES = ("化工", "建材", "机械", "冶金", "纺织", "食品", "烟花爆竹", "仓储物流", "建筑")
ROADS = ("人民路", "建设路", "解放路", "工业大道", "滨河路", "新华街", "开发区纬三路")
SEEN = (
    "厂区东侧危险化学品仓库门口堆放了大量桶装原料，没有防泄漏措施，旁边就是配电房。",
    "夜间多次看到工人在没有动火审批的情况下进行电焊作业，现场没有配备灭火器。",
    "企业把员工宿舍设在生产车间楼上，只有一个楼梯通道，窗户都装了防盗网。",
    "工地塔吊操作人员没有持证上岗，上周起吊时钢丝绳断过一次，没有停工检查。",
    "仓库里存放的烟花爆竹数量明显超过许可范围，周边就是居民小区和学校。",
    "粉尘车间除尘设备长期不开，地面和设备上积尘很厚，工人没有防护口罩。",
    "上个月厂里发生过一起工人受伤事故，伤者送医后企业要求大家不要对外说。",
    "液化石油气钢瓶直接放在饭店后厨灶台旁，软管老化开裂，闻到过明显气味。",
    "有限空间作业没有通风检测，也没有监护人员，已经有人出现头晕症状。",
    "消防通道被货物和车辆长期占用，安全出口上锁，应急照明灯不亮。",
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海燕丹宁"
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"
RECEIPT = re.compile(r'id="receipt-code">(\d{4} \d{4} \d{4} \d{4})<')
PASSPHRASE = re.compile(r'id="receipt-passphrase">([^<]+)<')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACE_SELECT = re.compile(r'<select name="place"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
WRONG_CODE = "验证码错误或已过期".encode()  # the form's message for a wrong code


class Failed(Exception):
    """A step answered other than expected (the step and the status in the message)."""


class Browser:
    """One phone: a keep-alive connection, its cookies, its address behind the proxy."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}
        self.conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.connections = 0

    async def close(self) -> None:
        if self.conn is not None:
            self.conn[1].close()
            self.conn = None

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds). A GET on a keep-alive connection the server closed
        meanwhile is sent again on a new one, as browsers do; a POST never is."""
        for attempt in (1, 2):
            fresh = self.conn is None
            if fresh:
                self.conn = await asyncio.open_connection("127.0.0.1", self.port)
                self.connections += 1
            t0 = time.perf_counter()
            try:
                status, data = await asyncio.wait_for(
                    self._send(method, path, body, content_type), TIMEOUT
                )
            except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
                await self.close()
                if fresh or method != "GET" or attempt == 2:
                    raise
                continue
            return status, data, time.perf_counter() - t0
        raise AssertionError("unreachable")

    async def _send(
        self, method: str, path: str, body: bytes, content_type: str
    ) -> tuple[int, bytes]:
        assert self.conn is not None
        reader, writer = self.conn
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Connection: keep-alive",
            f"User-Agent: {UA}",
            f"X-Forwarded-For: {self.address}",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [
                f"Content-Type: {content_type}",
                f"Content-Length: {len(body)}",
                f"Referer: http://127.0.0.1:{self.port}/tips/new/",
            ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        if body:
            writer.write(body)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        if chunked:
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            data = b"".join(parts)
        else:
            data = await reader.readexactly(length)
        if close:
            await self.close()
        return status, data


class Sessions:
    """The CAPTCHA's answer as the server keeps it: the row of the session in
    django_session (Django's signed, optionally zlib-compressed JSON; only decoded here,
    the signature is the server's business)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn = None
        self.connecting = asyncio.Lock()

    async def answer(self, session_key: str) -> str:
        import psycopg

        async with self.connecting:
            if self.conn is None:
                self.conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
        cursor = await self.conn.execute(
            "SELECT session_data FROM django_session WHERE session_key = %s", [session_key]
        )
        row = await cursor.fetchone()
        if row is None:
            raise Failed("captcha: no session row")
        payload = row[0].rsplit(":", 2)[0]
        compressed = payload.startswith(".")
        raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload) % 4))
        data = json.loads(zlib.decompress(raw) if compressed else raw)
        return str(data["captcha"]["answer"])


def multipart(fields: list[tuple[str, str]], photo: bytes | None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    if photo is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
            'filename="IMG_20260611_091512.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        parts += [photo, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Reporter:
    """What reporter number i sends: drawn from the seed and i, so a run can be replayed."""

    def __init__(self, i: int, args: argparse.Namespace, base: bytes, base_hash) -> None:
        self.i = i
        rng = random.Random(args.seed * 10_000_019 + i)
        self.rng = rng
        self.address = str(ADDRESSES[1 + i % (ADDRESSES.num_addresses - 2)])
        self.token = f"B11-{args.tag}-{i}"
        self.identified = rng.random() < args.identified_share
        self.name = "欧阳" + "".join(rng.sample(GIVEN, 2)) if self.identified else ""
        self.mobile = f"199{(args.tag * 1_000_003 + i) % 10**8:08d}" if self.identified else ""
        self.own_phrase = rng.random() < 0.5
        self.passphrase = f"{rng.getrandbits(48):012x}-{i}" if self.own_phrase else ""
        self.typo = rng.random() < args.typo_share
        self.photo: bytes | None = None
        self.sha256 = None
        if rng.random() < args.photo_share:
            trailer = f"B11-{args.tag}-{i}-{rng.getrandbits(64):016x}".encode()
            self.photo = base + trailer  # after the JPEG's end marker: a unique file
            digest = base_hash.copy()
            digest.update(trailer)
            self.sha256 = digest.hexdigest()
        n = rng.randint(3, 7)
        self.description = (
            "".join(rng.choice(SEEN) for _ in range(n))
            + f"希望有关部门尽快核查处理。（编号 {self.token}）"
        )
        self.category = rng.choice(CATEGORIES)
        self.target = "".join(rng.sample(GIVEN, 2)) + rng.choice(TRADES) + "有限公司"
        self.seen_on = (date(2026, 6, 10) - timedelta(days=rng.randint(0, 20))).isoformat()

    def fields(self, csrf: str, chain: list[str], answer: str) -> list[tuple[str, str]]:
        return [
            ("csrfmiddlewaretoken", csrf),
            ("category", self.category),
            *(("place", pk) for pk in chain),
            ("address", f"{self.rng.choice(ROADS)}{self.rng.randint(1, 399)}号"),
            ("target", self.target),
            ("seen_on", self.seen_on),
            ("description", self.description),
            ("name", self.name),
            ("mobile", self.mobile),
            ("passphrase", self.passphrase),
            ("captcha", answer),
        ]


async def file_one(rep: Reporter, port: int, sessions: Sessions) -> dict:
    """One reporter's whole visit; the result with each step's seconds."""
    browser = Browser(port, rep.address)
    t: dict[str, float] = {"places": 0.0}
    result: dict = {
        "i": rep.i,
        "token": rep.token,
        "name": rep.name,
        "mobile": rep.mobile,
        "sha256": rep.sha256,
        "photo_bytes": len(rep.photo) if rep.photo is not None else 0,
        "typo": rep.typo,
        "t": t,
    }
    try:
        status, body, t["form"] = await browser.request("GET", "/tips/new/")
        if status != 200:
            raise Failed(f"form {status}")
        html = body.decode()
        csrf = CSRF.search(html).group(1)
        top = OPTION.findall(PLACE_SELECT.search(html).group(1))
        chain = [rep.rng.choice(top)]
        for _level in ("city", "county", "town"):
            status, body, seconds = await browser.request(
                "GET", f"/tips/places/?parent={chain[-1]}"
            )
            t["places"] += seconds
            if status != 200:
                raise Failed(f"places {status}")
            found = json.loads(body)["places"]
            chain.append(str(rep.rng.choice(found)["id"]))
        result["county"], result["town"] = int(chain[2]), int(chain[3])

        async def captcha() -> str:
            status, body, seconds = await browser.request("GET", "/tips/captcha.png")
            t["captcha"] = t.get("captcha", 0.0) + seconds
            if status != 200 or not body.startswith(b"\x89PNG"):
                raise Failed(f"captcha {status}")
            return await sessions.answer(browser.cookies["sessionid"])

        answer = await captcha()
        if rep.typo:
            body, ctype = multipart(rep.fields(csrf, chain, "11111"), rep.photo)
            status, page, t["typo_post"] = await browser.request("POST", "/tips/new/", body, ctype)
            if status != 400 or WRONG_CODE not in page or RECEIPT.search(page.decode()):
                raise Failed(f"mistyped code answered {status}")
            result["typo_refused"] = True
            answer = await captcha()
        body, ctype = multipart(rep.fields(csrf, chain, answer), rep.photo)
        status, page, t["post"] = await browser.request("POST", "/tips/new/", body, ctype)
        result["status"] = status
        text = page.decode()
        receipt, phrase = RECEIPT.search(text), PASSPHRASE.search(text)
        if status != 200 or receipt is None or phrase is None:
            raise Failed(f"post {status}: {text[:200]!r}")
        result["receipt"], result["passphrase"] = receipt.group(1), phrase.group(1)
        if rep.own_phrase and result["passphrase"] != rep.passphrase:
            raise Failed("post: the receipt shows another passphrase than the one chosen")
        result["ok"] = True
    except (Failed, OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
        result["ok"] = False
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
    except (AttributeError, KeyError, IndexError) as exc:  # a page without what it must have
        result["ok"] = False
        result["error"] = f"page: {type(exc).__name__}: {exc}"[:300]
    finally:
        await browser.close()
    result["connections"] = browser.connections
    return result


async def run(args: argparse.Namespace) -> dict:
    with open(args.photo, "rb") as f:
        base = f.read()
    base_hash = hashlib.sha256(base)
    sessions = Sessions(args.dsn)
    results: list[dict] = []
    not_sent = 0
    start = time.perf_counter()
    end = start + args.seconds

    async def one(i: int, due: float) -> None:
        rep = Reporter(i, args, base, base_hash)
        began = time.perf_counter()
        result = await file_one(rep, args.port, sessions)
        result["lag"] = began - due  # the client's own delay in starting it
        result["sequence"] = time.perf_counter() - due
        result["due"] = due - start
        results.append(result)

    i = args.first
    if args.rate:
        tasks: list[asyncio.Task] = []
        total = int(args.rate * args.seconds)
        for n in range(total):
            due = start + n / args.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if sum(not task.done() for task in tasks) >= MAX_IN_FLIGHT:
                not_sent += 1
                continue
            tasks.append(asyncio.create_task(one(i, due)))
            i += 1
        if tasks:
            await asyncio.wait(tasks, timeout=DRAIN)
    else:
        counter = iter(range(args.first, args.first + 10_000_000))

        async def loop() -> None:
            while time.perf_counter() < end:
                await one(next(counter), time.perf_counter())

        await asyncio.wait_for(
            asyncio.gather(*(loop() for _ in range(args.concurrency))), args.seconds + DRAIN
        )
    seconds = time.perf_counter() - start
    if sessions.conn is not None:
        await sessions.conn.close()
    return {"results": results, "not_sent": not_sent, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True, help="the app's PostgreSQL (sessions)")
    parser.add_argument("--photo", required=True)
    parser.add_argument("--first", type=int, default=0, help="number of the first reporter")
    parser.add_argument("--rate", type=float, help="reporters arriving per second (open)")
    parser.add_argument("--concurrency", type=int, default=0, help="reporters at once (closed)")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--photo-share", type=float, default=0.5)
    parser.add_argument("--identified-share", type=float, default=0.5)
    parser.add_argument("--typo-share", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tag", type=int, default=0, help="the run's number, in each token")
    args = parser.parse_args()
    if not args.rate and not args.concurrency:
        parser.error("--rate or --concurrency")
    out = asyncio.run(run(args))
    with open(args.out, "w") as f:
        json.dump(out, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
