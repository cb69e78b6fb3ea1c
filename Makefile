# The two commands of the quickstart are `make run` and `make test`; both build .venv first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The install stamp carries the hash of pyproject.toml, so a change of dependencies reinstalls.
# Editable installs with every extra: `make run` uses .[all], `make test` .[all,test]
# (a user's `pip install hedgesim` gets the core only; see the extras in pyproject.toml).
DEPS_HASH := $(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
INSTALLED := $(VENV)/.installed-$(DEPS_HASH)
TEST_INSTALLED := $(VENV)/.test-installed-$(DEPS_HASH)
PYTEST := $(PY) -m pytest -p no:cacheprovider

.PHONY: docs run test test-fast test-browser demo notebook sweep bench analysis forecast lint format clean

$(INSTALLED):
	@python=$$(tools/find-python) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV) || { echo "could not create $(VENV) with $$python"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all]'
	@rm -f $(VENV)/.installed-*; touch $@

$(TEST_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[all,test]'
	@rm -f $(VENV)/.test-installed-*; touch $@

# The default experiment: scenario lee_2025, 1,000 runs, ten years in quarterly steps.
run: $(INSTALLED)
	$(PY) -m experiments.run

# The whole suite: fast tier, slow tier and the browser tier (installs Debian's chromium).
test: $(TEST_INSTALLED)
	tools/install-chromium
	$(PYTEST) -n 2 -m "not browser" tests
	$(PYTEST) -m browser tests

# The default tier alone (under 10 minutes on 2 cores).
test-fast: $(TEST_INSTALLED)
	$(PYTEST) -n 2 -m "not slow and not browser" tests

test-browser: $(TEST_INSTALLED)
	tools/install-chromium
	$(PYTEST) -m browser tests

demo: $(INSTALLED)
	$(PY) -m experiments.demo

# Exercise 1 of docs/teaching.md as a notebook, opened in JupyterLab (the `notebook` extra).
notebook: $(TEST_INSTALLED)
	$(PY) -m pip install --quiet -e '.[notebook]'
	$(VENV)/bin/jupyter lab notebooks/thaad_2016.ipynb

sweep: $(INSTALLED)
	$(PY) -m experiments.sweep sweep=rivalry_threat_grid

# Benchmarks (results recorded in benchmarks/RESULTS.md and the README).
bench: $(TEST_INSTALLED)
	$(PY) benchmarks/bench_throughput.py --runs 1000 10000 100000 1000000
	$(PY) benchmarks/bench_sweep.py --runs 10000 100000 1000000 --executor dask --workers 2
	$(PY) benchmarks/bench_mesa.py

# The analyses, each writing to results/; the calibration refreshes conf/calibrated/ and
# tools/gallery.py writes docs/gallery.md from their outputs.
analysis: $(INSTALLED)
	$(PY) -m experiments.sensitivity
	$(PY) -m experiments.discover
	$(PY) -m experiments.calibrate
	$(PY) -m experiments.replay
	$(PY) -m experiments.replay analysis.state=JPN name=replay_jpn
	$(PY) -m experiments.replay scenario=history_aus_2005_2025 calibrated=kor_2000_2014 analysis.state=AUS name=replay_aus
	$(PY) -m experiments.sensitivity calibrated=kor_2000_2014 name=sensitivity_calibrated
	$(PY) -m experiments.discover calibrated=kor_2000_2014 name=discover_calibrated
	$(PY) tools/gallery.py

# A dated forecast of Seoul 2026-2028 from the committed posterior (conf/calibrated/):
# results/forecasts/forecast_<date>.csv, to be committed and scored against what happens.
forecast: $(INSTALLED)
	$(PY) -m experiments.forecast

lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(TEST_INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The docs site (MkDocs) into results/site; the parameter tables and findings are regenerated first.
docs: $(TEST_INSTALLED)
	$(PY) tools/param_table.py --write
	$(PY) tools/findings.py --write
	$(VENV)/bin/mkdocs build
