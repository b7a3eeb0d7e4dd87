"""The 政府债务 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "政府债务"
SUBTITLE = "债务余额与限额、债务率、利息支出率、偿债保障倍数与到期分布"
SECTIONS = ("余额与限额", "风险指标", "到期分布（未来三年按月）", "债券清单")

dash.register_page(__name__, path="/debt", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=3)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
