/*
 * check_baseline_host: the Linux host it runs on (or a tree given with
 * --root) against the baseline's host controls, from the inside.
 *
 * Facts come from files, /proc and /sys, read directly through hostfs
 * (common/hostfs.h: every path under the root, regular files only, capped),
 * never from a shell. A fact that cannot be read is an error naming the file
 * and why ("needs read access to /etc/shadow"), so its controls are not
 * evaluated; nothing unread ever passes. The gatherers, each on its own:
 *   os        /etc/os-release; days until the end of security support, from
 *             the baseline's table os_end_of_support
 *   sysctl    every host.sysctl.NAME fact the baseline's host rules use,
 *             from /proc/sys/NAME (dots as slashes)
 *   apparmor  /sys/module/apparmor/parameters/enabled and the profiles
 *   accounts  /etc/passwd, /etc/shadow: UID 0, unshadowed and empty passwords
 *   files     the baseline's table critical_file_modes: mode, owner, group
 *   logspace  statvfs() of /var/log and /var/log/audit
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>


#include "baseline.h"
#include "cmd.h"
#include "facts.h"
#include "hostfs.h"
#include "json.h"
#include "opts.h"
#include "report.h"
#include "rule.h"
#include "run.h"
#include "debpkg.h"
#include "sshdcfg.h"
#include "util.h"
#include "banned.h"

#define SMALL_FILE_MAX (64 * 1024)	/* os-release, a /proc or /sys value */
#define ACCOUNTS_MAX (8 * 1024 * 1024)	/* passwd, shadow, group */
#define LIST_MAX 256			/* names kept in one list fact */

static const char description[] =
	"Checks the Linux host it runs on against the host controls of the baseline:\n"
	"OS support, kernel and network sysctls, AppArmor, accounts, permissions of\n"
	"critical files and space for logs. Everything is read from files, /proc and\n"
	"/sys, never from a shell; run it as the monitoring user, and whatever that\n"
	"user may not read is reported as not evaluated, never as passed.";

static const char help[] =
	" --root=DIR\n"
	"    Evaluate the tree under DIR instead of / (an image, a mounted disk);\n"
	"    /proc and /sys are read under DIR too, and what only a running system\n"
	"    has is not evaluated when DIR has none\n";

enum { OPT_ROOT = 1000 };

struct host_opts {
	const char *root;
};

static int
handle(int val, const char *arg, void *ctx, struct errmsg *e)
{
	struct host_opts *t = ctx;

	if (val == OPT_ROOT) {
		if (!*arg) {
			errmsg_set(e, "invalid --root ''");
			return -1;
		}
		t->root = arg;
		return 0;
	}
	return -1;
}

/* ---- reading ------------------------------------------------------------------- */

/*
 * Why path could not be read, for a fact: "needs read access to /etc/shadow"
 * when denied, "/etc/os-release: no such file" otherwise; under --root a
 * missing /proc or /sys says the tree is not a running system.
 */
static void
read_error(struct facts *f, const char *fact, const char *path, enum hostfs_result r,
	   const char *why)
{
	if (r == HOSTFS_DENIED)
		facts_set_error(f, fact, "needs read access to %s", path);
	else if (r == HOSTFS_ABSENT && !hostfs_live() &&
		 (strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/sys/", 5) == 0))
		facts_set_error(f, fact, "%s: not in the tree (not a running system)", path);
	else
		facts_set_error(f, fact, "%s: %s", path, hostfs_why(r, why));
}

/*
 * A configuration file with a NUL byte is not text: what follows the NUL
 * would be invisible to the C string functions that read it. True (with
 * the fact's error set) when text has one.
 */
static bool
not_text(struct facts *f, const char *fact, const char *path, const char *text, size_t len)
{
	if (!memchr(text, '\0', len))
		return false;
	facts_set_error(f, fact, "%s: not text (a NUL byte)", path);
	return true;
}

/* The first line of a small file, trimmed; NULL with the fact's error set. */
static char *
read_value(struct facts *f, const char *fact, const char *path)
{
	char why[HOSTFS_WHY_MAX] = "", *data;
	size_t len;
	enum hostfs_result r = hostfs_read(path, SMALL_FILE_MAX, &data, &len, why);

	if (r != HOSTFS_OK) {
		read_error(f, fact, path, r, why);
		return NULL;
	}
	data[strcspn(data, "\n")] = '\0';
	len = strlen(data);
	while (len && isspace((unsigned char)data[len - 1]))
		data[--len] = '\0';
	return data;
}

/* A strict decimal integer (optional sign, digits, nothing else). */
static bool
parse_ll(const char *s, long long *out)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* ---- os -------------------------------------------------------------------------- */

/* The value of KEY in os-release text (quotes removed), or NULL; malloc'd. */
static char *
os_release_get(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);

		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t n = (size_t)(end - v);

			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
				v++;
				n -= 2;
			}
			return xstrndup(v, n);
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

static const struct jv *
table(const struct run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->b.ntables; i++)
		if (strcmp(run->b.table_names[i], name) == 0)
			return run->b.tables[i];
	return NULL;
}

/*
 * host.os ("debian 12") and host.os_support_days: days from today to the
 * end of security support in the table os_end_of_support (rows {"id",
 * "version_id", "ends": "YYYY-MM-DD"}), negative once it has passed.
 */
static void
gather_os(struct facts *f, const struct run *run)
{
	const char *path = "/etc/os-release";
	char why[HOSTFS_WHY_MAX] = "", *text, *id, *ver;
	const struct jv *t = table(run, "os_end_of_support");
	enum hostfs_result r;
	size_t len, i;

	r = hostfs_read(path, SMALL_FILE_MAX, &text, &len, why);
	if (r == HOSTFS_ABSENT) {
		path = "/usr/lib/os-release";
		r = hostfs_read(path, SMALL_FILE_MAX, &text, &len, why);
	}
	if (r != HOSTFS_OK) {
		read_error(f, "host.os", path, r, why);
		read_error(f, "host.os_support_days", path, r, why);
		return;
	}
	id = os_release_get(text, "ID");
	ver = os_release_get(text, "VERSION_ID");
	free(text);
	if (!id || !ver) {
		facts_set_error(f, "host.os", "%s: no %s", path, !id ? "ID" : "VERSION_ID");
		facts_set_error(f, "host.os_support_days", "%s: no %s", path, !id ? "ID" : "VERSION_ID");
		free(id);
		free(ver);
		return;
	}
	{
		char *os = xasprintf("%s %s", id, ver);

		facts_set_str(f, "host.os", os);
		free(os);
	}
	for (i = 0; t && t->type == JV_ARRAY && i < t->n; i++) {
		const struct jv *row = &t->items[i], *rid = jv_get(row, "id"),
				*rver = jv_get(row, "version_id"), *ends = jv_get(row, "ends");
		long end_days, today;

		if (!rid || !rver || !ends || rid->type != JV_STRING || rver->type != JV_STRING ||
		    ends->type != JV_STRING)
			continue;
		if (strcmp(rid->s, id) != 0 || strcmp(rver->s, ver) != 0)
			continue;
		end_days = util_date_days(ends->s);
		today = util_date_days(run->today);
		if (end_days < 0 || today < 0)
			facts_set_error(f, "host.os_support_days",
					"table os_end_of_support: '%s' is not a date", ends->s);
		else
			facts_set_int(f, "host.os_support_days", end_days - today);
		break;
	}
	if (!t || t->type != JV_ARRAY || i == t->n)
		facts_set_error(f, "host.os_support_days",
				"%s %s: no end of support known (table os_end_of_support)", id, ver);
	free(id);
	free(ver);
}

/* ---- sysctl ---------------------------------------------------------------------- */

/* Every host.sysctl.NAME the host controls use, read from /proc/sys/NAME. */
static void
gather_sysctls(struct facts *f, const struct run *run)
{
	struct sbuf names;
	const char *p;
	size_t i;

	sbuf_init(&names, 4096);
	for (i = 0; i < run->b.ncontrols; i++) {
		const struct control *c = &run->b.controls[i];

		if (!control_in_family(c, "host"))
			continue;
		if (c->applies_if)
			rule_facts(c->applies_if, &names);
		if (c->rule)
			rule_facts(c->rule, &names);
		if (c->warning_rule)
			rule_facts(c->warning_rule, &names);
	}
	for (p = sbuf_str(&names); *p;) {
		size_t n = strcspn(p, ",");
		char *name = xstrndup(p, n);

		if (strncmp(name, "host.sysctl.", 12) == 0 && !facts_get(f, name)) {
			char path[300], *v, *q;
			long long x;

			snprintf(path, sizeof(path), "/proc/sys/%s", name + 12);
			for (q = path + 10; *q; q++)
				if (*q == '.')
					*q = '/';
			if ((v = read_value(f, name, path)) != NULL) {
				if (parse_ll(v, &x))
					facts_set_int(f, name, x);
				else
					facts_set_error(f, name, "%s: not a number", path);
				free(v);
			}
		}
		free(name);
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	sbuf_release(&names);
}

/* ---- apparmor -------------------------------------------------------------------- */

/*
 * host.apparmor_enabled (the module's parameter is Y), host.apparmor_profiles
 * (loaded profiles) and host.apparmor_profiles_unenforced (those neither in
 * enforce nor in complain mode, "name (mode)").
 */
static void
gather_apparmor(struct facts *f)
{
	static const char *const prof_path = "/sys/kernel/security/apparmor/profiles";
	char why[HOSTFS_WHY_MAX] = "", *v, *text, *line, *save = NULL;
	const char *other[LIST_MAX];
	size_t len, n = 0, count = 0;
	enum hostfs_result r;

	struct stat st;
	bool in_kernel = true;

	/* a kernel without AppArmor has no /sys/module/apparmor: that is "not enabled" */
	if (hostfs_stat("/sys/module/apparmor", &st, why) == HOSTFS_ABSENT &&
	    hostfs_stat("/sys/module", &st, why) == HOSTFS_OK) {
		in_kernel = false;
		facts_set_bool(f, "host.apparmor_enabled", false);
	} else if ((v = read_value(f, "host.apparmor_enabled",
				   "/sys/module/apparmor/parameters/enabled"))) {
		facts_set_bool(f, "host.apparmor_enabled", strcmp(v, "Y") == 0);
		free(v);
	}
	r = hostfs_read(prof_path, 4 * 1024 * 1024, &text, &len, why);
	if (r == HOSTFS_ABSENT && !in_kernel) {
		facts_set_error(f, "host.apparmor_profiles", "AppArmor is not in this kernel");
		facts_set_error(f, "host.apparmor_profiles_unenforced", "AppArmor is not in this kernel");
		return;
	}
	if (r != HOSTFS_OK) {
		read_error(f, "host.apparmor_profiles", prof_path, r, why);
		read_error(f, "host.apparmor_profiles_unenforced", prof_path, r, why);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *mode = strrchr(line, '(');

		count++;
		if (mode && (strcmp(mode, "(enforce)") == 0 || strcmp(mode, "(complain)") == 0))
			continue;
		if (n < LIST_MAX)
			other[n++] = line;
	}
	facts_set_int(f, "host.apparmor_profiles", (long long)count);
	facts_set_list(f, "host.apparmor_profiles_unenforced", other, n);
	free(text);
}

/* ---- accounts -------------------------------------------------------------------- */

/* Splits line into at most max ':' fields in place; returns how many. */
static size_t
split_fields(char *line, char **fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *c = strchr(line, ':');

		fields[n++] = line;
		if (!c)
			break;
		*c = '\0';
		line = c + 1;
	}
	return n;
}

/*
 * host.uid0_nonroot (accounts other than root with UID 0),
 * host.passwd_not_shadowed (accounts whose /etc/passwd password field is not
 * "x") and host.empty_password_accounts (an empty password field in
 * /etc/shadow: anyone may log in).
 */
static void
gather_accounts(struct facts *f)
{
	char why[HOSTFS_WHY_MAX] = "", *text, *line, *save = NULL;
	const char *uid0[LIST_MAX], *unshadowed[LIST_MAX], *empty[LIST_MAX];
	size_t len, n0 = 0, nu = 0, ne = 0, ln = 0;
	enum hostfs_result r;

	r = hostfs_read("/etc/passwd", ACCOUNTS_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.uid0_nonroot", "/etc/passwd", r, why);
		read_error(f, "host.passwd_not_shadowed", "/etc/passwd", r, why);
	} else {
		bool bad = false;

		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *fl[7];

			ln++;
			if (line[0] == '#' || line[0] == '+' || line[0] == '-')
				continue;	/* NIS compat lines are not local accounts */
			if (split_fields(line, fl, 7) != 7) {
				facts_set_error(f, "host.uid0_nonroot", "/etc/passwd: line %zu: not 7 fields", ln);
				facts_set_error(f, "host.passwd_not_shadowed",
						"/etc/passwd: line %zu: not 7 fields", ln);
				bad = true;
				break;
			}
			if (strcmp(fl[2], "0") == 0 && strcmp(fl[0], "root") != 0 && n0 < LIST_MAX)
				uid0[n0++] = fl[0];
			if (strcmp(fl[1], "x") != 0 && nu < LIST_MAX)
				unshadowed[nu++] = fl[0];
		}
		if (!bad) {
			facts_set_list(f, "host.uid0_nonroot", uid0, n0);
			facts_set_list(f, "host.passwd_not_shadowed", unshadowed, nu);
		}
		free(text);
	}

	save = NULL;
	ln = 0;
	r = hostfs_read("/etc/shadow", ACCOUNTS_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.empty_password_accounts", "/etc/shadow", r, why);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *fl[9];

		ln++;
		if (split_fields(line, fl, 9) < 2) {
			facts_set_error(f, "host.empty_password_accounts",
					"/etc/shadow: line %zu: no password field", ln);
			free(text);
			return;
		}
		if (fl[1][0] == '\0' && ne < LIST_MAX)
			empty[ne++] = fl[0];
	}
	facts_set_list(f, "host.empty_password_accounts", empty, ne);
	explicit_bzero(text, len);	/* password hashes */
	free(text);
}

/* ---- critical files -------------------------------------------------------------- */

/*
 * Every name of the tree's /etc/passwd (or /etc/group) with its id, as
 * "name\0id\0name\0id..." in *out; -1 with the fact's error set when the
 * file cannot be read (owners cannot then be told by name).
 */
static int
id_names(struct facts *f, const char *fact, const char *file, char **text_out)
{
	char why[HOSTFS_WHY_MAX] = "", *text;
	size_t len;
	enum hostfs_result r = hostfs_read(file, ACCOUNTS_MAX, &text, &len, why);

	if (r != HOSTFS_OK) {
		read_error(f, fact, file, r, why);
		return -1;
	}
	*text_out = text;
	return 0;
}

/* The name of id in passwd/group text, else its number. */
static void
id_name(const char *text, unsigned long id, char *out, size_t n)
{
	const char *p = text;

	snprintf(out, n, "%lu", id);
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		const char *c1 = memchr(p, ':', (size_t)(end - p)), *c2, *c3;

		if (c1 && (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) != NULL &&
		    (c3 = memchr(c2 + 1, ':', (size_t)(end - c2 - 1))) != NULL) {
			char num[24];
			long long x;

			snprintf(num, sizeof(num), "%.*s", (int)(c3 - c2 - 1), c2 + 1);
			if (parse_ll(num, &x) && x >= 0 && (unsigned long long)x == id) {
				snprintf(out, n, "%.*s", (int)(c1 - p), p);
				return;
			}
		}
		p = nl ? nl + 1 : end;
	}
}

static bool
in_names(const struct jv *list, const char *name)
{
	size_t i;

	if (!list)
		return true;
	if (list->type == JV_STRING)
		return strcmp(list->s, name) == 0;
	for (i = 0; list->type == JV_ARRAY && i < list->n; i++)
		if (list->items[i].type == JV_STRING && strcmp(list->items[i].s, name) == 0)
			return true;
	return false;
}

/* Checks one existing path against a row; adds a finding to out[*n]. */
static void
check_file(const char *path, const struct stat *st, unsigned long max_mode, const struct jv *owner,
	   const struct jv *group, const char *const ids[2], char **out, size_t *n)
{
	char uname[64], gname[64];
	unsigned long mode = st->st_mode & 07777;

	id_name(ids[0], st->st_uid, uname, sizeof(uname));
	id_name(ids[1], st->st_gid, gname, sizeof(gname));
	if ((mode & ~max_mode) == 0 && in_names(owner, uname) && in_names(group, gname))
		return;
	if (*n < LIST_MAX)
		out[(*n)++] = xasprintf("%s %04lo %s:%s", path, mode, uname, gname);
}

static void
free_list(char **items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i]);
}

/*
 * host.files_too_open: every path of the table critical_file_modes (rows
 * {"path", "max_mode": "0640", "owner": "root", "group": ["root", "shadow"]};
 * a '*' in the file name matches several) whose mode has a bit max_mode does
 * not allow, or whose owner or group is not listed: "/etc/shadow 0644
 * root:root". A path that does not exist is fine; one that cannot be
 * examined is an error.
 */
static void
gather_files(struct facts *f, const struct run *run)
{
	static const char *const fact = "host.files_too_open";
	const struct jv *t = table(run, "critical_file_modes");
	char *out[LIST_MAX], *ids[2] = { NULL, NULL };
	size_t i, n = 0;
	bool ok = false;

	if (!t || t->type != JV_ARRAY) {
		facts_set_error(f, fact, "the baseline has no table critical_file_modes");
		return;
	}
	/* owners and groups are named as the tree's own passwd and group name them */
	if (id_names(f, fact, "/etc/passwd", &ids[0]) == -1 ||
	    id_names(f, fact, "/etc/group", &ids[1]) == -1)
		goto out;
	for (i = 0; i < t->n; i++) {
		const struct jv *row = &t->items[i], *path = jv_get(row, "path"),
				*maxm = jv_get(row, "max_mode");
		const struct jv *owner = jv_get(row, "owner"), *group = jv_get(row, "group");
		char why[HOSTFS_WHY_MAX] = "", *end, dir[256], **names = NULL;
		const char *slash, *base;
		unsigned long max_mode;
		struct stat st;
		enum hostfs_result r;
		size_t nn = 0, k;

		if (!path || !maxm || path->type != JV_STRING || maxm->type != JV_STRING ||
		    path->s[0] != '/' || !*maxm->s || (max_mode = strtoul(maxm->s, &end, 8), *end)) {
			facts_set_error(f, fact, "table critical_file_modes[%zu]: expected "
					"{\"path\": \"/...\", \"max_mode\": \"0640\", ...}", i);
			goto out;
		}
		slash = strrchr(path->s, '/');
		base = slash + 1;
		if (!strpbrk(base, "*?[")) {
			r = hostfs_stat(path->s, &st, why);
			if (r == HOSTFS_ABSENT)
				continue;
			if (r != HOSTFS_OK) {
				read_error(f, fact, path->s, r, why);
				goto out;
			}
			check_file(path->s, &st, max_mode, owner, group, (const char *const *)ids, out, &n);
			continue;
		}
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path->s), path->s);
		r = hostfs_list(dir[0] ? dir : "/", base, &names, &nn, why);
		if (r == HOSTFS_ABSENT)
			continue;
		if (r != HOSTFS_OK) {
			read_error(f, fact, dir, r, why);
			goto out;
		}
		for (k = 0; k < nn; k++) {
			char *p = xasprintf("%s/%s", dir, names[k]);

			r = hostfs_stat(p, &st, why);
			if (r == HOSTFS_OK)
				check_file(p, &st, max_mode, owner, group, (const char *const *)ids, out, &n);
			else if (r != HOSTFS_ABSENT)
				read_error(f, fact, p, r, why);
			free(p);
			if (r != HOSTFS_OK && r != HOSTFS_ABSENT)
				break;
		}
		hostfs_names_free(names, nn);
		if (k < nn)
			goto out;
	}
	ok = true;
out:
	if (ok)
		facts_set_list(f, fact, (const char *const *)out, n);
	free_list(out, n);
	free(ids[0]);
	free(ids[1]);
}

/* ---- space for logs -------------------------------------------------------------- */

/* host.log_free_percent: the smallest free share of /var/log and /var/log/audit (if it exists). */
static void
gather_logspace(struct facts *f)
{
	static const char *const dirs[] = { "/var/log", "/var/log/audit" };
	long long worst = -1;
	size_t i;

	for (i = 0; i < NELEM(dirs); i++) {
		char path[PATH_MAX], why[HOSTFS_WHY_MAX] = "";
		struct statvfs sv;
		struct stat st;
		enum hostfs_result r = hostfs_stat(dirs[i], &st, why);
		long long pct;

		if (r == HOSTFS_ABSENT && i > 0)
			continue;
		if (r != HOSTFS_OK) {
			read_error(f, "host.log_free_percent", dirs[i], r, why);
			return;
		}
		snprintf(path, sizeof(path), "%s%s", hostfs_live() ? "" : hostfs_root(), dirs[i]);
		if (statvfs(path, &sv) != 0 || sv.f_blocks == 0) {
			facts_set_error(f, "host.log_free_percent", "%s: statvfs: %s", dirs[i],
					sv.f_blocks == 0 ? "no size" : strerror(errno));
			return;
		}
		/* free for unprivileged users: what a log writer running as such has */
		pct = (long long)(sv.f_bavail * 100 / sv.f_blocks);
		if (worst < 0 || pct < worst)
			worst = pct;
	}
	facts_set_int(f, "host.log_free_percent", worst);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- now ---------------------------------------------------------------------------- */

/* Now, in seconds since the epoch; with CB_TODAY (tests) noon UTC of that day. */
static long long
now_seconds(const struct run *run)
{
	if (getenv("CB_TODAY")) {
		long d = util_date_days(run->today);

		if (d >= 0)
			return (long long)d * 86400 + 12 * 3600;
	}
	return (long long)time(NULL);
}

/* RFC 3339 "2026-11-28T02:10:00Z" (or +01:00, fractions of a second) as seconds, or -1. */
static long long
parse_rfc3339(const char *s)
{
	char date[11];
	int hh, mm, ss, n = 0, oh = 0, om = 0;
	long d;
	const char *p;

	if (strlen(s) < 20 || s[10] != 'T')
		return -1;
	snprintf(date, sizeof(date), "%.10s", s);
	if ((d = util_date_days(date)) < 0)
		return -1;
	if (sscanf(s + 11, "%2d:%2d:%2d%n", &hh, &mm, &ss, &n) != 3 || n != 8 || hh > 23 || mm > 59 ||
	    ss > 60)
		return -1;
	p = s + 19;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z' && p[1] == '\0') {
		oh = om = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && isdigit((unsigned char)p[1]) &&
		   isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
		   isdigit((unsigned char)p[5])) {
		oh = (p[1] - '0') * 10 + (p[2] - '0');
		om = (p[4] - '0') * 10 + (p[5] - '0');
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
	} else {
		return -1;
	}
	return (long long)d * 86400 + hh * 3600 + mm * 60 + ss - (oh * 3600 + om * 60);
}

/* ---- processes ---------------------------------------------------------------------- */

/*
 * host.running: the names (comm, at most 15 bytes) of the processes in
 * /proc, sorted and without repeats: which daemons run. Processes that end
 * while the list is read are skipped.
 */
static void
gather_processes(struct facts *f)
{
	char why[HOSTFS_WHY_MAX] = "", **pids;
	const char *names[LIST_MAX];
	char *owned[LIST_MAX];
	size_t n = 0, npids, i, k;
	enum hostfs_result r = hostfs_list("/proc", "[0-9]*", &pids, &npids, why);

	if (r != HOSTFS_OK) {
		read_error(f, "host.running", "/proc", r, why);
		return;
	}
	for (i = 0; i < npids && n < LIST_MAX; i++) {
		char path[64], *comm, *data;
		size_t len;

		snprintf(path, sizeof(path), "/proc/%s/comm", pids[i]);
		if (hostfs_read(path, 64, &data, &len, why) != HOSTFS_OK)
			continue;
		data[strcspn(data, "\n")] = '\0';
		comm = data;
		for (k = 0; k < n && strcmp(names[k], comm) != 0; k++)
			;
		if (k < n || !*comm) {
			free(data);
			continue;
		}
		owned[n] = comm;
		names[n] = comm;
		n++;
	}
	hostfs_names_free(pids, npids);
	qsort(names, n, sizeof(names[0]), cmp_str);
	facts_set_list(f, "host.running", names, n);
	for (i = 0; i < n; i++)
		free(owned[i]);
}

/* ---- time -------------------------------------------------------------------------- */

/* Adds the words after "server", "pool" ... of a chrony/ntp config line to out. */
static void
time_config_servers(const char *text, const char *const *keys, size_t nkeys, bool timesyncd,
		    char **out, size_t *n)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		char line[1024];
		size_t k;

		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		p = nl ? nl + 1 : end;
		if (timesyncd) {
			/* [Time] NTP=a b c (FallbackNTP= is not what the site configured) */
			char *v;

			if (strncmp(line, "NTP=", 4) != 0)
				continue;
			char *save = NULL;

			for (v = strtok_r(line + 4, " \t\r", &save); v && *n < LIST_MAX;
			     v = strtok_r(NULL, " \t\r", &save))
				out[(*n)++] = xstrdup(v);
			continue;
		}
		for (k = 0; k < nkeys; k++) {
			size_t kl = strlen(keys[k]);
			char *w;

			if (strncmp(line, keys[k], kl) != 0 || !isblank((unsigned char)line[kl]))
				continue;
			w = line + kl;
			while (isblank((unsigned char)*w))
				w++;
			w[strcspn(w, " \t\r")] = '\0';
			if (*w && *n < LIST_MAX)
				out[(*n)++] = xstrdup(w);
		}
	}
}

/*
 * host.time_synchronised: the kernel's own view (adjtimex(2): STA_UNSYNC
 * clear and the maximum error under a second) on the running system; under
 * --root only systemd-timesyncd's flag file /run/systemd/timesync/synchronized
 * can say so (its absence says nothing);
 * host.time_servers: the servers configured for systemd-timesyncd, chrony
 * and ntpd (main files and their .d directories).
 */
static void
gather_time(struct facts *f)
{
	static const char *const chrony_keys[] = { "server", "pool", "peer" };
	static const struct {
		const char *file, *dir, *pattern;
		bool timesyncd;
	} srcs[] = {
		{ "/etc/systemd/timesyncd.conf", "/etc/systemd/timesyncd.conf.d", "*.conf", true },
		{ "/etc/chrony/chrony.conf", "/etc/chrony/conf.d", "*.conf", false },
		{ "/etc/chrony/chrony.conf", "/etc/chrony/sources.d", "*.sources", false },
		{ "/etc/ntpsec/ntp.conf", NULL, NULL, false },
		{ "/etc/ntp.conf", NULL, NULL, false },
	};
	char *servers[LIST_MAX];
	size_t n = 0, i, k;

	if (!hostfs_live()) {
		/* a tree has no kernel to ask; systemd-timesyncd leaves a flag file in /run */
		struct stat st;
		char why[HOSTFS_WHY_MAX];

		if (hostfs_stat("/run/systemd/timesync/synchronized", &st, why) == HOSTFS_OK)
			facts_set_bool(f, "host.time_synchronised", true);
		else
			facts_set_error(f, "host.time_synchronised",
					"the kernel's clock state: not a running system (--root), and no "
					"/run/systemd/timesync/synchronized");
	} else {
		struct timex tx;
		int st;

		memset(&tx, 0, sizeof(tx));
		st = adjtimex(&tx);
		if (st == -1)
			facts_set_error(f, "host.time_synchronised", "adjtimex: %s", strerror(errno));
		else
			facts_set_bool(f, "host.time_synchronised",
				       st != TIME_ERROR && !(tx.status & STA_UNSYNC) && tx.maxerror < 1000000);
	}
	for (i = 0; i < NELEM(srcs); i++) {
		char why[HOSTFS_WHY_MAX] = "", *text, **names = NULL;
		size_t len, nn = 0;
		enum hostfs_result r;

		if (i == 0 || strcmp(srcs[i].file, srcs[i - 1].file) != 0) {
			r = hostfs_read(srcs[i].file, SMALL_FILE_MAX, &text, &len, why);
			if (r == HOSTFS_OK) {
				time_config_servers(text, chrony_keys, NELEM(chrony_keys), srcs[i].timesyncd,
						    servers, &n);
				free(text);
			} else if (r != HOSTFS_ABSENT) {
				read_error(f, "host.time_servers", srcs[i].file, r, why);
				free_list(servers, n);
				return;
			}
		}
		if (!srcs[i].dir || hostfs_list(srcs[i].dir, srcs[i].pattern, &names, &nn, why) != HOSTFS_OK)
			continue;
		for (k = 0; k < nn; k++) {
			char *p = xasprintf("%s/%s", srcs[i].dir, names[k]);

			if (hostfs_read(p, SMALL_FILE_MAX, &text, &len, why) == HOSTFS_OK) {
				time_config_servers(text, chrony_keys, NELEM(chrony_keys), srcs[i].timesyncd,
						    servers, &n);
				free(text);
			}
			free(p);
		}
		hostfs_names_free(names, nn);
	}
	facts_set_list(f, "host.time_servers", (const char *const *)servers, n);
	free_list(servers, n);
}

/* ---- backups ------------------------------------------------------------------------ */

/*
 * The markers a backup job and a restore test write on success (the format
 * is ours: docs/checks/check_baseline_host.md):
 *   /var/lib/cyberbaseline/backup.json        {"time", "job", "target", "result",
 *                                              "encrypted", "immutable", ...}
 *   /var/lib/cyberbaseline/restore-test.json  {"time", "result", ...}
 * host.backup_age_hours, host.backup_result, host.backup_target,
 * host.backup_encrypted, host.backup_immutable; host.restore_test_age_days,
 * host.restore_test_result. A missing marker: the age facts say so (no
 * backup known is not a pass).
 */
static void
gather_marker(struct facts *f, const struct run *run, const char *path, const char *prefix,
	      bool days)
{
	static const char *const fields[] = { "result", "target", "encrypted", "immutable" };
	char why[HOSTFS_WHY_MAX] = "", *text, fact[64], err[ERRMSG_MAX];
	const char *age_name = days ? "age_days" : "age_hours";
	struct jv *doc = NULL;
	struct errmsg e;
	size_t len, i;
	enum hostfs_result r = hostfs_read(path, SMALL_FILE_MAX, &text, &len, why);
	const struct jv *t = NULL;
	long long when = -1;

	snprintf(fact, sizeof(fact), "%s_%s", prefix, age_name);
	err[0] = '\0';
	if (r == HOSTFS_ABSENT)
		snprintf(err, sizeof(err), "no marker %s (the job writes it on success)", path);
	else if (r == HOSTFS_DENIED)
		snprintf(err, sizeof(err), "needs read access to %s", path);
	else if (r != HOSTFS_OK)
		snprintf(err, sizeof(err), "%s: %s", path, hostfs_why(r, why));
	else if (json_parse(text, len, path, &doc, &e) == -1)
		snprintf(err, sizeof(err), "%s", e.msg);
	else if (doc->type != JV_OBJECT)
		snprintf(err, sizeof(err), "%s: expected a JSON object", path);
	else if (!(t = jv_get(doc, "time")) || t->type != JV_STRING || (when = parse_rfc3339(t->s)) < 0)
		snprintf(err, sizeof(err), "%s: time: expected an RFC 3339 time, e.g. "
			 "\"2026-11-28T02:10:00Z\"", path);
	if (r == HOSTFS_OK)
		free(text);
	if (err[0]) {
		facts_set_error(f, fact, "%s", err);
		for (i = 0; i < NELEM(fields); i++) {
			snprintf(fact, sizeof(fact), "%s_%s", prefix, fields[i]);
			facts_set_error(f, fact, "%s", err);
		}
		jv_free(doc);
		return;
	}
	{
		long long age = now_seconds(run) - when;

		if (age < -300)		/* a marker from the future: a clock or a forgery */
			facts_set_error(f, fact, "%s: time %s is in the future", path, t->s);
		else
			facts_set_int(f, fact, (age < 0 ? 0 : age) / (days ? 86400 : 3600));
	}
	for (i = 0; i < NELEM(fields); i++) {
		const struct jv *v = jv_get(doc, fields[i]);

		snprintf(fact, sizeof(fact), "%s_%s", prefix, fields[i]);
		if (!v)
			facts_set_error(f, fact, "%s: no \"%s\"", path, fields[i]);
		else if (v->type == JV_STRING)
			facts_set_str(f, fact, v->s);
		else if (v->type == JV_BOOL)
			facts_set_bool(f, fact, v->b);
		else
			facts_set_error(f, fact, "%s: %s: expected a string or true/false", path, fields[i]);
	}
	jv_free(doc);
}

static void
gather_backups(struct facts *f, const struct run *run)
{
	gather_marker(f, run, "/var/lib/cyberbaseline/backup.json", "host.backup", false);
	gather_marker(f, run, "/var/lib/cyberbaseline/restore-test.json", "host.restore_test", true);
}

/* ---- listeners ---------------------------------------------------------------------- */

/*
 * /proc/net/{tcp,tcp6,udp,udp6}, read once per run (two gatherers use them,
 * and the kernel walks its whole socket table for each read). A copy the
 * caller frees, as hostfs_read() gives.
 */
static enum hostfs_result
read_net_table(const char *path, char **data, size_t *len, char *why)
{
	static struct {
		const char *path;
		enum hostfs_result r;
		char *data, why[HOSTFS_WHY_MAX];
		size_t len;
	} cache[4];
	size_t i;

	for (i = 0; i < NELEM(cache) && cache[i].path; i++)
		if (strcmp(cache[i].path, path) == 0)
			break;
	if (i == NELEM(cache))
		return hostfs_read(path, 16 * 1024 * 1024, data, len, why);
	if (!cache[i].path) {
		cache[i].path = path;
		cache[i].r = hostfs_read(path, 16 * 1024 * 1024, &cache[i].data, &cache[i].len, cache[i].why);
	}
	snprintf(why, HOSTFS_WHY_MAX, "%s", cache[i].why);
	*data = cache[i].r == HOSTFS_OK ? xstrdup(cache[i].data) : NULL;
	*len = cache[i].len;
	return cache[i].r;
}

/*
 * host.listeners: "tcp/22", "udp/123" for each socket of /proc/net/{tcp,tcp6,
 * udp,udp6} that listens (TCP state 0A; UDP unconnected, 07) on an address
 * other than loopback, sorted, without repeats.
 */
static void
gather_listeners(struct facts *f)
{
	static const struct {
		const char *path, *proto;
		bool v6;
	} tabs[] = {
		{ "/proc/net/tcp", "tcp", false }, { "/proc/net/tcp6", "tcp", true },
		{ "/proc/net/udp", "udp", false }, { "/proc/net/udp6", "udp", true },
	};
	char *items[LIST_MAX];
	size_t n = 0, i;

	for (i = 0; i < NELEM(tabs); i++) {
		char why[HOSTFS_WHY_MAX] = "", *text, *line, *save = NULL;
		size_t len;
		enum hostfs_result r = read_net_table(tabs[i].path, &text, &len, why);

		if (r == HOSTFS_ABSENT && tabs[i].v6)
			continue;	/* a kernel without IPv6 */
		if (r != HOSTFS_OK) {
			read_error(f, "host.listeners", tabs[i].path, r, why);
			free_list(items, n);
			return;
		}
		line = strtok_r(text, "\n", &save);	/* the header */
		for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char local[64], rem[64], st[8], item[32];
			unsigned port;
			size_t k;
			bool loop;

			if (sscanf(line, "%*s %63s %63s %7s", local, rem, st) != 3)
				continue;
			if (strcmp(st, strcmp(tabs[i].proto, "tcp") == 0 ? "0A" : "07") != 0)
				continue;
			if (strcmp(tabs[i].proto, "udp") == 0 && strncmp(rem + strcspn(rem, ":"), ":0000", 5) != 0)
				continue;	/* a connected UDP socket */
			if (sscanf(local + strcspn(local, ":"), ":%x", &port) != 1)
				continue;
			/* loopback: 127.0.0.0/8 (0100007F little-endian: last byte 7F), ::1 */
			loop = tabs[i].v6 ? strncmp(local, "00000000000000000000000001000000", 32) == 0
					  : strncmp(local + 6, "7F", 2) == 0;
			if (loop)
				continue;
			snprintf(item, sizeof(item), "%s/%u", tabs[i].proto, port);
			for (k = 0; k < n && strcmp(items[k], item) != 0; k++)
				;
			if (k == n && n < LIST_MAX)
				items[n++] = xstrdup(item);
		}
		free(text);
	}
	qsort(items, n, sizeof(items[0]), cmp_str);
	facts_set_list(f, "host.listeners", (const char *const *)items, n);
	free_list(items, n);
}

/* ---- logging ------------------------------------------------------------------------ */

/*
 * The config files of a daemon: main (may be absent), then dir/pattern in
 * name order, each read whole; calls fn(text, name, ctx) for each. Returns
 * 0, or -1 with the fact's error set when one exists but cannot be read.
 */
static int
each_config(struct facts *f, const char *fact, const char *main_path, const char *dir,
	    const char *pattern, void (*fn)(const char *text, const char *name, void *ctx), void *ctx)
{
	char why[HOSTFS_WHY_MAX] = "", *text, **names = NULL;
	size_t len, nn = 0, k;
	enum hostfs_result r;

	if (main_path) {
		r = hostfs_read(main_path, SMALL_FILE_MAX * 16, &text, &len, why);
		if (r == HOSTFS_OK && not_text(f, fact, main_path, text, len)) {
			free(text);
			return -1;
		}
		if (r == HOSTFS_OK) {
			fn(text, main_path, ctx);
			free(text);
		} else if (r != HOSTFS_ABSENT) {
			read_error(f, fact, main_path, r, why);
			return -1;
		}
	}
	if (!dir)
		return 0;
	r = hostfs_list(dir, pattern, &names, &nn, why);
	if (r == HOSTFS_ABSENT)
		return 0;
	if (r != HOSTFS_OK) {
		read_error(f, fact, dir, r, why);
		return -1;
	}
	for (k = 0; k < nn; k++) {
		char *p = xasprintf("%s/%s", dir, names[k]);

		r = hostfs_read(p, SMALL_FILE_MAX * 16, &text, &len, why);
		if (r == HOSTFS_OK && not_text(f, fact, p, text, len)) {
			free(text);
			free(p);
			hostfs_names_free(names, nn);
			return -1;
		}
		if (r == HOSTFS_OK) {
			fn(text, p, ctx);
			free(text);
		} else if (r != HOSTFS_ABSENT) {
			read_error(f, fact, p, r, why);
			free(p);
			hostfs_names_free(names, nn);
			return -1;
		}
		free(p);
	}
	hostfs_names_free(names, nn);
	return 0;
}

/* Storage= of journald.conf and its drop-ins: the last one read wins, as systemd's. */
static void
journald_storage(const char *text, const char *name, void *ctx)
{
	char *storage = ctx;
	const char *p = text;

	(void)name;
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);

		while (p < end && isblank((unsigned char)*p))
			p++;
		if ((size_t)(end - p) > 8 && strncmp(p, "Storage=", 8) == 0) {
			size_t n = (size_t)(end - p - 8);

			while (n && isspace((unsigned char)p[8 + n - 1]))
				n--;
			snprintf(storage, 32, "%.*s", (int)n, p + 8);
		}
		p = nl ? nl + 1 : end;
	}
}

/*
 * host.journal_persistent: journald keeps its journal on disk: Storage=
 * persistent, or auto (the default) with /var/log/journal present.
 */
static void
gather_journald(struct facts *f)
{
	char storage[32] = "auto", why[HOSTFS_WHY_MAX];
	struct stat st;
	enum hostfs_result r;

	if (each_config(f, "host.journal_persistent", "/etc/systemd/journald.conf",
			"/etc/systemd/journald.conf.d", "*.conf", journald_storage, storage) == -1)
		return;
	if (strcmp(storage, "persistent") == 0) {
		facts_set_bool(f, "host.journal_persistent", true);
		return;
	}
	if (strcmp(storage, "auto") != 0) {
		facts_set_bool(f, "host.journal_persistent", false);	/* volatile, none */
		return;
	}
	r = hostfs_stat("/var/log/journal", &st, why);
	if (r == HOSTFS_OK || r == HOSTFS_ABSENT)
		facts_set_bool(f, "host.journal_persistent", r == HOSTFS_OK && S_ISDIR(st.st_mode));
	else
		read_error(f, "host.journal_persistent", "/var/log/journal", r, why);
}

struct fwd {
	char *targets[LIST_MAX];
	size_t n;
	unsigned ports[LIST_MAX];	/* the TCP port of each target, 0 for UDP */
};

static void
fwd_add(struct fwd *w, const char *host, size_t hlen, unsigned port, bool tcp)
{
	char item[300];
	size_t k;

	if (hlen == 0 || hlen > 253)
		return;
	snprintf(item, sizeof(item), "%s:%.*s:%u", tcp ? "tcp" : "udp", (int)hlen, host, port);
	for (k = 0; k < w->n; k++)
		if (strcmp(w->targets[k], item) == 0)
			return;
	if (w->n < LIST_MAX) {
		w->ports[w->n] = tcp ? port : 0;
		w->targets[w->n++] = xstrdup(item);
	}
}

/* The value of name="..." (case-insensitive name) in s[0..n), or NULL; length in *vlen. */
static const char *
param_value(const char *s, size_t n, const char *name, size_t *vlen)
{
	size_t nl = strlen(name), i;

	for (i = 0; i + nl + 2 < n; i++) {
		const char *q;

		if (strncasecmp(s + i, name, nl) != 0 || (i && isalnum((unsigned char)s[i - 1])))
			continue;
		q = s + i + nl;
		while (q < s + n && isblank((unsigned char)*q))
			q++;
		if (q >= s + n || *q != '=')
			continue;
		q++;
		while (q < s + n && isblank((unsigned char)*q))
			q++;
		if (q < s + n && *q == '"') {
			const char *e = memchr(q + 1, '"', (size_t)(s + n - q - 1));

			if (e) {
				*vlen = (size_t)(e - q - 1);
				return q + 1;
			}
		}
	}
	return NULL;
}

/*
 * rsyslog's forwarding rules: legacy "selector @host[:port]" (UDP) and
 * "@@host[:port]" (TCP, an optional "(o)" or "(z9)" before the host), and
 * RainerScript action(type="omfwd" target=".." port=".." protocol="tcp").
 */
static void
rsyslog_legacy(struct fwd *w, const char *q, const char *end)
{
	const char *at = memchr(q, '@', (size_t)(end - q)), *h, *he;
	unsigned port = 514;
	bool tcp;

	if (!at || (at != q && !isblank((unsigned char)at[-1])))
		return;		/* not an action: an '@' inside a word (a mail address in a comment...) */
	tcp = at + 1 < end && at[1] == '@';
	h = at + (tcp ? 2 : 1);
	if (h < end && *h == '(') {	/* (o), (z9): options */
		const char *c = memchr(h, ')', (size_t)(end - h));

		h = c ? c + 1 : end;
	}
	if (h < end && *h == '[') {	/* [IPv6]:port */
		const char *c = memchr(h, ']', (size_t)(end - h));

		h++;
		he = c ? c : end;
		if (c && c + 1 < end && c[1] == ':')
			port = (unsigned)strtoul(c + 2, NULL, 10);
	} else {
		for (he = h; he < end && *he != ':' && *he != ';' && !isspace((unsigned char)*he); he++)
			;
		if (he < end && *he == ':')
			port = (unsigned)strtoul(he + 1, NULL, 10);
	}
	fwd_add(w, h, (size_t)(he - h), port && port < 65536 ? port : 514, tcp);
}

/* action(type="omfwd" target=".." port=".." protocol="tcp") in s[0..n) */
static void
rsyslog_action(struct fwd *w, const char *s, size_t n)
{
	const char *t, *v, *pv, *pr;
	size_t vl, pl, tl;
	unsigned port = 514;
	char num[8];

	if (!(t = param_value(s, n, "type", &vl)) || vl != 5 || strncasecmp(t, "omfwd", 5) != 0 ||
	    !(v = param_value(s, n, "target", &vl)))
		return;
	if ((pv = param_value(s, n, "port", &pl)) && pl < sizeof(num)) {
		snprintf(num, sizeof(num), "%.*s", (int)pl, pv);
		port = (unsigned)strtoul(num, NULL, 10);
	}
	pr = param_value(s, n, "protocol", &tl);
	fwd_add(w, v, vl, port && port < 65536 ? port : 514, pr && tl == 3 && strncasecmp(pr, "tcp", 3) == 0);
}

/*
 * rsyslog's forwarding rules: legacy "selector @host[:port]" (UDP) and
 * "@@host[:port]" (TCP, with optional "(o)" or "(z9)" before the host), and
 * RainerScript action(type="omfwd" target=".." port=".." protocol="tcp"),
 * which may span lines up to its ')'.
 */
static void
rsyslog_forwards(const char *text, const char *name, void *ctx)
{
	struct fwd *w = ctx;
	const char *p = text;

	(void)name;
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p), *q = p;

		while (q < end && isblank((unsigned char)*q))
			q++;
		if (q < end && strncasecmp(q, "action", 6) == 0) {
			const char *open = strchr(q, '('), *close = open ? strchr(open, ')') : NULL;

			if (open && close) {
				rsyslog_action(w, open, (size_t)(close - open));
				nl = strchr(close, '\n');
				end = close;
			}
		} else if (q < end && *q != '#' && *q != '$') {
			rsyslog_legacy(w, q, end);
		}
		p = nl ? nl + 1 : end + strlen(end);
	}
}

/* URL=https://host[:port] of journal-upload.conf: a TCP target (HTTPS, port 19532 by default). */
static void
journal_upload(const char *text, const char *name, void *ctx)
{
	struct fwd *w = ctx;
	const char *u = strstr(text, "\nURL=");

	(void)name;
	if (!u && strncmp(text, "URL=", 4) == 0)
		u = text - 1;
	if (u) {
		const char *h = u + 5, *he;
		unsigned port = 19532;

		if (strncmp(h, "https://", 8) == 0)
			h += 8;
		else if (strncmp(h, "http://", 7) == 0)
			h += 7;
		for (he = h; *he && *he != ':' && *he != '/' && !isspace((unsigned char)*he); he++)
			;
		if (*he == ':')
			port = (unsigned)strtoul(he + 1, NULL, 10);
		fwd_add(w, h, (size_t)(he - h), port ? port : 19532, true);
	}
}

/*
 * host.log_forward_targets ("tcp:collector.kommune.example:6514") from
 * rsyslog and systemd-journal-upload; host.log_forward_connected: an
 * ESTABLISHED TCP connection in /proc/net/tcp[6] to the port of a TCP
 * target (names are not resolved: no DNS from a check).
 */
static void
gather_logforward(struct facts *f)
{
	static const char *const tabs[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	struct fwd w;
	bool connected = false, any_tcp = false;
	size_t i, k;

	memset(&w, 0, sizeof(w));
	if (each_config(f, "host.log_forward_targets", "/etc/rsyslog.conf", "/etc/rsyslog.d", "*.conf",
			rsyslog_forwards, &w) == -1 ||
	    each_config(f, "host.log_forward_targets", "/etc/systemd/journal-upload.conf",
			"/etc/systemd/journal-upload.conf.d", "*.conf", journal_upload, &w) == -1) {
		read_error(f, "host.log_forward_connected", "the forwarding configuration", HOSTFS_ERROR,
			   "cannot be read");
		free_list(w.targets, w.n);
		return;
	}
	facts_set_list(f, "host.log_forward_targets", (const char *const *)w.targets, w.n);
	for (k = 0; k < w.n; k++)
		any_tcp |= w.ports[k] != 0;
	for (i = 0; i < NELEM(tabs) && any_tcp && !connected; i++) {
		char why[HOSTFS_WHY_MAX] = "", *text, *line, *save = NULL;
		size_t len;
		enum hostfs_result r = read_net_table(tabs[i], &text, &len, why);

		if (r == HOSTFS_ABSENT && i == 1)
			continue;
		if (r != HOSTFS_OK) {
			read_error(f, "host.log_forward_connected", tabs[i], r, why);
			free_list(w.targets, w.n);
			return;
		}
		line = strtok_r(text, "\n", &save);
		for (line = strtok_r(NULL, "\n", &save); line && !connected; line = strtok_r(NULL, "\n", &save)) {
			char local[64], rem[64], st[8];
			unsigned port;

			if (sscanf(line, "%*s %63s %63s %7s", local, rem, st) != 3 || strcmp(st, "01") != 0 ||
			    sscanf(rem + strcspn(rem, ":"), ":%x", &port) != 1)
				continue;
			for (k = 0; k < w.n; k++)
				connected |= w.ports[k] != 0 && w.ports[k] == port;
		}
		free(text);
	}
	facts_set_bool(f, "host.log_forward_connected", connected);
	free_list(w.targets, w.n);
}

/* ---- passwords and lockout ----------------------------------------------------------- */

/* The value of "name=" among the words of a PAM or key=value line, or NULL (static buffer). */
static const char *
word_value(const char *line, const char *name)
{
	static char out[64];
	size_t nl = strlen(name);
	const char *p = line;

	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t n = strcspn(p + nl + 1, " \t\r\n");

			snprintf(out, sizeof(out), "%.*s", (int)n, p + nl + 1);
			return out;
		}
		p += strcspn(p, " \t\r\n");
	}
	return NULL;
}

/* key = value of a pwquality.conf/faillock.conf style file: the last one wins. */
static void
conf_value(const char *text, const char *key, long long *out)
{
	const char *p = text;
	size_t kl = strlen(key);

	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p), *q = p;
		long long x;
		char num[32];

		while (q < end && isblank((unsigned char)*q))
			q++;
		if ((size_t)(end - q) > kl && strncmp(q, key, kl) == 0) {
			const char *v = q + kl;

			while (v < end && isblank((unsigned char)*v))
				v++;
			if (v < end && *v == '=') {
				v++;
				while (v < end && isblank((unsigned char)*v))
					v++;
				snprintf(num, sizeof(num), "%.*s", (int)(end - v), v);
				num[strcspn(num, " \t\r")] = '\0';
				if (parse_ll(num, &x))
					*out = x;
			}
		}
		p = nl ? nl + 1 : end;
	}
}

struct conf_key {
	const char *key;
	long long value;
};

static void
conf_key_cb(const char *text, const char *name, void *ctx)
{
	struct conf_key *k = ctx;

	(void)name;
	conf_value(text, k->key, &k->value);
}

/* The first uncommented line of a PAM file that loads module (e.g. "pam_faillock.so"), or NULL. */
static char *
pam_line(const char *text, const char *module)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p), *q = p;

		while (q < end && isblank((unsigned char)*q))
			q++;
		if (q < end && *q != '#') {
			char *line = xstrndup(q, (size_t)(end - q));

			if (strstr(line, module))
				return line;
			free(line);
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

/*
 * host.password_minlen: minlen= of the pam_pwquality line of
 * /etc/pam.d/common-password, else of /etc/security/pwquality.conf and
 * pwquality.conf.d (libpwquality's default 8); without pam_pwquality,
 * pam_unix's minlen= (its default 6).
 * host.faillock_enabled: pam_faillock in /etc/pam.d/common-auth;
 * host.faillock_deny, host.faillock_unlock_time: its deny= and unlock_time=,
 * else /etc/security/faillock.conf (defaults 3 and 600); unlock_time 0
 * (never unlocked by itself) is reported as 2147483647.
 */
static void
gather_passwords(struct facts *f)
{
	char why[HOSTFS_WHY_MAX] = "", *text, *line;
	size_t len;
	enum hostfs_result r;
	const char *v;
	long long x;

	r = hostfs_read("/etc/pam.d/common-password", SMALL_FILE_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.password_minlen", "/etc/pam.d/common-password", r, why);
	} else if (not_text(f, "host.password_minlen", "/etc/pam.d/common-password", text, len)) {
		free(text);
	} else {
		if ((line = pam_line(text, "pam_pwquality.so")) != NULL) {
			struct conf_key k = { "minlen", 8 };

			if ((v = word_value(line, "minlen")) && parse_ll(v, &x))
				k.value = x;
			else if (each_config(f, "host.password_minlen", "/etc/security/pwquality.conf",
					     "/etc/security/pwquality.conf.d", "*.conf", conf_key_cb, &k) == -1)
				k.value = -1;
			if (k.value >= 0)
				facts_set_int(f, "host.password_minlen", k.value);
			free(line);
		} else if ((line = pam_line(text, "pam_unix.so")) != NULL) {
			facts_set_int(f, "host.password_minlen",
				      (v = word_value(line, "minlen")) && parse_ll(v, &x) ? x : 6);
			free(line);
		} else {
			facts_set_error(f, "host.password_minlen",
					"/etc/pam.d/common-password: neither pam_pwquality nor pam_unix");
		}
		free(text);
	}

	r = hostfs_read("/etc/pam.d/common-auth", SMALL_FILE_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.faillock_enabled", "/etc/pam.d/common-auth", r, why);
		read_error(f, "host.faillock_deny", "/etc/pam.d/common-auth", r, why);
		read_error(f, "host.faillock_unlock_time", "/etc/pam.d/common-auth", r, why);
		return;
	}
	if (not_text(f, "host.faillock_enabled", "/etc/pam.d/common-auth", text, len)) {
		facts_set_error(f, "host.faillock_deny", "/etc/pam.d/common-auth: not text (a NUL byte)");
		facts_set_error(f, "host.faillock_unlock_time", "/etc/pam.d/common-auth: not text (a NUL byte)");
		free(text);
		return;
	}
	line = pam_line(text, "pam_faillock.so");
	free(text);
	facts_set_bool(f, "host.faillock_enabled", line != NULL);
	{
		struct conf_key deny = { "deny", 3 }, unlock = { "unlock_time", 600 };

		if (each_config(f, "host.faillock_deny", "/etc/security/faillock.conf", NULL, NULL,
				conf_key_cb, &deny) == 0 &&
		    each_config(f, "host.faillock_unlock_time", "/etc/security/faillock.conf", NULL, NULL,
				conf_key_cb, &unlock) == 0) {
			if (line && (v = word_value(line, "deny")) && parse_ll(v, &x))
				deny.value = x;
			if (line && (v = word_value(line, "unlock_time")) && parse_ll(v, &x))
				unlock.value = x;
			facts_set_int(f, "host.faillock_deny", deny.value);
			facts_set_int(f, "host.faillock_unlock_time", unlock.value == 0 ? 2147483647 : unlock.value);
		}
	}
	free(line);
}

/* ---- sudo and su ------------------------------------------------------------------- */

struct sudo {
	char *nopasswd[LIST_MAX];
	size_t n;
	bool use_pty, logfile;
	unsigned depth;
	char err[ERRMSG_MAX];
};

static void sudoers_text(struct sudo *s, const char *text, const char *name);

static void
sudo_add(struct sudo *s, const char *who, size_t n)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (strlen(s->nopasswd[k]) == n && strncmp(s->nopasswd[k], who, n) == 0)
			return;
	if (s->n < LIST_MAX)
		s->nopasswd[s->n++] = xstrndup(who, n);
}

/* One sudoers file, and what it includes (depth-capped; sudo's own limit is 128). */
static void
sudoers_file(struct sudo *s, const char *path)
{
	char why[HOSTFS_WHY_MAX] = "", *text;
	size_t len;
	enum hostfs_result r;

	if (s->err[0])
		return;
	if (++s->depth > 8) {
		snprintf(s->err, sizeof(s->err), "%s: includes nested deeper than 8", path);
		return;
	}
	r = hostfs_read(path, SMALL_FILE_MAX * 16, &text, &len, why);
	if (r == HOSTFS_DENIED)
		snprintf(s->err, sizeof(s->err), "needs read access to %s", path);
	else if (r != HOSTFS_OK && r != HOSTFS_ABSENT)
		snprintf(s->err, sizeof(s->err), "%s: %s", path, hostfs_why(r, why));
	if (r == HOSTFS_OK) {
		sudoers_text(s, text, path);
		free(text);
	}
	s->depth--;
}

/* sudo reads every file of an includedir whose name has no '.' and does not end in '~'. */
static void
sudoers_dir(struct sudo *s, const char *dir)
{
	char why[HOSTFS_WHY_MAX] = "", **names;
	size_t nn, k;
	enum hostfs_result r = hostfs_list(dir, NULL, &names, &nn, why);

	if (r == HOSTFS_DENIED)
		snprintf(s->err, sizeof(s->err), "needs read access to %s", dir);
	if (r != HOSTFS_OK)
		return;
	for (k = 0; k < nn; k++) {
		char *p;

		if (strchr(names[k], '.') || names[k][strlen(names[k]) - 1] == '~')
			continue;
		p = xasprintf("%s/%s", dir, names[k]);
		sudoers_file(s, p);
		free(p);
	}
	hostfs_names_free(names, nn);
}

static void
sudoers_text(struct sudo *s, const char *text, const char *name)
{
	const char *p = text;

	(void)name;
	while (*p && !s->err[0]) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p), *q = p;
		char line[4096];
		size_t n;

		/* a line continued with a backslash joins the next one */
		n = 0;
		for (;;) {
			size_t part = (size_t)(end - p);
			bool cont = part && p[part - 1] == '\\';

			if (cont)
				part--;
			if (n + part >= sizeof(line))
				part = sizeof(line) - 1 - n;
			memcpy(line + n, p, part);
			n += part;
			if (!cont || !nl)
				break;
			p = nl + 1;
			nl = strchr(p, '\n');
			end = nl ? nl : p + strlen(p);
		}
		line[n] = '\0';
		p = nl ? nl + 1 : end;
		q = line;
		while (isblank((unsigned char)*q))
			q++;
		if (strncmp(q, "#includedir", 11) == 0 || strncmp(q, "@includedir", 11) == 0) {
			char dir[256];

			if (sscanf(q + 11, " %255s", dir) == 1)
				sudoers_dir(s, dir);
			continue;
		}
		if (strncmp(q, "#include", 8) == 0 || strncmp(q, "@include", 8) == 0) {
			char file[256];

			if (sscanf(q + 8, " %255s", file) == 1 && file[0] == '/')
				sudoers_file(s, file);
			continue;
		}
		if (*q == '#' || !*q)
			continue;
		if (strncmp(q, "Defaults", 8) == 0) {
			const char *who = q + 8, *opts;
			size_t wl = 0;

			if (*who == ':' || *who == '@' || *who == '>' || *who == '!') {
				who++;
				wl = strcspn(who, " \t");
			}
			opts = who + wl;
			if (strstr(opts, "use_pty") && !strstr(opts, "!use_pty"))
				s->use_pty = true;
			if (strstr(opts, "logfile") && !strstr(opts, "!logfile"))
				s->logfile = true;
			if (strstr(opts, "!authenticate"))
				sudo_add(s, wl ? who : "ALL", wl ? wl : 3);
			continue;
		}
		if (strstr(q, "NOPASSWD:") &&
		    strncmp(q, "Cmnd_Alias", 10) != 0 && strncmp(q, "User_Alias", 10) != 0 &&
		    strncmp(q, "Host_Alias", 10) != 0 && strncmp(q, "Runas_Alias", 11) != 0)
			sudo_add(s, q, strcspn(q, " \t"));
	}
}

/*
 * host.sudo_nopasswd: who may run sudo without a password (NOPASSWD: in a
 * rule, or Defaults !authenticate), as sudoers names them ("%admin",
 * "nagios", "ALL"); host.sudo_use_pty, host.sudo_logfile: Defaults set them;
 * host.su_restricted: /etc/pam.d/su requires pam_wheel. /etc/sudoers and
 * its includes (#includedir, @include...) are read as sudo does.
 */
static void
gather_sudo(struct facts *f)
{
	static const char *const facts3[] = { "host.sudo_nopasswd", "host.sudo_use_pty", "host.sudo_logfile" };
	char why[HOSTFS_WHY_MAX] = "", *text, *line;
	struct sudo s;
	struct stat st;
	size_t len, i;
	enum hostfs_result r;

	memset(&s, 0, sizeof(s));
	r = hostfs_stat("/etc/sudoers", &st, why);
	if (r == HOSTFS_ABSENT) {
		/* no sudo: nobody escalates through it */
		facts_set_list(f, "host.sudo_nopasswd", NULL, 0);
		facts_set_bool(f, "host.sudo_use_pty", true);
		facts_set_bool(f, "host.sudo_logfile", true);
	} else {
		sudoers_file(&s, "/etc/sudoers");
		if (s.err[0]) {
			for (i = 0; i < NELEM(facts3); i++)
				facts_set_error(f, facts3[i], "%s", s.err);
		} else {
			facts_set_list(f, "host.sudo_nopasswd", (const char *const *)s.nopasswd, s.n);
			facts_set_bool(f, "host.sudo_use_pty", s.use_pty);
			facts_set_bool(f, "host.sudo_logfile", s.logfile);
		}
		free_list(s.nopasswd, s.n);
	}
	r = hostfs_read("/etc/pam.d/su", SMALL_FILE_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.su_restricted", "/etc/pam.d/su", r, why);
		return;
	}
	if (not_text(f, "host.su_restricted", "/etc/pam.d/su", text, len)) {
		free(text);
		return;
	}
	line = pam_line(text, "pam_wheel.so");
	facts_set_bool(f, "host.su_restricted", line && strncmp(line, "auth", 4) == 0 &&
			       (strstr(line, "required") || strstr(line, "requisite")));
	free(line);
	free(text);
}

/* ---- the local SNMP agent ---------------------------------------------------------- */

struct snmpd_conf {
	bool v1v2c, defaults;
};

/* Communities of rocommunity/rwcommunity(6) and com2sec(6) lines; never kept (they are secrets). */
static void
snmpd_conf_cb(const char *text, const char *name, void *ctx)
{
	struct snmpd_conf *c = ctx;
	const char *p = text;

	(void)name;
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		char line[1024], word[64], a[256], b[256], cc[256];
		int n;

		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		p = nl ? nl + 1 : end;
		n = sscanf(line, " %63s %255s %255s %255s", word, a, b, cc);
		if (n < 2 || word[0] == '#')
			continue;
		if (strcasecmp(word, "rocommunity") == 0 || strcasecmp(word, "rwcommunity") == 0 ||
		    strcasecmp(word, "rocommunity6") == 0 || strcasecmp(word, "rwcommunity6") == 0) {
			/* rocommunity [-V view] COMMUNITY [SOURCE [OID]] */
			const char *comm = strcmp(a, "-V") == 0 && n >= 4 ? cc : a;

			c->v1v2c = true;
			c->defaults |= strcmp(comm, "public") == 0 || strcmp(comm, "private") == 0;
		} else if ((strcasecmp(word, "com2sec") == 0 || strcasecmp(word, "com2sec6") == 0) && n >= 4) {
			/* com2sec [-Cn CONTEXT] NAME SOURCE COMMUNITY */
			c->v1v2c = true;
			c->defaults |= strcmp(cc, "public") == 0 || strcmp(cc, "private") == 0;
		}
	}
}

/*
 * host.snmpd_installed (/usr/sbin/snmpd exists); host.snmpd_v1v2c: a
 * community is configured (SNMP v1/v2c open); host.snmpd_default_community:
 * one of them is "public" or "private". From /etc/snmp/snmpd.conf and
 * the .conf files of snmpd.conf.d; the communities themselves are never reported.
 */
static void
gather_snmpd(struct facts *f)
{
	char why[HOSTFS_WHY_MAX] = "";
	struct snmpd_conf c = { false, false };
	struct stat st;
	enum hostfs_result r = hostfs_stat("/usr/sbin/snmpd", &st, why);

	if (r != HOSTFS_OK && r != HOSTFS_ABSENT) {
		read_error(f, "host.snmpd_installed", "/usr/sbin/snmpd", r, why);
		return;
	}
	facts_set_bool(f, "host.snmpd_installed", r == HOSTFS_OK);
	if (r != HOSTFS_OK)
		return;
	if (each_config(f, "host.snmpd_v1v2c", "/etc/snmp/snmpd.conf", "/etc/snmp/snmpd.conf.d", "*.conf",
			snmpd_conf_cb, &c) == -1) {
		facts_set_error(f, "host.snmpd_default_community", "the snmpd configuration cannot be read");
		return;
	}
	facts_set_bool(f, "host.snmpd_v1v2c", c.v1v2c);
	facts_set_bool(f, "host.snmpd_default_community", c.defaults);
}

/* ---- firewall ----------------------------------------------------------------------- */

#define NFT "/usr/sbin/nft"

/*
 * From nft's JSON (the kernel's loaded ruleset): an input-hook chain with
 * policy drop in family inet, or in both ip and ip6. 1, 0, or -1 when the
 * output is not nft's JSON.
 */
static int
nft_default_deny(const char *text, size_t len)
{
	const struct jv *list, *item, *chain, *v;
	struct jv *doc = NULL;
	struct errmsg e;
	bool inet = false, ip = false, ip6 = false;
	size_t i;

	if (json_parse(text, len, "nft -j list ruleset", &doc, &e) == -1)
		return -1;
	list = jv_get(doc, "nftables");
	if (!list || list->type != JV_ARRAY) {
		jv_free(doc);
		return -1;
	}
	for (i = 0; i < list->n; i++) {
		item = &list->items[i];
		if (!(chain = jv_get(item, "chain")) || chain->type != JV_OBJECT)
			continue;
		if (!(v = jv_get(chain, "hook")) || v->type != JV_STRING || strcmp(v->s, "input") != 0)
			continue;
		if (!(v = jv_get(chain, "policy")) || v->type != JV_STRING || strcmp(v->s, "drop") != 0)
			continue;
		if (!(v = jv_get(chain, "family")) || v->type != JV_STRING)
			continue;
		inet |= strcmp(v->s, "inet") == 0;
		ip |= strcmp(v->s, "ip") == 0;
		ip6 |= strcmp(v->s, "ip6") == 0;
	}
	jv_free(doc);
	return inet || (ip && ip6);
}

/* Whether the text of an nftables file has an input-hook chain with policy drop. */
static bool
nft_conf_default_deny(const char *text)
{
	const char *p = text, *hook;

	while ((hook = strstr(p, "hook input")) != NULL) {
		const char *stmt_end = strchr(hook, '}');
		const char *pol = strstr(hook, "policy drop");

		if (pol && (!stmt_end || pol < stmt_end))
			return true;
		p = hook + 10;
	}
	return false;
}

/*
 * host.firewall_default_deny and host.firewall_source. On the running
 * system: the loaded ruleset, from nft (the only source: the kernel tells
 * it over netlink, to root only). Under --root, where no kernel has loaded
 * anything, what the tree would load at boot: /etc/nftables.conf, ufw
 * (ENABLED=yes and DEFAULT_INPUT_POLICY DROP or REJECT) or the
 * iptables-persistent files (:INPUT DROP in rules.v4 and rules.v6).
 */
static void
gather_firewall(struct facts *f)
{
	static const char *const argv[] = { NFT, "-j", "list", "ruleset", NULL };
	char why[HOSTFS_WHY_MAX] = "", cwhy[CMD_WHY_MAX], *out, *text;
	size_t len;

	if (hostfs_live()) {
		enum cmd_result r = cmd_run(argv, 16 * 1024 * 1024, 3000, &out, &len, cwhy);
		int deny;

		if (r == CMD_ABSENT)
			facts_set_error(f, "host.firewall_default_deny",
					"%s is not installed: the loaded ruleset cannot be read", NFT);
		else if (r == CMD_FAILED && geteuid() != 0)
			facts_set_error(f, "host.firewall_default_deny",
					"needs root (CAP_NET_ADMIN) to read the loaded ruleset (%s)", NFT);
		else if (r != CMD_OK)
			facts_set_error(f, "host.firewall_default_deny", "%s -j list ruleset: %s", NFT, cwhy);
		else if ((deny = nft_default_deny(out, len)) < 0)
			facts_set_error(f, "host.firewall_default_deny",
					"%s -j list ruleset: not the JSON it writes", NFT);
		else {
			facts_set_bool(f, "host.firewall_default_deny", deny == 1);
			facts_set_str(f, "host.firewall_source", "the loaded ruleset (nft)");
		}
		free(out);
		return;
	}
	if (hostfs_read("/etc/nftables.conf", SMALL_FILE_MAX * 16, &text, &len, why) == HOSTFS_OK) {
		bool deny = nft_conf_default_deny(text);

		free(text);
		if (deny) {
			facts_set_bool(f, "host.firewall_default_deny", true);
			facts_set_str(f, "host.firewall_source", "/etc/nftables.conf");
			return;
		}
	}
	if (hostfs_read("/etc/ufw/ufw.conf", SMALL_FILE_MAX, &text, &len, why) == HOSTFS_OK) {
		char *en = os_release_get(text, "ENABLED"), *def = NULL, *pol = NULL;
		bool enabled = en && strcmp(en, "yes") == 0;

		free(en);
		free(text);
		if (enabled && hostfs_read("/etc/default/ufw", SMALL_FILE_MAX, &def, &len, why) == HOSTFS_OK) {
			pol = os_release_get(def, "DEFAULT_INPUT_POLICY");
			free(def);
		}
		if (enabled && pol && (strcmp(pol, "DROP") == 0 || strcmp(pol, "REJECT") == 0)) {
			free(pol);
			facts_set_bool(f, "host.firewall_default_deny", true);
			facts_set_str(f, "host.firewall_source", "ufw");
			return;
		}
		free(pol);
	}
	{
		char *v4 = NULL, *v6 = NULL;
		bool deny = false;

		if (hostfs_read("/etc/iptables/rules.v4", SMALL_FILE_MAX * 16, &v4, &len, why) == HOSTFS_OK &&
		    hostfs_read("/etc/iptables/rules.v6", SMALL_FILE_MAX * 16, &v6, &len, why) == HOSTFS_OK)
			deny = strstr(v4, ":INPUT DROP") && strstr(v6, ":INPUT DROP");
		free(v4);
		free(v6);
		facts_set_bool(f, "host.firewall_default_deny", deny);
		facts_set_str(f, "host.firewall_source", deny ? "/etc/iptables/rules.v4 and rules.v6"
							      : "the tree's firewall configuration");
	}
}

/* ---- updates, reboot, integrity, anti-malware ------------------------------------------ */

/*
 * The age of path's mtime in whole days (hours when hours) in *age_out, and
 * in fact unless fact is NULL. 0, 1 when path does not exist, -1 when it
 * cannot be examined (the fact's error set).
 */
static int
mtime_age(struct facts *f, const struct run *run, const char *fact, const char *path, bool hours,
	  long long *age_out)
{
	char why[HOSTFS_WHY_MAX] = "";
	struct stat st;
	enum hostfs_result r = hostfs_stat(path, &st, why);
	long long age;

	if (r != HOSTFS_OK) {
		if (fact)
			read_error(f, fact, path, r, why);
		return r == HOSTFS_ABSENT ? 1 : -1;
	}
	age = now_seconds(run) - (long long)st.st_mtime;
	if (age < 0)
		age = 0;
	*age_out = age / (hours ? 3600 : 86400);
	if (fact)
		facts_set_int(f, fact, *age_out);
	return 0;
}

/* The value of an apt.conf setting such as APT::Periodic::Unattended-Upgrade "1"; the last file wins. */
static void
apt_conf_cb(const char *text, const char *name, void *ctx)
{
	struct conf_key *k = ctx;
	const char *p = text;
	size_t kl = strlen(k->key);

	(void)name;
	while ((p = strstr(p, k->key)) != NULL) {
		const char *q = p + kl;

		while (isblank((unsigned char)*q))
			q++;
		if (*q == '"') {
			long long x;
			char num[16];
			size_t n = strcspn(q + 1, "\"");

			snprintf(num, sizeof(num), "%.*s", (int)(n < 15 ? n : 15), q + 1);
			if (parse_ll(num, &x))
				k->value = x;
			else if (strcmp(num, "always") == 0 || strcmp(num, "true") == 0)
				k->value = 1;
		}
		p = q;
	}
}

/*
 * LNX-003: host.apt_periodic_update and host.apt_periodic_unattended (the
 * APT::Periodic settings of /etc/apt/apt.conf.d, in days, 0 = off),
 * host.unattended_upgrades_installed, host.apt_daily_upgrade_timer (the
 * timer enabled: its link in timers.target.wants), host.apt_update_age_hours
 * (update-success-stamp).
 */
static void
gather_autoupdates(struct facts *f, const struct run *run)
{
	struct conf_key upd = { "APT::Periodic::Update-Package-Lists", 0 },
			unat = { "APT::Periodic::Unattended-Upgrade", 0 };
	char why[HOSTFS_WHY_MAX];
	struct stat st;
	long long age;
	enum hostfs_result r;

	if (each_config(f, "host.apt_periodic_update", "/etc/apt/apt.conf", "/etc/apt/apt.conf.d", NULL,
			apt_conf_cb, &upd) == 0)
		facts_set_int(f, "host.apt_periodic_update", upd.value);
	if (each_config(f, "host.apt_periodic_unattended", "/etc/apt/apt.conf", "/etc/apt/apt.conf.d", NULL,
			apt_conf_cb, &unat) == 0)
		facts_set_int(f, "host.apt_periodic_unattended", unat.value);
	r = hostfs_stat("/usr/bin/unattended-upgrade", &st, why);
	if (r == HOSTFS_OK || r == HOSTFS_ABSENT)
		facts_set_bool(f, "host.unattended_upgrades_installed", r == HOSTFS_OK);
	else
		read_error(f, "host.unattended_upgrades_installed", "/usr/bin/unattended-upgrade", r, why);
	r = hostfs_lstat("/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer", &st, why);
	if (r == HOSTFS_OK || r == HOSTFS_ABSENT)
		facts_set_bool(f, "host.apt_daily_upgrade_timer", r == HOSTFS_OK);
	else
		read_error(f, "host.apt_daily_upgrade_timer",
			   "/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer", r, why);
	if (mtime_age(f, run, NULL, "/var/lib/apt/periodic/update-success-stamp", true, &age) == 0)
		facts_set_int(f, "host.apt_update_age_hours", age);
	else
		facts_set_error(f, "host.apt_update_age_hours",
				"/var/lib/apt/periodic/update-success-stamp: no successful periodic update yet");
}

/*
 * LNX-004: host.reboot_pending_days: days since /run/reboot-required was
 * written (Debian's and Ubuntu's flag after a kernel or library update), or
 * since the newest kernel in /boot was installed when it is newer than the
 * running one (/proc/sys/kernel/osrelease); 0 when nothing waits.
 */
static void
gather_reboot(struct facts *f, const struct run *run)
{
	char why[HOSTFS_WHY_MAX] = "", **names = NULL, *running, best[128] = "";
	size_t nn = 0, k;
	long long age = 0, days = 0;
	int rc = mtime_age(f, run, NULL, "/run/reboot-required", false, &age);

	if (rc == -1) {
		facts_set_error(f, "host.reboot_pending_days", "/run/reboot-required cannot be examined");
		return;
	}
	if (rc == 0)
		days = age;
	if (!(running = read_value(f, "host.reboot_pending_days", "/proc/sys/kernel/osrelease")))
		return;
	if (hostfs_list("/boot", "vmlinuz-*", &names, &nn, why) == HOSTFS_OK) {
		for (k = 0; k < nn; k++)
			if (!best[0] || version_cmp(names[k] + 8, best) > 0)
				snprintf(best, sizeof(best), "%s", names[k] + 8);
		if (best[0] && version_cmp(best, running) > 0) {
			char path[160];

			snprintf(path, sizeof(path), "/boot/vmlinuz-%s", best);
			if (mtime_age(f, run, NULL, path, false, &age) == 0 && age > days)
				days = age > 0 ? age : 1;
			else if (days == 0)
				days = 1;
		}
		hostfs_names_free(names, nn);
	}
	free(running);
	facts_set_int(f, "host.reboot_pending_days", days);
}

/*
 * LNX-020: host.fim_installed (AIDE: /usr/bin/aide), host.fim_database
 * (/var/lib/aide/aide.db exists), host.fim_scheduled (dailyaidecheck.timer
 * enabled, or /etc/cron.daily/aide), host.fim_last_check_days (the newest of
 * /var/log/aide/aide.log and /var/lib/aide/aide.db.new).
 */
static void
gather_fim(struct facts *f, const struct run *run)
{
	char why[HOSTFS_WHY_MAX];
	struct stat st;
	long long a1 = -1, a2 = -1;

	facts_set_bool(f, "host.fim_installed", hostfs_stat("/usr/bin/aide", &st, why) == HOSTFS_OK);
	facts_set_bool(f, "host.fim_database", hostfs_stat("/var/lib/aide/aide.db", &st, why) == HOSTFS_OK);
	facts_set_bool(f, "host.fim_scheduled",
		       hostfs_lstat("/etc/systemd/system/timers.target.wants/dailyaidecheck.timer", &st,
				    why) == HOSTFS_OK ||
			       hostfs_stat("/etc/cron.daily/aide", &st, why) == HOSTFS_OK);
	if (mtime_age(f, run, NULL, "/var/log/aide/aide.log", false, &a1) != 0)
		a1 = -1;
	if (mtime_age(f, run, NULL, "/var/lib/aide/aide.db.new", false, &a2) != 0)
		a2 = -1;
	if (a1 < 0 && a2 < 0)
		facts_set_error(f, "host.fim_last_check_days",
				"no AIDE check has run (/var/log/aide/aide.log, /var/lib/aide/aide.db.new)");
	else
		facts_set_int(f, "host.fim_last_check_days", a1 < 0 ? a2 : a2 < 0 ? a1 : a1 < a2 ? a1 : a2);
}

/*
 * LNX-021: the anti-malware agent is host.running (the rule's list); for
 * ClamAV host.av_signatures_age_days from /var/lib/clamav/daily.{cld,cvd}.
 */
static void
gather_av(struct facts *f, const struct run *run)
{
	long long age;

	if (mtime_age(f, run, NULL, "/var/lib/clamav/daily.cld", false, &age) == 0 ||
	    mtime_age(f, run, NULL, "/var/lib/clamav/daily.cvd", false, &age) == 0)
		facts_set_int(f, "host.av_signatures_age_days", age);
	else
		facts_set_error(f, "host.av_signatures_age_days",
				"no ClamAV signatures (/var/lib/clamav/daily.cld or daily.cvd)");
}

/* ---- audit, retention, forwarding queues --------------------------------------------- */

struct audit_rules {
	char *watched[LIST_MAX];
	size_t n;
};

/* "-w /etc/passwd -p wa -k identity" lines of audit rules files */
static void
audit_rules_cb(const char *text, const char *name, void *ctx)
{
	struct audit_rules *a = ctx;
	const char *p = text;

	(void)name;
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		char line[1024], path[512];
		size_t k;

		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		p = nl ? nl + 1 : end;
		if (sscanf(line, " -w %511s", path) != 1)
			continue;
		for (k = 0; k < a->n && strcmp(a->watched[k], path) != 0; k++)
			;
		if (k == a->n && a->n < LIST_MAX)
			a->watched[a->n++] = xstrdup(path);
	}
}

/* A "key = value" of auditd.conf (lower-cased value), or NULL; malloc'd. */
static char *
auditd_value(const char *text, const char *key)
{
	const char *p = text;
	size_t kl = strlen(key);

	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p), *q = p;

		while (q < end && isblank((unsigned char)*q))
			q++;
		if ((size_t)(end - q) > kl && strncasecmp(q, key, kl) == 0 &&
		    (isblank((unsigned char)q[kl]) || q[kl] == '=')) {
			const char *v = q + kl;
			char *out;
			size_t n, i;

			while (v < end && (isblank((unsigned char)*v) || *v == '='))
				v++;
			n = (size_t)(end - v);
			while (n && isspace((unsigned char)v[n - 1]))
				n--;
			out = xstrndup(v, n);
			for (i = 0; out[i]; i++)
				out[i] = (char)tolower((unsigned char)out[i]);
			return out;
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

/*
 * LOG-004: host.audit_watched (paths with a -w rule in /etc/audit/rules.d
 * and audit.rules: what augenrules loads at boot; the loaded rules need
 * auditctl and root), host.auditd_max_log_file_action and
 * host.auditd_space_left_action from /etc/audit/auditd.conf.
 */
static void
gather_audit(struct facts *f)
{
	struct audit_rules a;
	char why[HOSTFS_WHY_MAX] = "", *text, *v;
	size_t len;
	enum hostfs_result r;

	memset(&a, 0, sizeof(a));
	if (each_config(f, "host.audit_watched", "/etc/audit/audit.rules", "/etc/audit/rules.d", "*.rules",
			audit_rules_cb, &a) == 0)
		facts_set_list(f, "host.audit_watched", (const char *const *)a.watched, a.n);
	free_list(a.watched, a.n);
	r = hostfs_read("/etc/audit/auditd.conf", SMALL_FILE_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.auditd_max_log_file_action", "/etc/audit/auditd.conf", r, why);
		read_error(f, "host.auditd_space_left_action", "/etc/audit/auditd.conf", r, why);
		return;
	}
	if ((v = auditd_value(text, "max_log_file_action")) != NULL)
		facts_set_str(f, "host.auditd_max_log_file_action", v);
	else
		facts_set_str(f, "host.auditd_max_log_file_action", "rotate");	/* auditd's default */
	free(v);
	if ((v = auditd_value(text, "space_left_action")) != NULL)
		facts_set_str(f, "host.auditd_space_left_action", v);
	else
		facts_set_str(f, "host.auditd_space_left_action", "ignore");	/* auditd's default */
	free(v);
	free(text);
}

/* A logrotate stanza's retention in days: rotate N times the period (daily 1, weekly 7, monthly 30, yearly 365). */
struct rotate {
	long long days;		/* the smallest over the stanzas that name a watched log; -1 none */
	long long def_period, def_rotate;
};

static void
logrotate_cb(const char *text, const char *name, void *ctx)
{
	static const char *const logs[] = { "/var/log/syslog", "/var/log/auth.log", "/var/log/messages" };
	struct rotate *ro = ctx;
	const char *p = text;
	bool in = false, watched = false;
	long long period = ro->def_period, rotate = ro->def_rotate;

	(void)name;
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p), *q = p;
		char line[1024], w[64];
		long long x;
		size_t k;

		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		p = nl ? nl + 1 : end;
		q = line;
		while (isblank((unsigned char)*q))
			q++;
		if (*q == '#' || !*q)
			continue;
		if (strchr(q, '{')) {
			/* the stanza's files: on this line and on the lines since the last '}' */
			in = true;
			period = ro->def_period;
			rotate = ro->def_rotate;
			for (k = 0; k < NELEM(logs); k++)
				watched |= strstr(q, logs[k]) != NULL;
			continue;
		}
		if (!in) {
			for (k = 0; k < NELEM(logs); k++)
				watched |= strstr(q, logs[k]) != NULL;
			if (*q == '/')
				continue;	/* a file name, not a global directive */
		}
		if (sscanf(q, "%63s", w) != 1)
			continue;
		if (strcmp(w, "}") == 0) {
			if (in && watched) {
				long long d = period * rotate;

				if (ro->days < 0 || d < ro->days)
					ro->days = d;
			}
			in = false;
			watched = false;
			continue;
		}
		x = strcmp(w, "daily") == 0 ? 1 : strcmp(w, "weekly") == 0 ? 7 : strcmp(w, "monthly") == 0 ? 30
		    : strcmp(w, "yearly") == 0 ? 365 : 0;
		if (x) {
			if (in)
				period = x;
			else
				ro->def_period = x;
			continue;
		}
		if (strcmp(w, "rotate") == 0 && sscanf(q, "rotate %lld", &x) == 1) {
			if (in)
				rotate = x;
			else
				ro->def_rotate = x;
		}
	}
}

/* journald's MaxRetentionSec= in days (its units: s, min, h, day, week, month, year); -1 when unset. */
static void
journald_retention_cb(const char *text, const char *name, void *ctx)
{
	long long *days = ctx;
	const char *p = strstr(text, "MaxRetentionSec=");

	(void)name;
	while (p) {
		const char *v = p + 16;
		char unit[16] = "";
		long long x;
		int n = 0;

		if ((p == text || p[-1] == '\n') && sscanf(v, "%lld%n", &x, &n) == 1) {
			sscanf(v + n, "%15[a-z]", unit);
			if (x == 0)
				*days = -1;	/* 0: no limit by time */
			else if (!*unit || strcmp(unit, "s") == 0)
				*days = x / 86400;
			else if (strcmp(unit, "min") == 0 || strcmp(unit, "m") == 0)
				*days = x / 1440;
			else if (strcmp(unit, "h") == 0)
				*days = x / 24;
			else if (strcmp(unit, "d") == 0 || strcmp(unit, "day") == 0)
				*days = x;
			else if (strcmp(unit, "week") == 0 || strcmp(unit, "w") == 0)
				*days = x * 7;
			else if (strcmp(unit, "month") == 0)
				*days = x * 30;
			else if (strcmp(unit, "year") == 0 || strcmp(unit, "y") == 0)
				*days = x * 365;
		}
		p = strstr(v, "MaxRetentionSec=");
	}
}

/*
 * LOG-005: host.log_retention_days: the shortest retention logrotate gives
 * /var/log/syslog, auth.log or messages (rotate N x period, from
 * logrotate.conf and logrotate.d; defaults from logrotate.conf's global
 * lines; 36500 when none of them is rotated); journald's MaxRetentionSec
 * (host.journal_retention_days, 36500 when unlimited).
 */
static void
gather_retention(struct facts *f)
{
	struct rotate ro = { -1, 7, 4 };
	long long jdays = -1;

	if (each_config(f, "host.log_retention_days", "/etc/logrotate.conf", "/etc/logrotate.d", NULL,
			logrotate_cb, &ro) == 0) {
		/* not rotated at all: kept until the disk fills (LOG-006 watches that) */
		facts_set_int(f, "host.log_retention_days", ro.days < 0 ? 36500 : ro.days);
	}
	if (each_config(f, "host.journal_retention_days", "/etc/systemd/journald.conf",
			"/etc/systemd/journald.conf.d", "*.conf", journald_retention_cb, &jdays) == 0)
		facts_set_int(f, "host.journal_retention_days", jdays < 0 ? 36500 : jdays);
}

/*
 * LOG-003: host.log_queue_oldest_minutes (the oldest file of rsyslog's
 * disk-assisted queues in /var/spool/rsyslog, 0 when empty) and
 * host.log_queue_bytes (their size).
 */
static void
gather_logqueue(struct facts *f, const struct run *run)
{
	char why[HOSTFS_WHY_MAX] = "", **names = NULL;
	size_t nn = 0, k;
	long long oldest = 0, bytes = 0;
	enum hostfs_result r = hostfs_list("/var/spool/rsyslog", NULL, &names, &nn, why);

	if (r != HOSTFS_OK && r != HOSTFS_ABSENT) {
		read_error(f, "host.log_queue_oldest_minutes", "/var/spool/rsyslog", r, why);
		read_error(f, "host.log_queue_bytes", "/var/spool/rsyslog", r, why);
		return;
	}
	for (k = 0; k < nn; k++) {
		char *p = xasprintf("/var/spool/rsyslog/%s", names[k]);
		struct stat st;

		if (hostfs_stat(p, &st, why) == HOSTFS_OK && S_ISREG(st.st_mode)) {
			long long age = (now_seconds(run) - (long long)st.st_mtime) / 60;

			bytes += (long long)st.st_size;
			if (age > oldest)
				oldest = age;
		}
		free(p);
	}
	hostfs_names_free(names, nn);
	facts_set_int(f, "host.log_queue_oldest_minutes", oldest);
	facts_set_int(f, "host.log_queue_bytes", bytes);
}

/* ---- the SSH server's own settings ---------------------------------------------------- */

/*
 * LNX-005 to LNX-007 from /etc/ssh/sshd_config and what it Includes, with
 * OpenSSH 9's defaults for what it does not set:
 *   host.sshd_permitrootlogin, host.sshd_permitemptypasswords: the global
 *     value and every value a Match block sets (a list: the worst counts)
 *   host.sshd_password_login: a password can be used to log in (password or
 *     keyboard-interactive authentication, global or in a Match block) and
 *     AuthenticationMethods does not require publickey plus a second method
 *   host.sshd_maxauthtries, host.sshd_logingracetime (seconds),
 *   host.sshd_maxstartups_full (the third field of MaxStartups),
 *   host.sshd_clientaliveinterval, host.sshd_clientalivecountmax,
 *   host.sshd_loglevel
 * Applies only where sshd is installed (host.sshd_installed).
 */
static void
gather_sshd(struct facts *f)
{
	static const char *const facts_all[] = {
		"host.sshd_permitrootlogin", "host.sshd_permitemptypasswords", "host.sshd_password_login",
		"host.sshd_maxauthtries", "host.sshd_logingracetime", "host.sshd_maxstartups_full",
		"host.sshd_clientaliveinterval", "host.sshd_clientalivecountmax", "host.sshd_loglevel",
	};
	const char *vals[64], *v, *am;
	char why[HOSTFS_WHY_MAX];
	struct sshdcfg *c;
	struct stat st;
	size_t nv, i;
	long long x;
	bool pw = false;
	enum hostfs_result r = hostfs_stat("/usr/sbin/sshd", &st, why);

	if (r != HOSTFS_OK && r != HOSTFS_ABSENT) {
		read_error(f, "host.sshd_installed", "/usr/sbin/sshd", r, why);
		return;
	}
	facts_set_bool(f, "host.sshd_installed", r == HOSTFS_OK);
	if (r != HOSTFS_OK)
		return;
	c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	sshdcfg_file(c, "/etc/ssh/sshd_config", false);
	if (c->err[0]) {
		for (i = 0; i < NELEM(facts_all); i++)
			facts_set_error(f, facts_all[i], "%s", c->err);
		free(c);
		return;
	}
	sshdcfg_get(c, "permitrootlogin", "prohibit-password", vals, &nv, NELEM(vals));
	facts_set_list(f, "host.sshd_permitrootlogin", vals, nv);
	sshdcfg_get(c, "permitemptypasswords", "no", vals, &nv, NELEM(vals));
	facts_set_list(f, "host.sshd_permitemptypasswords", vals, nv);

	sshdcfg_get(c, "passwordauthentication", "yes", vals, &nv, NELEM(vals));
	for (i = 0; i < nv; i++)
		pw |= strcasecmp(vals[i], "no") != 0;
	sshdcfg_get(c, "kbdinteractiveauthentication", "yes", vals, &nv, NELEM(vals));
	for (i = 0; i < nv; i++)
		pw |= strcasecmp(vals[i], "no") != 0;
	am = sshdcfg_get(c, "authenticationmethods", "any", NULL, NULL, 0);
	if (pw && strcmp(am, "any") != 0) {
		/* every list must hold publickey and a second method */
		char buf[256], *save = NULL, *list;
		bool all = true;

		snprintf(buf, sizeof(buf), "%s", am);
		for (list = strtok_r(buf, " ", &save); list; list = strtok_r(NULL, " ", &save))
			all &= strstr(list, "publickey") != NULL && strchr(list, ',') != NULL;
		pw = !all;
	}
	facts_set_bool(f, "host.sshd_password_login", pw);

	v = sshdcfg_get(c, "maxauthtries", "6", NULL, NULL, 0);
	if (parse_ll(v, &x))
		facts_set_int(f, "host.sshd_maxauthtries", x);
	else
		facts_set_error(f, "host.sshd_maxauthtries", "MaxAuthTries '%s': not a number", v);
	v = sshdcfg_get(c, "logingracetime", "120", NULL, NULL, 0);
	if ((x = sshdcfg_seconds(v)) >= 0)
		facts_set_int(f, "host.sshd_logingracetime", x == 0 ? 2147483647 : x);
	else
		facts_set_error(f, "host.sshd_logingracetime", "LoginGraceTime '%s': not a time", v);
	v = sshdcfg_get(c, "maxstartups", "10:30:100", NULL, NULL, 0);
	{
		const char *last = strrchr(v, ':');

		if (parse_ll(last ? last + 1 : v, &x))
			facts_set_int(f, "host.sshd_maxstartups_full", x);
		else
			facts_set_error(f, "host.sshd_maxstartups_full", "MaxStartups '%s': not understood", v);
	}
	v = sshdcfg_get(c, "clientaliveinterval", "0", NULL, NULL, 0);
	if ((x = sshdcfg_seconds(v)) >= 0)
		facts_set_int(f, "host.sshd_clientaliveinterval", x);
	else
		facts_set_error(f, "host.sshd_clientaliveinterval", "ClientAliveInterval '%s': not a time", v);
	v = sshdcfg_get(c, "clientalivecountmax", "3", NULL, NULL, 0);
	if (parse_ll(v, &x))
		facts_set_int(f, "host.sshd_clientalivecountmax", x);
	else
		facts_set_error(f, "host.sshd_clientalivecountmax", "ClientAliveCountMax '%s': not a number", v);
	{
		char lvl[32];

		snprintf(lvl, sizeof(lvl), "%s", sshdcfg_get(c, "loglevel", "INFO", NULL, NULL, 0));
		for (i = 0; lvl[i]; i++)
			lvl[i] = (char)toupper((unsigned char)lvl[i]);
		facts_set_str(f, "host.sshd_loglevel", lvl);
	}
	free(c);
}

/* ---- packages and security updates --------------------------------------------------- */

/*
 * host.packages: the installed packages (dpkg's status); LNX-002's facts:
 * host.security_updates_pending, host.security_updates ("name installed to
 * candidate"), host.apt_security_index_age_days (the oldest security
 * suite's index), host.days_since_upgrade (the last apt run that upgraded,
 * /var/log/apt/history.log). A security suite's index is a file of
 * /var/lib/apt/lists named *_dists_*-security_*_Packages[.lz4|.gz] (Debian
 * 11 and later, Ubuntu) or *_dists_*_updates_*_Packages* (Debian 10).
 */
static void
gather_packages(struct facts *f, const struct run *run)
{
	static const char *const lnx002[] = { "host.security_updates_pending", "host.security_updates",
					      "host.apt_security_index_age_days" };
	char why[HOSTFS_WHY_MAX] = "", err[ERRMSG_MAX] = "", **names = NULL, *text, *data;
	struct debpkgs inst = { 0 }, avail = { 0 };
	const char *pending[LIST_MAX];
	char *owned[LIST_MAX];
	size_t len, i, nn = 0, npend = 0, nsec = 0;
	long long oldest = -1;
	enum hostfs_result r;

	r = hostfs_read("/var/lib/dpkg/status", DEBPKG_STATUS_MAX, &text, &len, why);
	if (r != HOSTFS_OK) {
		read_error(f, "host.packages", "/var/lib/dpkg/status", r, why);
		for (i = 0; i < NELEM(lnx002); i++)
			read_error(f, lnx002[i], "/var/lib/dpkg/status", r, why);
		goto history;
	}
	if (debpkg_parse(text, true, &inst, err, sizeof(err)) == -1) {
		free(text);
		facts_set_error(f, "host.packages", "/var/lib/dpkg/status: %s", err);
		for (i = 0; i < NELEM(lnx002); i++)
			facts_set_error(f, lnx002[i], "/var/lib/dpkg/status: %s", err);
		debpkgs_free(&inst);
		goto history;
	}
	free(text);
	qsort(inst.p, inst.n, sizeof(*inst.p), debpkg_cmp);
	{
		const char **list = xmalloc((inst.n + 1) * sizeof(*list));
		size_t k = 0;

		for (i = 0; i < inst.n; i++)
			if (k == 0 || strcmp(list[k - 1], inst.p[i].name) != 0)
				list[k++] = inst.p[i].name;
		facts_set_list(f, "host.packages", list, k);
		free(list);
	}

	r = hostfs_list("/var/lib/apt/lists", "*_Packages*", &names, &nn, why);
	if (r != HOSTFS_OK && r != HOSTFS_ABSENT) {
		for (i = 0; i < NELEM(lnx002); i++)
			read_error(f, lnx002[i], "/var/lib/apt/lists", r, why);
		debpkgs_free(&inst);
		goto history;
	}
	for (i = 0; i < nn && !err[0]; i++) {
		char *p, *plain;
		struct stat st;

		if (!util_glob("*_dists_*-security_*_Packages*", names[i]) &&
		    !util_glob("*_dists_*_updates_*_Packages*", names[i]))
			continue;
		if (util_glob("*_dists_*-updates_*", names[i]))
			continue;	/* bookworm-updates: stable updates, not security */
		p = xasprintf("/var/lib/apt/lists/%s", names[i]);
		r = hostfs_read(p, DEBPKG_INDEX_MAX, &data, &len, why);
		if (r != HOSTFS_OK) {
			snprintf(err, sizeof(err), "%s: %s", p, hostfs_why(r, why));
			if (r == HOSTFS_DENIED)
				snprintf(err, sizeof(err), "needs read access to %s", p);
		} else if (!(plain = debpkg_index_text(names[i], data, len, why, sizeof(why)))) {
			snprintf(err, sizeof(err), "%s: %s", p, why);
			free(data);
		} else {
			free(data);
			if (debpkg_parse(plain, false, &avail, why, sizeof(why)) == -1)
				snprintf(err, sizeof(err), "%s: %s", p, why);
			free(plain);
			nsec++;
			if (hostfs_stat(p, &st, why) == HOSTFS_OK) {
				long long age = (now_seconds(run) - (long long)st.st_mtime) / 86400;

				if (age > oldest)
					oldest = age < 0 ? 0 : age;
			}
		}
		free(p);
	}
	hostfs_names_free(names, nn);
	if (!err[0] && nsec == 0)
		snprintf(err, sizeof(err), "no security suite's index in /var/lib/apt/lists (is the "
			 "security archive in apt's sources?)");
	if (err[0]) {
		for (i = 0; i < NELEM(lnx002); i++)
			facts_set_error(f, lnx002[i], "%s", err);
		debpkgs_free(&inst);
		debpkgs_free(&avail);
		goto history;
	}
	/* every installed package a security suite has in a newer version */
	for (i = 0; i < avail.n; i++) {
		struct debpkg key = avail.p[i];
		const struct debpkg *have = bsearch(&key, inst.p, inst.n, sizeof(*inst.p), debpkg_cmp);

		if (!have || debpkg_vercmp(avail.p[i].version, have->version) <= 0)
			continue;
		/* one count per package, whatever the number of indexes that have it */
		if (npend < LIST_MAX) {
			size_t k;
			char *item = xasprintf("%s %s to %s", have->name, have->version, avail.p[i].version);
			bool dup = false;

			for (k = 0; k < npend; k++)
				dup |= strncmp(owned[k], have->name, strlen(have->name)) == 0 &&
				       owned[k][strlen(have->name)] == ' ';
			if (dup) {
				free(item);
				continue;
			}
			owned[npend] = item;
			pending[npend++] = item;
		}
	}
	facts_set_int(f, "host.security_updates_pending", (long long)npend);
	facts_set_list(f, "host.security_updates", pending, npend);
	facts_set_int(f, "host.apt_security_index_age_days", oldest < 0 ? 0 : oldest);
	for (i = 0; i < npend; i++)
		free(owned[i]);
	debpkgs_free(&inst);
	debpkgs_free(&avail);

history:
	/* the last run of apt that upgraded: an Upgrade: line, then its End-Date: */
	r = hostfs_read("/var/log/apt/history.log", 64 * 1024 * 1024, &text, &len, why);
	if (r == HOSTFS_ABSENT) {
		facts_set_error(f, "host.days_since_upgrade", "/var/log/apt/history.log: no upgrade on record");
		return;
	}
	if (r != HOSTFS_OK) {
		read_error(f, "host.days_since_upgrade", "/var/log/apt/history.log", r, why);
		return;
	}
	{
		const char *p = text, *last = NULL;
		bool upgrade = false;

		while (*p) {
			const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);

			if (strncmp(p, "Start-Date:", 11) == 0)
				upgrade = false;
			else if (strncmp(p, "Upgrade:", 8) == 0)
				upgrade = true;
			else if (strncmp(p, "End-Date:", 9) == 0 && upgrade)
				last = p + 9;
			p = nl ? nl + 1 : end;
		}
		if (!last) {
			facts_set_error(f, "host.days_since_upgrade", "/var/log/apt/history.log: no upgrade on record");
		} else {
			char date[11];

			while (*last == ' ')
				last++;
			snprintf(date, sizeof(date), "%.10s", last);
			if (util_date_days(date) < 0)
				facts_set_error(f, "host.days_since_upgrade",
						"/var/log/apt/history.log: End-Date '%s' is not a date", date);
			else
				facts_set_int(f, "host.days_since_upgrade",
					      util_date_days(run->today) - util_date_days(date));
		}
	}
	free(text);
}

/* ---- main ------------------------------------------------------------------------ */

/* The host's name for the first line: --host-name, else /etc/hostname of the tree, else uname. */
static void
set_target(struct report *r, const struct opts *o)
{
	char why[HOSTFS_WHY_MAX], *text = NULL, name[256];
	size_t len;

	if (o->host_name) {
		/* a tree is never mistaken for the live host, in the first line, JSON and evidence */
		free(r->target);
		r->target = hostfs_live() ? xstrdup(o->host_name)
					  : xasprintf("%s (%s)", o->host_name, hostfs_root());
		return;
	}
	if (!hostfs_live() && hostfs_read("/etc/hostname", 256, &text, &len, why) == HOSTFS_OK) {
		text[strcspn(text, " \t\r\n")] = '\0';
		if (*text) {
			free(r->target);
			r->target = xasprintf("%s (%s)", text, hostfs_root());
		}
		free(text);
		return;
	}
	if (gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		free(r->target);
		r->target = xstrdup(name);
	}
}

static void
gather(struct facts *f, const struct run *run)
{
	gather_os(f, run);
	gather_sysctls(f, run);
	gather_apparmor(f);
	gather_accounts(f);
	gather_files(f, run);
	gather_logspace(f);
	gather_processes(f);
	gather_time(f);
	gather_listeners(f);
	gather_backups(f, run);
	gather_journald(f);
	gather_logforward(f);
	gather_passwords(f);
	gather_sudo(f);
	gather_snmpd(f);
	gather_firewall(f);
	gather_autoupdates(f, run);
	gather_reboot(f, run);
	gather_fim(f, run);
	gather_av(f, run);
	gather_audit(f);
	gather_retention(f);
	gather_logqueue(f, run);
	gather_sshd(f);
	gather_packages(f, run);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	struct host_opts t = { 0 };
	const struct opts_ext ext = {
		.usage = "[--root DIR]",
		.help = help,
		.description = description,
		.needs_host = false,
		.longopts = longopts,
		.handle = handle,
		.ctx = &t,
	};
	struct report r;
	struct opts o;
	struct run run;
	struct facts f;
	struct errmsg e;
	int rc;

	memset(&run, 0, sizeof(run));
	facts_init(&f);
	report_init(&r, "host", "check_baseline_host");
	if (opts_parse(&o, argc, argv, &ext, &r) == 0) {
		char name[256];

		/* the target for every line, a fatal one too; refined below under --root */
		if (o.host_name && t.root)
			r.target = xasprintf("%s (%s)", o.host_name, t.root);
		else if (o.host_name)
			r.target = xstrdup(o.host_name);
		else if (t.root)
			r.target = xstrdup(t.root);
		else if (gethostname(name, sizeof(name)) == 0 && (name[sizeof(name) - 1] = '\0', *name))
			r.target = xstrdup(name);
		else
			r.target = xstrdup("localhost");
	}
	if (r.target && run_load(&run, &o, "host", &r) == 0) {
		if (hostfs_init(t.root, &e) == -1) {
			report_fatal(&r, STATE_UNKNOWN, "%s", e.msg);
		} else {
			set_target(&r, &o);
			gather(&f, &run);
			run_evaluate(&run, &f, &r);
		}
	}
	rc = run_finish(&run, &o, &r);
	facts_release(&f);
	return rc;
}
