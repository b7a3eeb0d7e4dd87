"""重大项目: the latest report of year Y dated and delivered by D, against the annual plan and 序时进度."""
import datetime as dt
from fractions import Fraction as F

from indicators.projects import projects
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)


def build(engine):
    b = city(Builder(engine))
    b.proj("PR1", "419900", 1000, 200, "2026-04-30", unit="100001", name="市体育中心")
    b.proj("PR1", "419900", 1000, 300, "2026-05-31", unit="100001", name="市体育中心")
    b.proj("PR1", "419900", 1000, 350, "2026-05-31", unit="100001", name="市体育中心", business_date="2026-06-15")
    b.proj("PR1", "419900", 1000, 500, "2026-06-30", unit="100001", name="市体育中心", business_date="2026-07-10")
    b.proj("PR2", "419901", 800, 800, "2025-12-31")  # last year's report only
    b.proj("PR3", "419901", 0, 10, "2026-06-30")


def test_latest_reports(store_any):
    build(store_any)
    rows = projects(store_any, D)
    assert [r["code"] for r in rows] == ["PR1", "PR3"]
    pr1 = rows[0]
    assert (pr1["level"], pr1["name"], pr1["scope"], pr1["unit_code"], pr1["report_date"]) == (
        "project", "市体育中心", "全辖", "100001", dt.date(2026, 5, 31))
    assert (pr1["annual_plan"], pr1["ytd_completed"]) == (fen(1000), fen(350))
    assert pr1["completion_rate"] == F(35, 100)
    assert pr1["lag_pp"] == (F(35, 100) - F(181, 365)) * 100
    assert rows[1]["completion_rate"] is None and rows[1]["lag_pp"] is None
    assert [r["code"] for r in projects(store_any, D, region="419901", level="project")] == ["PR3"]
    assert projects(store_any, dt.date(2026, 7, 10))[0]["ytd_completed"] == fen(500)
