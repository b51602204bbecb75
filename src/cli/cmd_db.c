/*
 * src/cli/cmd_db.c - dti db init|migrate|status|units|framework|frameworks.
 *
 * Creates and describes the store, and fills the reference data a year
 * needs: units registries (by level) and frameworks.  'db init --admin
 * NAME' alone gives a store ready for a provincial DTI year: the first
 * user (an admin), the bundled registry of provinces and every bundled
 * framework.  Inputs (password, registry files) are all read and checked
 * before the store is touched, so a bad argument leaves no half-made store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti db init|migrate|status|units|framework|frameworks "
    "[OPTIONS]\n"
    "\n"
    "  dti db init [--admin NAME [--password-file F | --password-stdin]]\n"
    "              [--units FILE|NAME --level LEVEL]... [--empty]\n"
    "  dti db migrate\n"
    "  dti db status [--json]\n"
    "  dti db units FILE|NAME --level LEVEL\n"
    "  dti db framework FILE|ID\n"
    "  dti db frameworks [--json]\n"
    "\n"
    "The store is an SQLite file (created on first use) or a PostgreSQL\n"
    "database (postgresql://...), named by --db, else $DTI_DB, else\n"
    "./dti.db.\n"
    "\n"
    "init        creates the schema.  With --admin, adds the first user (an\n"
    "            admin) and, acting as that user, imports the registries of\n"
    "            --units (default: the bundled vn-provinces at level\n"
    "            province) and stores every bundled framework, so that a\n"
    "            year can start at once; --empty skips the bundled ones.\n"
    "migrate     applies the schema migrations the store lacks.\n"
    "status      backend, schema version, row counts and the audit head.\n"
    "units       imports a registry of units at a level: new units are\n"
    "            added, known ones (same id) updated.  Owner.\n"
    "framework   stores a framework file, or a bundled one by id (pdti-2022,\n"
    "            ...); frameworks are content-addressed (SHA-256).  Owner.\n"
    "frameworks  lists the stored frameworks.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --admin NAME        (init) the first user, an admin\n"
    "      --password-file F   (init) the admin's password, from a file\n"
    "      --password-stdin    (init) the admin's password, from stdin\n"
    "      --units FILE|NAME   (init) a registry file or a bundled one\n"
    "                          (vn-provinces); repeatable, each with a\n"
    "                          --level\n"
    "      --level LEVEL       (init, units) the level of those units:\n"
    "                          province, ministry, department, commune...\n"
    "      --empty             (init) no bundled registry or frameworks\n"
    "      --json              (status, frameworks) JSON\n"
    "\n"
    "Examples:\n"
    "  dti db init --admin admin --password-file admin.pw\n"
    "  dti db init --admin admin --units units.csv --level department\n"
    "  dti db status --db postgresql://dti@localhost/dti\n"
    "  dti db units vn-provinces --level province --user owner\n"
    "  dti db framework frameworks/pdti-2024.csv --user owner\n";

/* A registry to import: a file or a bundled name, loaded before init. */
struct units_in {
	const char *name;
	const char *level;
	struct dti_units *u;
};

static int load_units(const char *name, struct dti_units **u)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.units = name;
	int rc = cli_load_units(&o, NULL, NULL, u);
	if (!rc && !*u) {
		fprintf(stderr, "dti: no units registry '%s'\n", name);
		rc = EXIT_NOTFOUND;
	}
	return rc;
}

static int is_bundled_framework(const struct dti_embedded_file *f)
{
	return strncmp(f->name, "vn-", 3) != 0 &&
	       strcmp(f->name, "regions.csv") != 0;
}

static int import_units(struct dti_store *s, const struct units_in *in)
{
	struct dti_error err = DTI_ERROR_INIT;
	size_t added = 0, updated = 0;
	enum dti_status st =
	    dti_store_units_import(s, in->u, in->level, &added, &updated, &err);
	if (st) {
		char what[300];
		snprintf(what, sizeof what, "cannot import units '%s'",
		         in->name);
		return wf_fail(what, st, &err);
	}
	dti_error_release(&err);
	printf("units: %zu added, %zu updated at level %s (%s)\n", added,
	       updated, in->level, in->name);
	return 0;
}

static int store_framework(struct dti_store *s, const char *name,
                           const char *text, size_t len, int verbose)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_framework *fw = NULL;
	/* checked here too, to name its id and version */
	enum dti_status st = dti_framework_parse(text, len, name, &fw, &err);
	if (st) {
		cli_error("framework", &err);
		dti_error_release(&err);
		return cli_exit_for(st, EXIT_FRAMEWORK);
	}
	char sha[65];
	st = dti_store_framework_add(s, text, len, name, sha, &err);
	if (st) {
		dti_framework_free(fw);
		char what[300];
		snprintf(what, sizeof what, "cannot store framework '%s'",
		         name);
		return wf_fail(what, st, &err);
	}
	dti_error_release(&err);
	const char *ver = dti_framework_version(fw);
	if (verbose)
		printf("framework %s%s%s stored: sha256 %s\n",
		       dti_framework_id(fw), *ver ? "@" : "", ver, sha);
	else
		printf("framework: %s%s%s %.12s\n", dti_framework_id(fw),
		       *ver ? "@" : "", ver, sha);
	dti_framework_free(fw);
	return 0;
}

static int db_init(const struct wf_args *a)
{
	static const int allowed[] = {
	    W_ADMIN, W_PASSWORD_FILE, W_PASSWORD_STDIN,
	    W_UNITS, W_LEVEL,         W_EMPTY,
	    -1};
	int rc = wf_allow(a, "init", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	if (rc)
		return rc;
	const char *admin = a->val[W_ADMIN];
	if (!admin &&
	    (wf_has(a, W_PASSWORD_FILE) || wf_has(a, W_PASSWORD_STDIN)))
		return wf_usage(a, "a password needs --admin NAME");
	if (!admin && (wf_has(a, W_UNITS) || wf_has(a, W_LEVEL)))
		return wf_usage(a, "--units needs --admin NAME (an owner or "
		                   "admin must import them)");
	if (a->count[W_UNITS] != a->count[W_LEVEL])
		return wf_usage(a,
		                "each --units needs its --level (%u "
		                "--units, %u --level)",
		                a->count[W_UNITS], a->count[W_LEVEL]);

	/* everything read and checked before the store is touched */
	/* the n-th --level goes with the n-th --units */
	struct units_in in[WF_MAX_SEQ];
	memset(in, 0, sizeof in);
	size_t nin = 0, nlevel = 0;
	for (size_t i = 0; i < a->nseq; i++) {
		if (a->seq[i].key == W_UNITS)
			in[nin++].name = a->seq[i].val;
		else if (a->seq[i].key == W_LEVEL)
			in[nlevel++].level = a->seq[i].val;
	}
	if (admin && !nin && !wf_has(a, W_EMPTY))
		in[nin++] = (struct units_in){"vn-provinces", "province", NULL};
	char *pw = NULL;
	rc = wf_password(a, 0, &pw);
	for (size_t i = 0; !rc && i < nin; i++)
		rc = load_units(in[i].name, &in[i].u);

	struct dti_store *s = NULL;
	cli_store_create = 1;
	if (!rc)
		rc = wf_open(a, 0, &s);
	struct dti_error err = DTI_ERROR_INIT;
	if (!rc) {
		enum dti_status st = dti_store_init(s, &err);
		if (st)
			rc = wf_fail("cannot initialise the store", st, &err);
	}
	if (!rc) {
		struct dti_store_status ss;
		if (dti_store_status(s, &ss, &err) == DTI_OK)
			printf("store initialised: %s, schema version %d\n",
			       ss.backend == DTI_BACKEND_POSTGRES ? "postgresql"
			                                          : "sqlite",
			       ss.schema_version);
		dti_error_release(&err);
	}
	if (!rc && admin) {
		enum dti_status st = dti_user_add(s, admin, NULL, pw, &err);
		if (!st)
			st = dti_store_set_actor(s, admin, &err);
		if (st)
			rc = wf_fail("cannot add the admin", st, &err);
		else
			printf("admin: %s%s\n", admin,
			       pw ? ""
			          : " (no password: set one with 'dti "
			            "user passwd')");
	}
	for (size_t i = 0; !rc && i < nin; i++)
		rc = import_units(s, &in[i]);
	if (!rc && admin && !wf_has(a, W_EMPTY)) {
		for (const struct dti_embedded_file *f = dti_embedded_files;
		     !rc && f->name; f++)
			if (is_bundled_framework(f))
				rc = store_framework(s, f->name, f->data,
				                     f->len, 0);
	}
	wf_password_free(pw);
	for (size_t i = 0; i < nin; i++)
		dti_units_free(in[i].u);
	dti_store_close(s);
	return rc;
}

static int db_migrate(const struct wf_args *a)
{
	static const int allowed[] = {-1};
	int rc = wf_allow(a, "migrate", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_error err = DTI_ERROR_INIT;
	int from = 0, to = 0;
	enum dti_status st = dti_store_migrate(s, &from, &to, &err);
	if (st)
		rc = wf_fail("cannot migrate the store", st, &err);
	else if (from == to)
		printf("schema version %d: up to date\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}

static int db_status(const struct wf_args *a)
{
	static const int allowed[] = {W_JSON, -1};
	int rc = wf_allow(a, "status", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store_status ss;
	enum dti_status st = dti_store_status(s, &ss, &err);
	dti_store_close(s);
	if (st)
		return wf_fail("cannot read the store's status", st, &err);
	const char *backend =
	    ss.backend == DTI_BACKEND_POSTGRES ? "postgresql" : "sqlite";
	const char *names[] = {"units",     "frameworks",  "users",
	                       "cycles",    "submissions", "figures",
	                       "evidence",  "blobs",       "results",
	                       "snapshots", "audit_events"};
	long long vals[] = {ss.units,     ss.frameworks,  ss.users,
	                    ss.cycles,    ss.submissions, ss.figures,
	                    ss.evidence,  ss.blobs,       ss.results,
	                    ss.snapshots, ss.audit_events};
	struct dti_buf out = DTI_BUF_INIT;
	if (wf_has(a, W_JSON)) {
		struct dti_json j;
		dti_json_init(&j, &out);
		dti_json_object_begin(&j);
		dti_json_key(&j, "backend");
		dti_json_string(&j, backend);
		dti_json_key(&j, "schema_version");
		dti_json_int(&j, ss.schema_version);
		dti_json_key(&j, "schema_latest");
		dti_json_int(&j, ss.schema_latest);
		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
			dti_json_key(&j, names[i]);
			dti_json_int(&j, vals[i]);
		}
		dti_json_key(&j, "audit_head");
		dti_json_string(&j, *ss.audit_head ? ss.audit_head : NULL);
		dti_json_object_end(&j);
		dti_buf_addc(&out, '\n');
		return wf_emit(&out);
	}
	dti_buf_addf(&out, "backend: %s\n", backend);
	if (!ss.schema_version) {
		dti_buf_addf(&out,
		             "schema: not initialised (this program writes "
		             "version %d): run 'dti db init'\n",
		             ss.schema_latest);
		return wf_emit(&out);
	}
	dti_buf_addf(&out, "schema: version %d", ss.schema_version);
	if (ss.schema_version < ss.schema_latest)
		dti_buf_addf(&out, " (outdated: run 'dti db migrate' for %d)",
		             ss.schema_latest);
	else if (ss.schema_version > ss.schema_latest)
		dti_buf_addf(&out, " (newer than this program's %d)",
		             ss.schema_latest);
	dti_buf_addc(&out, '\n');
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		char label[32];
		snprintf(label, sizeof label, "%s:", names[i]);
		for (char *p = label; *p; p++)
			if (*p == '_')
				*p = ' ';
		dti_buf_addf(&out, "%-14s %lld\n", label, vals[i]);
	}
	dti_buf_addf(&out, "%-14s %s\n",
	             "audit head:", *ss.audit_head ? ss.audit_head : "(none)");
	return wf_emit(&out);
}

static int db_units(const struct wf_args *a)
{
	static const int allowed[] = {W_LEVEL, -1};
	int rc = wf_allow(a, "units", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a registry file or bundled name");
	if (rc)
		return rc;
	if (!wf_has(a, W_LEVEL))
		return wf_usage(a, "'db units' needs --level LEVEL (province, "
		                   "ministry, department, ...)");
	if (a->count[W_LEVEL] > 1)
		return wf_usage(a, "'db units' takes one --level");
	struct units_in in = {a->pos[1], a->val[W_LEVEL], NULL};
	rc = load_units(in.name, &in.u);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (!rc)
		rc = import_units(s, &in);
	dti_units_free(in.u);
	dti_store_close(s);
	return rc;
}

static int db_framework(const struct wf_args *a)
{
	static const int allowed[] = {-1};
	int rc = wf_allow(a, "framework", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a framework file or bundled id");
	if (rc)
		return rc;
	char *text = NULL;
	size_t len = 0;
	const char *name;
	rc = wf_framework_text(a->pos[1], &text, &len, &name);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (!rc)
		rc = store_framework(s, name, text, len, 1);
	free(text);
	dti_store_close(s);
	return rc;
}

static int db_frameworks(const struct wf_args *a)
{
	static const int allowed[] = {W_JSON, -1};
	int rc = wf_allow(a, "frameworks", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_store_framework_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_framework_list(s, &l, &err);
	dti_store_close(s);
	if (st)
		return wf_fail("cannot list the frameworks", st, &err);
	struct dti_buf out = DTI_BUF_INIT;
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_store_framework_entry *f = &l->frameworks[i];
		if (wf_has(a, W_JSON)) {
			struct dti_json j;
			dti_json_init(&j, &out);
			dti_json_object_begin(&j);
			dti_json_key(&j, "id");
			wf_jstr(&j, f->id);
			dti_json_key(&j, "version");
			wf_jstr(&j, f->version);
			dti_json_key(&j, "sha256");
			wf_jstr(&j, f->sha256);
			dti_json_key(&j, "added_at");
			wf_jstr(&j, f->added_at);
			dti_json_key(&j, "cycles");
			dti_json_int(&j, f->cycles);
			dti_json_object_end(&j);
			dti_buf_addc(&out, '\n');
		} else {
			dti_buf_addf(&out, "%-28s %-8s %.12s  %lld cycle(s)\n",
			             f->id, f->version, f->sha256, f->cycles);
		}
	}
	dti_store_framework_list_free(l);
	return wf_emit(&out);
}

int cmd_db(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"init", db_init},           {"migrate", db_migrate},
	    {"status", db_status},       {"units", db_units},
	    {"framework", db_framework}, {"frameworks", db_frameworks},
	};
	return wf_dispatch(argc, argv, "db", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
