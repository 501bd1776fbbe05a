"""Quantities, read the way the genre writes them (sentences from the seeds and their kin)."""
import pytest

from duban.extract.numbers import chinese_to_number, find_quantities


def q(text, **kw):
    return [(x.value, x.unit, x.qualifier) for x in find_quantities(text, **kw)]


def test_wan_and_yi_fold_into_the_value_and_qualifiers_attach_to_their_own_number():
    assert q("实现城镇新增就业35万人以上,创设城乡公益性岗位3.7万个以上,扶持创业3万人以上") == [
        (350000, "人", ">="), (37000, "个", ">="), (30000, "人", ">=")]
    assert q("新增泊位1500个、充电桩5500个以上") == [(1500, "个", "="), (5500, "个", ">=")]
    assert q("基金支出23.02亿元,同比增长141.5%") == [(2302000000, "元", "="), (141.5, "%", "=")]
    assert q("推动5亿单位") == [(500000000, "单位", "=")]


@pytest.mark.parametrize("text, expected", [
    ("累计开展不少于9次联合执法行动", [(9, "次", ">=")]),
    ("推动不少于总量50%的废弃汽车进入处置流程", [(50, "%", ">=")]),
    ("组织实施35项左右关键技术攻关", [(35, "项", "~")]),
    ("已有3.7万余名城乡困难群体人员实现上岗安置", [(37000, "人", "~")]),
    ("建筑面积约803万平方米", [(8030000, "平方米", "~")]),
    ("超过986.37万人次", [(9863700, "人次", ">=")]),
    ("投诉率控制在2%以内", [(2, "%", "<=")]),
    ("均突破百亿大关", [(10000000000, "", ">=")]),
    ("再降低0.5个百分点", [(0.5, "百分点", "=")]),
    ("超100部", [(100, "部", ">=")]),
    ("不低于3%", [(3, "%", ">=")]),
])
def test_qualifiers(text, expected):
    assert q(text) == expected


@pytest.mark.parametrize("text", [
    "推动地铁6号线一期开通运营",            # a line's name
    "65岁以上老年人",                        # an age is a condition
    "按照每100户1人标准配备保洁人员",        # a ratio
    "末端投递服务投诉率及申诉率保持在1/百万件以下",
    "一、二、三级医疗机构",                  # ordinals
    "开展第1批次五星小区验收工作",
    "二孩、三孩",
    "建设养护“四好农村路”",                  # quoted names
    "2024年4月26日",                         # dates
    "开展7-9月份测评",
    "完成一次视觉、脊柱健康筛查",            # once, not a count
    "实现百亿级企业",
    "国发〔2022〕18号",
    "培育世界500强企业",
    "建设5G基站",
    "推进“15515+N”工程和2+5+N体系",
    "在建项目统一建档,进一步提速",
    "千人口",
    "力争新签约总投资5亿元以上、符合条件的项目",  # a condition on which projects count
])
def test_not_quantities(text):
    assert q(text) == []


def test_counts_of_named_things_and_ranges():
    assert q("推动现代金融等七大现代服务业") == [(7, "", "=")]
    assert q("两个国家先进制造业集群") == [(2, "个", "=")]
    assert q("十个") == [(10, "个", "=")]
    assert q("4A级旅游景区1—2家") == [(2, "家", "<=")]
    assert q("八大关景区提升") == []  # a place name
    assert q("千人口托位数达到4.21个") == [(4.21, "个", "=")]


def test_percent_of_plan_belongs_to_the_value_before_it():
    text = ("截至11月底,全市城镇新增就业36.61万人,占年计划基数(35万人)的104.6%。扶持创业4.02万人,占年计划的134%。"
            "开展活动317场,组织三大赛等乡村体育活动112场,分别占年计划的317%和112%。")
    got = [(x.value, x.unit, x.percent) for x in find_quantities(text, percents=True)]
    assert got == [(366100, "人", 104.6), (40200, "人", 134), (317, "场", 317), (3, "", None), (112, "场", 112)]


def test_chinese_numerals():
    assert chinese_to_number("两万三千") == 23000
    assert chinese_to_number("十五") == 15
    assert chinese_to_number("百亿") == 1e10
    assert chinese_to_number("一二三") is None
