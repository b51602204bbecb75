/*
 * lib/evidence.c - evidence attached to submissions: document references
 * and uploaded files.
 *
 * A file is stored once, in the blobs table, under the SHA-256 of its
 * bytes; evidence rows point at it.  Its type is recognised from its
 * first bytes, never trusted from its name: a file whose content and
 * extension disagree (a PNG named .pdf, an executable named .docx) is
 * refused, as is any type outside the short list a reviewer can open
 * safely.  Office files are ZIP containers, so for them the extension
 * picks the exact media type once the content is known to be a ZIP.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_internal.h"

struct ftype {
	const char *name;       /* for messages */
	const char *media_type; /* stored */
	const char *exts;       /* accepted extensions, ' '-separated */
};

static const struct ftype t_pdf = {"a PDF document", "application/pdf", "pdf"};
static const struct ftype t_png = {"a PNG image", "image/png", "png"};
static const struct ftype t_jpeg = {"a JPEG image", "image/jpeg", "jpg jpeg"};
static const struct ftype t_gif = {"a GIF image", "image/gif", "gif"};
static const struct ftype t_webp = {"a WebP image", "image/webp", "webp"};
static const struct ftype t_zip = {"a ZIP container (Office/ODF/ZIP)", NULL,
                                   "docx xlsx pptx odt ods odp zip"};
static const struct ftype t_text = {"plain text", NULL, "txt csv"};

static const struct {
	const char *ext, *media_type;
} by_ext[] = {
    {"docx", "application/vnd.openxmlformats-officedocument."
             "wordprocessingml.document"},
    {"xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"pptx", "application/vnd.openxmlformats-officedocument."
             "presentationml.presentation"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odp", "application/vnd.oasis.opendocument.presentation"},
    {"zip", "application/zip"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
};

static int utf8_text(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
				return 0;
			i++;
			continue;
		}
		size_t k = (c & 0xE0) == 0xC0   ? 1
		           : (c & 0xF0) == 0xE0 ? 2
		           : (c & 0xF8) == 0xF0 ? 3
		                                : 0;
		if (!k || c < 0xC2 || i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

/* The type of a file from its content, or NULL. */
static const struct ftype *sniff(const unsigned char *p, size_t n)
{
	if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return &t_pdf;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return &t_png;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return &t_jpeg;
	if (n >= 6 &&
	    (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return &t_gif;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return &t_webp;
	if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
		return &t_zip;
	if (utf8_text(p, n))
		return &t_text;
	return NULL;
}

static int ext_in(const char *ext, const char *list)
{
	size_t n = strlen(ext);
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, " ");
		if (k == n && strncasecmp(p, ext, n) == 0)
			return 1;
		p += k;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* Checks a file and gives its media type; the refusal names the file. */
static enum dti_status check_file(const struct dti_evidence_new *e,
                                  const char **media_type,
                                  struct dti_error *err)
{
	size_t max = e->max_size ? e->max_size : DTI_EVIDENCE_MAX_DEFAULT;
	const char *fname = e->filename && *e->filename ? e->filename : NULL;
	if (!fname)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "filename",
		                   "an uploaded file needs its file name");
	if (strchr(fname, '/') || strchr(fname, '\\') || strlen(fname) > 200)
		return dti_err_set(
		    err, DTI_EINVALID, "", 0, 0, "filename",
		    "a file name without a directory, at most 200 "
		    "bytes");
	if (e->size > max)
		return dti_err_set(
		    err, DTI_ELIMIT, "", 0, 0, "file",
		    "%s is %zu bytes, more than the limit of %zu", fname,
		    e->size, max);
	if (e->size == 0)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "file",
		                   "%s is empty", fname);
	const char *dot = strrchr(fname, '.');
	const char *ext = dot ? dot + 1 : "";
	const struct ftype *t = sniff(e->data, e->size);
	if (!t)
		return dti_err_set(
		    err, DTI_EINVALID, "", 0, 0, "file",
		    "%s is of a type not accepted as evidence "
		    "(PDF, PNG, JPEG, GIF, WebP, Office/ODF, ZIP, "
		    "text, CSV)",
		    fname);
	if (!ext_in(ext, t->exts))
		return dti_err_set(
		    err, DTI_EINVALID, "", 0, 0, "file",
		    "%s is %s, which does not match its extension "
		    "'.%s' (expected .%s)",
		    fname, t->name, ext, t->exts);
	*media_type = t->media_type;
	for (size_t i = 0; !*media_type && i < DTI_ARRAY_LEN(by_ext); i++)
		if (strcasecmp(ext, by_ext[i].ext) == 0)
			*media_type = by_ext[i].media_type;
	return *media_type ? DTI_OK
	                   : dti_err_set(err, DTI_EINTERNAL, fname, 0, 0, "",
	                                 "no media type for .%s", ext);
}

static int has(const char *s)
{
	return s && *s;
}

enum dti_status dti_evidence_add(struct dti_store *s, const char *cycle,
                                 const char *unit,
                                 const struct dti_evidence_new *e,
                                 int64_t *id_out, struct dti_error *err)
{
	if (id_out)
		*id_out = 0;
	const char *media = NULL;
	enum dti_status st = DTI_OK;
	if (!has(e->title) && !has(e->doc_number) && !has(e->link) && !e->data)
		return dti_err_set(
		    err, DTI_EINVALID, "", 0, 0, "evidence",
		    "evidence needs at least a title, a document "
		    "number, a link or a file");
	if (has(e->link) && strncmp(e->link, "https://", 8) != 0 &&
	    strncmp(e->link, "http://", 7) != 0)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "link",
		                   "a link starts with http:// or https://");
	if (has(e->doc_date) && !dti_is_date(e->doc_date))
		return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, "date",
		                   "'%s' is not a date YYYY-MM-DD",
		                   e->doc_date);
	if (e->data)
		st = check_file(e, &media, err);
	if (st != DTI_OK)
		return st;
	char sha[65] = "";
	if (e->data) {
		struct dti_sha256 h;
		dti_sha256_init(&h);
		dti_sha256_update(&h, e->data, e->size);
		dti_sha256_final(&h, sha);
	}
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	char uid[64] = "";
	struct store_sub sub;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	if (st == DTI_OK)
		st = store_may_edit(s, &c, unit, &sub, "add evidence", err);
	if (st == DTI_OK && has(e->indicator)) {
		const struct dti_framework *fw;
		st = store_framework_cached(s, c.framework_sha, &fw, err);
		if (st == DTI_OK && (dti_framework_find(fw, e->indicator) < 0))
			st = dti_err_set(
			    err, DTI_ENOTFOUND, "", 0, 0, "indicator",
			    "no indicator '%s' in the framework of "
			    "cycle %s",
			    e->indicator, c.label);
	}
	if (st == DTI_OK && e->data) {
		int found = 0;
		int64_t one;
		st =
		    db_query_int(s->db, err, &one, &found,
		                 "SELECT 1 FROM blobs WHERE sha = ?", "s", sha);
		if (st == DTI_OK && !found)
			st = db_run(s->db, err,
			            "INSERT INTO blobs (sha, size, media_type, "
			            "data) VALUES (?, ?, ?, ?)",
			            "sisb", sha, (int64_t)e->size, media,
			            e->data, e->size);
	}
	int64_t id = 0;
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = store_next_id(s, "evidence", &id, err);
	const char *v[7] = {e->indicator, e->doc_number, e->doc_date, e->issuer,
	                    e->title,     e->link,       e->filename};
	for (int k = 0; k < 7; k++)
		if (!v[k] || (k == 6 && !e->data))
			v[k] = "";
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "INSERT INTO evidence (id, submission_id, indicator, "
		    "doc_number, doc_date, issuer, title, link, "
		    "blob_sha, filename, added_at, added_by) VALUES (?, ?, "
		    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "iissssssssss", id, sub.id, v[0], v[1], v[2], v[3], v[4],
		    v[5], e->data ? sha : NULL, v[6], now, s->actor);
	if (st == DTI_OK)
		st = store_touch_sub(s, &sub, err);
	if (st == DTI_OK) {
		static const char *const keys[] = {
		    "indicator", "number", "date",    "issuer",
		    "title",     "link",   "filename"};
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_addf(b, "{\"id\":%lld", (long long)id);
		for (int k = 0; k < 7; k++) {
			dti_buf_addf(b, ",\"%s\":", keys[k]);
			dti_json_quote(b, v[k]);
		}
		if (e->data)
			dti_buf_addf(b, ",\"sha256\":\"%s\",\"size\":%zu", sha,
			             e->size);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[128];
		dti_snprintf(object, sizeof object, "evidence %lld of %s/%s",
		             (long long)id, c.label, unit);
		st = store_audit(s, "evidence.add", c.label, unit, object, NULL,
		                 b->data, err);
	}
	st = store_end(s, st, err);
	if (st == DTI_OK && id_out)
		*id_out = id;
	return st;
}

/* The evidence row's cycle label, unit and blob. */
struct ev_row {
	char cycle[64];
	char unit[64];
	char sha[65];
	char filename[256];
	char title[256];
};

static enum dti_status load_ev(struct dti_store *s, int64_t id,
                               struct ev_row *r, struct dti_error *err)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT c.label, s.unit_id, e.blob_sha, e.filename, e.title FROM "
	    "evidence e JOIN submissions s ON s.id = e.submission_id JOIN "
	    "cycles c ON c.id = s.cycle_id WHERE e.id = ?",
	    &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, id);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "evidence",
		                 "no evidence #%lld", (long long)id);
	if (st == DTI_OK) {
		dti_snprintf(r->cycle, sizeof r->cycle, "%s",
		             db_col_text(q, 0));
		dti_snprintf(r->unit, sizeof r->unit, "%s", db_col_text(q, 1));
		const char *sha = db_col_text(q, 2);
		dti_snprintf(r->sha, sizeof r->sha, "%s", sha ? sha : "");
		dti_snprintf(r->filename, sizeof r->filename, "%s",
		             db_col_text(q, 3));
		dti_snprintf(r->title, sizeof r->title, "%s",
		             db_col_text(q, 4));
	}
	db_finalize(q);
	return st;
}

enum dti_status dti_evidence_remove(struct dti_store *s, int64_t id,
                                    struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct ev_row r;
	struct store_cycle c;
	struct store_sub sub;
	st = load_ev(s, id, &r, err);
	if (st == DTI_OK)
		st = store_load_cycle(s, r.cycle, &c, err);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, r.unit, &sub, err);
	if (st == DTI_OK)
		st =
		    store_may_edit(s, &c, r.unit, &sub, "remove evidence", err);
	if (st == DTI_OK)
		st = db_run(s->db, err, "DELETE FROM evidence WHERE id = ?",
		            "i", id);
	/* A file no evidence points at any more goes too. */
	if (st == DTI_OK && r.sha[0])
		st = db_run(s->db, err,
		            "DELETE FROM blobs WHERE sha = ? AND NOT EXISTS "
		            "(SELECT 1 FROM evidence WHERE blob_sha = ?)",
		            "ss", r.sha, r.sha);
	if (st == DTI_OK)
		st = store_touch_sub(s, &sub, err);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_addf(b, "{\"id\":%lld,\"title\":", (long long)id);
		dti_json_quote(b, r.title);
		dti_buf_adds(b, ",\"filename\":");
		dti_json_quote(b, r.filename);
		dti_buf_addf(b, ",\"sha256\":\"%s\"}", r.sha);
		dti_buf_addc(b, '\0');
		char object[128];
		dti_snprintf(object, sizeof object, "evidence %lld of %s/%s",
		             (long long)id, r.cycle, r.unit);
		st = store_audit(s, "evidence.remove", r.cycle, r.unit, object,
		                 b->data, NULL, err);
	}
	return store_end(s, st, err);
}

static enum dti_status write_evidence_get(struct dti_store *s, int64_t id,
                                          struct dti_buf *data,
                                          char media_type[64],
                                          char filename[256],
                                          struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct ev_row r;
	st = load_ev(s, id, &r, err);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_VIEWER, r.unit, "read evidence",
		                   err);
	if (st == DTI_OK && !r.sha[0])
		st = dti_err_set(
		    err, DTI_ENOTFOUND, "", 0, 0, "evidence",
		    "evidence #%lld has no file (it is a reference)",
		    (long long)id);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db, "SELECT media_type, data FROM blobs WHERE sha = ?",
		    &q, err);
	int row = 0;
	if (st == DTI_OK) {
		db_bind_text(q, 1, r.sha);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "evidence",
		                 "the file of evidence #%lld is missing",
		                 (long long)id);
	if (st == DTI_OK) {
		size_t n = 0;
		const void *p = db_col_blob(q, 1, &n);
		st = dti_buf_add(data, p, n);
		if (media_type)
			dti_snprintf(media_type, 64, "%s", db_col_text(q, 0));
		if (filename)
			dti_snprintf(filename, 256, "%s", r.filename);
	}
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_evidence_get(struct dti_store *s, int64_t id,
                                 struct dti_buf *data, char media_type[64],
                                 char filename[256], struct dti_error *err)
{
	enum dti_status st =
	    write_evidence_get(s, id, data, media_type, filename, err);
	return dti_buf_final(data, st, err);
}

void dti_evidence_new_init(struct dti_evidence_new *e)
{
	memset(e, 0, sizeof *e);
}

/* The evidence column of an imported data file (see workflow.h). */
enum dti_status dti_submission_import_evidence(
    struct dti_store *s, const char *cycle, const struct dti_dataset *ds,
    const char *data_cycle, size_t *added_out, struct dti_error *err)
{
	if (added_out)
		*added_out = 0;
	long dc = data_cycle ? dti_dataset_find_cycle(ds, data_cycle) : 0;
	if (dc < 0)
		return dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		                   "the data have no cycle '%s'", data_cycle);
	const struct dti_framework *fw = dti_dataset_framework(ds);
	size_t nn = dti_framework_node_count(fw);
	enum dti_status st = DTI_OK;
	size_t added = 0;
	for (size_t u = 0; st == DTI_OK && u < dti_dataset_unit_count(ds);
	     u++) {
		if (!dti_dataset_unit_present(ds, (size_t)dc, u))
			continue;
		struct dti_dataset_unit du;
		dti_dataset_unit(ds, u, &du);
		struct dti_submission_view *v = NULL;
		for (size_t k = 0; st == DTI_OK && k < nn; k++) {
			const char *text =
			    dti_dataset_evidence(ds, (size_t)dc, u, k);
			if (!text || !*text)
				continue;
			if (!v)
				st = dti_submission_view(s, cycle, du.id, &v,
				                         err);
			if (st != DTI_OK)
				break;
			struct dti_node_info ni;
			dti_framework_node(fw, k, &ni);
			int link = strncmp(text, "https://", 8) == 0 ||
			           strncmp(text, "http://", 7) == 0;
			int held = 0;
			for (size_t e = 0; e < v->nevidence && !held; e++) {
				const struct dti_evidence_entry *en =
				    &v->evidence[e];
				held = strcmp(en->indicator, ni.code) == 0 &&
				       strcmp(link ? en->link : en->title,
				              text) == 0;
			}
			if (held)
				continue;
			struct dti_evidence_new en;
			dti_evidence_new_init(&en);
			en.indicator = ni.code;
			if (link)
				en.link = text;
			else
				en.title = text;
			st = dti_evidence_add(s, cycle, du.id, &en, NULL, err);
			if (st == DTI_OK)
				added++;
			else if (err && err->field[0] == '\0')
				dti_snprintf(err->field, sizeof err->field,
				             "%s", du.id);
		}
		dti_submission_view_free(v);
	}
	if (added_out)
		*added_out = added;
	return st;
}
