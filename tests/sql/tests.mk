## fragment: tests/sql — pgTAP files (one merged TAP stream) and the
## concurrent-cancellation test, both against a throwaway cluster.
TESTS += tests/sql/pgtap.test tests/sql/concurrency.test tests/sql/stuck_concurrency.test tests/sql/session_limits.test
EXTRA_DIST += tests/sql/pgtap.test tests/sql/concurrency.test tests/sql/stuck_concurrency.test tests/sql/session_limits.test \
	tests/sql/migrate.sh \
	tests/sql/fixture.psql \
	tests/sql/analyst_views.sql \
	tests/sql/api_approvals.sql \
	tests/sql/api_cancel_eligibility.sql \
	tests/sql/api_cards.sql \
	tests/sql/api_customer_orders.sql \
	tests/sql/api_damm.sql \
	tests/sql/api_lookup.sql \
	tests/sql/api_lookup_name_bounds.sql \
	tests/sql/api_read_plan_cache.sql \
	tests/sql/api_not_found.sql \
	tests/sql/api_outbox.sql \
	tests/sql/api_tracking_refresh.sql \
	tests/sql/api_worker_support.sql \
	tests/sql/audit.sql \
	tests/sql/br_001_min_items.sql \
	tests/sql/br_002_max_items.sql \
	tests/sql/br_003_total_positive.sql \
	tests/sql/br_004_customer_exists.sql \
	tests/sql/br_005_item_active.sql \
	tests/sql/br_010_new_pending.sql \
	tests/sql/br_011_payment_confirm.sql \
	tests/sql/br_011_payment_retry.sql \
	tests/sql/br_012_tracking.sql \
	tests/sql/br_013_delivery.sql \
	tests/sql/br_014_cancellable_states.sql \
	tests/sql/br_015_cancelled_terminal.sql \
	tests/sql/br_021_who_cancels.sql \
	tests/sql/br_022_shipped_refused.sql \
	tests/sql/br_023_reason_required.sql \
	tests/sql/br_024_refund_on_cancel.sql \
	tests/sql/cancel_lines.sql \
	tests/sql/cancel_lines_preview.sql \
	tests/sql/cancel_window.sql \
	tests/sql/check_digit.sql \
	tests/sql/currency.sql \
	tests/sql/jobs.sql \
	tests/sql/reason_retire.sql \
	tests/sql/reason_restore.sql \
	tests/sql/rls.sql \
	tests/sql/role_matrix.sql \
	tests/sql/mail_identity.sql \
	tests/sql/audit_actor.sql \
	tests/sql/br_011_payment_binding.sql \
	tests/sql/br_025_window_clock.sql \
	tests/sql/br_029_four_eyes.sql \
	tests/sql/cancel_settles_refunds.sql \
	tests/sql/fulfilment_leaks.sql \
	tests/sql/refund_request_key.sql \
	tests/sql/refund_result_facts.sql \
	tests/sql/refund_gateway.sql \
	tests/sql/rule_limits.sql \
	tests/sql/staff_deactivated.sql \
	tests/sql/worker_lock_timeout.sql \
	tests/sql/refusal_detail.sql \
	tests/sql/worker_reads.sql \
	tests/sql/stuck_shipments.sql \
	tests/sql/br_012_carrier_patterns.sql \
	tests/sql/carrier_scans.sql \
	tests/sql/carrier_service_levels.sql \
	tests/sql/carrier_estimate.sql \
	tests/sql/carrier_labels.sql \
	tests/sql/carrier_handling_days.sql \
	tests/sql/carrier_lost_returns.sql \
	tests/sql/carrier_checkout_service.sql \
	tests/sql/summary_exact.sql
# The race tests (issue 8): every race at READ COMMITTED, REPEATABLE READ
# and SERIALIZABLE.
TESTS += tests/sql/race_refund_ledger.test tests/sql/race_cancel_refund.test tests/sql/race_line_cancel.test \
	tests/sql/race_window_clock.test tests/sql/race_payment_binding.test
EXTRA_DIST += tests/sql/race_lib.sh tests/sql/race_refund_ledger.test tests/sql/race_cancel_refund.test \
	tests/sql/race_line_cancel.test tests/sql/race_window_clock.test tests/sql/race_payment_binding.test
# Issue 10: the reports against independent SQL on the demo data, and the
# summaries under concurrent writers at every isolation level.
TESTS += tests/sql/report_numbers.test tests/sql/race_summary.test
EXTRA_DIST += tests/sql/report_numbers.test tests/sql/report_numbers.psql tests/sql/report_roles.sql \
	tests/sql/race_summary.test tests/sql/report_heartbeat.sql
# Issue 12: the money paths against the worker's late word from the gateway,
# at every isolation level.
TESTS += tests/sql/race_refund_outcome.test tests/sql/race_payment_capture.test
EXTRA_DIST += tests/sql/race_refund_outcome.test tests/sql/race_payment_capture.test \
	tests/sql/payment_capture_claim.sql
