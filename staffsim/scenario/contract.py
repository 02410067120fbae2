"""Contract rules: what the school's contract lets a design ask of its staff.

A scenario's `contract:` section states rules (all optional): the longest paid
day, the planning every working day must hold, caps on teaching minutes a day
and a week, a duty-free lunch, the largest class. `check_contract` finds every
breach, naming the timetable and day (the line of the file), who follows that
timetable, and the rule. A breach stops validation (exit 2) unless the rule is
listed in `warn_only`, in which case it is reported as a warning.

The rules read only the timetable (planned minutes), never the simulation:
planning counts `planning` and `collaborative_planning` blocks, teaching
counts `whole_class` and `small_group` (vocabulary.PLANNING, TEACHING), and a
lunch is a stretch between two blocks with nothing scheduled but `other`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from staffsim.scenario.frozen import Frozen
from staffsim.scenario.problems import Problem, Problems, did_you_mean, one_of
from staffsim.scenario.timetable import MINUTES_PER_DAY, WEEKDAYS, Block, Timetable, format_clock
from staffsim.scenario.vocabulary import CATEGORY_INFO, PLANNED, PLANNING, TEACHING

if TYPE_CHECKING:
    from staffsim.scenario.schema import Scenario

Rule = Literal["max_day_minutes", "min_daily_planning_minutes", "max_teaching_minutes_per_day",
               "max_teaching_minutes_per_week", "duty_free_lunch_minutes", "max_class_size"]


class Contract(Frozen):
    """Rules a design must meet (each optional); `warn_only` lists rules whose breach is only a warning."""

    applies_to: tuple[str, ...] | None = Field(
        None, min_length=1, description="roles the per-person rules (planning, teaching, lunch) apply to; "
        "default: every role whose category teaches",
    )
    max_day_minutes: int | None = Field(
        None, ge=1, le=MINUTES_PER_DAY, description="the longest paid day the contract allows, minutes: "
        "contract_day may not last longer",
    )
    min_daily_planning_minutes: int | None = Field(
        None, ge=0, le=MINUTES_PER_DAY, description="planning minutes (individual or collaborative) every "
        "working day must hold",
    )
    max_teaching_minutes_per_day: int | None = Field(
        None, ge=0, le=MINUTES_PER_DAY, description="most whole-class and small-group minutes in one day",
    )
    max_teaching_minutes_per_week: int | None = Field(
        None, ge=0, le=5 * MINUTES_PER_DAY, description="most whole-class and small-group minutes in a week",
    )
    duty_free_lunch_minutes: int | None = Field(
        None, ge=1, le=MINUTES_PER_DAY, description="a break of at least this many minutes between two blocks "
        "every day, with nothing scheduled but `other`",
    )
    max_class_size: float | None = Field(None, gt=0, le=200, description="the largest school.class_size allowed")
    warn_only: tuple[Rule, ...] = Field((), description="rules whose breach is reported as a warning, not an error")

    @model_validator(mode="after")
    def _warned_rules_are_set(self) -> "Contract":
        unset = [(i, r) for i, r in enumerate(self.warn_only) if getattr(self, r) is None]
        if unset:
            raise Problems(Problem(("warn_only", i), f"{r} is listed but the contract does not set it",
                                   "list only rules this section gives a value") for i, r in unset)
        return self

    def severity_of(self, rule: str) -> bool:
        """True when a breach of `rule` is only a warning."""
        return rule in self.warn_only


def check_contract(sc: "Scenario") -> list[Problem]:
    """Every breach of the scenario's contract rules (warnings marked), with its location."""
    c = sc.contract
    problems: list[Problem] = []
    if c.applies_to is not None:
        problems += [Problem(("contract", "applies_to", i), f"unknown role {r!r}{did_you_mean(r, sc.roles)}",
                             f"defined roles: {one_of(sc.roles)}") for i, r in enumerate(c.applies_to)
                     if r not in sc.roles]
    if c.max_day_minutes is not None and sc.contract_day.minutes > c.max_day_minutes:
        d = sc.contract_day
        problems.append(_breach(c, "max_day_minutes", ("contract_day",),
                                f"the contract day {format_clock(d.start)}-{format_clock(d.end)} lasts {d.minutes} min; "
                                f"the contract allows at most {c.max_day_minutes}",
                                "shorten contract_day or change contract.max_day_minutes"))
    if c.max_class_size is not None and sc.school.class_size > c.max_class_size:
        problems.append(_breach(c, "max_class_size", ("school", "class_size"),
                                f"class size {sc.school.class_size:g} is above the contract's maximum "
                                f"{c.max_class_size:g}", "lower school.class_size or change contract.max_class_size"))
    return problems + _timetable_breaches(c, sc)


def _breach(c: Contract, rule: str, loc: tuple, message: str, hint: str) -> Problem:
    return Problem(loc, f"{message} (contract.{rule})", hint, warning=c.severity_of(rule))


def _followers(sc: "Scenario") -> dict[str, list[str]]:
    """Timetables the per-person rules apply to -> who follows each ('teacher in team class-p2', ...)."""
    roles = set(sc.contract.applies_to) if sc.contract.applies_to is not None else \
        {r for r, role in sc.roles.items() if CATEGORY_INFO[role.category].teaches}
    users: dict[str, list[str]] = {}
    for team in sc.teams:
        for m in team.members:
            if m.role in roles:
                for name in m.timetables:
                    if name in sc.timetables and f"{m.role} in team {team.name}" not in users.get(name, []):
                        users.setdefault(name, []).append(f"{m.role} in team {team.name}")
    return users


def _day_sources(tt: Timetable) -> list[tuple[str, tuple[str, ...]]]:
    """(key of the file that gives the blocks, the weekdays it gives them for): every_day or a weekday."""
    out = []
    inherited = tuple(wd for wd in WEEKDAYS if getattr(tt, wd) is None)
    if inherited:
        out.append(("every_day", inherited))
    out += [(wd, (wd,)) for wd in WEEKDAYS if getattr(tt, wd) is not None]
    return out


def _timetable_breaches(c: Contract, sc: "Scenario") -> list[Problem]:
    """Per-person rules, per timetable and day; one problem for the same blocks breaking the same rule
    wherever they are used (a day list shared through a YAML anchor), naming every timetable and day."""
    found: dict[tuple, list[tuple[str, str, tuple[str, ...], list[str]]]] = {}
    for name, who in _followers(sc).items():
        tt = sc.timetables[name]
        week = 0
        for key, days in _day_sources(tt):
            blocks = tt.day(days[0])
            week += _minutes(blocks, TEACHING) * len(days)
            for rule, detail in _day_breaches(c, blocks):
                found.setdefault((rule, blocks, detail), []).append((name, key, days, who))
        if c.max_teaching_minutes_per_week is not None and week > c.max_teaching_minutes_per_week:
            found.setdefault(("max_teaching_minutes_per_week", name, f"teaches {week} min a week; the contract "
                              f"allows at most {c.max_teaching_minutes_per_week}"), []).append((name, "", (), who))
    out = []
    for (rule, _, detail), uses in found.items():
        name, key, days, who = uses[0]
        people = list(dict.fromkeys(w for u in uses for w in u[3]))
        person = people[0] + (f" and {len(people) - 1} more" if len(people) > 1 else "")
        where = "" if len(uses) == 1 else " (" + "; ".join(f"timetable {u[0]} {_when(u[2])}" for u in uses) + ")"
        when = "" if not days else " " + _when(days) if len(uses) == 1 else ""
        loc = ("timetables", name, key) if key else ("timetables", name)
        out.append(_breach(c, rule, loc, f"{person}{where} {detail.replace(' @WHEN', when)}", _HINTS[rule]))
    return out


def _when(days: tuple[str, ...]) -> str:
    return "every day" if len(days) == 5 else "on " + ", ".join(days)


_HINTS = {
    "min_daily_planning_minutes": "planning counts planning and collaborative_planning blocks",
    "max_teaching_minutes_per_day": "teaching counts whole_class and small_group blocks",
    "max_teaching_minutes_per_week": "teaching counts whole_class and small_group blocks",
    "duty_free_lunch_minutes": "leave a gap (or an `other` block) of that length between two blocks",
}


def _day_breaches(c: Contract, blocks: tuple[Block, ...]) -> list[tuple[str, str]]:
    """(rule, what is wrong) for one day's blocks; ' @WHEN' marks where the day goes in the message."""
    out = []
    planning, teaching = _minutes(blocks, PLANNING), _minutes(blocks, TEACHING)
    if c.min_daily_planning_minutes is not None and planning < c.min_daily_planning_minutes:
        out.append(("min_daily_planning_minutes", f"has {planning} min of planning @WHEN; the contract requires at "
                                                  f"least {c.min_daily_planning_minutes} a day"))
    if c.max_teaching_minutes_per_day is not None and teaching > c.max_teaching_minutes_per_day:
        out.append(("max_teaching_minutes_per_day", f"teaches {teaching} min @WHEN; the contract allows at most "
                                                    f"{c.max_teaching_minutes_per_day} a day"))
    if c.duty_free_lunch_minutes is not None:
        gap, start = _longest_break(blocks)
        if gap < c.duty_free_lunch_minutes:
            at = f" ({format_clock(start)}-{format_clock(start + gap)})" if gap else ""
            out.append(("duty_free_lunch_minutes", f"has no duty-free lunch @WHEN: the longest break between blocks "
                                                   f"is {gap} min{at}; the contract requires "
                                                   f"{c.duty_free_lunch_minutes}"))
    return out


def _minutes(blocks: tuple[Block, ...], activities: tuple) -> int:
    return sum(b.minutes for b in blocks if PLANNED[b.activity] in activities)


def _longest_break(blocks: tuple[Block, ...]) -> tuple[int, int]:
    """(minutes, start) of the longest stretch between two working blocks (anything but `other`)."""
    work = [b for b in blocks if b.activity != "other"]
    best, at = 0, 0
    for a, b in zip(work, work[1:]):
        if b.start - a.end > best:
            best, at = b.start - a.end, a.end
    return best, at
