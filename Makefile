# Two commands on a fresh machine: `make run` and `make test`. Everything else is plumbing.
# Stamps make a second run fast: nothing is reinstalled unless its inputs changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Model files live in the repo's models/ folder (gitignored); the manifest beside them is tracked.
# make names the folder for its own commands (the real-model tests read it); outside make, the
# CLI, the app and `serve` find it without the variable, as the installation's models folder.
export SOURCEWISE_MODELS_DIR ?= $(CURDIR)/models
# llama.cpp builds for any x86-64 with AVX2, so a cached wheel works on the CI machine too.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export PIP_DISABLE_PIP_VERSION_CHECK := 1

DEPS_STAMP := $(VENV)/.deps-stamp
MODELS_STAMP := models/.installed-stamp
TYPING_LINKS := build/typing/sourcewise

.PHONY: run test test-fast test-real lint typecheck imports setup models package screenshots bench clean

run: setup models
	$(PY) -m sourcewise.desktop --sample

test: setup models lint typecheck imports
	$(BIN)/pytest -q tests

test-fast: setup
	$(BIN)/pytest -q -m "not real" tests

test-real: setup models
	$(BIN)/pytest -q -m real tests

setup: $(DEPS_STAMP)

$(DEPS_STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	# torch first: the local CPU build. A plain `torch` requirement would pull CUDA wheels.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[desktop,dev,tune]' torch==2.13.0
	touch $@

models: $(MODELS_STAMP)

$(MODELS_STAMP): models/manifest.toml $(DEPS_STAMP)
	$(BIN)/sourcewise models install --defaults
	touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup $(TYPING_LINKS)
	$(BIN)/mypy -p sourcewise.core -p sourcewise.desktop

# mypy cannot follow setuptools' editable import hook, so it reads the namespace through links.
$(TYPING_LINKS):
	mkdir -p $@
	ln -sfn ../../../core $@/core
	ln -sfn ../../../desktop $@/desktop

imports: setup $(TYPING_LINKS)
	PYTHONPATH=build/typing $(BIN)/lint-imports

# The fake models draw the screens; under Xvfb when there is no display.
# Debian packages for a real X window on a virtual screen (only when there is no display).
XVFB_PACKAGES := xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-cursor0 libxkbcommon-x11-0

screenshots: setup
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && ! command -v xvfb-run >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq $(XVFB_PACKAGES); fi
	$$([ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || echo xvfb-run -a) $(PY) packaging/screenshots.py --out docs/screenshots

# A one-folder app in dist/Sourcewise (model files are not bundled: the app offers to install
# them on first run). The self-test opens the window offscreen and loads the native libraries.
package: setup
	$(BIN)/pip install -q 'pyinstaller>=6.6'
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/sourcewise.spec
	cp packaging/sourcewise.desktop resources/icons/sourcewise-256.png dist/Sourcewise/
	tmp=$$(mktemp -d) && QT_QPA_PLATFORM=offscreen dist/Sourcewise/Sourcewise --self-test \
		--data-dir "$$tmp" ; status=$$? ; rm -rf "$$tmp" ; exit $$status
	du -sh dist/Sourcewise

bench: setup models
	$(PY) bench/index.py
	$(PY) bench/retrieval.py

clean:
	rm -rf build dist .mypy_cache .ruff_cache
