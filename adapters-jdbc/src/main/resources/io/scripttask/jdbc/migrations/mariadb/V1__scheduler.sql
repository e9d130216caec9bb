-- ScriptTask scheduler store, MariaDB 10.6+. ${prefix} is the configured table prefix.
-- Instants are DECIMAL(28, 0) epoch nanoseconds: exact for every java.time.Instant.
-- Tables use utf8mb4_bin, so ids compare case-sensitively and sort by code point.
-- Indexes are declared inside CREATE TABLE IF NOT EXISTS, so that each table is created whole
-- or not at all (MariaDB commits every DDL statement on its own).

CREATE TABLE IF NOT EXISTS ${prefix}schedule (
  id VARCHAR(255) NOT NULL,
  state VARCHAR(16) NOT NULL,
  next_fire_time DECIMAL(28, 0),
  last_fire_time DECIMAL(28, 0),
  upstream_id VARCHAR(255),
  script_id VARCHAR(255) NOT NULL,
  version BIGINT NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id),
  INDEX ${prefix}schedule_due (state, next_fire_time, id),
  INDEX ${prefix}schedule_upstream (upstream_id, id),
  INDEX ${prefix}schedule_script (script_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}schedule_tag (
  schedule_id VARCHAR(255) NOT NULL,
  tag VARCHAR(255) NOT NULL,
  PRIMARY KEY (schedule_id, tag),
  INDEX ${prefix}schedule_tag_tag (tag, schedule_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}job (
  id VARCHAR(255) NOT NULL,
  schedule_id VARCHAR(255),
  fire_schedule_id VARCHAR(300) NOT NULL,
  fire_time DECIMAL(28, 0) NOT NULL,
  node_id VARCHAR(255) NOT NULL,
  status VARCHAR(16) NOT NULL,
  pending SMALLINT NOT NULL,
  priority SMALLINT NOT NULL,
  ready_at DECIMAL(28, 0) NOT NULL,
  seq BIGINT NOT NULL,
  created_at DECIMAL(28, 0) NOT NULL,
  finished_at DECIMAL(28, 0),
  owner VARCHAR(255),
  fencing_token BIGINT NOT NULL,
  attempt INTEGER NOT NULL,
  version BIGINT NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE INDEX ${prefix}job_fire_key (fire_schedule_id, fire_time, node_id),
  INDEX ${prefix}job_dispatch (pending, priority, ready_at, seq, id),
  INDEX ${prefix}job_sequence (seq, id),
  INDEX ${prefix}job_finished (finished_at, seq, id),
  INDEX ${prefix}job_last_finished (schedule_id, node_id, finished_at, seq),
  INDEX ${prefix}job_unfinished (schedule_id, node_id, status, fire_time, seq),
  INDEX ${prefix}job_status_node (status, node_id),
  INDEX ${prefix}job_status_schedule (status, schedule_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}running_group (
  group_id VARCHAR(255) NOT NULL,
  job_id VARCHAR(255) NOT NULL,
  PRIMARY KEY (group_id, job_id),
  INDEX ${prefix}running_group_job (job_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}limit_lock (
  lock_key VARCHAR(300) NOT NULL,
  PRIMARY KEY (lock_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}instance (
  id VARCHAR(255) NOT NULL,
  started_at DECIMAL(28, 0) NOT NULL,
  heartbeat_at DECIMAL(28, 0) NOT NULL,
  lease_until DECIMAL(28, 0) NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}maintenance_window (
  id VARCHAR(255) NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}script (
  id VARCHAR(255) NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}variable (
  scope SMALLINT NOT NULL,
  scope_id VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  var_value LONGTEXT NOT NULL,
  secret BOOLEAN NOT NULL,
  PRIMARY KEY (scope, scope_id, name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- non-transactional and cached server-wide, so values stay increasing across connections
CREATE SEQUENCE IF NOT EXISTS ${prefix}sequence START WITH 1 INCREMENT BY 1 CACHE 1000;
