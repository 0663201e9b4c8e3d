#include "config.h"

/* The packing slip laid out as plain text (packing.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/packing.h"

static const char *
str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* s with control characters as '?', at most width bytes (then "...");
 * width 0: all of it. */
static void
put_field(FILE *f, const char *s, int width)
{
	int n = 0;

	for (; s && *s; s++, n++) {
		if (width && n >= width - 3 && strlen(s) > 3) {
			fputs("...", f);
			return;
		}
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	}
}

char *
packing_slip_text(const char *json, size_t *len)
{
	static const char *const addr[] = { "name", "line1", "line2", "city", "region", "postal_code", "country" };
	json_error_t jerr;
	json_t *doc = json ? json_loads(json, 0, &jerr) : NULL, *to, *lines, *l;
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f;

	if (!json_is_object(doc) || !json_is_integer(json_object_get(doc, "order_no"))) {
		json_decref(doc);
		return NULL;
	}
	if (!(f = open_memstream(&buf, &size))) {
		json_decref(doc);
		return NULL;
	}
	to = json_object_get(doc, "ship_to");
	lines = json_object_get(doc, "lines");
	fprintf(f, "PACKING SLIP                                   ORDER %lld\n",
		(long long)json_integer_value(json_object_get(doc, "order_no")));
	fputs("From: ", f);
	put_field(f, str(doc, "seller"), 60);
	fputs("\n\nShip to:\n", f);
	for (i = 0; i < sizeof addr / sizeof addr[0]; i++) {
		const char *v = str(to, addr[i]);

		if (!v || !*v)
			continue;
		fputs("  ", f);
		put_field(f, v, 70);
		fputc('\n', f);
	}
	fprintf(f, "\n%5s  %-16s  %s\n", "QTY", "SKU", "ITEM");
	json_array_foreach(lines, i, l) {
		const char *sku = str(l, "sku");

		fprintf(f, "%5lld  ", (long long)json_integer_value(json_object_get(l, "qty")));
		put_field(f, sku, 16);
		for (int pad = (int)strlen(sku ? sku : ""); pad < 16; pad++)
			fputc(' ', f);
		fputs("  ", f);
		put_field(f, str(l, "name"), 50);
		fputc('\n', f);
	}
	json_decref(doc);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = size;
	return buf;
}
