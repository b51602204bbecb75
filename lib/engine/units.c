/*
 * lib/units.c - the registry of assessed units and tolerant name matching.
 *
 * A registry is a CSV table (dti-units(5)): one row per unit with a stable
 * id, an official code, names, aliases, a group, a validity period and the
 * ids of its successors.  Published tables name provinces every which way
 * ("TP. Đà Nẵng", "Thừa Thiên - Huế", "Hoà Bình", "HA NOI"), and after the
 * 2025 merger one name can denote two units of different periods, so a name
 * is looked up at a date, in levels from the most to the least exact:
 *   1. the id;  2. the code;  3. a name or alias as written;
 *   4. the fold key (dti_text_fold) of a name or alias, also with a leading
 *      "Tỉnh", "Thành phố" or "TP." removed.
 * The first level with any match decides: one unit is a match, several are
 * ambiguous.  A miss explains itself: the unit of another period the name
 * denotes, or the nearest name by edit distance.
 *
 * Invariants:
 *   - every string lives in the registry's arena; maps borrow them;
 *   - successors are resolved to indices and form no cycle (checked at
 *     load), so following them always ends;
 *   - a registry is immutable once parsed, except that group names can be
 *     added; group infos are allocated one by one, so pointers returned by
 *     dti_units_group_find() stay valid until dti_units_free();
 *   - a file with faults is refused whole, each fault reported with its
 *     line, column and field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/units.h"

#define NO_ENTRY        SIZE_MAX
#define MAX_ID_LEN      64
#define SUGGEST_MAX_KEY 200 /* longer names are not worth an edit distance */

struct unit {
	const char *id;
	const char *code;
	const char *name_vi;
	const char *name_ascii;
	const char *group;
	const char *valid_from;
	const char *valid_to;
	const char **aliases;
	size_t naliases;
	size_t *successors;
	size_t nsuccessors;
	const char *successor_text; /* as written, resolved after all rows */
	double population;
	const char **keys; /* fold keys of all names, prefix-stripped too */
	size_t nkeys;
	unsigned long line;
};

/* A map from a key to a chain of units (a name may belong to several). */
struct chain_ent {
	size_t unit;
	size_t next;
};

struct chain_index {
	struct dti_map map; /* key -> first entry */
	struct chain_ent *ents;
	size_t n;
	size_t cap;
};

struct dti_units {
	struct dti_arena arena;
	struct unit *units;
	size_t n;
	size_t cap;
	struct dti_map ids;
	struct chain_index codes;
	struct chain_index names;  /* names and aliases as written */
	struct chain_index folded; /* their fold keys */
	struct chain_index bare;   /* fold keys less an administrative prefix */
	struct dti_group_info **groups;
	size_t ngroups;
	size_t gcap;
	struct dti_map group_ids;
};

/* ---- small helpers --------------------------------------------------- */

static int chain_add(struct chain_index *x, const char *key, size_t unit)
{
	size_t head = NO_ENTRY;
	if (dti_map_get(&x->map, key, &head)) {
		for (size_t j = head; j != NO_ENTRY; j = x->ents[j].next)
			if (x->ents[j].unit == unit)
				return 0;
	}
	if (DTI_GROW(x->ents, x->cap, x->n + 1))
		return -1;
	x->ents[x->n].unit = unit;
	x->ents[x->n].next = head;
	if (dti_map_put(&x->map, key, x->n))
		return -1;
	x->n++;
	return 0;
}

static void chain_release(struct chain_index *x)
{
	dti_map_release(&x->map);
	free(x->ents);
	x->ents = NULL;
	x->n = x->cap = 0;
}

/* Trims ASCII blanks; returns the trimmed copy in the arena. */
static char *arena_trimmed(struct dti_arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return dti_arena_strndup(a, s, n);
}

static char *arena_fold(struct dti_arena *a, const char *s)
{
	/* a key is never longer than its text (see dti_text_fold) */
	size_t cap = strlen(s) + 1;
	char *k = dti_arena_alloc(a, cap);
	if (k)
		dti_text_fold(s, k, cap);
	return k;
}

/*
 * The key with a leading administrative prefix removed ("tp ha noi" ->
 * "ha noi"); the key itself when it has none or is nothing but the prefix.
 * A suffix of the key, so it needs no storage.
 */
static const char *strip_prefix(const char *key)
{
	static const char *const prefixes[] = {"thanh pho ", "tp ", "t p ",
	                                       "tinh "};
	for (size_t i = 0; i < DTI_ARRAY_LEN(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(key, prefixes[i], n) == 0 && key[n])
			return key + n;
	}
	return key;
}

/*
 * Prefixes of the names of local levels and agencies: Huyện (district),
 * Quận (urban district), Thị xã (town), Xã (commune), Phường (ward), Sở
 * (department), with their abbreviations.  Each maps to one canonical
 * key prefix, so "H. Lâm Hà", "Huyện Lâm Hà" and "huyen lam ha" are one
 * key, "huyen lam ha", and "Thành phố X" and "Huyện X" stay apart.
 *
 * Folded, such a prefix is also an ordinary word ("Quan Hóa" is a
 * district, "quan" its first word), so in a registry's names a prefix
 * counts only when written as one: with its diacritics ("Quận", "Xã",
 * "Sở") or as a dotted abbreviation ("Q.", "TX.").  In a name typed by a
 * user the plain forms count too ("huyen lam ha"), but only after the
 * name as typed found nothing.  One-letter abbreviations need their dot.
 */
struct admin_prefix {
	const char *key;   /* folded, with the trailing space */
	const char *canon; /* canonical folded prefix */
	int abbrev;        /* 1: an abbreviation; 2: one letter, needs '.';
	                      3: province and city prefixes, always taken */
};

static const struct admin_prefix admin_prefixes[] = {
    {"thanh pho ", "thanh pho ", 3},
    {"tp ", "thanh pho ", 3},
    {"t p ", "thanh pho ", 3},
    {"tinh ", "tinh ", 3},
    {"thi xa ", "thi xa ", 0},
    {"tx ", "thi xa ", 1},
    {"huyen ", "huyen ", 0},
    {"h ", "huyen ", 2},
    {"quan ", "quan ", 0},
    {"q ", "quan ", 2},
    {"phuong ", "phuong ", 0},
    {"p ", "phuong ", 2},
    {"xa ", "xa ", 0},
    {"so ", "so ", 0},
};

/* The first word of a name as written (blanks skipped), and its length. */
static const char *first_word(const char *s, size_t *n)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t k = 0;
	while (s[k] && s[k] != ' ' && s[k] != '\t')
		k++;
	*n = k;
	return s;
}

/*
 * The local-level prefix that `key` (the fold of `orig`) starts with, or
 * NULL; *rest gets the key after it.  `typed`: a name typed by a user (the
 * plain forms count), else a registry's name (see above).
 */
static const struct admin_prefix *
admin_prefix(const char *orig, const char *key, int typed, const char **rest)
{
	size_t wn;
	const char *w = first_word(orig, &wn);
	int dotted = memchr(w, '.', wn) != NULL;
	int accented = 0;
	for (size_t i = 0; i < wn; i++)
		accented |= (unsigned char)w[i] >= 0x80;
	for (size_t i = 0; i < DTI_ARRAY_LEN(admin_prefixes); i++) {
		const struct admin_prefix *a = &admin_prefixes[i];
		size_t n = strlen(a->key);
		if (strncmp(key, a->key, n) != 0 || !key[n])
			continue;
		if (a->abbrev == 2 ? !dotted
		    : a->abbrev == 3
		        ? 0
		        : !typed && !(a->abbrev ? dotted : accented))
			continue;
		*rest = key + n;
		return a;
	}
	return NULL;
}

/* The canonical form of a key with a local-level prefix, in the arena:
   "h lam ha" -> "huyen lam ha"; NULL without memory. */
static char *admin_canon(struct dti_arena *ar, const struct admin_prefix *a,
                         const char *rest)
{
	size_t cn = strlen(a->canon), rn = strlen(rest);
	char *k = dti_arena_alloc(ar, cn + rn + 1);
	if (k) {
		memcpy(k, a->canon, cn);
		memcpy(k + cn, rest, rn + 1);
	}
	return k;
}

/*
 * An ASCII spelling of a Vietnamese name that keeps case and punctuation:
 * "Bà Rịa - Vũng Tàu" -> "Ba Ria - Vung Tau".  Used when the registry gives
 * no name_ascii.  Combining marks vanish; other non-Latin characters turn
 * into spaces.
 */
static char *ascii_form(struct dti_arena *a, const char *s)
{
	size_t n = strlen(s);
	/* every non-ASCII character takes >= 2 bytes and gives <= 2 letters */
	char *out = dti_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t k = 0, i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			out[k++] = (char)c;
			i++;
			continue;
		}
		/* the registry was checked as UTF-8: c is a lead byte */
		size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		uint32_t cp = c & (0x7F >> len);
		for (size_t j = 1; j < len && i + j < n; j++)
			cp = cp << 6 | ((unsigned char)s[i + j] & 0x3F);
		char one[8], key[8];
		if (i + len > n)
			len = n - i;
		memcpy(one, s + i, len);
		one[len] = '\0';
		i += len;
		size_t m = dti_text_fold(one, key, sizeof key);
		if (m == 0) {
			enum dti_uchar_class type = dti_uchar_class(cp);
			if (type != DTI_UCHAR_MARK)
				out[k++] = type == DTI_UCHAR_DASH ? '-' : ' ';
			continue;
		}
		if (dti_uchar_is_upper(cp))
			key[0] = (char)(key[0] - 32);
		memcpy(out + k, key, m);
		k += m;
	}
	out[k] = '\0';
	return out;
}

/* "always", "from F", "until T" or "F to T" into buf. */
static const char *validity_text(const struct unit *x, char *buf, size_t n)
{
	if (!*x->valid_from && !*x->valid_to)
		dti_snprintf(buf, n, "always valid");
	else if (!*x->valid_to)
		dti_snprintf(buf, n, "from %s", x->valid_from);
	else if (!*x->valid_from)
		dti_snprintf(buf, n, "until %s", x->valid_to);
	else
		dti_snprintf(buf, n, "%s to %s", x->valid_from, x->valid_to);
	return buf;
}

static int valid_on(const struct unit *x, const char *date)
{
	if (!date)
		return 1;
	if (*x->valid_from && strcmp(date, x->valid_from) < 0)
		return 0;
	if (*x->valid_to && strcmp(date, x->valid_to) > 0)
		return 0;
	return 1;
}

/*
 * Splits a ';'-separated list into trimmed, non-empty arena strings.
 * Returns the count, or (size_t)-1 without memory.
 */
static size_t split_list(struct dti_arena *a, const char *s, const char ***out)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == ';';
	const char **v = dti_arena_alloc(a, (n + 1) * sizeof *v);
	if (!v)
		return (size_t)-1;
	size_t k = 0;
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len) {
			v[k] = dti_arena_strndup(a, p, len);
			if (!v[k])
				return (size_t)-1;
			k++;
		}
		if (!e)
			break;
		p = e + 1;
	}
	*out = v;
	return k;
}

/* ---- groups ---------------------------------------------------------- */

static struct dti_group_info *group_add(struct dti_units *u, const char *id)
{
	size_t gi;
	if (dti_map_get(&u->group_ids, id, &gi))
		return u->groups[gi];
	if (DTI_GROW(u->groups, u->gcap, u->ngroups + 1))
		return NULL;
	struct dti_group_info *g = dti_arena_alloc(&u->arena, sizeof *g);
	char *copy = dti_arena_strdup(&u->arena, id);
	if (!g || !copy)
		return NULL;
	g->id = copy;
	g->name_vi = copy;
	g->name_en = copy;
	if (dti_map_put(&u->group_ids, copy, u->ngroups))
		return NULL;
	u->groups[u->ngroups++] = g;
	return g;
}

/* ---- parsing --------------------------------------------------------- */

enum col {
	COL_ID,
	COL_CODE,
	COL_NAME_VI,
	COL_NAME_ASCII,
	COL_ALIASES,
	COL_GROUP,
	COL_FROM,
	COL_TO,
	COL_SUCCESSORS,
	COL_POPULATION,
	NCOLS,
	COL_UNNAMED = -1, /* empty header cell */
	COL_BAD = -2      /* unknown or repeated: reported with the header */
};

static const char *const col_names[NCOLS] = {
    "id",    "code",       "name_vi",  "name_ascii", "aliases",
    "group", "valid_from", "valid_to", "successors", "population"};

struct parse {
	struct dti_units *u;
	struct dti_csv csv;
	const char *name;
	struct dti_error *err;
	size_t nfaults;
	int nomem;
	int *colmap; /* header column -> enum col, COL_UNNAMED or COL_BAD */
	size_t ncols;
	size_t col_of[NCOLS]; /* enum col -> 1-based column, 0 if absent */
};

static void fault(struct parse *p, enum dti_status code, unsigned long line,
                  unsigned long column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void fault(struct parse *p, enum dti_status code, unsigned long line,
                  unsigned long column, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(p->err, code, p->name, line, column, field, fmt, ap);
	va_end(ap);
	p->nfaults++;
}

static enum dti_status read_header(struct parse *p)
{
	struct dti_csv *c = &p->csv;
	enum dti_status st = dti_csv_next_nonblank(c, p->err);
	if (st == DTI_ENOTFOUND) {
		fault(p, DTI_EINVALID, 0, 0, NULL,
		      "empty units registry: no header line (expected columns "
		      "id, name_vi, ...)");
		return DTI_EINVALID;
	}
	if (st)
		return st;
	p->ncols = c->nfields;
	p->colmap = malloc(p->ncols * sizeof *p->colmap);
	if (!p->colmap)
		return dti_err_nomem(p->err);
	for (size_t j = 0; j < c->nfields; j++) {
		char *h = dti_trim(c->fields[j]);
		p->colmap[j] = *h ? COL_BAD : COL_UNNAMED;
		if (!*h)
			continue;
		int found = -1;
		for (int k = 0; k < NCOLS; k++)
			if (dti_streq_ci(h, col_names[k]))
				found = k;
		if (found < 0) {
			fault(
			    p, DTI_EINVALID, c->line, j + 1, h,
			    "unknown column '%s' (known: id, code, name_vi, "
			    "name_ascii, aliases, group, valid_from, valid_to, "
			    "successors, population)",
			    h);
			continue;
		}
		if (p->col_of[found]) {
			fault(p, DTI_EINVALID, c->line, j + 1, h,
			      "column '%s' appears twice (first in column %zu)",
			      col_names[found], p->col_of[found]);
			continue;
		}
		p->colmap[j] = found;
		p->col_of[found] = j + 1;
	}
	if (!p->col_of[COL_ID])
		fault(p, DTI_EINVALID, c->line, 0, NULL,
		      "missing required column 'id'");
	if (!p->col_of[COL_NAME_VI])
		fault(p, DTI_EINVALID, c->line, 0, NULL,
		      "missing required column 'name_vi'");
	return DTI_OK;
}

static int id_ok(const char *id)
{
	if (strlen(id) > MAX_ID_LEN)
		return 0;
	for (const unsigned char *s = (const unsigned char *)id; *s; s++)
		if (*s < 0x20 || *s == ';' || *s == 0x7F)
			return 0;
	return 1;
}

/* Adds the unit's names to the lookup indexes and its key list. */
static int index_names(struct dti_units *u, size_t ui)
{
	struct unit *x = &u->units[ui];
	size_t nnames = 2 + x->naliases;
	const char **names = dti_arena_alloc(&u->arena, nnames * sizeof *names);
	x->keys = dti_arena_alloc(&u->arena, 4 * nnames * sizeof *x->keys);
	if (!names || !x->keys)
		return -1;
	names[0] = x->name_vi;
	names[1] = x->name_ascii;
	for (size_t k = 0; k < x->naliases; k++)
		names[2 + k] = x->aliases[k];
	x->nkeys = 0;
	for (size_t k = 0; k < nnames; k++) {
		if (!*names[k])
			continue;
		if (chain_add(&u->names, names[k], ui))
			return -1;
		const char *key = arena_fold(&u->arena, names[k]);
		if (!key)
			return -1;
		if (!*key)
			continue;
		/* an administrative prefix: the canonical key is a name,
		   the rest is matched only when nothing else is */
		const char *rest = NULL, *canon = NULL;
		const struct admin_prefix *ap =
		    admin_prefix(names[k], key, 0, &rest);
		if (ap) {
			canon = admin_canon(&u->arena, ap, rest);
			if (!canon)
				return -1;
		}
		const char *all[3] = {key, canon, rest};
		for (int b = 0; b < 3; b++) {
			if (!all[b])
				continue;
			int dup = 0;
			for (size_t j = 0; j < x->nkeys; j++)
				dup |= strcmp(x->keys[j], all[b]) == 0;
			if (!dup)
				x->keys[x->nkeys++] = all[b];
			/* the name less a prefix is matched only after the
			   names as written */
			if (chain_add(b == 2 ? &u->bare : &u->folded, all[b],
			              ui))
				return -1;
		}
	}
	return 0;
}

static const char *field(struct parse *p, enum col k)
{
	size_t j = p->col_of[k];
	if (!j || j > p->csv.nfields)
		return "";
	return p->csv.fields[j - 1];
}

static void read_row(struct parse *p)
{
	struct dti_units *u = p->u;
	struct dti_csv *c = &p->csv;
	struct dti_arena *a = &u->arena;
	unsigned long line = c->line;

	for (size_t j = 0; j < c->nfields; j++) {
		const char *f = c->fields[j];
		while (*f == ' ' || *f == '\t')
			f++;
		if (!*f)
			continue;
		/* trailing separators from a spreadsheet are harmless */
		if (j >= p->ncols)
			fault(p, DTI_EINVALID, line, j + 1, NULL,
			      "value in column %zu, beyond the %zu columns of "
			      "the header",
			      j + 1, p->ncols);
		else if (p->colmap[j] == COL_UNNAMED)
			fault(p, DTI_EINVALID, line, j + 1, NULL,
			      "value in column %zu, which has no name in the "
			      "header",
			      j + 1);
	}
	if (DTI_GROW(u->units, u->cap, u->n + 1)) {
		p->nomem = 1;
		return;
	}
	struct unit *x = &u->units[u->n];
	memset(x, 0, sizeof *x);
	x->line = line;
	x->population = (double)NAN;
	x->id = arena_trimmed(a, field(p, COL_ID));
	x->code = arena_trimmed(a, field(p, COL_CODE));
	x->name_vi = arena_trimmed(a, field(p, COL_NAME_VI));
	x->name_ascii = arena_trimmed(a, field(p, COL_NAME_ASCII));
	x->group = arena_trimmed(a, field(p, COL_GROUP));
	x->valid_from = arena_trimmed(a, field(p, COL_FROM));
	x->valid_to = arena_trimmed(a, field(p, COL_TO));
	x->successor_text = arena_trimmed(a, field(p, COL_SUCCESSORS));
	const char *pop = field(p, COL_POPULATION);
	if (!x->id || !x->code || !x->name_vi || !x->name_ascii || !x->group ||
	    !x->valid_from || !x->valid_to || !x->successor_text) {
		p->nomem = 1;
		return;
	}
	size_t na = split_list(a, field(p, COL_ALIASES), &x->aliases);
	if (na == (size_t)-1) {
		p->nomem = 1;
		return;
	}
	x->naliases = na;

	/*
	 * A unit with faults is still kept when its id is usable, so that
	 * the successors naming it do not add "unknown id" faults; the file is
	 * refused anyway.
	 */
	int id_usable = 1, dates_ok = 1;
	size_t first;
	if (!*x->id) {
		fault(p, DTI_EINVALID, line, p->col_of[COL_ID], "id",
		      "empty id");
		id_usable = 0;
	} else if (!id_ok(x->id)) {
		fault(p, DTI_EINVALID, line, p->col_of[COL_ID], "id",
		      "bad id '%.80s' (at most %d characters, no ';' and no "
		      "control characters)",
		      x->id, MAX_ID_LEN);
		id_usable = 0;
	} else if (dti_map_get(&u->ids, x->id, &first)) {
		fault(p, DTI_EINVALID, line, p->col_of[COL_ID], "id",
		      "duplicate id '%s' (first on line %lu)", x->id,
		      u->units[first].line);
		id_usable = 0;
	}
	if (!*x->name_vi)
		fault(p, DTI_EINVALID, line, p->col_of[COL_NAME_VI], "name_vi",
		      "empty name_vi");
	const char *dates[2] = {x->valid_from, x->valid_to};
	enum col dcols[2] = {COL_FROM, COL_TO};
	for (int k = 0; k < 2; k++) {
		if (*dates[k] && !dti_is_date(dates[k])) {
			fault(p, DTI_ESYNTAX, line, p->col_of[dcols[k]],
			      col_names[dcols[k]],
			      "bad date '%.40s' (expected YYYY-MM-DD)",
			      dates[k]);
			dates_ok = 0;
		}
	}
	if (dates_ok && *x->valid_from && *x->valid_to &&
	    strcmp(x->valid_from, x->valid_to) > 0)
		fault(p, DTI_EINVALID, line, p->col_of[COL_TO], "valid_to",
		      "valid_to %s is before valid_from %s", x->valid_to,
		      x->valid_from);
	if (*x->successor_text && !*x->valid_to)
		fault(p, DTI_EINVALID, line, p->col_of[COL_SUCCESSORS],
		      "successors",
		      "successors given but no valid_to: a unit has successors "
		      "only once it ends");
	const char *ps = pop;
	while (*ps == ' ' || *ps == '\t')
		ps++;
	if (*ps) {
		double v;
		int pct = 0;
		const char *why = NULL;
		char *tmp = dti_arena_strdup(a, ps);
		if (!tmp) {
			p->nomem = 1;
			return;
		}
		enum dti_status st =
		    dti_parse_number(dti_trim(tmp), 0, &v, &pct, &why);
		if (st) {
			/* DTI_EAMBIGUOUS for "1,120": say which mark is meant
			 */
			fault(p, st, line, p->col_of[COL_POPULATION],
			      "population", "bad population '%.40s': %s", ps,
			      why ? why : "not a number");
		} else if (pct || v < 0) {
			fault(p, DTI_EINVALID, line, p->col_of[COL_POPULATION],
			      "population", "bad population '%.40s': %s", ps,
			      pct ? "a count, not a percentage" : "negative");
		} else {
			x->population = v;
		}
	}
	if (!id_usable)
		return;
	if (!*x->name_ascii) {
		x->name_ascii = ascii_form(a, x->name_vi);
		if (!x->name_ascii) {
			p->nomem = 1;
			return;
		}
	}
	size_t ui = u->n++;
	if (dti_map_put(&u->ids, x->id, ui) ||
	    (*x->code && chain_add(&u->codes, x->code, ui)) ||
	    index_names(u, ui) || (*x->group && !group_add(u, x->group)))
		p->nomem = 1;
}

/* Resolves successor ids to indices; reports unknown ids. */
static void resolve_successors(struct parse *p)
{
	struct dti_units *u = p->u;
	for (size_t i = 0; i < u->n; i++) {
		struct unit *x = &u->units[i];
		if (!*x->successor_text)
			continue;
		const char **ids;
		size_t n = split_list(&u->arena, x->successor_text, &ids);
		if (n == (size_t)-1) {
			p->nomem = 1;
			return;
		}
		x->successors =
		    dti_arena_alloc(&u->arena, (n + 1) * sizeof *x->successors);
		if (!x->successors) {
			p->nomem = 1;
			return;
		}
		for (size_t k = 0; k < n; k++) {
			size_t s;
			if (!dti_map_get(&u->ids, ids[k], &s)) {
				fault(
				    p, DTI_EINVALID, x->line,
				    p->col_of[COL_SUCCESSORS], "successors",
				    "unknown successor id '%.80s' of unit '%s'",
				    ids[k], x->id);
				continue;
			}
			if (s == i) {
				fault(p, DTI_EINVALID, x->line,
				      p->col_of[COL_SUCCESSORS], "successors",
				      "unit '%s' lists itself as its successor",
				      x->id);
				continue;
			}
			int dup = 0;
			for (size_t j = 0; j < x->nsuccessors; j++)
				dup |= x->successors[j] == s;
			if (!dup)
				x->successors[x->nsuccessors++] = s;
		}
	}
}

/*
 * Refuses successor cycles (A -> B -> A), which would make "the units that
 * hold this territory today" undefined.  Iterative depth-first search, so a
 * long chain cannot exhaust the stack.
 */
static void check_cycles(struct parse *p)
{
	struct dti_units *u = p->u;
	if (!u->n)
		return;
	unsigned char *state = calloc(u->n, 1); /* 0 new, 1 open, 2 done */
	size_t *stack = malloc(u->n * sizeof *stack);
	size_t *pos = malloc(u->n * sizeof *pos);
	if (!state || !stack || !pos) {
		p->nomem = 1;
		goto out;
	}
	for (size_t r = 0; r < u->n; r++) {
		if (state[r])
			continue;
		size_t sp = 0;
		stack[sp] = r;
		pos[sp] = 0;
		state[r] = 1;
		sp++;
		while (sp) {
			size_t v = stack[sp - 1];
			const struct unit *x = &u->units[v];
			if (pos[sp - 1] >= x->nsuccessors) {
				state[v] = 2;
				sp--;
				continue;
			}
			size_t w = x->successors[pos[sp - 1]++];
			if (state[w] == 1) {
				fault(p, DTI_EINVALID, x->line,
				      p->col_of[COL_SUCCESSORS], "successors",
				      "successors form a cycle: '%s' leads "
				      "back to '%s'",
				      x->id, u->units[w].id);
				continue;
			}
			if (state[w] == 0) {
				state[w] = 1;
				stack[sp] = w;
				pos[sp] = 0;
				sp++;
			}
		}
	}
out:
	free(state);
	free(stack);
	free(pos);
}

enum dti_status dti_units_parse(const char *buf, size_t len, const char *name,
                                struct dti_units **out, struct dti_error *err)
{
	if (!out || (!buf && len))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "dti_units_parse: no buffer or no result");
	*out = NULL;
	struct parse p;
	memset(&p, 0, sizeof p);
	p.name = name ? name : "<units>";
	p.err = err;
	p.u = calloc(1, sizeof *p.u);
	if (!p.u)
		return dti_err_nomem(err);
	struct dti_units *u = p.u;
	enum dti_status st =
	    dti_csv_open(&p.csv, buf ? buf : "", len, p.name, 0, err);
	if (st)
		goto fail;
	st = read_header(&p);
	if (st)
		goto fail;
	/* without the required columns every row would only repeat that */
	while (p.col_of[COL_ID] && p.col_of[COL_NAME_VI] &&
	       (st = dti_csv_next_nonblank(&p.csv, err)) == DTI_OK) {
		read_row(&p);
		if (p.nomem)
			break;
	}
	if (st != DTI_ENOTFOUND && st != DTI_OK)
		goto fail;
	st = DTI_OK;
	if (!p.nomem && p.col_of[COL_ID] && p.col_of[COL_NAME_VI] && !u->n &&
	    !p.nfaults) {
		fault(&p, DTI_EINVALID, 0, 0, NULL,
		      "units registry has a header but no unit");
	}
	if (!p.nomem)
		resolve_successors(&p);
	if (!p.nomem)
		check_cycles(&p);
	if (p.nomem) {
		st = dti_err_nomem(err);
		goto fail;
	}
	if (p.nfaults) {
		st = err && err->code ? err->code : DTI_EINVALID;
		goto fail;
	}
	free(p.colmap);
	dti_csv_close(&p.csv);
	*out = u;
	return DTI_OK;
fail:
	free(p.colmap);
	dti_csv_close(&p.csv);
	dti_units_free(u);
	return st ? st : DTI_EINVALID;
}

enum dti_status dti_units_load(const char *path, struct dti_units **out,
                               struct dti_error *err)
{
	if (!path || !out)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "dti_units_load: no path or no result");
	char *buf, *name;
	size_t len;
	enum dti_status st = dti_read_source(path, &buf, &len, &name, err);
	if (st)
		return st;
	st = dti_units_parse(buf, len, name, out, err);
	free(buf);
	free(name);
	return st;
}

enum dti_status dti_units_parse_groups(struct dti_units *u, const char *buf,
                                       size_t len, const char *name,
                                       struct dti_error *err)
{
	if (!u || (!buf && len))
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, NULL,
		    "dti_units_parse_groups: no registry or buffer");
	if (!name)
		name = "<groups>";
	struct dti_csv c;
	enum dti_status st =
	    dti_csv_open(&c, buf ? buf : "", len, name, 0, err);
	if (st) {
		dti_csv_close(&c);
		return st;
	}
	struct row {
		char *id, *vi, *en;
		unsigned long line;
	} *rows = NULL;
	size_t nrows = 0, cap = 0, faults = 0;
	size_t cid = 0, cvi = 0, cen = 0; /* 1-based, 0 if absent */
	struct dti_arena tmp = DTI_ARENA_INIT;
	struct dti_map seen = DTI_MAP_INIT;

	st = dti_csv_next_nonblank(&c, err);
	if (st == DTI_ENOTFOUND) {
		st = dti_err_set(err, DTI_EINVALID, name, 0, 0, NULL,
		                 "empty groups table: no header line (expected "
		                 "columns group, name_vi, name_en)");
		goto out;
	}
	if (st)
		goto out;
	for (size_t j = 0; j < c.nfields; j++) {
		const char *h = dti_trim(c.fields[j]);
		size_t *slot = NULL;
		if (dti_streq_ci(h, "group") || dti_streq_ci(h, "region"))
			slot = &cid;
		else if (dti_streq_ci(h, "name_vi"))
			slot = &cvi;
		else if (dti_streq_ci(h, "name_en"))
			slot = &cen;
		if (!slot)
			continue; /* other columns are allowed and ignored */
		if (*slot) {
			dti_err_add(err, DTI_EINVALID, name, c.line, j + 1, h,
			            "column '%s' repeats column %zu", h, *slot);
			faults++;
			continue;
		}
		*slot = j + 1;
	}
	if (!cid) {
		dti_err_add(err, DTI_EINVALID, name, c.line, 0, NULL,
		            "missing required column 'group' (or 'region')");
		faults++;
	}
	while (!faults && (st = dti_csv_next_nonblank(&c, err)) == DTI_OK) {
		if (DTI_GROW(rows, cap, nrows + 1)) {
			st = dti_err_nomem(err);
			goto out;
		}
		struct row *r = &rows[nrows];
		const char *f[3];
		size_t cols[3] = {cid, cvi, cen};
		for (int k = 0; k < 3; k++)
			f[k] = cols[k] && cols[k] <= c.nfields
			           ? c.fields[cols[k] - 1]
			           : "";
		r->id = arena_trimmed(&tmp, f[0]);
		r->vi = arena_trimmed(&tmp, f[1]);
		r->en = arena_trimmed(&tmp, f[2]);
		r->line = c.line;
		if (!r->id || !r->vi || !r->en) {
			st = dti_err_nomem(err);
			goto out;
		}
		size_t prev;
		if (!*r->id) {
			dti_err_add(err, DTI_EINVALID, name, c.line, cid,
			            "group", "empty group id");
			faults++;
			continue;
		}
		if (dti_map_get(&seen, r->id, &prev)) {
			dti_err_add(err, DTI_EINVALID, name, c.line, cid,
			            "group",
			            "duplicate group '%s' (first on line %lu)",
			            r->id, rows[prev].line);
			faults++;
			continue;
		}
		if (dti_map_put(&seen, r->id, nrows)) {
			st = dti_err_nomem(err);
			goto out;
		}
		nrows++;
	}
	if (faults) {
		st = err && err->code ? err->code : DTI_EINVALID;
		goto out;
	}
	if (st != DTI_ENOTFOUND)
		goto out;
	st = DTI_OK;
	/* all rows are good: only now change the registry */
	for (size_t i = 0; i < nrows; i++) {
		struct dti_group_info *g = group_add(u, rows[i].id);
		if (!g) {
			st = dti_err_nomem(err);
			goto out;
		}
		const char *vi = *rows[i].vi ? rows[i].vi : g->id;
		const char *en = *rows[i].en ? rows[i].en : vi;
		g->name_vi = dti_arena_strdup(&u->arena, vi);
		g->name_en = dti_arena_strdup(&u->arena, en);
		if (!g->name_vi || !g->name_en) {
			g->name_vi = g->name_en = g->id;
			st = dti_err_nomem(err);
			goto out;
		}
	}
out:
	free(rows);
	dti_map_release(&seen);
	dti_arena_release(&tmp);
	dti_csv_close(&c);
	return st;
}

enum dti_status dti_units_load_groups(struct dti_units *u, const char *path,
                                      struct dti_error *err)
{
	if (!u || !path)
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, NULL,
		    "dti_units_load_groups: no registry or path");
	char *buf, *name;
	size_t len;
	enum dti_status st = dti_read_source(path, &buf, &len, &name, err);
	if (st)
		return st;
	st = dti_units_parse_groups(u, buf, len, name, err);
	free(buf);
	free(name);
	return st;
}

void dti_units_free(struct dti_units *u)
{
	if (!u)
		return;
	free(u->units);
	dti_map_release(&u->ids);
	chain_release(&u->codes);
	chain_release(&u->names);
	chain_release(&u->folded);
	chain_release(&u->bare);
	free(u->groups);
	dti_map_release(&u->group_ids);
	dti_arena_release(&u->arena);
	free(u);
}

/* ---- accessors ------------------------------------------------------- */

size_t dti_units_count(const struct dti_units *u)
{
	return u ? u->n : 0;
}

void dti_units_get(const struct dti_units *u, size_t i,
                   struct dti_unit_info *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof *out);
	out->population = (double)NAN;
	if (!u || i >= u->n)
		return;
	const struct unit *x = &u->units[i];
	out->id = x->id;
	out->code = x->code;
	out->name_vi = x->name_vi;
	out->name_ascii = x->name_ascii;
	out->group = x->group;
	out->valid_from = x->valid_from;
	out->valid_to = x->valid_to;
	out->naliases = x->naliases;
	out->aliases = x->aliases;
	out->nsuccessors = x->nsuccessors;
	out->successors = x->successors;
	out->population = x->population;
}

int dti_units_valid_on(const struct dti_units *u, size_t i, const char *date)
{
	if (!u || i >= u->n)
		return 0;
	return valid_on(&u->units[i], date);
}

size_t dti_units_group_count(const struct dti_units *u)
{
	return u ? u->ngroups : 0;
}

void dti_units_group(const struct dti_units *u, size_t i,
                     struct dti_group_info *out)
{
	if (!out)
		return;
	if (!u || i >= u->ngroups) {
		memset(out, 0, sizeof *out);
		return;
	}
	*out = *u->groups[i];
}

const struct dti_group_info *dti_units_group_find(const struct dti_units *u,
                                                  const char *id)
{
	size_t i;
	if (!u || !id || !dti_map_get(&u->group_ids, id, &i))
		return NULL;
	return u->groups[i];
}

/* ---- finding --------------------------------------------------------- */

#define CAND_MAX 8

/* The distinct units that matched at one level (the first CAND_MAX kept). */
struct cands {
	size_t v[CAND_MAX];
	size_t n;
};

static void cand_add(struct cands *c, size_t unit)
{
	size_t kept = c->n < CAND_MAX ? c->n : CAND_MAX;
	for (size_t j = 0; j < kept; j++)
		if (c->v[j] == unit)
			return;
	if (c->n < CAND_MAX)
		c->v[c->n] = unit;
	c->n++;
}

/* Lists candidates in registry order, whatever order the chains gave. */
static void cand_sort(struct cands *c)
{
	size_t kept = c->n < CAND_MAX ? c->n : CAND_MAX;
	for (size_t i = 1; i < kept; i++) {
		size_t v = c->v[i], j = i;
		for (; j > 0 && c->v[j - 1] > v; j--)
			c->v[j] = c->v[j - 1];
		c->v[j] = v;
	}
}

static void chain_collect(const struct dti_units *u,
                          const struct chain_index *x, const char *key,
                          const char *date, struct cands *c)
{
	size_t j;
	if (!*key || !dti_map_get(&x->map, key, &j))
		return;
	for (; j != NO_ENTRY; j = x->ents[j].next)
		if (valid_on(&u->units[x->ents[j].unit], date))
			cand_add(c, x->ents[j].unit);
}

/*
 * Runs the match levels on `text` (trimmed) and its fold `key`; returns the
 * candidates of the first level that has any.
 */
static int match_levels(const struct dti_units *u, const char *text,
                        const char *key, const char *date, struct cands *c)
{
	c->n = 0;
	size_t i;
	if (dti_map_get(&u->ids, text, &i) && valid_on(&u->units[i], date)) {
		cand_add(c, i);
		return 0;
	}
	chain_collect(u, &u->codes, text, date, c);
	if (c->n)
		return 0;
	chain_collect(u, &u->names, text, date, c);
	if (c->n)
		return 0;
	/* the fold keys, and units whose name less its prefix is this
	   ("Lâm Hà" finds "Huyện Lâm Hà", "Quan Hóa" "Huyện Quan Hóa"; "X"
	   with both "Quận X" and "Huyện X" is ambiguous, as "Bình" with
	   "Bình" and "Tỉnh Bình") */
	chain_collect(u, &u->folded, key, date, c);
	chain_collect(u, &u->bare, key, date, c);
	if (c->n)
		return 0;
	/* a prefix given: its canonical form ("H. Lâm Hà" is "Huyện Lâm
	   Hà"), then a unit named without one (or, for Tỉnh and TP., with
	   the other: one province however the registry writes it); a
	   commune is not the district of the same name */
	const char *rest;
	const struct admin_prefix *ap = admin_prefix(text, key, 1, &rest);
	if (!ap)
		return 0;
	size_t cn = strlen(ap->canon), rn = strlen(rest);
	char *canon = malloc(cn + rn + 1);
	if (!canon)
		return -1;
	memcpy(canon, ap->canon, cn);
	memcpy(canon + cn, rest, rn + 1);
	chain_collect(u, &u->folded, canon, date, c);
	free(canon);
	if (!c->n)
		chain_collect(u, &u->folded, rest, date, c);
	if (!c->n && ap->abbrev == 3)
		chain_collect(u, &u->bare, rest, date, c);
	return 0;
}

/* Levenshtein distance, or SIZE_MAX when clearly above `limit`. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > SUGGEST_MAX_KEY || lb > SUGGEST_MAX_KEY)
		return SIZE_MAX;
	if ((la > lb ? la - lb : lb - la) > limit)
		return SIZE_MAX;
	size_t row[SUGGEST_MAX_KEY + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i2 = 1; i2 <= la; i2++) {
		size_t diag = row[0];
		row[0] = i2;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i2 - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The unit whose name is nearest to key, if near enough; NO_ENTRY if none. */
static size_t suggest(const struct dti_units *u, const char *key,
                      const char *date)
{
	const char *qs[2] = {key, strip_prefix(key)};
	size_t best = SIZE_MAX, best_unit = NO_ENTRY;
	for (int q = 0; q < 2; q++) {
		if (q == 1 && qs[1] == qs[0])
			break;
		size_t len = strlen(qs[q]);
		if (!len)
			continue;
		size_t third = len / 3 ? len / 3 : 1;
		size_t limit = third < 3 ? third : 3;
		for (size_t i = 0; i < u->n; i++) {
			const struct unit *x = &u->units[i];
			if (!valid_on(x, date))
				continue;
			for (size_t k = 0; k < x->nkeys; k++) {
				size_t d =
				    edit_distance(qs[q], x->keys[k], limit);
				if (d <= limit && d < best) {
					best = d;
					best_unit = i;
				}
			}
		}
	}
	return best_unit;
}

/* Appends printf output to a message buffer, never overflowing it. */
static void msg_add(char *buf, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void msg_add(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	if (*n >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = dti_vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n += (size_t)w < cap - *n ? (size_t)w : cap - *n - 1;
}

/* Shows at most `max` bytes of user text, cut at a character boundary. */
static int shown_len(const char *s, int max)
{
	size_t n = strlen(s);
	if (n <= (size_t)max)
		return (int)n;
	n = (size_t)max;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

enum dti_status dti_units_find(const struct dti_units *u, const char *text,
                               const char *date, size_t *index,
                               struct dti_error *err)
{
	if (!u || !text)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "dti_units_find: no registry or no text");
	if (date && !dti_is_date(date))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "bad date '%.40s' (expected YYYY-MM-DD)",
		                   date);
	while (*text == ' ' || *text == '\t')
		text++;
	size_t len = strlen(text);
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (!len)
		return dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, NULL,
		                   "empty unit name");
	char *t = malloc(2 * (len + 1));
	if (!t)
		return dti_err_nomem(err);
	memcpy(t, text, len);
	t[len] = '\0';
	char *key = t + len + 1;
	dti_text_fold(t, key, len + 1);

	struct cands c;
	if (match_levels(u, t, key, date, &c)) {
		free(t);
		return dti_err_nomem(err);
	}
	cand_sort(&c);
	enum dti_status st = DTI_OK;
	char msg[DTI_ERROR_MSG_MAX];
	size_t mn = 0;
	char vbuf[40];
	int tl = shown_len(t, 120);
	if (c.n == 1) {
		if (index)
			*index = c.v[0];
	} else if (c.n > 1) {
		st = DTI_EAMBIGUOUS;
		msg_add(msg, sizeof msg, &mn, "'%.*s' matches %zu units", tl, t,
		        c.n);
		if (date)
			msg_add(msg, sizeof msg, &mn, " on %s", date);
		msg_add(msg, sizeof msg, &mn, ":");
		size_t kept = c.n < CAND_MAX ? c.n : CAND_MAX;
		for (size_t j = 0; j < kept; j++) {
			const struct unit *x = &u->units[c.v[j]];
			msg_add(msg, sizeof msg, &mn, "%s %s (id %s, %s)",
			        j ? "," : "", x->name_vi, x->id,
			        validity_text(x, vbuf, sizeof vbuf));
		}
		if (c.n > kept)
			msg_add(msg, sizeof msg, &mn, ", ...");
		msg_add(msg, sizeof msg, &mn, "; %s",
		        date ? "use the id" : "give a date or use the id");
	} else {
		st = DTI_ENOTFOUND;
		msg_add(msg, sizeof msg, &mn, "unknown unit '%.*s'", tl, t);
		struct cands other = {{0}, 0};
		if (date && match_levels(u, t, key, NULL, &other)) {
			free(t);
			return dti_err_nomem(err);
		}
		cand_sort(&other);
		if (other.n) {
			/* the name denotes a unit of another period */
			msg_add(msg, sizeof msg, &mn, " on %s:", date);
			size_t kept = other.n < CAND_MAX ? other.n : CAND_MAX;
			for (size_t j = 0; j < kept && j < 3; j++) {
				size_t oi = other.v[j];
				const struct unit *x = &u->units[oi];
				msg_add(msg, sizeof msg, &mn,
				        "%s %s (id %s) is valid %s",
				        j ? ";" : "", x->name_vi, x->id,
				        validity_text(x, vbuf, sizeof vbuf));
				size_t succ[4];
				size_t ns = dti_units_successors_on(u, oi, date,
				                                    succ, 4);
				for (size_t k = 0; k < ns && k < 4; k++) {
					const struct unit *s =
					    &u->units[succ[k]];
					msg_add(msg, sizeof msg, &mn,
					        "%s %s (id %s)",
					        k ? "," : "; then succeeded by",
					        s->name_vi, s->id);
				}
			}
		} else {
			size_t s = suggest(u, key, date);
			if (s != NO_ENTRY)
				msg_add(msg, sizeof msg, &mn,
				        "; did you mean '%s' (id %s)?",
				        u->units[s].name_vi, u->units[s].id);
		}
	}
	free(t);
	if (st)
		return dti_err_set(err, st, NULL, 0, 0, NULL, "%s", msg);
	return DTI_OK;
}

/* ---- successors ------------------------------------------------------ */

size_t dti_units_successors_on(const struct dti_units *u, size_t i,
                               const char *date, size_t *out, size_t max)
{
	if (!u || i >= u->n)
		return 0;
	if (valid_on(&u->units[i], date)) {
		if (max && out)
			out[0] = i;
		return 1;
	}
	/*
	 * Depth-first over successors.  The graph has no cycle (checked at
	 * load), so the walk ends; `seen` keeps diamonds (two predecessors
	 * merged, then split again) from being walked twice.
	 */
	unsigned char small_seen[512];
	unsigned char *seen = small_seen;
	size_t nbytes = (u->n + 7) / 8;
	if (nbytes > sizeof small_seen) {
		seen = calloc(nbytes, 1);
		if (!seen)
			return 0;
	} else {
		memset(small_seen, 0, nbytes);
	}
	size_t small_stack[64];
	size_t *stack = small_stack, scap = DTI_ARRAY_LEN(small_stack);
	size_t sp = 0, count = 0;
	int failed = 0;
	stack[sp++] = i;
	seen[i / 8] |= (unsigned char)(1u << (i % 8));
	while (sp) {
		size_t v = stack[--sp];
		const struct unit *x = &u->units[v];
		if (v != i && valid_on(x, date)) {
			if (count < max && out)
				out[count] = v;
			count++;
			continue;
		}
		/* push in reverse so successors come out in their order */
		for (size_t k = x->nsuccessors; k-- > 0;) {
			size_t w = x->successors[k];
			if (seen[w / 8] & (1u << (w % 8)))
				continue;
			seen[w / 8] |= (unsigned char)(1u << (w % 8));
			if (sp == scap) {
				size_t ncap = scap * 2;
				size_t *ns = malloc(ncap * sizeof *ns);
				if (!ns) {
					failed = 1;
					break;
				}
				memcpy(ns, stack, sp * sizeof *ns);
				if (stack != small_stack)
					free(stack);
				stack = ns;
				scap = ncap;
			}
			stack[sp++] = w;
		}
		if (failed)
			break;
	}
	if (stack != small_stack)
		free(stack);
	if (seen != small_seen)
		free(seen);
	return failed ? 0 : count;
}
