/*
 * src/cli/embedded.h - files bundled into the dti binary at build time
 * (tools/embed.c writes the table): the frameworks of frameworks/, the
 * units registry of data/units/ and its tile layouts (tiles-63.csv,
 * tiles-34.csv: dti chart map).
 */
#ifndef DTI_EMBEDDED_H
#define DTI_EMBEDDED_H

#include <stddef.h>

struct dti_embedded_file {
	const char *name; /* base name, e.g. "pdti-2022.csv" */
	const char *data;
	size_t len;
};

/* Ends with an entry whose name is NULL. */
extern const struct dti_embedded_file dti_embedded_files[];

#endif
