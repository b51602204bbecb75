/*
 * lib/store/export.c - backup, export and import of a store.
 *
 * Backup copies an SQLite store page by page with SQLite's online backup
 * API, into a temporary file of the target's directory that is linked into
 * place only when complete: a failure leaves nothing behind, and an
 * existing file is never replaced.
 *
 * Export writes the whole store as NDJSON from one read snapshot: a header
 * line, then one line per row, tables in the dependency order of
 * store_tables[] and rows in each table's key order, then a trailer line
 * with the rows of each table and the SHA-256 of every byte before it
 * (doc/store.md).  Only an owner or an admin exports (anyone while the
 * store has no user); password and token hashes are left out unless an
 * admin asks for them.  Values are typed by
 * the columns' declared types (read from the catalogue), not by what a
 * backend hands back, and text keys are ordered bytewise on both backends,
 * so the same content gives the same bytes from SQLite and PostgreSQL: an
 * export moves a store between backends, and comparing two exports
 * compares two stores.
 *
 * Import loads an export into a freshly initialised store in one write
 * transaction, with multi-row INSERTs prepared once per table and reused
 * (a row at a time again when the database refuses a batch, to name the
 * line at fault).  The trailer is read and the digest checked before
 * anything is locked, so an export cut short or edited is refused
 * whole; the rows per table are compared with the trailer's after
 * loading.  jansson parses each line.  The audit chain is
 * recomputed while the rows stream in, and the head and the snapshots'
 * recorded heads are checked before the commit, so a tampered or
 * truncated export is refused with the line at fault and leaves the store
 * as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"

#define EXPORT_FORMAT 2
#define MAX_COLS      64
#define COL_NAME_MAX  64
#define FLUSH_AT      ((size_t)1 << 20)
#define MAX_TABLES    64

struct column {
	char name[COL_NAME_MAX];
	enum db_type type; /* DB_INT, DB_REAL, DB_TEXT or DB_BLOB */
};

struct table_cols {
	const struct store_table *t;
	struct column col[MAX_COLS];
	int n;
};

/* ---- backup ---------------------------------------------------------- */

/* Makes a rename or link durable. */
static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash)
		dti_snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		dti_snprintf(dir, sizeof dir, "/");
	else
		dti_snprintf(dir, sizeof dir, "%.*s", (int)(slash - path),
		             path);
	int fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Moves the finished copy tmp to path unless path exists.  link() refuses
 * an existing name atomically; where hard links are not supported, a
 * check and rename() do.
 */
static enum dti_status place_file(const char *tmp, const char *path,
                                  struct dti_error *err)
{
	if (link(tmp, path) == 0) {
		unlink(tmp);
		sync_dir_of(path);
		return DTI_OK;
	}
	int e = errno;
	struct stat sb;
	if (e == EEXIST || stat(path, &sb) == 0)
		return dti_err_set(err, DTI_EEXIST, path, 0, 0, "",
		                   "the file exists; give a new name");
	if (e == EPERM || e == ENOTSUP || e == EXDEV || e == EMLINK ||
	    e == ENOSYS) {
		if (rename(tmp, path) == 0) {
			sync_dir_of(path);
			return DTI_OK;
		}
		e = errno;
	}
	return dti_err_set(err, DTI_EIO, path, 0, 0, "", "cannot create: %s",
	                   strerror(e));
}

void dti_backup_opts_init(struct dti_backup_opts *o)
{
	memset(o, 0, sizeof *o);
}

/* Removes a failed copy and the journal files it may have left. */
static void remove_copy(const char *tmp)
{
	static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		char side[4200];
		dti_snprintf(side, sizeof side, "%s%s", tmp, sides[i]);
		unlink(side);
	}
}

/*
 * Who may copy the store (verb "back up" or "export"): an owner or an
 * admin, as a copy holds everything, and an admin for the secrets; anyone
 * while the store has no user at all (then there is nothing secret and
 * nobody to ask).  A store of any schema version may be copied (backup
 * before a migration), so the users table may be missing.
 */
static enum dti_status may_copy(struct dti_store *s, const char *verb,
                                int with_secrets, struct dti_error *err)
{
	int64_t users = 0;
	int exists = 0;
	enum dti_status st = store_table_exists(s, "users", &exists, err);
	if (!st && exists)
		st = db_query_int(s->db, err, &users, NULL,
		                  "SELECT count(*) FROM users", "");
	if (st || users == 0)
		return st;
	const char *who = dti_store_actor(s);
	if (!who)
		return dti_err_set(
		    err, DTI_EPERM, "", 0, 0, "user",
		    "nobody is acting: name an owner or an admin "
		    "to %s the store",
		    verb);
	if (with_secrets && !store_actor_has(s, DTI_ROLE_ADMIN, NULL))
		return dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
		                   "user '%s' may not export password and "
		                   "token hashes (--with-secrets): needs the "
		                   "admin role",
		                   who);
	if (!store_actor_has(s, DTI_ROLE_OWNER, NULL))
		return dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
		                   "user '%s' may not %s the store: needs "
		                   "the owner or admin role",
		                   who, verb);
	return DTI_OK;
}

enum dti_status dti_store_backup_with(struct dti_store *s, const char *path,
                                      const struct dti_backup_opts *opts,
                                      struct dti_error *err)
{
	if (!s || !path || !*path)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "path",
		                   "no file to back up to");
	if (db_kind(s->db) != DB_SQLITE)
		return dti_err_set(
		    err, DTI_EINVALID, s->location, 0, 0, "",
		    "backup copies SQLite stores only; for PostgreSQL use "
		    "'dti export' or pg_dump");
	enum dti_status st = may_copy(s, "back up", 0, err);
	if (st)
		return st;
	struct stat sb;
	if (stat(path, &sb) == 0)
		return dti_err_set(err, DTI_EEXIST, path, 0, 0, "",
		                   "the file exists; give a new name");
	char *tmp = NULL;
	const char *given =
	    opts && opts->temp && *opts->temp ? opts->temp : NULL;
	if (given) {
		tmp = strdup(given);
		if (!tmp)
			return dti_err_nomem(err);
	} else {
		size_t n = strlen(path);
		tmp = malloc(n + 16);
		if (!tmp)
			return dti_err_nomem(err);
		dti_snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
		int fd = mkstemp(tmp);
		if (fd < 0) {
			int e = errno;
			free(tmp);
			return dti_err_set(err, DTI_EIO, path, 0, 0, "",
			                   "cannot create: %s", strerror(e));
		}
		close(fd);
	}
	/* a copy of the store is as private as a new store: 0600 whatever
	 * the umask (SQLite gives its journal files the same mode) */
	if (chmod(tmp, 0600) != 0) {
		int e = errno;
		st = dti_err_set(err, DTI_EIO, path, 0, 0, "",
		                 "cannot create: %s", strerror(e));
	}
	if (!st)
		st = db_backup(s->db, tmp, path, err);
	if (st == DTI_OK)
		st = place_file(tmp, path, err);
	if (st != DTI_OK)
		remove_copy(tmp);
	free(tmp);
	return st;
}

enum dti_status dti_store_backup(struct dti_store *s, const char *path,
                                 struct dti_error *err)
{
	return dti_store_backup_with(s, path, NULL, err);
}

/* ---- columns of the tables ------------------------------------------- */

/* The value type of a declared column type, on either backend. */
static enum db_type decl_type(const char *decl)
{
	char up[64];
	size_t i = 0;
	for (; decl && decl[i] && i + 1 < sizeof up; i++)
		up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z'
		                   ? decl[i] - 'a' + 'A'
		                   : decl[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return DB_INT;
	if (strstr(up, "REAL") || strstr(up, "DOUB") || strstr(up, "FLOA") ||
	    strstr(up, "NUMERIC"))
		return DB_REAL;
	if (strstr(up, "BLOB") || strstr(up, "BYTEA"))
		return DB_BLOB;
	if (strstr(up, "TEXT") || strstr(up, "CHAR"))
		return DB_TEXT;
	return DB_NULL;
}

static enum dti_status table_columns(struct dti_store *s,
                                     const struct store_table *t,
                                     struct table_cols *tc,
                                     struct dti_error *err)
{
	const char *sql =
	    db_kind(s->db) == DB_PG
	        ? "SELECT column_name, data_type FROM "
	          "information_schema.columns"
	          " WHERE table_schema = current_schema() AND table_name = ?"
	          " ORDER BY ordinal_position"
	        : "SELECT name, type FROM pragma_table_info(?) ORDER BY cid";
	struct db_stmt *st = NULL;
	enum dti_status rc = db_prepare(s->db, sql, &st, err);
	if (rc)
		return rc;
	tc->t = t;
	tc->n = 0;
	rc = db_bind_text(st, 1, t->name);
	int row = 0;
	while (rc == DTI_OK && (rc = db_step(st, &row, err)) == DTI_OK && row) {
		const char *name = db_col_text(st, 0);
		const char *decl = db_col_text(st, 1);
		enum db_type ty = decl_type(decl);
		if (!name || strlen(name) >= COL_NAME_MAX || tc->n >= MAX_COLS)
			rc = dti_err_set(err, DTI_EINTERNAL, "", 0, 0, t->name,
			                 "too many or too long columns");
		else if (ty == DB_NULL)
			rc =
			    dti_err_set(err, DTI_EINTERNAL, "", 0, 0, name,
			                "column %s.%s has an unknown type '%s'",
			                t->name, name, decl ? decl : "");
		else {
			dti_snprintf(tc->col[tc->n].name, COL_NAME_MAX, "%s",
			             name);
			tc->col[tc->n].type = ty;
			tc->n++;
		}
	}
	db_finalize(st);
	if (rc == DTI_OK && tc->n == 0)
		rc = dti_err_set(err, DTI_ESTATE, s->location, 0, 0, t->name,
		                 "the store has no table %s; run 'dti db init' "
		                 "or 'dti db migrate'",
		                 t->name);
	return rc;
}

/* Columns of every table of store_tables[]; the caller frees *out. */
static enum dti_status all_columns(struct dti_store *s, struct table_cols **out,
                                   struct dti_error *err)
{
	struct table_cols *tabs = calloc(store_ntables, sizeof *tabs);
	if (!tabs)
		return dti_err_nomem(err);
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < store_ntables && st == DTI_OK; i++)
		st = table_columns(s, &store_tables[i], &tabs[i], err);
	if (st) {
		free(tabs);
		return st;
	}
	*out = tabs;
	return DTI_OK;
}

static int find_column(const struct table_cols *tc, const char *name)
{
	for (int i = 0; i < tc->n; i++)
		if (strcmp(tc->col[i].name, name) == 0)
			return i;
	return -1;
}

/* An SQL identifier, quoted (both dialects use double quotes). */
static enum dti_status add_ident(struct dti_buf *b, const char *name)
{
	enum dti_status st = dti_buf_addc(b, '"');
	for (const char *p = name; *p && !st; p++)
		st = *p == '"' ? dti_buf_adds(b, "\"\"") : dti_buf_addc(b, *p);
	return st ? st : dti_buf_addc(b, '"');
}

/* ---- base64 (RFC 4648, padded) --------------------------------------- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static enum dti_status base64_add(struct dti_buf *b, const unsigned char *p,
                                  size_t n)
{
	char chunk[4096];
	size_t k = 0;
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < n && !st; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		chunk[k++] = b64_alphabet[(v >> 18) & 63];
		chunk[k++] = b64_alphabet[(v >> 12) & 63];
		chunk[k++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
		chunk[k++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
		if (k == sizeof chunk) {
			st = dti_buf_add(b, chunk, k);
			k = 0;
		}
	}
	return st ? st : dti_buf_add(b, chunk, k);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes padded base64 into out (room for n / 4 * 3 bytes); returns the
 * decoded length, or -1 with *bad at the offending offset.
 */
static long long base64_decode(const char *s, size_t n, unsigned char *out,
                               size_t *bad)
{
	if (n % 4) {
		*bad = n;
		return -1;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			unsigned char c = (unsigned char)s[i + (size_t)j];
			if (c == '=' && i + 4 == n && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			v[j] = pad ? -1 : b64_value(c);
			if (v[j] < 0) {
				*bad = i + (size_t)j;
				return -1;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
		             (uint32_t)v[2] << 6 | (uint32_t)v[3];
		/* the bits a padded group drops must be zero (canonical) */
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff))) {
			*bad = i + 4 - (size_t)pad - 1;
			return -1;
		}
		out[k++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[k++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[k++] = (unsigned char)w;
	}
	return (long long)k;
}

/* ---- export ---------------------------------------------------------- */

struct sink {
	dti_write_fn write;
	void *ctx;
	struct dti_buf buf;
	struct dti_sha256 sha; /* of every byte written before the trailer */
	int sealed;            /* the digest is final: the trailer goes out */
};

static enum dti_status flush(struct sink *k, struct dti_error *err)
{
	if (k->buf.len == 0)
		return DTI_OK;
	if (!k->sealed)
		dti_sha256_update(&k->sha, k->buf.data, k->buf.len);
	enum dti_status st = k->write(k->ctx, k->buf.data, k->buf.len);
	dti_buf_reset(&k->buf);
	if (st != DTI_OK)
		return dti_err_set(err, st, "", 0, 0, "",
		                   "cannot write the export");
	return DTI_OK;
}

/* A REAL value: shortest round-trip text, -0 as 0, nothing non-finite. */
static enum dti_status put_real(struct dti_buf *b, double v,
                                const struct table_cols *tc,
                                const struct column *c, struct dti_error *err)
{
	if (!isfinite(v))
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, c->name,
		                   "column %s.%s holds a number JSON cannot "
		                   "carry (infinite or NaN)",
		                   tc->t->name, c->name);
	if (v == 0)
		v = 0; /* -0 and 0 print the same */
	return dti_buf_add_shortest(b, v);
}

static enum dti_status put_value(struct db *db, struct db_stmt *st, int i,
                                 const struct table_cols *tc, struct dti_buf *b,
                                 struct dti_error *err)
{
	const struct column *c = &tc->col[i];
	if (db_column_type(st, i) == DB_NULL)
		return dti_buf_adds(b, "null");
	switch (c->type) {
	case DB_INT: return dti_buf_addf(b, "%" PRId64, db_col_int(st, i));
	case DB_REAL:
		if (db_kind(db) == DB_PG) {
			/* float8 comes as text: read it back exactly */
			const char *txt = db_col_text(st, i);
			double v;
			if (!txt || dti_parse_double(txt, &v) != 0)
				return dti_err_set(
				    err, DTI_EINVALID, "", 0, 0, c->name,
				    "column %s.%s holds '%s', not a finite "
				    "number",
				    tc->t->name, c->name, txt ? txt : "");
			return put_real(b, v, tc, c, err);
		}
		return put_real(b, db_col_double(st, i), tc, c, err);
	case DB_TEXT: return dti_json_quote(b, db_col_text(st, i));
	case DB_BLOB: {
		size_t n = 0;
		const void *p = db_col_blob(st, i, &n);
		enum dti_status rc = dti_buf_adds(b, "{\"base64\":\"");
		if (!rc && n)
			rc = base64_add(b, p, n);
		return rc ? rc : dti_buf_adds(b, "\"}");
	}
	default:
		return dti_err_set(err, DTI_EINTERNAL, "", 0, 0, c->name,
		                   "column of no known type");
	}
}

/* SELECT of every column in key order (text keys bytewise on both). */
static enum dti_status select_sql(const struct dti_store *s,
                                  const struct table_cols *tc,
                                  struct dti_buf *q)
{
	enum dti_status st = dti_buf_adds(q, "SELECT ");
	for (int i = 0; i < tc->n && !st; i++) {
		if (i)
			st = dti_buf_adds(q, ", ");
		if (!st)
			st = add_ident(q, tc->col[i].name);
	}
	if (!st)
		st = dti_buf_adds(q, " FROM ");
	if (!st)
		st = add_ident(q, tc->t->name);
	if (!st)
		st = dti_buf_adds(q, " ORDER BY ");
	/* the key: column names separated by ", " */
	const char *k = tc->t->key;
	int first = 1;
	while (*k && !st) {
		while (*k == ' ' || *k == ',')
			k++;
		size_t len = strcspn(k, ", ");
		if (!len)
			break;
		char name[COL_NAME_MAX];
		dti_snprintf(name, sizeof name, "%.*s", (int)len, k);
		k += len;
		int ci = find_column(tc, name);
		if (!first)
			st = dti_buf_adds(q, ", ");
		first = 0;
		if (!st)
			st = add_ident(q, name);
		if (!st && ci >= 0 && tc->col[ci].type == DB_TEXT)
			st = dti_buf_adds(q, db_kind(s->db) == DB_PG
			                         ? " COLLATE \"C\""
			                         : " COLLATE BINARY");
	}
	return st;
}

/*
 * What an export without secrets writes instead of a column's value:
 * users.password_hash as null, tokens.hash as "redacted:<token id>" (the
 * column is NOT NULL UNIQUE, and the audit verifier knows the form), the
 * store's secret signing key as "redacted:1".
 */
enum redact { KEEP, AS_NULL, AS_TOKEN_ID };

static enum redact redaction(const struct table_cols *tc, int i)
{
	const char *t = tc->t->name, *c = tc->col[i].name;
	if (strcmp(t, "users") == 0 && strcmp(c, "password_hash") == 0)
		return AS_NULL;
	if (strcmp(t, "tokens") == 0 && strcmp(c, "hash") == 0)
		return AS_TOKEN_ID;
	/* "redacted:1": the importing store makes a new key pair at its next
	 * publication (checkpoint.c) */
	if (strcmp(t, "signing_key") == 0 && strcmp(c, "secret_key") == 0)
		return AS_TOKEN_ID;
	return KEEP;
}

static enum dti_status put_redacted(struct db_stmt *st, int i,
                                    const struct table_cols *tc,
                                    enum redact how, struct dti_buf *b)
{
	if (how == AS_NULL || db_column_type(st, i) == DB_NULL)
		return dti_buf_adds(b, "null");
	int id = find_column(tc, "id");
	char txt[48];
	dti_snprintf(txt, sizeof txt, "redacted:%" PRId64,
	             id >= 0 ? db_col_int(st, id) : (int64_t)0);
	return dti_json_quote(b, txt);
}

static enum dti_status export_table(struct dti_store *s,
                                    const struct table_cols *tc, struct sink *k,
                                    int with_secrets, long long *rows,
                                    struct dti_error *err)
{
	struct dti_buf q = DTI_BUF_INIT;
	enum dti_status st = select_sql(s, tc, &q);
	if (st) {
		dti_buf_release(&q);
		return st == DTI_ENOMEM ? dti_err_nomem(err) : st;
	}
	struct db_stmt *stmt = NULL;
	st = db_prepare(s->db, q.data, &stmt, err);
	dti_buf_release(&q);
	if (st)
		return st;
	/* the line prefix is the same for every row of the table */
	struct dti_buf prefix = DTI_BUF_INIT;
	st = dti_buf_adds(&prefix, "{\"table\":");
	if (!st)
		st = dti_json_quote(&prefix, tc->t->name);
	if (!st)
		st = dti_buf_adds(&prefix, ",\"row\":{");
	struct dti_buf keybuf = DTI_BUF_INIT;
	size_t offs[MAX_COLS], lens[MAX_COLS];
	enum redact how[MAX_COLS];
	for (int i = 0; i < tc->n && !st; i++) {
		how[i] = with_secrets ? KEEP : redaction(tc, i);
		offs[i] = keybuf.len;
		if (i)
			st = dti_buf_addc(&keybuf, ',');
		if (!st)
			st = dti_json_quote(&keybuf, tc->col[i].name);
		if (!st)
			st = dti_buf_addc(&keybuf, ':');
		lens[i] = keybuf.len - offs[i];
	}
	if (st == DTI_ENOMEM)
		st = dti_err_nomem(err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(stmt, &row, err)) == DTI_OK &&
	       row) {
		st = dti_buf_add(&k->buf, prefix.data, prefix.len);
		for (int i = 0; i < tc->n && !st; i++) {
			st = dti_buf_add(&k->buf, keybuf.data + offs[i],
			                 lens[i]);
			if (!st && how[i] != KEEP)
				st = put_redacted(stmt, i, tc, how[i], &k->buf);
			else if (!st)
				st =
				    put_value(s->db, stmt, i, tc, &k->buf, err);
		}
		if (!st)
			st = dti_buf_adds(&k->buf, "}}\n");
		if (!st)
			(*rows)++;
		if (st == DTI_ENOMEM || st == DTI_ELIMIT)
			st = st == DTI_ENOMEM
			         ? dti_err_nomem(err)
			         : dti_err_set(err, st, "", 0, 0, tc->t->name,
			                       "a row of %s is too large",
			                       tc->t->name);
		if (!st && k->buf.len >= FLUSH_AT)
			st = flush(k, err);
	}
	dti_buf_release(&keybuf);
	dti_buf_release(&prefix);
	db_finalize(stmt);
	return st;
}

void dti_export_opts_init(struct dti_export_opts *o)
{
	memset(o, 0, sizeof *o);
}

/* The header line: format, schema, program, backend, secrets. */
static enum dti_status put_header(struct dti_store *s, int with_secrets,
                                  struct dti_buf *b)
{
	enum dti_status st = dti_buf_addf(b,
	                                  "{\"dti_export\":%d,\"schema\":%d,"
	                                  "\"program\":",
	                                  EXPORT_FORMAT, s->schema_version);
	if (!st)
		st = dti_json_quote(b, dti_version());
	if (!st)
		st = dti_buf_addf(b, ",\"backend\":\"%s\",\"secrets\":%s}\n",
		                  db_kind(s->db) == DB_PG ? "postgresql"
		                                          : "sqlite",
		                  with_secrets ? "true" : "false");
	return st;
}

/* The trailer line: rows per table and the digest of all before it. */
static enum dti_status put_trailer(const long long *rows, const char *sha,
                                   struct dti_buf *b)
{
	enum dti_status st =
	    dti_buf_addf(b, "{\"dti_export_end\":%d,\"rows\":{", EXPORT_FORMAT);
	for (size_t i = 0; i < store_ntables && !st; i++)
		st = dti_buf_addf(b, "%s\"%s\":%lld", i ? "," : "",
		                  store_tables[i].name, rows[i]);
	if (!st)
		st = dti_buf_addf(b, "},\"sha256\":\"%s\"}\n", sha);
	return st;
}

enum dti_status dti_store_export_with(struct dti_store *s,
                                      const struct dti_export_opts *opts,
                                      dti_write_fn write, void *ctx,
                                      struct dti_error *err)
{
	if (!s || !write)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "",
		                   "no store or no writer");
	int with_secrets = opts && opts->with_secrets;
	enum dti_status st = store_begin_read(s, err);
	if (st)
		return st;
	struct table_cols *tabs = NULL;
	struct sink k = {.write = write, .ctx = ctx, .buf = DTI_BUF_INIT};
	dti_sha256_init(&k.sha);
	long long *rows = calloc(store_ntables, sizeof *rows);
	if (!rows)
		st = dti_err_nomem(err);
	if (!st)
		st = may_copy(s, "export", with_secrets, err);
	/*
	 * float8 as text that reads back exactly, whatever the server's
	 * setting (shortest since PostgreSQL 12, 17 digits before)
	 */
	if (!st && db_kind(s->db) == DB_PG)
		st = db_exec(s->db, "SET LOCAL extra_float_digits = 3", err);
	if (!st)
		st = all_columns(s, &tabs, err);
	if (!st && put_header(s, with_secrets, &k.buf))
		st = dti_err_nomem(err);
	for (size_t i = 0; i < store_ntables && !st; i++)
		st = export_table(s, &tabs[i], &k, with_secrets, &rows[i], err);
	if (!st)
		st = flush(&k, err);
	if (!st) {
		char sha[65];
		dti_sha256_final(&k.sha, sha);
		k.sealed = 1;
		if (put_trailer(rows, sha, &k.buf))
			st = dti_err_nomem(err);
	}
	if (!st)
		st = flush(&k, err);
	free(rows);
	free(tabs);
	dti_buf_release(&k.buf);
	return store_end(s, st, err);
}

enum dti_status dti_store_export_to(struct dti_store *s, dti_write_fn write,
                                    void *ctx, struct dti_error *err)
{
	return dti_store_export_with(s, NULL, write, ctx, err);
}

static enum dti_status to_buf(void *ctx, const char *p, size_t n)
{
	return dti_buf_add(ctx, p, n);
}

static enum dti_status write_store_export(struct dti_store *s,
                                          struct dti_buf *out,
                                          struct dti_error *err)
{
	if (!out)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "", "no buffer");
	size_t start = out->len;
	enum dti_status st = dti_store_export_to(s, to_buf, out, err);
	if (st && out->data) {
		out->len = start; /* nothing half-written */
		out->data[start] = '\0';
	}
	return st;
}

/* ---- import ---------------------------------------------------------- */

/*
 * Rows go in through a bulk insert per table (db_prepare_bulk: COPY on
 * PostgreSQL, flushed when the next table starts and at the end), or, for
 * the tables an initialised store already fills, with multi-row INSERTs of
 * at most BATCH_PARAMS parameters.  When the database refuses a row, the
 * import is rolled back and run again one row per statement, which names
 * the line at fault.
 */
#define BATCH_PARAMS 999
#define BATCH_ROWS   256

struct pending_row {
	json_t *row;
	unsigned long line;
};

struct importer {
	struct dti_store *s;
	const char *name;
	unsigned long line;
	struct dti_error *err;
	struct table_cols *tabs;
	struct db_stmt **ins; /* per table: its bulk insert, or the INSERT
	                         of a full batch */
	int precise;          /* one row per statement */
	int refused;          /* the database refused a batch */
	size_t cur;           /* table of the last row */
	struct pending_row pend[BATCH_ROWS];
	int npend;
	size_t pend_table;
	unsigned char *blob;
	size_t blob_cap;
	/* rows per table: as the trailer counts them, as loaded */
	long long want[MAX_TABLES];
	long long got[MAX_TABLES];
	unsigned long trailer_line;
	/* the audit chain as far as loaded */
	int64_t audit_seq;
	char audit_hash[65];
	long long rows;
};

static enum dti_status line_err(struct importer *im, enum dti_status code,
                                unsigned long column, const char *field,
                                const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static enum dti_status line_err(struct importer *im, enum dti_status code,
                                unsigned long column, const char *field,
                                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(im->err, code, im->name, im->line, column, field, fmt, ap);
	va_end(ap);
	return code;
}

/* Re-raises a database error at the current line. */
static enum dti_status line_db_err(struct importer *im, enum dti_status code,
                                   const char *field,
                                   const struct dti_error *dberr)
{
	if (code == DTI_ENOMEM)
		return dti_err_nomem(im->err);
	return line_err(im, code, 0, field, "%s", dberr->message);
}

static int batch_rows(const struct importer *im, const struct table_cols *tc)
{
	if (im->precise)
		return 1;
	int n = BATCH_PARAMS / tc->n;
	return n < 1 ? 1 : n > BATCH_ROWS ? BATCH_ROWS : n;
}

/*
 * INSERT of every column for nrows rows.  Tables that an initialised store
 * already fills (schema_migrations, settings, audit_head) take the export's
 * rows over theirs.
 */
static enum dti_status insert_sql(const struct table_cols *tc, int nrows,
                                  struct dti_buf *q)
{
	enum dti_status st = dti_buf_adds(q, "INSERT INTO ");
	if (!st)
		st = add_ident(q, tc->t->name);
	if (!st)
		st = dti_buf_adds(q, " (");
	for (int i = 0; i < tc->n && !st; i++) {
		if (i)
			st = dti_buf_adds(q, ", ");
		if (!st)
			st = add_ident(q, tc->col[i].name);
	}
	if (!st)
		st = dti_buf_adds(q, ") VALUES ");
	for (int r = 0; r < nrows && !st; r++) {
		st = dti_buf_adds(q, r ? ", (" : "(");
		for (int i = 0; i < tc->n && !st; i++)
			st = dti_buf_adds(q, i ? ", ?" : "?");
		if (!st)
			st = dti_buf_addc(q, ')');
	}
	int prefilled = strcmp(tc->t->name, "schema_migrations") == 0 ||
	                strcmp(tc->t->name, "settings") == 0 ||
	                strcmp(tc->t->name, "audit_head") == 0;
	if (!prefilled || st)
		return st;
	st = dti_buf_addf(q, " ON CONFLICT (%s) DO UPDATE SET ", tc->t->key);
	int n = 0;
	for (int i = 0; i < tc->n && !st; i++) {
		if (strcmp(tc->col[i].name, tc->t->key) == 0)
			continue;
		if (n++)
			st = dti_buf_adds(q, ", ");
		if (!st)
			st = add_ident(q, tc->col[i].name);
		if (!st)
			st = dti_buf_adds(q, " = excluded.");
		if (!st)
			st = add_ident(q, tc->col[i].name);
	}
	return st;
}

/* The store holds nothing but what dti_store_init() put in it. */
static enum dti_status check_empty(struct importer *im)
{
	struct dti_store *s = im->s;
	struct dti_error e2 = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < store_ntables && !st; i++) {
		const char *t = store_tables[i].name;
		if (strcmp(t, "schema_migrations") == 0 ||
		    strcmp(t, "settings") == 0)
			continue;
		struct dti_buf q = DTI_BUF_INIT;
		int64_t v = 0;
		int found = 0;
		if (strcmp(t, "audit_head") == 0)
			st = dti_buf_adds(&q, "SELECT COUNT(*) FROM audit_head "
			                      "WHERE id <> 1 OR seq <> 0 OR "
			                      "hash <> ''");
		else {
			st = dti_buf_adds(&q, "SELECT 1 FROM ");
			if (!st)
				st = add_ident(&q, t);
			if (!st)
				st = dti_buf_adds(&q, " LIMIT 1");
		}
		if (st) {
			st = dti_err_nomem(im->err);
		} else {
			st = db_query_int(s->db, &e2, &v, &found, q.data, "");
			if (st)
				dti_err_set(im->err, st, s->location, 0, 0, t,
				            "%s", e2.message);
		}
		dti_buf_release(&q);
		if (st)
			break;
		char why[96];
		if (strcmp(t, "audit_head") == 0)
			dti_snprintf(why, sizeof why,
			             "its audit log has events");
		else
			dti_snprintf(why, sizeof why, "table %s has rows", t);
		if (found && v)
			st = dti_err_set(
			    im->err, DTI_ESTATE, s->location, 0, 0, t,
			    "the store is not empty (%s): import into a store "
			    "just created with 'dti db init' (without --admin)",
			    why);
	}
	dti_error_release(&e2);
	return st;
}

/* The text of a JSON string member or NULL for null (audit fields). */
static const char *json_text(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * Checks an audit row against the chain loaded so far: consecutive seq,
 * prev naming the previous event's hash, and a hash that recomputes.
 */
static enum dti_status check_audit_row(struct importer *im, json_t *row)
{
	json_t *jseq = json_object_get(row, "seq");
	int64_t seq = json_is_integer(jseq) ? json_integer_value(jseq) : 0;
	const char *prev = json_text(row, "prev");
	const char *hash = json_text(row, "hash");
	if (seq != im->audit_seq + 1)
		return line_err(im, DTI_EINVALID, 0, "audit.seq",
		                "audit event %" PRId64 " where %" PRId64
		                " was expected: the chain has a gap or is out "
		                "of order",
		                seq, im->audit_seq + 1);
	if (!prev || strcmp(prev, im->audit_hash) != 0)
		return line_err(im, DTI_EINVALID, 0, "audit.prev",
		                "audit event %" PRId64 " does not follow the "
		                "previous event's hash",
		                seq);
	char want[65];
	store_audit_hash(seq, json_text(row, "at"), json_text(row, "actor"),
	                 json_text(row, "action"), json_text(row, "cycle"),
	                 json_text(row, "unit"), json_text(row, "object"),
	                 json_text(row, "before_json"),
	                 json_text(row, "after_json"), prev, want);
	if (!hash || strcmp(hash, want) != 0)
		return line_err(im, DTI_EINVALID, 0, "audit.hash",
		                "audit event %" PRId64 " was altered: its hash "
		                "does not match its content",
		                seq);
	im->audit_seq = seq;
	dti_snprintf(im->audit_hash, sizeof im->audit_hash, "%s", hash);
	return DTI_OK;
}

/* A binding's failure (memory, or a value beyond the backend's limit). */
static enum dti_status bound(struct importer *im, enum dti_status rc,
                             const char *field)
{
	if (rc == DTI_OK)
		return DTI_OK;
	if (rc == DTI_ENOMEM)
		return dti_err_nomem(im->err);
	return line_err(im, rc, 0, field, "cannot pass the value: %s",
	                dti_strerror(rc));
}

/*
 * Checks a value against its column's type and, with st, binds it as
 * parameter param.  Blobs are decoded from base64 either way.
 */
static enum dti_status put_param(struct importer *im, struct db_stmt *st,
                                 int param, const struct column *c, json_t *v,
                                 const char *field)
{
	if (json_is_null(v))
		return st ? bound(im, db_bind_null(st, param), field) : DTI_OK;
	switch (c->type) {
	case DB_INT:
		if (!json_is_integer(v))
			return line_err(im, DTI_EINVALID, 0, field,
			                "expected an integer or null");
		return st ? bound(im,
		                  db_bind_int(st, param, json_integer_value(v)),
		                  field)
		          : DTI_OK;
	case DB_REAL:
		if (!json_is_number(v))
			return line_err(im, DTI_EINVALID, 0, field,
			                "expected a number or null");
		return st ? bound(
		                im,
		                db_bind_double(st, param, json_number_value(v)),
		                field)
		          : DTI_OK;
	case DB_TEXT:
		if (!json_is_string(v))
			return line_err(im, DTI_EINVALID, 0, field,
			                "expected a string or null");
		return st ? bound(im,
		                  db_bind_text(st, param, json_string_value(v)),
		                  field)
		          : DTI_OK;
	case DB_BLOB: {
		json_t *b = json_object_get(v, "base64");
		if (!json_is_object(v) || json_object_size(v) != 1 ||
		    !json_is_string(b))
			return line_err(
			    im, DTI_EINVALID, 0, field,
			    "expected {\"base64\": \"...\"} or null");
		const char *txt = json_string_value(b);
		size_t n = json_string_length(b);
		size_t need = n / 4 * 3 + 1;
		if (need > im->blob_cap) {
			unsigned char *p = realloc(im->blob, need);
			if (!p)
				return dti_err_nomem(im->err);
			im->blob = p;
			im->blob_cap = need;
		}
		size_t bad = 0;
		long long len = base64_decode(txt, n, im->blob, &bad);
		if (len < 0)
			return line_err(im, DTI_EINVALID, 0, field,
			                "bad base64 at character %zu", bad + 1);
		return st ? bound(
		                im,
		                db_bind_blob(st, param, im->blob, (size_t)len),
		                field)
		          : DTI_OK;
	}
	default:
		return line_err(im, DTI_EINTERNAL, 0, field,
		                "column of no known type");
	}
}

/* Whether rows of the table go through a bulk insert (see above). */
static int bulk_table(const struct importer *im, const struct table_cols *tc)
{
	if (im->precise || strcmp(tc->t->name, "schema_migrations") == 0 ||
	    strcmp(tc->t->name, "audit_head") == 0)
		return 0;
	for (int i = 0; i < tc->n; i++)
		for (const char *p = tc->col[i].name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || *p == '_' ||
			      (*p >= '0' && *p <= '9')))
				return 0; /* not a plain identifier */
	return 1;
}

/* Queues the pending rows (all of one table) in its bulk insert. */
static enum dti_status bulk_rows(struct importer *im)
{
	size_t ti = im->pend_table;
	const struct table_cols *tc = &im->tabs[ti];
	struct dti_error e2 = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	if (!im->ins[ti]) {
		const char *cols[MAX_COLS];
		for (int i = 0; i < tc->n; i++)
			cols[i] = tc->col[i].name;
		st = db_prepare_bulk(im->s->db, DB_BULK_INSERT, tc->t->name,
		                     cols, tc->n, 0, &im->ins[ti], &e2);
	}
	struct db_stmt *ins = im->ins[ti];
	unsigned long line = im->line;
	char field[DTI_ERROR_FIELD_MAX];
	int k = im->npend;
	for (int r = 0; r < k && st == DTI_OK; r++) {
		im->line = im->pend[r].line;
		db_reset(ins);
		for (int i = 0; i < tc->n && st == DTI_OK; i++) {
			dti_snprintf(field, sizeof field, "%s.%s", tc->t->name,
			             tc->col[i].name);
			st = put_param(
			    im, ins, i + 1, &tc->col[i],
			    json_object_get(im->pend[r].row, tc->col[i].name),
			    field);
		}
		int done = 0;
		if (st == DTI_OK)
			st = db_step(ins, &done, &e2);
	}
	if (st != DTI_OK && e2.code) {
		/* refused by the database: again a row at a time */
		if (st == DTI_ENOMEM)
			st = dti_err_nomem(im->err);
		else
			im->refused = 1;
	}
	im->line = line;
	for (int r = 0; r < k; r++)
		json_decref(im->pend[r].row);
	im->npend = 0;
	if (st == DTI_OK)
		im->rows += k;
	dti_error_release(&e2);
	return st;
}

/* Writes the rows the bulk inserts hold back. */
static enum dti_status flush_bulk(struct importer *im)
{
	struct dti_error e2 = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < store_ntables && st == DTI_OK; i++)
		st = db_bulk_flush(im->ins[i], &e2);
	if (st == DTI_ENOMEM)
		st = dti_err_nomem(im->err);
	else if (st != DTI_OK)
		im->refused = 1;
	dti_error_release(&e2);
	return st;
}

/* Binds and inserts the pending rows (all of one table). */
static enum dti_status flush_rows(struct importer *im)
{
	if (!im->npend)
		return DTI_OK;
	if (bulk_table(im, &im->tabs[im->pend_table]))
		return bulk_rows(im);
	size_t ti = im->pend_table;
	const struct table_cols *tc = &im->tabs[ti];
	int k = im->npend;
	int full = k == batch_rows(im, tc);
	unsigned long line = im->line;
	struct dti_error e2 = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	struct db_stmt *ins = full ? im->ins[ti] : NULL;
	if (!ins) {
		struct dti_buf q = DTI_BUF_INIT;
		st = insert_sql(tc, k, &q);
		if (st)
			st = dti_err_nomem(im->err);
		else
			st = db_prepare(im->s->db, q.data, &ins, &e2);
		dti_buf_release(&q);
		if (st == DTI_OK && full)
			im->ins[ti] = ins;
	}
	char field[DTI_ERROR_FIELD_MAX];
	for (int r = 0; r < k && st == DTI_OK; r++) {
		im->line = im->pend[r].line;
		for (int i = 0; i < tc->n && st == DTI_OK; i++) {
			dti_snprintf(field, sizeof field, "%s.%s", tc->t->name,
			             tc->col[i].name);
			st = put_param(
			    im, ins, r * tc->n + i + 1, &tc->col[i],
			    json_object_get(im->pend[r].row, tc->col[i].name),
			    field);
		}
	}
	int done = 0;
	if (st == DTI_OK)
		st = db_step(ins, &done, &e2);
	if (st != DTI_OK && e2.code) {
		/* the database's refusal: by line when one row at a time */
		im->line = im->pend[0].line;
		if (!im->precise && st != DTI_ENOMEM)
			im->refused = 1;
		else
			st = line_db_err(im, st, tc->t->name, &e2);
	}
	im->line = line;
	if (ins && ins == im->ins[ti])
		db_reset(ins);
	else if (ins)
		db_finalize(ins);
	for (int r = 0; r < k; r++)
		json_decref(im->pend[r].row);
	im->npend = 0;
	if (st == DTI_OK)
		im->rows += k;
	dti_error_release(&e2);
	return st;
}

/* Checks one line's row, then queues it for its table's next batch. */
static enum dti_status load_row(struct importer *im, json_t *obj)
{
	json_t *jt = json_object_get(obj, "table");
	json_t *row = json_object_get(obj, "row");
	if (!json_is_object(obj) || !json_is_string(jt) ||
	    !json_is_object(row) || json_object_size(obj) != 2)
		return line_err(im, DTI_ESYNTAX, 0, "",
		                "expected {\"table\": NAME, \"row\": {...}}");
	const char *tname = json_string_value(jt);
	size_t ti = im->cur;
	if (strcmp(store_tables[ti].name, tname) != 0) {
		for (ti = 0; ti < store_ntables; ti++)
			if (strcmp(store_tables[ti].name, tname) == 0)
				break;
		if (ti == store_ntables)
			return line_err(im, DTI_EINVALID, 0, "table",
			                "unknown table '%s'", tname);
		im->cur = ti;
	}
	const struct table_cols *tc = &im->tabs[ti];
	enum dti_status st = DTI_OK;
	char field[DTI_ERROR_FIELD_MAX];
	for (int i = 0; i < tc->n && !st; i++) {
		json_t *v = json_object_get(row, tc->col[i].name);
		dti_snprintf(field, sizeof field, "%s.%s", tname,
		             tc->col[i].name);
		if (!v)
			st = line_err(im, DTI_EINVALID, 0, field,
			              "the row lacks column %s",
			              tc->col[i].name);
		else
			st = put_param(im, NULL, 0, &tc->col[i], v, field);
	}
	if (!st && json_object_size(row) != (size_t)tc->n) {
		const char *key;
		json_t *v;
		json_object_foreach(row, key, v)
		{
			if (find_column(tc, key) < 0) {
				dti_snprintf(field, sizeof field, "%s.%s",
				             tname, key);
				st = line_err(im, DTI_EINVALID, 0, field,
				              "unknown column '%s' of table %s",
				              key, tname);
				break;
			}
		}
	}
	if (!st && strcmp(tname, "audit") == 0)
		st = check_audit_row(im, row);
	if (!st && im->npend && im->pend_table != ti) {
		/* a table's rows are in before the next table's */
		st = flush_rows(im);
		if (!st)
			st = flush_bulk(im);
	}
	if (st)
		return st;
	im->got[ti]++;
	im->pend[im->npend].row = json_incref(row);
	im->pend[im->npend].line = im->line;
	im->npend++;
	im->pend_table = ti;
	if (im->npend >= batch_rows(im, tc))
		st = flush_rows(im);
	return st;
}

/*
 * After the rows: the head names the last event, and every published
 * snapshot recorded a head that is in the chain.
 */
static enum dti_status check_chain_end(struct importer *im)
{
	struct db_stmt *st = NULL;
	struct dti_error e2 = DTI_ERROR_INIT;
	int row = 0;
	int64_t seq = 0, bad = 0;
	int found = 0;
	enum dti_status rc = db_prepare(
	    im->s->db, "SELECT seq, hash FROM audit_head WHERE id = 1", &st,
	    &e2);
	if (!rc)
		rc = db_step(st, &row, &e2);
	if (!rc && row) {
		seq = db_col_int(st, 0);
		const char *hash = db_col_text(st, 1);
		found = seq != im->audit_seq || !hash ||
		        strcmp(hash, im->audit_hash) != 0;
	}
	if (st)
		db_finalize(st);
	if (!rc && found) {
		dti_error_release(&e2);
		return dti_err_set(im->err, DTI_EINVALID, im->name, 0, 0,
		                   "audit_head",
		                   "the audit head (event %" PRId64 ") is not "
		                   "the last event of the chain (%" PRId64 ")",
		                   seq, im->audit_seq);
	}
	if (!rc)
		rc = db_query_int(
		    im->s->db, &e2, &bad, &found,
		    "SELECT s.cycle_id FROM snapshots s LEFT JOIN audit a ON "
		    "a.seq = s.audit_seq WHERE a.hash IS NULL OR a.hash <> "
		    "s.audit_hash ORDER BY s.cycle_id LIMIT 1",
		    "");
	if (rc) {
		rc = rc == DTI_ENOMEM ? dti_err_nomem(im->err)
		                      : dti_err_set(im->err, rc, im->name, 0, 0,
		                                    "", "%s", e2.message);
	} else if (found) {
		rc =
		    dti_err_set(im->err, DTI_EINVALID, im->name, 0, 0,
		                "snapshots.audit_hash",
		                "the snapshot of cycle %" PRId64 " recorded an "
		                "audit head that is not in the chain",
		                bad);
	}
	dti_error_release(&e2);
	return rc;
}

/* The rows loaded per table are the rows the trailer counts. */
static enum dti_status check_counts(struct importer *im)
{
	for (size_t i = 0; i < store_ntables; i++) {
		if (im->got[i] == im->want[i])
			continue;
		char field[DTI_ERROR_FIELD_MAX];
		dti_snprintf(field, sizeof field, "rows.%s",
		             store_tables[i].name);
		im->line = im->trailer_line;
		return line_err(im, DTI_EINVALID, 0, field,
		                "the trailer counts %lld rows of table %s, "
		                "the export holds %lld: rows were added or "
		                "removed",
		                im->want[i], store_tables[i].name, im->got[i]);
	}
	return DTI_OK;
}

static int is_hex64(const char *t)
{
	if (!t || strlen(t) != 64)
		return 0;
	for (const char *c = t; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return 0;
	return 1;
}

/*
 * The trailer, the last line: the rows per table into im->want, and the
 * digest, checked against every byte before the line.  *body_end is where
 * the trailer starts.
 */
static enum dti_status read_trailer(struct importer *im, const char *buf,
                                    const char *end, const char **body_end)
{
	const char *stop = end;
	if (stop > buf && stop[-1] == '\n')
		stop--;
	if (stop > buf && stop[-1] == '\r')
		stop--;
	const char *start = stop;
	while (start > buf && start[-1] != '\n')
		start--;
	unsigned long line = 1;
	for (const char *c = buf; c < start;) {
		const char *nl = memchr(c, '\n', (size_t)(start - c));
		if (!nl)
			break;
		line++;
		c = nl + 1;
	}
	im->line = line;
	im->trailer_line = line;
	json_t *t = start > buf ? json_loadb(start, (size_t)(stop - start),
	                                     JSON_REJECT_DUPLICATES, NULL)
	                        : NULL;
	json_t *fmt = json_object_get(t, "dti_export_end");
	json_t *rows = json_object_get(t, "rows");
	const char *sha = json_string_value(json_object_get(t, "sha256"));
	enum dti_status st = DTI_OK;
	if (!json_is_integer(fmt))
		st = line_err(im, DTI_EINVALID, 0, "dti_export_end",
		              "the export ends without its trailer line (rows "
		              "and digest): it was cut short");
	else if (json_integer_value(fmt) != EXPORT_FORMAT)
		st = line_err(
		    im, DTI_EINVALID, 0, "dti_export_end",
		    "the trailer is of export format %" JSON_INTEGER_FORMAT
		    ", the header of %d",
		    json_integer_value(fmt), EXPORT_FORMAT);
	else if (!json_is_object(rows) ||
	         json_object_size(rows) != store_ntables)
		st = line_err(im, DTI_EINVALID, 0, "rows",
		              "the trailer lacks the rows of every table");
	else if (!is_hex64(sha))
		st = line_err(im, DTI_EINVALID, 0, "sha256",
		              "the trailer lacks the SHA-256 of the export");
	for (size_t i = 0; i < store_ntables && !st; i++) {
		json_t *n = json_object_get(rows, store_tables[i].name);
		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			char field[DTI_ERROR_FIELD_MAX];
			dti_snprintf(field, sizeof field, "rows.%s",
			             store_tables[i].name);
			st = line_err(im, DTI_EINVALID, 0, field,
			              "the trailer lacks the rows of table %s",
			              store_tables[i].name);
		} else
			im->want[i] = (long long)json_integer_value(n);
	}
	if (!st) {
		struct dti_sha256 h;
		char got[65];
		dti_sha256_init(&h);
		dti_sha256_update(&h, buf, (size_t)(start - buf));
		dti_sha256_final(&h, got);
		if (strcmp(got, sha) != 0)
			st = line_err(im, DTI_EINVALID, 0, "sha256",
			              "the export does not match its digest: "
			              "it was changed after it was written "
			              "(SHA-256 %s, the trailer says %s)",
			              got, sha);
	}
	json_decref(t);
	*body_end = start;
	return st;
}

/* The header line: format and schema version. */
static enum dti_status read_header(struct importer *im, const char *p, size_t n,
                                   int *schema)
{
	json_error_t je;
	json_t *h = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
	json_t *fmt = json_object_get(h, "dti_export");
	json_t *sch = json_object_get(h, "schema");
	enum dti_status st = DTI_OK;
	if (!h)
		st = line_err(im, DTI_ESYNTAX, (unsigned long)je.column, "",
		              "not a dti export: %s", je.text);
	else if (!json_is_integer(fmt))
		st = line_err(im, DTI_ESYNTAX, 0, "dti_export",
		              "not a dti export (the first line lacks "
		              "\"dti_export\")");
	else if (json_integer_value(fmt) != EXPORT_FORMAT)
		st = line_err(im, DTI_EINVALID, 0, "dti_export",
		              "export format %" JSON_INTEGER_FORMAT
		              " is not known to this program (it reads %d)",
		              json_integer_value(fmt), EXPORT_FORMAT);
	else if (!json_is_integer(sch) || json_integer_value(sch) < 1 ||
	         json_integer_value(sch) > 1000000)
		st = line_err(im, DTI_ESYNTAX, 0, "schema",
		              "the header lacks the schema version");
	else if (!json_is_boolean(json_object_get(h, "secrets")))
		st = line_err(im, DTI_ESYNTAX, 0, "secrets",
		              "the header does not say whether secrets are "
		              "included");
	else
		*schema = (int)json_integer_value(sch);
	json_decref(h);
	return st;
}

/* One attempt: every row after the header, in one write transaction. */
static enum dti_status import_pass(struct importer *im, const char *p,
                                   const char *end, int schema)
{
	struct dti_store *s = im->s;
	struct dti_error *err = im->err;
	enum dti_status st = store_begin(s, err);
	if (st)
		return st;
	if (schema != s->schema_version) {
		st = dti_err_set(
		    err, DTI_ESTATE, im->name, 1, 0, "schema",
		    "the export has schema version %d and the store %d: %s",
		    schema, s->schema_version,
		    schema < s->schema_version
		        ? "import it with the dti version that wrote it, "
		          "then run 'dti db migrate' there and export again"
		        : "this program is older than the export; use a "
		          "newer dti");
		return store_end(s, st, err);
	}
	st = all_columns(s, &im->tabs, err);
	if (!st)
		st = check_empty(im);
	if (!st) {
		im->ins = calloc(store_ntables, sizeof *im->ins);
		if (!im->ins)
			st = dti_err_nomem(err);
	}
	im->line = 1;
	while (!st && p < end) {
		im->line++;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *stop = eol ? eol : end;
		if (stop > p && stop[-1] == '\r')
			stop--;
		if (stop == p) {
			/* only the final newline may end in an empty line */
			st = line_err(im, DTI_ESYNTAX, 0, "",
			              "empty line in the export");
			break;
		}
		json_error_t je;
		json_t *obj = json_loadb(p, (size_t)(stop - p),
		                         JSON_REJECT_DUPLICATES, &je);
		if (!obj)
			st = line_err(im, DTI_ESYNTAX, (unsigned long)je.column,
			              "", "%s", je.text);
		else
			st = load_row(im, obj);
		json_decref(obj);
		p = eol ? eol + 1 : end;
	}
	if (!st)
		st = flush_rows(im);
	if (!st)
		st = flush_bulk(im);
	if (!st)
		st = check_counts(im);
	if (!st)
		st = check_chain_end(im);
	if (!st) {
		/* what was loaded must pass 'dti audit verify' as it stands:
		 * the chain, and every row its events imply, as they imply it
		 * (rows no event explains are left to 'audit verify') */
		struct dti_audit_report rep;
		st = store_audit_check_state(s, 1, &rep, err);
	}
	for (int r = 0; r < im->npend; r++)
		json_decref(im->pend[r].row);
	im->npend = 0;
	if (im->ins)
		for (size_t i = 0; i < store_ntables; i++)
			if (im->ins[i])
				db_finalize(im->ins[i]);
	free(im->ins);
	im->ins = NULL;
	free(im->tabs);
	im->tabs = NULL;
	return store_end(s, st, err);
}

enum dti_status dti_store_import(struct dti_store *s, const char *buf,
                                 size_t len, const char *name,
                                 struct dti_error *err)
{
	if (!s || (!buf && len))
		return dti_err_set(err, DTI_EARG, "", 0, 0, "",
		                   "no store or no export");
	struct importer im = {0};
	im.s = s;
	im.name = name && *name ? name : "<export>";
	im.err = err;
	const char *p = buf, *end = buf + len;

	/* the header, checked before anything is locked */
	const char *eol = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	const char *stop = eol ? eol : end;
	int schema = 0;
	im.line = 1;
	if (p == stop)
		return line_err(&im, DTI_ESYNTAX, 0, "",
		                "empty input: not a dti export");
	if (store_ntables > MAX_TABLES)
		return dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "",
		                   "too many tables");
	enum dti_status st = read_header(&im, p, (size_t)(stop - p), &schema);
	if (st)
		return st;
	p = eol ? eol + 1 : end;
	/* the trailer and the digest, before anything is locked */
	const char *body_end = end;
	st = read_trailer(&im, buf, end, &body_end);
	if (st)
		return st;
	end = p < body_end ? body_end : p;

	st = import_pass(&im, p, end, schema);
	if (st && im.refused) {
		/* again, a row at a time, to name the line the database refuses
		 */
		struct importer again = {0};
		again.s = s;
		again.name = im.name;
		again.err = err;
		again.precise = 1;
		memcpy(again.want, im.want, sizeof again.want);
		again.trailer_line = im.trailer_line;
		again.blob = im.blob;
		again.blob_cap = im.blob_cap;
		im.blob = NULL;
		st = import_pass(&again, p, end, schema);
		free(again.blob);
	}
	free(im.blob);
	return st;
}

enum dti_status dti_store_export(struct dti_store *s, struct dti_buf *out,
                                 struct dti_error *err)
{
	enum dti_status st = write_store_export(s, out, err);
	return dti_buf_final(out, st, err);
}
