from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from duban.people.models import Role
from duban.people.roles import role_of


def home(request):
    """Each role starts where its work is: the office on the dashboard, a unit in its workspace,
    a citizen on the public portal."""
    role = role_of(request.user)
    target = {None: "public:index", Role.REPORTER: "unit:workspace"}.get(role, "office:dashboard")
    try:
        return redirect(reverse(target))
    except NoReverseMatch:
        return redirect("/admin/" if role else "/login/")
