"""On track or not: the latest value against the straight path from baseline to target."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from monitoring.progress import assess, expected


@dataclass
class Ind:
    baseline_value: Decimal | None = Decimal("10")
    baseline_year: int | None = 2018
    target_value: Decimal | None = Decimal("20")
    target_year: int | None = 2028
    direction: str = "higher"


def test_the_path_runs_straight_from_baseline_to_target_and_stays_at_the_target():
    assert expected(Ind(), 2018) == 10
    assert expected(Ind(), 2023) == 15
    assert expected(Ind(), 2030) == 20
    assert expected(Ind(target_value=None), 2023) is None
    assert expected(Ind(target_year=2018), 2023) is None


@pytest.mark.parametrize(
    ("value", "state"),
    [
        ("15", "on_track"),
        ("14.95", "on_track"),
        ("14.8", "off_track"),
        ("20", "reached"),
        ("25", "reached"),
        ("9", "off_track"),
    ],
)
def test_higher_is_better(value, state):
    assert assess(Ind(), (2023, Decimal(value))).state == state


@pytest.mark.parametrize(
    ("value", "state"), [("15", "on_track"), ("15.2", "off_track"), ("9.5", "reached")]
)
def test_lower_is_better(value, state):
    indicator = Ind(baseline_value=Decimal("20"), target_value=Decimal("10"), direction="lower")
    assert assess(indicator, (2023, Decimal(value))).state == state


def test_no_data_and_no_target():
    assert assess(Ind(), None).state == "no_data"
    assessment = assess(Ind(target_value=None), (2023, Decimal("12")))
    assert assessment.state == "not_assessed" and assessment.value == 12
    assert not assessment.good and assess(Ind(), (2023, Decimal(16))).good
