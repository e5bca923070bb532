#ifndef CB_EVIDENCE_H
#define CB_EVIDENCE_H
/*
 * The evidence log: one JSON line per run, {"prev": "<hex>", "run": <report_to_json()>},
 * appended under an exclusive lock (flock),
 * where prev is the SHA-256 of the previous line's bytes (without
 * its newline), the first line "prev": "" . Tampering with any line breaks the
 * chain at the next one.
 */
#include <stddef.h>

struct errmsg;
struct report;

/*
 * Appends one line for r to path (created 0640 if missing; a symlink is
 * refused). Returns 0, or -1 with a reason; the file is never left with a
 * partial line by us. r is not const: report_to_json() sorts its results.
 */
int evidence_append(const char *path, struct report *r, struct errmsg *e);

/*
 * Verifies the chain. Returns 0 with *lines set when intact; -1 with *bad_line
 * (1-based) and the reason ("line 7: prev does not match line 6") when not.
 */
int evidence_verify(const char *path, size_t *lines, size_t *bad_line, struct errmsg *e);

#endif
