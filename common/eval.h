#ifndef CB_EVAL_H
#define CB_EVAL_H
/*
 * Evaluation: facts + baseline rules + waivers -> control results in the
 * report. Pure: no I/O.
 */
struct baseline;
struct facts;
struct report;
struct waivers;

/*
 * Evaluates every control of family `family` in `profile` against f and adds
 * one result per control to r (ERROR for facts not gathered, NA when
 * applies_if is false, WAIVED when a waiver for r->host_id applies today).
 * `today` is YYYY-MM-DD. Sets r->baseline, r->waivers and r->profile.
 */
void eval_run(struct report *r, const struct baseline *b, const char *family, const char *profile,
	      const struct facts *f, const struct waivers *w, const char *today);

#endif
