"""Quarters as the committee names them: 2026Q3 on the command line, 2026年第三季度 in the document."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

CN_NUMBERS = "一二三四"
_CODE = re.compile(r"(\d{4})\s*[Qq]([1-4])")


class BriefingError(ValueError):
    """A briefing that cannot be written (the message is for the person who asked, in Chinese)."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _CODE.fullmatch(str(text).strip())
        if not match:
            raise BriefingError(f"季度应写作 YYYYQn（例如 2026Q3）：{text} / quarter must look like 2026Q3")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{CN_NUMBERS[self.number - 1]}季度"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The quarter's last day: the date every figure of its briefing is as of."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)
