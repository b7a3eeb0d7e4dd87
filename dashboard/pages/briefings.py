"""The 简报 page: write a quarter's 预算执行情况简报 with one click, and download the ones written before.

Writing takes seconds (charts are drawn by a browser), so the click queues a background job (briefing.jobs) that
a job runner writes, and the page polls its progress from the job table — any worker process answers the poll,
and a worker restarted mid-briefing does not lose it. The list below is the briefing folder itself
(briefing.archive).
"""
import datetime as dt

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from auth import audit
from auth.principal import current_principal
from briefing import jobs
from briefing.archive import default_dir, visible_briefings
from briefing.quarter import Quarter
from dashboard import store
from dashboard.components import empty_state, note, page, section
from dashboard.state import parse_view

NAME = "简报"
QUARTERS_OFFERED = 8
FILE = "briefing-file"

dash.register_page(__name__, path="/briefings", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=10)


def ended_quarters(day: dt.date, n: int = QUARTERS_OFFERED) -> list[Quarter]:
    """The last `n` quarters over by `day` (the view's as-of date), the most recent first."""
    out = [Quarter.containing(day).previous()]
    while len(out) < n:
        out.append(out[-1].previous())
    return out


def archive_list():
    found = visible_briefings(store.engine(), default_dir())
    if not found:
        return empty_state("尚未生成简报")
    rows = [html.Tr([html.Td(b.quarter), html.Td(b.title), html.Td(f"{b.written_at:%Y-%m-%d %H:%M}"),
                     html.Td(dmc.Group([dmc.Button(fmt.upper(), id={"type": FILE, "name": path.name}, size="compact-xs",
                                                   variant="light") for fmt, path in b.files.items()], gap=4))])
            for b in found]
    head = html.Thead(html.Tr([html.Th(h) for h in ("季度", "标题", "生成时间", "下载")]))
    return dmc.Table([head, html.Tbody(rows)], striped=True, highlightOnHover=True, id="briefing-table")


def layout(**query):
    view = parse_view(query)
    quarters = ended_quarters(min(view.as_of or dt.date.today(), dt.date.today()))
    return page(
        NAME,
        dcc.Store(id="briefing-region", data=view.region),
        dcc.Store(id="briefing-job"),
        dcc.Interval(id="briefing-poll", interval=1000, disabled=True),
        dcc.Download(id="briefing-download"),
        section("生成季度简报", dmc.Group([
            dmc.Select(id="briefing-quarter", label="季度", data=[{"value": q.code, "label": q.label} for q in quarters],
                       value=quarters[0].code, allowDeselect=False, w=200),
            dmc.Button("生成", id="briefing-generate"),
        ], align="flex-end", gap="sm"),
            dmc.Progress(id="briefing-progress", value=0, mt="sm", size="lg"),
            note("", id="briefing-status", mt=4),
            note("简报按所选区划（全辖）生成，数据截至季度最后一天；每个数字均取自指标体系，与各页面一致。")),
        section("往期简报", html.Div(archive_list(), id="briefing-list")),
        subtitle="季度预算执行情况简报（Word 与 PDF）：一键生成，往期可下载；每季度结束后的第一个工作日自动生成",
    )


@callback(Output("briefing-job", "data"), Output("briefing-poll", "disabled"), Output("briefing-generate", "loading"),
          Output("briefing-status", "children", allow_duplicate=True),
          Input("briefing-generate", "n_clicks"), State("briefing-quarter", "value"), State("briefing-region", "data"),
          prevent_initial_call=True)
def generate(_clicks, quarter, region):
    principal = current_principal()
    job_id = jobs.enqueue(store.engine(), quarter, region, default_dir(), principal.username if principal else None)
    audit.log(store.engine(), audit.BRIEFING, target=quarter, region=region, job=job_id)
    return job_id, False, True, "已加入生成队列…"


def progress_text(status: dict) -> str:
    """What the person waiting reads while the job is queued or running."""
    if status["state"] == jobs.QUEUED:
        return "上次执行中断，正在排队重新生成…" if status["attempts"] else "排队等待生成…"
    if status["stalled"]:
        return "生成进程无响应，等待其他进程接手…"
    return f"正在{status['step']}…（{status['done']}/{status['total']}）"


@callback(Output("briefing-progress", "value"), Output("briefing-status", "children"),
          Output("briefing-poll", "disabled", allow_duplicate=True),
          Output("briefing-generate", "loading", allow_duplicate=True), Output("briefing-list", "children"),
          Input("briefing-poll", "n_intervals"), State("briefing-job", "data"), prevent_initial_call=True)
def poll(_n, job_id):
    status = jobs.status(store.engine(), job_id) if job_id else None
    if status is None:
        return 0, "", True, False, no_update
    percent = round(100 * status["done"] / status["total"])
    if status["state"] in (jobs.QUEUED, jobs.RUNNING):
        return percent, progress_text(status), False, True, no_update
    if status["state"] == jobs.FAILED:
        return 0, status["message"], True, False, no_update
    warned = "".join(f"（{w}）" for w in status["warnings"])
    return 100, "已生成：" + "、".join(status["files"]) + warned, True, False, archive_list()


@callback(Output("briefing-download", "data"), Input({"type": FILE, "name": ALL}, "n_clicks"),
          prevent_initial_call=True)
def download(_clicks):
    """Only a file the listing shows can be fetched (the name is checked against the folder, never joined)."""
    clicked = next((i.get("value") for i in ctx.inputs_list[0] if i["id"] == ctx.triggered_id), None)
    if not clicked:  # a button drawn anew, not clicked
        return no_update
    wanted = ctx.triggered_id["name"]
    files = {p.name: p for b in visible_briefings(store.engine(), default_dir()) for p in b.files.values()}
    if wanted not in files:
        return no_update
    audit.log(store.engine(), audit.DOWNLOAD, target=wanted)
    return dcc.send_file(str(files[wanted]))
