"""Login and logout. The throttle, the equal answers for unknown accounts and the bounded hashing
are in the authentication backend (duban.people.backends): the admin's login gets them too."""
from django.contrib import auth
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from duban.errors import LoginBusy, LoginThrottled

WRONG = "用户名或密码不正确"


@require_http_methods(["GET", "POST"])
def login_view(request):
    error, status = "", 200
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        try:
            user = auth.authenticate(request, username=username, password=password) if username and password else None
        except (LoginThrottled, LoginBusy) as e:
            user, error, status = None, e.message, 429 if isinstance(e, LoginThrottled) else 503
        if user is not None:
            auth.login(request, user)
            return redirect(next_url)
        error = error or (WRONG if username and password else "请输入用户名和密码")
    return render(request, "web/login.html", {"error": error, "next": next_url}, status=status)


@require_http_methods(["POST"])
def logout_view(request):
    auth.logout(request)
    return redirect("/public/")
