/* Planting inventory records in tests: see tests/stock-plant.h. */
#include "stock-plant.h"

#include <check.h>
#include <string.h>

#include "service/inventory.h"
#include "service/service.h"

void stock_reprice(numbering_store *store, const char *number, const char *attribute, const char *currency,
                   int64_t minor)
{
	int digits = 0;
	uint64_t value = 0;
	ck_assert_int_eq(numbering__parse_one_number(&digits, &value, number, "number"), NUMBERING_OK);
	numbering_available_number block;
	memset(&block, 0, sizeof(block));
	numbering__available_clear(&block);
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__inventory_find(&block, store, digits, value, value), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(&block, attribute, currency, minor), NUMBERING_OK);
	ck_assert_int_eq(numbering__inventory_put(store, &block), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	numbering__available_clear(&block);
}
