# Two commands: `make run` (engine + console with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install browser clean

$(STAMP): pyproject.toml
	@echo "creating $(VENV) and installing shopkeeper with its development tools (about a minute the first time)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The pricing engine also compiled with mypyc (promotions/native.py); plain Python where that cannot be done.
install: $(STAMP)
	@$(BIN)/python -c 'from shopkeeper.promotions import native; native.main(["build"])'

# Debian's Chromium for the console's browser tests; skipped (and the tests say why) where it cannot be installed.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || [ -n "$$SHOPKEEPER_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium and a Chinese font for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
			|| echo "could not install chromium; browser tests will skip"; \
	else echo "no chromium and no way to install it here; browser tests will skip"; fi

run: install
	$(BIN)/shopkeeper db upgrade
	$(BIN)/shopkeeper demo --if-empty
	$(BIN)/shopkeeper serve

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/lint-imports

# the suite on every core (pytest-xdist; each worker has its own PostgreSQL database, tests/conftest.py)
TEST_WORKERS ?= auto

test: install browser lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --durations=20
	@echo "the pricing engine's own tests once more, as plain Python:"
	SHOPKEEPER_PURE_ENGINE=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) tests/promotions/test_rules.py tests/promotions/test_unit_offers.py tests/promotions/test_stacking.py tests/promotions/test_search.py tests/promotions/test_properties.py tests/promotions/test_benefits.py

clean:
	rm -rf $(VENV) src/shopkeeper/promotions/_native shopkeeper.db shopkeeper.db-wal shopkeeper.db-shm

# Pricing engine benchmark (not part of `make test`): carts/s and latency on one core, next to django-oscar.
.PHONY: bench-pricing
bench-pricing: install
	$(BIN)/python benchmarks/pricing.py
