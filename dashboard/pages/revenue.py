"""The 收入 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "收入"
SUBTITLE = "收入完成进度、结构、税收占比与同比"
SECTIONS = ("收入完成情况", "收入结构", "同比变化")

dash.register_page(__name__, path="/revenue", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=4)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
