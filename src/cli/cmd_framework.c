/*
 * src/cli/cmd_framework.c - dti framework check|show|list.
 *
 * check validates framework files and reports every fault with its place;
 * show prints a framework as a tree with points (or as CSV/JSON); list
 * names the frameworks bundled in the binary.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: dti framework check FILE...\n"
    "       dti framework show [--format F] [--lang L] FILE|NAME\n"
    "       dti framework list\n"
    "\n"
    "check   validates framework files (dti-framework(5)): unknown parents,\n"
    "        cycles, duplicate codes, points that do not add up, bad rule\n"
    "        parameters; every fault is reported with file, line and column.\n"
    "        Exit 0 when all are valid, 5 otherwise.\n"
    "show    prints a framework as a tree with points and rules (table), or\n"
    "        its nodes as CSV (a valid framework file), JSON or NDJSON.\n"
    "list    the frameworks bundled with dti.\n"
    "\n"
    "Options:\n"
    "      --format F      table, csv, json or ndjson (show)\n"
    "      --lang L        vi or en (show)\n"
    "      --color WHEN    auto, always or never\n"
    "  -o, --output FILE   write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti framework list\n"
    "  dti framework check my-index.csv\n"
    "  dti framework show pdti-2022 --format csv > my-copy.csv\n";

static int check(const struct cli_opts *o)
{
	if (o->nargs < 2) {
		fprintf(stderr,
		        "dti: framework check needs at least one file\n");
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	for (size_t i = 1; i < o->nargs; i++) {
		struct dti_framework *fw;
		int r = cli_load_framework(o->args[i], &fw);
		if (r) {
			if (!rc || r == EXIT_FRAMEWORK)
				rc = r;
			continue;
		}
		size_t nw = dti_framework_warning_count(fw);
		size_t leaves = 0;
		for (size_t k = 0; k < dti_framework_node_count(fw); k++) {
			struct dti_node_info ni;
			dti_framework_node(fw, k, &ni);
			if (!ni.nchildren)
				leaves++;
		}
		const char *ver = dti_framework_version(fw);
		printf("%s: ok: %s%s%s, %zu nodes (%zu leaves), %s%s\n",
		       o->args[i], dti_framework_id(fw), *ver ? " " : "", ver,
		       dti_framework_node_count(fw), leaves,
		       dti_framework_uses_points(fw) ? "points" : "weights",
		       nw ? "" : ", no warnings");
		for (size_t w = 0; w < nw; w++) {
			char line[1024];
			dti_diag_format(dti_framework_warning(fw, w), line,
			                sizeof line);
			printf("  warning: %s\n", line);
		}
		dti_framework_free(fw);
	}
	return rc;
}

static int show(const struct cli_opts *o)
{
	if (o->nargs != 2) {
		fprintf(stderr, "dti: framework show needs one file or name\n");
		return EXIT_USAGE;
	}
	struct dti_framework *fw;
	int rc = cli_load_framework(o->args[1], &fw);
	if (rc)
		return rc;
	struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
	oo.format = o->format;
	oo.lang = o->lang;
	oo.color = o->color && o->format == DTI_FORMAT_TABLE;
	struct dti_buf out = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_output_framework(fw, &oo, &out, &err)) {
		cli_error(NULL, &err);
		rc = EXIT_INTERNAL;
	} else {
		rc = cli_write_csv(
		    o->output, &out,
		    o->format == DTI_FORMAT_CSV &&
		        cli_excel_csv(o->excel, o->lang, o->output));
	}
	dti_buf_release(&out);
	dti_error_release(&err);
	dti_framework_free(fw);
	return rc;
}

static void csv_str(struct dti_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		dti_buf_adds(b, s);
		return;
	}
	dti_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			dti_buf_addc(b, '"');
		dti_buf_addc(b, *s);
	}
	dti_buf_addc(b, '"');
}

static int list(const struct cli_opts *o)
{
	struct dti_buf out = DTI_BUF_INIT;
	enum dti_format f = o->format;
	if (f == DTI_FORMAT_JSON)
		dti_buf_adds(&out, "[");
	else if (f == DTI_FORMAT_CSV)
		dti_buf_adds(&out, "id,version,status,title\n");
	int first = 1;
	for (const struct dti_embedded_file *e = dti_embedded_files; e->name;
	     e++) {
		struct dti_framework *fw;
		if (cli_embedded_is_registry(e->name))
			continue;
		if (dti_framework_parse(e->data, e->len, e->name, &fw, NULL))
			continue;
		const char *title = dti_framework_meta(
		    fw, o->lang == DTI_LANG_VI ? "title_vi" : "title_en");
		const char *status = dti_framework_meta(fw, "status");
		const char *vals[] = {dti_framework_id(fw),
		                      dti_framework_version(fw),
		                      status ? status : "", title ? title : ""};
		static const char *const keys[] = {"id", "version", "status",
		                                   "title"};
		if (f == DTI_FORMAT_JSON || f == DTI_FORMAT_NDJSON) {
			if (f == DTI_FORMAT_JSON && !first)
				dti_buf_adds(&out, ",\n");
			struct dti_json j;
			dti_json_init(&j, &out);
			dti_json_object_begin(&j);
			for (size_t k = 0; k < 4; k++) {
				dti_json_key(&j, keys[k]);
				dti_json_string(&j, vals[k]);
			}
			dti_json_object_end(&j);
			if (f == DTI_FORMAT_NDJSON)
				dti_buf_addc(&out, '\n');
		} else if (f == DTI_FORMAT_CSV) {
			for (size_t k = 0; k < 4; k++) {
				if (k)
					dti_buf_addc(&out, ',');
				csv_str(&out, vals[k]);
			}
			dti_buf_addc(&out, '\n');
		} else {
			dti_buf_addf(&out, "%-28s %-10s %s\n", vals[0], vals[2],
			             vals[3]);
		}
		first = 0;
		dti_framework_free(fw);
	}
	if (f == DTI_FORMAT_JSON)
		dti_buf_adds(&out, "]\n");
	int rc = cli_write(o->output, &out);
	dti_buf_release(&out);
	return rc;
}

int cmd_framework(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv, OPT_OUTPUT, help, &o);
	if (!rc && o.format == DTI_FORMAT_XLSX) {
		fprintf(stderr, "dti: a framework is shown as a table, csv, "
		                "json or ndjson (XLSX is for results)\n");
		rc = EXIT_USAGE;
	}
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!o.nargs) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(o.args[0], "check") == 0)
		return check(&o);
	if (strcmp(o.args[0], "show") == 0)
		return show(&o);
	if (strcmp(o.args[0], "list") == 0)
		return list(&o);
	fprintf(stderr,
	        "dti: unknown framework command '%s' (check, show, "
	        "list)\n",
	        o.args[0]);
	return EXIT_USAGE;
}
