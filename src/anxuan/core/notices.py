"""Telling people things: in-app notices with e-mail, and the group robots (DingTalk /
WeCom) that offices set up for their units. No business rules: callers decide who hears
what and when."""

import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from anxuan.core.models import Notice

if TYPE_CHECKING:  # for the type checker only: core imports nothing of orgs when it runs
    from anxuan.orgs.models import Person

log = logging.getLogger(__name__)
TEXT_MAX = 500  # Notice.text's max_length


def notify(people: Iterable["Person"], text: str, link: str) -> None:
    """In-app notice and e-mail (to those with an address) for each person."""
    people = list(people)
    Notice.objects.bulk_create(Notice(recipient=p, text=text[:TEXT_MAX], link=link) for p in people)
    addresses = [p.email for p in people if p.email]
    if addresses:
        send_mail(_("Anxuan reminder"), f"{text}\n{link}", None, addresses, fail_silently=True)


def post_webhook(url: str, text: str) -> None:
    """DingTalk / WeCom group robot: a JSON text message. Failures are logged, not raised."""
    if not url.startswith(("https://", "http://")):
        return
    body = json.dumps({"msgtype": "text", "text": {"content": text}}).encode()
    # S310 below: an http(s) address the office configured for its own group robot.
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310
            response.read()
    except OSError:
        log.warning("group robot webhook failed: %s", url)
