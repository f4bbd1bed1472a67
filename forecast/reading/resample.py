"""Event logs to regular series: rows (orders, sales, readings) summed or summarised per step.

`read_csv(resample=..., agg=...)` calls `resample_rows` on each series' rows
before they are put on the grid, so that a log of one row per order becomes
hourly or daily totals. pandas only: nothing here imports torch.
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError

# How the rows of one step become its value; "sum" and "count" give 0 to a step without rows (no events).
AGGREGATIONS = ("sum", "mean", "last", "min", "max", "count")
_ZERO_WHEN_EMPTY = ("sum", "count")


def check_resample(resample, agg, freq):
    """``resample`` as a pandas offset alias, after refusing options that do not go together.

    Raises
    ------
    DataError
        ``agg`` without ``resample`` or the reverse, an unknown aggregation, a
        frequency that is not a positive pandas step, or ``freq`` beside it.
    """
    if resample is None:
        if agg is not None:
            raise DataError(
                f"agg={agg!r} summarises the rows of each step of resample=; pass resample= too (--resample)"
            )
        return None
    if agg not in AGGREGATIONS:
        said = "no agg= (--agg) was given" if agg is None else f"agg={agg!r} is not an aggregation"
        raise DataError(
            f"resample={resample!r} needs to know how a step's rows make its value, and {said}; "
            f"pass agg= (--agg) as one of {', '.join(AGGREGATIONS)}"
        )
    if freq is not None:
        raise DataError(
            f"resample={resample!r} sets the frequency of the result, so freq={freq!r} (--freq) has nothing to do; "
            "leave freq out"
        )
    return positive_frequency(resample, "resample", "--resample")


def positive_frequency(freq, keyword, option):
    """The offset alias of ``freq``, refusing what is not a pandas frequency of a positive step."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError):
        offset = None
    if offset is None or getattr(offset, "n", 1) <= 0:
        raise DataError(
            f"{keyword}={freq!r} is not a pandas frequency of a positive step; use an alias such as 'h', 'D', 'W' "
            f"or 'MS' ({option})"
        )
    return offset.freqstr


def resample_rows(frame, freq, agg):
    """The rows of one series summarised per step of ``freq`` by ``agg``, every step from the first to the last.

    A step without rows is 0 for ``sum`` and ``count`` (nothing happened) and
    missing for the others, which ``fill`` then fills or refuses. Steps are
    labelled as pandas labels them: the start of the day or month (``D``,
    ``MS``), the end of the week (``W``, ``W-SUN``).
    """
    frame = frame.sort_index(kind="stable")
    grouped = frame.resample(freq)
    if agg == "sum":
        result = grouped.sum(min_count=0)
    elif agg == "count":
        result = grouped.count().astype(frame.dtypes.iloc[0] if len(frame.columns) else "float64")
    else:
        result = getattr(grouped, agg)()
    return result.astype({name: frame[name].dtype for name in frame.columns})
