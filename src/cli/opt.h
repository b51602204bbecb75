/*
 * src/cli/opt.h - the one option parser of the dti command line.
 *
 * Every command describes its options in a table (long name, short letter,
 * whether it takes a value, an id of its own) and gets them back one at a
 * time, in command-line order, through a callback: the compute commands
 * fill struct cli_opts (common.c), the store and workflow commands struct
 * wf_args (wf_common.c).  The rules are the same everywhere:
 *   - options and arguments may come in any order; "--" ends the options;
 *     "-" alone is an argument (standard input or output);
 *   - a value follows its option as the next word, or after '=' for a long
 *     option ("--format=csv"), or attached to a short one ("-ofile");
 *   - -h and --help print the command's help on stdout and stop (exit 0);
 *   - an unknown option, a missing value or a value given to a flag is a
 *     usage error: "dti: MESSAGE", the usage line (the help's first line)
 *     and a pointer to --help, on stderr, exit 2.
 * Long names must be written whole: there are no abbreviations, so a new
 * option never changes what an old command line means.
 */
#ifndef DTI_CLI_OPT_H
#define DTI_CLI_OPT_H

#include <stdarg.h>
#include <stddef.h>

struct cli_opt {
	const char *name; /* "format" for --format; NULL ends a table */
	char letter;      /* 'o' for -o, 0 when there is none */
	int value;        /* 1: takes a value */
	int id;           /* handed back to the callback */
};

struct cli_optparse {
	const struct cli_opt *opts; /* ended by a NULL name */
	const char *help;           /* its first line is the usage line */
	const char *more;           /* the line after it: "Try '--help' ..." */
	/*
	 * Called for each option in order: o is its entry, value its value
	 * ("" for a flag), written the option as typed ("--format", "-o").
	 * Returns 0 to go on, else an exit code that stops the parse.
	 */
	int (*option)(void *ctx, const struct cli_opt *o, const char *value,
	              const char *written);
	/* Called for each argument in order; 0 or an exit code. */
	int (*argument)(void *ctx, const char *arg);
	void *ctx;
};

/*
 * Parses argv[1..argc-1] (argv[0] is the command's name).  Returns 0, -1
 * after printing the help (the caller exits 0), or an exit code after a
 * usage message (EXIT_USAGE, or what a callback returned).
 */
int cli_optparse(const struct cli_optparse *p, int argc, char **argv);

/*
 * Prints "dti: MESSAGE", the first line of help and `more` on stderr;
 * returns EXIT_USAGE.
 */
int cli_usage(const char *help, const char *more, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cli_vusage(const char *help, const char *more, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
