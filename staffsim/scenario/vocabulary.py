"""The one vocabulary of the model: role categories and the activities minutes are spent on.

Role categories: every fact about a category (its code in the ledger, its words,
whether it counts as a teacher, leads a team, needs cover, decides at year end)
is written once in `ROLE_CATEGORIES`; adding a category is one row here plus the
behaviour it needs (docs/architecture.md).

Activities:
Every minute of a staff member's contract day falls in exactly one ledger
column below; overtime is kept apart because it lies outside the contract day.
Timetables may only schedule the *planned* activities; the others arise when
reality departs from the plan (coverage, interruptions, absence, vacancy), or
from a position's days on site (`off_site`: engine/part_time.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal


@dataclass(frozen=True)
class RoleCategoryInfo:
    """What the model and the reports know about one role category."""

    name: str  # YAML spelling
    label: str  # one person, in words
    plural: str  # several people, in words
    teaches: bool  # counts as a teacher: per-teacher metrics, NCES turnover and burnout rates
    leads_team: bool  # a team with one in post is "led": coaching is given, reach counts it
    needs_cover: bool  # default for Role.needs_cover: an absence leaves students without an adult
    decides_at_year_end: bool  # makes the NCES stay/move/leave decision (residents' year simply ends)
    display_order: int  # order in role-by-role figures
    coaches_on_schedule: bool = False  # teaches no class; coaches whoever's coaching_received its coaching_given
    # blocks overlap, across teams (engine/coaching.py); when it is out, that coaching becomes their planning


#: The role categories, in ledger-code order (code = position; never reorder, append only).
ROLE_CATEGORIES: tuple[RoleCategoryInfo, ...] = (
    RoleCategoryInfo("teacher_leader", "teacher-leader", "teacher-leaders", True, True, True, True, 0),
    RoleCategoryInfo("teacher", "teacher", "teachers", True, False, True, True, 1),
    RoleCategoryInfo("support", "support", "support staff", False, False, True, True, 3),
    RoleCategoryInfo("resident", "resident", "residents", False, False, False, False, 2),
    # A school-based coach without a class (the Alabama Instructional Partners): coaches across teams
    RoleCategoryInfo("instructional_partner", "instructional partner", "instructional partners", False, False, False,
                     True, 4, coaches_on_schedule=True),
)
CATEGORY_NAMES: tuple[str, ...] = tuple(c.name for c in ROLE_CATEGORIES)
CATEGORY_CODES: dict[str, int] = {c.name: i for i, c in enumerate(ROLE_CATEGORIES)}
CATEGORY_INFO: dict[str, RoleCategoryInfo] = {c.name: c for c in ROLE_CATEGORIES}
#: Role categories whose members count as "teachers" in per-teacher metrics.
TEACHER_CATEGORIES: tuple[str, ...] = tuple(c.name for c in ROLE_CATEGORIES if c.teaches)
RoleCategory = Literal[CATEGORY_NAMES]  # type: ignore[valid-type]  (the schema's allowed values)


class Activity(IntEnum):
    """Ledger columns, in minutes per staff member per day."""

    WHOLE_CLASS = 0
    SMALL_GROUP = 1
    ONLINE_LAB = 2
    PLANNING_INDIVIDUAL = 3
    PLANNING_COLLABORATIVE = 4
    COACHING_GIVEN = 5
    COACHING_RECEIVED = 6
    DUTIES = 7
    OTHER = 8  # unscheduled contract time: lunch, passing periods, arrival
    COVERAGE = 9  # covering an absent colleague's class during own planning
    INTERRUPTION = 10  # planning time eaten by an interruption
    ABSENT = 11  # the staff member was absent (or the position stood vacant)
    OVERTIME = 12  # work beyond the contract day; NOT part of the contract minutes
    # individual planning with deliverables (intellectual prep, student-work analysis): weighs
    # behaviour.planning.structured_multiplier times individual planning (docs/model.md §2.4.1, step 6); a
    # contract column, appended after overtime so that the older columns keep their codes
    PLANNING_STRUCTURED = 13
    OFF_SITE = 14  # a part-time or external position's contract time on days (half days) it is not on site:
    # neither work nor rest (docs/model.md §2.4.10); appended last so no other column's code moves

    @property
    def label(self) -> str:
        return self.name.lower()


N_ACTIVITIES = len(Activity)
CONTRACT_COLUMNS = [a for a in Activity if a is not Activity.OVERTIME]

#: Activities a timetable block may name (YAML spelling).
PLANNED = {
    "whole_class": Activity.WHOLE_CLASS,
    "small_group": Activity.SMALL_GROUP,
    "online_lab": Activity.ONLINE_LAB,
    "planning": Activity.PLANNING_INDIVIDUAL,
    "collaborative_planning": Activity.PLANNING_COLLABORATIVE,
    "structured_planning": Activity.PLANNING_STRUCTURED,
    "coaching_given": Activity.COACHING_GIVEN,
    "coaching_received": Activity.COACHING_RECEIVED,
    "duties": Activity.DUTIES,
    "other": Activity.OTHER,
}

#: Blocks that put an adult in front of students, so an absence must be covered.
INSTRUCTIONAL = (Activity.WHOLE_CLASS, Activity.SMALL_GROUP, Activity.ONLINE_LAB)
PLANNING = (Activity.PLANNING_INDIVIDUAL, Activity.PLANNING_COLLABORATIVE, Activity.PLANNING_STRUCTURED)
TEACHING = (Activity.WHOLE_CLASS, Activity.SMALL_GROUP)

LABELS = [a.label for a in Activity]
