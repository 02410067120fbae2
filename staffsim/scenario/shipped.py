"""The shipped designs: YAML files installed with the package (staffsim/designs/), found by name.

Any command that reads a design accepts a shipped design's name (``team-based``)
as well as a path; an existing file always wins over a name. Like
`scenario.loading`, this module sits at the model's edge: it only finds files,
`loading` reads them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from staffsim.errors import InputError
from staffsim.scenario.compact.problems import did_you_mean

#: The order designs are listed in (the baseline first); any other file in the folder follows, sorted.
ORDER = ("traditional", "blended", "team-based", "pilot-4plus1", "pilot-two-periods", "instructional-partners")


def designs_dir() -> Path:
    """The folder holding the shipped design files."""
    return Path(str(resources.files("staffsim") / "designs"))


def shipped_designs() -> dict[str, Path]:
    """{name: path} of every shipped design, baseline first."""
    found = {p.stem: p for p in designs_dir().glob("*.yaml")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    return {n: found[n] for n in names}


def resolve_design(ref: str | Path, base: Path | None = None) -> Path:
    """The file a design reference names: an existing path (relative to `base` if given), else a shipped design.

    A bare name that is neither a file nor a shipped design is an `InputError`
    listing the shipped designs; any other missing path is returned as it is,
    for the reader to report.
    """
    path = Path(ref)
    if base is not None and not path.is_absolute():
        path = base / path
    if path.exists():
        return path
    text = str(ref)
    name = text.removesuffix(".yaml")
    designs = shipped_designs()
    if name in designs and "/" not in text and "\\" not in text:
        return designs[name]
    if "/" not in text and "\\" not in text and "." not in text:
        hint = did_you_mean(text, designs)
        raise InputError(text, [f"no such file, and no shipped design named {text!r}{hint} (`staffsim designs` lists them)"])
    return path
