"""The briefing as PDF: the same Document as HTML, laid out by WeasyPrint with the fonts this machine has."""
from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from briefing import numbers as n
from briefing.document import Document, Figure, Heading, Paragraph, Table
from briefing.fonts import BODY, HEADING, pdf_fonts

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
        @bottom-center { content: "— " counter(page) " —"; font-family: "%(body)s"; font-size: 14pt; } }
body { font-family: "%(body)s"; font-size: 16pt; line-height: 28pt; text-align: justify; }
.issuer { font-family: "%(heading)s"; color: #C00000; font-size: 26pt; text-align: center; line-height: 40pt; }
.issued { text-align: center; border-bottom: 2.5pt solid #C00000; padding-bottom: 4pt; }
h1 { font-family: "%(heading)s"; font-size: 22pt; font-weight: normal; text-align: center; line-height: 36pt;
     margin: 16pt 0 8pt; }
h2 { font-family: "%(heading)s"; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h3 { font-size: 16pt; font-weight: bold; margin: 0; text-indent: 2em; }
h2, h3, .caption { break-after: avoid; }
p { margin: 0; text-indent: 2em; }
.caption { font-family: "%(heading)s"; font-size: 12pt; text-align: center; text-indent: 0; margin-top: 8pt; }
table { border-collapse: collapse; margin: 4pt auto 12pt; width: 100%%; font-size: 9pt; line-height: 12pt; }
th, td { border: 0.75pt solid #000; padding: 2pt 3pt; }
th { font-family: "%(heading)s"; font-weight: normal; text-align: center; }
td.number { text-align: right; white-space: nowrap; } td.name { text-align: left; min-width: 4em; }
figure { margin: 8pt 0; break-inside: avoid; text-align: center; } img { width: 156mm; }
"""


def _block(block) -> str:
    if isinstance(block, Heading):
        tag = "h2" if block.level == 1 else "h3"
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
        kinds = ["number" if block.numeric(j) else "name" for j in range(len(block.header))]
        body = "".join("<tr>" + "".join(f'<td class="{k}">{escape(v)}</td>' for k, v in zip(kinds, row)) + "</tr>"
                       for row in block.rows)
        return (f'<p class="caption">{escape(block.caption)}</p>'
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if isinstance(block, Figure):
        data = base64.b64encode(block.png).decode("ascii")
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(block.caption)}">'
                f'<p class="caption">{escape(block.caption)}</p></figure>')
    raise TypeError(block)


def to_html(d: Document, fonts: dict[str, str]) -> str:
    body = "\n".join(_block(b) for b in d.blocks)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(d.title)}</title>'
            f"<style>{CSS % {'body': fonts[BODY], 'heading': fonts[HEADING]}}</style></head><body>"
            f'<div class="issuer">{escape(d.issuer)}</div><div class="issued">{n.date_text(d.issued)}</div>'
            f"<h1>{escape(d.title)}</h1>\n{body}</body></html>")


def write_pdf(d: Document, path: Path) -> None:
    import weasyprint

    weasyprint.HTML(string=to_html(d, pdf_fonts())).write_pdf(str(path))
