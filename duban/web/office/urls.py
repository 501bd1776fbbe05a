from django.urls import path

from duban.web.office import corrections, dashboard, tasks, units

app_name = "office"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/comment/", tasks.comment, name="comment"),
    path("tasks/<int:pk>/correct/task/", corrections.task_fields, name="correct-task"),
    path("tasks/<int:pk>/correct/units/", corrections.units, name="correct-units"),
    path("tasks/<int:pk>/correct/indicators/new/", corrections.indicator_add, name="add-indicator"),
    path("tasks/<int:pk>/correct/dispute/", corrections.dispute, name="dispute"),
    path("indicators/<int:pk>/correct/", corrections.indicator, name="correct-indicator"),
    path("indicators/<int:pk>/remove/", corrections.indicator_remove, name="remove-indicator"),
    path("milestones/<int:pk>/correct/", corrections.milestone, name="correct-milestone"),
    path("units/", units.unit_ranking, name="units"),
    path("units/<int:pk>/", units.unit_detail, name="unit"),
]

from duban.web.office import milestones as milestone_views  # noqa: E402

urlpatterns += [
    path("milestones/<int:pk>/done/", milestone_views.mark_done, name="milestone-done"),
    path("milestones/<int:pk>/reopen/", milestone_views.reopen, name="milestone-reopen"),
]
