"""Named random streams (docs/model.md §5.2).

One `numpy.random.SeedSequence` per replication; each source of randomness
draws from its own generator keyed by a *name* (and optionally a year), never
by creation order. Two designs run with the same seed therefore share the
absences of staff slot j and the needs of student k: common random numbers,
which make paired comparisons precise.
"""

from __future__ import annotations

import hashlib

import numpy as np

#: Every stream the model uses. Adding a stream never shifts another's numbers.
STREAM_NAMES = (
    "absence",
    "substitutes",
    "substitute_order",
    "interruptions",
    "needs",
    "initial_state",
    "resignation",
    "decision",
    "hiring",
)

SeedLike = int | np.random.SeedSequence


def _name_key(name: str) -> int:
    """A stable 32-bit key for a stream name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


def replication_seed(base_seed: int, replication: int) -> np.random.SeedSequence:
    """The SeedSequence of one replication: a pure function of (base seed, replication).

    The scenario and sweep point deliberately do not enter, so every design and
    every sweep point sees the same randomness in replication r.
    """
    return np.random.SeedSequence(int(base_seed), spawn_key=(int(replication),))


class Streams:
    """Generators keyed by name for one replication."""

    def __init__(self, seed: SeedLike):
        self.root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))

    def get(self, name: str, *key: int) -> np.random.Generator:
        """The generator for stream `name` (and sub-key, e.g. the year)."""
        if name not in STREAM_NAMES:
            raise KeyError(f"unknown random stream {name!r}")
        ss = np.random.SeedSequence(
            self.root.entropy, spawn_key=tuple(self.root.spawn_key) + (_name_key(name),) + tuple(int(k) for k in key)
        )
        return np.random.Generator(np.random.PCG64(ss))
