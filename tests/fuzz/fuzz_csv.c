/*
 * tests/fuzz/fuzz_csv.c - data files: the CSV reader and the dataset parser.
 *
 * The input is a whole data file.  It goes to the CSV reader (every record,
 * with the separator sniffed and with each separator forced), then to
 * dti_dataset_parse() against the bundled pdti-2022 framework and the
 * example framework, each with no registry and with its registry (the 63 +
 * 23 provinces of vn-provinces with their regions; the example units with
 * their groups), in the layout the file declares and, for pdti-2022, with a
 * decimal comma forced.  A dataset that parses is computed (first cycle,
 * unknown values allowed) and written as CSV, so that values the parser let
 * through also go through the engine.
 *
 * Invariants: a record's fields are NUL-terminated and there are as many as
 * nfields says; line numbers never go back; an error comes with a message;
 * a successful parse yields a dataset.
 */
#include <stdint.h>

#include "base/base.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dti_framework *pdti, *example;
static struct dti_units *provinces, *example_units;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const struct dti_embedded_file *f;
	f = fuzz_file("pdti-2022.csv");
	FUZZ_ASSERT(!dti_framework_parse(f->data, f->len, f->name, &pdti, NULL),
	            "bundled pdti-2022 does not parse");
	f = fuzz_file("example-province-internal.csv");
	FUZZ_ASSERT(
	    !dti_framework_parse(f->data, f->len, f->name, &example, NULL),
	    "bundled example framework does not parse");
	f = fuzz_file("vn-provinces.csv");
	FUZZ_ASSERT(
	    !dti_units_parse(f->data, f->len, f->name, &provinces, NULL),
	    "bundled registry does not parse");
	f = fuzz_file("regions.csv");
	FUZZ_ASSERT(
	    !dti_units_parse_groups(provinces, f->data, f->len, f->name, NULL),
	    "bundled regions do not parse");
	f = fuzz_file("example-units.csv");
	FUZZ_ASSERT(
	    !dti_units_parse(f->data, f->len, f->name, &example_units, NULL),
	    "example units do not parse");
	f = fuzz_file("example-groups.csv");
	FUZZ_ASSERT(!dti_units_parse_groups(example_units, f->data, f->len,
	                                    f->name, NULL),
	            "example groups do not parse");
	return 0;
}

static void read_csv(const uint8_t *data, size_t size, char sep)
{
	struct dti_csv c;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_csv_open(&c, (const char *)data, size, "fuzz.csv", sep, &err);
	if (st == DTI_OK) {
		FUZZ_ASSERT(c.sep == ',' || c.sep == ';' || c.sep == '\t',
		            "separator %d", c.sep);
		(void)dti_csv_meta(&c, "framework");
		unsigned long last = 0;
		size_t records = 0;
		while ((st = dti_csv_next(&c, &err)) == DTI_OK) {
			FUZZ_ASSERT(c.line >= last, "line %lu after %lu",
			            c.line, last);
			last = c.line;
			for (size_t i = 0; i < c.nfields; i++)
				FUZZ_ASSERT(c.fields[i] != NULL, "field %zu",
				            i);
			/* reading every byte of every field: ASan checks the
			 * terminators are inside the buffers */
			size_t total = 0;
			for (size_t i = 0; i < c.nfields; i++)
				total += strlen(c.fields[i]);
			(void)total;
			records++;
			FUZZ_ASSERT(records <= size + 1,
			            "%zu records from %zu bytes", records,
			            size);
		}
		if (st != DTI_ENOTFOUND)
			FUZZ_ASSERT(err.code != DTI_OK && err.message[0],
			            "record error %d without a message",
			            (int)st);
	} else {
		FUZZ_ASSERT(err.message[0], "open error %d without a message",
		            (int)st);
	}
	dti_csv_close(&c);
	dti_error_release(&err);
}

static void parse_dataset(const struct dti_framework *fw,
                          const struct dti_units *units, const uint8_t *data,
                          size_t size, char decimal)
{
	struct dti_read_opts ro = DTI_READ_OPTS_INIT;
	ro.decimal = decimal;
	struct dti_dataset *ds = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_dataset_parse(
	    fw, units, (const char *)data, size, "fuzz.csv", &ro, &ds, &err);
	if (st != DTI_OK) {
		FUZZ_ASSERT(err.message[0],
		            "dataset error %d without a message", (int)st);
		dti_error_release(&err);
		dti_dataset_free(ds);
		return;
	}
	FUZZ_ASSERT(ds != NULL, "parsed without a dataset");
	if (dti_dataset_cycle_count(ds) > 0) {
		struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
		co.allow_unknown = 1;
		struct dti_result *res = NULL;
		if (dti_compute(fw, ds, 0, &co, &res, &err) == DTI_OK) {
			struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
			oo.format = DTI_FORMAT_CSV;
			struct dti_buf out = DTI_BUF_INIT;
			(void)dti_output_result(res, &oo, &out, &err);
			dti_buf_release(&out);
		}
		dti_result_free(res);
		char hash[65];
		(void)dti_dataset_hash(ds, 0, hash);
	}
	dti_error_release(&err);
	dti_dataset_free(ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	read_csv(data, size, 0);
	read_csv(data, size, ';');
	read_csv(data, size, '\t');

	parse_dataset(pdti, NULL, data, size, 0);
	parse_dataset(pdti, provinces, data, size, 0);
	parse_dataset(pdti, provinces, data, size, ',');
	parse_dataset(example, NULL, data, size, 0);
	parse_dataset(example, example_units, data, size, 0);
	return 0;
}
