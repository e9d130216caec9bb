-- ScriptTask scheduler store, PostgreSQL 12+. ${prefix} is the configured table prefix.
-- Instants are NUMERIC(28, 0) epoch nanoseconds: exact for every java.time.Instant.
-- Identifiers use the "C" collation, so ids sort by code point (as the in-memory store sorts them).

CREATE TABLE IF NOT EXISTS ${prefix}schedule (
  id VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  state VARCHAR(16) NOT NULL,
  next_fire_time NUMERIC(28, 0),
  last_fire_time NUMERIC(28, 0),
  upstream_id VARCHAR(255) COLLATE "C",
  script_id VARCHAR(255) COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}schedule_due ON ${prefix}schedule (state, next_fire_time, id);
CREATE INDEX IF NOT EXISTS ${prefix}schedule_upstream ON ${prefix}schedule (upstream_id, id);
CREATE INDEX IF NOT EXISTS ${prefix}schedule_script ON ${prefix}schedule (script_id, id);

CREATE TABLE IF NOT EXISTS ${prefix}schedule_tag (
  schedule_id VARCHAR(255) COLLATE "C" NOT NULL,
  tag VARCHAR(255) COLLATE "C" NOT NULL,
  PRIMARY KEY (schedule_id, tag)
);
CREATE INDEX IF NOT EXISTS ${prefix}schedule_tag_tag ON ${prefix}schedule_tag (tag, schedule_id);

CREATE TABLE IF NOT EXISTS ${prefix}job (
  id VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  schedule_id VARCHAR(255) COLLATE "C",
  fire_schedule_id VARCHAR(300) COLLATE "C" NOT NULL,
  fire_time NUMERIC(28, 0) NOT NULL,
  node_id VARCHAR(255) COLLATE "C" NOT NULL,
  status VARCHAR(16) NOT NULL,
  pending SMALLINT NOT NULL,
  priority SMALLINT NOT NULL,
  ready_at NUMERIC(28, 0) NOT NULL,
  seq BIGINT NOT NULL,
  created_at NUMERIC(28, 0) NOT NULL,
  finished_at NUMERIC(28, 0),
  owner VARCHAR(255) COLLATE "C",
  fencing_token BIGINT NOT NULL,
  attempt INTEGER NOT NULL,
  version BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}job_fire_key ON ${prefix}job (fire_schedule_id, fire_time, node_id);
CREATE INDEX IF NOT EXISTS ${prefix}job_dispatch ON ${prefix}job (pending, priority, ready_at, seq, id);
CREATE INDEX IF NOT EXISTS ${prefix}job_sequence ON ${prefix}job (seq, id);
CREATE INDEX IF NOT EXISTS ${prefix}job_finished ON ${prefix}job (finished_at, seq, id);
CREATE INDEX IF NOT EXISTS ${prefix}job_last_finished ON ${prefix}job (schedule_id, node_id, finished_at, seq);
CREATE INDEX IF NOT EXISTS ${prefix}job_unfinished ON ${prefix}job (schedule_id, node_id, status, fire_time, seq);
CREATE INDEX IF NOT EXISTS ${prefix}job_status_node ON ${prefix}job (status, node_id);
CREATE INDEX IF NOT EXISTS ${prefix}job_status_schedule ON ${prefix}job (status, schedule_id);

CREATE TABLE IF NOT EXISTS ${prefix}running_group (
  group_id VARCHAR(255) COLLATE "C" NOT NULL,
  job_id VARCHAR(255) COLLATE "C" NOT NULL,
  PRIMARY KEY (group_id, job_id)
);
CREATE INDEX IF NOT EXISTS ${prefix}running_group_job ON ${prefix}running_group (job_id);

CREATE TABLE IF NOT EXISTS ${prefix}limit_lock (
  lock_key VARCHAR(300) COLLATE "C" NOT NULL PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS ${prefix}instance (
  id VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  started_at NUMERIC(28, 0) NOT NULL,
  heartbeat_at NUMERIC(28, 0) NOT NULL,
  lease_until NUMERIC(28, 0) NOT NULL
);

CREATE TABLE IF NOT EXISTS ${prefix}maintenance_window (
  id VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  doc TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ${prefix}script (
  id VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  doc TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ${prefix}variable (
  scope SMALLINT NOT NULL,
  scope_id VARCHAR(255) COLLATE "C" NOT NULL,
  name VARCHAR(255) COLLATE "C" NOT NULL,
  var_value TEXT NOT NULL,
  secret BOOLEAN NOT NULL,
  PRIMARY KEY (scope, scope_id, name)
);

CREATE SEQUENCE IF NOT EXISTS ${prefix}sequence START WITH 1 INCREMENT BY 1;
