# Two commands for a new user: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install assets browser lint audit clean

run: install assets
	$(BIN)/flask --app engage init-db
	$(BIN)/flask --app engage seed-demo
	@echo "Engage is at http://127.0.0.1:$(PORT) (stop with Ctrl+C)"
	$(BIN)/flask --app engage run --port $(PORT)

test: install assets browser
	$(BIN)/python -m pytest

install: $(VENV)/.python-installed node_modules/.installed

$(VENV)/.python-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	node scripts/build-assets.mjs

browser:
	sh scripts/ensure-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Known vulnerabilities in the installed dependencies fail the build, except those
# accepted with a reason in pip-audit-allowlist.txt (one "ID  # why" per line).
audit: install
	$(BIN)/pip-audit --skip-editable --progress-spinner off \
		$$(sed -n 's/^\([A-Za-z0-9-]\{1,\}\).*/--ignore-vuln \1/p' pip-audit-allowlist.txt)

clean:
	rm -rf $(VENV) node_modules engage/static/build
