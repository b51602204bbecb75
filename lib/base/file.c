/*
 * lib/base/file.c - whole files read into memory, with a size cap.
 *
 * At most cap + 1 bytes are ever read: a device (/dev/zero, /dev/urandom)
 * or a pipe that never ends fails with DTI_ELIMIT at the cap, having read
 * no further.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

enum dti_status dti_read_file(const char *path, size_t cap, char **buf,
                              size_t *len, struct dti_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (!f) {
		/* fopen() allocates: no memory is not an input/output error */
		int e = errno;
		return dti_err_set(err, e == ENOMEM ? DTI_ENOMEM : DTI_EIO,
		                   shown, 0, 0, NULL, "cannot open: %s",
		                   strerror(e));
	}
	size_t n = 0, c = 0;
	char *p = NULL;
	for (;;) {
		size_t want = cap + 1 - n < 65536 ? cap + 1 - n : 65536;
		if (DTI_GROW(p, c, n + want + 1)) {
			free(p);
			if (f != stdin)
				fclose(f);
			return dti_err_nomem(err);
		}
		size_t r = fread(p + n, 1, want, f);
		n += r;
		if (n > cap) {
			free(p);
			if (f != stdin)
				fclose(f);
			return dti_err_set(
			    err, DTI_ELIMIT, shown, 0, 0, NULL,
			    "file larger than %zu bytes (%zu MiB): "
			    "read no further",
			    cap, cap >> 20);
		}
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	int e = errno;
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(p);
		return dti_err_set(err, DTI_EIO, shown, 0, 0, NULL,
		                   "read error: %s", strerror(e));
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return DTI_OK;
}

/* ---- sources: a file, or a sheet of a workbook ------------------------ */

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

enum dti_status dti_read_source(const char *path, char **buf, size_t *len,
                                char **name, struct dti_error *err)
{
	*buf = NULL;
	*len = 0;
	*name = NULL;
	const char *hash = strrchr(path, '#');
	const char *sheet = NULL;
	char *file = NULL;
	if (hash && !exists(path) && strcmp(path, "-") != 0) {
		size_t fl = (size_t)(hash - path);
		file = malloc(fl + 1);
		if (!file)
			return dti_err_nomem(err);
		memcpy(file, path, fl);
		file[fl] = '\0';
		if (strcmp(file, "-") == 0 || exists(file)) {
			sheet = hash + 1;
		} else {
			free(file);
			file = NULL;
		}
	}
	const char *what = file ? file : path;
	enum dti_status st = dti_read_file(what, DTI_MAX_FILE, buf, len, err);
	const char *shown = strcmp(what, "-") == 0 ? "<stdin>" : what;
	if (!st && sheet && !dti_is_xlsx(*buf, *len))
		st = dti_err_set(err, DTI_EINVALID, shown, 0, 0, NULL,
		                 "not a workbook: '#%s' names a sheet of an "
		                 ".xlsx file",
		                 sheet);
	if (!st) {
		/* the reader takes the text after the last '#' of a
		   workbook's name for its sheet: "#" alone for the first */
		int wb = dti_is_xlsx(*buf, *len);
		size_t n = strlen(shown) + (sheet ? strlen(sheet) : 0) + 3;
		*name = malloc(n);
		if (!*name)
			st = dti_err_nomem(err);
		else if (sheet)
			snprintf(*name, n, "%s#%s", shown, sheet);
		else
			snprintf(*name, n, "%s%s", shown,
			         wb && strchr(shown, '#') ? "#" : "");
	}
	free(file);
	if (st) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	return st;
}
