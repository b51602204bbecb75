/*
 * lib/base/csv_sheet.c - a sheet of a workbook read through the CSV reader.
 *
 * The readers of data files, frameworks and unit registries are written
 * against struct dti_csv: records of NUL-terminated fields, c->line for
 * places, "# key: value" metadata before the header.  This module gives
 * them a sheet (read by xlsx_read.c) in that same shape, so they check a
 * workbook exactly as they check CSV:
 *   - field i is column i + 1 and c->line the sheet's row, so the (line,
 *     column) a reader puts in a fault is the cell's row and column;
 *   - rows whose column A is text starting with '#' are metadata before
 *     the header and comments after it, as lines are in CSV; a metadata
 *     row's cells are joined with ',' (a spreadsheet that opened the CSV
 *     split "# note: a, b" into two cells), except a key alone ("# date:")
 *     and its value in the next cell, joined with a space;
 *   - c->kinds says what each cell held, for the readers that must not
 *     read a number cell's '.' as a thousands separator.
 * The readers name their own input in faults (the `name` they were given),
 * so faults are placed at the cell afterwards: dti_csv_close() rewrites
 * those raised since dti_csv_open() whose file is that name into
 * "book.xlsx:'Sheet'!D17", keeping line and column.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

enum dti_status dti_csv_open_sheet(struct dti_csv *c, const char *buf,
                                   size_t len, const char *name, int head,
                                   struct dti_error *err)
{
	memset(c, 0, sizeof *c);
	c->name = name ? name : "<input>";
	c->sep = ',';
	c->next_line = 1;
	/* "book.xlsx#Sheet": the text after the last '#' names the sheet */
	const char *hash = strrchr(c->name, '#');
	size_t bl = hash ? (size_t)(hash - c->name) : strlen(c->name);
	c->book = malloc(bl + 1);
	c->sheet = calloc(1, sizeof *c->sheet);
	if (!c->book || !c->sheet) {
		free(c->book);
		free(c->sheet);
		c->book = NULL;
		c->sheet = NULL;
		return dti_err_nomem(err);
	}
	memcpy(c->book, c->name, bl);
	c->book[bl] = '\0';
	struct dti_xlsx_limits lim;
	dti_xlsx_limits_init(&lim);
	lim.head = head;
	enum dti_status st = dti_xlsx_read(
	    buf, len, c->book, hash ? hash + 1 : NULL, &lim, c->sheet, err);
	if (st) {
		free(c->sheet);
		c->sheet = NULL;
		return st;
	}
	const struct dti_xlsx_sheet *s = c->sheet;
	size_t cols = (size_t)s->max_col + 1;
	c->empty = calloc(cols, 1);
	if (!c->empty)
		return dti_err_nomem(err);
	c->cap_empty = cols;
	/* metadata rows, and blank rows, before the header */
	struct dti_buf line = DTI_BUF_INIT;
	for (; c->sheet_row < s->nrows; c->sheet_row++) {
		const struct dti_xlsx_row *r = &s->rows[c->sheet_row];
		const struct dti_xlsx_cell *cl = &s->cells[r->first];
		const char *t0 = s->text + cl->off;
		if (cl->col == 1 && cl->kind == DTI_CELL_TEXT && *t0 == '#') {
			dti_buf_reset(&line);
			unsigned long col = 1;
			for (uint32_t k = 0; k < r->n; k++) {
				/* "# date:" in A and its value in B: a space */
				size_t e = line.len;
				while (e && line.data[e - 1] == ' ')
					e--;
				int key_only = k && e && col + 1 == cl[k].col &&
				               (line.data[e - 1] == ':' ||
				                line.data[e - 1] == '=');
				if (key_only) {
					dti_buf_addc(&line, ' ');
					col++;
				}
				for (; col < cl[k].col; col++)
					dti_buf_addc(&line, ',');
				const char *t = s->text + cl[k].off;
				/* a line break would end the line in CSV */
				for (; *t; t++)
					dti_buf_addc(&line,
					             *t == '\n' || *t == '\r'
					                 ? ' '
					                 : *t);
			}
			if (line.status ||
			    dti_csv_meta_line(c, line.data, line.len, r->row)) {
				dti_buf_release(&line);
				return dti_err_nomem(err);
			}
			continue;
		}
		int blank = 1;
		for (uint32_t k = 0; k < r->n && blank; k++) {
			const char *t = s->text + cl[k].off;
			blank = !t[strspn(t, " \t")];
		}
		if (!blank)
			break;
	}
	dti_buf_release(&line);
	c->err = err;
	c->err_main = err && err->code == DTI_OK;
	c->err_more = err ? err->nmore : 0;
	return DTI_OK;
}

enum dti_status dti_csv_sheet_next(struct dti_csv *c, struct dti_error *err)
{
	const struct dti_xlsx_sheet *s = c->sheet;
	for (; c->sheet_row < s->nrows; c->sheet_row++) {
		const struct dti_xlsx_row *r = &s->rows[c->sheet_row];
		const struct dti_xlsx_cell *cl = &s->cells[r->first];
		if (cl->col == 1 && cl->kind == DTI_CELL_TEXT &&
		    s->text[cl->off] == '#')
			continue; /* a comment */
		size_t n = cl[r->n - 1].col;
		if (n > DTI_MAX_FIELDS)
			return dti_err_set(err, DTI_ELIMIT, c->name, r->row, 0,
			                   NULL, "more than %d columns",
			                   DTI_MAX_FIELDS);
		if ((n > c->cap_fields &&
		     DTI_GROW(c->fields, c->cap_fields, n)) ||
		    (n > c->cap_kinds && DTI_GROW(c->kinds, c->cap_kinds, n)))
			return dti_err_nomem(err);
		for (size_t i = 0; i < n; i++) {
			c->fields[i] = c->empty + i;
			c->kinds[i] = DTI_CELL_TEXT;
		}
		for (uint32_t k = 0; k < r->n; k++) {
			c->fields[cl[k].col - 1] = s->text + cl[k].off;
			c->kinds[cl[k].col - 1] = cl[k].kind;
		}
		c->nfields = n;
		c->line = r->row;
		c->next_line = r->row + 1;
		c->sheet_row++;
		return DTI_OK;
	}
	return DTI_ENOTFOUND;
}

/* Whether a fault's file is the name c was opened with (or its start,
   cut to fit the fault). */
static int names_input(const struct dti_csv *c, const char *file)
{
	size_t fl = strlen(file), nl = strlen(c->name);
	if (fl == nl)
		return strcmp(file, c->name) == 0;
	return fl < nl && fl + 4 >= DTI_ERROR_FILE_MAX &&
	       strncmp(file, c->name, fl) == 0;
}

void dti_csv_place(const struct dti_csv *c, char file[DTI_ERROR_FILE_MAX],
                   unsigned long line, unsigned long column)
{
	if (!c->sheet || !c->sheet->name || !names_input(c, file))
		return;
	char place[DTI_ERROR_FILE_MAX + 64];
	dti_xlsx_place(place, sizeof place, c->book, c->sheet->name, line,
	               column);
	if (strlen(place) >= DTI_ERROR_FILE_MAX) {
		/* too long a path: its last part is enough to find the cell */
		const char *base = strrchr(c->book, '/');
		dti_xlsx_place(place, sizeof place, base ? base + 1 : c->book,
		               c->sheet->name, line, column);
	}
	if (strlen(place) >= DTI_ERROR_FILE_MAX)
		return;
	memcpy(file, place, strlen(place) + 1);
}

void dti_csv_sheet_close(struct dti_csv *c)
{
	struct dti_error *err = c->err;
	if (err && c->sheet) {
		if (c->err_main && err->code)
			dti_csv_place(c, err->file, err->line, err->column);
		for (size_t i = c->err_more; i < err->nmore && err->more; i++)
			dti_csv_place(c, err->more[i].file, err->more[i].line,
			              err->more[i].column);
	}
	if (c->sheet) {
		dti_xlsx_release(c->sheet);
		free(c->sheet);
	}
	c->sheet = NULL;
	free(c->book);
	c->book = NULL;
	free(c->kinds);
	c->kinds = NULL;
	free(c->empty);
	c->empty = NULL;
	c->err = NULL;
}
