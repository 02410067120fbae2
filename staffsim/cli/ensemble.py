"""`staffsim compare ... --ensemble FIT`: the comparison again over a calibrated ensemble, and what survives it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from staffsim.cli.common import ProgressBar, err, out


def check_ensemble(path: str, designs: list) -> None:
    """Refuse, before anything runs, an ensemble that is not a finished fit of these designs' school (exit 2)."""
    from staffsim.experiments.ensemble import check_family, load_ensemble

    check_family(load_ensemble(path), designs)


def ensemble_part(run_dir: Path, manifest: dict[str, Any], options: dict[str, Any], hint: str = "",
                  as_json: bool = False) -> None:
    """Run (or resume) the comparison over the ensemble recorded in the manifest, then print what survives
    (nothing with --json: stdout stays the comparison's JSON; the table is ensemble_comparison.csv)."""
    from staffsim.experiments import runs
    from staffsim.experiments.decision import run_money
    from staffsim.experiments.ensemble import SUBDIR, load_ensemble, plan, write_ensemble_comparison
    from staffsim.experiments.runner import default_workers
    from staffsim.experiments.subrun import run_or_resume
    from staffsim.present.uncertainty import UNCERTAINTY_COLUMNS, uncertainty_rows, verdict_sentences
    from staffsim.scenario.schema import Scenario

    ens = load_ensemble(manifest["ensemble"])
    designs = [(v.label, Scenario.model_validate_json(v.scenario_json)) for v in runs.load_variants(run_dir)]
    execution = {"workers": options.get("workers") or default_workers(), "backend": options.get("backend"),
                 "scheduler": options.get("scheduler")}
    opts = runs.options_from_manifest(manifest, **execution)
    err.print(f"Over the ensemble: {manifest['replications']} replications per design, each with a parameter set "
              f"drawn from the {len(ens.members)} of {ens.path} -> {run_dir / SUBDIR}")
    ok = run_or_resume(run_dir / SUBDIR, "ensemble", lambda: plan(ens, designs, opts), execution,
                       lambda total: ProgressBar(total, enabled=not options.get("quiet")),
                       "staffsim compare --ensemble (the ensemble part)")
    if not ok:
        err.print(f"[yellow]Interrupted.[/] Finished chunks are saved in {run_dir / SUBDIR}.\n"
                  f"Resume with:  staffsim compare {hint}--resume {run_dir}")
        sys.exit(130)
    table = write_ensemble_comparison(run_dir)
    if as_json:
        return
    money = run_money(run_dir)
    t = Table(title="With parameter uncertainty: the seed-only 95 % CI beside the interval that adds the spread of the "
                    "calibrated ensemble", title_justify="left", show_lines=True)
    for c in UNCERTAINTY_COLUMNS:
        t.add_column(c, justify="left" if c in ("measure", "design", "conclusion") else "right")
    for row in uncertainty_rows(table, money):
        t.add_row(*row)
    out.print(t)
    for s in verdict_sentences(table, money):
        out.print(f"- {s}")
