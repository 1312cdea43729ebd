/* tests/rent-setup.h: what the rent and renewal suites each wrote out. */
#include <check.h>

#include "rent-setup.h"

void stock_import_usd(numbering_store *store, const char *numbers, int capability, int64_t setup, int64_t monthly,
                      int interval)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, numbers, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", capability), NUMBERING_OK);
	if (setup > 0)
		ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", setup), NUMBERING_OK);
	if (monthly > 0)
		ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", monthly), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", interval), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	int rc = numbering_store_import_available(NULL, store, NULL, items, 1);
	ck_assert_msg(rc == NUMBERING_OK, "import %s: %s", numbers, numbering_error_message());
	numbering_available_number_free(n);
}

numbering_billing_report billing_run(numbering_store *store)
{
	numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
	int rc = numbering_store_run_billing(&r, store, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "run: %s", numbering_error_message());
	return r;
}

void billing_report_expect(numbering_billing_report r, int64_t charged, int64_t deactivated, int64_t reactivated,
                           int64_t cancelled)
{
	ck_assert_msg(r.charged == charged && r.deactivated == deactivated && r.reactivated == reactivated &&
	                  r.cancelled == cancelled,
	              "report charged %lld deactivated %lld reactivated %lld cancelled %lld, want %lld %lld %lld %lld",
	              (long long)r.charged, (long long)r.deactivated, (long long)r.reactivated, (long long)r.cancelled,
	              (long long)charged, (long long)deactivated, (long long)reactivated, (long long)cancelled);
}
