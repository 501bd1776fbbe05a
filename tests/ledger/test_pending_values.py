"""Values go to the indicator they measure (metric, unit and the sentence they sit in); a value no
single indicator takes waits in the review queue as 待核实, and the office assigns or discards it."""
from datetime import date

import pytest

from duban.core.models import AuditEntry
from duban.errors import Conflict, Forbidden, InvalidInput
from duban.ledger.assessment import assess_tasks
from duban.ledger.importer import import_file
from duban.ledger.matching import Candidate, Reported, place_values
from duban.ledger.models import Indicator, Observation, PendingValue, Task
from duban.ledger.pending import assign_value, discard_value
from tests.conftest import seed

pytestmark = pytest.mark.django_db


def _actuals(task: Task) -> dict[str, list[float]]:
    return {i.metric: [o.value for o in Observation.objects.filter(indicator=i)] for i in task.indicators.all()}


def test_a_restated_plan_figure_is_no_actual_and_each_value_goes_to_what_its_sentence_names(seeds):
    summary = import_file(seed(seeds, "001"), today=date(2022, 6, 30))
    six = Task.objects.get(plan__year=2022, number="6")
    # 推动开工的40所中小学和幼儿园中,30所已开工建设;推动完工的50所中,22所已建成。
    assert _actuals(six) == {"改扩建中小学和幼儿园": [30], "推动完工": [22], "改造农村薄弱幼儿园": []}
    assert not Observation.objects.filter(report__task=six, value=40).exists()
    result = assess_tasks([six], date(2022, 6, 30))[six.pk]
    assert result.status.value == "滞后" and result.unreported == 1 and "1项指标未报送" in result.reason
    assert summary.pending == PendingValue.objects.filter(report__source__name=summary.source).count() > 0
    assert f"(其中{summary.pending}个待核实)" in summary.line()


def test_a_value_another_value_fits_better_waits_with_its_sentence(seeds):
    import_file(seed(seeds, "002"), today=date(2024, 11, 30))
    five = Task.objects.get(plan__year=2024, number="5")
    actuals = _actuals(five)
    # 在职职工、退休人员年报销限额分别提高至6000元和7000元: the 6000 is the target's, the 7000 waits
    assert [v for m, v in actuals.items() if m.startswith("年报销限额")] == [[6000]]
    rates = Observation.objects.filter(indicator__task=five, unit="%").order_by("indicator__order")
    assert [(o.indicator.target, o.value) for o in rates] == [(80, 80), (70, 70), (60, 60)]
    waiting = PendingValue.objects.get(task=five, value=7000)
    assert waiting.reason == "taken" and "6000元和7000元" in waiting.sentence
    assert waiting.state == "pending"
    # a share of a year-on-year growth names no indicator at all
    growth = PendingValue.objects.get(task=five, value=99.1)
    assert growth.reason == "no_match" and "同比增长99.1%" in growth.sentence


def test_a_value_two_indicators_fit_as_well_is_ambiguous():
    values = [Reported("", 30, "所")]
    candidates = [Candidate("a", "新建学校", "所", 40), Candidate("b", "新建学校", "所", 50)]
    [placed] = place_values("新建学校30所。", values, candidates)
    assert (placed.key, placed.reason, set(placed.candidates)) == (None, "ambiguous", {"a", "b"})
    [placed] = place_values("计划新建学校30所。", values, candidates[:1])
    assert (placed.key, placed.reason) == (None, "plan")  # 计划…: a plan figure, never an actual
    [placed] = place_values("计划新建的30所学校已全部建成。", values, candidates[:1])
    assert placed.key == "a"  # stated as done: it counts
    # even if an extraction kept the restated plan figure, the ledger would not take it for progress
    schools = [Candidate("start", "开工新建、改扩建中小学和幼儿园", "所", 40), Candidate("done", "推动完工", "所", 50)]
    text = "推动开工的40所中小学和幼儿园中,30所已开工建设;推动完工的50所中,22所已建成。"
    placed = place_values(text, [Reported("", v, "所") for v in (40, 30, 50, 22)], schools)
    assert [(p.key, p.reason) for p in placed] == [(None, "plan"), ("start", "matched"), (None, "plan"),
                                                   ("done", "matched")]


def _users():
    from duban.people.services import add_user

    office = add_user("office", "office", password="a-long-enough-password")[0]
    return office


def test_the_office_assigns_a_waiting_value_with_audit_and_reassessment(seeds):
    import_file(seed(seeds, "002"), today=date(2024, 11, 30))
    office = _users()
    nine = Task.objects.get(plan__year=2024, number="9")
    houses = Indicator.objects.get(task=nine, metric="改造城镇老旧小区")
    assert _actuals(nine)["改造城镇老旧小区"] == [433]  # 开工改造老旧小区433个 …, 其中408个已完工
    finished = PendingValue.objects.get(task=nine, value=408)
    assert finished.reason == "taken" and houses.pk in finished.candidates
    observation = assign_value(office, finished, houses, today=date(2024, 12, 1), note="以完工数计")
    assert observation.indicator == houses and _actuals(nine)["改造城镇老旧小区"] == [408]
    finished.refresh_from_db()
    assert (finished.state, finished.observation, finished.decided_by) == ("assigned", observation, office)
    # the value the indicator had waits in its place: nothing the document said is lost
    assert PendingValue.objects.get(task=nine, value=433, state="pending").reason == "taken"
    entry = AuditEntry.objects.get(action="value.assign")
    assert entry.task == nine and entry.after["indicator"] == houses.pk and "408个" in entry.summary
    assert Task.objects.get(pk=nine.pk).assessed_on == date(2024, 12, 1)  # reassessed as of the decision
    with pytest.raises(Conflict):
        assign_value(office, finished, houses, today=date(2024, 12, 1))


def test_the_office_discards_a_value_and_others_may_not(seeds):
    from duban.people.services import add_user

    import_file(seed(seeds, "002"), today=date(2024, 11, 30))
    office = _users()
    reporter = add_user("rep", "reporter", unit="市医保局", password="a-long-enough-password")[0]
    five = Task.objects.get(plan__year=2024, number="5")
    growth = PendingValue.objects.get(task=five, value=99.1)
    with pytest.raises(Forbidden):
        discard_value(reporter, growth, today=date(2024, 12, 1))
    other = Indicator.objects.get(task__plan__year=2024, task__number="4", unit="%")  # another task's rate
    with pytest.raises(InvalidInput):
        assign_value(office, growth, other, today=date(2024, 12, 1))
    limit = Indicator.objects.get(task=five, unit="元", target=6000)  # a unit other than the value's
    with pytest.raises(InvalidInput):
        assign_value(office, growth, limit, today=date(2024, 12, 1))
    discard_value(office, growth, today=date(2024, 12, 1), note="同比增速,非任务指标")
    growth.refresh_from_db()
    assert growth.state == "discarded"
    assert AuditEntry.objects.get(action="value.discard").summary.endswith("已舍弃:同比增速,非任务指标")
    assert not Observation.objects.filter(report__task=five, value=99.1).exists()


def test_the_review_page_shows_the_queue_and_assigns(seeds, client):
    import_file(seed(seeds, "002"), today=date(2024, 11, 30))
    office = _users()
    client.force_login(office)
    page = client.get("/unit/reviews/")
    html = page.content.decode()
    assert page.status_code == 200 and "待核实的进展数值" in html and "其中408个已完工" in html
    nine = Task.objects.get(plan__year=2024, number="9")
    task_page = client.get(f"/tasks/{nine.pk}/").content.decode()
    assert "待核实数值(未计入完成情况)" in task_page and "408个" in task_page and "#pending-values" in task_page
    finished = PendingValue.objects.get(task=nine, value=408)
    houses = Indicator.objects.get(task=nine, metric="改造城镇老旧小区")
    answer = client.post(f"/unit/values/{finished.pk}/", {"action": "assign", "indicator": houses.pk})
    assert answer.status_code == 302
    assert _actuals(nine)["改造城镇老旧小区"] == [408]
    assert client.post(f"/unit/values/{finished.pk}/", {"action": "discard"}).status_code == 409
