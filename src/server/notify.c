/*
 * src/server/notify.c - the server's mailer: with an SMTP relay
 * configured, a thread hands the notices that are due to the relay every
 * `mail-interval` seconds (dti_notice_mail_due records each one, so a
 * notice is sent once, whichever process sends it).  It acts as the admin
 * the configuration names (`mail-user`, default "admin"): mailing is the
 * store's business, not a request's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "notify.h"
#include "serve.h"

struct srv_notifier {
	struct srv *srv;
	struct srv_mail_config mail;
	const char *store;
	const char *fixed_now;
	int interval;
	const char *actor;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	long long sent, failed;
	struct dti_buf subject, body;
};

static enum dti_status send_one(void *ctx, const struct dti_notice_mail *m)
{
	struct srv_notifier *n = ctx;
	srv_notice_message(m, &n->subject, &n->body);
	if (dti_buf_status(&n->subject) || dti_buf_status(&n->body))
		return DTI_ENOMEM;
	char why[512];
	enum srv_mail_status ms =
	    srv_mail_send(&n->mail, m->address, n->subject.data, n->body.data,
	                  why, sizeof why);
	if (ms != SRV_MAIL_OK) {
		n->failed++;
		srv_log_error(n->srv, "notice %s to %s not sent: %s",
		              m->notice->key, m->user, why);
		/* left due; a relay that is down will not take the next */
		return ms == SRV_MAIL_SEND ? DTI_ECONFLICT : DTI_EIO;
	}
	n->sent++;
	return DTI_OK;
}

static void run_once(struct srv_notifier *n, struct dti_store *s)
{
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_store_set_actor(s, n->actor, &err) != DTI_OK) {
		srv_log_error(n->srv, "mail: cannot act as %s: %s", n->actor,
		              err.message);
		dti_error_release(&err);
		return;
	}
	enum dti_status st = dti_notice_mail_due(s, NULL, send_one, n, &err);
	if (st != DTI_OK && st != DTI_ECONFLICT)
		srv_log_error(n->srv, "mail: %s", err.message);
	dti_error_release(&err);
}

static void *loop(void *arg)
{
	struct srv_notifier *n = arg;
	struct dti_store *s = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_store_open(n->store, &s, &err) != DTI_OK) {
		srv_log_error(n->srv, "mail: cannot open the store: %s",
		              err.message);
		dti_error_release(&err);
		return NULL;
	}
	if (n->fixed_now)
		dti_store_fix_clock(s, n->fixed_now, &err);
	dti_error_release(&err);
	pthread_mutex_lock(&n->mu);
	while (!n->stop) {
		pthread_mutex_unlock(&n->mu);
		run_once(n, s);
		pthread_mutex_lock(&n->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += n->interval;
		while (!n->stop &&
		       pthread_cond_timedwait(&n->cv, &n->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&n->mu);
	dti_store_close(s);
	return NULL;
}

struct srv_notifier *srv_notifier_start(struct srv *s,
                                        const struct srv_mail_config *mail,
                                        const char *actor, int interval)
{
	const struct srv_config *cfg = srv_config(s);
	struct srv_notifier *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->srv = s;
	n->mail = *mail;
	n->store = cfg->store;
	n->fixed_now = cfg->fixed_now;
	n->interval = interval > 0 ? interval : 300;
	n->actor = actor && *actor ? actor : "admin";
	dti_buf_init(&n->subject, 0);
	dti_buf_init(&n->body, 0);
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if (srv_mail_init() != 0 ||
	    pthread_create(&n->thread, NULL, loop, n) != 0) {
		dti_buf_release(&n->subject);
		dti_buf_release(&n->body);
		free(n);
		return NULL;
	}
	return n;
}

void srv_notifier_stop(struct srv_notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	n->stop = 1;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->thread, NULL);
	dti_buf_release(&n->subject);
	dti_buf_release(&n->body);
	srv_mail_cleanup();
	free(n);
}
