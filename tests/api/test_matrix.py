"""Role × endpoint matrix of the API: every operation of the OpenAPI schema, for every
persona and for an anonymous caller, with the same policy as the pages
(tests/test_permissions.py): outside every subtree the person reaches is 404, visible but
not allowed is 403, and nobody without a token or session gets past 401."""

import hashlib
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anxuan.api.api import api
from anxuan.assessment.models import AssessedScore, SelfScore
from anxuan.campaigns.models import Participant
from anxuan.exports.models import ExportJob
from anxuan.integrity.enums import FlagState
from anxuan.integrity.models import Flag
from anxuan.orgs import importing
from anxuan.orgs.models import Organization
from anxuan.reports import direct, resumable
from anxuan.reports.enums import State
from anxuan.reports.models import Attachment, DirectUpload, ResumableUpload, Submission
from anxuan.tips.enums import EventKind
from anxuan.tips.models import IdentityAccess, Tip, TipEvent
from tests.api import flags
from tests.api.conftest import API, ApiClient, token_for
from tests.api.test_tips import FOUR_PARTS, keys_of, tip_body, tip_in, twins
from tests.conftest import close_response
from tests.reports import evidence
from tests.test_permissions import (
    PERSONAS,
    a_rubric,
    an_item,
    attached,
    draft,
    office_export,
    opened,
    submitted,
    week1,
)


def unit_list(c):
    return {"file": SimpleUploadedFile("units.xlsx", importing.template_workbook())}


def new_report(c):
    return {"participant_id": c.participant.pk, "period_id": week1(c).pk, "text": "开展宣传"}


def photo(c):
    return {"file": evidence.jpeg()}


def tus(**headers: str) -> dict:
    """A tus request: no JSON, only headers (and raw bytes for a PATCH)."""
    return {"_headers": {"Tus-Resumable": "1.0.0", **headers}}


def direct_of_the_town(c) -> DirectUpload:
    """A direct upload the town's liaison announced, its bytes in the object store."""
    data = evidence.jpeg().read()
    upload, put = direct.start_direct(
        actor=c.town_liaison,
        submission=draft(c),
        filename="现场.jpg",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    request = urllib.request.Request(put.url, data=data, method="PUT", headers=put.headers)  # noqa: S310
    urllib.request.urlopen(request, timeout=30).close()  # noqa: S310 - the test store
    return upload


def photo_announced() -> dict:
    data = evidence.jpeg().read()
    return {"filename": "现场.jpg", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def upload_of_the_town(c) -> ResumableUpload:
    """An unfinished resumable upload the town's liaison started."""
    return resumable.start_upload(
        actor=c.town_liaison, submission=draft(c), filename="演练.mp4", length=2000
    )


def organisations_added(c) -> bool:
    return Organization.objects.count() != 8  # the county fixture's


def draft_text(c) -> str:
    return Submission.objects.get(participant=c.participant, period=week1(c)).draft["text"]


def state_of_week1(c) -> str:
    return Submission.objects.get(participant=c.participant, period=week1(c)).state


def score_entry(c) -> dict:
    return {"entries": [{"item_id": an_item(c).pk, "points": "1", "words": "县委发文"}]}


def matched_flag(c) -> int:
    """A flag on the town's photo matching the other town's (made once)."""
    found = Flag.objects.filter(other_attachment__isnull=False).first()
    return (found or flags.town_flag(c, flags.other_town_report(c))).pk


def flag_in(state: str):
    return lambda c: Flag.objects.filter(state=state).exists()


def tip_now(state: str):
    return lambda c: Tip.objects.filter(state=state).exists()


def a_pair(c) -> list[Tip]:
    """Two tips of one matter (made once): the second is merged into the first."""
    if Tip.objects.count() < 2:
        twins(c)
    return list(Tip.objects.order_by("pk"))


# (method, path) -> (path parameters, request body, expected status per persona in PERSONAS
# order, "did it happen?" for writes).
MATRIX = {
    ("GET", "/me"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("GET", "/me/due"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("GET", "/orgs"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("GET", "/orgs/{org_id}"): (
        lambda c: {"org_id": c.county.pk},
        None,
        "200 200 404 404 200 200 404",
        None,
    ),
    ("POST", "/orgs/{org_id}/import/validate"): (
        lambda c: {"org_id": c.county.pk},
        unit_list,
        "200 403 404 404 403 403 404",
        organisations_added,  # a dry run: never
    ),
    ("GET", "/campaigns"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("GET", "/campaigns/{campaign_id}"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 200 200 200 200 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/requirements"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 200 200 200 200 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/periods"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 200 200 200 200 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/indicators"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 200 200 200 200 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/participants"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 200 200 200 200 404",
        None,
    ),
    ("POST", "/campaigns/{campaign_id}/participants"): (
        lambda c: {"campaign_id": c.campaign.pk},
        lambda c: {"organization_ids": [c.enterprise.pk]},
        "201 201 403 403 403 403 404",
        lambda c: Participant.objects.filter(organization=c.enterprise).exists(),
    ),
    ("POST", "/campaigns/{campaign_id}/participants/{participant_id}/liaison"): (
        lambda c: {"campaign_id": c.campaign.pk, "participant_id": c.participant.pk},
        lambda c: {"name": "张三", "title": "安全员", "mobile": "13800000001"},
        "200 200 200 404 404 404 404",
        lambda c: Participant.objects.get(pk=c.participant.pk).registered_at is not None,
    ),
    ("GET", "/campaigns/{campaign_id}/board"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 403 403 200 403 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/statistics"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 403 403 200 403 404",
        None,
    ),
    ("GET", "/submissions"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("POST", "/submissions"): (
        lambda c: {},
        new_report,
        "201 201 201 404 404 404 404",
        lambda c: Submission.objects.filter(participant=c.participant).exists(),
    ),
    ("GET", "/submissions/{submission_id}"): (
        lambda c: {"submission_id": submitted(c).pk},
        None,
        "200 200 200 404 200 404 404",
        None,
    ),
    ("PUT", "/submissions/{submission_id}/draft"): (
        lambda c: {"submission_id": draft(c).pk},
        lambda c: {"text": "改过的草稿"},
        "200 200 200 404 403 404 404",
        lambda c: draft_text(c) == "改过的草稿",
    ),
    ("POST", "/submissions/{submission_id}/attachments"): (
        lambda c: {"submission_id": draft(c).pk},
        photo,
        "201 201 201 404 403 404 404",
        lambda c: Attachment.objects.exists(),
    ),
    ("POST", "/submissions/{submission_id}/uploads"): (
        lambda c: {"submission_id": draft(c).pk},
        lambda c: tus(**{"Upload-Length": "2000"}),
        "201 201 201 404 403 404 404",
        lambda c: ResumableUpload.objects.exists(),
    ),
    ("OPTIONS", "/uploads"): (lambda c: {}, None, "204 204 204 204 204 204 204", None),
    ("POST", "/submissions/{submission_id}/direct-uploads"): (
        lambda c: {"submission_id": draft(c).pk},
        lambda c: photo_announced(),
        "201 201 201 404 403 404 404",
        lambda c: DirectUpload.objects.exists(),
    ),
    ("POST", "/direct-uploads/{upload_id}/complete"): (
        lambda c: {"upload_id": direct_of_the_town(c).pk},
        None,
        "404 404 201 404 404 404 404",
        lambda c: DirectUpload.objects.filter(attachment__isnull=False).exists(),
    ),
    ("HEAD", "/uploads/{upload_id}"): (
        lambda c: {"upload_id": upload_of_the_town(c).pk},
        lambda c: tus(),
        "404 404 200 404 404 404 404",
        None,
    ),
    ("PATCH", "/uploads/{upload_id}"): (
        lambda c: {"upload_id": upload_of_the_town(c).pk},
        lambda c: {**tus(**{"Upload-Offset": "0"}), "_raw": b"\x00" * 100},
        "404 404 204 404 404 404 404",
        lambda c: ResumableUpload.objects.filter(offset=100).exists(),
    ),
    ("POST", "/campaigns/{campaign_id}/exports"): (
        lambda c: {"campaign_id": c.campaign.pk},
        lambda c: {"kind": "statistics"},
        "202 202 403 403 202 403 404",
        lambda c: ExportJob.objects.exists(),
    ),
    ("GET", "/exports"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("GET", "/campaigns/{campaign_id}/rubric"): (
        lambda c: {"campaign_id": a_rubric(c).campaign_id},
        None,
        "200 200 200 200 200 200 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/scores"): (
        lambda c: {"campaign_id": a_rubric(c).campaign_id},
        None,
        "200 200 403 403 403 403 404",
        None,
    ),
    ("GET", "/campaigns/{campaign_id}/participants/{participant_id}/result"): (
        lambda c: {"campaign_id": a_rubric(c).campaign_id, "participant_id": c.participant.pk},
        None,
        "200 200 200 404 404 404 404",
        None,
    ),
    ("PUT", "/campaigns/{campaign_id}/participants/{participant_id}/self-scores"): (
        lambda c: {"campaign_id": opened(c).campaign_id, "participant_id": c.participant.pk},
        score_entry,
        "200 200 200 404 404 404 404",
        lambda c: SelfScore.objects.exists(),
    ),
    ("PUT", "/campaigns/{campaign_id}/participants/{participant_id}/assessed-scores"): (
        lambda c: {"campaign_id": opened(c).campaign_id, "participant_id": c.participant.pk},
        score_entry,
        "200 200 403 403 403 403 404",
        lambda c: AssessedScore.objects.exists(),
    ),
    ("GET", "/exports/{export_id}"): (
        lambda c: {"export_id": office_export(c)},
        None,
        "200 404 404 404 404 404 404",
        None,
    ),
    ("GET", "/exports/{export_id}/file"): (
        lambda c: {"export_id": office_export(c)},
        None,
        "200 404 404 404 404 404 404",
        None,
    ),
    ("POST", "/submissions/{submission_id}/submit"): (
        lambda c: {"submission_id": draft(c).pk},
        lambda c: {},
        "200 200 200 404 403 404 404",
        lambda c: state_of_week1(c) == State.SUBMITTED,
    ),
    ("POST", "/submissions/{submission_id}/return"): (
        lambda c: {"submission_id": submitted(c).pk},
        lambda c: {"reason": "请补充照片"},
        "200 200 403 404 200 404 404",
        lambda c: state_of_week1(c) == State.RETURNED,
    ),
    ("POST", "/submissions/{submission_id}/accept"): (
        lambda c: {"submission_id": submitted(c).pk},
        lambda c: {},
        "200 200 403 404 200 404 404",
        lambda c: state_of_week1(c) == State.ACCEPTED,
    ),
    ("GET", "/submissions/{submission_id}/versions"): (
        lambda c: {"submission_id": submitted(c).pk},
        None,
        "200 200 200 404 200 404 404",
        None,
    ),
    ("GET", "/attachments/{attachment_id}/file"): (
        lambda c: {"attachment_id": attached(c, submit=True).pk},
        None,
        "200 200 200 404 200 404 404",
        None,
    ),
    ("DELETE", "/attachments/{attachment_id}"): (
        lambda c: {"attachment_id": attached(c, submit=False).pk},
        None,
        "204 204 204 404 403 404 404",
        lambda c: not Attachment.objects.filter(in_draft=True).exists(),
    ),
    ("GET", "/campaigns/{campaign_id}/flags"): (
        lambda c: {"campaign_id": c.campaign.pk},
        None,
        "200 200 403 403 200 403 404",
        None,
    ),
    ("GET", "/flags"): (lambda c: {}, None, "200 200 200 200 200 200 200", None),
    ("GET", "/flags/{flag_id}"): (
        lambda c: {"flag_id": matched_flag(c)},
        None,
        "200 200 200 404 200 404 404",
        None,
    ),
    ("GET", "/flags/{flag_id}/photos/{side}"): (
        lambda c: {"flag_id": matched_flag(c), "side": "other"},
        None,
        "200 200 200 404 200 404 404",
        None,
    ),
    ("POST", "/flags/{flag_id}/explanations"): (
        lambda c: {"flag_id": matched_flag(c)},
        lambda c: {"text": "照片是本周活动现场拍的", "files": evidence.jpeg("新照片.jpg")},
        "201 201 201 404 403 404 404",
        flag_in(FlagState.EXPLAINED),
    ),
    ("POST", "/flags/{flag_id}/confirm"): (
        lambda c: {"flag_id": matched_flag(c)},
        lambda c: {"reason": "同一张照片用了两次"},
        "200 200 403 404 200 404 404",
        flag_in(FlagState.CONFIRMED),
    ),
    ("POST", "/flags/{flag_id}/dismiss"): (
        lambda c: {"flag_id": matched_flag(c)},
        lambda c: {"reason": "是官方统一发放的宣传图"},
        "200 200 403 404 200 404 404",
        flag_in(FlagState.DISMISSED),
    ),
    ("GET", "/tips"): (lambda c: {}, None, "200 200 403 403 403 403 200", None),
    ("GET", "/tips/stats"): (lambda c: {}, None, "200 200 403 403 403 403 200", None),
    ("POST", "/tips/{tip_id}/identity"): (  # the custodian's alone (tests/api/test_tips)
        lambda c: {"tip_id": tip_in(c, "received").pk},
        lambda c: {"reason": "核实举报人身份以兑付奖励"},
        "403 403 404 404 404 404 404",
        lambda c: IdentityAccess.objects.exists(),
    ),
    ("GET", "/tips/{tip_id}"): (
        lambda c: {"tip_id": tip_in(c, "received").pk},
        None,
        "200 200 404 404 404 404 404",
        None,
    ),
    ("POST", "/tips/{tip_id}/steps/accept"): (
        lambda c: {"tip_id": tip_in(c, "received").pk},
        lambda c: {},
        "200 200 404 404 404 404 404",
        tip_now("verifying"),
    ),
    ("POST", "/tips/{tip_id}/steps/refuse"): (
        lambda c: {"tip_id": tip_in(c, "received").pk},
        lambda c: {"ground": "no_facts"},
        "200 200 404 404 404 404 404",
        tip_now("refused"),
    ),
    ("POST", "/tips/{tip_id}/steps/transfer"): (
        lambda c: {"tip_id": tip_in(c, "received").pk},
        lambda c: {"department": "公安机关交通管理部门"},
        "200 200 404 404 404 404 404",
        tip_now("transferred"),
    ),
    ("POST", "/tips/{tip_id}/steps/assign"): (
        lambda c: {"tip_id": tip_in(c, "received").pk},
        lambda c: {"office_id": c.town.pk},
        "200 200 404 404 404 404 404",
        lambda c: Tip.objects.filter(office=c.town).exists(),
    ),
    ("POST", "/tips/{tip_id}/steps/extend"): (
        lambda c: {"tip_id": tip_in(c, "verifying").pk},
        lambda c: {"days": 10, "reason": "需要委托检测"},
        "200 200 404 404 404 404 404",
        lambda c: Tip.objects.filter(extension="requested").exists(),
    ),
    ("POST", "/tips/{tip_id}/steps/decide_extension"): (  # the city's (tests/api/test_tips)
        lambda c: {"tip_id": tip_in(c, "extension").pk},
        lambda c: {"approve": True},
        "403 403 404 404 404 404 404",
        lambda c: Tip.objects.filter(extension="approved").exists(),
    ),
    ("POST", "/tips/{tip_id}/steps/close"): (
        lambda c: {"tip_id": tip_in(c, "verifying").pk},
        lambda c: FOUR_PARTS,
        "200 200 404 404 404 404 404",
        tip_now("closed"),
    ),
    ("POST", "/tips/{tip_id}/steps/reply"): (
        lambda c: {"tip_id": tip_in(c, "closed").pk},
        lambda c: {},
        "200 200 404 404 404 404 404",
        tip_now("replied"),
    ),
    ("POST", "/tips/{tip_id}/steps/reexamine"): (  # the city's (tests/api/test_tips)
        lambda c: {"tip_id": tip_in(c, "objected").pk},
        lambda c: {"outcome": "upheld", "result": "维持原处理"},
        "403 403 404 404 404 404 404",
        tip_now("final"),
    ),
    ("POST", "/tips/{tip_id}/steps/merge"): (
        lambda c: {"tip_id": a_pair(c)[1].pk},
        lambda c: {"into_id": a_pair(c)[0].pk},
        "200 200 404 404 404 404 404",
        tip_now("merged"),
    ),
    ("POST", "/tips/{tip_id}/steps/expose"): (
        lambda c: {"tip_id": tip_in(c, "replied").pk},
        lambda c: {},
        "200 200 404 404 404 404 404",
        lambda c: Tip.objects.filter(exposed=True).exists(),
    ),
    ("POST", "/tips/{tip_id}/steps/message"): (
        lambda c: {"tip_id": tip_in(c, "received").pk},
        lambda c: {"text": "请补充动火的时间"},
        "200 200 404 404 404 404 404",
        lambda c: TipEvent.objects.filter(kind=EventKind.MESSAGE).exists(),
    ),
}

# Operations anyone may call, with no token or login (the public's tips): (request body
# from the county and the caller's client, status for each persona and for nobody, "did
# it happen?"). A token changes nothing.
CALLERS = [*PERSONAS, "nobody"]
PUBLIC = {
    ("GET", "/tips/captcha"): (None, 200, None),
    ("POST", "/tips"): (lambda c, client: tip_body(c, client), 201, lambda c: Tip.objects.exists()),
    ("POST", "/tips/follow"): (lambda c, client: keys_of(tip_in(c, "received")), 200, None),
    ("POST", "/tips/follow/message"): (
        lambda c, client: {**keys_of(tip_in(c, "received")), "text": "每晚十点以后"},
        200,
        lambda c: TipEvent.objects.filter(kind=EventKind.MESSAGE).exists(),
    ),
    ("POST", "/tips/follow/object"): (
        lambda c, client: {**keys_of(tip_in(c, "replied")), "text": "处罚过轻"},
        200,
        tip_now("objected"),
    ),
    ("POST", "/tips/follow/withdraw"): (
        lambda c, client: keys_of(tip_in(c, "received")),
        200,
        tip_now("withdrawn"),
    ),
}

# The same operations on other objects: another unit's, or a unit below the town.
MORE = {
    "another town's report": (
        "GET",
        "/submissions/{submission_id}",
        lambda c: {"submission_id": other_report(c).pk},
        "200 200 404 200 200 404 404",
    ),
    "another town's versions": (
        "GET",
        "/submissions/{submission_id}/versions",
        lambda c: {"submission_id": other_report(c).pk},
        "200 200 404 200 200 404 404",
    ),
    "a flag matching another county's photo": (
        "GET",
        "/flags/{flag_id}",
        lambda c: {"flag_id": flag_of_another_county(c)},
        "200 200 200 404 200 404 404",
    ),
    "the other county's photo, through the flag": (
        "GET",
        "/flags/{flag_id}/photos/{side}",
        lambda c: {"flag_id": flag_of_another_county(c), "side": "other"},
        "200 200 200 404 200 404 404",
    ),
    "the town itself": (
        "GET",
        "/orgs/{org_id}",
        lambda c: {"org_id": c.town.pk},
        "200 200 200 404 200 200 404",
    ),
    "an enterprise below the town": (
        "GET",
        "/orgs/{org_id}",
        lambda c: {"org_id": c.enterprise.pk},
        "200 200 200 404 200 200 404",
    ),
}


def flag_of_another_county(c) -> int:
    return flags.town_flag(c, flags.another_countys_report(c)).pk


def other_report(c) -> Submission:
    from anxuan.reports import services
    from tests import factories

    found = factories.report(c.other_liaison, c.other_participant, week1(c), "宣化镇报告")
    services.submit_report(actor=c.other_liaison, submission=found)
    return found


def expected(row: str) -> dict[str, int]:
    return dict(zip(PERSONAS, (int(code) for code in row.split()), strict=True))


def call(client: ApiClient, method: str, url: str, body):
    if body is not None and "_headers" in body:
        response = client.raw(method, url, body.get("_raw", b""), headers=body["_headers"])
    elif method == "GET":
        response = client.get(url)
    elif method in ("HEAD", "OPTIONS"):
        response = client.raw(method, url)
    elif method == "DELETE":
        response = client.delete(url)
    elif method == "PUT":
        response = client.put(url, body)
    elif body is not None and ("file" in body or "files" in body):
        response = client.post(url, files=body)
    else:
        response = client.post(url, body)
    close_response(response)  # file downloads stream
    return response


def url_of(county, path: str, params) -> str:
    return API + path.format(**params(county))


def ids(operation) -> str:
    return " ".join(operation) if isinstance(operation, tuple) else str(operation)


READS = ("GET", "HEAD", "OPTIONS")
OBJECT_STORE = {
    "/submissions/{submission_id}/direct-uploads",
    "/direct-uploads/{upload_id}/complete",
}


@pytest.mark.parametrize("operation", sorted(k for k in MATRIX if k[0] in READS), ids=ids)
def test_reads(county, operation):
    method, path = operation
    params, _body, row, _happened = MATRIX[operation]
    url = url_of(county, path, params)

    got = {
        persona: call(ApiClient(token_for(getattr(county, persona))), method, url, None)
        for persona in PERSONAS
    }

    assert {p: r.status_code for p, r in got.items()} == expected(row)


@pytest.mark.parametrize("label", sorted(MORE))
def test_reads_of_other_objects(county, label):
    method, path, params, row = MORE[label]
    url = url_of(county, path, params)

    got = {
        persona: call(ApiClient(token_for(getattr(county, persona))), method, url, None)
        for persona in PERSONAS
    }

    assert {p: r.status_code for p, r in got.items()} == expected(row)


@pytest.mark.parametrize(
    ("operation", "persona"),
    [(k, persona) for k in sorted(MATRIX) if k[0] not in READS for persona in PERSONAS],
    ids=ids,
)
def test_writes(county, operation, persona, request):
    method, path = operation
    if path in OBJECT_STORE:
        request.getfixturevalue("s3_storage")
    params, body, row, happened = MATRIX[operation]
    url = url_of(county, path, params)

    response = call(
        ApiClient(token_for(getattr(county, persona))), method, url, body(county) if body else None
    )

    status = expected(row)[persona]
    assert response.status_code == status
    if status >= 400:
        assert set(response.json()) == {"code", "message", "message_en", "fields"}
    dry_run = path.endswith("/validate")
    assert happened(county) is (status < 300 and not dry_run)


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=ids)
def test_anonymous_callers_are_told_to_authenticate(county, operation, request):
    method, path = operation
    if path in OBJECT_STORE:
        request.getfixturevalue("s3_storage")
    params, body, _row, _happened = MATRIX[operation]

    response = call(
        ApiClient(), method, url_of(county, path, params), body(county) if body else None
    )

    assert response.status_code == 401
    if method != "HEAD":  # a HEAD answer has no body
        assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("operation", "caller"), [(k, caller) for k in sorted(PUBLIC) for caller in CALLERS], ids=ids
)
def test_public_operations_take_anyone(county, operation, caller):
    method, path = operation
    body, status, happened = PUBLIC[operation]
    client = ApiClient(token_for(getattr(county, caller)) if caller != "nobody" else None)

    response = call(client, method, API + path, body(county, client) if body else None)

    assert response.status_code == status, response.content[:300]
    assert happened is None or happened(county)


def test_every_operation_is_in_the_matrix():
    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path.removeprefix(API))
        for path, methods in schema["paths"].items()
        for method in methods
    }

    assert operations == set(MATRIX) | set(PUBLIC)
