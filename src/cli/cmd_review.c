/*
 * src/cli/cmd_review.c - dti review adjust|return|approve.
 *
 * While a cycle is in review, reviewers check each submitted submission:
 * they may replace a unit's figure with their own (always with a reason,
 * kept beside the unit's figure, which is never overwritten), return the
 * submission to its unit with a comment, or approve it.  Approval takes
 * several units at once (each its own change) or every submitted one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti review adjust|return|approve [OPTIONS]\n"
    "\n"
    "  dti review adjust CYCLE UNIT IND (--value V | --points P | --clear)\n"
    "                    --reason TEXT [--version N]\n"
    "  dti review return CYCLE UNIT --comment TEXT [--version N]\n"
    "  dti review approve CYCLE UNIT... [--version N]\n"
    "  dti review approve CYCLE --all-submitted\n"
    "\n"
    "adjust   sets the reviewer's figure for an indicator of a submitted\n"
    "         submission; it replaces the unit's in the computation, which\n"
    "         stays on record.  --points gives the points of an indicator\n"
    "         scored in points (rules points and reviewer); --clear removes\n"
    "         the adjustment.  A reason is required.\n"
    "return   sends a submitted submission back to its unit with a\n"
    "         comment; the unit edits and submits again.\n"
    "approve  approves submitted submissions: the units named (each its own\n"
    "         change; --version only with one unit), or with\n"
    "         --all-submitted every submitted one of the cycle.\n"
    "\n"
    "Reviewer (or owner), while the cycle is in review.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --value V           (adjust) the reviewer's figure\n"
    "      --points P          (adjust) the points awarded\n"
    "      --clear             (adjust) remove the adjustment\n"
    "      --reason TEXT       (adjust) why\n"
    "      --comment TEXT      (return) what the unit must do\n"
    "      --all-submitted     (approve) every submitted submission\n"
    "      --version N         refuse unless the submission is at version "
    "N\n"
    "\n"
    "Examples:\n"
    "  dti review adjust dti-2024 Huế cybersecurity --value 0.60 \\\n"
    "      --reason 'Biên bản kiểm tra số 12'\n"
    "  dti review return dti-2024 48 --comment 'Thiếu kế hoạch năm'\n"
    "  dti review approve dti-2024 48 46 79\n"
    "  dti review approve dti-2024 --all-submitted\n";

/* Checks that --points applies to the indicator (its value is points). */
static int points_rule(struct dti_store *s, const struct dti_cycle_info *ci,
                       const char *code)
{
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_framework(s, ci->framework_sha, &fw, &err);
	if (st)
		return wf_fail("the cycle's framework", st, &err);
	dti_error_release(&err);
	int rc = 0;
	long k = dti_framework_find(fw, code);
	if (k < 0) {
		fprintf(stderr,
		        "dti: '%s' is not an indicator of framework %s@%s\n",
		        code, ci->framework_id, ci->framework_version);
		rc = EXIT_NOTFOUND;
	} else {
		struct dti_node_info ni;
		dti_framework_node(fw, (size_t)k, &ni);
		if (ni.rule != DTI_RULE_POINTS &&
		    ni.rule != DTI_RULE_REVIEWER) {
			fprintf(stderr,
			        "dti: '%s' is scored by rule '%s', not in "
			        "points: give the figure with --value\n",
			        code, *ni.rule_text ? ni.rule_text : "none");
			rc = EXIT_USAGE;
		}
	}
	dti_framework_free(fw);
	return rc;
}

/* "CYCLE UNIT (NAME): [WHAT; ]STATE, version N" after a change. */
static void print_sub(struct dti_store *s, const char *cycle, const char *unit,
                      const char *uname, const char *what)
{
	struct dti_submission_info si;
	struct dti_error err = DTI_ERROR_INIT;
	int ok = dti_submission_get(s, cycle, unit, &si, &err) == DTI_OK;
	if (ok || what) {
		printf("%s %s (", cycle, unit);
		cli_put_esc(uname);
		fputs("): ", stdout);
		cli_put_esc(what ? what : "");
		if (ok)
			printf("%s%s, version %lld", what ? "; " : "",
			       dti_sub_state_name(si.state),
			       (long long)si.version);
		fputc('\n', stdout);
	}
	dti_error_release(&err);
}

static int rev_adjust(const struct wf_args *a)
{
	static const int allowed[] = {W_VALUE,  W_POINTS,  W_CLEAR,
	                              W_REASON, W_VERSION, -1};
	int rc = wf_allow(a, "adjust", allowed);
	if (!rc)
		rc = wf_nargs(a, 3, 3, "a cycle, a unit and an indicator");
	int64_t version = 0;
	if (!rc)
		rc = wf_version(a, &version);
	if (rc)
		return rc;
	int nkinds =
	    wf_has(a, W_VALUE) + wf_has(a, W_POINTS) + wf_has(a, W_CLEAR);
	if (nkinds != 1)
		return wf_usage(a, "'review adjust' needs one of --value V, "
		                   "--points P or --clear");
	if (a->count[W_POINTS] > 1 || a->count[W_CLEAR] > 1)
		return wf_usage(a, "'review adjust' sets one indicator");
	if (!wf_has(a, W_REASON))
		return wf_usage(a, "'review adjust' needs --reason TEXT");
	double value = NAN;
	if (wf_has(a, W_VALUE))
		rc = wf_number(a, "--value", a->val[W_VALUE], &value);
	else if (wf_has(a, W_POINTS))
		rc = wf_number(a, "--points", a->val[W_POINTS], &value);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *cycle = a->pos[1], *ind = a->pos[3];
	struct dti_cycle_info ci;
	struct dti_unit_ref ref;
	rc = wf_cycle_unit(s, cycle, a->pos[2], &ci, &ref);
	const char *unit = ref.id, *uname = ref.name_vi;
	if (!rc && wf_has(a, W_POINTS))
		rc = points_rule(s, &ci, ind);
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_review_adjust(s, cycle, unit, ind, value,
		                      a->val[W_REASON], version, &err);
		if (st) {
			char what[256];
			snprintf(what, sizeof what, "cannot adjust %s of %s %s",
			         ind, cycle, unit);
			rc = wf_fail(what, st, &err);
		} else {
			char what[256];
			if (isnan(value))
				snprintf(what, sizeof what,
				         "adjustment of %s removed", ind);
			else
				snprintf(what, sizeof what, "%s adjusted to %s",
				         ind,
				         a->val[wf_has(a, W_VALUE) ? W_VALUE
				                                   : W_POINTS]);
			print_sub(s, cycle, unit, uname, what);
		}
		dti_error_release(&err);
	}
	dti_store_close(s);
	return rc;
}

static int rev_return(const struct wf_args *a)
{
	static const int allowed[] = {W_COMMENT, W_VERSION, -1};
	int rc = wf_allow(a, "return", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a cycle and a unit");
	int64_t version = 0;
	if (!rc)
		rc = wf_version(a, &version);
	if (rc)
		return rc;
	if (a->count[W_COMMENT] != 1)
		return wf_usage(a, "'review return' needs one --comment TEXT");
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *cycle = a->pos[1];
	struct dti_cycle_info ci;
	struct dti_unit_ref ref;
	rc = wf_cycle_unit(s, cycle, a->pos[2], &ci, &ref);
	const char *unit = ref.id, *uname = ref.name_vi;
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_review_return(
		    s, cycle, unit, a->val[W_COMMENT], version, &err);
		if (st) {
			char what[512];
			snprintf(what, sizeof what, "cannot return %s %s (%s)",
			         cycle, unit, uname);
			rc = wf_fail(what, st, &err);
		} else {
			print_sub(s, cycle, unit, uname, NULL);
		}
		dti_error_release(&err);
	}
	dti_store_close(s);
	return rc;
}

static int approve_one(struct dti_store *s, const char *cycle, const char *unit,
                       const char *uname, int64_t version)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_review_approve(s, cycle, unit, version, &err);
	if (st) {
		char what[256];
		snprintf(what, sizeof what, "cannot approve %s %s (%s)", cycle,
		         unit, uname);
		return wf_fail(what, st, &err);
	}
	dti_error_release(&err);
	print_sub(s, cycle, unit, uname, NULL);
	return 0;
}

static int rev_approve(const struct wf_args *a)
{
	static const int allowed[] = {W_ALL_SUBMITTED, W_VERSION, -1};
	int rc = wf_allow(a, "approve", allowed);
	int all = wf_has(a, W_ALL_SUBMITTED);
	if (!rc)
		rc = all ? wf_nargs(a, 1, 1, "a cycle")
		         : wf_nargs(a, 2, WF_MAX_POS, "a cycle and units");
	int64_t version = 0;
	if (!rc)
		rc = wf_version(a, &version);
	if (rc)
		return rc;
	if (version && (all || a->npos > 3))
		return wf_usage(a, "--version goes with one unit only");
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *cycle = a->pos[1];
	struct dti_cycle_info ci;
	rc = wf_cycle(s, cycle, &ci);
	if (!rc && all) {
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_cycle_status *cs = NULL;
		enum dti_status st = dti_cycle_status(s, cycle, &cs, &err);
		if (st)
			rc = wf_fail("the cycle's submissions", st, &err);
		size_t n = 0;
		for (size_t i = 0; !rc && cs && i < cs->n; i++) {
			if (cs->units[i].state != DTI_SUB_SUBMITTED)
				continue;
			rc = approve_one(s, cycle, cs->units[i].unit,
			                 cs->units[i].name, 0);
			n++;
		}
		dti_cycle_status_free(cs);
		if (!rc && !n)
			printf("%s: no submitted submission to approve\n",
			       cycle);
	} else if (!rc) {
		/* every unit resolved first: an unknown one changes nothing */
		size_t n = a->npos - 2;
		struct dti_unit_ref *refs = calloc(n, sizeof *refs);
		if (!refs) {
			fprintf(stderr, "dti: out of memory\n");
			rc = EXIT_INTERNAL;
		}
		for (size_t i = 0; !rc && i < n; i++)
			rc = wf_unit(s, a->pos[2 + i], cycle, NULL, &refs[i]);
		for (size_t i = 0; !rc && i < n; i++)
			rc = approve_one(s, cycle, refs[i].id, refs[i].name_vi,
			                 version);
		free(refs);
	}
	dti_store_close(s);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"adjust", rev_adjust},
	    {"return", rev_return},
	    {"approve", rev_approve},
	};
	return wf_dispatch(argc, argv, "review", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
