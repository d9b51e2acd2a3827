"""App config for the integration plan: versions, items, progress, comparison."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Integration plan")

    def ready(self) -> None:
        from core.policies import register_visibility
        from plan import policies
        from plan.models import FieldOfAction, Goal, Indicator, Measure, PlanVersion

        register_visibility(PlanVersion, policies.can_view_version)
        for model in (FieldOfAction, Goal, Indicator, Measure):
            register_visibility(model, lambda u, item: policies.can_view_version(u, item.version))

        from core import opendata
        from plan import exchange

        opendata.register(exchange.opendata_resources)
