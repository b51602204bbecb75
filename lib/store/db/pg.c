/*
 * lib/db_pg.c - the PostgreSQL backend of db.h, over libpq.
 *
 * The store writes one dialect for both backends, so this file adapts
 * PostgreSQL to what db.h promises:
 *   - '?' placeholders are rewritten to $1..$n outside string literals,
 *     quoted identifiers, dollar quotes and comments;
 *   - a statement runs with PQexecParams on its first db_step; values go
 *     as text (integers typed BIGINT, doubles DOUBLE PRECISION written with
 *     17 significant digits so they read back exactly, text and NULL
 *     untyped so that the server takes the type from the context), blobs
 *     as binary BYTEA; results come back as text and are converted on
 *     demand (BYTEA's hex text decoded for db_col_blob, booleans as 1/0);
 *   - a bulk statement (db_prepare_bulk) runs its first rows after each
 *     flush as above and keeps the rest as COPY text (escaped: backslash,
 *     tab, newline and carriage return; \N for NULL; blobs as BYTEA hex)
 *     until it is flushed: then COPY into a temporary table with the
 *     target's column types and one INSERT ... SELECT ... ON CONFLICT or
 *     DELETE ... USING moves them, a handful of round trips in all;
 *   - SQLSTATEs map to the status codes of db.h: unique violation
 *     DTI_EEXIST, other integrity violations DTI_EINVALID, serialisation
 *     failures, deadlocks and lock timeouts DTI_ECONFLICT, the rest
 *     (connection failures included) DTI_EIO.
 * Every connection runs in UTC with UTF-8 text and warnings only, and
 * waits at most 30 s for a lock (as SQLite's busy timeout) unless the URI
 * sets lock_timeout itself.  Error messages name the server as
 * postgresql://user@host:port/db: the password of the URI never appears
 * in them.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/db/db_impl.h"

/*
 * libpq is opened when the first PostgreSQL store is (dlopen), so that
 * programs that never speak to PostgreSQL do not load it and the ~30
 * libraries it needs (TLS, Kerberos, LDAP): a command starts in about a
 * millisecond.  The functions used are looked up once, into `pq`.
 */
#define PQ_FUNCS(X)                                                            \
	X(PQclear)                                                             \
	X(PQcmdStatus)                                                         \
	X(PQcmdTuples)                                                         \
	X(PQconnectdbParams)                                                   \
	X(PQconninfoFree)                                                      \
	X(PQconninfoParse)                                                     \
	X(PQdb)                                                                \
	X(PQerrorMessage)                                                      \
	X(PQexec)                                                              \
	X(PQexecParams)                                                        \
	X(PQfinish)                                                            \
	X(PQfname)                                                             \
	X(PQfreemem)                                                           \
	X(PQftype)                                                             \
	X(PQgetResult)                                                         \
	X(PQgetisnull)                                                         \
	X(PQgetvalue)                                                          \
	X(PQhost)                                                              \
	X(PQnfields)                                                           \
	X(PQntuples)                                                           \
	X(PQport)                                                              \
	X(PQputCopyData)                                                       \
	X(PQputCopyEnd)                                                        \
	X(PQresultErrorField)                                                  \
	X(PQresultErrorMessage)                                                \
	X(PQresultStatus)                                                      \
	X(PQsetClientEncoding)                                                 \
	X(PQsetNoticeProcessor)                                                \
	X(PQstatus)                                                            \
	X(PQtransactionStatus)                                                 \
	X(PQunescapeBytea)

#ifndef DTI_LIBPQ_SONAME
#define DTI_LIBPQ_SONAME "libpq.so.5"
#endif

static struct {
	PQ_FUNCS(DTI_DL_FIELD)
} pq;
static const char *const pq_names[] = {PQ_FUNCS(DTI_DL_NAME)};
#define PQ_SLOT(f) (void *)&pq.f,
static void *const pq_slots[] = {PQ_FUNCS(PQ_SLOT)};
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_fault[256]; /* why libpq could not be loaded, else "" */

static void pq_load(void)
{
	dti_dl_load(DTI_LIBPQ_SONAME, pq_names, pq_slots,
	            sizeof pq_names / sizeof *pq_names, pq_fault,
	            sizeof pq_fault);
}

/* Type OIDs of the built-in types (fixed in PostgreSQL's catalogue). */
#define OID_BOOL    16
#define OID_BYTEA   17
#define OID_INT8    20
#define OID_INT2    21
#define OID_INT4    23
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

struct pdb {
	struct db base;
	PGconn *h;
	char where[DTI_ERROR_FILE_MAX]; /* the server, without password */
};

/* A blob column of the current row, decoded from BYTEA's hex text. */
struct pblob {
	unsigned char *p;
	size_t n;
	int row; /* row it was decoded for, -1 for none */
};

struct pstmt {
	struct db_stmt base;
	char *sql; /* with $n placeholders */
	char **values;
	int *lengths;
	int *formats;
	Oid *types;
	PGresult *res;
	int ran;   /* executed since the last reset */
	int row;   /* current row of res */
	int nrows; /* rows in res */
	int64_t changes;
	struct pblob *blobs; /* one per column, allocated on first use */
	struct pbulk *bulk;  /* for a bulk statement, else NULL */
};

/* ---- messages -------------------------------------------------------- */

/* Replaces every occurrence of `secret` (n bytes) in msg by "***". */
static void redact(char *msg, size_t cap, const char *secret, size_t n)
{
	if (!n)
		return;
	char out[DTI_ERROR_MSG_MAX];
	size_t o = 0;
	for (const char *p = msg; *p && o + 1 < sizeof out;) {
		if (strncmp(p, secret, n) == 0) {
			for (const char *r = "***"; *r && o + 1 < sizeof out;)
				out[o++] = *r++;
			p += n;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	dti_snprintf(msg, cap, "%s", out);
}

/*
 * The password of a URI as written in it: after "user:" in the authority
 * and after "password=" in the query.  Sets *s and *n (0 when none) for
 * the first and *s2, *n2 for the second.
 */
static void uri_passwords(const char *uri, const char **s, size_t *n,
                          const char **s2, size_t *n2)
{
	*s = *s2 = NULL;
	*n = *n2 = 0;
	const char *a = strstr(uri, "://");
	if (a) {
		a += 3;
		size_t auth = strcspn(a, "/?");
		const char *at = NULL;
		for (size_t k = 0; k < auth; k++)
			if (a[k] == '@')
				at = a + k;
		if (at) {
			const char *colon = memchr(a, ':', (size_t)(at - a));
			if (colon) {
				*s = colon + 1;
				*n = (size_t)(at - colon - 1);
			}
		}
	}
	const char *q = strchr(uri, '?');
	for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, "password=", 9) == 0) {
			*s2 = p + 10;
			*n2 = strcspn(*s2, "&");
		}
	}
}

/* Formats a message, removes the passwords of uri from it, raises it. */
static enum dti_status set_scrubbed(struct dti_error *err, enum dti_status code,
                                    const char *file, const char *uri,
                                    const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static enum dti_status set_scrubbed(struct dti_error *err, enum dti_status code,
                                    const char *file, const char *uri,
                                    const char *fmt, ...)
{
	char msg[DTI_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	dti_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *s, *s2;
	size_t n, n2;
	uri_passwords(uri, &s, &n, &s2, &n2);
	redact(msg, sizeof msg, s ? s : "", n);
	redact(msg, sizeof msg, s2 ? s2 : "", n2);
	/* and as libpq decoded it ("%40" as '@') */
	PQconninfoOption *opts = pq.PQconninfoParse(uri, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val)
			redact(msg, sizeof msg, o->val, strlen(o->val));
	pq.PQconninfoFree(opts);
	return dti_err_set(err, code, file, 0, 0, "", "%s", msg);
}

/* libpq's messages end with a newline; one line is enough. */
static void one_line(char *dst, size_t cap, const char *src)
{
	dti_snprintf(dst, cap, "%s", src ? src : "");
	size_t len = strlen(dst);
	while (len && (dst[len - 1] == '\n' || dst[len - 1] == ' '))
		dst[--len] = '\0';
	char *o = dst;
	for (const char *p = dst; *p; p++) {
		char c = *p == '\n' || *p == '\t' ? ' ' : *p;
		if (c != ' ' || o == dst || o[-1] != ' ')
			*o++ = c;
	}
	*o = '\0';
}

static enum dti_status status_of_sqlstate(const char *code)
{
	if (!code || strlen(code) != 5)
		return DTI_EIO;
	if (strcmp(code, "23505") == 0)
		return DTI_EEXIST;
	if (strncmp(code, "23", 2) == 0)
		return DTI_EINVALID;
	if (strcmp(code, "40001") == 0 || strcmp(code, "40P01") == 0 ||
	    strcmp(code, "55P03") == 0)
		return DTI_ECONFLICT;
	if (strcmp(code, "53200") == 0)
		return DTI_ENOMEM;
	return DTI_EIO;
}

/*
 * The error of a failed command: res may be NULL (no memory, or the
 * connection is gone).  Consumes nothing; the caller clears res.
 */
static enum dti_status map_error(struct pdb *d, const PGresult *res,
                                 struct dti_error *err, const char *what)
{
	char msg[DTI_ERROR_MSG_MAX];
	if (pq.PQstatus(d->h) == CONNECTION_BAD) {
		one_line(msg, sizeof msg, pq.PQerrorMessage(d->h));
		return dti_err_set(err, DTI_EIO, d->where, 0, 0, "",
		                   "%s: connection to PostgreSQL lost: %s",
		                   what, msg);
	}
	if (!res) {
		one_line(msg, sizeof msg, pq.PQerrorMessage(d->h));
		if (!*msg)
			return dti_err_nomem(err);
		return dti_err_set(err, DTI_EIO, d->where, 0, 0, "", "%s: %s",
		                   what, msg);
	}
	const char *code = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *prim = pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = pq.PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	if (prim)
		one_line(msg, sizeof msg, prim);
	else
		one_line(msg, sizeof msg, pq.PQresultErrorMessage(res));
	enum dti_status st = status_of_sqlstate(code);
	if (detail)
		return dti_err_set(err, st, d->where, 0, 0, "", "%s: %s (%s)",
		                   what, msg, detail);
	return dti_err_set(err, st, d->where, 0, 0, "", "%s: %s", what, msg);
}

/* Runs a command without parameters (several statements allowed). */
static enum dti_status run_plain(struct pdb *d, const char *sql,
                                 struct dti_error *err, const char *what)
{
	PGresult *res = pq.PQexec(d->h, sql);
	ExecStatusType t = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	enum dti_status st = DTI_OK;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK &&
	    t != PGRES_EMPTY_QUERY)
		st = map_error(d, res, err, what);
	pq.PQclear(res);
	return st;
}

/* ---- connection ------------------------------------------------------ */

static void p_close(struct db *db)
{
	struct pdb *d = (struct pdb *)db;
	pq.PQfinish(d->h);
	free(d);
}

static enum dti_status p_exec(struct db *db, const char *sql,
                              struct dti_error *err)
{
	return run_plain((struct pdb *)db, sql, err, "SQL failed");
}

static enum dti_status p_begin_write(struct db *db, struct dti_error *err)
{
	return run_plain((struct pdb *)db, "BEGIN", err,
	                 "cannot start a transaction");
}

static enum dti_status p_begin_read(struct db *db, struct dti_error *err)
{
	return run_plain((struct pdb *)db,
	                 "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err,
	                 "cannot start a transaction");
}

static enum dti_status p_commit(struct db *db, struct dti_error *err)
{
	struct pdb *d = (struct pdb *)db;
	PGresult *res = pq.PQexec(d->h, "COMMIT");
	enum dti_status st = DTI_OK;
	if (!res || pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		st = map_error(d, res, err, "commit failed");
	else if (strcmp(pq.PQcmdStatus(res), "ROLLBACK") == 0)
		/* COMMIT of a failed transaction rolls back without error */
		st = dti_err_set(err, DTI_ESTATE, d->where, 0, 0, "",
		                 "commit failed: the transaction had failed "
		                 "and was rolled back");
	pq.PQclear(res);
	return st;
}

static void p_rollback(struct db *db)
{
	struct pdb *d = (struct pdb *)db;
	PGTransactionStatusType t = pq.PQtransactionStatus(d->h);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		pq.PQclear(pq.PQexec(d->h, "ROLLBACK"));
}

/* ---- placeholders ---------------------------------------------------- */

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag ("$$", "$tag$") at p, 0 if there is none. */
static size_t dollar_tag(const char *sql, const char *p)
{
	if (p > sql && ident_char(p[-1]))
		return 0; /* "a$1$" is part of an identifier */
	const char *q = p + 1;
	if (*q >= '0' && *q <= '9')
		return 0; /* "$1" is a parameter */
	while (*q && *q != '$' && ident_char(*q))
		q++;
	return *q == '$' ? (size_t)(q - p) + 1 : 0;
}

/*
 * Copies sql to b with each '?' outside literals, identifiers and comments
 * replaced by $1, $2, ...; *count gets the number replaced.
 */
static enum dti_status rewrite(const char *sql, struct dti_buf *b, int *count)
{
	int n = 0;
	const char *p = sql;
	enum dti_status st = DTI_OK;
	while (*p && st == DTI_OK) {
		const char *start = p;
		if (*p == '\'') {
			/* E'...' strings take backslash escapes */
			int esc = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
			          (p - 1 == sql || !ident_char(p[-2]));
			for (p++; *p; p++) {
				if (esc && *p == '\\' && p[1]) {
					p++;
				} else if (*p == '\'') {
					if (p[1] != '\'')
						break;
					p++;
				}
			}
			if (*p)
				p++;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				;
			if (*p)
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 1;
			for (p += 2; *p && depth; p++) {
				if (p[0] == '/' && p[1] == '*') {
					depth++;
					p++;
				} else if (p[0] == '*' && p[1] == '/') {
					depth--;
					p++;
				}
			}
		} else if (*p == '$' && dollar_tag(sql, p)) {
			size_t k = dollar_tag(sql, p);
			const char *end = p + k;
			for (;;) {
				end = strchr(end, '$');
				if (!end || strncmp(end, p, k) == 0)
					break;
				end++;
			}
			p = end ? end + k : p + strlen(p);
		} else if (*p == '?') {
			/* "?NNN" is parameter NNN, '?' the highest so far + 1
			 * (SQLite's rule) */
			long k = n + 1;
			p++;
			if (*p >= '0' && *p <= '9') {
				char *end;
				k = strtol(p, &end, 10);
				p = end;
			}
			if (k < 1 || k > 65535)
				return DTI_ELIMIT; /* the protocol's maximum */
			if (k > n)
				n = (int)k;
			st = dti_buf_addf(b, "$%ld", k);
			continue;
		} else {
			p++;
		}
		st = dti_buf_add(b, start, (size_t)(p - start));
	}
	if (st == DTI_OK)
		st = dti_buf_addc(b, '\0');
	*count = n;
	return st;
}

/* ---- statements ------------------------------------------------------ */

static void clear_result(struct pstmt *s)
{
	pq.PQclear(s->res);
	s->res = NULL;
	s->ran = 0;
	s->row = 0;
	s->nrows = 0;
}

static void free_blobs(struct pstmt *s, int ncols)
{
	if (!s->blobs)
		return;
	for (int i = 0; i < ncols; i++)
		free(s->blobs[i].p);
	free(s->blobs);
	s->blobs = NULL;
}

static void clear_bindings(struct pstmt *s)
{
	for (int i = 0; i < s->base.nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->lengths[i] = 0;
		s->formats[i] = 0;
		s->types[i] = 0;
	}
}

static enum dti_status p_prepare(struct db *db, const char *sql,
                                 struct db_stmt **out, struct dti_error *err)
{
	struct pdb *d = (struct pdb *)db;
	struct dti_buf b;
	dti_buf_init(&b, 0);
	int n = 0;
	enum dti_status st = rewrite(sql, &b, &n);
	if (st == DTI_ELIMIT) {
		dti_buf_release(&b);
		return dti_err_set(err, DTI_ELIMIT, d->where, 0, 0, "",
		                   "SQL has a parameter outside 1..65535");
	}
	if (st != DTI_OK) {
		dti_buf_release(&b);
		return dti_err_nomem(err);
	}
	const char *q = b.data;
	while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	if (!*q) {
		dti_buf_release(&b);
		return dti_err_set(err, DTI_EINTERNAL, d->where, 0, 0, "",
		                   "empty SQL statement");
	}
	struct pstmt *s = calloc(1, sizeof *s);
	size_t np = (size_t)n;
	if (s && np) {
		s->values = calloc(np, sizeof *s->values);
		s->lengths = calloc(np, sizeof *s->lengths);
		s->formats = calloc(np, sizeof *s->formats);
		s->types = calloc(np, sizeof *s->types);
	}
	if (!s ||
	    (np && (!s->values || !s->lengths || !s->formats || !s->types))) {
		if (s) {
			free(s->values);
			free(s->lengths);
			free(s->formats);
			free(s->types);
		}
		free(s);
		dti_buf_release(&b);
		return dti_err_nomem(err);
	}
	s->base.db = db;
	s->base.nparams = n;
	s->sql = b.data; /* ownership moves to the statement */
	*out = &s->base;
	return DTI_OK;
}

#define PS(st) ((struct pstmt *)(st))

/* Stores a copy of n bytes as parameter i (1-based). */
static enum dti_status set_param(struct db_stmt *st, int i, const void *p,
                                 size_t n, int format, Oid type)
{
	struct pstmt *s = PS(st);
	if (n > (size_t)INT32_MAX)
		return DTI_ELIMIT;
	char *copy = malloc(n + 1);
	if (!copy)
		return DTI_ENOMEM;
	if (n)
		memcpy(copy, p, n);
	copy[n] = '\0';
	free(s->values[i - 1]);
	s->values[i - 1] = copy;
	s->lengths[i - 1] = (int)n;
	s->formats[i - 1] = format;
	s->types[i - 1] = type;
	return DTI_OK;
}

static enum dti_status p_bind_null(struct db_stmt *st, int i)
{
	struct pstmt *s = PS(st);
	free(s->values[i - 1]);
	s->values[i - 1] = NULL;
	s->lengths[i - 1] = 0;
	s->formats[i - 1] = 0;
	s->types[i - 1] = 0;
	return DTI_OK;
}

static enum dti_status p_bind_int(struct db_stmt *st, int i, int64_t v)
{
	char tmp[32];
	int n = dti_snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	return set_param(st, i, tmp, (size_t)n, 0, OID_INT8);
}

static enum dti_status p_bind_double(struct db_stmt *st, int i, double v)
{
	char tmp[40];
	int n;
	if (isinf(v))
		n = dti_snprintf(tmp, sizeof tmp, "%s",
		                 v > 0 ? "Infinity" : "-Infinity");
	else
		n = dti_snprintf(tmp, sizeof tmp, "%.17g", v);
	return set_param(st, i, tmp, (size_t)n, 0, OID_FLOAT8);
}

static enum dti_status p_bind_text(struct db_stmt *st, int i, const char *s)
{
	/* type left to the server: the text may be for any column type */
	return set_param(st, i, s, strlen(s), 0, 0);
}

static enum dti_status p_bind_blob(struct db_stmt *st, int i, const void *p,
                                   size_t n)
{
	return set_param(st, i, p, n, 1, OID_BYTEA);
}

static enum dti_status bulk_step(struct pstmt *s, int *row,
                                 struct dti_error *err);

/* Runs the statement with its bindings: its result becomes current. */
static enum dti_status run_stmt(struct pstmt *s, int *row,
                                struct dti_error *err)
{
	struct db_stmt *st = &s->base;
	struct pdb *d = (struct pdb *)st->db;
	free_blobs(s, s->res ? pq.PQnfields(s->res) : 0);
	pq.PQclear(s->res);
	s->res = pq.PQexecParams(d->h, s->sql, st->nparams, s->types,
	                         (const char *const *)s->values, s->lengths,
	                         s->formats, 0);
	ExecStatusType t =
	    s->res ? pq.PQresultStatus(s->res) : PGRES_FATAL_ERROR;
	if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
		enum dti_status rc = map_error(d, s->res, err, "SQL failed");
		pq.PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	s->ran = 1;
	s->row = 0;
	s->nrows = t == PGRES_TUPLES_OK ? pq.PQntuples(s->res) : 0;
	const char *ct = pq.PQcmdTuples(s->res);
	s->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
	*row = s->nrows > 0;
	return DTI_OK;
}

static enum dti_status p_step(struct db_stmt *st, int *row,
                              struct dti_error *err)
{
	struct pstmt *s = PS(st);
	if (s->ran) {
		if (s->row + 1 < s->nrows) {
			s->row++;
			*row = 1;
		} else {
			s->row = s->nrows;
			*row = 0;
		}
		return DTI_OK;
	}
	if (s->bulk)
		return bulk_step(s, row, err);
	return run_stmt(s, row, err);
}

static void bulk_free(struct pbulk *b);

static void p_reset(struct db_stmt *st)
{
	struct pstmt *s = PS(st);
	free_blobs(s, s->res ? pq.PQnfields(s->res) : 0);
	clear_result(s);
	clear_bindings(s);
}

static void p_finalize(struct db_stmt *st)
{
	struct pstmt *s = PS(st);
	p_reset(st);
	bulk_free(s->bulk);
	free(s->values);
	free(s->lengths);
	free(s->formats);
	free(s->types);
	free(s->sql);
	free(s);
}

static int64_t p_changes(struct db_stmt *st)
{
	return PS(st)->changes;
}

static int p_column_count(struct db_stmt *st)
{
	struct pstmt *s = PS(st);
	return s->res ? pq.PQnfields(s->res) : 0;
}

static const char *p_column_name(struct db_stmt *st, int i)
{
	return pq.PQfname(PS(st)->res, i);
}

/* The current row's value of column i, NULL for SQL NULL or no row. */
static const char *value(struct pstmt *s, int i)
{
	if (!s->res || s->row >= s->nrows || pq.PQgetisnull(s->res, s->row, i))
		return NULL;
	return pq.PQgetvalue(s->res, s->row, i);
}

static enum db_type p_column_type(struct db_stmt *st, int i)
{
	struct pstmt *s = PS(st);
	if (!value(s, i))
		return DB_NULL;
	switch (pq.PQftype(s->res, i)) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_BOOL: return DB_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC: return DB_REAL;
	case OID_BYTEA: return DB_BLOB;
	default: return DB_TEXT;
	}
}

/* Text of a number as a double: PostgreSQL's spellings of the specials. */
static double text_double(const char *v)
{
	double x;
	if (strcmp(v, "NaN") == 0)
		return NAN;
	if (strcmp(v, "Infinity") == 0)
		return INFINITY;
	if (strcmp(v, "-Infinity") == 0)
		return -INFINITY;
	if (dti_parse_double(v, &x) == 0)
		return x;
	return 0.0;
}

static int64_t p_col_int(struct db_stmt *st, int i)
{
	struct pstmt *s = PS(st);
	const char *v = value(s, i);
	if (!v)
		return 0;
	Oid t = pq.PQftype(s->res, i);
	if (t == OID_BOOL)
		return v[0] == 't';
	if (t == OID_FLOAT4 || t == OID_FLOAT8 || t == OID_NUMERIC) {
		double x = text_double(v);
		/* as SQLite: truncated, saturated, NaN as 0 */
		if (isnan(x))
			return 0;
		if (x >= 9223372036854775807.0)
			return INT64_MAX;
		if (x <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)x;
	}
	return strtoll(v, NULL, 10);
}

static double p_col_double(struct db_stmt *st, int i)
{
	struct pstmt *s = PS(st);
	const char *v = value(s, i);
	if (!v)
		return NAN;
	if (pq.PQftype(s->res, i) == OID_BOOL)
		return v[0] == 't' ? 1.0 : 0.0;
	return text_double(v);
}

static const char *p_col_text(struct db_stmt *st, int i)
{
	struct pstmt *s = PS(st);
	const char *v = value(s, i);
	if (v && pq.PQftype(s->res, i) == OID_BOOL)
		return v[0] == 't' ? "1" : "0"; /* as SQLite's 1 = 1 */
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes BYTEA output ("\x0aff..." since PostgreSQL 9.0) into bl. */
static int decode_bytea(const char *v, struct pblob *bl)
{
	size_t len = strlen(v);
	free(bl->p);
	bl->p = NULL;
	bl->n = 0;
	if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
		size_t n = (len - 2) / 2;
		bl->p = malloc(n ? n : 1);
		if (!bl->p)
			return -1;
		for (size_t k = 0; k < n; k++) {
			int hi = hexval(v[2 + 2 * k]),
			    lo = hexval(v[3 + 2 * k]);
			if (hi < 0 || lo < 0)
				return -1;
			bl->p[k] = (unsigned char)(hi << 4 | lo);
		}
		bl->n = n;
		return 0;
	}
	/* the old escape format, should bytea_output be 'escape' */
	size_t n = 0;
	unsigned char *u = pq.PQunescapeBytea((const unsigned char *)v, &n);
	if (!u)
		return -1;
	bl->p = malloc(n ? n : 1);
	if (bl->p)
		memcpy(bl->p, u, n);
	pq.PQfreemem(u);
	if (!bl->p)
		return -1;
	bl->n = n;
	return 0;
}

static const void *p_col_blob(struct db_stmt *st, int i, size_t *n)
{
	struct pstmt *s = PS(st);
	const char *v = value(s, i);
	*n = 0;
	if (!v)
		return NULL;
	if (pq.PQftype(s->res, i) != OID_BYTEA) {
		/* as SQLite: the bytes of the text */
		*n = strlen(v);
		return v;
	}
	int nc = pq.PQnfields(s->res);
	if (!s->blobs) {
		s->blobs = calloc((size_t)nc, sizeof *s->blobs);
		if (!s->blobs)
			return NULL;
		for (int k = 0; k < nc; k++)
			s->blobs[k].row = -1;
	}
	struct pblob *bl = &s->blobs[i];
	if (bl->row != s->row) {
		bl->row = -1;
		if (decode_bytea(v, bl) != 0)
			return NULL;
		bl->row = s->row;
	}
	*n = bl->n;
	return bl->p;
}

/* ---- bulk writes ------------------------------------------------------ */

/*
 * The rows of a bulk statement (db.h).  The first BULK_DIRECT rows after
 * each flush run as the statement itself, so that an edit of a few rows
 * costs what it always did; the rest are kept as COPY text and written by
 * the next flush:
 *   CREATE TEMP TABLE pg_temp.dti_bulk ON COMMIT DROP AS SELECT <cols>
 *       FROM <table> WITH NO DATA     (the target's column types, no rows)
 *   COPY pg_temp.dti_bulk (<cols>) FROM STDIN
 *   INSERT INTO <table> ... SELECT ... ON CONFLICT ... DO UPDATE,
 *   UPDATE <table> ... FROM pg_temp.dti_bulk ..., or
 *   DELETE FROM <table> USING pg_temp.dti_bulk ...; DROP TABLE ...
 * and for DB_BULK_INSERT only COPY <table> (<cols>) FROM STDIN.
 * The text goes through the same input functions as a bound parameter, so
 * the rows stored are those the statement would have stored.  The scratch
 * table lives inside the transaction (a flush outside one opens its own):
 * a failure leaves nothing once the transaction is rolled back.  A
 * statement's text is flushed by itself every BULK_FLUSH_BYTES, which
 * bounds its memory.
 */
#define BULK_DIRECT      8
#define BULK_FLUSH_BYTES ((size_t)8 << 20)

struct pbulk {
	char *create_sql, *copy_sql, *apply_sql;
	char what[96];       /* the start of its error messages */
	struct dti_buf rows; /* COPY text of the rows queued */
	size_t queued;
	int direct; /* rows run one by one since the last flush */
};

static void bulk_free(struct pbulk *b)
{
	if (!b)
		return;
	free(b->create_sql);
	free(b->copy_sql);
	free(b->apply_sql);
	dti_buf_release(&b->rows);
	free(b);
}

/* "c1, c2, ..." of cols[from..to). */
static void add_cols(struct dti_buf *b, const char *const *cols, int from,
                     int to)
{
	for (int i = from; i < to; i++)
		dti_buf_addf(b, "%s%s", i > from ? ", " : "", cols[i]);
}

/* Moves the text of b into *out (NULL-terminated); b is left empty. */
static enum dti_status take_sql(struct dti_buf *b, char **out)
{
	enum dti_status st = dti_buf_addc(b, '\0');
	if (st != DTI_OK) {
		dti_buf_release(b);
		return st;
	}
	*out = b->data;
	dti_buf_init(b, 0);
	return DTI_OK;
}

static enum dti_status bulk_sql(struct pbulk *k, enum db_bulk_op op,
                                const char *table, const char *const *cols,
                                int ncols, int nkeys)
{
	struct dti_buf b;
	dti_buf_init(&b, 0);
	if (op == DB_BULK_INSERT) {
		/* new rows: COPY straight into the table */
		dti_buf_addf(&b, "COPY %s (", table);
		add_cols(&b, cols, 0, ncols);
		dti_buf_adds(&b, ") FROM STDIN");
		return take_sql(&b, &k->copy_sql);
	}
	dti_buf_adds(&b, "CREATE TEMP TABLE pg_temp.dti_bulk ON COMMIT DROP "
	                 "AS SELECT ");
	add_cols(&b, cols, 0, ncols);
	dti_buf_addf(&b, " FROM %s WITH NO DATA", table);
	enum dti_status st = take_sql(&b, &k->create_sql);
	if (st != DTI_OK)
		return st;
	dti_buf_adds(&b, "COPY pg_temp.dti_bulk (");
	add_cols(&b, cols, 0, ncols);
	dti_buf_adds(&b, ") FROM STDIN");
	st = take_sql(&b, &k->copy_sql);
	if (st != DTI_OK)
		return st;
	if (op == DB_BULK_DELETE) {
		dti_buf_addf(&b,
		             "DELETE FROM %s AS t USING pg_temp.dti_bulk AS b "
		             "WHERE ",
		             table);
		for (int i = 0; i < nkeys; i++)
			dti_buf_addf(&b, "%st.%s = b.%s", i ? " AND " : "",
			             cols[i], cols[i]);
	} else if (op == DB_BULK_UPDATE) {
		dti_buf_addf(&b, "UPDATE %s AS t SET ", table);
		for (int i = nkeys; i < ncols; i++)
			dti_buf_addf(&b, "%s%s = b.%s", i > nkeys ? ", " : "",
			             cols[i], cols[i]);
		dti_buf_adds(&b, " FROM pg_temp.dti_bulk AS b WHERE ");
		for (int i = 0; i < nkeys; i++)
			dti_buf_addf(&b, "%st.%s = b.%s", i ? " AND " : "",
			             cols[i], cols[i]);
	} else {
		dti_buf_addf(&b, "INSERT INTO %s (", table);
		add_cols(&b, cols, 0, ncols);
		dti_buf_adds(&b, ") SELECT ");
		add_cols(&b, cols, 0, ncols);
		dti_buf_adds(&b, " FROM pg_temp.dti_bulk ON CONFLICT (");
		add_cols(&b, cols, 0, nkeys);
		if (nkeys == ncols) {
			dti_buf_adds(&b, ") DO NOTHING");
		} else {
			dti_buf_adds(&b, ") DO UPDATE SET ");
			for (int i = nkeys; i < ncols; i++)
				dti_buf_addf(&b, "%s%s = excluded.%s",
				             i > nkeys ? ", " : "", cols[i],
				             cols[i]);
		}
	}
	dti_buf_adds(&b, "; DROP TABLE pg_temp.dti_bulk");
	return take_sql(&b, &k->apply_sql);
}

static enum dti_status p_prepare_bulk(struct db *db, enum db_bulk_op op,
                                      const char *table,
                                      const char *const *cols, int ncols,
                                      int nkeys, struct db_stmt **out,
                                      struct dti_error *err)
{
	char *sql = db_bulk_row_sql(op, table, cols, ncols, nkeys);
	if (!sql)
		return dti_err_nomem(err);
	enum dti_status st = p_prepare(db, sql, out, err);
	free(sql);
	if (st != DTI_OK)
		return st;
	struct pbulk *k = calloc(1, sizeof *k);
	if (!k || bulk_sql(k, op, table, cols, ncols, nkeys) != DTI_OK) {
		bulk_free(k);
		p_finalize(*out);
		*out = NULL;
		return dti_err_nomem(err);
	}
	dti_buf_init(&k->rows, 0);
	dti_snprintf(k->what, sizeof k->what, "cannot write the rows of %s",
	             table);
	PS(*out)->bulk = k;
	return DTI_OK;
}

/* Appends n bytes of a text value, escaped for COPY's text format. */
static void copy_text(struct dti_buf *b, const char *v, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = NULL;
		switch (v[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		dti_buf_add(b, v + run, i - run);
		dti_buf_adds(b, esc);
		run = i + 1;
	}
	dti_buf_add(b, v + run, n - run);
}

/* Appends the bound row to the COPY text. */
static enum dti_status bulk_queue(struct pstmt *s)
{
	static const char hex[] = "0123456789abcdef";
	struct dti_buf *b = &s->bulk->rows;
	for (int i = 0; i < s->base.nparams; i++) {
		const char *v = s->values[i];
		if (i)
			dti_buf_addc(b, '\t');
		if (!v) {
			dti_buf_adds(b, "\\N");
		} else if (s->formats[i] == 1) {
			/* BYTEA's hex input, its backslash escaped */
			dti_buf_adds(b, "\\\\x");
			for (int k = 0; k < s->lengths[i]; k++) {
				unsigned char c = (unsigned char)v[k];
				char two[2] = {hex[c >> 4], hex[c & 15]};
				dti_buf_add(b, two, 2);
			}
		} else {
			copy_text(b, v, (size_t)s->lengths[i]);
		}
	}
	return dti_buf_addc(b, '\n');
}

/* COPY of the queued text into the scratch table. */
static enum dti_status bulk_copy(struct pdb *d, struct pbulk *k,
                                 struct dti_error *err)
{
	PGresult *res = pq.PQexec(d->h, k->copy_sql);
	if (!res || pq.PQresultStatus(res) != PGRES_COPY_IN) {
		enum dti_status st = map_error(d, res, err, k->what);
		pq.PQclear(res);
		return st;
	}
	pq.PQclear(res);
	int ok = 1;
	for (size_t off = 0; ok && off < k->rows.len;) {
		size_t n = k->rows.len - off;
		if (n > ((size_t)1 << 20))
			n = (size_t)1 << 20;
		ok = pq.PQputCopyData(d->h, k->rows.data + off, (int)n) == 1;
		off += n;
	}
	if (pq.PQputCopyEnd(d->h, ok ? NULL : "the rows could not be sent") !=
	    1)
		ok = 0;
	enum dti_status st = DTI_OK;
	res = pq.PQgetResult(d->h);
	if (!res || pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		st = map_error(d, res, err, k->what);
	else if (!ok)
		st = map_error(d, NULL, err, k->what);
	pq.PQclear(res);
	while ((res = pq.PQgetResult(d->h)) != NULL)
		pq.PQclear(res);
	return st;
}

static enum dti_status bulk_write(struct pstmt *s, struct dti_error *err)
{
	struct pbulk *k = s->bulk;
	struct pdb *d = (struct pdb *)s->base.db;
	k->direct = 0;
	if (!k->queued)
		return DTI_OK;
	enum dti_status st = dti_buf_status(&k->rows);
	if (st != DTI_OK) {
		st = st == DTI_ENOMEM
		         ? dti_err_nomem(err)
		         : dti_err_set(err, st, d->where, 0, 0, "",
		                       "%s: too much data at once", k->what);
	}
	/* the scratch table lives in a transaction: outside one, its own */
	int own = st == DTI_OK && pq.PQtransactionStatus(d->h) == PQTRANS_IDLE;
	if (own)
		st = run_plain(d, "BEGIN", err, k->what);
	if (st == DTI_OK && k->create_sql)
		st = run_plain(d, k->create_sql, err, k->what);
	if (st == DTI_OK)
		st = bulk_copy(d, k, err);
	if (st == DTI_OK && k->apply_sql)
		st = run_plain(d, k->apply_sql, err, k->what);
	if (own && st == DTI_OK)
		st = run_plain(d, "COMMIT", err, k->what);
	else if (own)
		pq.PQclear(pq.PQexec(d->h, "ROLLBACK"));
	dti_buf_reset(&k->rows);
	k->queued = 0;
	return st;
}

static enum dti_status bulk_step(struct pstmt *s, int *row,
                                 struct dti_error *err)
{
	struct pbulk *k = s->bulk;
	if (k->direct < BULK_DIRECT) {
		k->direct++;
		return run_stmt(s, row, err);
	}
	*row = 0;
	s->ran = 1;
	s->row = s->nrows = 0;
	s->changes = 0;
	k->queued++;
	enum dti_status st = bulk_queue(s);
	if (st != DTI_OK || k->rows.len >= BULK_FLUSH_BYTES)
		return bulk_write(s, err);
	return DTI_OK;
}

static enum dti_status p_bulk_flush(struct db_stmt *st, struct dti_error *err)
{
	struct pstmt *s = PS(st);
	if (!s->bulk)
		return DTI_OK;
	return bulk_write(s, err);
}

static const struct db_ops pg_ops = {
    .close = p_close,
    .exec = p_exec,
    .begin_write = p_begin_write,
    .begin_read = p_begin_read,
    .commit = p_commit,
    .rollback = p_rollback,
    .prepare = p_prepare,
    .bind_null = p_bind_null,
    .bind_int = p_bind_int,
    .bind_double = p_bind_double,
    .bind_text = p_bind_text,
    .bind_blob = p_bind_blob,
    .step = p_step,
    .reset = p_reset,
    .finalize = p_finalize,
    .changes = p_changes,
    .column_count = p_column_count,
    .column_name = p_column_name,
    .column_type = p_column_type,
    .col_int = p_col_int,
    .col_double = p_col_double,
    .col_text = p_col_text,
    .col_blob = p_col_blob,
    .prepare_bulk = p_prepare_bulk,
    .bulk_flush = p_bulk_flush,
};

/* ---- opening --------------------------------------------------------- */

/* Server notices (warnings at most) are not the library's to print. */
static void quiet_notices(void *arg, const char *message)
{
	DTI_UNUSED(arg);
	DTI_UNUSED(message);
}

/* "postgresql://user@host:port/db" from the parsed URI, no password. */
static void describe(const char *uri, char *out, size_t cap)
{
	const char *user = NULL, *host = NULL, *port = NULL, *dbname = NULL;
	PQconninfoOption *opts = pq.PQconninfoParse(uri, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "user") == 0)
			user = o->val;
		else if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0 && !host)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			dbname = o->val;
	}
	dti_snprintf(out, cap, "postgresql://%s%s%s%s%s/%s", user ? user : "",
	             user ? "@" : "", host ? host : "localhost",
	             port ? ":" : "", port ? port : "", dbname ? dbname : "");
	pq.PQconninfoFree(opts);
}

/*
 * Creates the collation "vi" (Vietnamese order, as db_sqlite.c registers)
 * when the server has ICU and the schema lacks it.  Best effort: a server
 * without ICU or a user without CREATE rights simply goes without.
 */
static void make_vi_collation(struct pdb *d)
{
	PGresult *res = pq.PQexec(
	    d->h, "SELECT EXISTS (SELECT 1 FROM pg_collation "
	          "WHERE collprovider = 'i') AND NOT EXISTS (SELECT 1 "
	          "FROM pg_collation WHERE collname = 'vi' AND "
	          "pg_collation_is_visible(oid))");
	int need = res && pq.PQresultStatus(res) == PGRES_TUPLES_OK &&
	           pq.PQntuples(res) == 1 && pq.PQgetvalue(res, 0, 0)[0] == 't';
	pq.PQclear(res);
	if (need)
		pq.PQclear(pq.PQexec(d->h, "CREATE COLLATION IF NOT EXISTS vi "
		                           "(provider = icu, locale = 'vi')"));
}

enum dti_status db_pg_open(const char *uri, struct db **out,
                           struct dti_error *err)
{
	*out = NULL;
	pthread_once(&pq_once, pq_load);
	if (pq_fault[0])
		return dti_err_set(err, DTI_EIO, "", 0, 0, NULL,
		                   "PostgreSQL's client library cannot be "
		                   "loaded (%s): install libpq5",
		                   pq_fault);
	char *perr = NULL;
	PQconninfoOption *check = pq.PQconninfoParse(uri, &perr);
	if (!check) {
		char msg[DTI_ERROR_MSG_MAX];
		one_line(msg, sizeof msg, perr ? perr : "out of memory");
		pq.PQfreemem(perr);
		return set_scrubbed(err, DTI_EARG, "", uri,
		                    "not a valid PostgreSQL URI: %s", msg);
	}
	pq.PQconninfoFree(check);

	struct pdb *d = calloc(1, sizeof *d);
	if (!d)
		return dti_err_nomem(err);
	d->base.ops = &pg_ops;
	d->base.kind = DB_PG;
	describe(uri, d->where, sizeof d->where);

	/* later keywords win: the URI may lower the timeout, not the
	 * encoding */
	const char *const keys[] = {"connect_timeout",
	                            "fallback_application_name", "dbname",
	                            "client_encoding", NULL};
	const char *const vals[] = {"10", "dti", uri, "UTF8", NULL};
	d->h = pq.PQconnectdbParams(keys, vals, 1);
	if (!d->h) {
		free(d);
		return dti_err_nomem(err);
	}
	if (pq.PQstatus(d->h) != CONNECTION_OK) {
		char msg[DTI_ERROR_MSG_MAX];
		one_line(msg, sizeof msg, pq.PQerrorMessage(d->h));
		enum dti_status st = set_scrubbed(
		    err, DTI_EIO, d->where, uri,
		    "cannot connect to PostgreSQL (host %s, port %s, "
		    "database %s): %s",
		    pq.PQhost(d->h) && *pq.PQhost(d->h) ? pq.PQhost(d->h)
		                                        : "default",
		    pq.PQport(d->h) && *pq.PQport(d->h) ? pq.PQport(d->h)
		                                        : "default",
		    pq.PQdb(d->h) ? pq.PQdb(d->h) : "default", msg);
		p_close(&d->base);
		return st;
	}
	pq.PQsetNoticeProcessor(d->h, quiet_notices, NULL);
	if (pq.PQsetClientEncoding(d->h, "UTF8") != 0) {
		p_close(&d->base);
		return dti_err_set(err, DTI_EIO, d->where, 0, 0, "",
		                   "PostgreSQL cannot send UTF-8 text");
	}
	enum dti_status st =
	    run_plain(d,
	              "SET client_min_messages = warning; "
	              "SET TIME ZONE 'UTC'; "
	              "SELECT set_config('lock_timeout', '30s', false) "
	              "WHERE current_setting('lock_timeout') = '0'",
	              err, "cannot set up the PostgreSQL session");
	if (st != DTI_OK) {
		p_close(&d->base);
		return st;
	}
	make_vi_collation(d);
	*out = &d->base;
	return DTI_OK;
}
