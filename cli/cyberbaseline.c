/*
 * cyberbaseline: validate baselines, tailoring and waivers; list and explain
 * controls; verify an evidence log; keep the history of runs and report on
 * it (docs/history.md). The same library as the checks.
 *
 * Exit codes: 0 all good, 1 a file is invalid, evidence is broken or a
 * report found nothing, 2 bad use.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "evidence.h"
#include "follow.h"
#include "histreport.h"
#include "histsrc.h"
#include "history.h"
#include "json.h"
#include "util.h"
#include "waiver.h"
#include "banned.h"

#define DEFAULT_BASELINE CB_DATADIR "/baselines/dk-kommune.json"
#define DEFAULT_DB "/var/lib/cyberbaseline/history.db"

static const char usage_text[] =
	"Usage: cyberbaseline COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Commands:\n"
	"  validate [-B BASELINE] FILE...     check baselines, tailoring and waiver files\n"
	"  list [-B FILE] [--profile P] [--check FAMILY] [--lang da]\n"
	"                                     list the controls\n"
	"  explain [-B FILE] [--lang da] CONTROL-ID\n"
	"                                     show one control: texts, rule, references\n"
	"  verify-evidence FILE...            check an evidence log's hash chain\n"
	"  history ingest [--db FILE] [--groups CSV] [--batch N] [--perfdata] FILE...\n"
	"                                     store the runs of evidence logs (or, with\n"
	"                                     --perfdata, of perfdata files) in the history\n"
	"  history follow --icinga-api URL --api-credentials FILE [--ca FILE] [--db FILE]\n"
	"         [--filter EXPR] [--group-prefix P] [--batch-seconds N] [--max-retries N]\n"
	"                                     store Icinga 2's check results as they come\n"
	"                                     (history follow --help)\n"
	"  report status [--db FILE] [--at TIME] [--host H] [--group G] [--format F]\n"
	"                                     each host's runs and controls in force at TIME\n"
	"  report trend [--db FILE] --from DATE --to DATE [--group G] [--format F]\n"
	"                                     compliance per day\n"
	"  report benchmark [--db FILE] [--at TIME] [--anonymise] [--format F]\n"
	"                                     the groups side by side\n"
	"  version                            print the version\n"
	"\n"
	"Options:\n"
	"  -B, --baseline=FILE                the national baseline (default below)\n"
	"  -P, --profile=PROFILE              list: only the controls of this profile\n"
	"  -C, --check=FAMILY                 list: only the controls this check evaluates\n"
	"                                     (host, ssh, tls, snmp, mail, web)\n"
	"  --lang=en|da                       language of titles and texts\n"
	"  -h, --help                         print this help\n"
	"  --version                          print the version\n"
	"\n"
	"History and reports:\n"
	"  --db=FILE                          the history database (default: $CYBERBASELINE_DB,\n"
	"                                     else " DEFAULT_DB ")\n"
	"  --groups=CSV                       ingest: \"host,group\" lines, the group of a run\n"
	"                                     that names no org\n"
	"  --batch=N                          ingest: runs per transaction (default 20000)\n"
	"  --perfdata                         ingest: the files are perfdata files (Icinga 2\n"
	"                                     PerfdataWriter, Nagios service_perfdata_file,\n"
	"                                     with the templates of docs/icinga-api.md)\n"
	"  --at=TIME                          2026-11-29 (the end of that day, UTC) or\n"
	"                                     2026-11-29T10:00:00Z (default: now)\n"
	"  --from=DATE, --to=DATE             trend: the days, inclusive\n"
	"  --host=HOST, --group=GROUP         status, trend: only this host or group\n"
	"  --anonymise                        benchmark: \"Group A\", \"Group B\" ... for names\n"
	"  --format=text|csv|json|html        the report's format (default: text); html is\n"
	"                                     one page with charts that opens offline\n"
	"\n"
	"-B FILE defaults to " DEFAULT_BASELINE ".\n"
	"Tailoring and waiver files are validated against -B (the baseline they extend).\n";

struct cli {
	const char *baseline;
	const char *profile;
	const char *family;
	const char *lang;
};

static int
usage(int rc)
{
	fputs(usage_text, rc ? stderr : stdout);
	return rc;
}

/* Parses the options shared by the commands; returns optind or -1. */
static int
cli_options(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'B' },
		{ "profile", required_argument, NULL, 'P' },
		{ "check", required_argument, NULL, 'C' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	c->baseline = DEFAULT_BASELINE;
	c->lang = "en";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "B:P:C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'B': c->baseline = optarg; break;
		case 'P': c->profile = optarg; break;
		case 'C': c->family = optarg; break;
		case 'L':
			if (strcmp(optarg, "en") && strcmp(optarg, "da")) {
				fprintf(stderr, "cyberbaseline: invalid language '%s' (en or da)\n", optarg);
				return -1;
			}
			c->lang = optarg;
			break;
		case 'h': usage(0); exit(0);
		default: return -1;
		}
	}
	return optind;
}

enum kind { KIND_BASELINE, KIND_TAILORING, KIND_WAIVERS };

static int
file_kind(const char *path, enum kind *kind, struct errmsg *e)
{
	char sha[DIGEST_HEX_LEN + 1];
	struct jv *doc;

	if (json_load_file(path, "file", &doc, sha, e) == -1)
		return -1;
	*kind = jv_get(doc, "waivers") ? KIND_WAIVERS
	      : jv_get(doc, "tailoring") ? KIND_TAILORING : KIND_BASELINE;
	jv_free(doc);
	return 0;
}

static int
validate_one(const struct cli *c, const char *path)
{
	struct baseline b, nat;
	struct waivers w;
	struct errmsg e;
	enum kind kind;

	if (file_kind(path, &kind, &e) == -1) {
		printf("%s: invalid: %s\n", path, e.msg);
		return 1;
	}
	if (kind == KIND_BASELINE) {
		if (baseline_load(&b, path, &e) == -1) {
			printf("%s: invalid: %s\n", path, e.msg);
			return 1;
		}
		printf("%s: valid baseline %s %s, %zu controls, %zu profiles, sha256 %s\n", path, b.id,
		       b.version, b.ncontrols, b.nprofiles, b.sha256);
		baseline_release(&b);
		return 0;
	}
	if (baseline_load(&nat, c->baseline, &e) == -1) {
		printf("%s: not validated: %s\n", path, e.msg);
		return 1;
	}
	if (kind == KIND_TAILORING) {
		if (baseline_tailor(&nat, path, &e) == -1) {
			printf("%s: invalid: %s\n", path, e.msg);
			baseline_release(&nat);
			return 1;
		}
		printf("%s: valid tailoring %s %s of %s %s, %zu controls in all, sha256 %s\n", path,
		       nat.tailoring_id, nat.tailoring_version, nat.id, nat.version, nat.ncontrols,
		       nat.tailoring_sha256);
	} else {
		if (waivers_load(&w, path, &nat, &e) == -1) {
			printf("%s: invalid: %s\n", path, e.msg);
			baseline_release(&nat);
			return 1;
		}
		printf("%s: valid waivers, %zu waivers for %s %s, sha256 %s\n", path, w.n, nat.id,
		       nat.version, w.sha256);
		waivers_release(&w);
	}
	baseline_release(&nat);
	return 0;
}

static int
cmd_validate(int argc, char **argv)
{
	struct cli c = { 0 };
	int i, first = cli_options(&c, argc, argv), rc = 0;

	if (first < 0 || first >= argc)
		return usage(2);
	for (i = first; i < argc; i++)
		rc |= validate_one(&c, argv[i]);
	return rc;
}

static int
load_for_reading(const struct cli *c, struct baseline *b)
{
	struct errmsg e;

	if (baseline_load(b, c->baseline, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return -1;
	}
	if (c->profile && !baseline_profile(b, c->profile)) {
		fprintf(stderr, "cyberbaseline: baseline '%s' has no profile '%s'\n", c->baseline,
			c->profile);
		baseline_release(b);
		return -1;
	}
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	struct cli c = { 0 };
	struct baseline b;
	size_t i, shown = 0;
	int first = cli_options(&c, argc, argv);

	if (first < 0 || first != argc)
		return usage(2);
	if (load_for_reading(&c, &b) == -1)
		return 1;
	printf("%-10s %-8s %-8s %-6s %s\n", "ID", "SEVERITY", "PROFILE", "CHECK", "TITLE");
	for (i = 0; i < b.ncontrols; i++) {
		const struct control *ct = &b.controls[i];

		if (c.profile && !baseline_in_profile(&b, ct, c.profile))
			continue;
		if (c.family && !control_in_family(ct, c.family))
			continue;
		printf("%-10s %-8s %-8s %-6s %s\n", ct->id, severity_name(ct->severity), ct->profile,
		       ct->family, text_get(&ct->title, c.lang));
		shown++;
	}
	printf("%zu controls, baseline %s %s\n", shown, b.id, b.version);
	baseline_release(&b);
	return 0;
}

static int
cmd_explain(int argc, char **argv)
{
	struct cli c = { 0 };
	const struct control *ct;
	struct baseline b;
	struct sbuf sb;
	bool da;
	size_t i;
	int first = cli_options(&c, argc, argv);

	if (first < 0 || first != argc - 1)
		return usage(2);
	if (load_for_reading(&c, &b) == -1)
		return 1;
	if (!(ct = baseline_find(&b, argv[first]))) {
		fprintf(stderr, "cyberbaseline: no control '%s' in baseline %s %s\n", argv[first],
			b.id, b.version);
		baseline_release(&b);
		return 1;
	}
	da = strcmp(c.lang, "da") == 0;
	sbuf_init(&sb, 64 * 1024);
	printf("%s  %s\n\n", ct->id, text_get(&ct->title, c.lang));
	printf("%s %s %s (%s %d), %s %s, %s %s\n", da ? "Baseline" : "Baseline", b.id, b.version,
	       da ? "kontrolversion" : "control version", ct->control_version,
	       da ? "profil" : "profile", ct->profile, da ? "tjek" : "check", ct->family);
	printf("%s: %s\n\n", da ? "Alvorlighed" : "Severity", severity_name(ct->severity));
	printf("%s:\n  %s\n\n", da ? "Begrundelse" : "Rationale", text_get(&ct->rationale, c.lang));
	printf("%s:\n  %s\n\n", da ? "Afhjælpning" : "Remediation",
	       text_get(&ct->remediation, c.lang));
	if (ct->applies_if) {
		rule_describe(ct->applies_if, &ct->env, &sb);
		printf("%s: %s\n", da ? "Gælder når" : "Applies when", sbuf_str(&sb));
		sbuf_reset(&sb);
	}
	rule_describe(ct->rule, &ct->env, &sb);
	printf("%s (%s): %s\n", da ? "Krav" : "Rule", severity_name(ct->severity), sbuf_str(&sb));
	sbuf_reset(&sb);
	if (ct->warning_rule) {
		rule_describe(ct->warning_rule, &ct->env, &sb);
		printf("%s (warning): %s\n", da ? "Anbefaling" : "Recommended", sbuf_str(&sb));
		sbuf_reset(&sb);
	}
	printf("\n%s:\n", da ? "Referencer" : "References");
	for (i = 0; i < ct->nrefs; i++)
		printf("  %-14s %s\n", ct->refs[i].framework, ct->refs[i].ref);
	sbuf_release(&sb);
	baseline_release(&b);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	struct errmsg e;
	size_t lines, bad;
	int i, rc = 0;

	if (argc < 2)
		return usage(2);
	for (i = 1; i < argc; i++) {
		if (evidence_verify(argv[i], &lines, &bad, &e) == 0) {
			printf("%s: intact, %zu runs\n", argv[i], lines);
		} else {
			printf("%s: broken: %s\n", argv[i], e.msg);
			rc = 1;
		}
	}
	return rc;
}

/* ---- history and reports (docs/history.md) ------------------------------------------ */

struct hopts {
	const char *db;
	const char *groups;
	const char *host;
	const char *group;
	const char *from, *to;
	long long at;
	unsigned long batch;
	enum histfmt format;
	bool anonymise;
	bool perfdata;
};

enum { OPT_DB = 256, OPT_GROUPS, OPT_BATCH, OPT_AT, OPT_FROM, OPT_TO, OPT_HOST, OPT_GROUP,
       OPT_ANON, OPT_FORMAT, OPT_PERFDATA };

/* The options of `history` and `report`; `allowed` lists those the command takes. */
static int
history_options(struct hopts *o, int argc, char **argv, const int *allowed)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "groups", required_argument, NULL, OPT_GROUPS },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "at", required_argument, NULL, OPT_AT },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "anonymise", no_argument, NULL, OPT_ANON },
		{ "anonymize", no_argument, NULL, OPT_ANON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "perfdata", no_argument, NULL, OPT_PERFDATA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("CYBERBASELINE_DB");
	struct errmsg e;
	const int *a;
	int ch;

	memset(o, 0, sizeof(*o));
	o->db = env && *env ? env : DEFAULT_DB;
	o->at = (long long)time(NULL);
	o->batch = HISTORY_BATCH_DEFAULT;
	o->format = HISTFMT_TEXT;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(0);
			exit(0);
		}
		for (a = allowed; *a && *a != ch; a++)
			;
		if (!*a) {
			const struct option *lo;

			for (lo = longopts; ch != '?' && lo->name; lo++)
				if (lo->val == ch) {
					fprintf(stderr, "cyberbaseline: %s: option '--%s' does not apply\n",
						argv[0], lo->name);
					break;
				}
			return -1;
		}
		switch (ch) {
		case OPT_DB: o->db = optarg; break;
		case OPT_GROUPS: o->groups = optarg; break;
		case OPT_HOST: o->host = optarg; break;
		case OPT_GROUP: o->group = optarg; break;
		case OPT_FROM: o->from = optarg; break;
		case OPT_TO: o->to = optarg; break;
		case OPT_ANON: o->anonymise = true; break;
		case OPT_PERFDATA: o->perfdata = true; break;
		case OPT_BATCH:
			if (parse_ulong(optarg, 1, HISTORY_BATCH_MAX, &o->batch) == -1) {
				fprintf(stderr, "cyberbaseline: invalid --batch '%s' (1 to %u)\n",
					optarg, HISTORY_BATCH_MAX);
				return -1;
			}
			break;
		case OPT_AT:
			if (history_parse_time(optarg, true, &o->at) == -1) {
				fprintf(stderr, "cyberbaseline: invalid time '%s' (2026-11-29 or "
					"2026-11-29T10:00:00Z)\n", optarg);
				return -1;
			}
			break;
		case OPT_FORMAT:
			if (histfmt_parse(optarg, &o->format, &e) == -1) {
				fprintf(stderr, "cyberbaseline: %s\n", e.msg);
				return -1;
			}
			break;
		default: return -1;
		}
	}
	return optind;
}

/*
 * Progress on stderr: only on a terminal, and only once the work took a
 * second (CYBERBASELINE_PROGRESS_AFTER seconds, 0 to 60: for tests and for
 * those who want it sooner or later).
 */
static double
progress_after(void)
{
	const char *s = getenv("CYBERBASELINE_PROGRESS_AFTER");
	unsigned long v;

	if (s && *s && parse_ulong(s, 0, 60, &v) == 0)
		return (double)v;
	return 1.0;
}

struct progress {
	const char *file;
	struct timespec start, last;
	bool shown;
	int index, nfiles;		/* the file being read, of how many */
	unsigned long long before;	/* the sizes of the files read before it */
	unsigned long long size, all;	/* its size, and that of all files */
};

static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress_show(void *ctx, unsigned long long done, unsigned long long total)
{
	struct progress *p = ctx;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (seconds_between(&p->start, &now) < progress_after() ||
	    seconds_between(&p->last, &now) < 0.2)
		return;
	p->last = now;
	p->shown = true;
	if (p->nfiles > 1) {	/* the whole ingest: bytes of all files, where this one is */
		unsigned long long at = p->before + (p->size > total - done ? p->size - (total - done)
									  : 0);

		fprintf(stderr, "\r\033[Kingesting: %3.0f%% (%.1f of %.1f MB), file %d of %d",
			p->all ? 100.0 * (double)at / (double)p->all : 100.0, (double)at / 1e6,
			(double)p->all / 1e6, p->index + 1, p->nfiles);
	} else {
		fprintf(stderr, "\r\033[Kingesting %s: %3.0f%% (%.1f of %.1f MB)", p->file,
			total ? 100.0 * (double)done / (double)total : 100.0, (double)done / 1e6,
			(double)total / 1e6);
	}
	fflush(stderr);
}

static void
progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

static void
ingest_warn(void *ctx, const char *msg)
{
	struct progress *p = ctx;

	progress_end(p);
	fprintf(stderr, "%s: %s\n", p->file, msg);
}

/*
 * `history ingest --perfdata`: a perfdata file's line as a run (histsrc.c);
 * lines of other checks are skipped.
 */
struct perf_reader {
	struct histsrc_run r;
	struct history_control_in *ctl;
};

static int
perf_parse(void *ctx, const char *line, size_t len, struct history_run_in *in, struct errmsg *e)
{
	struct perf_reader *p = ctx;

	histsrc_run_init(&p->r);
	p->ctl = NULL;
	if (histsrc_perfdata_line(&p->r, line, len, e) == -1)
		return -1;
	if (!p->r.ours) {
		histsrc_run_release(&p->r);
		return 0;
	}
	p->ctl = histsrc_run_view(&p->r, in);
	return 1;
}

static void
perf_release(void *ctx, struct history_run_in *in)
{
	struct perf_reader *p = ctx;

	(void)in;
	free(p->ctl);
	p->ctl = NULL;
	histsrc_run_release(&p->r);
}

static int
cmd_history(int argc, char **argv)
{
	static const int allowed[] = { OPT_DB, OPT_GROUPS, OPT_BATCH, OPT_PERFDATA, 0 };
	struct perf_reader pr = { 0 };
	struct history_line_reader rd = { perf_parse, perf_release, &pr };
	struct history_groups groups = { 0 };
	struct history_ingest_stats st;
	struct history_ingest_hooks hooks;
	struct progress prog;
	struct history *h;
	struct hopts o;
	struct errmsg e;
	int first, i, rc = 0;

	if (argc >= 2 && strcmp(argv[1], "follow") == 0)
		return cmd_follow(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "ingest") != 0) {
		fprintf(stderr, "cyberbaseline: history: expected 'ingest' or 'follow'\n");
		return usage(2);
	}
	first = history_options(&o, argc - 1, argv + 1, allowed);
	if (first < 0 || first >= argc - 1)
		return usage(2);
	first++;	/* back to argv's numbering */
	if (o.groups && history_groups_load(&groups, o.groups, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return 1;
	}
	if (history_open(&h, o.db, HISTORY_WRITE, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		history_groups_release(&groups);
		return 1;
	}
	history_set_batch(h, (unsigned)o.batch);
	history_hold(h);	/* small logs share transactions: history_flush() below */
	hooks.warn = ingest_warn;
	hooks.progress = isatty(STDERR_FILENO) ? progress_show : NULL;
	hooks.ctx = &prog;
	memset(&prog, 0, sizeof(prog));
	prog.nfiles = argc - first;
	for (i = first; hooks.progress && i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) == 0)
			prog.all += (unsigned long long)sb.st_size;
	}
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	for (i = first; i < argc; i++) {
		struct stat sb;

		prog.file = argv[i];
		prog.index = i - first;
		prog.size = hooks.progress && stat(argv[i], &sb) == 0 ? (unsigned long long)sb.st_size : 0;
		if (prog.nfiles == 1)
			clock_gettime(CLOCK_MONOTONIC, &prog.start);
		if (history_ingest_lines(h, argv[i], o.perfdata ? &rd : NULL, o.groups ? &groups : NULL,
					 &hooks, &st, &e) == -1) {
			progress_end(&prog);
			rc = 1;
			if (!st.bad_line) {	/* the file could not be read, or the store failed */
				fprintf(stderr, "cyberbaseline: %s\n", e.msg);
				if (st.rolled_back && i > first)
					fprintf(stderr, "cyberbaseline: runs of the files above since "
							"the last commit were not kept either; ingest "
							"them again\n");
				if (!st.lines) {
					prog.before += prog.size;
					continue;
				}
			} else {
				fprintf(stderr, "%s: %s\n", argv[i], e.msg);
			}
		}
		progress_end(&prog);
		prog.before += prog.size;
		rc |= st.refused > 0;
		printf("%s: %zu line%s read, %zu run%s stored", argv[i], st.lines,
		       st.lines == 1 ? "" : "s", st.stored, st.stored == 1 ? "" : "s");
		if (st.late)
			printf(" (%zu older than their series' newest, fitted in)", st.late);
		printf(", %zu already stored, %zu refused", st.duplicate, st.refused);
		if (o.perfdata)
			printf(", %zu of other checks", st.skipped);
		if (st.bad_line)
			printf("; stopped at line %zu", st.bad_line);
		else if (st.partial)
			printf("; the last line is incomplete, left for the next ingest");
		putchar('\n');
	}
	if (history_flush(h, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s: the runs since the last commit were not kept; "
				"ingest again\n", e.msg);
		rc = 1;
	}
	history_close(h);
	history_groups_release(&groups);
	return rc;
}

/* A report's progress on stderr, when stderr is a terminal (history_set_progress). */
struct report_progress {
	const char *name;
	bool shown;
};

/* The report's progress line, erased before anything else is written. */
static struct report_progress *report_prog;

static void
report_progress_clear(void)
{
	if (report_prog && report_prog->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		report_prog->shown = false;
	}
}

static void
report_progress(void *ctx, double seconds, size_t done, size_t total)
{
	struct report_progress *p = ctx;

	p->shown = true;
	if (total)
		fprintf(stderr, "\r\033[Kreport %s: %3.0f%% (%.0f s)", p->name,
			100.0 * (double)done / (double)total, seconds);
	else
		fprintf(stderr, "\r\033[Kreport %s: reading the store (%.0f s)", p->name, seconds);
	fflush(stderr);
}

static int
write_report(struct sbuf *sb)
{
	report_progress_clear();
	fwrite(sbuf_str(sb), 1, sb->len, stdout);
	sbuf_release(sb);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

static int
report_status(struct history *h, const struct hopts *o)
{
	struct history_status s;
	struct errmsg e;
	struct sbuf sb;
	char at[32];

	if (history_status(h, o->at, o->host, o->group, &s, &e) == -1) {
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return 1;
	}
	if (!s.n) {
		history_format_time(o->at, at);
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: no runs in force at %s%s%s%s%s\n", at,
			o->host ? " for host " : "", o->host ? o->host : "",
			o->group ? " in group " : "", o->group ? o->group : "");
		history_status_release(&s);
		return 1;
	}
	sbuf_init(&sb, 1024u * 1024 * 1024);
	histreport_status(&s, o->format, &sb);
	history_status_release(&s);
	return write_report(&sb);
}

static int
report_trend(struct history *h, const struct hopts *o)
{
	struct history_trend t;
	long from, to;
	struct errmsg e;
	struct sbuf sb;
	size_t i, days = 0;

	if (!o->from || !o->to) {
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: report trend: --from and --to are required\n");
		return 2;
	}
	if ((from = util_date_days(o->from)) < 0 || (to = util_date_days(o->to)) < 0) {
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: invalid date '%s' (YYYY-MM-DD)\n",
			util_date_days(o->from) < 0 ? o->from : o->to);
		return 2;
	}
	if (history_trend(h, from, to, o->group, &t, &e) == -1) {
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return 2;
	}
	for (i = 0; i < t.n; i++)
		days += t.days[i].hosts > 0;
	sbuf_init(&sb, 64u * 1024 * 1024);
	histreport_trend(&t, o->group, o->format, &sb);
	history_trend_release(&t);
	if (!days) {
		sbuf_release(&sb);
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: no compliance in force from %s to %s%s%s\n", o->from,
			o->to, o->group ? " in group " : "", o->group ? o->group : "");
		return 1;
	}
	return write_report(&sb);
}

static int
report_benchmark(struct history *h, const struct hopts *o)
{
	struct history_bench b;
	struct errmsg e;
	struct sbuf sb;
	char at[32];

	if (history_benchmark(h, o->at, o->anonymise, &b, &e) == -1) {
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return 1;
	}
	if (!b.ngroups) {
		history_format_time(o->at, at);
		report_progress_clear();
		fprintf(stderr, "cyberbaseline: no runs in force at %s\n", at);
		history_bench_release(&b);
		return 1;
	}
	sbuf_init(&sb, 64u * 1024 * 1024);
	histreport_bench(&b, o->anonymise, o->format, &sb);
	history_bench_release(&b);
	return write_report(&sb);
}

static int
cmd_report(int argc, char **argv)
{
	static const int status_opts[] = { OPT_DB, OPT_AT, OPT_HOST, OPT_GROUP, OPT_FORMAT, 0 };
	static const int trend_opts[] = { OPT_DB, OPT_FROM, OPT_TO, OPT_GROUP, OPT_FORMAT, 0 };
	static const int bench_opts[] = { OPT_DB, OPT_AT, OPT_ANON, OPT_FORMAT, 0 };
	static const struct {
		const char *name;
		const int *opts;
		int (*run)(struct history *h, const struct hopts *o);
	} reports[] = {
		{ "status", status_opts, report_status },
		{ "trend", trend_opts, report_trend },
		{ "benchmark", bench_opts, report_benchmark },
	};
	struct report_progress prog = { 0 };
	struct history *h;
	struct hopts o;
	struct errmsg e;
	size_t i;
	int first, rc;

	for (i = 0; argc >= 2 && i < NELEM(reports); i++)
		if (strcmp(argv[1], reports[i].name) == 0)
			break;
	if (argc < 2 || i == NELEM(reports)) {
		fprintf(stderr, "cyberbaseline: report: expected status, trend or benchmark\n");
		return usage(2);
	}
	first = history_options(&o, argc - 1, argv + 1, reports[i].opts);
	if (first < 0 || first != argc - 1)
		return usage(2);
	if (history_open(&h, o.db, HISTORY_READ, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return 1;
	}
	prog.name = reports[i].name;
	report_prog = &prog;
	if (isatty(STDERR_FILENO))
		history_set_progress(h, progress_after(), report_progress, &prog);
	rc = reports[i].run(h, &o);
	report_progress_clear();
	history_close(h);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return usage(2);
	if (strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify-evidence") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "history") == 0)
		return cmd_history(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("cyberbaseline %s\n", CB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)
		return usage(0);
	fprintf(stderr, "cyberbaseline: unknown command '%s'\n", argv[1]);
	return usage(2);
}
