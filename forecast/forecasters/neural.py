"""The series-level neural forecasters: `RNNForecaster` and `MLPForecaster`."""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import DataError, ParameterError
from ..inputs.defaults import worth_trying
from ..inputs.scaling import Scaling
from ..inputs.windows import chronological_split
from ..neural.fitting import MLPNetwork, RecurrentNetwork
from ..neural.networks import SKIPS
from ..neural.starts import STARTS
from ..neural.window_net import LOSSES
from ..params import COVARIATE_RULES, FLAG, NONNEGATIVE_RULES, POSITIVE, OneOf, Several
from ..reading.panel import first_ids
from .base import BaseForecaster
from .intervals import limit_calibration_rows

WINDOW_RULES = {"lookback": (POSITIVE, Several(POSITIVE)), "horizon": POSITIVE, **COVARIATE_RULES, **NONNEGATIVE_RULES}

TRAINING_PARAMETERS = """
    max_epochs : int, default=100
        Upper bound on epochs.
    max_steps : int or None, default=None
        Upper bound on optimiser steps in all, whatever the epochs; None
        leaves ``max_epochs`` and early stopping alone to end training.
    epoch_windows : int, default=524_288
        The most training windows an epoch visits: with more, each epoch
        draws this many afresh, uniformly over all windows, so that an
        epoch's cost stops growing with the data (see docs/many-series.md).
        The default is 2.8 times the windows of a 400-series hourly panel:
        small and medium data see every window every epoch.
    batch_size : int or "auto", default="auto"
        Windows per optimiser step; "auto" gives about 16 steps per epoch,
        ``n_train_windows // 16`` clipped to [8, 128], so that short series
        are not stopped after a handful of steps and long ones train fast;
        with more than 131,072 training windows (or ``epoch_windows``),
        1,024, worth a second thread on an idle machine: 400 hourly series
        then fit in less than half the time.
    learning_rate : float or "auto", default="auto"
        Adam's initial step size; "auto" is 1e-3 for batches of up to 128
        windows, grown with the square root of larger ones
        (``1e-3 * sqrt(batch_size / 128)``: 2.8e-3 at 1,024), except on
        epochs that sample the windows (more than ``epoch_windows``), which
        trained longer at the higher rate for no better forecast.
    weight_decay : float, default=0.0
        Adam's L2 penalty.
    patience : int, default=PATIENCE
        Epochs without a better validation loss before training stops; the
        best weights are restored. The recurrent models stop after 5 (as
        good on every validation period tried, and about a third faster),
        the MLP after 10 (5 stopped it too early on the short series).
    lr_schedule : {"plateau", "cosine", None}, default="plateau"
        "plateau" halves the rate when the validation loss stalls.
    gradient_clip : float, default=1.0
        Largest global L2 norm of the gradients; 0 turns clipping off.
    validation_fraction : float, default=0.2
        Fraction of the rows, taken from the end (never shuffled), held out
        for early stopping and for calibrating prediction intervals. Scaling
        is fitted on the rows before it. A series too short for such a tail
        trains on all its rows; when no series has one, training stops on the
        training loss (with a warning) and the model has no intervals.
    random_state : int, RandomState or None, default=None
        Seeds the initial weights, dropout and shuffling; an int makes CPU
        runs bit-identical.
    device : {"auto", "cpu", "cuda"}, default="auto"
        "auto" trains on CUDA when available. A model trained on a GPU
        predicts on a CPU-only machine.
"""

# The fitted attributes both neural forecasters share, after their ``module_``.
FITTED_ATTRIBUTES = """    lookback_ : int
        The lookback of the network: ``lookback``, or the one chosen of several.
    lookbacks_tried_ : list of int
        The lookbacks scored on validation to choose ``lookback_``; empty when there was no choice.
    start_ : str
        The linear path's start (with ``skip="linear"``).
    loss_ : str
        The loss trained on: "scaled" or "mse".
    dropped_covariates_ : list of str
        The covariates dropped on validation (``drop_covariates``), a
        calendar period by its name; empty when none.
    padded_series_ : list
        The ids of the series shorter than ``lookback + horizon`` that were
        padded at fit; `predict` pads a short history of theirs the same way.
    history_ : list of dict
        One dict per epoch: epoch, train_loss, validation_loss, learning_rate, seconds.
    columns_ : list
        The fit data's column names.
"""


def training_parameters(patience):
    """The docstring section of the training parameters, with a class's default ``patience``."""
    return TRAINING_PARAMETERS.replace("PATIENCE", str(patience))


COVARIATE_PARAMETERS = """
    past_covariates : list of str, optional
        Columns of the fit data that are inputs known up to the forecast
        origin only; they are not forecast (see `forecast.inputs.covariates`).
    future_covariates : list of str, optional
        Columns that are inputs known for the forecast rows too; `predict`
        then needs their values in ``future=``.
    calendar : {None, "auto"}, default=None
        "auto" adds smooth encodings of the calendar periods of the data's
        frequency (hour of day, day of week, ...) as future-known inputs.
    drop_covariates : bool, default=True
        Once trained, with a validation tail, drop the covariates the network
        does not need: each (a calendar period counts as one) is set to zero
        in the validation windows, and backward elimination drops, one at a
        time, the covariate whose removal lowers the network's validation
        error most, while one does not raise it. A dropped covariate is still
        given, but read as zero (its training mean) in every forecast;
        ``dropped_covariates_`` names them (see ``docs/recurrent.md``).
        False reads every covariate.
    nonnegative : {"auto", True, False}, default="auto"
        "auto" keeps the forecasts and interval bounds of a target at 0 or
        above when all its fit values are (counts, sales); True does so for
        every target, False never.
"""

NETWORK_PARAMETERS = """
    instance_norm : {"last", "standardize", None}, default="last"
        Per-window normalisation, undone on the output: "last" subtracts each
        channel's last input value, "standardize" subtracts the window mean
        and divides by its standard deviation. It makes the model robust to
        level shifts between training and forecast time.
    channel_independent : bool, default=True
        Forecast each channel on its own with weights shared across channels
        (channels become batch entries); False mixes channels.
"""


class NeuralForecaster(BaseForecaster):
    """Shared fitting path of the neural forecasters; subclasses only pick the network."""

    def fit(self, y, *, on_epoch_end=None):
        """Fit on a series; see `BaseForecaster.fit`.

        Parameters
        ----------
        y : DataFrame, Series or array-like of shape (T,) or (T, C)
        on_epoch_end : callable, optional
            Called after each epoch with that epoch's ``history_`` dict.
        """
        return self._fit_checked(y, on_epoch_end=on_epoch_end)

    def _choose_window(self, pieces, layout):
        """Set ``lookback_``: ``lookback``, or of several the one whose start forecasts the validation tail best.

        The first lookback given is always tried; each other where a typical
        series (the median length) holds two of its windows end to end,
        ``2 * (lookback + horizon)`` rows, so that a long window leaves
        enough windows to train on. Each is scored by the validation error of
        its network's start (`forecast.neural.fitting.NeuralMixin._start_error`;
        the best one, or the one ``start`` names), before any training, on the
        same validation windows: those of the series with a validation tail at
        the longest lookback tried. On three public panels the starts picked
        the window that the trained networks' validation errors picked
        (``docs/recurrent.md``). Ties keep the first; without validation
        windows the first is taken unscored. ``lookbacks_tried_`` lists those
        scored (empty when there was no choice).
        """
        candidates = self._lookbacks()
        self.lookback_, self.lookbacks_tried_ = candidates[0], []
        if len(candidates) == 1:
            return
        if self.skip is None:
            raise ParameterError(
                f"lookback={self.lookback!r} asks for a choice, made by the linear path's start, but skip=None has "
                "no linear path; give one lookback or use skip='linear'"
            )
        values = [layout.values(piece) for _, piece in pieces]
        typical = np.median([len(series) for series in values])
        candidates = candidates[:1] + [
            lookback for lookback in candidates[1:] if worth_trying(lookback, self.horizon, typical)
        ]
        longest = max(candidates)
        scored = [self._has_validation_tail(len(series), longest) for series in values]
        if len(candidates) == 1 or not any(scored):  # nothing to choose, or no tail to choose on: the first
            return
        errors, covariates = {}, (len(self.past_covariates_), layout.n_future)
        for lookback in candidates:
            self.lookback_ = lookback
            scaled, train_starts, validation_starts = self._scaled_windows(self._pad_short_series(values), scored)
            errors[lookback] = self._start_error(
                scaled, train_starts, validation_starts, lookback, self.horizon, covariates=covariates
            )
        self.lookbacks_tried_ = candidates
        self.lookback_ = min(candidates, key=errors.get)

    def _lookbacks(self):
        """The lookbacks given, in order, each once: ``[lookback]`` or the choices."""
        return [int(lookback) for lookback in dict.fromkeys(np.atleast_1d(self.lookback).tolist())]

    def _has_validation_tail(self, n_rows, lookback):
        """Whether a series of ``n_rows`` rows has validation windows at ``lookback`` (`_split`)."""
        return n_rows >= lookback + self.horizon and len(self._split(n_rows, lookback, self.horizon).validation) > 0

    def _fit_series(self, series_list, on_epoch_end=None):
        scaled, train_starts, validation_starts = self._scaled_windows(series_list)
        if self.validation_fraction > 0 and len(validation_starts) == 0:
            warnings.warn(
                f"the series are too short for a validation tail of validation_fraction={self.validation_fraction} "
                f"with lookback={self.lookback_} and horizon={self.horizon}; training without early stopping on "
                "validation",
                stacklevel=5,
            )
        return self._fit_network(
            scaled,
            train_starts,
            validation_starts,
            self.lookback_,
            self.horizon,
            on_epoch_end,
            covariates=(len(self.past_covariates_), self._layout().n_future),
            drivers=self._layout().covariate_positions() if self.drop_covariates else {},
        )

    def _scaled_windows(self, series_list, validated=None):
        """``(scaled, train_starts, validation_starts)`` of the series at ``lookback_``; sets ``scaling_``, ``loss_``.

        ``scaled`` (sum T_i, C+P+F) holds every series end to end, each scaled
        by its own training rows, float32; the starts are rows of it.
        ``validated`` (one bool per series; None: all) says whose validation windows to give.
        """
        splits = [self._split(len(values), self.lookback_, self.horizon) for values in series_list]
        validated = [True] * len(splits) if validated is None else validated
        scalings = [Scaling.fit(values[: split.train_rows]) for values, split in zip(series_list, splits)]
        self.scaling_ = Scaling.stack(scalings)  # (n_series, C)
        lengths = [len(values) for values in series_list]
        offsets = np.cumsum([0] + lengths[:-1])
        scaled = np.empty((sum(lengths), series_list[0].shape[1]), dtype=np.float32)  # (sum T_i, C)
        for values, scaling, offset in zip(series_list, scalings, offsets):
            scaled[offset : offset + len(values)] = scaling.transform(values)
        if hasattr(self, "loss"):  # see the forecasters' ``loss``
            self.loss_ = ("scaled" if len(series_list) > 1 else "mse") if self.loss == "auto" else self.loss
        train_starts = [split.train + offset for split, offset in zip(splits, offsets)]
        validation = [split.validation + offset for split, offset, kept in zip(splits, offsets, validated) if kept]
        return scaled, np.concatenate(train_starts), np.concatenate([np.zeros(0, dtype=np.int64), *validation])

    def _context_rows(self):
        """The window's rows: ``lookback_``; before fit (a backtest asks), the first lookback given."""
        return self.lookback_ if hasattr(self, "lookback_") else self._lookbacks()[0]

    def _drop_short_series(self, pieces):
        """Keep every one of many series: those shorter than one window are padded (`_pad_short_series`).

        One series too short for a window, or many that all are, raise as for every forecaster.
        """
        needed = self._min_rows()
        short = [str(series_id) for series_id, piece in pieces if len(piece) < needed]
        self.padded_series_ = []
        if pieces[0][0] is None or len(short) == len(pieces):
            return super()._drop_short_series(pieces)
        self.padded_series_ = [series_id for series_id, piece in pieces if len(piece) < needed]
        if short:
            warnings.warn(
                f"padding {len(short)} series shorter than {needed} rows (lookback + horizon) at the front with "
                f"their first row, so that the model forecasts them too: {first_ids(short)}; "
                "a shorter lookback pads less",
                stacklevel=5,
            )
        return pieces

    def _pad_short_series(self, values):
        """Each series (T_i, C+P+F) shorter than ``lookback + horizon`` rows with its first row repeated before it.

        Its one training window then forecasts its last ``horizon`` rows (its
        own where it has that many) from the rest, and its forecast reads its
        last ``lookback`` rows, padding included; the recurrent network pads
        its segments the same way. Scaling is fitted on the padded rows.
        """
        return [_front_padded(series, self._min_rows()) for series in values]

    def _last_rows(self, history, series_id, rows):
        """A history of a series padded at fit, when shorter than the window, is padded the same way."""
        needed = self._min_context_rows()
        if series_id in getattr(self, "padded_series_", ()):
            history = _front_padded(history, needed)
        return super()._last_rows(history, series_id, rows)

    def _split(self, n_rows, lookback, horizon):
        """The series' own chronological split; one too short for a validation tail trains on every row."""
        try:
            return chronological_split(n_rows, lookback, horizon, validation_size=float(self.validation_fraction))
        except DataError:
            return chronological_split(n_rows, lookback, horizon)

    def _forecast(self, windows, scaling, future):
        if future is not None:
            future = scaling.channels(slice(-future.shape[2], None)).transform(future)  # (n, H, F), scaled
        windows = scaling.transform(windows)  # (n, L, C+P+F), scaled
        for position in self._dropped_positions():  # read as at fit: zero, each series' training mean
            windows[..., self.n_channels_ + position] = 0.0
            if position >= len(self.past_covariates_):
                future[..., position - len(self.past_covariates_)] = 0.0
        scaled = self._predict_scaled(windows, future)  # (n, H, C)
        return scaling.channels(slice(0, self.n_channels_)).inverse(scaled)

    def _dropped_positions(self):
        """The positions among the P+F covariate columns of the drivers dropped at fit (``dropped_covariates_``)."""
        positions = self._layout().covariate_positions()
        return [position for name in self.dropped_covariates_ for position in positions[name]]

    @property
    def _calibration_hint(self):
        if self.validation_fraction > 0:  # the series were too short for a validation tail
            return "fit it on series long enough for a validation tail"
        return "fit it with validation_fraction > 0 (as `forecast fit` does)"

    def _calibration_model(self, series_list):
        """The network itself and its validation tails.

        It was trained without those rows, though the tails chose its start
        and its epoch, which can make the calibration a little optimistic
        (`benchmarks/README.md` measures the coverage reached).
        """
        tails = [
            len(values) - self._split(len(values), self.lookback_, self.horizon).train_rows for values in series_list
        ]
        return self, limit_calibration_rows(tails)


def _front_padded(series, rows):
    """``series`` (T, K), or with fewer than ``rows`` rows its first row repeated before it up to ``rows``."""
    if len(series) >= rows:
        return series
    return np.concatenate([np.repeat(series[:1], rows - len(series), axis=0), series])


class RNNForecaster(RecurrentNetwork, NeuralForecaster):
    __doc__ = f"""Recurrent forecaster (Elman RNN, LSTM or GRU): ``lookback`` rows in, ``horizon`` rows out.

    A many-to-many network: after each recurrent step a linear head forecasts
    the next ``horizon`` rows, and the forecast from the last step is the
    prediction. By default a linear path from the window carries the forecast
    and the recurrent head corrects it (``skip="linear"``): the path starts as
    the seasonal naive forecast of the data's frequency, a ridge regression of
    the same inputs or a windowed workhorse (``start``), whichever forecasts the
    validation tail best, the head starts silent, training minimises the
    final forecast's absolute error scaled by each window's naive error
    (``loss="scaled"``, the default for many series; one series trains on
    the MSE), and early stopping keeps the starting
    network unless training beats it on the validation tail. See
    `forecast.neural.networks.RecurrentNet`.

    Parameters
    ----------
    lookback : int or list of int, default=5
        Past rows each forecast sees. Several (such as ``(52, 26, 78)``)
        are choices: before training, each is scored by the validation error
        of the network's best start at that window, and the lowest is taken
        (``lookback_``); the first is always tried, the others where a typical
        series holds two of their windows (see `NeuralForecaster._choose_window`
        and ``docs/recurrent.md``).
    horizon : int, default=5
        Future rows each forecast covers.
    cell : {{"rnn", "lstm", "gru"}}, default="gru"
        "rnn" is the Elman network with tanh.
    hidden_size : int, default=128
    num_layers : int, default=1
        Stacked recurrent layers.
    segment_length : int or None, default=None
        Rows fed to the network per recurrent step (SegRNN's segments); None
        gives four steps of ``ceil(lookback / 4)`` rows, capped at 48 rows
        (so lookback 336 takes seven steps of 48). On validation periods of
        the bundled series, a few long segments forecast better than one
        step per row, and segments over 48 rows worse than 48.
    supervision : {{"dense", "last"}}, default="last"
        "dense" trains every step's forecast; "last" only the final one.
    skip : {{"linear", None}}, default="linear"
        "linear" adds a linear path from each step's last ``lookback`` rows
        to its forecast, which the recurrent head corrects (see
        `forecast.neural.networks.RecurrentNet`); None leaves the recurrent head alone.
        On the validation periods of 20 public real series
        (``benchmarks/real_series.py``) the GRU's geometric mean MASE relative
        to seasonal naive went from 0.876 (None, dense) to 0.722 with both
        defaults (the MLP: 0.750, the linear model: 0.789); see
        ``benchmarks/README.md`` for each step and for ETTh1.
    start : {{"auto", "seasonal", "ridge", "profile", "theta"}}, default="auto"
        Where the linear path starts (with ``skip="linear"``): seasonal naive,
        a ridge regression of its inputs, or a windowed workhorse of
        `forecast.neural.starts` (the last season's level with the seasonal
        profile of every season in the window, or that plus half the trend,
        as the Theta method). "auto" takes the one that forecasts the
        validation windows best by the error the network trains on: the
        geometric mean of their MAE with the scaled loss (each series counts
        alike), else their MSE; ``start_`` says which. See ``docs/recurrent.md``.
    loss : {{"auto", "scaled", "mse"}}, default="auto"
        What training minimises: "scaled" divides each window's absolute
        errors by the mean absolute change between its input rows (the naive
        forecast's error, MASE's scale), so that calm and noisy series weigh
        alike; "mse" is the mean squared error in scaled units (what earlier
        releases trained, and their model files keep). "auto" takes "scaled"
        for many series and "mse" for one (``loss_`` says which): on public
        monthly and quarterly panels "scaled" forecast better, on twenty
        single series it did not (``docs/recurrent.md``). Early stopping
        watches the MSE either way.
    dropout : float, default=0.5
        Dropout on the hidden states before the head (and between stacked
        layers). A wide, heavily regularised state forecast best on the
        validation periods of every bundled series.
{NETWORK_PARAMETERS}{training_parameters(5)}{COVARIATE_PARAMETERS}
    Attributes
    ----------
    module_ : RecurrentNet
{FITTED_ATTRIBUTES}
    Examples
    --------
    >>> from forecast import RNNForecaster, read_csv
    >>> series = read_csv("datasets/airline.csv")
    >>> model = RNNForecaster(lookback=24, horizon=12, random_state=0).fit(series)
    >>> model.predict().shape
    (12, 1)
    """

    _parameter_rules = {
        **WINDOW_RULES,
        **RecurrentNetwork._network_rules,
        "start": OneOf(("auto", "ridge", *STARTS)),
        "loss": OneOf(("auto", *LOSSES)),
        "drop_covariates": FLAG,
    }

    def __init__(
        self,
        lookback=5,
        horizon=5,
        cell="gru",
        hidden_size=128,
        num_layers=1,
        dropout=0.5,
        segment_length=None,
        instance_norm="last",
        channel_independent=True,
        supervision="last",
        skip="linear",
        start="auto",
        loss="auto",
        max_epochs=100,
        max_steps=None,
        epoch_windows=524_288,
        batch_size="auto",
        learning_rate="auto",
        weight_decay=0.0,
        patience=5,
        lr_schedule="plateau",
        gradient_clip=1.0,
        validation_fraction=0.2,
        random_state=None,
        device="auto",
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        nonnegative="auto",
        drop_covariates=True,
    ):
        self.lookback = lookback
        self.horizon = horizon
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.segment_length = segment_length
        self.instance_norm = instance_norm
        self.channel_independent = channel_independent
        self.supervision = supervision
        self.skip = skip
        self.start = start
        self.loss = loss
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.epoch_windows = epoch_windows
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.gradient_clip = gradient_clip
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.drop_covariates = drop_covariates
        self.nonnegative = nonnegative


class MLPForecaster(MLPNetwork, NeuralForecaster):
    __doc__ = f"""Plain MLP forecaster on the flattened window: ``lookback`` rows in, ``horizon`` rows out.

    The baseline that shows what recurrence adds: same windows, scaling,
    instance normalisation, linear path, start, loss and training loop as
    `RNNForecaster`, but a feed-forward network corrects the linear path
    where the recurrent net has its recurrent head. See
    `forecast.neural.networks.MLPNet`.

    Parameters
    ----------
    lookback : int or list of int, default=5
        Past rows each forecast sees; several are choices, as
        `RNNForecaster` takes them.
    horizon : int, default=5
    hidden_size : int, default=128
        Width of each hidden layer.
    num_layers : int, default=2
        Hidden layers.
    dropout : float, default=0.0
        Dropout after each hidden layer.
    skip : {{"linear", None}}, default="linear"
        "linear" adds the linear path of `RNNForecaster` that the MLP
        corrects; None leaves the MLP alone (what earlier releases fitted, and
        their model files keep).
    start : {{"auto", "seasonal", "ridge", "profile", "theta"}}, default="auto"
        Where the linear path starts, as in `RNNForecaster`.
    loss : {{"auto", "scaled", "mse"}}, default="auto"
        What training minimises, as in `RNNForecaster`.
{NETWORK_PARAMETERS}{training_parameters(10)}{COVARIATE_PARAMETERS}
    Attributes
    ----------
    module_ : MLPNet
{FITTED_ATTRIBUTES}
    Examples
    --------
    >>> from forecast import MLPForecaster, read_csv
    >>> model = MLPForecaster(lookback=24, horizon=12, random_state=0).fit(read_csv("datasets/airline.csv"))
    >>> model.predict().index[0]
    Timestamp('1961-01-01 00:00:00')
    """

    _parameter_rules = {
        **WINDOW_RULES,
        **MLPNetwork._network_rules,
        "skip": OneOf(SKIPS),
        "start": OneOf(("auto", "ridge", *STARTS)),
        "loss": OneOf(("auto", *LOSSES)),
        "drop_covariates": FLAG,
    }

    def __init__(
        self,
        lookback=5,
        horizon=5,
        hidden_size=128,
        num_layers=2,
        dropout=0.0,
        instance_norm="last",
        channel_independent=True,
        max_epochs=100,
        max_steps=None,
        epoch_windows=524_288,
        batch_size="auto",
        learning_rate="auto",
        weight_decay=0.0,
        patience=10,
        lr_schedule="plateau",
        gradient_clip=1.0,
        validation_fraction=0.2,
        random_state=None,
        device="auto",
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        nonnegative="auto",
        drop_covariates=True,
        skip="linear",
        start="auto",
        loss="auto",
    ):
        self.lookback = lookback
        self.horizon = horizon
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.skip = skip
        self.start = start
        self.loss = loss
        self.instance_norm = instance_norm
        self.channel_independent = channel_independent
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.epoch_windows = epoch_windows
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.gradient_clip = gradient_clip
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.drop_covariates = drop_covariates
        self.nonnegative = nonnegative
