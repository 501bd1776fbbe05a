from django.urls import path

from duban.web.office import dashboard, tasks, units

app_name = "office"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/export.xlsx", tasks.task_export, name="tasks_export"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/comment/", tasks.comment, name="comment"),
    path("units/", units.unit_ranking, name="units"),
    path("units/<int:pk>/", units.unit_detail, name="unit"),
]
