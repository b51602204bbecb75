/*
 * src/server/notify.h - the server's mailer thread (notify.c).
 */
#ifndef DTI_SRV_NOTIFY_H
#define DTI_SRV_NOTIFY_H

#include "mail.h"
#include "server.h"

struct srv_notifier;
/*
 * Starts a thread that every `interval` seconds (0: 300) sends the notices
 * due through the relay of mail, acting as the admin `actor` (NULL:
 * "admin").  NULL if it could not start.
 */
struct srv_notifier *srv_notifier_start(struct srv *s,
                                        const struct srv_mail_config *mail,
                                        const char *actor, int interval);
/* Stops the thread (a message being sent is finished first). */
void srv_notifier_stop(struct srv_notifier *n);

#endif
