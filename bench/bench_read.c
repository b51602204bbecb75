/*
 * bench/bench_read.c - how fast a data file is read: the same figures as
 * CSV and as a workbook (.xlsx), at the size of the DTI (63 units x 98
 * indicators) and at 10,000 units x 200 indicators.
 *
 * Links the shared libdti, so it measures what a user of the library gets:
 * dti_dataset_parse() on a file's bytes already in memory, from the first
 * byte to the checked dataset (every figure parsed and checked against its
 * indicator's rule, units matched, metadata read), median of several runs.
 * The workbook is written here with libzip the way spreadsheets write
 * theirs: shared strings for the header and the unit names, number cells
 * with the shortest text of each figure, deflated parts; reading it takes
 * unzipping, XML parsing (expat) and then the same checks as CSV.  Both
 * readings must give the same dataset (its hash is compared).
 *
 * Usage: bench_read [--reps N] [--units N] [--indicators N]
 *   --reps N        timed runs of each case (default 11; 3 warm-up runs
 *                   first at 63 units, 1 at the large size)
 * Wall time (CLOCK_MONOTONIC) and CPU time of the process are shown: on
 * a busy machine the CPU time is the steadier figure.
 *   --units N, --indicators N   the large case (default 10000 x 200)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <dti/dti.h>
#include <zip.h>

#include "benchutil.h"

/* ---- a growable text ----------------------------------------------- */

struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 65536;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			fprintf(stderr, "bench_read: out of memory\n");
			exit(1);
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void adds(struct text *t, const char *s)
{
	add(t, s, strlen(s));
}

static void addf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void addf(struct text *t, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		fprintf(stderr, "bench_read: text too long\n");
		exit(1);
	}
	add(t, tmp, (size_t)n);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process: slices lost to other work do not count. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t rng_state = 20251202;

static double rng_unif(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

static void die(const char *what, const struct dti_error *err)
{
	char msg[1024] = "";
	if (err && err->code)
		dti_error_format(err, msg, sizeof msg);
	fprintf(stderr, "bench_read: %s: %s\n", what, msg);
	exit(1);
}

/* ---- the inputs -------------------------------------------------------- */

/* A weights framework: nind indicators under the index, min-max. */
static void framework(struct text *t, size_t nind)
{
	addf(t,
	     "# dti-framework: 1\n# id: bench-read-%zu\n# version: bench\n"
	     "# title_en: Benchmark: %zu indicators\n# status: example\n"
	     "# scoring: weights\n# scale: 100\n# precision: 4\n"
	     "# missing: exclude\n# normalise: minmax\n"
	     "code,parent,kind,name_en,weight\nidx,,index,Index,\n",
	     nind, nind);
	for (size_t i = 0; i < nind; i++)
		addf(t, "i%04zu,idx,indicator,Indicator %zu,%zu\n", i + 1,
		     i + 1, 1 + i % 3);
}

/* The figures: [unit][indicator] as text ("" when missing, 1 in 100). */
static char **figures(size_t nunits, size_t nind)
{
	char **f = calloc(nunits * nind, sizeof *f);
	if (!f)
		exit(1);
	for (size_t u = 0; u < nunits; u++)
		for (size_t i = 0; i < nind; i++) {
			if (rng_unif() < 0.01)
				continue;
			double v = 10.0 * (double)(i % 17) +
			           (1.0 + (double)(i % 7)) * 10 * rng_unif();
			char tmp[32];
			snprintf(tmp, sizeof tmp, "%.3f", v);
			/* the shortest text, as spreadsheets write numbers */
			size_t n = strlen(tmp);
			while (tmp[n - 1] == '0')
				tmp[--n] = '\0';
			if (tmp[n - 1] == '.')
				tmp[--n] = '\0';
			f[u * nind + i] = strdup(tmp);
		}
	return f;
}

static void csv_data(struct text *t, char **f, size_t nunits, size_t nind)
{
	adds(t, "# synthetic: yes\nyear,unit");
	for (size_t i = 0; i < nind; i++)
		addf(t, ",i%04zu", i + 1);
	adds(t, "\n");
	for (size_t u = 0; u < nunits; u++) {
		addf(t, "2025,Đơn vị %05zu", u + 1);
		for (size_t i = 0; i < nind; i++) {
			adds(t, ",");
			if (f[u * nind + i])
				adds(t, f[u * nind + i]);
		}
		adds(t, "\n");
	}
}

static void col_name(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0;
	while (col > 0) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static void zadd(zip_t *za, const char *name, struct text *t)
{
	zip_source_t *s = zip_source_buffer(za, t->p, t->len, 1);
	if (!s || zip_file_add(za, name, s, 0) < 0) {
		fprintf(stderr, "bench_read: zip: %s\n", zip_strerror(za));
		exit(1);
	}
	memset(t, 0, sizeof *t); /* the zip frees it */
}

/* The same data as a workbook, written into memory. */
static char *xlsx_data(char **f, size_t nunits, size_t nind, size_t *len)
{
	static const char ns[] =
	    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
	    "main\" xmlns:r=\"http://schemas.openxmlformats.org/"
	    "officeDocument/2006/relationships\"";
	static const char rt[] = "http://schemas.openxmlformats.org/"
	                         "officeDocument/2006/relationships/";
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za)
		exit(1);
	struct text t = {0};
	adds(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
	         "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	         "content-types\"><Default Extension=\"rels\" "
	         "ContentType=\"application/"
	         "vnd.openxmlformats-package.relationships+xml\"/><Default "
	         "Extension=\"xml\" ContentType=\"application/xml\"/></Types>");
	zadd(za, "[Content_Types].xml", &t);
	addf(&t,
	     "<?xml version=\"1.0\"?><Relationships "
	     "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	     "relationships\"><Relationship Id=\"rId1\" "
	     "Type=\"%sofficeDocument\" Target=\"xl/workbook.xml\"/>"
	     "</Relationships>",
	     rt);
	zadd(za, "_rels/.rels", &t);
	addf(&t,
	     "<?xml version=\"1.0\"?><workbook %s><sheets><sheet "
	     "name=\"Dữ liệu\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
	     "</workbook>",
	     ns);
	zadd(za, "xl/workbook.xml", &t);
	addf(&t,
	     "<?xml version=\"1.0\"?><Relationships "
	     "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	     "relationships\"><Relationship Id=\"rId1\" Type=\"%sworksheet\" "
	     "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
	     "Type=\"%ssharedStrings\" Target=\"sharedStrings.xml\"/>"
	     "</Relationships>",
	     rt, rt);
	zadd(za, "xl/_rels/workbook.xml.rels", &t);
	/* shared strings: the metadata, year, unit, codes, then names */
	addf(&t, "<?xml version=\"1.0\"?><sst %s>", ns);
	adds(&t, "<si><t># synthetic: yes</t></si><si><t>year</t></si>"
	         "<si><t>unit</t></si>");
	for (size_t i = 0; i < nind; i++)
		addf(&t, "<si><t>i%04zu</t></si>", i + 1);
	for (size_t u = 0; u < nunits; u++)
		addf(&t, "<si><t>Đơn vị %05zu</t></si>", u + 1);
	adds(&t, "</sst>");
	zadd(za, "xl/sharedStrings.xml", &t);
	addf(&t,
	     "<?xml version=\"1.0\"?><worksheet %s><sheetData>"
	     "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
	     "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c>"
	     "<c r=\"B2\" t=\"s\"><v>2</v></c>",
	     ns);
	char cn[8];
	for (size_t i = 0; i < nind; i++) {
		col_name(i + 3, cn);
		addf(&t, "<c r=\"%s2\" t=\"s\"><v>%zu</v></c>", cn, i + 3);
	}
	adds(&t, "</row>");
	for (size_t u = 0; u < nunits; u++) {
		size_t r = u + 3;
		addf(
		    &t,
		    "<row r=\"%zu\"><c r=\"A%zu\"><v>2025</v></c><c r=\"B%zu\" "
		    "t=\"s\"><v>%zu</v></c>",
		    r, r, r, 3 + nind + u);
		for (size_t i = 0; i < nind; i++) {
			if (!f[u * nind + i])
				continue;
			col_name(i + 3, cn);
			addf(&t, "<c r=\"%s%zu\"><v>%s</v></c>", cn, r,
			     f[u * nind + i]);
		}
		adds(&t, "</row>");
	}
	adds(&t, "</sheetData></worksheet>");
	zadd(za, "xl/worksheets/sheet1.xml", &t);
	if (zip_close(za) < 0)
		exit(1);
	zip_stat_t st;
	zip_source_stat(src, &st);
	char *buf = malloc(st.size);
	if (!buf || zip_source_open(src) < 0 ||
	    zip_source_read(src, buf, st.size) != (zip_int64_t)st.size)
		exit(1);
	zip_source_close(src);
	zip_source_free(src);
	*len = (size_t)st.size;
	return buf;
}

/* ---- timing ---------------------------------------------------------- */

struct timing {
	double med, min, max, cpu;
	char hash[65];
};

static struct timing time_parse(const struct dti_framework *fw, const char *buf,
                                size_t len, const char *name, int warm,
                                int reps)
{
	struct timing r;
	double *t = calloc((size_t)reps, sizeof *t);
	double *c = calloc((size_t)reps, sizeof *c);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_read_opts ro = DTI_READ_OPTS_INIT;
	for (int k = -warm; k < reps; k++) {
		struct dti_dataset *ds;
		double c0 = cpu_ms(), t0 = now_ms();
		if (dti_dataset_parse(fw, NULL, buf, len, name, &ro, &ds, &err))
			die(name, &err);
		double t1 = now_ms(), c1 = cpu_ms();
		if (k >= 0) {
			t[k] = t1 - t0;
			c[k] = c1 - c0;
		}
		if (k == reps - 1 && dti_dataset_hash(ds, 0, r.hash))
			die("hash", NULL);
		dti_dataset_free(ds);
	}
	r.min = r.max = t[0];
	for (int k = 0; k < reps; k++) {
		r.min = t[k] < r.min ? t[k] : r.min;
		r.max = t[k] > r.max ? t[k] : r.max;
	}
	r.med = median_of(t, (size_t)reps);
	r.cpu = median_of(c, (size_t)reps);
	free(t);
	free(c);
	return r;
}

static void write_file(const char *dir, const char *name, const char *p,
                       size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "bench_read: cannot write %s\n", path);
		exit(1);
	}
}

/* --write DIR: the inputs of the large case as files, for timing whole
 * processes (bench/process.sh): framework.csv, data.csv, data.xlsx. */
static void write_case(const char *dir, size_t nunits, size_t nind)
{
	struct text fwt = {0}, csv = {0};
	framework(&fwt, nind);
	char **f = figures(nunits, nind);
	csv_data(&csv, f, nunits, nind);
	size_t xlen;
	char *xlsx = xlsx_data(f, nunits, nind, &xlen);
	write_file(dir, "framework.csv", fwt.p, fwt.len);
	write_file(dir, "data.csv", csv.p, csv.len);
	write_file(dir, "data.xlsx", xlsx, xlen);
	for (size_t i = 0; i < nunits * nind; i++)
		free(f[i]);
	free(f);
	free(csv.p);
	free(fwt.p);
	free(xlsx);
}

static int csv_only; /* --csv-only: the workbook is not timed */

static void run_case(size_t nunits, size_t nind, int reps)
{
	struct text fwt = {0}, csv = {0};
	framework(&fwt, nind);
	struct dti_framework *fw;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_framework_parse(fwt.p, fwt.len, "bench", &fw, &err))
		die("framework", &err);
	char **f = figures(nunits, nind);
	csv_data(&csv, f, nunits, nind);
	int warm = nunits > 1000 ? 1 : 3;
	struct timing c =
	    time_parse(fw, csv.p, csv.len, "bench.csv", warm, reps);
	printf("%6zu x %-4zu  CSV  %8.1f KiB  median %9.2f ms  "
	       "(min %.2f, max %.2f; CPU %.2f)  %.1f MB/s\n",
	       nunits, nind, (double)csv.len / 1024, c.med, c.min, c.max, c.cpu,
	       (double)csv.len / 1e6 / (c.med / 1e3));
	fflush(stdout);
	if (csv_only) {
		for (size_t i = 0; i < nunits * nind; i++)
			free(f[i]);
		free(f);
		free(csv.p);
		free(fwt.p);
		dti_framework_free(fw);
		return;
	}
	size_t xlen;
	char *xlsx = xlsx_data(f, nunits, nind, &xlen);
	struct timing x = time_parse(fw, xlsx, xlen, "bench.xlsx", warm, reps);
	if (strcmp(c.hash, x.hash) != 0) {
		fprintf(stderr, "bench_read: the workbook gave other "
		                "figures than the CSV\n");
		exit(1);
	}
	printf("%6zu x %-4zu  XLSX %8.1f KiB  median %9.2f ms  "
	       "(min %.2f, max %.2f; CPU %.2f)  %.2f x the CSV\n",
	       nunits, nind, (double)xlen / 1024, x.med, x.min, x.max, x.cpu,
	       x.med / c.med);
	fflush(stdout);
	for (size_t i = 0; i < nunits * nind; i++)
		free(f[i]);
	free(f);
	free(csv.p);
	free(fwt.p);
	free(xlsx);
	dti_framework_free(fw);
}

int main(int argc, char **argv)
{
	int reps = 11;
	size_t units = 10000, inds = 200;
	const char *write = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--units") == 0 && i + 1 < argc)
			units = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--indicators") == 0 && i + 1 < argc)
			inds = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--csv-only") == 0)
			csv_only = 1;
		else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
			write = argv[++i];
		else {
			fprintf(stderr, "usage: bench_read [--reps N] "
			                "[--units N] [--indicators N] "
			                "[--csv-only] [--write DIR]\n");
			return 2;
		}
	}
	if (reps < 1 || !units || !inds)
		return 2;
	if (write) {
		write_case(write, units, inds);
		return 0;
	}
	char cpu[256];
	cpu_model(cpu, sizeof cpu);
	struct utsname u;
	uname(&u);
	double load[1] = {0};
	getloadavg(load, 1);
	printf("bench_read: dti_dataset_parse() of the same figures as CSV "
	       "and as .xlsx\n%s, %ld CPUs, %s %s, libdti %s, load %.2f; "
	       "medians of %d runs\n\n",
	       cpu, sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release,
	       dti_version(), load[0], reps);
	run_case(63, 98, reps);
	run_case(units, inds, reps);
	return 0;
}
