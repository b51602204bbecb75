/*
 * tests/alloc/test_alloc.c - every allocation of the engine fails in turn.
 *
 * For each call below (framework parsing, units and data reading, compute,
 * output, explanations, rebasing, charts) the test first makes the call once as
 * it is and keeps a print of what it produced (the framework, dataset or
 * result written out in full, or the text the call wrote).  Then, for
 * k = 1, 2, ..., it makes the call again with allocation number k refused
 * (see allocfail.h), until a run reaches no allocation k.  Each run must:
 *
 *   - return DTI_ENOMEM, with the error struct saying DTI_ENOMEM, or
 *     return DTI_OK with exactly the reference print (some allocations
 *     have a fallback: stdio's buffer, the units list's in-place sort);
 *   - leave no block allocated by the call once its product is freed;
 *   - not crash (a crash names the call and k on stderr).
 *
 * Per phase it prints the allocations tried, how the runs ended and the
 * leaks, and it exits 1 when any run broke a rule.  DTI_ALLOC_TRACE=1
 * prints where leaked blocks were allocated; DTI_ALLOC_ONLY=<name> runs
 * the calls whose name contains <name> only.
 *
 * Built in the normal build only: a sanitizer replaces malloc itself.
 */
#define _GNU_SOURCE 1
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocfail.h"
#include "dti/dti.h"

/* ---- inputs ------------------------------------------------------------ */

struct file {
	const char *rel;
	char *data;
	size_t len;
};

static struct file f_fw_example = {"frameworks/example-province-internal.csv"};
static struct file f_fw_pdti = {"frameworks/pdti-2022.csv"};
static struct file f_units_example = {"data/demo/example-units.csv"};
static struct file f_groups_example = {"data/demo/example-groups.csv"};
static struct file f_units_vn = {"data/units/vn-provinces.csv"};
static struct file f_data_example = {"data/demo/example-2025.csv"};
static struct file f_data_long = {"data/demo/example-2025-long.csv"};
static struct file f_data_pdti = {"data/demo/pdti-2022-demo.csv"};
static struct file f_tiles = {"data/units/tiles-63.csv"};
static char *pdti_data_path;

static char *source_path(const char *rel)
{
	const char *d = getenv("DTI_SRCDIR");
	if (!d || !*d)
		d = ".";
	size_t n = strlen(d) + strlen(rel) + 2;
	char *p = malloc(n);
	if (!p)
		abort();
	snprintf(p, n, "%s/%s", d, rel);
	return p;
}

static void slurp(struct file *f)
{
	char *path = source_path(f->rel);
	FILE *in = fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	size_t cap = 1 << 16;
	f->data = malloc(cap);
	f->len = 0;
	size_t got;
	while (f->data &&
	       (got = fread(f->data + f->len, 1, cap - f->len, in)) > 0) {
		f->len += got;
		if (f->len == cap) {
			cap *= 2;
			char *p = realloc(f->data, cap);
			if (!p)
				free(f->data);
			f->data = p;
		}
	}
	fclose(in);
	free(path);
	if (!f->data)
		abort();
}

/* Objects made once, with every allocation granted. */
static struct dti_framework *fw_example, *fw_pdti;
static struct dti_units *units_example, *units_vn;
static struct dti_dataset *ds_example, *ds_pdti;

static void die(const char *what, enum dti_status st,
                const struct dti_error *err)
{
	fprintf(stderr, "%s: %s: %s\n", what, dti_strerror(st), err->message);
	exit(1);
}

static void load_world(void)
{
	struct file *all[] = {&f_fw_example,     &f_fw_pdti,   &f_units_example,
	                      &f_groups_example, &f_units_vn,  &f_data_example,
	                      &f_data_long,      &f_data_pdti, &f_tiles};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		slurp(all[i]);
	pdti_data_path = source_path(f_data_pdti.rel);

	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	if ((st = dti_framework_parse(f_fw_example.data, f_fw_example.len,
	                              f_fw_example.rel, &fw_example, &err)))
		die(f_fw_example.rel, st, &err);
	if ((st = dti_framework_parse(f_fw_pdti.data, f_fw_pdti.len,
	                              f_fw_pdti.rel, &fw_pdti, &err)))
		die(f_fw_pdti.rel, st, &err);
	if ((st = dti_units_parse(f_units_example.data, f_units_example.len,
	                          f_units_example.rel, &units_example, &err)))
		die(f_units_example.rel, st, &err);
	if ((st = dti_units_parse_groups(units_example, f_groups_example.data,
	                                 f_groups_example.len,
	                                 f_groups_example.rel, &err)))
		die(f_groups_example.rel, st, &err);
	if ((st = dti_units_parse(f_units_vn.data, f_units_vn.len,
	                          f_units_vn.rel, &units_vn, &err)))
		die(f_units_vn.rel, st, &err);
	if ((st = dti_dataset_parse(fw_example, units_example,
	                            f_data_example.data, f_data_example.len,
	                            f_data_example.rel, NULL, &ds_example,
	                            &err)))
		die(f_data_example.rel, st, &err);
	if ((st = dti_dataset_parse(fw_pdti, units_vn, f_data_pdti.data,
	                            f_data_pdti.len, f_data_pdti.rel, NULL,
	                            &ds_pdti, &err)))
		die(f_data_pdti.rel, st, &err);
	dti_error_release(&err);
}

static void free_world(void)
{
	dti_dataset_free(ds_pdti);
	dti_dataset_free(ds_example);
	dti_units_free(units_vn);
	dti_units_free(units_example);
	dti_framework_free(fw_pdti);
	dti_framework_free(fw_example);
	struct file *all[] = {&f_fw_example,     &f_fw_pdti,   &f_units_example,
	                      &f_groups_example, &f_units_vn,  &f_data_example,
	                      &f_data_long,      &f_data_pdti, &f_tiles};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]->data);
	free(pdti_data_path);
}

/* ---- prints of products (made with every allocation granted) ----------- */

static void must(enum dti_status st, const char *what)
{
	if (st != DTI_OK) {
		fprintf(stderr, "printing %s: %s\n", what, dti_strerror(st));
		exit(1);
	}
}

static void print_framework(const struct dti_framework *fw, struct dti_buf *b)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_JSON;
	must(dti_output_framework(fw, &o, b, NULL), "a framework");
	o.format = DTI_FORMAT_CSV;
	must(dti_output_framework(fw, &o, b, NULL), "a framework");
	for (size_t i = 0; i < dti_framework_meta_count(fw); i++) {
		const char *k, *v;
		dti_framework_meta_at(fw, i, &k, &v);
		must(dti_buf_addf(b, "meta %s=%s\n", k, v), "metadata");
	}
	for (size_t i = 0; i < dti_framework_warning_count(fw); i++)
		must(dti_buf_addf(b, "warning %s\n",
		                  dti_framework_warning(fw, i)->message),
		     "warnings");
}

static void print_units(const struct dti_units *u, struct dti_buf *b)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_JSON;
	must(dti_output_units(u, NULL, &o, b, NULL), "units");
	for (size_t i = 0; i < dti_units_group_count(u); i++) {
		struct dti_group_info g;
		dti_units_group(u, i, &g);
		must(dti_buf_addf(b, "group %s %s %s\n", g.id, g.name_vi,
		                  g.name_en),
		     "groups");
	}
}

static void print_dataset(const struct dti_dataset *ds, struct dti_buf *b)
{
	for (size_t c = 0; c < dti_dataset_cycle_count(ds); c++) {
		char hash[65];
		must(dti_dataset_hash(ds, c, hash), "a dataset hash");
		must(dti_buf_addf(b, "cycle %s %s %zu\n",
		                  dti_dataset_cycle(ds, c), hash,
		                  dti_dataset_count(ds, c)),
		     "a cycle");
		must(dti_dataset_write_csv(ds, c, b, NULL), "a dataset");
	}
	for (size_t i = 0; i < dti_dataset_unit_count(ds); i++) {
		struct dti_dataset_unit u;
		dti_dataset_unit(ds, i, &u);
		must(dti_buf_addf(b, "unit %s %s %ld\n", u.id, u.name,
		                  u.registry_index),
		     "a unit");
		for (size_t g = 0; g < dti_dataset_group_dim_count(ds); g++) {
			const char *dim = dti_dataset_group_dim(ds, g);
			const char *grp = dti_dataset_group(ds, i, dim);
			must(dti_buf_addf(b, " %s=%s", dim, grp ? grp : "-"),
			     "a group");
		}
	}
	must(dti_buf_addf(b, "synthetic %d\n", dti_dataset_synthetic(ds)),
	     "a flag");
}

/* A result in full, with its notes. */
static void print_result(const struct dti_result *res, struct dti_buf *b)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV; /* CSV has no notes */
	o.points = dti_framework_uses_points(dti_result_framework(res));
	o.ranks = 1;
	o.group_ranks = dti_result_group_by(res) != NULL;
	o.changes = dti_result_previous(res) != NULL;
	must(dti_output_result(res, &o, b, NULL), "a result");
	must(dti_buf_addf(b,
	                  "cycle %s precision %d missing %s group_by %s "
	                  "data %s\n",
	                  dti_result_cycle(res), dti_result_precision(res),
	                  dti_missing_name(dti_result_missing(res)),
	                  dti_result_group_by(res) ? dti_result_group_by(res)
	                                           : "-",
	                  dti_result_data_hash(res)),
	     "a result");
	size_t nn = dti_framework_node_count(dti_result_framework(res));
	for (size_t i = 0; i < dti_result_unit_count(res); i++) {
		must(dti_buf_addf(b, "unit %zu %zu %s\n", i,
		                  dti_result_unit(res, i),
		                  dti_result_unit_group(res, i)
		                      ? dti_result_unit_group(res, i)
		                      : "-"),
		     "a unit");
		for (size_t k = 0; k < nn; k++)
			must(dti_buf_addf(
			         b, "%zu %zu %.17g %.17g %.17g %d %d %u\n", i,
			         k, dti_result_value(res, i, k),
			         dti_result_figure(res, i, k),
			         dti_result_entered(res, i, k),
			         dti_result_rank(res, i, k),
			         dti_result_group_rank(res, i, k),
			         dti_result_flags(res, i, k)),
			     "a cell");
	}
	for (size_t i = 0; i < dti_result_note_count(res); i++)
		must(dti_buf_addf(b, "note %s / %s\n", dti_result_note(res, i),
		                  dti_result_note_vi(res, i)),
		     "a note");
}

static void print_explanation(const struct dti_explanation *ex,
                              struct dti_buf *b)
{
	must(dti_explanation_write(ex, DTI_FORMAT_JSON, DTI_LANG_EN, b, NULL),
	     "an explanation");
	must(dti_explanation_write(ex, DTI_FORMAT_TABLE, DTI_LANG_VI, b, NULL),
	     "an explanation");
}

/* ---- the calls ---------------------------------------------------------- */

/*
 * A call under test: setup (every allocation granted) makes what it
 * reads, run makes the call and keeps its product, print writes the
 * product out, release frees it and teardown frees what setup made.
 */
struct op {
	const char *phase;
	const char *name;
	void (*setup)(void);
	enum dti_status (*run)(struct dti_error *err);
	void (*print)(struct dti_buf *b);
	void (*release)(void);
	void (*teardown)(void);
};

/* products */
static struct dti_framework *p_fw;
static struct dti_units *p_units;
static struct dti_dataset *p_ds;
static struct dti_result *p_res;
static struct dti_buf p_buf = DTI_BUF_INIT;
static struct dti_explanation p_ex;
static int p_has_ex;

static void out_fw(struct dti_buf *b)
{
	print_framework(p_fw, b);
}
static void free_fw(void)
{
	dti_framework_free(p_fw);
	p_fw = NULL;
}
static void out_units(struct dti_buf *b)
{
	print_units(p_units, b);
}
static void free_units(void)
{
	dti_units_free(p_units);
	p_units = NULL;
}
static void out_ds(struct dti_buf *b)
{
	print_dataset(p_ds, b);
}
static void free_ds(void)
{
	dti_dataset_free(p_ds);
	p_ds = NULL;
}
static void out_res(struct dti_buf *b)
{
	print_result(p_res, b);
}
static void free_res(void)
{
	dti_result_free(p_res);
	p_res = NULL;
}
static void out_buf(struct dti_buf *b)
{
	must(dti_buf_add(b, p_buf.data, p_buf.len), "text");
}
static void free_buf(void)
{
	dti_buf_release(&p_buf);
}
static void out_ex(struct dti_buf *b)
{
	print_explanation(&p_ex, b);
}
static void free_ex(void)
{
	if (p_has_ex)
		dti_explanation_release(&p_ex);
	p_has_ex = 0;
}

/* framework parsing */
static enum dti_status run_fw_example(struct dti_error *err)
{
	return dti_framework_parse(f_fw_example.data, f_fw_example.len,
	                           f_fw_example.rel, &p_fw, err);
}
static enum dti_status run_fw_pdti(struct dti_error *err)
{
	return dti_framework_parse(f_fw_pdti.data, f_fw_pdti.len, f_fw_pdti.rel,
	                           &p_fw, err);
}

/* units registries */
static enum dti_status run_units_example(struct dti_error *err)
{
	enum dti_status st =
	    dti_units_parse(f_units_example.data, f_units_example.len,
	                    f_units_example.rel, &p_units, err);
	if (st == DTI_OK)
		st = dti_units_parse_groups(p_units, f_groups_example.data,
		                            f_groups_example.len,
		                            f_groups_example.rel, err);
	return st;
}
static enum dti_status run_units_vn(struct dti_error *err)
{
	return dti_units_parse(f_units_vn.data, f_units_vn.len, f_units_vn.rel,
	                       &p_units, err);
}

/* data */
static enum dti_status run_data_example(struct dti_error *err)
{
	return dti_dataset_parse(fw_example, units_example, f_data_example.data,
	                         f_data_example.len, f_data_example.rel, NULL,
	                         &p_ds, err);
}
static enum dti_status run_data_long(struct dti_error *err)
{
	return dti_dataset_parse(fw_example, units_example, f_data_long.data,
	                         f_data_long.len, f_data_long.rel, NULL, &p_ds,
	                         err);
}
static enum dti_status run_data_pdti(struct dti_error *err)
{
	return dti_dataset_parse(fw_pdti, units_vn, f_data_pdti.data,
	                         f_data_pdti.len, f_data_pdti.rel, NULL, &p_ds,
	                         err);
}
static enum dti_status run_data_read(struct dti_error *err)
{
	struct dti_read_opts o = DTI_READ_OPTS_INIT;
	return dti_dataset_read(fw_pdti, units_vn, pdti_data_path, &o, &p_ds,
	                        err);
}

/* compute */
static size_t cycle_of(const struct dti_dataset *ds, const char *label)
{
	long c = dti_dataset_find_cycle(ds, label);
	if (c < 0) {
		fprintf(stderr, "no cycle %s\n", label);
		exit(1);
	}
	return (size_t)c;
}

static enum dti_status run_compute_example(struct dti_error *err)
{
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	return dti_compute(fw_example, ds_example, 0, &o, &p_res, err);
}
static enum dti_status run_compute_example_mean(struct dti_error *err)
{
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.missing = DTI_MISSING_GROUP_MEAN;
	o.recompute = 1;
	return dti_compute(fw_example, ds_example, 0, &o, &p_res, err);
}
static enum dti_status run_compute_pdti(struct dti_error *err)
{
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	return dti_compute(fw_pdti, ds_pdti, cycle_of(ds_pdti, "2022"), &o,
	                   &p_res, err);
}

/* a model run again, with a weight changed */
static struct dti_model *p_model;

static void setup_model(void)
{
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_model_new(
	    fw_pdti, ds_pdti, cycle_of(ds_pdti, "2022"), &o, &p_model, &err);
	if (!st)
		st = dti_model_run(p_model, &err);
	long k = dti_framework_find(fw_pdti, "awareness");
	if (!st && k < 0)
		st = DTI_ENOTFOUND;
	if (!st)
		st = dti_model_set_weight(p_model, (size_t)k, 3, &err);
	if (st)
		die("a model", st, &err);
}
static enum dti_status run_model(struct dti_error *err)
{
	return dti_model_run(p_model, err);
}
static void out_model(struct dti_buf *b)
{
	print_result(dti_model_result(p_model), b);
}
static void teardown_model(void)
{
	dti_model_free(p_model);
	p_model = NULL;
}

/* results made by setup for the calls that read one */
static struct dti_result *r_prev, *r_cur;

static struct dti_result *compute_or_die(const struct dti_framework *fw,
                                         const struct dti_dataset *ds,
                                         size_t cycle)
{
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_result *res;
	enum dti_status st = dti_compute(fw, ds, cycle, &o, &res, &err);
	if (st)
		die("compute", st, &err);
	return res;
}

static void setup_pdti_pair(void)
{
	r_prev = compute_or_die(fw_pdti, ds_pdti, cycle_of(ds_pdti, "2021"));
	r_cur = compute_or_die(fw_pdti, ds_pdti, cycle_of(ds_pdti, "2022"));
}
static void setup_pdti_linked(void)
{
	setup_pdti_pair();
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_result_set_previous(r_cur, r_prev, &err);
	if (st)
		die("set previous", st, &err);
}
static void setup_example(void)
{
	r_cur = compute_or_die(fw_example, ds_example, 0);
}
static void teardown_results(void)
{
	dti_result_free(r_cur);
	dti_result_free(r_prev);
	r_cur = r_prev = NULL;
}

static enum dti_status run_set_previous(struct dti_error *err)
{
	return dti_result_set_previous(r_cur, r_prev, err);
}
static void out_linked(struct dti_buf *b)
{
	print_result(r_cur, b);
}
static void free_nothing(void)
{
}

/* output */
static enum dti_status output_cur(enum dti_format format, enum dti_lang lang,
                                  int all, struct dti_error *err)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = format;
	o.lang = lang;
	if (all) {
		o.points =
		    dti_framework_uses_points(dti_result_framework(r_cur));
		o.ranks = 1;
		o.changes = dti_result_previous(r_cur) != NULL;
		o.group_ranks = dti_result_group_by(r_cur) != NULL;
		o.color = format == DTI_FORMAT_TABLE;
		o.limit = 12; /* every cell is a block: enough rows */
	}
	return dti_output_result(r_cur, &o, &p_buf, err);
}
static enum dti_status run_out_table(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_TABLE, DTI_LANG_EN, 1, err);
}
static enum dti_status run_out_table_vi(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_TABLE, DTI_LANG_VI, 0, err);
}
static enum dti_status run_out_csv(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_CSV, DTI_LANG_EN, 1, err);
}
static enum dti_status run_out_json(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_JSON, DTI_LANG_EN, 1, err);
}
static enum dti_status run_out_ndjson(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_NDJSON, DTI_LANG_VI, 1, err);
}
static enum dti_status run_out_example_table(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_TABLE, DTI_LANG_VI, 1, err);
}
static enum dti_status run_out_example_csv(struct dti_error *err)
{
	return output_cur(DTI_FORMAT_CSV, DTI_LANG_EN, 1, err);
}
static enum dti_status output_fw(enum dti_format format, struct dti_error *err)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = format;
	return dti_output_framework(fw_example, &o, &p_buf, err);
}
static enum dti_status run_out_fw_table(struct dti_error *err)
{
	return output_fw(DTI_FORMAT_TABLE, err);
}
static enum dti_status run_out_fw_csv(struct dti_error *err)
{
	return output_fw(DTI_FORMAT_CSV, err);
}
static enum dti_status run_out_fw_json(struct dti_error *err)
{
	return output_fw(DTI_FORMAT_JSON, err);
}
static enum dti_status output_units(enum dti_format format,
                                    struct dti_error *err)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = format;
	return dti_output_units(units_vn, "2025-07-01", &o, &p_buf, err);
}
static enum dti_status run_out_units_table(struct dti_error *err)
{
	return output_units(DTI_FORMAT_TABLE, err);
}
static enum dti_status run_out_units_json(struct dti_error *err)
{
	return output_units(DTI_FORMAT_JSON, err);
}

/* explanations: the call and its text, as `dti explain` does */
static enum dti_status explain(size_t unit, enum dti_format format,
                               enum dti_lang lang, struct dti_error *err)
{
	struct dti_explain_opts o = DTI_EXPLAIN_OPTS_INIT;
	enum dti_status st = dti_explain(r_cur, unit, &o, &p_ex, err);
	if (st != DTI_OK)
		return st;
	p_has_ex = 1;
	return dti_explanation_write(&p_ex, format, lang, &p_buf, err);
}
static void out_ex_text(struct dti_buf *b)
{
	out_ex(b);
	out_buf(b);
}
static void free_ex_text(void)
{
	free_ex();
	free_buf();
}
static enum dti_status run_explain_pdti(struct dti_error *err)
{
	return explain(0, DTI_FORMAT_TABLE, DTI_LANG_VI, err);
}
static enum dti_status run_explain_pdti_json(struct dti_error *err)
{
	return explain(5, DTI_FORMAT_JSON, DTI_LANG_EN, err);
}
static enum dti_status run_explain_example(struct dti_error *err)
{
	return explain(3, DTI_FORMAT_TABLE, DTI_LANG_EN, err);
}

/* rebasing */
static enum dti_status run_rebase(struct dti_error *err)
{
	struct dti_rebase_opts o = DTI_REBASE_OPTS_INIT;
	return dti_rebase(r_cur, units_vn, &o, &p_ds, err);
}

/* charts: the layout, then each chart of the 2022 result */
static struct dti_tile_layout *p_layout, *c_layout;
static struct dti_chart_item c_items[80];
static size_t c_n;

static enum dti_status run_layout(struct dti_error *err)
{
	return dti_tile_layout_parse(f_tiles.data, f_tiles.len, f_tiles.rel,
	                             &p_layout, err);
}
static void out_layout(struct dti_buf *b)
{
	for (size_t t = 0; t < p_layout->ntiles; t++) {
		const struct dti_tile *x = &p_layout->tiles[t];
		must(dti_buf_addf(b, "%s %d %d %s %s\n", x->id, x->row, x->col,
		                  x->label, x->name),
		     "a tile");
	}
	must(dti_buf_addf(b, "%s %s %s %s\n", p_layout->name,
	                  p_layout->title_vi, p_layout->title_en,
	                  p_layout->date),
	     "a layout");
}
static void free_layout(void)
{
	dti_tile_layout_free(p_layout);
	p_layout = NULL;
}

/* The index of every unit of the 2022 result, and the layout. */
static void setup_chart(void)
{
	setup_pdti_linked();
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_tile_layout_parse(
	    f_tiles.data, f_tiles.len, f_tiles.rel, &c_layout, &err);
	if (st)
		die("a layout", st, &err);
	size_t root = dti_framework_root(fw_pdti);
	c_n = dti_result_unit_count(r_cur);
	if (c_n > sizeof c_items / sizeof c_items[0])
		c_n = sizeof c_items / sizeof c_items[0];
	for (size_t i = 0; i < c_n; i++) {
		struct dti_dataset_unit u;
		dti_dataset_unit(ds_pdti, dti_result_unit(r_cur, i), &u);
		c_items[i] = (struct dti_chart_item){
		    u.id, u.name, dti_result_value(r_cur, i, root)};
	}
	c_items[3].value = NAN; /* one without a value */
}
static void teardown_chart(void)
{
	dti_tile_layout_free(c_layout);
	c_layout = NULL;
	teardown_results();
}
static enum dti_status run_tilemap(struct dti_error *err)
{
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	o.lang = DTI_LANG_VI;
	return dti_chart_tilemap(&o, c_layout, c_n, c_items, "48", &p_buf, err);
}
static enum dti_status run_distribution(struct dti_error *err)
{
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	return dti_chart_distribution(&o, c_n, c_items, "48", &p_buf, err);
}
static const char *const c_axes[] = {"Nhận thức số", "Thể chế số", "Hạ tầng số",
                                     "Nhân lực số"};
static enum dti_status run_bars(struct dti_error *err)
{
	double a[] = {0.7, NAN, 0.5, 0.6}, b[] = {0.6, 0.5, 0.4, 0.55};
	struct dti_chart_series s[] = {{"Đà Nẵng", a}, {"Cả nước", b}};
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	o.lang = DTI_LANG_VI;
	return dti_chart_bars(&o, 4, c_axes, 2, s, &p_buf, err);
}
static enum dti_status run_radar(struct dti_error *err)
{
	double a[] = {0.7, NAN, 0.5, 0.6}, b[] = {0.6, 0.5, 0.4, 0.55};
	struct dti_chart_series s[] = {{"Đà Nẵng", a}, {"Cả nước", b}};
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	return dti_chart_radar(&o, 4, c_axes, 2, s, &p_buf, err);
}
static enum dti_status run_trend(struct dti_error *err)
{
	struct dti_chart_point p[] = {{2021, "dti-2021", 0.6888, 4, 63},
	                              {2022, "dti-2022", 0.7010, 7, 63},
	                              {2025, "dti-2025", NAN, 3, 34}};
	struct dti_chart_trend_series t = {"Đà Nẵng", 3, p};
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	o.lang = DTI_LANG_VI;
	return dti_chart_trend(&o, 1, &t, DTI_CHART_VALUES | DTI_CHART_RANKS,
	                       &p_buf, err);
}

/* the charts of the analyses, from the 2022 result (setup_chart) */
static enum dti_status run_heatmap(struct dti_error *err)
{
	/* the correlations of the pillars' values, then their heatmap */
	size_t root = dti_framework_root(fw_pdti), m[32];
	size_t k = dti_stats_members(fw_pdti, root, 1, m);
	static double r[32 * 32];
	const char *codes[32];
	for (size_t i = 0; i < k; i++) {
		struct dti_node_info ni;
		dti_framework_node(fw_pdti, m[i], &ni);
		codes[i] = ni.code;
	}
	enum dti_status st = dti_stats_corr_matrix(r_cur, 1, DTI_CORR_SPEARMAN,
	                                           k, m, k, m, r, err);
	if (st)
		return st;
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	o.lang = DTI_LANG_VI;
	o.decimals = 2;
	return dti_chart_heatmap(&o, k, codes, k, codes, r, &p_buf, err);
}
static enum dti_status run_boxplot(struct dti_error *err)
{
	size_t root = dti_framework_root(fw_pdti), m[32];
	size_t k = dti_stats_members(fw_pdti, root, 0, m);
	static double v[32 * 80];
	struct dti_chart_column cols[32];
	const char *names[80];
	for (size_t i = 0; i < c_n; i++)
		names[i] = c_items[i].name;
	for (size_t i = 0; i < k && i < 32; i++) {
		struct dti_node_info ni;
		dti_framework_node(fw_pdti, m[i], &ni);
		dti_stats_column(r_cur, 0, m[i], v + i * 80);
		cols[i] = (struct dti_chart_column){ni.code, ni.name_vi, c_n,
		                                    v + i * 80, names};
	}
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	return dti_chart_boxplot(&o, k < 32 ? k : 32, cols, 0, &p_buf, err);
}
static enum dti_status run_ranks(struct dti_error *err)
{
	struct dti_ua_unit u[10];
	for (int i = 0; i < 10; i++)
		u[i] = (struct dti_ua_unit){dti_result_unit(r_cur, (size_t)i),
		                            i + 1,
		                            i + 1.0,
		                            i + 1.0,
		                            i ? i + 0.5 : 1,
		                            i + 2.0,
		                            i ? i : 1,
		                            i + 3};
	struct dti_ua_result r;
	memset(&r, 0, sizeof r);
	r.ds = ds_pdti;
	r.node = dti_framework_root(fw_pdti);
	r.runs = 100;
	r.n = 10;
	r.units = u;
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	o.lang = DTI_LANG_VI;
	return dti_chart_ranks(&o, &r, &p_buf, err);
}
static enum dti_status run_sobol(struct dti_error *err)
{
	struct dti_sa_result r;
	memset(&r, 0, sizeof r);
	r.fw = fw_pdti;
	r.node = dti_framework_root(fw_pdti);
	r.n = 100;
	r.runs = 400;
	r.ninputs = 2;
	r.inputs[0] =
	    (struct dti_sa_input){"weights", 0.2, 0.3, 0.1, 0.3, 0.2, 0.4};
	r.inputs[1] = (struct dti_sa_input){
	    "leave_one_out", 0.6, 0.7, NAN, NAN, 0.5, 0.9};
	struct dti_chart_opts o = DTI_CHART_OPTS_INIT;
	return dti_chart_sobol(&o, &r, &p_buf, err);
}

static const struct op ops[] = {
    {"framework", "parse example-province-internal.csv", NULL, run_fw_example,
     out_fw, free_fw, NULL},
    {"framework", "parse pdti-2022.csv", NULL, run_fw_pdti, out_fw, free_fw,
     NULL},
    {"data", "units example-units.csv + groups", NULL, run_units_example,
     out_units, free_units, NULL},
    {"data", "units vn-provinces.csv", NULL, run_units_vn, out_units,
     free_units, NULL},
    {"data", "parse example-2025.csv", NULL, run_data_example, out_ds, free_ds,
     NULL},
    {"data", "parse example-2025-long.csv", NULL, run_data_long, out_ds,
     free_ds, NULL},
    {"data", "parse pdti-2022-demo.csv", NULL, run_data_pdti, out_ds, free_ds,
     NULL},
    {"data", "read pdti-2022-demo.csv", NULL, run_data_read, out_ds, free_ds,
     NULL},
    {"compute", "example 2025", NULL, run_compute_example, out_res, free_res,
     NULL},
    {"compute", "example 2025 group mean, recompute", NULL,
     run_compute_example_mean, out_res, free_res, NULL},
    {"compute", "pdti 2022", NULL, run_compute_pdti, out_res, free_res, NULL},
    {"compute", "pdti 2022 model run, a weight changed", setup_model, run_model,
     out_model, free_nothing, teardown_model},
    {"compute", "pdti 2022 set previous 2021", setup_pdti_pair,
     run_set_previous, out_linked, free_nothing, teardown_results},
    {"output", "pdti table, every column", setup_pdti_linked, run_out_table,
     out_buf, free_buf, teardown_results},
    {"output", "pdti table vi", setup_pdti_linked, run_out_table_vi, out_buf,
     free_buf, teardown_results},
    {"output", "pdti csv", setup_pdti_linked, run_out_csv, out_buf, free_buf,
     teardown_results},
    {"output", "pdti json", setup_pdti_linked, run_out_json, out_buf, free_buf,
     teardown_results},
    {"output", "pdti ndjson", setup_pdti_linked, run_out_ndjson, out_buf,
     free_buf, teardown_results},
    {"output", "example table vi", setup_example, run_out_example_table,
     out_buf, free_buf, teardown_results},
    {"output", "example csv", setup_example, run_out_example_csv, out_buf,
     free_buf, teardown_results},
    {"output", "framework table", NULL, run_out_fw_table, out_buf, free_buf,
     NULL},
    {"output", "framework csv", NULL, run_out_fw_csv, out_buf, free_buf, NULL},
    {"output", "framework json", NULL, run_out_fw_json, out_buf, free_buf,
     NULL},
    {"output", "units table", NULL, run_out_units_table, out_buf, free_buf,
     NULL},
    {"output", "units json", NULL, run_out_units_json, out_buf, free_buf, NULL},
    {"explain", "pdti unit 0, table vi", setup_pdti_linked, run_explain_pdti,
     out_ex_text, free_ex_text, teardown_results},
    {"explain", "pdti unit 5, json", setup_pdti_linked, run_explain_pdti_json,
     out_ex_text, free_ex_text, teardown_results},
    {"explain", "example unit 3, table", setup_example, run_explain_example,
     out_ex_text, free_ex_text, teardown_results},
    {"rebase", "pdti 2022 onto 2025-07-01", setup_pdti_linked, run_rebase,
     out_ds, free_ds, teardown_results},
    {"chart", "tile layout tiles-63.csv", NULL, run_layout, out_layout,
     free_layout, NULL},
    {"chart", "tile map of pdti 2022, vi", setup_chart, run_tilemap, out_buf,
     free_buf, teardown_chart},
    {"chart", "distribution of pdti 2022", setup_chart, run_distribution,
     out_buf, free_buf, teardown_chart},
    {"chart", "bars, vi", NULL, run_bars, out_buf, free_buf, NULL},
    {"chart", "radar", NULL, run_radar, out_buf, free_buf, NULL},
    {"chart", "trend 63 then 34, vi", NULL, run_trend, out_buf, free_buf, NULL},
    {"chart", "correlations and heatmap of pdti 2022, vi", setup_chart,
     run_heatmap, out_buf, free_buf, teardown_chart},
    {"chart", "box plots of pdti 2022", setup_chart, run_boxplot, out_buf,
     free_buf, teardown_chart},
    {"chart", "rank intervals, vi", setup_chart, run_ranks, out_buf, free_buf,
     teardown_chart},
    {"chart", "Sobol indices", setup_chart, run_sobol, out_buf, free_buf,
     teardown_chart},
};

/* ---- the driver ---------------------------------------------------------- */

struct tally {
	const char *phase;
	unsigned long calls;
	unsigned long tried;     /* runs with one allocation refused */
	unsigned long enomem;    /* ... that returned DTI_ENOMEM */
	unsigned long recovered; /* ... that returned DTI_OK, same print */
	unsigned long leaks;     /* runs that left blocks allocated */
	unsigned long wrong;     /* runs that broke another rule */
};

static struct tally tallies[8];
static size_t ntallies;

/* What a crash names: the call and k. */
static const char *volatile crash_op;
static volatile unsigned long crash_k;

static void on_crash(int sig)
{
	char line[256];
	int n = snprintf(line, sizeof line,
	                 "\ncrash (signal %d) in '%s' with allocation %lu "
	                 "refused\n",
	                 sig, crash_op ? crash_op : "?", crash_k);
	if (n > 0 && write(2, line, (size_t)n) < 0)
		_exit(2);
	signal(sig, SIG_DFL);
	raise(sig);
}

static struct tally *tally_for(const char *phase)
{
	for (size_t i = 0; i < ntallies; i++)
		if (strcmp(tallies[i].phase, phase) == 0)
			return &tallies[i];
	tallies[ntallies].phase = phase;
	return &tallies[ntallies++];
}

/*
 * One run with allocation k refused (0: none); 1 when it broke a rule.
 * A warm-up run (what the libraries set up once per process: ICU's data,
 * locales) is not checked for leaks.
 */
static int one_run(const struct op *op, unsigned long k, int warm,
                   const struct dti_buf *ref, struct dti_buf *print,
                   struct tally *t, int *reached)
{
	if (op->setup)
		op->setup();
	struct dti_error err = DTI_ERROR_INIT;
	crash_op = op->name;
	crash_k = k;
	allocfail_arm(k);
	enum dti_status st = op->run(&err);
	allocfail_pause();
	int injected = allocfail_injected();
	unsigned long n = allocfail_count();
	*reached = injected;
	int bad = 0;
	dti_buf_reset(print);
	if (st == DTI_OK)
		op->print(print);
	if (injected)
		t->tried++;
	if (st == DTI_OK) {
		if (!ref) {
			/* the reference run itself */
		} else if (print->len == ref->len &&
		           memcmp(print->data, ref->data, ref->len) == 0) {
			if (injected)
				t->recovered++;
		} else {
			printf("  %s: allocation %lu refused: DTI_OK with a "
			       "different result\n",
			       op->name, k);
			allocfail_report_refused(stdout);
			bad = 1;
		}
	} else if (!injected) {
		printf("  %s: %s with no allocation refused: %s\n", op->name,
		       dti_strerror(st), err.message);
		bad = 1;
	} else if (st != DTI_ENOMEM || err.code != DTI_ENOMEM) {
		printf("  %s: allocation %lu of %lu refused: returned %s, "
		       "error says %s (%s)\n",
		       op->name, k, n, dti_strerror(st), dti_strerror(err.code),
		       err.message);
		allocfail_report_refused(stdout);
		bad = 1;
	} else {
		t->enomem++;
	}
	op->release();
	dti_error_release(&err);
	if (op->teardown)
		op->teardown();
	size_t leaked = allocfail_disarm();
	if (warm)
		leaked = 0;
	if (leaked) {
		printf("  %s: allocation %lu refused: %zu blocks leaked\n",
		       op->name, k, leaked);
		allocfail_report(stdout, 3);
		t->leaks++;
	}
	crash_op = NULL;
	if (bad)
		t->wrong++;
	return bad || leaked;
}

int main(void)
{
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGFPE, on_crash);
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_world();

	const char *only = getenv("DTI_ALLOC_ONLY");
	struct dti_buf ref = DTI_BUF_INIT, print = DTI_BUF_INIT;
	int failed = 0;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const struct op *op = &ops[i];
		if (only && *only && !strstr(op->name, only))
			continue;
		struct tally *t = tally_for(op->phase);
		t->calls++;
		/* a warm-up, then the reference */
		int reached;
		dti_buf_reset(&ref);
		if (one_run(op, 0, 1, NULL, &print, t, &reached) ||
		    one_run(op, 0, 0, NULL, &print, t, &reached)) {
			failed = 1;
			continue;
		}
		unsigned long total = allocfail_count();
		must(dti_buf_add(&ref, print.data, print.len), "a reference");
		unsigned long bad = 0, k;
		for (k = 1; k <= total + 1; k++) {
			bad += (unsigned long)one_run(op, k, 0, &ref, &print, t,
			                              &reached);
			if (!reached)
				break;
		}
		if (reached || k != total + 1) {
			printf("  %s: %lu allocations on the reference run, "
			       "%lu with failures\n",
			       op->name, total, k - 1);
			bad++;
			t->wrong++;
		}
		printf("%-9s %-40s %6lu allocations%s\n", op->phase, op->name,
		       total, bad ? ", FAILED" : "");
		if (bad)
			failed = 1;
	}
	dti_buf_release(&print);
	dti_buf_release(&ref);
	free_world();

	printf("\n%-9s %6s %9s %9s %9s %6s %6s\n", "phase", "calls", "tried",
	       "ENOMEM", "same OK", "leaks", "wrong");
	for (size_t i = 0; i < ntallies; i++) {
		const struct tally *t = &tallies[i];
		printf("%-9s %6lu %9lu %9lu %9lu %6lu %6lu\n", t->phase,
		       t->calls, t->tried, t->enomem, t->recovered, t->leaks,
		       t->wrong);
	}
	printf("\ntried: runs with one allocation refused; ENOMEM: runs that "
	       "returned it;\nsame OK: DTI_OK with the reference result (a "
	       "fallback: stdio's buffer, an in-place sort);\nleaks: runs that "
	       "left blocks "
	       "allocated; wrong: runs that broke a rule.\n");
	return failed;
}
