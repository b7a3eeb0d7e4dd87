"""The fonts of a 人大 document — 仿宋 for text, 黑体 for headings — and what the PDF uses where they are missing.

The docx always names 仿宋 and 黑体: it is opened and edited on the office's machines, which have them. The PDF
is laid out here, with the fonts this machine has: where 仿宋 or 黑体 is not installed, the Noto CJK faces stand
in (serif for 仿宋, sans for 黑体) and a FontFallbackWarning says so.
"""
from __future__ import annotations

import shutil
import subprocess
import warnings
from functools import lru_cache

BODY, HEADING = "body", "heading"
WANTED = {BODY: ("仿宋", "FangSong", "仿宋_GB2312", "FangSong_GB2312"), HEADING: ("黑体", "SimHei")}
FALLBACK = {BODY: ("Noto Serif CJK SC", "serif"), HEADING: ("Noto Sans CJK SC", "sans-serif")}
DOCX_FONTS = {BODY: "仿宋", HEADING: "黑体"}


class FontFallbackWarning(UserWarning):
    """A document font is not installed; the PDF uses a stand-in."""


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font family names fontconfig knows (every localized name of each family)."""
    if shutil.which("fc-list") is None:
        return frozenset()
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def pdf_fonts(installed: frozenset[str] | None = None) -> dict[str, str]:
    """The CSS family of each role: the wanted font if installed, else the stand-in (with a warning)."""
    installed = installed_families() if installed is None else installed
    chosen = {}
    for role, names in WANTED.items():
        found = next((n for n in names if n in installed), None)
        if found is None:
            found = next((n for n in FALLBACK[role][:-1] if n in installed), FALLBACK[role][-1])
            warnings.warn(f"未安装字体 {names[0]}，PDF 改用 {found} / font {names[1]} not installed, using {found}",
                          FontFallbackWarning, stacklevel=2)
        chosen[role] = found
    return chosen
