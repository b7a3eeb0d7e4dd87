"""The same demo data ingested into SQLite and into PostgreSQL gives byte-identical exports: every report of
`python app.py report … --format json` (indicators.md § Exports) — each indicator family at each of its levels
(and each code depth of the classification levels), the alerts, the ingest records and the findings — on a
month end and on the last date delivered.

Nothing is left out of the comparison: no exported field is specific to a run (the ingest records carry no
timestamps or durations, alerts carry business dates only, and alert ids are given in evaluation order).
The quarterly briefing, whose documents the browser-free tests write from a SQLite store only, reads its
figures through `briefing.facts.collect`: those are equal on both stores too.
"""
from __future__ import annotations

import datetime as dt
import difflib

import pytest
from click.testing import CliRunner

from briefing.facts import collect
from briefing.quarter import Quarter
from cli import main
from ingest.delivery import write_report
from indicators.registry import FAMILIES
from indicators.reports import NAMES
from tests.deliveries import voucher
from tests.faults import ingest_args, run_here
from warehouse.db import open_store

FIRST, LAST = "2026-01-01", "2026-02-03"  # a month end and the days after it
DATES = ("2026-01-31", LAST)
DEPTHS = {"func": (3, 5, 7), "econ": (3, 5)}


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory):
    """The demo's deliveries, plus a bad file on the last date so that there are findings to export."""
    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    run_here(["demo", "--from", FIRST, "--to", LAST, "--scale", "0.05", "--inbox", str(inbox), "--quiet"])
    day = dt.date.fromisoformat(LAST)
    write_report(inbox / f"{day:%Y%m%d}" / f"PAY_419900_{day:%Y%m%d}_002.csv", "PAY",
                 [voucher("BAD1", "999999", "NO-QUOTA", "12.345", day=day),
                  voucher("BAD2", "101001", "NO-QUOTA", "-5", day=day)])
    return inbox


def _reports() -> list[list[str]]:
    """Every export: NAME --date D [--level L [--depth N]]."""
    out = []
    for day in DATES:
        for name in NAMES:
            if name not in FAMILIES:
                out.append([name, "--date", day])
                continue
            for level in (lv for lv in FAMILIES[name].levels if lv != "quota"):  # quota: a drill path only
                for depth in DEPTHS.get(level, (None,)) if name == "execution" else (None,):
                    out.append([name, "--date", day, "--level", level, *(["--depth", str(depth)] if depth else [])])
    return out


def _export(url: str, args: list[str]) -> bytes:
    result = CliRunner().invoke(main, ["report", *args, "--format", "json", "--db", url], catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout_bytes


def test_the_same_data_exports_the_same_bytes_on_both_databases(demo_inbox, sqlite_url, pg_url):
    for url in (sqlite_url, pg_url):
        run_here(ingest_args(url, demo_inbox, FIRST, LAST))
    reports = _reports()
    assert len(reports) > 40
    differ, rows = [], 0
    for args in reports:
        on_sqlite, on_pg = _export(sqlite_url, args), _export(pg_url, args)
        rows += on_sqlite.count(b"\n  {")
        if on_sqlite != on_pg:
            diff = difflib.unified_diff(on_sqlite.decode().splitlines(), on_pg.decode().splitlines(), "sqlite",
                                        "postgresql", n=0, lineterm="")
            differ.append(" ".join(args) + "\n" + "\n".join(list(diff)[:12]))
    assert not differ, "\n\n".join(differ)
    assert rows > 1000  # the comparison is of real content, not of empty lists
    facts = [collect(open_store(url), Quarter(2026, 1)) for url in (sqlite_url, pg_url)]
    assert facts[0] == facts[1] and facts[0].depts and facts[0].alerts
