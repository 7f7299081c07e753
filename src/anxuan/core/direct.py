"""Direct uploads (decision 0025): a phone sends a large file straight to the object store
with a presigned PUT that the app issues, so that the bytes never pass through a Python
worker on the way in; the app then checks what arrived (size, SHA-256, type by content)
and moves it under its hash with a copy inside the store.

The PUT is signed with the SHA-256 the phone announced (x-amz-checksum-sha256, decision
0028): the store refuses bytes that hash otherwise and keeps the checksum, so the check
reads the object's head, the checksum and only the bytes its type needs (by ranged reads),
not the whole file again. A store that keeps no checksum gets the whole file read back.

Only an S3 storage (S3_ENDPOINT_URL) can take them; the local disk of a one-machine install
has no address a phone could send to, and the plain and resumable uploads stay for it."""

import base64
import io
from dataclasses import dataclass
from functools import cache
from typing import IO, Any, cast

from django.conf import settings
from django.core.files.storage import default_storage

from anxuan.core.files import Inspected, mark_used, storage_name

DIRECT = "direct-uploads"  # where the phones' PUTs land, until checked


def enabled() -> bool:
    """Whether the default storage is an object store that takes presigned uploads."""
    from storages.backends.s3 import S3Storage

    return isinstance(default_storage, S3Storage)  # a lazy object passes for what it wraps


def _key(name: str) -> str:
    """The bucket key of a storage name (the storage's own prefix, `location`, added)."""
    from storages.utils import clean_name

    return cast(str, _s3()._normalize_name(clean_name(name)))


def _s3() -> Any:
    """The default storage as the S3 backend it is here (django-storages has no types)."""
    return default_storage


def _client() -> Any:
    return _s3().connection.meta.client


@dataclass(frozen=True)
class Presigned:
    url: str
    headers: dict[str, str]  # to send with the PUT, exactly


def _signer() -> Any:
    """An S3 client for the address phones reach the store at (S3_PUBLIC_URL): the host is
    part of a presigned address's signature, so it is signed for that host, not rewritten
    after signing. Signing is local: this client sends nothing."""
    storage = _s3()
    public = settings.S3_PUBLIC_URL or storage.endpoint_url
    if public.rstrip("/") == storage.endpoint_url.rstrip("/"):
        return _client()
    return _public_client(public, storage.access_key, storage.secret_key, storage.region_name)


@cache
def _public_client(endpoint: str, access_key: str, secret_key: str, region: str) -> Any:
    from anxuan.core.seaweed import s3_client

    return s3_client(endpoint, access_key, secret_key, region)


def presign_put(
    name: str, *, size: int, content_type: str, seconds: int, sha256: str | None = None
) -> Presigned:
    """A PUT of `size` bytes to `name` that the store accepts for `seconds`, signed for the
    length and type given (a different one is refused by the store), and for the SHA-256
    (hex) when given: the store refuses bytes that hash otherwise. At the address phones
    reach the store at (S3_PUBLIC_URL)."""
    params: dict[str, object] = {
        "Bucket": _s3().bucket_name,
        "Key": _key(name),
        "ContentLength": size,
        "ContentType": content_type,
    }
    headers = {"Content-Type": content_type, "Content-Length": str(size)}
    if sha256 is not None:
        params["ChecksumSHA256"] = headers["x-amz-checksum-sha256"] = _base64(sha256)
    url = _signer().generate_presigned_url("put_object", Params=params, ExpiresIn=seconds)
    return Presigned(url, headers)


def _base64(sha256: str) -> str:
    return base64.b64encode(bytes.fromhex(sha256)).decode()


@dataclass(frozen=True)
class Arrived:
    size: int
    sha256: str | None  # hex, as the store checked it on the PUT; None: it keeps none


def arrived(name: str) -> Arrived | None:
    """What the store holds at `name` (None: nothing), by one HEAD."""
    try:
        head = _client().head_object(
            Bucket=_s3().bucket_name, Key=_key(name), ChecksumMode="ENABLED"
        )
    except _client().exceptions.ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    checksum = head.get("ChecksumSHA256")
    sha256 = base64.b64decode(checksum).hex() if checksum else None
    return Arrived(int(head["ContentLength"]), sha256)


class _Ranged(io.RawIOBase):
    """An object in the store read by ranged GETs: what a type check needs of a large
    file (its first bytes, a video's index at its end) without fetching the rest."""

    def __init__(self, name: str, size: int) -> None:
        self.key, self.size, self.position = _key(name), size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        end = min(self.position + len(buffer), self.size)
        if end <= self.position:
            return 0
        reply = _client().get_object(
            Bucket=_s3().bucket_name, Key=self.key, Range=f"bytes={self.position}-{end - 1}"
        )
        data = reply["Body"].read()
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


RANGE_BYTES = 256 * 1024  # one ranged read: a photo's header, mostly, in one


def open_arrived(name: str, found: Arrived) -> IO[bytes]:
    """The object to check: read in ranges where the store checked its SHA-256, whole
    (default_storage) where it keeps none."""
    if found.sha256 is None:
        return cast(IO[bytes], default_storage.open(name, "rb"))
    return cast(IO[bytes], io.BufferedReader(_Ranged(name, found.size), RANGE_BYTES))


def adopt(name: str, inspected: Inspected) -> str:
    """Move a checked direct upload under its hash (once: the same bytes are stored one
    time), by a copy inside the store, and remove the upload's own object. Returns the
    storage name."""
    target = storage_name(inspected.sha256, inspected.extension)
    if default_storage.exists(target):
        mark_used(target)
    else:
        bucket = _s3().bucket_name
        _client().copy_object(
            Bucket=bucket, Key=_key(target), CopySource={"Bucket": bucket, "Key": _key(name)}
        )
        if default_storage.size(target) != inspected.size:
            default_storage.delete(target)
            raise OSError(f"the copy of {name} to {target} is not whole")
    default_storage.delete(name)
    return target
