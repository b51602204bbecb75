/*
 * lib/engine/treatspec.c - the words of outlier treatment (dti/prepare.h):
 * the fallbacks' names and the treat column of a framework row.  Apart
 * from prepare.c, since the framework reader checks the column too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "dti/prepare.h"
#include "engine/model.h"

int eng_yes_no(const char *v, int *out)
{
	if (dti_streq_ci(v, "yes") || dti_streq_ci(v, "true") ||
	    strcmp(v, "1") == 0)
		*out = 1;
	else if (dti_streq_ci(v, "no") || dti_streq_ci(v, "false") ||
	         strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static const char *const fallback_names[] = {"log_CT", "log_CT_plus",
                                             "log_CT_orig", "boxcox", "none"};

const char *dti_fallback_name(enum dti_fallback f)
{
	return f >= DTI_FALLBACK_LOG_CT && f <= DTI_FALLBACK_NONE
	           ? fallback_names[f]
	           : "?";
}

int dti_fallback_parse(const char *text, enum dti_fallback *f, double *lambda)
{
	if (!text)
		return -1;
	char t[64];
	if (strlen(text) >= sizeof t)
		return -1;
	memcpy(t, text, strlen(text) + 1);
	char *w = dti_trim(t);
	if (dti_streq_ci(w, "log")) {
		*f = DTI_FALLBACK_LOG_CT;
		return 0;
	}
	for (int i = 0; i < 5; i++)
		if (i != DTI_FALLBACK_BOXCOX &&
		    dti_streq_ci(w, fallback_names[i])) {
			*f = (enum dti_fallback)i;
			return 0;
		}
	/* "boxcox:L" or "boxcox L" */
	if (strncasecmp(w, "boxcox", 6) ||
	    !(w[6] == ':' || w[6] == ' ' || w[6] == '\t'))
		return -1;
	char *l = w + 7;
	while (*l == ' ' || *l == '\t')
		l++;
	double x;
	if (!*l || dti_parse_double(l, &x) || !isfinite(x))
		return -1;
	*f = DTI_FALLBACK_BOXCOX;
	*lambda = x;
	return 0;
}

static enum dti_status override_word(const char *w,
                                     struct dti_treat_override *o,
                                     struct dti_error *err)
{
	const char *eq = strchr(w, '=');
	size_t klen = eq ? (size_t)(eq - w) : strlen(w);
	const char *v = eq ? eq + 1 : NULL;
	double x;
#define KEY(name) (klen == strlen(name) && strncasecmp(w, name, klen) == 0)
	if (KEY("force")) {
		int b = 1;
		if (v && eng_yes_no(v, &b))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "treat",
			                   "'%s': force takes yes or no", w);
		o->force_win = b;
		o->set |= DTI_TREAT_SET_FORCE;
		return DTI_OK;
	}
	if (v && KEY("winmax")) {
		if (dti_parse_double(v, &x) || x != floor(x) || x < 1 ||
		    x > 1000000)
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "treat",
			                   "'%s': winmax takes a whole number "
			                   "from 1 to 1000000",
			                   w);
		o->winmax = (int)x;
		o->set |= DTI_TREAT_SET_WINMAX;
		return DTI_OK;
	}
	int skew = KEY("skew");
	if (v && (skew || KEY("kurtosis") || KEY("kurt"))) {
		if (dti_parse_double(v, &x) || !(x > 0) || !isfinite(x))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "treat",
			                   "'%s': the limit must be a positive "
			                   "number",
			                   w);
		if (skew)
			o->skew_limit = x;
		else
			o->kurt_limit = x;
		o->set |= skew ? DTI_TREAT_SET_SKEW : DTI_TREAT_SET_KURT;
		return DTI_OK;
	}
	if (v && KEY("fallback")) {
		if (dti_fallback_parse(v, &o->fallback, &o->lambda))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "treat",
			                   "'%s': expected fallback=log_CT, "
			                   "log_CT_plus, log_CT_orig, none or "
			                   "boxcox:LAMBDA",
			                   w);
		o->set |= DTI_TREAT_SET_FALLBACK;
		return DTI_OK;
	}
#undef KEY
	return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "treat",
	                   "unknown word '%s' (expected no, winmax=N, "
	                   "skew=X, kurtosis=X, fallback=F or force)",
	                   w);
}

enum dti_status dti_treat_override_parse(const char *text,
                                         struct dti_treat_override *out,
                                         struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	out->skew_limit = out->kurt_limit = NAN;
	char *t = text ? strdup(text) : NULL;
	if (text && !t)
		return dti_err_nomem(err);
	char *w = t ? dti_trim(t) : NULL;
	if (w && (dti_streq_ci(w, "no") || dti_streq_ci(w, "none"))) {
		out->exclude = 1;
		free(t);
		return DTI_OK;
	}
	enum dti_status st = DTI_OK;
	char *save = NULL;
	for (char *x = w ? strtok_r(w, " \t", &save) : NULL; x && !st;
	     x = strtok_r(NULL, " \t", &save)) {
		if (dti_streq_ci(x, "no") || dti_streq_ci(x, "none"))
			st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "treat",
			                 "'%s' stands alone: it leaves the "
			                 "indicator untreated",
			                 x);
		else
			st = override_word(x, out, err);
	}
	free(t);
	return st;
}
