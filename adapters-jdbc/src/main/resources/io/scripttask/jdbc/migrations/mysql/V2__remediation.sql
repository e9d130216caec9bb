-- ScriptTask remediation store, MySQL 8.0+. ${prefix} is the configured table prefix.
-- Instants are DECIMAL(28, 0) epoch nanoseconds: exact for every java.time.Instant.
-- Flags (active, admitted) are SMALLINT 0/1, so every database indexes them alike.
-- Tables use utf8mb4_bin, so ids compare case-sensitively and sort by code point.
-- Indexes are declared inside CREATE TABLE IF NOT EXISTS, so that each table is created whole
-- or not at all (the server commits every DDL statement on its own).

CREATE TABLE IF NOT EXISTS ${prefix}rem_workflow (
  id VARCHAR(255) NOT NULL,
  revision BIGINT NOT NULL,
  wf_version VARCHAR(255) NOT NULL,
  enabled SMALLINT NOT NULL,
  updated_at DECIMAL(28, 0) NOT NULL,
  actor LONGTEXT,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}rem_workflow_version (
  workflow_id VARCHAR(255) NOT NULL,
  wf_version VARCHAR(255) NOT NULL,
  enabled SMALLINT NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (workflow_id, wf_version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}rem_execution (
  id VARCHAR(255) NOT NULL,
  seq BIGINT NOT NULL AUTO_INCREMENT,
  workflow_id VARCHAR(255) NOT NULL,
  node_id VARCHAR(255) NOT NULL,
  status VARCHAR(16) NOT NULL,
  admitted SMALLINT NOT NULL,
  active SMALLINT NOT NULL,
  created_at DECIMAL(28, 0) NOT NULL,
  finished_at DECIMAL(28, 0),
  owner VARCHAR(255),
  lease_until DECIMAL(28, 0),
  fencing_token BIGINT NOT NULL,
  version BIGINT NOT NULL,
  records INTEGER NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE INDEX ${prefix}rem_exec_seq (seq),
  INDEX ${prefix}rem_exec_dedup (workflow_id, node_id, active),
  INDEX ${prefix}rem_exec_cooldown (workflow_id, node_id, admitted, finished_at),
  INDEX ${prefix}rem_exec_rate (workflow_id, admitted, created_at),
  INDEX ${prefix}rem_exec_wf_active (active, workflow_id),
  INDEX ${prefix}rem_exec_node_active (active, node_id),
  INDEX ${prefix}rem_exec_resume (active, owner, lease_until),
  INDEX ${prefix}rem_exec_active_seq (active, seq),
  INDEX ${prefix}rem_exec_finished (active, finished_at, seq),
  INDEX ${prefix}rem_exec_workflow (workflow_id, seq),
  INDEX ${prefix}rem_exec_node (node_id, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}rem_attempt (
  execution_id VARCHAR(255) NOT NULL,
  seq INTEGER NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (execution_id, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}rem_signal (
  id BIGINT NOT NULL AUTO_INCREMENT,
  execution_id VARCHAR(255) NOT NULL,
  doc LONGTEXT NOT NULL,
  PRIMARY KEY (id),
  INDEX ${prefix}rem_signal_execution (execution_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}rem_admission_lock (
  workflow_id VARCHAR(255) NOT NULL,
  PRIMARY KEY (workflow_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
