"""What the validator needs to know of the store: the code tables, and the rows a file's keys point at.

Code tables are small and read once per batch (again after a code-table file loads); everything else is
looked up by the keys the file mentions, in chunks, so a check costs what the file costs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import Connection, case, func, select, tuple_

from warehouse.schema import bgt, debt_bond, debt_flow, dm_econ, dm_func, dm_region, dm_unit, pay

CHUNK = 2000


@dataclass
class CodeTables:
    regions: set[str] = field(default_factory=set)
    region_parent: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # unit_code -> region_code
    _func: dict[int, set[str]] = field(default_factory=dict)
    _econ: dict[tuple[int, str], set[str]] = field(default_factory=dict)

    def func_codes(self, year: int | None) -> set[str]:
        return self._func.get(year) or self._func.get(0, set())

    def econ_codes(self, year: int | None, kind: str) -> set[str]:
        return self._econ.get((year, kind)) or self._econ.get((0, kind), set())


def read_code_tables(conn: Connection) -> CodeTables:
    t = CodeTables()
    for code, parent in conn.execute(select(dm_region.c.region_code, dm_region.c.parent_code)):
        t.regions.add(code)
        t.region_parent[code] = parent or None
    t.units = dict(conn.execute(select(dm_unit.c.unit_code, dm_unit.c.region_code)).all())
    for code, year in conn.execute(select(dm_func.c.code, dm_func.c.year)):
        t._func.setdefault(year, set()).add(code)
    for code, kind, year in conn.execute(select(dm_econ.c.code, dm_econ.c.kind, dm_econ.c.year)):
        t._econ.setdefault((year, kind), set()).add(code)
    return t


def _chunks(items: list, n: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _not_from(table, file_id: int | None):
    return table.c.file_id.is_distinct_from(file_id) if file_id is not None else True


def existing_keys(conn: Connection, table, key_cols: list[str], keys: list[tuple], skip_file: int | None) -> dict:
    """Keys already stored (outside the file being replaced) -> the name of the file that brought them.

    Many keys (a day's vouchers) go through a temporary table joined on the unique index; a few go as IN lists.
    """
    from warehouse.schema import ingest_file

    keys = list(set(keys))
    if len(keys) > CHUNK:
        return _existing_keys_joined(conn, table, key_cols, keys, skip_file)
    out = {}
    cols = [table.c[k] for k in key_cols]
    for part in _chunks(keys):
        cond = tuple_(*cols).in_(part) if len(cols) > 1 else cols[0].in_([k[0] for k in part])
        q = (select(*cols, ingest_file.c.name).select_from(table.outerjoin(ingest_file, table.c.file_id == ingest_file.c.id))
             .where(cond, _not_from(table, skip_file)))
        for row in conn.execute(q):
            out[tuple(row[:-1])] = row[-1] or "系统预置"
    return out


def _existing_keys_joined(conn: Connection, table, key_cols: list[str], keys: list[tuple], skip_file) -> dict:
    names = ", ".join(f"k{i}" for i in range(len(key_cols)))
    temp = "ingest_probe_keys"
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {temp} ({', '.join(f'k{i} text' for i in range(len(key_cols)))}) ON COMMIT DELETE ROWS")
        conn.exec_driver_sql(f"TRUNCATE {temp}")
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
            for k in keys:
                copy.write_row([str(v) for v in k])
        casts = [f"CAST(p.k{i} AS {table.c[c].type.compile(conn.dialect)})" for i, c in enumerate(key_cols)]
    else:
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {temp} ({names})")
        conn.exec_driver_sql(f"DELETE FROM {temp}")
        conn.exec_driver_sql(f"INSERT INTO {temp} VALUES ({', '.join('?' for _ in key_cols)})", keys)
        casts = [f"p.k{i}" for i in range(len(key_cols))]
    on = " AND ".join(f"t.{c} = {cast}" for c, cast in zip(key_cols, casts))
    skip = f" AND (t.file_id IS NULL OR t.file_id <> {int(skip_file)})" if skip_file is not None else ""
    sql = (f"SELECT {', '.join('t.' + c for c in key_cols)}, f.name FROM {temp} p JOIN {table.name} t ON {on}"
           f" LEFT JOIN ingest_file f ON f.id = t.file_id WHERE 1=1{skip}")
    return {tuple(row[:-1]): row[-1] or "系统预置" for row in conn.exec_driver_sql(sql)}


QUOTA_COLS = ("region_code", "year", "quota_id", "unit_code", "func_code", "econ_code", "fund_type", "exp_type",
              "project_code", "kind", "orig_quota_id", "amount_fen")


def quotas(conn: Connection, keys: list[tuple[str, int, str]], skip_file: int | None) -> dict[tuple, dict]:
    """(region, year, quota_id) -> the stored quota row."""
    out = {}
    for part in _chunks(list(set(keys))):
        q = select(*[bgt.c[c] for c in QUOTA_COLS]).where(
            tuple_(bgt.c.region_code, bgt.c.year, bgt.c.quota_id).in_(part), _not_from(bgt, skip_file))
        for row in conn.execute(q).mappings():
            out[(row["region_code"], row["year"], row["quota_id"])] = dict(row)
    return out


def quota_adjustments(conn: Connection, keys: list[tuple[str, int, str]], skip_file: int | None) -> dict[tuple, int]:
    """Net 追加 − 调减 (分) stored against each original quota."""
    out: dict[tuple, int] = {}
    signed = func.sum(case((bgt.c.kind == "调减", -bgt.c.amount_fen), else_=bgt.c.amount_fen))
    for part in _chunks(list(set(keys))):
        q = (select(bgt.c.region_code, bgt.c.year, bgt.c.orig_quota_id, signed)
             .where(tuple_(bgt.c.region_code, bgt.c.year, bgt.c.orig_quota_id).in_(part),
                    bgt.c.kind.in_(("追加", "调减")), _not_from(bgt, skip_file))
             .group_by(bgt.c.region_code, bgt.c.year, bgt.c.orig_quota_id))
        for r, y, o, s in conn.execute(q):
            out[(r, y, o)] = int(s or 0)
    return out


def paid_by_quota(conn: Connection, keys: list[tuple[str, str]], skip_file: int | None) -> dict[tuple, int]:
    """(region, quota_id) -> Σ payments stored (分)."""
    out = {}
    for part in _chunks(list(set(keys))):
        q = (select(pay.c.region_code, pay.c.quota_id, func.sum(pay.c.amount_fen))
             .where(tuple_(pay.c.region_code, pay.c.quota_id).in_(part), _not_from(pay, skip_file))
             .group_by(pay.c.region_code, pay.c.quota_id))
        for r, qid, s in conn.execute(q):
            out[(r, qid)] = int(s or 0)
    return out


def vouchers(conn: Connection, keys: list[tuple[str, str]], skip_file: int | None) -> dict[tuple, dict]:
    """(region, voucher_no) -> unit_code, amount and refunds already stored against it."""
    out = {}
    for part in _chunks(list(set(keys))):
        q = select(pay.c.region_code, pay.c.voucher_no, pay.c.unit_code, pay.c.amount_fen).where(
            tuple_(pay.c.region_code, pay.c.voucher_no).in_(part), _not_from(pay, skip_file))
        for r, v, u, a in conn.execute(q):
            out[(r, v)] = {"unit_code": u, "amount_fen": int(a), "refunded_fen": 0}
        q = (select(pay.c.region_code, pay.c.orig_voucher_no, func.sum(pay.c.amount_fen))
             .where(tuple_(pay.c.region_code, pay.c.orig_voucher_no).in_(part), pay.c.amount_fen < 0,
                    _not_from(pay, skip_file))
             .group_by(pay.c.region_code, pay.c.orig_voucher_no))
        for r, v, s in conn.execute(q):
            if (r, v) in out:
                out[(r, v)]["refunded_fen"] = -int(s or 0)
    return out


def bonds(conn: Connection, codes: list[str], skip_file: int | None) -> dict[str, dict]:
    """bond_code -> amount and principal already repaid (分)."""
    out = {}
    for part in _chunks(list(set(codes))):
        for code, amount in conn.execute(select(debt_bond.c.bond_code, debt_bond.c.amount_fen)
                                         .where(debt_bond.c.bond_code.in_(part))):
            out[code] = {"amount_fen": int(amount), "repaid_fen": 0}
        q = (select(debt_flow.c.bond_code, func.sum(debt_flow.c.amount_fen))
             .where(debt_flow.c.bond_code.in_(part), debt_flow.c.kind == "还本", _not_from(debt_flow, skip_file))
             .group_by(debt_flow.c.bond_code))
        for code, s in conn.execute(q):
            if code in out:
                out[code]["repaid_fen"] = int(s or 0)
    return out


__all__ = ["CodeTables", "read_code_tables", "existing_keys", "quotas", "quota_adjustments", "paid_by_quota",
           "vouchers", "bonds", "and_"]
