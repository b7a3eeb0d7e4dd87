"""pay_day / pay_month / pay_year: the database keeps them equal to PAY summed per voucher class and day, month or
year, whatever writes PAY (a load and its redelivery; rows inserted, deleted or updated by hand, one by one or
many in one statement), on SQLite and PostgreSQL; and a sum of PAY over any window read from them is the
vouchers' sum."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, func, insert, select, update

from indicators.facts import spend_cube
from indicators.tables import PAY_CLASS, pay_day, pay_month, pay_year
from ingest.load import ingest_dates
from tests.builders import Builder, city
from tests.deliveries import D1, base_rows, deliver, voucher
from warehouse import pay_sums, schema
from warehouse.schema import pay


def expected(engine) -> dict:
    """The tiers computed from the vouchers themselves: {(tier, period, *class): (Σ 分, vouchers)}."""
    out: dict = {}
    with engine.connect() as conn:
        for r in conn.execute(select(pay.c.pay_date, *(pay.c[c] for c in PAY_CLASS), pay.c.amount_fen)):
            for tier, period in (("day", r[0]), ("month", r[0].replace(day=1)), ("year", r[0].replace(month=1, day=1))):
                key = (tier, period, *r[1:-1])
                amount, n = out.get(key, (0, 0))
                out[key] = (amount + r[-1], n + 1)
    return out


def stored(engine) -> dict:
    out: dict = {}
    with engine.connect() as conn:
        for tier, table, period in (("day", pay_day, pay_day.c.pay_date), ("month", pay_month, pay_month.c.month),
                                    ("year", pay_year, pay_year.c.year)):
            for r in conn.execute(select(period, *(table.c[c] for c in PAY_CLASS), table.c.amount_fen,
                                         table.c.vouchers)):
                key = (tier, *r[:-2])
                assert key not in out, key  # one row per class and period
                out[key] = (r[-2], r[-1])
    return out


def assert_kept(engine):
    assert stored(engine) == expected(engine)


def test_kept_through_inserts_deletes_and_updates(store_any):
    b = city(Builder(store_any))
    b.quota("Q1", "100001", "100000", "2026-01-05")
    b.quota("Q2", "300001", "50000", "2026-01-05", project="P1")
    b.pay("V1", "Q1", "100", "2026-03-02")
    b.pay("V2", "Q1", "50", "2026-03-02")  # same class, same day: one row
    b.pay("V3", "Q1", "-150", "2026-03-02", project="P9")  # own project: another class
    b.pay("V4", "Q1", "30", "2026-03-31", fund_type=None, econ_code=None)  # empty fund type and code: a class too
    b.pay("V5", "Q1", "-30", "2026-03-31", fund_type=None, econ_code=None)  # Σ 0 from two vouchers: row kept
    b.pay("V6", "Q2", "70", "2026-04-01")
    b.pay("V7", "Q2", "1", "2025-12-31", unit="300001")
    assert_kept(store_any)
    with store_any.connect() as conn:
        rows = conn.execute(select(pay_day.c.amount_fen, pay_day.c.vouchers)
                            .where(pay_day.c.pay_date == dt.date(2026, 3, 31))).all()
    assert rows == [(0, 2)]

    with store_any.begin() as conn:
        conn.execute(delete(pay).where(pay.c.voucher_no == "V2"))  # the class keeps V1
        conn.execute(delete(pay).where(pay.c.voucher_no == "V3"))  # the class's last voucher: its rows go
    assert_kept(store_any)
    with store_any.begin() as conn:
        conn.execute(update(pay).where(pay.c.voucher_no == "V1").values(amount_fen=12345))
        conn.execute(update(pay).where(pay.c.voucher_no == "V6").values(pay_date=dt.date(2026, 5, 20)))
        conn.execute(update(pay).where(pay.c.voucher_no == "V4").values(project_code="P2", fund_type="一般公共预算"))
        conn.execute(update(pay).where(pay.c.voucher_no.in_(["V5", "V7"])).values(payee_name="改名"))  # no class change
    assert_kept(store_any)

    with store_any.begin() as conn:  # many rows in one statement, each way
        conn.execute(update(pay).values(amount_fen=pay.c.amount_fen * 2))
        conn.execute(delete(pay).where(pay.c.pay_date < dt.date(2026, 4, 1)))
    assert_kept(store_any)
    with store_any.begin() as conn:
        conn.execute(delete(pay))
    assert stored(store_any) == {}


def test_kept_through_a_load_and_its_redelivery(store_any, tmp_path):
    rows = base_rows()
    rows["PAY"] += [voucher(f"V{i}", "101001", "Q1", 100 + i, day=dt.date(2026, 2, 27 + i % 2), project_code=p)
                    for i, p in zip(range(3, 9), ("", "", "P1", "P1", "", "P2"))]
    deliver(tmp_path / "in", D1, rows)
    ingest_dates(store_any, tmp_path / "in", [D1])
    assert_kept(store_any)
    rows["PAY"] = [r for r in rows["PAY"] if r["voucher_no"] not in ("V5", "V8")] + [voucher("V9", "101001", "Q1", 9)]
    rows["PAY"][0]["amount"] = 1
    deliver(tmp_path / "again", D1, rows)
    ingest_dates(store_any, tmp_path / "again", [D1])
    assert_kept(store_any)


def test_a_load_keeps_the_tiers_itself_and_leaves_the_triggers_to_everyone_else(store_any, tmp_path):
    """A load adds its file's vouchers per class while the row triggers stand aside (SQLite, revision 0010); the
    flag that sets them aside lives only inside the load's transaction, committed or rolled back, so a voucher
    written by hand afterwards still meets the triggers."""
    deliver(tmp_path / "in", D1, base_rows())
    ingest_dates(store_any, tmp_path / "in", [D1])
    assert_kept(store_any)

    def flag(conn):
        return conn.scalar(select(schema.store_meta.c.value).where(schema.store_meta.c.key == pay_sums.FLAG))

    with store_any.connect() as conn:
        assert flag(conn) is None
    by_hand = dict(voucher_no="H1", pay_date=dt.date(2026, 3, 2), region_code="419900", unit_code="101001",
                   quota_id="Q1", payee_name="某某公司", payee_account="62220001", amount_fen=700,
                   pay_method="授权支付")
    with store_any.begin() as conn:
        conn.execute(insert(pay).values(**by_hand))
    assert_kept(store_any)
    with pytest.raises(RuntimeError), store_any.begin() as conn:  # a load failing inside the block
        with pay_sums.deferred(conn):
            assert flag(conn) == ("loader" if store_any.dialect.name == "sqlite" else None)
            conn.execute(delete(pay).where(pay.c.voucher_no == "H1"))
            raise RuntimeError("the load fails before it adds its vouchers to the tiers")
    with store_any.begin() as conn:
        assert flag(conn) is None
        conn.execute(delete(pay).where(pay.c.voucher_no == "H1"))
    assert_kept(store_any)


# Windows read from the tiers ----------------------------------------------------------------------------------
UNITS = ("100001", "100002", "300001")
day_st = st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pays=st.lists(st.tuples(st.sampled_from(UNITS), st.integers(-10**6, 10**8), day_st), max_size=30),
       window=st.tuples(day_st, day_st))
def test_any_window_sums_as_the_vouchers(store, pays, window):
    with store.begin() as conn:
        for t in (schema.pay, schema.bgt):
            conn.execute(delete(t))
    b = city(Builder(store))
    for unit in UNITS:
        b.quota(f"Q{unit}", unit, "1000", "2025-01-01")
    for i, (unit, amount, day) in enumerate(pays):
        b.pay(f"V{i}", f"Q{unit}", Decimal(amount).scaleb(-2), day)
    start, end = sorted(window)
    with store.connect() as conn:
        want = dict(conn.execute(select(pay.c.unit_code, func.sum(pay.c.amount_fen))
                                 .where(pay.c.pay_date >= start, pay.c.pay_date <= end)
                                 .group_by(pay.c.unit_code)).all())
        got = spend_cube(conn, start, end, ("unit_code",))
        total = spend_cube(conn, start, end, ())
    assert got == {(unit,): amount for unit, amount in want.items()}
    assert total == ({(): sum(want.values())} if want else {})
