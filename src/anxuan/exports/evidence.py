"""The evidence package: every file of the latest version of each report, a folder per unit
and period, with a manifest of checksums. Written file by file in pieces: never held whole
in memory."""

import csv
import io
import zipfile
from typing import BinaryIO

from django.core.files.storage import default_storage
from django.utils import timezone

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Campaign
from anxuan.core.files import CHUNK
from anxuan.core.sheets import sheet_row
from anxuan.exports.xlsx import Progress
from anxuan.reports.models import Attachment
from anxuan.reports.selectors import latest_versions


def _safe(name: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|' else c for c in name).strip() or "_"


def evidence_zip(campaign: Campaign, out: BinaryIO, progress: Progress = lambda *_: None) -> None:
    versions = latest_versions(campaign)
    total = Attachment.objects.filter(versions__in=versions.values("id")).count()
    done = 0
    progress(done, total)
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["单位", "报送事项", "期次", "文件", "SHA-256", "字节", "拍摄时间", "提交时间"])
    # Names typed by people go through sheet_row: opened in Excel, none runs as a formula.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for version in versions.iterator(chunk_size=200):
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
                        progress(done, total)  # shows life while a large video is copied
                writer.writerow(
                    sheet_row(
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
                )
                done += 1
                progress(done, total)
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
