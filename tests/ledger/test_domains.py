"""领域 for every task: a document without a domain column gets a suggestion from the standard list,
marked as suggested until the office confirms or changes it on the task page."""
from datetime import date

import pytest

from duban.core.models import AuditEntry
from duban.ledger.domains import standard_domains, suggest_domain
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, Task
from duban.web import queries as Q
from tests.conftest import seed


def test_the_standard_list_is_data_with_the_genres_domains():
    domains = standard_domains()
    for name in ("就业创业", "教育", "医疗卫生", "养老托育", "住房", "交通出行", "市容环境", "生态环保", "文化体育",
                 "社会保障", "公共安全", "营商环境", "科技创新", "产业发展"):
        assert domains[name], name


@pytest.mark.parametrize("section, text, domain", [
    ("", "新建改扩建幼儿园12所,新增学位3600个", "教育"),
    ("", "新增公共停车泊位5000个,建设充电桩800个", "交通出行"),
    ("", "建设社区养老服务中心20处,新增托位300个", "养老托育"),
    ("", "开展职业技能培训2万人次,新增城镇就业1.5万人", "就业创业"),
    # the section heading outweighs a word of the task's own
    ("三、加快建设现代化产业体系", "推进10个重点项目建设,新建学校配套厂房", "产业发展"),
    ("", "完善工作机制", ""),  # nothing to go by: no suggestion
])
def test_a_domain_is_suggested_from_the_section_and_the_tasks_words(section, text, domain):
    assert suggest_domain(section, "", text) == domain


@pytest.mark.django_db
def test_every_seed_task_has_a_domain_and_each_plans_dashboard_more_than_one(seeds):
    for path in sorted(seeds.glob("*.txt")):
        import_file(path, today=date(2024, 11, 30))
    tasks = Task.objects.all()
    assert tasks.count() > 150
    unplaced = [str(t) for t in tasks if not t.domain]
    assert len(unplaced) <= 0.05 * tasks.count(), unplaced  # a task with nothing to go by stays 未分类
    # the 民生攻坚 plan's document names its domains; the others' are suggested
    named = Task.objects.filter(plan__source__name__startswith="004")
    assert named.exists() and not named.filter(domain_suggested=True).exists()
    assert Task.objects.filter(domain_suggested=True).count() >= tasks.count() - named.count() - len(unplaced)
    for plan in Plan.objects.all():
        _, by_domain = Q.counts_by_domain(Q.Scope(plan, plan.year, date(2024, 11, 30), date(2024, 11, 30)))
        assert len([d for d in by_domain if d["domain"]]) > 1, plan


@pytest.mark.django_db
def test_the_office_confirms_a_suggestion_and_a_new_version_keeps_it(seeds):
    from duban.ledger.corrections import correct_task
    from duban.people.services import add_user

    path = seed(seeds, "000")
    import_file(path, today=date(2023, 6, 30))
    office = add_user("office", "office", password="a-long-enough-password")[0]
    task = Task.objects.get(plan__year=2023, number="3")
    assert (task.domain, task.domain_suggested) == ("教育", True)
    # saving the page unchanged confirms the suggestion, audited
    correct_task(office, task, content=task.content, section="", domain="教育", today=date(2023, 6, 30))
    task.refresh_from_db()
    assert (task.domain, task.domain_suggested) == ("教育", False)
    entry = AuditEntry.objects.get(action="task.correct", task=task)
    assert entry.before["domain_suggested"] is True and entry.after["domain_suggested"] is False
    # another task's suggestion changed by the office, then the same document imported again
    other = Task.objects.get(plan__year=2023, number="1")
    correct_task(office, other, content=other.content, section="", domain="社会保障", today=date(2023, 6, 30))
    summary = import_file(path, today=date(2023, 7, 1))
    other.refresh_from_db()
    task.refresh_from_db()
    assert (other.domain, other.domain_suggested) == ("社会保障", False)
    assert (task.domain, task.domain_suggested) == ("教育", False)
    assert not any("领域" in c for c in summary.changes)  # a suggestion is no document's: nothing disagrees
