/*
 * dti/units.h - the registry of assessed units.
 *
 * Units are provinces, ministries, departments or districts: anything that is
 * scored.  Each has a stable id, an official code (which may be reused by a
 * later unit of another period), Vietnamese and ASCII names, aliases (the
 * spellings of published tables: "TP. Đà Nẵng", "Thừa Thiên - Huế"), a group
 * (a region), a validity period and successors (the 2025 merger of 63
 * provinces into 34).  Names match tolerantly: case, diacritics, "TP."/
 * "Tỉnh" prefixes and punctuation are ignored, and a date picks among units
 * that share a name across periods.
 *
 * The registry file is a CSV table (see dti-units(5)): columns id, code,
 * name_vi, name_ascii, aliases, group, valid_from, valid_to, successors,
 * population; a second optional table names the groups.
 *
 * Ownership: immutable once loaded; pointers from accessors live until
 * dti_units_free().
 */
#ifndef DTI_UNITS_H
#define DTI_UNITS_H

#include "dti/export.h"

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_units;

struct dti_unit_info {
	const char *id;
	const char *code;
	const char *name_vi;
	const char *name_ascii;
	const char *group;      /* "" if none */
	const char *valid_from; /* "YYYY-MM-DD" or "" (always) */
	const char *valid_to;   /* "YYYY-MM-DD" or "" (still valid) */
	size_t naliases;
	const char *const *aliases;
	size_t nsuccessors;
	const size_t *successors; /* unit indices */
	double population;        /* NaN if not given */
};

struct dti_group_info {
	const char *id;
	const char *name_vi;
	const char *name_en;
};

DTI_EXTERN enum dti_status
dti_units_load(const char *path, struct dti_units **out, struct dti_error *err);
DTI_EXTERN enum dti_status dti_units_parse(const char *buf, size_t len,
                                           const char *name,
                                           struct dti_units **out,
                                           struct dti_error *err);
/* Adds group names (columns: group|region, name_vi, name_en). */
DTI_EXTERN enum dti_status dti_units_parse_groups(struct dti_units *u,
                                                  const char *buf, size_t len,
                                                  const char *name,
                                                  struct dti_error *err);
DTI_EXTERN enum dti_status dti_units_load_groups(struct dti_units *u,
                                                 const char *path,
                                                 struct dti_error *err);
DTI_EXTERN void dti_units_free(struct dti_units *u);

DTI_EXTERN size_t dti_units_count(const struct dti_units *u);
DTI_EXTERN void dti_units_get(const struct dti_units *u, size_t i,
                              struct dti_unit_info *out);
/* 1 if unit i is valid on date ("YYYY-MM-DD"); NULL date: always 1. */
DTI_EXTERN int dti_units_valid_on(const struct dti_units *u, size_t i,
                                  const char *date);

DTI_EXTERN size_t dti_units_group_count(const struct dti_units *u);
DTI_EXTERN void dti_units_group(const struct dti_units *u, size_t i,
                                struct dti_group_info *out);
/* Group by id, NULL if unknown. */
DTI_EXTERN const struct dti_group_info *
dti_units_group_find(const struct dti_units *u, const char *id);

/*
 * Finds a unit by id, code, name or alias, tolerantly, among the units valid
 * on `date` (NULL: any).  Returns DTI_ENOTFOUND (with the nearest names as a
 * hint) or DTI_EAMBIGUOUS (naming the candidates) when not exactly one unit
 * matches.
 */
DTI_EXTERN enum dti_status dti_units_find(const struct dti_units *u,
                                          const char *text, const char *date,
                                          size_t *index, struct dti_error *err);

/*
 * The units valid on `date` that unit i's territory belongs to, following
 * successors (and their successors) until a unit valid on `date`.  Writes up
 * to max indices into out and returns how many there are; 0 if none.
 */
DTI_EXTERN size_t dti_units_successors_on(const struct dti_units *u, size_t i,
                                          const char *date, size_t *out,
                                          size_t max);

#ifdef __cplusplus
}
#endif
#endif
