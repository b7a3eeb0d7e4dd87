"""审计整改: each issue's latest state delivered by D, overdue strictly after the deadline, 合计 row."""
import datetime as dt
from fractions import Fraction as F

from indicators.audit import audit
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)


def build(engine):
    b = city(Builder(engine))
    b.audit("A1", "419900", "预算管理", 100000, "未整改", "2026-01-10", deadline="2026-06-30")
    b.audit("A1", "419900", "预算管理", 100000, "整改中", "2026-05-01", 30000, deadline="2026-06-30")
    b.audit("A2", "419900", "三公经费", 50000, "整改中", "2026-02-01", deadline="2026-06-29")
    b.audit("A2", "419900", "三公经费", 50000, "已整改", "2026-07-01", 50000, deadline="2026-06-29")  # after D
    b.audit("A3", "419901", "专项资金", 80000, "已整改", "2026-03-15", 80000, deadline="2026-03-01")
    b.audit("A4", "419901", None, 20000, "未整改", "2026-03-15")


def test_latest_states(store_any):
    build(store_any)
    rows = audit(store_any, D)
    assert [r["category"] for r in rows[:8]] == ["预算管理", "三公经费", "政府采购", "专项资金", "债务管理", "国有资产",
                                                 "其他", "合计"]
    got = {(r["code"], r["scope"], r["category"]): r for r in rows}
    tot = got[("419900", "全辖", "合计")]
    assert (tot["issues"], tot["rectified_issues"], tot["overdue_issues"]) == (4, 1, 1)
    assert (tot["amount"], tot["rectified_amount"]) == (fen(250000), fen(110000))
    assert tot["rectification_rate"] == F(110000, 250000)
    budget = got[("419900", "全辖", "预算管理")]
    assert (budget["issues"], budget["overdue_issues"], budget["rectified_amount"]) == (1, 0, fen(30000))
    assert got[("419900", "全辖", "其他")]["issues"] == 1
    assert got[("419900", "本级", "合计")]["issues"] == 2
    empty = got[("419902", "全辖", "合计")]
    assert (empty["issues"], empty["rectification_rate"]) == (0, None)
    later = {(r["code"], r["scope"], r["category"]): r for r in audit(store_any, dt.date(2026, 7, 2))}
    assert (later[("419900", "全辖", "合计")]["rectified_issues"], later[("419900", "全辖", "合计")]["overdue_issues"]) == (2, 1)
