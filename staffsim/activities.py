"""The activities a staff member's contract minutes can be spent on.

Every minute of a staff member's contract day falls in exactly one ledger
column below; overtime is kept apart because it lies outside the contract day.
Timetables may only schedule the *planned* activities; the others arise when
reality departs from the plan (coverage, interruptions, absence, vacancy).
"""

from __future__ import annotations

from enum import IntEnum


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
    "coaching_given": Activity.COACHING_GIVEN,
    "coaching_received": Activity.COACHING_RECEIVED,
    "duties": Activity.DUTIES,
    "other": Activity.OTHER,
}

#: Blocks that put an adult in front of students, so an absence must be covered.
INSTRUCTIONAL = (Activity.WHOLE_CLASS, Activity.SMALL_GROUP, Activity.ONLINE_LAB)
PLANNING = (Activity.PLANNING_INDIVIDUAL, Activity.PLANNING_COLLABORATIVE)
TEACHING = (Activity.WHOLE_CLASS, Activity.SMALL_GROUP)

LABELS = [a.label for a in Activity]
