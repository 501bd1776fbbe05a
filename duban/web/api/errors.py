"""Every failure of the API in one shape: {"error": {"code", "message"}}.

DubanError → 403 forbidden / 404 not_found / 409 conflict / else 400 (the same table as the pages);
ninja's validation errors → 422 "invalid"; authentication → 401 "unauthorized"; anything
unexpected stays a 500, logged, in the same shape.
"""
from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from duban.errors import DubanError
from duban.web.errors import status_of
from duban.web.logs import request_id_of

logger = logging.getLogger("duban.api")

HTTP_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              409: "conflict", 413: "too_large", 422: "invalid", 429: "throttled"}

MESSAGES = {"Cannot parse request body": "请求体无法解析:须为 JSON(Content-Type: application/json)",
            "Forbidden": "没有权限执行此操作", "Too many requests.": "请求过于频繁,请稍后再试"}


# pydantic's messages by error type, in Chinese (an unknown type keeps a generic sentence, never English)
PYDANTIC = {
    "missing": "缺少必填项", "extra_forbidden": "不允许的字段", "int_parsing": "应为整数", "int_type": "应为整数",
    "int_from_float": "应为整数", "float_parsing": "应为数字", "float_type": "应为数字", "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false", "string_type": "应为文字", "string_too_long": "文字过长", "string_too_short": "文字过短",
    "date_parsing": "日期格式应为 YYYY-MM-DD", "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD", "datetime_parsing": "时间格式应为 ISO 8601",
    "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象", "json_invalid": "不是有效的 JSON",
    "greater_than": "数值过小", "greater_than_equal": "数值过小", "less_than": "数值过大", "less_than_equal": "数值过大",
    "too_long": "条目过多", "too_short": "条目过少", "literal_error": "不是可选的值之一", "enum": "不是可选的值之一",
    "value_error": "取值无效", "uuid_parsing": "格式无效", "url_parsing": "网址格式无效",
}


def pydantic_message(error: dict) -> str:
    return PYDANTIC.get(str(error.get("type", "")), "取值无效")


def error_body(code: str, message: str, **extra) -> dict:
    body = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return {"error": body}


def _status_of(error: DubanError) -> int:
    return 401 if error.code == "unauthorized" else status_of(error)


def _loc(loc) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "payload"))


def _bulk_index(loc) -> int | None:
    parts = list(loc)
    for i, p in enumerate(parts[:-1]):
        if p == "reports" and isinstance(parts[i + 1], int):
            return parts[i + 1]
    return None


def install(api: NinjaAPI) -> None:
    def respond(request, status: int, code: str, message: str, **extra):
        return api.create_response(request, error_body(code, message, **extra), status=status)

    @api.exception_handler(DubanError)
    def duban_error(request, exc: DubanError):
        return respond(request, _status_of(exc), exc.code, exc.message, index=getattr(exc, "index", None))

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": pydantic_message(e),
                    "type": str(e.get("type", ""))} for e in exc.errors]
        first = exc.errors[0] if exc.errors else {}
        where = _loc(first.get("loc", ()))
        words = pydantic_message(first) if first else "取值无效"
        message = f"请求参数无效:{where}:{words}" if where else f"请求参数无效:{words}"
        return respond(request, 422, "invalid", message, details=details, index=_bulk_index(first.get("loc", ())))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        message = exc.message if exc.message != "Unauthorized" else "需要登录或有效的 API 令牌(Authorization: Bearer <token>)"
        response = respond(request, 401, "unauthorized", message)
        response["WWW-Authenticate"] = 'Bearer realm="duban"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = MESSAGES.get(exc.message, exc.message)
        response = respond(request, exc.status_code, HTTP_CODES.get(exc.status_code, "error"), message)
        if getattr(exc, "logged", False):  # Django's own mark: log_response() skips a logged response
            response._has_been_logged = True
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(request, 404, "not_found", "找不到所请求的对象")

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        logger.exception("API %s %s failed", request.method, request.path)  # the one traceback, with the id
        rid = request_id_of(request)
        response = respond(request, 500, "server_error", f"服务器内部错误,已记录(请求编号 {rid})", request_id=rid)
        response._has_been_logged = True  # Django's own "Internal Server Error" line would say it again
        return response
