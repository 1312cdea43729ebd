/*
 * ListPhoneNumberPricing on the JSON entry point (lib/json/call.c): the schema seed's
 * PhoneNumberPricing, read from the inventory by numbering_store_list_pricing()
 * (numbering/pricing.h; docs/PRICING.md).
 *
 * Request: {countryCode?, numberType?} (either spelling, country_code and number_type
 * too). Response: {"phoneNumberPricing": [{number_type, country, countryCode,
 * phoneNumberPrices: [{price, setupPrice, priceUnit, currency, available}], price,
 * priceUnit, currency}]}, with the seed's spelling: number_type in snake case inside a
 * camelCase object.
 *
 * Prices are decimal strings with the currency's digits ("2.00", "500" for JPY), never
 * JSON numbers: the seed types them "number", but a JSON number is a float to most
 * readers, and money in this library never is one (the Sinch money shape writes the
 * amount as a string too). A tier's price is what each payment interval costs: the
 * monthly price times the interval's months, "per N months" (N > 1) or "per month";
 * an entry's price is its lowest monthly price, "per month". The tier of free numbers
 * has price and setup price "0" and currency "".
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "json/json.h"
#include "json/pricing-json.h"
#include "json/sinch-common.h"
#include "numbering/instance.h"
#include "numbering/money.h"
#include "numbering/pricing.h"

/* "2.00" for @minor_units of @currency; "0" for the free tier's "". */
static json_t *amount(const char *currency, int64_t minor_units)
{
	char text[NUMBERING_MONEY_BUFSIZE] = "0";
	if (currency[0] != '\0' && numbering_money_format(text, sizeof(text), currency, minor_units) != NUMBERING_OK)
		return NULL;
	return json_string(text);
}

static json_t *unit(int months)
{
	char text[32] = "per month";
	if (months > 1)
		snprintf(text, sizeof(text), "per %d months", months);
	return json_string(text);
}

static json_t *tier_json(const numbering_pricing_list *list, int i, int t)
{
	const char *currency = numbering_pricing_list_tier_currency(list, i, t);
	int months = numbering_pricing_list_tier_interval_months(list, i, t);
	/* The service leaves out numbers whose first payment overflows: this cannot. */
	int64_t price = numbering_pricing_list_tier_monthly_price(list, i, t) * months;
	return json_pack("{s:o, s:o, s:o, s:s, s:I}", "price", amount(currency, price), "setupPrice",
	                 amount(currency, numbering_pricing_list_tier_setup_price(list, i, t)), "priceUnit",
	                 unit(months), "currency", currency, "available",
	                 (json_int_t)numbering_pricing_list_tier_available(list, i, t));
}

static json_t *entry_json(const numbering_pricing_list *list, int i)
{
	json_t *prices = json_array();
	for (int t = 0; prices != NULL && t < numbering_pricing_list_tier_count(list, i); t++)
		if (json_array_append_new(prices, tier_json(list, i, t)) != 0) {
			json_decref(prices);
			prices = NULL;
		}
	const char *currency = numbering_pricing_list_currency(list, i);
	return prices == NULL ? NULL
	                      : json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "number_type",
	                                  numbering_number_type_name(numbering_pricing_list_type(list, i)), "country",
	                                  numbering_pricing_list_country(list, i), "countryCode",
	                                  numbering_pricing_list_region_code(list, i), "phoneNumberPrices", prices, "price",
	                                  amount(currency, numbering_pricing_list_price(list, i)), "priceUnit",
	                                  "per month", "currency", currency);
}

int numbering__json_list_phone_number_pricing(json_t **result, numbering_store *store, const char *caller,
                                              json_t *request)
{
	enum { COUNTRY, TYPE, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[COUNTRY] = {"countryCode", "country_code"},
		[TYPE] = {"numberType", "number_type"},
	};
	json_t *f[COUNT];
	const char *country = NULL;
	int type = NUMBERING_NUMBER_TYPE_UNSPECIFIED;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&country, f[COUNTRY], "countryCode");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_type(&type, f[TYPE], "numberType");
	if (rc != NUMBERING_OK)
		return rc;
	numbering_pricing_list *list = NULL;
	rc = numbering_store_list_pricing(&list, store, caller, country, type);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *entries = json_array();
	for (int i = 0; entries != NULL && i < numbering_pricing_list_count(list); i++)
		if (json_array_append_new(entries, entry_json(list, i)) != 0) {
			json_decref(entries);
			entries = NULL;
		}
	numbering_pricing_list_free(list);
	*result = entries == NULL ? NULL : json_pack("{s:o}", "phoneNumberPricing", entries);
	if (*result == NULL)
		return numbering__sinch_out_of_memory();
	return NUMBERING_OK;
}
