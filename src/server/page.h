/*
 * src/server/page.h - the frame every HTML page shares (pages.c): words
 * in both languages, the language of a request, links, the head, the
 * site's header and footer, and sending a page.  The public pages
 * (pages.c) and the signed-in ones (work.c) use it.
 */
#ifndef DTI_SRV_PAGE_H
#define DTI_SRV_PAGE_H

#include "html.h"
#include "server.h"

enum nav {
	NAV_HOME,
	NAV_RANKING,
	NAV_COMPARE,
	NAV_METHOD,
	NAV_MAP,
	NAV_WORK, /* the signed-in pages */
	NAV_NONE
};

struct page {
	struct html h;
	struct dti_buf body;
	struct dti_buf url; /* scratch for links */
	const struct srv_req *q;
	const char *csrf; /* signed-in pages: the session's CSRF token */
};

/* A word or phrase by key in the language; the key itself if unknown. */
const char *tr(enum dti_lang lang, const char *key);
/* /en/... is English, the rest Vietnamese. */
enum dti_lang page_lang(const struct srv_req *q);
/* "" or "/en". */
const char *page_prefix(enum dti_lang lang);
/* A time "YYYY-MM-DD..." as dd/mm/yyyy (vi) or yyyy-mm-dd (en). */
void page_date(struct html *h, const char *at);
/* Links: prefix, /cycles/{cycle} (encoded), then rest (a literal). */
void url_cycle(struct dti_buf *u, enum dti_lang lang, const char *cycle,
               const char *rest);
void url_unit(struct dti_buf *u, enum dti_lang lang, const char *cycle,
              const char *unit);
/* The name of node i of a framework in the language. */
const char *node_name(const struct dti_framework *fw, size_t i,
                      enum dti_lang lang);

void page_init(struct page *p, const struct srv_req *q);
void page_release(struct page *p);
/*
 * The head, the site's header (the cycle's pages when cycle is given; the
 * signed-in user and a sign-out button when p->csrf is set) and <main>.
 */
void page_begin(struct page *p, const char *title, const char *cycle,
                enum nav active);
void page_end(struct page *p);
/*
 * Sends the page: through the cache of published data under key (with the
 * publication time) when key is given, else as it is (status 200).
 */
void page_send(struct srv_req *q, struct srv_resp *r, struct page *p,
               const struct srv_cached *epoch, const char *key,
               const char *published_at);
/* Opens the <div> around a table: focusable and labelled, for a table
   that scrolls sideways on a narrow screen. */
void table_wrap(struct html *h);
/* The 404 page. */
void page_not_found(struct srv_req *q, struct srv_resp *r);

#endif
