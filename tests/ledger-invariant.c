/* The ledger invariant (tests/ledger-invariant.h). */
#include "ledger-invariant.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t ledger_check(numbering_store *store, const char *caller, const char *parent, int page_size, int64_t *balance)
{
	numbering_billing_account *account = NULL;
	int rc = numbering_store_get_billing_account(&account, store, caller, parent);
	ck_assert_msg(rc == NUMBERING_OK, "get %s: %s", parent, numbering_error_message());
	const char *currency = numbering_billing_account_currency(account);
	int64_t have = numbering_billing_account_balance(account);
	ck_assert_int_ge(numbering_billing_account_reserved(account), 0);
	/* Newest first: entry n's balanceAfter is the sum of entries 1 .. n, so walking
	 * down, each is the previous one's minus the previous amount. */
	int64_t count = 0, expect_n = -1, expect_after = have;
	int64_t sum = 0;
	char token[256] = "";
	do {
		numbering_billing_entry_page *page = NULL;
		rc = numbering_store_list_billing_entries(&page, store, caller, parent, page_size, token);
		ck_assert_msg(rc == NUMBERING_OK, "list %s: %s", parent, numbering_error_message());
		for (int i = 0; i < numbering_billing_entry_page_count(page); i++) {
			const numbering_billing_entry *e = numbering_billing_entry_page_item(page, i);
			const char *name = numbering_billing_entry_name(e);
			char prefix[128];
			snprintf(prefix, sizeof(prefix), "%s/billingEntries/", parent);
			ck_assert_msg(strncmp(name, prefix, strlen(prefix)) == 0, "entry %s is not under %s", name, prefix);
			int64_t n = strtoll(name + strlen(prefix), NULL, 10);
			if (expect_n < 0)
				expect_n = n;
			ck_assert_msg(n == expect_n, "entry %s where number %" PRId64 " was due", name, expect_n);
			expect_n--;
			ck_assert_str_eq(numbering_billing_entry_currency(e), currency);
			ck_assert_msg(numbering_billing_entry_balance_after(e) == expect_after,
			              "%s: balanceAfter %" PRId64 ", the entries above say %" PRId64, name,
			              numbering_billing_entry_balance_after(e), expect_after);
			ck_assert_int_ne(numbering_billing_entry_amount(e), 0);
			ck_assert_int_gt(numbering_billing_entry_time(e), 0);
			ck_assert_str_ne(numbering_billing_entry_reason(e), "");
			expect_after -= numbering_billing_entry_amount(e);
			ck_assert_msg(!__builtin_add_overflow(sum, numbering_billing_entry_amount(e), &sum),
			              "%s: the entries' sum leaves int64", parent);
			count++;
		}
		snprintf(token, sizeof(token), "%s", numbering_billing_entry_page_next_token(page));
		numbering_billing_entry_page_free(page);
	} while (token[0] != '\0');
	ck_assert_msg(sum == have, "%s: balance %" PRId64 " is not the sum of its %" PRId64 " entries", parent,
	              have, count);
	ck_assert_msg(count == 0 || expect_n == 0, "%s: the ledger's oldest entry is not number 1", parent);
	ck_assert_msg(expect_after == 0, "%s: the oldest entry does not start from 0", parent);
	if (count == 0) {
		ck_assert_str_eq(currency, "USD");
		ck_assert_int_eq(have, 0);
	}
	if (balance != NULL)
		*balance = have;
	numbering_billing_account_free(account);
	return count;
}
