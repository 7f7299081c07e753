"""A member of the public files a tip without an account: it reaches the county office
over the town, the receipt code and passphrase are shown once and open the tip again, the
name and mobile are stored only encrypted; a wrong CAPTCHA, a missing place or a text too
long saves nothing; receipt guessing is locked out and the form is rate-limited."""

import re

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from anxuan.core.models import AuditEntry
from anxuan.tips import identity, services
from anxuan.tips.models import Tip
from tests.tips.test_evidence import phone_jpeg


def solved(client: Client) -> str:
    """Fetch a CAPTCHA image and read its answer from the server-side session."""
    image = client.get(reverse("tips:captcha"))
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    return client.session["captcha"]["answer"]


def tip_form(county, client: Client, **fields) -> dict:
    return {
        "category": "major_hazard",
        "place": county.town.pk,
        "address": "城关镇工业园区 3 号",
        "target": "某化工有限公司",
        "seen_on": "2026-06-10",
        "description": "夜间在罐区违规动火作业，无人监护。",
        "captcha": solved(client),
        **fields,
    }


def test_an_anonymous_tip_gets_a_receipt_that_opens_it_again(county):
    public = Client()
    assert public.get(reverse("tips:file_tip")).status_code == 200

    sent = public.post(
        reverse("tips:file_tip"), tip_form(county, public, name="王强", mobile="13912345678")
    )

    assert sent.status_code == 200
    assert sent["Cache-Control"] == "no-store"
    page = sent.content.decode()
    receipt = re.search(r'id="receipt-code">([\d ]+)<', page).group(1)
    passphrase = re.search(r'id="receipt-passphrase">([^<]+)<', page).group(1)
    assert len(receipt.replace(" ", "")) == 16
    assert "data-leave-warning" in page
    assert "高台县" in page  # the county office over the town handles it
    tip = Tip.objects.get()
    assert tip.office == county.county
    assert tip.identified
    assert identity.unseal(tip.identity) == {"name": "王强", "mobile": "13912345678"}
    with connection.cursor() as cursor:  # what a database dump holds
        cursor.execute("SELECT * FROM tips_tip")
        dumped = repr(cursor.fetchall())
    assert "13912345678" not in dumped
    assert receipt.replace(" ", "") not in dumped
    assert passphrase not in dumped
    audited = AuditEntry.objects.filter(action="tips.file")
    assert audited.count() == 3  # the form, the sending, the tip filed
    assert all("王强" not in repr(row.__dict__) for row in audited)

    again = Client()
    opened = again.post(
        reverse("tips:follow_tip"),
        {"receipt": receipt, "passphrase": passphrase, "captcha": solved(again)},
    )
    assert opened.status_code == 200
    assert "已接收" in opened.content.decode()
    assert "夜间在罐区违规动火作业" in opened.content.decode()

    office = Client()
    office.force_login(county.office_admin, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    listed = office.get(reverse("tips:inbox")).content.decode()
    assert "某化工有限公司" in listed
    shown = office.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
    assert "夜间在罐区违规动火作业" in shown
    assert "王强" not in shown
    assert "13912345678" not in shown


def test_bad_input_saves_nothing_and_says_why(county):
    public = Client()
    url = reverse("tips:file_tip")

    wrong = public.post(url, {**tip_form(county, public), "captcha": "XXXXX"})
    assert wrong.status_code == 400
    assert "验证码错误或已过期，请重试。" in wrong.content.decode()
    assert 'value="某化工有限公司"' in wrong.content.decode()  # what was typed is kept

    no_place = public.post(url, tip_form(county, public, place=""))
    assert no_place.status_code == 400
    assert "请选择举报事项所在地。" in no_place.content.decode()

    too_long = public.post(url, tip_form(county, public, description="隐" * 20000))
    assert too_long.status_code == 400
    assert "5000" in too_long.content.decode()

    reused = public.post(url, {**tip_form(county, public)})  # a challenge answers once
    assert reused.status_code == 200
    replay = public.post(url, {**tip_form(county, public), "captcha": ""})
    assert replay.status_code == 400
    assert Tip.objects.count() == 1


def test_receipt_guessing_is_locked_out_and_the_form_is_rate_limited(county):
    public = Client()
    page = public.post(reverse("tips:file_tip"), tip_form(county, public)).content.decode()
    receipt = re.search(r'id="receipt-code">([\d ]+)<', page).group(1)
    passphrase = re.search(r'id="receipt-passphrase">([^<]+)<', page).group(1)

    guesser = Client()
    follow = reverse("tips:follow_tip")
    for _ in range(5):
        guess = {"receipt": receipt, "passphrase": "wrong-guess", "captcha": solved(guesser)}
        answer = guesser.post(follow, guess)
        assert answer.status_code == 400
        assert "回执码或查询密码不正确。" in answer.content.decode()
    right = {"receipt": receipt, "passphrase": passphrase, "captcha": solved(guesser)}
    locked = guesser.post(follow, right)
    assert locked.status_code == 400
    assert "输错次数过多" in locked.content.decode()

    flood = Client()
    codes = [
        flood.post(reverse("tips:file_tip"), tip_form(county, flood)).status_code for _ in range(10)
    ]
    assert codes[-1] == 429  # ten an hour from one address, the first included
    assert Tip.objects.count() == 10


def test_the_place_is_picked_level_by_level_and_the_last_level_chosen_wins(county):
    public = Client()
    top = public.get(reverse("tips:places")).json()["places"]
    assert [p["name"] for p in top] == ["甘肃省"]
    below = public.get(reverse("tips:places"), {"parent": county.county.pk}).json()["places"]
    assert {p["name"] for p in below} == {"城关镇", "宣化镇"}  # towns, not the units
    assert public.get(reverse("tips:places"), {"parent": county.enterprise.pk}).status_code == 404

    form = tip_form(county, public)
    form["place"] = [county.county.parent.pk, county.county.pk, county.town.pk, ""]
    form["description"] = ""  # an error, so the form comes back with the chain chosen
    again = public.post(reverse("tips:file_tip"), form).content.decode()

    cascade = again.split('data-cascade="')[1].split("</div>")[0]
    assert cascade.count("<select") == 4  # province, city, county, and the towns to pick
    assert f'<option value="{county.town.pk}" selected>城关镇</option>' in cascade
    assert not Tip.objects.exists()


def test_a_photo_sent_with_the_form_reaches_the_office_without_its_location(county):

    public = Client()
    sent = public.post(
        reverse("tips:file_tip"), {**tip_form(county, public), "evidence": [phone_jpeg()]}
    )

    assert sent.status_code == 200
    kept = Tip.objects.get().files.get()
    assert kept.kind == "photo"
    assert kept.sealed_name
    with default_storage.open(kept.storage_name) as copy:
        assert 0x8825 not in Image.open(copy).getexif()  # no GPS block in the handlers' copy

    refused = public.post(
        reverse("tips:file_tip"),
        {
            **tip_form(county, public, target="另一家"),
            "evidence": [SimpleUploadedFile("报告.pdf", b"%PDF-1.4 not a photo")],
        },
    )
    assert refused.status_code == 400
    assert "另一家" in refused.content.decode()  # the form comes back as typed
    assert Tip.objects.count() == 1  # nothing of the second tip saved


def test_the_reporter_adds_a_photo_later(county):

    filed = services.file_tip(
        place=county.town,
        address="某地",
        target="某厂",
        category="major_hazard",
        description="违规动火",
    )
    reporter = Client()
    reporter.post(
        reverse("tips:follow_tip"),
        {"receipt": filed.receipt, "passphrase": filed.passphrase, "captcha": solved(reporter)},
    )

    added = reporter.post(
        reverse("tips:reporter_step", args=["evidence"]),
        {"evidence": [phone_jpeg()], "note": "昨晚又动火"},
    )

    assert added.status_code == 302
    tip = Tip.objects.get()
    assert tip.files.count() == 1
    assert tip.events.filter(kind="evidence", note__contains="昨晚又动火").exists()


def test_reloading_the_form_for_a_new_code_does_not_use_up_the_hour(county):
    public = Client()
    for _ in range(15):  # the page says: reload for a new verification code
        assert public.get(reverse("tips:file_tip")).status_code == 200

    sent = public.post(reverse("tips:file_tip"), tip_form(county, public))

    assert sent.status_code == 200
    assert Tip.objects.count() == 1
