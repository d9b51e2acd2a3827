"""App config for the fund: calls, applications, reviews, grants, payments, proof of use."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "fund"
    verbose_name = _("Fund")
