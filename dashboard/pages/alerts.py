"""The 预警中心 page. Its figures come from the alert layer, not wired yet: until then each section says 暂无数据."""
import dash

from dashboard.components import pending_page

NAME = "预警中心"
SUBTITLE = "按级别、类别、规则、区划、部门与状态筛选预警，查看证据并跟踪处理"
SECTIONS = ("预警列表", "预警详情与处理记录")

dash.register_page(__name__, path="/alerts", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=8)


def layout(**_query):
    return pending_page(NAME, SUBTITLE, SECTIONS, detail="本页预警尚未生成：数据载入并完成预警计算后显示。")
