"""Located problems: what a validator raises so that every message can point at its line.

A validator that finds something wrong with a value raises `Problems`, a
`ValueError` carrying one `Problem` per mistake. Each problem has a `loc`
*relative to where the validator runs* (pydantic adds the outer path), a
message without the path, and a hint saying how to fix it. The loader turns
the full path into a line of the file (scenario/explain.py).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One mistake: where (a path of keys and list indices), what, and how to fix it.

    `item` is a value the validator knows but whose list index it does not (a
    timetable block it sorted): the loader finds the list entry equal to it.
    `warning` marks a problem that is reported but does not stop a run.
    """

    loc: tuple[str | int, ...]
    message: str
    hint: str = ""
    item: object = None
    warning: bool = False

    def under(self, *prefix: str | int) -> "Problem":
        """The same problem with `prefix` in front of its location."""
        return Problem(tuple(prefix) + self.loc, self.message, self.hint, self.item, self.warning)


class Problems(ValueError):
    """Raised by validators: several located problems at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """" did you mean 'salary'?" for the closest choice, or ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def one_of(choices: Iterable[str], limit: int = 12) -> str:
    """'a, b or c' (at most `limit` names, then '...')."""
    names = list(choices)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f", ... ({len(names)} in all)"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
