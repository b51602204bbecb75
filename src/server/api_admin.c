/*
 * src/server/api_admin.c - endpoints of /api/v1 (see doc/api.md): the
 * store's status; users, roles, tokens, the audit log (to come).
 */
#include "server.h"

/* GET /api/v1/status */
static void h_status(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_store_status st;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status rc = dti_store_status(q->store, &st, &err);
	if (rc != DTI_OK) {
		srv_problem_dti(r, rc, &err, 0);
		dti_error_release(&err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "backend");
	dti_json_string(&j, st.backend == DTI_BACKEND_POSTGRES ? "postgresql"
	                                                       : "sqlite");
	dti_json_key(&j, "schema_version");
	dti_json_int(&j, st.schema_version);
	dti_json_key(&j, "schema_latest");
	dti_json_int(&j, st.schema_latest);
	const struct {
		const char *name;
		long long n;
	} counts[] = {
	    {"units", st.units},
	    {"frameworks", st.frameworks},
	    {"users", st.users},
	    {"cycles", st.cycles},
	    {"submissions", st.submissions},
	    {"figures", st.figures},
	    {"evidence", st.evidence},
	    {"blobs", st.blobs},
	    {"results", st.results},
	    {"snapshots", st.snapshots},
	    {"audit_events", st.audit_events},
	};
	dti_json_key(&j, "counts");
	dti_json_object_begin(&j);
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		dti_json_key(&j, counts[i].name);
		dti_json_int(&j, counts[i].n);
	}
	dti_json_object_end(&j);
	dti_json_key(&j, "audit_head");
	dti_json_string(&j, st.audit_head);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

const struct srv_route srv_routes_admin[] = {
    {"GET", "/api/v1/status", h_status, 0},
    {NULL, NULL, NULL, 0},
};
