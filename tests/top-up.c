/* Funding billing accounts in tests (top-up.h): through the ledger's own code, in one
 * transaction under the write lock, as AdjustBillingAccount writes a top-up. */
#include <check.h>

#include "core/rwlock.h"
#include "numbering/errors.h"
#include "service/billing.h"
#include "service/service.h"
#include "top-up.h"

void top_up(numbering_store *store, const char *project, const char *currency, int64_t minor)
{
	struct numbering__account a;
	numbering__rwlock_wrlock(&store->lock);
	/* The clock's reading, not a store time (numbering__next_time()): a top-up then
	 * moves no later time of the test (an entry's time is not a key). */
	int64_t now = store->clock(store->clock_payload);
	int rc = numbering__account_load(&a, store, project);
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		struct numbering__entry_in e = {currency, minor, 0, "top-up", "", NULL, now};
		rc = numbering__account_post(store, &a, &e, NULL);
		if (rc == NUMBERING_OK)
			rc = numbering__commit(store);
		else
			numbering__rollback(store);
	}
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	ck_assert_msg(rc == NUMBERING_OK, "top-up of %s: %s", project, numbering_error_message());
}

void account_state(numbering_store *store, const char *project, int64_t *balance, int64_t *reserved,
                   int64_t *entries)
{
	struct numbering__account a;
	numbering__rwlock_wrlock(&store->lock);
	int rc = numbering__account_load(&a, store, project);
	numbering__rwlock_wrunlock(&store->lock);
	ck_assert_msg(rc == NUMBERING_OK, "account of %s: %s", project, numbering_error_message());
	*balance = a.balance;
	*reserved = a.reserved;
	*entries = a.entries;
}
