/*
 * lib/store/publication.c - a cycle's data as a dataset, computed results,
 * and publication: an immutable snapshot recording the framework, the data
 * hash, the program version and the audit chain's head.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* ---- results ------------------------------------------------------------ */

/* Builds the cycle's dataset inside the current transaction. */
enum dti_status
store_build_dataset(struct dti_store *s, const struct store_cycle *c,
                    struct dti_framework **fw, struct dti_units **units,
                    struct dti_dataset **ds, struct dti_error *err)
{
	*fw = NULL;
	*units = NULL;
	*ds = NULL;
	enum dti_status st = store_framework_load(s, c->framework_sha, fw, err);
	if (st != DTI_OK)
		return st;
	/* The registry: read here, inside this transaction. */
	st = store_units_read(s, units, err);
	if (st == DTI_OK && dti_dataset_new(*fw, *units, ds) != DTI_OK)
		st = dti_err_nomem(err);
	size_t ci = 0;
	if (st == DTI_OK && dti_dataset_add_cycle(*ds, c->label, &ci) != DTI_OK)
		st = dti_err_nomem(err);
	struct db_stmt *q = NULL;
	int row = 0;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT s.unit_id, u.name_vi, u.group_id, f.indicator, "
		    "f.value, f.reviewed_value, f.comment FROM submissions s "
		    "JOIN "
		    "units u ON u.id = s.unit_id LEFT JOIN figures f ON "
		    "f.submission_id = s.id WHERE s.cycle_id = ? AND s.state "
		    "<> "
		    "'excluded' ORDER BY s.unit_id",
		    &q, err);
	if (st == DTI_OK)
		db_bind_int(q, 1, c->id);
	char last[64] = "";
	size_t ui = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char *id = db_col_text(q, 0);
		if (strcmp(id, last) != 0) {
			size_t ri = 0;
			long reg = dti_units_find(*units, id, NULL, &ri,
			                          NULL) == DTI_OK
			               ? (long)ri
			               : -1;
			st = dti_dataset_add_unit(*ds, id, db_col_text(q, 1),
			                          reg, &ui);
			const char *g = db_col_text(q, 2);
			if (st == DTI_OK && g && *g)
				st = dti_dataset_set_group(*ds, ui, "group", g);
			dti_snprintf(last, sizeof last, "%s", id);
			if (st != DTI_OK) {
				st = dti_err_nomem(err);
				break;
			}
		}
		const char *code = db_col_text(q, 3);
		if (!code)
			continue;
		double v = db_col_double(q, 5);
		if (isnan(v))
			v = db_col_double(q, 4);
		long node = dti_framework_find(*fw, code);
		if (node < 0 || isnan(v))
			continue;
		st = dti_dataset_set(*ds, ci, ui, (size_t)node, v, err);
	}
	db_finalize(q);
	return st;
}

enum dti_status dti_cycle_dataset(struct dti_store *s, const char *cycle,
                                  struct dti_framework **fw,
                                  struct dti_units **units,
                                  struct dti_dataset **ds,
                                  struct dti_error *err)
{
	*fw = NULL;
	*units = NULL;
	*ds = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state != DTI_CYCLE_PUBLISHED)
		st = store_require(s, DTI_ROLE_VIEWER, NULL,
		                   "read an unpublished cycle's data", err);
	if (st == DTI_OK)
		st = store_build_dataset(s, &c, fw, units, ds, err);
	db_rollback(s->db);
	if (st != DTI_OK) {
		dti_dataset_free(*ds);
		dti_units_free(*units);
		dti_framework_free(*fw);
		*ds = NULL;
		*units = NULL;
		*fw = NULL;
	}
	return st;
}

/* Computes inside the current write and stores a result row. */
/*
 * Units whose index the result cannot give (unknown, or no value): *first
 * names one of them.
 */
static size_t index_unknown(const struct dti_result *res,
                            const struct dti_framework *fw, char first[64])
{
	size_t root = dti_framework_root(fw), n = 0;
	first[0] = '\0';
	for (size_t i = 0; i < dti_result_unit_count(res); i++) {
		unsigned fl = dti_result_flags(res, i, root);
		if (!(fl & DTI_CELL_UNKNOWN) &&
		    !isnan(dti_result_value(res, i, root)))
			continue;
		if (!n++) {
			struct dti_dataset_unit du;
			dti_dataset_unit(dti_result_dataset(res),
			                 dti_result_unit(res, i), &du);
			dti_snprintf(first, 64, "%s", du.id ? du.id : "?");
		}
	}
	return n;
}

struct compute_info {
	size_t units, unknown;
	char first_unknown[64];
	char index[64];
};

static enum dti_status compute_store(struct dti_store *s,
                                     const struct store_cycle *c,
                                     int64_t *result_id, char sha_out[65],
                                     struct compute_info *info,
                                     struct dti_error *err)
{
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	struct dti_buf body;
	dti_buf_init(&body, 0);
	enum dti_status st = store_build_dataset(s, c, &fw, &units, &ds, err);
	if (st == DTI_OK && dti_dataset_unit_count(ds) == 0)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "cycle",
		                 "cycle %s has no unit to compute", c->label);
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	co.allow_unknown = 1;
	if (st == DTI_OK)
		st = dti_compute(fw, ds, 0, &co, &res, err);
	char data_hash[65] = "";
	if (st == DTI_OK)
		st = dti_dataset_hash(ds, 0, data_hash);
	if (st == DTI_OK && info) {
		info->units = dti_result_unit_count(res);
		info->unknown = index_unknown(res, fw, info->first_unknown);
		struct dti_node_info ni;
		dti_framework_node(fw, dti_framework_root(fw), &ni);
		dti_snprintf(info->index, sizeof info->index, "%s",
		             ni.code ? ni.code : "index");
	}
	char fwsha[65];
	dti_snprintf(fwsha, sizeof fwsha, "%s", c->framework_sha);
	if (st == DTI_OK) {
		struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
		oo.format = DTI_FORMAT_JSON;
		oo.points = 1;
		oo.ranks = 1;
		oo.group_ranks = 1;
		size_t nn = dti_framework_node_count(fw);
		size_t *nodes = malloc((nn ? nn : 1) * sizeof *nodes);
		if (!nodes)
			st = dti_err_nomem(err);
		if (st == DTI_OK) {
			oo.nnodes = dti_output_default_nodes(fw, nodes, nn);
			oo.nodes = nodes;
			st = dti_output_result(res, &oo, &body, err);
		}
		free(nodes);
	}
	int64_t id = 0;
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = dti_buf_addc(&body, '\0');
	if (st == DTI_OK)
		st = store_next_id(s, "results", &id, err);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "INSERT INTO results (id, cycle_id, computed_at, "
		    "computed_by, framework_sha, data_hash, "
		    "program_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, "
		    "?)",
		    "iissssss", id, c->id, now, s->actor, fwsha, data_hash,
		    dti_version(), body.data);
	/* The body's digest goes in the event: replay checks the row. */
	char body_sha[65] = "";
	if (st == DTI_OK) {
		struct dti_sha256 h;
		dti_sha256_init(&h);
		dti_sha256_update(&h, body.data, strlen(body.data));
		dti_sha256_final(&h, body_sha);
		if (sha_out)
			memcpy(sha_out, body_sha, 65);
	}
	if (st == DTI_OK) {
		char after[384], object[96];
		dti_snprintf(
		    after, sizeof after,
		    "{\"result\":%lld,\"framework\":\"%s\",\"data_hash\":"
		    "\"%s\",\"program\":\"%s\",\"sha256\":\"%s\"}",
		    (long long)id, fwsha, data_hash, dti_version(), body_sha);
		dti_snprintf(object, sizeof object, "cycle %s", c->label);
		st = store_audit(s, "cycle.compute", c->label, NULL, object,
		                 NULL, after, err);
	}
	if (st == DTI_OK && result_id)
		*result_id = id;
	dti_buf_release(&body);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_units_free(units);
	dti_framework_free(fw);
	return st;
}

enum dti_status dti_cycle_compute(struct dti_store *s, const char *cycle,
                                  int64_t *result_id, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_require(s, DTI_ROLE_REVIEWER, NULL, "compute results", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state == DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is published: its results are fixed",
		                 c.label);
	if (st == DTI_OK)
		st = compute_store(s, &c, result_id, NULL, NULL, err);
	return store_end(s, st, err);
}

void dti_publish_opts_init(struct dti_publish_opts *o)
{
	struct dti_publish_opts d = DTI_PUBLISH_OPTS_INIT;
	*o = d;
}

enum dti_status dti_cycle_publish(struct dti_store *s, const char *cycle,
                                  int64_t expected_version,
                                  struct dti_error *err)
{
	struct dti_publish_opts o = DTI_PUBLISH_OPTS_INIT;
	o.expected_version = expected_version;
	return dti_cycle_publish_with(s, cycle, &o, err);
}

enum dti_status dti_cycle_publish_with(struct dti_store *s, const char *cycle,
                                       const struct dti_publish_opts *o,
                                       struct dti_error *err)
{
	struct dti_publish_opts defaults = DTI_PUBLISH_OPTS_INIT;
	if (!o)
		o = &defaults;
	int64_t expected_version = o->expected_version;
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c = {0};
	st = store_require(s, DTI_ROLE_OWNER, NULL, "publish", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_check_version(expected_version, c.version,
		                         "the cycle", err);
	if (st == DTI_OK && c.state != DTI_CYCLE_CLOSED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s: only a closed cycle is "
		                 "published",
		                 c.label, store_state_phrase(c.state));
	/* Every submission approved, or excluded with a reason. */
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st =
		    db_prepare(s->db,
		               "SELECT unit_id, state FROM submissions WHERE "
		               "cycle_id = ? AND NOT (state = 'approved' OR "
		               "(state = 'excluded' AND exclude_reason <> '')) "
		               "ORDER BY unit_id",
		               &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		int row = 0;
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		size_t n = 0;
		while ((st = db_step(q, &row, err)) == DTI_OK && row) {
			if (n < 5)
				dti_buf_addf(b, "%s%s (%s)", n ? ", " : "",
				             db_col_text(q, 0),
				             db_col_text(q, 1));
			n++;
		}
		dti_buf_addc(b, '\0');
		if (st == DTI_OK && n)
			st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
			                 "cannot publish %s: %zu submission(s) "
			                 "neither approved nor excluded: %s%s",
			                 c.label, n, b->data,
			                 n > 5 ? ", ..." : "");
	}
	db_finalize(q);
	/* The key first: its event, if new, precedes the publication. */
	if (st == DTI_OK) {
		char pk[65];
		unsigned char sk[crypto_sign_SECRETKEYBYTES];
		st = store_signing_key(s, pk, sk, err);
		sodium_memzero(sk, sizeof sk);
	}
	int64_t rid = 0;
	char sha[65] = "";
	struct compute_info info;
	memset(&info, 0, sizeof info);
	if (st == DTI_OK)
		st = compute_store(s, &c, &rid, sha, &info, err);
	/* An index that cannot be known is not published unless asked. */
	if (st == DTI_OK && info.unknown && !o->partial)
		st = dti_err_set(
		    err, DTI_EUNKNOWN, "", 0, 0, "",
		    "the index '%s' cannot be computed for %zu of %zu units "
		    "(%s%s): values below it are unknown (e.g. points not "
		    "public) and the index is not entered; 'dti publish "
		    "--partial' publishes the partial result, labelled "
		    "partial",
		    info.index, info.unknown, info.units, info.first_unknown,
		    info.unknown > 1 ? ", ..." : "");
	/* The head after the compute event: the snapshot seals it. */
	int64_t hseq = 0;
	char hhash[65] = "";
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(s->db,
		                "SELECT seq, hash FROM audit_head WHERE id = 1",
		                &q, err);
	if (st == DTI_OK) {
		int row = 0;
		st = db_step(q, &row, err);
		if (st == DTI_OK && row) {
			hseq = db_col_int(q, 0);
			dti_snprintf(hhash, sizeof hhash, "%s",
			             db_col_text(q, 1));
		}
	}
	db_finalize(q);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st =
		    db_run(s->db, err,
		           "INSERT INTO snapshots (cycle_id, result_id, "
		           "published_at, published_by, audit_seq, audit_hash, "
		           "sha, partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		           "iississi", c.id, rid, now, s->actor, hseq, hhash,
		           sha, (int64_t)(info.unknown ? 1 : 0));
	if (st == DTI_OK) {
		char extra[300];
		dti_snprintf(
		    extra, sizeof extra,
		    "\"result\":%lld,\"sha256\":\"%s\",\"audit_seq\":%lld,"
		    "\"audit_hash\":\"%s\"%s",
		    (long long)rid, sha, (long long)hseq, hhash,
		    info.unknown ? ",\"partial\":true" : "");
		st = store_set_cycle_state(s, &c, DTI_CYCLE_PUBLISHED, extra,
		                           err);
	}
	/* The checkpoint signs the head that includes the publication. */
	struct dti_buf cp;
	dti_buf_init(&cp, 0);
	if (st == DTI_OK)
		st = store_checkpoint_make(s, c.label, sha, &cp, err);
	if (st == DTI_OK)
		st =
		    db_run(s->db, err,
		           "UPDATE snapshots SET checkpoint = ? WHERE cycle_id "
		           "= ?",
		           "si", cp.data, c.id);
	dti_buf_release(&cp);
	return store_end(s, st, err);
}

static enum dti_status write_cycle_results(struct dti_store *s,
                                           const char *cycle, int preview,
                                           struct dti_buf *out,
                                           struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_load_cycle(s, cycle, &c, err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK && preview)
		st = store_require(s, DTI_ROLE_REVIEWER, NULL,
		                   "read unpublished results", err);
	if (st == DTI_OK && !preview && c.state != DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s, not published (owners and "
		                 "reviewers can see a preview)",
		                 c.label, store_state_phrase(c.state));
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    preview
		        ? "SELECT r.id, r.computed_at, r.computed_by, "
		          "r.framework_sha, r.data_hash, r.program_version, "
		          "r.body, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
		          "FROM results r "
		          "WHERE r.cycle_id = ? ORDER BY r.id DESC"
		        : "SELECT r.id, r.computed_at, r.computed_by, "
		          "r.framework_sha, r.data_hash, r.program_version, "
		          "r.body, p.published_at, p.published_by, "
		          "p.audit_seq, p.audit_hash, p.sha, p.partial, "
		          "p.checkpoint FROM snapshots p "
		          "JOIN results r ON r.id = p.result_id WHERE "
		          "p.cycle_id = ?",
		    &q, err);
	int row = 0;
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st =
		    dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		                "cycle %s has no computed result yet", c.label);
	if (st == DTI_OK) {
		dti_buf_adds(out, "{\"cycle\":");
		dti_json_quote(out, c.label);
		dti_buf_addf(out, ",\"state\":\"%s\",\"result\":%lld",
		             dti_cycle_state_name(c.state),
		             (long long)db_col_int(q, 0));
		static const char *const keys[] = {
		    "computed_at", "computed_by", "framework_sha256",
		    "data_hash", "program_version"};
		for (int k = 0; k < 5; k++) {
			dti_buf_addf(out, ",\"%s\":", keys[k]);
			dti_json_quote(out, db_col_text(q, k + 1));
		}
		if (!preview) {
			dti_buf_adds(out, ",\"published_at\":");
			dti_json_quote(out, db_col_text(q, 7));
			dti_buf_adds(out, ",\"published_by\":");
			dti_json_quote(out, db_col_text(q, 8));
			dti_buf_addf(out, ",\"audit_seq\":%lld,\"audit_hash\":",
			             (long long)db_col_int(q, 9));
			dti_json_quote(out, db_col_text(q, 10));
			dti_buf_adds(out, ",\"sha256\":");
			dti_json_quote(out, db_col_text(q, 11));
			dti_buf_addf(out, ",\"partial\":%s",
			             db_col_int(q, 12) ? "true" : "false");
			dti_buf_adds(out, ",\"checkpoint\":");
			dti_buf_adds(out, db_col_text(q, 13)
			                      ? db_col_text(q, 13)
			                      : "null");
		}
		dti_buf_adds(out, ",\"results\":");
		const char *body = db_col_text(q, 6);
		size_t n = strlen(body);
		while (n && (body[n - 1] == '\n' || body[n - 1] == ' '))
			n--;
		dti_buf_add(out, body, n);
		st = dti_buf_adds(out, "}\n");
	}
	while (st == DTI_OK && row)
		st = db_step(q, &row, err);
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_cycle_results(struct dti_store *s, const char *cycle,
                                  int preview, struct dti_buf *out,
                                  struct dti_error *err)
{
	enum dti_status st = write_cycle_results(s, cycle, preview, out, err);
	return dti_buf_final(out, st, err);
}
