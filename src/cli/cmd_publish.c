/*
 * src/cli/cmd_publish.c - dti publish and dti results.
 *
 * publish turns a closed cycle (every submission approved or excluded with
 * a reason) into an immutable snapshot: the framework's SHA-256, the hash
 * of the data, the program's version, the head of the audit chain, every
 * unit's values and ranks, and a signed checkpoint of the audit log.  A
 * cycle whose index cannot be computed for every unit is refused unless
 * --partial asks for a partial publication, labelled so everywhere.
 * results prints the snapshot as stored (JSON), or renders its ranking as
 * a table or CSV from the stored result itself (never a recomputation);
 * --preview shows the latest computed result of an unpublished cycle,
 * computing one first when there is none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

static const char publish_help[] =
    "usage: dti publish CYCLE [--version N] [--partial]\n"
    "\n"
    "Publishes a closed cycle whose submissions are all approved, or\n"
    "excluded with a reason: computes it and stores an immutable snapshot\n"
    "(framework SHA-256, data hash, program version, audit chain head,\n"
    "every unit's values and ranks) with a signed checkpoint of the audit\n"
    "log ('dti audit checkpoint CYCLE' writes it).  The cycle is then\n"
    "published and nothing in it changes any more.  A cycle whose index\n"
    "cannot be computed for every unit (values unknown, e.g. points not\n"
    "public) is refused (exit 7) unless --partial is given.  Owner.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --version N         refuse unless the cycle is at version N\n"
    "      --partial           publish a result whose index is unknown for\n"
    "                          some units, labelled partial in every output\n"
    "\n"
    "Examples:\n"
    "  dti cycle close dti-2024 && dti publish dti-2024\n"
    "  dti audit checkpoint dti-2024 -o dti-2024.checkpoint.json\n"
    "  dti results dti-2024 --format table\n";

static const char results_help[] =
    "usage: dti results CYCLE [--preview] [--compute] [--format F]\n"
    "                         [--lang L] [-o FILE]\n"
    "\n"
    "The published snapshot of a cycle, as stored (JSON: framework, data\n"
    "hash, program version, audit head, whether it is partial, the signed\n"
    "checkpoint, every unit's values and ranks).  With --format table,\n"
    "csv or xlsx, the ranking on the index with ranks in the group, as\n"
    "'dti rank' shows it, read from the snapshot itself.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --preview           the latest computed result of a cycle not\n"
    "                          yet published (owner, reviewer), computed\n"
    "                          first when there is none; with --format\n"
    "                          table|csv, the current figures\n"
    "      --compute           compute the cycle first (owner, reviewer);\n"
    "                          implies --preview\n"
    "      --format F          json (default: as stored), table, csv or\n"
    "                          xlsx (or as -o FILE is named: .xlsx,\n"
    "                          .csv, .json)\n"
    "      --excel             CSV for Excel: BOM, ';', decimal commas\n"
    "                          (the default for --lang vi with -o FILE;\n"
    "                          --no-excel: plain CSV)\n"
    "      --lang L            vi or en (table, csv, xlsx)\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti results dti-2024\n"
    "  dti results dti-2024 --format table --lang vi\n"
    "  dti results dti-2025 --compute --format csv\n";

int cmd_publish(int argc, char **argv)
{
	struct wf_args a;
	int rc = wf_parse(argc, argv, "publish", publish_help, 0, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	static const int allowed[] = {W_VERSION, W_PARTIAL, -1};
	rc = wf_allow(&a, "", allowed);
	if (rc)
		return rc;
	if (a.npos != 1)
		return wf_usage(&a, a.npos ? "publish takes one cycle"
		                           : "publish needs a cycle");
	int64_t version = 0;
	rc = wf_version(&a, &version);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(&a, 1, &s);
	if (rc)
		return rc;
	const char *cycle = a.pos[0];
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_publish_opts po;
	dti_publish_opts_init(&po);
	po.expected_version = version;
	po.partial = wf_has(&a, W_PARTIAL);
	enum dti_status st = dti_cycle_publish_with(s, cycle, &po, &err);
	if (st) {
		char what[128];
		snprintf(what, sizeof what, "cannot publish cycle '%s'", cycle);
		rc = wf_fail(what, st, &err);
	} else {
		struct dti_cycle_info ci;
		rc = wf_cycle(s, cycle, &ci);
		struct dti_store_status ss;
		if (!rc && dti_store_status(s, &ss, &err) == DTI_OK)
			printf(
			    "cycle %s: published%s, version %lld; audit head "
			    "%s\n",
			    cycle, po.partial ? " (partial)" : "",
			    (long long)ci.version, ss.audit_head);
		else if (!rc)
			printf("cycle %s: published%s, version %lld\n", cycle,
			       po.partial ? " (partial)" : "",
			       (long long)ci.version);
		if (!rc)
			printf("signed checkpoint: dti audit checkpoint %s -o "
			       "FILE (keep it outside the store)\n",
			       cycle);
		dti_error_release(&err);
	}
	dti_store_close(s);
	return rc;
}

/* The ranking of the cycle's data, as 'dti rank' renders it. */
static int ranking(struct dti_store *s, const char *cycle,
                   enum dti_format format, enum dti_lang lang,
                   const char *output, int excel)
{
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	int rc = 0;
	enum dti_status st =
	    dti_cycle_dataset(s, cycle, &fw, &units, &ds, &err);
	if (st)
		rc = wf_fail("the cycle's data", st, &err);
	long c = -1;
	if (!rc) {
		c = dti_dataset_find_cycle(ds, cycle);
		if (c < 0 && dti_dataset_cycle_count(ds) == 1)
			c = 0;
		if (c < 0) {
			fprintf(stderr,
			        "dti: the data of cycle '%s' holds no "
			        "such cycle\n",
			        cycle);
			rc = EXIT_INTERNAL;
		}
	}
	if (!rc) {
		struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
		st = dti_compute(fw, ds, (size_t)c, &co, &res, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_DATA);
		}
	}
	if (!rc) {
		struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
		size_t node = dti_framework_root(fw);
		oo.format = format;
		oo.lang = lang;
		oo.nodes = &node;
		oo.nnodes = 1;
		oo.group_ranks = 1;
		struct dti_buf out = DTI_BUF_INIT;
		st = dti_output_result(res, &oo, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			rc = cli_write_csv(output, &out, excel);
		}
		dti_buf_release(&out);
	}
	dti_error_release(&err);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_units_free(units);
	return rc;
}

int cmd_results(int argc, char **argv)
{
	struct wf_args a;
	int rc = wf_parse(argc, argv, "results", results_help, 0, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	static const int allowed[] = {W_PREVIEW, W_COMPUTE, W_FORMAT,   W_LANG,
	                              W_OUTPUT,  W_EXCEL,   W_NO_EXCEL, -1};
	rc = wf_allow(&a, "", allowed);
	if (rc)
		return rc;
	if (a.npos != 1)
		return wf_usage(&a, a.npos ? "results takes one cycle"
		                           : "results needs a cycle");
	int json = 1;
	enum dti_format format = DTI_FORMAT_JSON;
	if (wf_has(&a, W_FORMAT)) {
		const char *f = a.val[W_FORMAT];
		if (strcmp(f, "table") == 0)
			format = DTI_FORMAT_TABLE;
		else if (strcmp(f, "csv") == 0)
			format = DTI_FORMAT_CSV;
		else if (strcmp(f, "xlsx") == 0)
			format = DTI_FORMAT_XLSX;
		else if (strcmp(f, "json") != 0)
			return wf_usage(
			    &a,
			    "--format '%s': expected json, table, csv or "
			    "xlsx",
			    f);
	}
	rc = cli_output_format(format, wf_has(&a, W_FORMAT), a.val[W_OUTPUT],
	                       &format);
	if (rc)
		return rc;
	json = format == DTI_FORMAT_JSON;
	int excel = wf_has(&a, W_EXCEL) ? 1 : wf_has(&a, W_NO_EXCEL) ? -1 : 0;
	if (excel > 0 && format != DTI_FORMAT_CSV)
		return wf_usage(&a, "--excel applies to --format csv");
	enum dti_lang lang = cli_default_lang();
	if (wf_has(&a, W_LANG) && cli_lang(a.val[W_LANG], &lang))
		return wf_usage(&a, "--lang '%s': expected vi or en",
		                a.val[W_LANG]);
	int csv_excel = format == DTI_FORMAT_CSV &&
	                cli_excel_csv(excel, lang, a.val[W_OUTPUT]);
	int compute = wf_has(&a, W_COMPUTE);
	int preview = wf_has(&a, W_PREVIEW) || compute;
	struct dti_store *s = NULL;
	rc = wf_open(&a, preview, &s);
	if (rc)
		return rc;
	const char *cycle = a.pos[0];
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	if (compute) {
		int64_t id = 0;
		st = dti_cycle_compute(s, cycle, &id, &err);
		if (st) {
			char what[128];
			snprintf(what, sizeof what, "cannot compute cycle '%s'",
			         cycle);
			rc = wf_fail(what, st, &err);
		}
	}
	/* the stored result: what is shown, or the right to see it */
	struct dti_buf out = DTI_BUF_INIT;
	if (!rc) {
		st = dti_cycle_results(s, cycle, preview, &out, &err);
		if (st == DTI_ENOTFOUND && preview && !compute) {
			/* nothing computed yet: a preview computes it */
			int64_t id = 0;
			dti_error_release(&err);
			dti_buf_reset(&out);
			st = dti_cycle_compute(s, cycle, &id, &err);
			if (st == DTI_OK)
				st = dti_cycle_results(s, cycle, preview, &out,
				                       &err);
		}
		if (st) {
			char what[128];
			snprintf(what, sizeof what, "results of cycle '%s'",
			         cycle);
			rc = wf_fail(what, st, &err);
		}
	}
	if (!rc && json) {
		/* a line of its own, whatever the store wrote */
		if (out.len && out.data[out.len - 1] != '\n')
			dti_buf_addc(&out, '\n');
		rc = cli_write(a.val[W_OUTPUT], &out);
	} else if (!rc && preview) {
		rc =
		    ranking(s, cycle, format, lang, a.val[W_OUTPUT], csv_excel);
	} else if (!rc) {
		/* the snapshot's own numbers, never recomputed */
		dti_buf_reset(&out);
		st = dti_cycle_results_render(s, cycle, format, lang, &out,
		                              &err);
		if (st) {
			char what[128];
			snprintf(what, sizeof what, "results of cycle '%s'",
			         cycle);
			rc = wf_fail(what, st, &err);
		} else {
			rc = cli_write_csv(a.val[W_OUTPUT], &out, csv_excel);
		}
	}
	dti_buf_release(&out);
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}
