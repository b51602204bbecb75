/*
 * src/cli/cmd_store_io.c - dti backup, dti export, dti import.
 *
 * backup copies an SQLite store to a new file with SQLite's online backup
 * (the store stays in use meanwhile); export writes the whole store as
 * NDJSON, the same for both backends, streamed to stdout or through a
 * temporary file renamed into place (-o, cli_out_open), so that a failed
 * or interrupted export never leaves half a file; import loads such an
 * export into a freshly initialised store, all or nothing.  Backup and
 * export need an owner or an admin (the library checks).  Together, export and
 * import move a store between SQLite and PostgreSQL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"

static const char help_backup[] =
    "usage: dti backup [--db PATH] [--user U] FILE\n"
    "\n"
    "Copies the SQLite store to FILE, a new file (mode 0600), with SQLite's\n"
    "online backup: the store stays usable meanwhile and the copy is one\n"
    "consistent state of it, secrets included.  The acting user must be an\n"
    "owner or an admin.  FILE must not exist; a failed or interrupted\n"
    "backup (SIGINT, SIGTERM) leaves nothing.  PostgreSQL stores are\n"
    "backed up with 'dti export' or pg_dump.\n"
    "\n"
    "Options:\n"
    "      --db PATH   the store (default: $DTI_DB, else dti.db)\n"
    "      --user U    acting user, an owner or admin (default: $DTI_USER)\n"
    "  -h, --help      this help\n"
    "\n"
    "Examples:\n"
    "  dti backup --db dti.db --user admin backups/dti-2024-06-30.db\n"
    "  DTI_DB=/srv/dti/dti.db dti backup --user admin "
    "/backup/dti-$(date +%F).db\n";

static const char help_export[] =
    "usage: dti export [--db PATH|URI] [--user U] [--with-secrets] "
    "[-o FILE]\n"
    "\n"
    "Writes everything the store holds as NDJSON: a header line (format,\n"
    "schema version, program, backend, whether secrets are included), one\n"
    "line per row, tables in dependency order and rows in key order,\n"
    "uploaded files in base64, and a trailer line with the rows of each\n"
    "table and the SHA-256 of everything before it, so that 'dti import'\n"
    "refuses an export cut short or edited.  The text is the same for an\n"
    "SQLite and a PostgreSQL store with the same content, so an export\n"
    "moves a store between them and two exports can be compared with diff.\n"
    "\n"
    "The acting user must be an owner or an admin.  Password hashes are\n"
    "written as null and token hashes as \"redacted:ID\" unless\n"
    "--with-secrets (an admin only) includes them.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI   the store (default: $DTI_DB, else dti.db)\n"
    "      --user U        acting user (default: $DTI_USER)\n"
    "      --with-secrets  include password and token hashes (admin)\n"
    "  -o, --output FILE   write to FILE (through a temporary file renamed\n"
    "                      into place; removed if interrupted) instead of\n"
    "                      stdout\n"
    "  -h, --help          this help\n"
    "\n"
    "Examples:\n"
    "  dti export --user admin -o dti-export.ndjson\n"
    "  dti export --db postgresql://dti@localhost/dti --user admin "
    "--with-secrets \\\n"
    "      | gzip > dti.ndjson.gz\n";

static const char help_import[] =
    "usage: dti import [--db PATH|URI] FILE\n"
    "\n"
    "Loads an export (see 'dti export'; FILE or - for stdin) into a store\n"
    "just created with 'dti db init' and still empty, in one transaction:\n"
    "either everything is loaded or nothing.  The export's schema version\n"
    "must be the store's, its trailer must count its rows and carry its\n"
    "SHA-256 (an export cut short or edited is refused), and its audit\n"
    "chain must verify.  Errors name the line and the field at fault.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI   the store (default: $DTI_DB, else dti.db)\n"
    "      --user U        acting user (not needed)\n"
    "  -h, --help          this help\n"
    "\n"
    "Examples:\n"
    "  dti db init --db new.db && dti import --db new.db dti-export.ndjson\n"
    "  dti export --db dti.db | dti import --db postgresql:///dti -\n";

struct io_opts {
	const char *db;
	const char *user;
	const char *output;
	const char *arg;
	int with_secrets;
};

#define MORE "Try '--help' for more."

struct io_ctx {
	struct io_opts *o;
	const char *help;
	int with_output;
	int nargs;
	const char *args[2];
	int nargs_seen;
};

static int io_option(void *vctx, const struct cli_opt *opt, const char *v,
                     const char *written)
{
	struct io_ctx *x = vctx;
	switch (opt->id) {
	case 'd': x->o->db = v; break;
	case 'u': x->o->user = v; break;
	case 's':
		if (!x->with_output)
			return cli_usage(x->help, MORE,
			                 "option '%s' does not apply here",
			                 written);
		x->o->with_secrets = 1;
		break;
	default:
		if (!x->with_output)
			return cli_usage(x->help, MORE,
			                 "option '%s' does not apply here",
			                 written);
		x->o->output = v;
	}
	return 0;
}

static int io_argument(void *vctx, const char *arg)
{
	struct io_ctx *x = vctx;
	if (x->nargs_seen >= x->nargs)
		return cli_usage(x->help, MORE, "unexpected argument '%s'",
		                 arg);
	x->args[x->nargs_seen++] = arg;
	return 0;
}

/*
 * Parses the options of the three commands; with_output accepts -o.
 * Returns -1 after --help, EXIT_USAGE on a bad command line, else 0 with
 * the one positional argument (if any) in o->arg.
 */
static int parse(int argc, char **argv, const char *help, int with_output,
                 int nargs, struct io_opts *o)
{
	static const struct cli_opt opts[] = {
	    {"db", 0, 1, 'd'},       {"user", 0, 1, 'u'},
	    {"output", 'o', 1, 'o'}, {"with-secrets", 0, 0, 's'},
	    {NULL, 0, 0, 0},
	};
	memset(o, 0, sizeof *o);
	struct io_ctx x = {o, help, with_output, nargs, {NULL, NULL}, 0};
	struct cli_optparse p = {opts, help, MORE, io_option, io_argument, &x};
	int rc = cli_optparse(&p, argc, argv);
	if (rc)
		return rc;
	if (x.nargs_seen < nargs)
		return cli_usage(help, MORE, "%s needs a file name", argv[0]);
	if (nargs)
		o->arg = x.args[0];
	return 0;
}

/*
 * The copy goes into a temporary file made here, so that it and the
 * journal SQLite keeps beside it are removed if a signal ends the backup.
 */
static int backup_to(struct dti_store *s, const char *path)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_backup_opts bo;
	dti_backup_opts_init(&bo);
	char *tmp = NULL;
	char side[3][4200];
	static const char *const ext[] = {"-journal", "-wal", "-shm"};
	int fd = -1;
	/* an existing file is refused by the library before a temp appears */
	if (dti_store_backend(s) == DTI_BACKEND_SQLITE &&
	    access(path, F_OK) != 0) {
		fd = cli_temp_beside(path, 0600, &tmp);
		if (fd < 0) {
			fprintf(stderr, "dti: cannot write '%s': %s\n", path,
			        strerror(errno));
			return EXIT_IO;
		}
		close(fd);
		for (int i = 0; i < 3; i++) {
			snprintf(side[i], sizeof side[i], "%s%s", tmp, ext[i]);
			cli_cleanup_add(side[i]);
		}
		bo.temp = tmp;
	}
	enum dti_status st = dti_store_backup_with(s, path, &bo, &err);
	int rc = EXIT_OK;
	if (st)
		rc = cli_store_fail("backup failed", st, &err);
	if (tmp) {
		unlink(tmp); /* gone already unless the library failed early */
		cli_cleanup_remove(tmp);
		for (int i = 0; i < 3; i++) {
			unlink(side[i]);
			cli_cleanup_remove(side[i]);
		}
		free(tmp);
	}
	dti_error_release(&err);
	return rc;
}

int cmd_backup(int argc, char **argv)
{
	struct io_opts o;
	int rc = parse(argc, argv, help_backup, 0, 1, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct dti_store *s = NULL;
	rc = cli_open_store(o.db, o.user, 0, &s);
	if (rc)
		return rc;
	rc = backup_to(s, o.arg);
	if (!rc)
		printf("backup written to %s\n", o.arg);
	dti_store_close(s);
	return rc;
}

/* ---- export ---------------------------------------------------------- */

struct fd_sink {
	int fd;
	int err; /* errno of the first failed write */
};

static enum dti_status write_fd(void *ctx, const char *p, size_t n)
{
	struct fd_sink *k = ctx;
	while (n) {
		ssize_t w = write(k->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			k->err = w < 0 ? errno : EIO;
			return DTI_EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return DTI_OK;
}

static int export_stdout(struct dti_store *s, const struct dti_export_opts *eo)
{
	struct fd_sink k = {STDOUT_FILENO, 0};
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_export_with(s, eo, write_fd, &k, &err);
	int rc = EXIT_OK;
	if (st && k.err == EPIPE)
		rc = EXIT_OK; /* the reader went away: quiet */
	else if (st && k.err) {
		fprintf(stderr, "dti: cannot write the export: %s\n",
		        strerror(k.err));
		rc = EXIT_IO;
	} else if (st)
		rc = cli_store_fail("export failed", st, &err);
	dti_error_release(&err);
	return rc;
}

static int export_file(struct dti_store *s, const struct dti_export_opts *eo,
                       const char *path)
{
	struct cli_outfile f;
	int rc = cli_out_open(&f, path);
	if (rc)
		return rc;
	struct fd_sink k = {f.fd, 0};
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_export_with(s, eo, write_fd, &k, &err);
	if (st && k.err) {
		fprintf(stderr, "dti: cannot write '%s': %s\n", path,
		        strerror(k.err));
		rc = EXIT_IO;
	} else if (st)
		rc = cli_store_fail("export failed", st, &err);
	if (rc)
		cli_out_abort(&f);
	else
		rc = cli_out_commit(&f);
	dti_error_release(&err);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	struct io_opts o;
	int rc = parse(argc, argv, help_export, 1, 0, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct dti_store *s = NULL;
	rc = cli_open_store(o.db, o.user, 0, &s);
	if (rc)
		return rc;
	struct dti_export_opts eo;
	dti_export_opts_init(&eo);
	eo.with_secrets = o.with_secrets;
	if (!o.output || strcmp(o.output, "-") == 0)
		rc = export_stdout(s, &eo);
	else
		rc = export_file(s, &eo, o.output);
	dti_store_close(s);
	return rc;
}

/* ---- import ---------------------------------------------------------- */

/*
 * The input in memory: a regular file is mapped (an export may be large),
 * stdin or a pipe read whole.  *mapped tells how to release it.
 */
static int read_export(const char *path, char **buf, size_t *len, int *mapped)
{
	*buf = NULL;
	*len = 0;
	*mapped = 0;
	int is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "dti: %s: cannot open: %s\n", path,
		        strerror(errno));
		return EXIT_IO;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
		void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
		               fd, 0);
		if (p != MAP_FAILED) {
			if (!is_stdin)
				close(fd);
			*buf = p;
			*len = (size_t)sb.st_size;
			*mapped = 1;
			return EXIT_OK;
		}
	}
	size_t n = 0, cap = 0;
	char *p = NULL;
	int rc = EXIT_OK;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 1 << 20;
			char *q = ncap > cap ? realloc(p, ncap) : NULL;
			if (!q) {
				fprintf(stderr, "dti: %s: too large to read\n",
				        path);
				rc = EXIT_LIMIT;
				break;
			}
			p = q;
			cap = ncap;
		}
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "dti: %s: read error: %s\n", path,
			        strerror(errno));
			rc = EXIT_IO;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!is_stdin)
		close(fd);
	if (rc) {
		free(p);
		return rc;
	}
	*buf = p;
	*len = n;
	return EXIT_OK;
}

/* The header line of an export says "secrets":false. */
static int without_secrets(const char *buf, size_t len)
{
	const char *eol = memchr(buf, '\n', len);
	size_t n = eol ? (size_t)(eol - buf) : len;
	static const char key[] = "\"secrets\":false";
	for (size_t i = 0; i + sizeof key - 1 <= n; i++)
		if (memcmp(buf + i, key, sizeof key - 1) == 0)
			return 1;
	return 0;
}

int cmd_import(int argc, char **argv)
{
	struct io_opts o;
	int rc = parse(argc, argv, help_import, 0, 1, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	char *buf = NULL;
	size_t len = 0;
	int mapped = 0;
	rc = read_export(o.arg, &buf, &len, &mapped);
	if (rc)
		return rc;
	struct dti_store *s = NULL;
	rc = cli_open_store(o.db, o.user, 0, &s);
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		const char *name = strcmp(o.arg, "-") == 0 ? "<stdin>" : o.arg;
		enum dti_status st = dti_store_import(s, buf, len, name, &err);
		struct dti_store_status ss;
		if (st)
			rc = cli_store_fail("import failed", st, &err);
		else if (dti_store_status(s, &ss, &err) == DTI_OK)
			printf("imported %s: %lld units, %lld frameworks, "
			       "%lld users, %lld cycles, %lld submissions, "
			       "%lld figures, %lld evidence, %lld files, %lld "
			       "results, %lld audit events\n",
			       name, ss.units, ss.frameworks, ss.users,
			       ss.cycles, ss.submissions, ss.figures,
			       ss.evidence, ss.blobs, ss.results,
			       ss.audit_events);
		if (!st && without_secrets(buf, len))
			printf("the export held no password or token hashes: "
			       "users set their passwords again ('dti user "
			       "passwd') and get new tokens\n");
		dti_error_release(&err);
		dti_store_close(s);
	}
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
	return rc;
}
