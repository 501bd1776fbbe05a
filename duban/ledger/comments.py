"""Comments and instructions (意见 / 批示) on a task: internal, never shown on the public portal."""
from __future__ import annotations

from django.db import transaction

from duban.core.audit import record
from duban.errors import InvalidInput
from duban.ledger.models import Comment, Task
from duban.ledger.signals import comment_added
from duban.people.models import Role
from duban.people.roles import can_comment, require, role_of

MAX_LENGTH = 2000


def add_comment(actor, task: Task, text: str, kind: str = Comment.Kind.COMMENT) -> Comment:
    """A leader's or the office's comment or instruction on `task`; audited with the task."""
    require(can_comment(actor), "只有领导和督查室可以发表意见或批示")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("意见或批示的内容不能为空")
    if len(text) > MAX_LENGTH:
        raise InvalidInput(f"意见或批示不能超过{MAX_LENGTH}字(现有{len(text)}字)")
    if kind not in Comment.Kind.values:
        raise InvalidInput(f"未知的类别“{kind}”,可用:" + "、".join(f"{v}({label})" for v, label in Comment.Kind.choices))
    if kind == Comment.Kind.INSTRUCTION:
        require(role_of(actor) == Role.LEADER, "只有领导可以作批示;督查室请发表意见")
    label = Comment.Kind(kind).label
    with transaction.atomic():
        comment = Comment.objects.create(task=task, author=actor, author_name=actor.get_username(), kind=kind,
                                         text=text)
        record(actor, "", "comment.add", comment, task=task, after={"kind": kind, "text": text},
               summary=f"第{task.number}项 {label}:{text[:60]}{'…' if len(text) > 60 else ''}")
        comment_added.send(sender=Comment, comment=comment)
    return comment
