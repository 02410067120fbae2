"""User-facing errors: a bad input file or option, reported without a traceback."""

from __future__ import annotations


class InputError(Exception):
    """A problem with something the user gave us (a file, a field, an option).

    `problems` holds one line per problem, each naming the field path, what was
    expected and what was found. The CLI prints them and exits with code 2.
    """

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.source}: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])
