"""The fixed cast of 示范市: its regions, departments, budget units and the people and companies they pay.

The cast's structure (codes, names, what each unit spends on) is fixed; sizes and payees come from the seed.
County unit codes start with the county's two digits, so several begin with a zero (01…), as real ones do.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from demo import names

CITY = "419900"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str
    level: str
    short: str  # used in document numbers and unit names
    weight: float  # share of the city's general budget


REGIONS = (
    Region(CITY, "示范市", "", "市", "示", 0.50),
    Region("419901", "示范市东城区", CITY, "县", "东", 0.09),
    Region("419902", "示范市西城区", CITY, "县", "西", 0.09),
    Region("419921", "北山县", CITY, "县", "北", 0.10),
    Region("419922", "南河县", CITY, "县", "南", 0.08),
    Region("419981", "清源市", CITY, "县", "清", 0.14),
)


@dataclass(frozen=True)
class ProjectSpec:
    """A line of project spending a kind of unit carries every year (a continuing project)."""
    name: str
    func: str | None  # None: the unit's own functional code
    econ: str
    mode: str  # how payees are chosen (see Payments)
    share: float  # of the unit's general budget; for other fund types a weight inside that fund's pool
    fund: str = "一般公共预算"
    source: str = "本级财力"


@dataclass(frozen=True)
class BasicLine:
    econ: str
    mode: str
    share: float


# 基本支出 by kind of unit: share of the unit's general budget (the lines paid to the unit's own staff, "wage"
# and "travel", are sized by its head count instead: see PER_EMPLOYEE).
_ADMIN = (("30101", "payroll", .13), ("30102", "payroll2", .09), ("30107", "wage", .04), ("30108", "social", .05),
          ("30113", "housing", .03), ("30201", "office", .025), ("30205", "water", .004), ("30206", "power", .012),
          ("30207", "telecom", .006), ("30211", "travel", .012), ("30213", "repair", .02), ("30215", "meeting", .006),
          ("30216", "training", .006), ("30226", "labor", .01), ("30227", "service", .04), ("30299", "misc", .015))
_SCHOOL = (("30101", "payroll", .18), ("30102", "payroll2", .10), ("30107", "wage", .06), ("30108", "social", .07),
           ("30113", "housing", .04), ("30201", "office", .02), ("30205", "water", .008), ("30206", "power", .02),
           ("30207", "telecom", .004), ("30213", "repair", .03), ("30216", "training", .006), ("30226", "labor", .01),
           ("30227", "service", .02), ("30299", "misc", .01))
_HOSPITAL = (("30101", "payroll", .12), ("30102", "payroll2", .08), ("30107", "wage", .06), ("30108", "social", .05),
             ("30113", "housing", .03), ("30201", "office", .01), ("30205", "water", .01), ("30206", "power", .025),
             ("30207", "telecom", .004), ("30213", "repair", .02), ("30216", "training", .006), ("30218", "material", .15),
             ("30226", "labor", .01), ("30227", "service", .02), ("30299", "misc", .01))
_LEAN = (("30101", "payroll", .04), ("30102", "payroll2", .03), ("30107", "wage", .02), ("30108", "social", .02),
         ("30113", "housing", .01), ("30201", "office", .01), ("30205", "water", .002), ("30206", "power", .005),
         ("30207", "telecom", .003), ("30211", "travel", .005), ("30213", "repair", .01), ("30226", "labor", .005),
         ("30227", "service", .03), ("30299", "misc", .01))
BASIC = {kind: tuple(BasicLine(*line) for line in lines) for kind, lines in
         (("admin", _ADMIN), ("public", _ADMIN), ("school", _SCHOOL), ("hospital", _HOSPITAL), ("works", _LEAN),
          ("welfare", _LEAN), ("fund", _LEAN), ("finance", _ADMIN))}

P = ProjectSpec
PROJECTS = {
    "admin": (P("专项业务经费", None, "30227", "service", .30), P("信息化建设", None, "31007", "contract", .20)),
    "public": (P("专项业务经费", None, "30227", "service", .30), P("业务设备购置", None, "31002", "equipment", .20)),
    "school": (P("校舍维修改造工程", None, "31006", "contract", .25), P("教学设备购置", None, "31003", "equipment", .17)),
    "hospital": (P("医疗设备购置", None, "31003", "equipment", .20), P("院区改扩建工程", None, "31001", "contract", .19)),
    "welfare": (P("城市最低生活保障金", "2081901", "30305", "people", .38), P("农村最低生活保障金", "2081902", "30305", "people", .30),
                P("优抚对象抚恤金", "2080801", "30304", "people", .17)),
    "fund": (P("机关事业单位养老金发放", "2080505", "30302", "people", 1.0, "社会保险基金预算"),),
    "finance": (P("财政信息化建设", "2010607", "31007", "contract", .25),
                P("国有企业资本金注入", "2060499", "31201", "enterprise", 1.0, "国有资本经营预算"),
                P("科技型国有企业创新投入", "2060499", "31201", "enterprise", .5, "国有资本经营预算")),
}
WORKS = {  # project-heavy units, by what they build
    "roads": (P("国省干线公路改造工程", "2140104", "31005", "contract", .45), P("农村公路养护", "2140106", "30213", "contract", .35),
              P("收费公路专项债券项目", "2140104", "31005", "contract", .6, "政府性基金预算", "债券资金")),
    "housing": (P("老旧小区改造", "2210103", "31005", "contract", .30), P("城市道路建设", "2120303", "31005", "contract", .30),
                P("城乡环卫保洁服务", "2120501", "30227", "contract", .20),
                P("征地和拆迁补偿", "2120801", "31012", "contract", 1.0, "政府性基金预算"),
                P("城市基础设施建设专项债券项目", "2120803", "31005", "contract", 1.2, "政府性基金预算", "债券资金")),
    "urban": (P("市政设施维护", "2120399", "30213", "contract", .45), P("小城镇基础设施建设", "2120303", "31005", "contract", .35)),
    "water": (P("水库除险加固", "2130306", "31005", "contract", .50), P("河道综合治理", "2130306", "30227", "contract", .30)),
    "farm": (P("高标准农田建设", "2130122", "31005", "contract", .40), P("耕地地力保护补贴", "2130122", "30310", "people", .20),
             P("农村基础设施建设", "2130504", "31005", "contract", .20)),
    "env": (P("大气污染防治", "2110301", "30227", "service", .45), P("水污染防治", "2110302", "31005", "contract", .35)),
}

# 三公 lines a kind of unit carries (econ codes); some units also buy cars or travel abroad (below).
SANGONG = {"admin": ("30217", "30231"), "public": ("30217",), "hospital": ("30217", "30231"), "works": ("30217", "30231"),
           "welfare": ("30217",), "finance": ("30217", "30231"), "fund": ("30217",), "school": ()}


@dataclass(frozen=True)
class UnitDef:
    name: str
    kind: str
    type: str  # 行政单位 / 事业单位 / 其他
    func: str  # the unit's own functional code (基本支出 and projects without their own code)
    weight: float
    works: str = ""
    extra_sangong: tuple[str, ...] = ()


U = UnitDef
# City departments: (dept code, name, units). Unit codes are dept code + serial (schools get a 3-digit campus suffix).
CITY_DEPTS = (
    ("101", "示范市人大常委会办公厅", (U("示范市人大常委会办公厅", "admin", "行政单位", "2010101", .8),)),
    ("102", "示范市人民政府办公室", (U("示范市人民政府办公室", "admin", "行政单位", "2010301", 1.0, extra_sangong=("30212",)),
                             U("示范市政务服务中心", "public", "事业单位", "2010350", .6))),
    ("103", "示范市发展和改革委员会", (U("示范市发展和改革委员会", "admin", "行政单位", "2010401", .9, extra_sangong=("30212",)),
                              U("示范市价格监测中心", "public", "事业单位", "2010401", .3))),
    ("104", "示范市财政局", (U("示范市财政局", "finance", "行政单位", "2010601", 1.2),
                        U("示范市财政国库支付中心", "public", "事业单位", "2010601", .4),
                        U("示范市国有资产服务中心", "public", "事业单位", "2010601", .4))),
    ("105", "示范市审计局", (U("示范市审计局", "admin", "行政单位", "2010801", .6),
                        U("示范市审计信息中心", "public", "事业单位", "2010804", .3))),
    ("106", "示范市公安局", (U("示范市公安局", "admin", "行政单位", "2040201", 2.5, extra_sangong=("31013",)),
                        U("示范市公安局交通警察支队", "admin", "行政单位", "2040220", 1.2, extra_sangong=("31013",)),
                        U("示范市看守所", "admin", "行政单位", "2040201", .5),
                        U("示范市公安局出入境管理支队", "admin", "行政单位", "2040201", .4),
                        U("示范市公安局特警支队", "admin", "行政单位", "2040220", .6))),
    ("107", "示范市人民检察院", (U("示范市人民检察院", "admin", "行政单位", "2040501", .8),)),
    ("108", "示范市教育局", (U("示范市教育局", "admin", "行政单位", "2050101", 1.0, extra_sangong=("30212",)),)
     + tuple(U(f"示范市{n}", "school", "事业单位", f, w) for n, f, w in (
         ("第一中学", "2050204", 1.2), ("第二中学", "2050204", 1.1), ("第三中学", "2050203", .9), ("第四中学", "2050203", .9),
         ("实验中学", "2050203", 1.0), ("外国语学校", "2050204", 1.0), ("第一小学", "2050202", .8),
         ("第二小学", "2050202", .7), ("第三小学", "2050202", .7), ("第四小学", "2050202", .6), ("第五小学", "2050202", .6),
         ("实验小学", "2050202", .8), ("第一幼儿园", "2050201", .4), ("第二幼儿园", "2050201", .3),
         ("职业技术学校", "2050302", .9), ("第六小学", "2050202", .6), ("第三幼儿园", "2050201", .3),
         ("特殊教育学校", "2050202", .3)))),
    ("109", "示范市科学技术局", (U("示范市科学技术局", "admin", "行政单位", "2060101", .6),
                          U("示范市科技情报研究所", "public", "事业单位", "2060499", .4))),
    ("110", "示范市文化广电和旅游局", (U("示范市文化广电和旅游局", "admin", "行政单位", "2070101", .7, extra_sangong=("30212",)),
                              U("示范市图书馆", "public", "事业单位", "2070109", .4), U("示范市博物馆", "public", "事业单位", "2070109", .4),
                              U("示范市文化馆", "public", "事业单位", "2070109", .3),
                              U("示范市艺术剧院", "public", "其他", "2070109", .3),
                              U("示范市美术馆", "public", "事业单位", "2070109", .2))),
    ("111", "示范市人力资源和社会保障局", (U("示范市人力资源和社会保障局", "admin", "行政单位", "2080101", .8),
                                U("示范市社会保险事业服务中心", "fund", "事业单位", "2080101", .5),
                                U("示范市公共就业服务中心", "public", "事业单位", "2080101", .5))),
    ("112", "示范市民政局", (U("示范市民政局", "welfare", "行政单位", "2080201", 2.0), U("示范市社会福利院", "public", "事业单位", "2080201", .5),
                        U("示范市救助管理站", "public", "事业单位", "2080201", .3), U("示范市殡葬管理所", "public", "事业单位", "2080201", .3),
                        U("示范市老年公寓", "public", "事业单位", "2080201", .3))),
    ("113", "示范市卫生健康委员会", (U("示范市卫生健康委员会", "admin", "行政单位", "2100101", 1.0, extra_sangong=("30212",)),
                             U("示范市第一人民医院", "hospital", "事业单位", "2100201", 2.5),
                             U("示范市第二人民医院", "hospital", "事业单位", "2100201", 1.8),
                             U("示范市中医院", "hospital", "事业单位", "2100202", 1.4),
                             U("示范市妇幼保健院", "hospital", "事业单位", "2100201", 1.0),
                             U("示范市疾病预防控制中心", "public", "事业单位", "2100401", .8),
                             U("示范市卫生健康综合监督执法支队", "public", "事业单位", "2100101", .4),
                             U("示范市急救中心", "public", "事业单位", "2100408", .5),
                             U("示范市第三人民医院", "hospital", "事业单位", "2100201", 1.2),
                             U("示范市精神卫生中心", "hospital", "事业单位", "2100201", .6))),
    ("114", "示范市生态环境局", (U("示范市生态环境局", "works", "行政单位", "2110301", 1.0, "env"),
                          U("示范市环境监测站", "public", "事业单位", "2110301", .4))),
    ("115", "示范市住房和城乡建设局", (U("示范市住房和城乡建设局", "works", "行政单位", "2120101", 2.5, "housing"),
                              U("示范市城市管理局", "works", "行政单位", "2120101", 1.5, "urban"),
                              U("示范市市政设施管理处", "works", "事业单位", "2120101", 1.2, "urban"),
                              U("示范市园林绿化中心", "public", "事业单位", "2120501", .6),
                              U("示范市房屋征收服务中心", "public", "事业单位", "2120101", .4))),
    ("116", "示范市农业农村局", (U("示范市农业农村局", "works", "行政单位", "2130101", 1.8, "farm"),
                          U("示范市农业技术推广中心", "public", "事业单位", "2130104", .5),
                          U("示范市动物疫病预防控制中心", "public", "事业单位", "2130104", .4))),
    ("117", "示范市水利局", (U("示范市水利局", "works", "行政单位", "2130301", 1.3, "water"),
                        U("示范市水库管理处", "public", "事业单位", "2130306", .5))),
    ("118", "示范市交通运输局", (U("示范市交通运输局", "works", "行政单位", "2140101", 2.2, "roads", ("30913",)),
                          U("示范市公路事业发展中心", "works", "事业单位", "2140101", 1.5, "roads"),
                          U("示范市道路运输服务中心", "public", "事业单位", "2140101", .4))),
    ("119", "示范市自然资源和规划局", (U("示范市自然资源和规划局", "admin", "行政单位", "2200101", .9),
                              U("示范市不动产登记中心", "public", "事业单位", "2200101", .4))),
    ("120", "示范市应急管理局", (U("示范市应急管理局", "admin", "行政单位", "2240101", .7, extra_sangong=("31013",)),)),
)
# County departments: (code suffix, name suffix, units with "{r}" for the county's name).
COUNTY_DEPTS = (
    ("201", "教育局", (U("{r}教育局", "admin", "行政单位", "2050101", 1.0),
                    U("{r}第一中学", "school", "事业单位", "2050204", 1.1), U("{r}第二中学", "school", "事业单位", "2050203", .9),
                    U("{r}实验小学", "school", "事业单位", "2050202", .8), U("{r}第一小学", "school", "事业单位", "2050202", .7),
                    U("{r}第二小学", "school", "事业单位", "2050202", .6), U("{r}幼儿园", "school", "事业单位", "2050201", .3))),
    ("202", "卫生健康局", (U("{r}卫生健康局", "admin", "行政单位", "2100101", .8),
                      U("{r}人民医院", "hospital", "事业单位", "2100201", 2.0), U("{r}中医院", "hospital", "事业单位", "2100202", 1.0),
                      U("{r}疾病预防控制中心", "public", "事业单位", "2100401", .5),
                      U("{r}妇幼保健院", "hospital", "事业单位", "2100201", .6))),
    ("203", "住房和城乡建设局", (U("{r}住房和城乡建设局", "works", "行政单位", "2120101", 2.0, "housing"),
                         U("{r}市政工程管理所", "works", "事业单位", "2120101", 1.0, "urban"))),
)


@dataclass
class Unit:
    idx: int
    code: str
    name: str
    dept_code: str
    dept_name: str
    region: Region
    type: str
    kind: str
    func: str
    weight: float
    works: str
    sangong: tuple[str, ...]
    payroll: tuple[int, int] = (-1, -1)  # payee indices (wages, allowances), filled by the cast
    employees: list[int] = field(default_factory=list)
    suppliers: dict[str, list[int]] = field(default_factory=dict)
    handlers: tuple[str, ...] = ()

    @property
    def projects(self) -> tuple[ProjectSpec, ...]:
        return WORKS[self.works] if self.kind == "works" else PROJECTS.get(self.kind, ())


@dataclass(frozen=True)
class Payee:
    idx: int
    name: str
    account: str
    bank: str
    person: bool


def _units() -> list[Unit]:
    units: list[Unit] = []

    def add(code, d_code, d_name, region, u: UnitDef, name):
        sangong = SANGONG.get(u.kind, ()) + u.extra_sangong
        units.append(Unit(len(units), code, name, d_code, d_name, region, u.type, u.kind, u.func, u.weight, u.works, sangong))

    city = REGIONS[0]
    for d_code, d_name, defs in CITY_DEPTS:
        for i, u in enumerate(defs, start=1):
            suffix = f"{i:03d}" + ("001" if u.kind == "school" else "")
            add(d_code + suffix, d_code, d_name, city, u, u.name)
    for k, region in enumerate(REGIONS[1:], start=1):
        label = region.name.removeprefix("示范市")
        for d_suffix, d_name, defs in COUNTY_DEPTS:
            d_code = f"{k:02d}{d_suffix}"
            for i, u in enumerate(defs, start=1):
                add(f"{d_code}{i:03d}", d_code, f"{label}{d_name}", region, u, u.name.format(r=label))
    return units


# Trades of the companies a mode pays, and how many of them the whole city knows (at scale 1).
TRADES = {
    "office": (("办公用品", "文化用品", "印务", "办公设备"), 80), "repair": (("建筑装饰工程", "设备维修服务", "机电工程"), 60),
    "meeting": (("酒店管理", "会议服务", "宾馆"), 30), "training": (("教育咨询", "职业培训学校"), 20),
    "service": (("信息技术", "咨询服务", "物业服务", "保安服务", "检测技术", "数据服务"), 120),
    "misc": (("商贸", "物流", "广告传媒"), 60), "material": (("医药", "医疗器械", "医用耗材"), 40),
    "contract": (("建设工程", "路桥工程", "市政工程", "建筑安装工程", "工程监理", "工程设计", "水利水电工程", "园林绿化工程",
                  "环境工程"), 150),
    "equipment": (("医疗设备", "仪器设备", "电子科技", "教学设备", "智能科技"), 60),
    "hospitality": (("宾馆", "酒店", "餐饮管理"), 25), "vehicle": (("汽车维修服务", "汽车服务"), 20),
    "travel_agency": (("国际旅行社", "航空服务"), 8), "dealer": (("汽车销售服务",), 6),
}
SOES = ("示范市城市建设投资集团有限公司", "示范市交通投资集团有限公司", "示范市水务集团有限公司", "示范市文化旅游发展集团有限公司",
        "示范市国有资本运营有限公司", "示范市产业投资基金有限公司")


class Cast:
    """Regions, units and payees of the demo city for one seed and scale."""

    def __init__(self, seed: int, scale: float):
        self.rng = np.random.default_rng([seed, 1])
        self.scale = scale
        self.regions = REGIONS
        self.units = _units()
        self.payees: list[Payee] = []
        self._accounts: set[str] = set()
        self.trade_pool = {mode: [self._company(trades) for _ in range(max(4, round(n * max(1.0, scale))))]
                           for mode, (trades, n) in TRADES.items()}
        self.fixed = {
            "power": self._named("国网示范供电公司"), "telecom": self._named("中国电信股份有限公司示范分公司"),
            "housing": self._named("示范市住房公积金管理中心"), "fuel": self._named("中国石化销售股份有限公司示范石油分公司"),
        }
        self.by_region = {r.code: {"water": self._named(f"{r.name}自来水有限公司"),
                                   "social": self._named(f"{r.name}社会保险基金收入户")} for r in REGIONS}
        self.soes = [self._named(n) for n in SOES]
        self.labor_pool = [self._person() for _ in range(max(20, round(200 * scale)))]
        for unit in self.units:
            self._staff(unit)

    # -- payees --------------------------------------------------------------------------------------------
    def _add(self, name: str, person: bool) -> int:
        bank, branch = names.bank(self.rng)
        acct = names.account(self.rng, bank, person)
        while acct in self._accounts:
            acct = names.account(self.rng, bank, person)
        self._accounts.add(acct)
        self.payees.append(Payee(len(self.payees), name, acct, branch, person))
        return len(self.payees) - 1

    def _named(self, name: str) -> int:
        return self._add(name, False)

    def _person(self) -> int:
        return self._add(names.person(self.rng), True)

    def _company(self, trades: tuple[str, ...]) -> int:
        return self._add(names.company(self.rng, trades[int(self.rng.integers(len(trades)))]), False)

    def new_company(self, mode: str) -> int:
        """A company never paid before (for the planted first large payments)."""
        return self._company(TRADES[mode][0])

    def people(self, n: int) -> list[int]:
        return [self._person() for _ in range(n)]

    def _staff(self, unit: Unit) -> None:
        rng = self.rng
        unit.payroll = (self._add(f"{unit.name}（代发工资）", False), self._add(f"{unit.name}（代发津贴补贴）", False))
        unit.employees = self.people(max(3, round(rng.integers(4, 11) * self.scale)))
        for mode, pool in self.trade_pool.items():
            k = min(len(pool), round(int(rng.integers(6, 16)) * max(1.0, self.scale)))
            unit.suppliers[mode] = [pool[i] for i in rng.choice(len(pool), size=k, replace=False)]
        unit.handlers = tuple(names.person(rng) for _ in range(3))


# Yearly expenditure budget of the whole city in 2023 by fund type (元); later years grow by GROWTH.
BUDGET_2023 = {"一般公共预算": 3.0e10, "政府性基金预算": 1.2e10, "国有资本经营预算": 5.0e8, "社会保险基金预算": 4.0e9}
GROWTH = 1.03
FIRST_YEAR_OF_ECONOMY = 2023


def growth(year: int) -> float:
    return GROWTH ** (year - FIRST_YEAR_OF_ECONOMY)
