# A thin wrapper over meson: the commands people type.
#   make              build (installs missing Debian packages first)
#   make check        all tests: normal (with lint and allocation failures),
#                     ASan+UBSan, ThreadSanitizer, brief fuzzing
#   make demo         compute and print a ranking from the bundled data
#   make bench        benchmarks (figures on stdout)
#   make install PREFIX=/usr/local DESTDIR=
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build

.PHONY: all deps build check check-quick demo bench install uninstall clean format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@scripts/install-deps.sh
	meson setup $(BUILD) --prefix=$(PREFIX)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

check:
	@scripts/check.sh

check-quick: build
	@scripts/check.sh --quick

demo: build
	@scripts/demo.sh $(BUILD)

bench: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@scripts/bench.sh $(BUILD)

install: build
	meson configure $(BUILD) --prefix=$(PREFIX)
	ninja -C $(BUILD)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

clean:
	rm -rf build build-asan build-tsan build-fuzz

# the C files of lib/, src/, include/ and tests/, as the 'lint' test checks
format:
	@tests/lint/check-format.sh --fix
