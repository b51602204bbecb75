/*
 * dti/output.h - results as terminal tables, CSV, JSON, NDJSON and XLSX.
 *
 * Writers append to a struct dti_buf; nothing is written anywhere until the
 * caller has the whole output.  Numbers never depend on the locale: data
 * formats use '.', JSON has stable keys and null for a missing value.
 * Terminal tables are aligned by display width, so Vietnamese names line up.
 * Results computed from synthetic (demo) data say so in every format.
 *
 * XLSX is a binary workbook (bytes in the buffer, not text): a sheet per
 * table whose first row has the columns' names in the chosen language and
 * whose second row has the codes of the CSV header; numbers as numbers
 * with the framework's precision as the cell format ("0.0000"), ranks as
 * integers, a missing value as an empty cell; the header rows and the unit
 * columns frozen; and a last sheet of notes (framework and version, cycle,
 * program, data hash, missing-value policy, the synthetic label).
 */
#ifndef DTI_OUTPUT_H
#define DTI_OUTPUT_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "compute.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dti_format {
	DTI_FORMAT_TABLE = 0,
	DTI_FORMAT_CSV,
	DTI_FORMAT_JSON,
	DTI_FORMAT_NDJSON,
	DTI_FORMAT_XLSX
};

enum dti_lang { DTI_LANG_EN = 0, DTI_LANG_VI };

struct dti_output_opts {
	enum dti_format format;
	enum dti_lang lang;
	const size_t *nodes; /* columns; NULL: the default selection */
	size_t nnodes;
	long sort_node; /* node whose rank orders the rows; -1: the index */
	int points;     /* add points earned per node */
	int ranks;      /* add the rank of every node, not only the sort node */
	int changes;    /* add value and rank changes (needs a previous) */
	int group_ranks;        /* add the rank inside the unit's group */
	const char *only_group; /* keep the units of one group */
	size_t limit;           /* at most this many rows, 0: all */
	int color;              /* ANSI colour (tables only) */
};

#define DTI_OUTPUT_OPTS_INIT                                                   \
	{                                                                      \
		DTI_FORMAT_TABLE, DTI_LANG_EN, NULL, 0, -1, 0, 0, 0, 0, NULL,  \
		    0, 0                                                       \
	}
/* Sets *o to the defaults (the same as DTI_OUTPUT_OPTS_INIT). */
DTI_EXTERN void dti_output_opts_init(struct dti_output_opts *o);

/* Parses "table", "csv", "json", "ndjson", "xlsx"; -1 if unknown. */
DTI_EXTERN int dti_format_parse(const char *s);

/*
 * The default columns of a result: the index, then pillars and
 * sub-indices, then main indicators.  Writes up to max node indices.
 */
DTI_EXTERN size_t dti_output_default_nodes(const struct dti_framework *fw,
                                           size_t *out, size_t max);

/* A row per unit in rank order, a column per node. */
DTI_EXTERN enum dti_status dti_output_result(const struct dti_result *res,
                                             const struct dti_output_opts *opts,
                                             struct dti_buf *out,
                                             struct dti_error *err);

/*
 * A framework as an indented tree with points (table) or nodes (csv/json);
 * XLSX is refused (DTI_EARG).
 */
DTI_EXTERN enum dti_status
dti_output_framework(const struct dti_framework *fw,
                     const struct dti_output_opts *opts, struct dti_buf *out,
                     struct dti_error *err);

/* The units registry (valid on date, NULL: all); XLSX is refused. */
DTI_EXTERN enum dti_status dti_output_units(const struct dti_units *u,
                                            const char *date,
                                            const struct dti_output_opts *opts,
                                            struct dti_buf *out,
                                            struct dti_error *err);

/*
 * CSV written by dti (any of its CSV outputs) in the dialect a Vietnamese
 * Excel opens as it is: a UTF-8 byte order mark, ';' between fields,
 * decimal commas in numbers (0,6735), CRLF line ends.  Fields that are
 * numbers with a decimal point get a comma; text is kept, quoted where it
 * holds a ';'; '#' lines are kept as they are.  dti reads all of it back
 * (dti-data(5)).  Appends to out.
 */
DTI_EXTERN enum dti_status dti_csv_excel(const char *csv, size_t len,
                                         struct dti_buf *out,
                                         struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
