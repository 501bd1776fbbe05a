"""单位排名: the one formula that ranks lead units, stated on /units/ and in every bulletin.

Pure: statuses in, scores and ranks out. A unit's score is the mean of the points of the tasks it
leads that could be judged (tasks with no data are not counted); the best score first, then the unit
leading more tasks, then the name; equal scores share a rank (1, 2, 2, 4).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from duban.assess import Status

POINTS = {Status.DONE: 100, Status.AHEAD: 100, Status.ON_TRACK: 90, Status.BEHIND: 60,
          Status.NOT_STARTED: 40, Status.SERIOUSLY_BEHIND: 30, Status.OVERDUE: 0}
SCORING_NOTE = ("排名依据:得分为牵头任务得分的平均值:已完成、超序时进度100分,达序时进度90分,滞后60分,"
                "未开始40分,严重滞后30分,逾期0分;暂无可评价数据的任务不计分。"
                "得分高者在前,得分相同时牵头任务多者在前,得分相同者名次并列。")


def points_of(status: str) -> int | None:
    try:
        return POINTS.get(Status(status))
    except ValueError:  # 未评估
        return None


def score(statuses: Mapping[str, int]) -> float | None:
    """The mean points of a unit's judged tasks, from {status: number of tasks}; None if none judged."""
    total = judged = 0
    for status, n in statuses.items():
        p = points_of(status)
        if p is not None and n:
            total += p * n
            judged += n
    return round(total / judged, 1) if judged else None


def rank(rows: Iterable, *, score_of: Callable, led_of: Callable, name_of: Callable,
         set_rank: Callable) -> list:
    """The rows in ranking order, each given its rank (None when nothing of the unit was judged)."""
    ordered = sorted(rows, key=lambda r: (score_of(r) is None, -(score_of(r) or 0), -led_of(r), name_of(r)))
    place, last = 0, object()
    for i, row in enumerate(ordered, 1):
        s = score_of(row)
        if s != last:
            place, last = i, s
        set_rank(row, place if s is not None else None)
    return ordered
