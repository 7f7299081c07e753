"""A lost receipt found again through the mobile the reporter gave: a six-digit code by
text message (core.sms), then every tip of that mobile gets a new receipt code and
passphrase, shown once (the old ones stop working; neither was ever stored in clear, so
they cannot be shown again). An anonymous tip has no way back, and the pages say so.

The answer to a mobile is the same whether it sent tips or not: a stranger learns nothing
of who reported. Codes live in the shared cache: CODE_SECONDS, CODE_TRIES wrong tries,
CODES_PER_HOUR per mobile."""

import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anxuan.core import audit, sms
from anxuan.tips import identity, services
from anxuan.tips.enums import EventKind, State
from anxuan.tips.models import Tip, TipEvent

log = logging.getLogger(__name__)

CODE_SECONDS = 600
CODE_TRIES = 5
CODES_PER_HOUR = 3


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _tips_of(key: str) -> list[Tip]:
    return list(Tip.objects.filter(reporter_key=key).exclude(state=State.WITHDRAWN).order_by("pk"))


def start(mobile: str) -> str:
    """Send a code to the mobile when it sent tips; the reporter key to continue with."""
    key = identity.reporter_key(mobile)
    if not key:
        raise ValidationError(_("Enter the mobile number you gave with the tip."))
    sent = f"tips:recover:sent:{key}"
    cache.add(sent, 0, 3600)
    if cache.incr(sent) > CODES_PER_HOUR:
        raise ValidationError(_("Too many codes for this mobile; try again in an hour."))
    if _tips_of(key):
        code = f"{secrets.randbelow(10**6):06d}"
        cache.set(f"tips:recover:{key}", {"code": _code_hash(code), "tries": 0}, CODE_SECONDS)
        text = _("Your code to recover a tip's receipt: %(code)s (valid 10 minutes).") % {
            "code": code
        }
        outcome = sms.send_sms(mobile, text)
        if not outcome.ok:
            log.warning("tips recovery text not sent: %s %s", outcome.code, outcome.answer[:200])
    return key


def finish(key: str, code: str) -> list[services.Filed]:
    """The tips of the reporter key with new receipts, when the code is right. (The count
    of wrong tries is written outside any transaction: with the database cache a rollback
    would forget it.)"""
    held = cache.get(f"tips:recover:{key}")
    if not held or held["tries"] >= CODE_TRIES:
        raise ValidationError(_("The code has expired; ask for a new one."), code="expired")
    if not hmac.compare_digest(held["code"], _code_hash(code.strip())):
        held["tries"] += 1
        cache.set(f"tips:recover:{key}", held, CODE_SECONDS)
        raise ValidationError(_("The code is wrong."), code="wrong")
    cache.delete(f"tips:recover:{key}")
    return _renew(key)


@transaction.atomic
def _renew(key: str) -> list[services.Filed]:
    found = []
    for tip in _tips_of(key):
        renewed = services.rekey(tip)
        TipEvent.objects.create(
            tip=tip,
            kind=EventKind.RECOVERED,
            note=_("New receipt code issued; the old one no longer works."),
            to_reporter=True,
        )
        audit.record(actor=None, action="tips.recover", target=tip)
        found.append(renewed)
    return found
