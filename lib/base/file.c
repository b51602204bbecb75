/*
 * lib/base/file.c - whole files read into memory, with a size cap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		if (DTI_GROW(p, c, n + 65536 + 1)) {
			free(p);
			if (f != stdin)
				fclose(f);
			return dti_err_nomem(err);
		}
		size_t r = fread(p + n, 1, c - n - 1, f);
		n += r;
		if (n > cap) {
			free(p);
			if (f != stdin)
				fclose(f);
			return dti_err_set(err, DTI_ELIMIT, shown, 0, 0, NULL,
			                   "file larger than %zu MiB",
			                   cap >> 20);
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
