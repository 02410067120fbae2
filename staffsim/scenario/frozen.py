"""The base of every scenario section: frozen, unknown keys rejected (so typos are caught).

Numbers are finite (`.inf` and `.nan` are refused, so whatever validates also
survives the JSON a run folder keeps), and a number field given `true`/`false`
is an error rather than 1/0.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

#: The largest amount of money one field may hold (any currency): sums stay finite, whatever the unit.
MAX_MONEY = 1e9


class Frozen(BaseModel):
    """Base for every scenario section: frozen, no unknown keys, finite numbers, no booleans for numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    _number_fields: ClassVar[dict[str, bool]]  # field name -> True if its items (not itself) are numbers

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        from staffsim.scenario.fields import number_fields

        cls._number_fields = number_fields(cls)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls._number_fields:
            numbers = cls._number_fields
            bad = [name for name in data if name in numbers and _has_bool(data[name], numbers[name])]
            if bad:
                from staffsim.scenario.problems import Problem, Problems

                raise Problems(Problem((name,), "expected a number, found true/false",
                                       "true and false are not numbers here; write the number") for name in bad)
        return data


def _has_bool(value: Any, items: bool) -> bool:
    if not items:
        return isinstance(value, bool)
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(
        isinstance(v, bool) or (isinstance(v, (list, tuple)) and any(isinstance(x, bool) for x in v)) for v in value)
