"""The week as a grid: one panel per timetable, weekdays across, the contract day downwards.

Drawn from a scenario (not a run folder), so a facilitator can show a design
before anything runs (`staffsim timetable FILE`), and the report shows each
design's week. Colours are the time-use figure's (`plots.timeuse.GROUPS`);
coaching received is a tint of coaching's, free contract time (lunch, passing) stays white.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import Patch, Rectangle

from staffsim.present.plots.base import Drawn, legend_in, new_figure, set_titles
from staffsim.present.plots.palette import ACTIVITY_COLORS, FONT, figure_style
from staffsim.present.plots.timeuse import GROUPS
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timetable import WEEKDAYS
from staffsim.scenario.vocabulary import PLANNED

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")  # narrow panels show two letters
#: Short words written inside a block when it is large enough (YAML activity -> label).
SHORT = {"whole_class": "class", "small_group": "group", "online_lab": "lab", "planning": "plan",
         "collaborative_planning": "team plan", "coaching_given": "coach", "coaching_received": "coached",
         "duties": "duty", "other": ""}
PANELS_PER_FIGURE = 8
#: Coaching received: the coaching colour, half mixed with white (a tint, not a hatch: no SVG patterns).
RECEIVED = to_hex(tuple(0.5 + 0.5 * c for c in to_rgb(ACTIVITY_COLORS["Coaching"])))


@dataclass(frozen=True)
class Panel:
    """One timetable to draw, with the words above it."""

    title: str
    timetable: str


def _group(activity: str) -> str:
    column = PLANNED[activity].label
    return next(g for g, cols in GROUPS.items() if column in cols)


def role_panels(scenario: Scenario) -> list[Panel]:
    """One panel per role, in team order: the role's first timetable, and how many people and weeks it has."""
    first: dict[str, str] = {}
    people: dict[str, int] = {}
    weeks: dict[str, set[str]] = {}
    for team in scenario.teams:
        for m in team.members:
            first.setdefault(m.role, m.timetables[0])
            people[m.role] = people.get(m.role, 0) + team.count * m.count
            weeks.setdefault(m.role, set()).update(m.timetables)
    out = []
    for role, name in first.items():
        others = len(weeks[role]) - 1
        more = f" (+{others} like it)" if others else ""
        n = people[role]
        out.append(Panel(f"{role.replace('_', ' ')} · {n} {'people' if n != 1 else 'person'}\n{name}{more}", name))
    return out


def timetable_panels(scenario: Scenario, role: str) -> list[Panel]:
    """Every timetable of one role, in team order."""
    names: list[str] = []
    for team in scenario.teams:
        for m in team.members:
            if m.role == role:
                names += [n for n in m.timetables if n not in names]
    return [Panel(n, n) for n in names]


def week_figures(scenario: Scenario, panels: list[Panel] | None = None, name: str = "timetable") -> list[Drawn]:
    """The grid figures (several when there are more panels than fit on one slide)."""
    panels = panels if panels is not None else role_panels(scenario)
    chunks = [panels[i:i + PANELS_PER_FIGURE] for i in range(0, len(panels), PANELS_PER_FIGURE)]
    out = []
    with figure_style():
        for k, chunk in enumerate(chunks):
            suffix = f"-{k + 1}" if len(chunks) > 1 else ""
            out.append(_figure(scenario, chunk, f"{name}{suffix}"))
    return out


def _figure(scenario: Scenario, panels: list[Panel], name: str) -> Drawn:
    ncol = min(len(panels), 4)
    nrow = -(-len(panels) // ncol)
    fig = new_figure(13.0, 4.2 * nrow + 2.2)
    grid = fig.add_gridspec(nrow + 1, ncol, height_ratios=[1.0] * nrow + [0.16])
    c = scenario.contract_day
    seen: dict[str, bool] = {}
    for i, panel in enumerate(panels):
        ax = fig.add_subplot(grid[i // ncol, i % ncol])
        tt = scenario.timetables[panel.timetable]
        for d, wd in enumerate(WEEKDAYS):
            for b in tt.day(wd):
                group = _group(b.activity)
                received = b.activity == "coaching_received"
                seen[group] = seen.get(group, False) or received
                colour = RECEIVED if received else ACTIVITY_COLORS[group]
                ax.add_patch(Rectangle((d + 0.04, b.start), 0.92, b.minutes, facecolor=colour,
                                       edgecolor="white", linewidth=1.0))
                if b.minutes >= 35 and ncol <= 2:
                    ax.text(d + 0.5, b.start + b.minutes / 2, SHORT[b.activity], ha="center", va="center",
                            fontsize=FONT["annotation"] - 2, color="white" if group in _DARK else "#222222")
        ax.set_xlim(0, 5)
        ax.set_ylim(c.end, c.start)
        ax.set_xticks([d + 0.5 for d in range(5)], DAYS if ncol <= 2 else [d[:2] for d in DAYS])
        hours = range(-(-c.start // 60) * 60, c.end + 1, 60 if ncol <= 2 or nrow == 1 else 120)
        ax.set_yticks(list(hours), [f"{h // 60:02d}:00" for h in hours])
        ax.tick_params(axis="both", labelsize=FONT["tick"] - (3 if ncol > 2 else 0), length=0)
        ax.grid(False)
        ax.set_title(panel.title, fontsize=FONT["legend"] - (3 if ncol > 2 else 0), loc="left", linespacing=1.3)
    handles = [Patch(facecolor=ACTIVITY_COLORS[g], label=g) for g in GROUPS if g in seen]
    if any(seen.values()):
        handles.append(Patch(facecolor=RECEIVED, label="Coaching received"))
    legend_in(fig.add_subplot(grid[nrow, :]), handles, ncol=min(len(handles), 5))
    start, end = f"{c.start // 60:02d}:{c.start % 60:02d}", f"{c.end // 60:02d}:{c.end % 60:02d}"
    set_titles(fig, f"{scenario.name}: the week, {start}-{end}",
               "White: contract time the timetable leaves free (lunch, passing). Each panel is one timetable; "
               "`staffsim timetable FILE --role ROLE` draws every timetable of a role.")
    return Drawn(name, f"{scenario.name}: the week", "Each column is a weekday and each coloured block a timetable "
                 "block, from the start of the contract day at the top to its end at the bottom.", fig,
                 heading=f"{scenario.name}: the week by role")


_DARK = {"Whole class", "Planning alone", "Coaching", "Online lab", "Overtime"}


def save(drawn: Drawn, folder: Path, formats: tuple[str, ...] = ("png", "svg"), dpi: int = 150) -> list[Path]:
    """Write one figure as PNG/SVG into `folder` (fixed metadata: the same design gives the same bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = folder / f"{drawn.name}.{fmt}"
        meta = {"Software": "staffsim"} if fmt == "png" else {"Date": None, "Creator": "staffsim"}
        drawn.figure.savefig(target, format=fmt, dpi=dpi, metadata=meta, bbox_inches="tight", pad_inches=0.2)
        written.append(target)
    drawn.files = written
    return written
