# cyberbaseline: build, test and install.
#
#   make                 build the library, the checks and the CLI
#   make check           install missing Debian packages, build, run the whole suite
#   make demo            install missing packages, build, run every check against loopback peers
#   make man             the man pages of the checks and the CLI, from their --help (help2man)
#   make install PREFIX=/usr DESTDIR=...
#   make deb             the Debian package, built in a temporary copy; it ends in build/deb/
#
#   DEVELOPER=1                 warnings are errors (CI)
#   SANITIZE=address,undefined  build and test under ASan/UBSan (objects in build/san)
#   FUZZ_SECONDS=30             time per fuzz target in `make check` (0 skips fuzzing)

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
PLUGINDIR  ?= $(PREFIX)/lib/nagios/plugins
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/cyberbaseline
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/cyberbaseline
FUZZ_SECONDS ?= 30

CC         ?= cc
FUZZ_CC    ?= clang
# netsnmp (libsnmp-dev) gives just -lnetsnmp, not net-snmp-config's extra -lm -lssl; the
# toolchain links --as-needed, so only a binary that calls net-snmp records it (the same for
# liblz4 and zlib: apt's compressed package indexes, read by check_baseline_host; sqlite3:
# the history store, linked by the CLI only)
PKGS       := json-c libssh openssl netsnmp liblz4 zlib libcurl libpsl sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -std=c17 -Wall -Wextra -Wpedantic -Wformat=2 -Wshadow -Wpointer-arith \
	-Wcast-qual -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes -Wvla -fno-common
HARDEN_CFLAGS := -fstack-protector-strong -fPIE
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now

ifdef SANITIZE
BUILD    := build/san
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=$(SANITIZE)
else
BUILD    := build/rel
OPT      := -O2 -g -D_FORTIFY_SOURCE=3
endif
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif

CPPFLAGS += -D_GNU_SOURCE -DCB_VERSION='"$(VERSION)"' -DCB_DATADIR='"$(DATADIR)"' -Icommon
CFLAGS   += $(WARN) $(OPT) $(HARDEN_CFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(HARDEN_LDFLAGS) $(SAN_LDFLAGS)
LDLIBS   += $(PKG_LIBS) -lresolv

LIB_SRC  := $(sort $(wildcard common/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libcyberbaseline.a
CHECKS   := $(patsubst checks/%.c,$(BUILD)/%,$(sort $(wildcard checks/check_baseline_*.c)))
CLI      := $(BUILD)/cyberbaseline
UNIT     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(sort $(wildcard tests/unit/test_*.c)))
HELPERS  := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(sort $(wildcard tests/helpers/*.c)))
FUZZ     := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
MAN      := $(patsubst $(BUILD)/%,$(BUILD)/man/%.1,$(CHECKS) $(CLI))
DOCS     := $(sort $(wildcard docs/*.md))
CHECK_DOCS := $(sort $(wildcard docs/checks/*.md))

.PHONY: all check demo deps install uninstall clean unit fuzz bench fleet man deb
all: $(CHECKS) $(CLI)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/check_baseline_%: $(BUILD)/checks/check_baseline_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# check_baseline_ssh runs its host key exchanges in threads of their own
$(BUILD)/check_baseline_ssh: LDFLAGS += -pthread

$(CLI): $(BUILD)/cli/cyberbaseline.o $(BUILD)/cli/follow.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/%: $(BUILD)/tests/helpers/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Fuzz targets: clang + libFuzzer + ASan/UBSan, built from the library sources directly.
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -D_GNU_SOURCE -DCB_VERSION='"$(VERSION)"' -DCB_DATADIR='"$(DATADIR)"' -Icommon \
		$(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(LIB_SRC) $(PKG_LIBS) -lresolv

unit: $(UNIT)
fuzz: $(FUZZ)

# bench/fleet, the synthetic fleet of evidence logs (bench/README.md): a standalone
# program that links nothing but libc and libcrypto. Its control table (ids, titles,
# expected texts per check) is generated from the baseline by bench/fleet-table, which
# reads it with the library, so the runs it writes follow the baseline file.
FLEET_BASELINE := baselines/dk-kommune.json
fleet: $(BUILD)/bench/fleet

$(BUILD)/bench/fleet-table: $(BUILD)/bench/fleet-table.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm

$(BUILD)/bench/fleet_table.h: $(BUILD)/bench/fleet-table $(FLEET_BASELINE)
	$< $(FLEET_BASELINE) >$@.tmp
	@mv $@.tmp $@

$(BUILD)/bench/fleet.o: bench/fleet.c $(BUILD)/bench/fleet_table.h
	$(CC) $(CPPFLAGS) -I$(BUILD)/bench $(CFLAGS) -c -o $@ $<

$(BUILD)/bench/fleet: $(BUILD)/bench/fleet.o
	$(CC) $(LDFLAGS) -pthread -o $@ $^ -lcrypto

# Man pages: help2man runs each program's --help and --version (through
# man/help2man-input, which only changes the layout), so a page cannot drift
# from --help. man/<program>.h2m adds what --help cannot say (NAME, EXIT STATUS,
# FILES, SEE ALSO), man/plugin.h2m the sections every check shares; the paths
# in them are this build's. Section 1 for the checks too: they need no
# privilege and operators run them by hand, as they do the CLI.
man: $(MAN)

H2M_SED = sed -e 's|@PROG@|$*|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g'

$(BUILD)/man/%.1: $(BUILD)/% man/%.h2m man/plugin.h2m man/help2man-input
	@mkdir -p $(@D)
	$(H2M_SED) man/$*.h2m >$(BUILD)/man/$*.h2m
	$(H2M_SED) man/plugin.h2m >$(BUILD)/man/$*.plugin.h2m
	help2man --no-info --section=1 --source='cyberbaseline $(VERSION)' --manual='cyberbaseline' \
		--include=$(BUILD)/man/$*.h2m \
		$(if $(filter check_baseline_%,$*),--include=$(BUILD)/man/$*.plugin.h2m) \
		--output=$@.tmp 'man/help2man-input $<'
	@mv $@.tmp $@

# The Debian package (dist/debian/README.md): a copy of the tree in a temporary
# directory, dist/debian as its debian/, dpkg-buildpackage -b; the .deb, the
# -dbgsym .deb, .buildinfo and .changes end in build/deb/.
deb:
	@scripts/build-deb build/deb

deps:
	@scripts/install-deps

# The whole suite; the last line is "N passed, N failed".
check: deps
	$(MAKE) all unit $(HELPERS) $(BUILD)/bench/fleet
	@[ "$(FUZZ_SECONDS)" = 0 ] || $(MAKE) fuzz
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run-suite

demo: deps
	$(MAKE) all
	@BUILD=$(BUILD) scripts/demo

bench: all
	@BUILD=$(BUILD) bench/run

install: all man
	install -d $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/baselines
	install -m 0755 $(CHECKS) $(DESTDIR)$(PLUGINDIR)/
	install -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -m 0644 baselines/*.json $(DESTDIR)$(DATADIR)/baselines/
	install -m 0755 dist/history-ingest $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(PREFIX)/share/icinga2/include/plugins-contrib.d $(DESTDIR)/etc/nagios-plugins/config
	install -m 0644 dist/icinga2/cyberbaseline.conf $(DESTDIR)$(PREFIX)/share/icinga2/include/plugins-contrib.d/
	install -m 0644 dist/nagios/cyberbaseline.cfg $(DESTDIR)/etc/nagios-plugins/config/
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 dist/nagios/nrpe-cyberbaseline.cfg dist/nagios/perfdata.cfg $(DESTDIR)$(DOCDIR)/examples/
	install -d $(DESTDIR)$(DOCDIR)/examples/icinga2
	install -m 0644 dist/icinga2/examples/*.conf dist/icinga2/perfdata-writer.conf \
		$(DESTDIR)$(DOCDIR)/examples/icinga2/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)/docs/checks
	install -m 0644 $(MAN) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/docs/
	install -m 0644 $(CHECK_DOCS) $(DESTDIR)$(DOCDIR)/docs/checks/

uninstall:
	rm -f $(patsubst $(BUILD)/%,$(DESTDIR)$(PLUGINDIR)/%,$(CHECKS)) $(DESTDIR)$(BINDIR)/cyberbaseline
	rm -f $(patsubst $(BUILD)/man/%,$(DESTDIR)$(MANDIR)/man1/%,$(MAN))
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
