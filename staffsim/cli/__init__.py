"""The `staffsim` command line. Each command lives in its own module of this package.

Commands only parse options, call the library and print; no model logic here.
To add a command: write `staffsim/cli/<name>.py` defining a click command and
add its module name to `COMMAND_MODULES` below.
"""

from __future__ import annotations

import importlib

import click

from staffsim import __version__

COMMAND_MODULES = ("run", "compare", "sweep", "validate", "schema", "budget", "plot", "report", "calibrate",
                   "metrics", "designs", "new", "expand", "timetable")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="staffsim")
def main() -> None:
    """Simulate how a school's staffing design plays out over a school year.

    Typical use: `staffsim designs` lists the shipped designs and
    `staffsim compare traditional team-based` compares two of them (a name or a
    file, wherever a design is asked for); `staffsim new my-school.yaml --from
    team-based` starts your own, `staffsim validate FILE` checks it.
    """


for _name in COMMAND_MODULES:
    _mod = importlib.import_module(f"{__name__}.{_name}")
    main.add_command(_mod.command)
