"""App config for the fund: calls, applications, reviews, grants, payments, proof of use."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "fund"
    verbose_name = _("Fund")

    def ready(self) -> None:
        from council import services as council_services
        from fund import services

        council_services.on_decision(services.on_council_decision)

        from core import opendata
        from fund import opendata as fund_opendata

        opendata.register(fund_opendata.opendata_resources)
