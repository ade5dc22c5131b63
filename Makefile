# Two commands: `make run` (the archive with demo data on this machine) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The second engine (PyTorch) and text MT: only the test suite needs them.
ENGINES_STAMP := $(VENV)/.engines-installed

.PHONY: setup run test lint typecheck pytest bench clean browser

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(ENGINES_STAMP): $(PY_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,translation,openai-whisper]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# DEBUG is off unless asked for; the archive on this machine asks for it.
run: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py runarchive

# lint-imports checks the architecture (pyproject.toml [tool.importlinter], docs/architecture.md).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy .

# The browser tests drive Debian's Chromium (no browser download) and read the screenshots
# in every script (Noto, with CJK for Chinese); the case-file tests read PDFs with pdftotext;
# the video blurring tests draw identity cards with Noto CJK (bench/id_videos.py).
# Install whatever is missing.
browser:
	@{ command -v chromium && command -v pdftotext && fc-list | grep -q "Noto Sans CJK"; } >/dev/null || { \
	  echo "Installing Debian's chromium, Noto fonts and poppler-utils for the tests (needs root or sudo)"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -q && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -q chromium fonts-noto-core fonts-noto-cjk fonts-dejavu-core poppler-utils; }

pytest: setup $(ENGINES_STAMP) browser
	$(BIN)/pytest

test: lint typecheck pytest

bench: setup $(ENGINES_STAMP)
	$(BIN)/python bench/crossscript_search.py
	$(BIN)/python bench/gazetteer_geonames.py --out bench/results/gazetteer-geonames.json
	$(BIN)/python bench/documents_speed.py
	$(BIN)/python bench/extraction.py --out bench/results/extraction-test.json
	$(BIN)/python bench/transcription_cpu.py --seconds 180
	$(BIN)/python bench/search_scale.py --segments 1000000
	$(BIN)/python bench/faults.py --out bench/results/faults.json
	$(BIN)/python bench/blur_identity.py --stride 2 --out bench/results/blur-identity.json

clean:
	rm -rf $(VENV) node_modules var
