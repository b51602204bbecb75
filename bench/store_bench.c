/*
 * bench/store_bench.c - how fast the persistent store takes figures in and
 * how many audited edits it commits per second, on SQLite and PostgreSQL
 * side by side.
 *
 * Why: the store is where a year's assessment lives.  Two things decide
 * whether it is fast enough: loading whole data files (an index owner
 * importing last years' figures, a large internal index), and many units'
 * editors typing figures at the same time, each save one transaction that
 * appends one event to the audit hash chain (which serialises every
 * writer).  Both are measured through the public API (dti/dti.h) of the
 * shared libdti, as a user of the library gets them.
 *
 * Operations, each on a fresh, empty store (a new SQLite file in a
 * temporary directory; a new PostgreSQL schema, chosen with the URI's
 * options=-csearch_path):
 *   import  63 units x 100 indicators x 10 cycles (63,000 figures): a
 *           synthetic points framework of 100 leaves (rule value, 10
 *           points each) under one index, written below as text and stored
 *           with dti_store_framework_add; 63 units at level "province"
 *           (dti_units_parse of a generated CSV, dti_store_units_import);
 *           10 cycles created and opened; every figure loaded with
 *           dti_submission_import, one call (one transaction) per cycle,
 *           from a dti_dataset built in memory beforehand (not timed).  The
 *           total covers everything from opening the empty location to the
 *           last commit; figures/s counts the import calls only.
 *   large   10,000 units x 200 indicators (2,000,000 figures), one cycle,
 *           the same way.
 *   edits   sustained dti_submission_edit of one figure per call (one
 *           transaction, one audit event each) by 1 and by 8 writers: each
 *           writer is a process of its own (fork) with its own store
 *           handle, acting as a user who is the editor of its own units
 *           (unit i belongs to writer i mod W); the store holds 63 units x
 *           100 figures in one open cycle.  Writers start together and edit
 *           for a fixed time; edits/s = committed edits / wall time from
 *           the first start to the last commit.  The audit events added
 *           are checked against the edits counted, then dti_audit_verify
 *           recomputes the whole chain (after the 8-writer run) and must
 *           pass.
 *
 * Durability: SQLite runs as libdti opens it, WAL journal with
 * synchronous=FULL, so a commit is on disk when the call returns.  The
 * PostgreSQL column is only comparable if the server syncs its commits
 * too (fsync and synchronous_commit on); tests/pg/with-pg.sh starts its
 * throwaway server without them, so scripts/bench.sh passes --pg-durable,
 * which turns them on with ALTER SYSTEM (and resets them at the end).
 * The server's settings are printed with the figures.  A durable commit
 * waits for the disk's flush, which on a virtual disk changes with the
 * host's load, so it is probed (4 KiB pwrite + fdatasync) before each
 * edit run and printed beside the rates.
 *
 * Every figure is the median of several runs (counts printed).  libpq is
 * used directly only to create and drop the scratch schemas and to read or
 * set the server's settings; every measured call is libdti's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dti/dti.h>

#ifdef BENCH_HAVE_LIBPQ
#include <libpq-fe.h>

#include "benchutil.h"
#endif

#ifndef BENCH_BUILDTYPE
#define BENCH_BUILDTYPE "unknown"
#endif
#ifndef BENCH_OPTIMIZATION
#define BENCH_OPTIMIZATION "?"
#endif
#ifndef BENCH_COMPILER
#define BENCH_COMPILER "cc"
#endif

#define PROG         "bench_store"
#define SMALL_UNITS  63
#define SMALL_LEAVES 100
#define SMALL_CYCLES 10
#define FIRST_YEAR   2015
#define MAX_WRITERS  SMALL_UNITS /* each needs a unit of its own */
#define MAX_LAT      1000000     /* latencies kept per writer */
#define TMPFS_MAGIC_ 0x01021994
#define ID_MAX       24 /* unit ids, codes, labels: "P" + 20 digits */

/* ---- small helpers --------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The q-quantile (0..1) of sorted values, nearest rank. */
static double quantile_sorted(const double *t, size_t n, double q)
{
	if (n == 0)
		return NAN;
	size_t k = (size_t)ceil(q * (double)n);
	return t[k ? k - 1 : 0];
}

static uint64_t rng_state;

/* splitmix64 */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void die(const char *what, enum dti_status st,
                const struct dti_error *err)
{
	char msg[1024] = "";
	if (err && err->code)
		dti_error_format(err, msg, sizeof msg);
	fprintf(stderr, PROG ": %s: %s%s%s\n", what, dti_strerror(st),
	        *msg ? ": " : "", msg);
	exit(1);
}

#define CHECK(what, call)                                                      \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_)                                                       \
			die(what, st_, &err);                                  \
	} while (0)

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("memory", DTI_ENOMEM, NULL);
	return p;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* "12,345" */
static const char *group3(char *out, size_t outsz, double v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%.0f", v);
	size_t n = strlen(digits), o = 0;
	for (size_t i = 0; i < n && o + 2 < outsz; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

/* ---- what is stored: framework, units, data -------------------------- */

/*
 * A points framework of `nleaf` leaves with rule value (a figure in
 * [0, 1], the scale), 10 points each, under one index; level province.
 */
static void fw_text(struct dti_buf *b, size_t nleaf)
{
	dti_buf_addf(b,
	             "# dti-framework: 1\n"
	             "# id: bench-store-%zu\n"
	             "# version: bench\n"
	             "# level: province\n"
	             "# title_en: Benchmark: %zu indicators with rule value "
	             "under one index\n"
	             "# status: example\n"
	             "# scoring: points\n"
	             "# scale: 1\n"
	             "# precision: 4\n"
	             "# missing: zero\n"
	             "code,parent,kind,name_en,points,rule\n"
	             "idx,,index,Index,%zu,\n",
	             nleaf, nleaf, nleaf * 10);
	for (size_t i = 0; i < nleaf; i++)
		dti_buf_addf(b, "i%03zu,idx,indicator,Indicator %zu,10,value\n",
		             i + 1, i + 1);
}

static void unit_id(char *out, size_t outsz, size_t i)
{
	snprintf(out, outsz, "P%05zu", i + 1);
}

/* A units registry of n units in 6 regions. */
static void units_text(struct dti_buf *b, size_t n)
{
	dti_buf_adds(b, "id,code,name_vi,name_ascii,group\n");
	for (size_t i = 0; i < n; i++) {
		char id[ID_MAX];
		unit_id(id, sizeof id, i);
		dti_buf_addf(b, "%s,%s,Tỉnh thử %05zu,Tinh thu %05zu,R%zu\n",
		             id, id, i + 1, i + 1, i % 6 + 1);
	}
}

/*
 * Imported figures are multiples of 1/5000, edits odd multiples of
 * 1/10000: an edit always changes the figure, so every edit call makes an
 * audit event.
 */
static double import_value(void)
{
	return (double)(rng_next() % 5001) / 5000.0;
}

static double edit_value(uint64_t pass)
{
	return (double)(2 * (pass % 4999) + 1) / 10000.0;
}

/* The data: every leaf of every unit in `ncycles` cycles "2015", ... */
static struct dti_dataset *make_dataset(const struct dti_framework *fw,
                                        size_t nunits, size_t ncycles,
                                        size_t *figures)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_dataset *ds = NULL;
	CHECK("dataset", dti_dataset_new(fw, NULL, &ds));
	size_t nn = dti_framework_node_count(fw);
	size_t *leaf = xcalloc(nn, sizeof *leaf), nleaf = 0;
	for (size_t k = 0; k < nn; k++) {
		struct dti_node_info ni;
		dti_framework_node(fw, k, &ni);
		if (!ni.nchildren)
			leaf[nleaf++] = k;
	}
	size_t *uix = xcalloc(nunits, sizeof *uix);
	for (size_t i = 0; i < nunits; i++) {
		char id[ID_MAX], name[48];
		unit_id(id, sizeof id, i);
		snprintf(name, sizeof name, "Tinh thu %05zu", i + 1);
		CHECK("unit", dti_dataset_add_unit(ds, id, name, -1, &uix[i]));
	}
	*figures = 0;
	for (size_t c = 0; c < ncycles; c++) {
		char label[ID_MAX];
		size_t ci;
		snprintf(label, sizeof label, "%zu", FIRST_YEAR + c);
		CHECK("cycle", dti_dataset_add_cycle(ds, label, &ci));
		for (size_t i = 0; i < nunits; i++)
			for (size_t j = 0; j < nleaf; j++) {
				CHECK("figure",
				      dti_dataset_set(ds, ci, uix[i], leaf[j],
				                      import_value(), &err));
				(*figures)++;
			}
	}
	free(uix);
	free(leaf);
	return ds;
}

/* ---- backends and scratch locations ---------------------------------- */

struct backend {
	const char *name;
	int pg;
	const char *uri;       /* PostgreSQL: the database's URI */
	const char *dir;       /* SQLite: where temporary directories go */
	const char *probe_dir; /* where the disk's flush time is probed */
};

struct loc {
	char location[2048];
	char dir[1024];  /* SQLite: the temporary directory */
	char schema[64]; /* PostgreSQL: the scratch schema */
};

#ifdef BENCH_HAVE_LIBPQ
static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *pg_connect(const char *uri)
{
	PGconn *c = PQconnectdb(uri);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, PROG ": cannot connect to PostgreSQL: %s",
		        c ? PQerrorMessage(c) : "out of memory\n");
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, pg_quiet, NULL); /* DROP ... CASCADE lists */
	return c;
}

/* Runs statements (no results wanted); 0 or -1. */
static int pg_exec(const char *uri, const char *sql)
{
	PGconn *c = pg_connect(uri);
	if (!c)
		return -1;
	PGresult *r = PQexec(c, sql);
	int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
	               PQresultStatus(r) == PGRES_TUPLES_OK);
	if (!ok)
		fprintf(stderr, PROG ": PostgreSQL: %s: %s", sql,
		        PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* SHOW name into out ("?" when it cannot be read). */
static void pg_show(PGconn *c, const char *name, char *out, size_t outsz)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SHOW %s", name);
	PGresult *r = PQexec(c, sql);
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(out, outsz, "%s", PQgetvalue(r, 0, 0));
	else
		snprintf(out, outsz, "?");
	PQclear(r);
}
#endif

static int loc_new(const struct backend *b, struct loc *l)
{
	static int counter;
	memset(l, 0, sizeof *l);
	if (b->pg) {
#ifdef BENCH_HAVE_LIBPQ
		snprintf(l->schema, sizeof l->schema, "bench_%ld_%d",
		         (long)getpid(), ++counter);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE SCHEMA %s", l->schema);
		if (pg_exec(b->uri, sql) != 0)
			return -1;
		snprintf(l->location, sizeof l->location,
		         "%s%coptions=-csearch_path%%3D%s", b->uri,
		         strchr(b->uri, '?') ? '&' : '?', l->schema);
		return 0;
#else
		return -1;
#endif
	}
	snprintf(l->dir, sizeof l->dir, "%s/dti-bench-XXXXXX", b->dir);
	if (!mkdtemp(l->dir)) {
		fprintf(stderr, PROG ": mkdtemp %s: %s\n", l->dir,
		        strerror(errno));
		return -1;
	}
	snprintf(l->location, sizeof l->location, "%s/store.db", l->dir);
	return 0;
}

static void loc_free(const struct backend *b, struct loc *l)
{
	if (b->pg) {
#ifdef BENCH_HAVE_LIBPQ
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", l->schema);
		pg_exec(b->uri, sql);
#endif
		return;
	}
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		char p[sizeof l->location + 16];
		snprintf(p, sizeof p, "%s%s", l->location, suffixes[i]);
		unlink(p);
	}
	rmdir(l->dir);
}

/* ---- building a store ------------------------------------------------- */

struct fixture {
	size_t nunits, nleaf, ncycles;
	struct dti_buf fw_text, units_text;
	struct dti_framework *fw;
	struct dti_dataset *ds;
	size_t figures; /* in the dataset, all cycles */
	double build_s; /* making the dataset (not timed with the store) */
};

static void fixture_make(struct fixture *f, size_t nunits, size_t nleaf,
                         size_t ncycles)
{
	struct dti_error err = DTI_ERROR_INIT;
	memset(f, 0, sizeof *f);
	f->nunits = nunits;
	f->nleaf = nleaf;
	f->ncycles = ncycles;
	dti_buf_init(&f->fw_text, 0);
	dti_buf_init(&f->units_text, 0);
	fw_text(&f->fw_text, nleaf);
	units_text(&f->units_text, nunits);
	CHECK("framework", dti_framework_parse(f->fw_text.data, f->fw_text.len,
	                                       "bench", &f->fw, &err));
	rng_state = 20250701u + nunits * 1000 + nleaf;
	double t0 = now_s();
	f->ds = make_dataset(f->fw, nunits, ncycles, &f->figures);
	f->build_s = now_s() - t0;
}

static void fixture_free(struct fixture *f)
{
	dti_dataset_free(f->ds);
	dti_framework_free(f->fw);
	dti_buf_release(&f->fw_text);
	dti_buf_release(&f->units_text);
}

static void cycle_label(char *out, size_t outsz, size_t c)
{
	snprintf(out, outsz, "bench-%zu", FIRST_YEAR + c);
}

/*
 * A new store at l: schema, the admin "root" acting, the framework, the
 * units.  sha_out gets the framework's SHA-256.
 */
static struct dti_store *store_setup(const struct loc *l,
                                     const struct fixture *f, char sha_out[65])
{
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *s = NULL;
	CHECK("open", dti_store_open(l->location, &s, &err));
	CHECK("init", dti_store_init(s, &err));
	CHECK("user", dti_user_add(s, "root", "Benchmark owner", NULL, &err));
	CHECK("actor", dti_store_set_actor(s, "root", &err));
	CHECK("framework add",
	      dti_store_framework_add(s, f->fw_text.data, f->fw_text.len,
	                              "bench", sha_out, &err));
	struct dti_units *u = NULL;
	CHECK("units parse",
	      dti_units_parse(f->units_text.data, f->units_text.len, "units",
	                      &u, &err));
	size_t added = 0;
	CHECK("units import",
	      dti_store_units_import(s, u, "province", &added, NULL, &err));
	dti_units_free(u);
	if (added != f->nunits)
		die("units import: wrong count", DTI_EINTERNAL, NULL);
	return s;
}

static void cycle_open(struct dti_store *s, size_t c, const char *sha)
{
	struct dti_error err = DTI_ERROR_INIT;
	char label[ID_MAX + 8];
	cycle_label(label, sizeof label, c);
	struct dti_cycle_new cn = {
	    label, (int)(FIRST_YEAR + c), sha, NULL, NULL, NULL, NULL, NULL};
	CHECK("cycle create", dti_cycle_create(s, &cn, &err));
	CHECK("cycle open",
	      dti_cycle_transition(s, label, DTI_CYCLE_OPEN, 0, &err));
}

static size_t cycle_import(struct dti_store *s, const struct fixture *f,
                           size_t c)
{
	struct dti_error err = DTI_ERROR_INIT;
	char label[ID_MAX + 8], data_cycle[ID_MAX];
	cycle_label(label, sizeof label, c);
	snprintf(data_cycle, sizeof data_cycle, "%zu", FIRST_YEAR + c);
	size_t units = 0, figures = 0;
	CHECK("submission import",
	      dti_submission_import(s, label, f->ds, data_cycle, &units,
	                            &figures, &err));
	if (units != f->nunits || figures != f->nunits * f->nleaf)
		die("submission import: wrong counts", DTI_EINTERNAL, NULL);
	return figures;
}

/* ---- operation: import ------------------------------------------------ */

struct import_run {
	double setup_s;  /* open, init, admin, framework, units */
	double cycles_s; /* create and open every cycle */
	double import_s; /* the dti_submission_import calls */
	double total_s;  /* all of it, to the store's close */
	size_t figures;
	long long events;
};

static int run_import(const struct backend *b, const struct fixture *f,
                      struct import_run *r)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct loc l;
	memset(r, 0, sizeof *r);
	if (loc_new(b, &l) != 0)
		return -1;
	char sha[65];
	double t0 = now_s();
	struct dti_store *s = store_setup(&l, f, sha);
	double t1 = now_s();
	for (size_t c = 0; c < f->ncycles; c++)
		cycle_open(s, c, sha);
	double t2 = now_s();
	for (size_t c = 0; c < f->ncycles; c++)
		r->figures += cycle_import(s, f, c);
	double t3 = now_s();
	struct dti_store_status ss;
	CHECK("status", dti_store_status(s, &ss, &err));
	double t4 = now_s();
	dti_store_close(s);
	double t5 = now_s();
	r->setup_s = t1 - t0;
	r->cycles_s = t2 - t1;
	r->import_s = t3 - t2;
	r->total_s = (t3 - t0) + (t5 - t4); /* the status read is not counted */
	r->events = ss.audit_events;
	if (ss.figures != (long long)r->figures)
		die("status: figures stored differ from figures imported",
		    DTI_EINTERNAL, NULL);
	loc_free(b, &l);
	return 0;
}

struct import_sum {
	int runs, asked;
	double total_s, setup_s, cycles_s, import_s, min_total, max_total;
	double fig_per_s;       /* figures / import calls' time */
	double fig_per_total_s; /* figures / total */
	size_t figures;
	long long events;
};

static void import_series(const struct backend *b, const struct fixture *f,
                          int reps, double budget_s, struct import_sum *o)
{
	size_t nr = (size_t)reps;
	double *tot = xcalloc(nr, sizeof *tot), *set = xcalloc(nr, sizeof *set),
	       *cyc = xcalloc(nr, sizeof *cyc), *imp = xcalloc(nr, sizeof *imp),
	       *fps = xcalloc(nr, sizeof *fps), *fpt = xcalloc(nr, sizeof *fpt);
	memset(o, 0, sizeof *o);
	o->asked = reps;
	double spent = 0;
	o->min_total = INFINITY;
	for (int i = 0; i < reps; i++) {
		struct import_run r;
		if (run_import(b, f, &r) != 0)
			break;
		tot[i] = r.total_s;
		set[i] = r.setup_s;
		cyc[i] = r.cycles_s;
		imp[i] = r.import_s;
		fps[i] = (double)r.figures / r.import_s;
		fpt[i] = (double)r.figures / r.total_s;
		o->figures = r.figures;
		o->events = r.events;
		if (r.total_s < o->min_total)
			o->min_total = r.total_s;
		if (r.total_s > o->max_total)
			o->max_total = r.total_s;
		o->runs = i + 1;
		spent += r.total_s;
		printf("    %s run %d: total %.2f s (setup %.3f, cycles %.3f, "
		       "import %.2f s), %.0f figures/s\n",
		       b->name, i + 1, r.total_s, r.setup_s, r.cycles_s,
		       r.import_s, fps[i]);
		fflush(stdout);
		/* a slow backend: stop once another run would pass the budget
		 * (but make 3 runs when they fit) */
		if (budget_s > 0 && i + 1 < reps &&
		    spent + r.total_s > budget_s) {
			printf("    %s: stopping after %d run%s: another would "
			       "pass the time budget of %.0f s "
			       "(--large-budget)\n",
			       b->name, i + 1, i ? "s" : "", budget_s);
			break;
		}
	}
	size_t n = (size_t)o->runs;
	o->total_s = median_of(tot, n);
	o->setup_s = median_of(set, n);
	o->cycles_s = median_of(cyc, n);
	o->import_s = median_of(imp, n);
	o->fig_per_s = median_of(fps, n);
	o->fig_per_total_s = median_of(fpt, n);
	free(tot);
	free(set);
	free(cyc);
	free(imp);
	free(fps);
	free(fpt);
}

/* ---- the disk's flush time -------------------------------------------- */

/*
 * What a durable commit waits for at least: 4 KiB written over a block of
 * a small file that already exists, then fdatasync; median of 20, in ms
 * (NaN if it cannot be measured).  Probed before each edit run, since on
 * a virtual disk it changes with the host's load.
 */
static double flush_probe_ms(const char *dir)
{
	char path[1100];
	snprintf(path, sizeof path, "%s/dti-bench-flush-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0)
		return NAN;
	unlink(path);
	char block[4096];
	memset(block, 'x', sizeof block);
	double t[20];
	int ok = 1;
	for (int i = 0; i < 8 && ok; i++)
		ok = pwrite(fd, block, sizeof block, (off_t)i * 4096) ==
		     (ssize_t)sizeof block;
	ok = ok && fdatasync(fd) == 0;
	for (int i = 0; i < 20 && ok; i++) {
		double t0 = now_s();
		ok = pwrite(fd, block, sizeof block, (off_t)(i % 8) * 4096) ==
		         (ssize_t)sizeof block &&
		     fdatasync(fd) == 0;
		t[i] = (now_s() - t0) * 1e3;
	}
	close(fd);
	return ok ? median_of(t, 20) : NAN;
}

/* ---- operation: concurrent edits ------------------------------------- */

struct writer_out {
	long long edits, errors;
	double t_start, t_end; /* CLOCK_MONOTONIC, shared by processes */
	size_t nlat;
	char first_error[256];
};

/* The editor user of writer w (1-based). */
static void writer_name(char *out, size_t outsz, int w)
{
	snprintf(out, outsz, "writer%d", w);
}

/*
 * A writer process: opens its own store, acts as its user, waits for the
 * start (the go pipe closes), edits one figure per call for `seconds`,
 * then sends its counts and latencies to the parent.
 */
static void writer_main(const char *location, int w, int nwriters,
                        const struct fixture *f, double seconds, int ready_fd,
                        int go_fd, int out_fd)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct writer_out o;
	memset(&o, 0, sizeof o);
	struct dti_store *s = NULL;
	char user[32];
	writer_name(user, sizeof user, w + 1);
	enum dti_status st = dti_store_open(location, &s, &err);
	if (st == DTI_OK)
		st = dti_store_set_actor(s, user, &err);
	if (st != DTI_OK)
		die("writer: open", st, &err);
	/* its units: i mod nwriters == w */
	size_t nown = 0;
	char(*units)[ID_MAX] = xcalloc(f->nunits, sizeof *units);
	for (size_t i = (size_t)w; i < f->nunits; i += (size_t)nwriters)
		unit_id(units[nown++], sizeof units[0], i);
	char(*codes)[ID_MAX] = xcalloc(f->nleaf, sizeof *codes);
	for (size_t j = 0; j < f->nleaf; j++)
		snprintf(codes[j], sizeof codes[0], "i%03zu", j + 1);
	double *lat = xcalloc(MAX_LAT, sizeof *lat);
	char label[ID_MAX + 8];
	cycle_label(label, sizeof label, 0);

	char c = 'r';
	if (write_all(ready_fd, &c, 1) != 0)
		_exit(1);
	close(ready_fd);
	char buf;
	while (read(go_fd, &buf, 1) < 0 && errno == EINTR)
		;
	close(go_fd);

	o.t_start = now_s();
	double deadline = o.t_start + seconds;
	uint64_t n = 0;
	double t = o.t_start;
	while (t < deadline) {
		size_t pairs = nown * f->nleaf;
		size_t k = (size_t)(n % pairs);
		struct dti_figure_edit e =
		    DTI_FIGURE_EDIT_INIT(codes[k / nown]);
		e.value = edit_value(n / pairs);
		double t0 = t;
		dti_error_release(&err);
		st = dti_submission_edit(s, label, units[k % nown], &e, 1, 0,
		                         &err);
		t = now_s();
		if (st == DTI_OK) {
			o.edits++;
			o.t_end = t;
			if (o.nlat < MAX_LAT)
				lat[o.nlat++] = t - t0;
		} else {
			if (!o.errors++) {
				char msg[200];
				dti_error_format(&err, msg, sizeof msg);
				snprintf(o.first_error, sizeof o.first_error,
				         "%s: %s", dti_strerror(st), msg);
			}
		}
		n++;
	}
	dti_store_close(s);
	if (write_all(out_fd, &o, sizeof o) != 0 ||
	    write_all(out_fd, lat, o.nlat * sizeof *lat) != 0)
		_exit(1);
	close(out_fd);
	free(lat);
	free(codes);
	free(units);
	_exit(0);
}

struct edits_run {
	long long edits, errors, events_added, events_total;
	double edits_per_s;
	double lat_p50_ms, lat_p99_ms, lat_mean_ms, lat_max_ms;
	long long writer_min, writer_max; /* edits of the least, most lucky */
	double flush_ms; /* the disk's flush time just before */
	double verify_s;
	int verify_ok;
	char first_error[256];
};

/*
 * One run with `nwriters` writers on a fresh store: 63 units x 100
 * figures in one open cycle, writer w the editor of units i mod W == w.
 * With verify, dti_audit_verify is timed at the end.
 */
static int run_edits(const struct backend *b, const struct fixture *f,
                     int nwriters, double seconds, int verify,
                     struct edits_run *r)
{
	struct dti_error err = DTI_ERROR_INIT;
	memset(r, 0, sizeof *r);
	struct loc l;
	if (loc_new(b, &l) != 0)
		return -1;
	char sha[65];
	struct dti_store *s = store_setup(&l, f, sha);
	r->flush_ms = flush_probe_ms(b->probe_dir);
	for (int w = 0; w < nwriters; w++) {
		char user[32];
		writer_name(user, sizeof user, w + 1);
		CHECK("writer user", dti_user_add(s, user, user, NULL, &err));
		for (size_t i = (size_t)w; i < f->nunits;
		     i += (size_t)nwriters) {
			char id[ID_MAX];
			unit_id(id, sizeof id, i);
			CHECK("writer role",
			      dti_user_role(s, user, DTI_ROLE_EDITOR, id, 1,
			                    &err));
		}
	}
	cycle_open(s, 0, sha);
	cycle_import(s, f, 0);
	struct dti_store_status before;
	CHECK("status", dti_store_status(s, &before, &err));
	dti_store_close(s); /* no connection crosses the fork */

	int ready[2], go[2];
	if (pipe(ready) != 0 || pipe(go) != 0)
		die("pipe", DTI_EIO, NULL);
	pid_t pid[MAX_WRITERS];
	int out[MAX_WRITERS];
	fflush(stdout);
	fflush(stderr);
	for (int w = 0; w < nwriters; w++) {
		int p[2];
		if (pipe(p) != 0)
			die("pipe", DTI_EIO, NULL);
		pid[w] = fork();
		if (pid[w] < 0)
			die("fork", DTI_EIO, NULL);
		if (pid[w] == 0) {
			close(p[0]);
			close(ready[0]);
			close(go[1]);
			for (int v = 0; v < w; v++)
				close(out[v]);
			writer_main(l.location, w, nwriters, f, seconds,
			            ready[1], go[0], p[1]);
		}
		close(p[1]);
		out[w] = p[0];
	}
	close(ready[1]);
	close(go[0]);
	/* every writer connected, then all start at once */
	for (int w = 0; w < nwriters; w++) {
		char c;
		if (read_all(ready[0], &c, 1) != 0)
			die("a writer did not start", DTI_EIO, NULL);
	}
	close(ready[0]);
	close(go[1]);

	double *lat = NULL;
	size_t nlat = 0;
	double first = INFINITY, last = 0;
	int failed = 0;
	for (int w = 0; w < nwriters; w++) {
		struct writer_out o;
		if (read_all(out[w], &o, sizeof o) != 0) {
			failed = 1;
			close(out[w]);
			continue;
		}
		double *nl = realloc(lat, (nlat + o.nlat + 1) * sizeof *lat);
		if (!nl)
			die("memory", DTI_ENOMEM, NULL);
		lat = nl;
		if (read_all(out[w], lat + nlat, o.nlat * sizeof *lat) != 0)
			failed = 1;
		nlat += o.nlat;
		close(out[w]);
		if (w == 0 || o.edits < r->writer_min)
			r->writer_min = o.edits;
		if (w == 0 || o.edits > r->writer_max)
			r->writer_max = o.edits;
		r->edits += o.edits;
		r->errors += o.errors;
		if (o.errors && !r->first_error[0])
			snprintf(r->first_error, sizeof r->first_error, "%s",
			         o.first_error);
		if (o.t_start < first)
			first = o.t_start;
		if (o.t_end > last)
			last = o.t_end;
	}
	for (int w = 0; w < nwriters; w++) {
		int status = 0;
		while (waitpid(pid[w], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	if (failed)
		die("a writer failed", DTI_EINTERNAL, NULL);
	r->edits_per_s = last > first ? (double)r->edits / (last - first) : 0;
	qsort(lat, nlat, sizeof *lat, bench_cmp_double);
	r->lat_p50_ms = quantile_sorted(lat, nlat, 0.50) * 1e3;
	r->lat_p99_ms = quantile_sorted(lat, nlat, 0.99) * 1e3;
	r->lat_max_ms = nlat ? lat[nlat - 1] * 1e3 : NAN;
	double sum = 0;
	for (size_t i = 0; i < nlat; i++)
		sum += lat[i];
	r->lat_mean_ms = nlat ? sum / (double)nlat * 1e3 : NAN;
	free(lat);

	CHECK("open", dti_store_open(l.location, &s, &err));
	struct dti_store_status after;
	CHECK("status", dti_store_status(s, &after, &err));
	r->events_added = after.audit_events - before.audit_events;
	r->events_total = after.audit_events;
	if (verify) {
		struct dti_audit_report rep;
		double t0 = now_s();
		enum dti_status st = dti_audit_verify(s, &rep, &err);
		r->verify_s = now_s() - t0;
		r->verify_ok = st == DTI_OK && rep.events == after.audit_events;
		if (!r->verify_ok)
			fprintf(stderr,
			        PROG ": audit verify FAILED: %s, %lld events, "
			             "first bad %lld: %s\n",
			        dti_strerror(st), rep.events, rep.bad_seq,
			        rep.problem);
	}
	dti_store_close(s);
	loc_free(b, &l);
	return 0;
}

struct edits_sum {
	int runs;
	double edits_per_s, min_eps, max_eps, lat_p50_ms, lat_p99_ms;
	double lat_mean_ms, lat_max_ms;
	double flush_ms;
	double edits, verify_s, verify_events;
	long long errors;
	int events_match; /* audit events added == edits in every run */
	int verify_ok;    /* every verification passed */
	int verified;
	char first_error[256];
};

static void edits_series(const struct backend *b, const struct fixture *f,
                         int nwriters, double seconds, int reps, int verify,
                         struct edits_sum *o)
{
	size_t nr = (size_t)reps;
	double *eps = xcalloc(nr, sizeof *eps), *p50 = xcalloc(nr, sizeof *p50),
	       *p99 = xcalloc(nr, sizeof *p99), *ed = xcalloc(nr, sizeof *ed),
	       *vs = xcalloc(nr, sizeof *vs), *ve = xcalloc(nr, sizeof *ve),
	       *mean = xcalloc(nr, sizeof *mean), *mx = xcalloc(nr, sizeof *mx),
	       *fl = xcalloc(nr, sizeof *fl);
	memset(o, 0, sizeof *o);
	o->events_match = 1;
	o->verify_ok = 1;
	o->min_eps = INFINITY;
	for (int i = 0; i < reps; i++) {
		struct edits_run r;
		if (run_edits(b, f, nwriters, seconds, verify, &r) != 0)
			break;
		eps[i] = r.edits_per_s;
		p50[i] = r.lat_p50_ms;
		p99[i] = r.lat_p99_ms;
		mean[i] = r.lat_mean_ms;
		mx[i] = r.lat_max_ms;
		fl[i] = r.flush_ms;
		ed[i] = (double)r.edits;
		vs[i] = r.verify_s;
		ve[i] = (double)r.events_total;
		if (r.edits_per_s < o->min_eps)
			o->min_eps = r.edits_per_s;
		if (r.edits_per_s > o->max_eps)
			o->max_eps = r.edits_per_s;
		o->errors += r.errors;
		if (r.errors && !o->first_error[0])
			snprintf(o->first_error, sizeof o->first_error, "%s",
			         r.first_error);
		if (r.events_added != r.edits)
			o->events_match = 0;
		if (verify && !r.verify_ok)
			o->verify_ok = 0;
		o->runs = i + 1;
		printf("    %s run %d: %d writer%s, %lld edits in %.0f s "
		       "(disk flush %.2f ms): %.0f edits/s; per call p50 %.2f "
		       "ms, p99 %.2f ms, "
		       "mean %.2f ms, max %.0f ms; %lld audit events added%s",
		       b->name, i + 1, nwriters, nwriters == 1 ? "" : "s",
		       r.edits, seconds, r.flush_ms, r.edits_per_s,
		       r.lat_p50_ms, r.lat_p99_ms, r.lat_mean_ms, r.lat_max_ms,
		       r.events_added,
		       r.events_added == r.edits ? "" : " (NOT the edits)");
		if (nwriters > 1)
			printf("; per writer %lld to %lld edits", r.writer_min,
			       r.writer_max);
		if (r.errors)
			printf("; %lld failed calls (%s)", r.errors,
			       r.first_error);
		if (verify)
			printf("; audit verify %s in %.1f ms over %lld events",
			       r.verify_ok ? "passed" : "FAILED",
			       r.verify_s * 1e3, r.events_total);
		printf("\n");
		fflush(stdout);
	}
	size_t n = (size_t)o->runs;
	o->edits_per_s = median_of(eps, n);
	o->lat_p50_ms = median_of(p50, n);
	o->lat_p99_ms = median_of(p99, n);
	o->lat_mean_ms = median_of(mean, n);
	o->lat_max_ms = median_of(mx, n);
	o->flush_ms = median_of(fl, n);
	o->edits = median_of(ed, n);
	o->verified = verify && n;
	o->verify_s = median_of(vs, n);
	o->verify_events = median_of(ve, n);
	free(eps);
	free(p50);
	free(p99);
	free(ed);
	free(vs);
	free(ve);
	free(mean);
	free(mx);
	free(fl);
}

/* ---- the machine and the servers -------------------------------------- */

static const char *fs_kind(const char *dir)
{
	struct statfs sf;
	if (statfs(dir, &sf) != 0)
		return "unknown file system";
	switch ((unsigned long)sf.f_type) {
	case 0xEF53: return "ext2/3/4";
	case 0x58465342: return "XFS";
	case 0x9123683E: return "Btrfs";
	case TMPFS_MAGIC_: return "tmpfs (in memory: fsync costs nothing)";
	case 0x794C7630: return "overlayfs";
	default: return "other file system";
	}
}

#ifdef BENCH_HAVE_LIBPQ
static const char *const durable_settings[] = {"fsync", "synchronous_commit",
                                               "full_page_writes"};

/*
 * Turns the server's commit syncing on (ALTER SYSTEM + reload), for a
 * throwaway server started without it; reset = 1 undoes it.
 */
static int pg_durable(const char *uri, int reset)
{
	for (size_t i = 0; i < 3; i++) {
		char sql[128];
		if (reset)
			snprintf(sql, sizeof sql, "ALTER SYSTEM RESET %s",
			         durable_settings[i]);
		else
			snprintf(sql, sizeof sql, "ALTER SYSTEM SET %s = on",
			         durable_settings[i]);
		if (pg_exec(uri, sql) != 0)
			return -1;
	}
	if (pg_exec(uri, "SELECT pg_reload_conf()") != 0)
		return -1;
	if (reset)
		return 0;
	/* the reload is a signal: wait until new sessions see it */
	for (int tries = 0; tries < 100; tries++) {
		PGconn *c = pg_connect(uri);
		if (!c)
			return -1;
		char v[2][64];
		pg_show(c, "fsync", v[0], sizeof v[0]);
		pg_show(c, "synchronous_commit", v[1], sizeof v[1]);
		PQfinish(c);
		if (strcmp(v[0], "on") == 0 && strcmp(v[1], "on") == 0)
			return 0;
		usleep(50000);
	}
	fprintf(stderr, PROG ": the server did not take fsync = on\n");
	return -1;
}

static void pg_describe(const char *uri)
{
	PGconn *c = pg_connect(uri);
	if (!c)
		return;
	static const char *const names[] = {
	    "server_version",   "fsync",     "synchronous_commit",
	    "full_page_writes", "wal_level", "shared_buffers"};
	printf("postgres:  ");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char v[128];
		pg_show(c, names[i], v, sizeof v);
		printf("%s%s %s", i ? ", " : "", names[i], v);
	}
	printf("; libpq %d; via %s:%s\n", PQlibVersion(),
	       PQhost(c) ? PQhost(c) : "?", PQport(c) ? PQport(c) : "?");
	char dir[512];
	pg_show(c, "data_directory", dir, sizeof dir);
	if (strcmp(dir, "?") != 0)
		printf("           data directory %s (%s)\n", dir,
		       fs_kind(dir));
	PQfinish(c);
}
#endif

/* ---- main ------------------------------------------------------------- */

struct settings {
	int reps, reps_large, writers;
	double seconds, large_budget;
	size_t large_units, large_leaves;
	int only_import, only_large, only_edits, any_only;
	int pg_durable;
	const char *pg_uri;
	const char *dir;
	int sqlite, pg;
};

static void usage(FILE *fp)
{
	fprintf(fp,
	        "usage: " PROG " [options]\n"
	        "  --pg URI          PostgreSQL database to test (default: "
	        "$DTI_TEST_PG);\n"
	        "                    scratch schemas are made and dropped in "
	        "it\n"
	        "  --no-pg           SQLite only\n"
	        "  --no-sqlite       PostgreSQL only\n"
	        "  --pg-durable      turn the server's fsync and "
	        "synchronous_commit on\n"
	        "                    (ALTER SYSTEM; for a throwaway server "
	        "started without)\n"
	        "  --dir DIR         where SQLite stores go (default: $TMPDIR "
	        "or /tmp)\n"
	        "  --reps N          runs of the 63-unit import and of the "
	        "edits (default 5)\n"
	        "  --reps-large N    runs of the large import (default 3)\n"
	        "  --large-budget S  stop the large import's runs on a "
	        "backend once\n"
	        "                    another would pass S seconds (default "
	        "600; 0: never)\n"
	        "  --units N         units of the large import (default "
	        "10000)\n"
	        "  --indicators N    indicators of the large import "
	        "(default 200)\n"
	        "  --seconds S       how long the writers edit per run "
	        "(default 5)\n"
	        "  --writers N       concurrent writers (default 8; 1 writer "
	        "is always run)\n"
	        "  --only LIST       operations: import,large,edits\n");
}

static double parse_num(const char *opt, const char *v, double lo, double hi)
{
	char *end = NULL;
	errno = 0;
	double x = v ? strtod(v, &end) : NAN;
	if (!v || errno || *end || !(x >= lo && x <= hi)) {
		fprintf(stderr, PROG ": %s needs a number in [%g, %g]\n", opt,
		        lo, hi);
		exit(2);
	}
	return x;
}

static void parse_only(struct settings *s, const char *list)
{
	if (!list) {
		usage(stderr);
		exit(2);
	}
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", list);
	char *save = NULL;
	for (char *tok = strtok_r(tmp, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "import") == 0)
			s->only_import = 1;
		else if (strcmp(tok, "large") == 0)
			s->only_large = 1;
		else if (strcmp(tok, "edits") == 0)
			s->only_edits = 1;
		else {
			fprintf(stderr, PROG ": no operation '%s'\n", tok);
			exit(2);
		}
	}
	s->any_only = 1;
}

/* One line of the summary table: a cell per backend. */
struct row {
	char op[96];
	char size[96];
	char cell[2][64];
};

static void print_rows(const struct row *rows, size_t n,
                       const struct backend *bk, const int *on)
{
	int w_op = 9, w_size = 4, w_cell[2] = {6, 10};
	for (size_t i = 0; i < n; i++) {
		int a = (int)strlen(rows[i].op), b = (int)strlen(rows[i].size);
		w_op = a > w_op ? a : w_op;
		w_size = b > w_size ? b : w_size;
		for (int k = 0; k < 2; k++) {
			int c = (int)strlen(rows[i].cell[k]);
			w_cell[k] = c > w_cell[k] ? c : w_cell[k];
		}
	}
	printf("%-*s | %-*s | %*s | %*s\n", w_op, "operation", w_size, "size",
	       w_cell[0], bk[0].name, w_cell[1], bk[1].name);
	printf("%.*s\n", w_op + w_size + w_cell[0] + w_cell[1] + 9,
	       "------------------------------------------------------------"
	       "------------------------------------------------------------"
	       "------------------------------------------------------------");
	for (size_t i = 0; i < n; i++)
		printf("%-*s | %-*s | %*s | %*s\n", w_op, rows[i].op, w_size,
		       rows[i].size, w_cell[0], on[0] ? rows[i].cell[0] : "-",
		       w_cell[1], on[1] ? rows[i].cell[1] : "-");
}

static void cell_secs(char *out, size_t outsz, double s, int runs)
{
	if (runs <= 0)
		snprintf(out, outsz, "failed");
	else if (s < 10)
		snprintf(out, outsz, "%.2f s (%d)", s, runs);
	else
		snprintf(out, outsz, "%.1f s (%d)", s, runs);
}

static void cell_rate(char *out, size_t outsz, double v, int runs)
{
	char g[32];
	if (runs <= 0)
		snprintf(out, outsz, "failed");
	else
		snprintf(out, outsz, "%s (%d)", group3(g, sizeof g, v), runs);
}

int main(int argc, char **argv)
{
	struct settings s = {.reps = 5,
	                     .reps_large = 3,
	                     .writers = 8,
	                     .seconds = 5.0,
	                     .large_budget = 600.0,
	                     .large_units = 10000,
	                     .large_leaves = 200,
	                     .sqlite = 1,
	                     .pg = 1};
	s.pg_uri = getenv("DTI_TEST_PG");
	s.dir = getenv("TMPDIR");
	if (!s.dir || !*s.dir)
		s.dir = "/tmp";
	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;
		if (strcmp(o, "--pg") == 0 && v) {
			s.pg_uri = v;
			a++;
		} else if (strcmp(o, "--no-pg") == 0) {
			s.pg = 0;
		} else if (strcmp(o, "--no-sqlite") == 0) {
			s.sqlite = 0;
		} else if (strcmp(o, "--pg-durable") == 0) {
			s.pg_durable = 1;
		} else if (strcmp(o, "--dir") == 0 && v) {
			s.dir = v;
			a++;
		} else if (strcmp(o, "--reps") == 0) {
			s.reps = (int)parse_num(o, v, 1, 1000);
			a++;
		} else if (strcmp(o, "--reps-large") == 0) {
			s.reps_large = (int)parse_num(o, v, 1, 1000);
			a++;
		} else if (strcmp(o, "--large-budget") == 0) {
			s.large_budget = parse_num(o, v, 0, 1e6);
			a++;
		} else if (strcmp(o, "--units") == 0) {
			s.large_units = (size_t)parse_num(o, v, 1, 1e6);
			a++;
		} else if (strcmp(o, "--indicators") == 0) {
			s.large_leaves = (size_t)parse_num(o, v, 1, 999);
			a++;
		} else if (strcmp(o, "--seconds") == 0) {
			s.seconds = parse_num(o, v, 0.1, 3600);
			a++;
		} else if (strcmp(o, "--writers") == 0) {
			s.writers = (int)parse_num(o, v, 1, SMALL_UNITS);
			a++;
		} else if (strcmp(o, "--only") == 0) {
			parse_only(&s, v);
			a++;
		} else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, PROG ": unknown option '%s'\n", o);
			usage(stderr);
			return 2;
		}
	}
	if (!s.any_only)
		s.only_import = s.only_large = s.only_edits = 1;
	if (!s.pg_uri || !*s.pg_uri)
		s.pg = 0;
#ifndef BENCH_HAVE_LIBPQ
	if (s.pg) {
		fprintf(stderr, PROG ": built without libpq: no PostgreSQL "
		                     "column\n");
		s.pg = 0;
	}
#endif
	/* a writer that dies must not kill the parent with SIGPIPE */
	signal(SIGPIPE, SIG_IGN);

	const struct backend bk[2] = {{"SQLite", 0, NULL, s.dir, s.dir},
	                              {"PostgreSQL", 1, s.pg_uri, NULL, s.dir}};
	int on[2] = {s.sqlite, s.pg};

	char model[256];
	cpu_model(model, sizeof model);
	struct utsname un;
	printf("dti %s benchmark: the store (import, audited edits), SQLite "
	       "and PostgreSQL\n",
	       DTI_VERSION);
	printf("machine:   %s, %ld CPUs online\n", model,
	       sysconf(_SC_NPROCESSORS_ONLN));
	if (uname(&un) == 0)
		printf("kernel:    %s %s %s\n", un.sysname, un.release,
		       un.machine);
	printf("compiler:  %s %s\n", BENCH_COMPILER, __VERSION__);
	printf("build:     %s (-O%s), libdti shared\n", BENCH_BUILDTYPE,
	       BENCH_OPTIMIZATION);
	FILE *la = fopen("/proc/loadavg", "r");
	double load1 = -1;
	if (la) {
		if (fscanf(la, "%lf", &load1) != 1)
			load1 = -1;
		fclose(la);
	}
	if (load1 >= 0)
		printf("load:      %.2f (1-minute load average at start)\n",
		       load1);
	if (on[0])
		printf("sqlite:    stores in %s (%s); WAL journal, "
		       "synchronous=FULL as libdti opens them: a commit is on "
		       "disk when the call returns\n",
		       s.dir, fs_kind(s.dir));
	else
		printf("sqlite:    not run (--no-sqlite)\n");
#ifdef BENCH_HAVE_LIBPQ
	if (on[1] && s.pg_durable && pg_durable(s.pg_uri, 0) != 0) {
		fprintf(stderr, PROG ": cannot turn fsync on: no PostgreSQL "
		                     "column\n");
		on[1] = 0;
	}
	if (on[1])
		pg_describe(s.pg_uri);
#endif
	if (!on[1])
		printf("postgres:  not run (give --pg URI or set DTI_TEST_PG; "
		       "scripts/bench.sh runs a throwaway server)\n");
	printf("timing:    CLOCK_MONOTONIC; each run on a fresh store; "
	       "medians of the runs (their number in brackets)\n\n");
	fflush(stdout);

	struct import_sum small[2], large[2];
	struct edits_sum one[2], many[2];
	memset(small, 0, sizeof small);
	memset(large, 0, sizeof large);
	memset(one, 0, sizeof one);
	memset(many, 0, sizeof many);
	int bad = 0;

	if (s.only_import || s.only_edits) {
		struct fixture f;
		fixture_make(&f, SMALL_UNITS, SMALL_LEAVES, SMALL_CYCLES);
		if (s.only_import) {
			printf("import: %zu units x %zu indicators x %zu "
			       "cycles = %zu figures (dataset built in %.1f "
			       "ms, not timed)\n",
			       f.nunits, f.nleaf, f.ncycles, f.figures,
			       f.build_s * 1e3);
			for (int k = 0; k < 2; k++)
				if (on[k])
					import_series(&bk[k], &f, s.reps, 0,
					              &small[k]);
		}
		if (s.only_edits) {
			printf("edits: one figure per dti_submission_edit "
			       "call, %.0f s per run, on %zu units x %zu "
			       "figures in one open cycle\n",
			       s.seconds, f.nunits, f.nleaf);
			for (int k = 0; k < 2; k++) {
				if (!on[k])
					continue;
				edits_series(&bk[k], &f, 1, s.seconds, s.reps,
				             0, &one[k]);
				edits_series(&bk[k], &f, s.writers, s.seconds,
				             s.reps, 1, &many[k]);
			}
		}
		fixture_free(&f);
	}
	if (s.only_large) {
		struct fixture f;
		fixture_make(&f, s.large_units, s.large_leaves, 1);
		printf("large: %zu units x %zu indicators x 1 cycle = %zu "
		       "figures (dataset built in %.1f ms, not timed)\n",
		       f.nunits, f.nleaf, f.figures, f.build_s * 1e3);
		for (int k = 0; k < 2; k++)
			if (on[k])
				import_series(&bk[k], &f, s.reps_large,
				              s.large_budget, &large[k]);
		fixture_free(&f);
	}

	/* the summary */
	struct row rows[12];
	size_t nr = 0;
	char g1[32], g2[32];
	if (s.only_import) {
		struct row *r = &rows[nr++];
		snprintf(r->op, sizeof r->op,
		         "import: framework, units, %d cycles, figures",
		         SMALL_CYCLES);
		snprintf(r->size, sizeof r->size,
		         "%d units x %d indicators x %d cycles = %s figures",
		         SMALL_UNITS, SMALL_LEAVES, SMALL_CYCLES,
		         group3(g1, sizeof g1,
		                SMALL_UNITS * SMALL_LEAVES * SMALL_CYCLES));
		for (int k = 0; k < 2; k++)
			cell_secs(r->cell[k], sizeof r->cell[k],
			          small[k].total_s, small[k].runs);
		r = &rows[nr++];
		snprintf(r->op, sizeof r->op,
		         "  figures/s (dti_submission_import calls)");
		snprintf(r->size, sizeof r->size, "%d calls of %s figures",
		         SMALL_CYCLES,
		         group3(g1, sizeof g1, SMALL_UNITS * SMALL_LEAVES));
		for (int k = 0; k < 2; k++)
			cell_rate(r->cell[k], sizeof r->cell[k],
			          small[k].fig_per_s, small[k].runs);
	}
	if (s.only_large) {
		struct row *r = &rows[nr++];
		snprintf(r->op, sizeof r->op,
		         "import: framework, units, 1 cycle, figures");
		snprintf(
		    r->size, sizeof r->size,
		    "%s units x %zu indicators = %s figures",
		    group3(g1, sizeof g1, (double)s.large_units),
		    s.large_leaves,
		    group3(g2, sizeof g2,
		           (double)s.large_units * (double)s.large_leaves));
		for (int k = 0; k < 2; k++)
			cell_secs(r->cell[k], sizeof r->cell[k],
			          large[k].total_s, large[k].runs);
		r = &rows[nr++];
		snprintf(r->op, sizeof r->op,
		         "  figures/s (dti_submission_import call)");
		snprintf(r->size, sizeof r->size, "1 call");
		for (int k = 0; k < 2; k++)
			cell_rate(r->cell[k], sizeof r->cell[k],
			          large[k].fig_per_s, large[k].runs);
	}
	if (s.only_edits) {
		struct row *r = &rows[nr++];
		snprintf(r->op, sizeof r->op, "edits/s, 1 writer");
		snprintf(r->size, sizeof r->size,
		         "1 figure per call (1 transaction + audit event), "
		         "%.0f s",
		         s.seconds);
		for (int k = 0; k < 2; k++)
			cell_rate(r->cell[k], sizeof r->cell[k],
			          one[k].edits_per_s, one[k].runs);
		r = &rows[nr++];
		snprintf(r->op, sizeof r->op, "edits/s, %d writers (processes)",
		         s.writers);
		snprintf(r->size, sizeof r->size, "the same, all at once");
		for (int k = 0; k < 2; k++)
			cell_rate(r->cell[k], sizeof r->cell[k],
			          many[k].edits_per_s, many[k].runs);
		r = &rows[nr++];
		snprintf(r->op, sizeof r->op,
		         "dti_audit_verify after %d writers", s.writers);
		double ev =
		    on[0] ? many[0].verify_events : many[1].verify_events;
		if (on[0] && on[1])
			snprintf(r->size, sizeof r->size,
			         "the whole chain: %s / %s events",
			         group3(g1, sizeof g1, many[0].verify_events),
			         group3(g2, sizeof g2, many[1].verify_events));
		else
			snprintf(r->size, sizeof r->size,
			         "the whole chain: %s events",
			         group3(g1, sizeof g1, ev));
		for (int k = 0; k < 2; k++) {
			if (many[k].runs <= 0)
				snprintf(r->cell[k], sizeof r->cell[k],
				         "failed");
			else
				snprintf(r->cell[k], sizeof r->cell[k],
				         "%.0f ms, %s (%d)",
				         many[k].verify_s * 1e3,
				         many[k].verify_ok ? "passes" : "FAILS",
				         many[k].runs);
		}
		r = &rows[nr++];
		snprintf(r->op, sizeof r->op,
		         "disk flush before the edit runs");
		snprintf(r->size, sizeof r->size,
		         "4 KiB pwrite + fdatasync in %.40s", s.dir);
		for (int k = 0; k < 2; k++) {
			double v[2] = {one[k].flush_ms, many[k].flush_ms};
			if (one[k].runs <= 0 || many[k].runs <= 0)
				snprintf(r->cell[k], sizeof r->cell[k], "-");
			else
				snprintf(r->cell[k], sizeof r->cell[k],
				         "%.2f ms (%d)", median_of(v, 2),
				         one[k].runs + many[k].runs);
		}
	}
	printf("\n");
	print_rows(rows, nr, bk, on);
	printf("(medians; runs in brackets; times from opening an empty "
	       "store to the last commit)\n");

	/* details and checks */
	for (int k = 0; k < 2; k++) {
		if (!on[k])
			continue;
		const struct import_sum *a = &small[k], *b = &large[k];
		if (a->runs)
			printf("%s import %dx%dx%d: setup %.3f s, %d cycles "
			       "created and opened %.3f s, import calls %.2f "
			       "s; %s audit events; total %.2f s (min %.2f, "
			       "max %.2f), %.0f figures/s over the total\n",
			       bk[k].name, SMALL_UNITS, SMALL_LEAVES,
			       SMALL_CYCLES, a->setup_s, SMALL_CYCLES,
			       a->cycles_s, a->import_s,
			       group3(g1, sizeof g1, (double)a->events),
			       a->total_s, a->min_total, a->max_total,
			       a->fig_per_total_s);
		if (b->runs)
			printf("%s import %zux%zu: setup %.2f s, cycle created "
			       "and opened %.2f s, import call %.1f s; %s "
			       "audit events; total %.1f s (min %.1f, max "
			       "%.1f), %.0f figures/s over the total; %d "
			       "run%s%s\n",
			       bk[k].name, s.large_units, s.large_leaves,
			       b->setup_s, b->cycles_s, b->import_s,
			       group3(g1, sizeof g1, (double)b->events),
			       b->total_s, b->min_total, b->max_total,
			       b->fig_per_total_s, b->runs,
			       b->runs == 1 ? "" : "s",
			       b->runs < b->asked
			           ? " (fewer than asked: a run takes longer "
			             "than the time budget allows, see "
			             "--large-budget)"
			           : "");
		const struct edits_sum *e[2] = {&one[k], &many[k]};
		for (int j = 0; j < 2; j++) {
			if (!e[j]->runs)
				continue;
			printf(
			    "%s edits, %d writer%s: median %.0f edits/s "
			    "(min %.0f, max %.0f), %.0f edits per run; per "
			    "call p50 %.2f ms, p99 %.2f ms, mean %.2f ms, max "
			    "%.0f ms; audit events %s the edits; %lld failed "
			    "calls%s%s\n",
			    bk[k].name, j ? s.writers : 1,
			    j && s.writers > 1 ? "s" : "", e[j]->edits_per_s,
			    e[j]->min_eps, e[j]->max_eps, e[j]->edits,
			    e[j]->lat_p50_ms, e[j]->lat_p99_ms,
			    e[j]->lat_mean_ms, e[j]->lat_max_ms,
			    e[j]->events_match ? "match" : "DO NOT match",
			    e[j]->errors, e[j]->errors ? ": " : "",
			    e[j]->first_error);
			if (!e[j]->events_match || e[j]->errors ||
			    (e[j]->verified && !e[j]->verify_ok))
				bad = 1;
		}
		if ((s.only_import && !a->runs) || (s.only_large && !b->runs))
			bad = 1;
	}
#ifdef BENCH_HAVE_LIBPQ
	if (on[1] && s.pg_durable)
		pg_durable(s.pg_uri, 1);
#endif
	return bad;
}
