/*
 * bench/benchutil.h - what the benchmark programs share: the median of
 * repeated runs and the machine's CPU model for the figures' heading.
 * Static inline, so a program that uses only part of it still compiles
 * without warnings.
 */
#ifndef DTI_BENCHUTIL_H
#define DTI_BENCHUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : (x > y);
}

/* The median of n values (sorts them in place); NaN when n is 0. */
static inline double median_of(double *t, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(t, n, sizeof *t, bench_cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* "model name" of /proc/cpuinfo, or "unknown". */
static inline void cpu_model(char *out, size_t outsz)
{
	snprintf(out, outsz, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, outsz, "%s", colon);
		break;
	}
	fclose(f);
}

#endif
