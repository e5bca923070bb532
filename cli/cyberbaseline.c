/*
 * cyberbaseline: validate baselines, tailoring and waivers; list and explain
 * controls; verify an evidence log. The same library as the checks.
 *
 * Exit codes: 0 all good, 1 a file is invalid or evidence is broken, 2 bad use.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "evidence.h"
#include "json.h"
#include "util.h"
#include "waiver.h"
#include "banned.h"

#define DEFAULT_BASELINE CB_DATADIR "/baselines/dk-kommune.json"

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
