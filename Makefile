# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create .venv and install the package with the pinned, CPU-only versions (bytecode compiled only
# for what is imported, below, not for every installed file). The venv gets the pinned pip straight from
# this Python's pip (ensurepip's older one as a fallback): pip 26 resolves the pinned set in a third of
# the time pip 23 takes. The tests run on two processes
# (pytest-xdist), an idle one taking tests queued for the other (--dist worksteal), since a few start
# processes of their own.
PYTHON ?= python3
# Bytecode is written as modules are first imported, whatever the calling shell says: without it every test
# process and every command the tests start compiles torch, pandas and scikit-learn again.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint peers clean

# What the commands and the tests import, imported once after the install (in two processes, one for
# each core): its bytecode is then compiled once, not again by each test process and by each command a
# test starts before the first has written it. torch._dynamo is what torch's optimisers import when the
# first one is made (a third of torch's bytecode); the project's own modules compile in a moment.
WARM_TORCH := torch.distributed.run, torch._dynamo
WARM_REST := pandas, click, statsmodels.tsa.arima.model, statsmodels.tsa.stattools, \
	statsmodels.tsa.exponential_smoothing.ets, statsmodels.tsa.forecasting.theta, statsmodels.tsa.holtwinters, \
	statsmodels.tsa.seasonal, matplotlib.pyplot, sklearn.linear_model, sklearn.model_selection, \
	sklearn.utils.estimator_checks, pyarrow.csv, joblib, hypothesis, pytest, xdist

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet -c constraints.txt pip 2>/dev/null \
		|| ($(BIN)/python -m ensurepip >/dev/null && $(BIN)/python -m pip install --quiet -c constraints.txt --upgrade pip)
	$(BIN)/pip install --quiet --no-compile -c constraints.txt -e '.[dev]'
	$(BIN)/python -c "import $(WARM_TORCH)" & torch=$$!; $(BIN)/python -c "import $(WARM_REST)" && wait $$torch
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/forecast fit datasets/airline.csv -o demo-model.npz
	$(BIN)/forecast predict --model demo-model.npz
	$(BIN)/forecast compare datasets/airline.csv --plot demo-compare.png

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check forecast tests benchmarks datasets cli.py
	$(BIN)/ruff format --check forecast tests benchmarks datasets cli.py

# The peer libraries live in their own environment, never as dependencies of forecast.
.venv-peers/.installed: benchmarks/requirements-peers.txt constraints.txt
	$(PYTHON) -m venv .venv-peers
	.venv-peers/bin/pip install --quiet -c constraints.txt -e . -r benchmarks/requirements-peers.txt
	touch .venv-peers/.installed

peers: .venv-peers/.installed
	.venv-peers/bin/python benchmarks/peers.py

clean:
	rm -rf $(VENV) .venv-peers build *.egg-info
