/*
 * dti/notices.h - what the store tells its users: notices derived from the
 * audit log and the cycles, listed per user, marked read, and handed to a
 * mailer once each.
 *
 * Notices are not stored.  Each is derived, whenever it is asked for, from
 * what the store already holds, so that there is no second truth to drift:
 *
 *   kind                 made by                        for
 *   submission_returned  a review.return event          the editors of the
 *                        (with the reviewer's comment)  unit
 *   cycle_opened         a cycle.open or cycle.reopen   the editors of the
 *                        event                          cycle's units
 *   submit_deadline      the cycle's submission         editors of units
 *                        deadline 7 and 1 days ahead,   whose submission is
 *                        while the cycle is open        draft or returned
 *   review_deadline      the cycle's review deadline 7  reviewers, while a
 *                        and 1 days ahead, while the    submission is not
 *                        cycle is open or in review     yet approved or
 *                                                       excluded
 *   cycle_published      a cycle.published event        every user with a
 *                                                       role
 *
 * "Editors of a unit" and "reviewers" are the users holding those roles
 * now.  A deadline notice exists from the day D-7 (D-1), 00:00 UTC, where
 * D is the deadline's day, for as long as its condition holds: a unit that
 * submits makes its reminders go.  Each notice has a key, stable for as
 * long as the notice exists and unique among one user's notices:
 * "ev:SEQ:USER" for notices made by audit event SEQ, and
 * "deadline:CYCLE:submit|review:YYYY-MM-DD:7|1" for reminders (a changed
 * deadline makes new reminders).
 *
 * What is stored is only what users and the mailer did: the keys a user
 * marked read (table notice_reads) and the notices handed to the mailer
 * (table notice_mail).  Both are operational records, not audited.  A
 * user's e-mail address is audited (event user.email).
 *
 * Ownership: dti_notice_list hands back a list the caller owns and frees
 * with dti_notice_list_free (NULL allowed), its strings with it.  What
 * dti_notice_mail_due hands to its callback lives during the call only.
 */
#ifndef DTI_NOTICES_H
#define DTI_NOTICES_H

#include "dti/export.h"

#include <stddef.h>

#include "error.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dti_notice_kind {
	DTI_NOTICE_RETURNED = 1,        /* a submission returned */
	DTI_NOTICE_CYCLE_OPENED = 2,    /* a cycle opened (or reopened) */
	DTI_NOTICE_SUBMIT_DEADLINE = 3, /* submission deadline ahead */
	DTI_NOTICE_REVIEW_DEADLINE = 4, /* review deadline ahead */
	DTI_NOTICE_PUBLISHED = 5        /* a cycle published */
};
/* "submission_returned", "cycle_opened", "submit_deadline",
 * "review_deadline", "cycle_published"; "?" if unknown. */
DTI_EXTERN const char *dti_notice_kind_name(enum dti_notice_kind k);

/* One notice of one user. */
struct dti_notice {
	const char *key; /* "ev:1234:alice", "deadline:dti-2022:submit:..." */
	enum dti_notice_kind kind;
	const char *at;       /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) */
	const char *cycle;    /* cycle label */
	const char *unit;     /* unit id; "" when not about one unit */
	const char *deadline; /* "YYYY-MM-DD" of a reminder, else "" */
	int days;             /* 7 or 1 for a reminder, else 0 */
	const char *actor;    /* who made the event, "" for reminders */
	const char *comment;  /* the reviewer's (returned), else "" */
	const char *title_vi, *title_en; /* a short title, for a subject */
	const char *text_vi, *text_en;   /* one sentence, UTF-8 */
	int read;                        /* 1: the user marked it read */
	int mailed; /* 1: handed to the mailer (sent, or being sent) */
};

/* A user's notices, newest first.  Free with dti_notice_list_free(). */
struct dti_notice_list {
	const char *user;
	size_t n;
	size_t unread; /* of all the user's notices, whatever the options */
	const struct dti_notice *notices;
};

struct dti_notice_opts {
	int unread_only; /* 1: only the notices not marked read */
	size_t limit;    /* at most this many (the newest); 0: all */
	/* the time reminders are derived for, "YYYY-MM-DDTHH:MM:SSZ"; NULL:
	 * the store's time (never before its last event either way) */
	const char *now;
};
DTI_EXTERN void dti_notice_opts_init(struct dti_notice_opts *o);

/*
 * The notices of `user` (NULL: the acting user).  A user reads their own;
 * an admin anyone's (DTI_EPERM otherwise, DTI_ENOTFOUND for an unknown
 * user, DTI_ESYNTAX for a malformed opts->now).  opts may be NULL.
 */
DTI_EXTERN enum dti_status dti_notice_list(struct dti_store *s,
                                           const char *user,
                                           const struct dti_notice_opts *opts,
                                           struct dti_notice_list **out,
                                           struct dti_error *err);
DTI_EXTERN void dti_notice_list_free(struct dti_notice_list *l);

/*
 * Marks a notice of `user` (NULL: the acting user) read by its key, or
 * every notice the user has now when key is NULL.  Who may: as for
 * dti_notice_list.  DTI_ENOTFOUND for a key that is not one of the user's
 * notices.  *marked (may be NULL) gets the number newly marked; marking a
 * read notice again changes nothing.  Not audited.
 */
DTI_EXTERN enum dti_status dti_notice_mark_read(struct dti_store *s,
                                                const char *user,
                                                const char *key, size_t *marked,
                                                struct dti_error *err);

/*
 * Sets a user's e-mail address ("" or NULL removes it): one address,
 * "local@domain", at most 254 bytes, no spaces, control characters,
 * quotes or angle brackets (DTI_EINVALID).  A user sets their own; an
 * admin anyone's.  An audit event user.email.
 */
DTI_EXTERN enum dti_status dti_user_set_email(struct dti_store *s,
                                              const char *name,
                                              const char *address,
                                              struct dti_error *err);
/* A user's address into out ("" if none).  Themselves or an admin. */
DTI_EXTERN enum dti_status dti_user_email(struct dti_store *s, const char *name,
                                          char out[256], struct dti_error *err);

/* A notice due for mailing, as dti_notice_mail_due hands it over. */
struct dti_notice_mail {
	const char *user;         /* user name */
	const char *display_name; /* "" if none */
	const char *address;      /* the user's e-mail address */
	const struct dti_notice *notice;
};
/*
 * Receives one notice to send.  DTI_OK: sent (recorded, never handed
 * again); DTI_EIO: not sent, left due, go on with the next; anything else:
 * not sent, left due, and the run stops with that status.  It must not
 * call the store.
 */
typedef enum dti_status (*dti_notice_mail_fn)(void *ctx,
                                              const struct dti_notice_mail *m);
/*
 * Hands every notice not yet mailed, of every user who is not disabled
 * and has an address, to fn, oldest first.  Before fn is called the
 * notice is claimed in its own transaction (a row 'sending' in
 * notice_mail), so that two runs at once never send it twice; the claim
 * becomes 'sent' when fn says so and is removed when it does not.  A run
 * that dies inside fn leaves the claim: the notice is then never sent
 * again (at most once).  Reminders whose deadline has passed, and the
 * 7-day reminder once the 1-day one is due, are not sent.  now: as
 * dti_notice_opts.now.  Admin.
 */
DTI_EXTERN enum dti_status dti_notice_mail_due(struct dti_store *s,
                                               const char *now,
                                               dti_notice_mail_fn fn, void *ctx,
                                               struct dti_error *err);

#ifdef __cplusplus
}
#endif

#endif
