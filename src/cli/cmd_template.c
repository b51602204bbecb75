/*
 * src/cli/cmd_template.c - dti template: the input workbook a unit fills
 * in (dti_template_xlsx, dti/template.h).
 *
 * This file reads the options, loads the framework and its registry,
 * resolves --unit names on the form's date and writes the workbook whole
 * to -o FILE or a pipe, never to a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"

static const char help[] =
    "usage: dti template -f FRAMEWORK [OPTIONS] -o FORM.xlsx\n"
    "\n"
    "Writes the workbook (.xlsx) a unit fills in for a framework: the\n"
    "data sheet, a sheet describing every indicator (rule, measure,\n"
    "floor, target, points) and the instructions, in Vietnamese (--lang\n"
    "vi, the default) or English.  Only the cells to fill are editable,\n"
    "shaded, and checked as they are typed: có/không from a list, shares\n"
    "as percentages, counts as whole numbers, points and survey means\n"
    "within their range, thresholds suggested in a list.  Indicators\n"
    "scored by reviewers are left out (the instructions list them).\n"
    "\n"
    "With one --unit, the data sheet has a row per indicator (value,\n"
    "evidence, note); with several, or none (every unit of the registry\n"
    "on the form's date), a row per unit and a column per indicator.\n"
    "The filled form names its framework and cycle: dti compute FORM.xlsx,\n"
    "dti submission import CYCLE FORM.xlsx and the upload page read it as\n"
    "it is.\n"
    "\n"
    "Options:\n"
    "  -f, --framework F   framework file or bundled id (pdti-2022, ...)\n"
    "      --units FILE    the units registry (default: the framework's)\n"
    "      --unit NAME     a unit to fill in, by id or name (repeatable)\n"
    "      --wide          a row per unit even for a single --unit\n"
    "      --cycle LABEL   the cycle the form is for (written in it)\n"
    "      --date D        the date units are valid on (YYYY-MM-DD;\n"
    "                      default: the end of the cycle's year, else of\n"
    "                      the framework's, else today)\n"
    "      --rows N        rows of a form without units (default 30)\n"
    "      --lang L        vi or en (default vi)\n"
    "  -o, --output FILE   write to FILE (whole, or not at all)\n"
    "\n"
    "Examples:\n"
    "  dti template -f example-province-internal --unit 'Sở Tài chính' "
    "--cycle 2025 -o form.xlsx\n"
    "  dti template -f pdti-2022 --cycle 2022 -o provinces.xlsx\n"
    "  dti compute form.xlsx\n";

#define MORE "Try '--help' for more."

enum {
	T_FRAMEWORK = 1,
	T_UNITS,
	T_UNIT,
	T_WIDE,
	T_CYCLE,
	T_DATE,
	T_ROWS,
	T_LANG,
	T_OUTPUT
};

static const struct cli_opt template_opts[] = {
    {"framework", 'f', 1, T_FRAMEWORK},
    {"units", 0, 1, T_UNITS},
    {"unit", 0, 1, T_UNIT},
    {"wide", 0, 0, T_WIDE},
    {"cycle", 0, 1, T_CYCLE},
    {"date", 0, 1, T_DATE},
    {"rows", 0, 1, T_ROWS},
    {"lang", 0, 1, T_LANG},
    {"output", 'o', 1, T_OUTPUT},
    {NULL, 0, 0, 0}};

#define MAX_UNITS 1000

struct args {
	const char *framework, *units, *cycle, *date, *output;
	const char *unit[MAX_UNITS];
	size_t nunit;
	int wide;
	long rows;
	enum dti_lang lang;
};

static int on_option(void *ctx, const struct cli_opt *o, const char *v,
                     const char *written)
{
	struct args *a = ctx;
	char *end;
	switch (o->id) {
	case T_FRAMEWORK: a->framework = v; break;
	case T_UNITS: a->units = v; break;
	case T_CYCLE: a->cycle = v; break;
	case T_OUTPUT: a->output = v; break;
	case T_WIDE: a->wide = 1; break;
	case T_UNIT:
		if (a->nunit >= MAX_UNITS)
			return cli_usage(help, MORE, "more than %d %s options",
			                 MAX_UNITS, written);
		a->unit[a->nunit++] = v;
		break;
	case T_DATE:
		if (!dti_date_valid(v))
			return cli_usage(help, MORE,
			                 "%s '%s': not a date (YYYY-MM-DD)",
			                 written, v);
		a->date = v;
		break;
	case T_ROWS:
		a->rows = strtol(v, &end, 10);
		if (!*v || *end || a->rows < 1 || a->rows > 100000)
			return cli_usage(help, MORE,
			                 "%s '%s': expected 1..100000", written,
			                 v);
		break;
	case T_LANG:
		if (cli_lang(v, &a->lang))
			return cli_usage(help, MORE,
			                 "%s '%s': expected vi or en", written,
			                 v);
		break;
	}
	return 0;
}

static int on_argument(void *ctx, const char *arg)
{
	(void)ctx;
	return cli_usage(help, MORE, "unexpected argument '%s'", arg);
}

/* The last run of four digits in s as "YYYY-12-31" (dti-2025, 2025). */
static int year_end(const char *s, char out[11])
{
	if (!s)
		return 0;
	int found = 0;
	for (size_t i = 0; s[i]; i++) {
		size_t n = 0;
		while (s[i + n] >= '0' && s[i + n] <= '9')
			n++;
		if (n == 4) {
			snprintf(out, 11, "%.4s-12-31", s + i);
			found = 1;
		}
		if (n)
			i += n - 1;
	}
	return found;
}

int cmd_template(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	a.lang = DTI_LANG_VI;
	a.rows = 30;
	struct cli_optparse p = {template_opts, help,        MORE,
	                         on_option,     on_argument, &a};
	int rc = cli_optparse(&p, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!a.framework)
		return cli_usage(help, MORE,
		                 "which framework? give -f FRAMEWORK");
	if ((!a.output || strcmp(a.output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage(help, MORE,
		                 "standard output is a terminal: give -o "
		                 "FORM.xlsx (or a pipe) for the workbook");
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	rc = cli_load_framework(a.framework, &fw);
	if (!rc) {
		struct cli_opts o;
		memset(&o, 0, sizeof o);
		o.units = a.units;
		int is_file = strcmp(a.framework, "-") != 0 &&
		              (strchr(a.framework, '/') ||
		               access(a.framework, R_OK) == 0);
		rc = cli_load_units(&o, fw, is_file ? a.framework : NULL,
		                    &units);
	}
	char date[11] = "";
	if (a.date)
		snprintf(date, sizeof date, "%s", a.date);
	else if (!year_end(a.cycle, date) && fw && dti_framework_year(fw) > 0)
		snprintf(date, sizeof date, "%04d-12-31",
		         dti_framework_year(fw));
	else if (!*date) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	}
	size_t *idx = NULL, n = 0;
	if (!rc && a.nunit && !units) {
		fprintf(stderr,
		        "dti: --unit needs a units registry: framework "
		        "'%s' names none; give --units FILE\n",
		        dti_framework_id(fw));
		rc = EXIT_USAGE;
	}
	if (!rc && units) {
		size_t total = dti_units_count(units);
		idx = malloc((a.nunit ? a.nunit
		              : total ? total
		                      : 1) *
		             sizeof *idx);
		if (!idx) {
			fprintf(stderr, "dti: out of memory\n");
			rc = EXIT_INTERNAL;
		}
		for (size_t i = 0; !rc && i < a.nunit; i++) {
			struct dti_error err = DTI_ERROR_INIT;
			enum dti_status st = dti_units_find(
			    units, a.unit[i], date, &idx[n], &err);
			if (st) {
				char what[300];
				snprintf(what, sizeof what, "--unit '%s' on %s",
				         a.unit[i], date);
				cli_error(what, &err);
				rc = cli_exit_for(st, EXIT_USAGE);
			} else {
				n++;
			}
			dti_error_release(&err);
		}
		for (size_t i = 0; !rc && !a.nunit && i < total; i++)
			if (dti_units_valid_on(units, i, date))
				idx[n++] = i;
	}
	struct dti_buf out = DTI_BUF_INIT;
	if (!rc) {
		struct dti_template_opts to;
		dti_template_opts_init(&to);
		to.lang = a.lang;
		to.cycle = a.cycle;
		to.units = idx;
		to.nunits = n;
		to.wide = a.wide;
		to.blank_rows = (size_t)a.rows;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_template_xlsx(fw, units, &to, &out, &err);
		if (st) {
			cli_error("template", &err);
			rc = cli_exit_for(st, EXIT_INTERNAL);
		}
		dti_error_release(&err);
	}
	if (!rc)
		rc = cli_write(a.output, &out);
	dti_buf_release(&out);
	free(idx);
	dti_units_free(units);
	dti_framework_free(fw);
	return rc;
}
