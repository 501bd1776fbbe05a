"""The genre's rules beyond the seeds, each on an invented example of a shape other cities print
(the real cases are in ../shared/corpus; these texts are made up so that a rule is tested for itself)."""
from duban.extract import extract_text


def tasks(text, **kw):
    plan = extract_text(text, **kw)
    return plan, {t.number: t for t in plan.tasks}


def q(items):
    return [(x.value, x.unit, x.qualifier) for x in items]


def values(progress):
    return [(v.value, v.unit, v.percent) for v in progress.values]


def codes(plan):
    return [f.code for f in plan.findings]


# 1. Numbered lists that survive real numbering ---------------------------------------------------

def test_only_the_sequence_tells_a_task_number_from_a_figure():
    plan, t = tasks("2025年区民生实事\n"
                    "1.新建公园2处。(责任单位:区园林局)\n"
                    "2.改造道路10公里。(责任单位:区住建局)\n"
                    "3.5G基站新建200个。(责任单位:区工信局)\n"
                    "4.12345热线提速项目。接通率达到95%以上。(责任单位:区政务服务中心)\n")
    assert list(t) == ["1", "2", "3", "4"]
    assert t["3"].content == "5G基站新建200个。" and q(t["3"].targets) == [(200, "个", "=")]
    assert q(t["4"].targets) == [(95, "%", ">=")]  # 12345热线 is a name, no quantity


def test_numbering_styles_and_a_misprinted_number_resynchronise():
    plan, t = tasks("2025年重点任务\n"
                    "1。建设书房5处。(责任单位:区文旅局)\n"
                    " 2 .新增车位300个。(责任单位:区交通局)\n"
                    "  4.新增托位100个。(责任单位:区卫健局)\n"
                    "5.改造小区12个。(责任单位:区住建局)\n")
    assert list(t) == ["1", "2", "4", "5"]
    assert q(t["5"].targets) == [(12, "个", "=")] and t["4"].lead_units == ["区卫健局"]
    assert [f.task for f in plan.findings if f.code == "numbering"] == ["4"]


def test_chinese_parenthesised_numbers_up_to_eleven():
    lines = "".join(f"({n})新建公园{i}处。(责任单位:区园林局)\n"
                    for i, n in enumerate("一二三四五六七八九十", start=1)) + "(十一)新建公园11处。(责任单位:区园林局)\n"
    plan, t = tasks("2025年区民生实事\n" + lines)
    assert list(t) == [str(i) for i in range(1, 12)]
    assert q(t["11"].targets) == [(11, "处", "=")]


def test_a_sub_heading_with_an_introduction_is_a_section_and_its_introduction_no_task():
    plan, t = tasks("2025年人才工作要点\n"
                    "一、实施人才振兴\n"
                    "(一)乡村人才振兴计划。围绕乡村振兴,培养5000名高素质农民,重点抓好以下项目:\n"
                    "1.农技推广项目。培训农技人员300名。(牵头单位:市农业农村局,配合单位:各镇、街道)\n"
                    "(二)城市人才集聚计划。围绕产业发展,实施如下重点项目:\n"
                    "2.青年人才驿站项目。建设驿站10个。(牵头单位:团市委)\n")
    assert list(t) == ["1", "2"]
    assert t["1"].section == "(一)乡村人才振兴计划" and t["2"].section == "(二)城市人才集聚计划"
    assert q(t["1"].targets) == [(300, "人", "=")]  # the introduction's 5000名 belongs to no task
    assert t["1"].co_units == ["各镇、街道"]
    assert t["1"].title == "农技推广项目"


def test_a_name_line_then_a_description_line():
    plan, t = tasks("2025年市级民生实事清单\n"
                    "一、城市建设类\n"
                    "(8件)\n"
                    "1.城东污水处理厂建设项目(人大票决项目)\n"
                    "新建一座日处理5万吨的污水处理厂,配套管网12公里。\n"
                    "责任单位:市住房城乡建设局、市水务集团。\n"
                    "2、背街小巷改造项目(票决项目)改造背街小巷30条。\n"
                    "责任单位:市城管局\n")
    assert t["1"].title == "城东污水处理厂建设项目" and t["1"].content.startswith("新建一座")
    assert q(t["1"].targets) == [(1, "座", "="), (50000, "吨", "="), (12, "公里", "=")]
    assert t["1"].lead_units == ["市住房城乡建设局", "市水务集团"]
    assert (t["2"].title, t["2"].content) == ("背街小巷改造项目", "改造背街小巷30条。")
    assert t["1"].section == "一、城市建设类(8件)"


# 2. A whole list in one run-on paragraph ----------------------------------------------------------

def test_run_on_paragraph_with_inline_labelled_fields():
    text = ("2024年区政府民生实事1-9月进展情况。现将进展情况公示如下: "
            "1.新建公共停车场4处。 分管领导:陈某 责任单位:区住建局 责任人:刘某 协办单位:区交警大队、区城管局 "
            "推进情况:已建成2处,完成年度任务的50%。 "
            "2.改造老旧小区15个。 分管领导:王某 责任单位:区住建局,各街道 联系人:赵某 联系电话:12345678 "
            "推进情况:已开工12个。")
    plan, t = tasks(text)
    assert list(t) == ["1", "2"]
    assert t["1"].content == "新建公共停车场4处。" and q(t["1"].targets) == [(4, "处", "=")]
    assert (t["1"].lead_units, t["1"].co_units) == (["区住建局"], ["区交警大队", "区城管局"])
    assert [values(p) for p in t["1"].progress] == [[(2, "处", None), (50, "%", 50)]]
    assert str(t["1"].progress[0].as_of) == "2024-09-30"
    assert t["2"].lead_units == ["区住建局", "各街道"]  # no person, no phone number
    assert [values(p) for p in t["2"].progress] == [[(12, "个", None)]]


# 3. Tables flattened one cell per line ------------------------------------------------------------

ONE_CELL_PER_LINE = """2025年区重点民生实事推进情况(1-9月)
序号 |
主要任务 |
分管副区长 |
牵头 单位 |
配合单位 |
1-9月推进情况 |
是否序时 |
说明 |
41 |
新建口袋公园6个。 |
李明 |
区园林局 |
各街道、
区住建局 |
已建成4个, |
在建2个。 |
是 |
||
42 |
改造农贸市场3个。 |
李明 |
区商务局 |
已完成1个。 |
否 |
招标延误1个月,正在加快推进。 |
|
"""


def test_table_one_cell_per_line_starting_at_any_number_with_cells_placed_by_content():
    plan, t = tasks(ONE_CELL_PER_LINE)
    assert list(t) == ["41", "42"] and plan.kind == "progress"
    assert t["41"].content == "新建口袋公园6个。" and t["41"].lead_units == ["区园林局"]
    assert t["41"].co_units == ["各街道", "区住建局"]  # a cell over two lines, the first ending in 、
    assert [values(p) for p in t["41"].progress] == [[(4, "个", None)]]  # 在建2个 is not yet done
    assert t["41"].progress[0].on_track is True and str(t["41"].progress[0].as_of) == "2025-09-30"
    # Row 42 lacks its 配合单位 cell: the cells are placed by what they hold, not by position.
    assert t["42"].lead_units == ["区商务局"] and t["42"].co_units == []
    p = t["42"].progress[0]
    assert values(p) == [(1, "个", None)] and p.on_track is False and p.note.startswith("招标延误")
    assert "李明" not in t["41"].lead_units + t["41"].co_units


# 4. Table rows as real tables print them ----------------------------------------------------------

def test_continuation_rows_shifted_rows_and_unit_brackets_in_the_task_cell():
    text = ("索引号: | 11330000/2023-00012 | 成文日期: | 2023-03-01 |\n"
            "发布机构: | 某市人民政府办公室 |\n"
            "重点工作执行情况\n"
            "序号 | 目标任务 | 执行情况 | 进展状态 |\n"
            "1 | 建成城市应急指挥平台。(责任单位:市应急局、市城管局) | 平台已上线运行。 | 按时推进 |\n"
            "新增应急避难场所20处 | 已建成15处。 | |\n"
            "2 | 新建体育公园2个。(责任单位:市体育局) | 已开工2个, | 滞后 |\n"
            " | | 其中1个主体完工。 | |\n")
    plan, t = tasks(text)
    assert plan.year == 2023 and list(t) == ["1", "2"]  # the year from 成文日期; the metadata rows are no tasks
    assert t["1"].content == "建成城市应急指挥平台。新增应急避难场所20处"
    assert t["1"].lead_units == ["市应急局", "市城管局"] and q(t["1"].targets) == [(20, "处", "=")]
    assert [values(p) for p in t["1"].progress] == [[(15, "处", None)]]
    assert t["1"].progress[0].on_track is True and t["2"].progress[0].on_track is False
    # a row whose only filled cell is a later column continues that column above
    assert t["2"].progress[0].text == "已开工2个,其中1个主体完工。"


def test_no_task_column_recognised_the_longest_texts_are_the_tasks():
    text = ("序号 | 事 | 责任单位 | 完成时限 |\n"
            "1 | 新建社区食堂10个,服务老年人助餐。 | 区民政局 | 12月底前 |\n"
            "2 | 改造提升农贸市场5个。 | 区商务局 | 10月底前 |\n")
    plan, t = tasks(text, year=2025)
    assert q(t["1"].targets) == [(10, "个", "=")] and [str(m.due) for m in t["2"].milestones] == ["2025-10-31"]


# 5. Completion tables ------------------------------------------------------------------------------

def test_completion_table_bare_numbers_and_their_percent_column():
    text = ("2024年区为民办实事项目完成情况\n"
            "序号 | 实事项目名称 | 完成数 | 完成率 |\n"
            "1 | 新增养老床位500张 | 560 | 112% |\n"
            "改建认知障碍照护床位100张 | 100 | 100% | |\n"
            "2 | 新增社区食堂20个 | 23 | 115% |\n")
    plan, t = tasks(text)
    assert plan.kind == "progress" and t["1"].title is None
    assert [str(p.as_of) for p in t["1"].progress] == ["2024-12-31"]  # no cut-off: the whole year
    assert values(t["1"].progress[0]) == [(560, "", 112), (100, "", 100)]
    assert q(t["1"].targets) == [(500, "张", "="), (100, "张", "=")]


def test_shares_of_a_plan_with_the_plan_base_in_brackets():
    text = ("2024年重点工作1-6月进展\n"
            "1.完成农村公路建设1000公里。(责任单位:市交通局)\n"
            "进展情况:完成农村公路860公里,完成省下达任务(1000公里)的86%。\n"
            "2.改造危房200户。(责任单位:市住建局)\n"
            "进展情况:累计完成年度任务的72%。\n")
    plan, t = tasks(text)
    assert values(t["1"].progress[0]) == [(860, "公里", 86)]
    assert values(t["2"].progress[0]) == [(72, "%", 72)]


# 6. Dates and years --------------------------------------------------------------------------------

def test_quarter_refined_by_a_month_period_target_columns_and_dated_clauses():
    text = ("2023年民生实事实施计划\n"
            "序号 | 项目内容 | 工作进度安排 | 牵头单位 |\n"
            "1 | 新建城市书房5个。 | 第一季度:完成选址; 第四季度(11月份):全部建成开放。 | 市文广旅局 |\n")
    plan, t = tasks(text)
    assert [(str(m.due), m.text) for m in t["1"].milestones] == [
        ("2023-03-31", "完成选址"), ("2023-11-30", "全部建成开放。")]
    plan, t = tasks("2023年一季度进展\n序号 | 工作任务 | 责任单位 | 一季度目标 | 进展情况 |\n"
                    "1 | 新建公园3个 | 区园林局 | 完成设计招标 | 已完成设计。 |\n")
    assert [(str(m.due), m.text) for m in t["1"].milestones] == [("2023-03-31", "完成设计招标")]
    plan, t = tasks("2022年重点工作\n1.落实资金保障。区财政局于2022年8月底前拨付首批资金;各街道要于年底前完成配套。"
                    "(牵头单位:区财政局)\n")
    assert [(str(m.due), m.text) for m in t["1"].milestones] == [
        ("2022-08-31", "区财政局拨付首批资金"), ("2022-12-31", "各街道要完成配套。")]


# 7. Units -------------------------------------------------------------------------------------------

def test_collective_units_lead_conventions_and_responsibility_beside_a_lead():
    plan, t = tasks("2023年重点工作责任分解\n"
                    "1.推进全域旅游。\n"
                    "责任单位:市文旅局、市交通局、各县(市、区)(排在第一位的为牵头单位,下同)\n"
                    "2.建设智慧城市。\n"
                    "责任单位:市大数据局、市公安局\n"
                    "3.建设产业园区。(牵头单位:市发改委,责任单位:市经信局、各镇、街道)\n")
    assert (t["1"].lead_units, t["1"].co_units) == (["市文旅局"], ["市交通局", "各县(市、区)"])
    assert (t["2"].lead_units, t["2"].co_units) == (["市大数据局"], ["市公安局"])  # 下同 holds
    assert (t["3"].lead_units, t["3"].co_units) == (["市发改委"], ["市经信局", "各镇、街道"])


# 8. Script damage -----------------------------------------------------------------------------------

def test_a_crude_traditional_conversion_is_repaired():
    text = ("2023年民生實(shí)事項(xiàng)目計(jì)劃\n"
            "序號(hào) | 項目?nèi)容 | 牽頭單位 |\n"
            "1 | ?qǐ)動(dòng)城市書房建設10個(gè),、新增座位500個(gè)。 | 縣文廣旅體局 |\n")
    plan, t = tasks(text)
    assert t["1"].content == "?动城市书房建设10个、新增座位500个。"
    assert q(t["1"].targets) == [(10, "个", "="), (500, "个", "=")]
    assert t["1"].lead_units == ["县文广旅体局"]


# 9. What a figure means -----------------------------------------------------------------------------

def test_progress_values_are_achievements_and_standards_are_no_targets():
    plan, t = tasks("2024年市办实事1-6月进展\n"
                    "1.新建学校40所,对困难学生按照每生每年2000元给予补助。(责任单位:市教育局)\n"
                    "进展情况:计划开工的40所学校中,30所已开工;剩余10所将于9月开工;预计年底前再建成5所。\n"
                    "2.将补助标准由1000元提高至3000元,新增托位≥2000个。(责任单位:市卫健委)\n"
                    "进展情况:补助标准已提高至3000元,新增托位1200个。\n")
    assert q(t["1"].targets) == [(40, "所", "=")]
    assert values(t["1"].progress[0]) == [(30, "所", None)]
    assert q(t["2"].targets) == [(3000, "元", "="), (2000, "个", ">=")]
    assert values(t["2"].progress[0]) == [(3000, "元", None), (1200, "个", None)]


def test_one_counts_after_a_verb_of_building_but_not_in_words():
    plan, t = tasks("2025年重点任务\n1.新建一座垃圾处理厂,组建一支应急队伍,建设一批口袋公园。(责任单位:市城管局)\n")
    assert q(t["1"].targets) == [(1, "座", "=")]


# 10. Doubt made visible -----------------------------------------------------------------------------

def test_doubts_become_findings_naming_the_task_and_where():
    plan, t = tasks("2025年重点任务\n"
                    "1.新建公园2处。(责任单位:张三)\n"
                    "2.新建绿道10公里。(责任单位:市园林局)\n"
                    "进展情况:截至6月底,已建成绿道6公里,植树3000棵。\n")
    found = {(f.code, f.task) for f in plan.findings}
    assert ("unit_not_organisation", "1") in found
    assert ("unmatched_value", "2") in found  # 3000棵 matches no target
    assert all(f.where.startswith("line") for f in plan.findings)


# More shapes of the genre ----------------------------------------------------------------------------

def test_tasks_numbered_like_headings_and_unit_fields_after_the_text():
    plan, t = tasks("2025年区政府十大民生实事\n"
                    "一、新建改扩建幼儿园3所,新增学位900个。(牵头单位:区教育局;配合单位:区财政局)\n"
                    "二、新增养老床位200张。(牵头单位:区民政局)\n"
                    "三、建设口袋公园5个。(牵头单位:区城管局;配合单位:各街道办事处)\n")
    assert list(t) == ["1", "2", "3"] and t["3"].co_units == ["各街道办事处"]
    plan, t = tasks("2023年重点任务责任分工\n一、扩大有效投资\n"
                    "(1)实施重点项目300个,完成投资800亿元以上。牵头单位:市发改委;责任单位:各区县政府。\n"
                    "(2)新开工棚户区改造8000套。牵头单位:市住建局。\n")
    assert t["1"].content == "实施重点项目300个,完成投资800亿元以上。" and t["1"].title is None
    assert (t["1"].lead_units, t["1"].co_units) == (["市发改委"], ["各区县政府"])
    assert t["2"].section == "一、扩大有效投资" and t["2"].lead_units == ["市住建局"]


def test_a_header_of_two_rows_names_its_columns_in_the_lower_row():
    plan, t = tasks("2023年民生实事工作任务分解表\n"
                    "序号 | 工作任务 | 责任单位 | 责任单位 |\n"
                    " | | 牵头单位 | 配合单位 |\n"
                    "1 | 新增城镇就业5000人 | 县人社局 | 各乡镇(街道) |\n"
                    "2 | 改造老旧小区10个 | 县住建局 | 县财政局、县城管局 |\n")
    assert (t["1"].lead_units, t["1"].co_units) == (["县人社局"], ["各乡镇(街道)"])
    assert (t["2"].lead_units, t["2"].co_units) == (["县住建局"], ["县财政局", "县城管局"])
