/*
 * lib/base/csv_meta.c - the "# key: value" metadata lines of a CSV file
 * (or of a sheet's rows, csv_sheet.c), kept in struct dti_csv.
 *
 * Keys are identifiers, folded to lower case; a line that is not of that
 * form is a comment.  The separators a spreadsheet pads a saved line with
 * are dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static int meta_add(struct dti_csv *c, const char *k, size_t kn, const char *v,
                    size_t vn, unsigned long line)
{
	size_t cap = c->nmeta;
	char **nk = realloc(c->meta_keys, (cap + 1) * sizeof *nk);
	if (!nk)
		return -1;
	c->meta_keys = nk;
	char **nv = realloc(c->meta_vals, (cap + 1) * sizeof *nv);
	if (!nv)
		return -1;
	c->meta_vals = nv;
	unsigned long *nl = realloc(c->meta_lines, (cap + 1) * sizeof *nl);
	if (!nl)
		return -1;
	c->meta_lines = nl;
	char *key = malloc(kn + 1);
	char *val = malloc(vn + 1);
	if (!key || !val) {
		free(key);
		free(val);
		return -1;
	}
	for (size_t i = 0; i < kn; i++) {
		char ch = k[i];
		key[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
	}
	key[kn] = '\0';
	memcpy(val, v, vn);
	val[vn] = '\0';
	c->meta_keys[cap] = key;
	c->meta_vals[cap] = val;
	c->meta_lines[cap] = line;
	c->nmeta++;
	return 0;
}

/* Parses "# key: value"; other comment lines are ignored. */
int dti_csv_meta_line(struct dti_csv *c, const char *s, size_t n,
                      unsigned long line)
{
	size_t i = 1; /* after '#' */
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '#'))
		i++;
	size_t k0 = i;
	while (i < n && s[i] != ':' && s[i] != '=' && s[i] != ' ' &&
	       s[i] != '\t')
		i++;
	size_t k1 = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (k1 == k0 || i >= n || (s[i] != ':' && s[i] != '='))
		return 0; /* a comment */
	/* keys are identifiers: letters, digits, '_', '-', '.' */
	for (size_t j = k0; j < k1; j++) {
		char ch = s[j];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      ch == '.'))
			return 0;
	}
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t v1 = n;
	while (v1 > i && (s[v1 - 1] == ' ' || s[v1 - 1] == '\t'))
		v1--;
	/*
	 * A spreadsheet saving a metadata line pads it with the separators of
	 * the empty cells after it ("# id: x,,,,").  Such a run (two or more)
	 * is dropped when something is left, so "# decimal: ," keeps its comma.
	 */
	size_t run = v1;
	while (run > i &&
	       (s[run - 1] == ',' || s[run - 1] == ';' || s[run - 1] == '\t'))
		run--;
	if (v1 - run >= 2 && run > i) {
		v1 = run;
		while (v1 > i && (s[v1 - 1] == ' ' || s[v1 - 1] == '\t'))
			v1--;
	}
	return meta_add(c, s + k0, k1 - k0, s + i, v1 - i, line);
}
