/*
 * src/cli/cmd_target.c - dti target add|list|remove|track.
 *
 * A unit's targets over the years (dti/targets.h): a rank N or better, a
 * node's value of at least V, an indicator's figure of at least or at
 * most X, by the cycle of a year, stored with the unit.  An admin, an
 * owner or the unit's editor sets and removes them; anyone reads them.
 * 'track' sets each against the published results: met, missed, on
 * track or off track by the least-squares trend of the published cycles,
 * or no data yet.  The library tracks and formats; this file parses.
 */
#include <stdio.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti target add|list|remove|track [OPTIONS]\n"
    "\n"
    "  dti target add UNIT (--rank N | --value V) [--node CODE] --by YEAR\n"
    "                 [--baseline CYCLE] [--note TEXT] [--date D]\n"
    "  dti target add UNIT --indicator CODE (--at-least X | --at-most X)\n"
    "                 --by YEAR [--baseline CYCLE] [--note TEXT] [--date D]\n"
    "  dti target list [UNIT] [--date D] [--format table|csv|json]\n"
    "                  [--lang vi|en] [-o FILE]\n"
    "  dti target track [UNIT] [--date D] [--format table|csv|json]\n"
    "                   [--lang vi|en] [-o FILE]\n"
    "  dti target remove ID\n"
    "\n"
    "add     sets a target of UNIT to reach by the cycle of YEAR: rank N\n"
    "        or better (--rank), a value of at least V (--value), on the\n"
    "        index or --node; or an indicator's figure of at least or at\n"
    "        most X.  --by takes a year or a cycle label (its year).\n"
    "        --baseline names the cycle the trend starts from.  UNIT is\n"
    "        read as on --date, else on 31 December of the year.  An\n"
    "        admin, an owner or the unit's editor.\n"
    "list    the targets of UNIT (read as on --date, else today), or of\n"
    "        every unit.\n"
    "track   each target against the published results up to its year:\n"
    "        the latest result and the gap to the target, the trend's\n"
    "        projection (least squares through the published cycles) and\n"
    "        the status: met, missed, on track, off track or no data yet.\n"
    "remove  removes a target by its number.  Whoever may set it.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --rank N            (add) rank N or better\n"
    "      --value V           (add) a value of at least V (0.75)\n"
    "      --node CODE         (add) the node of --rank or --value "
    "(default:\n"
    "                          the index)\n"
    "      --indicator CODE    (add) an indicator's figure, with --at-least\n"
    "                          X or --at-most X\n"
    "      --by YEAR|CYCLE     (add) the year of the cycle by which\n"
    "      --baseline CYCLE    (add) the cycle the trend starts from\n"
    "      --note TEXT         (add) a note (the decision that set it)\n"
    "      --date D            the day a unit's name is read as on\n"
    "      --format F          (list, track) table, csv or json (default:\n"
    "                          table)\n"
    "      --lang L            (list, track) vi or en (default: $DTI_LANG,\n"
    "                          else en)\n"
    "  -o, --output FILE       (list, track) write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti target add 'Đà Nẵng' --rank 1 --by 2024 --baseline dti-2023 \\\n"
    "      --note 'Nghị quyết của Thành ủy' --user lan\n"
    "  dti target add Huế --value 0.7 --by dti-2024 --user lan\n"
    "  dti target add 'Quảng Ninh' --indicator econ_activity --at-least "
    "0.8 \\\n"
    "      --by 2024 --user owner\n"
    "  dti target list\n"
    "  dti target track --lang vi\n"
    "  dti target track 48 --format json\n"
    "  dti target remove 3 --user owner\n";

/* --by: a year, or a cycle label standing for its year. */
static int by_year(const struct wf_args *a, struct dti_store *s, int *year)
{
	const char *v = a->val[W_BY];
	if (*v >= '0' && *v <= '9') {
		long long y = 0;
		int rc = wf_integer(a, "--by", v, 1900, 9999, &y);
		*year = (int)y;
		return rc;
	}
	struct dti_cycle_info ci;
	int rc = wf_cycle(s, v, &ci);
	if (!rc)
		*year = ci.year;
	return rc;
}

static int target_add(const struct wf_args *a)
{
	static const int allowed[] = {
	    W_RANK, W_VALUE,    W_NODE, W_INDICATOR, W_AT_LEAST, W_AT_MOST,
	    W_BY,   W_BASELINE, W_NOTE, W_DATE,      -1};
	int rc = wf_allow(a, "add", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a unit");
	if (rc)
		return rc;
	int kinds =
	    wf_has(a, W_RANK) + wf_has(a, W_VALUE) + wf_has(a, W_INDICATOR);
	if (kinds != 1)
		return wf_usage(a,
		                "'target add' takes one of --rank N, --value "
		                "V or --indicator CODE");
	if (!wf_has(a, W_BY))
		return wf_usage(a, "'target add' needs --by YEAR (or a cycle)");
	struct dti_target_new t;
	dti_target_new_init(&t);
	t.unit = a->pos[1];
	t.node = a->val[W_NODE];
	t.baseline = a->val[W_BASELINE];
	t.note = a->val[W_NOTE];
	t.date = a->val[W_DATE];
	if (wf_has(a, W_DATE))
		rc = wf_date(a, "--date", a->val[W_DATE]);
	if (!rc && wf_has(a, W_RANK)) {
		long long n = 0;
		rc = wf_integer(a, "--rank", a->val[W_RANK], 1, 1000000, &n);
		t.kind = DTI_TARGET_RANK;
		t.threshold = (double)n;
	} else if (!rc && wf_has(a, W_VALUE)) {
		t.kind = DTI_TARGET_VALUE;
		rc = wf_number(a, "--value", a->val[W_VALUE], &t.threshold);
	} else if (!rc) {
		t.kind = DTI_TARGET_INDICATOR;
		t.node = a->val[W_INDICATOR];
		if (wf_has(a, W_AT_LEAST) == wf_has(a, W_AT_MOST))
			return wf_usage(a, "--indicator takes one of "
			                   "--at-least X or --at-most X");
		t.op = wf_has(a, W_AT_LEAST) ? DTI_TARGET_AT_LEAST
		                             : DTI_TARGET_AT_MOST;
		rc = wf_number(
		    a, t.op == DTI_TARGET_AT_LEAST ? "--at-least" : "--at-most",
		    a->val[t.op == DTI_TARGET_AT_LEAST ? W_AT_LEAST
		                                       : W_AT_MOST],
		    &t.threshold);
	}
	if (rc)
		return rc;
	if (t.kind != DTI_TARGET_INDICATOR &&
	    (wf_has(a, W_AT_LEAST) || wf_has(a, W_AT_MOST)))
		return wf_usage(a, "--at-least and --at-most go with "
		                   "--indicator");
	if (t.kind == DTI_TARGET_INDICATOR && wf_has(a, W_NODE))
		return wf_usage(a, "--indicator names the node: no --node");
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (!rc)
		rc = by_year(a, s, &t.by_year);
	if (rc) {
		dti_store_close(s);
		return rc;
	}
	struct dti_error err = DTI_ERROR_INIT;
	int64_t id = 0;
	enum dti_status st = dti_target_add(s, &t, &id, &err);
	struct dti_target_list *l = NULL;
	if (st == DTI_OK)
		st = dti_target_list(s, NULL, NULL, &l, &err);
	dti_store_close(s);
	if (st) {
		char what[160];
		snprintf(what, sizeof what,
		         "cannot set the target of unit '%s'", t.unit);
		return wf_fail(what, st, &err);
	}
	/* the target as stored, in the words of the list */
	struct dti_buf out = DTI_BUF_INIT;
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_target *x = &l->targets[i];
		if (x->id != id)
			continue;
		dti_buf_addf(&out, "target %lld: ", (long long)id);
		cli_esc(&out, x->unit);
		dti_buf_addc(&out, ' ');
		cli_esc(&out, x->unit_name);
		dti_buf_adds(&out, ", ");
		cli_esc(&out, x->node);
		dti_buf_addf(&out, " %s %s ", dti_target_kind_name(x->kind),
		             x->op == DTI_TARGET_AT_MOST ? "<=" : ">=");
		dti_buf_addf(&out, "%.15g by %d", x->threshold, x->by_year);
		if (*x->baseline) {
			dti_buf_adds(&out, " from ");
			cli_esc(&out, x->baseline);
		}
		dti_buf_addc(&out, '\n');
	}
	dti_target_list_free(l);
	return wf_emit(&out);
}

static int target_remove(const struct wf_args *a)
{
	static const int allowed[] = {-1};
	int rc = wf_allow(a, "remove", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a target's number");
	long long id = 0;
	if (!rc)
		rc = wf_integer(a, "target", a->pos[1], 1, INT64_MAX, &id);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_target_remove(s, id, &err);
	dti_store_close(s);
	if (st) {
		char what[96];
		snprintf(what, sizeof what, "cannot remove target %lld", id);
		return wf_fail(what, st, &err);
	}
	printf("target %lld removed\n", id);
	return EXIT_OK;
}

/* list and track: one unit or all, in a format and a language. */
static int target_show(const struct wf_args *a)
{
	int track = strcmp(a->pos[0], "track") == 0;
	static const int allowed[] = {W_DATE, W_FORMAT, W_LANG, W_OUTPUT, -1};
	int rc = wf_allow(a, a->pos[0], allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 1, "");
	if (!rc && wf_has(a, W_DATE))
		rc = wf_date(a, "--date", a->val[W_DATE]);
	if (rc)
		return rc;
	enum dti_format format = DTI_FORMAT_TABLE;
	if (wf_has(a, W_FORMAT)) {
		const char *f = a->val[W_FORMAT];
		if (strcmp(f, "csv") == 0)
			format = DTI_FORMAT_CSV;
		else if (strcmp(f, "json") == 0)
			format = DTI_FORMAT_JSON;
		else if (strcmp(f, "table") != 0)
			return wf_usage(a,
			                "--format '%s': expected table, csv "
			                "or json",
			                f);
	}
	rc = cli_output_format(format, wf_has(a, W_FORMAT), a->val[W_OUTPUT],
	                       &format);
	if (!rc && format == DTI_FORMAT_XLSX)
		rc = wf_usage(a,
		              "-o '%s': targets are written as a table, "
		              "CSV or JSON",
		              a->val[W_OUTPUT]);
	if (rc)
		return rc;
	enum dti_lang lang = cli_default_lang();
	if (wf_has(a, W_LANG) && cli_lang(a->val[W_LANG], &lang))
		return wf_usage(a, "--lang '%s': expected vi or en",
		                a->val[W_LANG]);
	struct dti_store *s = NULL;
	rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	const char *unit = a->npos > 1 ? a->pos[1] : NULL;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_buf out = DTI_BUF_INIT;
	enum dti_status st;
	if (track) {
		struct dti_target_tracking *tk = NULL;
		st = dti_target_track(s, unit, a->val[W_DATE], &tk, &err);
		if (st == DTI_OK)
			st = dti_target_tracking_write(tk, format, lang, &out,
			                               &err);
		dti_target_tracking_free(tk);
	} else {
		struct dti_target_list *l = NULL;
		st = dti_target_list(s, unit, a->val[W_DATE], &l, &err);
		if (st == DTI_OK)
			st = dti_target_list_write(l, format, lang, &out, &err);
		dti_target_list_free(l);
	}
	dti_store_close(s);
	if (st) {
		dti_buf_release(&out);
		char what[160];
		if (unit)
			snprintf(what, sizeof what, "targets of unit '%s'",
			         unit);
		else
			snprintf(what, sizeof what, "cannot read the targets");
		return wf_fail(what, st, &err);
	}
	rc = format == DTI_FORMAT_CSV
	         ? cli_write_csv(a->val[W_OUTPUT], &out,
	                         cli_excel_csv(0, lang, a->val[W_OUTPUT]))
	         : cli_write(a->val[W_OUTPUT], &out);
	dti_buf_release(&out);
	return rc;
}

int cmd_target(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"add", target_add},
	    {"list", target_show},
	    {"track", target_show},
	    {"remove", target_remove},
	};
	return wf_dispatch(argc, argv, "target", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
