"""Which columns of a frame are forecast and which are inputs only: targets, past and future-known covariates.

A forecaster's ``past_covariates`` and ``future_covariates`` name columns of
the fit frame; the targets are the remaining columns. Past covariates are
known up to the forecast origin only, future-known ones also for the
``horizon`` rows after it (planned prices, holidays, a weather forecast), and
``calendar="auto"`` adds the calendar features of the data's frequency
(`forecast.inputs.features`) as future-known inputs computed from the timestamps.

Inside a model every series is one array with the columns in this order:
targets, past covariates, future-known covariates, calendar features
(`InputLayout.values`); the future-known part of the forecast rows is a
second array (`InputLayout.future_values`). pandas and numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .features import calendar_features

# How errors name the future-known values, given in Python or on the command line.
_FUTURE = "the future values (future=, --future)"


@dataclass(frozen=True)
class InputLayout:
    """The columns a model reads, in the order it reads them."""

    targets: list
    past: list
    future: list
    calendar: list  # calendar periods, two feature columns each

    @classmethod
    def of(cls, columns, *, past=None, future=None, calendar=()):
        """The layout of a frame with ``columns``; `DataError` for an unknown, repeated or all-covariate choice."""
        columns = list(columns)
        past, future = list(past or []), list(future or [])
        for option, names in (("past_covariates", past), ("future_covariates", future)):
            unknown = [name for name in names if name not in columns]
            if unknown:
                raise DataError(
                    f"{option} names {unknown[0]!r}, which is not a column of the data; "
                    f"the columns are {', '.join(map(repr, columns))}"
                )
        both = sorted(set(past) & set(future), key=str)
        if both or len(set(past)) < len(past) or len(set(future)) < len(future):
            repeated = both[0] if both else next(name for name in past + future if (past + future).count(name) > 1)
            raise DataError(f"column {repeated!r} is named twice among the covariates; name each column once")
        targets = [name for name in columns if name not in past and name not in future]
        if not targets:
            raise DataError("every column is a covariate, so nothing is left to forecast; leave at least one target")
        return cls(targets, past, future, list(calendar))

    @property
    def inputs(self):
        """The frame columns read, in order (without the calendar features, which come from timestamps)."""
        return [*self.targets, *self.past, *self.future]

    @property
    def n_future(self):
        """Future-known input columns: the named ones and two per calendar period."""
        return len(self.future) + 2 * len(self.calendar)

    def covariate_positions(self):
        """``{name: positions}`` of each covariate among the P+F covariate columns, in their order.

        A past or future-known covariate is one column, named as in the data;
        a calendar period is its two features, named by the period, or
        ``"calendar <period>"`` where a data column has the period's name.

        >>> InputLayout(["y"], ["footfall"], ["price"], ["day_of_week"]).covariate_positions()
        {'footfall': [0], 'price': [1], 'day_of_week': [2, 3]}
        >>> InputLayout(["y"], [], ["day_of_week"], ["day_of_week"]).covariate_positions()
        {'day_of_week': [0], 'calendar day_of_week': [1, 2]}
        """
        named = {name: [position] for position, name in enumerate([*self.past, *self.future])}
        first = len(self.past) + len(self.future)
        for rank, period in enumerate(self.calendar):
            named[f"calendar {period}" if period in named else period] = [first + 2 * rank, first + 2 * rank + 1]
        return named

    def values(self, frame):
        """The frame's input columns and its calendar features, as one float array (T, C + P + F)."""
        values = frame[self.inputs].to_numpy()
        if not self.calendar:
            return values
        features = calendar_features(frame.index, self.calendar).to_numpy(dtype=values.dtype)
        return np.concatenate([values, features], axis=1)

    def future_values(self, future, series_id, timestamps):
        """The future-known inputs (H, F) of the forecast rows at ``timestamps``.

        ``future`` is a frame indexed by timestamp or by ``(id, timestamp)``
        holding the ``future_covariates`` columns; it may be None when there
        are none. Indexed by timestamp alone, it serves every series of a
        many-series model alike (drivers they share, such as the weather).
        Missing or misaligned rows are a `DataError` naming the column and the
        first missing timestamp; timestamps with a time zone where the
        forecast's have none (or the other way round) are one too.
        """
        parts = []
        if self.future:
            parts.append(self._named_future(future, series_id, timestamps))
        if self.calendar:
            parts.append(calendar_features(timestamps, self.calendar).to_numpy())
        return np.concatenate(parts, axis=1) if parts else np.zeros((len(timestamps), 0))

    def _named_future(self, future, series_id, timestamps):
        where = "" if series_id is None else f" of series {series_id!r}"
        if future is None:
            raise DataError(
                f"the model needs the future values of {', '.join(map(repr, self.future))}{where} for "
                f"{timestamps[0]} to {timestamps[-1]}; pass them as future= (--future FUTURE.csv)"
            )
        missing = [name for name in self.future if name not in future.columns]
        if missing:
            raise DataError(f"{_FUTURE} lack the future-known covariate {missing[0]!r}; add that column")
        rows = future
        if isinstance(future.index, pd.MultiIndex):
            if series_id is None:
                raise DataError(
                    "the future values (future=) are indexed by (id, timestamp), but the model forecasts one series; "
                    "index them by the forecast timestamps alone"
                )
            if series_id not in future.index.get_level_values(0):
                raise DataError(
                    f"{_FUTURE} have no rows of series {series_id!r}; add its {len(timestamps)} future rows"
                )
            rows = future.xs(series_id, level=0)
        _check_same_time_zone(rows.index, timestamps)
        aligned = rows[self.future].reindex(timestamps)
        holes = aligned.isna()
        if holes.to_numpy().any():
            column = holes.any().idxmax()
            first = timestamps[holes[column].to_numpy()][0]
            raise DataError(
                f"{_FUTURE} have no value of {column!r}{where} at {first}; give every forecast timestamp "
                f"({timestamps[0]} to {timestamps[-1]}) a value"
            )
        return aligned.to_numpy(dtype=np.float64)


def _check_same_time_zone(index, timestamps):
    """Refuse future timestamps that carry a time zone where the forecast's carry none, or the other way round."""
    zones = [getattr(values, "tz", None) for values in (index, timestamps)]
    if (
        isinstance(index, pd.DatetimeIndex)
        and isinstance(timestamps, pd.DatetimeIndex)
        and (zones[0] is None) != (zones[1] is None)
    ):
        given, wanted = (f"time zone {zone}" if zone is not None else "no time zone" for zone in zones)
        raise DataError(
            f"the timestamps of {_FUTURE} have {given} and the forecast's have {wanted}; "
            "write the future dates as the fit data's are written"
        )
