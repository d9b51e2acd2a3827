"""Template context shared by every page: the main navigation and the user's staff status."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.policies import is_staff_member


def navigation(request: HttpRequest) -> dict[str, object]:
    items = [
        (reverse("plan:plan_index"), _("Integration plan")),
        (reverse("council:paper_list"), _("Papers")),
        (reverse("council:meeting_list"), _("Meetings")),
        (reverse("council:organization_list"), _("Bodies")),
    ]
    path = request.path
    return {
        "main_navigation": [
            {"url": url, "label": label, "current": path.startswith(url)} for url, label in items
        ],
        "user_is_staff_member": is_staff_member(request.user),
    }
