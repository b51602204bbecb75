/*
 * dti/dataset.h - units' figures for one or more cycles of a framework.
 *
 * A dataset is a matrix per cycle: units x framework nodes, each cell a
 * figure (NaN when not entered).  Figures of leaves are raw (a percentage, a
 * count, yes/no as 1/0, points); figures of main indicators or pillars are
 * values on the framework's scale, entered where components are not public.
 * Cells may carry evidence and a note.  Units carry group memberships
 * (region, ...) and auxiliary numbers (population).
 *
 * Input files are CSV, UTF-8 (legacy Vietnamese encodings are refused),
 * wide (a row per unit, a column per indicator) or long (unit, indicator,
 * value, evidence, note), with ',' ';' or tab as separator and "# key: value"
 * metadata lines before the header.  A decimal comma is accepted where the
 * file declares it ("# decimal: ,") or where it is unambiguous.  See
 * dti-data(5).  Every value is checked against its node's rule when read, so
 * errors name the line and column.
 *
 * A workbook (.xlsx, recognised by its content) is read the same way, one
 * sheet: a path or name "data.xlsx#Dữ liệu" chooses the sheet named after
 * the last '#', otherwise the first sheet is read.  Cells are read as a CSV
 * export would hold them (number cells with '.', dates as YYYY-MM-DD,
 * formulas by their saved values), and errors name the cell:
 * file "data.xlsx:'Dữ liệu'!D17", with the row and column in line and
 * column.  The same holds for frameworks and unit registries.
 *
 * Ownership: a dataset borrows its framework (and the units registry it was
 * read with); both must outlive it.  Pointers from accessors live until
 * dti_dataset_free().
 */
#ifndef DTI_DATASET_H
#define DTI_DATASET_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "framework.h"
#include "units.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dti_layout { DTI_LAYOUT_AUTO = 0, DTI_LAYOUT_WIDE, DTI_LAYOUT_LONG };

struct dti_read_opts {
	enum dti_layout layout;
	char decimal;      /* 0: as declared, else unambiguous; '.' or ',' */
	const char *cycle; /* label when the file has no year/cycle column */
	const char *date;  /* YYYY-MM-DD to resolve unit names; NULL: cycle */
	const char *const *ignore; /* column names to skip */
	size_t nignore;
};

#define DTI_READ_OPTS_INIT                                                     \
	{                                                                      \
		DTI_LAYOUT_AUTO, 0, NULL, NULL, NULL, 0                        \
	}
/* Sets *o to the defaults (the same as DTI_READ_OPTS_INIT). */
DTI_EXTERN void dti_read_opts_init(struct dti_read_opts *o);

struct dti_dataset;

struct dti_dataset_unit {
	const char *id;
	const char *name;
	long registry_index; /* index in the units registry, -1 if none */
};

/*
 * Reads a data file ("-" is stdin).  With a registry, units are matched by
 * id, code or name; without one, units are taken from the file as they are.
 */
DTI_EXTERN enum dti_status
dti_dataset_read(const struct dti_framework *fw, const struct dti_units *units,
                 const char *path, const struct dti_read_opts *opts,
                 struct dti_dataset **out, struct dti_error *err);
DTI_EXTERN enum dti_status
dti_dataset_parse(const struct dti_framework *fw, const struct dti_units *units,
                  const char *buf, size_t len, const char *name,
                  const struct dti_read_opts *opts, struct dti_dataset **out,
                  struct dti_error *err);

/*
 * Copies into out the value of the "# key: value" metadata line `key` of
 * a data file in memory (CSV, or the sheet of a workbook that name
 * chooses, as for dti_dataset_parse), reading no further than the
 * metadata: the framework a file names before one is loaded.
 * DTI_ENOTFOUND when the file has no such line (err untouched).
 */
DTI_EXTERN enum dti_status dti_data_meta(const char *buf, size_t len,
                                         const char *name, const char *key,
                                         char *out, size_t outsz,
                                         struct dti_error *err);

/* An empty dataset, to be filled with the calls below. */
/*
 * Parses one figure for node `node` of fw exactly as a data file's cell
 * is read: numbers with '.' or ',' (decimal: '.', ',' or 0 for either
 * where unambiguous), thousands grouping, a trailing '%' where the rule
 * takes one, yes/no words (có/không, yes/no, x, 1/0) for yes/no
 * indicators, and the figure checked against the indicator's rule.  An
 * empty or "missing" text ("", "-", "NA") gives DTI_OK with *v NaN.  On
 * failure why gets the reason (with the text) and *v is NaN:
 * DTI_ESYNTAX (not a number or yes/no), DTI_EINVALID (outside the rule).
 */
DTI_EXTERN enum dti_status dti_parse_figure(const struct dti_framework *fw,
                                            size_t node, const char *text,
                                            char decimal, double *v, char *why,
                                            size_t whysz);
DTI_EXTERN enum dti_status dti_dataset_new(const struct dti_framework *fw,
                                           const struct dti_units *units,
                                           struct dti_dataset **out);
DTI_EXTERN void dti_dataset_free(struct dti_dataset *ds);

DTI_EXTERN enum dti_status
dti_dataset_add_cycle(struct dti_dataset *ds, const char *label, size_t *index);
/* Adds a unit, or returns the existing one with that id. */
DTI_EXTERN enum dti_status
dti_dataset_add_unit(struct dti_dataset *ds, const char *id, const char *name,
                     long registry_index, size_t *index);
/* Sets a unit's membership in a group dimension ("region" -> "DBSH"). */
DTI_EXTERN enum dti_status dti_dataset_set_group(struct dti_dataset *ds,
                                                 size_t unit,
                                                 const char *dimension,
                                                 const char *group);
/* Sets an auxiliary number ("population") of a unit in a cycle. */
DTI_EXTERN enum dti_status dti_dataset_set_aux(struct dti_dataset *ds,
                                               size_t cycle, size_t unit,
                                               const char *name, double v);
/*
 * Sets a figure, checked against the node's rule (DTI_EINVALID with the
 * reason when out of range).  NaN clears it.
 */
DTI_EXTERN enum dti_status dti_dataset_set(struct dti_dataset *ds, size_t cycle,
                                           size_t unit, size_t node,
                                           double value, struct dti_error *err);
DTI_EXTERN enum dti_status
dti_dataset_set_evidence(struct dti_dataset *ds, size_t cycle, size_t unit,
                         size_t node, const char *evidence, const char *note);
DTI_EXTERN enum dti_status dti_dataset_set_meta(struct dti_dataset *ds,
                                                const char *key,
                                                const char *value);

DTI_EXTERN const struct dti_framework *
dti_dataset_framework(const struct dti_dataset *ds);
DTI_EXTERN const struct dti_units *
dti_dataset_units(const struct dti_dataset *ds);
DTI_EXTERN size_t dti_dataset_cycle_count(const struct dti_dataset *ds);
DTI_EXTERN const char *dti_dataset_cycle(const struct dti_dataset *ds,
                                         size_t i);
/* Cycle by label, -1 if none. */
DTI_EXTERN long dti_dataset_find_cycle(const struct dti_dataset *ds,
                                       const char *label);
DTI_EXTERN size_t dti_dataset_unit_count(const struct dti_dataset *ds);
DTI_EXTERN void dti_dataset_unit(const struct dti_dataset *ds, size_t i,
                                 struct dti_dataset_unit *out);
DTI_EXTERN long dti_dataset_find_unit(const struct dti_dataset *ds,
                                      const char *id);
/* 1 if the unit has at least one figure in the cycle. */
DTI_EXTERN int dti_dataset_unit_present(const struct dti_dataset *ds,
                                        size_t cycle, size_t unit);

DTI_EXTERN size_t dti_dataset_group_dim_count(const struct dti_dataset *ds);
DTI_EXTERN const char *dti_dataset_group_dim(const struct dti_dataset *ds,
                                             size_t i);
/* Group of a unit in a dimension; NULL if none. */
DTI_EXTERN const char *dti_dataset_group(const struct dti_dataset *ds,
                                         size_t unit, const char *dimension);
/* Auxiliary number, NaN if not given. */
DTI_EXTERN double dti_dataset_aux(const struct dti_dataset *ds, size_t cycle,
                                  size_t unit, const char *name);

DTI_EXTERN double dti_dataset_get(const struct dti_dataset *ds, size_t cycle,
                                  size_t unit,
                                  size_t node); /* NaN if not entered */
/* Evidence and note of a cell, NULL if none. */
DTI_EXTERN const char *dti_dataset_evidence(const struct dti_dataset *ds,
                                            size_t cycle, size_t unit,
                                            size_t node);
DTI_EXTERN const char *dti_dataset_note(const struct dti_dataset *ds,
                                        size_t cycle, size_t unit, size_t node);
/* Number of cells entered in a cycle. */
DTI_EXTERN size_t dti_dataset_count(const struct dti_dataset *ds, size_t cycle);

/* Metadata from "# key: value" lines ("synthetic", "source", ...). */
DTI_EXTERN const char *dti_dataset_meta(const struct dti_dataset *ds,
                                        const char *key);
/* 1 when the data are marked synthetic (demo values, not official). */
DTI_EXTERN int dti_dataset_synthetic(const struct dti_dataset *ds);

/*
 * SHA-256 (hex, 64 characters + NUL) of the cycle's figures in a canonical
 * form independent of file layout, row and column order.
 */
DTI_EXTERN enum dti_status dti_dataset_hash(const struct dti_dataset *ds,
                                            size_t cycle, char out[65]);

/*
 * Writes one cycle as a wide CSV: unit id, name, then one column per node
 * that has a figure for some unit, "." as decimal mark, full precision.
 */
DTI_EXTERN enum dti_status dti_dataset_write_csv(const struct dti_dataset *ds,
                                                 size_t cycle,
                                                 struct dti_buf *out,
                                                 struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
