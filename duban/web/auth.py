"""Login and logout, with throttling: five failures in 15 minutes lock an account for a while."""
from django.contrib import auth
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from duban.people.services import clear_login_failures, login_blocked, note_login_failure


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "POST"])
def login_view(request):
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        if login_blocked(username, _address(request)):
            error = "登录失败次数过多,请15分钟后再试"
        else:
            user = auth.authenticate(request, username=username, password=request.POST.get("password", ""))
            if user is None:
                note_login_failure(username, _address(request))
                error = "用户名或密码不正确"
            else:
                clear_login_failures(username)
                auth.login(request, user)
                return redirect(next_url)
    return render(request, "web/login.html", {"error": error, "next": next_url},
                  status=429 if error.startswith("登录失败次数") else 200)


@require_http_methods(["POST"])
def logout_view(request):
    auth.logout(request)
    return redirect("/public/")
