"""The alert rules in force: the committee's rules file when it is valid, else the last valid one.

Where the file is: $BUDGET_ALERT_RULES, else data/alert_rules.yaml when present, else none (the shipped
defaults). A file with problems never takes effect: the rules stay those of the last valid file this store
has seen — its text is kept in store_meta, so the next process and the daily job keep them too — or the
defaults when there was none, and the problems travel with the rules so that nobody mistakes the edit for
being in force.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from alerts.rules import RuleSet, RulesError, load_rules, rules_from_text
from warehouse.db import DATA_DIR, writing
from warehouse.schema import store_meta

ENV = "BUDGET_ALERT_RULES"
DEFAULT_FILE = DATA_DIR / "alert_rules.yaml"
META_KEY = "alert_rules_last_valid"
_last_valid: dict[str, str] = {}  # this process's last valid file text (for callers without a store)


@dataclass(frozen=True)
class InForce:
    rules: RuleSet
    path: Path | None  # the configured rules file; None = no file, the defaults
    problems: list[str] = field(default_factory=list)  # why the configured file is not in force

    def notice(self) -> str | None:
        """One Chinese paragraph for the clerk when the file was refused."""
        if not self.problems:
            return None
        return (f"预警规则文件 {self.path} 有 {len(self.problems)} 处问题，未生效；继续使用{self.rules.source}：\n"
                + "\n".join(f"  - {p}" for p in self.problems))


def rules_file() -> Path | None:
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    return DEFAULT_FILE if DEFAULT_FILE.exists() else None


def rules_in_force(engine=None) -> InForce:
    """The rules to evaluate with; `engine` = the store whose last valid file is kept and used."""
    path = rules_file()
    if path is None:
        return InForce(load_rules(), None)
    try:
        rules = load_rules(path)
        text = path.read_text(encoding="utf-8")
    except RulesError as e:
        return InForce(_previous(engine), path, e.problems)
    _last_valid["text"] = text
    if engine is not None:
        _keep(engine, text)
    return InForce(rules, path)


def _previous(engine) -> RuleSet:
    text = _stored(engine) if engine is not None else None
    text = text if text is not None else _last_valid.get("text")
    if text is None:
        return load_rules()
    return rules_from_text(text, "上次有效的规则文件")


def _stored(engine) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(store_meta.c.value).where(store_meta.c.key == META_KEY))


def _keep(engine, text: str) -> None:
    """Remember `text` in the store; safe when several processes (dashboard workers, job runners, the daily job)
    see the same new file at once."""
    if _stored(engine) == text:  # the usual case: a read, no write lock
        return
    try:
        with writing(engine).begin() as conn:
            if not conn.execute(update(store_meta).where(store_meta.c.key == META_KEY).values(value=text)).rowcount:
                conn.execute(insert(store_meta).values(key=META_KEY, value=text))
    except IntegrityError:  # another process inserted it first (PostgreSQL): theirs is the same file
        with engine.begin() as conn:
            conn.execute(update(store_meta).where(store_meta.c.key == META_KEY).values(value=text))
