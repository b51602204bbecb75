/*
 * tests/unit/store/test_store_io.c - export, import and backup of a store
 * (lib/store/export.c), on SQLite files in a temporary directory.
 *
 * What must hold: an export imported into a fresh store exports to the same
 * bytes; an import either loads everything or changes nothing (a store
 * that is not empty, a malformed line, an unknown table or column, a wrong
 * JSON type, bad base64, a tampered audit chain, another schema version),
 * and its errors name the line and the field; blobs survive with every
 * byte value; a backup is a complete copy and never replaces a file.
 *
 * With $DTI_TEST_PG set to a postgresql:// URI of an empty database, the
 * same content also goes SQLite -> PostgreSQL -> SQLite unchanged.
 */
/* cmocka.h needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"
#include "testutil.h"

static char tmpdir[256];
static int nstores;

static int setup_dir(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/dti-store-io-XXXXXX",
	         t && *t ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A new, initialised SQLite store with a fixed clock. */
static struct dti_store *fresh_store(char *path_out, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/s%d.db", tmpdir, ++nstores);
	if (path_out)
		snprintf(path_out, n, "%s", path);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *s = NULL;
	assert_int_equal(dti_store_open(path, &s, &err), DTI_OK);
	assert_int_equal(store_test_clock(s, "2024-03-01T08:00:00Z"), DTI_OK);
	assert_int_equal(dti_store_init(s, &err), DTI_OK);
	dti_error_release(&err);
	return s;
}

static char *read_all(const char *rel, size_t *len)
{
	char *path = test_path(rel);
	assert_non_null(path);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return buf;
}

/* Users, the bundled provinces, a framework and a blob. */
static void fill(struct dti_store *s)
{
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_user_add(s, "an", "Nguyễn Văn An", NULL, &err),
	                 DTI_OK);
	assert_int_equal(dti_store_set_actor(s, "an", &err), DTI_OK);
	assert_int_equal(
	    dti_user_add(s, "binh", "Trần \"Bình\"\t\\", NULL, &err), DTI_OK);
	assert_int_equal(
	    dti_user_role(s, "binh", DTI_ROLE_OWNER, NULL, 1, &err), DTI_OK);
	size_t len;
	char *csv = read_all("data/units/vn-provinces.csv", &len);
	struct dti_units *u = NULL;
	assert_int_equal(
	    dti_units_parse(csv, len, "vn-provinces.csv", &u, &err), DTI_OK);
	assert_int_equal(
	    dti_store_units_import(s, u, "province", NULL, NULL, &err), DTI_OK);
	dti_units_free(u);
	free(csv);
	char *fw = read_all("frameworks/pdti-2022.csv", &len);
	char sha[65];
	assert_int_equal(
	    dti_store_framework_add(s, fw, len, "pdti-2022.csv", sha, &err),
	    DTI_OK);
	free(fw);
	/* a blob with every byte value, 0x00 and 0xFF included */
	unsigned char bytes[300];
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 7 + 255);
	bytes[0] = 0x00;
	bytes[1] = 0xFF;
	assert_int_equal(db_run(s->db, &err,
	                        "INSERT INTO blobs (sha, size, media_type, "
	                        "data) VALUES (?, ?, ?, ?)",
	                        "sisb", "feed", (int64_t)sizeof bytes,
	                        "application/octet-stream", bytes,
	                        sizeof bytes),
	                 DTI_OK);
	/* a REAL holding an integral value and one that is not */
	assert_int_equal(db_run(s->db, &err,
	                        "UPDATE units SET population = ? WHERE id = "
	                        "(SELECT MIN(id) FROM units)",
	                        "d", 1.0),
	                 DTI_OK);
	assert_int_equal(db_run(s->db, &err,
	                        "UPDATE units SET population = ? WHERE id = "
	                        "(SELECT MAX(id) FROM units)",
	                        "d", 0.1 + 0.2),
	                 DTI_OK);
	dti_error_release(&err);
}

static enum dti_status to_buf(void *ctx, const char *p, size_t n)
{
	return dti_buf_add(ctx, p, n);
}

/*
 * The whole export, secrets included: as the store's first admin when
 * nobody acts yet (a store without users needs nobody).
 */
static char *export_of(struct dti_store *s)
{
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	if (!dti_store_actor(s)) {
		char name[64] = "";
		struct db_stmt *q = NULL;
		int row = 0;
		assert_int_equal(
		    db_prepare(s->db,
		               "SELECT u.name FROM users u JOIN user_roles r "
		               "ON r.user_id = u.id WHERE r.role = 'admin' "
		               "ORDER BY u.id LIMIT 1",
		               &q, &err),
		    DTI_OK);
		assert_int_equal(db_step(q, &row, &err), DTI_OK);
		if (row)
			snprintf(name, sizeof name, "%s", db_col_text(q, 0));
		db_finalize(q);
		if (*name)
			assert_int_equal(dti_store_set_actor(s, name, &err),
			                 DTI_OK);
	}
	struct dti_export_opts eo;
	dti_export_opts_init(&eo);
	eo.with_secrets = 1;
	enum dti_status st = dti_store_export_with(s, &eo, to_buf, &b, &err);
	if (st)
		fail_msg("export: %s", err.message);
	dti_error_release(&err);
	return b.data;
}

/* The start of the last line (the trailer), or the end of text. */
static const char *last_line(const char *text)
{
	size_t n = strlen(text);
	if (n && text[n - 1] == '\n')
		n--;
	while (n && text[n - 1] != '\n')
		n--;
	return text + n;
}

/*
 * The text with a new trailer: rows counted again (unless keep_counts:
 * the old trailer's) and the digest of what comes before it; as someone
 * who edits an export and knows the format would make it.
 */
static char *reseal_with(const char *text, int keep_counts)
{
	const char *end = last_line(text);
	if (strncmp(end, "{\"dti_export_end\"", 17) != 0)
		end = text + strlen(text);
	struct dti_buf b = DTI_BUF_INIT;
	dti_buf_add(&b, text, (size_t)(end - text));
	char sha[65];
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, b.data ? b.data : "", b.len);
	dti_sha256_final(&h, sha);
	if (keep_counts) {
		const char *rows = strstr(end, "\"rows\":");
		assert_non_null(rows);
		size_t len = strcspn(rows, "}") + 1;
		dti_buf_addf(&b,
		             "{\"dti_export_end\":2,%.*s,\"sha256\":\"%s\"}\n",
		             (int)len, rows, sha);
		return b.data;
	}
	dti_buf_adds(&b, "{\"dti_export_end\":2,\"rows\":{");
	for (size_t i = 0; i < store_ntables; i++) {
		char pre[96];
		snprintf(pre, sizeof pre, "\n{\"table\":\"%s\",",
		         store_tables[i].name);
		long n = 0;
		for (const char *p = b.data; (p = strstr(p, pre)); p++)
			n++;
		dti_buf_addf(&b, "%s\"%s\":%ld", i ? "," : "",
		             store_tables[i].name, n);
	}
	dti_buf_addf(&b, "},\"sha256\":\"%s\"}\n", sha);
	return b.data;
}

static char *reseal(const char *text)
{
	return reseal_with(text, 0);
}

/* The text with line `line` (1-based) replaced by `with`, unsealed. */
static char *replace_line_raw(const char *text, unsigned line, const char *with)
{
	struct dti_buf b = DTI_BUF_INIT;
	const char *p = text;
	for (unsigned n = 1; *p; n++) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (n == line)
			dti_buf_adds(&b, with);
		else
			dti_buf_add(&b, p, len);
		dti_buf_addc(&b, '\n');
		p += len + (eol ? 1 : 0);
	}
	return b.data;
}

/* The same, with a trailer made anew (the line-level checks are tested). */
static char *replace_line(const char *text, unsigned line, const char *with)
{
	char *raw = replace_line_raw(text, line, with);
	char *t = reseal(raw);
	free(raw);
	return t;
}

/* The first line starting with prefix, as its number (0 if none). */
static unsigned line_of(const char *text, const char *prefix)
{
	unsigned n = 1;
	for (const char *p = text; *p; n++) {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return n;
		const char *eol = strchr(p, '\n');
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

/* Copies the first line starting with prefix into out. */
static void first_line(const char *text, const char *prefix, char *out,
                       size_t n)
{
	const char *p = strstr(text, prefix);
	assert_non_null(p);
	size_t len = p ? strcspn(p, "\n") : 0;
	assert_true(len < n);
	memcpy(out, p ? p : "", len);
	out[len] = '\0';
}

static void test_round_trip(void **state)
{
	(void)state;
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	assert_non_null(strstr(ea, "{\"dti_export\":2,\"schema\":"));
	assert_non_null(
	    strstr(ea, "\"backend\":\"sqlite\",\"secrets\":true}\n"));
	/* the trailer counts the rows and seals the rest */
	char *again = reseal(ea);
	assert_string_equal(ea, again);
	free(again);
	/* REAL columns: 1.0 as 1, 0.1 + 0.2 in shortest round-trip form */
	assert_non_null(strstr(ea, "\"population\":1}}\n"));
	assert_non_null(strstr(ea, "\"population\":0.30000000000000004}}"));
	/* text escaped */
	assert_non_null(strstr(ea, "\"Trần \\\"Bình\\\"\\t\\\\\""));

	struct dti_store *b = fresh_store(NULL, 0);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_import(b, ea, strlen(ea), "a", &err);
	if (st)
		fail_msg("import: %s (line %lu)", err.message, err.line);
	char *eb = export_of(b);
	assert_string_equal(ea, eb);
	/* the chain is intact; the blob written around the log is named */
	struct dti_audit_report rep;
	assert_int_equal(dti_audit_verify(b, &rep, &err), DTI_EINVALID);
	assert_int_equal(rep.bad_seq, 0);
	assert_string_equal(rep.table, "blobs");
	assert_string_equal(rep.key, "feed");
	assert_true(rep.events > 0);
	dti_error_release(&err);
	struct dti_store_status ss;
	assert_int_equal(dti_store_status(b, &ss, &err), DTI_OK);
	assert_true(ss.units >= 63);
	assert_int_equal(ss.users, 2);
	assert_int_equal(ss.blobs, 1);
	/* the store accepts further changes on top of the imported chain */
	assert_int_equal(dti_store_set_actor(b, "an", &err), DTI_OK);
	assert_int_equal(dti_user_add(b, "chi", "Chi", NULL, &err), DTI_OK);
	assert_int_equal(dti_audit_verify(b, &rep, &err), DTI_EINVALID);
	assert_int_equal(rep.bad_seq, 0);
	assert_string_equal(rep.table, "blobs");
	dti_error_release(&err);
	free(ea);
	free(eb);
	dti_store_close(a);
	dti_store_close(b);
}

static void test_blob_bytes(void **state)
{
	(void)state;
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	unsigned char want[300];
	for (size_t i = 0; i < sizeof want; i++)
		want[i] = (unsigned char)(i * 7 + 255);
	want[0] = 0x00;
	want[1] = 0xFF;
	/* 00 FF 0D ... : "AP8N" */
	assert_non_null(strstr(ea, "\"data\":{\"base64\":\"AP8N"));
	struct dti_store *b = fresh_store(NULL, 0);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_store_import(b, ea, strlen(ea), "a", &err),
	                 DTI_OK);
	struct db_stmt *q = NULL;
	assert_int_equal(db_prepare(b->db,
	                            "SELECT data FROM blobs WHERE sha = 'feed'",
	                            &q, &err),
	                 DTI_OK);
	int row = 0;
	assert_int_equal(db_step(q, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	size_t n = 0;
	const void *p = db_col_blob(q, 0, &n);
	assert_int_equal(n, sizeof want);
	assert_memory_equal(p, want, sizeof want);
	db_finalize(q);

	/* lengths 0, 1 and 2 modulo 3 (the padding) */
	for (int len = 0; len < 5; len++) {
		struct dti_store *c = fresh_store(NULL, 0);
		assert_int_equal(db_run(c->db, &err,
		                        "INSERT INTO blobs (sha, size, "
		                        "media_type, data) VALUES (?, ?, ?, ?)",
		                        "sisb", "x", (int64_t)len, "a/b",
		                        want + 1, (size_t)len),
		                 DTI_OK);
		char *ec = export_of(c);
		struct dti_store *d = fresh_store(NULL, 0);
		assert_int_equal(dti_store_import(d, ec, strlen(ec), "c", &err),
		                 DTI_OK);
		char *ed = export_of(d);
		assert_string_equal(ec, ed);
		free(ec);
		free(ed);
		dti_store_close(c);
		dti_store_close(d);
	}
	dti_error_release(&err);
	free(ea);
	dti_store_close(a);
	dti_store_close(b);
}

static void test_not_empty(void **state)
{
	(void)state;
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	struct dti_error err = DTI_ERROR_INIT;
	/* into itself */
	assert_int_equal(dti_store_import(a, ea, strlen(ea), "a", &err),
	                 DTI_ESTATE);
	assert_non_null(strstr(err.message, "not empty"));
	char *after = export_of(a);
	assert_string_equal(ea, after);
	free(after);
	dti_error_release(&err);

	/* a store with only a user in it */
	struct dti_store *b = fresh_store(NULL, 0);
	assert_int_equal(dti_user_add(b, "x", "", NULL, &err), DTI_OK);
	char *before = export_of(b);
	assert_int_equal(dti_store_import(b, ea, strlen(ea), "a", &err),
	                 DTI_ESTATE);
	after = export_of(b);
	assert_string_equal(before, after);
	free(before);
	free(after);
	dti_error_release(&err);

	/* an uninitialised store */
	char path[512];
	snprintf(path, sizeof path, "%s/uninit.db", tmpdir);
	struct dti_store *c = NULL;
	assert_int_equal(dti_store_open(path, &c, &err), DTI_OK);
	assert_int_equal(dti_store_import(c, ea, strlen(ea), "a", &err),
	                 DTI_ESTATE);
	dti_error_release(&err);
	dti_store_close(c);
	free(ea);
	dti_store_close(a);
	dti_store_close(b);
}

/* Imports text into a fresh store: expects code at line/field, no change. */
static void refused(const char *text, enum dti_status code, unsigned long line,
                    const char *field, const char *msg)
{
	struct dti_store *s = fresh_store(NULL, 0);
	char *empty = export_of(s);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_import(s, text, strlen(text), "x", &err);
	if (st != code || err.line != line ||
	    (field && strcmp(err.field, field) != 0) ||
	    (msg && !strstr(err.message, msg)))
		fail_msg("got status %d at line %lu field '%s': %s; wanted %d "
		         "at line %lu field '%s' saying '%s'",
		         st, err.line, err.field, err.message, code, line,
		         field ? field : "", msg ? msg : "");
	assert_string_equal(err.file, "x");
	char *after = export_of(s);
	assert_string_equal(empty, after);
	free(empty);
	free(after);
	dti_error_release(&err);
	dti_store_close(s);
}

static void test_malformed(void **state)
{
	(void)state;
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	unsigned lu = line_of(ea, "{\"table\":\"units\"");
	unsigned lb = line_of(ea, "{\"table\":\"blobs\"");
	unsigned la = line_of(ea, "{\"table\":\"audit\"");
	assert_true(lu > 3 && lb > 3 && la > 2);
	char *t;

	t = replace_line(ea, lu + 2, "{\"table\":\"units\",\"row\":{\"id\":");
	refused(t, DTI_ESYNTAX, lu + 2, NULL, NULL);
	free(t);
	t = replace_line(ea, 7, "[1,2,3]");
	refused(t, DTI_ESYNTAX, 7, NULL, NULL);
	free(t);
	t = replace_line(ea, lu, "{\"table\":\"nope\",\"row\":{}}");
	refused(t, DTI_EINVALID, lu, "table", "unknown table 'nope'");
	free(t);
	t = replace_line(ea, 3, "");
	refused(t, DTI_ESYNTAX, 3, NULL, "empty line");
	free(t);

	/* an unknown column, a missing one, a wrong JSON type */
	t = replace_line(ea, lb,
	                 "{\"table\":\"blobs\",\"row\":{\"sha\":\"feed\","
	                 "\"size\":1,\"media_type\":\"a/b\",\"data\":{"
	                 "\"base64\":\"AA==\"},\"colour\":\"red\"}}");
	refused(t, DTI_EINVALID, lb, "blobs.colour", "unknown column");
	free(t);
	t = replace_line(ea, lb,
	                 "{\"table\":\"blobs\",\"row\":{\"sha\":\"feed\","
	                 "\"media_type\":\"a/b\",\"data\":{"
	                 "\"base64\":\"AA==\"}}}");
	refused(t, DTI_EINVALID, lb, "blobs.size", "lacks");
	free(t);
	t = replace_line(ea, lb,
	                 "{\"table\":\"blobs\",\"row\":{\"sha\":\"feed\","
	                 "\"size\":\"1\",\"media_type\":\"a/b\",\"data\":{"
	                 "\"base64\":\"AA==\"}}}");
	refused(t, DTI_EINVALID, lb, "blobs.size", "integer");
	free(t);
	t = replace_line(ea, lb,
	                 "{\"table\":\"blobs\",\"row\":{\"sha\":\"feed\","
	                 "\"size\":1,\"media_type\":\"a/b\",\"data\":{"
	                 "\"base64\":\"A*==\"}}}");
	refused(t, DTI_EINVALID, lb, "blobs.data", "base64");
	free(t);
	t = replace_line(ea, lb,
	                 "{\"table\":\"blobs\",\"row\":{\"sha\":\"feed\","
	                 "\"size\":1,\"media_type\":\"a/b\",\"data\":"
	                 "\"AA==\"}}");
	refused(t, DTI_EINVALID, lb, "blobs.data", "base64");
	free(t);
	t = replace_line(ea, lu, "{\"table\":\"units\",\"row\":{\"id\":1}}");
	refused(t, DTI_EINVALID, lu, "units.id", "string");
	free(t);
	/* a duplicate key is the database's refusal, at its line */
	unsigned lus = line_of(ea, "{\"table\":\"users\"");
	char dup[1024];
	first_line(ea, "{\"table\":\"users\"", dup, sizeof dup);
	t = replace_line(ea, lus + 1, dup);
	refused(t, DTI_EEXIST, lus + 1, "users", NULL);
	free(t);
	/* also far into a table (rows a bulk insert holds back) */
	unsigned nunits = 0;
	for (const char *q = ea; (q = strstr(q, "{\"table\":\"units\"")); q++)
		nunits++;
	assert_true(nunits > 20);
	char first_unit[4096];
	first_line(ea, "{\"table\":\"units\"", first_unit, sizeof first_unit);
	t = replace_line(ea, lu + nunits - 1, first_unit);
	refused(t, DTI_EEXIST, lu + nunits - 1, "units", NULL);
	free(t);

	/* a tampered audit event; a truncated chain */
	char bad[4096];
	first_line(ea, "{\"table\":\"audit\"", bad, sizeof bad);
	char *act = strstr(bad, "\"actor\":\"");
	assert_non_null(act);
	act[9] = act[9] == 'x' ? 'y' : 'x';
	t = replace_line(ea, la, bad);
	refused(t, DTI_EINVALID, la, "audit.hash", "altered");
	free(t);
	t = replace_line(ea, lus - 1,
	                 "{\"table\":\"unit_groups\",\"row\":"
	                 "{\"id\":\"zz\",\"name_vi\":\"\","
	                 "\"name_en\":\"\"}}");
	refused(t, DTI_EINVALID, 0, "audit_head", "last event");
	free(t);

	/* the header: not an export, another schema version */
	refused("hello\n", DTI_ESYNTAX, 1, NULL, NULL);
	refused("{\"x\":1}\n", DTI_ESYNTAX, 1, "dti_export", NULL);
	refused("", DTI_ESYNTAX, 1, NULL, "empty");
	char hdr[200];
	snprintf(hdr, sizeof hdr,
	         "{\"dti_export\":2,\"schema\":%d,\"secrets\":false}\n",
	         dti_store_schema_latest() - 1);
	t = reseal(hdr);
	refused(t, DTI_ESTATE, 1, "schema", "migrate");
	free(t);
	/* format 1 (no trailer) is not read */
	snprintf(hdr, sizeof hdr,
	         "{\"dti_export\":1,\"schema\":%d,\"secrets\":false}\n",
	         dti_store_schema_latest());
	t = reseal(hdr);
	refused(t, DTI_EINVALID, 1, "dti_export", "format 1");
	free(t);
	snprintf(hdr, sizeof hdr,
	         "{\"dti_export\":2,\"schema\":%d,\"secrets\":false}\n",
	         dti_store_schema_latest());
	t = reseal(hdr);
	struct dti_store *s = fresh_store(NULL, 0);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_store_import(s, t, strlen(t), "h", &err), DTI_OK);
	free(t);
	dti_error_release(&err);
	dti_store_close(s);
	free(ea);
	dti_store_close(a);
}

/*
 * REAL columns print as dti_buf_add_shortest() would (export finds the
 * same text faster), -0 as 0, over magnitudes around every boundary of
 * the format and random bit patterns.
 */
static void test_real_text(void **state)
{
	(void)state;
	struct dti_store *s = fresh_store(NULL, 0);
	struct dti_error err = DTI_ERROR_INIT;
	double vals[4000];
	size_t n = 0;
	static const double fixed[] = {
	    0.0,        -0.0,
	    1.0,        -1.0,
	    0.1,        1e-4,
	    9.9e-5,     1.5e-4,
	    1e15,       999999999999999.0,
	    1e15 - 0.5, 1e15 + 2,
	    99999.5,    123456789.125,
	    5e-324,     1.7976931348623157e308,
	    2.5,        1e22,
	    1e21,       0.30000000000000004,
	    716.3,      -0.85,
	    1e-5,       12345678901234567890.0,
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		vals[n++] = fixed[i];
	for (int k = 1; k < 400; k++) {
		vals[n++] = k / 7.0;
		vals[n++] = -k * 1000.0 / 3.0;
		vals[n++] = (double)k * 1e13 + 0.5;
	}
	uint64_t x = 88172645463325252ULL;
	while (n < sizeof vals / sizeof vals[0]) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double d;
		memcpy(&d, &x, sizeof d);
		if (isfinite(d))
			vals[n++] = d;
	}
	assert_int_equal(db_exec(s->db, "BEGIN", &err), DTI_OK);
	for (size_t i = 0; i < n; i++) {
		char id[16];
		snprintf(id, sizeof id, "u%05zu", i);
		assert_int_equal(db_run(s->db, &err,
		                        "INSERT INTO units (id, code, name_vi, "
		                        "level, population) VALUES (?, ?, ?, "
		                        "'x', ?)",
		                        "sssd", id, id, id, vals[i]),
		                 DTI_OK);
	}
	assert_int_equal(db_exec(s->db, "COMMIT", &err), DTI_OK);
	char *e = export_of(s);
	const char *p = e;
	for (size_t i = 0; i < n; i++) {
		p = strstr(p, "\"population\":");
		assert_non_null(p);
		p += strlen("\"population\":");
		struct dti_buf want = DTI_BUF_INIT;
		dti_buf_add_shortest(&want, vals[i] == 0 ? 0.0 : vals[i]);
		size_t len = strcspn(p, "}");
		if (len != want.len || memcmp(p, want.data, len) != 0)
			fail_msg("value %.17g: export wrote '%.*s', want '%s'",
			         vals[i], (int)len, p, want.data);
		dti_buf_release(&want);
	}
	/* and the text reads back to the same value */
	struct dti_store *b = fresh_store(NULL, 0);
	assert_int_equal(dti_store_import(b, e, strlen(e), "e", &err), DTI_OK);
	char *eb = export_of(b);
	assert_string_equal(e, eb);
	free(eb);
	free(e);
	dti_error_release(&err);
	dti_store_close(s);
	dti_store_close(b);
}

static void test_backup(void **state)
{
	(void)state;
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	char path[512];
	snprintf(path, sizeof path, "%s/backup.db", tmpdir);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_store_backup(a, path, &err), DTI_OK);
	/* never over an existing file */
	assert_int_equal(dti_store_backup(a, path, &err), DTI_EEXIST);
	dti_error_release(&err);
	struct dti_store *b = NULL;
	assert_int_equal(dti_store_open(path, &b, &err), DTI_OK);
	char *eb = export_of(b);
	assert_string_equal(ea, eb);
	dti_store_close(b);
	/* no temporary files left beside it */
	char cmd[700];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", tmpdir);
	assert_int_not_equal(system(cmd), 0);
	/* into a directory that does not exist */
	snprintf(path, sizeof path, "%s/no/such/dir.db", tmpdir);
	assert_int_equal(dti_store_backup(a, path, &err), DTI_EIO);
	dti_error_release(&err);
	free(ea);
	free(eb);
	dti_store_close(a);
}

static void test_postgres(void **state)
{
	(void)state;
	const char *uri = getenv("DTI_TEST_PG");
	if (!uri || !*uri)
		skip();
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *p = NULL;
	assert_int_equal(dti_store_open(uri, &p, &err), DTI_OK);
	assert_int_equal(dti_store_init(p, &err), DTI_OK);
	/*
	 * refusals leave the server's database as it was: a duplicate key
	 * (a refused batch, found again row by row) and a bad line late on
	 */
	unsigned lus = line_of(ea, "{\"table\":\"users\"");
	char dup[1024];
	first_line(ea, "{\"table\":\"users\"", dup, sizeof dup);
	char *t = replace_line(ea, lus + 1, dup);
	assert_int_equal(dti_store_import(p, t, strlen(t), "t", &err),
	                 DTI_EEXIST);
	assert_int_equal(err.line, lus + 1);
	free(t);
	dti_error_release(&err);
	unsigned lb = line_of(ea, "{\"table\":\"blobs\"");
	t = replace_line(ea, lb, "{\"table\":\"blobs\"");
	assert_int_equal(dti_store_import(p, t, strlen(t), "t", &err),
	                 DTI_ESYNTAX);
	assert_int_equal(err.line, lb);
	free(t);
	dti_error_release(&err);
	struct dti_store_status ss;
	assert_int_equal(dti_store_status(p, &ss, &err), DTI_OK);
	assert_int_equal(ss.units + ss.users + ss.audit_events, 0);
	enum dti_status st = dti_store_import(p, ea, strlen(ea), "a", &err);
	if (st)
		fail_msg("import into PostgreSQL: %s", err.message);
	/* a server set to round floats must not change the export */
	assert_int_equal(db_exec(p->db, "SET extra_float_digits = 0", &err),
	                 DTI_OK);
	char *ep = export_of(p);
	const char *sq = strstr(ea, "\"backend\":\"sqlite\"");
	const char *pq = strstr(ep, "\"backend\":\"postgresql\"");
	assert_non_null(sq);
	assert_non_null(pq);
	/* the same rows between header and trailer */
	size_t la_ = (size_t)(last_line(ea) - strchr(ea, '\n'));
	size_t lp_ = (size_t)(last_line(ep) - strchr(ep, '\n'));
	assert_int_equal(la_, lp_);
	assert_memory_equal(strchr(ea, '\n'), strchr(ep, '\n'), la_);
	struct dti_store *b = fresh_store(NULL, 0);
	assert_int_equal(dti_store_import(b, ep, strlen(ep), "p", &err),
	                 DTI_OK);
	char *eb = export_of(b);
	assert_string_equal(ea, eb);
	assert_int_equal(dti_store_backup(p, "/nonexistent", &err),
	                 DTI_EINVALID);
	assert_non_null(strstr(err.message, "pg_dump"));
	dti_error_release(&err);
	free(ea);
	free(ep);
	free(eb);
	dti_store_close(a);
	dti_store_close(b);
	dti_store_close(p);
}

/*
 * The trailer: an export cut short, edited, or with a row removed and the
 * digest made again, is refused before anything is loaded.
 */
static void test_sealed(void **state)
{
	(void)state;
	struct dti_store *a = fresh_store(NULL, 0);
	fill(a);
	char *ea = export_of(a);
	unsigned nlines = 0;
	for (const char *p = ea; *p; p++)
		nlines += *p == '\n';
	const char *tr = last_line(ea);
	assert_non_null(strstr(tr, "\"rows\":{\"schema_migrations\":"));
	assert_non_null(strstr(tr, "\"users\":2,"));

	/* cut: the last lines gone, or only the trailer's end */
	char *t = strdup(ea);
	char *cut = (char *)last_line(t);
	cut[-1] = '\0';
	*(char *)last_line(t) = '\0';
	refused(t, DTI_EINVALID, nlines - 2, "dti_export_end", "cut short");
	free(t);
	t = strdup(ea);
	t[strlen(t) - 20] = '\0';
	refused(t, DTI_EINVALID, nlines, "dti_export_end", "cut short");
	free(t);

	/* one value edited, the JSON still valid */
	unsigned lu = line_of(ea, "{\"table\":\"users\"");
	char row[1024];
	first_line(ea, "{\"table\":\"users\"", row, sizeof row);
	char *dn = strstr(row, "\"display_name\":\"");
	assert_non_null(dn);
	dn[16] = dn[16] == 'X' ? 'Y' : 'X';
	t = replace_line_raw(ea, lu, row);
	refused(t, DTI_EINVALID, nlines, "sha256", "changed after");
	free(t);

	/* a row removed and the digest made again: the counts tell */
	unsigned lb = line_of(ea, "{\"table\":\"blobs\"");
	char *raw = replace_line_raw(ea, lb, "");
	char *gone = strstr(raw, "\n\n");
	assert_non_null(gone);
	memmove(gone + 1, gone + 2, strlen(gone + 2) + 1);
	t = reseal_with(raw, 1);
	refused(t, DTI_EINVALID, nlines - 1, "rows.blobs", "holds 0");
	free(t);
	free(raw);

	/* an untouched export still loads */
	struct dti_store *b = fresh_store(NULL, 0);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_store_import(b, ea, strlen(ea), "a", &err),
	                 DTI_OK);
	dti_error_release(&err);
	dti_store_close(b);
	free(ea);
	dti_store_close(a);
}

static char *export_as(struct dti_store *s, const char *user, int secrets,
                       enum dti_status want)
{
	struct dti_error err = DTI_ERROR_INIT;
	if (user)
		assert_int_equal(dti_store_set_actor(s, user, &err), DTI_OK);
	else
		assert_int_equal(dti_store_set_actor(s, NULL, &err), DTI_OK);
	struct dti_export_opts eo;
	dti_export_opts_init(&eo);
	eo.with_secrets = secrets;
	struct dti_buf b = DTI_BUF_INIT;
	enum dti_status st = dti_store_export_with(s, &eo, to_buf, &b, &err);
	if (st != want)
		fail_msg("export as %s%s: %d (%s), wanted %d",
		         user ? user : "nobody", secrets ? " with secrets" : "",
		         st, err.message, want);
	if (st)
		assert_int_equal(b.len, 0);
	dti_error_release(&err);
	return b.data;
}

/*
 * Who may export and back up, and what an export without secrets holds
 * instead of password and token hashes.
 */
static void test_export_roles(void **state)
{
	(void)state;
	struct dti_store *e = fresh_store(NULL, 0);
	/* no user yet: anyone */
	free(export_as(e, NULL, 0, DTI_OK));
	free(export_as(e, NULL, 1, DTI_OK));
	dti_store_close(e);

	struct dti_store *s = fresh_store(NULL, 0);
	fill(s); /* an (admin), binh (owner) */
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_store_set_actor(s, "an", &err), DTI_OK);
	assert_int_equal(dti_user_passwd(s, "an", "correct horse", &err),
	                 DTI_OK);
	char tok[DTI_TOKEN_MAX];
	assert_int_equal(dti_user_token(s, "binh", "ci", tok, &err), DTI_OK);
	assert_int_equal(dti_user_add(s, "vy", "Vy", NULL, &err), DTI_OK);
	assert_int_equal(dti_user_role(s, "vy", DTI_ROLE_VIEWER, NULL, 1, &err),
	                 DTI_OK);
	assert_int_equal(dti_user_add(s, "rin", "Rin", NULL, &err), DTI_OK);
	assert_int_equal(
	    dti_user_role(s, "rin", DTI_ROLE_REVIEWER, NULL, 1, &err), DTI_OK);

	free(export_as(s, NULL, 0, DTI_EPERM));
	free(export_as(s, "vy", 0, DTI_EPERM));
	free(export_as(s, "rin", 0, DTI_EPERM));
	free(export_as(s, "binh", 1, DTI_EPERM));
	char *owner = export_as(s, "binh", 0, DTI_OK);
	char *admin = export_as(s, "an", 0, DTI_OK);
	char *full = export_as(s, "an", 1, DTI_OK);
	assert_string_equal(owner, admin);
	assert_non_null(strstr(owner, "\"secrets\":false}\n"));
	assert_non_null(strstr(full, "\"secrets\":true}\n"));
	/* without secrets: no hash at all */
	assert_null(strstr(owner, "$argon2"));
	assert_non_null(strstr(full, "$argon2"));
	assert_non_null(strstr(owner, "\"password_hash\":null"));
	char want[64];
	struct db_stmt *q = NULL;
	int row = 0;
	assert_int_equal(
	    db_prepare(s->db, "SELECT id, hash FROM tokens", &q, &err), DTI_OK);
	assert_int_equal(db_step(q, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	snprintf(want, sizeof want, "\"hash\":\"redacted:%lld\"",
	         (long long)db_col_int(q, 0));
	char hash[80];
	snprintf(hash, sizeof hash, "%s", db_col_text(q, 1));
	db_finalize(q);
	assert_non_null(strstr(owner, want));
	assert_null(strstr(owner, hash));
	assert_non_null(strstr(full, hash));

	/* both forms load; the one with secrets gives the same export back */
	struct dti_store *b = fresh_store(NULL, 0);
	assert_int_equal(dti_store_import(b, owner, strlen(owner), "o", &err),
	                 DTI_OK);
	char *back = export_as(b, "an", 0, DTI_OK);
	assert_string_equal(owner, back);
	free(back);
	struct dti_store *c = fresh_store(NULL, 0);
	assert_int_equal(dti_store_import(c, full, strlen(full), "f", &err),
	                 DTI_OK);
	back = export_as(c, "an", 1, DTI_OK);
	assert_string_equal(full, back);
	free(back);

	/* backup: the same rule as export */
	char path[512];
	snprintf(path, sizeof path, "%s/roles-backup.db", tmpdir);
	assert_int_equal(dti_store_set_actor(s, "vy", &err), DTI_OK);
	assert_int_equal(dti_store_backup(s, path, &err), DTI_EPERM);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(dti_store_set_actor(s, "binh", &err), DTI_OK);
	assert_int_equal(dti_store_backup(s, path, &err), DTI_OK);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	dti_error_release(&err);
	free(owner);
	free(admin);
	free(full);
	dti_store_close(b);
	dti_store_close(c);
	dti_store_close(s);
}

/* The whole file, for "unchanged" (the caller frees it). */
static char *file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct dti_buf b = DTI_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		dti_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.data ? b.data : calloc(1, 1);
}

static mode_t mode_of(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

/*
 * A new store file is 0600 whatever the umask, and so are its -wal and
 * -shm; 'init' refuses a database holding another program's tables (it
 * and its journal mode unchanged) and a file that is not SQLite.
 */
static void test_new_store_files(void **state)
{
	(void)state;
	char path[512], side[600];
	struct dti_error err = DTI_ERROR_INIT;
	snprintf(path, sizeof path, "%s/private.db", tmpdir);
	mode_t old = umask(0);
	struct dti_store *s = NULL;
	assert_int_equal(dti_store_open(path, &s, &err), DTI_OK);
	assert_int_equal(dti_store_init(s, &err), DTI_OK);
	assert_int_equal(dti_user_add(s, "an", "", NULL, &err), DTI_OK);
	assert_int_equal(mode_of(path), 0600);
	snprintf(side, sizeof side, "%s-wal", path);
	assert_int_equal(mode_of(side), 0600);
	snprintf(side, sizeof side, "%s-shm", path);
	assert_int_equal(mode_of(side), 0600);
	/* the backup too */
	snprintf(side, sizeof side, "%s/private-copy.db", tmpdir);
	assert_int_equal(dti_store_set_actor(s, "an", &err), DTI_OK);
	assert_int_equal(dti_store_backup(s, side, &err), DTI_OK);
	assert_int_equal(mode_of(side), 0600);
	umask(old);
	dti_store_close(s);

	/* another program's SQLite database */
	snprintf(path, sizeof path, "%s/other.db", tmpdir);
	assert_int_equal(dti_store_open(path, &s, &err), DTI_OK);
	assert_int_equal(db_exec(s->db,
	                         "PRAGMA journal_mode=DELETE; CREATE TABLE "
	                         "invoices (id INTEGER); CREATE TABLE "
	                         "accounts (id INTEGER)",
	                         &err),
	                 DTI_OK);
	dti_store_close(s);
	size_t n0, n1;
	char *before = file_bytes(path, &n0);
	assert_int_equal(dti_store_open(path, &s, &err), DTI_OK);
	assert_int_equal(dti_store_init(s, &err), DTI_ESTATE);
	assert_non_null(strstr(err.message, "not a dti store"));
	assert_non_null(strstr(err.message, "'accounts'"));
	dti_error_release(&err);
	dti_store_close(s);
	char *after = file_bytes(path, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	free(before);
	free(after);

	/* not SQLite at all */
	snprintf(path, sizeof path, "%s/notes.db", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("these are notes, not a database\n", f);
	fclose(f);
	before = file_bytes(path, &n0);
	assert_int_equal(dti_store_open(path, &s, &err), DTI_EIO);
	assert_null(s);
	assert_non_null(strstr(err.message, "not an SQLite database"));
	assert_null(err.more);
	dti_error_release(&err);
	after = file_bytes(path, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	free(before);
	free(after);
	snprintf(side, sizeof side, "%s-wal", path);
	assert_int_not_equal(access(side, F_OK), 0);
}

/* On PostgreSQL: a schema holding another table is refused by init. */
static void test_init_foreign_pg(void **state)
{
	(void)state;
	const char *uri = getenv("DTI_TEST_PG");
	if (!uri || !*uri)
		skip();
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *admin = NULL;
	assert_int_equal(dti_store_open(uri, &admin, &err), DTI_OK);
	char schema[64], sql[256], u[1200];
	snprintf(schema, sizeof schema, "foreign_%ld", (long)getpid());
	snprintf(sql, sizeof sql,
	         "CREATE SCHEMA %s; CREATE TABLE %s.invoices (id integer)",
	         schema, schema);
	assert_int_equal(db_exec(admin->db, sql, &err), DTI_OK);
	snprintf(u, sizeof u, "%s%coptions=-csearch_path%%3D%s", uri,
	         strchr(uri, '?') ? '&' : '?', schema);
	struct dti_store *s = NULL;
	assert_int_equal(dti_store_open(u, &s, &err), DTI_OK);
	assert_int_equal(dti_store_init(s, &err), DTI_ESTATE);
	assert_non_null(strstr(err.message, "'invoices'"));
	dti_error_release(&err);
	dti_store_close(s);
	int64_t n = 0;
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM information_schema.tables WHERE "
	         "table_schema = '%s'",
	         schema);
	assert_int_equal(db_query_int(admin->db, &err, &n, NULL, sql, ""),
	                 DTI_OK);
	assert_int_equal(n, 1);
	snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
	assert_int_equal(db_exec(admin->db, sql, &err), DTI_OK);
	dti_store_close(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_blob_bytes),
	    cmocka_unit_test(test_not_empty),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_real_text),
	    cmocka_unit_test(test_backup),
	    cmocka_unit_test(test_sealed),
	    cmocka_unit_test(test_export_roles),
	    cmocka_unit_test(test_new_store_files),
	    cmocka_unit_test(test_init_foreign_pg),
	    cmocka_unit_test(test_postgres),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
