/*
 * src/cli/cmd_report.c - dti report: the PDF results report of a
 * published cycle.
 *
 * The library writes the report (dti_report_pdf, dti/report.h).  It lives
 * in libdti-report with cairo, Pango and librsvg, which this command alone
 * needs: the library is opened here (dlopen) rather than linked, so every
 * other command starts without loading them.  This file reads the
 * options, passes the bundled tile layouts for the map and writes the
 * document whole to -o FILE or to a pipe, never to a terminal.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dti/report.h"
#include "opt.h"

static const char help[] =
    "usage: dti report --cycle CYCLE [-o FILE] [--lang vi|en]\n"
    "\n"
    "Writes the results report of a published cycle of the store\n"
    "($DTI_DB, else ./dti.db) as a PDF (A4): a title page with the data\n"
    "hash and the signed audit checkpoint, a table of contents, the\n"
    "overall ranking with the pillars, the tile map, and one page per\n"
    "unit with its values, ranks, charts, strengths and weaknesses.\n"
    "Vietnamese (--lang vi, decimal comma) or English.  The PDF goes to\n"
    "-o FILE (whole, or not at all) or to standard output when that is\n"
    "not a terminal.\n"
    "\n"
    "Options:\n"
    "      --cycle LABEL   the published cycle (required)\n"
    "      --lang L        vi or en (default: $DTI_LANG, else en)\n"
    "  -o, --output FILE   write to FILE\n"
    "      --db PATH|URI   the store (default: $DTI_DB, else ./dti.db)\n"
    "\n"
    "Examples:\n"
    "  dti report --cycle dti-2023 --lang vi -o bao-cao-2023.pdf\n"
    "  dti report --cycle dti-2023 > report-2023.pdf\n";

#define MORE "Try '--help' for more."

enum { R_CYCLE = 1, R_LANG, R_OUTPUT, R_DB };

static const struct cli_opt report_opts[] = {{"cycle", 0, 1, R_CYCLE},
                                             {"lang", 0, 1, R_LANG},
                                             {"output", 'o', 1, R_OUTPUT},
                                             {"db", 0, 1, R_DB},
                                             {NULL, 0, 0, 0}};

struct args {
	const char *cycle, *output, *db;
	enum dti_lang lang;
};

static int on_option(void *ctx, const struct cli_opt *o, const char *v,
                     const char *written)
{
	struct args *a = ctx;
	switch (o->id) {
	case R_CYCLE: a->cycle = v; break;
	case R_OUTPUT: a->output = v; break;
	case R_DB: a->db = v; break;
	case R_LANG:
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

/* The bundled tile layout tiles-N.csv, parsed. */
static int load_tiles(int n, struct dti_tile_layout **out)
{
	char name[32];
	snprintf(name, sizeof name, "tiles-%d.csv", n);
	const struct dti_embedded_file *f = cli_embedded(name);
	if (!f) {
		fprintf(stderr, "dti: no bundled tile layout %s\n", name);
		return EXIT_INTERNAL;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_tile_layout_parse(f->data, f->len, f->name, out, &err);
	if (st)
		cli_error("tiles", &err);
	dti_error_release(&err);
	return st ? EXIT_INTERNAL : EXIT_OK;
}

/*
 * dti_report_pdf from libdti-report: found as the linker finds libraries
 * (the program's run path, then the system's), else in the directory it
 * is installed in.
 */
static int open_report(void **handle, dti_report_pdf_fn **fn)
{
	void *h = dlopen(DTI_REPORT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen(DTI_LIBDIR "/" DTI_REPORT_SONAME,
		           RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr,
		        "dti: the report library cannot be loaded (%s): is "
		        "dti installed whole?\n",
		        dlerror());
		return EXIT_INTERNAL;
	}
	void *sym = dlsym(h, "dti_report_pdf");
	if (!sym) {
		fprintf(stderr, "dti: %s has no dti_report_pdf\n",
		        DTI_REPORT_SONAME);
		dlclose(h);
		return EXIT_INTERNAL;
	}
	/* POSIX: a data pointer from dlsym converts to a function pointer */
	memcpy(fn, &sym, sizeof *fn);
	*handle = h;
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	a.lang = cli_default_lang();
	struct cli_optparse p = {report_opts, help,        MORE,
	                         on_option,   on_argument, &a};
	int rc = cli_optparse(&p, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!a.cycle)
		return cli_usage(help, MORE, "which cycle? give --cycle LABEL");
	if ((!a.output || strcmp(a.output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage(help, MORE,
		                 "standard output is a terminal: give -o FILE "
		                 "(or a pipe) for the PDF");
	void *lib = NULL;
	dti_report_pdf_fn *report = NULL;
	rc = open_report(&lib, &report);
	struct dti_tile_layout *tl[2] = {NULL, NULL};
	static const int sizes[2] = {63, 34};
	for (int j = 0; j < 2 && !rc; j++)
		rc = load_tiles(sizes[j], &tl[j]);
	struct dti_store *s = NULL;
	if (!rc)
		rc = cli_open_store(a.db, NULL, 0, &s);
	struct dti_buf out = DTI_BUF_INIT;
	if (!rc) {
		struct dti_report_opts ro = DTI_REPORT_OPTS_INIT;
		ro.lang = a.lang;
		ro.nlayouts = 2;
		ro.layouts = (const struct dti_tile_layout *const *)tl;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = report(s, a.cycle, &ro, &out, &err);
		if (st) {
			char what[160];
			snprintf(what, sizeof what, "the report of cycle '%s'",
			         a.cycle);
			rc = cli_store_fail(what, st, &err);
		}
		dti_error_release(&err);
	}
	if (!rc)
		rc = cli_write(a.output, &out);
	dti_buf_release(&out);
	dti_tile_layout_free(tl[0]);
	dti_tile_layout_free(tl[1]);
	dti_store_close(s);
	/* libdti-report stays loaded: Pango and GLib register types and
	   threads that do not survive being unloaded */
	(void)lib;
	return rc;
}
