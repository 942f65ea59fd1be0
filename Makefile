# Make builds and delegates: which nodes are stale is the pipeline driver's business (content
# hashes), so stage targets always ask the driver, which runs only what changed.
SWIFT   ?= swift
# The paper's configuration on the authors' data in data/; pipeline.sampled.json: a seeded sample.
CONFIG  ?= pipeline.json
JOBS    ?= 2
# Overrides, space-separated (make all SET="train.eta=0.02 multistart.starts=128"): each is a
# `--set key=value`; the variant publishes under results/variants/<name>/ (docs/experiments.md).
SET     ?=
OVERRIDES := $(foreach s,$(SET),--set '$(s)')
BIN     := .build/release
DRIVER  := $(BIN)/pipeline
PIPELINE = $(DRIVER) run --config $(CONFIG) $(OVERRIDES) -j $(JOBS)
STAGES  := dataset train line eigen phases multistart projected saddles sweep-summary figure-data render html-report
SWIFT_SOURCES := Sources Tests Plugins Package.swift
# The project's virtual environment (scripts/setup-debian.sh) when it exists.
PYTHON  := $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)
# XCTest only (no swift-testing pass): unit runs close on XCTest's "Executed N tests" line. The tests
# build in release mode beside `make build`'s products (no testable imports: the same compiled modules),
# so a fresh clone compiles the package once, and the numerical tests run at the binaries' speed.
SWIFT_TEST := $(SWIFT) test -c release --disable-testable-imports --disable-swift-testing
E2E_TESTS  := '^EndToEndTests\.'
# The end-to-end tests, each test in its own process, two at a time: most wait on processes (stages,
# Python, Snakemake and a local SLURM), so two of them share the 2 cores well.
E2E_RUN    := MLP_SWEEP_TESTS=1 $(SWIFT_TEST) --parallel --num-workers 2 --filter $(E2E_TESTS)

.PHONY: all build setup test test-unit test-renderer test-e2e test-slow lint format bench sweep sweep-ci clean archive restore \
	bundle image test-deploy \
	status figures report richer $(STAGES)

all: build
	@echo "make all: configuration $(CONFIG)"
	$(PIPELINE)

build:
	$(SWIFT) build -c release

setup:
	./scripts/setup-debian.sh

$(STAGES): build
	$(PIPELINE) $@

# The paper's richer case (docs/richer.md): a two-neuron teacher, students of width 3 and 4, GD and online SGD
# from seeded small starts; its own store, figures and report (results/richer/report/index.html).
richer: build
	$(DRIVER) run --config pipeline.richer.json -j $(JOBS)

# The figures alone (and whatever they need): results/figures/*.png, *.pdf and csv/.
figures: build
	$(PIPELINE) render

# The report page (and whatever it needs): results/report/index.html.
report: build
	$(PIPELINE) html-report

status: build
	$(DRIVER) status --config $(CONFIG) $(OVERRIDES)

# The formatting check first, then the unit tests (every test target but EndToEndTests, in process),
# the renderer's Python tests, then the end-to-end tests, which run the built executables on small
# projects, and the shipped CI sweep through the driver and through Snakemake (MLP_SWEEP_TESTS=1).
test: build lint
	$(SWIFT_TEST) --skip $(E2E_TESTS)
	$(MAKE) test-renderer
	$(E2E_RUN)

test-unit: build
	$(SWIFT_TEST) --skip $(E2E_TESTS)

# The figure renderer (Sources/Stages/Render/mlp_render), with the standard library's unittest.
test-renderer:
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m unittest discover -s Tests/RendererTests -t Tests

test-e2e: build
	$(E2E_RUN)

# The toolchain's formatter with the committed .swift-format (lines ≤ 120): `make format` rewrites,
# `make lint` checks (swift-format does not measure string literals and comments: the script does).
lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)
	$(PYTHON) scripts/check_line_length.py 120 $(SWIFT_SOURCES)

format:
	$(SWIFT) format --in-place --recursive $(SWIFT_SOURCES)

# Paper-scale end-to-end checks on the release build (a few minutes; skipped by test-e2e): the
# authors' data's limit sets and multistart time, the early stop against every start run to the
# gradient tolerance, the paper start's predicted destination on 32 sampled datasets.
test-slow: build
	MLP_RELEASE_TESTS=1 $(SWIFT_TEST) --filter '^EndToEndTests\.(ReleaseScaleTests|SweepReleaseTests)'

# Sweeps (opt-in; docs/sweeps.md): the full study (n ∈ {25, 100, 400} × σ ∈ {0.05, 0.2, 0.8}, 20
# datasets × 32 starts per cell; pipeline.sweep.json, store results/sweep) and the CI-sized one
# (pipeline.sweep-ci.json, store results/sweep-ci). Each run ends on its report page.
sweep: build
	$(DRIVER) run --config pipeline.sweep.json -j $(JOBS)

sweep-ci: build
	$(DRIVER) run --config pipeline.sweep-ci.json -j $(JOBS)

# GD kernel vs the peer C, C, NumPy, JAX; training stage vs kernel; cold make all; render; no-op
# (bench/run.sh, a few minutes); then the driver's own overhead, on the paper's DAG and on a
# generated sweep of ~10^4 cheap nodes (bench/sweep_driver.py: status, no-op, time added per node),
# and Snakemake's per job against the driver's on 220 cheap nodes (about a minute).
bench: build
	bench/run.sh
	$(PYTHON) bench/orchestration.py --driver $(DRIVER) --config $(CONFIG)
	$(PYTHON) bench/sweep_driver.py --driver $(DRIVER)
	$(PYTHON) bench/snakemake_overhead.py --driver $(DRIVER)

# results-archive.tar.gz: artifacts, logs, figures, report, data, configuration, RO-Crate metadata.
ARCHIVE ?= results-archive.tar.gz
archive: build
	$(DRIVER) archive --config $(CONFIG) $(ARCHIVE)

# Unpacks ARCHIVE into this clone's store after checking every file (make restore ARCHIVE=…).
restore: build
	$(DRIVER) restore --config $(CONFIG) $(ARCHIVE)

# The cluster route without root or Swift (docs/snakemake.md): mlp-dynamics-<version>-linux-<arch>.tar.gz,
# the executables with their libraries, built for MLP_TARGET_CPU (default x86-64-v3), the schema, the
# configurations and the renderer; `make image` adds <that name>.image.tar, a docker-archive of a
# Debian 12 image holding it (podman, no daemon; Apptainer converts it). `make test-deploy` (root,
# a few minutes; not in `make test`) runs the CI sweep from the bundle in a bare Debian 12 root and
# in the image, each node's key and content hash compared with a native run.
bundle:
	./scripts/bundle.sh

image:
	./scripts/image.sh

test-deploy:
	./scripts/test-deploy.sh

# Results only: the build and the sources stay.
clean:
	find results -mindepth 1 ! -name README.md -delete
