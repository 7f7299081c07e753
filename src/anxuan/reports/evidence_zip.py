"""The evidence package: every file of the latest version of each report, a folder per unit
and period, with a manifest of checksums. Streamed: never held whole in memory."""

import csv
import io
import zipfile
from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Campaign
from anxuan.core.files import CHUNK
from anxuan.reports.enums import State
from anxuan.reports.models import SubmissionVersion


class _Pipe(io.RawIOBase):
    """A write-only stream whose written bytes are collected and handed out in pieces."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _safe(name: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|' else c for c in name).strip() or "_"


def latest_versions(campaign: Campaign):
    latest = (
        SubmissionVersion.objects.filter(submission__requirement__campaign=campaign)
        .exclude(submission__state=State.DRAFT)
        .values("submission_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    return (
        SubmissionVersion.objects.filter(id__in=latest)
        .select_related(
            "submission__participant__organization",
            "submission__requirement",
            "submission__period__requirement",
        )
        .prefetch_related("attachments")
        .order_by("submission__participant__organization__path", "submission__period__due_at", "id")
    )


def evidence_zip(campaign: Campaign) -> Iterator[bytes]:
    pipe = _Pipe()
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["单位", "报送事项", "期次", "文件", "SHA-256", "字节", "拍摄时间", "提交时间"])
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for version in latest_versions(campaign).iterator(chunk_size=200):
            submission = version.submission
            period = submission.period
            when = (
                period.label
                if period and submission.requirement.schedule == Schedule.WEEKLY
                else submission.requirement.title
            )
            folder = f"{_safe(submission.participant.organization.name)}/{_safe(when)}"
            for attachment in version.attachments.all():
                name = f"{folder}/{attachment.pk}-{_safe(attachment.original_name)}"
                info = zipfile.ZipInfo(
                    name, date_time=timezone.localtime(version.submitted_at).timetuple()[:6]
                )
                with (
                    default_storage.open(attachment.storage_name, "rb") as source,
                    archive.open(info, "w", force_zip64=attachment.size > 2**31) as target,
                ):
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
                        yield pipe.take()
                writer.writerow(
                    [
                        submission.participant.organization.name,
                        submission.requirement.title,
                        when,
                        name,
                        attachment.sha256,
                        attachment.size,
                        f"{timezone.localtime(attachment.taken_at):%Y-%m-%d %H:%M}"
                        if attachment.taken_at
                        else "",
                        f"{timezone.localtime(version.submitted_at):%Y-%m-%d %H:%M}",
                    ]
                )
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
    yield pipe.take()
