# ifs — survey ingestion and indicator analysis for samordningsförbund.
# Plain make.  New lib/*.c, ingest/*.c, analyse/*.c, tests/unit/test_*.c and
# tests/e2e/*.sh files are picked up without editing this file.

PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/ifs
MANDIR    = $(PREFIX)/share/man
DESTDIR  ?=

CC       ?= cc
PKGS      = libcurl libcjson zlib libisal libcrypto libsodium libzip expat xlsxwriter
TEST_PKGS = cmocka
PKG_CONFIG ?= pkg-config

WARNINGS  = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter
CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT      ?= -O2 -g

# SAN=1 builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# into separate directories, so the two builds never mix objects.
# TSAN=1: ThreadSanitizer, for the code that runs on two threads (check-threads).
ifeq ($(SAN),1)
  BUILD   ?= build-san
  SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
  OPT      = -O1 -g
else ifeq ($(TSAN),1)
  BUILD   ?= build-tsan
  SANFLAGS = -fsanitize=thread
  OPT      = -O1 -g
else
  BUILD   ?= build
  SANFLAGS =
endif
BIN       = $(BUILD)/bin

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

ALL_CFLAGS = $(CSTD) $(WARNINGS) $(OPT) $(SANFLAGS) -pthread -Iinclude $(PKG_CFLAGS) \
             -DIFS_DATADIR='"$(DATADIR)"' $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) -pthread $(LDFLAGS)

LIB_SRC   = $(sort $(wildcard lib/*.c))
LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBIFS    = $(BUILD)/libifs.a
TOOL_SRC  = $(sort $(wildcard ingest/*.c analyse/*.c))
TOOLS     = $(notdir $(basename $(TOOL_SRC)))
TOOL_BINS = $(TOOLS:%=$(BIN)/%)
UNIT_SRC  = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_TESTS = $(sort $(wildcard tests/e2e/*.sh))
FUZZ_SRC  = $(sort $(wildcard fuzz/fuzz_*.c))

.PHONY: all tools build-tests check check-once check-portable check-threads unit e2e e2e-spilled demo deps install uninstall clean fuzz bench tags \
        torture torture-sample
.DELETE_ON_ERROR:

all: tools
# bin/ always points at the plain build; the sanitizer build stays in build-san/.
tools: $(TOOL_BINS)
	@if [ "$(SAN)" != 1 ] && [ "$(TSAN)" != 1 ]; then mkdir -p bin && for t in $(TOOLS); do ln -sfn ../$(BIN)/$$t bin/$$t; done; fi

$(BUILD)/%.o: %.c $(wildcard include/*.h) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBIFS): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN)/%: $(BUILD)/ingest/%.o $(LIBIFS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
$(BIN)/%: $(BUILD)/analyse/%.o $(LIBIFS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/tests/%.o: tests/unit/%.c $(wildcard include/*.h tests/unit/*.h) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit -c -o $@ $<
$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIBIFS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(PKG_LIBS) -lm

$(BUILD):
	@mkdir -p $(BUILD)

# The unit tests run from the repository root so they find fixtures/.
unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

e2e: tools
	@IFS_BIN=$(CURDIR)/$(BIN) IFS_SAN=$(SAN) sh tests/run-e2e.sh $(E2E_TESTS)

# The tests of repeats, dedup and two threads again with everything past its memory
# limit spilled to temporary files (spill.h): the same results, or they fail.  (Not
# those that compare record streams by their order: spilled, ifs-survey writes the
# records of a respondent it may have seen before at the end.)
SPILL_TESTS = split_exports survey_identifiers shares_goals shares_years real_exports
e2e-spilled: tools
	@IFS_SPILL_AFTER=0 IFS_BIN=$(CURDIR)/$(BIN) IFS_SAN=$(SAN) sh tests/run-e2e.sh $(SPILL_TESTS:%=tests/e2e/%.sh)

# One after another even under make -j: e2e and e2e-spilled use the same scratch folders.
check-once:
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory e2e-spilled

# The scanner's byte-at-a-time path, which machines without SSE2 (ARM servers) run:
# its tests again with the SSE2 code compiled out.
PORTABLE_TESTS = test_csv_scan test_row_source test_codebook
check-portable:
	@$(MAKE) --no-print-directory $(PARALLEL) BUILD=build-portable CFLAGS='$(CFLAGS) -U__SSE2__' \
		$(PORTABLE_TESTS:%=build-portable/tests/%)
	@set -e; for t in $(PORTABLE_TESTS); do echo "== build-portable/tests/$$t"; build-portable/tests/$$t; done

# The two-thread paths (a large export split in two, gzip inflated ahead) under
# ThreadSanitizer: their tests again, any data race failing them.
THREAD_TESTS = test_row_source
check-threads:
	@$(MAKE) --no-print-directory $(PARALLEL) TSAN=1 tools $(THREAD_TESTS:%=build-tsan/tests/%)
	@set -e; for t in $(THREAD_TESTS); do echo "== build-tsan/tests/$$t"; TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/$$t; done
	@TSAN_OPTIONS=halt_on_error=1 IFS_BIN=$(CURDIR)/build-tsan/bin IFS_SAN=tsan sh tests/run-e2e.sh tests/e2e/split_exports.sh \
		tests/e2e/spill.sh

# Allocation-failure torture: every tool run once per allocation it makes, with that
# one failing (tests/torture/torture.py says how runs are judged).  The shim only
# works with the plain build: the sanitizers bring their own allocator.
FAILMALLOC = build/tests/failmalloc.so
$(FAILMALLOC): tests/torture/failmalloc.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O1 -g -o $@ $<
torture: $(FAILMALLOC)
	@$(MAKE) --no-print-directory BUILD=build tools
	python3 tests/torture/torture.py --bin build/bin --shim $(FAILMALLOC)
# make check's share: at most 300 points per case, spread over the whole run.
torture-sample: $(FAILMALLOC)
	@$(MAKE) --no-print-directory BUILD=build tools
	python3 tests/torture/torture.py --bin build/bin --shim $(FAILMALLOC) --max-points 300

# Each build that make check needs is compiled on all the cores first (its tests then
# run in order): unless make was given -j itself, which its sub-makes then share.
NPROC    := $(shell nproc 2>/dev/null || echo 1)
PARALLEL  = $(if $(findstring j,$(filter-out --%,$(MAKEFLAGS))),,-j$(NPROC))
build-tests: tools $(UNIT_BINS)

# make check: everything once normally, then again under ASan+UBSan.
check:
	@sh scripts/ensure-deps --check-only || { sh scripts/ensure-deps && true; }
	$(MAKE) $(PARALLEL) build-tests
	$(MAKE) check-once
	$(MAKE) torture-sample
	$(MAKE) check-portable
	$(MAKE) $(PARALLEL) SAN=1 build-tests
	$(MAKE) SAN=1 check-once
	$(MAKE) check-threads
	@if command -v clang >/dev/null; then FUZZ_SECONDS=0 sh fuzz/build.sh; \
	 else echo "make check: clang not installed, fuzz harnesses not replayed"; fi
	@echo "make check: all suites passed (plain, allocation torture sampled, portable scanner, ASan+UBSan, ThreadSanitizer on the two-thread paths, fuzz seeds replayed)"

demo:
	@sh scripts/ensure-deps
	@$(MAKE) --no-print-directory tools
	@sh pipelines/demo

deps:
	@sh scripts/ensure-deps

fuzz:
	@sh fuzz/build.sh

bench: tools
	@sh bench/run-all.sh

install: tools
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 0755 $(TOOL_BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 data/*.json $(DESTDIR)$(DATADIR)/
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7/
	install -d $(DESTDIR)$(DATADIR)/pipelines
	install -m 0755 pipelines/nightly pipelines/bilaga2 $(DESTDIR)$(DATADIR)/pipelines/
	install -m 0644 pipelines/crontab.example pipelines/ifs-nightly.service pipelines/ifs-nightly.timer \
		$(DESTDIR)$(DATADIR)/pipelines/

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-tsan build-clang build-portable build-fuzz bin tests/out
