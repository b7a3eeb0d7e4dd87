"""`python app.py refresh`: a backfill of the derived data for a range, stage by stage."""
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from indicators.tables import indicator_snapshot_day
from ingest.load import ingest_dates
from tests.deliveries import D1, D2, base_rows, deliver


def test_refresh_indicators_backfills_the_range(store, store_url, tmp_path):
    deliver(tmp_path / "in", D1, base_rows())
    ingest_dates(store, tmp_path / "in", [D1])
    result = CliRunner().invoke(main, ["refresh", "--only", "indicators", "--from", "2026-03-02", "--to", "2026-03-03",
                                       "--db", store_url])
    assert result.exit_code == 0, result.output
    with store.connect() as conn:
        days = conn.execute(select(func.count()).select_from(indicator_snapshot_day)
                            .where(indicator_snapshot_day.c.date.between(D1, D2))).scalar()
    assert days == 2


def test_refresh_rejects_a_reversed_range(store_url):
    result = CliRunner().invoke(main, ["refresh", "--from", "2026-03-03", "--to", "2026-03-02", "--db", store_url])
    assert result.exit_code != 0 and "早于" in result.output
