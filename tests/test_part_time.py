"""Part-time and external positions: in post only on their days on site, exact minutes, costs, bad values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from conftest import SCENARIOS, calm, small_scenario
from test_engine_day import context, one_team
from test_partners import school as partner_school

from staffsim.cli import main
from staffsim.engine.day.partners import partner_coaching
from staffsim.engine.day.planning import coaching
from staffsim.engine.day.staffing import absences, substitutes
from staffsim.engine.day.steps import new_day
from staffsim.engine.ledger import EVENT_CODES
from staffsim.engine.plan import compile_plan
from staffsim.engine.simulate import simulate
from staffsim.metrics.costs import compute_costs
from staffsim.metrics.registry import compute_metrics
from staffsim.scenario.loading import load_scenario, scenario_from_dict
from staffsim.scenario.on_site import default_pattern
from staffsim.scenario.vocabulary import CONTRACT_COLUMNS, Activity

A = Activity
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "external-partner.yaml"
#: Monday whole, Tuesday morning, Wednesday off, Thursday and Friday whole.
PATTERN = {"mon": 1, "tue": 0.5, "wed": 0, "thu": 1, "fri": 1}


def part_time(**role) -> dict:
    """The small school with its teachers part-time (08:00-15:00: a half day ends at 11:30)."""
    data = small_scenario()
    data["roles"]["teacher"].update(role or {"on_site": PATTERN})
    return data


@pytest.mark.parametrize("days, pattern", [(5, (1, 1, 1, 1, 1)), (3.5, (1, 1, 1, 0.5, 0)), (0.5, (0.5, 0, 0, 0, 0)),
                                           (2, (1, 1, 0, 0, 0)), (4.5, (1, 1, 1, 1, 0.5))])
def test_days_on_site_expand_to_the_documented_pattern(days, pattern):
    assert default_pattern(days) == pattern


def test_a_part_time_position_holds_its_blocks_only_on_its_days():
    plan = compile_plan(scenario_from_dict(part_time()))
    s = 0  # a teacher on timetable "a": 60 whole class, 60 planning, 60 whole class, 30 small group before 11:30
    row = lambda w: {a.label: plan.minutes[w, s, a] for a in A if plan.minutes[w, s, a]}  # noqa: E731
    full = {"whole_class": 240, "planning_individual": 60, "small_group": 30, "other": 90}
    assert row(0) == row(3) == row(4) == full
    assert row(1) == {"whole_class": 120, "planning_individual": 60, "small_group": 30, "off_site": 210}
    assert row(2) == {"off_site": 420}
    assert (plan.minutes[:, :, CONTRACT_COLUMNS].sum(axis=2) == plan.contract_minutes).all()  # every minute once
    assert plan.cover_tasks[2][s] == () and len(plan.cover_tasks[1][s]) == 3  # the morning's classes and group
    helpers = {o.colleague for day in plan.cover_tasks[2] for task in day for o in task.options}
    assert not helpers & set(np.flatnonzero(plan.on_site[2] == 0).tolist())  # nobody off site covers
    assert plan.seats[2, s] == 0 and plan.seats[1, s] == plan.seats[0, s]


def test_every_day_on_site_is_the_default_plan():
    base = compile_plan(scenario_from_dict(small_scenario()))
    five = compile_plan(scenario_from_dict(part_time(days_on_site=5)))
    assert five.on_site is None and (five.minutes == base.minutes).all()
    assert (five.workload_minutes == base.workload_minutes).all()


def test_a_year_without_randomness_accounts_every_minute_exactly():
    sc = scenario_from_dict(calm(part_time()))
    L = simulate(sc, 1)
    weeks = sc.calendar.weeks
    total = L.minutes[:, 0].sum(axis=0)
    assert total[A.OFF_SITE] == weeks * (420 + 210)
    assert total[A.WHOLE_CLASS] == weeks * (3 * 240 + 120)
    assert total[A.ABSENT] == 0 and total[A.OTHER] == weeks * 3 * 90
    assert (L.minutes[:, :, CONTRACT_COLUMNS].sum(axis=2) == L.contract_minutes).all()
    # the workload of 10 h a week (+ per student) is spread over the 3.5 days on site: none on Wednesdays
    wed = L.weekday == 2
    assert (L.minutes[wed][:, :6, A.OVERTIME] == 0).all()
    assert L.adults_present[wed].max() == 2  # only the two aides are in on Wednesdays


def test_absences_start_only_on_days_due():
    data = part_time()
    data["behaviour"]["absence"] = {"days_per_year": 60, "mean_spell_days": 3}
    L = simulate(scenario_from_dict(data), 3)
    teachers = [s for s, r in enumerate(L.staff_role) if r == "teacher"]
    off = L.weekday == 2
    assert (L.minutes[off][:, teachers, A.ABSENT] == 0).all()
    assert (L.minutes[off][:, teachers, A.OFF_SITE] == L.contract_minutes).all()
    absences_ = L.events[(L.events[:, 1] == EVENT_CODES["absence"]) & np.isin(L.events[:, 2], teachers)]
    assert not np.isin(absences_[:, 0], np.flatnonzero(off)).any()
    assert (L.minutes[~off][:, teachers, A.ABSENT] > 0).any()  # they are absent on days due
    tue = L.weekday == 1  # a half day out: absent in the morning, off site after
    half = L.minutes[tue][:, teachers]
    hit = half[:, :, A.ABSENT] > 0
    assert hit.any() and (half[hit][:, A.ABSENT] == 210).all() and (half[hit][:, A.OFF_SITE] == 210).all()


def test_a_half_day_absence_is_the_morning():
    ctx = context(part_time(), absent=[0])
    st = new_day(ctx, 1, 1)  # Tuesday: a half day
    absences(ctx, st)
    substitutes(ctx, st)
    assert st.M[0, A.ABSENT] == 210 and st.M[0, A.OFF_SITE] == 210 and st.M[0].sum() == 420


def test_coaching_by_a_partner_off_site_is_the_coached_staffs_planning():
    data = partner_school()
    data["roles"]["partner0"] = dict(data["roles"]["partner"], on_site={"mon": 1, "tue": 1, "wed": 0, "thu": 1, "fri": 1})
    data["teams"][-1]["members"][0]["role"] = "partner0"
    plan = compile_plan(scenario_from_dict(data))
    p0 = 3  # partner 0 (10:00-10:20) is off on Wednesdays: partner 1 (10:15-10:30) gives the last 15 minutes
    assert plan.minutes[2, :3, A.COACHING_RECEIVED].tolist() == [15, 15, 15]
    assert plan.minutes[2, :3, A.PLANNING_INDIVIDUAL].tolist() == [75, 75, 75]
    assert plan.minutes[0, :3, A.COACHING_RECEIVED].tolist() == [30, 30, 30]
    assert plan.coach_links[2] == ((4, 0, 15), (4, 1, 15), (4, 2, 15))
    assert plan.minutes[2, p0, A.OFF_SITE] == plan.contract_minutes
    # when partner 1 is absent on that Wednesday too, the rest of the session is planning (day/partners.py)
    ctx = context(data, absent=[4])
    st = new_day(ctx, 2, 2)
    for step in (absences, coaching, partner_coaching):
        step(ctx, st)
    assert st.M[:3, A.COACHING_RECEIVED].tolist() == [0, 0, 0] and st.M[:3, A.PLANNING_INDIVIDUAL].tolist() == [90] * 3


def test_coaching_by_a_leader_off_site_is_the_teams_planning():
    data = one_team({"lead": ["08:00-09:00 whole_class", "10:00-10:30 coaching_given"],
                     "a": ["08:00-09:00 whole_class", "09:00-10:00 planning", "10:00-10:30 coaching_received"]},
                    [("leader", "lead", 1), ("teacher", "a", 2)])
    data["roles"]["leader"]["on_site"] = {"mon": 1, "tue": 1, "wed": 1, "thu": 1}
    plan = compile_plan(scenario_from_dict(data))
    assert plan.minutes[4, 1:, A.COACHING_RECEIVED].tolist() == [0, 0]
    assert plan.minutes[4, 1:, A.PLANNING_INDIVIDUAL].tolist() == [90, 90]
    assert plan.minutes[3, 1:, A.COACHING_RECEIVED].tolist() == [30, 30]


def _example(**partner) -> dict:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["roles"]["partner"].update(partner)
    return data


def test_the_example_loses_thursdays_afternoon_session():
    sc = load_scenario(EXAMPLE)
    plan = compile_plan(sc)
    assert [sum(m for *_, m in links) for links in plan.coach_links] == [150, 150, 150, 0, 0]
    p7 = [s for s, label in enumerate(plan.staff_labels) if label.startswith("class-p7")]
    assert plan.minutes[3, p7, A.COACHING_RECEIVED].tolist() == [0] * 5
    ip = compile_plan(load_scenario(SCENARIOS / "instructional-partners.yaml"))
    assert (plan.minutes[3, p7, A.PLANNING_INDIVIDUAL] - ip.minutes[3, p7, A.PLANNING_INDIVIDUAL]).tolist() == [30] * 5


def test_pay_by_the_day_is_rate_times_days_on_site():
    by_day = scenario_from_dict(_example())
    unpaid = scenario_from_dict(_example(day_rate=0))
    contract = scenario_from_dict(_example(day_rate=None, annual_contract=90000))
    L = simulate(by_day, 1)  # the same ledger priced three ways (pay does not change behaviour here)
    cost = {k: compute_costs(sc, L) for k, sc in (("day", by_day), ("none", unpaid), ("contract", contract))}
    assert cost["day"]["cost_salaries"] - cost["none"]["cost_salaries"] == 800 * 3.5 * 36
    assert cost["contract"]["cost_salaries"] - cost["none"]["cost_salaries"] == 90000
    assert cost["day"]["cost_benefits"] == cost["none"]["cost_benefits"] == cost["contract"]["cost_benefits"]
    assert cost["day"]["cost_per_pupil"] == pytest.approx(cost["none"]["cost_per_pupil"] + 100800 / 480)


@pytest.mark.parametrize("external", [False, True])
def test_an_external_partner_is_outside_the_turnover_pool(external):
    data = _example(external=external)
    data["workforce"] = {"decision": {"role_multiplier": {"instructional_partner": 1000}}}
    L = simulate(scenario_from_dict(data), 1, years=3)
    s = [k for k, r in enumerate(L.staff_role) if r == "partner"]
    left = np.asarray(L.extra["departures"])[:, s].sum()
    assert (left == 0) if external else (left > 0)
    if external:
        assert compute_metrics(L)["turnover_rate_instructional_partner"] == 0.0


@pytest.mark.parametrize("old, new, field", [
    ("days_on_site: 3.5 ", "days_on_site: 6 ", "roles.partner.days_on_site"),
    ("days_on_site: 3.5 ", "days_on_site: -1 ", "roles.partner.days_on_site"),
    ("days_on_site: 3.5 ", "days_on_site: 2.3 ", "roles.partner.days_on_site"),
    ("days_on_site: 3.5 ", "on_site: {mon: 1, tue: 1, sat: 1} ", "roles.partner.on_site.sat"),
    ("days_on_site: 3.5 ", "on_site: {mon: 1, tue: 0.7} ", "roles.partner.on_site.tue"),
    ("days_on_site: 3.5 ", "on_site: {mon: -1} ", "roles.partner.on_site.mon"),
    ("days_on_site: 3.5 ", "on_site: {mon: 0, tue: 0} ", "roles.partner.on_site"),
    ("days_on_site: 3.5 ", "days_on_site: 3.5\n    on_site: {mon: 1}\n   ", "roles.partner.days_on_site"),
    ("day_rate: 800 ", "day_rate: -800 ", "roles.partner.day_rate"),
    ("day_rate: 800 ", "annual_contract: -5 ", "roles.partner.annual_contract"),
    ("day_rate: 800 ", "annual_contract: .inf ", "roles.partner.annual_contract"),
    ("day_rate: 800 ", "day_rate: 800\n    annual_contract: 9000\n   ", "roles.partner.annual_contract"),
    ("salary: 0  ", "salary: 5000  ", "roles.partner.salary"),
    ("external: true ", "external: maybe ", "roles.partner.external"),
])
def test_bad_days_on_site_or_pay_are_refused_with_the_field(tmp_path, old, new, field):
    text = EXAMPLE.read_text()
    assert old in text, old
    f = tmp_path / "bad.yaml"
    f.write_text(text.replace(old, new, 1))
    out = CliRunner().invoke(main, ["validate", str(f)])
    assert out.exit_code == 2, out.output
    assert field in out.output and "line " in out.output and "Traceback" not in out.output
