from duban.people.models import Role
from duban.people.roles import role_of, unit_of


def roles(request):
    role = role_of(getattr(request, "user", None))
    return {"role": role, "role_label": Role(role).label if role else "", "my_unit": unit_of(request.user)
            if hasattr(request, "user") else None, "Role": Role}
