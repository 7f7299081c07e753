"""Load generator for the benchmarks, run as its own process.

  python bench/loadgen.py closed URL --cookie C --concurrency N --seconds S
  python bench/loadgen.py open URL --cookie C --rate R --seconds S

`open` is an open model: request i is due at start + i/R whatever the server does, and
its latency is measured from that due time (no coordinated omission). `closed` keeps N
requests in flight and is used only to find saturation. Prints one JSON line. Loopback
only; every run is bounded in time and count.
"""

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlsplit

MAX_IN_FLIGHT = 512


class Pool:
    def __init__(self, host: str, port: int, path: str, cookie: str):
        self.host, self.port = host, port
        headers = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
        if cookie:
            headers.append(f"Cookie: {cookie}")
        self.request = ("\r\n".join(headers) + "\r\n\r\n").encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self) -> int:
        if self.idle:
            conn = self.idle.pop()
            try:
                return await self._send(conn)
            except (OSError, asyncio.IncompleteReadError, IndexError):
                conn[1].close()  # the server closed an idle keep-alive connection; as
                # browsers do for a GET, retry once on a new connection
        return await self._send(await asyncio.open_connection(self.host, self.port))

    async def _send(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> int:
        reader, writer = conn
        writer.write(self.request)
        await writer.drain()
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        await reader.readexactly(length)
        if close:
            writer.close()
        else:
            self.idle.append(conn)
        return status


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": pct(0.50) if latencies else None,
        "p95_ms": pct(0.95) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
    }


async def closed(pool: Pool, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            try:
                ok = await pool.get() == 200
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                ok = False
            if ok:
                latencies.append(time.perf_counter() - t0)
            else:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summary(latencies, errors, time.perf_counter() - start)


async def open_model(pool: Pool, rate: float, seconds: float) -> dict:
    latencies: list[float] = []
    errors = dropped = 0
    in_flight = 0
    start = time.perf_counter()
    total = int(rate * seconds)

    async def one(due: float) -> None:
        nonlocal errors, in_flight
        try:
            ok = await pool.get() == 200
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            ok = False
        in_flight -= 1
        if ok:
            latencies.append(time.perf_counter() - due)
        else:
            errors += 1

    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight >= MAX_IN_FLIGHT:
            dropped += 1  # the server is far past saturation; counted as errors
            continue
        in_flight += 1
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 30)
    result = summary(latencies, errors + dropped, time.perf_counter() - start)
    result["offered_rps"] = rate
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["closed", "open"])
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    parts = urlsplit(args.url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("loopback only")
    pool = Pool(parts.hostname, parts.port or 80, parts.path or "/", args.cookie)
    if args.mode == "closed":
        result = asyncio.run(closed(pool, args.concurrency, args.seconds))
    else:
        result = asyncio.run(open_model(pool, args.rate, args.seconds))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
