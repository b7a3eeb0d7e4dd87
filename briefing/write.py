"""write_briefing: the quarter's figures → charts → the document → docx and PDF in the output folder.

Both files are written under hidden temporary names and renamed into place only when both are complete, so a
failure at any step (no data, a chart, a font, a full disk) leaves nothing half-written in the folder.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import threading
import uuid
from pathlib import Path
from typing import Callable

from briefing.archive import file_stem
from briefing.charts import charts as make_charts
from briefing.charts import Renderer
from briefing.docx_out import write_docx
from briefing.facts import collect, require_data
from briefing.pdf_out import write_pdf
from briefing.quarter import BriefingError, Quarter
from briefing.sections import compose

STEPS = ("读取指标", "绘制图表", "撰写正文", "写出 Word", "写出 PDF")
Progress = Callable[[int, str], None]  # (steps done, the step starting now)


def write_briefing(engine, quarter: Quarter | str, region: str | None, out_dir: Path | str, *,
                   today: dt.date | None = None, progress: Progress | None = None) -> list[Path]:
    """Write the briefing of `quarter` for `region` (None: the top region) into `out_dir`; returns [docx, pdf].

    Raises BriefingError (a Chinese message) for a quarter not over yet or without data."""
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    today = today or dt.date.today()
    if quarter.end >= today:
        raise BriefingError(f"{quarter.label}尚未结束（季度末为 {quarter.end.isoformat()}，今天是 {today.isoformat()}），"
                            f"不能生成简报 / quarter {quarter.code} is not over yet")
    step = progress or (lambda done, name: None)
    step(0, STEPS[0])
    region = require_data(engine, quarter, region)  # before a browser is started for nothing
    with Renderer() as renderer:
        facts = collect(engine, quarter, region)
        step(1, STEPS[1])
        _import_pdf_writer()  # while Chromium draws
        charts = make_charts(facts)
        pictures = dict(zip(charts, renderer.draw([c.figure for c in charts.values()])))
    step(2, STEPS[2])
    document = compose(facts, charts, pictures, today)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(quarter.code, facts.region, document.title)
    finals = [out / f"{stem}.docx", out / f"{stem}.pdf"]
    temps = [out / f".{p.name}.{uuid.uuid4().hex[:8]}.tmp" for p in finals]  # hidden: never listed
    try:
        step(3, STEPS[3])
        write_docx(document, temps[0])
        step(4, STEPS[4])
        write_pdf(document, temps[1])
        for temp, final in zip(temps, finals):
            os.replace(temp, final)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    step(len(STEPS), "完成")
    return finals


def _import_pdf_writer() -> None:
    """WeasyPrint takes seconds to import (cffi, Pango, its fonts) on a busy machine. Imported on a thread while
    Chromium draws the charts (this process mostly waits then), it is ready when the PDF is written; a failure
    is left for write_pdf to raise where it is reported."""
    def load():
        try:
            importlib.import_module("weasyprint")
        except Exception:  # noqa: BLE001 - reported by write_pdf's own import
            pass

    threading.Thread(target=load, name="briefing-pdf-import", daemon=True).start()
