/*
 * dti/chart.h - charts as SVG: bars, radar, trend, distribution, tile map;
 * and the charts of the analyses: rank intervals, Sobol indices, a
 * correlation heatmap, box plots.
 *
 * Each call draws one chart from plain typed data (values, names, years)
 * and appends it to a struct dti_buf as one standalone SVG 1.1 document:
 * xmlns, width, height and viewBox set, role="img" with a <title> and a
 * <desc> named by aria-labelledby (the text alternative: the title and
 * the values in words), every text escaped for XML.  A chart has no
 * script, no style sheet, no event handler and no external reference:
 * colours and fonts are presentation attributes, so a page with a strict
 * Content-Security-Policy can inline it.  Several charts may share one
 * HTML page: every id starts with the chart's id_prefix.
 *
 * Colours are safe for colour-blind readers: the Okabe-Ito colours for
 * series (each series also has its own dash pattern and marker shape),
 * a sequential blue ramp with a legend for the tile map.  A missing value
 * (NaN) is never drawn as zero: it is left out, labelled "no value" /
 * "chưa có giá trị", and hatched on the map.  Values are written with
 * opts->decimals decimals, with a decimal comma in Vietnamese ("0,6735")
 * and a point in English.  The output depends on the input only: the same
 * data give the same bytes.
 *
 * The charts know nothing of the store: a caller passes what
 * dti_store_ranking() and dti_store_profile() (views.h) return, picked
 * into the structs below.  dti_store_chart() (views.h) does that picking
 * for a published cycle in one call.
 *
 * Errors: bad arguments (no data, too many series, a width out of range,
 * a bad id prefix) are DTI_EARG; data that cannot be drawn (every value
 * missing, an infinite value, a year given twice) DTI_EINVALID; a unit
 * the tile layout has no tile for, or a highlighted unit not in the data,
 * DTI_ENOTFOUND; text that is not UTF-8 DTI_EENCODING.  The error's field
 * names the argument ("width", "series[1].values[3]").  Nothing is
 * appended to the buffer unless the whole chart is.
 *
 * Ownership: the caller owns every input; a tile layout from
 * dti_tile_layout_parse() is owned by the caller and freed with
 * dti_tile_layout_free(), every string of it with it.
 */
#ifndef DTI_CHART_H
#define DTI_CHART_H

#include "dti/export.h"

#include <stddef.h>

#include "analysis.h"
#include "buf.h"
#include "error.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DTI_CHART_MIN_SIZE     120   /* px, width or height */
#define DTI_CHART_MAX_SIZE     10000 /* px, width or height */
#define DTI_CHART_MAX_DECIMALS 10
#define DTI_CHART_MAX_SERIES   4   /* series of a chart */
#define DTI_CHART_MAX_BARS     200 /* categories of a bar chart */
#define DTI_CHART_MIN_AXES     3   /* axes of a radar */
#define DTI_CHART_MAX_AXES     20
#define DTI_CHART_MAX_ITEMS    100000 /* units of a distribution or map */
#define DTI_CHART_PREFIX_MAX   64     /* bytes of an id prefix */

struct dti_chart_opts {
	int width;          /* px; 0: the chart's default */
	int height;         /* px; 0: as tall as the content needs */
	enum dti_lang lang; /* the chart's own words and decimal mark */
	const char *title;  /* <title>; NULL: a title by chart kind */
	const char *desc;   /* <desc>; NULL: the values in words */
	int show_title;     /* 1: the title is drawn at the top as well */
	int decimals;       /* of the values shown, 0..10 (dti_store_chart:
	                       or DTI_CHART_DECIMALS_PUBLISHED) */
	/* every id of the chart starts with it: a letter, then letters,
	   digits, '-' or '_'; NULL: "dti-chart" */
	const char *id_prefix;
	/* the value scale; both 0 (or min >= max): from the data, [0, 1]
	   when every value is in it */
	double scale_min, scale_max;
};
/*
 * opts.decimals for dti_store_chart() (views.h): the published precision
 * of the cycle drawn.  The dti_chart_ calls here refuse it (DTI_EARG).
 */
#define DTI_CHART_DECIMALS_PUBLISHED (-1)
#define DTI_CHART_OPTS_INIT                                                    \
	{                                                                      \
		0, 0, DTI_LANG_EN, NULL, NULL, 1, 4, NULL, 0, 0                \
	}
/* Sets *o to the defaults (the same as DTI_CHART_OPTS_INIT). */
DTI_EXTERN void dti_chart_opts_init(struct dti_chart_opts *o);

/* One series of a bar chart or radar: a value per category or axis. */
struct dti_chart_series {
	const char *name;     /* the legend's ("Đà Nẵng", "Cả nước") */
	const double *values; /* ncats values; NaN: no value */
};

/*
 * Horizontal bars: a group per category (a pillar, an indicator), a bar
 * per series in it (the unit, the national mean, ...), the value written
 * at its end.  1..DTI_CHART_MAX_SERIES series, 1..DTI_CHART_MAX_BARS
 * categories.
 */
DTI_EXTERN enum dti_status dti_chart_bars(const struct dti_chart_opts *o,
                                          size_t ncats, const char *const *cats,
                                          size_t nseries,
                                          const struct dti_chart_series *series,
                                          struct dti_buf *out,
                                          struct dti_error *err);

/*
 * A radar: naxes (3..20) axes from the centre, one polygon per series
 * (1..4: the unit, the national mean, the regional mean).  An axis where
 * a series has no value breaks that series' outline and says so in its
 * label.
 */
DTI_EXTERN enum dti_status
dti_chart_radar(const struct dti_chart_opts *o, size_t naxes,
                const char *const *axes, size_t nseries,
                const struct dti_chart_series *series, struct dti_buf *out,
                struct dti_error *err);

/* A unit's standing in one year. */
struct dti_chart_point {
	int year;          /* 1900..2200 */
	const char *label; /* the cycle ("dti-2022"); NULL: none */
	double value;      /* NaN: no value that year */
	int rank;          /* 0: not ranked */
	size_t ranked;     /* units ranked that year; 0: unknown */
};

/* The years of one series of a trend, in any order. */
struct dti_chart_trend_series {
	const char *name;
	size_t n;
	const struct dti_chart_point *points;
};

/* What a trend shows (bits). */
enum { DTI_CHART_VALUES = 1, DTI_CHART_RANKS = 2 };

/*
 * Values and/or ranks over the years (show: DTI_CHART_VALUES,
 * DTI_CHART_RANKS or both, one panel each).  Years run left to right,
 * every year from the first to the last has its place, and a line joins
 * only consecutive years that both have a value (a rank): a year missing
 * leaves a gap.  Ranks are drawn with rank 1 at the top, over a grey bar
 * as long as the number of units ranked that year (63, then 34), and
 * written "38/63".  1..4 series.
 */
DTI_EXTERN enum dti_status
dti_chart_trend(const struct dti_chart_opts *o, size_t nseries,
                const struct dti_chart_trend_series *series, unsigned show,
                struct dti_buf *out, struct dti_error *err);

/* A unit and its value. */
struct dti_chart_item {
	const char *id;   /* unique among the items */
	const char *name; /* NULL: the tile's name, else the id */
	double value;     /* NaN: no value */
};

/*
 * Every unit's value as a dot on one axis (a histogram beyond 400
 * units), the median marked, the unit whose id is `highlight` (NULL:
 * none) drawn apart and named; units without a value are counted in
 * words.
 */
DTI_EXTERN enum dti_status
dti_chart_distribution(const struct dti_chart_opts *o, size_t n,
                       const struct dti_chart_item *items,
                       const char *highlight, struct dti_buf *out,
                       struct dti_error *err);

/* One square of a tile map. */
struct dti_tile {
	const char *id;    /* the unit's id */
	const char *label; /* shown on the tile: "HN", "ĐN" */
	const char *name;  /* full name, for the tile's <title> */
	int row;           /* 0: the northernmost row */
	int col;           /* 0: the westernmost column */
};

/*
 * A grid of equal squares, one per unit, placed roughly where the unit
 * lies (not its boundaries).  data/units/tiles-63.csv and tiles-34.csv
 * (installed under share/dti/units, built into the dti binary) hold
 * Vietnam's 63 provinces (until 2025-06-30) and the 34 from 2025-07-01.
 */
struct dti_tile_layout {
	const char *name;     /* "tiles-63" */
	const char *title_vi; /* "" if none */
	const char *title_en; /* "" if none */
	const char *date;     /* its units are those valid on this day
	                         ("YYYY-MM-DD"), "" if not said */
	size_t ntiles;
	const struct dti_tile *tiles;
};

/*
 * Reads a tile layout: a CSV table with columns id, row, col, label and
 * name (optional), and metadata lines "# layout:", "# title_vi:",
 * "# title_en:", "# date:".  Every id and every (row, col) once, rows and
 * columns 0..199, labels of at most 8 characters; every fault is reported
 * with its line and column.  name names the text in errors.
 */
DTI_EXTERN enum dti_status dti_tile_layout_parse(const char *buf, size_t len,
                                                 const char *name,
                                                 struct dti_tile_layout **out,
                                                 struct dti_error *err);
DTI_EXTERN void dti_tile_layout_free(struct dti_tile_layout *l);

/*
 * The tile map of layout: each tile coloured by its unit's value in five
 * classes of equal width between the smallest and largest value (or the
 * scale of opts), with the label on the tile and "name: value" in its
 * <title>; a tile without a value (no item, or NaN) hatched grey, with
 * its own legend entry.  The unit whose id is `highlight` (NULL: none)
 * is outlined.  Every item must have a tile (DTI_ENOTFOUND otherwise).
 * Each tile is a <g> whose id is id_prefix, "-tile-" and the unit's id
 * (every byte other than a letter, a digit or '-' written "_XX" in hex:
 * "08-2025" stays, "a.b" becomes "a_2Eb").
 */
DTI_EXTERN enum dti_status
dti_chart_tilemap(const struct dti_chart_opts *o,
                  const struct dti_tile_layout *layout, size_t n,
                  const struct dti_chart_item *items, const char *highlight,
                  struct dti_buf *out, struct dti_error *err);

/* ---- charts of the analyses (dti/analysis.h, dti/stats.h) --------------- */

#define DTI_CHART_MAX_MATRIX 100 /* rows or columns of a heatmap */

/*
 * The ranks of an uncertainty analysis (dti_uncertainty): a row per unit
 * in r's order (the nominal ranking), its name at the left, a line from
 * its 5 % to its 95 % rank, a dot at its median rank and a diamond at its
 * nominal rank, on a rank axis with rank 1 at the left and the worst rank
 * any unit had at the right.  A unit never ranked is said so in words.
 * Each row is a <g> with id PREFIX-unit-K (K = 1, 2, ... in r's order)
 * holding the interval as a <line> with id PREFIX-interval-K.  To draw
 * the first N units only, pass a copy of r with n = N.  Ranks are written
 * with at most one decimal; opts->decimals is not used.  DTI_ELIMIT when
 * the rows would make the chart taller than DTI_CHART_MAX_SIZE (field
 * "n"; the message says how many fit).
 */
DTI_EXTERN enum dti_status dti_chart_ranks(const struct dti_chart_opts *o,
                                           const struct dti_ua_result *r,
                                           struct dti_buf *out,
                                           struct dti_error *err);

/*
 * The Sobol indices of a sensitivity analysis (dti_sensitivity): for each
 * input a bar of its first-order index and a bar of its total index, each
 * with its 5-95 % bootstrap interval as a whisker (none without
 * bootstrap), the value written beside it with opts->decimals decimals,
 * on a scale from 0 to 1 (wider when an estimate falls outside).  The
 * bars have ids PREFIX-first-K and PREFIX-total-K, their whiskers
 * PREFIX-first-K-ci and PREFIX-total-K-ci (K = 1, 2, ... in r's order).
 */
DTI_EXTERN enum dti_status dti_chart_sobol(const struct dti_chart_opts *o,
                                           const struct dti_sa_result *r,
                                           struct dti_buf *out,
                                           struct dti_error *err);

/*
 * A heatmap of a correlation matrix (dti_stats_corr_matrix, stats.h):
 * nrows x ncols cells, r[i * ncols + j] of row label i and column label j
 * (codes; column labels slanted above the cells), coloured on a diverging
 * scale from -1 (orange) through 0 (white) to 1 (blue) with its legend,
 * the value written in each cell with opts->decimals decimals (2 suits
 * a cell; none where the cells are too small for it) and in its <title>;
 * NaN (undefined) hatched and written "–".  Cells are <rect>s with id
 * PREFIX-cell-I-J (I, J from 1).  1..DTI_CHART_MAX_MATRIX labels each
 * way; a value outside [-1, 1] is DTI_EINVALID.
 */
DTI_EXTERN enum dti_status
dti_chart_heatmap(const struct dti_chart_opts *o, size_t nrows,
                  const char *const *rows, size_t ncols,
                  const char *const *cols, const double *r, struct dti_buf *out,
                  struct dti_error *err);

/* One row of a box plot: the values of an indicator over the units. */
struct dti_chart_column {
	const char *label; /* drawn at the left: a code */
	const char *name;  /* in the row's <title>; NULL: the label */
	size_t n;
	const double *values;     /* n values; NaN: missing */
	const char *const *units; /* n names for the outliers' titles, or
	                             NULL */
};

/*
 * Box plots, a row per column: the box from the first to the third
 * quartile (R's type 7, as quantile() and Excel's QUARTILE.INC), a line
 * at the median, whiskers to the furthest values within 1.5 times the
 * box's length of it (Tukey's), every value beyond as an outlier dot, and
 * the values themselves as a strip of small dots (up to 400 in a row).
 * shared: one axis for every row (from the data, or opts' scale);
 * 0: each row on its own, from its smallest to its largest value, both
 * written at its ends.  Values are written with four significant digits
 * (no exponent), in the language's decimal mark.  Each row's median is a
 * <line> with id PREFIX-median-K, its axis a <line> with id
 * PREFIX-axis-K (K from 1).  1..DTI_CHART_MAX_BARS columns.
 */
DTI_EXTERN enum dti_status
dti_chart_boxplot(const struct dti_chart_opts *o, size_t ncols,
                  const struct dti_chart_column *cols, int shared,
                  struct dti_buf *out, struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
