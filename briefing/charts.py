"""The briefing's charts: the dashboard's own Plotly figures (dashboard.figures), drawn to PNG offline.

Kaleido drives the system Chromium (Debian's /usr/bin/chromium, or BROWSER_PATH) and never fetches one: one
browser session draws every chart of a briefing, MathJax off, plotly.js from the installed plotly package.

Kaleido's public calls reload their tab after every figure, which parses plotly.js (4.8 MB) again each time —
most of the time a chart took. A briefing's charts are all drawn in one tab, one after the other, and the tab
is handed back (and reloaded) once: the same drawing function (`kaleido_scopes.plotly`) on a fresh div for each
figure, through the tab calls of kaleido 1.5 (pinned in requirements.txt; tests/test_briefing.py draws them).
"""
from __future__ import annotations

import asyncio
import os
import shutil
import threading
from dataclasses import dataclass

from briefing.facts import Facts
from briefing.quarter import BriefingError
from dashboard.figures.debt import balance_chart
from dashboard.figures.execution import treemap
from dashboard.figures.overview import behind_chart, most_behind
from dashboard.figures.progress import progress_curve
from dashboard.figures.registers import grouped_bars
from dashboard.figures.revenue import composition_chart
from dashboard.figures.sangong import category_chart
from indicators.audit import TOTAL as AUDIT_TOTAL
from indicators.scope import ALL

WIDTH = 720  # px at scale 1 (the text width at the dashboard's type size); drawn at twice that for print
SCALE = 2
TIMEOUT_S = 120  # one chart, on a busy machine
CLOSE_S = 30  # seconds the browser is given to close
BEHIND_N = 10


@dataclass(frozen=True)
class Chart:
    caption: str  # without its number: the document numbers figures in order
    figure: dict  # plotly's JSON of the figure (dashboard.figures)


def charts(f: Facts) -> dict[str, Chart]:
    """The briefing's charts by the section key that shows them (omitted where there is nothing to draw)."""
    out = {
        "execution": Chart(f"{f.region_name}预算支出累计执行率与序时进度",
                           progress_curve(*f.execution_history, f.day, "执行率", f.forecast)),
        "revenue": Chart(f"{f.region_name}收入累计完成率", progress_curve(*f.revenue_history, f.day, "完成率")),
    }
    by_type = [r for ft, r in f.revenue.items() if ft != ALL]
    if by_type:
        out["revenue_mix"] = Chart("分资金性质收入、收入预算与上年同期", composition_chart(by_type))
    if f.depts:
        out["behind"] = Chart("执行进度最慢的部门（进度差）", behind_chart(most_behind(f.depts, BEHIND_N)))
        out["depts"] = Chart("各部门调整后预算（面积）与执行率（颜色）", treemap(f.depts, "部门"))
    if f.sangong:
        out["sangong"] = Chart("三公经费预算、支出与上年同期支出", category_chart(f.sangong))
    if f.debt_regions:
        out["debt"] = Chart("各区划政府债务余额与限额", balance_chart(f.debt_regions))
    if any(r["entities"] for r in f.assets):
        out["assets"] = Chart("国有资产总额、负债与所有者权益（分类别）",
                              grouped_bars("assets", f.assets, "category", ["total_assets", "total_liabilities", "equity"]))
    categories = [r for c, r in f.audit.items() if c != AUDIT_TOTAL and r["issues"]]
    if categories:
        out["audit"] = Chart("审计查出问题涉及金额与已整改金额（分类别）",
                             grouped_bars("audit", categories, "category", ["amount", "rectified_amount"]))
    return out


def browser_path() -> str:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise BriefingError("未找到 Chromium，无法绘制图表：请安装 Debian 的 chromium（apt-get install chromium）"
                            " / Chromium not found")
    return path


class Renderer:
    """One Chromium session for a briefing's charts. It starts on its own event-loop thread when the briefing
    starts, so the browser comes up while the figures are read from the store; `draw` waits for it."""

    def __enter__(self) -> "Renderer":
        import kaleido

        path = browser_path()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="briefing-charts", daemon=True)
        self._thread.start()

        async def open_browser():
            return await kaleido.Kaleido(n=1, path=path, mathjax=False, timeout=TIMEOUT_S).__aenter__()

        self._browser = asyncio.run_coroutine_threadsafe(open_browser(), self._loop)
        return self

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def draw(self, figures: list[dict]) -> list[tuple[bytes, int, int]]:
        """(PNG, width, height in px at scale 1) of each figure, in order."""
        browser = self._browser.result()
        sizes = [(WIDTH, int(fig["layout"].get("height") or 320)) for fig in figures]

        async def draw_all():
            from kaleido._profiler import RenderTaskProfile
            from kaleido._utils.fig_tools import coerce_for_js

            tab = await browser._get_kaleido_tab()
            try:
                out = []
                for fig, (w, h) in zip(figures, sizes):
                    spec = coerce_for_js(fig, None, {"format": "png", "width": w, "height": h, "scale": SCALE})
                    drawn = tab._calc_fig(spec, topojson=None, stepper=False,
                                          render_prof=RenderTaskProfile(spec, None, tab.tab.target_id))
                    out.append(await asyncio.wait_for(drawn, TIMEOUT_S))
                return out
            finally:
                await browser._return_kaleido_tab(tab)

        return [(png, w, h) for png, (w, h) in zip(self._run(draw_all()), sizes)]

    def __exit__(self, *exc) -> None:
        try:
            browser = self._browser.result()  # a browser still starting is waited for, then closed: none is left
            # bounded: closing once hung for minutes after every chart was drawn; the drawings are made by then,
            # so a close that outlasts CLOSE_S is given up rather than holding the briefing
            self._run(asyncio.wait_for(browser.__aexit__(None, None, None), CLOSE_S))
        except TimeoutError:
            pass
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
