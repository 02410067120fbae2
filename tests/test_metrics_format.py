"""The one number formatter (present/format.py): shares, money, hours, signed differences, missing values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from staffsim.metrics.metric import Kind
from staffsim.present.format import (MISSING, format_clock, format_interval, format_money, format_range, format_value,
                                     metric_label, unit_symbol)


def test_shares_are_percentages_in_both_registers():
    assert format_value(0.795, "needs_served_share") == "79.5%"
    assert format_value(0.795, "needs_served_share", compact=True) == "80 %"
    assert format_value(0.0412, Kind.SHARE, compact=True) == "4.1 %"
    assert format_value(0.5, "reach_share") == "50.0%"
    # exhaustion lies on a 0-1 scale but is no proportion: not a percentage
    assert format_value(0.521, "mean_exhaustion") == "0.521"


def test_money_has_thousands_separators_and_the_currency_when_given():
    assert format_value(1936937.4, "personnel_cost") == "1,936,937"
    assert format_value(1936937.4, "personnel_cost", compact=True) == "1.94 million"
    assert format_value(4035.2, "cost_per_pupil", compact=True) == "4,035"
    assert format_money(78000, currency="USD 2024") == "78,000 USD 2024"
    assert format_money(400, signed=True) == "+400"
    assert format_money(-1500.4, signed=True) == "-1,500"
    assert format_money("61,600 (as written)") == "61,600 (as written)"  # text from a scenario passes through


def test_hours_and_other_quantities_read_to_two_or_three_digits():
    assert format_value(3.2412, "planning_hours_per_week") == "3.24"
    assert format_value(0.2113, "coverage_hours_per_week") == "0.211"
    assert format_value(3.2412, "planning_hours_per_week", compact=True) == "3.24"
    assert format_value(14.26, "overtime_hours_per_week", compact=True) == "14.3"
    assert format_value(141.57, "small_group_minutes_per_student_per_week", compact=True) == "142"
    assert format_value(1234.5, "vacancy_days") == "1,234"
    assert format_value(2.5, None) == "2.50"  # an unknown metric: a plain number


def test_signed_differences():
    assert format_value(6.52, "planning_hours_per_week", signed=True) == "+6.52"
    assert format_value(-0.031, "uncovered_absence_share", signed=True) == "-3.1%"
    assert format_value(0.188, "needs_served_share", signed=True, compact=True) == "+19 %"
    assert format_value(0.0, "planning_hours_per_week", signed=True) == "0.000"  # no sign on zero
    assert format_interval(400, 399, 401, "cost_per_pupil", signed=True) == "+400 [+399, +401]"
    assert format_interval(4400, 3960, 4840, "cost_per_pupil") == "4,400 [3,960, 4,840]"


def test_missing_values():
    for v in (None, math.nan, np.nan, math.inf):
        assert format_value(v, "planning_hours_per_week") == MISSING
    assert format_interval(math.nan, math.nan, math.nan, "reach_share") == f"{MISSING} [{MISSING}, {MISSING}]"


def test_ranges_add_decimals_until_the_ends_differ():
    assert format_range(3.241, 3.282, "planning_hours_per_week") == "3.24 to 3.28"
    assert format_range(10.01, 10.04, "planning_hours_per_week") == "10.01 to 10.04"
    assert format_range(0.791, 0.793, "needs_served_share") == "79.1 % to 79.3 %"
    assert format_range(-0.05, 0.02, "uncovered_absence_share", signed=True) == "-5.0 % to +2.0 %"


@pytest.mark.parametrize("metric, money, expected", [
    ("planning_hours_per_week", None, ("Planning time kept", "hours per week per teacher")),
    ("cost_per_pupil", "USD 2024", ("Cost per pupil", "USD 2024, per year")),
    ("cost_per_pupil", None, ("Cost per pupil", "per year")),
    ("some_old_metric", None, ("Some old metric", "")),
])
def test_labels_come_from_the_registry(metric, money, expected):
    assert metric_label(metric, money) == expected


def test_units_and_clocks():
    assert unit_symbol("planning_hours_per_week") == "h" and unit_symbol("personnel_cost") == "money/year"
    assert unit_symbol("no_such_metric") == ""
    assert format_clock(460) == "07:40" and format_clock(15 * 60) == "15:00"
