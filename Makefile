# ENT Parents - the commands a newcomer types. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
AWS_PORT ?= 8001

.PHONY: run test test-fast lint bench site chromium install clean

run: $(STAMP) site
	PORT=$(PORT) AWS_PORT=$(AWS_PORT) $(BIN)/python -m devserver

test: $(STAMP) chromium node_modules
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# The core and flow tests on two workers: no browser, no schemathesis, no subprocess (markers from
# tests/conftest.py). The two directories are not even collected: importing playwright and
# schemathesis would cost each worker seconds.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/core tests/functions -m "not slow" -n 2 $(PYTEST_ARGS)

# Style and types over all the Python: ruff's rules and formatting, then mypy as pyproject.toml
# configures it (functions/ strict, the rest with its untyped functions checked).
LINTED := functions secretariat devserver bench tools infra tests

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

bench: $(STAMP) site
	$(BIN)/python -m bench

site: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

install: $(STAMP)

# The venv is (re)made when pyproject.toml changes: pinned versions, one list for Lambda and tools.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is needed (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,admin]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium (never `playwright install`, which downloads a browser), with
# a fixed set of fonts: the help pages use the system's fonts, and the committed screenshots must
# render the same on every machine (fontconfig picks Nimbus Sans for Helvetica when it is there).
BROWSER_PACKAGES := chromium fonts-liberation fonts-dejavu-core fonts-dejavu-extra fonts-urw-base35 \
                    fonts-droid-fallback fonts-noto-mono

chromium:
	@missing=$$(for package in $(BROWSER_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages for the browser tests: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Browser tests need Debian packages: run 'sudo apt-get install $$missing' and retry."; exit 1; \
	  fi; \
	fi

clean:
	rm -rf site build .pytest_cache

# The Lambda artifact, as `sam build` would make it, for the template's runtime on arm64: build/lambda/
# (the template's CodeUri, shared by every function) and build/lambda.zip; prints its size.
.PHONY: package
package: $(STAMP)
	$(BIN)/python -m infra.package

# The artifact run on its target: build/lambda/ on arm64 Python 3.13 (Debian trixie under qemu-user,
# made once and cached outside the clone), one event per function of the template against moto on
# loopback (infra/package_check.py). Root the first time (apt-get, binfmt_misc, mmdebstrap: ~5 min).
.PHONY: package-check
package-check: package
	$(BIN)/python -m infra.package_check

# The browser tests' JavaScript tool (axe-core), exactly as package-lock.json pins it. Lighthouse,
# the devDependency, is left out: `npm ci` installs it for `python -m bench lighthouse`.
node_modules: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Browser tests need Node.js and npm: run 'sudo apt-get install nodejs npm' and retry."; exit 1; }
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch node_modules

# The help centre's screenshots (docs/assets/screenshots/*.png), taken from the real pages.
.PHONY: screenshots
screenshots: $(STAMP) chromium
	$(BIN)/python -m tools.screenshots
