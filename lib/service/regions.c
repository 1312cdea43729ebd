/*
 * ListAvailableRegions (numbering/inventory.h): the regions the inventory has listed
 * numbers for, and their types.
 *
 * An available number's record has the parent "XX/TYPE" (model/available.h), and a
 * backend answers a query by parent from an index of that parent, so the question
 * "does region XX have a listed number of type T" is one list query with limit 1. The
 * answer asks it for every known region code (about 250, in code order, which is the
 * order of the result) and every type asked for: about 1,250 queries of at most one
 * record, whatever the size of the inventory (docs/INVENTORY.md has the figures).
 * Walking the records instead would cost the inventory's size.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/available.h"
#include "model/kinds.h"
#include "numbering/money.h"
#include "service/backend-call.h"
#include "service/inventory.h"
#include "service/service.h"

struct region {
	char code[3];
	int types; /* NUMBERING_NUMBER_TYPE_BIT() of each type found */
	const char *name;
};

struct numbering_available_region_list {
	int count;
	struct region items[];
};

#define TYPE_MAX NUMBERING_NUMBER_TYPE_SHARED_RATE
/* Every type but NUMBERING_NUMBER_TYPE_UNSPECIFIED. */
#define ALL_TYPES (((1 << (TYPE_MAX + 1)) - 1) & ~1)
/* Regions AA .. ZZ. */
#define CODES (26 * 26)

static int found_one(const numbering_record *record, void *payload)
{
	(void)record;
	*(int *)payload = 1;
	return NUMBERING__VISIT_STOP;
}

/* Whether the inventory has a listed number under @parent. */
static int has_listed(int *found, numbering_store *store, const char *parent)
{
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_AVAILABLE;
	query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	query.parent = parent;
	query.listed_only = 1;
	query.limit = 1;
	*found = 0;
	return numbering__backend_list(store, &query, found_one, found);
}

static int collect(struct numbering_available_region_list *list, numbering_store *store, int types)
{
	for (int c = 0; c < CODES; c++) {
		char code[3] = {(char)('A' + c / 26), (char)('A' + c % 26), '\0'};
		if (!numbering_region_is_known(code))
			continue;
		struct region *r = &list->items[list->count];
		memset(r, 0, sizeof(*r));
		for (int type = 1; type <= TYPE_MAX; type++) {
			if ((types & NUMBERING_NUMBER_TYPE_BIT(type)) == 0)
				continue;
			char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
			int found = 0;
			int rc = numbering__available_parent(parent, code, type);
			if (rc == NUMBERING_OK)
				rc = has_listed(&found, store, parent);
			if (rc != NUMBERING_OK)
				return rc;
			if (found)
				r->types |= NUMBERING_NUMBER_TYPE_BIT(type);
		}
		if (r->types == 0)
			continue;
		memcpy(r->code, code, 3);
		if (numbering_region_name(&r->name, code) != NUMBERING_OK)
			r->name = "";
		list->count++;
	}
	return NUMBERING_OK;
}

int numbering_store_available_regions(numbering_available_region_list **out, numbering_store *store,
                                      const char *caller, const char *project, int types)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_available_regions: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "projectId");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_REGIONS, checked);
	if (rc == NUMBERING_OK && (types & ~ALL_TYPES) != 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "types",
		                            "types 0x%x holds a bit that is no number type (LOCAL, NATIONAL, MOBILE, "
		                            "TOLL_FREE or SHARED_RATE)",
		                            (unsigned)types);
	if (rc != NUMBERING_OK)
		return rc;
	if (types == 0)
		types = ALL_TYPES;
	struct numbering_available_region_list *list =
		numbering__calloc(1, sizeof(*list) + CODES * sizeof(list->items[0]));
	if (list == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for the available regions");
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = collect(list, store, types);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering__free_mem(list);
		return rc;
	}
	*out = list;
	return NUMBERING_OK;
}

int numbering_available_region_list_count(const numbering_available_region_list *list)
{
	return list == NULL ? 0 : list->count;
}

static const struct region *item(const numbering_available_region_list *list, int i)
{
	return list == NULL || i < 0 || i >= list->count ? NULL : &list->items[i];
}

const char *numbering_available_region_list_code(const numbering_available_region_list *list, int i)
{
	const struct region *r = item(list, i);
	return r == NULL ? "" : r->code;
}

const char *numbering_available_region_list_name(const numbering_available_region_list *list, int i)
{
	const struct region *r = item(list, i);
	return r == NULL ? "" : r->name;
}

int numbering_available_region_list_types(const numbering_available_region_list *list, int i)
{
	const struct region *r = item(list, i);
	return r == NULL ? 0 : r->types;
}

void numbering_available_region_list_free(numbering_available_region_list *list)
{
	numbering__free_mem(list);
}
