"""用户管理 through the office's pages, and `duban users` on the command line: create an account with
姓名 and 职务 (the password shown once), change its unit, reset its password, disable it; the
histories name people by 姓名(职务)."""
import re
import subprocess
import sys

import pytest
from django.contrib.auth import authenticate, get_user_model

from duban.core.models import AuditEntry
from duban.ledger.units import get_unit
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db


def password_on(page: str) -> str:
    return re.search(r'id="new-password">([^<]+)<', page).group(1)


def test_the_office_manages_accounts(people, task14):
    office = signed_in(people["office"])
    response = office.post("/users/new/", {"username": "wangfang", "name": "王芳", "title": "综合科科员",
                                           "role": "reporter", "unit": get_unit("市消防救援支队").pk})
    assert response.status_code == 200
    first = password_on(response.content.decode())
    user = get_user_model().objects.get(username="wangfang")
    assert (user.profile.name, user.profile.title, user.profile.unit.name) == ("王芳", "综合科科员", "市消防救援支队")
    assert authenticate(username="wangfang", password=first) is not None
    listing = page_text(office.get("/users/", {"q": "王芳"}))
    assert "wangfang" in listing and "综合科科员" in listing and "edu" not in listing

    missing_unit = office.post("/users/new/", {"username": "li", "role": "reporter"})
    assert missing_unit.status_code == 400 and "必须指定所属单位" in page_text(missing_unit)

    office.post(f"/users/{user.pk}/", {"role": "reporter", "unit": get_unit("市红十字会").pk, "name": "王芳",
                                       "title": "科长"})
    user.refresh_from_db()
    assert user.profile.unit.name == "市红十字会" and user.profile.title == "科长"

    second = password_on(office.post(f"/users/{user.pk}/reset/").content.decode())
    assert second != first and authenticate(username="wangfang", password=first) is None
    assert authenticate(username="wangfang", password=second) is not None

    office.post(f"/users/{user.pk}/active/", {"active": "0"})
    user.refresh_from_db()
    assert not user.is_active and authenticate(username="wangfang", password=second) is None
    row = f'href="/users/{user.pk}/"'
    assert row not in page_text(office.get("/users/"))  # the list shows accounts in use by default
    assert row in page_text(office.get("/users/", {"state": "disabled"}))
    actions = list(AuditEntry.objects.filter(object_id=str(user.pk), object_type="auth.user")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["users.add", "users.change", "users.reset", "users.disable"]
    detail = page_text(office.get(f"/users/{user.pk}/"))
    assert "王芳(科长)" in detail and "停用用户" in detail
    # the office cannot lock itself out
    me = office.post(f"/users/{people['office'].pk}/active/", {"active": "0"})
    assert me.status_code == 400 and "不能停用自己的账号" in page_text(me)


def test_histories_name_people_by_name_and_title(people, task14):
    from duban.people.services import change_user

    change_user(people["leader"], role="leader", unit=None, name="张伟", title="副市长")
    leader = signed_in(people["leader"])
    leader.post(f"/tasks/{task14.pk}/comment/", {"kind": "instruction", "text": "请加快消防站建设"})
    page = page_text(signed_in(people["office"]).get(f"/tasks/{task14.pk}/"))
    assert "张伟(副市长)" in page


def test_users_on_the_command_line(tmp_path):
    env = {"DUBAN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def duban(*args):
        done = subprocess.run([sys.executable, "-m", "duban", "users", *args], capture_output=True, text=True,
                              env=env, timeout=120)
        return done.returncode, done.stdout + done.stderr

    from importlib import resources

    sample = str(resources.files("duban.samples").joinpath("sample_plan.txt"))
    assert subprocess.run([sys.executable, "-m", "duban", "import", sample], env=env, capture_output=True,
                          timeout=120).returncode == 0  # the units the accounts belong to
    rc, out = duban("add", "lingdao", "--role", "leader", "--full-name", "张伟", "--title", "副市长")
    assert rc == 0 and "已创建用户 lingdao(领导)" in out and "初始密码" in out
    rc, out = duban("add", "jy", "--role", "reporter", "--unit", "市教育局", "--password", "jiaoyu-pass-2024")
    assert rc == 0 and "已创建用户 jy(单位填报员·市教育局)" in out
    rc, out = duban("list")
    assert rc == 0 and "lingdao\t张伟\t副市长\t领导\t在用" in out and "jy\t—\t—\t单位填报员·市教育局\t在用" in out
    rc, out = duban("reset", "jy")
    assert rc == 0 and "新密码" in out
    rc, out = duban("disable", "jy")
    assert rc == 0 and "已停用用户 jy" in out
    assert "jy" not in duban("list")[1] and "已停用" in duban("list", "--all")[1]
    rc, out = duban("disable", "nobody")
    assert rc == 2 and out.strip() == "duban: 找不到用户“nobody”"
