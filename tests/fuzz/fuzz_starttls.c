/*
 * STARTTLS preludes: the input is what a server sends, played to each
 * protocol's state machine in chunks whose sizes come from the first byte.
 * Checks that the machine never consumes more than it was given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "starttls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step = size ? (size_t)(data[0] % 64) + 1 : 1, p;
	char buf[STARTTLS_LINE_MAX * 8];

	for (p = 0; p < 3; p++) {
		struct starttls st;
		enum starttls_status s = STARTTLS_NEED_MORE;
		size_t off = size ? 1 : 0, len = 0, used;

		starttls_init(&st, (enum starttls_proto)p);
		while (off < size && s == STARTTLS_NEED_MORE) {
			const char *out = NULL;
			size_t take = size - off < step ? size - off : step;

			if (take > sizeof(buf) - len)
				break;
			memcpy(buf + len, data + off, take);
			len += take;
			off += take;
			s = starttls_feed(&st, buf, len, &used, &out);
			if (used > len)
				abort();
			memmove(buf, buf + used, len - used);
			len -= used;
		}
	}
	return 0;
}
