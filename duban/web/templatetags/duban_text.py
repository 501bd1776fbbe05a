"""Words for pages: source positions and audit actions said in Chinese."""
from django import template

from duban.extract.where import where_zh

register = template.Library()

ACTIONS = {
    "import": "导入文档", "progress.add": "记录进展", "progress.submit": "提交进展", "progress.approve": "审核通过",
    "progress.return": "退回进展", "progress.revise": "修改进展", "comment.add": "发表意见", "users.add": "新建用户",
    "units.merge": "合并单位", "case.open": "立项督办", "case.assign": "交办", "case.acknowledge": "签收",
    "case.start": "开始办理", "case.feedback": "反馈", "case.accept": "复核通过", "case.return": "退回重办",
    "case.close": "办结销号", "case.comment": "意见", "problem.raise": "反映问题", "problem.assign": "指定协调人",
    "problem.coordinate": "协调", "problem.resolve": "解决", "problem.confirm": "确认", "problem.dismiss": "不予受理",
    "case.files": "上传佐证材料", "case.urge": "催办", "case.reopen": "重新办理",
    "problem.reopen": "重新协调", "change.request": "申请调整", "change.approve": "批准调整",
    "change.reject": "驳回调整", "bulletin.create": "编制通报",
    "bulletin.approve": "审定通报", "bulletin.publish": "发布通报",
    "users.disable": "停用用户", "users.enable": "启用用户", "users.reset": "重置密码", "users.change": "修改用户",
    "instruction.handle": "落实批示",
    "task.correct": "更正任务", "task.units": "更正责任单位", "indicator.correct": "更正指标",
    "indicator.add": "新增指标", "indicator.remove": "删除指标", "milestone.correct": "更正时间节点",
    "milestone.done": "节点完成", "milestone.reopen": "撤销节点完成", "correction.keep": "保留更正",
    "correction.take": "采用文件",
}


register.filter("where_zh", where_zh)


@register.filter
def action_zh(action: str) -> str:
    return ACTIONS.get(action, action)


@register.filter
def person(user, fallback: str = "") -> str:
    """A user as histories name them: 姓名(职务), or the account name; `fallback` when there is no
    user (a command-line action, a deleted account)."""
    if user is None:
        # the command line's default actor: the operator at the server
        return {"cli": "命令行", "system": "系统", "": "系统"}.get(fallback, fallback)
    profile = getattr(user, "profile", None)
    try:
        return profile.display_name if profile is not None else user.get_username()
    except Exception:  # a user without a profile row (a bare superuser)
        return user.get_username()
