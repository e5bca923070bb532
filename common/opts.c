/* The options every check shares; --help, --version and bad use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "range.h"
#include "util.h"
#include "banned.h"

enum {
	OPT_TAILORING = 256, OPT_WAIVERS, OPT_HOST_NAME, OPT_ORG, OPT_LANG, OPT_FORMAT, OPT_EVIDENCE,
	OPT_MAX_OUTPUT, OPT_PERF_CONTROLS, OPT_TIMEOUT_RESULT, OPT_UNREACHABLE_RESULT,
};

static const struct option shared[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "host", required_argument, NULL, 'H' },
	{ "hostname", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "baseline", required_argument, NULL, 'B' },
	{ "profile", required_argument, NULL, 'P' },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "tailoring", required_argument, NULL, OPT_TAILORING },
	{ "waivers", required_argument, NULL, OPT_WAIVERS },
	{ "host-name", required_argument, NULL, OPT_HOST_NAME },
	{ "org", required_argument, NULL, OPT_ORG },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "output-format", required_argument, NULL, OPT_FORMAT },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "max-output", required_argument, NULL, OPT_MAX_OUTPUT },
	{ "perfdata-controls", no_argument, NULL, OPT_PERF_CONTROLS },
	{ "timeout-result", required_argument, NULL, OPT_TIMEOUT_RESULT },
	{ "unreachable-result", required_argument, NULL, OPT_UNREACHABLE_RESULT },
};
#define NSHARED (sizeof(shared) / sizeof(shared[0]))

static const char help_head[] =
	" -h, --help\n"
	"    Print this help and exit (state UNKNOWN, as every plugin does)\n"
	" -V, --version\n"
	"    Print the version and exit (UNKNOWN)\n";
static const char help_host[] =
	" -H, --host=HOST\n"
	"    Host name or address to check (IPv4, IPv6 or a DNS name)\n"
	" -p, --port=PORT\n"
	"    Port (default: %s)\n";
static const char shared_help[] =
	" -t, --timeout=SECONDS\n"
	"    One deadline for all I/O of the run, 1-600 (default: 10)\n"
	" --timeout-result=STATE\n"
	"    State when the deadline passes: ok, warning, critical, unknown (default: unknown)\n"
	" --unreachable-result=STATE\n"
	"    State when the target cannot be reached (default: unknown)\n"
	" -B, --baseline=FILE\n"
	"    Baseline to check against (default: %s/baselines/dk-kommune.json)\n"
	" -P, --profile=PROFILE\n"
	"    Profile of the baseline: basis or udvidet (default: the tailoring's choice, else basis)\n"
	" --tailoring=FILE\n"
	"    The municipality's tailoring on top of the baseline; it may only be stricter\n"
	" --waivers=FILE\n"
	"    Approved, expiring exceptions; a waived control shows as WAIVED\n"
	" --host-name=NAME\n"
	"    Identity of the host for waivers and evidence, e.g. Icinga's host name (default: -H)\n"
	" --org=NAME\n"
	"    The organisation the host belongs to (a municipality, a department), written to\n"
	"    the JSON output and the evidence for history and benchmark reports\n"
	" -w, --warning=RANGE\n"
	"    WARNING when the compliance percentage is outside RANGE, e.g. 90:\n"
	" -c, --critical=RANGE\n"
	"    CRITICAL when the compliance percentage is outside RANGE, e.g. 75:\n"
	" --lang=en|da\n"
	"    Language of titles and text (default: en)\n"
	" --output-format=nagios|json\n"
	"    Plugin output, or one JSON document (docs/output.md); the exit code is the same\n"
	" --max-output=BYTES\n"
	"    Cap on the plugin output, 512-1000000 (default: 8000); perfdata is never cut\n"
	" --perfdata-controls\n"
	"    Add one perfdata value per control: 0 passed, 1 or 2 failed (WARNING,\n"
	"    CRITICAL), 3 not evaluated, -1 waived, -2 not applicable\n"
	" --evidence=FILE\n"
	"    Append one hash-chained JSON line per run for auditors (cyberbaseline verify-evidence)\n"
	" -v, --verbose\n"
	"    More detail: expected values for passed controls and remediation (repeatable)\n";

int
opts_parse_state(const char *s, enum state *out)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };
	unsigned long n;
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*out = (enum state)i;
			return 0;
		}
	if (parse_ulong(s, 0, 3, &n) == 0) {
		*out = (enum state)n;
		return 0;
	}
	return -1;
}

static const char *
prog_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	return slash ? slash + 1 : argv0;
}

/* Bad use: one clear line, the short usage, exit UNKNOWN. */
static int
bad_use(struct report *r, const char *prog, const struct opts_ext *ext, const char *msg)
{
	char *text = xasprintf("BASELINE UNKNOWN - %s: %s\n"
			       "Usage: %s %s [-t SECONDS]\n"
			       "  [-B FILE] [-P PROFILE] [--tailoring FILE] [--waivers FILE]\n"
			       "  [--host-name NAME] [--output-format FORMAT] [--evidence FILE] [-v]\n"
			       "Try '%s --help' for more.\n",
			       prog, msg, prog, ext->usage, prog);

	report_direct(r, text);
	free(text);
	return -1;
}

static int
help(struct report *r, const char *prog, const struct opts_ext *ext)
{
	struct sbuf sb;

	sbuf_init(&sb, 64 * 1024);
	sbuf_addf(&sb, "%s %s (cyberbaseline)\n\n", prog, CB_VERSION);
	sbuf_addf(&sb, "%s\n\n", ext->description);
	sbuf_addf(&sb, "Usage:\n %s %s [OPTIONS]\n\nOptions:\n", prog, ext->usage);
	sbuf_addstr(&sb, help_head);
	if (!ext->no_host)
		sbuf_addf(&sb, help_host, ext->default_port ? ext->default_port : "none");
	sbuf_addf(&sb, shared_help, CB_DATADIR);
	if (ext->help)
		sbuf_addstr(&sb, ext->help);
	sbuf_addstr(&sb, "\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (not evaluated, bad use).\n"
			 "No secret is ever read from the command line. Documentation: docs/ and\n"
			 "cyberbaseline explain CONTROL-ID.\n");
	report_direct(r, sbuf_str(&sb));
	sbuf_release(&sb);
	return -1;
}

static int
parse_one(struct opts *o, int c, const char *arg, struct errmsg *e)
{
	unsigned long n;

	switch (c) {
	case 'H':
		if (!*arg || strlen(arg) > 253) {
			errmsg_set(e, "invalid host '%s'", arg);
			return -1;
		}
		o->host = arg;
		break;
	case 'p':
		if (parse_ulong(arg, 1, 65535, &n) == -1) {
			errmsg_set(e, "invalid port '%s' (1-65535)", arg);
			return -1;
		}
		o->port = arg;
		break;
	case 't':
		if (parse_ulong(arg, 1, 600, &n) == -1) {
			errmsg_set(e, "invalid timeout '%s' (1-600 seconds)", arg);
			return -1;
		}
		o->timeout = (unsigned)n;
		break;
	case 'v':
		if (o->verbose < 3)
			o->verbose++;
		break;
	case 'B':
		o->baseline = arg;
		break;
	case 'P':
		o->profile = arg;
		break;
	case 'w':
	case 'c':
		if (range_parse(c == 'w' ? &o->warn : &o->crit, arg, e) == -1)
			return -1;
		*(c == 'w' ? &o->have_warn : &o->have_crit) = true;
		break;
	case OPT_TAILORING:
		o->tailoring = arg;
		break;
	case OPT_WAIVERS:
		o->waivers = arg;
		break;
	case OPT_HOST_NAME:
		if (!*arg || strlen(arg) > 255) {
			errmsg_set(e, "invalid host name '%s'", arg);
			return -1;
		}
		o->host_name = arg;
		break;
	case OPT_ORG:
		if (!*arg || strlen(arg) > 255) {
			errmsg_set(e, "invalid organisation '%s' (1-255 characters)", arg);
			return -1;
		}
		o->org = arg;
		break;
	case OPT_LANG:
		if (strcmp(arg, "en") && strcmp(arg, "da")) {
			errmsg_set(e, "invalid language '%s' (en or da)", arg);
			return -1;
		}
		o->lang = arg;
		break;
	case OPT_FORMAT:
		if (strcmp(arg, "nagios") == 0)
			o->format = OUT_NAGIOS;
		else if (strcmp(arg, "json") == 0)
			o->format = OUT_JSON;
		else {
			errmsg_set(e, "invalid output format '%s' (nagios or json)", arg);
			return -1;
		}
		break;
	case OPT_EVIDENCE:
		o->evidence = arg;
		break;
	case OPT_MAX_OUTPUT:
		if (parse_ulong(arg, 512, 1000000, &n) == -1) {
			errmsg_set(e, "invalid --max-output '%s' (512-1000000 bytes)", arg);
			return -1;
		}
		o->max_output = n;
		break;
	case OPT_PERF_CONTROLS:
		o->perfdata_controls = true;
		break;
	case OPT_TIMEOUT_RESULT:
	case OPT_UNREACHABLE_RESULT:
		if (opts_parse_state(arg, c == OPT_TIMEOUT_RESULT ? &o->timeout_result
								 : &o->unreachable_result) == -1) {
			errmsg_set(e, "invalid state '%s' (ok, warning, critical, unknown)", arg);
			return -1;
		}
		break;
	default:
		return 1;	/* not a shared option */
	}
	return 0;
}

int
opts_parse(struct opts *o, int argc, char **argv, const struct opts_ext *ext, struct report *r)
{
	const char *prog = prog_name(argc > 0 ? argv[0] : r->program);
	struct option *longopts;
	char *optstring = NULL;
	size_t next = 0, i;
	struct errmsg e;
	int c, idx, rc = 0;

	memset(o, 0, sizeof(*o));
	o->timeout = 10;
	o->baseline = CB_DATADIR "/baselines/dk-kommune.json";
	o->lang = "en";
	o->max_output = 8000;
	o->timeout_result = STATE_UNKNOWN;
	o->unreachable_result = STATE_UNKNOWN;
	o->port = ext->default_port;

	for (i = 0; ext->longopts && ext->longopts[i].name; i++)
		next++;
	longopts = xcalloc(NSHARED + next + 1, sizeof(*longopts));
	memcpy(longopts, shared, sizeof(shared));
	for (i = 0; i < next; i++)
		longopts[NSHARED + i] = ext->longopts[i];

	optstring = xasprintf(":hVH:p:t:vB:P:w:c:%s", ext->shortopts ? ext->shortopts : "");
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, longopts, &idx)) != -1) {
		const char *arg = optarg ? optarg : "";

		if (c == 'h') {
			rc = help(r, prog, ext);
			goto out;
		}
		if (c == 'V') {
			char *text = xasprintf("%s %s (cyberbaseline)\n", prog, CB_VERSION);

			report_direct(r, text);
			free(text);
			rc = -1;
			goto out;
		}
		if (c == '?' || c == ':') {
			char *msg;
			const char *what = argv[optind - 1];

			if (optopt && optopt < 256 && !(what[0] == '-' && what[1] == '-'))
				msg = xasprintf(c == ':' ? "option '-%c' needs a value"
							 : "unknown option '-%c'", optopt);
			else
				msg = xasprintf(c == ':' ? "option '%s' needs a value"
							 : "unknown option '%s'", what);
			rc = bad_use(r, prog, ext, msg);
			free(msg);
			goto out;
		}
		e.msg[0] = '\0';
		rc = parse_one(o, c, arg, &e);
		if (rc == 1)
			rc = ext->handle ? ext->handle(c, arg, ext->ctx, &e) : -1;
		if (rc == -1) {
			rc = bad_use(r, prog, ext, e.msg[0] ? e.msg : "invalid option");
			goto out;
		}
	}
	if (optind < argc) {
		char *msg = xasprintf("unexpected argument '%s' (no positional arguments)",
				      argv[optind]);

		rc = bad_use(r, prog, ext, msg);
		free(msg);
		goto out;
	}
	if (ext->needs_host && !o->host) {
		rc = bad_use(r, prog, ext, "-H HOST is required");
		goto out;
	}
	e.msg[0] = '\0';
	if (ext->finish && ext->finish(o, ext->ctx, &e) == -1) {
		rc = bad_use(r, prog, ext, e.msg);
		goto out;
	}
	r->lang = o->lang;
	r->format = o->format;
	r->max_output = o->max_output;
	r->verbose = o->verbose;
	r->perfdata_controls = o->perfdata_controls;
	r->have_warn = o->have_warn;
	r->have_crit = o->have_crit;
	r->warn = o->warn;
	r->crit = o->crit;
out:
	free(longopts);
	free(optstring);
	return rc;
}
