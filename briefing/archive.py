"""Where briefings are kept and how they are found again: one folder, names that say quarter and region.

A briefing is `<2026Q3>_<region code>_<title>.docx` and the `.pdf` beside it. Files being written carry a leading
dot (see briefing.write), so a listing never shows a half-written one.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from auth import scope as access
from indicators.scope import Regions
from warehouse.db import DATA_DIR

ENV = "BUDGET_BRIEFING_DIR"
FORMATS = ("docx", "pdf")
_NAME = re.compile(r"^(?P<quarter>\d{4}Q[1-4])_(?P<region>[^_]+)_(?P<title>.+)\.(?P<ext>docx|pdf)$")


def default_dir() -> Path:
    """The briefing folder: BUDGET_BRIEFING_DIR, else data/briefings beside the embedded store."""
    return Path(os.environ.get(ENV) or DATA_DIR / "briefings")


def file_stem(quarter_code: str, region: str, title: str) -> str:
    return f"{quarter_code}_{region}_{title}"


@dataclass(frozen=True)
class Briefing:
    quarter: str  # 2026Q3
    region: str
    title: str
    files: dict[str, Path]  # format → path
    written_at: dt.datetime


def list_briefings(out_dir: Path | str) -> list[Briefing]:
    """The briefings in `out_dir`, newest quarter first (then region code)."""
    folder = Path(out_dir)
    found: dict[tuple, dict] = {}
    for path in folder.iterdir() if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match and path.is_file():
            entry = found.setdefault((match["quarter"], match["region"], match["title"]), {})
            entry[match["ext"]] = path
    out = [Briefing(q, r, t, dict(sorted(files.items())),
                    dt.datetime.fromtimestamp(max(p.stat().st_mtime for p in files.values())))
           for (q, r, t), files in found.items()]
    return sorted(out, key=lambda b: (b.quarter, b.region), reverse=True)


def visible_briefings(engine, out_dir: Path | str) -> list[Briefing]:
    """The briefings of the regions the principal of the request may see (auth.scope): a deputy lists and
    downloads only their own regions' briefings, whatever file name a request names."""
    with engine.connect() as conn:
        visible = access.visible_regions(Regions.load(conn))
    found = list_briefings(out_dir)
    return found if visible is None else [b for b in found if b.region in visible]


def find(out_dir: Path | str, quarter_code: str, region: str) -> Briefing | None:
    """The complete briefing (both formats) of a quarter and region, if written."""
    return next((b for b in list_briefings(out_dir) if b.quarter == quarter_code and b.region == region
                 and set(b.files) == set(FORMATS)), None)
