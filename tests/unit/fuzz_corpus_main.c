/* Runs a libFuzzer target's entry function over its corpus
 * ($OMS_SRCDIR/tests/fuzz/corpus/FUZZ_CORPUS) plus some generated hostile
 * inputs, so `make check` exercises the fuzz targets without clang. */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
test_corpus(void **state)
{
	const char *src = getenv("OMS_SRCDIR");
	char dir[4096], path[8192];
	DIR *d;
	struct dirent *e;
	int n = 0;
	(void)state;

	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_CORPUS);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		FILE *f;
		uint8_t *buf;
		long len;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = malloc((size_t)len + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		free(buf);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

static void
test_random(void **state)
{
	/* Deterministic noise: every length up to 300, random bytes with
	 * the syntax characters over-represented. */
	static const char alphabet[] = "{}[]\":,\\ \r\n=\0aZ09_{{}}*";
	uint64_t x = 0x9E3779B97F4A7C15u;
	uint8_t buf[300];
	(void)state;
	for (size_t len = 0; len < sizeof buf; len++) {
		for (int round = 0; round < 8; round++) {
			for (size_t i = 0; i < len; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				buf[i] = (x & 1) ? (uint8_t)(x >> 8) : (uint8_t)alphabet[(x >> 8) % (sizeof alphabet - 1)];
			}
			LLVMFuzzerTestOneInput(buf, len);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
