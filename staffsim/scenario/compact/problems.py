"""Problems found while expanding a compact design, each at a location in the file's own structure.

A location is the path of keys and list indices from the top of the design file
to the offending value, e.g. ``("role_templates", "teacher", "every_day", 1,
"$common")``: the same path the YAML nodes have, so a caller that holds the
file's text can turn it into a line number (see `located`).
"""

from __future__ import annotations

import difflib
from typing import Iterable, Mapping

Loc = tuple[str | int, ...]


class CompactError(Exception):
    """The compact form could not be expanded; `problems` lists (location, message) pairs."""

    def __init__(self, problems: list[tuple[Loc, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{dotted(loc)}: {msg}" for loc, msg in problems))


class Problems:
    """Collects problems once each (a shared day used by four teams is reported once)."""

    def __init__(self) -> None:
        self.items: list[tuple[Loc, str]] = []

    def add(self, loc: Loc, message: str) -> None:
        if (loc, message) not in self.items:
            self.items.append((loc, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise CompactError(list(self.items))


def dotted(loc: Iterable[str | int]) -> str:
    """('teams', 0, 'common') -> 'teams[0].common'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


def located(problems: list[tuple[Loc, str]], lines: Mapping[tuple, int] | None) -> list[str]:
    """One message per problem: 'line N: path: message', the line of the deepest known part of the path."""
    out = []
    for loc, msg in problems:
        line = None
        for cut in range(len(loc), 0, -1):
            if lines and tuple(loc[:cut]) in lines:
                line = lines[tuple(loc[:cut])]
                break
        out.append((f"line {line}: " if line else "") + f"{dotted(loc)}: {msg}")
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else the valid choices."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; expected one of: {', '.join(choices)}" if choices else ""
