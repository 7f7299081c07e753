"""The example script sends a week's report from the command line, as a liaison would."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.reports.models import SubmissionVersion
from tests.api.conftest import token_for
from tests.reports import evidence

SCRIPT = Path(__file__).resolve().parents[2] / "clients" / "python" / "submit_weekly_report.py"


@pytest.mark.django_db(transaction=True)
def test_a_weekly_report_with_a_photo_and_a_video_from_the_command_line(
    live_server, county, tmp_path
):
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(evidence.jpeg().read())
    video = tmp_path / "演练.mp4"
    video.write_bytes(evidence.mp4_bytes(3 * 2**20))

    with time_machine.travel(datetime(2026, 6, 3, 10, 0, tzinfo=SHANGHAI)):
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [
                sys.executable,
                str(SCRIPT),
                "--url",
                live_server.url,
                "--token",
                token_for(county.town_liaison),
                "--text",
                "本周开展安全宣传咨询活动。",
                "--activity",
                "安全宣传咨询日",
                "--people",
                "120",
                "--held-on",  # the script's default is its own (unfrozen) today
                "2026-06-02",
                str(photo),
                str(video),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "城关镇 第1周: version 1, submitted, on_time"
    version = SubmissionVersion.objects.get()
    assert sorted(a.kind for a in version.attachments.all()) == ["photo", "video"]
    assert [(a.activity_type, a.people_reached) for a in version.activities.all()] == [
        ("安全宣传咨询日", 120)
    ]
