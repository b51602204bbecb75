/*
 * dti/export.h - what libdti.so exports.
 *
 * The library is built with hidden visibility: only declarations marked
 * DTI_EXTERN, the public API of include/dti/, are visible to programs that
 * link it, so a program's own function of the same name as one of
 * libdti's internals never replaces it.
 */
#ifndef DTI_EXPORT_H
#define DTI_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define DTI_EXTERN __attribute__((visibility("default")))
#else
#define DTI_EXTERN
#endif

#endif
