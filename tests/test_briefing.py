"""The quarterly briefing: written by the command from a real store, read back with python-docx, and every number
in it — sentences and tables — found among the indicator layer's values for the quarter's last day, formatted by
briefing.numbers. Bad input (a quarter not over, no data) writes nothing; a failure leaves no file behind."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections import Counter

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from sqlalchemy import select

from alerts.records import alert_records
from alerts.tables import alert
from briefing import numbers as n
from briefing.archive import list_briefings
from briefing.quarter import BriefingError, Quarter
from briefing.write import write_briefing
from cli import main
from dashboard.queries.alerts import open_alert_counts
from indicators.assets import assets
from indicators.audit import audit
from indicators.debt import debt
from indicators.execution import execution
from indicators.registry import unit_of
from indicators.revenue import revenue
from indicators.sangong import sangong
from tests import briefing_city
from tests.briefing_city import D
from warehouse import db
from warehouse.schema import dm_region, dm_unit

SECTIONS = ("一、总体情况", "二、部门预算执行", "三、三公经费", "四、政府债务", "五、国有资产和审计整改", "六、预警情况",
            "七、关注事项与建议")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
QUARTER = re.compile(r"(\d{4})年第[一二三四]季度")
CAPTION = re.compile(r"^(表|图)(\d+) ")
UNIT_IN_HEADER = re.compile(r"（(亿元|万元|%|百分点|倍|个|条)）$")


@pytest.fixture(scope="module")
def city(tmp_path_factory, _sqlite_template):
    folder = tmp_path_factory.mktemp("briefing")
    shutil.copy(_sqlite_template, folder / "store.db")
    url = f"sqlite:///{folder / 'store.db'}"
    engine = db.open_store(url)
    briefing_city.build(engine)
    yield engine, url, folder
    engine.dispose()


@pytest.fixture(scope="module")
def written(city):
    engine, url, folder = city
    out = folder / "out"
    result = CliRunner().invoke(main, ["briefing", "--quarter", "2026Q3", "--out", str(out), "--db", url],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    return engine, out, files, result


@pytest.fixture
def quick_charts(monkeypatch):
    """Tests about files and scheduling, not charts: a 1×1 PNG stands in for each drawing."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), "white").save(buffer, "PNG")
    png = buffer.getvalue()

    class Sketch:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def draw(self, figures):
            return [(png, 720, 300)] * len(figures)

    monkeypatch.setattr("briefing.write.Renderer", Sketch)


# What the indicator layer says for the day -----------------------------------------------------------------
class Values:
    """Every figure of the day by unit, and the names, dates and alert figures the text may carry."""

    def __init__(self, engine, issued: dt.date):
        families = {
            "execution": execution(engine, D) + execution(engine, D, level="dept"),
            "revenue": revenue(engine, D), "sangong": sangong(engine, D), "debt": debt(engine, D),
            "assets": assets(engine, D), "audit": audit(engine, D),
        }
        self.by_unit: dict[str, set] = {"元": set(), "ratio": set(), "pp": set(), "multiple": set(), "count": set()}
        for family, rows in families.items():
            for r in rows:
                for field, value in r.items():
                    if value is not None and unit_of(family, field) in self.by_unit:
                        self.by_unit[unit_of(family, field)].add(value)
        records = alert_records(engine, D)
        severities = Counter(r["severity"] for r in records)
        per_rule = Counter((r["rule_id"], r["severity"]) for r in records)
        self.by_unit["count"] |= {*open_alert_counts(engine, D).values(), *severities.values(), *per_rule.values(), 0}
        with engine.connect() as conn:
            units = dict(conn.execute(select(alert.c.id, alert.c.unit)).all())
            self.names = {name for row in conn.execute(select(dm_unit.c.unit_name, dm_unit.c.dept_name)) for name in row}
            self.names |= {name for (name,) in conn.execute(select(dm_region.c.region_name))}
        self.names |= {r["subject_name"] for r in records if r["subject_name"]}
        self.alert_figures = {n.alert_figure(r[k], units[r["id"]]) for r in records for k in ("figure", "threshold")}
        self.dates = {D, issued, *(r["period"] for r in assets(engine, D) if r["period"])}
        self.dates |= {r[k] for r in records for k in ("first_seen", "last_seen")}

    def formatted(self, kind: str, unit: str | None = None) -> set[str]:
        """The forms a value of `kind` may take in the document."""
        amounts, ratios = self.by_unit["元"], self.by_unit["ratio"]
        if kind == "amount":
            return {n.amount(v) for v in amounts}
        if kind == "amount_cell":
            return {n.amount_cell(v, unit) for v in amounts}
        if kind == "percent":  # signed, or unsigned after 增长/下降
            return {n.percent(v) for v in ratios} | {f"{abs(n.percent_number(v))}%" for v in ratios}
        if kind == "percent_cell":
            return {n.percent_cell(v) for v in ratios}
        if kind == "pp":  # after 快于/慢于
            return {f"{abs(n.pp_number(v))}个百分点" for v in self.by_unit["pp"]}
        if kind == "pp_cell":
            return {n.pp_cell(v) for v in self.by_unit["pp"]}
        if kind == "multiple":
            return {n.multiple(v) for v in self.by_unit["multiple"]}
        if kind == "multiple_cell":
            return {n.multiple_cell(v) for v in self.by_unit["multiple"]}
        if kind == "count":
            return {n.count(v) for v in self.by_unit["count"]}
        raise KeyError(kind)


TEXT_TOKENS = (  # (pattern, kind): each number of a sentence with the unit that says what it is
    (re.compile(r"-?\d+\.\d{2}(?:亿元|万元)"), "amount"),
    (re.compile(r"-?\d+\.\d{2}个百分点"), "alert"),
    (re.compile(r"\d+\.\d个百分点"), "pp"),
    (re.compile(r"-?\d+\.\d{2}%"), "alert"),
    (re.compile(r"-?\d+\.\d%"), "percent"),
    (re.compile(r"\d+\.\d{2}倍"), "multiple"),
    (re.compile(r"\d+天"), "alert"),
    (re.compile(r"\d+(?=个|条)"), "count"),
)


def unexplained_numbers(text: str, v: Values, year: int) -> list[str]:
    """Numbers of `text` that are not an indicator value (nor a date of the briefing, nor its quarter)."""
    wrong = []
    for name in sorted(v.names, key=len, reverse=True):
        text = text.replace(name, "〇")
    for match in DATE.finditer(text):
        if dt.date(*map(int, match.groups())) not in v.dates:
            wrong.append(match[0])
    text = DATE.sub("〇", text)
    wrong += [m[0] for m in QUARTER.finditer(text) if int(m[1]) != year]
    text = CAPTION.sub("", QUARTER.sub("〇", text))
    for pattern, kind in TEXT_TOKENS:
        allowed = v.alert_figures if kind == "alert" else v.formatted(kind)
        wrong += [m[0] for m in pattern.finditer(text) if m[0] not in allowed]
        text = pattern.sub("〇", text)
    return wrong + re.findall(r"\d+(?:\.\d+)?", text)


def cell_kind(header: str) -> tuple[str, str | None] | None:
    match = UNIT_IN_HEADER.search(header)
    if not match:
        return None
    unit = match[1]
    return {"亿元": ("amount_cell", unit), "万元": ("amount_cell", unit), "%": ("percent_cell", None),
            "百分点": ("pp_cell", None), "倍": ("multiple_cell", None)}.get(unit, ("count", None))


# The document ------------------------------------------------------------------------------------------------
def test_the_command_writes_docx_and_pdf_named_by_quarter(written):
    _, out, files, result = written
    assert [f.suffix for f in files] == [".docx", ".pdf"]
    assert all("2026Q3" in f.name and f.stat().st_size > 10_000 for f in files)
    assert files[1].read_bytes().startswith(b"%PDF-")
    assert "已写出" in result.output
    listed = list_briefings(out)
    assert [(b.quarter, b.region, sorted(b.files)) for b in listed] == [("2026Q3", "419900", ["docx", "pdf"])]


def test_every_number_in_the_text_is_an_indicator_value(written):
    engine, _, files, _ = written
    document = docx.Document(str(files[0]))
    values = Values(engine, dt.date.today())
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    checked = 0
    for text in paragraphs:
        assert unexplained_numbers(text, values, 2026) == [], text
        checked += bool(re.search(r"\d", text))
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        for row in table.rows[1:]:
            for head, cell in zip(header, (c.text for c in row.cells)):
                kind = cell_kind(head)
                if kind is None:
                    assert unexplained_numbers(cell, values, 2026) == [], (head, cell)
                else:
                    assert cell == n.NOT_DEFINED or cell in values.formatted(*kind), (head, cell)
                checked += 1
    assert checked > 150  # the check ran over a document full of figures


def test_sentences_say_what_the_indicators_say(written):
    engine, _, files, _ = written
    text = "\n".join(p.text for p in docx.Document(str(files[0])).paragraphs)
    general = next(r for r in revenue(engine, D) if r["code"] == "419900" and r["scope"] == "全辖"
                   and r["fund_type"] == "一般公共预算")
    spent = next(r for r in execution(engine, D) if r["code"] == "419900" and r["scope"] == "全辖"
                 and r["fund_type"] == "一般公共预算")
    assert f"全市一般公共预算收入{n.amount(general['collected'])}，完成预算的{n.percent(general['completion_rate'])}" in text
    assert n.change(general["yoy"]) in text and "比上年同期增长" in n.change(general["yoy"])
    assert f"为调整后预算{n.amount(spent['adjusted_budget'])}的{n.percent(spent['execution_rate'])}，慢于序时进度" in text
    slowest = min((r for r in execution(engine, D, level="dept") if r["lag_pp"] is not None),
                  key=lambda r: r["lag_pp"])
    assert f"执行进度最慢的是{slowest['name']}（执行率{n.percent(slowest['execution_rate'])}" in text
    assert "三公经费支出比上年同期增长" in text and "未来一年内到期本金" in text and "逾期未整改问题1个" in text
    assert "未办结的红色预警" in text


def test_layout_of_a_committee_document(written):
    _, _, files, _ = written
    document = docx.Document(str(files[0]))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "示范市人大财经委" and "示范市2026年第三季度预算执行情况简报" in texts
    assert [t for t in texts if t in SECTIONS] == list(SECTIONS)
    assert len(document.inline_shapes) >= 6
    captions = [t for t in texts if t.startswith("图")]
    assert [c.split()[0] for c in captions] == [f"图{i}" for i in range(1, len(captions) + 1)]
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    heading = next(p for p in document.paragraphs if p.text == SECTIONS[0])
    assert heading.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer


# Bad input and failures ----------------------------------------------------------------------------------------
def test_a_quarter_not_over_is_refused_with_nothing_written(city, tmp_path):
    engine, url, _ = city
    with pytest.raises(BriefingError, match="尚未结束"):
        write_briefing(engine, "2026Q4", None, tmp_path / "out", today=dt.date(2026, 12, 31))
    result = CliRunner().invoke(main, ["briefing", "--quarter", "2099Q1", "--out", str(tmp_path / "out"),
                                       "--db", url])
    assert result.exit_code != 0 and "尚未结束" in result.output
    assert not (tmp_path / "out").exists()


def test_a_quarter_without_data_is_refused(city, tmp_path):
    engine, url, _ = city
    result = CliRunner().invoke(main, ["briefing", "--quarter", "2024Q2", "--out", str(tmp_path), "--db", url])
    assert result.exit_code != 0 and "没有预算执行和收入数据" in result.output
    assert list(tmp_path.iterdir()) == []
    result = CliRunner().invoke(main, ["briefing", "--quarter", "2026Q9", "--out", str(tmp_path), "--db", url])
    assert result.exit_code != 0 and "2026Q3" in result.output


def test_a_failure_midway_leaves_no_file(city, tmp_path, monkeypatch, quick_charts):
    engine, _, _ = city

    def disk_full(document, path):
        path.write_bytes(b"%PDF-1.7 half")
        raise OSError("No space left on device")

    monkeypatch.setattr("briefing.write.write_pdf", disk_full)
    with pytest.raises(OSError):
        write_briefing(engine, "2026Q3", None, tmp_path, today=dt.date(2026, 10, 8))
    assert list(tmp_path.iterdir()) == []


# Schedule, archive, background jobs ------------------------------------------------------------------------------
def test_the_daily_job_writes_the_previous_quarter_once_on_the_first_working_day(city, tmp_path, quick_charts):
    from briefing.schedule import first_working_day_after, maybe_write_previous_quarter

    engine, _, _ = city
    first = first_working_day_after(D)
    assert first == dt.date(2026, 10, 8)  # after the National Day holiday
    assert maybe_write_previous_quarter(engine, dt.date(2026, 10, 7), tmp_path) is None
    written = maybe_write_previous_quarter(engine, first, tmp_path)
    assert [p.suffix for p in written] == [".docx", ".pdf"] and all(p.exists() for p in written)
    assert maybe_write_previous_quarter(engine, first + dt.timedelta(days=1), tmp_path) is None
    assert len(list_briefings(tmp_path)) == 1
    assert maybe_write_previous_quarter(engine, dt.date(2024, 7, 1), tmp_path) is None  # no data for 2024Q2


def test_a_briefing_job_reports_progress_until_done(city, tmp_path, quick_charts):
    import threading
    import time

    from briefing import jobs
    from jobs.runner import Runner

    engine, _, _ = city
    job = jobs.enqueue(engine, "2026Q3", "419901", tmp_path, requested_by="张三")
    assert jobs.status(engine, job)["state"] == jobs.QUEUED
    worker = threading.Thread(target=Runner(engine).run_one)
    worker.start()
    seen = []
    while (status := jobs.status(engine, job))["state"] in (jobs.QUEUED, jobs.RUNNING):
        seen.append(status["done"])
        time.sleep(0.05)
    worker.join()
    assert status["state"] == jobs.DONE, status
    assert seen == sorted(seen) and status["done"] == status["total"]
    assert status["files"] == [p.name for p in list_briefings(tmp_path)[0].files.values()]
    assert [b.region for b in list_briefings(tmp_path)] == ["419901"]
    failed = jobs.enqueue(engine, "2099Q1", None, tmp_path)
    Runner(engine).run_one()
    status = jobs.status(engine, failed)
    assert status["state"] == jobs.FAILED and "尚未结束" in status["message"]


def test_quarters():
    q = Quarter.parse("2026q1")
    assert (q.code, q.label, q.start, q.end) == ("2026Q1", "2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q.previous() == Quarter(2025, 4) and Quarter(2025, 4).next() == q
    assert Quarter.containing(dt.date(2026, 10, 8)).previous().end == D


def test_a_missing_font_falls_back_with_a_warning():
    from briefing.fonts import FontFallbackWarning, pdf_fonts

    with pytest.warns(FontFallbackWarning, match="仿宋"):
        assert pdf_fonts(frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"})) == {
            "body": "Noto Serif CJK SC", "heading": "Noto Sans CJK SC"}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pdf_fonts(frozenset({"仿宋", "黑体"})) == {"body": "仿宋", "heading": "黑体"}
