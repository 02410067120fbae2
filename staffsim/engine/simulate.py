"""`simulate(scenario, seed, years) -> Ledger`: one replication, a pure function of its arguments."""

from __future__ import annotations

import simpy

from staffsim.engine.ledger import Ledger
from staffsim.engine.plan import compile_plan
from staffsim.engine.streams import SeedLike, Streams
from staffsim.engine.year import SchoolYear
from staffsim.scenario.schema import Scenario


def simulate(scenario: Scenario, seed: SeedLike, years: int = 1) -> Ledger:
    """Simulate `years` consecutive school years of `scenario` with one seed.

    A pure function: the same scenario and seed always give the same ledger.
    `seed` is an int or a `numpy.random.SeedSequence` (see `streams.replication_seed`).
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    plan = compile_plan(scenario)
    streams = Streams(seed)
    env = simpy.Environment()
    year = SchoolYear(plan, streams, years)
    env.process(year.run(env))
    env.run()
    root = streams.root
    ledger = year.ledger((int(root.entropy),) + tuple(int(k) for k in root.spawn_key))
    return ledger
