"""A small client for the Anxuan REST API (/api/v1/), standard library only.

    client = Client("http://127.0.0.1:8000", token="ax_…")
    draft = client.create_draft(participant_id=3, period_id=12, text="本周开展…")
    client.upload(draft["id"], "现场.jpg")
    client.upload_resumable(draft["id"], "演练.mp4")     # survives a dropped connection
    client.upload_direct(draft["id"], "演练.mp4")        # straight to the object store
    client.submit(draft["id"])                           # with an Idempotency-Key
    for flag in client.flags():                          # integrity flags on your reports
        client.explain(flag["id"], "照片为本周活动现场所摄", ["原图.jpg"])

Files are streamed from disk, never read whole into memory. Every error the API returns
raises AnxuanError with its machine code and its Chinese and English messages.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import mimetypes
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import urlencode, urlsplit

CHUNK = 1 << 20
TUS_VERSION = "1.0.0"


@dataclass
class AnxuanError(Exception):
    status: int
    code: str
    message: str
    message_en: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message_en or self.message}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Client:
    def __init__(self, base_url: str, token: str, *, timeout: float = 120) -> None:
        parts = urlsplit(base_url)
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.prefix = parts.path.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    # ---- transport -----------------------------------------------------------------

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            cls = (
                http.client.HTTPSConnection
                if self.scheme == "https"
                else http.client.HTTPConnection
            )
            self._connection = cls(self.netloc, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json_body: Any = None,
        body: bytes | BinaryIO | Iterator[bytes] | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> Response:
        """One request; the API's error shape becomes AnxuanError. `path` is under /api/v1
        unless it starts with the prefix already (as Location headers do)."""
        url = path if path.startswith(self.prefix) else self.prefix + path
        if params:
            url += "?" + urlencode({k: v for k, v in params.items() if v is not None})
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            **(headers or {}),
        }
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        connection = self._connect()
        try:
            connection.request(method, url, body=body, headers=headers, encode_chunked=False)
            reply = connection.getresponse()
            data = reply.read()
        except (ConnectionError, http.client.HTTPException, TimeoutError):
            self.close()
            raise
        response = Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, data)
        if reply.will_close:
            self.close()
        if response.status not in ok:
            raise _error(response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.send("GET", path, params=params).json()

    def post(self, path: str, payload: Any = None, *, idempotency_key: str | None = None) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        body = payload if payload is not None else {}
        return self.send("POST", path, json_body=body, headers=headers, ok=(200, 201, 202)).json()

    def pages(self, path: str, **params: Any) -> Iterator[dict]:
        """Every item of a cursor-paginated list."""
        cursor = None
        while True:
            page = self.get(path, **params, cursor=cursor)
            yield from page["items"]
            cursor = page.get("next")
            if not cursor:
                return

    # ---- reporting -----------------------------------------------------------------

    def me(self) -> dict:
        return self.get("/me")

    def due(self) -> list[dict]:
        """What the person's units must report, overdue first."""
        return self.get("/me/due")

    def create_draft(
        self,
        *,
        participant_id: int,
        period_id: int | None = None,
        requirement_id: int | None = None,
        text: str = "",
        activities: list[dict] | None = None,
        values: dict[int | str, float | str] | None = None,
        important: bool = False,
        idempotency_key: str | None = None,
    ) -> dict:
        payload = {
            "participant_id": participant_id,
            "period_id": period_id,
            "requirement_id": requirement_id,
            "text": text,
            "activities": activities or [],
            "values": {str(k): str(v) for k, v in (values or {}).items()},
            "important": important,
        }
        return self.post("/submissions", payload, idempotency_key=idempotency_key or new_key())

    def upload(self, submission_id: int, path: str, *, idempotency_key: str | None = None) -> dict:
        """Attach a file to the draft in one request (multipart, streamed from disk)."""
        return self._multipart(
            f"/submissions/{submission_id}/attachments",
            {},
            [("file", path)],
            idempotency_key=idempotency_key,
        )

    def _multipart(
        self,
        path: str,
        fields: dict[str, str],
        files: list[tuple[str, str]],
        *,
        idempotency_key: str | None = None,
    ) -> dict:
        """POST form fields and files (field name, path on disk) as multipart/form-data,
        the files streamed from disk, with an Idempotency-Key."""
        boundary = uuid.uuid4().hex
        parts: list[bytes | str] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
        for name, file_path in files:
            filename = os.path.basename(file_path)
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: '
                    f"{mimetypes.guess_type(filename)[0] or 'application/octet-stream'}\r\n\r\n"
                ).encode()
            )
            parts.append(file_path)  # a path: streamed
            parts.append(b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        size = sum(os.path.getsize(p) if isinstance(p, str) else len(p) for p in parts)

        def body() -> Iterator[bytes]:
            for part in parts:
                if isinstance(part, bytes):
                    yield part
                    continue
                with open(part, "rb") as source:
                    while chunk := source.read(CHUNK):
                        yield chunk

        return self.send(
            "POST",
            path,
            body=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(size),
                "Idempotency-Key": idempotency_key or new_key(),
            },
        ).json()

    def upload_resumable(
        self,
        submission_id: int,
        path: str,
        *,
        chunk_size: int = 8 * CHUNK,
        retries: int = 5,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> dict:
        """Attach a large file with the tus 1.0 protocol: sent in pieces; after a dropped
        connection it asks the server where it stands and goes on from there. Returns the
        attachment as the report lists it."""
        length = os.path.getsize(path)
        location = self.start_resumable(submission_id, os.path.basename(path), length)
        attachment_id = self.resume(
            location, path, chunk_size=chunk_size, retries=retries, on_progress=on_progress
        )
        report = self.get(f"/submissions/{submission_id}")
        return next(a for a in report["attachments"] if a["id"] == attachment_id)

    def upload_direct(self, submission_id: int, path: str, *, retries: int = 5) -> dict:
        """Attach a file by sending its bytes straight to the object store (where the server
        keeps its files in one): announced with its size and SHA-256, PUT to the signed
        address the server gives, then checked by the server. A failed PUT or check is
        tried again. Returns the attachment."""
        size, digest = os.path.getsize(path), _sha256(path)
        announced = self.send(
            "POST",
            f"/submissions/{submission_id}/direct-uploads",
            json_body={"filename": os.path.basename(path), "size": size, "sha256": digest},
            headers={"Idempotency-Key": new_key()},
            ok=(201,),
        ).json()
        failures = 0
        while True:
            try:
                put(announced["url"], path, announced["headers"], timeout=self.timeout)
                return self.send("POST", announced["complete"], ok=(201,)).json()
            except (AnxuanError, OSError, http.client.HTTPException) as exc:
                if isinstance(exc, AnxuanError) and exc.status != 503:
                    raise  # refused for what it is, not for the store being away
                failures += 1
                if failures > retries:
                    raise
                time.sleep(min(2**failures / 10, 5))

    def start_resumable(self, submission_id: int, filename: str, length: int) -> str:
        metadata = "filename " + base64.b64encode(filename.encode()).decode()
        created = self.send(
            "POST",
            f"/submissions/{submission_id}/uploads",
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Upload-Length": str(length),
                "Upload-Metadata": metadata,
                "Content-Length": "0",
            },
            body=b"",
            ok=(201,),
        )
        return created.headers["location"]

    def offset(self, location: str) -> int:
        reply = self.send("HEAD", location, headers={"Tus-Resumable": TUS_VERSION}, ok=(200,))
        return int(reply.headers["upload-offset"])

    def resume(
        self,
        location: str,
        path: str,
        *,
        chunk_size: int = 8 * CHUNK,
        retries: int = 5,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Send the rest of the file from where the server stands; returns the id of the
        attachment it became."""
        length = os.path.getsize(path)
        failures = 0
        with open(path, "rb") as source:
            while True:
                try:
                    at = self.offset(location)
                    source.seek(at)
                    piece = source.read(min(chunk_size, length - at))
                    reply = self.send(
                        "PATCH",
                        location,
                        body=piece,
                        headers={
                            "Tus-Resumable": TUS_VERSION,
                            "Upload-Offset": str(at),
                            "Content-Type": "application/offset+octet-stream",
                        },
                        ok=(204,),
                    )
                except (ConnectionError, http.client.HTTPException, TimeoutError):
                    failures += 1
                    if failures > retries:
                        raise
                    time.sleep(min(2**failures / 10, 5))
                    continue
                done = int(reply.headers["upload-offset"])
                if on_progress:
                    on_progress(done, length)
                if done == length:
                    return int(reply.headers["anxuan-attachment"])

    def submit(self, submission_id: int, *, idempotency_key: str | None = None) -> dict:
        """Hand the draft in as a new version. Retried with the same key, it never makes
        a second version."""
        return self.post(
            f"/submissions/{submission_id}/submit", idempotency_key=idempotency_key or new_key()
        )

    def versions(self, submission_id: int) -> list[dict]:
        return list(self.pages(f"/submissions/{submission_id}/versions"))

    def accept(self, submission_id: int) -> dict:
        return self.post(f"/submissions/{submission_id}/accept")

    def return_(self, submission_id: int, reason: str) -> dict:
        return self.post(f"/submissions/{submission_id}/return", {"reason": reason})

    # ---- integrity flags (formalism detection) ---------------------------------------

    def flags(self, campaign_id: int | None = None, **filters: Any) -> list[dict]:
        """A campaign's flags for its office and reviewers (`kind=`, `state=`, `severity=`,
        `participant=`), or without a campaign the flags on the caller's own units' reports
        (`campaign=`, `state=`)."""
        path = f"/campaigns/{campaign_id}/flags" if campaign_id is not None else "/flags"
        return list(self.pages(path, **filters))

    def flag(self, flag_id: int) -> dict:
        """A flag, both items as the caller may see them, and its explanations."""
        return self.get(f"/flags/{flag_id}")

    def explain(
        self,
        flag_id: int,
        text: str,
        paths: list[str] | tuple[str, ...] = (),
        *,
        idempotency_key: str | None = None,
    ) -> dict:
        """The unit's explanation of a flag, with new evidence files from disk."""
        return self._multipart(
            f"/flags/{flag_id}/explanations",
            {"text": text},
            [("files", path) for path in paths],
            idempotency_key=idempotency_key,
        )

    def confirm(self, flag_id: int, reason: str) -> dict:
        return self.post(f"/flags/{flag_id}/confirm", {"reason": reason})

    def dismiss(self, flag_id: int, reason: str) -> dict:
        return self.post(f"/flags/{flag_id}/dismiss", {"reason": reason})

    def flag_photo(self, flag_id: int, side: str, target: str) -> str:
        """Save the thumbnail of the flagged photo (`this`) or of the one it matches
        (`other`) to `target`."""
        self.download(f"/flags/{flag_id}/photos/{side}", target)
        return target

    # ---- exports -------------------------------------------------------------------

    def export(
        self, campaign_id: int, kind: str, target: str, *, poll: float = 0.5, **options: Any
    ) -> str:
        """Start an export (statistics, board, summary, evidence), wait for the worker to
        make it and save it to `target`. Returns the path."""
        job = self.post(f"/campaigns/{campaign_id}/exports", {"kind": kind, **options})
        while job["state"] in ("queued", "running"):
            time.sleep(poll)
            job = self.get(f"/exports/{job['id']}")
        if job["state"] != "done":
            raise AnxuanError(409, f"export_{job['state']}", job["state"])
        self.download(f"/exports/{job['id']}/file", target)
        return target

    def download(self, path: str, target: str) -> None:
        url = path if path.startswith(self.prefix) else self.prefix + path
        connection = self._connect()
        connection.request("GET", url, headers={"Authorization": f"Bearer {self.token}"})
        reply = connection.getresponse()
        if reply.status != 200:
            raise _error(Response(reply.status, dict(reply.getheaders()), reply.read()))
        with open(target, "wb") as out:
            while chunk := reply.read(CHUNK):
                out.write(chunk)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def put(url: str, path: str, headers: dict[str, str], *, timeout: float = 120) -> None:
    """PUT a file to a signed address (the object store), streamed from disk."""
    parts = urlsplit(url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = cls(parts.netloc, timeout=timeout)
    try:
        with open(path, "rb") as source:
            target = parts.path + ("?" + parts.query if parts.query else "")
            connection.request("PUT", target, body=source, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
        if reply.status not in (200, 201, 204):
            raise ConnectionError(f"the object store answered {reply.status}: {data[:200]!r}")
    finally:
        connection.close()


def new_key() -> str:
    return uuid.uuid4().hex


def _error(response: Response) -> AnxuanError:
    try:
        data = response.json() or {}
    except ValueError:
        data = {}
    return AnxuanError(
        response.status,
        data.get("code", "http_error"),
        data.get("message", response.body[:200].decode(errors="replace")),
        data.get("message_en", ""),
        data.get("fields", {}),
    )
