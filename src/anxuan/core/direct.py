"""Direct uploads (decision 0025): a phone sends a large file straight to the object store
with a presigned PUT that the app issues, so that the bytes never pass through a Python
worker on the way in; the app then checks what arrived (size, SHA-256, type by content)
and moves it under its hash with a copy inside the store.

Only an S3 storage (S3_ENDPOINT_URL) can take them; the local disk of a one-machine install
has no address a phone could send to, and the plain and resumable uploads stay for it."""

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

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


def presign_put(name: str, *, size: int, content_type: str, seconds: int) -> Presigned:
    """A PUT of `size` bytes to `name` that the store accepts for `seconds`, signed for the
    length and type given (a different one is refused by the store), at the address phones
    reach the store at (S3_PUBLIC_URL)."""
    url = _signer().generate_presigned_url(
        "put_object",
        Params={
            "Bucket": _s3().bucket_name,
            "Key": _key(name),
            "ContentLength": size,
            "ContentType": content_type,
        },
        ExpiresIn=seconds,
    )
    return Presigned(url, {"Content-Type": content_type, "Content-Length": str(size)})


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
