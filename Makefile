# The two commands of the README: `make run` and `make test`.
# Everything the project needs is installed from here, into .venv/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean

run:
	@scripts/bootstrap app
	@scripts/run-dev

test:
	@scripts/bootstrap test
	@scripts/ensure-chromium
	@$(BIN)/pytest $(PYTEST_ARGS)

lint:
	@scripts/bootstrap test
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var
