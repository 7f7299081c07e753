"""The example script sends a week's report from the command line, as a liaison would."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.reports.models import SubmissionVersion
from tests.api import flags
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


@pytest.mark.django_db(transaction=True)
def test_the_client_explains_a_flag_and_the_office_decides(live_server, county, tmp_path):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from anxuan_client import AnxuanError, Client
    finally:
        sys.path.remove(str(SCRIPT.parent))
    flag = flags.town_flag(county, flags.another_countys_report(county))
    proof = tmp_path / "原图.jpg"
    proof.write_bytes(evidence.jpeg("原图.jpg").read())
    liaison = Client(live_server.url, token_for(county.town_liaison))
    office = Client(live_server.url, token_for(county.office_admin))

    # (the checks, run as the reports are submitted, may flag the test photos themselves)
    listed = next(f for f in liaison.flags() if f["id"] == flag.pk)
    explained = liaison.explain(listed["id"], "照片为本周活动现场所摄", [str(proof)])
    preview = liaison.flag_photo(flag.pk, "other", str(tmp_path / "other.jpg"))
    decided = office.dismiss(flag.pk, "原图已核实")
    with pytest.raises(AnxuanError) as refused:
        liaison.explain(flag.pk, "再补充说明")
    dismissed = office.flags(county.campaign.pk, state="dismissed")
    liaison.close()
    office.close()

    assert listed["other"] == {
        "full": False,
        "year": 2026,
        "level": "乡镇（街道）",
        "thumbnail": f"/api/v1/flags/{flag.pk}/photos/other",
    }
    assert explained["state"] == "explained"
    assert explained["explanations"][0]["files"][0]["name"] == "原图.jpg"
    assert Path(preview).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert [f["id"] for f in dismissed] == [flag.pk]
    assert decided["decision_reason"] == "原图已核实"
    assert (refused.value.status, refused.value.message) == (409, "办公室已对该疑点作出决定。")
