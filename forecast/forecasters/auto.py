"""`AutoForecaster`: per series, the best candidate, or the mean of the best ones, by a backtest on the fit data.

The choice, at fit:

1. A rolling-origin backtest of every candidate on the fit data's own last
   ``n_windows`` windows (`forecast.backtest` with ``refit=0``: each global
   network or ridge is fitted once across all series at the first cutoff, each
   local model once per series and continued over the later windows), scored
   by MASE per series and window (`forecast.evaluation.scores.forecast_scores`).
2. Per series, the candidates are ranked by their MASE relative to seasonal
   naive, a quarter the series' own figure and three quarters the panel's
   (`_shrunk`: a few windows of one series rank by noise as much as by
   skill); one series is its own panel. Every series then takes the mean of
   its best ``k`` candidates, ``k`` of 1, 2 or 3 chosen for the whole panel
   by the same backtest (the geometric mean over series of the combined
   forecast's MASE relative to seasonal naive; a larger ``k`` wins ties:
   averaging forecasts rarely loses much and often gains, the M4 lesson).
3. The candidates some series chose are fitted on all the data; ``weights_``
   holds each series' weight on each of them.

Prediction intervals are conformal, calibrated on the chosen forecast's own
backtest errors: each absolute error over the noise level before its window
(`forecast.forecasters.intervals`), ranked across series, windows and steps.
With covariates, every candidate that reads them is also a candidate
without them (``"linear-plain"``, ...), so a driver that does not help in
the backtest is not used.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ..errors import DataError, ParameterError
from ..params import COVARIATE_RULES, NONNEGATIVE_RULES, POSITIVE, RANDOM_STATE, Instance, OneOf, Whole
from ..reading.frames import split_series
from ..reading.frequency import season_length_for
from .base import BaseForecaster
from .intervals import check_levels, noise_level, with_bounds

DEFAULT_MODELS = ("ets", "theta", "arima", "seasonal-naive", "gru", "mlp", "linear")
# Combinations tried: the mean of each series' best k candidates.
COMBINED = (2, 3)
# The weight of a series' own backtest in ranking its candidates; the rest is the panel's (see `_shrunk`).
OWN_WEIGHT = 0.25
# A candidate named with this suffix reads no covariates: auto then compares the model with and without them.
COVARIATE_FREE = "-plain"


class AutoForecaster(BaseForecaster):
    """Per series, the best candidate or the mean of the best candidates, chosen by a backtest on the fit data.

    Parameters
    ----------
    models : list of str or None, default=None
        Candidate model names of `forecast.registry` (``"ets"``, ``"gru"``,
        ...); None takes `DEFAULT_MODELS`: the three workhorses, seasonal
        naive, the GRU, the MLP and ridge, and with covariates also each of
        them that reads covariates without them. A name ending in ``-plain``
        (``"linear-plain"``) is that model without the covariates.
    n_windows : int, default=3
        Backtest windows, each ``horizon`` rows, at the end of each series.
    lookback : int or None, default=None
        The window models' input rows; None: twice the horizon, and at
        least one season where the shortest series has the rows for it.
    horizon : int, default=5
    season_length : int or None, default=None
        None: the usual period of the data's frequency.
    max_epochs, random_state :
        Passed to the neural candidates.
    past_covariates, future_covariates, calendar, nonnegative :
        Passed to every candidate, as every forecaster takes them.

    Attributes
    ----------
    members_ : dict of {str: forecaster}
        The candidates some series chose, fitted on all the data.
    weights_ : ndarray of shape (n_series, n_members)
        Each series' weight on each member, in ``members_`` order.
    choice_ : DataFrame
        One row per series (a single series' row is labelled by its target
        names): ``chosen`` (a candidate, or ``mean of a, b``), ``mase`` (the
        chosen forecast's mean backtest MASE) and one column of mean backtest
        MASE per candidate; ``windows`` the windows scored.
    """

    _parameter_rules = {
        "models": (OneOf((None,)), Instance((list, tuple), "a list of model names")),
        "n_windows": POSITIVE,
        "lookback": (OneOf((None,)), POSITIVE),
        "horizon": POSITIVE,
        "season_length": (OneOf((None,)), POSITIVE),
        "max_epochs": (OneOf((None,)), Whole(1)),
        "random_state": RANDOM_STATE,
        **COVARIATE_RULES,
        **NONNEGATIVE_RULES,
    }
    _reads_whole_history = True

    def __init__(
        self,
        models=None,
        n_windows=3,
        lookback=None,
        horizon=5,
        season_length=None,
        max_epochs=None,
        random_state=None,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        nonnegative="auto",
    ):
        self.models = models
        self.n_windows = n_windows
        self.lookback = lookback
        self.horizon = horizon
        self.season_length = season_length
        self.max_epochs = max_epochs
        self.random_state = random_state
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.nonnegative = nonnegative

    def fit(self, y):
        """Backtest every candidate on the fit data, choose per series, and fit the chosen candidates on all of it.

        Parameters and returns as `BaseForecaster.fit`. Where the data is too
        short for ``n_windows`` windows, auto chooses on one and a warning says
        so; too short for one, a `DataError` says what to change. A candidate
        that cannot be backtested (a network on series shorter than its
        window) is left out of the choice, its ``choice_`` column empty.
        """
        return self._fit_checked(y)

    def _fit_frame(self, frame, **fit_options):
        self._frame = frame  # the candidates fit on the frame itself: timestamps, ids and covariates
        try:
            return super()._fit_frame(frame, **fit_options)
        finally:
            del self._frame

    def _fit_series(self, series_list):
        frame = self._frame
        self.season_length_ = season_length_for(self.freq_) if self.season_length is None else int(self.season_length)
        self.lookback_ = self.lookback or self._default_lookback(series_list)
        templates = {name: self._candidate(name) for name in self._names()}
        scores, results, windows = self._backtest(templates, frame)
        pieces = split_series(frame)
        ids = [series_id for series_id, _ in pieces]
        chosen, table = self._choose(scores, results, ids, list(templates))
        used = sorted({name for names in chosen for name in names}, key=list(templates).index)
        self.members_ = {}
        for name in used:
            self.members_[name] = templates[name].fit(frame)
        self.weights_ = np.array([[1 / len(names) if name in names else 0.0 for name in used] for names in chosen])
        self.choice_ = table.assign(windows=windows)
        self._calibration_errors_kept = self._errors(results, frame, chosen, ids)

    def _names(self):
        from ..registry import MODELS

        names = list(DEFAULT_MODELS if self.models is None else self.models)
        if self.models is None and (self.past_covariates or self.future_covariates):
            # Each default candidate that reads covariates also runs without them, so a driver that does not help
            # in the backtest is not used.
            names += [name + COVARIATE_FREE for name in names if MODELS[name].cls._reads_covariates]

        unknown = [name for name in names if name.removesuffix(COVARIATE_FREE) not in MODELS or name == "auto"]
        if unknown or not names or len(set(names)) != len(names):
            raise ParameterError(
                f"models must be distinct names of {', '.join(name for name in MODELS if name != 'auto')} "
                f"(a name ending in {COVARIATE_FREE!r} reads no covariates), not {self.models!r}"
            )
        return names

    def _candidate(self, name):
        from ..registry import make_forecaster

        plain = name.endswith(COVARIATE_FREE)
        covariates = (
            {}
            if plain
            else {
                "past_covariates": self.past_covariates,
                "future_covariates": self.future_covariates,
                "calendar": self.calendar,
            }
        )
        return make_forecaster(
            name.removesuffix(COVARIATE_FREE),
            intervals="model",  # nothing to calibrate: auto's intervals come from its own backtest
            lookback=self.lookback_,
            horizon=self.horizon,
            season_length=self.season_length_,
            max_epochs=self.max_epochs,
            random_state=self.random_state,
            nonnegative=self.nonnegative,
            **covariates,
        )

    def _default_lookback(self, series_list):
        """Twice the horizon, and a season where the shortest series has rows for it and the backtest."""
        lookback = 2 * self.horizon
        shortest = min(len(values) for values in series_list)
        room = shortest - (self.n_windows + 1) * self.horizon
        if self.season_length_ > lookback and room >= self.season_length_:
            lookback = self.season_length_
        return lookback

    def _backtest(self, templates, frame):
        """Per-window scores and rows of every candidate that can be backtested, and the windows used."""
        from ..evaluation.backtesting import backtest
        from ..evaluation.scores import forecast_scores

        for windows in dict.fromkeys((self.n_windows, 1)):
            results = {}
            for name, template in templates.items():
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # series skipped for one candidate are scored by the others
                        results[name] = backtest({name: template}, frame, n_windows=windows, refit=0)
                except DataError:
                    continue
            if results:
                break
        else:
            raise DataError(
                f"the data is too short for a backtest of any candidate ({', '.join(templates)}) with horizon "
                f"{self.horizon}; pass a shorter horizon or longer series, or fit one model instead of auto"
            )
        if windows < self.n_windows:
            warnings.warn(
                f"too few rows for {self.n_windows} backtest windows of {self.horizon} rows; auto chose on 1 window",
                stacklevel=4,
            )
        scores = pd.concat(
            [forecast_scores(rows, frame, season_length=self.season_length_) for rows in results.values()],
            ignore_index=True,
        )
        return scores, _merge(results), windows

    def _choose(self, scores, results, ids, names):
        """Per series, the candidates whose mean forecast is chosen, and the table of backtest MASE behind it."""
        series_key = [None] if ids == [None] else ids
        columns = ["mase", "seasonal_naive_mase", "mae"]
        means = scores.groupby(["series", "model"], sort=False, dropna=False)[columns].mean()
        mase = means["mase"].unstack("model").reindex(index=series_key, columns=names)
        relative = (
            (means["mase"] / means["seasonal_naive_mase"]).unstack("model").reindex(index=series_key, columns=names)
        )
        ranking = _shrunk(relative.where(relative > 0))  # (S, M): each series' own standing drawn towards the panel's
        # A series whose MASE is undefined (a constant history: no seasonal change to scale by) ranks by its MAE.
        mae = means["mae"].unstack("model").reindex(index=series_key, columns=names)
        ranking = ranking.where(ranking.notna().any(axis=1), mae, axis=0)
        ranked = {
            series_id: list(ranking.loc[series_id].dropna().sort_values(kind="stable").index)
            for series_id in series_key
        }
        combined = self._combined_scores(ranked, results, ids)  # {k: (S,) mean MASE of the mean of the top k}
        reference = means["seasonal_naive_mase"].groupby(level="series", sort=False, dropna=False).mean()
        reference = reference.reindex(series_key).to_numpy()
        # ties (and a panel without any defined MASE): the larger mean
        k = min((1, *COMBINED), key=lambda size: (_log_mean(combined[size] / reference), -size))
        chosen, rows = [], []
        for position, series_id in enumerate(series_key):
            members = ranked[series_id][:k]
            label = members[0] if len(members) == 1 else "mean of " + ", ".join(members)
            if not members:  # no candidate could be backtested on this series
                members = [name for name in names if name in results.columns]
                label = "not backtested: mean of " + ", ".join(members)
            chosen.append(members)
            rows.append({"chosen": label, "mase": combined[k][position] if ranked[series_id] else np.nan})
        table = pd.concat([pd.DataFrame(rows, index=mase.index), mase.add_prefix("mase-")], axis=1)
        labels = [", ".join(map(str, self.columns_))] if ids == [None] else series_key  # one series: its targets
        return chosen, table.set_axis(pd.Index(labels, name="series"))

    def _combined_scores(self, ranked, results, ids):
        """``{k: array (S,)}``: each series' mean backtest MASE of the mean forecast of its first ``k`` candidates."""
        from ..evaluation.scores import forecast_scores

        id_col = results.columns[0] if ids != [None] else None
        series_key = list(ranked)
        combined = {}
        for k in (1, *COMBINED):
            values = np.full(len(results), np.nan)
            for series_id, names in ranked.items():
                if len(names) < k:
                    continue
                rows = (
                    np.ones(len(results), dtype=bool) if id_col is None else (results[id_col] == series_id).to_numpy()
                )
                values[rows] = results.loc[rows, names[:k]].mean(axis=1).to_numpy()
            keep = ~np.isnan(values)
            combined[k] = np.full(len(series_key), np.nan)
            if not keep.any():
                continue
            scored = results.loc[keep, _fixed_columns(results)].assign(**{f"best-{k}": values[keep]})
            per_window = forecast_scores(scored, self._frame, season_length=self.season_length_)
            per_series = per_window.groupby("series", sort=False, dropna=False)["mase"].mean()
            combined[k] = per_series.reindex(series_key).to_numpy()
        return combined

    def _errors(self, results, frame, chosen, ids):
        """Absolute errors (n_forecasts, H, C) of each series' chosen forecast over the noise level before it."""
        id_col = results.columns[0] if ids != [None] else None
        pieces = dict(split_series(frame))
        errors = []
        for series_id, names in zip(ids, chosen):
            names = [name for name in names if name in results.columns]
            rows = results if id_col is None else results[results[id_col] == series_id]
            if rows.empty or not names:
                continue
            values = pieces[series_id][self.columns_].to_numpy(np.float64)
            index = pieces[series_id].index
            for cutoff, window in rows.groupby("cutoff", sort=False):
                seen = index.get_loc(cutoff) + 1
                by_target = [window[window["target"] == target] for target in self.columns_]
                if any(len(part) != self.horizon for part in by_target):
                    continue
                error = np.stack(
                    [np.abs(part["actual"] - part[names].mean(axis=1)).to_numpy() for part in by_target], axis=1
                )  # (H, C)
                scale = noise_level(values[:seen], fallback=noise_level(values[:seen], rows=None))  # (C,)
                errors.append(error / scale)
        return np.stack(errors) if errors else np.empty((0, self.horizon, self.n_channels_))

    def _calibration_errors(self, series_list, fallbacks):
        """The chosen forecasts' backtest errors over their noise levels, kept from the choice."""
        errors = self._calibration_errors_kept
        del self._calibration_errors_kept
        return errors

    _calibration_hint = "fit it on longer series, so that its backtest has windows to calibrate on"

    def _context_rows(self):
        return 1  # the last row, for what `BaseForecaster` keeps; the members keep their own context

    def _kept_rows(self, position):
        """The longest of the members' kept rows of the series (the members keep them; this model does not)."""
        series_id = None if self.series_ids_ is None else self.series_ids_[position]
        columns = [*self.columns_, *self.future_covariates_]
        kept = [
            member._kept_rows(0 if series_id is None else member.series_ids_.index(series_id))
            for member in self.members_.values()
            if [*member.columns_, *member.future_covariates_] == columns
            and (series_id is None or series_id in member.series_ids_)
        ]
        if not kept:
            return super()._kept_rows(position)
        return max(kept, key=len)[-self._recent_rows() :]

    def _min_rows(self):
        return 3

    def predict(self, y=None, *, future=None, level=None, horizon=None):
        """Forecast as `BaseForecaster.predict`: each series' weighted mean of its members' forecasts.

        ``y`` is a history from each series' first row, as the statistical
        members read it (the window members read its last rows).
        """
        check_is_fitted(self)
        steps = self._check_steps(horizon)
        levels = check_levels(level)
        widths = None if levels is None else self._half_widths(levels)
        if y is None:
            ids, last_index, histories = self.series_ids_, self.last_index_, None
            self._warn_skipped()
        else:
            ids, histories, last_index = self._read_history(y, self._layout())
            histories = [history[:, : self.n_channels_] for history in histories]  # the targets
        with warnings.catch_warnings():  # a series a member skipped is forecast by the others
            warnings.filterwarnings("ignore", message="no forecast for")
            forecasts = np.stack(
                [_by_series(member.predict(y, future=future), ids, self.columns_) for member in self.members_.values()]
            )  # (M, n, H, C)
        mean = self._finite(_weighted_mean(forecasts, self._weights_for(ids, forecasts.shape[1])))  # (n, H, C)
        if levels is None:
            return self._forecast_frame(ids, last_index, self._nonnegative(mean)[:, :steps], self.columns_)
        if histories is None:
            noise = self.interval_scale_[self._positions([None] if ids is None else ids)]
        else:
            noise = self._noise_levels(histories, ids)
        lower, upper = self._bounds(mean, noise, widths)
        mean, lower, upper = self._nonnegative(mean)[:, :steps], lower[..., :steps, :], upper[..., :steps, :]
        return self._forecast_frame(ids, last_index, *with_bounds(mean, lower, upper, self.columns_, levels))

    def predict_windows(self, X, series_ids=None, *, future=None, times=None, level=None):
        """Forecast each history (an array (n, rows, C) or a list of arrays) as the members' weighted mean.

        Window members read each history's last rows, which must be at least
        their lookback; statistical members read it whole, from the series'
        first row. Without ``series_ids`` every history gets the members'
        mean weight over the fitted series.
        """
        check_is_fitted(self)
        histories = list(X) if isinstance(X, (list, tuple)) else list(np.asarray(X))
        levels = check_levels(level)
        widths = None if levels is None else self._half_widths(levels)
        forecasts = []
        for member in self.members_.values():
            options = {"future": future} if future is not None and member.future_covariates_ else {}
            if member._reads_whole_history:
                forecasts.append(member.predict_windows(histories, series_ids, **options))
            else:
                rows = member._context_rows()
                long_enough = np.array([len(history) >= rows for history in histories])
                if series_ids is not None and member.series_ids_ is not None:  # a member skips series too short for it
                    long_enough &= np.isin(
                        np.asarray(series_ids, dtype=object), np.asarray(member.series_ids_, dtype=object)
                    )
                predicted = np.full((len(histories), self.horizon, self.n_channels_), np.nan)  # NaN: left out
                if long_enough.any():
                    chosen = np.flatnonzero(long_enough)
                    windows = np.stack([np.asarray(histories[row])[-rows:] for row in chosen])
                    ids = None if series_ids is None else [series_ids[row] for row in chosen]
                    known = {name: np.asarray(values)[chosen] for name, values in options.items()}
                    predicted[chosen] = member.predict_windows(windows, ids, **known)
                forecasts.append(predicted)
        weights = self._weights_for(series_ids, len(histories), unknown="mean")
        mean = self._finite(_weighted_mean(np.stack(forecasts), weights))
        if levels is None:
            return self._nonnegative(mean)
        positions = [self.data_columns_.index(name) for name in self.columns_]
        targets = [np.asarray(history, dtype=np.float64)[:, positions] for history in histories]
        lower, upper = self._bounds(mean, self._noise_levels(targets, series_ids), widths)
        return self._nonnegative(mean), lower, upper

    def _weights_for(self, ids, count, unknown="mean"):
        """Weights (count, M) of the given series: their own where fitted, the mean over series otherwise."""
        if self.series_ids_ is None:
            return np.repeat(self.weights_[:1], count, axis=0)
        rows = self._fitted_rows(ids, count)
        return np.where((rows >= 0)[:, None], self.weights_[rows.clip(0)], self.weights_.mean(axis=0))


def _shrunk(relative):
    """Each series' MASE relative to seasonal naive per candidate (S, M), drawn towards the panel's geometric mean.

    The weight `OWN_WEIGHT` on a series' own figure: a few backtest windows of
    one series rank candidates by noise as much as by skill (on two public
    quarterly panels, choosing on them alone did worse than the best single
    candidate), while the panel's standing of a candidate is steady. One
    series is its own panel.
    """
    panel = np.exp(np.log(relative).mean(axis=0))  # (M,) over the series that scored each candidate
    return OWN_WEIGHT * relative + (1 - OWN_WEIGHT) * panel


def _log_mean(ratios):
    """The log of the geometric mean of the finite ratios (inf where there are none)."""
    finite = ratios[np.isfinite(ratios) & (ratios > 0)]
    return float(np.mean(np.log(finite))) if len(finite) else np.inf


def _fixed_columns(results):
    """The results columns that are not forecasts: [id,] cutoff, timestamp, target, actual."""
    return list(results.columns[: list(results.columns).index("actual") + 1])


def _merge(results):
    """One results frame with a forecast column per candidate, from each candidate's own backtest rows."""
    frames = list(results.values())
    keys = [column for column in frames[0].columns if column not in results]
    keys = keys[: keys.index("actual") + 1]
    merged = frames[0]
    for frame in frames[1:]:
        merged = merged.merge(frame, on=keys, how="outer", sort=False)
    return merged


def _by_series(forecast, ids, columns):
    """A member's forecast frame as an array (n, H, C) in the order of ``ids``; NaN for a series it skipped."""
    if ids is None:
        return forecast[columns].to_numpy(np.float64)[None]
    steps = len(forecast) // forecast.index.get_level_values(0).nunique()
    empty = np.full((steps, len(columns)), np.nan)
    by_id = {series_id: rows[columns].to_numpy(np.float64) for series_id, rows in forecast.groupby(level=0, sort=False)}
    return np.stack([by_id.get(series_id, empty) for series_id in ids])


def _weighted_mean(forecasts, weights):
    """Forecasts (M, n, H, C) averaged over members with weights (n, M), leaving out members with no forecast."""
    available = ~np.isnan(forecasts)
    weights = weights.T[:, :, None, None] * available  # (M, n, H, C)
    total = weights.sum(axis=0)
    if (total == 0).any():
        raise DataError("no member of the automatic choice forecasts some series; fit it on longer series")
    return np.nansum(forecasts * weights, axis=0) / total
