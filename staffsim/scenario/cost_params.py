"""How staffing becomes money: the cost parameters of a scenario (docs/costs.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from staffsim.scenario.frozen import MAX_MONEY, Frozen
from staffsim.scenario.vocabulary import RoleCategory


#: Cost of replacing one departing teacher (separation, recruitment, hiring, training)
#: by district size (student enrollment), in 2024 US dollars: Learning Policy Institute,
#: "2024 Update: What's the Cost of Teacher Turnover?" (docs/costs.md).
TURNOVER_COST_PER_LEAVER_USD_2024 = {"small": 11860.0, "medium": 16450.0, "large": 24930.0}
#: Money fields of `Costs` whose defaults are 2024 US dollars (see `Costs._money_defaults`).
COSTS_MONEY_DEFAULTS = ("substitute_day_rate", "long_term_sub_day_rate", "cost_per_leaver")


class Costs(Frozen):
    """How staffing becomes money (docs/costs.md).

    Every amount in the scenario (salaries, supplements, the rates below and
    `budget`) is in `currency` at `price_year` prices. The defaults are 2024 US
    dollars; a scenario that states another currency or year must give every
    money figure itself, so that amounts are never silently mixed.
    """

    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every amount in the scenario")
    price_year: int = Field(2024, ge=1900, le=2100, description="the year whose prices every amount is stated in")
    benefits_rate: float = Field(
        0.44, ge=0, le=2,
        description="employer benefits (insurance, retirement, payroll taxes) as a share of salaries and "
        "supplements. BLS Employer Costs for Employee Compensation, table 3, state and local government "
        "primary/secondary teachers: benefits $29.30/h less paid leave $3.60 (already in salary) over "
        "wages $54.46 + paid leave $3.60 = 0.44",
    )
    substitute_day_rate: float = Field(
        139.0, ge=0, le=MAX_MONEY,
        description="cost of one day of a day-to-day substitute. BLS OEWS May 2024, substitute teachers "
        "short-term (25-3031): median $38,470/yr over 2,080 h = $18.50/h, x 7.5 h = $139",
    )
    long_term_sub_day_rate: float = Field(
        175.0, ge=0, le=MAX_MONEY,
        description="cost of one school day of a long-term substitute holding a vacancy. Assumption: the "
        "day-to-day rate plus 25 % (districts pay a premium after 10-20 consecutive days)",
    )
    district_size: Literal["small", "medium", "large"] = Field(
        "medium", description="district size (enrollment) for the default cost per leaver (LPI 2024)"
    )
    cost_per_leaver: float | None = Field(
        None, ge=0, le=MAX_MONEY,
        description="cost of replacing one teacher or teacher-leader who leaves the school (mid-year or at year "
        "end, movers included). Default by district_size, LPI 2024: small $11,860, medium $16,450, large $24,930",
    )
    turnover_cost_share_of_pay: dict[RoleCategory, Annotated[float, Field(ge=0, le=2)]] = Field(
        default_factory=lambda: {"support": 0.16, "resident": 0.16},
        description="cost of replacing a leaver of these role categories, as a share of the role's annual pay "
        "(salary + supplement); categories not listed cost `cost_per_leaver` (a teacher figure). Default "
        "support 0.16: Boushey & Glynn 2012 (Center for American Progress), typical cost of replacing an "
        "employee in a job paying under $30,000 a year; resident 0.16: assumption, the same (recruiting and "
        "inducting the next resident). Plausible range 0.1-0.3",
    )

    @model_validator(mode="after")
    def _money_defaults(self) -> "Costs":
        if (self.currency, self.price_year) != ("USD", 2024):
            missing = [f for f in COSTS_MONEY_DEFAULTS if f not in self.model_fields_set]
            if missing:
                raise ValueError(
                    f"costs are stated in {self.currency} {self.price_year}, but the defaults of "
                    f"{', '.join(missing)} are 2024 US dollars; give {'it' if len(missing) == 1 else 'them'} "
                    f"in {self.currency} {self.price_year}"
                )
        return self

    @property
    def turnover_cost_per_leaver(self) -> float:
        if self.cost_per_leaver is not None:
            return self.cost_per_leaver
        return TURNOVER_COST_PER_LEAVER_USD_2024[self.district_size]

    @property
    def money(self) -> str:
        """The unit of every amount, e.g. 'USD 2024'."""
        return f"{self.currency} {self.price_year}"
