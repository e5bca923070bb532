/*
 * The history reports written out. One row of `writers` per format; a table
 * (struct table) gives the text and CSV layouts of the row-shaped parts, the
 * HTML writers write their tables and SVG charts directly.
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

/* ---- HTML ------------------------------------------------------------------------ */

/*
 * One self-contained HTML5 document per report: inline CSS, charts as inline
 * SVG drawn here, no script and no URL of any kind, so it opens offline and
 * prints. A Content-Security-Policy of default-src 'none' backs that up: were
 * a string ever to slip through unescaped, the browser would still run no
 * script and fetch nothing. The numbers a test compares with the JSON report
 * carry data-key (and data-host, data-family, data-control, data-group,
 * data-date) attributes.
 */

static const char html_style[] =
	":root{color-scheme:light}\n"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"body{font:14px/1.45 system-ui,sans-serif;color:#111;background:#fff;margin:1.5rem}\n"
	"h1{font-size:1.5rem;margin:0 0 .5rem}\n"
	"h2{font-size:1.15rem;margin:1.75rem 0 .35rem;break-after:avoid}\n"
	"p{margin:.3rem 0}\n"
	".note{color:#444}\n"
	".warn{font-weight:bold}\n"
	"table{border-collapse:collapse;margin:.5rem 0 1rem}\n"
	"table.full{width:100%}\n"
	"caption{text-align:left;font-weight:bold;padding:.2rem 0}\n"
	"th,td{border:1px solid #999;padding:.15rem .45rem;text-align:left;vertical-align:top}\n"
	"thead th{background:#e8e8e8}\n"
	"tbody th{font-weight:normal;white-space:nowrap}\n"
	".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".t{white-space:nowrap}\n"
	".wrap{overflow-wrap:anywhere}\n"
	".wide{overflow-x:auto}\n"
	".r-PASS{color:#1b5e20}\n"
	".r-FAIL{color:#8b0000;font-weight:bold}\n"
	".r-ERROR{color:#a33c0c;font-weight:bold;font-style:italic}\n"
	".r-WAIVED{color:#2b4f7a;font-style:italic}\n"
	".r-NA{color:#555}\n"
	"ul.legend{list-style:none;padding:0;margin:.2rem 0 .4rem}\n"
	"ul.legend li{display:inline-block;margin-right:1.1rem}\n"
	".sw{display:inline-block;width:.9em;height:.9em;border:1px solid #333;"
	"vertical-align:-.1em;margin-right:.3em}\n"
	".sw-PASS{background:#66bb6a}.sw-FAIL{background:#8b0000}.sw-ERROR{background:#d84315}"
	".sw-WAIVED{background:#a0c4e8}.sw-NA{background:#f0f0f0}\n"
	"svg{display:block;max-width:100%;height:auto;font:12px system-ui,sans-serif}\n"
	"figure{margin:.75rem 0 1rem}\n"
	"figcaption{color:#444;font-size:.9em}\n"
	".expired{font-weight:bold}\n"
	"footer{margin-top:2rem;border-top:1px solid #999;padding-top:.4rem;color:#444;font-size:.85em}\n"
	"@page{margin:1.5cm}\n"
	"@media print{body{margin:0}.wide{overflow:visible}tr,svg,figure{break-inside:avoid}}\n";

/* The results a run's bar shows, their fills (dark to light, so grey print keeps them apart). */
static const char *const html_results[] = { "PASS", "FAIL", "ERROR", "WAIVED", "NA" };
static const char *const html_fills[] = { "#66bb6a", "#8b0000", "#d84315", "#a0c4e8", "#f0f0f0" };

/* The chart colours: a line or bar that prints as a dark grey, light gridlines. */
#define HTML_INK "#1f4e8c"
#define HTML_GRID "#c8c8c8"

/*
 * s as HTML text or a double-quoted attribute value: & < > " ' as character
 * references, control characters as spaces (as in text), at most max
 * characters with a cut marked "…" (0: whole). NULL is empty.
 */
static void
html_put(struct sbuf *sb, const char *s, size_t max)
{
	char *c = clean(s, max);
	const char *p, *run, *ref;

	for (run = p = c; *p; p++) {
		switch (*p) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		default: continue;
		}
		sbuf_add(sb, run, (size_t)(p - run));
		sbuf_addstr(sb, ref);
		run = p + 1;
	}
	sbuf_add(sb, run, (size_t)(p - run));
	free(c);
}

/* ` name="value"`, the value escaped. */
static void
html_attr(struct sbuf *sb, const char *name, const char *value)
{
	sbuf_addf(sb, " %s=\"", name);
	html_put(sb, value, 0);
	sbuf_addch(sb, '"');
}

/* The document up to and including <h1>title</h1>; title is plain text. */
static void
html_begin(struct sbuf *out, const char *title)
{
	sbuf_addstr(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" "
			 "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<meta name=\"generator\" content=\"cyberbaseline " CB_VERSION "\">\n<title>");
	html_put(out, title, 0);
	sbuf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>", html_style);
	html_put(out, title, 0);
	sbuf_addstr(out, "</h1>\n");
}

/* The footer and the end of the document; what: plain text, e.g. "status at ...". */
static void
html_end(struct sbuf *out, const char *what)
{
	sbuf_addstr(out, "</main>\n<footer><p>cyberbaseline report, ");
	html_put(out, what, 0);
	sbuf_addstr(out, "; written by cyberbaseline " CB_VERSION
			 " as a self-contained document (no scripts, nothing loaded from outside)"
			 "</p></footer>\n</body>\n</html>\n");
}

/* <thead> with a <th scope="col"> per heading; right: numbers, right-aligned. */
static void
html_thead(struct sbuf *out, const char *const *heads, const bool *right, size_t n)
{
	size_t i;

	sbuf_addstr(out, "<thead><tr>");
	for (i = 0; i < n; i++) {
		sbuf_addf(out, "<th scope=\"col\"%s>", right && right[i] ? " class=\"n\"" : "");
		html_put(out, heads[i], 0);
		sbuf_addstr(out, "</th>");
	}
	sbuf_addstr(out, "</tr></thead>\n");
}

/* ---- HTML: status ---------------------------------------------------------------- */

static int
html_result_index(const char *result)
{
	size_t i;

	for (i = 0; result && i < NELEM(html_results); i++)
		if (strcmp(result, html_results[i]) == 0)
			return (int)i;
	return -1;
}

/* The attributes naming a run's cell: data-host, data-family. */
static void
html_run_attrs(struct sbuf *out, const struct history_run *r)
{
	html_attr(out, "data-host", r->host);
	html_attr(out, "data-family", r->family);
}

/* A stacked bar of the run's results, then its legend with the counts. */
static void
html_status_bar(struct sbuf *out, const struct history_run *r, const size_t count[])
{
	const double w = 480, h = 22;
	struct sbuf label;
	size_t i, total = 0;
	double x = 0, sw;

	for (i = 0; i < NELEM(html_results); i++)
		total += count[i];
	sbuf_init(&label, 1u << 20);
	sbuf_addstr(&label, "Results of ");
	html_put(&label, r->host, 0);
	sbuf_addch(&label, ' ');
	html_put(&label, r->family, 0);
	sbuf_addch(&label, ':');
	for (i = 0; i < NELEM(html_results); i++)
		sbuf_addf(&label, "%s %zu %s", i ? "," : "", count[i], html_results[i]);
	sbuf_addf(out, "<svg role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		       "height=\"%.0f\"><title>%s</title>\n", sbuf_str(&label), w, h, w, h,
		  sbuf_str(&label));
	sbuf_release(&label);
	for (i = 0; i < NELEM(html_results) && total; i++) {
		if (!count[i])
			continue;
		sw = w * (double)count[i] / (double)total;
		sbuf_addf(out, "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\" "
			       "stroke=\"#333\" stroke-width=\"0.5\"><title>%s: %zu</title></rect>\n",
			  x, sw, h, html_fills[i], html_results[i], count[i]);
		x += sw;
	}
	sbuf_addf(out, "<rect x=\"0.5\" y=\"0.5\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
		       "stroke=\"#333\"/>\n</svg>\n<ul class=\"legend\">", w - 1, h - 1);
	for (i = 0; i < NELEM(html_results); i++) {
		sbuf_addf(out, "<li><span class=\"sw sw-%s\"></span>%s <span", html_results[i],
			  html_results[i]);
		html_run_attrs(out, r);
		sbuf_addf(out, " data-key=\"count\" data-result=\"%s\">%zu</span></li>",
			  html_results[i], count[i]);
	}
	sbuf_addstr(out, "</ul>\n");
}

static void
html_status_run(struct sbuf *out, const struct history_run *r)
{
	static const char *const heads[] = {
		"CONTROL", "RESULT", "STATE", "SEVERITY", "SINCE", "OBSERVED", "EXPECTED",
	};
	static const char *const wheads[] = {
		"CONTROL", "WAS", "WAIVED UNTIL", "APPROVED BY", "TICKET", "JUSTIFICATION",
	};
	size_t count[NELEM(html_results)] = { 0 };
	size_t j, waivers = 0;
	char t[32];
	int ri;

	for (j = 0; j < r->ncontrols; j++) {
		if ((ri = html_result_index(r->controls[j].result)) >= 0)
			count[ri]++;
		waivers += r->controls[j].waiver != NULL;
	}
	sbuf_addstr(out, "<section>\n<h2>");
	html_put(out, r->host, 0);
	sbuf_addch(out, ' ');
	html_put(out, r->family, 0);
	sbuf_addstr(out, "</h2>\n<p>");
	if (r->group) {
		sbuf_addstr(out, "group ");
		html_put(out, r->group, 0);
		sbuf_addstr(out, ", ");
	}
	history_format_time(r->time, t);
	sbuf_addf(out, "run <span class=\"t\">%s</span> ", t);
	html_put(out, r->state ? r->state : "?", 0);
	if (r->compliance >= 0) {
		sbuf_addstr(out, ", compliance <span");
		html_run_attrs(out, r);
		sbuf_addf(out, " data-key=\"compliance\">%d</span>%%", r->compliance);
	}
	sbuf_addstr(out, "</p>\n<p class=\"note\">baseline ");
	html_put(out, r->baseline_id ? r->baseline_id : "?", 0);
	sbuf_addch(out, ' ');
	html_put(out, r->baseline_version ? r->baseline_version : "?", 0);
	sbuf_addstr(out, " profile ");
	html_put(out, r->profile ? r->profile : "?", 0);
	if (r->tailoring_id) {
		sbuf_addstr(out, ", tailoring ");
		html_put(out, r->tailoring_id, 0);
		sbuf_addch(out, ' ');
		html_put(out, r->tailoring_version, 0);
	}
	if (r->target) {
		sbuf_addstr(out, ", target ");
		html_put(out, r->target, 0);
	}
	sbuf_addstr(out, "</p>\n");
	if (r->unevaluated_time) {
		history_format_time(r->unevaluated_time, t);
		sbuf_addf(out, "<p class=\"warn\">a later run at %s evaluated nothing: ", t);
		html_put(out, r->unevaluated_error ? r->unevaluated_error : "?", 0);
		sbuf_addstr(out, "</p>\n");
	}
	html_status_bar(out, r, count);

	sbuf_addstr(out, "<table class=\"full\"><caption>Controls of the run in force</caption>\n");
	html_thead(out, heads, NULL, NELEM(heads));
	sbuf_addstr(out, "<tbody>\n");
	for (j = 0; j < r->ncontrols; j++) {
		const struct history_control *c = &r->controls[j];

		sbuf_addstr(out, "<tr><th scope=\"row\"");
		if (c->title)
			html_attr(out, "title", c->title);
		sbuf_addstr(out, ">");
		html_put(out, c->id, 0);
		ri = html_result_index(c->result);
		sbuf_addf(out, "</th><td%s%s%s", ri >= 0 ? " class=\"r-" : "",
			  ri >= 0 ? html_results[ri] : "", ri >= 0 ? "\"" : "");
		html_run_attrs(out, r);
		html_attr(out, "data-control", c->id);
		sbuf_addstr(out, " data-key=\"result\">");
		html_put(out, c->result, 0);
		sbuf_addstr(out, "</td><td>");
		html_put(out, c->state, 0);
		sbuf_addstr(out, "</td><td>");
		html_put(out, c->severity, 0);
		history_format_time(c->since, t);
		sbuf_addf(out, "</td><td class=\"t\">%s</td><td class=\"wrap\">", t);
		html_put(out, c->reason && !c->observed ? c->reason : c->observed, 0);
		sbuf_addstr(out, "</td><td class=\"wrap\">");
		html_put(out, c->expected, 0);
		sbuf_addstr(out, "</td></tr>\n");
	}
	sbuf_addstr(out, "</tbody></table>\n");
	if (waivers) {
		sbuf_addstr(out, "<table class=\"full\"><caption>Waivers in force</caption>\n");
		html_thead(out, wheads, NULL, NELEM(wheads));
		sbuf_addstr(out, "<tbody>\n");
		for (j = 0; j < r->ncontrols; j++) {
			const struct history_control *c = &r->controls[j];
			const struct history_waiver *w = c->waiver;

			if (!w)
				continue;
			sbuf_addstr(out, "<tr><th scope=\"row\">");
			html_put(out, c->id, 0);
			sbuf_addstr(out, "</th><td>");
			html_put(out, c->hidden_result ? c->hidden_result : "?", 0);
			sbuf_addstr(out, "</td><td class=\"t\">");
			html_put(out, w->expires ? w->expires : "?", 0);
			if (c->waiver_expired)
				sbuf_addstr(out, " <span class=\"expired\">[expired by then]</span>");
			sbuf_addstr(out, "</td><td class=\"wrap\">");
			html_put(out, w->approved_by ? w->approved_by : "?", 0);
			sbuf_addstr(out, "</td><td class=\"wrap\">");
			html_put(out, w->ticket, 0);
			sbuf_addstr(out, "</td><td class=\"wrap\">");
			html_put(out, w->justification, 0);
			sbuf_addstr(out, "</td></tr>\n");
		}
		sbuf_addstr(out, "</tbody></table>\n");
	}
	sbuf_addstr(out, "</section>\n");
}

static void
status_html(const struct history_status *s, struct sbuf *out)
{
	size_t i, hosts = 0;
	char at[32], *title;

	history_format_time(s->at, at);
	for (i = 0; i < s->n; i++)
		hosts += i == 0 || strcmp(s->runs[i].host, s->runs[i - 1].host) != 0;
	title = xasprintf("Status at %s", at);
	html_begin(out, title);
	free(title);
	sbuf_addf(out, "<p><span data-key=\"hosts\">%zu</span> host%s, <span data-key=\"runs\">%zu"
		       "</span> run%s in force</p>\n", hosts, hosts == 1 ? "" : "s", s->n,
		  s->n == 1 ? "" : "s");
	for (i = 0; i < s->n; i++)
		html_status_run(out, &s->runs[i]);
	title = xasprintf("status at %s", at);
	html_end(out, title);
	free(title);
}

/* ---- HTML: trend ----------------------------------------------------------------- */

/*
 * The line chart: x the days, y 0..100 % with gridlines every 25; consecutive
 * days with data joined, a day without data leaves a gap; a dot per day when
 * there are few days, else only for a day with no neighbour to join.
 */
static void
html_trend_chart(const struct history_trend *t, struct sbuf *out)
{
	const double W = 760, H = 280, left = 48, right = 40, top = 14, bottom = 36;
	const double pw = W - left - right, ph = H - top - bottom;
	size_t i, step, with = 0, lo = 0, hi = 0;
	bool dots = t->n <= 93, open = false;
	struct sbuf label;
	double x, y;
	int v;

	for (i = 0; i < t->n; i++) {
		if (!t->days[i].hosts)
			continue;
		if (!with || t->days[i].compliance < t->days[lo].compliance)
			lo = i;
		if (!with || t->days[i].compliance > t->days[hi].compliance)
			hi = i;
		with++;
	}
	sbuf_init(&label, 1u << 16);
	sbuf_addf(&label, "Line chart of compliance per day, 0 to 100 %%, %s to %s: %zu of %zu days "
			  "with data",
		  t->n ? t->days[0].date : "-", t->n ? t->days[t->n - 1].date : "-", with, t->n);
	if (with)
		sbuf_addf(&label, "; lowest %.1f %% on %s, highest %.1f %% on %s",
			  t->days[lo].compliance, t->days[lo].date, t->days[hi].compliance,
			  t->days[hi].date);
	sbuf_addf(out, "<figure>\n<svg role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %.0f %.0f\" "
		       "width=\"%.0f\" height=\"%.0f\"><title>%s</title>\n",
		  sbuf_str(&label), W, H, W, H, sbuf_str(&label));
	sbuf_release(&label);
	for (v = 0; v <= 100; v += 25) {
		y = top + ph * (100 - v) / 100;
		sbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>"
			       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d %%</text>\n",
			  left, y, left + pw, y, HTML_GRID, v ? " stroke-dasharray=\"3 3\"" : "",
			  left - 6, y + 4, v);
	}
	/* at most 7 dates under the axis, the first among them, evenly spaced by whole days */
	step = t->n > 7 ? (t->n - 1 + 5) / 6 : 1;
	for (i = 0; i < t->n; i += step) {
		x = t->n > 1 ? left + pw * (double)i / (double)(t->n - 1) : left + pw / 2;
		sbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#666\"/>"
			       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			  x, top + ph, x, top + ph + 4, x, top + ph + 18, t->days[i].date);
	}
	for (i = 0; i < t->n; i++) {
		if (!t->days[i].hosts) {
			if (open)
				sbuf_addstr(out, "\"/>\n");
			open = false;
			continue;
		}
		x = t->n > 1 ? left + pw * (double)i / (double)(t->n - 1) : left + pw / 2;
		y = top + ph * (100 - t->days[i].compliance) / 100;
		if (!open && i + 1 < t->n && t->days[i + 1].hosts) {
			sbuf_addf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
				       "stroke-linejoin=\"round\" points=\"", HTML_INK);
			open = true;
		} else if (open) {
			sbuf_addch(out, ' ');
		}
		if (open)
			sbuf_addf(out, "%.1f,%.1f", x, y);
	}
	if (open)
		sbuf_addstr(out, "\"/>\n");
	for (i = 0; i < t->n; i++) {
		bool alone = (i == 0 || !t->days[i - 1].hosts) && (i + 1 == t->n || !t->days[i + 1].hosts);

		if (!t->days[i].hosts || (!dots && !alone))
			continue;
		x = t->n > 1 ? left + pw * (double)i / (double)(t->n - 1) : left + pw / 2;
		y = top + ph * (100 - t->days[i].compliance) / 100;
		sbuf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %.1f %%, "
			       "%zu host%s</title></circle>\n",
			  x, y, HTML_INK, t->days[i].date, t->days[i].compliance, t->days[i].hosts,
			  t->days[i].hosts == 1 ? "" : "s");
	}
	sbuf_addstr(out, "</svg>\n<figcaption>Compliance at the end of each day; a gap is a day "
			 "without any host's compliance in force.</figcaption>\n</figure>\n");
}

static void
trend_html(const struct history_trend *t, const char *group, struct sbuf *out)
{
	static const char *const heads[] = { "DATE", "HOSTS", "COMPLIANCE" };
	static const bool right[] = { false, true, true };
	const char *from = t->n ? t->days[0].date : "-", *to = t->n ? t->days[t->n - 1].date : "-";
	char *title;
	size_t i;

	title = xasprintf("Compliance per day, %s to %s, %s%s", from, to,
			  group ? "group " : "all groups", group ? group : "");
	html_begin(out, title);
	free(title);
	sbuf_addf(out, "<p class=\"note\">(%s)</p>\n", trend_meaning);
	html_trend_chart(t, out);
	sbuf_addstr(out, "<table><caption>Compliance per day</caption>\n");
	html_thead(out, heads, right, NELEM(heads));
	sbuf_addstr(out, "<tbody>\n");
	for (i = 0; i < t->n; i++) {
		const struct history_day *d = &t->days[i];

		sbuf_addf(out, "<tr><th scope=\"row\" class=\"t\">%s</th>"
			       "<td class=\"n\" data-date=\"%s\" data-key=\"hosts\">%zu</td>"
			       "<td class=\"n\" data-date=\"%s\" data-key=\"compliance\">",
			  d->date, d->date, d->hosts, d->date);
		if (d->hosts)
			sbuf_addf(out, "%.1f", d->compliance);
		else
			sbuf_addch(out, '-');
		sbuf_addstr(out, "</td></tr>\n");
	}
	sbuf_addstr(out, "</tbody></table>\n");
	title = xasprintf("compliance per day from %s to %s", from, to);
	html_end(out, title);
	free(title);
}

/* ---- HTML: benchmark ------------------------------------------------------------- */

/* Labels in the bar chart are cut to this many characters; the tables carry them whole. */
#define HTML_CHART_LABEL 28

/* A horizontal bar per group: its compliance, the value at the bar's end. */
static void
html_bench_chart(const struct history_bench *b, struct sbuf *out)
{
	const double W = 760, top = 8, row = 26, bar = 18, x0 = 240, bw = 440;
	const double H = top + row * (double)b->ngroups + 28;
	double bottom = top + row * (double)b->ngroups, x, y;
	size_t i;
	int v;

	sbuf_addf(out, "<figure>\n<svg role=\"img\" aria-label=\"Bar chart of compliance per group, "
		       "0 to 100 %%: %zu group%s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		       "height=\"%.0f\"><title>Compliance per group</title>\n",
		  b->ngroups, b->ngroups == 1 ? "" : "s", W, H, W, H);
	for (v = 0; v <= 100; v += 25) {
		x = x0 + bw * v / 100;
		sbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>"
			       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d %%</text>\n",
			  x, top, x, bottom, HTML_GRID, v ? " stroke-dasharray=\"3 3\"" : "", x,
			  bottom + 18, v);
	}
	for (i = 0; i < b->ngroups; i++) {
		const struct history_bench_group *g = &b->groups[i];
		double c = g->compliance < 0 ? 0 : g->compliance > 100 ? 100 : g->compliance;

		y = top + row * (double)i + (row - bar) / 2;
		sbuf_addstr(out, "<g><title>");
		html_put(out, g->label, 0);
		if (g->hosts_with_compliance)
			sbuf_addf(out, ": %.1f %%", g->compliance);
		else
			sbuf_addstr(out, ": no compliance in force");
		sbuf_addf(out, ", %zu host%s</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
			  g->hosts, g->hosts == 1 ? "" : "s", x0 - 8, y + bar - 5);
		html_put(out, g->label, HTML_CHART_LABEL);
		sbuf_addstr(out, "</text>");
		if (g->hosts_with_compliance) {
			sbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
				       "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\"><tspan data-in=\"chart\"",
				  x0, y, bw * c / 100, bar, HTML_INK, x0 + bw * c / 100 + 6, y + bar - 5);
			html_attr(out, "data-group", g->label);
			sbuf_addf(out, " data-key=\"compliance\">%.1f</tspan> %%</text>", g->compliance);
		} else {
			sbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#444\">no compliance in "
				       "force</text>", x0 + 6, y + bar - 5);
		}
		sbuf_addstr(out, "</g>\n");
	}
	sbuf_addstr(out, "</svg>\n<figcaption>Compliance per group: the mean over its hosts of each "
			 "host's compliance in force.</figcaption>\n</figure>\n");
}

/* A numeric cell of the groups table: <td class="n" data-group=.. data-key=..>. */
static void
html_group_cell(struct sbuf *out, const char *group, const char *key)
{
	sbuf_addstr(out, "<td class=\"n\"");
	html_attr(out, "data-group", group);
	sbuf_addf(out, " data-key=\"%s\">", key);
}

static void
bench_html(const struct history_bench *b, bool anonymised, struct sbuf *out)
{
	static const char *const heads[] = {
		"GROUP", "HOSTS", "COMPLIANCE", "CRITICAL FAILING", "HOSTS WITH CRITICAL",
	};
	static const bool right[] = { false, true, true, true, true };
	char at[32], *title;
	size_t i, j;

	history_format_time(b->at, at);
	title = xasprintf("Benchmark at %s%s", at, anonymised ? " (groups anonymised)" : "");
	html_begin(out, title);
	free(title);
	html_bench_chart(b, out);
	sbuf_addstr(out, "<table><caption>The groups</caption>\n");
	html_thead(out, heads, right, NELEM(heads));
	sbuf_addstr(out, "<tbody>\n");
	for (i = 0; i < b->ngroups; i++) {
		const struct history_bench_group *g = &b->groups[i];

		sbuf_addstr(out, "<tr><th scope=\"row\" class=\"wrap\">");
		html_put(out, g->label, 0);
		sbuf_addstr(out, "</th>");
		html_group_cell(out, g->label, "hosts");
		sbuf_addf(out, "%zu</td>", g->hosts);
		html_group_cell(out, g->label, "compliance");
		if (g->hosts_with_compliance)
			sbuf_addf(out, "%.1f</td>", g->compliance);
		else
			sbuf_addstr(out, "-</td>");
		html_group_cell(out, g->label, "critical_failing");
		sbuf_addf(out, "%zu</td>", g->critical_failing);
		html_group_cell(out, g->label, "hosts_with_critical_failing");
		sbuf_addf(out, "%zu</td></tr>\n", g->hosts_critical);
	}
	sbuf_addstr(out, "</tbody></table>\n<h2>Controls failing most widely (hosts failing, per "
			 "group)</h2>\n");
	if (!b->ntop) {
		sbuf_addstr(out, "<p>none</p>\n");
	} else {
		/*
		 * Two tables, so that a hundred municipalities stay readable: the
		 * controls with their titles, then one row per group and one
		 * column per control (at most HISTORY_BENCH_TOP columns).
		 */
		sbuf_addstr(out, "<table>\n<thead><tr><th scope=\"col\">CONTROL</th>"
				 "<th scope=\"col\">SEVERITY</th><th scope=\"col\" class=\"n\">HOSTS</th>"
				 "<th scope=\"col\">TITLE</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < b->ntop; i++) {
			const struct history_bench_control *c = &b->top[i];

			sbuf_addstr(out, "<tr><th scope=\"row\">");
			html_put(out, c->id, 0);
			sbuf_addstr(out, "</th><td>");
			html_put(out, c->severity, 0);
			sbuf_addstr(out, "</td><td class=\"n\"");
			html_attr(out, "data-control", c->id);
			sbuf_addf(out, " data-key=\"hosts\">%zu</td>", c->hosts);
			sbuf_addstr(out, "<td class=\"wrap\">");
			html_put(out, c->title, 0);
			sbuf_addstr(out, "</td></tr>\n");
		}
		sbuf_addstr(out, "</tbody></table>\n<p>Hosts failing each control, per group:</p>\n"
				 "<div class=\"wide\"><table>\n<thead><tr><th scope=\"col\">GROUP</th>");
		for (i = 0; i < b->ntop; i++) {
			sbuf_addstr(out, "<th scope=\"col\" class=\"n\"");
			html_attr(out, "title", b->top[i].title);
			sbuf_addch(out, '>');
			html_put(out, b->top[i].id, 0);
			sbuf_addstr(out, "</th>");
		}
		sbuf_addstr(out, "</tr></thead>\n<tbody>\n");
		for (j = 0; j < b->ngroups; j++) {
			sbuf_addstr(out, "<tr><th scope=\"row\">");
			html_put(out, b->groups[j].label, 0);
			sbuf_addstr(out, "</th>");
			for (i = 0; i < b->ntop; i++) {
				const struct history_bench_control *c = &b->top[i];

				sbuf_addstr(out, "<td class=\"n\"");
				html_attr(out, "data-control", c->id);
				html_attr(out, "data-group", b->groups[j].label);
				sbuf_addf(out, " data-key=\"hosts\">%zu</td>", c->per_group[j]);
			}
			sbuf_addstr(out, "</tr>\n");
		}
		sbuf_addstr(out, "</tbody></table></div>\n");
	}
	title = xasprintf("benchmark at %s%s", at, anonymised ? ", groups anonymised" : "");
	html_end(out, title);
	free(title);
}

/* ---- the writers ------------------------------------------------------------------ */

static const struct writer writers[HISTFMT_COUNT] = {
	[HISTFMT_TEXT] = { "text", status_text, trend_text, bench_text },
	[HISTFMT_CSV] = { "csv", status_csv, trend_csv, bench_csv },
	[HISTFMT_JSON] = { "json", status_json, trend_json, bench_json },
	[HISTFMT_HTML] = { "html", status_html, trend_html, bench_html },
};

int
histfmt_parse(const char *name, enum histfmt *out, struct errmsg *e)
{
	size_t i;

	for (i = 0; i < HISTFMT_COUNT; i++) {
		if (strcmp(name, writers[i].name) != 0)
			continue;
		*out = (enum histfmt)i;
		return 0;
	}
	errmsg_set(e, "unknown format '%s' (text, csv, json, html)", name);
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
