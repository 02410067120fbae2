"""Every field acts or is named: the scenario fields that have no effect in a design (`staffsim validate`).

A field a design states but the model never reads for it (a role no team has,
a policy for a coverage step that is not in the order, resignation rates of a
static staff) is almost always a mistake or a misunderstanding: the planner
believes a lever is set that does nothing. `no_effect(scenario)` names each
such field with the reason. Only fields the file states are named (a default
left alone is not the planner's doing), except roles and timetables, which
are always stated. Pure function of the validated scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from staffsim.scenario.frozen import Frozen
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timetable import WEEKDAYS
from staffsim.scenario.vocabulary import CATEGORY_INFO

END_OF_OPTIONS = "combine_classes"  # the coverage step that ends the order (engine/cover.py)


@dataclass(frozen=True)
class NoEffect:
    """A field that does nothing in this design, and why."""

    path: str  # dotted path, as in overrides: "policies.coverage.scope"
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _set(model: Frozen, field: str) -> bool:
    return field in model.model_fields_set


def _activities(sc: Scenario, roles: set[str] | None = None) -> set[str]:
    """Activities in the timetables of the team members (of `roles`, if given)."""
    names = {t for team in sc.teams for m in team.members if roles is None or m.role in roles for t in m.timetables}
    return {b.activity for name in names for wd in WEEKDAYS for b in sc.timetables[name].day(wd)}


def _used_roles(sc: Scenario) -> set[str]:
    return {m.role for team in sc.teams for m in team.members}


def _structure(sc: Scenario) -> Iterator[NoEffect]:
    """Roles and timetables no team member uses; needs_cover of a role without instructional blocks."""
    used = _used_roles(sc)
    for name in sc.roles:
        if name not in used:
            yield NoEffect(f"roles.{name}", "no team has a member with this role")
    timetables = {t for team in sc.teams for m in team.members for t in m.timetables}
    for name in sc.timetables:
        if name not in timetables:
            yield NoEffect(f"timetables.{name}", "no team member follows this timetable")
    for name, role in sc.roles.items():
        if name in used and _set(role, "needs_cover") and not _activities(sc, {name}) & {
                "whole_class", "small_group", "online_lab"}:
            yield NoEffect(f"roles.{name}.needs_cover", "the role has no instructional blocks to cover")


def _policies(sc: Scenario) -> Iterator[NoEffect]:
    """Coverage, substitute and small-group policies the design never applies."""
    cov, subs, sg = sc.policies.coverage, sc.policies.substitutes, sc.policies.small_groups
    acts = _activities(sc)
    order = list(cov.order)
    if END_OF_OPTIONS in order and order.index(END_OF_OPTIONS) < len(order) - 1:
        late = ", ".join(order[order.index(END_OF_OPTIONS) + 1:])
        yield NoEffect("policies.coverage.order", f"{late} after combine_classes never runs (combining ends the list)")
        order = order[:order.index(END_OF_OPTIONS)]
    if _set(cov, "scope") and "colleague_planning" not in order:
        yield NoEffect("policies.coverage.scope", "only colleague_planning looks beyond the team, and it is not in "
                       "the coverage order")
    for f in ("protected", "protected_roles"):
        if getattr(cov, f) and "colleague_planning" not in order:
            yield NoEffect(f"policies.coverage.{f}", "only colleague_planning takes planning, and it is not in the "
                           "coverage order")
    if "cancel_small_group" in order and "small_group" not in acts:
        yield NoEffect("policies.coverage.order", "cancel_small_group: no timetable has a small group to cancel")
    if subs.pool_size == 0:
        yield NoEffect("policies.substitutes.fill_rate", "pool_size is 0: no substitute is ever called")
    if _set(subs, "priority") and subs.assignment != "priority":
        yield NoEffect("policies.substitutes.priority", "assignment is random; set assignment: priority to use it")
    if _set(subs, "run_small_groups") and "small_group" not in acts:
        yield NoEffect("policies.substitutes.run_small_groups", "no timetable has a small group")
    if "small_group" not in acts:
        for f in sorted(sg.model_fields_set):
            yield NoEffect(f"policies.small_groups.{f}", "no timetable has a small group")
    yield from _mentoring(sc)


def _mentoring(sc: Scenario) -> Iterator[NoEffect]:
    """Mentoring time that never moves: no team has the mentor role, or mentoring is not provided."""
    m = sc.policies.mentoring
    if m is None:
        return
    if m.provided and m.mentor_role not in _used_roles(sc):
        yield NoEffect("policies.mentoring.mentor_role", "no team has a member with this role: nobody mentors "
                       "(the mentees' hazard multiplier still applies)")
    if not m.provided:
        for f in ("mentor_role", "mentor_minutes_per_week", "release_minutes_per_week", "mentored_hazard_multiplier"):
            if _set(m, f):
                yield NoEffect(f"policies.mentoring.{f}", "mentoring is not provided (provided: false)")


def _behaviour(sc: Scenario) -> Iterator[NoEffect]:
    """Behaviour rates with nothing to act on."""
    b = sc.behaviour
    acts = _activities(sc)
    if b.interruptions.per_planning_hour == 0:
        yield NoEffect("behaviour.interruptions.mean_minutes", "per_planning_hour is 0: there are no interruptions")
    if _set(b.planning, "collaboration_multiplier") and "collaborative_planning" not in acts:
        yield NoEffect("behaviour.planning.collaboration_multiplier", "no timetable has collaborative planning")
    teaching = {r for r in _used_roles(sc) if CATEGORY_INFO[sc.roles[r].category].teaches}
    if _set(b.planning, "workload_hours_per_student") and "whole_class" not in _activities(sc, teaching):
        yield NoEffect("behaviour.planning.workload_hours_per_student", "no teaching role teaches a whole class")
    if _set(b.planning, "structured_multiplier") and "structured_planning" not in acts:
        yield NoEffect("behaviour.planning.structured_multiplier", "no timetable has structured planning")
    leaders = {r for r in _used_roles(sc) if CATEGORY_INFO[sc.roles[r].category].leads_team}
    if b.span_of_control.model_fields_set and not leaders:
        for f in sorted(b.span_of_control.model_fields_set):
            yield NoEffect(f"behaviour.span_of_control.{f}", "no team has a teacher-leader")


def _workforce(sc: Scenario) -> Iterator[NoEffect]:
    """Workforce parameters of mechanisms the design does not have."""
    w = sc.workforce
    cats = {sc.roles[r].category for r in _used_roles(sc)}
    if w.static:
        for section in ("absence", "resignation", "decision", "hiring", "retirement"):
            if _set(w, section):
                yield NoEffect(f"workforce.{section}", "workforce.static is true: exhaustion drives nothing and "
                               "nobody resigns, moves, leaves or retires")
    if "resident" not in cats and _set(w, "residents"):
        yield NoEffect("workforce.residents", "no team has a resident")
    for cat in w.decision.role_multiplier:
        if cat not in cats:
            yield NoEffect(f"workforce.decision.role_multiplier.{cat}", "no team has this role category")
        elif not CATEGORY_INFO[cat].decides_at_year_end:
            yield NoEffect(f"workforce.decision.role_multiplier.{cat}", "this category makes no year-end decision")
    h = w.hiring
    if h.long_term_sub_probability == 0:
        for f in ("long_term_sub_delay_days", "long_term_sub_effectiveness"):
            if _set(h, f):
                yield NoEffect(f"workforce.hiring.{f}", "long_term_sub_probability is 0: no long-term substitutes")
    e = w.exhaustion
    if _set(e, "coaching_weight") and "coaching_received" not in _activities(sc):
        yield NoEffect("workforce.exhaustion.coaching_weight", "no timetable has coaching received")
    if _set(e, "team_support_weight") and all(sum(m.count for m in t.members) < 2 for t in sc.teams):
        yield NoEffect("workforce.exhaustion.team_support_weight", "every team has one member: nobody has teammates")


def _costs(sc: Scenario) -> Iterator[NoEffect]:
    c = sc.costs
    if _set(c, "district_size") and c.cost_per_leaver is not None:
        yield NoEffect("costs.district_size", "cost_per_leaver is given, so the district size does not pick it")
    cats = {sc.roles[r].category for r in _used_roles(sc)}
    for cat in c.turnover_cost_share_of_pay:
        if _set(c, "turnover_cost_share_of_pay") and cat not in cats:
            yield NoEffect(f"costs.turnover_cost_share_of_pay.{cat}", "no team has this role category")


def no_effect(scenario: Scenario) -> list[NoEffect]:
    """The fields `scenario` states that have no effect in its design, in file order of sections."""
    out: list[NoEffect] = []
    for check in (_structure, _policies, _behaviour, _workforce, _costs):
        out.extend(check(scenario))
    return out
