"""Hand-made store contents for the indicator tests: rows inserted straight into the warehouse tables.

Amounts are given in 元 (str/int, exact) and stored in 分; dates as 'YYYY-MM-DD'. Rows have file_id None and a
business_date (by default the row's own date), as if delivered on that day. Defaults give a valid row so a test
names only what its hand computation depends on.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select

from warehouse import schema

_SAME = object()


def d(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def fen(yuan) -> int | None:
    if yuan is None:
        return None
    value = Decimal(str(yuan)) * 100
    assert value == value.to_integral_value(), yuan
    return int(value)


class Builder:
    def __init__(self, engine):
        self.engine = engine
        self.unit_region: dict[str, str] = {}
        self.quotas: dict[str, dict] = {}

    def _add(self, table, **row):
        with self.engine.begin() as conn:
            conn.execute(insert(table), [row])
        return row

    # code tables -------------------------------------------------------------------------------------------
    def region(self, code, name, parent=None, level="市"):
        return self._add(schema.dm_region, region_code=code, region_name=name, parent_code=parent, level=level)

    def unit(self, code, name, dept, dept_name, region, unit_type="行政单位", active="是"):
        self.unit_region[code] = region
        return self._add(schema.dm_unit, unit_code=code, unit_name=name, dept_code=dept, dept_name=dept_name,
                         region_code=region, unit_type=unit_type, active=active)

    def func_name(self, code, name, year):
        return self._add(schema.dm_func, code=code, name=name, year=year)

    # budget and payments -----------------------------------------------------------------------------------
    def quota(self, quota_id, unit, amount, date, kind="年初预算", orig=None, fund_type="一般公共预算",
              func_code="2050201", econ_code="30201", project=None, project_name=None, year=None, region=None,
              business_date=None):
        date = d(date)
        if orig is not None:  # a 调减 / naming 追加 carries its original quota's classification
            o = self.quotas[orig]
            fund_type, func_code, econ_code, project = o["fund_type"], o["func_code"], o["econ_code"], o["project_code"]
        row = self._add(
            schema.bgt, quota_id=quota_id, year=year or date.year, region_code=region or self.unit_region[unit],
            unit_code=unit, func_code=func_code, econ_code=econ_code, fund_type=fund_type, fund_source="本级财力",
            kind=kind, orig_quota_id=orig, exp_type="项目支出" if project else "基本支出", project_code=project,
            project_name=project_name or (f"项目{project}" if project else None), amount_fen=fen(amount),
            issued_date=date, business_date=d(business_date) or date)
        self.quotas[quota_id] = row
        return row

    def pay(self, voucher_no, quota_id, amount, date, orig=None, payee="某某公司", account="62220001",
            fund_type=_SAME, func_code=_SAME, econ_code=_SAME, project=_SAME, unit=None, business_date=None):
        q = self.quotas[quota_id]
        date = d(date)

        def own(value, column):
            return q[column] if value is _SAME else value

        return self._add(
            schema.pay, voucher_no=voucher_no, pay_date=date, region_code=q["region_code"],
            unit_code=unit or q["unit_code"], quota_id=quota_id, func_code=own(func_code, "func_code"),
            econ_code=own(econ_code, "econ_code"), fund_type=own(fund_type, "fund_type"),
            project_code=own(project, "project_code"), payee_name=payee, payee_account=account,
            amount_fen=fen(amount), orig_voucher_no=orig, pay_method="直接支付",
            business_date=d(business_date) or date)

    # revenue -----------------------------------------------------------------------------------------------
    def inc(self, region, code, amount, date, fund_type="一般公共预算", collector="税务", business_date=None):
        return self._add(schema.inc, date=d(date), region_code=region, code=code, fund_type=fund_type,
                         collector=collector, amount_fen=fen(amount), business_date=d(business_date or date))

    def inc_bgt(self, region, code, amount, year, kind="年初预算", fund_type="一般公共预算", business_date=None):
        return self._add(schema.inc_bgt, year=year, region_code=region, code=code, fund_type=fund_type, kind=kind,
                         amount_fen=fen(amount), business_date=d(business_date or f"{year}-01-01"))

    # debt --------------------------------------------------------------------------------------------------
    def bond(self, code, region, amount, issue, maturity, rate, freq="按年付息", bond_type="一般债券",
             business_date=None):
        return self._add(schema.debt_bond, bond_code=code, bond_name=f"债券{code}", region_code=region,
                         bond_type=bond_type, issue_kind="新增债券", issue_date=d(issue), maturity_date=d(maturity),
                         coupon_rate_e4=int(Decimal(str(rate)) * 10000), coupon_freq=freq, amount_fen=fen(amount),
                         business_date=d(business_date or issue))

    def flow(self, flow_id, bond, kind, amount, date, business_date=None):
        return self._add(schema.debt_flow, flow_id=flow_id, bond_code=bond, date=d(date), kind=kind,
                         amount_fen=fen(amount), business_date=d(business_date or date))

    def limit(self, region, bond_type, amount, year, business_date=None):
        return self._add(schema.debt_limit, year=year, region_code=region, bond_type=bond_type,
                         amount_fen=fen(amount), business_date=d(business_date or f"{year}-01-01"))

    def fin_cap(self, region, item, amount, year, business_date=None):
        return self._add(schema.fin_cap, year=year, region_code=region, item=item, amount_fen=fen(amount),
                         business_date=d(business_date or f"{year}-01-01"))

    # assets, audit, projects -------------------------------------------------------------------------------
    def asset(self, period, region, category, entity, assets, liabilities, equity, uom="元", business_date=None):
        return self._add(schema.asset, period=d(period), region_code=region, category=category, entity_code=entity,
                         entity_name=f"主体{entity}", total_assets_fen=fen(assets),
                         total_liabilities_fen=fen(liabilities), equity_fen=fen(equity), unit_of_measure=uom,
                         business_date=d(business_date or period))

    def audit(self, issue, region, category, amount, status, business_date, rectified=0, deadline=None, unit=None):
        return self._add(schema.audit, issue_id=issue, region_code=region, unit_code=unit, category=category,
                         description=f"问题{issue}", amount_fen=fen(amount), found_date=d("2025-01-01"),
                         deadline=d(deadline), status=status, rectified_amount_fen=fen(rectified),
                         updated_date=d(business_date), business_date=d(business_date))

    def proj(self, code, region, plan, ytd, report_date, unit=None, name=None, business_date=None):
        return self._add(schema.proj, project_code=code, project_name=name or f"项目{code}", region_code=region,
                         unit_code=unit, total_investment_fen=fen(plan) * 3, annual_plan_fen=fen(plan),
                         ytd_completed_fen=fen(ytd), cum_completed_fen=fen(ytd), report_date=d(report_date),
                         business_date=d(business_date or report_date))


    # feed bookkeeping ---------------------------------------------------------------------------------------
    def loaded_files(self, day, files: dict[str, str | None], at: dt.datetime) -> None:
        """One completed ingest run that loaded `files` ({file name: its region, None for a batch file such as
        manifest.json}) for business date `day`, a row each: what the feed pages and a view's default date read."""
        day = d(day)
        with self.engine.begin() as conn:
            run = conn.execute(insert(schema.ingest_run).values(
                started_at=at, finished_at=at, inbox="/srv/inbox", date_from=day, date_to=day, status="completed",
                run_by="clerk", files=len(files), rows=len(files), amount_total_fen=0, errors=0,
                warnings=0)).inserted_primary_key[0]
            conn.execute(insert(schema.ingest_file), [dict(
                run_id=run, business_date=day, name=name, report=name.split("_")[0].split(".")[0].upper(),
                region_code=region, sha256="0" * 64, status="loaded", rows=1, amount_total_fen=100, errors=0,
                warnings=0, recorded_at=at) for name, region in files.items()])


CITY_UNITS = {"100001": "419900", "100002": "419900", "200001": "419900", "300001": "419901", "400001": "419902"}


def city(b: Builder) -> Builder:
    """The small region tree most tests use: 市 419900 with 本级 units and two counties (once per store)."""
    with b.engine.connect() as conn:
        if conn.scalar(select(schema.dm_region.c.region_code).where(schema.dm_region.c.region_code == "419900")):
            b.unit_region.update(CITY_UNITS)
            return b
    b.region("419900", "示范市")
    b.region("419901", "东县", "419900", "县")
    b.region("419902", "西县", "419900", "县")
    b.unit("100001", "市教育局", "100", "教育局", "419900")
    b.unit("100002", "市第一中学", "100", "教育局", "419900", "事业单位")
    b.unit("200001", "市卫健委", "200", "卫健委", "419900")
    b.unit("300001", "东县教育局", "300", "东县教育局", "419901")
    b.unit("400001", "西县财政局", "400", "西县财政局", "419902")
    return b
