/*
 * lib/base/dl.c - libraries opened when first used (see base.h).
 *
 * libdti needs PostgreSQL's client, ICU and the workbook libraries only
 * for some calls, and each pulls in others (libpq: TLS, Kerberos, LDAP;
 * libzip: a crypto library; ICU: the C++ runtime).  Linked, they are
 * loaded and relocated by every program at start, which then costs
 * several milliseconds; opened on first use, a command that needs none of
 * them starts in about one.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

void *dti_dl_load(const char *soname, const char *const *names,
                  void *const *slots, size_t n, char *fault, size_t cap)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(fault, cap, "%s", e ? e : soname);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		void *sym = dlsym(h, names[i]);
		if (!sym) {
			snprintf(fault, cap, "%s has no %s", soname, names[i]);
			dlclose(h);
			return NULL;
		}
		/* POSIX: a data pointer from dlsym converts to a function
		 * pointer of the same size */
		memcpy(slots[i], &sym, sizeof sym);
	}
	return h;
}
