"""Plausible Chinese names for the demo's payees: people, companies, bank branches and account numbers."""
from __future__ import annotations

import numpy as np

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文玉兰春晓雪梅海波宁欣怡浩然子轩宇航思远嘉琪"
         "晨阳佳颖俊凯鹏飞婷婷慧丹彬斌琳峰辉亮健晶莉萍鑫雨涵博文梓睿一诺可馨若曦天佑铭泽")
BRAND = ("恒信", "华泰", "鑫源", "宏远", "正大", "金桥", "盛世", "中诚", "博雅", "天成", "瑞丰", "同创", "汇通", "永安",
         "兴业", "德润", "长城", "新华", "东方", "远景", "广厦", "润泽", "卓越", "联合", "蓝天", "万达", "嘉禾", "昌盛",
         "明珠", "锦程", "顺达", "泰和", "信达", "精工", "启航", "立德", "安泰", "鼎盛", "华宇", "中科", "山河", "清源",
         "北辰", "南华", "云帆", "众邦", "金石", "华夏", "恒通", "宏达")
PLACE = ("示范市", "示范市", "示范市", "东城区", "西城区", "北山县", "南河县", "清源市", "省城", "")
SUFFIX = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")

BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "中国邮政储蓄银行", "示范市农村商业银行",
         "招商银行", "兴业银行")
BANK_PREFIX = {"中国工商银行": "1204", "中国农业银行": "1812", "中国银行": "1765", "中国建设银行": "4105", "交通银行": "4128",
               "中国邮政储蓄银行": "9410", "示范市农村商业银行": "8602", "招商银行": "3719", "兴业银行": "1320"}
CARD_PREFIX = {"中国工商银行": "622202", "中国农业银行": "622848", "中国银行": "621661", "中国建设银行": "621700",
               "交通银行": "622262", "中国邮政储蓄银行": "621799", "示范市农村商业银行": "623059", "招商银行": "622588",
               "兴业银行": "622909"}
BRANCH = ("示范市分行", "示范市分行营业部", "东城支行", "西城支行", "北山县支行", "南河县支行", "清源市支行", "人民路支行",
          "新华路支行", "开发区支行")


def person(rng: np.random.Generator) -> str:
    given = "".join(GIVEN[i] for i in rng.integers(0, len(GIVEN), size=int(rng.choice([1, 2], p=[0.3, 0.7]))))
    return SURNAMES[int(rng.integers(len(SURNAMES)))] + given


def company(rng: np.random.Generator, trade: str) -> str:
    place = PLACE[int(rng.integers(len(PLACE)))]
    brand = BRAND[int(rng.integers(len(BRAND)))]
    return f"{place}{brand}{trade}{SUFFIX[int(rng.integers(len(SUFFIX)))]}"


def bank(rng: np.random.Generator, banks: tuple[str, ...] = BANKS) -> tuple[str, str]:
    """(bank, branch name) of a payee's account."""
    name = banks[int(rng.integers(len(banks)))]
    return name, name + BRANCH[int(rng.integers(len(BRANCH)))]


def account(rng: np.random.Generator, bank_name: str, personal: bool) -> str:
    """A corporate account number (prefix + 15 digits) or a debit-card number (19 digits)."""
    prefix = CARD_PREFIX[bank_name] if personal else BANK_PREFIX[bank_name]
    return prefix + "".join(map(str, rng.integers(0, 10, size=19 - len(prefix))))
