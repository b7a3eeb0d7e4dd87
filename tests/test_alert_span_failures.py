"""A forked part of a span (alerts.forking) that raises or dies is reported as its rule's error, and the other
rules' findings of the span are still recorded, on SQLite and on PostgreSQL. (Apart from test_alert_span.py, on
the same demo city, so that the two heavy modules run on different test workers.)"""
from __future__ import annotations

import os

import pytest

from alerts import engine as alert_engine
from alerts import forking, ml
from tests.alert_support import DEFAULTS
from tests.test_alert_span import SINCE, UNTIL, demo_inbox, demo_store, recorded  # noqa: F401 (fixtures)


@pytest.mark.parametrize("how, reported", [
    ("raises", "ValueError: 模型损坏"),
    ("dies", "并行评估进程意外退出（退出码 3）"),
])
def test_a_forked_rule_that_fails_is_reported_and_the_others_are_recorded(demo_store, monkeypatch, how, reported):
    store = demo_store

    def broken(*args, **kwargs):
        if how == "raises":
            raise ValueError("模型损坏")
        os._exit(3)  # killed mid-work: nothing is sent back

    monkeypatch.setattr(ml, "rank", broken)  # what the forked process calls (fork copies the patch)
    monkeypatch.setattr(forking, "worth_forking", lambda days: True)
    summaries = alert_engine.evaluate_span(store, SINCE, UNTIL, DEFAULTS)

    errors = {s.errors.get("ML_OUTLIER") for s in summaries}
    assert len(errors) == 1 and reported in errors.pop(), errors
    fired = {r[0] for r in recorded(store)["alerts"]}
    assert "ML_OUTLIER" not in fired and {"DUP_PAY", "SPLIT_PAY", "EXEC_LAG"} <= fired, fired
