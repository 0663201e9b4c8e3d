#include "config.h"

/* Reads numbers, one a line, and prints each with "t" or "f": whether the
 * C classifier's order_no_valid() accepts it. tests/cli/damm.test compares
 * that with oms.order_no_valid() in SQL. */

#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"

int
main(void)
{
	char line[64];

	while (fgets(line, sizeof line, stdin)) {
		long long n = strtoll(line, NULL, 10);

		printf("%lld|%s\n", n, order_no_valid(n) ? "t" : "f");
	}
	return 0;
}
