"""The API: one NinjaAPI, mounted at /api/, its OpenAPI document at /api/openapi.json.

Routers: plans, tasks (and indicators), units, progress, assessments (public reads, see each
module), tokens (auth.py). Errors have one shape, see errors.py.
"""
from ninja import NinjaAPI, Router
from ninja.renderers import JSONRenderer

from duban.errors import NotFound
from duban.web.api import assessments, auth, errors, plans, progress, tasks, units

DESCRIPTION = """督办系统的 JSON 接口。

认证:`Authorization: Bearer <token>`(令牌由督查室在管理后台签发,或登录后 `POST /api/tokens` 自行签发),
或网页的登录会话(写操作须带 `X-CSRFToken`)。

公开接口(安全要求含空项 `{}` 的操作)不登录也可调用,只返回公开数据:计划、任务、单位和已审核的进展。

错误统一为 `{"error": {"code": "...", "message": "..."}}`:403 forbidden、404 not_found、409 conflict、
422 invalid(参数校验)、401 unauthorized,其他业务错误 400。"""


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(title="督办 API", version="1", description=DESCRIPTION, urls_namespace="api",
               openapi_url="/openapi.json", docs_url=None, renderer=ChineseJSONRenderer())
errors.install(api)

api.add_router("", plans.router)
api.add_router("", tasks.router)
api.add_router("", units.router)
api.add_router("", progress.router)
api.add_router("", assessments.router)
api.add_router("", auth.router)

_fallback = Router()


@_fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False)
def unknown_path(request, rest: str):
    raise NotFound(f"没有这个接口:/api/{rest}")


api.add_router("", _fallback)
