/*
 * src/cli/wf_common.c - option parsing and helpers of the store and
 * workflow commands (see wf.h).
 *
 * Passwords are never taken as arguments (they would show in ps and in the
 * shell's history): they come from a file or standard input, and the memory
 * holding them is wiped once used.  Unit arguments are resolved by the
 * store against its registry, tolerantly (id, code, name, alias), so that
 * "Đà Nẵng", "da nang" and "48" name the same unit, as on the day that
 * fixes the name's meaning (a cycle's reference date, --date, today).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "opt.h"
#include "wf.h"

struct wf_optdef {
	const char *name;
	int has_arg;
	int repeatable;
};

/* Indexed by enum wf_key. */
static const struct wf_optdef defs[W_NKEYS] = {
    [W_DB] = {"db", 1, 0},
    [W_USER] = {"user", 1, 0},
    [W_JSON] = {"json", 0, 0},
    [W_VERSION] = {"version", 1, 0},
    [W_ADMIN] = {"admin", 1, 0},
    [W_PASSWORD_FILE] = {"password-file", 1, 0},
    [W_PASSWORD_STDIN] = {"password-stdin", 0, 0},
    [W_UNITS] = {"units", 1, 1},
    [W_LEVEL] = {"level", 1, 1},
    [W_EMPTY] = {"empty", 0, 0},
    [W_NAME] = {"name", 1, 0},
    [W_UNIT] = {"unit", 1, 1},
    [W_REVOKE] = {"revoke", 0, 0},
    [W_YEAR] = {"year", 1, 0},
    [W_FRAMEWORK] = {"framework", 1, 0},
    [W_REF_DATE] = {"ref-date", 1, 0},
    [W_SUBMIT_DEADLINE] = {"submit-deadline", 1, 0},
    [W_REVIEW_DEADLINE] = {"review-deadline", 1, 0},
    [W_TITLE] = {"title", 1, 0},
    [W_SUBMIT] = {"submit", 1, 0},
    [W_REVIEW] = {"review", 1, 0},
    [W_POINTS] = {"points", 1, 1},
    [W_COMMENT] = {"comment", 1, 1},
    [W_CLEAR] = {"clear", 2, 1}, /* see wf_parse */
    [W_DATA_CYCLE] = {"data-cycle", 1, 0},
    [W_REASON] = {"reason", 1, 0},
    [W_INDICATOR] = {"indicator", 1, 0},
    [W_NUMBER] = {"number", 1, 0},
    [W_DATE] = {"date", 1, 0},
    [W_ISSUER] = {"issuer", 1, 0},
    [W_LINK] = {"link", 1, 0},
    [W_FILE] = {"file", 1, 0},
    [W_MAX_SIZE] = {"max-size", 1, 0},
    [W_OUTPUT] = {"output", 1, 0},
    [W_VALUE] = {"value", 1, 0},
    [W_ALL_SUBMITTED] = {"all-submitted", 0, 0},
    [W_PREVIEW] = {"preview", 0, 0},
    [W_COMPUTE] = {"compute", 0, 0},
    [W_FORMAT] = {"format", 1, 0},
    [W_LANG] = {"lang", 1, 0},
    [W_CYCLE] = {"cycle", 1, 0},
    [W_ACTION] = {"action", 1, 0},
    [W_AFTER] = {"after", 1, 0},
    [W_LIMIT] = {"limit", 1, 0},
    [W_ALLOW_DTI_NOW] = {"allow-dti-now", 0, 0},
    [W_IGNORE] = {"ignore", 1, 1},
    [W_AND_SUBMIT] = {"and-submit", 0, 0},
    [W_PARTIAL] = {"partial", 0, 0},
    [W_CHECKPOINT] = {"checkpoint", 1, 0},
    [W_UNREAD] = {"unread", 0, 0},
    [W_ALL] = {"all", 0, 0},
    [W_FOR] = {"for", 1, 0},
    [W_SMTP] = {"smtp", 1, 0},
    [W_FROM] = {"from", 1, 0},
    [W_SMTP_USER] = {"smtp-user", 1, 0},
    [W_STARTTLS] = {"starttls", 0, 0},
    [W_DRY_RUN] = {"dry-run", 0, 0},
    [W_EXCEL] = {"excel", 0, 0},
    [W_NO_EXCEL] = {"no-excel", 0, 0},
    [W_RANK] = {"rank", 1, 0},
    [W_NODE] = {"node", 1, 0},
    [W_BY] = {"by", 1, 0},
    [W_BASELINE] = {"baseline", 1, 0},
    [W_NOTE] = {"note", 1, 0},
    [W_AT_LEAST] = {"at-least", 1, 0},
    [W_AT_MOST] = {"at-most", 1, 0},
};

int wf_usage(const struct wf_args *a, const char *fmt, ...)
{
	char more[96];
	snprintf(more, sizeof more, "Try 'dti %s --help' for more.", a->group);
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_vusage(a->help, more, fmt, ap);
	va_end(ap);
	return rc;
}

struct wf_ctx {
	struct wf_args *a;
	char more[96];
};

static int wf_option(void *vctx, const struct cli_opt *o, const char *v,
                     const char *written)
{
	struct wf_args *a = ((struct wf_ctx *)vctx)->a;
	enum wf_key k = (enum wf_key)o->id;
	(void)written;
	if (a->count[k] && !defs[k].repeatable)
		return wf_usage(a, "option '--%s' given twice", defs[k].name);
	if (a->nseq >= WF_MAX_SEQ)
		return wf_usage(a, "too many options");
	a->seq[a->nseq].key = k;
	a->seq[a->nseq].val = v;
	a->nseq++;
	a->val[k] = v;
	a->count[k]++;
	return 0;
}

static int wf_argument(void *vctx, const char *arg)
{
	struct wf_args *a = ((struct wf_ctx *)vctx)->a;
	if (a->npos >= WF_MAX_POS)
		return wf_usage(a, "too many arguments (%s)", arg);
	a->pos[a->npos++] = arg;
	return 0;
}

int wf_parse(int argc, char **argv, const char *group, const char *help,
             unsigned flags, struct wf_args *a)
{
	memset(a, 0, sizeof *a);
	a->help = help;
	a->group = group;
	struct cli_opt table[W_NKEYS + 1];
	for (int k = 0; k < W_NKEYS; k++) {
		/*
		 * --clear names an indicator in 'submission edit' and is a
		 * flag in 'review adjust' (the indicator is an argument).
		 */
		int arg = defs[k].has_arg == 1 ||
		          (defs[k].has_arg == 2 && (flags & WF_CLEAR_VALUE));
		table[k] = (struct cli_opt){defs[k].name,
		                            k == W_OUTPUT ? 'o' : 0, arg, k};
	}
	table[W_NKEYS] = (struct cli_opt){NULL, 0, 0, 0};
	struct wf_ctx x;
	x.a = a;
	snprintf(x.more, sizeof x.more, "Try 'dti %s --help' for more.", group);
	struct cli_optparse p = {table,     help,        x.more,
	                         wf_option, wf_argument, &x};
	return cli_optparse(&p, argc, argv);
}

int wf_has(const struct wf_args *a, enum wf_key k)
{
	return a->count[k] > 0;
}

int wf_allow(const struct wf_args *a, const char *sub, const int *allowed)
{
	for (int k = 0; k < W_NKEYS; k++) {
		if (!a->count[k] || k == W_DB || k == W_USER)
			continue;
		int ok = 0;
		for (const int *p = allowed; *p >= 0; p++)
			if (*p == k)
				ok = 1;
		if (!ok)
			return wf_usage(a,
			                "option '--%s' does not apply to 'dti "
			                "%s%s%s'",
			                defs[k].name, a->group, *sub ? " " : "",
			                sub);
	}
	return 0;
}

int wf_nargs(const struct wf_args *a, size_t min, size_t max, const char *what)
{
	/* pos[0] is the subcommand */
	size_t n = a->npos ? a->npos - 1 : 0;
	if (n < min)
		return wf_usage(a, "'%s %s' needs %s", a->group,
		                a->npos ? a->pos[0] : "", what);
	if (n > max)
		return wf_usage(a, "too many arguments for '%s %s' (from '%s')",
		                a->group, a->pos[0], a->pos[1 + max]);
	return 0;
}

int wf_open(const struct wf_args *a, int need_actor, struct dti_store **s)
{
	return cli_open_store(a->val[W_DB], a->val[W_USER], need_actor, s);
}

int wf_fail(const char *what, enum dti_status st, struct dti_error *err)
{
	int rc = cli_store_fail(what, st, err);
	dti_error_release(err);
	return rc;
}

int wf_integer(const struct wf_args *a, const char *opt, const char *s,
               long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return wf_usage(a, "%s '%s': expected a whole number from %lld",
		                opt, s, min);
	*out = v;
	return 0;
}

int wf_version(const struct wf_args *a, int64_t *out)
{
	*out = 0;
	if (!wf_has(a, W_VERSION))
		return 0;
	long long v = 0;
	int rc =
	    wf_integer(a, "--version", a->val[W_VERSION], 1, INT64_MAX, &v);
	if (!rc)
		*out = v;
	return rc;
}

int wf_number(const struct wf_args *a, const char *what, const char *s,
              double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	/* no hexadecimal, inf or nan: a figure is written in decimals */
	int bad = !*s || *end || errno == ERANGE || !isfinite(v) ||
	          strpbrk(s, "xXnNiI") != NULL;
	if (bad)
		return wf_usage(a,
		                "%s '%s': expected a number written with '.' "
		                "(0.75, 12, 1e3)",
		                what, s);
	*out = v;
	return 0;
}

int wf_date(const struct wf_args *a, const char *opt, const char *s)
{
	if (!dti_date_valid(s))
		return wf_usage(a,
		                "%s '%s': expected YYYY-MM-DD, a day that "
		                "exists",
		                opt, s);
	return 0;
}

/* ---- files and passwords ---------------------------------------------- */

int wf_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "dti: %s: cannot open: %s\n", path,
		        strerror(errno));
		return EXIT_IO;
	}
	struct stat sb;
	int have_stat = fstat(fileno(f), &sb) == 0;
	if (!is_stdin && have_stat && S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "dti: %s: is a directory\n", path);
		fclose(f);
		return EXIT_IO;
	}
	if (have_stat && S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > max) {
		fprintf(stderr,
		        "dti: %s: %jd bytes, more than the limit of %zu\n",
		        path, (intmax_t)sb.st_size, max);
		if (!is_stdin)
			fclose(f);
		return EXIT_LIMIT;
	}
	/* At most max + 1 bytes are read, whatever the input: a device
	 * (/dev/zero) or a pipe that never ends fails at the limit. */
	size_t n = 0, cap = max < 65536 ? max + 1 : 65536;
	char *p = malloc(cap + 1);
	while (p) {
		size_t r = fread(p + n, 1, cap - n, f);
		n += r;
		if (n > max) {
			fprintf(stderr,
			        "dti: %s: more than the limit of %zu bytes "
			        "(read no further)\n",
			        path, max);
			free(p);
			if (!is_stdin)
				fclose(f);
			return EXIT_LIMIT;
		}
		if (n < cap)
			break;
		size_t ncap = cap > max / 2 ? max + 1 : 2 * cap;
		char *q = realloc(p, ncap + 1);
		if (!q) {
			free(p);
			p = NULL;
			break;
		}
		p = q;
		cap = ncap;
	}
	int bad = ferror(f);
	if (!is_stdin)
		fclose(f);
	if (!p) {
		fprintf(stderr, "dti: out of memory\n");
		return EXIT_INTERNAL;
	}
	if (bad) {
		fprintf(stderr, "dti: %s: read error\n", path);
		free(p);
		return EXIT_IO;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return EXIT_OK;
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

void wf_password_free(char *pw)
{
	if (!pw)
		return;
	wipe(pw, strlen(pw));
	free(pw);
}

int wf_password(const struct wf_args *a, int required, char **pw)
{
	*pw = NULL;
	int from_file = wf_has(a, W_PASSWORD_FILE);
	int from_stdin = wf_has(a, W_PASSWORD_STDIN);
	if (from_file && from_stdin)
		return wf_usage(a, "give --password-file or --password-stdin, "
		                   "not both");
	if (!from_file && !from_stdin) {
		if (required)
			return wf_usage(a, "the password comes from "
			                   "--password-file FILE or "
			                   "--password-stdin (never from an "
			                   "argument)");
		return 0;
	}
	const char *path = from_file ? a->val[W_PASSWORD_FILE] : "-";
	char *buf;
	size_t len;
	int rc = wf_read_file(path, WF_PASSWORD_FILE_MAX, &buf, &len);
	if (rc)
		return rc;
	/* one trailing newline (as echo or an editor leaves it) */
	if (len && buf[len - 1] == '\n') {
		buf[--len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
	}
	if (memchr(buf, '\0', len) || memchr(buf, '\n', len)) {
		wipe(buf, len);
		free(buf);
		fprintf(stderr, "dti: the password holds a NUL byte or a "
		                "line break\n");
		return EXIT_DATA;
	}
	if (!len) {
		free(buf);
		fprintf(stderr, "dti: the password is empty\n");
		return EXIT_DATA;
	}
	*pw = buf;
	return 0;
}

/* ---- units and cycles -------------------------------------------------- */

int wf_unit(struct dti_store *s, const char *text, const char *cycle,
            const char *date, struct dti_unit_ref *out)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_unit_find(s, text, cycle, date, out, &err);
	if (st) {
		char what[256];
		snprintf(what, sizeof what, "unit '%s'", text);
		return wf_fail(what, st, &err);
	}
	dti_error_release(&err);
	return 0;
}

int wf_cycle(struct dti_store *s, const char *label, struct dti_cycle_info *ci)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_get(s, label, ci, &err);
	if (st) {
		char what[128];
		snprintf(what, sizeof what, "cycle '%s'", label);
		return wf_fail(what, st, &err);
	}
	dti_error_release(&err);
	return 0;
}

int wf_cycle_unit(struct dti_store *s, const char *cycle, const char *unit,
                  struct dti_cycle_info *ci, struct dti_unit_ref *out)
{
	memset(out, 0, sizeof *out);
	int rc = wf_cycle(s, cycle, ci);
	if (!rc)
		rc = wf_unit(s, unit, cycle, NULL, out);
	return rc;
}

/* ---- output ------------------------------------------------------------ */

int wf_emit(struct dti_buf *b)
{
	int rc = cli_write(NULL, b);
	dti_buf_release(b);
	return rc;
}

/* ---- bundled files ----------------------------------------------------- */

int wf_framework_text(const char *name, char **buf, size_t *len,
                      const char **display)
{
	struct stat sb;
	*display = name;
	if (strchr(name, '/') || stat(name, &sb) == 0)
		return wf_read_file(name, WF_TEXT_FILE_MAX, buf, len);
	char base[256];
	snprintf(base, sizeof base, "%s%s", name,
	         strstr(name, ".csv") ? "" : ".csv");
	const struct dti_embedded_file *f = cli_embedded(base);
	if (!f || strncmp(base, "vn-", 3) == 0 ||
	    strcmp(base, "regions.csv") == 0) {
		fprintf(stderr,
		        "dti: no framework file '%s' and no bundled framework "
		        "of that name (bundled: see 'dti framework list')\n",
		        name);
		return EXIT_NOTFOUND;
	}
	*buf = malloc(f->len + 1);
	if (!*buf) {
		fprintf(stderr, "dti: out of memory\n");
		return EXIT_INTERNAL;
	}
	memcpy(*buf, f->data, f->len);
	(*buf)[f->len] = '\0';
	*len = f->len;
	*display = f->name;
	return 0;
}

int wf_dispatch(int argc, char **argv, const char *group, const char *help,
                unsigned flags, const struct wf_sub *subs, size_t nsubs)
{
	struct wf_args a;
	int rc = wf_parse(argc, argv, group, help, flags, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!a.npos) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < nsubs; i++)
		if (strcmp(a.pos[0], subs[i].name) == 0)
			return subs[i].run(&a);
	char known[256] = "";
	size_t n = 0;
	for (size_t i = 0; i < nsubs && n < sizeof known; i++)
		n += (size_t)snprintf(known + n, sizeof known - n, "%s%s",
		                      i ? ", " : "", subs[i].name);
	return wf_usage(&a, "unknown %s command '%s' (%s)", group, a.pos[0],
	                known);
}

void wf_jstr(struct dti_json *j, const char *s)
{
	dti_json_string(j, s ? s : "");
}
