"""The base of every scenario section: frozen, unknown keys rejected (so typos are caught)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base for every scenario section: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")
