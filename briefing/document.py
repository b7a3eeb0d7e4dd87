"""The briefing as plain data — headings, paragraphs, tables, figures — so Word and PDF lay out one content."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 = 一、…  2 = （一）…


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str  # '表1 …'
    header: tuple[str, ...]  # a numeric column names its unit: '支出（亿元）', '执行率（%）'
    rows: tuple[tuple[str, ...], ...]

    def numeric(self, column: int) -> bool:
        """A column of figures names its unit in its header ('支出（亿元）'); the others hold names."""
        return "（" in self.header[column]


@dataclass(frozen=True)
class Figure:
    caption: str  # '图1 …'
    png: bytes
    width_px: int
    height_px: int


Block = Heading | Paragraph | Table | Figure


@dataclass
class Document:
    issuer: str  # 示范市人大财经委
    title: str  # 示范市2026年第三季度预算执行情况简报
    issued: dt.date
    as_of: dt.date
    blocks: list[Block] = field(default_factory=list)
