-- Partial job indexes, PostgreSQL. ${prefix} is the configured table prefix.
-- A job row is written three times in its life: inserted, claimed, finished. Every write that is
-- not a HOT update inserts an entry into each of the job table's indexes. Most of those indexes
-- serve queries about one phase of a job only (ready to dispatch, running, unfinished, finished),
-- so here each holds only the rows of its phase: a claim and a result then touch 6 and 5 indexes
-- instead of 9 each, and the indexes stay as small as the work they find.
-- The queries of JdbcSchedulerStore name these predicates literally, so the planner uses them.

DROP INDEX IF EXISTS ${prefix}job_dispatch;
CREATE INDEX IF NOT EXISTS ${prefix}job_dispatch ON ${prefix}job (priority, ready_at, seq, id) WHERE pending = 1;

DROP INDEX IF EXISTS ${prefix}job_finished;
CREATE INDEX IF NOT EXISTS ${prefix}job_finished ON ${prefix}job (finished_at, seq, id) WHERE finished_at IS NOT NULL;

DROP INDEX IF EXISTS ${prefix}job_last_finished;
CREATE INDEX IF NOT EXISTS ${prefix}job_last_finished ON ${prefix}job (schedule_id, node_id, finished_at, seq) WHERE finished_at IS NOT NULL;

DROP INDEX IF EXISTS ${prefix}job_unfinished;
CREATE INDEX IF NOT EXISTS ${prefix}job_unfinished ON ${prefix}job (schedule_id, node_id, status, fire_time, seq) WHERE status IN ('QUEUED', 'WAITING', 'RUNNING');

DROP INDEX IF EXISTS ${prefix}job_status_node;
CREATE INDEX IF NOT EXISTS ${prefix}job_running_node ON ${prefix}job (node_id) WHERE status = 'RUNNING';

DROP INDEX IF EXISTS ${prefix}job_status_schedule;
CREATE INDEX IF NOT EXISTS ${prefix}job_running_schedule ON ${prefix}job (schedule_id) WHERE status = 'RUNNING';
