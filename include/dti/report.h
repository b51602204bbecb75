/*
 * dti/report.h - the results report of a published cycle as a PDF.
 *
 * One A4 document, in Vietnamese or English: a title page (the index, the
 * cycle, the year, the publication date, the number of units, the data
 * hash and the audit checkpoint of the snapshot, a label when the data are
 * synthetic or the publication partial), a table of contents with page
 * numbers, the overall ranking (rank, unit, group, the index and its
 * sub-indices and pillars at the published precision, with a decimal
 * comma in Vietnamese; the header repeated on every page of the table),
 * the tile map, and one page per unit with its profile: value, rank, rank
 * in its group, the value and ranks of each node, the radar and bar charts
 * and the strengths and weaknesses of its explanation.  Every page but the
 * title page has "Trang N/M" / "Page N of M" in its footer.
 *
 * The numbers are those of the store's published views (dti/views.h:
 * dti_store_ranking, dti_store_profile) and the charts the same SVG
 * documents the web pages show (dti_store_chart), drawn with librsvg;
 * text is shaped by Pango in the font family "DejaVu Sans" and the fonts
 * are embedded by cairo.
 *
 * This call lives in its own shared library, libdti-report, linked with
 * libdti and with cairo, Pango and librsvg, so that programs that do not
 * write reports never load them: the dti command opens it only for
 * 'dti report' (dlopen, the name DTI_REPORT_SONAME, the symbol
 * "dti_report_pdf" of type dti_report_pdf_fn).
 *
 * Ownership: the caller owns every argument; the PDF is appended to out.
 */
#ifndef DTI_REPORT_H
#define DTI_REPORT_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "chart.h"
#include "error.h"
#include "output.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The file name a program opens the report library by. */
#define DTI_REPORT_SONAME "libdti-report.so.0"

struct dti_report_opts {
	enum dti_lang lang; /* every word, name and decimal mark */
	/* tile layouts for the map (dti_store_chart takes the one with a
	   tile for the most units); none: the map page says there is none */
	size_t nlayouts;
	const struct dti_tile_layout *const *layouts;
};
#define DTI_REPORT_OPTS_INIT                                                   \
	{                                                                      \
		DTI_LANG_EN, 0, NULL                                           \
	}

/*
 * Appends the PDF report of a published cycle to out (opts NULL: English,
 * no map).  Reads one state of the store.  Errors: those of
 * dti_store_ranking() and dti_store_profile() (an unknown cycle
 * DTI_ENOTFOUND, a cycle not published DTI_ESTATE), DTI_EINTERNAL when
 * cairo cannot draw (the message says what cairo said), the buffer's
 * status when the document does not fit.  Nothing is appended to out on
 * failure.
 */
DTI_EXTERN enum dti_status dti_report_pdf(struct dti_store *s,
                                          const char *cycle,
                                          const struct dti_report_opts *opts,
                                          struct dti_buf *out,
                                          struct dti_error *err);
/* The type of dti_report_pdf, for a program that opens the library. */
typedef enum dti_status dti_report_pdf_fn(struct dti_store *s,
                                          const char *cycle,
                                          const struct dti_report_opts *opts,
                                          struct dti_buf *out,
                                          struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
