"""Template context shared by every page: the main navigation and the user's staff status."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.policies import has_role, is_staff_member
from core.roles import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    items = [
        (reverse("plan:plan_index"), _("Integration plan")),
        (reverse("fund:call_list"), _("Funding")),
        (reverse("monitoring:dashboard"), _("Monitoring")),
        (reverse("council:paper_list"), _("Papers")),
        (reverse("council:meeting_list"), _("Meetings")),
        (reverse("council:organization_list"), _("Bodies")),
    ]
    user = request.user
    if has_role(user, Role.FUND_OFFICER):
        items.append((reverse("fund_office:dashboard"), _("Fund office")))
    if has_role(user, Role.REVIEWER):
        items.append((reverse("fund_review:review_list"), _("Reviews")))
    # The current item is the one with the longest address the path starts with.
    matching = [url for url, _label in items if request.path.startswith(url)]
    current = max(matching, key=len, default=None)
    return {
        "main_navigation": [
            {"url": url, "label": label, "current": url == current} for url, label in items
        ],
        "user_is_staff_member": is_staff_member(request.user),
    }
