/*
 * src/server/work.h - what the signed-in pages share (work.c): a page with
 * the session's CSRF token in its forms, the redirect after a change, the
 * message of what was done or refused, and the URLs of /work.
 */
#ifndef DTI_SERVER_WORK_H
#define DTI_SERVER_WORK_H

#include "multipart.h"
#include "page.h"
#include "server.h"

/* Starts a signed-in page: the session's token goes into every form. */
int work_begin(struct page *p, struct srv_req *q, char *csrf, size_t n);
/* The hidden fields every form carries (the version when > 0). */
void work_form_tokens(struct page *p, long long version);
/* Sends the browser to a path (303 See Other). */
void work_see_other(struct srv_resp *r, const char *path);
/* Anonymous: sent to the sign-in page; 1 when sent. */
int work_need_user(struct srv_req *q, struct srv_resp *r);
/* Ends and sends a page with status, never stored by caches. */
void work_send_page(struct srv_req *q, struct srv_resp *r, struct page *p,
                    int status);
/* A message box: role=alert for a refusal, role=status for news. */
void work_message(struct page *p, const char *text, int alert);
/* The "done" message a page was sent back with (?done=saved). */
void work_done_message(struct page *p, const struct srv_req *q);
/* /work[/cycles/C][/units/U][/action], with the language's prefix. */
void url_work(struct dti_buf *u, enum dti_lang lang, const char *cycle,
              const char *unit, const char *action);
/* The HTTP status of a refused change, shown on the page. */
int work_refusal_status(enum dti_status st);
/* A refusal made by a page (not by the library), in err. */
enum dti_status work_refuse(struct dti_error *err, enum dti_status st,
                            const char *field, const char *msg);

/* Every fault of err with its place, "; " between them (20 at most). */
void work_faults(struct dti_buf *msg, const struct dti_error *err);
/* After a change to a submission: back to its page, saying `done`, or the
 * page again with the refusal. */
void work_sub_done(struct srv_req *q, struct srv_resp *r, enum dti_status st,
                   struct dti_error *err, const char *done);

/* The submission's Excel form (work_form.c): the routes' handlers, and
 * the section of the submission's page. */
void work_form_get(struct srv_req *q, struct srv_resp *r);
void work_form_post(struct srv_req *q, struct srv_resp *r);
void work_form_section(struct page *p, const char *cycle, const char *unit,
                       int editing);
/*
 * Reads a multipart form whose part "file" is a file into f (released by
 * the caller in every case); DTI_EARG with `none` as the message if not.
 */
enum dti_status work_upload(const struct srv_req *q, struct mp_form *f,
                            const struct mp_part **file, const char *none,
                            struct dti_error *err);

#endif
