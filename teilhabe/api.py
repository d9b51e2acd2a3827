"""The JSON API at ``/api/``: one django-ninja API, its OpenAPI document at ``/api/openapi.json``.

Every operation needs the Django session of a signed-in fund officer (the cookie of the web
sign-in, and for writes the ``X-CSRFToken`` header): anonymous requests answer 401, other
users 403. Errors answer ``{"detail": "…"}``; invalid input 422 with ``errors``, one
message per problem naming its place. The OpenAPI document and the interactive docs at
``/api/docs`` (Swagger UI served from our own static files, no inline script) are public.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, ValidationError
from ninja.security import SessionAuth
from pydantic_core import ErrorDetails

from fund.allocation import error_messages, error_text
from fund.policies import is_officer


class Problem(Schema):
    """What went wrong: one line, and for invalid input one message per problem."""

    detail: str
    errors: list[str] = []


# The error answers every operation may give (document them with ``**ERRORS``).
ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem}


class OfficerSession(SessionAuth):
    """The web sign-in's session; only fund officers (and administrators) get in.

    The sign-in is checked before CSRF, so that an anonymous request learns it must sign in
    (401) rather than that its CSRF token is missing.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            raise AuthenticationError(
                message=f"Sign in first: the API uses the session of the sign-in at "
                f"{reverse('login')}."
            )
        if not is_officer(user):
            raise AuthorizationError(message="Only fund officers may use the API.")
        return user


api = NinjaAPI(
    title="Teilhabe API",
    version="1",
    description=(
        "The JSON API of Teilhabe, the Region Hannover's integration plan and its fund. "
        "It serves the fund's allocation: solving an allocation instance (the best "
        "portfolio of applications for a call's money under policy constraints, as "
        "`manage.py allocate` does) and a call's saved allocation runs. Every operation "
        "needs the session cookie of a signed-in fund officer; writes also the "
        "`X-CSRFToken` header. The formats are described in `docs/allocation.md`."
    ),
    auth=OfficerSession(),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a message per problem, in the words ``manage.py allocate`` uses."""
    messages: list[str] = []
    for error in exc.errors:
        source, *rest = error["loc"]
        if source == "body":
            # ("body", <parameter>, …): the body itself is the parameter's value.
            messages += error_messages([cast(ErrorDetails, {**error, "loc": tuple(rest[1:])})])
        else:
            found = error_messages([cast(ErrorDetails, {**error, "loc": tuple(rest)})])
            messages += [f"{source} parameter {m}" for m in found]
    messages = list(dict.fromkeys(messages))
    return api.create_response(
        request, {"detail": error_text(messages), "errors": messages}, status=422
    )


api.add_router("/fund/", "fund.api.router")
