"""三公经费 on a hand-computed store as of 29 February 2028: the same period of 2027 ends on 28 February."""
import datetime as dt
from fractions import Fraction as F

from indicators.sangong import sangong
from tests.builders import Builder, city, fen

D = dt.date(2028, 2, 29)
CATS = ["因公出国（境）费用", "公务接待费", "公务用车运行维护费", "公务用车购置费", "合计"]


def build(engine):
    b = city(Builder(engine))
    b.quota("G1", "100001", "10000", "2028-01-02", econ_code="30217")
    b.quota("G1+", "100001", "2000", "2028-01-20", kind="追加", orig="G1")
    b.pay("P1", "G1", "3000", "2028-01-10")
    b.pay("P2", "G1", "-500", "2028-02-01", orig="P1")
    b.quota("G2", "100002", "200000", "2028-01-02", econ_code="30913")
    b.pay("P3", "G2", "150000", "2028-02-29")
    b.quota("G3", "200001", "100000", "2028-01-02", econ_code="31013")
    b.quota("N1", "200001", "80000", "2028-01-02", econ_code="30201")  # not 三公
    b.pay("P4", "N1", "50000", "2028-01-05")
    b.quota("G4", "300001", "5000", "2028-01-03", econ_code="30212")
    b.pay("P5", "G4", "5000", "2028-01-20")
    b.quota("G0", "100001", "50000", "2027-01-02", econ_code="30217")
    b.pay("L1", "G0", "2000", "2027-02-28")
    b.pay("L2", "G0", "9999", "2027-03-01")  # after the same day last year
    b.quota("G02", "100002", "200000", "2027-01-02", econ_code="30913")
    b.pay("L3", "G02", "100000", "2027-01-15")


def figures(rows):
    return {(r["code"], r["scope"], r["category"]): (r["budget"], r["spent"], r["execution_rate"],
                                                       r["spent_last_year_same_period"], r["yoy"]) for r in rows}


def test_region_rows(store_any):
    build(store_any)
    rows = sangong(store_any, D)
    assert [r["category"] for r in rows[:5]] == CATS
    assert len(rows) == 5 * 4  # 全辖 of 市, 本级 of 市, 东县, 西县
    got = figures(rows)
    full = "419900", "全辖"
    assert got[(*full, CATS[0])] == (fen(5000), fen(5000), 1, 0, None)
    assert got[(*full, CATS[1])] == (fen(12000), fen(2500), F(5, 24), fen(2000), F(1, 4))
    assert got[(*full, CATS[2])] == (0, 0, None, 0, None)
    assert got[(*full, CATS[3])] == (fen(300000), fen(150000), F(1, 2), fen(100000), F(1, 2))
    assert got[(*full, "合计")] == (fen(317000), fen(157500), F(157500, 317000), fen(102000), F(157500, 102000) - 1)
    assert got[("419900", "本级", CATS[0])] == (0, 0, None, 0, None)
    assert got[("419900", "本级", "合计")][1] == fen(152500)
    assert all(v == (0, 0, None, 0, None) for (code, _, _), v in got.items() if code == "419902")


def test_units_get_all_five_rows(store_any):
    build(store_any)
    rows = sangong(store_any, D, level="unit")
    assert sorted({r["code"] for r in rows}) == ["100001", "100002", "200001", "300001"]
    assert all([r["category"] for r in rows if r["code"] == u] == CATS for u in ("100001", "200001"))
    got = figures(rows)
    assert got[("200001", "全辖", CATS[3])] == (fen(100000), 0, 0, 0, None)
    assert got[("100001", "全辖", CATS[1])] == (fen(12000), fen(2500), F(5, 24), fen(2000), F(1, 4))
    depts = figures(sangong(store_any, D, level="dept"))
    assert depts[("100", "全辖", "合计")][:2] == (fen(212000), fen(152500))
