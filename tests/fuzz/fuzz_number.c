/*
 * tests/fuzz/fuzz_number.c - numbers as typed in data files.
 *
 * Feeds the input, as one NUL-terminated string, to dti_parse_number()
 * with each decimal mark (undeclared, '.', ',') and to the strict parsers.
 * Invariants: a number that parses is finite; the status is one of those
 * documented (OK, syntax, ambiguous) and a failure gives a reason; the
 * percent flag is 0 or 1; with a declared mark a number is never
 * ambiguous; and a string the strict parser accepts reads the same under
 * the '.' mark.
 */
#include <math.h>
#include <stdint.h>

#include "base/base.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	static const char marks[] = {0, '.', ','};
	for (size_t m = 0; m < sizeof marks; m++) {
		double v = NAN;
		int percent = -1;
		const char *why = NULL;
		enum dti_status st =
		    dti_parse_number(s, marks[m], &v, &percent, &why);
		FUZZ_ASSERT(st == DTI_OK || st == DTI_ESYNTAX ||
		                st == DTI_EAMBIGUOUS,
		            "status %d for mark %d", (int)st, marks[m]);
		if (st == DTI_OK) {
			FUZZ_ASSERT(isfinite(v), "'%s' (mark %d) parsed as %g",
			            s, marks[m], v);
			FUZZ_ASSERT(percent == 0 || percent == 1,
			            "percent flag %d", percent);
		} else {
			FUZZ_ASSERT(why && *why, "no reason for status %d",
			            (int)st);
		}
		if (marks[m])
			FUZZ_ASSERT(st != DTI_EAMBIGUOUS,
			            "'%s' ambiguous with mark '%c'", s,
			            marks[m]);
	}

	double d;
	if (dti_parse_double(s, &d) == 0) {
		FUZZ_ASSERT(isfinite(d), "'%s' parsed strictly as %g", s, d);
		double v;
		int percent;
		const char *why;
		enum dti_status st =
		    dti_parse_number(s, '.', &v, &percent, &why);
		/* grouping may refuse what strtod takes ("1,5" never reaches
		 * here: the strict parser refuses ','), but a plain number must
		 * read the same */
		if (st == DTI_OK)
			FUZZ_ASSERT(v == d && !percent,
			            "'%s': %.17g strictly, %.17g as data", s, d,
			            v);
	}
	long l;
	(void)dti_parse_long(s, &l);
	(void)dti_is_date(s);
	free(s);
	return 0;
}
