"""The API fuzzed against its own OpenAPI schema (schemathesis), on a live server over
loopback, authenticated as each role and as nobody.

Besides schemathesis's own checks (no 5xx; statuses, content types, headers and bodies as
the schema says), the test checks the rules: path ids are often swapped for the ids of
real objects, including other units' and another county's, and no answer may show a role
what it must not see; afterwards, what a role may not change is unchanged."""

import base64
import json
import random

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anxuan.api.api import api
from anxuan.assessment import services as assessment_services
from anxuan.core.files import inspect_upload
from anxuan.exports import services as export_services
from anxuan.orgs.enums import OrgKind
from anxuan.reports import resumable
from anxuan.reports import services as report_services
from anxuan.reports.models import Submission
from anxuan.tips import handling
from anxuan.tips import services as tip_services
from tests import factories
from tests.api import flags
from tests.api.conftest import API, token_for
from tests.reports import evidence

EXAMPLES = 12  # generated cases per operation and persona
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Words only in what one role must never see.
TOWN_SECRET = "城关镇周报暗号甲"  # the town's report: not for the other town's liaison
OTHER_SECRET = "宣化镇周报暗号乙"  # the other town's report: not for the town's liaison
ELSEWHERE = "临泽县鸭暖镇"  # a town of another county: not for anyone of this county
TIP_SECRET = "罐区动火暗号丙"  # a tip to the county office: for its office only
REPORTER = ["王强", "13912345678"]  # the tip's reporter: for nobody
FORBIDDEN = {
    "office_admin": [ELSEWHERE, *REPORTER],
    "town_liaison": [OTHER_SECRET, ELSEWHERE, TIP_SECRET, *REPORTER],
    "other_liaison": [TOWN_SECRET, ELSEWHERE, TIP_SECRET, *REPORTER],
    "reviewer": [ELSEWHERE, TIP_SECRET, *REPORTER],
    "anonymous": [TOWN_SECRET, OTHER_SECRET, ELSEWHERE, "城关镇", TIP_SECRET, *REPORTER],
}


def _report(liaison, participant, week, text: str) -> Submission:
    draft = factories.report(liaison, participant, week, text)
    photo = evidence.jpeg(f"{text}.jpg")
    report_services.attach_files(
        actor=liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )
    report_services.submit_report(actor=liaison, submission=draft)
    return draft


@pytest.fixture
def world(county):
    """Real objects of every kind the API's paths name, by path parameter."""
    elsewhere = county.outsider.memberships.get().organization
    far_town = factories.org(ELSEWHERE, OrgKind.TOWN, elsewhere)
    week = factories.weekly_period(county.campaign)
    town_report = _report(county.town_liaison, county.participant, week, TOWN_SECRET)
    other_report = _report(county.other_liaison, county.other_participant, week, OTHER_SECRET)
    draft = factories.report(
        county.town_liaison,
        county.participant,
        factories.weekly_period(county.campaign, 2),
        "第二周草稿",
    )
    upload = resumable.start_upload(
        actor=county.town_liaison, submission=draft, filename="a.mp4", length=5000
    )
    job = export_services.start_export(
        actor=county.office_admin,
        campaign=county.campaign,
        kind="statistics",
        options={"basis": "accepted"},
    )
    assessment_services.open_for_scoring(  # the rubric, open for self-scores and scores
        actor=county.office_admin, rubric=assessment_services.from_template(county.campaign)
    )
    town_photo = (town_report, town_report.attachments.get())
    other_photo = (other_report, other_report.attachments.get())
    far_photo = flags.another_countys_report(county, f"{ELSEWHERE}二村")
    matched = [
        flags.reused_photo(*town_photo, other_photo),  # the town's flag, the other town's photo
        flags.reused_photo(*other_photo, town_photo),  # and the other way round
        flags.reused_photo(*town_photo, far_photo),  # another county's photo
    ]
    tip = tip_services.file_tip(
        place=county.town,
        address="工业园区 3 号",
        target="某化工有限公司",
        category="major_hazard",
        description=TIP_SECRET,
        name=REPORTER[0],
        mobile=REPORTER[1],
    ).tip
    accepted = handling.accept(
        tip_services.file_tip(
            place=county.other_town,
            address="宣化镇 1 号",
            target="某烟花爆竹店",
            category="illegal_operation",
            description=f"{TIP_SECRET}二",
        ).tip,
        county.office_staff,
    )
    far_tip = tip_services.file_tip(
        place=far_town,
        address="鸭暖镇 2 号",
        target="某矿",
        category="major_hazard",
        description=f"{ELSEWHERE}三",
    ).tip
    return {
        "tip_id": [tip.pk, accepted.pk, far_tip.pk],
        "flag_id": [f.pk for f in matched],
        "org_id": [county.county.pk, county.town.pk, county.other_town.pk, far_town.pk],
        "campaign_id": [county.campaign.pk],
        "participant_id": [county.participant.pk, county.other_participant.pk],
        "submission_id": [town_report.pk, other_report.pk, draft.pk],
        "attachment_id": [a.pk for r in (town_report, other_report) for a in r.attachments.all()],
        "upload_id": [str(upload.pk)],
        "export_id": [job.pk],
        "period_id": [week.pk],
    }


def _the_towns_report(county) -> tuple:
    report = Submission.objects.get(participant=county.participant, draft__text=TOWN_SECRET)
    return report.state, report.versions.count(), report.attachments.count()


def public_operations() -> set[str]:
    """The labels ("POST /api/v1/tips") of the operations anyone may call: no security."""
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "security" not in operation
    }


def fuzz(base_url: str, county, world: dict, persona: str) -> list[str]:
    """Every operation of the live schema, `EXAMPLES` generated cases each, as `persona`.
    Returns the failures, one line per operation. (Schemathesis's pytest integration does
    not run on pytest 9.2, so its strategies are driven by Hypothesis here.)"""
    schema = schemathesis.openapi.from_url(f"{base_url}{API}/openapi.json")
    token = None if persona == "anonymous" else token_for(getattr(county, persona))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    town_report = _the_towns_report(county)
    public = public_operations()
    failures = []

    for result in schema.get_all_operations():
        operation = result.ok()
        needs_auth = operation.label not in public

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            chooser = random.Random(repr(case.path_parameters))  # the same case, the same ids
            for name in list(case.path_parameters or {}):
                if name in world and chooser.random() < 0.7:
                    case.path_parameters[name] = chooser.choice(world[name])

            response = case.call_and_validate(headers=headers, checks=CHECKS)

            if persona == "anonymous" and needs_auth:  # noqa: B023 - run in this iteration
                assert response.status_code == 401, response.text
            if response.status_code < 300:
                seen = response.content.decode(errors="replace")
                leaked = [w for w in FORBIDDEN[persona] if w in seen]
                assert not leaked, f"{persona} saw {leaked}"
            if persona in ("other_liaison", "anonymous"):
                assert _the_towns_report(county) == town_report, "changed the town's report"

        try:
            call()
        except Exception as exc:  # every operation's failure is reported
            failures.append(f"{operation.label}: {str(exc)[:500]}")
    return failures


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", sorted(FORBIDDEN))
def test_the_api_keeps_its_schema_and_its_rules(live_server, county, world, persona, settings):
    settings.API_RATE_PER_MINUTE = settings.API_ANON_RATE_PER_MINUTE = 10**6

    failures = fuzz(live_server.url, county, world, persona)

    assert failures == []


def _cursor(raw: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


# Cursors no list makes: not base64, not JSON, keys of the wrong type for any ordering
# (a number where a date is ordered on, a word where a number is), ids out of range.
HOSTILE_CURSORS = [
    "!!!",
    "abc",
    _cursor("x"),
    _cursor([1, 10**25]),
    _cursor([1, -1]),
    _cursor([1.5, 1]),
    _cursor([True, 1]),
    _cursor(["x", 1]),
    _cursor(["2026-13-45", 3]),
    _cursor(["2026-06-01T00:00:00", 3]),
    _cursor([10**25, 1]),
    _cursor([None, 1]),
]


def test_a_malformed_cursor_is_a_400_on_every_list(county, api_as):
    report = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    office = api_as(county.office_admin)
    ids = {"campaign_id": county.campaign.pk, "submission_id": report.pk}
    lists = [
        path.removeprefix(API).format(**ids)
        for path, operations in office.get("/openapi.json").json()["paths"].items()
        for operation in operations.values()
        if any(p["name"] == "cursor" for p in operation.get("parameters", []))
    ]
    answers = set()

    for path in lists:
        for cursor in HOSTILE_CURSORS:
            response = office.get(path, cursor=cursor)
            if response.status_code != 200:  # a key the ordering ignores leaves a page
                answers.add((response.status_code, response.json()["fields"]["cursor"][0]))

    assert len(lists) == 12
    assert answers == {(400, "分页游标无效，请从第一页重新开始。")}


def test_a_cursor_of_the_wrong_kind_for_the_ordering_is_refused(county, api_as):
    office = api_as(county.office_admin)
    path = f"/campaigns/{county.campaign.pk}/requirements"  # ordered by a number

    response = office.get(path, cursor=_cursor(["2026-06-01", 1]))

    assert response.status_code == 400
    assert office.get(path, cursor=_cursor([1, 1])).status_code == 200


@pytest.mark.parametrize("body", ["[1, 2]", '"hello"', "5", "null", "{}", '{"txt": "周报"}', "{"])
def test_a_draft_put_that_is_not_a_draft_changes_nothing(county, body):
    report = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    client = Client()
    headers = {"Authorization": f"Bearer {token_for(county.town_liaison)}"}

    response = client.put(
        f"{API}/submissions/{report.pk}/draft",
        body,
        content_type="application/json",
        headers=headers,
    )

    report.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["message"] in {
        "请求体必须是 JSON 对象。",
        "请求体不是有效的 JSON。",
        "请至少提供 text、activities、values、important 之一；草稿未作修改。",
    }
    assert report.draft["text"] == "开展安全宣传咨询活动"
