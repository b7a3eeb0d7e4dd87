"""The load benchmark's simulated users (bench/load_users.py run by locust) against a small HTTP server that
notes what it is asked: each user sends its own session's headers, views the pages in turn with their recorded
callbacks, and every request and every failed one comes back with its start time."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load_bench import run_users


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None, object]] = []
    fail_posts = False

    def _answer(self, body: object) -> None:
        type(self).seen.append((self.command, self.path, self.headers.get("X-Account"), body))
        status = 500 if self.command == "POST" and type(self).fail_posts else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(None)

    def do_POST(self) -> None:  # noqa: N802
        self._answer(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    Recorder.seen, Recorder.fail_posts = [], False
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


ACCOUNTS = [{"X-Account": "a"}, {"X-Account": "b"}]
PAGES = ["/", "/debt"]
BODIES = {"/debt": [{"output": "debt-kpis.children", "inputs": []}]}


def test_users_view_pages_with_their_callbacks_each_in_its_own_session(server):
    before = time.time()
    run = run_users(server, ACCOUNTS, PAGES, "date=2026-01-31&region=419900", BODIES, seconds=2, think=(0, 0))
    assert run["errors"] == []
    gets = [s for s in Recorder.seen if s[0] == "GET"]
    posts = [s for s in Recorder.seen if s[0] == "POST"]
    assert {path for _, path, _, _ in gets} == {"/?date=2026-01-31&region=419900",
                                                "/debt?date=2026-01-31&region=419900"}
    assert {account for _, _, account, _ in Recorder.seen} == {"a", "b"}
    assert posts and all(path == "/_dash-update-component" and body == BODIES["/debt"][0]
                         for _, path, _, body in posts)
    assert len(run["samples"]) == len(Recorder.seen)
    assert all(before <= at <= before + run["seconds"] and 0 <= seconds < 60 for at, seconds, _ in run["samples"])
    assert {name for _, _, name in run["samples"]} == {"/", "/debt", "/debt callback"}


def test_failed_requests_are_counted_as_errors_with_their_page(server):
    Recorder.fail_posts = True
    run = run_users(server, ACCOUNTS, PAGES, "date=2026-01-31", BODIES, seconds=2, think=(0, 0))
    posts = sum(1 for s in Recorder.seen if s[0] == "POST")
    assert posts and len(run["errors"]) == posts
    assert all(error.startswith("/debt callback") and "500" in error for _, error in run["errors"])
    assert len(run["samples"]) == len(Recorder.seen) - posts


def test_think_time_spaces_a_users_page_views(server):
    # 6 s: a second page view even when the machine is so busy that one takes seconds; without the think time,
    # a page view of some 50 ms would make dozens
    run = run_users(server, ACCOUNTS[:1], PAGES, "date=2026-01-31", {}, seconds=6, think=(0.5, 0.5))
    starts = sorted(at for at, _, _ in run["samples"])
    assert 2 <= len(starts) <= 13 and all(b - a >= 0.45 for a, b in zip(starts, starts[1:]))
