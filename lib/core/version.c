#include "numbering/common.h"

#include <utf8proc.h>

const char *numbering_version(void)
{
	return NUMBERING_VERSION_STRING;
}

int numbering_version_number(void)
{
	return NUMBERING_VERSION_NUMBER;
}

const char *numbering_unicode_version(void)
{
	return utf8proc_unicode_version();
}
