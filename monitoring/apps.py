"""App config of monitoring: indicator observations, their import, dashboards, the report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from core import opendata
        from monitoring import opendata as monitoring_opendata

        opendata.register(monitoring_opendata.opendata_resources)
