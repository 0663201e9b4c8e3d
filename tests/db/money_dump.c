#include "config.h"

/* The compiled-in money table and formatter, printed for
 * tests/db/currency.test to compare with the database:
 *   money_dump table    code|exponent|name, one row per currency, by code
 *   money_dump format   reads "minor|code" lines, prints "minor|code|text"
 *                       (money_format) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

static int
dump_table(void)
{
	const struct money_currency *c;

	for (size_t i = 0; (c = money_currency_at(i)); i++)
		printf("%s|%d|%s\n", c->code, c->exponent, c->name);
	return 0;
}

static int
dump_format(void)
{
	char line[256], text[64];

	while (fgets(line, sizeof line, stdin)) {
		char *bar = strchr(line, '|');

		line[strcspn(line, "\n")] = '\0';
		if (!bar) {
			fprintf(stderr, "money_dump: not minor|code: %s\n", line);
			return 1;
		}
		*bar = '\0';
		money_format(strtoll(line, NULL, 10), bar + 1, text, sizeof text);
		printf("%s|%s|%s\n", line, bar + 1, text);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "table") == 0)
		return dump_table();
	if (argc == 2 && strcmp(argv[1], "format") == 0)
		return dump_format();
	fprintf(stderr, "usage: money_dump table|format\n");
	return 2;
}
