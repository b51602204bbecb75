/*
 * src/cli/wf.h - what the store and workflow commands share (db, user,
 * cycle, submission, evidence, review, publish, results, audit).
 *
 * These commands take options of their own, not the compute options of
 * cli_parse(): one table of every workflow option, parsed anywhere on the
 * command line (before or after the subcommand and its arguments); each
 * subcommand then says which of them apply.  --db, --user and --help apply
 * everywhere.  Helpers here open the store, have the store resolve unit
 * names, read passwords and files, and report library failures as
 * "dti: WHAT: MESSAGE" with the exit code of the status.
 */
#ifndef DTI_CLI_WF_H
#define DTI_CLI_WF_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Every option of the workflow commands. */
enum wf_key {
	W_DB,
	W_USER,
	W_JSON,
	W_VERSION,
	W_ADMIN,
	W_PASSWORD_FILE,
	W_PASSWORD_STDIN,
	W_UNITS,
	W_LEVEL,
	W_EMPTY,
	W_NAME,
	W_UNIT,
	W_REVOKE,
	W_YEAR,
	W_FRAMEWORK,
	W_REF_DATE,
	W_SUBMIT_DEADLINE,
	W_REVIEW_DEADLINE,
	W_TITLE,
	W_SUBMIT,
	W_REVIEW,
	W_POINTS,
	W_COMMENT,
	W_CLEAR,
	W_DATA_CYCLE,
	W_REASON,
	W_INDICATOR,
	W_NUMBER,
	W_DATE,
	W_ISSUER,
	W_LINK,
	W_FILE,
	W_MAX_SIZE,
	W_OUTPUT,
	W_VALUE,
	W_ALL_SUBMITTED,
	W_PREVIEW,
	W_COMPUTE,
	W_FORMAT,
	W_LANG,
	W_CYCLE,
	W_ACTION,
	W_AFTER,
	W_LIMIT,
	W_ALLOW_DTI_NOW,
	W_IGNORE,
	W_AND_SUBMIT,
	W_PARTIAL,
	W_CHECKPOINT,
	W_UNREAD,
	W_ALL,
	W_FOR,
	W_SMTP,
	W_FROM,
	W_SMTP_USER,
	W_STARTTLS,
	W_DRY_RUN,
	W_EXCEL,
	W_NO_EXCEL,
	W_RANK,
	W_NODE,
	W_BY,
	W_BASELINE,
	W_NOTE,
	W_AT_LEAST,
	W_AT_MOST,
	W_NKEYS
};

#define WF_MAX_SEQ 256
#define WF_MAX_POS 64

struct wf_args {
	const char *help;         /* the command group's help text */
	const char *group;        /* "cycle" */
	const char *val[W_NKEYS]; /* last value; "" for a flag given */
	unsigned count[W_NKEYS];  /* how many times given */
	struct {
		enum wf_key key;
		const char *val;
	} seq[WF_MAX_SEQ]; /* every option in command-line order */
	size_t nseq;
	const char *pos[WF_MAX_POS]; /* positional arguments */
	size_t npos;
};

/* wf_parse flags */
enum { WF_CLEAR_VALUE = 1 }; /* --clear takes a value (an indicator) */

/*
 * Parses argv (argv[0] is the group name).  Prints the help and returns -1
 * on --help; reports a usage error and returns EXIT_USAGE on an unknown
 * option or a missing value; 0 otherwise.
 */
int wf_parse(int argc, char **argv, const char *group, const char *help,
             unsigned flags, struct wf_args *a);
/*
 * Checks that only the options in `allowed` (ended by -1; --db, --user
 * apply always) were given to subcommand `sub`.  Returns 0 or EXIT_USAGE.
 */
int wf_allow(const struct wf_args *a, const char *sub, const int *allowed);

/* A subcommand of a command group: its name and what runs it. */
struct wf_sub {
	const char *name;
	int (*run)(const struct wf_args *a); /* a->pos[0] is the name */
};
/*
 * The entry point of a command group: parses the options, prints the help
 * when no subcommand is given, runs the subcommand named first, or reports
 * an unknown one with the list of the known ones.
 */
int wf_dispatch(int argc, char **argv, const char *group, const char *help,
                unsigned flags, const struct wf_sub *subs, size_t nsubs);
/* Checks the number of positional arguments after the subcommand. */
int wf_nargs(const struct wf_args *a, size_t min, size_t max, const char *what);
/* A usage error: the message, the usage line, exit 2. */
int wf_usage(const struct wf_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 1 if the option was given. */
int wf_has(const struct wf_args *a, enum wf_key k);

/* Opens the store of --db with the actor of --user (see cli_open_store). */
int wf_open(const struct wf_args *a, int need_actor, struct dti_store **s);
/* Reports a failed call (cli_store_fail), releases err, returns the code. */
int wf_fail(const char *what, enum dti_status st, struct dti_error *err);

/* --version N (the expected version, 0 when not given). */
int wf_version(const struct wf_args *a, int64_t *out);
/* A whole decimal number (for --year, --limit, ids). */
int wf_integer(const struct wf_args *a, const char *opt, const char *s,
               long long min, long long max, long long *out);
/* A finite number written with '.' (figures, points). */
int wf_number(const struct wf_args *a, const char *what, const char *s,
              double *out);
/* YYYY-MM-DD. */
int wf_date(const struct wf_args *a, const char *opt, const char *s);

/*
 * The password of --password-file F or --password-stdin, with one trailing
 * newline removed; *pw is NULL when neither was given (required = 0).
 * Free with wf_password_free(), which wipes it.
 */
int wf_password(const struct wf_args *a, int required, char **pw);
void wf_password_free(char *pw);

/* Reads a whole file ("-": stdin) into memory, NUL-terminated. */
int wf_read_file(const char *path, size_t max, char **buf, size_t *len);
/* Limits of wf_read_file for text files (frameworks) and passwords. */
#define WF_TEXT_FILE_MAX     ((size_t)512 << 20)
#define WF_PASSWORD_FILE_MAX ((size_t)64 << 10)

/*
 * Finds a unit of the store (dti_store_unit_find): by id, or by a code,
 * name or alias read as on the reference date of `cycle` when one is
 * given, else as on `date` (NULL: today).  A failure is reported as
 * "dti: unit 'TEXT': MESSAGE"; returns its exit code, 0 when found.
 */
int wf_unit(struct dti_store *s, const char *text, const char *cycle,
            const char *date, struct dti_unit_ref *out);
/* Loads a cycle's summary; reports and returns an exit code on failure. */
int wf_cycle(struct dti_store *s, const char *label, struct dti_cycle_info *ci);
/* Both: the cycle, then the unit as on the cycle's reference date. */
int wf_cycle_unit(struct dti_store *s, const char *cycle, const char *unit,
                  struct dti_cycle_info *ci, struct dti_unit_ref *out);

/* Writes a buffer to stdout (cli_write) and releases it. */
int wf_emit(struct dti_buf *b);
/* A string member's value for the writer, NULL written as "". */
void wf_jstr(struct dti_json *j, const char *s);
/*
 * The text of a framework: a file, else the bundled framework of that id
 * ("pdti-2022").  *display names it for messages.  Free *buf.
 */
int wf_framework_text(const char *name, char **buf, size_t *len,
                      const char **display);

#endif
