/*
 * src/cli/cmd_evidence.c - dti evidence add|get|remove.
 *
 * Evidence backs a unit's figures: a document (number, date, issuer,
 * title), a link, an uploaded file, or several of these, attached to the
 * submission or to one indicator.  The store recognises a file's type from
 * its first bytes and refuses one whose extension says otherwise, or one
 * larger than the limit.  'get' writes a file's bytes back, to -o FILE or
 * to a pipe, never to a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wf.h"

static const char help[] =
    "usage: dti evidence add|get|remove [OPTIONS]\n"
    "\n"
    "  dti evidence add CYCLE UNIT [--indicator IND] [--number N] [--date "
    "D]\n"
    "                   [--issuer I] [--title T] [--link URL] [--file "
    "PATH]\n"
    "                   [--max-size BYTES]\n"
    "  dti evidence get ID [-o FILE]\n"
    "  dti evidence remove ID\n"
    "\n"
    "add     attaches evidence to a unit's submission (or to one of its\n"
    "        indicators) and prints its id.  It needs at least a title, a\n"
    "        document number, a link or a file.  A file's type (PDF, PNG,\n"
    "        JPEG, GIF, WebP, Office/ODF, ZIP, text, CSV) is recognised\n"
    "        from its content and must agree with its extension.  Editor\n"
    "        of the unit, while the submission may be edited.\n"
    "get     writes the file of evidence ID to -o FILE, or to standard\n"
    "        output when that is not a terminal.\n"
    "remove  removes evidence while the submission may be edited.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --indicator IND     (add) the indicator it backs\n"
    "      --number N          (add) the document's number "
    "(123/QĐ-UBND)\n"
    "      --date D            (add) the document's date, YYYY-MM-DD\n"
    "      --issuer I          (add) who issued it\n"
    "      --title T           (add) its title\n"
    "      --link URL          (add) an http(s) link\n"
    "      --file PATH         (add) a file to upload\n"
    "      --max-size BYTES    (add) refuse a larger file (default: 20 "
    "MiB)\n"
    "  -o, --output FILE       (get) write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti evidence add dti-2024 'Đà Nẵng' --indicator awareness \\\n"
    "      --number 123/KH-UBND --date 2024-02-01 --file ke-hoach.pdf\n"
    "  dti evidence get 7 -o ke-hoach.pdf\n"
    "  dti evidence remove 7\n";

static int ev_add(const struct wf_args *a)
{
	static const int allowed[] = {W_INDICATOR, W_NUMBER,   W_DATE,
	                              W_ISSUER,    W_TITLE,    W_LINK,
	                              W_FILE,      W_MAX_SIZE, -1};
	int rc = wf_allow(a, "add", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a cycle and a unit");
	if (!rc && wf_has(a, W_DATE))
		rc = wf_date(a, "--date", a->val[W_DATE]);
	long long max = 0;
	if (!rc && wf_has(a, W_MAX_SIZE))
		rc = wf_integer(a, "--max-size", a->val[W_MAX_SIZE], 1,
		                (long long)1 << 40, &max);
	if (rc)
		return rc;
	char *data = NULL;
	size_t size = 0;
	const char *path = a->val[W_FILE];
	if (path)
		rc = wf_read_file(path,
		                  max ? (size_t)max : DTI_EVIDENCE_MAX_DEFAULT,
		                  &data, &size);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	struct dti_cycle_info ci;
	struct dti_unit_ref ref;
	if (!rc)
		rc = wf_cycle_unit(s, a->pos[1], a->pos[2], &ci, &ref);
	const char *unit = ref.id, *uname = ref.name_vi;
	if (!rc) {
		const char *base = NULL;
		if (path) {
			base = strrchr(path, '/');
			base = base ? base + 1 : path;
		}
		struct dti_evidence_new e = {
		    .indicator = a->val[W_INDICATOR],
		    .doc_number = a->val[W_NUMBER],
		    .doc_date = a->val[W_DATE],
		    .issuer = a->val[W_ISSUER],
		    .title = a->val[W_TITLE],
		    .link = a->val[W_LINK],
		    .data = data,
		    .size = size,
		    .filename = base,
		    .max_size = (size_t)max,
		};
		int64_t id = 0;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_evidence_add(s, a->pos[1], unit, &e, &id, &err);
		if (st) {
			char what[512];
			snprintf(what, sizeof what,
			         "cannot add evidence to %s %s (%s)", a->pos[1],
			         unit, uname);
			rc = wf_fail(what, st, &err);
		} else {
			printf("%lld\n", (long long)id);
		}
		dti_error_release(&err);
	}
	free(data);
	dti_store_close(s);
	return rc;
}

static int ev_id(const struct wf_args *a, int64_t *id)
{
	long long v;
	int rc = wf_integer(a, "evidence id", a->pos[1], 1, INT64_MAX, &v);
	*id = v;
	return rc;
}

static int ev_get(const struct wf_args *a)
{
	static const int allowed[] = {W_OUTPUT, -1};
	int rc = wf_allow(a, "get", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "an evidence id");
	int64_t id = 0;
	if (!rc)
		rc = ev_id(a, &id);
	const char *out = a->val[W_OUTPUT];
	if (!rc && (!out || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO))
		rc = wf_usage(a, "standard output is a terminal: give -o FILE "
		                 "(or a pipe) for the file's bytes");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_buf data = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	char media[64] = "", name[256] = "";
	enum dti_status st = dti_evidence_get(s, id, &data, media, name, &err);
	dti_store_close(s);
	if (st) {
		dti_buf_release(&data);
		char what[64];
		snprintf(what, sizeof what, "evidence %lld", (long long)id);
		return wf_fail(what, st, &err);
	}
	rc = cli_write(out, &data);
	dti_buf_release(&data);
	return rc;
}

static int ev_remove(const struct wf_args *a)
{
	static const int allowed[] = {-1};
	int rc = wf_allow(a, "remove", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "an evidence id");
	int64_t id = 0;
	if (!rc)
		rc = ev_id(a, &id);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_evidence_remove(s, id, &err);
	dti_store_close(s);
	if (st) {
		char what[64];
		snprintf(what, sizeof what, "cannot remove evidence %lld",
		         (long long)id);
		return wf_fail(what, st, &err);
	}
	printf("evidence %lld removed\n", (long long)id);
	return 0;
}

int cmd_evidence(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"add", ev_add},
	    {"get", ev_get},
	    {"remove", ev_remove},
	};
	return wf_dispatch(argc, argv, "evidence", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
