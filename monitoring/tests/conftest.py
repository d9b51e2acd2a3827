"""Fixtures of the monitoring tests: messages are asserted in their source language."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield
