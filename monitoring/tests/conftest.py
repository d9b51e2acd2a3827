"""Fixtures of the monitoring tests: messages and pages in their source language, the demo."""

import datetime as dt

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(client):
    """Messages are asserted in English, and the test client asks for English pages."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def site(demo, plan_demo):
    """The demo with the fund's applications and the example indicator series."""
    from fund.demo import load_fund_demo
    from monitoring.demo import load_monitoring_demo

    load_fund_demo(demo, plan_demo)
    load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    return plan_demo
