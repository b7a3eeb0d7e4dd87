"""What the validator needs to know of the store: the code tables, and the rows a file's keys point at.

Code tables are small and read once per batch (again after a code-table file loads); everything else is
looked up by the keys the file mentions: they go into a temporary probe table joined on the store's indexes
(a multi-column IN list is not searched by index in SQLite), so a check costs what the file costs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from sqlalchemy import select

from warehouse.schema import dm_econ, dm_func, dm_region, dm_unit


@dataclass
class CodeTables:
    regions: set[str] = field(default_factory=set)
    region_parent: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # unit_code -> region_code
    _func: dict[int, set[str]] = field(default_factory=dict)
    _econ: dict[tuple[int, str], set[str]] = field(default_factory=dict)

    def func_codes(self, year: int | None) -> set[str]:
        """The year's delivered codes upserted onto the shipped classification (year 0): a delivery adds and
        renames codes, a code it does not list stays known (interface.md §1)."""
        return self._func.get(0, set()) | self._func.get(year, set())

    def econ_codes(self, year: int | None, kind: str) -> set[str]:
        return self._econ.get((0, kind), set()) | self._econ.get((year, kind), set())


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


def probe(conn: Connection, keys, types: tuple[str, ...]) -> str:
    """Fill a temporary table (columns k0, k1 … of the SQL types given) with the keys; returns its name."""
    name = "probe_" + "".join(t[0].lower() for t in types) + str(len(types))
    cols = ", ".join(f"k{i} {t}" for i, t in enumerate(types))
    names = ", ".join(f"k{i}" for i in range(len(types)))
    keys = list(set(keys))
    if keys and any(hasattr(v, "item") for v in keys[0]):  # numpy scalars (a column's keys are all alike)
        keys = list({tuple(v.item() if hasattr(v, "item") else v for v in k) for k in keys})
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({cols}) ON COMMIT DELETE ROWS")
        conn.exec_driver_sql(f"TRUNCATE {name}")
        with conn.connection.driver_connection.cursor().copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for k in keys:
                copy.write_row(k)
    else:
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({cols})")
        conn.exec_driver_sql(f"DELETE FROM {name}")
        conn.exec_driver_sql(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in types)})", keys)
    return name


def _skip(alias: str, file_id: int | None) -> str:
    return "" if file_id is None else f" AND ({alias}.file_id IS NULL OR {alias}.file_id <> {int(file_id)})"


def _rows(conn: Connection, sql: str):
    return conn.exec_driver_sql(sql).all()


def existing_keys(conn: Connection, table, key_cols: list[str], keys: list[tuple], skip_file: int | None) -> dict:
    """Keys already stored (outside the file being replaced) -> the name of the file that brought them."""
    if not keys:
        return {}
    p = probe(conn, keys, tuple(table.c[c].type.compile(conn.dialect) for c in key_cols))
    on = " AND ".join(f"t.{c} = p.k{i}" for i, c in enumerate(key_cols))
    sql = (f"SELECT {', '.join('t.' + c for c in key_cols)}, f.name FROM {p} p JOIN {table.name} t ON {on}"
           f" LEFT JOIN ingest_file f ON f.id = t.file_id WHERE 1=1{_skip('t', skip_file)}")
    return {tuple(row[:-1]): row[-1] or "系统预置" for row in _rows(conn, sql)}


QUOTA_COLS = ("region_code", "year", "quota_id", "unit_code", "func_code", "econ_code", "fund_type", "exp_type",
              "project_code", "kind", "orig_quota_id", "amount_fen")
_QUOTA_KEY = ("TEXT", "INTEGER", "TEXT")


def quotas(conn: Connection, keys: list[tuple[str, int, str]], skip_file: int | None) -> dict[tuple, dict]:
    """(region, year, quota_id) -> the stored quota row."""
    if not keys:
        return {}
    p = probe(conn, keys, _QUOTA_KEY)
    sql = (f"SELECT {', '.join('b.' + c for c in QUOTA_COLS)} FROM {p} p JOIN bgt b ON b.region_code = p.k0 "
           f"AND b.year = p.k1 AND b.quota_id = p.k2 WHERE 1=1{_skip('b', skip_file)}")
    return {(r[0], r[1], r[2]): dict(zip(QUOTA_COLS, r)) for r in _rows(conn, sql)}


def quota_adjustments(conn: Connection, keys: list[tuple[str, int, str]], skip_file: int | None) -> dict[tuple, int]:
    """Net 追加 − 调减 (分) stored against each original quota."""
    if not keys:
        return {}
    p = probe(conn, keys, _QUOTA_KEY)
    sql = (f"SELECT p.k0, p.k1, p.k2, SUM(CASE WHEN b.kind = '调减' THEN -b.amount_fen ELSE b.amount_fen END) "
           f"FROM {p} p JOIN bgt b ON b.region_code = p.k0 AND b.year = p.k1 AND b.orig_quota_id = p.k2 "
           f"WHERE b.kind IN ('追加', '调减'){_skip('b', skip_file)} GROUP BY p.k0, p.k1, p.k2")
    return {(r[0], r[1], r[2]): int(r[3] or 0) for r in _rows(conn, sql)}


def paid_by_quota(conn: Connection, keys: list[tuple[str, str]], skip_file: int | None) -> dict[tuple, int]:
    """(region, quota_id) -> Σ payments stored (分), less those of the file being replaced.

    Read from pay_year (a few rows per quota, kept equal to PAY's sums), not from the vouchers: a quota's
    payments are a year of rows, so summing them would make a day's check cost the size of the history.
    """
    if not keys:
        return {}
    p = probe(conn, keys, ("TEXT", "TEXT"))
    sql = (f"SELECT p.k0, p.k1, SUM(t.amount_fen) FROM {p} p JOIN pay_year t ON t.region_code = p.k0 "
           f"AND t.quota_id = p.k1 GROUP BY p.k0, p.k1")
    out = {(r[0], r[1]): int(r[2] or 0) for r in _rows(conn, sql)}
    if skip_file is not None:  # its vouchers are still in the sums until the new version replaces them
        span = conn.exec_driver_sql(f"SELECT row_id_first, row_id_last FROM ingest_file "
                                    f"WHERE id = {int(skip_file)}").first()
        rows = f"t.id BETWEEN {int(span[0])} AND {int(span[1])} AND " if span and span[0] is not None else ""
        for region, quota, amount in _rows(conn, f"SELECT t.region_code, t.quota_id, SUM(t.amount_fen) FROM pay t "
                                                 f"WHERE {rows}t.file_id = {int(skip_file)} GROUP BY 1, 2"):
            if (region, quota) in out:
                out[(region, quota)] -= int(amount or 0)
    return out


def vouchers(conn: Connection, keys: list[tuple[str, str]], skip_file: int | None) -> dict[tuple, dict]:
    """(region, voucher_no) -> unit_code, amount and refunds already stored against it."""
    if not keys:
        return {}
    p = probe(conn, keys, ("TEXT", "TEXT"))
    out = {(r[0], r[1]): {"unit_code": r[2], "amount_fen": int(r[3]), "refunded_fen": 0} for r in _rows(
        conn, f"SELECT t.region_code, t.voucher_no, t.unit_code, t.amount_fen FROM {p} p JOIN pay t "
              f"ON t.region_code = p.k0 AND t.voucher_no = p.k1 WHERE 1=1{_skip('t', skip_file)}")}
    for r, v, s in _rows(conn, f"SELECT p.k0, p.k1, SUM(t.amount_fen) FROM {p} p JOIN pay t ON t.region_code = p.k0 "
                               f"AND t.orig_voucher_no = p.k1 WHERE t.amount_fen < 0{_skip('t', skip_file)} "
                               f"GROUP BY p.k0, p.k1"):
        if (r, v) in out:
            out[(r, v)]["refunded_fen"] = -int(s or 0)
    return out


def bonds(conn: Connection, codes: list[str], skip_file: int | None) -> dict[str, dict]:
    """bond_code -> amount and principal already repaid (分)."""
    if not codes:
        return {}
    p = probe(conn, [(c,) for c in codes], ("TEXT",))
    out = {code: {"amount_fen": int(amount), "repaid_fen": 0} for code, amount in _rows(
        conn, f"SELECT b.bond_code, b.amount_fen FROM {p} p JOIN debt_bond b ON b.bond_code = p.k0")}
    for code, s in _rows(conn, f"SELECT p.k0, SUM(f.amount_fen) FROM {p} p JOIN debt_flow f ON f.bond_code = p.k0 "
                               f"WHERE f.kind = '还本'{_skip('f', skip_file)} GROUP BY p.k0"):
        if code in out:
            out[code]["repaid_fen"] = int(s or 0)
    return out
