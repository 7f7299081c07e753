"""Text messages through the operator's SMS gateway: one HTTP POST of
{"mobile": ..., "text": ...} as JSON to settings.SMS_GATEWAY_URL with a bearer token.
Providers differ (Aliyun, Tencent Cloud, an operator's own gateway); the deployment puts a
small adapter behind this one interface. No business rules: callers decide who is told
what, and the outcome says how it went; nothing raises."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from anxuan.core.robots import Outcome

TIMEOUT_SECONDS = 10
ANSWER_MAX = 2000


def configured() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def send_sms(mobile: str, text: str) -> Outcome:
    """Send `text` to `mobile`; a 2xx answer is success."""
    if not configured():
        return Outcome(False, _("No SMS gateway is configured."), "unconfigured")
    body = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310  (the operator's own https or http URL)
        settings.SMS_GATEWAY_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            said = answer.read(ANSWER_MAX).decode("utf-8", "replace")
            return Outcome(True, said, str(answer.status))
    except urllib.error.HTTPError as exc:
        return Outcome(False, exc.read(ANSWER_MAX).decode("utf-8", "replace"), str(exc.code))
    except (urllib.error.URLError, OSError) as exc:
        return Outcome(False, str(exc) or type(exc).__name__, "error")
