/* Look-ups over the generated name tables of model/iso-names.c (model/iso.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/iso.h"

static int compare(const void *key, const void *entry)
{
	return strcmp(key, ((const struct numbering__iso_name *)entry)->code);
}

static const char *find(const struct numbering__iso_name *table, size_t count, const char *code)
{
	const struct numbering__iso_name *e = bsearch(code, table, count, sizeof(*table), compare);
	return e == NULL ? NULL : e->name;
}

const char *numbering__iso_region_name_ru(const char *code)
{
	return code == NULL ? NULL : find(numbering__iso_regions_ru, numbering__iso_region_ru_count, code);
}

const char *numbering__iso_subdivision_name(const char *country, const char *state)
{
	char code[16];
	if (country == NULL || state == NULL || strlen(country) != 2 || strlen(state) == 0 || strlen(state) > 6)
		return NULL;
	snprintf(code, sizeof(code), "%s-%s", country, state);
	return find(numbering__iso_subdivisions, numbering__iso_subdivision_count, code);
}
