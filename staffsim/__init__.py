"""staffsim: discrete-event simulation of school staffing designs.

    >>> import staffsim
    >>> sc = staffsim.load_scenario("team-based")  # a shipped design's name, or a file
    >>> ledger = staffsim.simulate(sc, seed=7)
    >>> staffsim.compute_metrics(ledger)["planning_hours_per_week"]
    >>> staffsim.evaluate("team-based", {"workforce.exhaustion.load_weight": 2}, seed=1, replication=0)

`evaluate`, `experiment`, `replication_seed` and `open_run` are the API for
experimenters (`staffsim.api`, docs/experiments.md).
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("staffsim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

from staffsim.scenario.schema import Scenario
from staffsim.errors import InputError
from staffsim.engine.ledger import Ledger
from staffsim.metrics.registry import compute_metrics
from staffsim.engine.simulate import simulate
from staffsim.scenario.loading import load_scenario

_API = ("evaluate", "experiment", "open_run", "replication_seed")


def __getattr__(name: str):
    """The experimenters' API (`staffsim.api`), imported on first use: `import staffsim` stays light."""
    if name in _API or name == "api":
        import importlib

        api = importlib.import_module("staffsim.api")
        return api if name == "api" else getattr(api, name)
    raise AttributeError(f"module 'staffsim' has no attribute {name!r}")


__all__ = ["Scenario", "InputError", "Ledger", "compute_metrics", "simulate", "load_scenario", "evaluate", "experiment",
           "open_run", "replication_seed", "__version__"]
