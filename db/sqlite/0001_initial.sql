-- ShipRoom schema, SQLite. Times are unix milliseconds (INTEGER, UTC); booleans are 0/1; metric values that are
-- NaN or infinite are stored as NULL (SQLite cannot hold NaN) and read back as NaN, i.e. NO DATA.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    user_name           TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    password_hash       TEXT    NOT NULL,
    roles               TEXT    NOT NULL DEFAULT '',
    failed_sign_ins     INTEGER NOT NULL DEFAULT 0,
    locked_until_ms     INTEGER NULL,
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at_ms       INTEGER NOT NULL,
    last_sign_in_at_ms  INTEGER NULL
);
CREATE UNIQUE INDEX ux_users_user_name ON users (lower(user_name));

CREATE TABLE api_tokens (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    prefix           TEXT    NOT NULL UNIQUE,
    token_hash       TEXT    NOT NULL,
    roles            TEXT    NOT NULL DEFAULT '',
    created_by       TEXT    NOT NULL,
    created_at_ms    INTEGER NOT NULL,
    expires_at_ms    INTEGER NOT NULL,
    revoked_at_ms    INTEGER NULL,
    last_used_at_ms  INTEGER NULL
);

CREATE TABLE rollouts (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL,
    version_tag          TEXT    NOT NULL,
    commit_sha           TEXT    NOT NULL,
    plan_yaml            TEXT    NOT NULL,
    plan_hash            TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    phase_index          INTEGER NOT NULL DEFAULT 0,
    phase_started_at_ms  INTEGER NULL,
    t0_ms                INTEGER NULL,
    metric_source        TEXT    NOT NULL DEFAULT 'simulator',
    source_settings      TEXT    NOT NULL DEFAULT '{}',
    time_factor          REAL    NOT NULL DEFAULT 1,
    clock_origin_ms      INTEGER NULL,
    last_polled_to_ms    INTEGER NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    created_by           TEXT    NOT NULL,
    created_at_ms        INTEGER NOT NULL,
    updated_at_ms        INTEGER NOT NULL
);
CREATE INDEX ix_rollouts_status ON rollouts (status);

CREATE TABLE rollout_phases (
    rollout_id     INTEGER NOT NULL REFERENCES rollouts (id),
    phase_index    INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    traffic_share  REAL    NOT NULL,
    started_at_ms  INTEGER NULL,
    ended_at_ms    INTEGER NULL,
    outcome        TEXT    NULL,
    PRIMARY KEY (rollout_id, phase_index)
);

CREATE TABLE metric_samples (
    rollout_id      INTEGER NOT NULL REFERENCES rollouts (id),
    metric_key      TEXT    NOT NULL,
    cohort          TEXT    NOT NULL,
    journey         TEXT    NOT NULL DEFAULT '',
    sample_time_ms  INTEGER NOT NULL,
    value           REAL    NULL,
    PRIMARY KEY (rollout_id, metric_key, cohort, journey, sample_time_ms)
) WITHOUT ROWID;
CREATE INDEX ix_metric_samples_time ON metric_samples (rollout_id, sample_time_ms);

CREATE TABLE poll_runs (
    id              INTEGER PRIMARY KEY,
    rollout_id      INTEGER NOT NULL REFERENCES rollouts (id),
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER NULL,
    range_from_ms   INTEGER NOT NULL,
    range_to_ms     INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    samples         INTEGER NOT NULL DEFAULT 0,
    problems        TEXT    NULL
);
CREATE INDEX ix_poll_runs_rollout ON poll_runs (rollout_id, started_at_ms);

CREATE TABLE gate_results (
    id                INTEGER PRIMARY KEY,
    rollout_id        INTEGER NOT NULL REFERENCES rollouts (id),
    evaluated_at_ms   INTEGER NOT NULL,
    phase_index       INTEGER NOT NULL,
    gate_key          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    canary_value      REAL    NULL,
    control_value     REAL    NULL,
    detail            TEXT    NULL
);
CREATE INDEX ix_gate_results_rollout ON gate_results (rollout_id, evaluated_at_ms);

CREATE TABLE trigger_results (
    id                 INTEGER PRIMARY KEY,
    rollout_id         INTEGER NOT NULL REFERENCES rollouts (id),
    evaluated_at_ms    INTEGER NOT NULL,
    phase_index        INTEGER NOT NULL,
    trigger_key        TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    held_for_seconds   INTEGER NOT NULL DEFAULT 0,
    detail             TEXT    NULL
);
CREATE INDEX ix_trigger_results_rollout ON trigger_results (rollout_id, evaluated_at_ms);

CREATE TABLE decisions (
    id                   INTEGER PRIMARY KEY,
    rollout_id           INTEGER NOT NULL REFERENCES rollouts (id),
    kind                 TEXT    NOT NULL,
    actor                TEXT    NOT NULL,
    reason               TEXT    NULL,
    idempotency_key      TEXT    NOT NULL UNIQUE,
    requested_at_ms      INTEGER NOT NULL,
    executed_at_ms       INTEGER NULL,
    acknowledged_at_ms   INTEGER NULL,
    outcome              TEXT    NOT NULL,
    error                TEXT    NULL,
    from_status          TEXT    NULL,
    to_status            TEXT    NULL,
    detail               TEXT    NULL
);
CREATE INDEX ix_decisions_rollout ON decisions (rollout_id, requested_at_ms);

CREATE TABLE checklist_items (
    id                   INTEGER PRIMARY KEY,
    rollout_id           INTEGER NOT NULL REFERENCES rollouts (id),
    list_name            TEXT    NOT NULL,
    item_key             TEXT    NOT NULL,
    title                TEXT    NOT NULL,
    owner_role           TEXT    NOT NULL,
    due_offset_minutes   INTEGER NOT NULL,
    position             INTEGER NOT NULL,
    UNIQUE (rollout_id, item_key)
);

CREATE TABLE checklist_ticks (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES checklist_items (id),
    rollout_id  INTEGER NOT NULL REFERENCES rollouts (id),
    state       TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    reason      TEXT    NULL,
    at_ms       INTEGER NOT NULL
);
CREATE INDEX ix_checklist_ticks_item ON checklist_ticks (item_id, at_ms);

CREATE TABLE roster_entries (
    rollout_id          INTEGER NOT NULL REFERENCES rollouts (id),
    role                TEXT    NOT NULL,
    primary_name        TEXT    NULL,
    primary_contact     TEXT    NULL,
    primary_chat        TEXT    NULL,
    primary_time_zone   TEXT    NULL,
    backup_name         TEXT    NULL,
    backup_contact      TEXT    NULL,
    backup_chat         TEXT    NULL,
    backup_time_zone    TEXT    NULL,
    escalation_order    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (rollout_id, role)
);

CREATE TABLE phase_summaries (
    id               INTEGER PRIMARY KEY,
    rollout_id       INTEGER NOT NULL REFERENCES rollouts (id),
    phase_index      INTEGER NOT NULL,
    author           TEXT    NOT NULL,
    markdown         TEXT    NOT NULL,
    recommendation   TEXT    NOT NULL,
    kpi_snapshot     TEXT    NOT NULL,
    posted_at_ms     INTEGER NOT NULL
);
CREATE INDEX ix_phase_summaries_rollout ON phase_summaries (rollout_id, posted_at_ms);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    rollout_id      INTEGER NULL REFERENCES rollouts (id),
    event_key       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NULL,
    created_at_ms   INTEGER NOT NULL,
    sent_at_ms      INTEGER NULL,
    UNIQUE (event_key, channel)
);

CREATE TABLE probe_runs (
    id            INTEGER PRIMARY KEY,
    rollout_id    INTEGER NOT NULL REFERENCES rollouts (id),
    probe_name    TEXT    NOT NULL,
    ran_at_ms     INTEGER NOT NULL,
    passed        INTEGER NOT NULL,
    latency_ms    REAL    NULL,
    status_code   INTEGER NULL,
    reason        TEXT    NULL
);
CREATE INDEX ix_probe_runs_rollout ON probe_runs (rollout_id, ran_at_ms);

CREATE TABLE audit_log (
    sequence        INTEGER PRIMARY KEY,
    at_ms           INTEGER NOT NULL,
    actor           TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    rollout_id      INTEGER NULL,
    summary         TEXT    NOT NULL,
    before_value    TEXT    NULL,
    after_value     TEXT    NULL,
    reason          TEXT    NULL,
    previous_hash   TEXT    NOT NULL,
    hash            TEXT    NOT NULL
);
CREATE INDEX ix_audit_log_rollout ON audit_log (rollout_id, at_ms);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, at_ms);
CREATE INDEX ix_audit_log_kind ON audit_log (kind, at_ms);
