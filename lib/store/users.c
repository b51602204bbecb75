/*
 * lib/store/users.c - users, roles and credentials.
 *
 * Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str, the
 * "interactive" cost); API tokens are 32 random bytes shown once and kept
 * only as their SHA-256.  Audit events about users never carry a hash.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* ---- users ------------------------------------------------------------- */

/* SHA-256 of a stored credential hash, as the audit log records it. */
static void digest(const char *stored, char out[65])
{
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, stored, strlen(stored));
	dti_sha256_final(&h, out);
}

static enum dti_status check_name(const char *name, const char *field,
                                  struct dti_error *err)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= DTI_USER_NAME_MAX)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, field,
		                   "a user name has 1 to %d characters",
		                   DTI_USER_NAME_MAX - 1);
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '@'))
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, field,
			                   "user name '%s': use letters, "
			                   "digits, '.', '_', '-', '@'",
			                   name);
	}
	return DTI_OK;
}

static enum dti_status hash_password(const char *pw, char out[],
                                     struct dti_error *err)
{
	size_t n = strlen(pw);
	if (n < 8 || n > 1024)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "password",
		                   "a password has 8 to 1024 characters");
	if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return dti_err_nomem(err);
	return DTI_OK;
}

enum dti_status dti_user_add(struct dti_store *s, const char *name,
                             const char *display_name, const char *password,
                             struct dti_error *err)
{
	enum dti_status st = check_name(name, "user", err);
	if (st != DTI_OK)
		return st;
	char hash[crypto_pwhash_STRBYTES];
	if (password) {
		st = hash_password(password, hash, err);
		if (st != DTI_OK)
			return st;
	}
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t users = 0, id = 0;
	st = db_query_int(s->db, err, &users, NULL,
	                  "SELECT count(*) FROM users", "");
	int first = st == DTI_OK && users == 0;
	if (st == DTI_OK && !first)
		st = store_require(s, DTI_ROLE_ADMIN, NULL, "add users", err);
	if (st == DTI_OK)
		st = store_next_id(s, "users", &id, err);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK) {
		st =
		    db_run(s->db, err,
		           "INSERT INTO users (id, name, display_name, "
		           "password_hash, disabled, created_at) VALUES (?, ?, "
		           "?, ?, 0, ?)",
		           "isss"
		           "s",
		           id, name, display_name ? display_name : "",
		           password ? hash : NULL, now);
		if (st == DTI_EEXIST && err)
			dti_err_replace(err, DTI_EEXIST, "", 0, 0, "user",
			                "user '%s' already exists", name);
	}
	if (st == DTI_OK && first)
		st = db_run(s->db, err,
		            "INSERT INTO user_roles (user_id, role, unit_id) "
		            "VALUES (?, 'admin', '')",
		            "i", id);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"name\":");
		dti_json_quote(b, name);
		dti_buf_adds(b, ",\"display_name\":");
		dti_json_quote(b, display_name ? display_name : "");
		dti_buf_addf(b, ",\"password\":%s",
		             password ? "\"set\"" : "null");
		if (password) {
			/* A digest of the stored hash: verify checks the row.
			 */
			char d[65];
			digest(hash, d);
			dti_buf_addf(b, ",\"password_sha256\":\"%s\"", d);
		}
		dti_buf_addf(b, "%s}", first ? ",\"roles\":[\"admin\"]" : "");
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		if (first && !s->actor_id) {
			/* The first user acts for itself. */
			dti_snprintf(s->actor, sizeof s->actor, "%s", name);
			s->actor_id = id;
		}
		st = store_audit(s, "user.add", NULL, NULL, object, NULL,
		                 b->data, err);
	}
	return store_end(s, st, err);
}

enum dti_status dti_user_role(struct dti_store *s, const char *name,
                              enum dti_role role, const char *unit, int grant,
                              struct dti_error *err)
{
	return dti_user_role_on(s, name, role, unit, NULL, grant, err);
}

enum dti_status dti_user_role_on(struct dti_store *s, const char *name,
                                 enum dti_role role, const char *unit,
                                 const char *date, int grant,
                                 struct dti_error *err)
{
	if (role < DTI_ROLE_ADMIN || role > DTI_ROLE_VIEWER)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "role",
		                   "unknown role (admin, owner, reviewer, "
		                   "editor, viewer)");
	if (role == DTI_ROLE_EDITOR && (!unit || !*unit))
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "unit",
		                   "the editor role is given for a unit");
	if (role != DTI_ROLE_EDITOR && unit && *unit)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "unit",
		                   "only the editor role is scoped to a unit");
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0, n = 0;
	struct dti_unit_ref ref;
	memset(&ref, 0, sizeof ref);
	const char *scope = ref.id; /* "" but for an editor */
	st = store_require(s, DTI_ROLE_ADMIN, NULL, "change roles", err);
	if (st == DTI_OK)
		st = store_find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && role == DTI_ROLE_EDITOR)
		st = store_unit_resolve(s, unit, date, &ref, err);
	if (st == DTI_OK)
		st = db_query_int(
		    s->db, err, &n, NULL,
		    "SELECT count(*) FROM user_roles WHERE user_id "
		    "= ? AND role = ? AND unit_id = ?",
		    "iss", uid, dti_role_name(role), scope);
	if (st == DTI_OK && grant && n)
		st = dti_err_set(err, DTI_EEXIST, "", 0, 0, "role",
		                 "user '%s' already has the %s role%s%s", name,
		                 dti_role_name(role), *scope ? " for " : "",
		                 scope);
	if (st == DTI_OK && !grant && !n)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "role",
		                 "user '%s' does not have the %s role%s%s",
		                 name, dti_role_name(role),
		                 *scope ? " for " : "", scope);
	if (st == DTI_OK && !grant && role == DTI_ROLE_ADMIN) {
		int64_t admins = 0;
		st =
		    db_query_int(s->db, err, &admins, NULL,
		                 "SELECT count(*) FROM user_roles WHERE role = "
		                 "'admin'",
		                 "");
		if (st == DTI_OK && admins <= 1)
			st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "role",
			                 "'%s' is the last admin", name);
	}
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    grant ? "INSERT INTO user_roles (user_id, role, "
		            "unit_id) VALUES (?, ?, ?)"
		          : "DELETE FROM user_roles WHERE user_id = ? AND "
		            "role = ? AND unit_id = ?",
		    "iss", uid, dti_role_name(role), scope);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"role\":");
		dti_json_quote(b, dti_role_name(role));
		if (*scope) {
			dti_buf_adds(b, ",\"unit\":");
			dti_json_quote(b, scope);
		}
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = store_audit(s, grant ? "user.grant" : "user.revoke", NULL,
		                 *scope ? scope : NULL, object,
		                 grant ? NULL : b->data, grant ? b->data : NULL,
		                 err);
	}
	return store_end(s, st, err);
}

enum dti_status dti_user_passwd(struct dti_store *s, const char *name,
                                const char *password, struct dti_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	enum dti_status st = hash_password(password ? password : "", hash, err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0;
	st = store_find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "set another user's password", err);
	if (st == DTI_OK)
		st = db_run(s->db, err,
		            "UPDATE users SET password_hash = ? WHERE id = ?",
		            "si", hash, uid);
	char object[96];
	dti_snprintf(object, sizeof object, "user %s", name);
	char after[128], d[65];
	digest(hash, d);
	dti_snprintf(after, sizeof after,
	             "{\"password\":\"changed\",\"password_sha256\":\"%s\"}",
	             d);
	if (st == DTI_OK)
		st = store_audit(s, "user.passwd", NULL, NULL, object, NULL,
		                 after, err);
	return store_end(s, st, err);
}

static void token_hash(const char *token, char out[65])
{
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, token, strlen(token));
	dti_sha256_final(&h, out);
}

enum dti_status dti_user_token(struct dti_store *s, const char *name,
                               const char *label, char token_out[DTI_TOKEN_MAX],
                               struct dti_error *err)
{
	token_out[0] = '\0';
	if (!label || !*label || strlen(label) > 64)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "label",
		                   "a token needs a label of 1 to 64 "
		                   "characters");
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0, id = 0;
	st = store_find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "create tokens for another user", err);
	if (st == DTI_OK)
		st = store_next_id(s, "tokens", &id, err);
	char token[DTI_TOKEN_MAX], hash[65], now[21];
	if (st == DTI_OK) {
		unsigned char raw[32];
		randombytes_buf(raw, sizeof raw);
		memcpy(token, "dti_", 4);
		sodium_bin2hex(token + 4, sizeof token - 4, raw, sizeof raw);
		sodium_memzero(raw, sizeof raw);
		token_hash(token, hash);
		store_now(s, now);
		st = db_run(s->db, err,
		            "INSERT INTO tokens (id, user_id, label, hash, "
		            "created_at) VALUES (?, ?, ?, ?, ?)",
		            "iisss", id, uid, label, hash, now);
		if (st == DTI_EEXIST && err)
			dti_err_replace(err, DTI_EEXIST, "", 0, 0, "label",
			                "user '%s' already has a token '%s'",
			                name, label);
	}
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"token\":");
		dti_json_quote(b, label);
		char d[65];
		digest(hash, d);
		dti_buf_addf(b, ",\"id\":%lld,\"hash_sha256\":\"%s\"}",
		             (long long)id, d);
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = store_audit(s, "user.token", NULL, NULL, object, NULL,
		                 b->data, err);
	}
	st = store_end(s, st, err);
	if (st == DTI_OK)
		memcpy(token_out, token, strlen(token) + 1);
	sodium_memzero(token, sizeof token);
	return st;
}

enum dti_status dti_user_token_revoke(struct dti_store *s, const char *name,
                                      const char *label, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0;
	char now[21];
	store_now(s, now);
	st = store_find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "revoke another user's tokens", err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "UPDATE tokens SET revoked_at = ? WHERE user_id = "
		    "? AND label = ? AND revoked_at IS NULL",
		    &q, err);
	if (st == DTI_OK) {
		db_bind_text(q, 1, now);
		db_bind_int(q, 2, uid);
		db_bind_text(q, 3, label);
		int row;
		st = db_step(q, &row, err);
		if (st == DTI_OK && db_changes(q) == 0)
			st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "label",
			                 "user '%s' has no active token '%s'",
			                 name, label ? label : "");
	}
	db_finalize(q);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"token\":");
		dti_json_quote(b, label);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = store_audit(s, "user.token_revoke", NULL, NULL, object,
		                 b->data, NULL, err);
	}
	return store_end(s, st, err);
}

static enum dti_status denied(struct dti_error *err)
{
	return dti_err_set(err, DTI_EPERM, "", 0, 0, "",
	                   "wrong user name, "
	                   "password or token");
}

enum dti_status dti_user_login(struct dti_store *s, const char *name,
                               const char *password, struct dti_error *err)
{
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q;
	st =
	    db_prepare(s->db,
	               "SELECT password_hash, disabled FROM users WHERE name = "
	               "?",
	               &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0, ok = 0;
	db_bind_text(q, 1, name);
	st = db_step(q, &row, err);
	if (st == DTI_OK && row && !db_col_int(q, 1) && db_col_text(q, 0) &&
	    password)
		ok = crypto_pwhash_str_verify(db_col_text(q, 0), password,
		                              strlen(password)) == 0;
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	return ok ? DTI_OK : denied(err);
}

enum dti_status dti_user_from_token(struct dti_store *s, const char *token,
                                    char user_out[DTI_USER_NAME_MAX],
                                    struct dti_error *err)
{
	user_out[0] = '\0';
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	if (!token || strncmp(token, "dti_", 4) != 0 || strlen(token) != 68)
		return denied(err);
	char hash[65];
	token_hash(token, hash);
	struct db_stmt *q;
	st = db_prepare(s->db,
	                "SELECT u.name FROM tokens t JOIN users u ON u.id = "
	                "t.user_id WHERE t.hash = ? AND t.revoked_at IS NULL "
	                "AND u.disabled = 0",
	                &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0;
	db_bind_text(q, 1, hash);
	st = db_step(q, &row, err);
	if (st == DTI_OK && row)
		dti_snprintf(user_out, DTI_USER_NAME_MAX, "%s",
		             db_col_text(q, 0));
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	return row ? DTI_OK : denied(err);
}

enum dti_status dti_user_list(struct dti_store *s, struct dti_user_list **out,
                              struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_user_list *l = store_list_new(sizeof *l, &a);
	if (!l) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct store_vec users = STORE_VEC_INIT(struct dti_user_entry);
	struct store_vec grants = STORE_VEC_INIT(struct dti_user_grant);
	struct db_stmt *q = NULL;
	st = db_prepare(
	    s->db,
	    "SELECT u.name, u.display_name, u.disabled, "
	    "u.password_hash IS NOT NULL, u.created_at, r.role, r.unit_id "
	    "FROM users u LEFT JOIN user_roles r ON r.user_id = u.id ORDER "
	    "BY u.name, r.role, r.unit_id",
	    &q, err);
	int row = 0, oom = 0;
	struct dti_user_entry *cur = NULL;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char *name = db_col_text(q, 0);
		if (!cur || strcmp(cur->name, name) != 0) {
			cur = store_vec_add(&users);
			if (!cur) {
				st = dti_err_nomem(err);
				break;
			}
			cur->name = store_keep(a, name, &oom);
			cur->display_name =
			    store_keep(a, db_col_text(q, 1), &oom);
			cur->disabled = db_col_int(q, 2) != 0;
			cur->has_password = db_col_int(q, 3) != 0;
			cur->created_at =
			    store_keep(a, db_col_text(q, 4), &oom);
		}
		if (!db_col_text(q, 5))
			continue; /* a user without roles */
		struct dti_user_grant *g = store_vec_add(&grants);
		if (!g) {
			st = dti_err_nomem(err);
			break;
		}
		g->role = dti_role_parse(db_col_text(q, 5));
		g->unit = store_keep(a, db_col_text(q, 6), &oom);
		cur->nroles++;
	}
	db_finalize(q);
	db_rollback(s->db);
	l->n = users.n;
	struct dti_user_entry *u = store_vec_keep(&users, a, &oom);
	struct dti_user_grant *g = store_vec_keep(&grants, a, &oom);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(l);
		return st;
	}
	/* each user's roles follow the previous user's */
	size_t next = 0;
	for (size_t i = 0; i < l->n; i++) {
		u[i].roles = u[i].nroles ? g + next : NULL;
		next += u[i].nroles;
	}
	l->users = u;
	*out = l;
	return DTI_OK;
}

void dti_user_list_free(struct dti_user_list *l)
{
	store_list_free(l);
}
