/*
 * src/cli/cmd_compute.c - dti compute and dti rank.
 *
 * Both compute one cycle of a data file with a framework.  compute shows
 * every unit's values on the index, pillars and main indicators (or the
 * nodes asked for); rank shows the ranking on one node with group ranks and
 * the change since the previous cycle.  Without a data file, rank --cycle
 * shows a published cycle of the store as published (dti_store_ranking),
 * with the changes since every earlier published cycle.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define COMMON_HELP                                                            \
	"Framework and data:\n"                                                \
	"  -f, --framework F   framework file, or a bundled one: pdti-2020,\n" \
	"                      pdti-2022, pdti-2024, mdti-2022,\n"             \
	"                      example-province-internal (default: the data\n" \
	"                      file's '# framework:' line)\n"                  \
	"  -u, --units FILE    units registry (default: the framework's, "     \
	"e.g.\n"                                                               \
	"                      the bundled vn-provinces)\n"                    \
	"      --no-units      take units as they are in the data\n"           \
	"      --groups FILE   names of the groups (regions)\n"                \
	"      --cycle L       cycle (year) to compute (default: the "         \
	"latest)\n"                                                            \
	"      --previous FILE data of the previous cycle (default: the "      \
	"cycle\n"                                                              \
	"                      before in the same file)\n"                     \
	"      --no-previous   no changes\n"                                   \
	"      --date D        resolve unit names as on YYYY-MM-DD\n"          \
	"      --decimal C     decimal mark of the data: ',' or '.'\n"         \
	"      --layout L      wide or long (default: detected)\n"             \
	"      --ignore COL    skip a column of the data (repeatable)\n"       \
	"Computation:\n"                                                       \
	"      --precision N   decimals of published values and ranks\n"       \
	"      --missing P     zero, exclude or group-mean\n"                  \
	"      --group-by DIM  group dimension for group ranks\n"              \
	"      --recompute     compute aggregates from their indicators "      \
	"even\n"                                                               \
	"                      when entered; report differences\n"             \
	"      --partial       show what is known when the index is not\n"     \
	"      --normalise-across-cycles\n"                                    \
	"                      normalise indicators over every cycle of "      \
	"DATA\n"                                                               \
	"                      together, so values compare from year to "      \
	"year\n"                                                               \
	"                      (--normalise-per-cycle: each cycle alone)\n"    \
	"Output:\n"                                                            \
	"      --format F      table, csv, json, ndjson or xlsx (default: "    \
	"table,\n"                                                             \
	"                      or as -o FILE is named: .xlsx, .csv, "          \
	".json)\n"                                                             \
	"      --excel         CSV for Excel: BOM, ';', decimal commas, "      \
	"CRLF\n"                                                               \
	"                      (the default for --lang vi with -o FILE;\n"     \
	"                      --no-excel: plain CSV)\n"                       \
	"  -o, --output FILE   write to FILE (whole, or not at all)\n"         \
	"      --lang L        vi or en (default: $DTI_LANG, else en)\n"       \
	"      --color WHEN    auto, always or never (NO_COLOR is honoured)\n" \
	"      --nodes A,B     columns (node codes)\n"                         \
	"      --sort CODE     order rows by the rank on this node\n"          \
	"      --group G       only the units of group G\n"                    \
	"      --top N         only the first N rows\n"                        \
	"      --points        add points earned\n"                            \
	"      --ranks         add the rank on every column\n"                 \
	"      --group-ranks   add the rank inside the group\n"

static const char compute_help[] =
    "usage: dti compute [-f FRAMEWORK] [OPTIONS] DATA\n"
    "\n"
    "Computes the value of every node for every unit of one cycle: values\n"
    "in [0,1] (points earned / points possible) for the DTI, pillars,\n"
    "ranks at the published precision.  DATA is a CSV file ('-': stdin)\n"
    "or a workbook (.xlsx), its first sheet or FILE#SHEET; frameworks and\n"
    "registries are read from workbooks the same way.\n"
    "\n" COMMON_HELP "\n"
    "Examples:\n"
    "  dti compute -f pdti-2022 data.csv --format csv -o results.csv\n"
    "  dti compute -f iMeta.csv iData.csv --nodes Index,Conn,Sust\n"
    "  dti compute \"form.xlsx#Dữ liệu\" --top 3\n";

static const char rank_help[] =
    "usage: dti rank [-f FRAMEWORK] [OPTIONS] DATA\n"
    "       dti rank --cycle CYCLE [--since YEAR] [--by CODE] [--group G]\n"
    "                [--top N] [--format F] [--lang L] [--db PATH|URI]\n"
    "\n"
    "The ranking of one cycle on the index (or --by CODE), with ranks in\n"
    "the group (region) and changes since the previous cycle.  Equal\n"
    "values at the published precision share the better rank.\n"
    "\n"
    "Without DATA, the published ranking of cycle CYCLE in the store\n"
    "($DTI_DB, else ./dti.db), as published (never recomputed): the value\n"
    "and rank of the index (or --by CODE), the rank in the group, each\n"
    "pillar's value and rank, and the rank change since every earlier\n"
    "published cycle of the same level (value and rank changes of every\n"
    "column in csv and json).  --since YEAR compares with the cycles of\n"
    "that year on only, and adds the sentence of the press releases\n"
    "(\"ranked 38/63, up 10 places on 2022 (value 0.6735)\").  A partial\n"
    "or synthetic snapshot is labelled so.\n"
    "\n" COMMON_HELP
    "      --by CODE       rank on this node (same as --sort)\n"
    "Store (without DATA):\n"
    "      --cycle LABEL   the published cycle (required)\n"
    "      --db PATH|URI   the store (default: $DTI_DB, else ./dti.db)\n"
    "      --since YEAR    changes since the cycles of YEAR on, with the\n"
    "                      sentence of the press releases\n"
    "\n"
    "Examples:\n"
    "  dti rank -f pdti-2022 data.csv --by cqs --group DBSH\n"
    "  dti rank -f pdti-2022 data-2023.csv --previous data-2022.csv\n"
    "  dti rank -f example-province-internal example-2025.csv\n"
    "  dti rank --cycle dti-2024 --lang vi\n"
    "  dti rank --cycle dti-2024 --since 2023 --format csv\n";

/* dti rank --cycle C without DATA: the store's published ranking. */
static int rank_store(const struct cli_opts *o)
{
	if (o->file_opt[0]) {
		fprintf(stderr,
		        "dti: option '%s' applies to a DATA file, not to the "
		        "published ranking of the store\n",
		        o->file_opt);
		return EXIT_USAGE;
	}
	struct dti_store *s = NULL;
	int rc = cli_open_store(o->db, NULL, 0, &s);
	if (rc)
		return rc;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = o->sort;
	vo.group = o->group;
	vo.lang = o->lang;
	vo.since = o->since;
	struct dti_ranking *r = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_ranking(s, o->cycle, &vo, &r, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "the ranking of cycle '%s'",
		         o->cycle);
		rc = cli_store_fail(what, st, &err);
	} else {
		struct dti_ranking shown = *r;
		if (o->limit && o->limit < shown.nrows)
			shown.nrows = o->limit;
		struct dti_buf out = DTI_BUF_INIT;
		st = dti_ranking_write(&shown, o->format, o->lang,
		                       o->since != 0, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_INTERNAL);
		} else {
			rc = cli_write_csv(
			    o->output, &out,
			    o->format == DTI_FORMAT_CSV &&
			        cli_excel_csv(o->excel, o->lang, o->output));
		}
		dti_buf_release(&out);
	}
	dti_ranking_free(r);
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}

static int run(int argc, char **argv, int ranking)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_TABLE | OPT_UNITS |
	                       (ranking ? OPT_STORE : 0),
	                   ranking ? rank_help : compute_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (ranking && o.nargs == 0 && o.cycle)
		return rank_store(&o);
	if (o.db || o.since) {
		fprintf(stderr,
		        "dti: --db and --since apply to the store's published "
		        "ranking (--cycle without DATA)\n");
		return EXIT_USAGE;
	}
	if (o.nargs > 1) {
		fprintf(stderr, "dti: one data file expected, got %zu\n",
		        o.nargs);
		return EXIT_USAGE;
	}
	/* a table, CSV or a workbook shows the ranks of the index (or of
	   --sort's node) alone, unless --ranks or --group-ranks */
	o.rank_shown =
	    (o.format == DTI_FORMAT_TABLE || o.format == DTI_FORMAT_CSV ||
	     o.format == DTI_FORMAT_XLSX) &&
	    !o.ranks && !o.group_ranks;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	if (rc) {
		cli_run_release(&r);
		return rc;
	}
	struct dti_output_opts oo;
	size_t nodes[256];
	rc = cli_output_opts(&o, r.fw, &oo, nodes, 256);
	if (!rc && ranking && !o.nodes) {
		nodes[0] = oo.sort_node >= 0 ? (size_t)oo.sort_node
		                             : dti_framework_root(r.fw);
		oo.nodes = nodes;
		oo.nnodes = 1;
		oo.group_ranks = 1;
	}
	if (!rc && ranking)
		oo.changes = 1;
	if (!rc && o.group) {
		/* a group nobody is in is a typo, not an empty ranking */
		int found = 0;
		for (size_t i = 0; i < dti_result_unit_count(r.res); i++) {
			const char *g = dti_result_unit_group(r.res, i);
			if (g && strcmp(g, o.group) == 0)
				found = 1;
		}
		if (!found) {
			fprintf(stderr,
			        "dti: no unit of cycle %s is in group "
			        "'%s'\n",
			        dti_result_cycle(r.res), o.group);
			rc = EXIT_NOTFOUND;
		}
	}
	if (!rc) {
		struct dti_buf out = DTI_BUF_INIT;
		struct dti_error err = DTI_ERROR_INIT;
		if (dti_output_result(r.res, &oo, &out, &err)) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			rc = cli_write_csv(
			    o.output, &out,
			    o.format == DTI_FORMAT_CSV &&
			        cli_excel_csv(o.excel, o.lang, o.output));
		}
		dti_error_release(&err);
		dti_buf_release(&out);
	}
	cli_run_release(&r);
	return rc;
}

int cmd_compute(int argc, char **argv)
{
	return run(argc, argv, 0);
}

int cmd_rank(int argc, char **argv)
{
	return run(argc, argv, 1);
}
