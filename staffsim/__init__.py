"""staffsim: discrete-event simulation of school staffing designs.

    >>> import staffsim
    >>> sc = staffsim.load_scenario("team-based")  # a shipped design's name, or a file
    >>> ledger = staffsim.simulate(sc, seed=7)
    >>> staffsim.compute_metrics(ledger)["planning_hours_per_week"]
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

__all__ = ["Scenario", "InputError", "Ledger", "compute_metrics", "simulate", "load_scenario", "__version__"]
