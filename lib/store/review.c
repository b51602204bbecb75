/*
 * lib/store/review.c - the reviewer's actions on a submitted submission:
 * adjust a figure with a reason, return with a comment, approve.  Only in
 * review; each one transaction with its audit event.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* ---- review ------------------------------------------------------------- */

/*
 * Checks a review action on the submission of `unit` (a name, read in the
 * cycle) and loads it; uid gets the unit's id.
 */
static enum dti_status review_begin(struct dti_store *s, const char *cycle,
                                    const char *unit, int64_t expected,
                                    const char *what, struct store_cycle *c,
                                    struct store_sub *sub, char uid[64],
                                    struct dti_error *err)
{
	uid[0] = '\0';
	enum dti_status st =
	    store_require(s, DTI_ROLE_REVIEWER, NULL, what, err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, c, unit, uid, err);
	unit = uid;
	if (st == DTI_OK)
		st = store_load_sub(s, c, unit, sub, err);
	if (st == DTI_OK && c->state != DTI_CYCLE_REVIEW)
		st =
		    dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                "cannot %s: cycle %s is %s, not in review",
		                what, c->label, dti_cycle_state_name(c->state));
	if (st == DTI_OK && sub->state != DTI_SUB_SUBMITTED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cannot %s: the submission of %s is %s, not "
		                 "submitted",
		                 what, unit, dti_sub_state_name(sub->state));
	if (st == DTI_OK)
		st = store_check_version(expected, sub->version,
		                         "the submission", err);
	return st;
}

enum dti_status dti_review_adjust(struct dti_store *s, const char *cycle,
                                  const char *unit, const char *indicator,
                                  double value, const char *reason,
                                  int64_t expected_version,
                                  struct dti_error *err)
{
	enum dti_status st = store_need_text(
	    reason, "reason", "an adjustment needs a reason", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	struct store_edit_ctx x;
	int have_x = 0;
	char uid[64];
	st = review_begin(s, cycle, unit, expected_version, "adjust figures",
	                  &c, &sub, uid, err);
	unit = uid;
	if (st == DTI_OK) {
		have_x = 1;
		st = store_edit_ctx_init(s, &c, &x, err);
	}
	size_t node;
	if (st == DTI_OK)
		st = store_checker_node(&x.ck, indicator, c.label, &node, err);
	if (st == DTI_OK && !isnan(value))
		st = store_checker_value(&x.ck, node, value, indicator, err);
	struct store_fig f = {0, NAN, NAN, NAN, NULL};
	if (st == DTI_OK)
		st = store_read_fig(x.get, sub.id, indicator, &f, err);
	if (st == DTI_OK && isnan(value) && isnan(f.reviewed))
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, indicator,
		                 "%s has no adjustment to remove", indicator);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK && !f.exists)
		st = db_run(s->db, err,
		            "INSERT INTO figures (submission_id, indicator, "
		            "updated_at, updated_by) VALUES (?, ?, ?, ?)",
		            "isss", sub.id, indicator, now, s->actor);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE figures SET reviewed_value = ?, review_reason "
		    "= ?, reviewed_by = ? WHERE submission_id = ? AND "
		    "indicator = ?",
		    "dssis", value, isnan(value) ? "" : reason,
		    isnan(value) ? "" : s->actor, sub.id, indicator);
	if (st == DTI_OK)
		st = store_touch_sub(s, &sub, err);
	if (st == DTI_OK) {
		struct dti_buf *b = &x.before, *a = &x.after;
		dti_buf_adds(b, "{\"indicator\":");
		dti_json_quote(b, indicator);
		dti_buf_adds(b, ",\"value\":");
		store_json_num(b, f.value);
		dti_buf_adds(b, ",\"reviewed\":");
		store_json_num(b, f.reviewed);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		dti_buf_adds(a, "{\"indicator\":");
		dti_json_quote(a, indicator);
		dti_buf_adds(a, ",\"reviewed\":");
		store_json_num(a, value);
		dti_buf_adds(a, ",\"reason\":");
		dti_json_quote(a, reason);
		dti_buf_addc(a, '}');
		dti_buf_addc(a, '\0');
		char object[128];
		dti_snprintf(object, sizeof object, "submission %s/%s", c.label,
		             unit);
		st = store_audit(s, "review.adjust", c.label, unit, object,
		                 b->data, a->data, err);
	}
	free(f.comment);
	if (have_x)
		store_edit_ctx_release(&x);
	return store_end(s, st, err);
}

enum dti_status dti_review_return(struct dti_store *s, const char *cycle,
                                  const char *unit, const char *comment,
                                  int64_t expected_version,
                                  struct dti_error *err)
{
	enum dti_status st = store_need_text(
	    comment, "comment", "returning a submission needs a comment", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	char uid[64];
	st = review_begin(s, cycle, unit, expected_version,
	                  "return submissions", &c, &sub, uid, err);
	unit = uid;
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE submissions SET return_comment = ? WHERE id = "
		    "?",
		    "si", comment, sub.id);
	if (st == DTI_OK)
		st = store_set_sub_state(s, &sub, DTI_SUB_RETURNED, err);
	if (st == DTI_OK)
		st = store_sub_event(s, &c, unit, "review.return",
		                     DTI_SUB_SUBMITTED, &sub, "comment",
		                     comment, err);
	return store_end(s, st, err);
}

enum dti_status dti_review_approve(struct dti_store *s, const char *cycle,
                                   const char *unit, int64_t expected_version,
                                   struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	char uid[64];
	st = review_begin(s, cycle, unit, expected_version,
	                  "approve submissions", &c, &sub, uid, err);
	unit = uid;
	if (st == DTI_OK)
		st = store_set_sub_state(s, &sub, DTI_SUB_APPROVED, err);
	if (st == DTI_OK)
		st = store_sub_event(s, &c, unit, "review.approve",
		                     DTI_SUB_SUBMITTED, &sub, NULL, NULL, err);
	return store_end(s, st, err);
}
