"""Group robots (DingTalk, WeCom): which addresses a robot may have, and posting a text
message to one.

A robot's address is typed by an office, so it must not become a way into the server's own
network: only the hosts the operator lists in ROBOT_HOSTS are called, and only while every
address the host resolves to is public (ROBOT_ALLOW_PRIVATE lets an intranet deployment
call its own). The address is checked when the office saves it and again at every call, as
the name may resolve elsewhere by then; the call connects to the address that was checked
and follows no redirect.

DingTalk answers HTTP 200 with a JSON `errcode` even when it refuses a message (310000:
signature mismatch), WeCom likewise (93000: invalid key): anything but errcode 0 is a
failure. A DingTalk robot with the 加签 security setting gets `timestamp` and `sign`."""

import base64
import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, quote_plus, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Kind = Literal["dingtalk", "wecom"]
WECOM_HOST = "qyapi.weixin.qq.com"
ANSWER_MAX = 2000  # bytes of a robot's answer that are read and kept


class RobotRefused(Exception):
    """The address may not be called; the message says why, for the office."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    kind: Kind


@dataclass(frozen=True)
class Outcome:
    ok: bool
    answer: str  # what the robot answered, or why it could not be reached
    code: str = ""  # the HTTP status or the robot's errcode


def robot_kind(url: str) -> Kind:
    """WeCom robots are addressed by `key=`, DingTalk's by `access_token=`."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if parts.hostname == WECOM_HOST or ("key" in query and "access_token" not in query):
        return "wecom"
    return "dingtalk"


def _allowed_hosts() -> set[str]:
    return {h.strip().lower().rstrip(".") for h in settings.ROBOT_HOSTS if h.strip()}


def _is_internal(address: Address) -> bool:
    """Private, loopback, link-local, reserved, shared, multicast: anything not global."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def parse_robot_url(url: str) -> Target:
    """The robot's address split up, when its scheme and host are allowed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise RobotRefused(_("A group robot address starts with https://."))
    if "@" in parts.netloc:
        raise RobotRefused(_("A group robot address has no user name or password in it."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RobotRefused(_("The port of the group robot address is not a number.")) from None
    host = parts.hostname.lower().rstrip(".")
    allowed = _allowed_hosts()
    if host not in allowed:
        raise RobotRefused(
            _(
                "Group robots may only be at %(hosts)s, not at %(host)s. The system "
                "administrator can allow other hosts (ROBOT_HOSTS)."
            )
            % {"hosts": "、".join(sorted(allowed)) or "—", "host": host}
        )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, host, port, path, robot_kind(url))


def resolve(target: Target) -> list[Address]:
    """The addresses of the robot's host, refused when one is internal and the operator has
    not allowed that; socket.gaierror when the name does not resolve."""
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not settings.ROBOT_ALLOW_PRIVATE:
        for address in addresses:
            if _is_internal(address):
                raise RobotRefused(
                    _(
                        "%(host)s is an internal address (%(address)s); group robots may "
                        "not be called there."
                    )
                    % {"host": target.host, "address": address}
                )
    return addresses


def validate_robot_url(url: str) -> None:
    """For the office's form: the address is refused (ValidationError) unless its host is
    allowed and, when it resolves now, to allowed addresses. A name that does not resolve
    now is kept: it is checked again at every call."""
    try:
        target = parse_robot_url(url)
        with contextlib.suppress(OSError):  # does not resolve now: checked again at each call
            resolve(target)
    except RobotRefused as exc:
        raise ValidationError(str(exc), code="robot_refused") from None


def sign_dingtalk(path: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, in base64,
    URL-encoded, added to the address as `timestamp` and `sign`."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest))}"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        # The certificate is checked against the host's name, not the address.
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _judge(status: int, body: bytes) -> Outcome:
    text = body[:ANSWER_MAX].decode("utf-8", "replace")
    if status != 200:
        return Outcome(False, f"HTTP {status} {text}".strip(), str(status))
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "errcode" not in answer:
        return Outcome(False, _("Not a robot's answer: %(text)s") % {"text": text}, "200")
    if answer["errcode"] != 0:
        return Outcome(False, str(answer.get("errmsg", text)), str(answer["errcode"]))
    return Outcome(True, str(answer.get("errmsg", "ok")), "0")


def post_robot(url: str, text: str, secret: str = "") -> Outcome:
    """Post a text message to a group robot; never raises: the outcome says what happened."""
    try:
        target = parse_robot_url(url)
    except RobotRefused as exc:
        return Outcome(False, str(exc), "refused")
    try:
        address = resolve(target)[0]
    except RobotRefused as exc:
        return Outcome(False, str(exc), "refused")
    except OSError:
        return Outcome(False, _("%(host)s cannot be resolved.") % {"host": target.host}, "dns")
    path = target.path
    if secret and target.kind == "dingtalk":
        path = sign_dingtalk(path, secret)
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, address, settings.WEBHOOK_TIMEOUT)
    try:
        connection.request(
            "POST", path, body.encode(), {"Content-Type": "application/json; charset=utf-8"}
        )
        response = connection.getresponse()
        return _judge(response.status, response.read(ANSWER_MAX))
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(False, str(exc) or type(exc).__name__, "error")
    finally:
        connection.close()
