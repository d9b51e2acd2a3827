"""JSON responses of the OParl API: content type, CORS, and the error object of OParl 2-09."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from council.oparl.paging import BadParameter

ERROR_TYPE = "https://schema.oparl.org/1.1/Error"
CONTENT_TYPE = "application/json; charset=utf-8"


class NotFound(Exception):
    """No object the public may see has this URL; answered with HTTP 404."""

    def __init__(self, debug: str) -> None:
        super().__init__(debug)
        self.debug = debug


def encode(data: Any) -> bytes:
    """Compact UTF-8 JSON (OParl 2-04: no byte order mark, no HTML escaping).

    orjson writes the same bytes as compact ``json.dumps``, several times faster,
    which matters on list pages.
    """
    return orjson.dumps(data)


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    return raw_json_response(encode(data), status=status)


def raw_json_response(body: bytes, *, status: int = 200) -> HttpResponse:
    """An answer whose JSON is encoded already."""
    response = HttpResponse(body, content_type=CONTENT_TYPE, status=status)
    # OParl 2-06: every JSON answer may be read by scripts from any origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(status: int, message: str, debug: str) -> HttpResponse:
    return json_response({"type": ERROR_TYPE, "message": message, "debug": debug}, status=status)


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer GET and HEAD only; map bad parameters to 400 and unknown objects to 404."""

    # Nothing here changes state; exempt so that a POST gets the JSON 405, not a CSRF page.
    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = error_response(
                405,
                _("The OParl interface can only be read (GET)."),
                f"method {request.method} not allowed",
            )
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return error_response(400, exc.message, exc.debug)
        except NotFound as exc:
            return error_response(404, _("There is no such object."), exc.debug)

    return wrapper
