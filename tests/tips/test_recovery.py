"""A reporter who lost the receipt but gave a mobile gets a code by text message (the SMS
gateway here is a local HTTP server that records the request) and new receipt codes for
their tips; the old ones stop working; a wrong code is counted, a mobile that sent no tip
gets the same answer and no message, and without a gateway the page says so plainly."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anxuan.tips import recovery, services
from anxuan.tips.enums import EventKind
from anxuan.tips.models import Tip
from tests.tips.test_intake import solved


@pytest.fixture
def gateway(settings):
    """A stand-in SMS gateway: answers 200 and keeps what it was sent."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"auth": self.headers["Authorization"], **json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "gw-token"
    yield received
    server.shutdown()
    server.server_close()


def filed(county, mobile: str = "13912345678", **extra):
    return services.file_tip(
        place=county.town,
        address="工业园区",
        target=extra.pop("target", "某化工有限公司"),
        category="major_hazard",
        description="违规动火作业",
        name="王强",
        mobile=mobile,
        **extra,
    )


def test_a_lost_receipt_is_recovered_through_the_mobile(county, gateway):
    first, second = filed(county), filed(county, target="某砖厂")
    reporter = Client()

    asked = reporter.post(
        reverse("tips:recover"), {"mobile": "13912345678", "captcha": solved(reporter)}
    )
    assert asked.status_code == 302
    assert len(gateway) == 1
    assert gateway[0]["mobile"] == "13912345678"
    assert gateway[0]["auth"] == "Bearer gw-token"
    code = re.search(r"\d{6}", gateway[0]["text"]).group(0)
    assert 'id="code-sent"' in reporter.get(reverse("tips:recover")).content.decode()

    wrong = reporter.post(
        reverse("tips:recover"),
        {"code": "000000" if code != "000000" else "111111", "captcha": solved(reporter)},
    )
    assert wrong.status_code == 400
    page = reporter.post(reverse("tips:recover"), {"code": code, "captcha": solved(reporter)})

    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    text = page.content.decode()
    receipts = re.findall(r'class="receipt-code">([\d ]+)<', text)
    phrases = re.findall(r'class="receipt-passphrase">([^<]+)<', text)
    assert len(receipts) == 2
    assert {services.follow(r, p).pk for r, p in zip(receipts, phrases, strict=True)} == {
        first.tip.pk,
        second.tip.pk,
    }
    with pytest.raises(ValidationError):
        services.follow(first.receipt, first.passphrase)  # the old receipt no longer opens it
    assert Tip.objects.get(pk=first.tip.pk).events.filter(kind=EventKind.RECOVERED).exists()


def test_a_mobile_that_sent_nothing_gets_the_same_answer_and_no_message(county, gateway):
    filed(county)
    stranger = Client()

    asked = stranger.post(
        reverse("tips:recover"), {"mobile": "13700000000", "captcha": solved(stranger)}
    )

    assert asked.status_code == 302
    assert 'id="code-sent"' in stranger.get(reverse("tips:recover")).content.decode()
    assert gateway == []


def test_five_wrong_codes_spend_the_code(county, gateway):
    filed(county)
    key = recovery.start("13912345678")
    code = re.search(r"\d{6}", gateway[0]["text"]).group(0)
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(recovery.CODE_TRIES):
        with pytest.raises(ValidationError):
            recovery.finish(key, wrong)

    with pytest.raises(ValidationError) as spent:
        recovery.finish(key, code)
    assert spent.value.code == "expired"


def test_without_a_gateway_the_page_says_recovery_is_not_available(db, settings):
    settings.SMS_GATEWAY_URL = ""

    page = Client().get(reverse("tips:recover")).content.decode()

    assert 'id="no-sms"' in page
    assert "12350" in page
