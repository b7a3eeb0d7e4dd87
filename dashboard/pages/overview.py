"""The 总览 page. Its figures come from the indicator layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "总览"
SUBTITLE = "全辖预算执行、收入、债务、三公经费与预警的概况"
SECTIONS = ("关键指标", "累计支出进度（本年、上年、序时进度）", "年末执行预测", "执行进度落后的部门")

dash.register_page(__name__, path="/", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=0)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS)
