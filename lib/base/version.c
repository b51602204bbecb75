/* lib/version.c - the version of the library actually linked. */
#include "dti/version.h"

const char *dti_version(void)
{
	return DTI_VERSION;
}

unsigned dti_version_num(void)
{
	return DTI_VERSION_NUM;
}
