"""督办件, 问题, 调整申请, 通知 and the unit calendar feed; mounted at the site root."""
from django.urls import path

from duban.web.supervision import cases, changes, inbox, instructions, month, problems

app_name = "supervision"
urlpatterns = [
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<str:number>/", cases.case_detail, name="case"),
    path("cases/<str:number>/files/<int:pk>/", cases.case_file, name="case_file"),
    path("cases/<str:number>/<slug:action>/", cases.case_act, name="case_act"),
    path("problems/", problems.problem_list, name="problems"),
    path("problems/new/", problems.problem_new, name="problem_new"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    path("problems/<int:pk>/<slug:action>/", problems.problem_act, name="problem_act"),
    path("changes/", changes.change_list, name="changes"),
    path("changes/new/", changes.change_new, name="change_new"),
    path("changes/<int:pk>/", changes.change_detail, name="change"),
    path("changes/<int:pk>/decide/", changes.change_decide, name="change_decide"),
    path("instructions/", instructions.instruction_list, name="instructions"),
    path("instructions/<int:pk>/case/", instructions.instruction_case, name="instruction_case"),
    path("instructions/<int:pk>/handle/", instructions.instruction_handle, name="instruction_handle"),
    path("notifications/", inbox.notification_list, name="notifications"),
    path("notifications/read/", inbox.notification_read, name="notifications_read"),
    path("notifications/<int:pk>/", inbox.notification_open, name="notification"),
    path("calendar/", month.month_view, name="month"),
    path("calendar/<int:unit_id>.ics", inbox.calendar_feed, name="calendar"),
]
