/*
 * Fuzzes snmp_cred_parse. Every input is parsed twice: as given, and with the
 * value of each community / auth-passphrase / priv-passphrase line masked
 * (each printable byte turned into 'Q', or 'R' where it was a 'Q'; blanks and
 * control bytes kept, so the parse takes the same path). Checks:
 *   - the two runs agree (rc and message): a message never depends on a secret;
 *   - the masked message contains no masked value: our message texts have no
 *     'Q' or 'R', so any such run could only come from the file;
 *   - an accepted file obeys the caps and rules of snmp_cred.h;
 *   - snmp_cred_release() leaves the struct empty.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snmp_cred.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX "credentials 'fuzz': "
#define MAX_SECRETS 64

static const char *const secret_keys[] = { "community", "auth-passphrase", "priv-passphrase" };

static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/*
 * Masks the secret values of buf[0..len) in place (the parser's own line
 * split, done independently) and records where they are.
 */
static size_t
mask(char *buf, size_t len, size_t *off, size_t *n)
{
	size_t count = 0, a = 0, b, eol, k, ka, kb, i;
	const char *nl, *eq;

	while (a < len) {
		nl = memchr(buf + a, '\n', len - a);
		eol = nl ? (size_t)(nl - buf) : len;
		b = eol;
		while (a < b && blank(buf[a]))
			a++;
		while (b > a && blank(buf[b - 1]))
			b--;
		eq = memchr(buf + a, '=', b - a);
		if (eq) {
			ka = a;
			kb = (size_t)(eq - buf);
			while (ka < kb && blank(buf[ka]))
				ka++;
			while (kb > ka && blank(buf[kb - 1]))
				kb--;
			for (k = 0; k < NELEM(secret_keys); k++) {
				if (kb - ka != strlen(secret_keys[k]) ||
				    memcmp(buf + ka, secret_keys[k], kb - ka) != 0)
					continue;
				ka = (size_t)(eq - buf) + 1;
				while (ka < b && blank(buf[ka]))
					ka++;
				for (i = ka; i < b; i++)
					if ((unsigned char)buf[i] > 0x20 && buf[i] != 0x7f)
						buf[i] = buf[i] == 'Q' ? 'R' : 'Q';
				if (b > ka && count < MAX_SECRETS) {
					off[count] = ka;
					n[count++] = b - ka;
				}
				break;
			}
		}
		a = eol + 1;
	}
	return count;
}

static bool
ctl_free(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void
check_accepted(const struct snmp_cred *c)
{
	const char *v[] = { c->community, c->user, c->auth_pass, c->priv_pass };
	size_t i, n;

	if (!c->community && !c->user)
		abort();
	for (i = 0; i < NELEM(v); i++) {
		if (!v[i])
			continue;
		n = strlen(v[i]);
		if (n == 0 || n > SNMP_CRED_VALUE_MAX || !ctl_free(v[i]) || blank(v[i][0]) ||
		    blank(v[i][n - 1]))
			abort();
	}
	if (c->user && strlen(c->user) > SNMP_CRED_USER_MAX)
		abort();
	if ((c->auth_pass && strlen(c->auth_pass) < SNMP_CRED_PASS_MIN) ||
	    (c->priv_pass && strlen(c->priv_pass) < SNMP_CRED_PASS_MIN))
		abort();
	if (c->have_version && c->version == SNMP_V3 && !c->user)
		abort();
	if (c->have_version && c->version != SNMP_V3 && (!c->community || c->user))
		abort();
	if (!c->user) {
		if (c->auth_pass || c->priv_pass || c->auth != SNMP_AUTH_NONE ||
		    c->priv != SNMP_PRIV_NONE)
			abort();
		return;
	}
	if ((c->level >= SNMP_AUTHNOPRIV) != (c->auth != SNMP_AUTH_NONE && c->auth_pass != NULL))
		abort();
	if ((c->level == SNMP_AUTHPRIV) != (c->priv != SNMP_PRIV_NONE && c->priv_pass != NULL))
		abort();
	if ((c->auth_pass != NULL) != (c->auth != SNMP_AUTH_NONE) ||
	    (c->priv_pass != NULL) != (c->priv != SNMP_PRIV_NONE))
		abort();
}

static void
release_check(struct snmp_cred *c)
{
	snmp_cred_release(c);
	if (c->community || c->user || c->auth_pass || c->priv_pass || c->have_version)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off[MAX_SECRETS], n[MAX_SECRETS], count, i;
	struct snmp_cred c, m;
	struct errmsg e, me;
	char *masked;
	int rc, mrc;

	if (size > SNMP_CRED_FILE_MAX + 16)
		return 0;
	e.msg[0] = me.msg[0] = '\0';
	rc = snmp_cred_parse((const char *)data, size, "fuzz", &c, &e);
	if (rc == 0)
		check_accepted(&c);
	else if (rc != -1 || strncmp(e.msg, PREFIX, strlen(PREFIX)) != 0)
		abort();

	masked = xmalloc(size + 1);
	if (size)
		memcpy(masked, data, size);
	count = mask(masked, size, off, n);
	mrc = snmp_cred_parse(masked, size, "fuzz", &m, &me);
	if (mrc != rc || (rc == -1 && strcmp(e.msg, me.msg) != 0))
		abort();
	if (rc == -1)
		for (i = 0; i < count; i++)
			if (memmem(me.msg, strlen(me.msg), masked + off[i], n[i]))
				abort();
	/* an accepted masked file holds exactly the masked values */
	if (rc == 0 && m.community && c.community && strlen(m.community) != strlen(c.community))
		abort();
	release_check(&c);
	release_check(&m);
	free(masked);
	return 0;
}
