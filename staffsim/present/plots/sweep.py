"""Sweep figures: a metric against each swept parameter (line + band per design), and a heatmap over two.

Every point of a sweep runs the same replications (same seeds), so for a
parameter's value the figure averages, within each replication, over the
points that share that value (i.e. over the other parameters), then takes a
t-based 95 % interval across replications. Latin-hypercube or CSV designs with
many distinct values are grouped into quantile bins first.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns

from staffsim.experiments.runfolder import RunFolder
from staffsim.metrics.metric import Kind
from staffsim.metrics.registry import kind_of
from staffsim.present.format import format_money, metric_label
from staffsim.present.plots.base import Drawn, Options, Skip, direct_labels, money_unit, new_figure, nice_param, rep_interval, set_titles, uncertainty_note
from staffsim.present.plots.palette import FONT, design_colors

#: Metrics drawn by default, the first four a run has (choose others with --metric).
DEFAULT_METRICS = ("planning_hours_per_week", "small_group_minutes_per_student_per_week", "burnout_share",
                   "cost_per_pupil", "turnover_rate", "overtime_hours_per_week")
MAX_DEFAULT = 4
MAX_LEVELS = 10  # more distinct values than this (LHS, CSV): group into bins
BINS = 6


def _metrics(run: RunFolder, opts: Options) -> list[str]:
    if opts.metrics:
        return list(opts.metrics)
    return [m for m in DEFAULT_METRICS if m in run.metric_names][:MAX_DEFAULT]


def _params(run: RunFolder, opts: Options) -> list[str]:
    from staffsim.errors import InputError

    params = run.parameters
    if not params:
        raise Skip("points.csv names no swept parameters")
    if opts.params:
        unknown = [p for p in opts.params if p not in params]
        if unknown:
            raise InputError("--param", [f"{p!r} was not swept; swept parameters: {', '.join(params)}" for p in unknown])
        return list(opts.params)
    return params


def _levels(values: pd.Series, bins: int = BINS) -> tuple[pd.Series, list[str], bool]:
    """(x position per row, tick labels, numeric?) for one parameter's values."""
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().all():
        uniq = np.sort(num.unique())
        if len(uniq) <= MAX_LEVELS:
            return num.astype(float), [f"{u:g}" for u in uniq], True
        cut = pd.qcut(num, q=min(bins, len(uniq)), duplicates="drop")
        mids = cut.map(lambda iv: (iv.left + iv.right) / 2).astype(float)
        return mids, [f"{iv.left:.3g}–{iv.right:.3g}" for iv in cut.cat.categories], True
    cats = list(dict.fromkeys(values.astype(str)))
    return values.astype(str).map({c: i for i, c in enumerate(cats)}).astype(float), cats, False


def _colour_range(lo: float, hi: float, min_relative: float = 0.05) -> tuple[float, float]:
    """The colour scale's ends: the data's range, widened around its middle to at least ±5 % of the middle,
    so that a 1 % difference does not look as dramatic as a doubling."""
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    half = max(half, abs(mid) * min_relative, 1e-12)
    return mid - half, mid + half


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _digits(top: float, halves: np.ndarray) -> int:
    """Decimals for one panel: about three significant digits, more if a half-width would round to 0."""
    digits = 0 if top >= 100 else 1 if top >= 10 else 2
    h = np.asarray(halves, dtype=float)
    h = h[np.isfinite(h) & (h > 0)]
    while digits < 4 and len(h) and round(float(h.min()), digits) == 0:
        digits += 1
    return digits


def _cell(m: float, h: float, digits: int) -> str:
    """'mean\n±half' to the same decimals."""
    if np.isnan(m):
        return ""
    if np.isnan(h):
        return f"{m:,.{digits}f}"
    return f"{m:,.{digits}f}\n±{h:,.{digits}f}"


def _frame(run: RunFolder, designs: list[str], metric: str) -> pd.DataFrame:
    m = run.values([metric])
    df = m[m["scenario"].isin(designs)][["scenario", "point", "replication", "value"]]
    return df.merge(run.points, on="point", how="left")


def _line_panel(ax, df: pd.DataFrame, p: str, designs: list[str], colours: dict, metric: str, k: float) -> None:
    """One panel of the line figure: the metric against parameter p, a line and band per design."""
    x, ticks, _numeric = _levels(df[p])
    d2 = df.assign(x=x.to_numpy())
    per_rep = d2.groupby(["scenario", "x", "replication"], sort=False)["value"].mean().reset_index()
    st = rep_interval(per_rep, ["scenario", "x"], "value").sort_values("x")
    ends = []
    for d in designs:
        s = st[st["scenario"] == d]
        if s.empty:
            continue
        lo, hi = s["ci_low"] * k, s["ci_high"] * k
        if kind_of(metric) is Kind.SHARE:  # a share's interval stays within 0-100 %
            lo, hi = lo.clip(0, 100), hi.clip(0, 100)
        ax.fill_between(s["x"], lo, hi, color=colours[d], alpha=0.28, linewidth=0)
        ax.plot(s["x"], s["mean"] * k, color=colours[d], marker="o", markersize=10)
        ends.append((d, float(s["mean"].iloc[-1]) * k, colours[d]))
    xs = np.sort(d2["x"].unique())
    ax.set_xticks(xs)
    ax.set_xticklabels(ticks if len(ticks) == len(xs) else [f"{v:g}" for v in xs],
                       rotation=0 if len(xs) <= 6 else 30)
    ax.set_xlabel("\n".join(textwrap.wrap(nice_param(p), 34)))
    span = xs[-1] - xs[0] if len(xs) > 1 else 1.0
    ax.set_xlim(xs[0] - span * 0.06, xs[-1] + span * 0.06)
    ax.grid(axis="x", visible=False)
    ax._staffsim_ends = (ends, xs[-1] + span * 0.1)


def lines(run: RunFolder, designs: list[str], opts: Options) -> list[Drawn]:
    params = _params(run, opts)
    metrics = _metrics(run, opts)
    if not metrics:
        raise Skip("none of the default metrics is in this sweep; choose some with --metric")
    colours = design_colors(run.scenarios)
    money = money_unit(run)
    out = []
    for metric in metrics:
        df = _frame(run, designs, metric)
        if df.empty:
            continue
        k = 100.0 if kind_of(metric) is Kind.SHARE else 1.0
        ncols = min(len(params), 3)
        nrows = -(-len(params) // ncols)
        fig = new_figure(13, 6.6 * nrows + 0.8)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
        for i, (ax, p) in enumerate(zip(axes, params)):
            _line_panel(ax, df, p, designs, colours, metric, k)
            if i % ncols == 0:
                ax.set_ylabel(_first_upper(metric_label(metric, money)[1]))
        for ax in axes[len(params):]:
            ax.set_visible(False)
        lo_, hi_ = axes[0].get_ylim()
        if df["value"].min() >= 0:  # a metric that is never negative starts at zero
            lo_ = 0.0
        axes[0].set_ylim(lo_, hi_ + (hi_ - lo_) * 0.08)  # room above the top line
        if kind_of(metric) is Kind.MONEY:
            axes[0].yaxis.set_major_formatter(lambda v, _p: format_money(v))
        label_ax = axes[min(len(params), ncols) - 1]
        direct_labels(label_ax, *label_ax._staffsim_ends)
        name, unit = metric_label(metric, money)
        title = f"{name} ({unit}) as each setting changes"
        set_titles(fig, title, f"Each panel varies one setting, averaged over the others. Shaded band: {uncertainty_note(run)}.")
        caption = (f"Each line shows how {name.lower()} changes when one setting of the sweep changes (left to right), "
                   "one line per design, averaged over the other settings; a flat line means the setting does not "
                   "matter, and the shaded band shows how sure we are.")
        out.append(Drawn(f"sweep-{metric}-lines", title, caption, fig, heading=f"{name}: setting by setting"))
    if not out:
        raise Skip("the chosen metrics have no values in this sweep")
    return out


def _heat_panel(ax, s: pd.DataFrame, xaxis: tuple, yaxis: tuple, scale: tuple[float, float] | None,
                bar: tuple[bool, bool], unit: str) -> None:
    """One design's heatmap: cells of mean ± half-width; `scale` shared (vmin, vmax) or None (per design)."""
    (xs, xt), (ys, yt) = xaxis, yaxis
    mean = s.pivot(index="y", columns="x", values="mean").reindex(index=ys[::-1], columns=xs)
    half = (s.assign(h=(s["ci_high"] - s["ci_low"]) / 2)
            .pivot(index="y", columns="x", values="h").reindex(index=ys[::-1], columns=xs))
    d_ = _digits(float(s["mean"].abs().max()), half.to_numpy())
    annot = np.vectorize(lambda m, h: _cell(m, h, d_))(mean.to_numpy(), half.to_numpy())
    lo_, hi_ = _colour_range(*(scale if scale else (float(s["mean"].min()), float(s["mean"].max()))))
    last, final = bar
    sns.heatmap(mean, ax=ax, annot=annot, fmt="", cmap="cividis", vmin=lo_, vmax=hi_, cbar=last,
                annot_kws={"fontsize": FONT["annotation"], "fontweight": "bold"}, linewidths=2, linecolor="white",
                cbar_kws={"label": textwrap.fill(_first_upper(unit), 26)} if last and final else None, square=False)
    ax.set_xticklabels(xt if len(xt) == len(xs) else [f"{v:g}" for v in xs], rotation=0)
    yl = yt if len(yt) == len(ys) else [f"{v:g}" for v in ys]
    ax.set_yticklabels(yl[::-1], rotation=0)


def heatmaps(run: RunFolder, designs: list[str], opts: Options) -> list[Drawn]:
    params = _params(run, opts)
    if len(params) < 2:
        raise Skip("the sweep varies one parameter; a heatmap needs two")
    px, py = params[0], params[1]
    metrics = _metrics(run, opts)
    money = money_unit(run)
    colours = design_colors(run.scenarios)
    out = []
    for metric in metrics:
        df = _frame(run, designs, metric)
        if df.empty:
            continue
        k = 100.0 if kind_of(metric) is Kind.SHARE else 1.0
        x, xt, _ = _levels(df[px], 5)
        y, yt, _ = _levels(df[py], 5)
        d2 = df.assign(x=x.to_numpy(), y=y.to_numpy())
        per_rep = d2.groupby(["scenario", "x", "y", "replication"], sort=False)["value"].mean().reset_index()
        st = rep_interval(per_rep, ["scenario", "x", "y"], "value")
        st[["mean", "ci_low", "ci_high"]] *= k
        vmin, vmax = float(st["mean"].min()), float(st["mean"].max())
        within = st.groupby("scenario")["mean"].agg(lambda v: v.max() - v.min()).max()
        # one colour scale for all designs, unless designs differ so much that it would hide every response
        shared = not (vmax > vmin and within < 0.25 * (vmax - vmin))
        shown = [d for d in designs if (st["scenario"] == d).any()]
        xs, ys = np.sort(d2["x"].unique()), np.sort(d2["y"].unique())
        # as many panels side by side as leave each cell room for its label at full size
        halves = ((st["ci_high"] - st["ci_low"]) / 2).to_numpy()
        digits = _digits(max(abs(vmin), abs(vmax)), halves)
        chars = max(len(line) for v in (vmin, vmax) for line in _cell(v, float(np.nanmax(halves)), digits).split("\n"))
        cell_in = chars * FONT["annotation"] * 0.66 / 72 + 0.3
        panel_in = len(xs) * cell_in + (0.3 if shared else 1.4) + 0.9
        ncols = max(1, min(len(shown), int(13.3 // panel_in), 3))
        nrows = -(-len(shown) // ncols)
        fig = new_figure(13.5, nrows * (len(ys) * 0.95 + 2.4) + 1.8)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        name, unit = metric_label(metric, money)
        for i, (ax, d) in enumerate(zip(axes, shown)):
            last = (not shared) or (i % ncols == ncols - 1) or i == len(shown) - 1
            scale = (vmin, vmax) if shared else None
            _heat_panel(ax, st[st["scenario"] == d], (xs, xt), (ys, yt), scale, (last, i == len(shown) - 1), unit)
            ax.set_xlabel("\n".join(textwrap.wrap(nice_param(px), 26)))
            ax.set_ylabel("\n".join(textwrap.wrap(nice_param(py), 22)) if i % ncols == 0 else "")
            ax.set_title(d, color=colours[d], loc="left", fontsize=FONT["base"] + 2, fontweight="bold")
        for ax in axes[len(shown):]:
            ax.set_visible(False)
        title = f"{name} ({unit}) by {nice_param(px)} and {nice_param(py)}"
        others = [p for p in params if p not in (px, py)]
        extra = f" Averaged over {', '.join(nice_param(p) for p in others)}." if others else ""
        scale = ("" if shared else " Colours are scaled per design (the designs differ too much for one scale).") + \
            " Differences under 5 % of the value stay close to the middle colour."
        set_titles(fig, title, f"Cells: average ± half-width of the {uncertainty_note(run)}.{extra}{scale}")
        caption = (f"Each square is one combination of the two settings, coloured and labelled with the average "
                   f"{name.lower()} (± how sure we are), so you can see where {name.lower()} is highest and lowest for "
                   "each design.")
        out.append(Drawn(f"sweep-{metric}-heatmap", title, caption, fig, heading=f"{name}: two settings at once"))
    if not out:
        raise Skip("the chosen metrics have no values in this sweep")
    return out
