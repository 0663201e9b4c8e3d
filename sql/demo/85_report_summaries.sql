-- Demo data, step 8.5: the report summaries (sql/0020). The generator
-- loads with triggers off, so the fact and summary rows are computed once
-- here from what was loaded (oms.report_rebuild); from now on the triggers
-- keep them current.

SET client_min_messages = warning;
SELECT oms.report_rebuild();
