"""The 国有资产 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "国有资产"
SUBTITLE = "各类国有资产的规模、资产负债率与保值增值"
SECTIONS = ("资产概况", "主体清单")

dash.register_page(__name__, path="/state-assets", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=5)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
