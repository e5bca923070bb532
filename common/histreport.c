/*
 * The history reports written out. One row of `writers` per format; a table
 * (struct table) gives the text and CSV layouts of the row-shaped parts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "histreport.h"
#include "json.h"
#include "util.h"
#include "banned.h"

struct writer {
	const char *name;
	void (*status)(const struct history_status *s, struct sbuf *out);
	void (*trend)(const struct history_trend *t, const char *group, struct sbuf *out);
	void (*bench)(const struct history_bench *b, bool anonymised, struct sbuf *out);
};

/* ---- a table: text (aligned) and CSV --------------------------------------------- */

#define TABLE_MAX_COLS 64

struct table {
	size_t ncols;
	char *head[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];	/* right-aligned in text (numbers) */
	char **cells;			/* nrows * ncols, copied */
	size_t nrows, alloc;
};

static void
table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
}

/* A column: its heading; right: right-aligned in text (numbers). */
static void
table_col(struct table *t, const char *head, bool right)
{
	if (t->ncols == TABLE_MAX_COLS)
		return;
	t->right[t->ncols] = right;
	t->head[t->ncols++] = xstrdup(head);
}

/* A row of ncols cells; NULL is an empty cell. */
static void
table_row(struct table *t, const char *const *cells)
{
	size_t i, cap = 0;

	cap = t->alloc;
	t->cells = xgrow(t->cells, (t->nrows + 1) * t->ncols, &cap, sizeof(*t->cells));
	t->alloc = cap;
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

static void
table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->head[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* Characters (not bytes) of UTF-8 text. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * s made safe for a terminal: C0 and C1 control characters and DEL as a
 * space; at most max characters (0: no limit), a cut marked "…". The text
 * comes from our JSON reader, so it is valid UTF-8 without NUL.
 */
static char *
clean(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct sbuf sb;
	size_t chars = 0;

	sbuf_init(&sb, 16u * 1024 * 1024);
	while (*p) {
		if (max && chars == max) {
			/* cut: drop the last character for the mark */
			while (sb.len && ((unsigned char)sb.buf[sb.len - 1] & 0xc0) == 0x80)
				sb.len--;
			if (sb.len)
				sb.len--;
			sb.buf[sb.len] = '\0';
			sbuf_addstr(&sb, "\xe2\x80\xa6");
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			sbuf_addch(&sb, ' ');
			p++;
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			sbuf_addch(&sb, ' ');
			p += 2;
		} else {
			do
				sbuf_addch(&sb, (char)*p++);
			while ((*p & 0xc0) == 0x80);
		}
		chars++;
	}
	return sbuf_detach(&sb);
}

static void
pad(struct sbuf *sb, size_t n)
{
	while (n--)
		sbuf_addch(sb, ' ');
}

/* The table aligned, each line after `indent`; the last column is not padded. */
static void
table_text(const struct table *t, const char *indent, struct sbuf *out)
{
	size_t w[TABLE_MAX_COLS], r, c, cw;
	const char *cell;

	for (c = 0; c < t->ncols; c++)
		w[c] = width(t->head[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if ((cw = width(t->cells[r * t->ncols + c])) > w[c])
				w[c] = cw;
	for (r = 0; r <= t->nrows; r++) {
		sbuf_addstr(out, indent);
		for (c = 0; c < t->ncols; c++) {
			cell = r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c];
			cw = width(cell);
			if (c)
				sbuf_addstr(out, "  ");
			if (t->right[c])
				pad(out, w[c] - cw);
			sbuf_addstr(out, cell);
			if (!t->right[c] && c + 1 < t->ncols)
				pad(out, w[c] - cw);
		}
		/* a row whose last cells are empty leaves no spaces at the end of the line */
		while (out->len && out->buf[out->len - 1] == ' ')
			out->len--;
		if (out->buf)
			out->buf[out->len] = '\0';
		sbuf_addch(out, '\n');
	}
}

static void
csv_cell(struct sbuf *sb, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL, guard = strchr("=+-@\t\r", s[0]) && s[0];

	if (!quote && !guard) {
		sbuf_addstr(sb, s);
		return;
	}
	sbuf_addch(sb, '"');
	if (guard)
		sbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			sbuf_addch(sb, '"');
		sbuf_addch(sb, *s);
	}
	sbuf_addch(sb, '"');
}

/* The table as CSV with a header line; lines end in CRLF as RFC 4180 says. */
static void
table_csv(const struct table *t, struct sbuf *out)
{
	size_t r, c;

	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				sbuf_addch(out, ',');
			csv_cell(out, r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c]);
		}
		sbuf_addstr(out, "\r\n");
	}
}

/* ---- small helpers ---------------------------------------------------------------- */

static char *
fmt_time(long long t)
{
	char buf[32];

	history_format_time(t, buf);
	return xstrdup(buf);
}

static char *
fmt_int(long long n)
{
	return xasprintf("%lld", n);
}

static char *
fmt_pct(double d)
{
	return xasprintf("%.1f", d);
}

static void
json_str_or_null(struct sbuf *sb, const char *s)
{
	if (s)
		json_put_str(sb, s);
	else
		sbuf_addstr(sb, "null");
}

static void
json_time(struct sbuf *sb, long long t)
{
	char buf[32];

	history_format_time(t, buf);
	json_put_str(sb, buf);
}

/* A list of strings to free together. */
struct strs {
	char *v[TABLE_MAX_COLS];
	size_t n;
};

static const char *
keep(struct strs *s, char *p)
{
	if (s->n < TABLE_MAX_COLS)
		s->v[s->n++] = p;
	return p;
}

static void
strs_release(struct strs *s)
{
	while (s->n)
		free(s->v[--s->n]);
}

/* ---- status ---------------------------------------------------------------------- */

static void
status_text(const struct history_status *s, struct sbuf *out)
{
	size_t i, j, hosts = 0;
	struct strs k = { 0 };
	struct table t;
	char at[32];

	history_format_time(s->at, at);
	for (i = 0; i < s->n; i++)
		hosts += i == 0 || strcmp(s->runs[i].host, s->runs[i - 1].host) != 0;
	sbuf_addf(out, "Status at %s: %zu host%s, %zu run%s in force\n", at, hosts,
		  hosts == 1 ? "" : "s", s->n, s->n == 1 ? "" : "s");
	for (i = 0; i < s->n; i++) {
		const struct history_run *r = &s->runs[i];
		bool any_waiver = false;

		sbuf_addf(out, "\n%s %s", keep(&k, clean(r->host, 0)), keep(&k, clean(r->family, 0)));
		if (r->group)
			sbuf_addf(out, ", group %s", keep(&k, clean(r->group, 0)));
		sbuf_addf(out, ": run %s %s", keep(&k, fmt_time(r->time)),
			  keep(&k, clean(r->state ? r->state : "?", 0)));
		if (r->compliance >= 0)
			sbuf_addf(out, ", compliance %d%%", r->compliance);
		sbuf_addch(out, '\n');
		sbuf_addf(out, "  baseline %s %s profile %s",
			  keep(&k, clean(r->baseline_id ? r->baseline_id : "?", 0)),
			  keep(&k, clean(r->baseline_version ? r->baseline_version : "?", 0)),
			  keep(&k, clean(r->profile ? r->profile : "?", 0)));
		if (r->tailoring_id)
			sbuf_addf(out, ", tailoring %s %s", keep(&k, clean(r->tailoring_id, 0)),
				  keep(&k, clean(r->tailoring_version ? r->tailoring_version : "", 0)));
		if (r->target)
			sbuf_addf(out, ", target %s", keep(&k, clean(r->target, 0)));
		sbuf_addch(out, '\n');
		if (r->unevaluated_time)
			sbuf_addf(out, "  a later run at %s evaluated nothing: %s\n",
				  keep(&k, fmt_time(r->unevaluated_time)),
				  keep(&k, clean(r->unevaluated_error ? r->unevaluated_error : "?", 0)));
		strs_release(&k);

		table_init(&t);
		table_col(&t, "CONTROL", false);
		table_col(&t, "RESULT", false);
		table_col(&t, "STATE", false);
		table_col(&t, "SEVERITY", false);
		table_col(&t, "SINCE", false);
		table_col(&t, "OBSERVED", false);
		table_col(&t, "EXPECTED", false);
		for (j = 0; j < r->ncontrols; j++) {
			const struct history_control *c = &r->controls[j];
			const char *row[7];

			row[0] = keep(&k, clean(c->id, 0));
			row[1] = keep(&k, clean(c->result, 0));
			row[2] = keep(&k, clean(c->state, 0));
			row[3] = keep(&k, clean(c->severity, 0));
			row[4] = keep(&k, fmt_time(c->since));
			row[5] = keep(&k, clean(c->reason && !c->observed ? c->reason : c->observed,
						HISTREPORT_TEXT_OBSERVED));
			row[6] = keep(&k, clean(c->expected, 0));
			table_row(&t, row);
			strs_release(&k);
			any_waiver |= c->waiver != NULL;
		}
		table_text(&t, "  ", out);
		table_release(&t);
		if (!any_waiver)
			continue;
		sbuf_addstr(out, "  waivers in force:\n");
		for (j = 0; j < r->ncontrols; j++) {
			const struct history_control *c = &r->controls[j];
			const struct history_waiver *w = c->waiver;

			if (!w)
				continue;
			sbuf_addf(out, "    %s was %s, waived until %s by %s", keep(&k, clean(c->id, 0)),
				  keep(&k, clean(c->hidden_result ? c->hidden_result : "?", 0)),
				  keep(&k, clean(w->expires ? w->expires : "?", 0)),
				  keep(&k, clean(w->approved_by ? w->approved_by : "?", 0)));
			if (w->ticket)
				sbuf_addf(out, " (%s)", keep(&k, clean(w->ticket, 0)));
			sbuf_addf(out, ": %s", keep(&k, clean(w->justification ? w->justification : "", 0)));
			if (c->waiver_expired)
				sbuf_addstr(out, " [expired by then]");
			sbuf_addch(out, '\n');
			strs_release(&k);
		}
	}
}

static void
status_csv(const struct history_status *s, struct sbuf *out)
{
	static const char *const cols[] = {
		"at", "host", "family", "group", "run_time", "run_state", "compliance",
		"baseline_id", "baseline_version", "baseline_sha256", "profile", "tailoring_id",
		"tailoring_version", "target", "unevaluated_time", "unevaluated_error", "control",
		"control_version", "result", "state", "severity", "title", "since", "last_seen",
		"observed", "expected", "reason", "hidden_result", "waiver_justification",
		"waiver_approved_by", "waiver_ticket", "waiver_expires", "waiver_expired",
	};
	const char *row[NELEM(cols)];
	struct strs k = { 0 };
	struct table t;
	size_t i, j;

	table_init(&t);
	for (i = 0; i < NELEM(cols); i++)
		table_col(&t, cols[i], false);
	for (i = 0; i < s->n; i++) {
		const struct history_run *r = &s->runs[i];

		for (j = 0; j < r->ncontrols; j++) {
			const struct history_control *c = &r->controls[j];
			const struct history_waiver *w = c->waiver;

			row[0] = keep(&k, fmt_time(s->at));
			row[1] = r->host;
			row[2] = r->family;
			row[3] = r->group;
			row[4] = keep(&k, fmt_time(r->time));
			row[5] = r->state;
			row[6] = r->compliance >= 0 ? keep(&k, fmt_int(r->compliance)) : NULL;
			row[7] = r->baseline_id;
			row[8] = r->baseline_version;
			row[9] = r->baseline_sha256;
			row[10] = r->profile;
			row[11] = r->tailoring_id;
			row[12] = r->tailoring_version;
			row[13] = r->target;
			row[14] = r->unevaluated_time ? keep(&k, fmt_time(r->unevaluated_time)) : NULL;
			row[15] = r->unevaluated_error;
			row[16] = c->id;
			row[17] = keep(&k, fmt_int(c->version));
			row[18] = c->result;
			row[19] = c->state;
			row[20] = c->severity;
			row[21] = c->title;
			row[22] = keep(&k, fmt_time(c->since));
			row[23] = keep(&k, fmt_time(c->last_seen));
			row[24] = c->observed;
			row[25] = c->expected;
			row[26] = c->reason;
			row[27] = c->hidden_result;
			row[28] = w ? w->justification : NULL;
			row[29] = w ? w->approved_by : NULL;
			row[30] = w ? w->ticket : NULL;
			row[31] = w ? w->expires : NULL;
			row[32] = w ? (c->waiver_expired ? "yes" : "no") : NULL;
			table_row(&t, row);
			strs_release(&k);
		}
	}
	table_csv(&t, out);
	table_release(&t);
}

static void
status_json(const struct history_status *s, struct sbuf *out)
{
	size_t i, j;

	sbuf_addstr(out, "{\"at\":");
	json_time(out, s->at);
	sbuf_addstr(out, ",\"runs\":[");
	for (i = 0; i < s->n; i++) {
		const struct history_run *r = &s->runs[i];

		sbuf_addstr(out, i ? ",\n  {" : "\n  {");
		json_put_key(out, "host");
		json_put_str(out, r->host);
		sbuf_addch(out, ',');
		json_put_key(out, "family");
		json_put_str(out, r->family);
		sbuf_addch(out, ',');
		json_put_key(out, "group");
		json_str_or_null(out, r->group);
		sbuf_addch(out, ',');
		json_put_key(out, "time");
		json_time(out, r->time);
		sbuf_addch(out, ',');
		json_put_key(out, "state");
		json_str_or_null(out, r->state);
		sbuf_addf(out, ",\"exit_code\":%d,\"compliance\":", r->exit_code);
		if (r->compliance >= 0)
			sbuf_addf(out, "%d", r->compliance);
		else
			sbuf_addstr(out, "null");
		sbuf_addch(out, ',');
		json_put_key(out, "target");
		json_str_or_null(out, r->target);
		sbuf_addstr(out, ",\"baseline\":{");
		json_put_key(out, "id");
		json_str_or_null(out, r->baseline_id);
		sbuf_addch(out, ',');
		json_put_key(out, "version");
		json_str_or_null(out, r->baseline_version);
		sbuf_addch(out, ',');
		json_put_key(out, "sha256");
		json_str_or_null(out, r->baseline_sha256);
		sbuf_addch(out, ',');
		json_put_key(out, "profile");
		json_str_or_null(out, r->profile);
		sbuf_addstr(out, "},\"tailoring\":");
		if (r->tailoring_id) {
			sbuf_addch(out, '{');
			json_put_key(out, "id");
			json_put_str(out, r->tailoring_id);
			sbuf_addch(out, ',');
			json_put_key(out, "version");
			json_str_or_null(out, r->tailoring_version);
			sbuf_addch(out, '}');
		} else {
			sbuf_addstr(out, "null");
		}
		sbuf_addstr(out, ",\"unevaluated\":");
		if (r->unevaluated_time) {
			sbuf_addstr(out, "{\"time\":");
			json_time(out, r->unevaluated_time);
			sbuf_addstr(out, ",\"error\":");
			json_str_or_null(out, r->unevaluated_error);
			sbuf_addch(out, '}');
		} else {
			sbuf_addstr(out, "null");
		}
		sbuf_addstr(out, ",\"controls\":[");
		for (j = 0; j < r->ncontrols; j++) {
			const struct history_control *c = &r->controls[j];

			sbuf_addstr(out, j ? ",\n    {" : "\n    {");
			json_put_key(out, "id");
			json_put_str(out, c->id);
			sbuf_addf(out, ",\"version\":%d,", c->version);
			json_put_key(out, "result");
			json_put_str(out, c->result);
			sbuf_addch(out, ',');
			json_put_key(out, "state");
			json_str_or_null(out, c->state);
			sbuf_addch(out, ',');
			json_put_key(out, "severity");
			json_str_or_null(out, c->severity);
			sbuf_addch(out, ',');
			json_put_key(out, "title");
			json_str_or_null(out, c->title);
			sbuf_addch(out, ',');
			json_put_key(out, "observed");
			json_str_or_null(out, c->observed);
			sbuf_addch(out, ',');
			json_put_key(out, "expected");
			json_str_or_null(out, c->expected);
			sbuf_addch(out, ',');
			json_put_key(out, "reason");
			json_str_or_null(out, c->reason);
			sbuf_addch(out, ',');
			json_put_key(out, "hidden_result");
			json_str_or_null(out, c->hidden_result);
			sbuf_addch(out, ',');
			json_put_key(out, "baseline_version");
			json_str_or_null(out, c->baseline_version);
			sbuf_addstr(out, ",\"since\":");
			json_time(out, c->since);
			sbuf_addstr(out, ",\"last_seen\":");
			json_time(out, c->last_seen);
			/* the waiver as the run carried it: JSON we wrote ourselves when storing it */
			sbuf_addstr(out, ",\"waiver\":");
			sbuf_addstr(out, c->waiver_json && c->waiver ? c->waiver_json : "null");
			sbuf_addf(out, ",\"waiver_expired\":%s}", c->waiver_expired ? "true" : "false");
		}
		sbuf_addstr(out, r->ncontrols ? "\n  ]}" : "]}");
	}
	sbuf_addstr(out, s->n ? "\n]}\n" : "]}\n");
}

/* ---- trend ----------------------------------------------------------------------- */

static const char trend_meaning[] =
	"the mean over hosts of each host's compliance in force at the end of the day";

static void
trend_table(const struct history_trend *t, struct table *tb, bool text)
{
	struct strs k = { 0 };
	const char *row[3];
	size_t i;

	table_init(tb);
	table_col(tb, text ? "DATE" : "date", false);
	table_col(tb, text ? "HOSTS" : "hosts", true);
	table_col(tb, text ? "COMPLIANCE" : "compliance", true);
	for (i = 0; i < t->n; i++) {
		row[0] = t->days[i].date;
		row[1] = keep(&k, fmt_int((long long)t->days[i].hosts));
		row[2] = t->days[i].hosts ? keep(&k, fmt_pct(t->days[i].compliance))
					  : text ? "-" : NULL;
		table_row(tb, row);
		strs_release(&k);
	}
}

static void
trend_text(const struct history_trend *t, const char *group, struct sbuf *out)
{
	struct table tb;
	char *g = group ? clean(group, 0) : NULL;

	sbuf_addf(out, "Compliance per day, %s to %s, %s%s\n(%s)\n", t->n ? t->days[0].date : "-",
		  t->n ? t->days[t->n - 1].date : "-", g ? "group " : "all groups", g ? g : "",
		  trend_meaning);
	free(g);
	trend_table(t, &tb, true);
	table_text(&tb, "", out);
	table_release(&tb);
}

static void
trend_csv(const struct history_trend *t, const char *group, struct sbuf *out)
{
	struct table tb;

	(void)group;
	trend_table(t, &tb, false);
	table_csv(&tb, out);
	table_release(&tb);
}

static void
trend_json(const struct history_trend *t, const char *group, struct sbuf *out)
{
	size_t i;

	sbuf_addstr(out, "{\"from\":");
	json_str_or_null(out, t->n ? t->days[0].date : NULL);
	sbuf_addstr(out, ",\"to\":");
	json_str_or_null(out, t->n ? t->days[t->n - 1].date : NULL);
	sbuf_addstr(out, ",\"group\":");
	json_str_or_null(out, group);
	sbuf_addstr(out, ",\"compliance_is\":");
	json_put_str(out, trend_meaning);
	sbuf_addstr(out, ",\"days\":[");
	for (i = 0; i < t->n; i++) {
		sbuf_addstr(out, i ? ",\n  {\"date\":" : "\n  {\"date\":");
		json_put_str(out, t->days[i].date);
		sbuf_addf(out, ",\"hosts\":%zu,\"compliance\":", t->days[i].hosts);
		if (t->days[i].hosts)
			sbuf_addf(out, "%.1f}", t->days[i].compliance);
		else
			sbuf_addstr(out, "null}");
	}
	sbuf_addstr(out, t->n ? "\n]}\n" : "]}\n");
}

/* ---- benchmark ------------------------------------------------------------------- */

static void
bench_groups_table(const struct history_bench *b, struct table *t, bool text)
{
	struct strs k = { 0 };
	const char *row[6];
	size_t i;

	table_init(t);
	table_col(t, text ? "GROUP" : "group", false);
	table_col(t, text ? "HOSTS" : "hosts", true);
	table_col(t, text ? "COMPLIANCE" : "compliance", true);
	table_col(t, text ? "CRITICAL FAILING" : "critical_failing", true);
	table_col(t, text ? "HOSTS WITH CRITICAL" : "hosts_with_critical_failing", true);
	if (!text)
		table_col(t, "hosts_with_compliance", false);
	for (i = 0; i < b->ngroups; i++) {
		const struct history_bench_group *g = &b->groups[i];

		row[0] = text ? keep(&k, clean(g->label, 0)) : g->label;
		row[1] = keep(&k, fmt_int((long long)g->hosts));
		row[2] = g->hosts_with_compliance ? keep(&k, fmt_pct(g->compliance))
						  : text ? "-" : NULL;
		row[3] = keep(&k, fmt_int((long long)g->critical_failing));
		row[4] = keep(&k, fmt_int((long long)g->hosts_critical));
		row[5] = keep(&k, fmt_int((long long)g->hosts_with_compliance));
		table_row(t, row);
		strs_release(&k);
	}
}

static void
bench_text(const struct history_bench *b, bool anonymised, struct sbuf *out)
{
	const char *row[TABLE_MAX_COLS];
	struct strs k = { 0 };
	struct table t;
	size_t i, j, ng = b->ngroups < TABLE_MAX_COLS - 4 ? b->ngroups : TABLE_MAX_COLS - 4;
	char at[32];

	history_format_time(b->at, at);
	sbuf_addf(out, "Benchmark at %s%s\n", at, anonymised ? " (groups anonymised)" : "");
	bench_groups_table(b, &t, true);
	table_text(&t, "", out);
	table_release(&t);
	sbuf_addstr(out, "\nControls failing most widely (hosts failing, per group):\n");
	if (!b->ntop) {
		sbuf_addstr(out, "none\n");
		return;
	}
	table_init(&t);
	table_col(&t, "CONTROL", false);
	table_col(&t, "SEVERITY", false);
	table_col(&t, "HOSTS", true);
	for (j = 0; j < ng; j++) {
		table_col(&t, keep(&k, clean(b->groups[j].label, 0)), true);
	}
	table_col(&t, "TITLE", false);
	strs_release(&k);
	for (i = 0; i < b->ntop; i++) {
		const struct history_bench_control *c = &b->top[i];
		struct strs nums = { 0 };

		row[0] = keep(&k, clean(c->id, 0));
		row[1] = keep(&k, clean(c->severity, 0));
		row[2] = keep(&k, fmt_int((long long)c->hosts));
		for (j = 0; j < ng; j++)
			row[3 + j] = keep(&nums, fmt_int((long long)c->per_group[j]));
		row[3 + ng] = keep(&k, clean(c->title, 0));
		table_row(&t, row);
		strs_release(&k);
		strs_release(&nums);
	}
	table_text(&t, "", out);
	table_release(&t);
}

/*
 * One row per group; then a column per control of the top list holding the
 * hosts of that group where it fails, headed by the control's id.
 */
static void
bench_csv(const struct history_bench *b, bool anonymised, struct sbuf *out)
{
	size_t i, j, ntop = b->ntop < TABLE_MAX_COLS - 6 ? b->ntop : TABLE_MAX_COLS - 6;
	struct table groups, t;
	struct strs k = { 0 };
	const char *row[TABLE_MAX_COLS];

	(void)anonymised;
	bench_groups_table(b, &groups, false);
	table_init(&t);
	for (j = 0; j < groups.ncols; j++)
		table_col(&t, groups.head[j], groups.right[j]);
	for (j = 0; j < ntop; j++)
		table_col(&t, b->top[j].id, false);
	for (i = 0; i < groups.nrows; i++) {
		for (j = 0; j < groups.ncols; j++)
			row[j] = groups.cells[i * groups.ncols + j];
		for (j = 0; j < ntop; j++)
			row[groups.ncols + j] = keep(&k, fmt_int((long long)b->top[j].per_group[i]));
		table_row(&t, row);
		strs_release(&k);
	}
	table_csv(&t, out);
	table_release(&t);
	table_release(&groups);
}

static void
bench_json(const struct history_bench *b, bool anonymised, struct sbuf *out)
{
	size_t i, j;

	sbuf_addstr(out, "{\"at\":");
	json_time(out, b->at);
	sbuf_addf(out, ",\"anonymised\":%s,\"groups\":[", anonymised ? "true" : "false");
	for (i = 0; i < b->ngroups; i++) {
		const struct history_bench_group *g = &b->groups[i];

		sbuf_addstr(out, i ? ",\n  {" : "\n  {");
		json_put_key(out, "group");
		json_put_str(out, g->label);
		sbuf_addf(out, ",\"named\":%s,\"hosts\":%zu,\"hosts_with_compliance\":%zu,"
			       "\"compliance\":",
			  g->name ? "true" : "false", g->hosts, g->hosts_with_compliance);
		if (g->hosts_with_compliance)
			sbuf_addf(out, "%.1f", g->compliance);
		else
			sbuf_addstr(out, "null");
		sbuf_addf(out, ",\"critical_failing\":%zu,\"hosts_with_critical_failing\":%zu}",
			  g->critical_failing, g->hosts_critical);
	}
	sbuf_addstr(out, b->ngroups ? "\n],\"top_failing\":[" : "],\"top_failing\":[");
	for (i = 0; i < b->ntop; i++) {
		const struct history_bench_control *c = &b->top[i];

		sbuf_addstr(out, i ? ",\n  {" : "\n  {");
		json_put_key(out, "id");
		json_put_str(out, c->id);
		sbuf_addch(out, ',');
		json_put_key(out, "title");
		json_str_or_null(out, c->title);
		sbuf_addch(out, ',');
		json_put_key(out, "severity");
		json_str_or_null(out, c->severity);
		sbuf_addf(out, ",\"hosts\":%zu,\"per_group\":[", c->hosts);
		for (j = 0; j < b->ngroups; j++) {
			sbuf_addstr(out, j ? ",{" : "{");
			json_put_key(out, "group");
			json_put_str(out, b->groups[j].label);
			sbuf_addf(out, ",\"hosts\":%zu}", c->per_group[j]);
		}
		sbuf_addstr(out, "]}");
	}
	sbuf_addstr(out, b->ntop ? "\n]}\n" : "]}\n");
}

/* ---- the writers ------------------------------------------------------------------ */

static const struct writer writers[HISTFMT_COUNT] = {
	[HISTFMT_TEXT] = { "text", status_text, trend_text, bench_text },
	[HISTFMT_CSV] = { "csv", status_csv, trend_csv, bench_csv },
	[HISTFMT_JSON] = { "json", status_json, trend_json, bench_json },
	/* HTML with charts comes later: its three writers go here */
	[HISTFMT_HTML] = { "html", NULL, NULL, NULL },
};

int
histfmt_parse(const char *name, enum histfmt *out, struct errmsg *e)
{
	size_t i;

	for (i = 0; i < HISTFMT_COUNT; i++) {
		if (strcmp(name, writers[i].name) != 0)
			continue;
		if (!writers[i].status) {
			errmsg_set(e, "format '%s' is not available yet (text, csv, json)", name);
			return -1;
		}
		*out = (enum histfmt)i;
		return 0;
	}
	errmsg_set(e, "unknown format '%s' (text, csv, json)", name);
	return -1;
}

void
histreport_status(const struct history_status *s, enum histfmt f, struct sbuf *out)
{
	writers[f].status(s, out);
}

void
histreport_trend(const struct history_trend *t, const char *group, enum histfmt f,
		 struct sbuf *out)
{
	writers[f].trend(t, group, out);
}

void
histreport_bench(const struct history_bench *b, bool anonymised, enum histfmt f,
		 struct sbuf *out)
{
	writers[f].bench(b, anonymised, out);
}
