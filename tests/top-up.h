/*
 * Funding billing accounts in tests (tests/top-up.c): since issue 13 a rent of a priced
 * number charges the project's account, so a test that rents one tops it up first.
 */
#ifndef NUMBERING_TESTS_TOP_UP_H
#define NUMBERING_TESTS_TOP_UP_H

#include <stdint.h>

#include <numbering/numbering.h>

/* Adds @minor units of @currency to the account of @project ("projects/p"), as the
 * host's AdjustBillingAccount does: one ledger entry, reason "top-up". Fails the test
 * when refused. */
void top_up(numbering_store *store, const char *project, const char *currency, int64_t minor);

/* The account of @project: its balance and reserve in minor units and how many
 * ledger entries it has, read under the store's write lock. */
void account_state(numbering_store *store, const char *project, int64_t *balance, int64_t *reserved,
                   int64_t *entries);

#endif
