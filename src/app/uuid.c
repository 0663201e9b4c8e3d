#include "config.h"

/* Random request keys: a version 4 UUID (RFC 9562) from the kernel's
 * random source, for oms_api.request_refund's p_request_key. A key names
 * one intent (one refund the CSR or a script asked for), so that sending
 * it again after an unknown outcome can never make a second refund. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "app/app.h"

bool
app_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t got = 0;
	int fd;

	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == len)
		return true;
	/* a kernel without getrandom(2): the device */
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == len;
}

bool
app_uuid_v4(char out[APP_UUID_LEN + 1])
{
	unsigned char b[16];

	if (!app_random_bytes(b, sizeof b)) {
		out[0] = '\0';
		return false;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);      /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);      /* variant 10 */
	snprintf(out, APP_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return true;
}

bool
app_uuid_valid(const char *s)
{
	if (!s || strlen(s) != APP_UUID_LEN)
		return false;
	for (int i = 0; i < APP_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}
