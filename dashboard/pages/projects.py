"""The 重大项目 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "重大项目"
SUBTITLE = "重大项目的年度投资完成进度"
SECTIONS = ("投资完成进度", "项目清单")

dash.register_page(__name__, path="/projects", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=7)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
