"""Every kind of flag, found by the worker in reports submitted through the services."""

import random

import pytest
from PIL import Image, ImageDraw

from anxuan.integrity import checks, compare, fingerprints, services
from anxuan.integrity.enums import CheckState, FlagKind, FlagState, Severity
from anxuan.integrity.models import EvidenceCheck, Flag, Rules, UnitPlace
from anxuan.reports.models import Attachment
from tests import factories
from tests.integrity.conftest import photo_file, scene, submit

pytestmark = pytest.mark.django_db(transaction=True)


def disguised(image: Image.Image) -> Image.Image:
    """What a unit does to another's photo: crop 6 %, shrink, a status bar over the top."""
    w, h = image.size
    copy = image.crop((int(w * 0.04), int(h * 0.03), w - int(w * 0.02), h - int(h * 0.03)))
    copy = copy.resize((copy.width // 2, copy.height // 2))
    ImageDraw.Draw(copy).rectangle([0, 0, copy.width, int(copy.height * 0.05)], fill=(16, 16, 16))
    return copy


def test_a_photo_reused_by_another_unit_is_flagged_on_the_later_report(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    original = scene(1)
    first = submit(county.town_liaison, county.participant, week1, files=[photo_file(original)])
    worker()
    second = submit(
        county.other_liaison,
        county.other_participant,
        week1,
        files=[photo_file(disguised(original), "我们的活动.jpg", quality=55)],
        day=4,
    )
    worker()

    flag = Flag.objects.get(kind=FlagKind.REUSED_PHOTO)
    assert flag.version == second
    assert flag.participant == county.other_participant
    assert flag.severity == Severity.HIGH
    assert flag.other_attachment == first.attachments.get()
    assert flag.state == FlagState.OPEN
    assert flag.details["same_picture"] >= compare.SAME_PICTURE  # the second look agreed


def notice(seed: int) -> Image.Image:
    """A notice on a wall: one background, one white sheet in one place, and lines of
    writing that differ with `seed`, as two towns' photos of their notices do."""
    r = random.Random(seed)
    image = Image.new("RGB", (800, 600), (150, 40, 110))
    draw = ImageDraw.Draw(image)
    draw.rectangle([420, 120, 760, 560], fill=(250, 250, 245))
    for row in range(18):
        x = 440
        while x < 730:
            width = r.randrange(8, 40)
            draw.rectangle([x, 140 + row * 23, x + width, 152 + row * 23], fill=(30, 30, 30))
            x += width + r.randrange(4, 12)
    return image


def test_two_alike_notices_meet_in_the_index_but_are_not_one_picture(county, worker):
    a, b = notice(1), notice(2)
    nearest = min(
        fingerprints.distance(p.value, q.value)
        for p in fingerprints.picture_prints(a.copy())
        for q in fingerprints.picture_prints(b.copy())
        if p.role == fingerprints.FULL and q.role in fingerprints.STORED_ROLES
    )
    assert nearest <= Rules._meta.get_field("photo_radius").default  # the index meets them
    week1 = factories.weekly_period(county.campaign, 1)
    submit(county.town_liaison, county.participant, week1, files=[photo_file(a)])
    submit(county.other_liaison, county.other_participant, week1, files=[photo_file(b)])
    worker()
    assert not Flag.objects.exists()


def test_different_photos_and_a_report_checked_twice_raise_nothing_twice(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    submit(county.town_liaison, county.participant, week1, files=[photo_file(scene(2))])
    version = submit(
        county.other_liaison, county.other_participant, week1, files=[photo_file(scene(3))]
    )
    worker()
    assert not Flag.objects.exists()

    from anxuan.integrity import checks

    checks.check_version(version.pk)  # a second run finds the same nothing
    assert not Flag.objects.exists()
    assert EvidenceCheck.objects.filter(state=CheckState.CHECKED).count() == 2


def test_a_dismissed_pair_never_returns(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    image = scene(4)
    submit(county.town_liaison, county.participant, week1, files=[photo_file(image)])
    second = submit(
        county.other_liaison, county.other_participant, week1, files=[photo_file(image, quality=60)]
    )
    worker()
    flag = Flag.objects.get()
    services.dismiss(actor=county.office_admin, flag=flag, reason="两镇联合开展的同一场活动")

    from anxuan.integrity import checks

    checks.check_version(second.pk)
    assert Flag.objects.get().state == FlagState.DISMISSED
    assert Flag.objects.count() == 1


def test_a_heic_copy_of_a_jpeg_is_found(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    image = scene(5)
    submit(county.town_liaison, county.participant, week1, files=[photo_file(image)])
    heic = photo_file(image.resize((800, 600)), "IMG_0001.HEIC", fmt="HEIF", quality=70)
    submit(county.other_liaison, county.other_participant, week1, files=[heic])
    worker()

    flag = Flag.objects.get()
    assert flag.kind == FlagKind.REUSED_PHOTO
    assert flag.attachment.content_type == "image/heic"


def test_a_photo_matching_the_offices_shared_poster_is_not_a_flag(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    poster = scene(6)
    upload = photo_file(poster, "全国安全生产月海报.jpg", taken=None)
    from anxuan.core.files import inspect_upload

    services.share_material(
        actor=county.office_admin,
        owner=county.county,
        title="安全生产月主题海报",
        text="",
        upload=(upload, upload.name, inspect_upload(upload, upload.name)),
    )
    worker()
    submit(county.town_liaison, county.participant, week1, files=[photo_file(poster)])
    submit(
        county.other_liaison,
        county.other_participant,
        week1,
        files=[photo_file(poster, quality=70)],
    )
    worker()

    assert not Flag.objects.exists()


def test_photo_dates_outside_the_campaign_after_the_submit_and_far_from_the_activity(
    county, worker
):
    week1 = factories.weekly_period(county.campaign, 1)
    activity = {"held_on": "2026-06-02", "activity_type": "安全宣传咨询日", "people_reached": 10}
    submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[
            photo_file(scene(7), "去年.jpg", taken="2025:06:10 09:00:00"),
            photo_file(scene(8), "之后.jpg", taken="2026:06:05 09:00:00"),
            photo_file(scene(9), "月初.jpg", taken="2026:05:28 09:00:00"),
            photo_file(scene(10), "截图.png", taken=None, fmt="PNG"),
        ],
        activities=[activity],
    )
    worker()

    kinds = {flag.attachment.original_name: flag.kind for flag in Flag.objects.all()}
    assert kinds == {
        "去年.jpg": FlagKind.TAKEN_OUTSIDE,
        "之后.jpg": FlagKind.TAKEN_AFTER,
        "月初.jpg": FlagKind.ACTIVITY_DATE,  # within the tolerance of June, 5 days from the 2nd
    }


def test_the_offices_tolerance_is_data(county, worker):
    Rules.objects.create(campaign=county.campaign, date_tolerance_days=400)
    week1 = factories.weekly_period(county.campaign, 1)
    submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[photo_file(scene(11), taken="2025:06:10 09:00:00")],
    )
    worker()
    assert not Flag.objects.filter(kind=FlagKind.TAKEN_OUTSIDE).exists()


def test_a_photo_taken_far_from_the_unit(county, worker):
    UnitPlace.objects.create(organization=county.town, latitude=39.37, longitude=99.82)  # 高台
    week1 = factories.weekly_period(county.campaign, 1)
    submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[
            photo_file(scene(12), "兰州.jpg", gps=(36.06, 103.83)),
            photo_file(scene(13), "本地.jpg", gps=(39.38, 99.83)),
        ],
    )
    worker()

    flag = Flag.objects.get()
    assert (flag.kind, flag.attachment.original_name) == (FlagKind.PLACE, "兰州.jpg")
    assert flag.details["km"] > 500


REPORT = (
    "本周我镇围绕安全生产月主题，在中心广场开展安全宣传咨询日活动，设立咨询台三处，"
    "发放燃气安全、消防安全和防汛知识宣传资料一千二百余份，组织辖区十二家企业负责人"
    "学习新修订的安全生产法，并邀请县消防救援大队开展灭火器实操演练，群众参与热情高。"
    "同时对辖区沿街商铺开展隐患排查，发现问题十七处，现场整改十四处，其余限期整改。"
)


def test_copied_text_with_the_town_name_changed(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    submit(county.town_liaison, county.participant, week1, text="城关镇" + REPORT)
    copy = "宣化镇" + REPORT.replace("十七处", "十九处").replace("十四处", "十六处")
    second = submit(county.other_liaison, county.other_participant, week1, text=copy)
    worker()

    flag = Flag.objects.get()
    assert (flag.kind, flag.version, flag.text_source) == (FlagKind.COPIED_TEXT, second, "report")
    # The similarity shown is the exact share of common wording, not the MinHash estimate.
    shared = fingerprints.shared_shingles(
        checks.shared_passages(county.campaign, checks.rules_for(county.campaign))
    )
    mine, theirs = (fingerprints.shingles(t) - shared for t in (copy, "城关镇" + REPORT))
    assert flag.score == round(fingerprints.jaccard(mine, theirs), 3) >= 0.8


def test_texts_that_share_only_the_official_wording_are_not_copies(county, worker):
    slogan = (
        "人人讲安全、个个会应急——查找身边安全隐患。坚持人民至上、生命至上，"
        "统筹发展和安全，扎实开展安全生产月活动，营造浓厚的安全生产氛围。"
    )
    Rules.objects.create(campaign=county.campaign, shared_text=slogan)
    week1 = factories.weekly_period(county.campaign, 1)
    submit(
        county.town_liaison,
        county.participant,
        week1,
        text=slogan + "城关镇组织企业开展消防演练，参加职工八十人。",
    )
    submit(
        county.other_liaison,
        county.other_participant,
        week1,
        text=slogan + "宣化镇在集市设置咨询台，发放防溺水宣传单三百份，讲解燃气安全常识。",
    )
    worker()
    assert not Flag.objects.exists()


def test_the_same_unit_may_repeat_its_text_within_a_year_but_not_from_last_year(county, worker):
    week1, week2 = (factories.weekly_period(county.campaign, n) for n in (1, 2))
    text = "城关镇" + REPORT
    submit(county.town_liaison, county.participant, week1, text=text)
    submit(county.town_liaison, county.participant, week2, text=text, day=10)
    worker()
    assert not Flag.objects.exists()

    next_year = factories.safety_month(county.office_admin, county.county, year=2027)
    from anxuan.campaigns import services as campaign_services

    campaign_services.add_participants(
        actor=county.office_admin,
        campaign=next_year,
        organizations=[county.town],
        joined_on=campaign_services.work_starts_on(next_year),
    )
    participant = next_year.participants.get(organization=county.town)
    period = factories.weekly_period(next_year, 1)
    version = submit(county.town_liaison, participant, period, text=text, day=3, year=2027)
    worker()
    flags = list(Flag.objects.all())  # against each of last year's two reports
    assert {(f.version, f.severity, f.kind) for f in flags} == {
        (version, Severity.MEDIUM, FlagKind.COPIED_TEXT)
    }
    assert len(flags) == 2


def test_a_corrupt_photo_is_marked_could_not_check_and_the_worker_goes_on(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    good = photo_file(scene(14))
    version = submit(county.town_liaison, county.participant, week1, files=[good])
    attachment = version.attachments.get()
    broken = Attachment.objects.create(
        submission=attachment.submission,
        kind="photo",
        content_type="image/jpeg",
        original_name="坏.jpg",
        sha256="0" * 64,
        storage_name=_store(b"\xff\xd8\xff\xe0" + b"\x00" * 300),
        size=304,
        uploaded_by=county.town_liaison,
        in_draft=False,
    )
    version.attachments.add(broken)
    worker()

    failed = EvidenceCheck.objects.get(attachment=broken)
    assert failed.state == CheckState.FAILED
    assert "损坏" in failed.reason
    assert EvidenceCheck.objects.get(attachment=attachment).state == CheckState.CHECKED
    attachment.submission.refresh_from_db()
    assert attachment.submission.state == "submitted"


def _store(data: bytes) -> str:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage.save("evidence/test/broken.jpg", ContentFile(data))


def test_the_same_figures_week_after_week_and_contradicting_figures(county, worker):
    from anxuan.campaigns.enums import RequirementKind

    statistics = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    indicators = list(statistics.indicators.all()[:2])
    factories.weekly_period(county.campaign, 1).requirement.indicators.add(*indicators)
    rules = Rules.objects.create(campaign=county.campaign, same_figures_periods=3)
    rules.bounds.create(lesser=indicators[0], greater=indicators[1])
    values = {str(indicators[0].pk): "12", str(indicators[1].pk): "30"}
    for number, day in ((1, 4), (2, 10), (3, 17)):
        period = factories.weekly_period(county.campaign, number)
        submit(county.town_liaison, county.participant, period, values=values, day=day)
    bad = {str(indicators[0].pk): "50", str(indicators[1].pk): "30"}
    period = factories.weekly_period(county.campaign, 1)
    submit(county.other_liaison, county.other_participant, period, values=bad)
    worker()

    kinds = {(f.participant_id, f.kind) for f in Flag.objects.all()}
    assert kinds == {
        (county.participant.pk, FlagKind.SAME_FIGURES),
        (county.other_participant.pk, FlagKind.FIGURES_CONTRADICT),
    }
    assert all(f.severity == Severity.LOW for f in Flag.objects.all())
