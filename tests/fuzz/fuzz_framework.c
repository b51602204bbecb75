/*
 * tests/fuzz/fuzz_framework.c - framework files.
 *
 * The input is a whole framework file (dti-framework(5), or a COINr iMeta
 * table).  When dti_framework_parse() accepts it, the framework is written
 * by dti_output_framework() in every format and both languages, and the CSV
 * output, which is documented to be a valid framework file, is parsed
 * again.  Invariants: a refused file comes with a message; the CSV of a
 * valid framework parses again, to the same number of nodes, the same root
 * and the same id.
 */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_framework_parse((const char *)data, size,
	                                         "fuzz.csv", &fw, &err);
	if (st != DTI_OK) {
		FUZZ_ASSERT(err.message[0], "error %d without a message",
		            (int)st);
		dti_error_release(&err);
		dti_framework_free(fw);
		return 0;
	}
	dti_error_release(&err);
	FUZZ_ASSERT(fw != NULL, "parsed without a framework");

	static const enum dti_format formats[] = {
	    DTI_FORMAT_TABLE, DTI_FORMAT_CSV, DTI_FORMAT_JSON,
	    DTI_FORMAT_NDJSON};
	static const enum dti_lang langs[] = {DTI_LANG_EN, DTI_LANG_VI};
	for (size_t l = 0; l < 2; l++) {
		for (size_t f = 0; f < 4; f++) {
			struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
			oo.format = formats[f];
			oo.lang = langs[l];
			struct dti_buf out = DTI_BUF_INIT;
			st = dti_output_framework(fw, &oo, &out, &err);
			FUZZ_ASSERT(st == DTI_OK || st == DTI_ENOMEM ||
			                st == DTI_ELIMIT,
			            "format %d: status %d: %s", (int)formats[f],
			            (int)st, err.message);
			dti_error_release(&err);
			if (st == DTI_OK && formats[f] == DTI_FORMAT_CSV) {
				struct dti_framework *again = NULL;
				st = dti_framework_parse(
				    out.data ? out.data : "", out.len,
				    "fuzz-again.csv", &again, &err);
				if (st != DTI_OK) {
					fprintf(
					    stderr,
					    "fuzz: the CSV of a valid "
					    "framework "
					    "does not parse again: %s (line "
					    "%lu)\n--- the CSV:\n%.*s\n",
					    err.message, err.line,
					    (int)(out.len < 4000 ? out.len
					                         : 4000),
					    out.data ? out.data : "");
					abort();
				}
				FUZZ_ASSERT(dti_framework_node_count(again) ==
				                dti_framework_node_count(fw),
				            "%zu nodes, %zu after a round trip",
				            dti_framework_node_count(fw),
				            dti_framework_node_count(again));
				FUZZ_ASSERT(dti_framework_root(again) ==
				                dti_framework_root(fw),
				            "root moved in a round trip");
				FUZZ_ASSERT(strcmp(dti_framework_id(again),
				                   dti_framework_id(fw)) == 0,
				            "id '%s' became '%s'",
				            dti_framework_id(fw),
				            dti_framework_id(again));
				dti_error_release(&err);
				dti_framework_free(again);
			}
			dti_buf_release(&out);
		}
	}
	dti_framework_free(fw);
	return 0;
}
