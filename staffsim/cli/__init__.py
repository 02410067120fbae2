"""The `staffsim` command line. Each command lives in its own module of this package.

Commands only parse options, call the library and print; no model logic here.
To add a command: write `staffsim/cli/<name>.py` defining a click command and
add its module name to `COMMAND_MODULES` below.
"""

from __future__ import annotations

import importlib

import click

from staffsim import __version__

COMMAND_MODULES = ("run", "compare", "sweep", "validate", "schema", "budget", "plot", "report", "calibrate", "metrics",
                   "assumptions", "sensitivity", "explain")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="staffsim")
def main() -> None:
    """Simulate how a school's staffing design plays out over a school year.

    Typical use: `staffsim compare scenarios/*.yaml` to compare the shipped
    designs, `staffsim run FILE` for one design, `staffsim validate FILE` to
    check a scenario you edited.
    """


for _name in COMMAND_MODULES:
    _mod = importlib.import_module(f"{__name__}.{_name}")
    main.add_command(_mod.command)
