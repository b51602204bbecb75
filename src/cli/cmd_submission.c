/*
 * src/cli/cmd_submission.c - dti submission edit|import|submit|exclude|
 * add|show|preview.
 *
 * A submission is one unit's figures for a cycle.  Its editor enters them
 * (several indicators in one call are one change: all or nothing), or the
 * owner imports a whole data file; the editor submits; the owner may
 * exclude a unit with a reason or add a submission the opening did not
 * create.  Units are named by id, code or name as on the cycle's reference
 * date; indicators by their code in the cycle's framework.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti submission edit|import|submit|exclude|add|show|preview "
    "[OPTIONS]\n"
    "\n"
    "  dti submission edit CYCLE UNIT [IND=VALUE]... [--points IND=P]...\n"
    "                      [--comment IND=TEXT]... [--clear IND]... "
    "[--version N]\n"
    "  dti submission import CYCLE FILE [--data-cycle LABEL]\n"
    "                        [--ignore COL]... [--and-submit]\n"
    "  dti submission submit CYCLE UNIT [--version N]\n"
    "  dti submission exclude CYCLE UNIT --reason TEXT\n"
    "  dti submission add CYCLE UNIT\n"
    "  dti submission show CYCLE UNIT [--json]\n"
    "  dti submission preview CYCLE UNIT [--format table|json] [--lang L]\n"
    "\n"
    "edit     sets figures of a unit: IND=VALUE (written as in a data\n"
    "         file: 0.8, 0,8, 91,8%, có/không, yes/no, x), the self-\n"
    "         assessed points, a comment (empty: removed), or --clear\n"
    "         removes an indicator's figure, points and comment.\n"
    "         Everything given in one call is one change: all of it, or\n"
    "         nothing.  Editor of the unit, while the cycle is open or\n"
    "         the submission returned.\n"
    "import   sets the figures of many units from a data file (dti-data(5))\n"
    "         read with the cycle's framework and the store's registry, in\n"
    "         one change.  Owner, or the editor of every unit in the file.\n"
    "         --and-submit then submits each unit of the file, each its\n"
    "         own change (a refusal is reported, the others go on): the\n"
    "         figures of units that sent them on paper, handed in.\n"
    "submit   hands the submission in for review (draft or returned).\n"
    "exclude  leaves a unit out of the cycle, with a reason.  Owner.\n"
    "add      adds a submission for a unit the opening did not create.\n"
    "         Owner.\n"
    "show     the submission: state, version, every figure with self\n"
    "         points, comment, the reviewer's value and reason, the score,\n"
    "         and its evidence.\n"
    "preview  the unit's score on the index and pillars if the cycle were\n"
    "         computed now (its current figures, the others' current or\n"
    "         reviewed ones) and its likely rank among the units with\n"
    "         enough data.  Anyone with a role on the unit.\n"
    "\n"
    "UNIT is an id, a code or a name (\"Đà Nẵng\", \"da nang\", 48).\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --points IND=P      (edit) self-assessed points (repeatable)\n"
    "      --comment IND=TEXT  (edit) a comment (repeatable)\n"
    "      --clear IND         (edit) remove an indicator's entry "
    "(repeatable)\n"
    "      --data-cycle LABEL  (import) the cycle (year) of the file to\n"
    "                          take, when it holds several\n"
    "      --ignore COL        (import) skip a column of the file "
    "(repeatable)\n"
    "      --and-submit        (import) then submit each unit of the file\n"
    "      --reason TEXT       (exclude) why\n"
    "      --version N         refuse unless the submission is at version "
    "N\n"
    "      --json              (show, preview) JSON\n"
    "      --format F          (preview) table or json\n"
    "      --lang L            (preview) vi or en (default: $DTI_LANG)\n"
    "\n"
    "Examples:\n"
    "  dti submission edit dti-2024 'Đà Nẵng' awareness=0.95 \\\n"
    "      --comment awareness='Kế hoạch 123/KH-UBND'\n"
    "  dti submission import dti-2024 figures-2024.csv\n"
    "  dti submission submit dti-2024 48 --version 3\n"
    "  dti submission exclude dti-2024 'Hà Giang' --reason 'merged'\n"
    "  dti submission show dti-2024 48\n"
    "  dti submission preview dti-2024 'Đà Nẵng' --lang vi\n";

/* The edit of one indicator, gathered from arguments and options. */
struct edit {
	char *code;
	struct dti_figure_edit e;
	int has_value, has_points, has_comment;
};

static struct edit *find_edit(struct edit *ed, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ed[i].code, code) == 0)
			return &ed[i];
	return NULL;
}

/*
 * Splits "IND=REST" (REST may be empty only when empty_ok) and returns the
 * edit of IND, new or already there.
 */
static int edit_for(const struct wf_args *a, const char *what, const char *arg,
                    int empty_ok, struct edit *ed, size_t *n, struct edit **out,
                    const char **rest)
{
	const char *eq = strchr(arg, '=');
	if (rest && (!eq || eq == arg || (!empty_ok && !eq[1])))
		return wf_usage(a, "%s '%s': expected INDICATOR=%s", what, arg,
		                empty_ok ? "TEXT" : "VALUE");
	size_t len = rest ? (size_t)(eq - arg) : strlen(arg);
	if (!len)
		return wf_usage(a, "%s: an empty indicator code", what);
	char *code = malloc(len + 1);
	if (!code)
		return EXIT_INTERNAL;
	memcpy(code, arg, len);
	code[len] = '\0';
	struct edit *e = find_edit(ed, *n, code);
	if (e) {
		free(code);
	} else {
		e = &ed[(*n)++];
		memset(e, 0, sizeof *e);
		e->code = code;
		struct dti_figure_edit init = DTI_FIGURE_EDIT_INIT(code);
		e->e = init;
	}
	*out = e;
	if (rest)
		*rest = eq + 1;
	return 0;
}

static int sub_edit(const struct wf_args *a)
{
	static const int allowed[] = {W_POINTS, W_COMMENT, W_CLEAR, W_VERSION,
	                              -1};
	int rc = wf_allow(a, "edit", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, WF_MAX_POS, "a cycle and a unit");
	int64_t version = 0;
	if (!rc)
		rc = wf_version(a, &version);
	if (rc)
		return rc;
	struct edit ed[WF_MAX_SEQ + WF_MAX_POS];
	size_t n = 0;
	for (size_t i = 3; !rc && i < a->npos; i++) {
		struct edit *e;
		const char *v;
		rc = edit_for(a, "figure", a->pos[i], 0, ed, &n, &e, &v);
		if (!rc && e->has_value)
			rc = wf_usage(a, "indicator '%s' given twice", e->code);
		if (!rc) {
			/* read by the indicator's rule, as in a data file */
			e->e.value_text = v;
			e->has_value = 1;
		}
	}
	for (size_t i = 0; !rc && i < a->nseq; i++) {
		struct edit *e;
		const char *v;
		switch (a->seq[i].key) {
		case W_POINTS:
			rc = edit_for(a, "--points", a->seq[i].val, 0, ed, &n,
			              &e, &v);
			if (!rc && e->has_points)
				rc = wf_usage(a, "points of '%s' given twice",
				              e->code);
			if (!rc)
				rc = wf_number(a, "--points", v,
				               &e->e.self_points);
			if (!rc)
				e->has_points = 1;
			break;
		case W_COMMENT:
			rc = edit_for(a, "--comment", a->seq[i].val, 1, ed, &n,
			              &e, &v);
			if (!rc && e->has_comment)
				rc = wf_usage(a, "comment of '%s' given twice",
				              e->code);
			if (!rc) {
				e->e.comment = v;
				e->has_comment = 1;
			}
			break;
		case W_CLEAR:
			rc = edit_for(a, "--clear", a->seq[i].val, 0, ed, &n,
			              &e, NULL);
			if (!rc)
				e->e.clear = 1;
			break;
		default: break;
		}
	}
	for (size_t i = 0; !rc && i < n; i++)
		if (ed[i].e.clear &&
		    (ed[i].has_value || ed[i].has_points || ed[i].has_comment))
			rc = wf_usage(a,
			              "indicator '%s': --clear and a new entry "
			              "at once",
			              ed[i].code);
	if (!rc && !n)
		rc = wf_usage(a, "nothing to change: give IND=VALUE, --points, "
		                 "--comment or --clear");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	struct dti_cycle_info ci;
	struct dti_unit_ref ref;
	if (!rc)
		rc = wf_cycle_unit(s, a->pos[1], a->pos[2], &ci, &ref);
	const char *unit = ref.id, *uname = ref.name_vi;
	if (!rc) {
		struct dti_figure_edit edits[WF_MAX_SEQ + WF_MAX_POS];
		for (size_t i = 0; i < n; i++)
			edits[i] = ed[i].e;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_submission_edit(
		    s, a->pos[1], unit, edits, n, version, &err);
		char what[512];
		snprintf(what, sizeof what, "cannot edit %s %s (%s)", a->pos[1],
		         unit, uname);
		if (st) {
			rc = wf_fail(what, st, &err);
		} else {
			struct dti_submission_info si;
			st = dti_submission_get(s, a->pos[1], unit, &si, &err);
			if (st)
				rc = wf_fail(what, st, &err);
			else {
				printf("%s %s (", a->pos[1], unit);
				cli_put_esc(uname);
				printf(
				    "): %zu indicator%s changed, %s, version "
				    "%lld\n",
				    n, n == 1 ? "" : "s",
				    dti_sub_state_name(si.state),
				    (long long)si.version);
			}
		}
		dti_error_release(&err);
	}
	for (size_t i = 0; i < n; i++)
		free(ed[i].code);
	dti_store_close(s);
	return rc;
}

/*
 * import --and-submit: submits each unit with figures in the imported
 * cycle of the file, each its own change.  A refusal is reported with its
 * unit and does not stop the others; the exit status is the first
 * refusal's.
 */
static int submit_imported(struct dti_store *s, const char *cycle,
                           const struct dti_dataset *ds, const char *data_cycle)
{
	long dc = data_cycle ? dti_dataset_find_cycle(ds, data_cycle) : 0;
	size_t done = 0, refused = 0;
	int rc = 0;
	for (size_t u = 0; dc >= 0 && u < dti_dataset_unit_count(ds); u++) {
		if (!dti_dataset_unit_present(ds, (size_t)dc, u))
			continue;
		struct dti_dataset_unit du;
		dti_dataset_unit(ds, u, &du);
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_submission_submit(s, cycle, du.id, 0, &err);
		if (st) {
			char what[512];
			snprintf(what, sizeof what, "cannot submit %s %s (%s)",
			         cycle, du.id, du.name);
			int r = wf_fail(what, st, &err);
			if (!rc)
				rc = r;
			refused++;
		} else {
			dti_error_release(&err);
			done++;
		}
	}
	printf("%s: %zu submission%s submitted", cycle, done,
	       done == 1 ? "" : "s");
	if (refused)
		printf(", %zu refused (above)", refused);
	printf("\n");
	return rc;
}

static int sub_import(const struct wf_args *a)
{
	static const int allowed[] = {W_DATA_CYCLE, W_IGNORE, W_AND_SUBMIT, -1};
	int rc = wf_allow(a, "import", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a cycle and a data file");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *cycle = a->pos[1], *path = a->pos[2];
	struct dti_cycle_info ci;
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	rc = wf_cycle(s, cycle, &ci);
	if (!rc) {
		st = dti_store_framework(s, ci.framework_sha, &fw, &err);
		if (st)
			rc = wf_fail("the cycle's framework", st, &err);
	}
	if (!rc) {
		st = dti_store_units(s, &units, &err);
		if (st)
			rc = wf_fail("units", st, &err);
	}
	if (!rc) {
		/* the columns to skip, as the data commands' --ignore */
		const char *ignore[WF_MAX_SEQ];
		size_t nignore = 0;
		for (size_t i = 0; i < a->nseq; i++)
			if (a->seq[i].key == W_IGNORE)
				ignore[nignore++] = a->seq[i].val;
		struct dti_read_opts ro = DTI_READ_OPTS_INIT;
		ro.ignore = ignore;
		ro.nignore = nignore;
		st = dti_dataset_read(fw, units, path, &ro, &ds, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st,
			                  st == DTI_EIO ? EXIT_IO : EXIT_DATA);
		}
	}
	if (!rc) {
		size_t nu = 0, nf = 0;
		st = dti_submission_import(s, cycle, ds, a->val[W_DATA_CYCLE],
		                           &nu, &nf, &err);
		char what[300];
		snprintf(what, sizeof what, "cannot import %s into %s", path,
		         cycle);
		if (st)
			rc = wf_fail(what, st, &err);
		else
			printf("%s: %zu figure%s of %zu unit%s imported from "
			       "%s\n",
			       cycle, nf, nf == 1 ? "" : "s", nu,
			       nu == 1 ? "" : "s", path);
	}
	if (!rc) {
		/* the evidence column, after the figures */
		size_t ne = 0;
		enum dti_status est = dti_submission_import_evidence(
		    s, cycle, ds, a->val[W_DATA_CYCLE], &ne, &err);
		if (est) {
			char what[300];
			snprintf(what, sizeof what,
			         "the figures are imported, but not the "
			         "evidence of %s",
			         path);
			rc = wf_fail(what, est, &err);
		} else if (ne) {
			printf("%s: %zu evidence text%s added\n", cycle, ne,
			       ne == 1 ? "" : "s");
		}
	}
	if (!rc && wf_has(a, W_AND_SUBMIT))
		rc = submit_imported(s, cycle, ds, a->val[W_DATA_CYCLE]);
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_units_free(units);
	dti_store_close(s);
	return rc;
}

/* submit, exclude, add: one call on one unit's submission. */
static int sub_state(const struct wf_args *a)
{
	const char *sub = a->pos[0];
	static const int a_submit[] = {W_VERSION, -1};
	static const int a_exclude[] = {W_REASON, -1};
	static const int a_add[] = {-1};
	int which = strcmp(sub, "submit") == 0    ? 0
	            : strcmp(sub, "exclude") == 0 ? 1
	                                          : 2;
	const int *allowed = which == 0   ? a_submit
	                     : which == 1 ? a_exclude
	                                  : a_add;
	int rc = wf_allow(a, sub, allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a cycle and a unit");
	int64_t version = 0;
	if (!rc)
		rc = wf_version(a, &version);
	if (!rc && which == 1 && !wf_has(a, W_REASON))
		rc = wf_usage(a, "'submission exclude' needs --reason TEXT");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	struct dti_cycle_info ci;
	struct dti_unit_ref ref;
	const char *cycle = a->pos[1];
	rc = wf_cycle_unit(s, cycle, a->pos[2], &ci, &ref);
	const char *unit = ref.id, *uname = ref.name_vi;
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st;
		if (which == 0)
			st = dti_submission_submit(s, cycle, unit, version,
			                           &err);
		else if (which == 1)
			st = dti_submission_exclude(s, cycle, unit,
			                            a->val[W_REASON], &err);
		else
			st = dti_submission_create(s, cycle, unit, &err);
		char what[512];
		snprintf(what, sizeof what, "cannot %s %s %s (%s)", sub, cycle,
		         unit, uname);
		struct dti_submission_info si = {0};
		if (!st)
			st = dti_submission_get(s, cycle, unit, &si, &err);
		if (st)
			rc = wf_fail(what, st, &err);
		else {
			printf("%s %s (", cycle, unit);
			cli_put_esc(uname);
			printf("): %s, version %lld\n",
			       dti_sub_state_name(si.state),
			       (long long)si.version);
		}
		dti_error_release(&err);
	}
	dti_store_close(s);
	return rc;
}

static void show_json(struct dti_buf *b, const struct dti_submission_view *v)
{
	struct dti_json jw, *j = &jw;
	dti_json_init(j, b);
	dti_json_object_begin(j);
	const char *head_k[] = {"cycle", "unit", "name"};
	const char *head_v[] = {v->cycle, v->unit, v->name};
	for (size_t k = 0; k < 3; k++) {
		dti_json_key(j, head_k[k]);
		wf_jstr(j, head_v[k]);
	}
	dti_json_key(j, "state");
	dti_json_string(j, dti_sub_state_name(v->state));
	dti_json_key(j, "version");
	dti_json_int(j, v->version);
	const char *tail_k[] = {"updated_at", "updated_by", "return_comment",
	                        "exclude_reason"};
	const char *tail_v[] = {v->updated_at, v->updated_by, v->return_comment,
	                        v->exclude_reason};
	for (size_t k = 0; k < 4; k++) {
		dti_json_key(j, tail_k[k]);
		wf_jstr(j, tail_v[k]);
	}
	dti_json_key(j, "figures");
	dti_json_array_begin(j);
	for (size_t i = 0; i < v->nfigures; i++) {
		const struct dti_figure_entry *f = &v->figures[i];
		dti_json_object_begin(j);
		dti_json_key(j, "indicator");
		wf_jstr(j, f->indicator);
		dti_json_key(j, "value");
		dti_json_double(j, f->value);
		dti_json_key(j, "points");
		dti_json_double(j, f->points);
		dti_json_key(j, "comment");
		wf_jstr(j, f->comment);
		dti_json_key(j, "reviewed_value");
		dti_json_double(j, f->reviewed);
		dti_json_key(j, "review_reason");
		wf_jstr(j, f->review_reason);
		dti_json_key(j, "reviewed_by");
		wf_jstr(j, f->reviewed_by);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_key(j, "evidence");
	dti_json_array_begin(j);
	for (size_t i = 0; i < v->nevidence; i++) {
		const struct dti_evidence_entry *e = &v->evidence[i];
		const char *keys[] = {"indicator", "number", "date",
		                      "issuer",    "title",  "link",
		                      "filename",  "sha256"};
		const char *vals[] = {e->indicator, e->doc_number, e->doc_date,
		                      e->issuer,    e->title,      e->link,
		                      e->filename,  e->sha256};
		dti_json_object_begin(j);
		dti_json_key(j, "id");
		dti_json_int(j, e->id);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			dti_json_key(j, keys[k]);
			wf_jstr(j, vals[k]);
		}
		dti_json_key(j, "size");
		dti_json_int(j, e->size);
		dti_json_key(j, "media_type");
		wf_jstr(j, e->media_type);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_object_end(j);
	dti_buf_addc(b, '\n');
}

/* A number as %g, or "-" for none. */
static const char *num_or_dash(char buf[32], double v)
{
	if (isnan(v))
		return "-";
	snprintf(buf, 32, "%g", v);
	return buf;
}

/* Text of the store, escaped for the terminal (a comment may hold a
   newline or an escape sequence). */
static void show_text(struct dti_buf *b, const struct dti_submission_view *v)
{
	dti_buf_adds(b, "submission ");
	cli_esc(b, v->cycle);
	dti_buf_addc(b, '/');
	cli_esc(b, v->unit);
	dti_buf_adds(b, " (");
	cli_esc(b, v->name);
	dti_buf_addf(b, "): %s, version %lld\n  last change ",
	             dti_sub_state_name(v->state), (long long)v->version);
	cli_esc(b, v->updated_at);
	dti_buf_adds(b, " by ");
	cli_esc(b, v->updated_by);
	dti_buf_addc(b, '\n');
	if (*v->return_comment) {
		dti_buf_adds(b, "  returned: ");
		cli_esc(b, v->return_comment);
		dti_buf_addc(b, '\n');
	}
	if (*v->exclude_reason) {
		dti_buf_adds(b, "  excluded: ");
		cli_esc(b, v->exclude_reason);
		dti_buf_addc(b, '\n');
	}
	dti_buf_addf(b, "\n%-22s %12s %8s %12s  %s\n", "indicator", "value",
	             "points", "reviewed", "comment [reviewer: reason]");
	for (size_t i = 0; i < v->nfigures; i++) {
		const struct dti_figure_entry *f = &v->figures[i];
		char nv[32], np[32], nr[32];
		int adjusted = !isnan(f->reviewed);
		cli_esc_pad(b, f->indicator, 22);
		dti_buf_addf(b, " %12s %8s %12s", num_or_dash(nv, f->value),
		             num_or_dash(np, f->points),
		             num_or_dash(nr, f->reviewed));
		if (*f->comment || adjusted)
			dti_buf_adds(b, "  ");
		cli_esc(b, f->comment);
		if (adjusted) {
			dti_buf_adds(b, *f->comment ? " [" : "[");
			cli_esc(b, f->reviewed_by);
			dti_buf_adds(b, ": ");
			cli_esc(b, f->review_reason);
			dti_buf_addc(b, ']');
		}
		dti_buf_addc(b, '\n');
	}
	if (v->nevidence)
		dti_buf_adds(b, "\nevidence:\n");
	for (size_t i = 0; i < v->nevidence; i++) {
		const struct dti_evidence_entry *e = &v->evidence[i];
		const char *vals[] = {e->indicator, e->doc_number, e->doc_date,
		                      e->issuer,    e->title,      e->link};
		dti_buf_addf(b, "  #%lld", (long long)e->id);
		for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++)
			if (*vals[k]) {
				dti_buf_addc(b, ' ');
				cli_esc(b, vals[k]);
			}
		if (*e->sha256) {
			dti_buf_adds(b, " [");
			cli_esc(b, e->filename);
			dti_buf_addf(b, ", %lld bytes, ", e->size);
			cli_esc(b, e->media_type);
			dti_buf_addc(b, ']');
		}
		dti_buf_addc(b, '\n');
	}
}

static int sub_show(const struct wf_args *a)
{
	static const int allowed[] = {W_JSON, -1};
	int rc = wf_allow(a, "show", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a cycle and a unit");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_cycle_info ci;
	struct dti_unit_ref ref;
	rc = wf_cycle_unit(s, a->pos[1], a->pos[2], &ci, &ref);
	const char *unit = ref.id;
	if (!rc) {
		struct dti_submission_view *v = NULL;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_submission_view(s, a->pos[1], unit, &v, &err);
		if (st) {
			char what[160];
			snprintf(what, sizeof what, "submission %s %s",
			         a->pos[1], unit);
			rc = wf_fail(what, st, &err);
		} else {
			struct dti_buf out = DTI_BUF_INIT;
			if (wf_has(a, W_JSON))
				show_json(&out, v);
			else
				show_text(&out, v);
			dti_submission_view_free(v);
			rc = wf_emit(&out);
		}
	}
	dti_store_close(s);
	return rc;
}

static int sub_preview(const struct wf_args *a)
{
	static const int allowed[] = {W_JSON, W_FORMAT, W_LANG, -1};
	int rc = wf_allow(a, "preview", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a cycle and a unit");
	enum dti_format format = DTI_FORMAT_TABLE;
	if (!rc && wf_has(a, W_JSON))
		format = DTI_FORMAT_JSON;
	if (!rc && wf_has(a, W_FORMAT)) {
		if (strcmp(a->val[W_FORMAT], "json") == 0)
			format = DTI_FORMAT_JSON;
		else if (strcmp(a->val[W_FORMAT], "table") != 0)
			rc =
			    wf_usage(a, "--format '%s': expected table or json",
			             a->val[W_FORMAT]);
	}
	enum dti_lang lang = cli_default_lang();
	if (!rc && wf_has(a, W_LANG) && cli_lang(a->val[W_LANG], &lang))
		rc = wf_usage(a, "--lang '%s': expected vi or en",
		              a->val[W_LANG]);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	struct dti_submission_preview *p = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_preview(s, a->pos[1], a->pos[2], &p, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "preview of %s in %s", a->pos[2],
		         a->pos[1]);
		rc = wf_fail(what, st, &err);
	} else {
		struct dti_buf out = DTI_BUF_INIT;
		st = dti_submission_preview_write(p, format, lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			dti_error_release(&err);
			dti_buf_release(&out);
			rc = cli_exit_for(st, EXIT_INTERNAL);
		} else {
			rc = wf_emit(&out);
		}
	}
	dti_submission_preview_free(p);
	dti_store_close(s);
	return rc;
}

int cmd_submission(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"edit", sub_edit},       {"import", sub_import},
	    {"submit", sub_state},    {"exclude", sub_state},
	    {"add", sub_state},       {"show", sub_show},
	    {"preview", sub_preview},
	};
	return wf_dispatch(argc, argv, "submission", help, WF_CLEAR_VALUE, subs,
	                   sizeof subs / sizeof subs[0]);
}
