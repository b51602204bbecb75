/*
 * src/cli/cmd_units.c - dti units list|show.
 *
 * Lists a registry (the bundled vn-provinces by default), optionally as on a
 * date, and shows one unit found tolerantly by id, code or name, with its
 * predecessors and successors.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: dti units list [--date D] [--group G] [-u FILE] [--format F]\n"
    "       dti units show [--date D] [-u FILE] NAME\n"
    "\n"
    "list    the units of the registry (valid on --date), in Vietnamese\n"
    "        alphabetical order.\n"
    "show    one unit, found by id, code or name written any usual way\n"
    "        (\"TP. Đà Nẵng\", \"Thừa Thiên - Huế\", \"ha noi\"), with its\n"
    "        validity, predecessors and successors.\n"
    "\n"
    "Options:\n"
    "  -u, --units FILE    registry file (default: the bundled vn-provinces)\n"
    "      --groups FILE   names of the groups\n"
    "      --date D        units valid on YYYY-MM-DD\n"
    "      --group G       only the units of group G (list)\n"
    "      --format F      table, csv, json or ndjson\n"
    "      --lang L        vi or en\n"
    "  -o, --output FILE   write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti units list --date 2025-07-01\n"
    "  dti units show 'Thừa Thiên - Huế'\n"
    "  dti units list -u example-units --group xa-phuong\n";

static int show(const struct cli_opts *o, const struct dti_units *u)
{
	if (o->nargs != 2) {
		fprintf(stderr, "dti: units show needs one name\n");
		return EXIT_USAGE;
	}
	size_t idx;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_units_find(u, o->args[1], o->read.date, &idx, &err);
	if (st) {
		fprintf(stderr, "dti: %s\n", err.message);
		dti_error_release(&err);
		return EXIT_NOTFOUND;
	}
	dti_error_release(&err);
	struct dti_unit_info ui;
	dti_units_get(u, idx, &ui);
	struct dti_buf out = DTI_BUF_INIT;
	int vi = o->lang == DTI_LANG_VI;
	const struct dti_group_info *g =
	    *ui.group ? dti_units_group_find(u, ui.group) : NULL;
	if (o->format == DTI_FORMAT_JSON || o->format == DTI_FORMAT_NDJSON) {
		const char *keys[] = {"id",         "code",  "name_vi",
		                      "name_ascii", "group", "valid_from",
		                      "valid_to"};
		const char *vals[] = {ui.id,         ui.code,  ui.name_vi,
		                      ui.name_ascii, ui.group, ui.valid_from,
		                      ui.valid_to};
		struct dti_json j;
		dti_json_init(&j, &out);
		dti_json_object_begin(&j);
		for (size_t k = 0; k < 7; k++) {
			dti_json_key(&j, keys[k]);
			dti_json_string(&j,
			                k >= 4 && !*vals[k] ? NULL : vals[k]);
		}
		dti_json_key(&j, "aliases");
		dti_json_array_begin(&j);
		for (size_t a = 0; a < ui.naliases; a++)
			dti_json_string(&j, ui.aliases[a]);
		dti_json_array_end(&j);
		dti_json_key(&j, "predecessors");
		dti_json_array_begin(&j);
		for (size_t k = 0; k < dti_units_count(u); k++) {
			struct dti_unit_info pi;
			dti_units_get(u, k, &pi);
			for (size_t s = 0; s < pi.nsuccessors; s++)
				if (pi.successors[s] == idx)
					dti_json_string(&j, pi.id);
		}
		dti_json_array_end(&j);
		dti_json_key(&j, "successors");
		dti_json_array_begin(&j);
		for (size_t s = 0; s < ui.nsuccessors; s++) {
			struct dti_unit_info si;
			dti_units_get(u, ui.successors[s], &si);
			dti_json_string(&j, si.id);
		}
		dti_json_array_end(&j);
		dti_json_object_end(&j);
		dti_buf_addc(&out, '\n');
	} else {
		/* registry text escaped: a name cannot forge a line */
		cli_esc(&out, ui.name_vi);
		dti_buf_adds(&out, " (");
		cli_esc(&out, ui.id);
		dti_buf_addf(&out, ")\n  %s: ", vi ? "mã" : "code");
		cli_esc(&out, ui.code);
		dti_buf_adds(&out, "\n  ascii: ");
		cli_esc(&out, ui.name_ascii);
		dti_buf_addc(&out, '\n');
		if (ui.naliases) {
			dti_buf_addf(&out,
			             "  %s: ", vi ? "tên khác" : "aliases");
			for (size_t a = 0; a < ui.naliases; a++) {
				dti_buf_adds(&out, a ? "; " : "");
				cli_esc(&out, ui.aliases[a]);
			}
			dti_buf_addc(&out, '\n');
		}
		if (*ui.group) {
			dti_buf_addf(&out, "  %s: ", vi ? "vùng" : "group");
			cli_esc(&out, ui.group);
			if (g) {
				dti_buf_adds(&out, " – ");
				cli_esc(&out, vi ? g->name_vi : g->name_en);
			}
			dti_buf_addc(&out, '\n');
		}
		dti_buf_addf(&out, "  %s: %s – %s\n", vi ? "hiệu lực" : "valid",
		             *ui.valid_from ? ui.valid_from : "…",
		             *ui.valid_to ? ui.valid_to : "…");
		size_t np = 0;
		for (size_t k = 0; k < dti_units_count(u); k++) {
			struct dti_unit_info pi;
			dti_units_get(u, k, &pi);
			for (size_t s = 0; s < pi.nsuccessors; s++)
				if (pi.successors[s] == idx) {
					dti_buf_adds(
					    &out,
					    np ? ", "
					       : (vi ? "  tiền thân: "
					             : "  predecessors: "));
					cli_esc(&out, pi.name_vi);
					dti_buf_adds(&out, " (");
					cli_esc(&out, pi.id);
					dti_buf_addc(&out, ')');
					np++;
				}
		}
		if (np)
			dti_buf_addc(&out, '\n');
		for (size_t s = 0; s < ui.nsuccessors; s++) {
			struct dti_unit_info si;
			dti_units_get(u, ui.successors[s], &si);
			dti_buf_adds(&out, s ? ", "
			                     : (vi ? "  kế thừa bởi: "
			                           : "  succeeded by: "));
			cli_esc(&out, si.name_vi);
			dti_buf_adds(&out, " (");
			cli_esc(&out, si.id);
			dti_buf_addc(&out, ')');
		}
		if (ui.nsuccessors)
			dti_buf_addc(&out, '\n');
	}
	int rc = cli_write(o->output, &out);
	dti_buf_release(&out);
	return rc;
}

int cmd_units(int argc, char **argv)
{
	struct cli_opts o;
	int rc =
	    cli_parse(argc, argv, OPT_OUTPUT | OPT_UNITS | OPT_TABLE, help, &o);
	if (!rc && o.format == DTI_FORMAT_XLSX) {
		fprintf(stderr, "dti: units are listed as a table, csv, json "
		                "or ndjson (XLSX is for results)\n");
		rc = EXIT_USAGE;
	}
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!o.nargs) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	if (!o.units)
		o.units = "vn-provinces";
	struct dti_units *u;
	rc = cli_load_units(&o, NULL, NULL, &u);
	if (rc)
		return rc;
	if (strcmp(o.args[0], "list") == 0) {
		struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
		oo.format = o.format;
		oo.lang = o.lang;
		oo.color = o.color && o.format == DTI_FORMAT_TABLE;
		oo.only_group = o.group;
		struct dti_buf out = DTI_BUF_INIT;
		struct dti_error err = DTI_ERROR_INIT;
		if (dti_output_units(u, o.read.date, &oo, &out, &err)) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			rc = cli_write_csv(
			    o.output, &out,
			    o.format == DTI_FORMAT_CSV &&
			        cli_excel_csv(o.excel, o.lang, o.output));
		}
		dti_buf_release(&out);
		dti_error_release(&err);
	} else if (strcmp(o.args[0], "show") == 0 ||
	           strcmp(o.args[0], "find") == 0) {
		rc = show(&o, u);
	} else {
		fprintf(stderr,
		        "dti: unknown units command '%s' (list, show)\n",
		        o.args[0]);
		rc = EXIT_USAGE;
	}
	dti_units_free(u);
	return rc;
}
