"""Filing a tip and finding it again by its receipt (decision 0022)."""

import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from anxuan.core import audit
from anxuan.orgs.models import PATH_STEP, Organization, Person
from anxuan.tips import evidence, identity
from anxuan.tips.enums import Channel, EventKind, Sector
from anxuan.tips.models import Tip, TipEvent

RECEIPT_DIGITS = 16
PASSPHRASE_WORDS = 4
WORD_LETTERS = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i to misread
WRONG_TRIES = 5  # wrong passphrases for one receipt before it is locked
LOCK_SECONDS = 3600
FOLLOW_SECONDS = 1800  # how long a session follows a tip after its receipt was given
FOLLOWING = "tips.following"
UNKNOWN = make_password(None)  # an unusable hash


@dataclass(frozen=True)
class Filed:
    """A new tip with what the reporter must keep: shown once, never stored in clear."""

    tip: Tip
    receipt: str  # 16 digits, grouped by four
    passphrase: str


def handling_office(place: Organization) -> Organization:
    """The office with jurisdiction over the place at the level that handles tips
    (settings.TIPS_HANDLING_KIND, the county by default): the place itself or the nearest
    organisation of that kind above it; a place above that level (a city, say) is handled
    by its own office."""
    step = PATH_STEP + 1
    prefixes = [place.path[:end] for end in range(step, len(place.path) + 1, step)]
    above = {o.path: o for o in Organization.objects.filter(path__in=prefixes)}
    chain = [above[p] for p in prefixes if p in above]  # top first
    handling = [o for o in chain if o.kind == settings.TIPS_HANDLING_KIND]
    return handling[-1] if handling else place


def receipt_hash(receipt: str) -> str:
    digits = "".join(c for c in receipt if c.isdigit())
    return hmac.new(settings.SECRET_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()


def _new_receipt() -> str:
    digits = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
    return " ".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def _new_passphrase() -> str:
    words = (
        "".join(secrets.choice(WORD_LETTERS) for _ in range(4)) for _ in range(PASSPHRASE_WORDS)
    )
    return "-".join(words)


@transaction.atomic
def file_tip(
    *,
    place: Organization,
    address: str,
    target: str,
    category: str,
    description: str,
    sector: str = Sector.INDUSTRY_TRADE,
    seen_on: date | None = None,
    name: str = "",
    mobile: str = "",
    passphrase: str = "",
    channel: str = Channel.WEB,
    entered_by: Person | None = None,
    address_hash: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> Filed:
    """Save a tip, routed to its handling office, with its photos and videos (all or none,
    tips.evidence) and a new receipt code and the reporter's passphrase (or one made).
    Nothing of the reporter's identity is audited: the audit row names the tip, not who
    sent it."""
    if passphrase and len(passphrase) < 8:
        raise ValidationError(_("A passphrase has at least 8 characters."))
    phrase = passphrase or _new_passphrase()
    receipt, hashed = _unused_receipt()
    tip = Tip(
        receipt_hash=hashed,
        passphrase=make_password(phrase),
        office=handling_office(place),
        place=place,
        address=address.strip(),
        target=target.strip(),
        category=category,
        sector=sector,
        seen_on=seen_on,
        description=description.strip(),
        channel=channel,
        identity=identity.seal(name.strip(), mobile.strip()),
        identified=bool(name.strip() or mobile.strip()),
        reporter_key=identity.reporter_key(mobile.strip()),
        entered_by=entered_by,
    )
    tip.full_clean()
    tip.save()
    TipEvent.objects.create(tip=tip, kind=EventKind.FILED, actor=entered_by, office=tip.office)
    evidence.attach(tip, uploads, from_reporter=entered_by is None, actor=entered_by)
    audit.record(
        actor=entered_by,
        action="tips.file",
        target=tip,
        summary=f"{tip.get_channel_display()} → {tip.office}",
        address_hash=address_hash,
    )
    return Filed(tip, receipt, phrase)


def _unused_receipt() -> tuple[str, str]:
    while True:
        receipt = _new_receipt()
        hashed = receipt_hash(receipt)
        if not Tip.objects.filter(receipt_hash=hashed).exists():
            return receipt, hashed


def rekey(tip: Tip) -> Filed:
    """A new receipt code and passphrase for a tip (the old ones stop working)."""
    receipt, hashed = _unused_receipt()
    phrase = _new_passphrase()
    cache.delete(_lock_key(tip.receipt_hash))
    tip.receipt_hash = hashed
    tip.passphrase = make_password(phrase)
    tip.save(update_fields=["receipt_hash", "passphrase", "updated_at"])
    return Filed(tip, receipt, phrase)


def _lock_key(hashed: str) -> str:
    return f"tips:wrong:{hashed}"


def follow(receipt: str, passphrase: str) -> Tip:
    """The tip of a receipt and its passphrase. A wrong pair says only that it is wrong (a
    stranger learns nothing of which receipts exist); after WRONG_TRIES wrong passphrases
    a receipt is locked for LOCK_SECONDS, the right passphrase included, in the cache
    every worker shares."""
    hashed = receipt_hash(receipt)
    key = _lock_key(hashed)
    if cache.get(key, 0) >= WRONG_TRIES:
        raise ValidationError(
            _("Too many wrong tries for this receipt code; try again in an hour."), code="locked"
        )
    tip = Tip.objects.select_related("office", "place").filter(receipt_hash=hashed).first()
    # Against no tip, a hash of nothing: the same work, so the time tells nothing either.
    encoded = tip.passphrase if tip is not None else UNKNOWN
    if not check_password(passphrase.strip(), encoded) or tip is None:
        cache.add(key, 0, LOCK_SECONDS)
        cache.incr(key)
        raise ValidationError(_("The receipt code or the passphrase is wrong."), code="wrong")
    cache.delete(key)
    return tip


def remember_follower(request: HttpRequest, tip: Tip) -> None:
    """Let this session take the reporter's steps on the tip for FOLLOW_SECONDS from now
    (the receipt and passphrase are asked again after that)."""
    request.session[FOLLOWING] = {"tip": tip.pk, "until": time.time() + FOLLOW_SECONDS}


def followed(request: HttpRequest) -> Tip | None:
    """The tip this session follows, while it still may."""
    held = request.session.get(FOLLOWING)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        request.session.pop(FOLLOWING, None)
        return None
    return (
        Tip.objects.select_related("office", "place", "merged_into")
        .filter(pk=int(held.get("tip") or 0))
        .first()
    )
