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
struct jv;
struct report;

/* Caps: bytes of one line (without its newline), bytes of one log. */
#define EVIDENCE_MAX_LINE (1024u * 1024)
#define EVIDENCE_MAX_FILE (1024ull * 1024 * 1024)

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

/*
 * Checks line n (1-based) of a log: `len` bytes of text without the newline
 * must be one JSON object with exactly "prev" (a string equal to expect_prev,
 * "" for line 1) and "run" (an object). Returns 0 and, when doc is not NULL,
 * the parsed line in *doc (the caller jv_free()s it); -1 with the reason
 * ("line 7: prev does not match line 6", "line 3: not valid JSON") otherwise.
 * The next line's expect_prev is digest_sha256_hex() of these `len` bytes.
 */
int evidence_check_line(const char *text, size_t len, size_t n, const char *expect_prev,
			struct jv **doc, struct errmsg *e);

#endif
