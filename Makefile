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
  python3-netcdf4 fonts-noto-cjk
# What only the tests need: the CF clients that must read our files, and a browser for the report.
CHECK_PACKAGES := gdal-bin cdo python3-xarray chromium

PKGS       := petsc netcdf-mpi lapacke
NC_PAR_INC := $(shell pkg-config --variable=prefix netcdf-mpi 2>/dev/null)/include
# Debian 12 ships PETSc 3.18, which lacks PETSC_SUCCESS (STYLE.md rule 12).
PETSC_SHIM := $(shell pkg-config --atleast-version=3.19 petsc 2>/dev/null || echo -DPETSC_SUCCESS=0)

WARN     := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wundef \
            -Wdouble-promotion
CPPFLAGS := -I$(NC_PAR_INC) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(PETSC_SHIM) \
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

# Sources, by folder. The library holds everything but the programs' main files.
GRIDS_SRC   := grids/grid.c grids/crs.c grids/projection.c grids/metrics.c grids/vertical.c grids/geojson.c grids/polygon.c grids/dem.c grids/csv.c grids/geography.c \
               grids/geography_sample.c grids/receptors.c grids/domain_config.c grids/domain_sample.c \
               grids/domain_write.c grids/domain.c
PHYSICS_SRC := physics/species.c physics/mixing_vertical.c physics/deposition_dry.c physics/deposition_wet.c \
               physics/chemistry.c physics/emission_area.c physics/emission_point.c physics/plume_rise.c \
               physics/ppm.c physics/advection_horizontal.c physics/advection_vertical.c
MODEL_SRC   := model/clock.c model/namelist.c model/output.c model/state.c model/met.c model/met_analytic.c \
               model/boundary.c model/tags.c model/registry.c model/checkpoint.c model/history.c model/run.c \
               model/profiles.c model/regrid.c model/point_sources.c model/wind_adjust.c model/met_diagnostic.c \
               model/scenario.c model/emissions.c model/receptors.c model/nest.c model/pbl.c model/wrf_file.c model/met_wrf.c \
               model/met_output.c model/halo.c
LIB_SRC     := $(GRIDS_SRC) $(PHYSICS_SRC) $(MODEL_SRC)
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB         := $(BUILD)/libbogda.a

# Programs: each bin/<name> is linked from its main object and the library (rules below).
PROGRAMS    := bogda bogda-grid bogda-inventory bogda-predict
# Test programs (tests/unit|verification|tools/<name>.c, one TAP program each) and test scripts.
TEST_PROGS  := tests/unit/test_clock.c tests/unit/test_namelist.c tests/unit/test_projection.c \
               tests/unit/test_domain.c tests/tools/domain_check.c tests/tools/nccompare.c tests/tools/ckcompare.c tests/unit/test_mixing_vertical.c \
               tests/unit/test_chemistry.c tests/unit/test_plume_rise.c tests/unit/test_deposition.c tests/unit/test_emission.c tests/unit/test_wind_adjust.c \
               tests/verification/test_ppm.c tests/verification/test_rotation.c tests/unit/test_met_wrf.c tests/unit/test_halo.c
TEST_SCRIPTS := tests/regression/domains.sh tests/parallel/ranks.sh tests/regression/restart.sh \
                tests/verification/uniform.sh tests/regression/attribution.sh \
                tests/regression/effective.sh tests/regression/reference.sh tests/regression/wrf.sh
# Emission inputs and budgets (issue 5).
TEST_PROGS   += tests/unit/test_regrid.c
TEST_SCRIPTS += tests/regression/budget.sh tests/regression/emission_inputs.sh
# One-way nesting: the parent's boundary files and the child that reads them.
TEST_SCRIPTS += tests/regression/nest.sh
# Outputs read by the CF clients.
TEST_SCRIPTS += tests/regression/cf_clients.sh
# The attribution report, opened in headless Chromium.
TEST_SCRIPTS += tests/regression/report.sh
# The parser and parallel tests again under AddressSanitizer and UBSan (make DEBUG=1).
TEST_SCRIPTS += tests/regression/sanitizers.sh

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

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The PPM kernel is meant for finite values (a NaN or an infinity in the state stops the run at
# its next output record, model/run.c), and the sign of a zero changes no value it computes;
# saying so lets the compiler turn the limiter's minima into single min instructions (about 10 %
# of the horizontal advection, with the same bits).
$(BUILD)/physics/ppm.o: CFLAGS += -ffinite-math-only -fno-signed-zeros

# Each program's main object; the recipe is the pattern rule below.
$(BINDIR)/bogda: $(BUILD)/model/main.o $(LIB)
$(BINDIR)/bogda-grid: $(BUILD)/grids/domain_build.o $(LIB)
$(BINDIR)/bogda-inventory: $(BUILD)/model/inventory_build.o $(LIB)
$(BINDIR)/bogda-predict: $(BUILD)/postproc/predict.o $(LIB)

$(BINDIR)/%:
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

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

# physics/ may include only its own headers, grids/patch.h, PETSc's system and BLAS/LAPACK
# headers and the C library (STYLE.md rules 1 and 25).
lint:
	@bad=$$(grep -nE '#include *[<"](mpi\.h|petscdm|petscvec|petscksp|netcdf|.*model/)' physics/*.[ch]; \
	        grep -nE '\b(printf|fprintf|puts|fopen|MPI_[A-Z][a-z_]*)\(' physics/*.c); \
	if [ -n "$$bad" ]; then echo "$$bad"; echo "lint: physics/ must not do MPI, I/O or printing"; exit 1; fi; \
	echo "lint: ok"

FORMAT_FILES = $(wildcard model/*.[ch] physics/*.[ch] grids/*.[ch] tests/*.h tests/*/*.[ch])
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

# The generated namelist reference (checked by tests/regression/reference.sh).
docs: $(BINDIR)/bogda
	$(BINDIR)/bogda -namelist_reference > docs/namelist.md

print:
	@echo "CC       = $(CC)"; echo "CPPFLAGS = $(CPPFLAGS)"; echo "CFLAGS   = $(CFLAGS)"
	@echo "LDLIBS   = $(LDLIBS)"

clean:
	rm -rf build build-debug bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
