#ifndef CB_HISTREPORT_H
#define CB_HISTREPORT_H
/*
 * The history reports written out: an aligned text table, CSV with a header
 * (RFC 4180), one JSON document, or one self-contained HTML document with
 * charts. Each format is one row of a table of writers (histreport.c), so
 * adding one is adding its row.
 *
 * Text is for a terminal: control characters become spaces and long
 * observed values are cut (marked "…"). CSV and JSON carry every string
 * whole; CSV puts a ' before a field that starts with = + - @ (spreadsheets
 * would run it as a formula). HTML carries strings whole too, with control
 * characters as spaces and & < > " ' escaped; it has inline CSS and SVG only,
 * no script and no URL, and marks the numbers a test compares with the JSON
 * report with data-key attributes (docs/history.md section 2).
 */
#include <stdbool.h>

struct errmsg;
struct sbuf;
struct history_status;
struct history_trend;
struct history_bench;

enum histfmt {
	HISTFMT_TEXT,
	HISTFMT_CSV,
	HISTFMT_JSON,
	HISTFMT_HTML,
	HISTFMT_COUNT
};

/* Observed values in text output are cut to this many characters. */
#define HISTREPORT_TEXT_OBSERVED 60

/* "text", "csv", "json", "html" to *out; -1 with a reason for another name. */
int histfmt_parse(const char *name, enum histfmt *out, struct errmsg *e);

/* Each appends the whole report to out, ending in a newline. */
void histreport_status(const struct history_status *s, enum histfmt f, struct sbuf *out);
/* group: the --group the trend was asked for, or NULL. */
void histreport_trend(const struct history_trend *t, const char *group, enum histfmt f,
		      struct sbuf *out);
void histreport_bench(const struct history_bench *b, bool anonymised, enum histfmt f,
		      struct sbuf *out);

#endif
