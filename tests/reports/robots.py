"""Local stand-ins for the outside services reminders go to: a group-robot server that
records each request and answers as DingTalk's and WeCom's do, and a mail server that
refuses recipients. Both listen on 127.0.0.1 in a thread."""

import base64
import hashlib
import hmac
import json
import socketserver
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit


def dingtalk_sign(timestamp: str, secret: str) -> str:
    """DingTalk's own recipe (its docs' Python sample), before URL-encoding."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: dict


@dataclass
class FakeRobot:
    """DingTalk at /robot/send?access_token=…, WeCom at /cgi-bin/webhook/send?key=…. A
    DingTalk robot with `secret` (加签) refuses a request whose sign is missing or wrong
    with errcode 310000, a WeCom robot a key other than `key` with errcode 93000 (both with
    HTTP 200, as they do); `fail_first` requests get HTTP 500; `redirect_to` answers 302."""

    secret: str = ""
    key: str = "wecom-key"
    fail_first: int = 0
    redirect_to: str = ""
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        if len(self.received) < self.fail_first:
            return 500, {"message": "internal error"}
        if path == "/cgi-bin/webhook/send":
            if query.get("key") != self.key:
                return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"}
            return 200, {"errcode": 0, "errmsg": "ok"}
        if self.secret:
            timestamp = query.get("timestamp", "")
            fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3600_000
            if not fresh or query.get("sign") != dingtalk_sign(timestamp, self.secret):
                return 200, {"errcode": 310000, "errmsg": "sign not match, more: [x]"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    def url(self, path: str = "/robot/send?access_token=test") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class FakeRobotServer:
    def __init__(self, robot: FakeRobot, port: int = 0) -> None:
        self.robot = robot

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if robot.redirect_to:
                    robot.received.append(Received(parts.path, query, body))
                    self.send_response(302)
                    self.send_header("Location", robot.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, answer = robot.answer(parts.path, query)
                robot.received.append(Received(parts.path, query, body))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        robot.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeRobot:
        self.thread.start()
        return self.robot

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class RefusingMailServer:
    """An SMTP server that greets, then refuses every recipient with 550, as a mail server
    does for an address it does not know; `port` to point EMAIL_PORT at."""

    def __init__(self) -> None:
        class Handler(socketserver.StreamRequestHandler):
            def do(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.do("220 mail.example.test ESMTP")
                for raw in self.rfile:
                    command = raw.decode().strip().upper()
                    if command.startswith("RCPT"):
                        self.do("550 5.1.1 mailbox unavailable")
                    elif command.startswith("QUIT"):
                        self.do("221 bye")
                        return
                    else:
                        self.do("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "RefusingMailServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
