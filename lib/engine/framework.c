/*
 * lib/framework.c - reading and validating framework files.
 *
 * A framework file (dti-framework(5)) is a CSV table, one row per node,
 * after "# key: value" metadata lines; COINr's iMeta tables are read too.
 * Reading is two passes: rows are collected as text first, then the graph is
 * built and checked whole, so every fault of a file is reported at once
 * with its line and column: unknown columns, duplicate codes, unknown
 * parents, cycles (with their path), bad numbers, unknown rules, bad rule
 * parameters, children's points that do not add up.  Once loaded, a
 * framework never changes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/model.h"

/* ---- names ----------------------------------------------------------- */

static const char *const kind_names[] = {"index",     "subindex",  "pillar",
                                         "group",     "indicator", "component",
                                         "criterion", "statistic"};

const char *dti_kind_name(enum dti_kind kind)
{
	return (unsigned)kind < DTI_ARRAY_LEN(kind_names) ? kind_names[kind]
	                                                  : "?";
}

static const char *const rule_names[] = {
    "",        "yesno",       "ratio",    "count",  "steps",
    "points",  "survey",      "reviewer", "value",  "raw",
    "minmax",  "goalposts",   "zscore",   "rank",   "prank",
    "fracmax", "dist2target", "borda",    "scaled", "dist2ref"};

const char *dti_rule_name(enum dti_rule rule)
{
	return (unsigned)rule < DTI_ARRAY_LEN(rule_names) ? rule_names[rule]
	                                                  : "?";
}

const char *dti_agg_name(enum dti_agg agg)
{
	switch (agg) {
	case DTI_AGG_ARITH: return "arith";
	case DTI_AGG_GEOM: return "geom";
	case DTI_AGG_HARM: return "harm";
	case DTI_AGG_GENMEAN: return "mean";
	}
	return "?";
}

const char *dti_missing_name(enum dti_missing m)
{
	switch (m) {
	case DTI_MISSING_DEFAULT: return "default";
	case DTI_MISSING_ZERO: return "zero";
	case DTI_MISSING_EXCLUDE: return "exclude";
	case DTI_MISSING_GROUP_MEAN: return "group-mean";
	}
	return "?";
}

const char *dti_origin_name(enum dti_origin o)
{
	switch (o) {
	case DTI_ORIGIN_OFFICIAL: return "official";
	case DTI_ORIGIN_UNKNOWN: return "unknown";
	case DTI_ORIGIN_INFERRED: return "inferred";
	case DTI_ORIGIN_EXAMPLE: return "example";
	case DTI_ORIGIN_USER: return "user";
	}
	return "?";
}

int dti_rule_is_relative(enum dti_rule rule)
{
	return rule >= DTI_RULE_MINMAX;
}

static int parse_kind(const char *s, enum dti_kind *k, int *imeta_leaf)
{
	*imeta_leaf = -1;
	for (size_t i = 0; i < DTI_ARRAY_LEN(kind_names); i++)
		if (dti_streq_ci(s, kind_names[i])) {
			*k = (enum dti_kind)i;
			return 0;
		}
	if (dti_streq_ci(s, "sub-index") || dti_streq_ci(s, "sub_index")) {
		*k = DTI_KIND_SUBINDEX;
		return 0;
	}
	if (dti_streq_ci(s, "main") || dti_streq_ci(s, "main_indicator")) {
		*k = DTI_KIND_INDICATOR;
		return 0;
	}
	if (dti_streq_ci(s, "aggregate")) { /* iMeta */
		*imeta_leaf = 0;
		return 0;
	}
	if (dti_streq_ci(s, "stat") || dti_streq_ci(s, "statistics")) {
		*k = DTI_KIND_STATISTIC;
		return 0;
	}
	return -1;
}

struct rule_alias {
	const char *name;
	enum dti_rule rule;
	int percent;
};

static const struct rule_alias rule_aliases[] = {
    {"yesno", DTI_RULE_YESNO, 0},
    {"yes/no", DTI_RULE_YESNO, 0},
    {"boolean", DTI_RULE_YESNO, 0},
    {"ratio", DTI_RULE_RATIO, 0},
    {"percent", DTI_RULE_RATIO, 1},
    {"percentage", DTI_RULE_RATIO, 1},
    {"count", DTI_RULE_COUNT, 0},
    {"steps", DTI_RULE_STEPS, 0},
    {"thresholds", DTI_RULE_STEPS, 0},
    {"points", DTI_RULE_POINTS, 0},
    {"survey", DTI_RULE_SURVEY, 0},
    {"reviewer", DTI_RULE_REVIEWER, 0},
    {"value", DTI_RULE_VALUE, 0},
    {"raw", DTI_RULE_RAW, 0},
    {"none", DTI_RULE_RAW, 0},
    {"minmax", DTI_RULE_MINMAX, 0},
    {"n_minmax", DTI_RULE_MINMAX, 0},
    {"goalposts", DTI_RULE_GOALPOSTS, 0},
    {"n_goalposts", DTI_RULE_GOALPOSTS, 0},
    {"zscore", DTI_RULE_ZSCORE, 0},
    {"n_zscore", DTI_RULE_ZSCORE, 0},
    {"rank", DTI_RULE_RANK, 0},
    {"n_rank", DTI_RULE_RANK, 0},
    {"prank", DTI_RULE_PRANK, 0},
    {"n_prank", DTI_RULE_PRANK, 0},
    {"fracmax", DTI_RULE_FRACMAX, 0},
    {"n_fracmax", DTI_RULE_FRACMAX, 0},
    {"ratiomax", DTI_RULE_FRACMAX, 0},
    {"dist2target", DTI_RULE_DIST2TARGET, 0},
    {"n_dist2targ", DTI_RULE_DIST2TARGET, 0},
    {"dist2targ", DTI_RULE_DIST2TARGET, 0},
    {"borda", DTI_RULE_BORDA, 0},
    {"n_borda", DTI_RULE_BORDA, 0},
    {"scaled", DTI_RULE_SCALED, 0},
    {"n_scaled", DTI_RULE_SCALED, 0},
    {"dist2ref", DTI_RULE_DIST2REF, 0},
    {"n_dist2ref", DTI_RULE_DIST2REF, 0},
};

static int parse_rule(const char *s, enum dti_rule *r, int *percent)
{
	for (size_t i = 0; i < DTI_ARRAY_LEN(rule_aliases); i++)
		if (dti_streq_ci(s, rule_aliases[i].name)) {
			*r = rule_aliases[i].rule;
			*percent = rule_aliases[i].percent;
			return 0;
		}
	return -1;
}

/* "arith", "geom", "harm", "mean:P" (also COINr's a_amean etc.) */
static int parse_method(const char *s, enum dti_agg *a, double *p)
{
	*p = 1;
	if (dti_streq_ci(s, "arith") || dti_streq_ci(s, "a_amean") ||
	    dti_streq_ci(s, "mean") || dti_streq_ci(s, "arithmetic")) {
		*a = DTI_AGG_ARITH;
		return 0;
	}
	if (dti_streq_ci(s, "geom") || dti_streq_ci(s, "a_gmean") ||
	    dti_streq_ci(s, "geometric")) {
		*a = DTI_AGG_GEOM;
		*p = 0;
		return 0;
	}
	if (dti_streq_ci(s, "harm") || dti_streq_ci(s, "a_hmean") ||
	    dti_streq_ci(s, "harmonic")) {
		*a = DTI_AGG_HARM;
		*p = -1;
		return 0;
	}
	if ((strncmp(s, "mean:", 5) == 0 || strncmp(s, "genmean:", 8) == 0)) {
		const char *v = strchr(s, ':') + 1;
		double x;
		if (dti_parse_double(v, &x) || x == 0 || !isfinite(x))
			return -1;
		*a = DTI_AGG_GENMEAN;
		*p = x;
		return 0;
	}
	return -1;
}

static int parse_missing(const char *s, enum dti_missing *m)
{
	if (dti_streq_ci(s, "zero") || dti_streq_ci(s, "0")) {
		*m = DTI_MISSING_ZERO;
		return 0;
	}
	if (dti_streq_ci(s, "exclude") || dti_streq_ci(s, "reweight") ||
	    dti_streq_ci(s, "na")) {
		*m = DTI_MISSING_EXCLUDE;
		return 0;
	}
	if (dti_streq_ci(s, "group-mean") || dti_streq_ci(s, "group_mean") ||
	    dti_streq_ci(s, "groupmean")) {
		*m = DTI_MISSING_GROUP_MEAN;
		return 0;
	}
	return -1;
}

static int parse_origin(const char *s, enum dti_origin *o)
{
	static const char *const names[] = {"official", "unknown", "inferred",
	                                    "example", "user"};
	for (size_t i = 0; i < DTI_ARRAY_LEN(names); i++)
		if (dti_streq_ci(s, names[i])) {
			*o = (enum dti_origin)i;
			return 0;
		}
	if (dti_streq_ci(s, "unofficial")) {
		*o = DTI_ORIGIN_USER;
		return 0;
	}
	return -1;
}

/* ---- columns --------------------------------------------------------- */

enum col {
	C_CODE,
	C_PARENT,
	C_KIND,
	C_LEVEL,
	C_NAME_VI,
	C_NAME_EN,
	C_POINTS,
	C_WEIGHT,
	C_POLARITY,
	C_RULE,
	C_METHOD,
	C_PARAMS,
	C_TARGET,
	C_STATUS,
	C_UNIT,
	C_NOTE,
	C_DENOM,
	/* COINr's iMeta parameter columns (Normalise(f_n_para = "use_iMeta"))
	 */
	C_MINMAX_LO,
	C_MINMAX_HI,
	C_Z_MEAN,
	C_Z_SD,
	C_SC_LO,
	C_SC_HI,
	C_SC_FACTOR,
	C_GP_LO,
	C_GP_HI,
	C_GP_SCALE,
	C_GP_TRUNC,
	C_D2T_CAP,
	C_TREAT, /* the indicator's own outlier treatment (dti/prepare.h) */
	C_COUNT
};

struct col_name {
	const char *name;
	enum col col;
};

static const struct col_name col_names[] = {
    {"code", C_CODE},
    {"icode", C_CODE},
    {"parent", C_PARENT},
    {"parents", C_PARENT},
    {"kind", C_KIND},
    {"type", C_KIND},
    {"level", C_LEVEL},
    {"name_vi", C_NAME_VI},
    {"ten", C_NAME_VI},
    {"name_en", C_NAME_EN},
    {"name", C_NAME_EN},
    {"iname", C_NAME_EN},
    {"points", C_POINTS},
    {"diem", C_POINTS},
    {"weight", C_WEIGHT},
    {"polarity", C_POLARITY},
    {"direction", C_POLARITY},
    {"rule", C_RULE},
    {"method", C_METHOD},
    {"params", C_PARAMS},
    {"target", C_TARGET},
    {"status", C_STATUS},
    {"origin", C_STATUS},
    {"unit", C_UNIT},
    {"note", C_NOTE},
    {"ghi_chu", C_NOTE},
    {"denominator", C_DENOM},
    {"minmax_lower", C_MINMAX_LO},
    {"minmax_upper", C_MINMAX_HI},
    {"zscore_mean", C_Z_MEAN},
    {"zscore_sd", C_Z_SD},
    {"scaled_lower", C_SC_LO},
    {"scaled_upper", C_SC_HI},
    {"scale_factor", C_SC_FACTOR},
    {"goalpost_lower", C_GP_LO},
    {"goalpost_upper", C_GP_HI},
    {"goalpost_scale", C_GP_SCALE},
    {"goalpost_trunc2posts", C_GP_TRUNC},
    {"dist2targ_cap_max", C_D2T_CAP},
    {"treat", C_TREAT},
};

/* One row as read, before the graph exists. */
struct raw_row {
	char *f[C_COUNT];
	char **ws; /* [nws] the weight.NAME fields */
	unsigned long line;
	int has[C_COUNT];
};

struct parser {
	struct dti_framework *fw;
	const char *name;
	struct dti_error *err;
	int colidx[C_COUNT]; /* column index of each field, -1 if absent */
	size_t ncols;
	int imeta;
	size_t nrows;
	size_t rowcap;
	struct raw_row *rows;
	int *imeta_leaf; /* per row: -1 unknown, 0 aggregate, 1 indicator */
	int failed;
	int nomem; /* an allocation failed: the parse ends with DTI_ENOMEM */
	int comma; /* separated by ';' (Excel's dialect): decimal commas */
	/* weight.NAME columns: alternative weight sets */
	size_t nws;
	int wscol[DTI_MAX_WEIGHT_SETS];
};

/*
 * A number of a column of its own (points, weight, target): in a file
 * separated by ';' a single comma is the decimal mark ("0,5"), as Excel
 * writes it where the comma is the decimal mark.  Parameters keep '.',
 * since ',' separates their steps.
 */
static int fw_number(const struct parser *p, const char *s, double *x)
{
	const char *comma = p->comma ? strchr(s, ',') : NULL;
	if (!comma || strchr(comma + 1, ',') || strchr(s, '.') ||
	    strlen(s) >= 64)
		return dti_parse_double(s, x);
	char t[64];
	memcpy(t, s, strlen(s) + 1);
	t[comma - s] = '.';
	return dti_parse_double(t, x);
}

/* An allocation failed: reported once, and the parse fails. */
static void oom(struct parser *p)
{
	if (!p->nomem)
		dti_err_nomem(p->err);
	p->nomem = 1;
	p->failed = 1;
}

static char *adup(struct parser *p, const char *s)
{
	char *r = dti_arena_strdup(&p->fw->arena, s);
	if (!r)
		oom(p);
	return r;
}

static void fault(struct parser *p, enum dti_status code, unsigned long line,
                  enum col c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fault(struct parser *p, enum dti_status code, unsigned long line,
                  enum col c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	unsigned long column = 0;
	const char *field = NULL;
	if ((int)c >= 0 && c < C_COUNT && p->colidx[c] >= 0) {
		column = (unsigned long)p->colidx[c] + 1;
		for (size_t i = 0; i < DTI_ARRAY_LEN(col_names); i++)
			if (col_names[i].col == c) {
				field = col_names[i].name;
				break;
			}
	}
	dti_err_vadd(p->err, code, p->name, line, column, field, fmt, ap);
	va_end(ap);
	p->failed = 1;
}

static void warn(struct parser *p, unsigned long line, const char *field,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void warn(struct parser *p, unsigned long line, const char *field,
                 const char *fmt, ...)
{
	struct dti_framework *fw = p->fw;
	struct dti_diag *w = realloc(fw->warn, (fw->nwarn + 1) * sizeof *w);
	if (!w) {
		oom(p);
		return;
	}
	fw->warn = w;
	va_list ap;
	va_start(ap, fmt);
	char msg[DTI_ERROR_MSG_MAX];
	dti_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dti_diag_set(&w[fw->nwarn++], DTI_OK, fw->name, line, 0, field, "%s",
	             msg);
}

static enum dti_status read_header(struct parser *p, struct dti_csv *c)
{
	for (int i = 0; i < C_COUNT; i++)
		p->colidx[i] = -1;
	p->ncols = c->nfields;
	int bad = 0;
	for (size_t j = 0; j < c->nfields; j++) {
		char *h = dti_trim(c->fields[j]);
		if (!*h || h[0] == '_')
			continue;
		int found = -1;
		for (size_t k = 0; k < DTI_ARRAY_LEN(col_names); k++)
			if (dti_streq_ci(h, col_names[k].name)) {
				found = (int)col_names[k].col;
				break;
			}
		if (dti_streq_ci(h, "icode"))
			p->imeta = 1;
		if (found < 0 && strncasecmp(h, "weight.", 7) == 0 && h[7]) {
			/* an alternative weight set, named after the dot */
			int dup = 0;
			for (size_t s = 0; s < p->nws; s++)
				dup |= strcmp(p->fw->wsets[s], h + 7) == 0;
			if (dup || p->nws >= DTI_MAX_WEIGHT_SETS) {
				if (dup)
					dti_err_add(p->err, DTI_EINVALID,
					            p->name, c->line, j + 1, h,
					            "weight set '%s' appears "
					            "twice",
					            h + 7);
				else
					dti_err_add(p->err, DTI_EINVALID,
					            p->name, c->line, j + 1, h,
					            "more than %d weight sets",
					            DTI_MAX_WEIGHT_SETS);
				bad = 1;
				continue;
			}
			char **ns =
			    realloc(p->fw->wsets, (p->nws + 1) * sizeof *ns);
			if (!ns)
				return dti_err_nomem(p->err);
			p->fw->wsets = ns;
			ns[p->nws] = adup(p, h + 7);
			p->wscol[p->nws++] = (int)j;
			p->fw->nwsets = p->nws;
			continue;
		}
		if (found < 0) {
			dti_err_add(p->err, DTI_EINVALID, p->name, c->line,
			            j + 1, h,
			            "unknown column '%s' (known: code, parent, "
			            "kind, level, name_vi, name_en, points, "
			            "weight, polarity, rule, method, params, "
			            "target, status, unit, note; a column "
			            "starting with '_' is ignored)",
			            h);
			bad = 1;
			continue;
		}
		if (p->colidx[found] >= 0) {
			dti_err_add(p->err, DTI_EINVALID, p->name, c->line,
			            j + 1, h, "column '%s' appears twice", h);
			bad = 1;
			continue;
		}
		p->colidx[found] = (int)j;
	}
	if (p->colidx[C_CODE] < 0) {
		dti_err_add(p->err, DTI_EINVALID, p->name, c->line, 0, NULL,
		            "no 'code' column in the header");
		bad = 1;
	}
	if (p->colidx[C_NAME_VI] < 0 && p->colidx[C_NAME_EN] < 0) {
		dti_err_add(
		    p->err, DTI_EINVALID, p->name, c->line, 0, NULL,
		    "no name column (name_vi or name_en) in the header");
		bad = 1;
	}
	return bad ? DTI_EINVALID : DTI_OK;
}

static int is_code_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

static int valid_code(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_code_char(s[i]))
			return 0;
	return 1;
}

static enum dti_status read_rows(struct parser *p, struct dti_csv *c)
{
	enum dti_status st;
	while ((st = dti_csv_next_nonblank(c, p->err)) == DTI_OK) {
		if (c->nfields > p->ncols) {
			for (size_t j = p->ncols; j < c->nfields; j++)
				if (*dti_trim(c->fields[j])) {
					dti_err_add(p->err, DTI_ESYNTAX,
					            p->name, c->line, j + 1,
					            NULL,
					            "more fields than header "
					            "columns (%zu)",
					            p->ncols);
					p->failed = 1;
					break;
				}
		}
		if (DTI_GROW(p->rows, p->rowcap, p->nrows + 1))
			return dti_err_nomem(p->err);
		struct raw_row *r = &p->rows[p->nrows++];
		memset(r, 0, sizeof *r);
		r->line = c->line;
		for (int k = 0; k < C_COUNT; k++) {
			int j = p->colidx[k];
			const char *v = "";
			if (j >= 0 && (size_t)j < c->nfields)
				v = dti_trim(c->fields[j]);
			r->f[k] = adup(p, v);
			r->has[k] = *v != '\0';
		}
		if (p->nws) {
			r->ws = dti_arena_alloc(&p->fw->arena,
			                        p->nws * sizeof *r->ws);
			if (!r->ws)
				return dti_err_nomem(p->err);
			for (size_t s = 0; s < p->nws; s++) {
				size_t j = (size_t)p->wscol[s];
				r->ws[s] = adup(p, j < c->nfields
				                       ? dti_trim(c->fields[j])
				                       : "");
			}
		}
		if (p->nomem)
			return DTI_ENOMEM;
		if (p->nrows > DTI_MAX_NODES)
			return dti_err_set(p->err, DTI_ELIMIT, p->name, c->line,
			                   0, NULL, "more than %d nodes",
			                   DTI_MAX_NODES);
	}
	if (st != DTI_ENOTFOUND)
		return st;
	return p->failed ? DTI_EINVALID : DTI_OK;
}

/* ---- metadata -------------------------------------------------------- */

static const char *const known_meta[] = {"dti-framework",
                                         "id",
                                         "version",
                                         "year",
                                         "level",
                                         "title_vi",
                                         "title_en",
                                         "source",
                                         "status",
                                         "official",
                                         "note",
                                         "scoring",
                                         "scale",
                                         "precision",
                                         "missing",
                                         "group_by",
                                         "aggregate",
                                         "normalise",
                                         "normalise.params",
                                         "points_check",
                                         "units",
                                         "missing.group",
                                         "normalize",
                                         "normalize.params",
                                         "title",
                                         "description",
                                         "licence",
                                         "license",
                                         "denominate",
                                         "impute",
                                         "screen",
                                         "screen.nonzero",
                                         "treat",
                                         "treat.winmax",
                                         "treat.skew",
                                         "treat.kurtosis",
                                         "normalise.across",
                                         "normalize.across",
                                         "treat.fallback",
                                         "treat.force"};

static int meta_known(const char *k)
{
	for (size_t i = 0; i < DTI_ARRAY_LEN(known_meta); i++)
		if (strcmp(k, known_meta[i]) == 0)
			return 1;
	return strncmp(k, "aggregate.level", 15) == 0;
}

const char *dti_framework_meta(const struct dti_framework *fw, const char *key)
{
	for (size_t i = fw->nmeta; i-- > 0;)
		if (strcmp(fw->meta_keys[i], key) == 0)
			return fw->meta_vals[i];
	return NULL;
}

static int meta_set(struct dti_framework *fw, const char *k, const char *v)
{
	char **nk = realloc(fw->meta_keys, (fw->nmeta + 1) * sizeof *nk);
	if (!nk)
		return -1;
	fw->meta_keys = nk;
	char **nv = realloc(fw->meta_vals, (fw->nmeta + 1) * sizeof *nv);
	if (!nv)
		return -1;
	fw->meta_vals = nv;
	fw->meta_keys[fw->nmeta] = dti_arena_strdup(&fw->arena, k);
	fw->meta_vals[fw->nmeta] = dti_arena_strdup(&fw->arena, v);
	if (!fw->meta_keys[fw->nmeta] || !fw->meta_vals[fw->nmeta])
		return -1;
	fw->nmeta++;
	return 0;
}

static unsigned long meta_line(const struct dti_csv *c, const char *key)
{
	for (size_t i = c->nmeta; i-- > 0;)
		if (strcmp(c->meta_keys[i], key) == 0)
			return c->meta_lines[i];
	return 0;
}

/* ---- parameters ------------------------------------------------------ */

struct kv {
	char *key;
	char *val;
};

/*
 * Splits "a=1;b=2" into pairs, copied into the framework's arena (no
 * length limit: they live as long as the framework).  Returns the count,
 * -1 on a malformed pair (named in *bad, from the arena too), -2 without
 * memory.
 */
static int split_params(struct dti_arena *arena, const char *s, struct kv **out,
                        const char **bad)
{
	size_t cap = 1;
	for (const char *q = s; *q; q++)
		cap += *q == ';';
	struct kv *kv = dti_arena_alloc(arena, cap * sizeof *kv);
	if (!kv)
		return -2;
	*out = kv;
	int n = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (!eq || eq == p) {
			*bad = dti_arena_strndup(arena, p, len);
			return *bad ? -1 : -2;
		}
		size_t kl = (size_t)(eq - p);
		char *k = dti_arena_strndup(arena, p, kl);
		char *v = dti_arena_strndup(arena, eq + 1, len - kl - 1);
		if (!k || !v)
			return -2;
		kv[n].key = dti_trim(k);
		kv[n].val = dti_trim(v);
		n++;
		p += len;
	}
	return n;
}

static int count_steps(const char *s)
{
	int n = 1;
	for (; *s; s++)
		if (*s == ',' || *s == '|')
			n++;
	return n;
}

/*
 * The parameter of column c of row r into *slot when the cell has one: 1
 * if set, 0 if empty, -1 after a fault.
 */
static int imeta_number(struct parser *p, const struct raw_row *r, enum col c,
                        double *slot)
{
	if (!r->has[c] || !*r->f[c])
		return 0;
	const char *v = r->f[c];
	double x;
	/* R writes logicals as TRUE and FALSE */
	if (dti_streq_ci(v, "true"))
		x = 1;
	else if (dti_streq_ci(v, "false"))
		x = 0;
	else if (fw_number(p, v, &x) || !isfinite(x)) {
		fault(p, DTI_ESYNTAX, r->line, c, "'%s' is not a number", v);
		return -1;
	}
	*slot = x;
	return 1;
}

/*
 * COINr's iMeta parameter columns, for the rule the leaf has: minmax_lower
 * and minmax_upper, zscore_mean and zscore_sd, scaled_lower, scaled_upper
 * and scale_factor, goalpost_lower, goalpost_upper, goalpost_scale and
 * goalpost_trunc2posts, dist2targ_cap_max.  The params column, read
 * after, wins.
 */
static void imeta_params(struct parser *p, struct fw_node *nd,
                         const struct raw_row *r)
{
	struct rule_params *rp = &nd->rp;
	double t = 1;
	switch (nd->rule) {
	case DTI_RULE_MINMAX:
		imeta_number(p, r, C_MINMAX_LO, &rp->lo);
		imeta_number(p, r, C_MINMAX_HI, &rp->hi);
		break;
	case DTI_RULE_ZSCORE:
		imeta_number(p, r, C_Z_MEAN, &rp->mean);
		imeta_number(p, r, C_Z_SD, &rp->sd);
		break;
	case DTI_RULE_SCALED:
		imeta_number(p, r, C_SC_LO, &rp->min);
		imeta_number(p, r, C_SC_HI, &rp->max);
		imeta_number(p, r, C_SC_FACTOR, &rp->factor);
		break;
	case DTI_RULE_GOALPOSTS:
		imeta_number(p, r, C_GP_LO, &rp->min);
		imeta_number(p, r, C_GP_HI, &rp->max);
		if (imeta_number(p, r, C_GP_SCALE, &rp->hi) > 0)
			rp->lo = 0;
		if (imeta_number(p, r, C_GP_TRUNC, &t) > 0)
			rp->notrunc = t == 0;
		break;
	case DTI_RULE_DIST2TARGET:
		imeta_number(p, r, C_D2T_CAP, &rp->cap);
		break;
	default: break;
	}
}

/*
 * The node's weights in the alternative sets (weight.NAME columns): a
 * number >= 0, or empty for the node's own weight.  A statistic and a
 * node of a points framework take none.
 */
static void weight_sets(struct parser *p, struct fw_node *nd,
                        const struct raw_row *r)
{
	nd->wset = NULL;
	if (!p->nws)
		return;
	nd->wset = dti_arena_alloc(&p->fw->arena, p->nws * sizeof *nd->wset);
	if (!nd->wset) {
		oom(p);
		return;
	}
	for (size_t s = 0; s < p->nws; s++) {
		const char *v = r->ws[s];
		nd->wset[s] = NAN;
		if (!*v)
			continue;
		double x;
		if (p->fw->uses_points || nd->kind == DTI_KIND_STATISTIC) {
			dti_err_add(p->err, DTI_EINVALID, p->name, r->line,
			            (unsigned long)p->wscol[s] + 1, NULL,
			            "weight set '%s': %s takes no weight",
			            p->fw->wsets[s],
			            p->fw->uses_points ? "a points framework"
			                               : "a statistic");
			p->failed = 1;
			continue;
		}
		if (fw_number(p, v, &x) || !isfinite(x) || x < 0) {
			dti_err_add(p->err, DTI_EINVALID, p->name, r->line,
			            (unsigned long)p->wscol[s] + 1, NULL,
			            "weight set '%s': '%s' is not a weight (a "
			            "number >= 0)",
			            p->fw->wsets[s], v);
			p->failed = 1;
			continue;
		}
		nd->wset[s] = x;
	}
}

/*
 * The indicator's own outlier treatment (the treat column, as
 * dti_treat_override_parse reads it): only an indicator takes one.
 */
static void treat_column(struct parser *p, struct fw_node *nd,
                         const struct raw_row *r)
{
	nd->treat_text = NULL;
	if (!r->has[C_TREAT])
		return;
	if (nd->nchildren || nd->kind == DTI_KIND_STATISTIC) {
		fault(p, DTI_EINVALID, r->line, C_TREAT,
		      "'%s' is not an indicator: it takes no treatment",
		      nd->code);
		return;
	}
	struct dti_treat_override ov;
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st = dti_treat_override_parse(r->f[C_TREAT], &ov, &e);
	if (st == DTI_ENOMEM)
		oom(p);
	else if (st)
		fault(p, DTI_EINVALID, r->line, C_TREAT, "%s", e.message);
	else
		nd->treat_text = r->f[C_TREAT];
	dti_error_release(&e);
}

size_t dti_framework_weight_set_count(const struct dti_framework *fw)
{
	return fw->nwsets;
}

const char *dti_framework_weight_set_name(const struct dti_framework *fw,
                                          size_t set)
{
	return set < fw->nwsets ? fw->wsets[set] : NULL;
}

long dti_framework_find_weight_set(const struct dti_framework *fw,
                                   const char *name)
{
	for (size_t s = 0; name && s < fw->nwsets; s++)
		if (strcmp(fw->wsets[s], name) == 0)
			return (long)s;
	return -1;
}

double dti_framework_set_weight(const struct dti_framework *fw, size_t set,
                                size_t node)
{
	if (set >= fw->nwsets || node >= fw->n || !fw->nodes[node].wset)
		return NAN;
	return fw->nodes[node].wset[set];
}

/* Child c's weight in nd, in the set (-1: the framework's); 0 unscored. */
static double eff_weight(const struct dti_framework *fw, long set,
                         const struct fw_node *nd, size_t c)
{
	size_t ch = nd->children[c];
	if (!fw->nodes[ch].scored)
		return 0;
	double w = nd->child_weights[c];
	if (set >= 0) {
		double sw = dti_framework_set_weight(fw, (size_t)set, ch);
		if (!isnan(sw))
			w = sw;
	}
	return w > 0 ? w : 0;
}

enum dti_status dti_framework_effective_weights(const struct dti_framework *fw,
                                                long set, double *out,
                                                struct dti_error *err)
{
	if (set < -1 || set >= (long)fw->nwsets)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "weights",
		                   "no weight set %ld in the framework (it has "
		                   "%zu)",
		                   set, fw->nwsets);
	for (size_t k = 0; k < fw->n; k++)
		out[k] = 0;
	if (!fw->n)
		return DTI_OK;
	out[fw->root] = 1;
	/* the order puts children first: backwards, parents come first */
	for (size_t o = fw->n; o-- > 0;) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &fw->nodes[k];
		if (!nd->nchildren || out[k] == 0)
			continue;
		double sum = 0;
		for (size_t c = 0; c < nd->nchildren; c++)
			sum += eff_weight(fw, set, nd, c);
		if (!(sum > 0))
			continue;
		for (size_t c = 0; c < nd->nchildren; c++)
			out[nd->children[c]] +=
			    out[k] * eff_weight(fw, set, nd, c) / sum;
	}
	return DTI_OK;
}

/* Parses the rule parameters of a leaf; reports faults against the row. */
static void parse_leaf_params(struct parser *p, struct fw_node *nd,
                              const struct raw_row *r, const char *params,
                              int percent)
{
	struct dti_framework *fw = p->fw;
	struct rule_params *rp = &nd->rp;
	double scale = fw->scale;
	int neg = nd->polarity < 0;
	rp->floor = percent ? (neg ? 100 : 0) : (neg ? 1 : 0);
	rp->target = percent ? (neg ? 0 : 100) : (neg ? 0 : 1);
	rp->cap = NAN;
	rp->min = NAN;
	rp->max = NAN;
	rp->lo = 0;
	rp->hi = scale;
	rp->mean = 0;
	rp->sd = 1;
	if (nd->rule == DTI_RULE_SURVEY) {
		rp->min = 1;
		rp->max = 5;
	}
	if (nd->rule == DTI_RULE_DIST2TARGET || nd->rule == DTI_RULE_DIST2REF) {
		rp->target = NAN;
		rp->cap = 0;
	}
	rp->factor = scale;
	rp->ref = NULL;
	rp->notrunc = 0;
	if (nd->rule == DTI_RULE_DIST2TARGET && r->has[C_TARGET]) {
		double t;
		if (fw_number(p, r->f[C_TARGET], &t))
			fault(p, DTI_ESYNTAX, r->line, C_TARGET,
			      "target '%s' is not a number", r->f[C_TARGET]);
		else
			rp->target = t;
	}
	imeta_params(p, nd, r);
	struct kv *kv = NULL;
	const char *bad = NULL;
	int n = split_params(&fw->arena, params, &kv, &bad);
	if (n == -2) {
		p->failed = 1;
		dti_err_nomem(p->err);
		return;
	}
	if (n < 0) {
		fault(p, DTI_ESYNTAX, r->line, C_PARAMS,
		      "malformed parameter '%s' (expected key=value pairs "
		      "separated by ';')",
		      bad);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *k = kv[i].key, *v = kv[i].val;
		double x = NAN;
		int isnum = dti_parse_double(v, &x) == 0;
		double *slot = NULL;
		int ok_key = 1;
		switch (nd->rule) {
		case DTI_RULE_RATIO:
			if (strcmp(k, "floor") == 0) {
				slot = &rp->floor;
			} else if (strcmp(k, "target") == 0) {
				slot = &rp->target;
			} else {
				ok_key = 0;
			}
			break;
		case DTI_RULE_COUNT:
			if (strcmp(k, "cap") == 0)
				slot = &rp->cap;
			else
				ok_key = 0;
			break;
		case DTI_RULE_SURVEY:
			if (strcmp(k, "min") == 0)
				slot = &rp->min;
			else if (strcmp(k, "max") == 0)
				slot = &rp->max;
			else if (strcmp(k, "scale") == 0) {
				/* "scale=1-5" */
				double a, b;
				char *tmp = kv[i].val; /* ours to cut */
				char *dash = *tmp ? strchr(tmp + 1, '-') : NULL;
				if (!dash) {
					fault(p, DTI_ESYNTAX, r->line, C_PARAMS,
					      "scale '%s' is not MIN-MAX", v);
					continue;
				}
				*dash = '\0';
				if (dti_parse_double(tmp, &a) ||
				    dti_parse_double(dash + 1, &b)) {
					fault(p, DTI_ESYNTAX, r->line, C_PARAMS,
					      "scale '%s' is not MIN-MAX", v);
					continue;
				}
				rp->min = a;
				rp->max = b;
				continue;
			} else
				ok_key = 0;
			break;
		case DTI_RULE_STEPS:
			if (strcmp(k, "steps") == 0) {
				int ns = count_steps(v);
				rp->thr = dti_arena_alloc(
				    &fw->arena, (size_t)ns * sizeof(double));
				rp->pts = dti_arena_alloc(
				    &fw->arena, (size_t)ns * sizeof(double));
				if (!rp->thr || !rp->pts) {
					oom(p);
					return;
				}
				char *tmp = kv[i].val; /* ours to cut */
				char *save = NULL;
				size_t m = 0;
				for (char *tok = strtok_r(tmp, ",|", &save);
				     tok; tok = strtok_r(NULL, ",|", &save)) {
					tok = dti_trim(tok);
					char *colon = strchr(tok, ':');
					double a, b;
					if (!colon) {
						fault(p, DTI_ESYNTAX, r->line,
						      C_PARAMS,
						      "step '%s' is not "
						      "THRESHOLD:POINTS",
						      tok);
						return;
					}
					*colon = '\0';
					if (dti_parse_double(dti_trim(tok),
					                     &a) ||
					    dti_parse_double(
					        dti_trim(colon + 1), &b)) {
						fault(p, DTI_ESYNTAX, r->line,
						      C_PARAMS,
						      "step '%s:%s' is not two "
						      "numbers",
						      tok, colon + 1);
						return;
					}
					if (m && a <= rp->thr[m - 1]) {
						fault(p, DTI_EINVALID, r->line,
						      C_PARAMS,
						      "step thresholds must "
						      "increase (%g after %g)",
						      a, rp->thr[m - 1]);
						return;
					}
					rp->thr[m] = a;
					rp->pts[m] = b;
					m++;
				}
				rp->nsteps = m;
				continue;
			}
			ok_key = 0;
			break;
		case DTI_RULE_MINMAX:
			if (strcmp(k, "lo") == 0)
				slot = &rp->lo;
			else if (strcmp(k, "hi") == 0)
				slot = &rp->hi;
			else
				ok_key = 0;
			break;
		case DTI_RULE_GOALPOSTS:
			if (strcmp(k, "min") == 0)
				slot = &rp->min;
			else if (strcmp(k, "max") == 0)
				slot = &rp->max;
			else if (strcmp(k, "lo") == 0)
				slot = &rp->lo;
			else if (strcmp(k, "hi") == 0)
				slot = &rp->hi;
			else if (strcmp(k, "trunc") == 0) {
				/* 0: values beyond the posts are kept */
				if (isnum && (x == 0 || x == 1))
					rp->notrunc = x == 0;
				else
					fault(p, DTI_EINVALID, r->line,
					      C_PARAMS,
					      "trunc must be 0 or 1 (is %s)",
					      kv[i].val);
				continue;
			} else
				ok_key = 0;
			break;
		case DTI_RULE_ZSCORE:
			if (strcmp(k, "mean") == 0)
				slot = &rp->mean;
			else if (strcmp(k, "sd") == 0)
				slot = &rp->sd;
			else
				ok_key = 0;
			break;
		case DTI_RULE_DIST2TARGET:
			if (strcmp(k, "target") == 0)
				slot = &rp->target;
			else if (strcmp(k, "cap") == 0)
				slot = &rp->cap;
			else
				ok_key = 0;
			break;
		case DTI_RULE_SCALED:
			if (strcmp(k, "min") == 0)
				slot = &rp->min;
			else if (strcmp(k, "max") == 0)
				slot = &rp->max;
			else if (strcmp(k, "factor") == 0)
				slot = &rp->factor;
			else
				ok_key = 0;
			break;
		case DTI_RULE_DIST2REF:
			if (strcmp(k, "ref") == 0) {
				/* a unit's id, not a number */
				if (!*v)
					fault(p, DTI_ESYNTAX, r->line, C_PARAMS,
					      "ref= needs a unit's id");
				rp->ref = v;
				continue;
			}
			if (strcmp(k, "cap") == 0)
				slot = &rp->cap;
			else
				ok_key = 0;
			break;
		default: ok_key = 0; break;
		}
		if (!ok_key) {
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule '%s' has no parameter '%s'",
			      dti_rule_name(nd->rule), k);
			continue;
		}
		if (!isnum || !isfinite(x)) {
			fault(p, DTI_ESYNTAX, r->line, C_PARAMS,
			      "parameter %s='%s' is not a number", k, v);
			continue;
		}
		*slot = x;
	}
	/* checks per rule */
	switch (nd->rule) {
	case DTI_RULE_RATIO:
		if (!neg && !(rp->target > rp->floor))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "target (%g) must be above floor (%g); for "
			      "lower-is-better figures set polarity '-'",
			      rp->target, rp->floor);
		if (neg && !(rp->target < rp->floor))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "with polarity '-' the floor (the worst value, "
			      "%g) must be above the target (the best, %g)",
			      rp->floor, rp->target);
		break;
	case DTI_RULE_COUNT:
		if (isnan(rp->cap))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule count needs cap=N");
		else if (!(rp->cap > 0))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "cap must be above 0 (is %g)", rp->cap);
		break;
	case DTI_RULE_SURVEY:
		if (!(rp->max > rp->min))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "survey scale max (%g) must be above min (%g)",
			      rp->max, rp->min);
		break;
	case DTI_RULE_STEPS:
		if (rp->nsteps == 0) {
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule steps needs steps=T1:P1,T2:P2,...");
			break;
		}
		for (size_t i = 0; i < rp->nsteps; i++) {
			double top = fw->uses_points ? nd->points : scale;
			if (rp->pts[i] < 0 ||
			    (nd->points_known && rp->pts[i] > top + 1e-9))
				fault(p, DTI_EINVALID, r->line, C_PARAMS,
				      "step %g gives %g, outside 0..%g",
				      rp->thr[i], rp->pts[i], top);
		}
		break;
	case DTI_RULE_MINMAX:
		if (!(rp->hi > rp->lo))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "hi (%g) must be above lo (%g)", rp->hi, rp->lo);
		break;
	case DTI_RULE_GOALPOSTS:
		if (isnan(rp->min) || isnan(rp->max))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule goalposts needs min= and max=");
		else if (!(rp->max > rp->min))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "goalpost max (%g) must be above min (%g)",
			      rp->max, rp->min);
		if (!(rp->hi > rp->lo))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "hi (%g) must be above lo (%g)", rp->hi, rp->lo);
		break;
	case DTI_RULE_ZSCORE:
		if (!(rp->sd > 0))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "sd must be above 0 (is %g)", rp->sd);
		break;
	case DTI_RULE_DIST2TARGET:
		if (isnan(rp->target))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule dist2target needs a target (target "
			      "column or target=)");
		if (rp->cap != 0 && rp->cap != 1)
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "cap must be 0 or 1 (is %g)", rp->cap);
		break;
	case DTI_RULE_SCALED:
		if (isnan(rp->min) || isnan(rp->max))
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule scaled needs min= and max=");
		else if (rp->max == rp->min)
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "scaled: max and min must differ (both %g)",
			      rp->min);
		break;
	case DTI_RULE_DIST2REF:
		if (!rp->ref)
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "rule dist2ref needs ref= (a unit's id)");
		if (rp->cap != 0 && rp->cap != 1)
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "cap must be 0 or 1 (is %g)", rp->cap);
		break;
	default: break;
	}
}

/* Canonical text of a leaf's parameters, for display and hashing. */
static void canonical_params(struct parser *p, struct fw_node *nd)
{
	struct dti_buf b = DTI_BUF_INIT;
	const struct rule_params *rp = &nd->rp;
	enum dti_status st = DTI_OK;
	switch (nd->rule) {
	case DTI_RULE_RATIO:
		st = dti_buf_addf(&b, "floor=%g;target=%g", rp->floor,
		                  rp->target);
		break;
	case DTI_RULE_COUNT: st = dti_buf_addf(&b, "cap=%g", rp->cap); break;
	case DTI_RULE_SURVEY:
		st = dti_buf_addf(&b, "min=%g;max=%g", rp->min, rp->max);
		break;
	case DTI_RULE_STEPS:
		st = dti_buf_adds(&b, "steps=");
		for (size_t i = 0; i < rp->nsteps && st == DTI_OK; i++)
			st = dti_buf_addf(&b, "%s%g:%g", i ? "," : "",
			                  rp->thr[i], rp->pts[i]);
		break;
	case DTI_RULE_MINMAX:
		st = dti_buf_addf(&b, "lo=%g;hi=%g", rp->lo, rp->hi);
		break;
	case DTI_RULE_GOALPOSTS:
		st = dti_buf_addf(&b, "min=%g;max=%g;lo=%g;hi=%g", rp->min,
		                  rp->max, rp->lo, rp->hi);
		break;
	case DTI_RULE_ZSCORE:
		st = dti_buf_addf(&b, "mean=%g;sd=%g", rp->mean, rp->sd);
		break;
	case DTI_RULE_DIST2TARGET:
		st = dti_buf_addf(&b, "target=%g;cap=%g", rp->target, rp->cap);
		break;
	case DTI_RULE_SCALED:
		st = dti_buf_addf(&b, "min=%g;max=%g;factor=%g", rp->min,
		                  rp->max, rp->factor);
		break;
	case DTI_RULE_DIST2REF:
		st = dti_buf_addf(&b, "ref=%s;cap=%g", rp->ref ? rp->ref : "",
		                  rp->cap);
		break;
	default: break;
	}
	if (!st && nd->rule == DTI_RULE_GOALPOSTS && rp->notrunc)
		st = dti_buf_adds(&b, ";trunc=0");
	if (st != DTI_OK)
		oom(p);
	else
		nd->params_text = adup(p, b.data ? b.data : "");
	dti_buf_release(&b);
}

static void parse_agg_params(struct parser *p, struct fw_node *nd,
                             const struct raw_row *r, const char *params)
{
	struct kv *kv = NULL;
	const char *bad = NULL;
	int n = split_params(&p->fw->arena, params, &kv, &bad);
	if (n == -2) {
		p->failed = 1;
		dti_err_nomem(p->err);
		return;
	}
	if (n < 0) {
		fault(p, DTI_ESYNTAX, r->line, C_PARAMS,
		      "malformed parameter '%s' (expected key=value pairs "
		      "separated by ';')",
		      bad);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *k = kv[i].key, *v = kv[i].val;
		double x;
		if (strcmp(k, "zero") == 0) {
			if (strcmp(v, "result") == 0 || strcmp(v, "0") == 0)
				nd->zero = DTI_ZERO_RESULT;
			else if (strcmp(v, "error") == 0)
				nd->zero = DTI_ZERO_ERROR;
			else if (strcmp(v, "shift") == 0)
				nd->zero = DTI_ZERO_SHIFT;
			else
				fault(
				    p, DTI_EINVALID, r->line, C_PARAMS,
				    "zero=%s: expected result, error or shift",
				    v);
		} else if (strcmp(k, "shift") == 0) {
			if (dti_parse_double(v, &x) || !(x > 0))
				fault(p, DTI_EINVALID, r->line, C_PARAMS,
				      "shift=%s: expected a number above 0", v);
			else
				nd->shift = x;
		} else if (strcmp(k, "coverage") == 0) {
			if (dti_parse_double(v, &x) || x < 0 || x > 1)
				fault(p, DTI_EINVALID, r->line, C_PARAMS,
				      "coverage=%s: expected a number in 0..1",
				      v);
			else
				nd->coverage = x;
		} else if (strcmp(k, "p") == 0) {
			if (dti_parse_double(v, &x) || x == 0)
				fault(p, DTI_EINVALID, r->line, C_PARAMS,
				      "p=%s: expected a non-zero number", v);
			else if (nd->method == DTI_AGG_GENMEAN ||
			         nd->method == DTI_AGG_ARITH) {
				nd->method = DTI_AGG_GENMEAN;
				nd->power = x;
			}
		} else {
			fault(p, DTI_EINVALID, r->line, C_PARAMS,
			      "aggregates have no parameter '%s' (known: zero, "
			      "shift, coverage, p)",
			      k);
		}
	}
	if (nd->zero == DTI_ZERO_SHIFT && nd->shift == 0)
		fault(p, DTI_EINVALID, r->line, C_PARAMS,
		      "zero=shift needs shift=C");
}

/* ---- graph ----------------------------------------------------------- */

static int add_child(struct dti_framework *fw, size_t parent, size_t child,
                     double w)
{
	struct fw_node *pn = &fw->nodes[parent];
	size_t *nc = realloc(pn->children, (pn->nchildren + 1) * sizeof *nc);
	if (!nc)
		return -1;
	pn->children = nc;
	double *nw =
	    realloc(pn->child_weights, (pn->nchildren + 1) * sizeof *nw);
	if (!nw)
		return -1;
	pn->child_weights = nw;
	pn->children[pn->nchildren] = child;
	pn->child_weights[pn->nchildren] = w;
	pn->nchildren++;
	return 0;
}

/* Kahn's algorithm; on a cycle, reports one with its path and returns -1. */
static int order_nodes(struct parser *p)
{
	struct dti_framework *fw = p->fw;
	size_t n = fw->n;
	size_t *pending = calloc(n ? n : 1, sizeof *pending);
	size_t *queue = calloc(n ? n : 1, sizeof *queue);
	fw->order = dti_arena_alloc(&fw->arena, (n ? n : 1) * sizeof(size_t));
	if (!pending || !queue || !fw->order) {
		free(pending);
		free(queue);
		oom(p);
		return -1;
	}
	size_t qh = 0, qt = 0, done = 0;
	for (size_t i = 0; i < n; i++) {
		pending[i] = fw->nodes[i].nchildren;
		if (!pending[i])
			queue[qt++] = i;
	}
	while (qh < qt) {
		size_t v = queue[qh++];
		fw->order[done++] = v;
		const struct fw_node *nd = &fw->nodes[v];
		for (size_t k = 0; k < nd->nparents; k++)
			if (--pending[nd->parents[k]] == 0)
				queue[qt++] = nd->parents[k];
	}
	if (done < n) {
		/* walk down from a node still pending to find a cycle */
		size_t start = 0;
		while (start < n && pending[start] == 0)
			start++;
		size_t *seen = calloc(n, sizeof *seen);
		size_t *path = calloc(n + 1, sizeof *path);
		if (seen && path) {
			size_t len = 0, v = start;
			while (!seen[v]) {
				seen[v] = len + 1;
				path[len++] = v;
				const struct fw_node *nd = &fw->nodes[v];
				size_t next = v;
				for (size_t k = 0; k < nd->nchildren; k++)
					if (pending[nd->children[k]]) {
						next = nd->children[k];
						break;
					}
				if (next == v)
					break;
				v = next;
			}
			struct dti_buf b = DTI_BUF_INIT;
			for (size_t k = seen[v] - 1; k < len; k++)
				dti_buf_addf(&b, "%s -> ",
				             fw->nodes[path[k]].code);
			dti_buf_adds(&b, fw->nodes[v].code);
			fault(p, DTI_EINVALID, fw->nodes[v].line, C_PARENT,
			      "cycle: %s (a node cannot contain itself)",
			      b.data ? b.data : "");
			dti_buf_release(&b);
		} else {
			oom(p);
		}
		free(seen);
		free(path);
	}
	free(pending);
	free(queue);
	return done < n ? -1 : 0;
}

static int compute_levels(struct dti_framework *fw, const int *explicit_level)
{
	for (size_t k = 0; k < fw->n; k++) {
		size_t i = fw->order[k];
		struct fw_node *nd = &fw->nodes[i];
		int lv = 1;
		for (size_t c = 0; c < nd->nchildren; c++) {
			int cl = fw->nodes[nd->children[c]].level + 1;
			if (cl > lv)
				lv = cl;
		}
		nd->level = explicit_level[i] > 0 ? explicit_level[i] : lv;
	}
	return 0;
}

/* ---- the main parse -------------------------------------------------- */

/*
 * The largest weight, points or scale a framework may give.  Far above any
 * real index (DTI 2022 gives 1,000 points), and low enough that a sum over
 * any number of nodes and a weight times a value stay finite: no weight
 * overflows to inf and no value is divided down to a silent 0.
 */
#define FW_NUM_MAX 1e9

static double parse_num_field(struct parser *p, const struct raw_row *r,
                              enum col c, int *unknown)
{
	if (unknown)
		*unknown = 0;
	if (!r->has[c])
		return NAN;
	if (unknown && strcmp(r->f[c], "?") == 0) {
		*unknown = 1;
		return NAN;
	}
	double x;
	if (fw_number(p, r->f[c], &x) || !isfinite(x)) {
		fault(p, DTI_ESYNTAX, r->line, c, "'%s' is not a number%s",
		      r->f[c], unknown ? " (or '?' for unknown)" : "");
		return NAN;
	}
	if (x < 0) {
		fault(p, DTI_EINVALID, r->line, c, "%g is negative", x);
		return NAN;
	}
	if (x > FW_NUM_MAX) {
		fault(p, DTI_EINVALID, r->line, c,
		      "%g is too large (at most %g): sums and weighted values "
		      "would overflow",
		      x, FW_NUM_MAX);
		return NAN;
	}
	return x;
}

static void apply_meta(struct parser *p, struct dti_csv *c)
{
	struct dti_framework *fw = p->fw;
	for (size_t i = 0; i < c->nmeta; i++) {
		if (meta_set(fw, c->meta_keys[i], c->meta_vals[i])) {
			oom(p);
			return;
		}
		if (!meta_known(c->meta_keys[i]))
			warn(p, c->meta_lines[i], c->meta_keys[i],
			     "unknown metadata key '%s' (kept, not used)",
			     c->meta_keys[i]);
	}
	const char *v;
	unsigned long ln;
	if ((v = dti_framework_meta(fw, "dti-framework")) &&
	    strcmp(v, "1") != 0) {
		ln = meta_line(c, "dti-framework");
		dti_err_add(p->err, DTI_EINVALID, p->name, ln, 0,
		            "dti-framework",
		            "format version '%s' is not supported (this dti "
		            "reads version 1)",
		            v);
		p->failed = 1;
	}
	fw->scale = p->imeta ? 100 : 1;
	if ((v = dti_framework_meta(fw, "scale"))) {
		double s;
		if (dti_parse_double(v, &s) || !(s > 0) || s > FW_NUM_MAX) {
			dti_err_add(
			    p->err, DTI_EINVALID, p->name,
			    meta_line(c, "scale"), 0, "scale",
			    "scale '%s' must be a number above 0 and at "
			    "most %g",
			    v, FW_NUM_MAX);
			p->failed = 1;
		} else {
			fw->scale = s;
		}
	}
	fw->precision = 4;
	if ((v = dti_framework_meta(fw, "precision"))) {
		long pr;
		if (dti_parse_long(v, &pr) || pr < 0 || pr > 10) {
			dti_err_add(p->err, DTI_EINVALID, p->name,
			            meta_line(c, "precision"), 0, "precision",
			            "precision '%s' must be 0..10", v);
			p->failed = 1;
		} else {
			fw->precision = (int)pr;
		}
	}
	fw->missing = DTI_MISSING_DEFAULT;
	if ((v = dti_framework_meta(fw, "missing"))) {
		if (parse_missing(v, &fw->missing)) {
			dti_err_add(p->err, DTI_EINVALID, p->name,
			            meta_line(c, "missing"), 0, "missing",
			            "missing '%s': expected zero, exclude or "
			            "group-mean",
			            v);
			p->failed = 1;
		}
	}
	if ((v = dti_framework_meta(fw, "group_by")) && *v)
		fw->group_by = adup(p, v);
	if ((v = dti_framework_meta(fw, "year"))) {
		long y;
		if (dti_parse_long(v, &y) || y < 1900 || y > 2999) {
			dti_err_add(p->err, DTI_EINVALID, p->name,
			            meta_line(c, "year"), 0, "year",
			            "year '%s' is not a year", v);
			p->failed = 1;
		} else {
			fw->year = (int)y;
		}
	} else if ((v = dti_framework_meta(fw, "version"))) {
		long y;
		if (!dti_parse_long(v, &y) && y >= 1900 && y <= 2999)
			fw->year = (int)y;
	}
	if (!dti_framework_meta(fw, "id")) {
		/* the file name without directory and extension */
		const char *b = strrchr(p->name, '/');
		b = b ? b + 1 : p->name;
		char *id = dti_arena_strdup(&fw->arena, b);
		if (!id) {
			p->failed = 1;
			return;
		}
		char *dot = strrchr(id, '.');
		if (dot)
			*dot = '\0';
		if (meta_set(fw, "id", id))
			oom(p);
	}
}

static enum dti_status build(struct parser *p, struct dti_csv *c)
{
	struct dti_framework *fw = p->fw;
	size_t n = 0;
	int any_points = 0;
	for (size_t i = 0; i < p->nrows; i++) {
		struct raw_row *r = &p->rows[i];
		if (r->has[C_POINTS])
			any_points = 1;
	}
	const char *scoring = dti_framework_meta(fw, "scoring");
	if (scoring && strcmp(scoring, "points") == 0)
		fw->uses_points = 1;
	else if (scoring && strcmp(scoring, "weights") == 0)
		fw->uses_points = 0;
	else if (scoring) {
		dti_err_add(p->err, DTI_EINVALID, p->name,
		            meta_line(c, "scoring"), 0, "scoring",
		            "scoring '%s': expected points or weights",
		            scoring);
		p->failed = 1;
	} else
		fw->uses_points = any_points;
	if (fw->missing == DTI_MISSING_DEFAULT)
		fw->missing =
		    fw->uses_points ? DTI_MISSING_ZERO : DTI_MISSING_EXCLUDE;

	fw->nodes = dti_arena_alloc(&fw->arena, (p->nrows ? p->nrows : 1) *
	                                            sizeof *fw->nodes);
	p->imeta_leaf = calloc(p->nrows ? p->nrows : 1, sizeof(int));
	size_t *row_of = calloc(p->nrows ? p->nrows : 1, sizeof(size_t));
	int *explicit_level = calloc(p->nrows ? p->nrows : 1, sizeof(int));
	if (!fw->nodes || !p->imeta_leaf || !row_of || !explicit_level) {
		oom(p);
		goto out;
	}

	/* default origin from the file's status */
	enum dti_origin def_origin = DTI_ORIGIN_USER;
	const char *fstatus = dti_framework_meta(fw, "status");
	if (fstatus && (strcmp(fstatus, "official") == 0 ||
	                strcmp(fstatus, "partial") == 0))
		def_origin = DTI_ORIGIN_OFFICIAL;
	else if (fstatus && strcmp(fstatus, "example") == 0)
		def_origin = DTI_ORIGIN_EXAMPLE;

	/* pass 1: nodes and codes */
	for (size_t i = 0; i < p->nrows; i++) {
		struct raw_row *r = &p->rows[i];
		p->imeta_leaf[i] = -1;
		enum dti_kind kind = DTI_KIND_GROUP;
		int kind_set = 0;
		if (r->has[C_KIND]) {
			const char *t = r->f[C_KIND];
			if (p->imeta && dti_streq_ci(t, "group")) {
				/* an iMeta group column of the data */
				char **g =
				    realloc(fw->groupcols,
				            (fw->ngroupcols + 1) * sizeof *g);
				if (!g) {
					oom(p);
					goto out;
				}
				fw->groupcols = g;
				g[fw->ngroupcols++] = adup(p, r->f[C_CODE]);
				continue;
			}
			if (dti_streq_ci(t, "denominator") ||
			    (p->imeta && dti_streq_ci(t, "other"))) {
				char **a =
				    realloc(fw->auxcols,
				            (fw->nauxcols + 1) * sizeof *a);
				if (!a) {
					oom(p);
					goto out;
				}
				fw->auxcols = a;
				a[fw->nauxcols++] = adup(p, r->f[C_CODE]);
				continue;
			}
			if (p->imeta && dti_streq_ci(t, "indicator")) {
				p->imeta_leaf[i] = 1;
			} else if (parse_kind(t, &kind, &p->imeta_leaf[i])) {
				fault(p, DTI_EINVALID, r->line, C_KIND,
				      "unknown kind '%s' (index, subindex, "
				      "pillar, group, indicator, component, "
				      "criterion, statistic)",
				      t);
			} else if (p->imeta_leaf[i] < 0) {
				kind_set = 1;
			}
		}
		if (!r->has[C_CODE]) {
			fault(p, DTI_EINVALID, r->line, C_CODE, "empty code");
			continue;
		}
		if (!valid_code(r->f[C_CODE])) {
			fault(p, DTI_EINVALID, r->line, C_CODE,
			      "code '%s' must be 1-64 characters of A-Z a-z "
			      "0-9 _ . -",
			      r->f[C_CODE]);
			continue;
		}
		size_t prev;
		if (dti_map_get(&fw->codes, r->f[C_CODE], &prev)) {
			fault(p, DTI_EINVALID, r->line, C_CODE,
			      "duplicate code '%s' (first on line %lu)",
			      r->f[C_CODE], fw->nodes[prev].line);
			continue;
		}
		struct fw_node *nd = &fw->nodes[n];
		memset(nd, 0, sizeof *nd);
		nd->code = r->f[C_CODE];
		nd->line = r->line;
		nd->kind = kind;
		nd->origin = def_origin;
		nd->polarity = 1;
		nd->power = 1;
		nd->points = NAN;
		nd->weight = NAN;
		/* kind_set is remembered through a negative sentinel */
		explicit_level[n] = 0;
		if (!kind_set && p->imeta_leaf[i] < 0)
			p->imeta_leaf[i] = -2; /* kind to be derived */
		row_of[n] = i;
		n++;
		fw->n = n;
		if (dti_map_put(&fw->codes, nd->code, n - 1)) {
			oom(p);
			goto out;
		}
	}

	/* pass 2: edges */
	for (size_t i = 0; i < n; i++) {
		struct raw_row *r = &p->rows[row_of[i]];
		struct fw_node *nd = &fw->nodes[i];
		if (!r->has[C_PARENT])
			continue;
		/* the whole field, however long: a copy to cut into names */
		char *tmp = dti_arena_strdup(&fw->arena, r->f[C_PARENT]);
		if (!tmp)
			return dti_err_nomem(p->err);
		char *save = NULL;
		for (char *tok = strtok_r(tmp, ";", &save); tok;
		     tok = strtok_r(NULL, ";", &save)) {
			tok = dti_trim(tok);
			if (!*tok)
				continue;
			double w = NAN;
			char *colon = strchr(tok, ':');
			if (colon) {
				*colon = '\0';
				char *ws = dti_trim(colon + 1);
				if (dti_parse_double(ws, &w) || !(w >= 0) ||
				    !isfinite(w) || w > FW_NUM_MAX) {
					fault(
					    p, DTI_ESYNTAX, r->line, C_PARENT,
					    "weight '%s' of parent '%s' is not "
					    "a number from 0 to %g",
					    ws, tok, FW_NUM_MAX);
					continue;
				}
				if (fw->uses_points) {
					fault(
					    p, DTI_EINVALID, r->line, C_PARENT,
					    "a points framework takes no "
					    "weight per parent ('%s:%s'): the "
					    "node's points count in every "
					    "parent",
					    tok, ws);
					continue;
				}
				tok = dti_trim(tok);
			}
			size_t pi;
			if (!dti_map_get(&fw->codes, tok, &pi)) {
				fault(p, DTI_EINVALID, r->line, C_PARENT,
				      "unknown parent '%s'", tok);
				continue;
			}
			if (pi == i) {
				fault(p, DTI_EINVALID, r->line, C_PARENT,
				      "'%s' is its own parent", tok);
				continue;
			}
			int dup = 0;
			for (size_t k = 0; k < nd->nparents; k++)
				if (nd->parents[k] == pi)
					dup = 1;
			if (dup) {
				fault(p, DTI_EINVALID, r->line, C_PARENT,
				      "parent '%s' listed twice", tok);
				continue;
			}
			size_t *np = realloc(nd->parents,
			                     (nd->nparents + 1) * sizeof *np);
			if (!np) {
				oom(p);
				goto out;
			}
			nd->parents = np;
			nd->parents[nd->nparents++] = pi;
			if (add_child(fw, pi, i, w)) {
				oom(p);
				goto out;
			}
		}
	}
	/*
	 * Faults so far (unknown parents, duplicate codes) leave a usable
	 * graph: go on, so the file's other faults are reported too.  Only a
	 * cycle stops here, as nothing can be ordered.
	 */
	if (order_nodes(p))
		goto out;

	/* pass 3: per-node fields, in evaluation order (children first) */
	int any_index = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = fw->order[k];
		struct raw_row *r = &p->rows[row_of[i]];
		struct fw_node *nd = &fw->nodes[i];
		int derive = p->imeta_leaf[row_of[i]];
		if (derive == 1 || derive == 0 || derive == -2) {
			if (nd->nchildren == 0)
				nd->kind = (derive == 0) ? DTI_KIND_GROUP
				                         : DTI_KIND_INDICATOR;
			else if (nd->nparents == 0)
				nd->kind = DTI_KIND_INDEX;
			else
				nd->kind = DTI_KIND_GROUP;
			if (derive == 1 && nd->nchildren)
				fault(p, DTI_EINVALID, r->line, C_KIND,
				      "an indicator has children");
		}
		if (nd->kind == DTI_KIND_INDEX)
			any_index++;
		nd->name_vi =
		    r->has[C_NAME_VI] ? r->f[C_NAME_VI] : r->f[C_NAME_EN];
		nd->name_en =
		    r->has[C_NAME_EN] ? r->f[C_NAME_EN] : r->f[C_NAME_VI];
		if (!*nd->name_vi)
			fault(p, DTI_EINVALID, r->line,
			      p->colidx[C_NAME_VI] >= 0 ? C_NAME_VI : C_NAME_EN,
			      "node '%s' has no name", nd->code);
		nd->unit = r->f[C_UNIT];
		nd->note = r->f[C_NOTE];
		nd->denominator = r->f[C_DENOM];
		if (r->has[C_STATUS] &&
		    parse_origin(r->f[C_STATUS], &nd->origin))
			fault(p, DTI_EINVALID, r->line, C_STATUS,
			      "unknown status '%s' (official, unknown, "
			      "inferred, example, user)",
			      r->f[C_STATUS]);
		if (r->has[C_LEVEL]) {
			long lv;
			if (dti_parse_long(r->f[C_LEVEL], &lv) || lv < 1 ||
			    lv > 100)
				fault(p, DTI_ESYNTAX, r->line, C_LEVEL,
				      "level '%s' must be a whole number "
				      "1..100",
				      r->f[C_LEVEL]);
			else
				explicit_level[i] = (int)lv;
		}
		if (r->has[C_POLARITY]) {
			const char *s = r->f[C_POLARITY];
			if (!strcmp(s, "+") || !strcmp(s, "1") ||
			    !strcmp(s, "+1") || dti_streq_ci(s, "positive") ||
			    dti_streq_ci(s, "higher"))
				nd->polarity = 1;
			else if (!strcmp(s, "-") || !strcmp(s, "-1") ||
			         dti_streq_ci(s, "negative") ||
			         dti_streq_ci(s, "lower"))
				nd->polarity = -1;
			else
				fault(
				    p, DTI_EINVALID, r->line, C_POLARITY,
				    "polarity '%s': expected + or - (1 or -1)",
				    s);
		}
		nd->scored = nd->kind != DTI_KIND_STATISTIC;
		/* points and weight */
		int unk = 0;
		double pts = parse_num_field(p, r, C_POINTS, &unk);
		double w = parse_num_field(p, r, C_WEIGHT, NULL);
		weight_sets(p, nd, r);
		treat_column(p, nd, r);
		if (nd->kind == DTI_KIND_STATISTIC) {
			if (r->has[C_POINTS] || r->has[C_WEIGHT])
				fault(p, DTI_EINVALID, r->line,
				      r->has[C_POINTS] ? C_POINTS : C_WEIGHT,
				      "a statistic is not scored: it takes no "
				      "points or weight");
			nd->points_known = 1;
			nd->points = 0;
			nd->weight = 0;
		} else if (fw->uses_points) {
			if (r->has[C_WEIGHT])
				fault(p, DTI_EINVALID, r->line, C_WEIGHT,
				      "a points framework takes points, not "
				      "weights");
			if (unk) {
				nd->points_known = 0;
				if (nd->origin == DTI_ORIGIN_OFFICIAL)
					nd->origin = DTI_ORIGIN_UNKNOWN;
			} else if (!isnan(pts)) {
				nd->points_known = 1;
				nd->points = pts;
			} else if (nd->nchildren) {
				/* derived from the children below */
				nd->points_known = -1;
			} else if (!r->has[C_POINTS]) {
				fault(p, DTI_EINVALID, r->line, C_POINTS,
				      "'%s' has no points (a number, or '?' "
				      "when unknown)",
				      nd->code);
			}
		} else {
			if (r->has[C_POINTS])
				fault(p, DTI_EINVALID, r->line, C_POINTS,
				      "points given in a weights framework "
				      "(set '# scoring: points')");
			nd->points_known = 1;
			nd->weight = isnan(w) ? 1 : w;
		}
		/* rule or method */
		const char *rule = r->f[C_RULE];
		const char *method = r->f[C_METHOD];
		if (nd->nchildren == 0 && nd->kind != DTI_KIND_STATISTIC) {
			int percent = 0;
			const char *params = r->f[C_PARAMS];
			if (r->has[C_METHOD])
				fault(p, DTI_EINVALID, r->line, C_METHOD,
				      "a leaf has a rule, not an aggregation "
				      "method");
			if (!*rule) {
				if (fw->uses_points) {
					rule = "value";
				} else {
					const char *d =
					    dti_framework_meta(fw, "normalise");
					if (!d)
						d = dti_framework_meta(
						    fw, "normalize");
					rule =
					    d ? d
					      : (p->imeta ? "minmax" : "raw");
					if (!*params) {
						const char *dp =
						    dti_framework_meta(
						        fw, "normalise.params");
						if (!dp)
							dp = dti_framework_meta(
							    fw,
							    "normalize.params");
						params = dp ? dp : "";
					}
				}
			}
			if (parse_rule(rule, &nd->rule, &percent)) {
				fault(
				    p, DTI_EINVALID, r->line, C_RULE,
				    "unknown rule '%s' (yesno, ratio, percent, "
				    "count, steps, points, survey, reviewer, "
				    "value, raw, minmax, goalposts, zscore, "
				    "rank, prank, borda, fracmax, scaled, "
				    "dist2target, dist2ref)",
				    rule);
				continue;
			}
			if (nd->polarity < 0 &&
			    (nd->rule == DTI_RULE_POINTS ||
			     nd->rule == DTI_RULE_REVIEWER ||
			     nd->rule == DTI_RULE_VALUE ||
			     nd->rule == DTI_RULE_RAW))
				fault(p, DTI_EINVALID, r->line, C_POLARITY,
				      "polarity '-' has no meaning for rule "
				      "'%s'",
				      dti_rule_name(nd->rule));
			if ((nd->rule == DTI_RULE_POINTS ||
			     nd->rule == DTI_RULE_REVIEWER) &&
			    !fw->uses_points)
				fault(p, DTI_EINVALID, r->line, C_RULE,
				      "rule '%s' needs a points framework",
				      dti_rule_name(nd->rule));
			nd->rule_text =
			    (char *)dti_rule_name(nd->rule); /* static text */
			parse_leaf_params(p, nd, r, params, percent);
			canonical_params(p, nd);
		} else {
			nd->rule = DTI_RULE_NONE;
			nd->rule_text = (char *)"";
			nd->params_text = r->f[C_PARAMS];
			if (*rule && nd->kind != DTI_KIND_STATISTIC)
				fault(p, DTI_EINVALID, r->line, C_RULE,
				      "'%s' has children: it is aggregated "
				      "(method column), not scored by a rule",
				      nd->code);
			if (nd->kind == DTI_KIND_STATISTIC && nd->nchildren)
				fault(p, DTI_EINVALID, r->line, C_KIND,
				      "a statistic cannot have children");
			if (nd->polarity < 0)
				fault(p, DTI_EINVALID, r->line, C_POLARITY,
				      "polarity applies to indicators, not to "
				      "aggregates");
			nd->method = DTI_AGG_ARITH;
			nd->power = 1;
			if (nd->kind != DTI_KIND_STATISTIC) {
				const char *m = method;
				if (!*m) {
					/* per-level defaults are applied once
					   levels are known, below */
					m = dti_framework_meta(fw, "aggregate");
					if (!m)
						m = "arith";
				}
				if (parse_method(m, &nd->method, &nd->power))
					fault(p, DTI_EINVALID, r->line,
					      *method ? C_METHOD : C_COUNT,
					      "unknown aggregation method '%s' "
					      "(arith, geom, harm, mean:P)",
					      m);
				parse_agg_params(p, nd, r, r->f[C_PARAMS]);
			}
		}
		/* derived points of an aggregate */
		if (fw->uses_points && nd->points_known == -1) {
			double sum = 0;
			int all = 1;
			for (size_t c2 = 0; c2 < nd->nchildren; c2++) {
				const struct fw_node *ch =
				    &fw->nodes[nd->children[c2]];
				if (!ch->scored)
					continue;
				if (ch->points_known != 1)
					all = 0;
				else
					sum += ch->points;
			}
			if (all) {
				nd->points_known = 1;
				nd->points = sum;
			} else {
				nd->points_known = 0;
			}
		}
		if (fw->uses_points)
			nd->weight = nd->points_known == 1 ? nd->points : NAN;
	}
	compute_levels(fw, explicit_level);

	/* per-level default methods for aggregates without a method column */
	for (size_t i = 0; i < n; i++) {
		struct fw_node *nd = &fw->nodes[i];
		struct raw_row *r = &p->rows[row_of[i]];
		if (!nd->nchildren || r->has[C_METHOD])
			continue;
		char key[40];
		dti_snprintf(key, sizeof key, "aggregate.level%d", nd->level);
		const char *m = dti_framework_meta(fw, key);
		if (m && parse_method(m, &nd->method, &nd->power)) {
			dti_err_add(p->err, DTI_EINVALID, p->name,
			            meta_line(c, key), 0, key,
			            "unknown aggregation method '%s'", m);
			p->failed = 1;
			break;
		}
	}

	/* explicit levels must decrease downwards */
	for (size_t i = 0; i < n; i++) {
		struct fw_node *nd = &fw->nodes[i];
		for (size_t c2 = 0; c2 < nd->nchildren; c2++) {
			const struct fw_node *ch = &fw->nodes[nd->children[c2]];
			if (ch->level >= nd->level)
				fault(p, DTI_EINVALID, ch->line, C_LEVEL,
				      "'%s' (level %d) is below '%s' (level "
				      "%d): a child's level must be lower",
				      ch->code, ch->level, nd->code, nd->level);
		}
	}

	/* edge weights and the points check */
	const char *pc = dti_framework_meta(fw, "points_check");
	int strict = !pc || strcmp(pc, "off") != 0;
	for (size_t i = 0; i < n; i++) {
		struct fw_node *nd = &fw->nodes[i];
		int all_known = 1;
		double sum = 0;
		size_t nscored = 0;
		for (size_t c2 = 0; c2 < nd->nchildren; c2++) {
			const struct fw_node *ch = &fw->nodes[nd->children[c2]];
			if (!ch->scored) {
				nd->child_weights[c2] = 0;
				continue;
			}
			nscored++;
			if (isnan(nd->child_weights[c2]))
				nd->child_weights[c2] = ch->weight;
			if (ch->points_known != 1)
				all_known = 0;
			else
				sum += ch->points;
		}
		if (nd->nchildren && !nscored && nd->scored)
			fault(p, DTI_EINVALID, nd->line, C_CODE,
			      "'%s' has only statistics below it: nothing to "
			      "score",
			      nd->code);
		/* A mean over weights that are all zero is 0/0; over weights
		 * that overflow, a silent 0.  Unknown points ('?') are
		 * reported below instead. */
		double wsum = 0;
		int wknown = 1;
		for (size_t c2 = 0; c2 < nd->nchildren; c2++) {
			if (!fw->nodes[nd->children[c2]].scored)
				continue;
			if (isnan(nd->child_weights[c2]))
				wknown = 0;
			else
				wsum += nd->child_weights[c2];
		}
		if (nscored && nd->scored && wknown &&
		    (!(wsum > 0) || !isfinite(wsum)))
			fault(p, DTI_EINVALID, nd->line,
			      fw->uses_points ? C_POINTS : C_WEIGHT,
			      !isfinite(wsum)
			          ? "the %s of the children of '%s' add up "
			            "to more than a number can hold"
			          : "the %s of the children of '%s' are all "
			            "zero: its value would be 0/0",
			      fw->uses_points ? "points" : "weights", nd->code);
		if (!fw->uses_points || !nd->nchildren || !nd->scored)
			continue;
		if (nd->points_known == 1 && all_known && strict &&
		    fabs(sum - nd->points) > 1e-9 * (1 + nd->points))
			fault(p, DTI_EINVALID, nd->line, C_POINTS,
			      "the children of '%s' add up to %g points, "
			      "'%s' has %g",
			      nd->code, sum, nd->code, nd->points);
		if (!all_known)
			warn(p, nd->line, nd->code,
			     "points of some children are unknown: its value "
			     "can only be entered, not computed");
	}

	if (any_index == 0) {
		/* a single root with children is the index */
		size_t roots = 0, last = 0;
		for (size_t i = 0; i < n; i++)
			if (!fw->nodes[i].nparents && fw->nodes[i].nchildren) {
				roots++;
				last = i;
			}
		if (roots == 1) {
			fw->nodes[last].kind = DTI_KIND_INDEX;
			fw->root = last;
		} else {
			dti_err_add(p->err, DTI_EINVALID, p->name, 0, 0, "kind",
			            "no node of kind 'index' (the overall "
			            "value)");
			p->failed = 1;
		}
	} else if (any_index > 1) {
		for (size_t i = 0; i < n; i++)
			if (fw->nodes[i].kind == DTI_KIND_INDEX)
				fault(
				    p, DTI_EINVALID, fw->nodes[i].line, C_KIND,
				    "more than one node of kind 'index' ('%s')",
				    fw->nodes[i].code);
	} else {
		for (size_t i = 0; i < n; i++)
			if (fw->nodes[i].kind == DTI_KIND_INDEX)
				fw->root = i;
		if (fw->nodes[fw->root].nparents)
			fault(p, DTI_EINVALID, fw->nodes[fw->root].line,
			      C_PARENT, "the index '%s' cannot have a parent",
			      fw->nodes[fw->root].code);
	}
	if (n == 0) {
		dti_err_add(p->err, DTI_EINVALID, p->name, 0, 0, NULL,
		            "no nodes: the file has a header but no rows");
		p->failed = 1;
	}
out:
	free(row_of);
	free(explicit_level);
	return p->failed ? DTI_EINVALID : DTI_OK;
}

static void fw_free_nodes(struct dti_framework *fw)
{
	for (size_t i = 0; i < fw->n; i++) {
		free(fw->nodes[i].parents);
		free(fw->nodes[i].children);
		free(fw->nodes[i].child_weights);
	}
}

void dti_framework_free(struct dti_framework *fw)
{
	if (!fw)
		return;
	fw_free_nodes(fw);
	dti_map_release(&fw->codes);
	free(fw->meta_keys);
	free(fw->meta_vals);
	free(fw->warn);
	free(fw->groupcols);
	free(fw->auxcols);
	free(fw->wsets);
	dti_arena_release(&fw->arena);
	free(fw);
}

enum dti_status dti_framework_parse(const char *buf, size_t len,
                                    const char *name,
                                    struct dti_framework **out,
                                    struct dti_error *err)
{
	*out = NULL;
	struct dti_framework *fw = calloc(1, sizeof *fw);
	if (!fw)
		return dti_err_nomem(err);
	struct parser p;
	memset(&p, 0, sizeof p);
	p.fw = fw;
	p.name = name ? name : "<framework>";
	p.err = err;
	fw->name = adup(&p, p.name);
	struct dti_csv c;
	memset(&c, 0, sizeof c);
	enum dti_status st =
	    p.nomem ? DTI_ENOMEM : dti_csv_open(&c, buf, len, p.name, 0, err);
	p.comma = st == DTI_OK && c.sep == ';';
	if (st == DTI_OK) {
		st = dti_csv_next_nonblank(&c, err);
		if (st == DTI_ENOTFOUND)
			st =
			    dti_err_set(err, DTI_EINVALID, p.name, 0, 0, NULL,
			                "empty framework file: no header line");
	}
	if (st == DTI_OK)
		st = read_header(&p, &c);
	if (st == DTI_OK)
		apply_meta(&p, &c);
	if (st == DTI_OK)
		st = read_rows(&p, &c);
	if (st == DTI_OK || (st == DTI_EINVALID && p.nrows && !p.nomem))
		st = build(&p, &c) ? DTI_EINVALID : st;
	if (st == DTI_OK && p.failed)
		st = DTI_EINVALID;
	if (p.nomem)
		st = DTI_ENOMEM;
	/* warnings about a sheet's rows name the row, as faults do */
	for (size_t i = 0; i < fw->nwarn; i++)
		dti_csv_place(&c, fw->warn[i].file, fw->warn[i].line,
		              fw->warn[i].column);
	dti_csv_close(&c);
	free(p.rows);
	free(p.imeta_leaf);
	if (st) {
		dti_framework_free(fw);
		return st;
	}
	*out = fw;
	return DTI_OK;
}

enum dti_status dti_framework_load(const char *path, struct dti_framework **out,
                                   struct dti_error *err)
{
	char *buf, *name;
	size_t len;
	*out = NULL;
	enum dti_status st = dti_read_source(path, &buf, &len, &name, err);
	if (st)
		return st;
	st = dti_framework_parse(buf, len, name, out, err);
	free(buf);
	free(name);
	return st;
}

/* ---- accessors ------------------------------------------------------- */

size_t dti_framework_meta_count(const struct dti_framework *fw)
{
	return fw->nmeta;
}

void dti_framework_meta_at(const struct dti_framework *fw, size_t i,
                           const char **key, const char **value)
{
	*key = fw->meta_keys[i];
	*value = fw->meta_vals[i];
}

const char *dti_framework_id(const struct dti_framework *fw)
{
	const char *v = dti_framework_meta(fw, "id");
	return v ? v : "";
}

const char *dti_framework_version(const struct dti_framework *fw)
{
	const char *v = dti_framework_meta(fw, "version");
	return v ? v : "";
}

int dti_framework_uses_points(const struct dti_framework *fw)
{
	return fw->uses_points;
}

double dti_framework_scale(const struct dti_framework *fw)
{
	return fw->scale;
}

int dti_framework_precision(const struct dti_framework *fw)
{
	return fw->precision;
}

enum dti_missing dti_framework_missing(const struct dti_framework *fw)
{
	return fw->missing;
}

const char *dti_framework_group_by(const struct dti_framework *fw)
{
	return fw->group_by;
}

int dti_framework_year(const struct dti_framework *fw)
{
	return fw->year;
}

size_t dti_framework_node_count(const struct dti_framework *fw)
{
	return fw->n;
}

long dti_framework_find(const struct dti_framework *fw, const char *code)
{
	size_t i;
	if (dti_map_get(&fw->codes, code, &i))
		return (long)i;
	for (i = 0; i < fw->n; i++)
		if (dti_streq_ci(fw->nodes[i].code, code))
			return (long)i;
	return -1;
}

void dti_framework_node(const struct dti_framework *fw, size_t i,
                        struct dti_node_info *out)
{
	const struct fw_node *nd = &fw->nodes[i];
	out->code = nd->code;
	out->name_vi = nd->name_vi;
	out->name_en = nd->name_en;
	out->unit = nd->unit ? nd->unit : "";
	out->note = nd->note ? nd->note : "";
	out->rule_text = nd->rule_text ? nd->rule_text : "";
	out->params_text = nd->params_text ? nd->params_text : "";
	out->kind = nd->kind;
	out->rule = nd->rule;
	out->method = nd->method;
	out->power = nd->power;
	out->origin = nd->origin;
	out->level = nd->level;
	out->polarity = nd->polarity;
	out->scored = nd->scored;
	out->points_known = nd->points_known == 1;
	out->points = fw->uses_points ? nd->points : NAN;
	out->weight = nd->weight;
	out->nparents = nd->nparents;
	out->parents = nd->parents;
	out->nchildren = nd->nchildren;
	out->children = nd->children;
	out->child_weights = nd->child_weights;
	out->line = nd->line;
}

size_t dti_framework_root(const struct dti_framework *fw)
{
	return fw->root;
}

const size_t *dti_framework_order(const struct dti_framework *fw)
{
	return fw->order;
}

size_t dti_framework_warning_count(const struct dti_framework *fw)
{
	return fw->nwarn;
}

const struct dti_diag *dti_framework_warning(const struct dti_framework *fw,
                                             size_t i)
{
	return i < fw->nwarn ? &fw->warn[i] : NULL;
}
