/*
 * lib/schema.c - the store's schema as forward-only migrations.
 *
 * Migration n takes a database at version n-1 to version n; each runs in
 * its own transaction and records itself in schema_migrations.  A released
 * migration is never edited: changes go in a new one appended below.  The
 * text is the common SQL of SQLite and PostgreSQL with the type tokens of
 * db_schema_sql() (@ID@, @INT@, @REAL@, @BLOB@, @STRICT@).
 *
 * Ids are assigned by the store under the write lock (MAX(id) + 1), never
 * by AUTOINCREMENT or sequences, so an export re-imports with its ids on
 * either backend.  Times are UTC text "YYYY-MM-DDTHH:MM:SSZ".  Lists inside
 * a column (aliases, successors) are ';'-separated.
 */
#include "store/store_internal.h"

static const char m1[] =
    "CREATE TABLE schema_migrations ("
    " version @INT@ PRIMARY KEY,"
    " applied_at TEXT NOT NULL,"
    " description TEXT NOT NULL)@STRICT@;"

    /* The audit chain: every change, hash-linked (audit.c). */
    "CREATE TABLE audit_head ("
    " id @INT@ PRIMARY KEY CHECK (id = 1),"
    " seq @INT@ NOT NULL,"
    " hash TEXT NOT NULL)@STRICT@;"
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');"
    "CREATE TABLE audit ("
    " seq @ID@ PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " cycle TEXT NOT NULL DEFAULT '',"
    " unit TEXT NOT NULL DEFAULT '',"
    " object TEXT NOT NULL,"
    " before_json TEXT,"
    " after_json TEXT,"
    " prev TEXT NOT NULL,"
    " hash TEXT NOT NULL)@STRICT@;"

    "CREATE TABLE users ("
    " id @ID@ PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " display_name TEXT NOT NULL DEFAULT '',"
    " password_hash TEXT,"
    " disabled @INT@ NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL)@STRICT@;"
    "CREATE TABLE user_roles ("
    " user_id @INT@ NOT NULL REFERENCES users(id),"
    " role TEXT NOT NULL CHECK (role IN"
    "  ('admin', 'owner', 'reviewer', 'editor', 'viewer')),"
    " unit_id TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (user_id, role, unit_id))@STRICT@;"
    "CREATE TABLE tokens ("
    " id @ID@ PRIMARY KEY,"
    " user_id @INT@ NOT NULL REFERENCES users(id),"
    " label TEXT NOT NULL,"
    " hash TEXT NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL,"
    " revoked_at TEXT,"
    " UNIQUE (user_id, label))@STRICT@;"

    "CREATE TABLE unit_groups ("
    " id TEXT PRIMARY KEY,"
    " name_vi TEXT NOT NULL DEFAULT '',"
    " name_en TEXT NOT NULL DEFAULT '')@STRICT@;"
    "CREATE TABLE units ("
    " id TEXT PRIMARY KEY,"
    " code TEXT NOT NULL,"
    " name_vi TEXT NOT NULL,"
    " name_ascii TEXT NOT NULL DEFAULT '',"
    " aliases TEXT NOT NULL DEFAULT '',"
    " level TEXT NOT NULL,"
    " group_id TEXT NOT NULL DEFAULT '',"
    " valid_from TEXT NOT NULL DEFAULT '',"
    " valid_to TEXT NOT NULL DEFAULT '',"
    " successors TEXT NOT NULL DEFAULT '',"
    " population @REAL@)@STRICT@;"

    "CREATE TABLE frameworks ("
    " sha TEXT PRIMARY KEY,"
    " fw_id TEXT NOT NULL,"
    " version TEXT NOT NULL,"
    " year @INT@,"
    " level TEXT NOT NULL DEFAULT '',"
    " name TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL,"
    " added_at TEXT NOT NULL,"
    " added_by TEXT NOT NULL,"
    " UNIQUE (fw_id, version))@STRICT@;"

    "CREATE TABLE cycles ("
    " id @ID@ PRIMARY KEY,"
    " label TEXT NOT NULL UNIQUE,"
    " year @INT@ NOT NULL,"
    " level TEXT NOT NULL,"
    " framework_sha TEXT NOT NULL REFERENCES frameworks(sha),"
    " ref_date TEXT NOT NULL,"
    " submit_deadline TEXT NOT NULL DEFAULT '',"
    " review_deadline TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '',"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('draft', 'open', 'review', 'closed', 'published')),"
    " version @INT@ NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL)@STRICT@;"

    "CREATE TABLE submissions ("
    " id @ID@ PRIMARY KEY,"
    " cycle_id @INT@ NOT NULL REFERENCES cycles(id),"
    " unit_id TEXT NOT NULL REFERENCES units(id),"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('draft', 'submitted', 'returned', 'approved', 'excluded')),"
    " version @INT@ NOT NULL,"
    " return_comment TEXT NOT NULL DEFAULT '',"
    " exclude_reason TEXT NOT NULL DEFAULT '',"
    " submitted_at TEXT NOT NULL DEFAULT '',"
    " updated_at TEXT NOT NULL,"
    " updated_by TEXT NOT NULL,"
    " UNIQUE (cycle_id, unit_id))@STRICT@;"
    "CREATE TABLE figures ("
    " submission_id @INT@ NOT NULL REFERENCES submissions(id),"
    " indicator TEXT NOT NULL,"
    " value @REAL@,"
    " self_points @REAL@,"
    " comment TEXT NOT NULL DEFAULT '',"
    " reviewed_value @REAL@,"
    " review_reason TEXT NOT NULL DEFAULT '',"
    " reviewed_by TEXT NOT NULL DEFAULT '',"
    " updated_at TEXT NOT NULL,"
    " updated_by TEXT NOT NULL,"
    " PRIMARY KEY (submission_id, indicator))@STRICT@;"

    "CREATE TABLE blobs ("
    " sha TEXT PRIMARY KEY,"
    " size @INT@ NOT NULL,"
    " media_type TEXT NOT NULL,"
    " data @BLOB@ NOT NULL)@STRICT@;"
    "CREATE TABLE evidence ("
    " id @ID@ PRIMARY KEY,"
    " submission_id @INT@ NOT NULL REFERENCES submissions(id),"
    " indicator TEXT NOT NULL DEFAULT '',"
    " doc_number TEXT NOT NULL DEFAULT '',"
    " doc_date TEXT NOT NULL DEFAULT '',"
    " issuer TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '',"
    " link TEXT NOT NULL DEFAULT '',"
    " blob_sha TEXT REFERENCES blobs(sha),"
    " filename TEXT NOT NULL DEFAULT '',"
    " added_at TEXT NOT NULL,"
    " added_by TEXT NOT NULL)@STRICT@;"

    "CREATE TABLE results ("
    " id @ID@ PRIMARY KEY,"
    " cycle_id @INT@ NOT NULL REFERENCES cycles(id),"
    " computed_at TEXT NOT NULL,"
    " computed_by TEXT NOT NULL,"
    " framework_sha TEXT NOT NULL,"
    " data_hash TEXT NOT NULL,"
    " program_version TEXT NOT NULL,"
    " body TEXT NOT NULL)@STRICT@;"
    "CREATE TABLE snapshots ("
    " cycle_id @INT@ PRIMARY KEY REFERENCES cycles(id),"
    " result_id @INT@ NOT NULL REFERENCES results(id),"
    " published_at TEXT NOT NULL,"
    " published_by TEXT NOT NULL,"
    " audit_seq @INT@ NOT NULL,"
    " audit_hash TEXT NOT NULL,"
    " sha TEXT NOT NULL)@STRICT@;";

/* Look-ups of the audit log's filters and of a cycle's rows. */
static const char m2[] =
    "CREATE INDEX audit_by_unit ON audit (unit, seq);"
    "CREATE INDEX audit_by_actor ON audit (actor, seq);"
    "CREATE INDEX audit_by_cycle ON audit (cycle, seq);"
    "CREATE INDEX evidence_by_submission ON evidence (submission_id);"
    "CREATE INDEX results_by_cycle ON results (cycle_id, id);"
    "CREATE INDEX user_roles_by_unit ON user_roles (unit_id);";

/*
 * Signed checkpoints and partial publications (checkpoint.c,
 * publication.c): the store's Ed25519 key pair (one row; its public key
 * is also recorded in the audit log by a store.key event), and on each
 * snapshot whether it was published as partial and its signed
 * checkpoint (JSON).
 */
static const char m3[] =
    "CREATE TABLE signing_key ("
    " id @INT@ PRIMARY KEY CHECK (id = 1),"
    " public_key TEXT NOT NULL,"
    " secret_key TEXT NOT NULL,"
    " created_at TEXT NOT NULL)@STRICT@;"
    "ALTER TABLE snapshots ADD COLUMN partial @INT@ NOT NULL DEFAULT 0;"
    "ALTER TABLE snapshots ADD COLUMN checkpoint TEXT;";

/*
 * The store's settings, key by key.  `clock`: "system" (the default) or
 * "fixed" (a fixed time such as DTI_NOW is honoured).  Only an admin
 * changes a setting, and each change is an audit event (store.setting).
 */
static const char m4[] =
    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL)@STRICT@;"
    "INSERT INTO settings (key, value) VALUES ('clock', 'system');";

/*
 * PostgreSQL checks a foreign key row by row (a query per row), which is
 * most of the time of a bulk COPY of figures.  There the link of figures
 * to their submission is checked once per statement instead, over all the
 * rows the statement wrote (transition tables), and a submission that
 * still has figures cannot be deleted or renumbered.  SQLite keeps the
 * declared key; the rows allowed are the same on both.
 */
static const char m5[] = "";
static const char m5_pg[] =
    "ALTER TABLE figures DROP CONSTRAINT figures_submission_id_fkey;"
    "CREATE FUNCTION dti_figures_link() RETURNS trigger LANGUAGE plpgsql "
    "AS $f$ BEGIN"
    " IF EXISTS (SELECT 1 FROM dti_new_figures n WHERE NOT EXISTS"
    "  (SELECT 1 FROM submissions s WHERE s.id = n.submission_id)) THEN"
    "  RAISE EXCEPTION 'insert or update on table \"figures\" violates "
    "its link to table \"submissions\"'"
    "   USING ERRCODE = 'foreign_key_violation';"
    " END IF;"
    " RETURN NULL;"
    " END $f$;"
    "CREATE TRIGGER figures_link_insert AFTER INSERT ON figures"
    " REFERENCING NEW TABLE AS dti_new_figures"
    " FOR EACH STATEMENT EXECUTE FUNCTION dti_figures_link();"
    "CREATE TRIGGER figures_link_update AFTER UPDATE ON figures"
    " REFERENCING NEW TABLE AS dti_new_figures"
    " FOR EACH STATEMENT EXECUTE FUNCTION dti_figures_link();"
    "CREATE FUNCTION dti_submissions_link() RETURNS trigger LANGUAGE "
    "plpgsql AS $f$ BEGIN"
    " IF EXISTS (SELECT 1 FROM dti_old_submissions o JOIN figures f ON"
    "  f.submission_id = o.id WHERE NOT EXISTS"
    "  (SELECT 1 FROM submissions s WHERE s.id = o.id)) THEN"
    "  RAISE EXCEPTION 'delete on table \"submissions\" violates the "
    "link from table \"figures\"'"
    "   USING ERRCODE = 'foreign_key_violation';"
    " END IF;"
    " RETURN NULL;"
    " END $f$;"
    "CREATE TRIGGER submissions_link_delete AFTER DELETE ON submissions"
    " REFERENCING OLD TABLE AS dti_old_submissions"
    " FOR EACH STATEMENT EXECUTE FUNCTION dti_submissions_link();"
    /* a renumbered submission, checked only for rows whose id changes
     * (every edit updates its submission's version) */
    "CREATE FUNCTION dti_submission_renumbered() RETURNS trigger LANGUAGE "
    "plpgsql AS $f$ BEGIN"
    " IF EXISTS (SELECT 1 FROM figures WHERE submission_id = OLD.id) THEN"
    "  RAISE EXCEPTION 'update on table \"submissions\" violates the "
    "link from table \"figures\"'"
    "   USING ERRCODE = 'foreign_key_violation';"
    " END IF;"
    " RETURN NEW;"
    " END $f$;"
    "CREATE TRIGGER submissions_link_update BEFORE UPDATE OF id ON "
    "submissions FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)"
    " EXECUTE FUNCTION dti_submission_renumbered()";

/*
 * Notices (notices.c): users' e-mail addresses (each change an audit
 * event user.email), and two operational tables that are not audited,
 * because they record what a user saw and what the mailer did, not a
 * decision of the workflow: the notices a user marked read, and the
 * notices handed to the mailer (state 'sending' while it sends, 'sent'
 * once it said so; a notice with a row is never handed again).  Notices
 * themselves are not stored: they are derived from the audit log and the
 * cycles.  The index finds the events that make notices.
 */
static const char m6[] =
    "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE notice_reads ("
    " user_id @INT@ NOT NULL REFERENCES users(id),"
    " notice_key TEXT NOT NULL,"
    " read_at TEXT NOT NULL,"
    " PRIMARY KEY (user_id, notice_key))@STRICT@;"
    "CREATE TABLE notice_mail ("
    " user_id @INT@ NOT NULL REFERENCES users(id),"
    " notice_key TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),"
    " claimed_at TEXT NOT NULL,"
    " sent_at TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (user_id, notice_key))@STRICT@;"
    "CREATE INDEX audit_by_action ON audit (action, seq);";

/*
 * Targets (targets.c): a unit's goals by a year, each set and removed
 * with an audit event (target.add, target.remove) that replay checks.
 * kind 'rank' is op '<=' (rank N or better), 'value' op '>='; an
 * 'indicator' takes either.  node is a node code; baseline_cycle_id the
 * cycle the trend starts from, or NULL.
 */
static const char m7[] =
    "CREATE TABLE targets ("
    " id @ID@ PRIMARY KEY,"
    " unit_id TEXT NOT NULL REFERENCES units(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('rank', 'value', 'indicator')),"
    " node TEXT NOT NULL,"
    " op TEXT NOT NULL CHECK (op IN ('>=', '<=')),"
    " threshold @REAL@ NOT NULL,"
    " by_year @INT@ NOT NULL,"
    " baseline_cycle_id @INT@ REFERENCES cycles(id),"
    " note TEXT NOT NULL DEFAULT '',"
    " set_by TEXT NOT NULL,"
    " set_at TEXT NOT NULL,"
    " UNIQUE (unit_id, kind, node, op, by_year))@STRICT@;";

const struct store_migration store_migrations[] = {
    {1, "tables of units, frameworks, users, workflow, results, audit", m1},
    {2, "indexes for the audit log filters and cycle look-ups", m2},
    {3, "signing key, signed checkpoints and partial snapshots", m3},
    {4, "settings: the store's clock", m4},
    {5, "PostgreSQL: figures linked to submissions, checked per statement", m5,
     m5_pg},
    {6, "notices: users' e-mail, notices read, notices mailed", m6},
    {7, "targets: a unit's goals by a year", m7},
};
const size_t store_nmigrations =
    sizeof store_migrations / sizeof store_migrations[0];

/*
 * Tables in dependency order (parents first): export writes them in this
 * order, import loads them in it, and each one's key orders its rows.
 */
const struct store_table store_tables[] = {
    {"schema_migrations", "version"},
    {"settings", "key"},
    {"audit_head", "id"},
    {"audit", "seq"},
    {"signing_key", "id"},
    {"users", "id"},
    {"user_roles", "user_id, role, unit_id"},
    {"tokens", "id"},
    {"unit_groups", "id"},
    {"units", "id"},
    {"frameworks", "sha"},
    {"cycles", "id"},
    {"submissions", "id"},
    {"figures", "submission_id, indicator"},
    {"blobs", "sha"},
    {"evidence", "id"},
    {"results", "id"},
    {"snapshots", "cycle_id"},
    {"targets", "id"},
    {"notice_reads", "user_id, notice_key"},
    {"notice_mail", "user_id, notice_key"},
};
const size_t store_ntables = sizeof store_tables / sizeof store_tables[0];
