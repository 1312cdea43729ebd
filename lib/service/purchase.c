/*
 * Purchases (numbering/purchase.h): the schema seed's PhoneNumberPurchase and its
 * status machine, and the cost of an acquisition.
 */
#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "service/purchase.h"

int numbering__acquisition_cost(struct numbering__money *out, const numbering_available_number *n)
{
	memset(out, 0, sizeof(*out));
	const struct numbering__money *setup = &n->setup_price, *monthly = &n->monthly_price;
	if (setup->currency[0] != '\0' && monthly->currency[0] != '\0' && strcmp(setup->currency, monthly->currency) != 0)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "monthlyPrice",
		                              "%s: setupPrice is in %s and monthlyPrice in %s: one number's prices are in "
		                              "one currency",
		                              n->phone_number, setup->currency, monthly->currency);
	int64_t months = n->payment_interval_months < 1 ? 1 : n->payment_interval_months;
	int64_t total = 0, first = 0;
	if (monthly->currency[0] != '\0' &&
	    (monthly->minor < 0 || __builtin_mul_overflow(monthly->minor, months, &first)))
		goto overflow;
	if (setup->currency[0] != '\0' && (setup->minor < 0 || __builtin_add_overflow(first, setup->minor, &total)))
		goto overflow;
	if (setup->currency[0] == '\0')
		total = first;
	const char *currency = setup->currency[0] != '\0' ? setup->currency : monthly->currency;
	memcpy(out->currency, currency, 4);
	out->minor = total;
	return NUMBERING_OK;
overflow:
	return numbering__error_field(NUMBERING_OUT_OF_RANGE, "monthlyPrice",
	                              "%s: setupPrice + monthlyPrice x %lld months is more than an amount can hold",
	                              n->phone_number, (long long)months);
}
