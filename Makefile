# docgen: `make run` renders every example, `make test` runs the whole suite.
# Both create .venv when missing (Python 3.11, pip and apt are all a fresh machine needs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# System libraries WeasyPrint loads (Pango, HarfBuzz, fontconfig) and the tools tests call.
RUNTIME_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_TOOLS := poppler-utils qpdf curl
# The API's multi-instance tests start a PostgreSQL cluster and nginx of their own (bench/services.py).
TEST_SERVICES := postgresql nginx-light

.PHONY: run test test-fast lint golden-update fonts notice-states messages bench sysdeps sysdeps-test venv clean

run: venv
	$(BIN)/docgen examples examples --out out

test: lint sysdeps-test
	$(BIN)/python -m pytest

# ruff (pyproject.toml [tool.ruff]: lint and format) and mypy --strict; `make test` runs it first.
lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m mypy src

# Developer loop: skips the suites marked slow (CI runs them through `make test`).
test-fast: venv sysdeps-test
	$(BIN)/python -m pytest -m "not slow"

# The only way to regenerate golden/; review every changed page as a PNG before committing.
golden-update: venv
	$(BIN)/docgen golden --update

# assets/css/scripts.css: the script faces' @font-face rules, each unicode-range read from its
# font's cmap (docs/fonts.md); run after adding or replacing a font in fonts/, then commit both.
fonts: venv
	$(BIN)/python -c 'from docgen.fontfaces import write_notice_cjk, write_stylesheet; print(write_notice_cjk(), write_stylesheet())'

# locales/notice/states.json: each state's notice languages ranked from the Census table in
# locales/notice/census/ (docgen.notice_states); run after changing the table or categories.json.
notice-states: venv
	$(BIN)/python -c 'from docgen.notice_states import write_states; print(write_states())'

# Translations (docs/translations.md): collect every message of src/ and templates/ into
# locales/docgen.pot, then merge it into each language's catalog for its translator.
PYBABEL_KEYWORDS := -k N_ -k NP_:1c,2 -k pgettext:1c,2
messages: venv
	$(BIN)/pybabel extract -F locales/babel.cfg $(PYBABEL_KEYWORDS) -c LEGAL: --no-location --sort-output \
	  --project docgen --copyright-holder docgen --omit-header -o locales/docgen.pot .
	$(BIN)/pybabel update -i locales/docgen.pot -d locales -D docgen --no-fuzzy-matching --ignore-obsolete

bench: venv
	$(BIN)/python bench/render.py

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt | sysdeps
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dask]'
	touch $@

sysdeps:
	@missing=""; \
	for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do \
	  ldconfig -p | grep -q "$$lib" || missing=yes; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing $(RUNTIME_LIBS) with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(RUNTIME_LIBS); \
	fi

sysdeps-test: sysdeps
	@if ! command -v pdftotext >/dev/null || ! command -v qpdf >/dev/null || ! command -v curl >/dev/null; then \
	  echo "installing $(TEST_TOOLS) with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(TEST_TOOLS); \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; }; then \
	  echo "installing $(TEST_SERVICES) with apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(TEST_SERVICES); \
	fi

clean:
	rm -rf out .pytest_cache
