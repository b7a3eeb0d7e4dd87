"""The 三公经费 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "三公经费"
SUBTITLE = "分类别、分单位的预算、支出与上年同期对比"
SECTIONS = ("三公经费分类", "按单位", "相关支付凭证")

dash.register_page(__name__, path="/sangong", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=2)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
