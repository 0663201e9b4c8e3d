#!/bin/bash
# oms export orders against psql's \copy of the same rows (issue 10).
#
#   bench/export.sh            (or `make bench`)
#
# On the bench's demo cluster (bench/lib.sh; OMS_BENCH_SCALE, default full:
# 1M orders), as the demo administrator:
#   - `oms export orders --quiet -o FILE` of every order to CSV, and psql
#     `\copy (SELECT <the same select list> FROM oms_api.export_orders e
#     ORDER BY e.placed_at, e.order_no) TO FILE CSV HEADER`: the same rows
#     and columns through the same view, ordered alike (psql's money stays
#     in minor units; oms writes decimals and neutralises text). Wall time
#     and peak RSS (GNU time's %M) of each client, OMS_BENCH_RUNS runs each
#     (default 3), interleaved; the medians and their ratio, the best run,
#     and the client's own CPU time (user, %U: what oms adds).
#   - `oms export orders --format xlsx --quiet -o FILE`: wall time and peak
#     RSS, once (OMS_BENCH_XLSX=0 skips it).
# Targets (specification): CSV within 1.25x of psql's \copy, peak RSS
# under 30 MB; XLSX: time and RSS reported.
# Both clients are on this machine with the server: on a machine with few
# cores the server's work (the same for both) dominates, and anything else
# running moves both figures.
set -u
. "$(dirname "$0")/lib.sh"

RUNS=${OMS_BENCH_RUNS:-3}
bench_demo_up
CI_ADMIN=$(echo "$BENCH_CI_CSR" | sed 's/user=demo_csr/user=demo_admin/')
# the demo cluster may predate the export views: `oms demo` migrated it
bench_su -c "SELECT 1 FROM pg_views WHERE schemaname = 'oms_api' AND viewname = 'export_orders'" |
	grep -q 1 || bench_die "no oms_api.export_orders: migrate the bench cluster"
ROWS=$(bench_su -c "SELECT count(*) FROM oms.orders")
echo "# export of $ROWS orders, $RUNS runs each (median)"

# the select list oms sends (export.c: the row type's columns, times to the
# second through to_json, as row_select_list writes them)
LIST="e.order_no, to_json(date_trunc('second', e.placed_at)) #>> '{}' AS placed_at, e.status,
	e.seller_id, e.seller_name, e.customer_id, e.customer_name, e.customer_email, e.currency,
	e.subtotal_minor, e.shipping_minor, e.total_minor, e.refunded_minor,
	to_json(date_trunc('second', e.confirmed_at)) #>> '{}' AS confirmed_at,
	to_json(date_trunc('second', e.shipped_at)) #>> '{}' AS shipped_at,
	to_json(date_trunc('second', e.delivered_at)) #>> '{}' AS delivered_at,
	to_json(date_trunc('second', e.cancelled_at)) #>> '{}' AS cancelled_at"
COPY="\\copy (SELECT $(echo "$LIST" | tr '\n\t' '  ') FROM oms_api.export_orders e ORDER BY e.placed_at, e.order_no) TO '$BENCH_TMP/psql.csv' CSV HEADER"

median() {	# median FILE COLUMN
	sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

rm -f "$BENCH_TMP"/oms.times "$BENCH_TMP"/psql.times
for i in $(seq 1 "$RUNS"); do
	rm -f "$BENCH_TMP/oms.csv" "$BENCH_TMP/psql.csv"
	/usr/bin/time -f '%e %M %U' -o "$BENCH_TMP/t" "$OMS" -d "$CI_ADMIN" export orders --quiet \
		-o "$BENCH_TMP/oms.csv" >/dev/null 2>"$BENCH_TMP/err" ||
		{ cat "$BENCH_TMP/err" >&2; bench_die "oms export failed"; }
	cat "$BENCH_TMP/t" >>"$BENCH_TMP/oms.times"
	/usr/bin/time -f '%e %M %U' -o "$BENCH_TMP/t" psql -X -q -v ON_ERROR_STOP=1 -d "$CI_ADMIN" \
		-c "$COPY" >/dev/null 2>"$BENCH_TMP/err" ||
		{ cat "$BENCH_TMP/err" >&2; bench_die "psql \\copy failed"; }
	cat "$BENCH_TMP/t" >>"$BENCH_TMP/psql.times"
done
n_oms=$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$BENCH_TMP/oms.csv") - 1))
n_psql=$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$BENCH_TMP/psql.csv") - 1))
[ "$n_oms" = "$ROWS" ] && [ "$n_psql" = "$ROWS" ] || bench_die "rows: oms $n_oms, psql $n_psql, orders $ROWS"
t_oms=$(median "$BENCH_TMP/oms.times" 1); m_oms=$(median "$BENCH_TMP/oms.times" 2)
t_psql=$(median "$BENCH_TMP/psql.times" 1); m_psql=$(median "$BENCH_TMP/psql.times" 2)
ratio=$(awk -v a="$t_oms" -v b="$t_psql" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
min() { sort -n -k"$2" "$1" | head -n 1 | awk -v c="$2" '{ print $c }'; }
printf '%-30s %8s %8s %8s %9s %9s\n' "" "rows" "median s" "best s" "client s" "peak RSS"
printf '%-30s %8s %8s %8s %9s %6s MB\n' "oms export orders (CSV)" "$n_oms" "$t_oms" \
	"$(min "$BENCH_TMP/oms.times" 1)" "$(median "$BENCH_TMP/oms.times" 3)" "$((m_oms / 1024))"
printf '%-30s %8s %8s %8s %9s %6s MB\n' "psql \\copy, same rows (CSV)" "$n_psql" "$t_psql" \
	"$(min "$BENCH_TMP/psql.times" 1)" "$(median "$BENCH_TMP/psql.times" 3)" "$((m_psql / 1024))"
echo "csv ratio oms/psql: $ratio (target <= 1.25); oms peak RSS $((m_oms / 1024)) MB (target < 30)"
echo "csv sizes: oms $(stat -c %s "$BENCH_TMP/oms.csv") bytes, psql $(stat -c %s "$BENCH_TMP/psql.csv") bytes"
echo "runs (s kB): oms $(tr '\n' ';' <"$BENCH_TMP/oms.times") psql $(tr '\n' ';' <"$BENCH_TMP/psql.times")"

if [ "${OMS_BENCH_XLSX:-1}" != 0 ]; then
	rm -f "$BENCH_TMP/oms.xlsx"
	TMPDIR=$BENCH_TMP /usr/bin/time -f '%e %M' -o "$BENCH_TMP/t" "$OMS" -d "$CI_ADMIN" export orders \
		--format xlsx --quiet -o "$BENCH_TMP/oms.xlsx" >/dev/null 2>"$BENCH_TMP/err" ||
		{ cat "$BENCH_TMP/err" >&2; bench_die "oms export --format xlsx failed"; }
	read -r t_x m_x <"$BENCH_TMP/t"
	printf '%-34s %8s %10s %7s MB  (%s bytes)\n' "oms export orders (XLSX)" "$ROWS" "$t_x" \
		"$((m_x / 1024))" "$(stat -c %s "$BENCH_TMP/oms.xlsx")"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
