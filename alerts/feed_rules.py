"""Data quality: the deliveries of business date D, read from the ingest's own records (ingest_file, finding).

A report is expected on D for a region when it arrived (in whatever state) on each of the business dates
before D that had deliveries; D is judged once the store has deliveries for D or later, so a date not yet
ingested is not reported missing.
"""
from __future__ import annotations

from sqlalchemy import func, select

from alerts.context import DAILY, Context, Evaluator
from alerts.findings import Finding
from alerts.rules import Rule
from ingest.standard import REPORTS
from warehouse.schema import finding, ingest_file

DAILY_REPORTS = ("PAY", "INC")
EVIDENCE_LIMIT = 100


def feed_missing(ctx: Context, rule: Rule) -> list[Finding]:
    n = rule.param("prior_dates_count")
    with ctx.engine.connect() as conn:
        latest = conn.scalar(select(func.max(ingest_file.c.business_date)))
        if latest is None or latest < ctx.day:
            return []
        before = conn.execute(select(ingest_file.c.business_date).where(ingest_file.c.business_date < ctx.day)
                              .distinct().order_by(ingest_file.c.business_date.desc()).limit(n)).scalars().all()
        if len(before) < n:
            return []
        arrived = conn.execute(
            select(ingest_file.c.region_code, ingest_file.c.report, func.count(ingest_file.c.business_date.distinct()))
            .where(ingest_file.c.business_date.in_(before), ingest_file.c.report.in_(DAILY_REPORTS))
            .group_by(ingest_file.c.region_code, ingest_file.c.report)).all()
        today = set(conn.execute(select(ingest_file.c.region_code, ingest_file.c.report)
                                 .where(ingest_file.c.business_date == ctx.day)).all())
    out = []
    for region, report, days in arrived:
        if days < n or (region, report) in today:
            continue
        name = f"{ctx.names.region(region)} {REPORTS[report].title}"
        message = f"{name}（{report}）此前 {n} 个业务日均按时报送，{ctx.day} 未收到"
        out.append(Finding(rule.id, "report", f"{region}|{report}", rule.severity, None, None, "count", message,
                           (f"{region}/{report}/{ctx.day}",), subject_name=name, region_code=region))
    return out


def feed_refused(ctx: Context, rule: Rule) -> list[Finding]:
    """The files of D whose latest version is refused: a file refused again on a rerun counts once, with the
    errors of its latest refusal, and a file loaded after a refusal is not refused any more."""
    latest = (select(func.max(ingest_file.c.id)).where(ingest_file.c.business_date == ctx.day,
                                                       ingest_file.c.status != "unchanged")
              .group_by(ingest_file.c.name))
    with ctx.engine.connect() as conn:
        files = conn.execute(select(ingest_file).where(ingest_file.c.id.in_(latest), ingest_file.c.status == "refused")
                             .order_by(ingest_file.c.id)).mappings().all()
        out = []
        for f in files:
            errors = conn.execute(select(finding.c.rule_id, finding.c.line).where(
                finding.c.file_id == f["id"], finding.c.severity == "error").order_by(finding.c.id)
                .limit(EVIDENCE_LIMIT)).all()
            rules = "、".join(dict.fromkeys(r for r, _ in errors))
            message = f"文件 {f['name']} 被拒收：{f['errors']} 个错误（{rules or '见校验发现'}）"
            evidence = tuple(f"{f['name']}:{r}@{line if line is not None else '-'}" for r, line in errors)
            out.append(Finding(rule.id, "file", f["name"], rule.severity, f["errors"], 0, "count", message,
                               evidence or (f["name"],), subject_name=f["name"], region_code=f["region_code"]))
    return out


EVALUATORS = {
    "FEED_MISSING": Evaluator(feed_missing, "接收记录：此前 prior_dates_count 个业务日与当日到达的 PAY、INC 文件",
                              f"{DAILY}（已有当日或更晚的交付时）"),
    "FEED_REFUSED": Evaluator(feed_refused, "接收记录：当日被拒收的文件及其错误", "每个业务日"),
}
