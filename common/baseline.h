#ifndef CB_BASELINE_H
#define CB_BASELINE_H
/*
 * Baselines as data: loading, validation, tailoring. docs/baseline-format.md
 * is the reference for the file format; this module is its only reader.
 */
#include <stdbool.h>
#include <stddef.h>

#include "digest.h"
#include "rule.h"

struct errmsg;
struct jv;

#define BASELINE_FORMAT 1
#define BASELINE_ALSO_MAX 5

enum severity { SEV_WARNING = 1, SEV_CRITICAL = 2 };

/* Text in both languages; en and da are always set after loading. */
struct text {
	char *en;
	char *da;
};

struct reference {
	char *framework;	/* "nis2", "iso27001_2022", "cis_v8", "dk", "other" */
	char *ref;		/* "21(2)(h)", "8.24", "3.10", "CFCS-TLS" */
};

struct control {
	char *id;		/* "SSH-003", stable, never reused */
	int control_version;	/* bumped when the semantics change */
	char *family;		/* "ssh", "tls", ... = the check that evaluates it */
	char *also_in[BASELINE_ALSO_MAX];	/* other families whose checks evaluate it too */
	size_t nalso;
	char *profile;		/* lowest profile that includes it */
	enum severity severity;
	int on_error;		/* plugin state when not evaluated: 3 (default), 1 or 2 */
	struct text title, rationale, remediation;
	struct reference *refs;
	size_t nrefs;
	struct param *params;
	size_t nparams;
	struct rule *applies_if;	/* NULL: always applies; false: NA */
	struct rule *rule;		/* must hold, else FAIL at severity */
	struct rule *warning_rule;	/* severity critical only: must hold, else FAIL at WARNING */
	char *origin;		/* NULL: the baseline itself; else the tailoring id that added it */
	struct rule_env env;	/* params + baseline tables, for rule_eval */
};

struct profile {
	char *id;
	char *inherits;		/* NULL or the id of the profile it contains */
	struct text title;
};

struct baseline {
	struct jv *doc;		/* the parsed file; rules, params and tables point into it */
	struct jv *tailoring_doc;
	char *path;
	char sha256[DIGEST_HEX_LEN + 1];
	int format;
	char *id;		/* "dk-kommune" */
	char *version;		/* "2026.1" */
	struct text title;
	struct profile *profiles;
	size_t nprofiles;
	struct control *controls;
	size_t ncontrols;
	char **table_names;
	struct jv **tables;
	size_t ntables;
	/* set by baseline_tailor() */
	char *tailoring_path;
	char tailoring_sha256[DIGEST_HEX_LEN + 1];
	char *tailoring_id;
	char *tailoring_version;
	char *tailoring_profile;	/* the profile the tailoring chooses, or NULL */
};

/*
 * Loads and validates a baseline file. On error returns -1 with a message
 * naming the file and the JSON path; *b is then empty (baseline_release-safe).
 */
int baseline_load(struct baseline *b, const char *path, struct errmsg *e);
/* The same from memory; `name` stands for the path in messages (fuzzing, tests). */
int baseline_load_buf(struct baseline *b, const char *text, size_t len, const char *name,
		      struct errmsg *e);
/*
 * Applies a tailoring file on top of b. Refuses (-1, message naming the
 * control) anything that would loosen or drop a national control.
 */
int baseline_tailor(struct baseline *b, const char *path, struct errmsg *e);
void baseline_release(struct baseline *b);

const struct control *baseline_find(const struct baseline *b, const char *id);
const struct profile *baseline_profile(const struct baseline *b, const char *id);
/* True when control c belongs to profile p (directly or by inheritance). */
bool baseline_in_profile(const struct baseline *b, const struct control *c, const char *profile);
/* True when the check of `family` evaluates c: its family, or one of also_in. */
bool control_in_family(const struct control *c, const char *family);
/* Localised text: "da" picks Danish, anything else English. */
const char *text_get(const struct text *t, const char *lang);
const char *severity_name(enum severity s);

#endif
