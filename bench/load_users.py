"""The simulated dashboard users of bench/load_bench.py, as a locustfile (run by `locust --headless` in a process
of its own, since locust patches the standard library with gevent when imported).

Each user is one logged-in person (the cookies and headers of an account of its own) who views page after
page: the page, then the callback requests its browser makes, in the order they were recorded, then a pause
(the think time, 0 for a stress run). The plan — server, accounts, pages and the recorded callbacks — is the
JSON file named by LOAD_PLAN; every request's start (epoch seconds), duration and error go to the JSON lines
file LOAD_SAMPLES, so that load_bench.py can cut the run into the parts before, during and after the ingest.
"""
from __future__ import annotations

import itertools
import json
import os

from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
UPDATE = "/_dash-update-component"
_accounts = itertools.count()
_out = open(os.environ["LOAD_SAMPLES"], "a", encoding="utf-8", buffering=1)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, context=None, exception=None,
            start_time=None, url=None, **kwargs):
    _out.write(json.dumps({"at": start_time, "ms": response_time, "name": name,
                           "error": None if exception is None else f"{name}: {exception!r}"[:300]}) + "\n")


class PageViewer(FastHttpUser):
    host = PLAN["base"]
    network_timeout = connection_timeout = 60.0
    wait_time = between(*PLAN["think"]) if PLAN["think"][1] > 0 else constant(0)

    def on_start(self) -> None:
        k = next(_accounts)
        self.headers = PLAN["accounts"][k % len(PLAN["accounts"])]
        self.page = k  # users start on different pages, as the threads of the earlier runner did

    @task
    def view_page(self) -> None:
        path = PLAN["pages"][self.page % len(PLAN["pages"])]
        self.page += 1
        context = {"page": path}
        self.client.get(f"{path}?{PLAN['query']}", headers=self.headers, name=path, context=context)
        for body in PLAN["bodies"].get(path, []):
            self.client.post(UPDATE, json=body, headers=self.headers, name=f"{path} callback", context=context)
