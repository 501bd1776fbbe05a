"""Deadlines, reporting periods, unit lists and normalisation, on the genre's own wording."""
from datetime import date

import pytest

from duban.extract.dates import STEP_DATE, common_year, period_end, step_due
from duban.extract.normalize import close_spaces, normalize
from duban.extract.shapes.schedule import milestones
from duban.extract.units import leads_by_first, parse_roles, split_groups


@pytest.mark.parametrize("text, due", [
    ("3月底前,城镇新增就业5.5万人", date(2023, 3, 31)),
    ("7月份,为托育机构发放补贴", date(2023, 7, 31)),
    ("年底前,全面完成", date(2023, 12, 31)),
    ("4月底前 ,制定方案", date(2023, 4, 30)),
    ("第一季度,完成招标", date(2023, 3, 31)),
    ("上半年,完工10所", date(2023, 6, 30)),
    ("2024年6月30日前完成", date(2024, 6, 30)),
    ("二月底前,启动", date(2023, 2, 28)),
])
def test_step_dates(text, due):
    m = STEP_DATE.match(text)
    assert m and step_due(m, 2023) == due


@pytest.mark.parametrize("text, as_of", [
    ("2024年市办实事1-11月具体进展情况", date(2024, 11, 30)),
    ("截至11月底,全市城镇新增就业36.61万人", date(2024, 11, 30)),
    ("2022年16件市办实事上半年总体进展良好", date(2024, 6, 30)),
    ("截至2024年9月30日", date(2024, 9, 30)),
    ("前三季度重点工作完成情况", date(2024, 9, 30)),
])
def test_reporting_periods(text, as_of):
    assert period_end(text, 2024) == as_of


def test_schedule_splits_on_dated_steps_and_drops_undated_ones():
    steps, unplaced = milestones("3月底前,出台婴幼儿托育分档补贴实施方案。 7月份,为托育机构发放第一次补贴资金。 "
                                 "此后,每半年集中审核发放一次补贴资金。", 2023)
    assert not unplaced
    assert [(m.due, m.text) for m in steps] == [
        (date(2023, 3, 31), "出台婴幼儿托育分档补贴实施方案。"),
        (date(2023, 7, 31), "为托育机构发放第一次补贴资金。")]


def test_schedule_without_a_year_is_reported_not_guessed():
    steps, unplaced = milestones("6月底前,完成招标。", None)
    assert unplaced and steps[0].due is None


def test_year_mentioned_most_wins():
    assert common_year("2022年16件市办实事…2022年…2021年") == 2022


def test_unit_groups_split_on_gaps_but_names_broken_by_a_gap_stay_whole():
    assert split_groups("市住房城乡建设局(节能保暖工程) 市住房城乡建设局(老旧小区改造)") == [
        ["市住房城乡建设局"], ["市住房城乡建设局"]]
    assert split_groups("市交通运输局; 李沧区等区(市) 政府 胶州市政府") == [
        ["市交通运输局"], ["李沧区等区(市)政府"], ["胶州市政府"]]
    assert split_groups("市住房城乡建设局(未贯通道路、立体人行过街通道设施) 市交通运输局(公交线路)") == [
        ["市住房城乡建设局"], ["市交通运输局"]]


def test_leads_and_co_units_in_the_ways_documents_name_them():
    assert parse_roles("牵头单位:市科技局,参与单位:青岛蓝谷管理局").leads == ["市科技局"]
    r = parse_roles("市科技局牵头,市财政局、市商务局配合")
    assert (r.leads, r.co) == (["市科技局"], ["市财政局", "市商务局"])
    r = parse_roles("责任单位:市教育局(牵头)、市财政局")
    assert (r.leads, r.co) == (["市教育局"], ["市财政局"])
    r = leads_by_first("市城市管理局、 市农业农村局; 各区(市)政府")
    assert (r.leads, r.co) == (["市城市管理局", "市农业农村局"], ["各区(市)政府"])
    r = leads_by_first("市发展改革委、 市城市管理局、 市公安局")
    assert (r.leads, r.co) == (["市发展改革委"], ["市城市管理局", "市公安局"])
    assert parse_roles("含幼儿园托班") is None


def test_normalisation_removes_ruby_and_keeps_real_brackets():
    text = "2024年市辦實(shí)事1-11月具體進(jìn)展情況(責(zé)任單位:市教育局)各區(市)政府(AED)"
    assert normalize(text) == "2024年市办实事1-11月具体进展情况(责任单位:市教育局)各区(市)政府(AED)"
    assert normalize("（责任单位：市教育局）") == "(责任单位:市教育局)"
    assert close_spaces("市容 环境,李沧区等区(市) 政府") == "市容环境,李沧区等区(市)政府"
    assert close_spaces("截至 11 月底, 使用 AED 设备") == "截至11月底,使用 AED 设备"
