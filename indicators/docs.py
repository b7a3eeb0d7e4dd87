"""docs/indicators.md is generated from the registry (and the committed forecast back-test), never edited.

    python -m indicators.docs                  # rewrite docs/indicators.md
    python -m indicators.docs --check          # exit 1 when the committed file differs
    python -m indicators.docs --backtest URL   # run the forecast back-test on a store, save it, rewrite
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indicators.registry import FAMILIES, LEVEL_NAMES, UNITS

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "indicators.md"
BACKTEST = ROOT / "docs" / "forecast_backtest.json"

SCOPE_RULES = """\
## 口径规则 · Scope rules

- 所有数字均为"截至 D"（业务日期）的数字，财政年度 Y = D 所在的公历年。金额以元计，内部以分精确求和。
- **全辖** = 该区划及其在 DM_REGION 中的全部下级区划（按 parent_code 树），各自按本级行计入，
  债务限额与综合财力亦同；**本级** = 该区划自身的行。导出行带 `scope` 字段。
- 交易类报表（BGT、PAY、INC、DEBT_BOND、DEBT_FLOW）按各自日期（下达日期、支付日期、入库日期、发行日期、
  日期）≤ D 计入，不论何时报送：迟到的凭证改变其所在日期的数字。
- 重述类报表（INC_BGT、DEBT_LIMIT、FIN_CAP、ASSET、AUDIT、PROJ）按键取业务日期 ≤ D 的最新报送行：
  截至 D 的数字从不使用 D 之后报送的重述。
- 区划以下层级（主管部门、预算单位、功能分类、经济分类、项目）只含所选区划全辖内的行，口径为全辖。
- 支付凭证的资金性质、功能分类、经济分类、项目取凭证自身的值；凭证未填时取其指标（同区划、同指标编号、
  预算年度 = 支付年度）的值。
- 某资金性质"出现"指其在范围内于 Y 年有 BGT 或 PAY 行（收入为 INC 或 INC_BGT 行）。
- 上年同期 = [(Y−1)-01-01, D 的上年同日]，2 月 29 日取 2 月 28 日。
- 分母为 0 时比率为空（null），不是 0，也不报错。
- 层级 func 的 `depth` 取 3/5/7（类/款/项，默认类），层级 econ 取 3/5（类/款，默认类）；科目名称取 Y 年
  报送的 DM_FUNC / DM_ECON，未报送时取系统内置默认表（年度 0）。
- 三公经费下级层级的对象为 Y 或 Y−1 年有三公预算或支出的主管部门/单位，每个对象都给出五行。
- 国有资产取 ≤ D 且已报送的最新报告期（全市同一报告期），金额仅计计量单位为元的行，主体数计全部主体。
- 审计问题未填类别的计入"其他"。重大项目只列 Y 年内有月报（报告日期 ≤ D）的项目。
"""

EXPORT_RULES = """\
## 导出 · Exports

`python app.py report NAME --date YYYY-MM-DD [--region CODE] [--level LEVEL] [--fund-type F] [--depth N]
[--format json|csv|xlsx] [--out FILE]`：每个成员一行，字段为上表中标注"导出"的指标，加 `level`、`code`、`name`、
`scope`、`date` 及各报表的键字段。JSON 中金额为以元计的数字（0.01），比率与倍数为小数（6 位），`lag_pp`
为百分点（0.01），四舍五入，null 表示无定义；CSV 字段相同（UTF-8，无 BOM）；XLSX 表头同为字段名、日期为
YYYY-MM-DD 文本，另附“字段说明”工作表（中文名称与单位）。驾驶舱下载的文件供人阅读：CSV 带 BOM（Excel 按 UTF-8
打开），XLSX 用中文表头与日期单元格。以 = + - @ 开头的文本（纯数字如 -234.57 除外）在 XLSX 中写为文本，在 CSV
中前加单引号，不会成为公式。
"""

FORECAST_METHOD = """\
## 年末执行率预测 · Year-end forecast

对每个往年 y，"占比" = y 年截至同日（2 月 29 日取 2 月 28 日）的支出 ÷ y 年全年支出（全年支出为 0 的年份不计）。
预计全年支出 = 本年截至 D 的支出 ÷ 往年占比的中位数；区间为 ÷ 往年占比的最大值（下限）与最小值（上限）；
预计年末执行率 = 预计全年支出 ÷ 截至 D 的调整后预算。单位少于 3 个可用年份时，依次改用同主管部门各单位、
同区划各单位的往年占比（`basis` = 本单位 / 同部门 / 同区划）；区划按自身（全辖或本级）的往年曲线预测。
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(backtest: dict | None = None) -> str:
    """The whole of docs/indicators.md."""
    out = ["# 监督指标口径 · Indicator definitions", "",
           "> 本文件由 `python -m indicators.docs` 从指标注册表（indicators/registry.py）生成，请勿手工修改。",
           "> Generated from the indicator registry; do not edit by hand.", "", SCOPE_RULES,
           "## 层级 · Levels", "", "| level | 名称 |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in LEVEL_NAMES.items()]
    out += ["", "单位：" + "；".join(f"`{k}` = {v}" for k, v in UNITS.items()) + "。", ""]
    for fam in FAMILIES.values():
        out += [f"## {fam.name} · `{fam.id}`", "",
                f"层级：{', '.join(f'`{lv}`' for lv in fam.levels)}；行键：{', '.join(f'`{k}`' for k in fam.keys)}。",
                "", "| id | 名称 | 单位 | 定义 | 来源 | 导出 |", "|---|---|---|---|---|---|"]
        for ind in fam.indicators:
            out.append(f"| `{ind.id}` | {ind.name} | {UNITS[ind.unit]} | {_cell(ind.formula)} | "
                       f"{', '.join(ind.sources) or '—'} | {'是' if ind.export else '否（中间量）'} |")
        out.append("")
    out += [EXPORT_RULES, FORECAST_METHOD]
    if backtest and backtest.get("months"):
        out += ["### 回测 · Back-test (leave one year out)", "",
                f"数据：{backtest.get('store', '演示城市')}，完整年份 {', '.join(map(str, backtest['years']))}，"
                f"单位 {backtest['units']} 个。误差 = 预测 − 实际年末执行率（百分点）；覆盖率 = 实际值落在区间内的比例。"
                + ("预测依据：" + "，".join(f"{k} {v} 次" for k, v in sorted(backtest.get("bases", {}).items()))
                   + "（留出一年后每个单位至多剩 2 年，故多用同部门合并样本）。" if backtest.get("bases") else ""),
                "", "| 月末 | 样本 | 平均绝对误差 pp | 中位绝对误差 pp | 平均偏差 pp | 区间覆盖率 |",
                "|---|---|---|---|---|---|"]
        for month, m in sorted(backtest["months"].items(), key=lambda kv: int(kv[0])):
            out.append(f"| {int(month)} 月 | {m['n']} | {m['mae_pp']:.2f} | {m['median_ae_pp']:.2f} | "
                       f"{m['bias_pp']:.2f} | {m['coverage']:.1%} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def load_backtest() -> dict | None:
    return json.loads(BACKTEST.read_text(encoding="utf-8")) if BACKTEST.exists() else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/indicators.md is not up to date")
    parser.add_argument("--backtest", metavar="URL", help="run the forecast back-test on this store first")
    parser.add_argument("--store-name", default="演示城市 (python app.py demo)", help="how the docs name the store")
    args = parser.parse_args(argv)
    if args.backtest:
        from indicators.forecast import backtest
        from warehouse.db import open_store

        result = backtest(open_store(args.backtest))
        result["store"] = args.store_name
        BACKTEST.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = render(load_backtest())
    if args.check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} 不是最新的，请运行 python -m indicators.docs / is out of date", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
