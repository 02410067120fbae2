"""User-facing errors: a bad input file or option, reported without a traceback."""

from __future__ import annotations


class Message(str):
    """One problem's line of text, with where it is and how to fix it.

    A `str` (so it compares, prints and serialises as its text) that also
    carries the YAML `line` (or None), the `field` path and a `hint`: valid
    values, the unit and range, a "did you mean". `InputError.render` prints
    the hint under the problem.
    """

    line: int | None
    field: str
    hint: str

    def __new__(cls, text: str, line: int | None = None, field: str = "", hint: str = "") -> "Message":
        self = super().__new__(cls, text)
        self.line, self.field, self.hint = line, field, hint
        return self


def prefixed(prefix: str, problem: str) -> str:
    """'prefix: problem', keeping a `Message`'s line, field and hint (for problems gathered from several files)."""
    return Message(f"{prefix}: {problem}", getattr(problem, "line", None), getattr(problem, "field", ""),
                   getattr(problem, "hint", ""))


def pick_named(known: dict, names, option: str, what: str) -> tuple:
    """The items of `known` (name -> item) for `names`, in their order, each once; an unknown name is an
    `InputError` for `option` that lists the names there are (e.g. --channel, --target)."""
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(option, [f"no {what} {n!r}; {what}s: {', '.join(known)}" for n in unknown])
    return tuple(known[n] for n in dict.fromkeys(names))


class InputError(Exception):
    """A problem with something the user gave us (a file, a field, an option).

    `problems` holds one line per problem, each naming the field path, what was
    expected and what was found (a `Message` may add a hint). The CLI prints
    them and exits with code 2.
    """

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.source}: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        lines = [head]
        for p in self.problems:
            lines.append(f"  - {p}")
            hint = getattr(p, "hint", "")
            if hint:
                lines.extend(f"      {h}" for h in hint.splitlines())
        return "\n".join(lines)
