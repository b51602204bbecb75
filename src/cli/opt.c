/*
 * src/cli/opt.c - the one option parser of the dti command line (opt.h).
 *
 * Written out rather than built on getopt_long: getopt keeps its state in
 * globals, accepts abbreviated long names, and reports errors in forms
 * each caller had to translate.  This parser walks argv once, hands each
 * option and argument to the caller in order, and words every usage error
 * itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"

int cli_vusage(const char *help, const char *more, const char *fmt, va_list ap)
{
	fprintf(stderr, "dti: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	/* the first line of the help is the usage line */
	const char *nl = strchr(help, '\n');
	fprintf(stderr, "%.*s\n%s\n",
	        (int)(nl ? nl - help : (long)strlen(help)), help, more);
	return EXIT_USAGE;
}

int cli_usage(const char *help, const char *more, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_vusage(help, more, fmt, ap);
	va_end(ap);
	return rc;
}

static const struct cli_opt *by_name(const struct cli_opt *t, const char *s,
                                     size_t n)
{
	for (; t->name; t++)
		if (strlen(t->name) == n && strncmp(t->name, s, n) == 0)
			return t;
	return NULL;
}

static const struct cli_opt *by_letter(const struct cli_opt *t, char c)
{
	for (; t->name; t++)
		if (t->letter && t->letter == c)
			return t;
	return NULL;
}

int cli_optparse(const struct cli_optparse *p, int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc && !rc; i++)
				rc = p->argument(p->ctx, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			rc = p->argument(p->ctx, a);
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(p->help, stdout);
			return -1;
		}
		const struct cli_opt *o;
		const char *value = NULL;
		char written[80];
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			o = by_name(p->opts, name, n);
			if (!o)
				return cli_usage(p->help, p->more,
				                 "unknown option '%s'", a);
			snprintf(written, sizeof written, "--%s", o->name);
			if (eq && !o->value)
				return cli_usage(p->help, p->more,
				                 "option '%s' takes no value",
				                 written);
			if (eq)
				value = eq + 1;
		} else {
			o = by_letter(p->opts, a[1]);
			if (!o)
				return cli_usage(p->help, p->more,
				                 "unknown option '-%c'", a[1]);
			snprintf(written, sizeof written, "-%c", a[1]);
			if (a[2] && !o->value)
				return cli_usage(p->help, p->more,
				                 "option '%s' takes no value "
				                 "(in '%s')",
				                 written, a);
			if (a[2])
				value = a + 2;
		}
		if (o->value && !value) {
			if (i + 1 >= argc)
				return cli_usage(p->help, p->more,
				                 "option '%s' needs a value",
				                 written);
			value = argv[++i];
		}
		rc = p->option(p->ctx, o, value ? value : "", written);
	}
	return rc;
}
