#ifndef CB_OPTS_H
#define CB_OPTS_H
/*
 * The options every check shares, parsed in one place. A check adds its own
 * options through struct opts_ext. --help text is assembled from the shared
 * part and the check's part.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "report.h"

struct errmsg;

struct opts {
	const char *host;
	const char *port;
	unsigned timeout;	/* seconds, default 10 */
	int verbose;
	const char *baseline;	/* default CB_DATADIR/baselines/dk-kommune.json */
	const char *profile;	/* NULL: tailoring's choice, else "basis" */
	const char *tailoring;
	const char *waivers;
	const char *host_name;
	const char *org;	/* --org: the municipality or department, or NULL */
	const char *lang;	/* "en" or "da" */
	enum out_format format;
	const char *evidence;
	size_t max_output;	/* default 8000 */
	bool perfdata_controls;
	enum state timeout_result;	/* default UNKNOWN */
	enum state unreachable_result;	/* default UNKNOWN */
	bool have_warn, have_crit;
	struct range warn, crit;
};

/* A check's own options. handle() returns 0, or -1 with a message in e. */
struct opts_ext {
	const char *usage;		/* "-H HOST [-p PORT]" part of the usage line */
	const char *help;		/* the check's own option help, or NULL */
	const char *description;	/* one paragraph: what the check does */
	const char *default_port;	/* NULL: -p not used */
	bool needs_host;
	bool no_host;			/* the check takes no -H/-p: leave them out of --help */
	const char *shortopts;		/* the check's short options for getopt ("D:"), or NULL */
	const struct option *longopts;	/* terminated by {0}; val >= 1000 or a short letter */
	int (*handle)(int val, const char *arg, void *ctx, struct errmsg *e);
	/* after every option: checks what needs them all (required options); NULL: none */
	int (*finish)(const struct opts *o, void *ctx, struct errmsg *e);
	void *ctx;
};

/*
 * Parses argv. Returns 0 to go on, -1 when the run ends here: --help and
 * --version (text set with report_direct) or bad use ("check_baseline_ssh:
 * unknown option '--x'" plus the short usage, UNKNOWN). Copies the output
 * settings into r.
 */
int opts_parse(struct opts *o, int argc, char **argv, const struct opts_ext *ext,
	       struct report *r);
/* Parses "ok|warning|critical|unknown" (or 0-3). */
int opts_parse_state(const char *s, enum state *out);

#endif
