# Bogda: build, test, run. One non-recursive Makefile; objects in build/, programs in bin/.
#   make run      build, prepare and run the default Xinjiang case (installs Debian packages)
#   make check    every test; ends with "N passed, N failed"
#   make bench    performance figures (not part of check)
#   make DEBUG=1  AddressSanitizer and UndefinedBehaviorSanitizer build
# The entry targets first install missing Debian packages (make deps), then call make again so
# that pkg-config sees what was installed.

PYTHON  ?= /usr/bin/python3
MPIEXEC ?= mpiexec
NP      ?= $(shell nproc 2>/dev/null || echo 2)
DEBUG   ?= 0
WERROR  ?= 0
CC      := mpicc

DEB_PACKAGES := openmpi-bin libopenmpi-dev petsc-dev libnetcdf-mpi-dev libhdf5-openmpi-dev \
  liblapacke-dev libopenblas-dev netcdf-bin pkg-config python3-numpy python3-matplotlib \
  python3-netcdf4 fonts-noto-cjk libglpk-dev libgdal-dev
# What only the tests need: the CF clients that must read our files, a browser for the report and
# the query page, the formatter that make lint runs, and npm for the page's test to install
# puppeteer-core (tests/browser/package-lock.json). npm is asked for only when there is none: a
# Node.js from elsewhere brings its own, which Debian's npm would conflict with.
CHECK_PACKAGES := gdal-bin cdo python3-xarray chromium clang-format \
  $(if $(shell command -v npm 2>/dev/null),,npm)

PKGS       := petsc netcdf-mpi lapacke
# GDAL/OGR reads the polygon files of the pre-processing programs (prep/geo/vector.c) only: its
# flags go to prep/ and to what links the prep library, not to the model (its headers as system
# headers: they do not pass -Wundef).
GDAL_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags gdal 2>/dev/null))
GDAL_LIBS   := $(shell pkg-config --libs gdal 2>/dev/null || echo -lgdal)
NC_PAR_INC := $(shell pkg-config --variable=prefix netcdf-mpi 2>/dev/null)/include
# Debian 12 ships PETSc 3.18, which lacks PETSC_SUCCESS (STYLE.md rule 12).
PETSC_SHIM := $(shell pkg-config --atleast-version=3.19 petsc 2>/dev/null || echo -DPETSC_SUCCESS=0)

WARN     := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wundef \
            -Wdouble-promotion
CPPFLAGS := -I. -I$(NC_PAR_INC) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(PETSC_SHIM) \
            -D_POSIX_C_SOURCE=200809L
# No floating-point contraction (results do not depend on FMA hardware); -fno-trapping-math lets
# the compiler vectorise the limiter's selects (it changes no result); ARCHFLAGS tunes for the
# machine that builds (set ARCHFLAGS= for a portable binary).
ARCHFLAGS ?= -march=native
CFLAGS   := -std=c11 $(WARN) -O3 $(ARCHFLAGS) -ffp-contract=off -fno-math-errno -fno-trapping-math -MMD -MP
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llapack -lblas -lm
# Objects and test programs go to BUILD, programs to BINDIR; the sanitizer build has its own.
BUILD  := build
BINDIR := bin
ifeq ($(DEBUG),1)
  CFLAGS := -std=c11 $(WARN) -O0 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer -MMD -MP
  LDFLAGS += -fsanitize=address,undefined
  BUILD  := build-debug
  BINDIR := build-debug/bin
endif
ifeq ($(WERROR),1)
  CFLAGS += -Werror
endif

# Sources, by folder, found by wildcard: a new file in a folder is built without editing this
# file. The layers, bottom up (README.md "Layers"): base/ (foundations), grids/ (the runtime
# grid), physics/ (one process a file), model/ (the driver, with met/, emissions/, output/).
# libbogda.a holds them all; the pre-processing programs (prep/) and the post-processing programs
# (postproc/) have a library each.
# A program's main file is named after the program and kept out of the libraries.
MAINS       := model/bogda.c prep/grid/bogda-grid.c prep/inventory/bogda-inventory.c \
               postproc/bogda-predict.c postproc/bogda-query.c postproc/bogda-strategy.c
LIB_SRC     := $(filter-out $(MAINS),$(wildcard base/*.c grids/*.c physics/*.c model/*.c \
                 model/met/*.c model/emissions/*.c model/output/*.c))
PREP_SRC    := $(filter-out $(MAINS),$(wildcard prep/geo/*.c prep/grid/*.c prep/inventory/*.c))
POST_SRC    := $(filter-out $(MAINS),$(wildcard postproc/*.c))
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/%.o)
PREP_OBJ    := $(PREP_SRC:%.c=$(BUILD)/%.o)
POST_OBJ    := $(POST_SRC:%.c=$(BUILD)/%.o)
LIB         := $(BUILD)/libbogda.a
PREP_LIB    := $(BUILD)/libbogda-prep.a
POST_LIB    := $(BUILD)/libbogda-post.a

# Programs: each bin/<name> is linked from its main object and the libraries (rules below).
PROGRAMS    := $(basename $(notdir $(MAINS)))
# Tests, found by wildcard: every tests/{unit,verification,tools}/*.c is one program (unit and
# verification programs print TAP and run in make check; tools/ serve the scripts), and every
# tests/{verification,regression,parallel}/*.sh is one TAP script. The sanitizer test rebuilds
# everything and runs other tests again, so it goes last.
TEST_PROGS   := $(wildcard tests/unit/*.c tests/verification/*.c tests/tools/*.c)
TEST_SCRIPTS := $(filter-out tests/regression/sanitizers.sh,$(wildcard tests/style/*.sh tests/verification/*.sh \
                  tests/regression/*.sh tests/parallel/*.sh)) tests/regression/sanitizers.sh
TEST_BINS := $(foreach t,$(TEST_PROGS),$(BUILD)/tests/$(basename $(notdir $(t))))
BENCH_PROGS := tests/bench/bench.c
BENCH_BINS := $(foreach t,$(BENCH_PROGS),$(BUILD)/tests/$(basename $(notdir $(t))))

.PHONY: all check check-parallel run bench deps deps-check lint format format-check clean print docs \
        _all _check _run _bench _check-parallel
.DEFAULT_GOAL := all

all check check-parallel run bench:
	@$(MAKE) --no-print-directory _$@
all run bench: deps
check check-parallel: deps-check

deps-check:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(CHECK_PACKAGES)"

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing Debian packages:" $$missing; \
	  sudo=; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

_all: $(PROGRAMS:%=$(BINDIR)/%)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(PREP_LIB): $(PREP_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(POST_LIB): $(POST_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The version the programs print and write into their files (base/version.h): `git describe` of
# this tree, else the first line of a file VERSION (a tarball has no .git), else "unknown". The
# stamp is rewritten only when the text changes, so a new commit rebuilds base/version.o alone.
VERSION_STAMP := $(BUILD)/version.txt
$(VERSION_STAMP): FORCE
	@mkdir -p $(@D)
	@v=; [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
	  v=$$(git describe --always --dirty 2>/dev/null); \
	[ -n "$$v" ] || v=$$(head -n 1 VERSION 2>/dev/null | tr -cd 'A-Za-z0-9._+-'); \
	[ -n "$$v" ] || v=unknown; \
	[ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@
$(BUILD)/base/version.o: $(VERSION_STAMP)
$(BUILD)/base/version.o: CPPFLAGS += -DBOGDA_VERSION="\"$$(cat $(VERSION_STAMP))\""
FORCE:

# The PPM kernel is meant for finite values (a NaN or an infinity in the state stops the run at
# its next output record, model/run.c), and the sign of a zero changes no value it computes;
# saying so lets the compiler turn the limiter's minima into single min instructions (about 10 %
# of the horizontal advection, with the same bits).
$(BUILD)/physics/ppm.o: CFLAGS += -ffinite-math-only -fno-signed-zeros

$(PREP_OBJ) $(BUILD)/prep/grid/bogda-grid.o $(BUILD)/prep/inventory/bogda-inventory.o: \
  CPPFLAGS += $(GDAL_CFLAGS)
$(BINDIR)/bogda-grid $(BINDIR)/bogda-inventory: LDLIBS += $(GDAL_LIBS)

# Each program's main object; the recipe is the pattern rule below.
$(BINDIR)/bogda: $(BUILD)/model/bogda.o $(LIB)
$(BINDIR)/bogda-grid: $(BUILD)/prep/grid/bogda-grid.o $(PREP_LIB) $(LIB)
$(BINDIR)/bogda-inventory: $(BUILD)/prep/inventory/bogda-inventory.o $(PREP_LIB) $(LIB)
$(BINDIR)/bogda-predict: $(BUILD)/postproc/bogda-predict.o $(POST_LIB) $(LIB)
$(BINDIR)/bogda-query: $(BUILD)/postproc/bogda-query.o $(POST_LIB) $(LIB)
# The strategy tool solves its linear programmes with GLPK (postproc/strategy_lp.c says why).
$(BINDIR)/bogda-strategy: $(BUILD)/postproc/bogda-strategy.o $(POST_LIB) $(LIB)
$(BINDIR)/bogda-strategy: LDLIBS += -lglpk

$(BINDIR)/%:
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(POST_LIB) $(PREP_LIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lglpk $(GDAL_LIBS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/verification/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

_check: _all $(TEST_BINS)
	@tests/run.sh $(TEST_BINS) $(TEST_SCRIPTS)

_check-parallel: _all $(TEST_BINS)
	@tests/run.sh $(filter tests/parallel/%,$(TEST_SCRIPTS))

_run: _all
	@runs/xinjiang/run_case.sh

_bench: _all $(BENCH_BINS)
	@for b in $(BENCH_BINS); do OMP_NUM_THREADS=1 $$b; done

# The layers (no include runs upward, own header first, physics/ without MPI, I/O or printing)
# and the format; tests/style/lint.sh runs the same checks inside make check (STYLE.md rules 1,
# 5, 25 and 40).
lint:
	@$(PYTHON) tests/style/layers.py
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "lint: format ok"

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

# The generated namelist references (checked by tests/regression/reference.sh).
docs: $(BINDIR)/bogda $(BINDIR)/bogda-grid $(BINDIR)/bogda-inventory
	$(BINDIR)/bogda -namelist_reference > docs/namelist.md
	$(BINDIR)/bogda-grid -namelist_reference > docs/grid.md
	$(BINDIR)/bogda-inventory -namelist_reference > docs/inventory.md

print:
	@echo "CC       = $(CC)"; echo "CPPFLAGS = $(CPPFLAGS)"; echo "CFLAGS   = $(CFLAGS)"
	@echo "LDLIBS   = $(LDLIBS)"

clean:
	rm -rf build build-debug bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
