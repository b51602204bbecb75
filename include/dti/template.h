/*
 * dti/template.h - the input workbook a unit fills in.
 *
 * dti_template_xlsx() writes a workbook (.xlsx) for a framework: a data
 * sheet that the data reader (dti_dataset_parse, hence `dti compute`,
 * `dti submission import` and the web upload) reads back as it is, once
 * filled, a sheet describing every indicator, and a sheet of instructions.
 *
 * The data sheet starts with "# framework:" (and "# cycle:") rows, so a
 * filled form names its own framework.  For one unit it is one row per
 * indicator to fill (a long file: unit, indicator, value, evidence, note,
 * with the indicator's name, rule, measure, floor, target and points
 * beside, which the reader passes over); for several units (or none
 * named) one row per unit and one column per indicator, with the
 * indicators' names in a comment row above the codes.  Only the cells to
 * fill are editable (the sheet is protected, without a password), shaded,
 * and checked by Excel as they are typed: yes/no and thresholds from a
 * list, shares as percentages in 0-100 %, counts as whole numbers >= 0,
 * points within 0..the indicator's maximum, survey means within its
 * scale.  Indicators scored by reviewers are not in the form (the
 * instructions list them).
 */
#ifndef DTI_TEMPLATE_H
#define DTI_TEMPLATE_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "framework.h"
#include "output.h"
#include "units.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_template_opts {
	enum dti_lang lang; /* headers, sheet names, instructions */
	const char *cycle;  /* the "# cycle:" of the form; NULL: none */
	/* the units to fill in, as indices into the registry; none: a wide
	   sheet with empty rows where units write their code and name */
	const size_t *units;
	size_t nunits;
	int wide;          /* one row per unit even for a single unit */
	size_t blank_rows; /* rows of a form without units (default 30) */
};

DTI_EXTERN void dti_template_opts_init(struct dti_template_opts *o);

/*
 * Writes the form for fw into out (appended).  units: the registry the
 * indices of o->units refer to (NULL when there are none).  DTI_EARG for
 * an index out of range or a framework with nothing to fill in.
 */
DTI_EXTERN enum dti_status dti_template_xlsx(const struct dti_framework *fw,
                                             const struct dti_units *units,
                                             const struct dti_template_opts *o,
                                             struct dti_buf *out,
                                             struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
