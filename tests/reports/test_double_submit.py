"""A report sent twice — a double click, two tabs, a retry — is one report with one version,
and whoever sent it second sees the submitted report, never an error page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from anxuan.campaigns.enums import Schedule
from anxuan.reports.enums import State
from anxuan.reports.models import Submission, SubmissionVersion
from tests import factories
from tests.api.conftest import ApiClient, token_for
from tests.concurrency import at_once
from tests.reports.test_views import new_url, report_form


def _adhoc_url(county) -> str:
    adhoc = county.campaign.requirements.get(schedule=Schedule.ANYTIME)
    query = f"participant={county.participant.pk}&requirement={adhoc.pk}"
    return f"{reverse('reports:report_new')}?{query}"


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page)
    assert found, "the ad-hoc form carries a one-time token"
    return found.group(1)


def _client(person) -> Client:
    client = Client()
    client.force_login(person, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    return client


def test_the_same_ad_hoc_form_sent_twice_makes_one_report(county, login):
    client = login(county.town_liaison)
    url = _adhoc_url(county)
    form = {**report_form(submit="1"), "form_token": _form_token(client.get(url).content.decode())}

    first = client.post(url, form)
    second = client.post(url, form)

    submission = Submission.objects.get(participant=county.participant, period=None)
    assert [first.status_code, second.status_code] == [302, 302]
    assert first.url == second.url == reverse("reports:report_detail", args=[submission.pk])
    assert submission.versions.count() == 1
    assert submission.state == State.SUBMITTED


def test_two_ad_hoc_forms_make_two_reports(county, login):
    client = login(county.town_liaison)
    url = _adhoc_url(county)

    for _ in range(2):
        token = _form_token(client.get(url).content.decode())
        client.post(url, {**report_form(submit="1"), "form_token": token})

    assert Submission.objects.filter(participant=county.participant, period=None).count() == 2


def test_the_same_ad_hoc_form_saved_twice_keeps_one_draft(county, login):
    client = login(county.town_liaison)
    url = _adhoc_url(county)
    form = {**report_form(save="1"), "form_token": _form_token(client.get(url).content.decode())}

    client.post(url, form)
    client.post(url, {**form, "text": "改过的草稿"})

    draft = Submission.objects.get(participant=county.participant, period=None)
    assert (draft.state, draft.draft["text"]) == (State.DRAFT, "改过的草稿")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_parallel_submits_of_a_weekly_report_make_one_version(county):
    period = factories.weekly_period(county.campaign)
    url = new_url(county.participant, period)

    responses = at_once(
        2, lambda _: _client(county.town_liaison).post(url, report_form(submit="1"))
    )

    submission = Submission.objects.get(participant=county.participant, period=period)
    detail = reverse("reports:report_detail", args=[submission.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, detail)] * 2
    assert SubmissionVersion.objects.filter(submission=submission).count() == 1
    page = _client(county.town_liaison).get(detail).content.decode()
    assert "6月2日在中心广场开展安全宣传咨询活动" in page


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_parallel_submits_of_different_weekly_reports_tell_the_loser(county):
    period = factories.weekly_period(county.campaign)
    url = new_url(county.participant, period)
    texts = ["第一份周报", "第二份周报"]

    responses = at_once(
        2,
        lambda i: _client(county.town_liaison).post(url, report_form(submit="1", text=texts[i])),
    )

    submission = Submission.objects.get(participant=county.participant, period=period)
    detail = reverse("reports:report_detail", args=[submission.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, detail)] * 2
    assert SubmissionVersion.objects.filter(submission=submission).count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_parallel_posts_of_one_ad_hoc_form_make_one_report(county):
    url = _adhoc_url(county)
    token = _form_token(_client(county.town_liaison).get(url).content.decode())
    form = {**report_form(submit="1"), "form_token": token}

    responses = at_once(2, lambda _: _client(county.town_liaison).post(url, form))

    submission = Submission.objects.get(participant=county.participant, period=None)
    detail = reverse("reports:report_detail", args=[submission.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, detail)] * 2
    assert submission.versions.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_parallel_api_drafts_of_one_period_make_one_submission(county):
    period = factories.weekly_period(county.campaign)
    token = token_for(county.town_liaison)
    body = {"participant_id": county.participant.pk, "period_id": period.pk, "text": "周报"}

    responses = at_once(2, lambda _: ApiClient(token).post("/submissions", json=body))

    submission = Submission.objects.get(participant=county.participant, period=period)
    assert {r.status_code for r in responses} <= {200, 201}
    assert {r.json()["id"] for r in responses} == {submission.pk}
