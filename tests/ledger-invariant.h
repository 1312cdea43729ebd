/*
 * The ledger invariant, for every suite whose operations charge (billing, purchases,
 * renewal): a project's billing account balance is the sum of its ledger's entries.
 * Call ledger_check() after each operation, on a memory or a file store.
 */
#ifndef NUMBERING_TEST_LEDGER_INVARIANT_H
#define NUMBERING_TEST_LEDGER_INVARIANT_H

#include <stdint.h>

#include <numbering/numbering.h>

/* Asserts, through the public API (caller @caller, NULL for the host), that the account
 * of @parent ("projects/p"):
 *   - has balance == the sum of its entries' amounts;
 *   - has entries named {parent}/billingEntries/n for n = count .. 1 newest first (none
 *     missing), each balanceAfter the sum up to it, all in the account's currency;
 *   - has 0 <= reserved; and reads as USD with balance 0 while it has no entry.
 * Reads the ledger in pages of @page_size (0: the default), following the tokens.
 * Returns the number of entries; *balance (may be NULL) gets the balance. */
int64_t ledger_check(numbering_store *store, const char *caller, const char *parent, int page_size, int64_t *balance);

#endif
