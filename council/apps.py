"""App config for the council domain: OParl objects, the OParl API, budget references."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Council")

    def ready(self) -> None:
        from core.policies import register_visibility
        from council import policies
        from council.models import Consultation, File, Paper

        register_visibility(Paper, policies.can_view_paper)
        register_visibility(Consultation, lambda u, c: policies.can_view_paper(u, c.paper))
        register_visibility(File, policies.can_view_file)
