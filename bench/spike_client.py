"""Load generator for B2, run as its own process: weekly reports with photos.

  python bench/spike_client.py JOBS.json --photo BASE.jpg --photos 5 (--rate R | --burst)

JOBS.json lists {"port", "path", "cookie", "csrf"} per request. With --rate the requests
are due at t0 + i/R (open model, latency from the due time); with --burst all start at
once. Every photo is the base JPEG plus a unique trailer, so no two files hash alike.
Prints one JSON line with per-request (status, seconds, bytes).
"""

import argparse
import asyncio
import json
import os
import time
import uuid

FIELDS = {
    "text": "本周开展安全宣传咨询活动。",
    "act-TOTAL_FORMS": "0",
    "act-INITIAL_FORMS": "0",
    "act-MIN_NUM_FORMS": "0",
    "act-MAX_NUM_FORMS": "50",
    "submit": "1",
}


async def post(job: dict, base: bytes, photos: int) -> tuple[int, int]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in FIELDS.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for i in range(photos):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="现场{i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        parts.append(base)
        parts.append(os.urandom(16) + b"\r\n")  # after the JPEG end marker: a unique file
    parts.append(f"--{boundary}--\r\n".encode())
    length = sum(map(len, parts))
    reader, writer = await asyncio.open_connection("127.0.0.1", job["port"])
    head = (
        f"POST {job['path']} HTTP/1.1\r\nHost: 127.0.0.1:{job['port']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nCookie: {job['cookie']}\r\n"
        f"X-CSRFToken: {job['csrf']}\r\nReferer: http://127.0.0.1:{job['port']}/\r\n"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode())
    for part in parts:
        writer.write(part)
        await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1]), length


async def run(jobs: list[dict], base: bytes, photos: int, rate: float | None) -> list:
    results: list = []
    start = time.perf_counter()

    async def one(job: dict, due: float) -> None:
        try:
            status, size = await asyncio.wait_for(post(job, base, photos), timeout=300)
        except (TimeoutError, OSError, ValueError, IndexError):
            status, size = 0, 0
        results.append((status, time.perf_counter() - due, size))

    tasks = []
    for i, job in enumerate(jobs):
        due = start + (i / rate if rate else 0)
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(job, due)))
    await asyncio.gather(*tasks)
    return [results, time.perf_counter() - start]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("jobs")
    parser.add_argument("--photo", required=True)
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--burst", action="store_true")
    args = parser.parse_args()
    with open(args.jobs) as f:
        jobs = json.load(f)
    with open(args.photo, "rb") as f:
        base = f.read()
    results, seconds = asyncio.run(run(jobs, base, args.photos, None if args.burst else args.rate))
    print(json.dumps({"results": results, "seconds": seconds}))


if __name__ == "__main__":
    main()
