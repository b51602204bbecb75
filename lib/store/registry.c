/*
 * lib/store/registry.c - the units registry and the frameworks a store
 * holds.  Frameworks are content-addressed by SHA-256 and immutable once a
 * cycle uses them; the last one loaded is cached by the store.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* ---- units ------------------------------------------------------------- */

static void join_list(struct dti_buf *b, const char *const *items, size_t n)
{
	dti_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			dti_buf_addc(b, ';');
		dti_buf_adds(b, items[i]);
	}
	dti_buf_addc(b, '\0');
}

enum dti_status dti_store_units_import(struct dti_store *s,
                                       const struct dti_units *u,
                                       const char *level, size_t *added,
                                       size_t *updated, struct dti_error *err)
{
	if (added)
		*added = 0;
	if (updated)
		*updated = 0;
	if (!level || !*level || strlen(level) > 31)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "level",
		                   "units are imported at a level (province, "
		                   "ministry, district, ...)");
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "import units", err);
	struct dti_buf aliases, succ;
	dti_buf_init(&aliases, 0);
	dti_buf_init(&succ, 0);
	struct db_stmt *get = NULL, *put = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT code, name_vi, name_ascii, aliases, level, "
		    "group_id, valid_from, valid_to, successors FROM "
		    "units WHERE id = ?",
		    &get, err);
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "INSERT INTO units (id, code, name_vi, name_ascii, "
		    "aliases, "
		    "level, group_id, valid_from, valid_to, successors, "
		    "population) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
		    "CONFLICT (id) DO UPDATE SET code = excluded.code, name_vi "
		    "= excluded.name_vi, name_ascii = excluded.name_ascii, "
		    "aliases = excluded.aliases, level = excluded.level, "
		    "group_id = excluded.group_id, valid_from = "
		    "excluded.valid_from, valid_to = excluded.valid_to, "
		    "successors = excluded.successors, population = "
		    "excluded.population",
		    &put, err);
	for (size_t g = 0; st == DTI_OK && g < dti_units_group_count(u); g++) {
		struct dti_group_info gi;
		dti_units_group(u, g, &gi);
		st = db_run(s->db, err,
		            "INSERT INTO unit_groups (id, name_vi, name_en) "
		            "VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
		            "name_vi = excluded.name_vi, name_en = "
		            "excluded.name_en",
		            "sss", gi.id, gi.name_vi ? gi.name_vi : "",
		            gi.name_en ? gi.name_en : "");
	}
	for (size_t i = 0; st == DTI_OK && i < dti_units_count(u); i++) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		join_list(&aliases, ui.aliases, ui.naliases);
		const char *ids[64];
		size_t ns = ui.nsuccessors < 64 ? ui.nsuccessors : 64;
		for (size_t k = 0; k < ns; k++) {
			struct dti_unit_info si;
			dti_units_get(u, ui.successors[k], &si);
			ids[k] = si.id;
		}
		join_list(&succ, ids, ns);
		const char *vals[] = {ui.code,       ui.name_vi,  ui.name_ascii,
		                      aliases.data,  level,       ui.group,
		                      ui.valid_from, ui.valid_to, succ.data};
		int row = 0, same = 0, existed = 0;
		db_reset(get);
		db_bind_text(get, 1, ui.id);
		st = db_step(get, &row, err);
		if (st == DTI_OK && row) {
			existed = 1;
			same = 1;
			for (int k = 0; k < 9; k++) {
				const char *v = db_col_text(get, k);
				if (strcmp(v ? v : "", vals[k] ? vals[k] : ""))
					same = 0;
			}
		}
		if (st != DTI_OK || same)
			continue;
		db_reset(put);
		db_bind_text(put, 1, ui.id);
		for (int k = 0; k < 9; k++)
			db_bind_text(put, k + 2, vals[k] ? vals[k] : "");
		db_bind_double(put, 11, ui.population);
		st = db_step(put, &row, err);
		if (st != DTI_OK)
			break;
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		static const char *const keys[] = {
		    "code",  "name_vi",    "name_ascii", "aliases",   "level",
		    "group", "valid_from", "valid_to",   "successors"};
		dti_buf_addc(b, '{');
		for (int k = 0; k < 9; k++) {
			dti_buf_addf(b, "%s\"%s\":", k ? "," : "", keys[k]);
			dti_json_quote(b, vals[k]);
		}
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "unit %s", ui.id);
		st = store_audit(s, existed ? "unit.update" : "unit.add", NULL,
		                 ui.id, object, NULL, b->data, err);
		if (existed && updated)
			(*updated)++;
		if (!existed && added)
			(*added)++;
	}
	db_finalize(get);
	db_finalize(put);
	dti_buf_release(&aliases);
	dti_buf_release(&succ);
	st = store_end(s, st, err);
	if (st != DTI_OK) {
		if (added)
			*added = 0;
		if (updated)
			*updated = 0;
	}
	return st;
}

enum dti_status store_units_read(struct dti_store *s, struct dti_units **out,
                                 struct dti_error *err)
{
	*out = NULL;
	struct dti_buf units, groups;
	dti_buf_init(&units, 0);
	dti_buf_init(&groups, 0);
	dti_buf_adds(&units, "id,code,name_vi,name_ascii,aliases,group,"
	                     "valid_from,valid_to,successors,population\n");
	dti_buf_adds(&groups, "group,name_vi,name_en\n");
	struct db_stmt *q = NULL;
	enum dti_status st =
	    db_prepare(s->db,
	               "SELECT id, code, name_vi, name_ascii, aliases, "
	               "group_id, valid_from, valid_to, successors, "
	               "population FROM units ORDER BY id",
	               &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		for (int k = 0; k < 9; k++) {
			if (k)
				dti_buf_addc(&units, ',');
			dti_csv_cell(&units, db_col_text(q, k));
		}
		dti_buf_addc(&units, ',');
		double pop = db_col_double(q, 9);
		if (!isnan(pop))
			dti_buf_add_shortest(&units, pop);
		dti_buf_addc(&units, '\n');
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(s->db,
		                "SELECT id, name_vi, name_en FROM unit_groups "
		                "ORDER BY id",
		                &q, err);
	int ngroups = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		for (int k = 0; k < 3; k++) {
			if (k)
				dti_buf_addc(&groups, ',');
			dti_csv_cell(&groups, db_col_text(q, k));
		}
		dti_buf_addc(&groups, '\n');
		ngroups++;
	}
	db_finalize(q);
	if (st == DTI_OK)
		st = dti_units_parse(units.data, units.len, "store units", out,
		                     err);
	if (st == DTI_OK && ngroups)
		st = dti_units_parse_groups(*out, groups.data, groups.len,
		                            "store groups", err);
	if (st != DTI_OK && *out) {
		dti_units_free(*out);
		*out = NULL;
	}
	dti_buf_release(&units);
	dti_buf_release(&groups);
	return st;
}

enum dti_status dti_store_units(struct dti_store *s, struct dti_units **out,
                                struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	st = store_units_read(s, out, err);
	db_rollback(s->db);
	return st;
}

/* ---- frameworks -------------------------------------------------------- */

enum dti_status dti_store_framework_add(struct dti_store *s, const char *text,
                                        size_t len, const char *name,
                                        char sha_out[65], struct dti_error *err)
{
	sha_out[0] = '\0';
	struct dti_framework *fw = NULL;
	enum dti_status st = dti_framework_parse(text, len, name, &fw, err);
	if (st != DTI_OK)
		return st;
	char sha[65];
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, text, len);
	dti_sha256_final(&h, sha);
	const char *fid = dti_framework_id(fw);
	const char *ver = dti_framework_version(fw);
	const char *level = dti_framework_meta(fw, "level");
	int year = dti_framework_year(fw);
	char *body = malloc(len + 1);
	if (!body) {
		dti_framework_free(fw);
		return dti_err_nomem(err);
	}
	memcpy(body, text, len);
	body[len] = '\0';
	if (strlen(body) != len) {
		free(body);
		dti_framework_free(fw);
		return dti_err_set(err, DTI_EENCODING, name, 0, 0, "",
		                   "a framework file holds no NUL bytes");
	}
	st = store_begin(s, err);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_OWNER, NULL, "add frameworks",
		                   err);
	int found = 0;
	int64_t one = 0;
	if (st == DTI_OK)
		st = db_query_int(s->db, err, &one, &found,
		                  "SELECT 1 FROM frameworks WHERE sha = ?", "s",
		                  sha);
	int done = found; /* the same text is already there: nothing to do */
	struct db_stmt *q = NULL;
	char old[65] = "";
	if (st == DTI_OK && !done)
		st =
		    db_prepare(s->db,
		               "SELECT sha FROM frameworks WHERE fw_id = ? AND "
		               "version = ?",
		               &q, err);
	if (st == DTI_OK && !done) {
		int row = 0;
		db_bind_text(q, 1, fid);
		db_bind_text(q, 2, ver);
		st = db_step(q, &row, err);
		if (st == DTI_OK && row)
			dti_snprintf(old, sizeof old, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	if (st == DTI_OK && !done && old[0]) {
		int64_t used = 0;
		st = db_query_int(s->db, err, &used, NULL,
		                  "SELECT count(*) FROM cycles WHERE "
		                  "framework_sha = ?",
		                  "s", old);
		if (st == DTI_OK && used)
			st = dti_err_set(
			    err, DTI_ESTATE, name, 0, 0, "version",
			    "framework %s version %s is used by a cycle and "
			    "cannot change: give the new text a new version",
			    fid, ver);
		if (st == DTI_OK)
			st = db_run(s->db, err,
			            "DELETE FROM frameworks WHERE sha = ?", "s",
			            old);
	}
	char now[21];
	store_now(s, now);
	if (st == DTI_OK && !done)
		st = db_run(
		    s->db, err,
		    "INSERT INTO frameworks (sha, fw_id, version, year, "
		    "level, name, body, added_at, added_by) VALUES (?, "
		    "?, ?, ?, ?, ?, ?, ?, ?)",
		    "sssisssss", sha, fid, ver, (int64_t)year,
		    level ? level : "", name ? name : "", body, now, s->actor);
	if (st == DTI_OK && !done) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"id\":");
		dti_json_quote(b, fid);
		dti_buf_adds(b, ",\"version\":");
		dti_json_quote(b, ver);
		dti_buf_adds(b, ",\"sha256\":");
		dti_json_quote(b, sha);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[160], before[96];
		dti_snprintf(object, sizeof object, "framework %s@%s", fid,
		             ver);
		dti_snprintf(before, sizeof before, "{\"sha256\":\"%s\"}", old);
		st = store_audit(
		    s, old[0] ? "framework.replace" : "framework.add", NULL,
		    NULL, object, old[0] ? before : NULL, b->data, err);
	}
	st = store_end(s, st, err);
	if (st == DTI_OK)
		memcpy(sha_out, sha, 65);
	free(body);
	dti_framework_free(fw);
	return st;
}

enum dti_status store_framework_sha(struct dti_store *s, const char *ref,
                                    char sha[65], struct dti_error *err)
{
	sha[0] = '\0';
	if (!ref || !*ref)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "framework",
		                   "no framework named");
	char id[128], like[80];
	const char *ver = NULL;
	dti_snprintf(id, sizeof id, "%s", ref);
	char *at = strchr(id, '@');
	if (at) {
		*at = '\0';
		ver = at + 1;
	}
	size_t n = strlen(ref);
	int hex = n >= 8 && n <= 64 && strspn(ref, "0123456789abcdef") == n;
	dti_snprintf(like, sizeof like, "%s%%", ref);
	struct db_stmt *q;
	const char *sql =
	    ver   ? "SELECT sha FROM frameworks WHERE fw_id = ? AND version = ?"
	    : hex ? "SELECT sha FROM frameworks WHERE fw_id = ? OR sha LIKE ?"
	          : "SELECT sha FROM frameworks WHERE fw_id = ? ORDER BY "
	            "year DESC, version DESC";
	enum dti_status st = db_prepare(s->db, sql, &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, id);
	if (ver || hex)
		db_bind_text(q, 2, ver ? ver : like);
	int row = 0, nrows = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		if (nrows++ == 0)
			dti_snprintf(sha, 65, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	if (nrows == 0)
		return dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "framework",
		                   "no stored framework '%s' (add it with 'dti "
		                   "db framework')",
		                   ref);
	if (nrows > 1 && !ver && !hex)
		return dti_err_set(err, DTI_EAMBIGUOUS, "", 0, 0, "framework",
		                   "framework '%s' is stored in %d versions: "
		                   "say which, as %s@VERSION",
		                   ref, nrows, ref);
	if (nrows > 1 && hex)
		return dti_err_set(err, DTI_EAMBIGUOUS, "", 0, 0, "framework",
		                   "'%s' is the start of several frameworks' "
		                   "SHA-256",
		                   ref);
	return DTI_OK;
}

enum dti_status store_framework_load(struct dti_store *s, const char *sha,
                                     struct dti_framework **out,
                                     struct dti_error *err)
{
	*out = NULL;
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db, "SELECT body, fw_id FROM frameworks WHERE sha = ?", &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, sha);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "framework",
		                 "no stored framework %s", sha);
	if (st == DTI_OK) {
		const char *body = db_col_text(q, 0);
		char name[96];
		dti_snprintf(name, sizeof name, "%s (stored)",
		             db_col_text(q, 1));
		st = dti_framework_parse(body, strlen(body), name, out, err);
	}
	db_finalize(q);
	return st;
}

enum dti_status dti_store_framework(struct dti_store *s, const char *ref,
                                    struct dti_framework **out,
                                    struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	char sha[65];
	st = store_framework_sha(s, ref, sha, err);
	if (st == DTI_OK)
		st = store_framework_load(s, sha, out, err);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_store_framework_list(struct dti_store *s,
                                         struct dti_store_framework_list **out,
                                         struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_store_framework_list *l = store_list_new(sizeof *l, &a);
	if (!l) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct store_vec v = STORE_VEC_INIT(struct dti_store_framework_entry);
	struct db_stmt *q = NULL;
	st = db_prepare(s->db,
	                "SELECT f.fw_id, f.version, f.sha, f.year, f.level, "
	                "f.name, f.added_at, f.added_by, (SELECT count(*) "
	                "FROM cycles c WHERE c.framework_sha = f.sha) FROM "
	                "frameworks f ORDER BY f.fw_id, f.version",
	                &q, err);
	int row = 0, oom = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		struct dti_store_framework_entry *e = store_vec_add(&v);
		if (!e) {
			st = dti_err_nomem(err);
			break;
		}
		e->id = store_keep(a, db_col_text(q, 0), &oom);
		e->version = store_keep(a, db_col_text(q, 1), &oom);
		e->sha256 = store_keep(a, db_col_text(q, 2), &oom);
		e->year = (int)db_col_int(q, 3);
		e->level = store_keep(a, db_col_text(q, 4), &oom);
		e->name = store_keep(a, db_col_text(q, 5), &oom);
		e->added_at = store_keep(a, db_col_text(q, 6), &oom);
		e->added_by = store_keep(a, db_col_text(q, 7), &oom);
		e->cycles = (long long)db_col_int(q, 8);
	}
	db_finalize(q);
	db_rollback(s->db);
	l->n = v.n;
	l->frameworks = store_vec_keep(&v, a, &oom);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(l);
		return st;
	}
	*out = l;
	return DTI_OK;
}

void dti_store_framework_list_free(struct dti_store_framework_list *l)
{
	store_list_free(l);
}

enum dti_status store_framework_cached(struct dti_store *s, const char *sha,
                                       const struct dti_framework **out,
                                       struct dti_error *err)
{
	if (!s->fw_cache || strcmp(s->fw_cache_sha, sha) != 0) {
		struct dti_framework *fw = NULL;
		enum dti_status st = store_framework_load(s, sha, &fw, err);
		if (st != DTI_OK)
			return st;
		dti_framework_free(s->fw_cache);
		s->fw_cache = fw;
		dti_snprintf(s->fw_cache_sha, sizeof s->fw_cache_sha, "%s",
		             sha);
	}
	*out = s->fw_cache;
	return DTI_OK;
}
