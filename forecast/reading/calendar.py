"""Future timestamps: at a pandas frequency, or on a weekly calendar of observed slots.

Some series are recorded on a regular step only part of the time: every five
minutes during business hours, say, and never at night or at weekends. Their
rows are consecutive *observed steps*; an `ObservedCalendar` remembers the base
step and the set of (weekday, time of day) slots seen, and puts future steps on
those slots only. pandas and numpy only; no torch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError

# A Monday at midnight: week positions are counted from it.
_MONDAY = pd.Timestamp("1970-01-05")
_WEEK = pd.Timedelta(weeks=1)
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ObservedCalendar:
    """The weekly slots a series is observed on, and its base step.

    Parameters
    ----------
    step : str or Timedelta
        The usual step between consecutive observations (``"5min"``).
    slots : sequence of Timedelta
        The observed slots as offsets from Monday 00:00 (``Timedelta("1 days
        09:30:00")`` is Tuesday 09:30), each less than a week.

    Examples
    --------
    >>> index = pd.date_range("2024-01-01", "2024-01-14 23:00", freq="h")
    >>> office = index[(index.day_of_week < 5) & (index.hour >= 9) & (index.hour < 17)]
    >>> calendar = ObservedCalendar.infer(office)
    >>> print(calendar)
    observed: 40 slots a week at steps of h, on Mon, Tue, Wed, Thu, Fri from 09:00 to 16:00
    >>> list(calendar.future(pd.Timestamp("2024-01-12 16:00"), 2).strftime("%a %H:%M"))
    ['Mon 09:00', 'Mon 10:00']
    """

    def __init__(self, step, slots):
        self.step = pd.Timedelta(step)
        self.slots = pd.TimedeltaIndex(sorted(set(pd.to_timedelta(list(slots)))))
        if self.step <= pd.Timedelta(0) or self.step >= _WEEK:
            raise DataError(f"an observed calendar needs a step shorter than a week, not {self.step}")
        if len(self.slots) == 0 or self.slots[0] < pd.Timedelta(0) or self.slots[-1] >= _WEEK:
            raise DataError("an observed calendar needs at least one slot, each within a week of Monday 00:00")

    @classmethod
    def infer(cls, timestamps):
        """The calendar of ``timestamps``: their most common step and every weekly slot they fall on.

        Times are read on the wall clock of their own time zone.
        """
        index = _wall_clock(pd.DatetimeIndex(timestamps)).sort_values()
        steps = pd.Series(index[1:] - index[:-1])
        steps = steps[steps > pd.Timedelta(0)]
        if steps.empty:
            raise DataError("an observed calendar needs at least two different timestamps")
        return cls(steps.mode().iloc[0], _week_offsets(index).unique())

    def future(self, last_timestamp, n_steps):
        """The ``n_steps`` calendar slots after ``last_timestamp``, as a `DatetimeIndex`."""
        last = pd.Timestamp(last_timestamp)
        first_ordinal = self._ordinals(_wall_clock(pd.DatetimeIndex([last])), side="right")[0]
        return self._timestamps(np.arange(first_ordinal, first_ordinal + n_steps), like=last)

    def between(self, start, end):
        """Every calendar slot from ``start`` to ``end``, both included, as a `DatetimeIndex`."""
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        first = self._ordinals(_wall_clock(pd.DatetimeIndex([start])), side="left")[0]
        stop = self._ordinals(_wall_clock(pd.DatetimeIndex([end])), side="right")[0]
        return self._timestamps(np.arange(first, stop), like=start)

    @property
    def season_length(self):
        """Slots in one observed day when every observed weekday has as many, else slots in a week."""
        per_day = pd.Series(self.slots // pd.Timedelta(days=1)).value_counts()
        return int(per_day.iloc[0]) if per_day.nunique() == 1 else len(self.slots)

    def to_dict(self):
        """A JSON-safe description: the step and runs of consecutive slots ``[first slot, count]``."""
        runs = []
        for slot in self.slots:
            if runs and pd.Timedelta(runs[-1][0]) + runs[-1][1] * self.step == slot:
                runs[-1][1] += 1
            else:
                runs.append([str(slot), 1])
        return {"kind": "observed", "step": str(self.step), "slots": runs}

    @classmethod
    def from_dict(cls, description):
        """The calendar that `to_dict` described."""
        try:
            step = pd.Timedelta(description["step"])
            if step <= pd.Timedelta(0) or sum(count for _, count in description["slots"]) > _WEEK / step:
                raise ValueError("more slots than a week holds")
            slots = [pd.Timedelta(first) + k * step for first, count in description["slots"] for k in range(count)]
        except (KeyError, TypeError, ValueError):
            raise DataError(f"not an observed calendar: {description!r}") from None
        return cls(step, slots)

    def __eq__(self, other):
        return isinstance(other, ObservedCalendar) and self.step == other.step and self.slots.equals(other.slots)

    def __repr__(self):
        return f"ObservedCalendar.from_dict({self.to_dict()!r})"

    def __str__(self):
        days = ", ".join(_DAY_NAMES[day] for day in sorted(set(self.slots // pd.Timedelta(days=1))))
        times = self.slots % pd.Timedelta(days=1)
        step = pd.tseries.frequencies.to_offset(self.step).freqstr
        return (
            f"observed: {len(self.slots)} slots a week at steps of {step}, on {days} "
            f"from {_clock(times.min())} to {_clock(times.max())}"
        )

    def _ordinals(self, wall_times, side):
        """Slots counted from Monday 1970-01-05: how many come before (``left``) or up to (``right``) each time."""
        weeks = np.asarray((wall_times - _MONDAY) // _WEEK, dtype=np.int64)
        return weeks * len(self.slots) + np.searchsorted(self.slots, _week_offsets(wall_times), side=side)

    def _timestamps(self, ordinals, like):
        weeks, positions = np.divmod(ordinals, len(self.slots))
        wall = _MONDAY + pd.to_timedelta(weeks * 7, unit="D") + self.slots[positions]
        index = pd.DatetimeIndex(wall).as_unit(like.unit)
        return index if like.tz is None else index.tz_localize(like.tz)


def future_timestamps(last_timestamp, freq_or_calendar, n_steps):
    """The ``n_steps`` timestamps after ``last_timestamp``.

    Parameters
    ----------
    last_timestamp : Timestamp
        The last timestamp of the data.
    freq_or_calendar : str, DateOffset, ObservedCalendar or dict
        A pandas frequency (``"h"``, ``"MS"``, ``"B"`` for business days), or
        the calendar of a series read with ``freq="observed"`` (its
        ``attrs["calendar"]``), or that calendar's `ObservedCalendar.to_dict`.
    n_steps : int
        How many timestamps.

    Returns
    -------
    DatetimeIndex
        Strictly after ``last_timestamp``, in order.

    Examples
    --------
    >>> list(future_timestamps(pd.Timestamp("2024-01-05"), "B", 2).strftime("%a %d"))
    ['Mon 08', 'Tue 09']
    """
    if isinstance(freq_or_calendar, dict):
        freq_or_calendar = ObservedCalendar.from_dict(freq_or_calendar)
    if isinstance(freq_or_calendar, ObservedCalendar):
        return freq_or_calendar.future(last_timestamp, n_steps)
    if freq_or_calendar is None or freq_or_calendar == "observed":
        raise DataError(
            f"future timestamps need the data's frequency or observed calendar, not {freq_or_calendar!r}; "
            "pass the frame read_csv returned (its index.freq, or attrs['calendar'] with freq='observed')"
        )
    offset = pd.tseries.frequencies.to_offset(freq_or_calendar)
    # Adding one offset first rolls a timestamp that is off the grid to the next grid point.
    return pd.date_range(pd.Timestamp(last_timestamp) + offset, periods=n_steps, freq=offset)


def _wall_clock(index):
    return index if index.tz is None else index.tz_localize(None)


def _week_offsets(index):
    """Each timestamp's distance from the Monday 00:00 before it."""
    return (index - index.normalize()) + pd.to_timedelta(index.day_of_week, unit="D")


def _clock(offset):
    return f"{offset.components.hours:02d}:{offset.components.minutes:02d}"
