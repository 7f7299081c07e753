"""Telling people things: in-app notices and e-mail; the group robots (DingTalk / WeCom)
that offices set up for their units are in core.robots. No business rules: callers decide
who hears what and when, and record what came of it."""

import smtplib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from anxuan.core.models import Notice
from anxuan.core.robots import Outcome

if TYPE_CHECKING:  # for the type checker only: core imports nothing of orgs when it runs
    from anxuan.orgs.models import Person

TEXT_MAX = 500  # Notice.text's max_length


def create_notices(people: Iterable["Person"], text: str, link: str) -> None:
    """An in-app notice for each person."""
    Notice.objects.bulk_create(Notice(recipient=p, text=text[:TEXT_MAX], link=link) for p in people)


def _said(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else message


def send_email(address: str, text: str, link: str) -> Outcome:
    """The message by e-mail to one address; never raises: the outcome carries the mail
    server's answer (or why it could not be reached)."""
    try:
        sent = send_mail(_("Anxuan reminder"), f"{text}\n{link}", None, [address])
    except smtplib.SMTPRecipientsRefused as exc:
        code, message = next(iter(exc.recipients.values()))
        return Outcome(False, f"{code} {_said(message)}", str(code))
    except smtplib.SMTPResponseException as exc:
        return Outcome(False, f"{exc.smtp_code} {_said(exc.smtp_error)}", str(exc.smtp_code))
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(False, str(exc) or type(exc).__name__, "error")
    if not sent:
        return Outcome(False, _("The mail server took nothing."), "error")
    return Outcome(True, "OK", "")
