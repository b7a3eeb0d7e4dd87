"""The 审计整改 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "审计整改"
SUBTITLE = "审计查出问题的整改进度与逾期情况"
SECTIONS = ("整改概况", "问题清单")

dash.register_page(__name__, path="/audit", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=6)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
