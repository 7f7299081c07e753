"""B7 a 500 MB video through the report form: server memory stays flat (streamed to disk).

  .venv/bin/python bench/b7_video_upload.py [--mb 500] [--resumable]

With --resumable the video goes through the API's tus endpoints instead, with the
connection cut after half the bytes and the upload resumed from the server's offset.

Starts gunicorn on a fresh PostgreSQL database with the demo county, logs in as a liaison
and posts a weekly report with one MP4 of the given size, streamed from disk by the client.
Reports the gunicorn worker's peak RSS before and after (VmHWM), the upload's throughput,
and as the baseline the storage backend copying the same file (FileSystemStorage.save),
then checks the stored file's SHA-256.
"""

import argparse
import hashlib
import http.client
import io
import os
import re
import socket
import struct
import subprocess
import sys
import time
import uuid
from pathlib import Path

import av
import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clients" / "python"))
import b1_page_floor as b1
from anxuan_client import Client

CHUNK = 1 << 20


def tiny_mp4() -> bytes:
    """One picture encoded by PyAV's own FFmpeg: the upload check decodes a first picture."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 24, "yuv420p"
        frame = av.VideoFrame.from_ndarray(numpy.zeros((24, 32, 3), "uint8"), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    return buffer.getvalue()


def make_video(path: Path, mb: int) -> str:
    """A real MP4 of just under `mb` MiB: a tiny video, then a `free` box of random bytes
    (players skip it). Returns its SHA-256."""
    digest = hashlib.sha256()
    video = tiny_mp4()
    total = mb * CHUNK - 1024  # just under the limit
    head = video + struct.pack(">I", total - len(video)) + b"free"
    with path.open("wb") as out:
        out.write(head)
        digest.update(head)
        left = total - len(head)
        while left:
            block = os.urandom(min(CHUNK, left))
            out.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def vm_hwm(pid: int) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", text).group(1)) // 1024


def workers(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=True
    )
    return [int(p) for p in out.stdout.split()]


def post_multipart(port: int, path: str, cookie: str, csrf: str, fields: dict, file: Path):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{file.name}"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = sum(map(len, parts)) + len(head) + file.stat().st_size + len(tail)

    def body():
        yield from parts
        yield head
        with file.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
        yield tail

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "POST",
        path,
        body=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
            "Cookie": cookie,
            "X-CSRFToken": csrf,
            "Referer": f"http://127.0.0.1:{port}/",
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Location")


def cut_at_half(client: Client, port: int, location: str, video: Path) -> int:
    """A PATCH that promises the whole file, sends half and hangs up; returns the offset the
    server kept."""
    size = video.stat().st_size
    with socket.create_connection(("127.0.0.1", port)) as phone:
        phone.sendall(
            (
                f"PATCH {location} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Authorization: Bearer {client.token}\r\nTus-Resumable: 1.0.0\r\n"
                f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                f"Content-Length: {size}\r\n\r\n"
            ).encode()
        )
        with video.open("rb") as f:
            sent = 0
            while sent < size // 2:
                chunk = f.read(min(CHUNK, size // 2 - sent))
                phone.sendall(chunk)
                sent += len(chunk)
        phone.shutdown(socket.SHUT_WR)
        while phone.recv(65536):
            pass
    return client.offset(location)


def resumable(port: int, liaison, period, participant, video: Path) -> tuple[str, int]:
    """The video through tus with a cut at half; returns (the attachment's storage name,
    the bytes kept at the cut)."""
    from anxuan.api.services import create_token
    from anxuan.reports.models import Attachment

    _token, raw = create_token(actor=liaison, name="b7")
    client = Client(f"http://127.0.0.1:{port}", raw, timeout=600)
    draft = client.create_draft(participant_id=participant.pk, period_id=period.pk, text="视频资料")
    location = client.start_resumable(draft["id"], video.name, video.stat().st_size)
    kept = cut_at_half(client, port, location, video)
    attachment_id = client.resume(location, str(video), chunk_size=64 * CHUNK)
    client.close()
    return Attachment.objects.get(pk=attachment_id).storage_name, kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--resumable", action="store_true", help="through tus, cut at half")
    args = parser.parse_args()
    var, env = b1.demo_stack("b7")
    video = var / "video.mp4"
    expected = make_video(video, args.mb)
    size_mb = video.stat().st_size / 2**20

    # Baseline: the storage backend copying the same file.
    os.environ.update(env)
    import django

    django.setup()
    from django.core.files import File
    from django.core.files.storage import default_storage

    t0 = time.perf_counter()
    with video.open("rb") as f:
        name = default_storage.save("baseline/video.mp4", File(f))
    baseline_s = time.perf_counter() - t0
    default_storage.delete(name)

    port = b1.free_port()
    server = b1.start_server(env, port, pool=True)
    try:
        cookie = b1.session_cookie(port, "13900000003", "anxuan2026")  # a town liaison
        csrf = dict(c.split("=", 1) for c in cookie.split("; "))["csrftoken"]
        from anxuan.campaigns.models import Participant
        from anxuan.orgs.models import Person

        liaison = Person.objects.get(username="13900000003")
        participant = Participant.objects.filter(
            organization__memberships__person=liaison, campaign__year__gt=2026
        ).first()
        period = participant.campaign.requirements.get(kind="weekly").periods.first()
        path = f"/reports/new/?participant={participant.pk}&period={period.pk}"
        pids = workers(server.pid)
        before = {pid: vm_hwm(pid) for pid in pids}
        t0 = time.perf_counter()
        if args.resumable:
            stored_name, kept = resumable(port, liaison, period, participant, video)
            print(f"cut after {kept / 2**20:.0f} MB; resumed from there", flush=True)
        else:
            status, location = post_multipart(
                port,
                path,
                cookie,
                csrf,
                {
                    "text": "视频资料",
                    "act-TOTAL_FORMS": "0",
                    "act-INITIAL_FORMS": "0",
                    "act-MIN_NUM_FORMS": "0",
                    "act-MAX_NUM_FORMS": "50",
                    "submit": "1",
                },
                video,
            )
            print(f"response: {status} → {location}", flush=True)
        upload_s = time.perf_counter() - t0
        after = {pid: vm_hwm(pid) for pid in pids}
    finally:
        b1.stop(server)
    from anxuan.reports.models import Attachment

    attachment = Attachment.objects.get(kind="video")
    if args.resumable:
        assert attachment.storage_name == stored_name
    with default_storage.open(attachment.storage_name, "rb") as stored:
        digest = hashlib.sha256()
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    growth = max(after[p] - before[p] for p in pids)
    print(
        f"\nB7 {size_mb:.0f} MB video "
        f"{'resumably through the API, cut at half' if args.resumable else 'through the form'}"
        " — gunicorn + PostgreSQL, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"upload: {upload_s:.1f} s, {size_mb / upload_s:.0f} MB/s; storage copy (baseline): "
        f"{baseline_s:.1f} s, {size_mb / baseline_s:.0f} MB/s; ratio "
        f"{(size_mb / upload_s) / (size_mb / baseline_s):.2f}"
    )
    print(f"worker peak RSS before → after: {before} → {after} MB; growth {growth} MB")
    print(f"stored SHA-256 matches: {digest.hexdigest() == expected == attachment.sha256}")
    video.unlink()


if __name__ == "__main__":
    main()
