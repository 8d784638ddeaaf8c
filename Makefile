# The two commands of the README: `make run` and `make test`.
# Everything the project needs is installed from here, into .venv/.

PYTHON ?= python3
VENV   := .venv
# The suite is split over this many processes (the machine has 2 cores).
PYTEST_WORKERS ?= 2
# Where `make run` serves: `make run PORT=8001` when 8000 is taken.
PORT   ?= 8000
BIN    := $(VENV)/bin

.PHONY: run test test-fast lint lock bench clean

run:
	@scripts/bootstrap app
	@PORT=$(PORT) scripts/run-dev

test:
	@scripts/bootstrap test
	@scripts/ensure-chromium
	@$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The suite without the browser journeys (no Chromium needed): for the edit-test loop.
test-fast:
	@scripts/bootstrap test
	@$(BIN)/pytest -n $(PYTEST_WORKERS) --ignore=tests/browser $(PYTEST_ARGS)

lint:
	@scripts/bootstrap test
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

# Refresh constraints.txt from a fresh install of pyproject.toml's ranges.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e ".[test]"
	{ echo "# Exact versions of every package make run / make test / CI install (pip -c)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -v siam-governance; } > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var
