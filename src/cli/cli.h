/*
 * src/cli/cli.h - what the subcommands of dti share.
 *
 * The command line is a thin layer over libdti's public API: it parses
 * options, loads files (or the frameworks and registry bundled in the
 * binary), calls the library and writes what the library formatted.  Only
 * main() and the subcommand entry points decide exit codes, from the frozen
 * table below (dti(1), EXIT STATUS).
 */
#ifndef DTI_CLI_H
#define DTI_CLI_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "dti/dti.h"
#include "embedded.h"

/* Exit codes: part of the interface, never renumbered. */
enum {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,  /* a bug, or out of memory */
	EXIT_USAGE = 2,     /* bad option or argument */
	EXIT_IO = 3,        /* a file could not be read or written */
	EXIT_DATA = 4,      /* bad data file: encoding, syntax, values, units */
	EXIT_FRAMEWORK = 5, /* bad framework file */
	EXIT_NOTFOUND = 6,  /* a unit, node or bundled file named on the
	                       command line does not exist or is ambiguous */
	EXIT_UNKNOWN = 7,   /* a value that cannot be known (unpublished
	                       points) */
	EXIT_LIMIT = 8,     /* input beyond a size limit */
	EXIT_STATE = 9,     /* not allowed in the current state (cycle or
	                       submission), or the store needs init/migrate */
	EXIT_PERM = 10,     /* the acting user may not do this */
	EXIT_CONFLICT = 11, /* based on a stale version, or locked */
	EXIT_EXISTS = 12    /* already exists (duplicate) */
};

/* Options shared by the commands that compute. */
struct cli_opts {
	const char *framework;
	const char *units;
	const char *groups;
	int no_units;
	const char *cycle;
	const char *previous;
	int no_previous;
	const char *output;
	enum dti_format format;
	int format_set; /* --format given */
	int excel;      /* CSV for Excel: 1 --excel, -1 --no-excel, 0 auto */
	enum dti_lang lang;
	int color;
	struct dti_compute_opts compute;
	struct dti_read_opts read;
	const char *ignore[64];
	const char *nodes; /* comma-separated codes */
	const char *sort;  /* node code */
	const char *group; /* only this group */
	size_t limit;
	int points, ranks, group_ranks;
	/* rank only the nodes whose ranks the output shows (the index and
	   --sort's node), not every node */
	int rank_shown;
	/* plan */
	int target_rank;
	const char *target_value;
	struct {
		const char *text; /* IND=NUMBER */
		int cap;          /* --cap (else --cost) */
	} plan_opts[64];
	size_t nplan_opts;
	int stats_values;                   /* --of values */
	int stats_chart;                    /* --chart: CLI_CHART_* (0: none) */
	int stats_spearman, stats_corr_set; /* --correlation */
	int stats_with;                     /* --with: CLI_WITH_* (0: none) */
	const char *svg;                    /* --svg FILE */
	/* uncertainty */
	size_t ua_runs;
	uint64_t ua_seed;
	int ua_seed_set, ua_vary_agg, ua_leave_one_out;
	int ua_vary_sets, ua_vary_norm, ua_vary_impute, ua_vary_treat;
	double ua_noise;
	unsigned ua_threads;
	size_t sa_samples, sa_bootstrap;
	int sa_bootstrap_set;
	int sa_by_unit; /* --by-unit */
	/* data steps (denominate, impute, screen, treat): the framework's,
	   then those given (prep_set: PREP_* bits), unless --no-steps */
	struct dti_prep_opts prep;
	unsigned prep_set;
	int no_steps;
	const char *data_out; /* prepare: the prepared data's file */
	/* pca, weights */
	size_t pca_components;
	int pca_children;
	int weights_method; /* 0: none given, 1: --pca, 2: --optimise,
	                       3: --effective */
	int weights_squared;
	const char *targets[64]; /* CODE=NUMBER */
	size_t ntargets;
	/* explain / rebase */
	const char *to_date;
	const char *levels;
	int population, allow_partial, data_only;
	/* compare: what build B changes (NULL, 0 or -1: as build A) */
	const char *b_framework, *b_units, *b_cycle;
	int b_missing;   /* enum dti_missing; 0: A's */
	int b_precision; /* -1: A's */
	int b_recompute;
	/* compare and trends */
	const char *node;      /* --node CODE */
	const char *indicator; /* --indicator CODE (trends: figures) */
	int order;             /* enum dti_move_order */
	/* the store (rank and explain without a data file) */
	const char *db;
	int since;
	/* the first option given that applies to a data file only, as
	   written ("" if none) */
	char file_opt[32];
	/* positional arguments */
	const char *args[16];
	size_t nargs;
};

/* The data-step options given on the command line (cli_opts.prep_set). */
enum {
	PREP_DENOMINATE = 1 << 0,
	PREP_IMPUTE = 1 << 1,
	PREP_SCREEN = 1 << 2,
	PREP_SCREEN_NONZERO = 1 << 3,
	PREP_TREAT = 1 << 4,
	PREP_WINMAX = 1 << 5,
	PREP_SKEW = 1 << 6,
	PREP_KURT = 1 << 7,
	PREP_FALLBACK = 1 << 8,
	PREP_FORCE = 1 << 9
};

/*
 * The data steps of a run: the framework's (its metadata), then the
 * options given over them; none with --no-steps.  0, or an exit code after
 * a message.
 */
int cli_prep_opts(const struct cli_opts *o, const struct dti_framework *fw,
                  struct dti_prep_opts *out);

/* What a subcommand accepts (bits for cli_parse). */
enum {
	OPT_COMPUTE = 1 << 0, /* framework, data, compute and read options */
	OPT_OUTPUT = 1 << 1,  /* --format, -o, --lang, --color */
	OPT_TABLE = 1 << 2,  /* --nodes, --sort, --group, --top, --points ... */
	OPT_REBASE = 1 << 3, /* --to, --level, --population, --allow-partial */
	OPT_UNITS = 1 << 4,  /* --units, --groups, --date */
	OPT_STORE = 1 << 5,  /* --db, --since (rank, explain without DATA) */
	OPT_PLAN = 1 << 6,   /* --target-rank, --target-value, --cost, --cap */
	OPT_STATS = 1 << 7,  /* --of */
	OPT_UA = 1 << 8,     /* --runs, --seed, --weight-noise, ... */
	OPT_PREPARE = 1 << 9,  /* --data-out */
	OPT_SVG = 1 << 10,     /* --svg */
	OPT_PCA = 1 << 11,     /* --by, --components, --children */
	OPT_WEIGHTS = 1 << 12, /* --pca, --optimise, --squared, --target */
	OPT_COMPARE = 1 << 13, /* build B's options, --node, --order */
	OPT_TRENDS = 1 << 14,  /* --node, --indicator, --order */
	OPT_SA = 1 << 15       /* --samples, --bootstrap, --by-unit */
};

/* The charts of dti stats (--chart) and what --with adds to a heatmap. */
enum { CLI_CHART_HEATMAP = 1, CLI_CHART_DISTRIBUTION = 2 };
enum { CLI_WITH_PARENT = 1, CLI_WITH_LEVEL = 2 };

/*
 * Parses argv after the subcommand name.  Prints the command's help and
 * returns -1 (exit 0) on --help; prints a usage error and returns
 * EXIT_USAGE on a bad option; returns 0 otherwise.
 */
int cli_parse(int argc, char **argv, unsigned accept, const char *help,
              struct cli_opts *o);

/*
 * The format of an output: `format` when given (format_set), else the
 * output file's by its name (.xlsx, .csv, .json), else `format`.  Refuses
 * (EXIT_USAGE, after a message) XLSX to a terminal: a workbook is bytes
 * for a file.  Returns 0 and sets *out otherwise.
 */
int cli_output_format(enum dti_format format, int format_set,
                      const char *output, enum dti_format *out);
/* The language a --lang value names (vi or en) in *out; -1 otherwise. */
int cli_lang(const char *v, enum dti_lang *out);
/* The default language: Vietnamese when $DTI_LANG starts with "vi". */
enum dti_lang cli_default_lang(void);
/*
 * CSV in Excel's dialect for `lang` and `output` (excel: 1 asked, -1
 * refused, 0 automatic: for Vietnamese written to a file).
 */
int cli_excel_csv(int excel, enum dti_lang lang, const char *output);
/*
 * Writes a CSV buffer as cli_write does, converted to Excel's dialect
 * first when `excel` (dti_csv_excel).
 */
int cli_write_csv(const char *path, const struct dti_buf *b, int excel);

/* Reports a library error on stderr (all located faults). */
void cli_error(const char *what, const struct dti_error *err);
/* Exit code for a failed load or call, by context. */
int cli_exit_for(enum dti_status st, int context_exit);

/* Loads a framework file, or a bundled one by id ("pdti-2022"). */
int cli_load_framework(const char *name, struct dti_framework **fw);
/*
 * Loads the registry: --units FILE, the one the framework names, or none.
 * fw_path is the file the framework was read from (NULL: bundled or
 * stdin): a relative "# units:" path is taken from its directory.
 */
int cli_load_units(const struct cli_opts *o, const struct dti_framework *fw,
                   const char *fw_path, struct dti_units **units);
/* The bundled file with this base name, or NULL. */
const struct dti_embedded_file *cli_embedded(const char *name);
/* 1 if the bundled file `name` is a units registry, not a framework. */
int cli_embedded_is_registry(const char *name);

/*
 * Writes a buffer to -o FILE (through a temporary file renamed into place,
 * so a failure never leaves half a file; see cli_out_open) or to stdout.
 */
int cli_write(const char *path, const struct dti_buf *b);
/*
 * Text from a file or a user in a human-readable view: appended escaped
 * (dti_text_escape: a newline or an escape sequence shows as \n, \x1b),
 * so that it can neither forge a line nor drive the terminal.  cli_esc_pad
 * pads it with spaces to `width` display columns; cli_put_esc writes it to
 * standard output.
 */
void cli_esc(struct dti_buf *b, const char *s);
/* The same for JSON text, whose backslashes are its own escapes. */
void cli_esc_json(struct dti_buf *b, const char *s);
void cli_esc_pad(struct dti_buf *b, const char *s, size_t width);
void cli_put_esc(const char *s);

/*
 * An output file being written.  cli_out_open refuses (EXIT_IO, after a
 * message) a symbolic link, a directory or another special file; writes a
 * character device or a FIFO as it is (direct); else opens a temporary
 * file beside path, with the existing file's mode or, for a new file,
 * 0666 less the umask, removed if SIGINT, SIGTERM or SIGHUP ends the
 * program.  cli_out_commit syncs it and renames it over path (0 or
 * EXIT_IO after a message); cli_out_abort removes it.
 */
struct cli_outfile {
	const char *path;
	char *tmp; /* NULL when direct */
	int fd;
	int direct;
};
int cli_out_open(struct cli_outfile *f, const char *path);
int cli_out_commit(struct cli_outfile *f);
void cli_out_abort(struct cli_outfile *f);

/*
 * A new temporary file path.tmpXXXXXX with the given mode, registered for
 * removal on SIGINT/SIGTERM/SIGHUP before a signal can intervene; returns
 * its descriptor and *tmp (the caller frees it, and calls
 * cli_cleanup_remove once the file is gone or renamed), or -1 with errno.
 */
int cli_temp_beside(const char *path, mode_t mode, char **tmp);
/* Registers a file to remove on those signals (0, or -1 when full). */
int cli_cleanup_add(const char *path);
void cli_cleanup_remove(const char *path);
/* Blocks and restores SIGINT, SIGTERM and SIGHUP. */
void cli_block_signals(sigset_t *old);
void cli_restore_signals(const sigset_t *old);

/* Everything the compute-like commands need, loaded and computed. */
struct cli_run {
	struct dti_framework *fw;
	struct dti_units *units;
	struct dti_dataset *ds;
	struct dti_dataset *prev_ds;
	struct dti_framework *prev_fw;
	struct dti_result *res;
	struct dti_result *prev;
	size_t ranked[2]; /* the nodes ranked with o->rank_shown */
	/* with data steps: ds is the cycle prepared; raw the data as read,
	   and raw_prep the steps made */
	struct dti_dataset *raw;
	struct dti_prep_opts raw_prep;
};

int cli_run_compute(struct cli_opts *o, struct cli_run *run);
/* EXIT_OK when the output's format (given, or by -o's name) is table,
   CSV or JSON; else EXIT_USAGE after "dti: MESSAGE". */
int cli_table_csv_json(enum dti_format format, const char *message);
/* The node --by names into *node (-1: none given, the index);
   EXIT_NOTFOUND after a message for a code the framework lacks. */
int cli_by_node(const struct cli_opts *o, const struct dti_framework *fw,
                long *node);
void cli_run_release(struct cli_run *run);
/*
 * The nodes of a comma-separated list of codes (--nodes) into out (at
 * most max); EXIT_NOTFOUND or EXIT_USAGE after a message.
 */
int cli_node_list(const char *list, const struct dti_framework *fw, size_t *out,
                  size_t max, size_t *n);
/* Output options from the parsed command line; nodes into nodes_buf. */
int cli_output_opts(const struct cli_opts *o, const struct dti_framework *fw,
                    struct dti_output_opts *out, size_t *nodes_buf, size_t max);

/*
 * The charts of the analysis commands (analysis_svg.c).  cli_svg_check
 * refuses --svg naming -o's file, or standard output when the table goes
 * there; cli_stats_chart_check refuses the stats chart options that do
 * not go together (--chart without --svg, --with without --of values,
 * ...); both return EXIT_USAGE after a message naming the option.  The
 * others append the whole SVG document to out, or return an exit code
 * after a message.
 */
int cli_svg_check(const struct cli_opts *o);
int cli_stats_chart_check(const struct cli_opts *o);
int cli_ua_svg(const struct cli_opts *o, const struct dti_ua_result *ua,
               struct dti_buf *out);
int cli_sa_svg(const struct cli_opts *o, const struct dti_sa_result *sa,
               struct dti_buf *out);
int cli_stats_svg(const struct cli_opts *o, const struct cli_run *r,
                  struct dti_buf *out);

int cmd_compute(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_rebase(int argc, char **argv);
int cmd_framework(int argc, char **argv);
int cmd_units(int argc, char **argv);
/* The store and the workflow (DTI_DB, DTI_USER). */
int cmd_db(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_cycle(int argc, char **argv);
int cmd_submission(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_notices(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_chart(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_uncertainty(int argc, char **argv);
int cmd_pca(int argc, char **argv);
int cmd_weights(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_target(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_trends(int argc, char **argv);

/*
 * Opens the store named by db (--db), else $DTI_DB, else "dti.db" (an
 * SQLite file that must exist unless cli_store_create is set), and
 * names the actor: user (--user), else $DTI_USER; with need_actor and no
 * user, fails with a usage message.  Returns 0 or an exit code (after
 * reporting on stderr).
 */
int cli_open_store(const char *db, const char *user, int need_actor,
                   struct dti_store **out);
/* Set by 'dti db init': cli_open_store may create a missing SQLite file. */
extern int cli_store_create;
/* Exit code for a failed store or workflow call (reports it first). */
int cli_store_fail(const char *what, enum dti_status st,
                   const struct dti_error *err);

#endif
