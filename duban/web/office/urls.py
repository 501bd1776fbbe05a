from django.urls import path

from duban.web.office import dashboard, tasks, units

app_name = "office"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/comment/", tasks.comment, name="comment"),
    path("units/", units.unit_ranking, name="units"),
    path("units/<int:pk>/", units.unit_detail, name="unit"),
]

from duban.web.office import milestones as milestone_views  # noqa: E402

urlpatterns += [
    path("milestones/<int:pk>/done/", milestone_views.mark_done, name="milestone-done"),
    path("milestones/<int:pk>/reopen/", milestone_views.reopen, name="milestone-reopen"),
]
