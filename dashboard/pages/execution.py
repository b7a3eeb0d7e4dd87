"""The 预算执行 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "预算执行"
SUBTITLE = "按部门、单位、功能科目、经济科目逐级下钻，直至支付凭证"
SECTIONS = ("执行结构", "执行明细（逐级下钻）", "支付凭证")

dash.register_page(__name__, path="/execution", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=1)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
