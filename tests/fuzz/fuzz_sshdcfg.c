/*
 * Fuzzes sshdcfg_parse() with untrusted bytes (a hostile tree's
 * sshd_config): it ends with every option's key lower case and within the
 * caps, and sshdcfg_get() and sshdcfg_seconds() take whatever it kept.
 * Include lines go to hostfs, which has no root here: they fail cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshdcfg.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "permitrootlogin", "passwordauthentication", "logingracetime",
					    "maxstartups", "authenticationmethods" };
	struct sshdcfg *c = xmalloc(sizeof(*c));
	const char *vals[16];
	size_t i, k, nv;

	memset(c, 0, sizeof(*c));
	(void)sshdcfg_parse(c, (const char *)data, size, "fuzz");
	if (c->n > SSHDCFG_OPTS_MAX || c->depth != 0)
		__builtin_trap();
	for (i = 0; i < c->n; i++)
		for (k = 0; c->opts[i].key[k]; k++)
			if (c->opts[i].key[k] >= 'A' && c->opts[i].key[k] <= 'Z')
				__builtin_trap();
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *v = sshdcfg_get(c, keys[k], "x", vals, &nv, 16);

		if (!v || nv == 0 || nv > 16)
			__builtin_trap();
		(void)sshdcfg_seconds(v);
	}
	free(c);
	return 0;
}
