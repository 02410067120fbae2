"""Policies (substitutes, coverage, small groups) and behaviour rates (absence, interruptions, needs)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from staffsim.scenario.frozen import Frozen
from staffsim.scenario.leadership import SpanOfControl
from staffsim.scenario.mentoring import Mentoring


class Substitutes(Frozen):
    pool_size: int = Field(ge=0, description="day-to-day substitutes the school can call on per day")
    fill_rate: float = Field(
        ge=0, le=1, description="probability a request is filled while a substitute is free"
    )
    run_small_groups: bool = Field(False, description="whether a substitute runs the absent adult's small groups")
    assignment: Literal["random", "priority"] = Field(
        "random", description="who gets the day's substitutes when there are fewer than absentees: random (a "
        "fresh random order each day, from the named stream `substitute_order`, so no position is favoured by "
        "its place in the file) or priority (the roles listed in `priority` first, in that order; random within "
        "a role and among the roles not listed)",
    )
    priority: tuple[str, ...] = Field(
        (), description="role names in the order their absentees get substitutes (assignment: priority)",
    )

    @model_validator(mode="after")
    def _priority(self) -> "Substitutes":
        if self.assignment == "priority" and not self.priority:
            raise ValueError("assignment is priority but no roles are listed in priority")
        if len(set(self.priority)) != len(self.priority):
            raise ValueError("priority lists a role more than once")
        return self


CoverageStep = Literal["colleague_planning", "cancel_small_group", "combine_classes"]
PlanningActivity = Literal["planning", "collaborative_planning", "structured_planning"]


class Coverage(Frozen):
    """Who covers an absence a substitute does not: tried in `order`, block by block."""

    order: tuple[CoverageStep, ...] = ("colleague_planning", "combine_classes")
    scope: Literal["team", "school"] = Field(
        "school", description="look for colleagues in the team only, or the team first then the school"
    )
    protected: tuple[PlanningActivity, ...] = Field(
        (), description="planning activities coverage never takes: every block of these activities stays the "
        "planner's (e.g. [collaborative_planning] for protected team collaboration, as in the source schools' "
        "protected collaboration time). The cover goes to the next option, or the classes are combined. "
        "Assumption: protection is absolute (a policy choice, not a rate); default none (docs/model.md §2.4.1)",
    )
    protected_roles: tuple[str, ...] = Field(
        (), description="role names whose planning coverage never takes (e.g. a teacher-leader's planning). "
        "Default none (docs/model.md §2.4.1)",
    )

    @field_validator("order")
    @classmethod
    def _nonempty(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("expected at least one coverage step")
        if len(set(v)) != len(v):
            raise ValueError("coverage steps are listed more than once")
        return v

    @field_validator("protected", "protected_roles")
    @classmethod
    def _once(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError("an entry is listed more than once")
        return v


class SmallGroups(Frozen):
    """How flagged student needs become small-group instruction."""

    max_size: int = Field(4, ge=1, le=30, description="students per small group (tutoring effect needs <= 4)")
    fill: Literal["needs_only", "rotation"] = Field(
        "needs_only",
        description="needs_only: a group meets only for flagged needs; rotation: free seats "
        "are filled by students rotating through (station rotation)",
    )
    detection_delay_days: int = Field(
        5, ge=0, le=60, description="school days from a need arising to it being noticed"
    )
    regroup_every_days: int = Field(
        5, ge=1, le=60, description="students are regrouped every this many school days; "
        "a noticed need joins a group at the next regrouping"
    )
    service_window_days: int = Field(
        10, ge=1, le=90, description="a need served within this many school days of arising counts as served"
    )


class Policies(Frozen):
    substitutes: Substitutes
    coverage: Coverage = Coverage()
    small_groups: SmallGroups = SmallGroups()
    mentoring: Mentoring | None = Field(
        None, description="mentoring and induction of novice teachers (docs/model.md §2.4.12). Default none: "
        "novices are the national mix the published exit rates describe",
    )


class Absence(Frozen):
    days_per_year: float = Field(ge=0, le=100, description="mean absence days per staff member per 180-day year")
    mean_spell_days: float = Field(1.5, ge=1, le=20, description="mean length of one absence, school days")


class Interruptions(Frozen):
    per_planning_hour: float = Field(ge=0, le=20, description="Poisson rate of interruptions per hour of planning")
    mean_minutes: float = Field(ge=0, le=120, description="mean planning minutes one interruption eats (exponential)")


class Needs(Frozen):
    per_student_per_week: float = Field(
        ge=0, le=10, description="rate at which a student develops a need for small-group help"
    )


class Planning(Frozen):
    collaboration_multiplier: float = Field(
        1.0, ge=0, le=3, description="workload hours one hour of collaborative planning absorbs"
    )
    workload_hours_per_student: float = Field(
        0.035, gt=0, le=0.5, description="hours of planning, preparation and grading per week per student taught, "
        "added to a teaching role's base workload (roles.*.planning_workload_hours_per_week). Students taught = "
        "school.class_size x the position's classes a day (whole-class blocks per week / 5). Assumption: ~2 "
        "minutes per student a week, 5 h/week for six classes of 24, the order of the few hours a week teachers "
        "report for marking (OECD TALIS 2018); plausible range 0.02-0.06",
    )
    structured_multiplier: float = Field(
        1.25, ge=0, le=3, description="how much a minute of structured planning (timetable activity "
        "structured_planning: deliverables, intellectual prep, student-work analysis) counts against a minute of "
        "individual planning, both in the workload it absorbs and in the resource side of exhaustion. "
        "Assumption: 1.25, after the Alliance pilots' lesson that extra planning time works when it is "
        "structured (no study measures it per minute); plausible range 1.0-1.5",
    )


class Behaviour(Frozen):
    absence: Absence
    interruptions: Interruptions
    needs: Needs
    planning: Planning = Planning()
    span_of_control: SpanOfControl = SpanOfControl()
