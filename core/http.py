"""Small helpers of the views: what a request is and carries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from htmx, which swaps a part of the page with the answer."""
    return request.headers.get("HX-Request") == "true"


def posted(request: HttpRequest) -> Any:
    """The form data of a POST, or None for a GET (a form bound only when sent)."""
    return request.POST if request.method == "POST" else None
