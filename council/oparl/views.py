"""OParl 1.1 endpoints."""

from django.http import HttpRequest, JsonResponse


def system(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})
