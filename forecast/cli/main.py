"""The ``forecast`` command line: fit, predict, compare and backtest, from a CSV file.

Only click is imported at start-up; pandas and torch are imported inside the
commands, so ``forecast --help`` stays instant. Library errors become one
``Error: ...`` line on stderr with exit code 1 (2 for usage errors) and no
traceback; ``forecast --debug ...`` shows the traceback instead. Warnings are
``Warning: ...`` lines on stderr. Every file is written atomically, so a
failure or Ctrl-C leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import warnings

import click

from .compare_backtest import backtest_command, compare
from .fit_predict import fit, predict


class ForecastGroup(click.Group):
    """A click group whose every failure ends in a single ``Error:`` line on stderr."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args or bool(os.environ.get("FORECAST_DEBUG"))
        with _termination_as_interrupt(), warnings.catch_warnings():
            warnings.showwarning = _WarningLines()
            try:
                code = super().main(args, prog_name or "forecast", complete_var, standalone_mode=False, **extra)
            except click.UsageError as error:
                hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
                _fail(error, f"{error.format_message()}{hint}", error.exit_code, debug)
            except click.ClickException as error:
                _fail(error, error.format_message(), error.exit_code, debug)
            except (click.Abort, KeyboardInterrupt) as error:
                _stop_interrupted(error, debug)
            except Exception as error:  # noqa: BLE001 - the one place that turns failures into messages
                if _caused_by_interrupt(error):
                    _stop_interrupted(error, debug)
                _fail(error, _describe(error), 1, debug)
        sys.exit(code if isinstance(code, int) else 0)


@contextlib.contextmanager
def _termination_as_interrupt():
    """Let SIGTERM and SIGHUP stop a command as Ctrl-C (SIGINT) does, so that its temporary files are removed.

    A signal that is ignored (SIGHUP under ``nohup``) stays ignored; previous handlers come back at the end.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {number: signal.getsignal(number) for number in _interrupting_signals()}
    for number, handler in previous.items():
        if number != signal.SIGINT and handler is not signal.SIG_IGN:  # SIGINT raises KeyboardInterrupt already
            signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _interrupting_signals():
    return [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]


def _interrupt(signal_number, frame):
    raise KeyboardInterrupt


def _caused_by_interrupt(error):
    """Whether ``error`` was raised while handling an interrupt: a library that turns one into its own error."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return False


def _stop_interrupted(error, debug):
    _ignore_interrupts()  # a second Ctrl-C or SIGTERM must not cut the cleanup short
    _remove_temporary_files()
    _fail(error, "interrupted; no file was written", 130, debug)


def _ignore_interrupts():
    """Ignore SIGINT, SIGTERM and SIGHUP until `_termination_as_interrupt` restores their handlers."""
    if threading.current_thread() is threading.main_thread():
        for number in _interrupting_signals():
            signal.signal(number, signal.SIG_IGN)


def _remove_temporary_files():
    """Remove the temporary files of writes cut short; none can exist unless the output module was imported."""
    outputs = sys.modules.get("forecast.modelfile.outputs")
    if outputs is not None:
        outputs.remove_temporary_files()


class _WarningLines:
    """Shows each warning as one ``Warning:`` line on stderr, without the source line that raised it, once.

    A command scores the same forecasts several times (the table, the verdict),
    and each pass may warn alike: the same line is shown once per command.
    """

    def __init__(self):
        self.shown = set()

    def __call__(self, message, category, filename, lineno, file=None, line=None):
        text = " ".join(str(message).split())
        if text not in self.shown:
            self.shown.add(text)
            click.echo(f"Warning: {text}", err=True)


def _describe(error):
    from ..errors import TrainingError

    if isinstance(error, (TrainingError, ValueError)):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}; check the path and permissions".lstrip(": ")
    return f"unexpected {type(error).__name__}: {error} (run with --debug for the traceback)"


def _fail(error, message, exit_code, debug):
    """Print ``Error: message`` and exit with ``exit_code``; with ``--debug``, re-raise ``error`` instead."""
    if debug:
        raise error
    click.echo(f"Error: {' '.join(str(message).split())}", err=True)
    sys.exit(exit_code)


def main():
    """Console-script entry point."""
    cli.main()


@click.group(cls=ForecastGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.version_option(package_name="forecast")
def cli(debug):
    """Forecast time series from a CSV file: a date column and one or more numeric columns.

    \b
      forecast fit data.csv            train a model (saved to forecast-model.npz)
      forecast predict                 forecast the steps after the training data
      forecast compare data.csv        recurrent nets vs an MLP vs baselines, side by side
      forecast backtest data.csv       rolling-origin backtest: refit, forecast, move on, score
    """


cli.add_command(fit)
cli.add_command(predict)
cli.add_command(compare)
cli.add_command(backtest_command)
