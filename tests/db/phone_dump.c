#include "config.h"

/* The clients' phone normaliser (src/app/phone.c, phone_to_e164), for
 * tests/db/phone_agree.test to compare with the database's
 * oms.normalize_phone over the same inputs.
 *
 * Reads lines "CC<TAB>INPUT" (CC the default country code; INPUT any bytes
 * but newline) and prints "CC<TAB>HEX<TAB>RESULT": HEX the input's bytes in
 * lower-case hex (so that psql can take it back without quoting trouble),
 * RESULT the E.164 number or nothing when the input is refused. */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"

int
main(int argc, char **argv)
{
	char line[4096], out[32];

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: phone_dump <lines\n");
		return 2;
	}
	while (fgets(line, sizeof line, stdin)) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (!tab) {
			fprintf(stderr, "phone_dump: not CC<TAB>INPUT: %s\n", line);
			return 1;
		}
		*tab = '\0';
		printf("%s\t", line);
		for (const unsigned char *p = (const unsigned char *)tab + 1; *p; p++)
			printf("%02x", *p);
		printf("\t%s\n", phone_to_e164(tab + 1, line, out, sizeof out) ? out : "");
	}
	return 0;
}
