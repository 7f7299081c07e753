"""The public (no login) page pattern: rate limit per address hash, CAPTCHA hook, audit."""

import pytest
from django.test import Client

from anxuan.core.models import AuditEntry
from anxuan.core.public import address_hash

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.public_urls")]
ADDRESS = "203.0.113.7"


def test_a_call_is_answered_and_audited_by_address_hash_only(settings):
    response = Client(REMOTE_ADDR=ADDRESS).get("/hello/")

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.actor is None
    assert entry.action == "test.hello"
    assert entry.address_hash == address_hash(ADDRESS)
    assert len(entry.address_hash) == 64
    assert entry.summary == "GET /hello/"
    assert entry.data == {"status": 200}
    stored = [entry.address_hash, entry.summary, entry.target_type, entry.target_id, entry.data]
    assert ADDRESS not in repr(stored)


def test_calls_over_the_limit_get_429_in_chinese_and_leave_no_row(settings):
    settings.PUBLIC_RATE_PER_MINUTE = 2
    client = Client(REMOTE_ADDR=ADDRESS)

    statuses = [client.get("/hello/").status_code for _ in range(3)]
    limited = client.get("/hello/")

    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    assert limited.content.decode() == "您所在网络的请求过于频繁，请稍后再试。"
    assert int(limited["Retry-After"]) >= 1
    assert AuditEntry.objects.count() == 2
    assert Client(REMOTE_ADDR="198.51.100.9").get("/hello/").status_code == 200


def test_a_failed_captcha_gets_400_in_chinese(settings):
    settings.PUBLIC_CAPTCHA_CHECK = "tests.core.public_urls.refuse_all"

    response = Client(REMOTE_ADDR=ADDRESS).get("/hello/")

    assert response.status_code == 400
    assert response.content.decode() == "验证码错误或已过期，请重试。"
    assert AuditEntry.objects.count() == 0


def test_the_hash_is_keyed_with_the_secret_key(settings):
    first = address_hash(ADDRESS)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"

    assert address_hash(ADDRESS) != first
