"""Load generator for B2 through the REST API, run as its own process: weekly reports with
photos, each as the sequence a phone app sends.

  python bench/api_spike_client.py JOBS.json --photo BASE.jpg --photos 5 (--rate R | --burst)

JOBS.json lists {"port", "token", "participant", "period"} per report (and "host", default
127.0.0.1: the cluster's balancer for B9). One report is
POST /api/v1/submissions (the draft), one POST .../attachments per photo and
POST .../submit, each with its own Idempotency-Key, over one keep-alive HTTP/1.1
connection per liaison. With --rate, report i is due at t0 + i/R (open model); with
--burst all are due at t0. A report's latency is from its due time to the submit's answer.
Every photo is the base JPEG plus a unique trailer, so no two files hash alike.

A request on a reused connection that the server had already closed (no status line came
back) is sent again once on a new connection with the same Idempotency-Key, as a client
would; those resends are counted. With --retry (a phone app through a balancer while nodes
fail, B9), an answer of 500, 502, 503 or 504 or a lost connection is sent again after half a
second with the same Idempotency-Key, up to a minute; each is a client-visible error,
counted. Prints one JSON line: per report (status, seconds, bytes sent, failing step,
resends, connections opened, client-visible errors, report id), where status is 200 for a
report submitted and otherwise that of the failing request (0: no answer); plus the phase's
seconds and the first few failures in full.
"""

import argparse
import asyncio
import json
import os
import time
import uuid

TEXT = "本周开展安全宣传咨询活动。"
PREFIX = "/api/v1"


class Failed(Exception):
    def __init__(self, step: str, status: int, detail: str) -> None:
        super().__init__(f"{step}: {status} {detail}")
        self.step, self.status, self.detail = step, status, detail


class Connection:
    """One liaison's keep-alive HTTP/1.1 connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = False  # a request already went over the open connection
        self.resends = 0
        self.opened = 0
        self.errors = 0  # answers a person would have seen, had the app not sent again

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.used = False
        self.opened += 1

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], parts: list[bytes]
    ) -> tuple[int, bytes]:
        """Send one request (body given in parts, none copied together); returns status and
        body. Resends once if a reused connection turns out closed before any answer."""
        for attempt in (0, 1):
            if self.writer is None:
                await self.open()
            reused = self.used
            try:
                return await self._exchange(method, path, headers, parts)
            except _NoAnswer:
                self.close()
                if not reused or attempt:
                    raise ConnectionResetError("no answer") from None
                self.resends += 1
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], parts: list[bytes]
    ) -> tuple[int, bytes]:
        reader, writer = self.reader, self.writer
        assert reader is not None
        assert writer is not None
        head = (
            f"{method} {PREFIX}{path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nAccept: application/json\r\n"
            f"Content-Length: {sum(map(len, parts))}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            + "\r\n"
        )
        try:
            writer.write(head.encode())
            for part in parts:
                writer.write(part)
                await writer.drain()
            status_line = await reader.readline()
        except (ConnectionError, BrokenPipeError):
            raise _NoAnswer from None
        if not status_line:
            raise _NoAnswer
        self.used = True
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            body = b""
            while size := int((await reader.readline()).split(b";")[0], 16):
                body += (await reader.readexactly(size + 2))[:-2]
            await reader.readline()  # the blank line after the last chunk (no trailers)
        elif length is not None:
            body = await reader.readexactly(length)
        else:
            body, close = await reader.read(), True
        if close:
            self.close()
        return status, body


class _NoAnswer(Exception):
    """The connection was closed before a status line came back."""


def multipart(base: bytes, name: str) -> tuple[str, list[bytes]]:
    boundary = uuid.uuid4().hex
    return boundary, [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
        base,
        os.urandom(16),  # after the JPEG end marker: a unique file
        f"\r\n--{boundary}--\r\n".encode(),
    ]


RETRIED = {500, 502, 503, 504}


async def report(
    job: dict, base: bytes, photos: int, connection: Connection, retry: bool = False
) -> tuple[int, int]:
    """Draft, photos, submit; returns the bytes sent and the report's id. Raises Failed at
    the first request that does not get its expected answer."""
    key = uuid.uuid4().hex
    sent = 0

    async def call(step: str, path: str, expect: int, headers: dict, parts: list) -> dict:
        nonlocal sent
        for _attempt in range(120 if retry else 1):
            try:
                status, body = await connection.request(
                    "POST", path, {"Idempotency-Key": f"{key}-{step}", **headers}, parts
                )
            except OSError:
                if not retry:
                    raise
                status, body = 0, b"no answer"
            if not retry or status not in RETRIED | {0}:
                break
            connection.errors += 1
            connection.close()
            await asyncio.sleep(0.5)
        sent += sum(map(len, parts))
        if status != expect:
            raise Failed(step, status, body[:300].decode(errors="replace"))
        return json.loads(body)

    draft = {
        "participant_id": job["participant"],
        "period_id": job["period"],
        "text": TEXT,
        "activities": [],
        "values": {},
    }
    created = await call(
        "draft",
        "/submissions",
        201,
        {"Content-Type": "application/json"},
        [json.dumps(draft).encode()],
    )
    for i in range(photos):
        boundary, parts = multipart(base, f"现场{i}.jpg")
        await call(
            f"photo-{i}",
            f"/submissions/{created['id']}/attachments",
            201,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
            parts,
        )
    done = await call("submit", f"/submissions/{created['id']}/submit", 200, {}, [])
    if done["submission"]["state"] != "submitted":
        raise Failed("submit", 200, f"state {done['submission']['state']}")
    return sent, created["id"]


async def run(
    jobs: list[dict], base: bytes, photos: int, rate: float | None, retry: bool = False
) -> dict:
    results: list = []
    failures: list = []
    start = time.perf_counter()

    async def one(job: dict, due: float) -> None:
        connection = Connection(job.get("host", "127.0.0.1"), job["port"], job["token"])
        status, size, step, submission = 200, 0, "", None
        try:
            size, submission = await asyncio.wait_for(
                report(job, base, photos, connection, retry), timeout=600
            )
        except Failed as exc:
            status, step = exc.status, exc.step
            failures.append(str(exc))
        except (TimeoutError, OSError, ValueError, IndexError, KeyError) as exc:
            status, step = 0, "connection"
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        results.append(
            (
                status,
                time.perf_counter() - due,
                size,
                step,
                connection.resends,
                connection.opened,
                connection.errors,
                submission,
            )
        )

    tasks = []
    for i, job in enumerate(jobs):
        due = start + (i / rate if rate else 0)
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(job, due)))
    await asyncio.gather(*tasks)
    return {"results": results, "seconds": time.perf_counter() - start, "failures": failures[:10]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("jobs")
    parser.add_argument("--photo", required=True)
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--burst", action="store_true")
    parser.add_argument("--retry", action="store_true")
    args = parser.parse_args()
    with open(args.jobs) as f:
        jobs = json.load(f)
    with open(args.photo, "rb") as f:
        base = f.read()
    rate = None if args.burst else args.rate
    print(json.dumps(asyncio.run(run(jobs, base, args.photos, rate, args.retry))))


if __name__ == "__main__":
    main()
