/*
 * src/cli/main.c - the dti command: dispatch to one file per subcommand.
 *
 * Subcommands are registered in one table.  `dti --help` and `dti CMD
 * --help` print on stdout and exit 0; a usage error prints on stderr and
 * exits 2.  SIGPIPE is ignored so that a closed pipe ends the output
 * quietly instead of killing the process mid-write.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"compute", cmd_compute, "values, points and ranks of every unit"},
    {"rank", cmd_rank, "the ranking on the index or a node, with changes"},
    {"explain", cmd_explain, "where a unit loses points, what moves it"},
    {"rebase", cmd_rebase, "carry a cycle onto successor units (mergers)"},
    {"framework", cmd_framework, "check, show or list frameworks"},
    {"units", cmd_units, "list, show or find units of a registry"},
    {"db", cmd_db, "create, migrate or describe the store (DTI_DB)"},
    {"user", cmd_user, "add users, grant roles, set passwords, tokens"},
    {"cycle", cmd_cycle, "create, open, move and inspect assessment cycles"},
    {"submission", cmd_submission, "enter, import, submit, show figures"},
    {"evidence", cmd_evidence, "attach evidence to a submission, fetch it"},
    {"review", cmd_review, "adjust with a reason, return or approve"},
    {"publish", cmd_publish, "publish a closed cycle as a snapshot"},
    {"results", cmd_results, "the published (or preview) results of a cycle"},
    {"chart", cmd_chart, "a published cycle as an SVG chart or tile map"},
    {"report", cmd_report, "the PDF results report of a published cycle"},
    {"template", cmd_template, "the input workbook (.xlsx) a unit fills in"},
    {"plan", cmd_plan, "what a unit must raise to reach a rank or a value"},
    {"whatif", cmd_whatif, "a unit's values and ranks with figures changed"},
    {"prepare", cmd_prepare,
     "denominate, impute, screen, treat outliers (COINr's steps)"},
    {"stats", cmd_stats,
     "statistics: indicators, correlations, Cronbach's alpha"},
    {"uncertainty", cmd_uncertainty,
     "ranks under the choices left open (Monte Carlo)"},
    {"sensitivity", cmd_sensitivity,
     "which open choice moves the ranking most (Sobol)"},
    {"pca", cmd_pca, "principal components of the indicators, PCA weights"},
    {"weights", cmd_weights, "weights from PCA or toward target correlations"},
    {"target", cmd_target, "a unit's targets by a year: set, list, track"},
    {"compare", cmd_compare, "two builds of an index, unit by unit"},
    {"trends", cmd_trends, "values, ranks and growth across cycles"},
    {"audit", cmd_audit, "the audit log: list events, verify the chain"},
    {"notices", cmd_notices, "a user's notices: list, mark read, e-mail"},
    {"backup", cmd_backup, "copy the SQLite store with the online backup"},
    {"export", cmd_export, "write everything in the store as NDJSON"},
    {"import", cmd_import, "load an export into an empty store"},
    {"serve", cmd_serve, "serve the store over HTTP: JSON API, pages"},
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: dti [--version] [--help] COMMAND [ARGS]\n"
	    "\n"
	    "dti computes digital-transformation indices (Vietnam's DTI and\n"
	    "any composite index): values, pillars, ranks, explanations.\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name,
		        commands[i].summary);
	fprintf(
	    f,
	    "\n"
	    "Examples:\n"
	    "  dti rank -f pdti-2022 data.csv\n"
	    "  dti explain -f pdti-2022 data.csv 'Đà Nẵng' --lang vi\n"
	    "  dti framework show pdti-2022\n"
	    "\n"
	    "'dti COMMAND --help' describes a command; man dti(1) has more,\n"
	    "including the exit codes.\n");
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		if (argc > 2 && strcmp(cmd, "help") == 0) {
			char *sub[] = {argv[2], (char *)"--help", NULL};
			for (size_t i = 0;
			     i < sizeof commands / sizeof commands[0]; i++)
				if (strcmp(commands[i].name, argv[2]) == 0)
					return commands[i].run(2, sub);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 ||
	    strcmp(cmd, "version") == 0) {
		printf("dti %s\n", dti_version());
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (cmd[0] == '-')
		fprintf(stderr, "dti: unknown option '%s'\n", cmd);
	else
		fprintf(stderr, "dti: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
