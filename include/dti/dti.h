/*
 * dti/dti.h - libdti, the engine of dti.
 *
 * libdti turns index frameworks and units' figures into values, pillars,
 * ranks and explanations.  The dti command line and web server use nothing
 * but this API.  Conventions shared by every header:
 *   - calls return enum dti_status and fill an optional struct dti_error;
 *     the library never prints and never exits;
 *   - objects are opaque, created by the _load, _parse and _new calls and
 *     released by _free (structs owned by the caller: _release);
 *   - text is UTF-8; numbers never depend on the locale.
 */
#ifndef DTI_DTI_H
#define DTI_DTI_H

#include "analysis.h"
#include "buf.h"
#include "chart.h"
#include "compare.h"
#include "compute.h"
#include "dataset.h"
#include "dti/version.h"
#include "error.h"
#include "explain.h"
#include "framework.h"
#include "json.h"
#include "notices.h"
#include "output.h"
#include "pca.h"
#include "plan.h"
#include "prepare.h"
#include "rebase.h"
#include "stats.h"
#include "store.h"
#include "targets.h"
#include "template.h"
#include "text.h"
#include "units.h"
#include "views.h"
#include "workflow.h"

#endif
