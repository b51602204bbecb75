/*
 * src/cli/cmd_explain.c - dti explain: one unit's value and rank, in words.
 *
 * The unit is named by id, code or name as people write it ("Đà Nẵng",
 * "TP. Đà Nẵng", "da nang"); it must be one of the units of the computed
 * cycle.  Without a data file, --cycle names a published cycle of the
 * store: the unit's profile from the snapshot (dti_store_profile), with
 * the sentence of the press releases, then the explanation.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: dti explain [-f FRAMEWORK] [OPTIONS] DATA UNIT\n"
    "       dti explain --cycle CYCLE [--since YEAR] [--by CODE] [OPTIONS] "
    "UNIT\n"
    "\n"
    "Explains UNIT's value and rank in one cycle: points lost per\n"
    "indicator, the gap to the leader, to the median and to the best of its\n"
    "group, strengths and weaknesses, the change since the previous cycle\n"
    "and what it needs to pass the unit above, in Vietnamese (--lang vi) or\n"
    "English.  --format json gives the same as data, --format xlsx as a\n"
    "workbook (a summary, the indicators, notes).\n"
    "\n"
    "Without DATA, --cycle names a published cycle of the store ($DTI_DB,\n"
    "else ./dti.db): UNIT's values and ranks as published, with the\n"
    "sentence of the press releases for the index and each pillar\n"
    "(\"xếp hạng 38/63, tăng 10 bậc so với năm 2022 (giá trị 0,6735)\")\n"
    "and the changes since every earlier published cycle of the same\n"
    "level (--since YEAR: of that year on), then the explanation, computed\n"
    "from the figures the store holds for the cycle when they are still\n"
    "those the snapshot was computed from.\n"
    "\n"
    "Options: those of 'dti compute' (framework, data, computation), and\n"
    "      --by CODE       explain this node instead of the index\n"
    "      --top N         strengths and weaknesses listed (default 3)\n"
    "      --format F      table (text), json or xlsx (the default for\n"
    "                      -o FILE.xlsx)\n"
    "      --lang L        vi or en\n"
    "  -o, --output FILE   write to FILE\n"
    "Store (without DATA):\n"
    "      --cycle LABEL   the published cycle\n"
    "      --db PATH|URI   the store (default: $DTI_DB, else ./dti.db)\n"
    "      --since YEAR    changes since the cycles of YEAR on\n"
    "\n"
    "Examples:\n"
    "  dti explain -f pdti-2022 data.csv 'Tuyên Quang' --lang vi\n"
    "  dti explain -f pdti-2022 data.csv 48 --by cqs --format json\n"
    "  dti explain --cycle dti-2024 'Đà Nẵng' --lang vi\n";

/* The result position of the unit named `text`, or -1 (with a message). */
static long find_unit(const struct cli_run *r, const char *text,
                      const char *date)
{
	const struct dti_dataset *ds = r->ds;
	size_t n = dti_result_unit_count(r->res);
	struct dti_dataset_unit du;
	for (size_t i = 0; i < n; i++) {
		dti_dataset_unit(ds, dti_result_unit(r->res, i), &du);
		if (strcmp(du.id, text) == 0)
			return (long)i;
	}
	if (r->units) {
		size_t idx;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_units_find(r->units, text, date, &idx, &err);
		if (st) {
			fprintf(stderr, "dti: %s\n", err.message);
			dti_error_release(&err);
			return -1;
		}
		dti_error_release(&err);
		for (size_t i = 0; i < n; i++) {
			dti_dataset_unit(ds, dti_result_unit(r->res, i), &du);
			if (du.registry_index == (long)idx)
				return (long)i;
		}
		struct dti_unit_info ui;
		dti_units_get(r->units, idx, &ui);
		fprintf(stderr, "dti: %s (%s) has no figures in cycle %s\n",
		        ui.name_vi, ui.id, dti_result_cycle(r->res));
		return -1;
	}
	char key[256], k2[256];
	dti_text_fold(text, key, sizeof key);
	long found = -1;
	for (size_t i = 0; i < n; i++) {
		dti_dataset_unit(ds, dti_result_unit(r->res, i), &du);
		dti_text_fold(du.name, k2, sizeof k2);
		if (strcmp(key, k2) == 0) {
			if (found >= 0) {
				fprintf(stderr,
				        "dti: '%s' names several units\n",
				        text);
				return -1;
			}
			found = (long)i;
		}
	}
	if (found < 0)
		fprintf(stderr, "dti: no unit '%s' in cycle %s\n", text,
		        dti_result_cycle(r->res));
	return found;
}

/* dti explain --cycle C UNIT without DATA: the store's published profile. */
static int explain_store(const struct cli_opts *o, const char *unit)
{
	if (o->file_opt[0]) {
		fprintf(stderr,
		        "dti: option '%s' applies to a DATA file, not to a "
		        "published cycle of the store\n",
		        o->file_opt);
		return EXIT_USAGE;
	}
	if (o->group) {
		fprintf(stderr, "dti: --group does not apply to explain\n");
		return EXIT_USAGE;
	}
	struct dti_store *s = NULL;
	int rc = cli_open_store(o->db, NULL, 0, &s);
	if (rc)
		return rc;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = o->sort;
	vo.lang = o->lang;
	vo.since = o->since;
	vo.top = o->limit;
	struct dti_profile *p = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_profile(s, o->cycle, unit, &vo, &p, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "unit '%s' in cycle '%s'", unit,
		         o->cycle);
		rc = cli_store_fail(what, st, &err);
	} else {
		struct dti_buf out = DTI_BUF_INIT;
		if (o->format == DTI_FORMAT_XLSX && p->explained)
			/* the workbook of the explanation, computed from the
			   figures the snapshot was computed from */
			st = dti_explanation_write(&p->explanation, o->format,
			                           o->lang, &out, &err);
		else if (o->format == DTI_FORMAT_XLSX) {
			fprintf(stderr,
			        "dti: no workbook: %s's explanation cannot be "
			        "computed (%s); --format table or json shows "
			        "the published values\n",
			        p->name, p->unexplained);
			dti_buf_release(&out);
			dti_profile_free(p);
			dti_error_release(&err);
			dti_store_close(s);
			return EXIT_STATE;
		} else
			st = dti_profile_write(p, o->format, o->lang, &out,
			                       &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_INTERNAL);
		} else {
			rc = cli_write(o->output, &out);
		}
		dti_buf_release(&out);
	}
	dti_profile_free(p);
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}

int cmd_explain(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_TABLE | OPT_UNITS |
	                       OPT_STORE,
	                   help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.format == DTI_FORMAT_CSV) {
		fprintf(stderr, "dti: an explanation is text, json or xlsx\n");
		return EXIT_USAGE;
	}
	if (o.nargs == 1 && o.cycle)
		return explain_store(&o, o.args[0]);
	if (o.db || o.since) {
		fprintf(stderr,
		        "dti: --db and --since apply to a published cycle of "
		        "the store (--cycle CYCLE UNIT without DATA)\n");
		return EXIT_USAGE;
	}
	if (o.nargs != 2) {
		fprintf(stderr, "dti: explain needs DATA and UNIT\n%.*s\n",
		        (int)(strchr(help, '\n') - help), help);
		return EXIT_USAGE;
	}
	const char *unit = o.args[1];
	o.nargs = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	if (rc) {
		cli_run_release(&r);
		return rc;
	}
	struct dti_explain_opts eo = DTI_EXPLAIN_OPTS_INIT;
	eo.top = o.limit;
	if (o.sort) {
		long k = dti_framework_find(r.fw, o.sort);
		if (k < 0) {
			fprintf(stderr,
			        "dti: '%s' is not a node of framework "
			        "'%s'\n",
			        o.sort, dti_framework_id(r.fw));
			cli_run_release(&r);
			return EXIT_NOTFOUND;
		}
		eo.node = k;
	}
	char date[16] = "";
	const char *cyc = dti_result_cycle(r.res);
	if (o.read.date)
		snprintf(date, sizeof date, "%s", o.read.date);
	else if (strlen(cyc) == 4)
		snprintf(date, sizeof date, "%s-12-31", cyc);
	long i = find_unit(&r, unit, *date ? date : NULL);
	if (i < 0) {
		cli_run_release(&r);
		return EXIT_NOTFOUND;
	}
	struct dti_explanation ex;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_buf out = DTI_BUF_INIT;
	if (dti_explain(r.res, (size_t)i, &eo, &ex, &err) ||
	    dti_explanation_write(&ex, o.format, o.lang, &out, &err)) {
		cli_error(NULL, &err);
		rc = EXIT_INTERNAL;
	} else {
		rc = cli_write(o.output, &out);
	}
	dti_explanation_release(&ex);
	dti_buf_release(&out);
	dti_error_release(&err);
	cli_run_release(&r);
	return rc;
}
