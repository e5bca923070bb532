/* Evaluation: facts + rules + waivers -> control results. No I/O. */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "eval.h"
#include "facts.h"
#include "report.h"
#include "waiver.h"
#include "banned.h"

#define EVAL_TEXT_MAX 2048

static enum state
severity_state(enum severity s)
{
	return s == SEV_CRITICAL ? STATE_CRITICAL : STATE_WARNING;
}

static void
expected_text(const struct control *c, struct sbuf *sb)
{
	rule_describe(c->rule, &c->env, sb);
	if (c->warning_rule) {
		sbuf_addstr(sb, "; recommended: ");
		rule_describe(c->warning_rule, &c->env, sb);
	}
}

/* One control: PASS, FAIL, ERROR or NA, before waivers. */
static struct control_result *
eval_control(struct report *r, const struct control *c, const struct facts *f)
{
	struct sbuf observed, expected, why;
	enum result res = RES_PASS;
	enum state st = STATE_OK;
	enum tri t;

	sbuf_init(&observed, EVAL_TEXT_MAX);
	sbuf_init(&expected, EVAL_TEXT_MAX);
	sbuf_init(&why, EVAL_TEXT_MAX);
	expected_text(c, &expected);

	t = c->applies_if ? rule_eval(c->applies_if, &c->env, f, &observed, &why) : TRI_TRUE;
	if (t == TRI_FALSE) {
		res = RES_NA;
	} else if (t == TRI_TRUE) {
		t = rule_eval(c->rule, &c->env, f, &observed, &why);
		if (t == TRI_FALSE) {
			res = RES_FAIL;
			st = severity_state(c->severity);
		} else if (t == TRI_TRUE && c->warning_rule) {
			t = rule_eval(c->warning_rule, &c->env, f, &observed, &why);
			if (t == TRI_FALSE) {
				res = RES_FAIL;
				st = STATE_WARNING;
			}
		}
	}
	if (t == TRI_UNKNOWN) {
		res = RES_ERROR;
		st = (enum state)c->on_error;
	}
	return report_add(r, c, res, st, sbuf_detach(&observed), sbuf_detach(&expected),
			  res == RES_ERROR ? sbuf_detach(&why) : (sbuf_release(&why), NULL));
}

void
eval_run(struct report *r, const struct baseline *b, const char *family, const char *profile,
	 const struct facts *f, const struct waivers *w, const char *today)
{
	size_t i;

	r->baseline = b;
	r->waivers = w;
	r->profile = profile;
	for (i = 0; i < b->ncontrols; i++) {
		const struct control *c = &b->controls[i];
		const struct waiver *wv = NULL, *expired = NULL;
		struct control_result *cr;

		if (!control_in_family(c, family) || !baseline_in_profile(b, c, profile))
			continue;
		cr = eval_control(r, c, f);
		/* a waiver hides a failure or an error; a passing control stays PASS */
		if (w && w->n && (cr->result == RES_FAIL || cr->result == RES_ERROR))
			wv = waivers_match(w, c->id, r->host_id ? r->host_id : "", today, &expired);
		if (wv) {
			cr->hidden = cr->result;
			cr->hidden_state = cr->state;
			cr->result = RES_WAIVED;
			cr->state = STATE_OK;
			cr->waiver = wv;
		} else if (expired) {
			cr->expired_waiver = expired;
			report_note(r, "waiver for %s on '%s' expired on %s (approved by %s): the real result applies again",
				    c->id, expired->host, expired->expires, expired->approved_by);
		}
	}
}
