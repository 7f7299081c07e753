"""Exports through the API: started, polled and downloaded like the pages' exports."""

import io

import pytest
from anxuan_client import Client
from django.test import TestCase
from openpyxl import load_workbook

from anxuan.exports.models import ExportJob
from tests.api.conftest import token_for
from tests.rollup.test_board import statistics_submission


def test_the_statistics_table_comes_out_of_the_api_adding_up(county, api_as):
    statistics_submission(county, county.participant, county.town_liaison, {"宣传展板": "5"})
    statistics_submission(county, county.other_participant, county.other_liaison, {"宣传展板": "3"})
    office = api_as(county.office_admin)

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = office.post(
            f"/campaigns/{county.campaign.pk}/exports", {"kind": "statistics", "basis": "submitted"}
        )
    job = office.get(f"/exports/{started.json()['id']}").json()
    download = office.get(job["file"].removeprefix("/api/v1"))

    assert started.status_code == 202
    assert (job["state"], job["percent"]) == ("done", 100)
    assert job["filename"] == "2026年“安全生产月”活动-进展情况统计表.xlsx"
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert rows[-2][:2] == ("合计", 8)
    assert rows[-1][:2] == ("未报送单位", "1 个：县交通运输局")


def test_an_unknown_kind_names_the_field(county, api_as):
    response = api_as(county.office_admin).post(
        f"/campaigns/{county.campaign.pk}/exports", {"kind": "passwords"}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kind"]
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_client_waits_for_the_worker_and_saves_the_file(live_server, county, tmp_path):
    client = Client(live_server.url, token_for(county.office_admin))

    path = client.export(county.campaign.pk, "summary", str(tmp_path / "总结.docx"))

    from docx import Document

    assert "2026年“安全生产月”活动总结" in Document(path).paragraphs[0].text
    client.close()
