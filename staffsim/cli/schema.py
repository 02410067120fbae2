"""`staffsim schema`: the scenario JSON Schema, for editor autocompletion."""

from __future__ import annotations

from pathlib import Path

import click

from staffsim.scenario.loading import json_schema


@click.command("schema")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="Write the schema to this file instead of standard output.")
def command(out_file: str | None) -> None:
    """Print the JSON Schema of scenario files.

    Editors with the YAML language server autocomplete and check a scenario
    whose first line is `# yaml-language-server: $schema=<path to this schema>`.
    """
    text = json_schema()
    if out_file:
        Path(out_file).write_text(text + "\n")
        click.echo(f"wrote {out_file}", err=True)
    else:
        click.echo(text)
