/*
 * Billing accounts and their ledger on the JSON entry point (numbering/billing.h;
 * docs/JSON-API.md):
 *   GetBillingAccount {parent} -> {name, currencyCode, balance, reserved}
 *   AdjustBillingAccount {parent, amount, reason, requestId?} -> the entry
 *   ListBillingEntries {parent, pageSize?, pageToken?} -> {billingEntries, nextPageToken}
 * Money is the Sinch shape {"currencyCode": "USD", "amount": "2.00"}, its amount a
 * decimal string with at most the currency's digits; here it may be negative
 * ("-1.50"). Entry times are RFC 3339 like the rest of the JSON.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "json/billing-json.h"
#include "json/json.h"
#include "json/sinch-common.h"
#include "model/money.h"
#include "model/validate.h"
#include "numbering/billing.h"
#include "numbering/money.h"

json_t *numbering__json_signed_money(const char *currency, int64_t minor_units)
{
	char amount[NUMBERING_MONEY_BUFSIZE + 1];
	if (minor_units == INT64_MIN)
		return NULL;
	amount[0] = '-';
	int negative = minor_units < 0;
	if (numbering_money_format(amount + negative, sizeof(amount) - 1, currency,
	                           negative ? -minor_units : minor_units) != NUMBERING_OK)
		return NULL;
	return json_pack("{s:s, s:s}", "currencyCode", currency, "amount", amount);
}

/* "@path: message", keeping the field the error names at @path. */
static int at_path(int rc, const char *path)
{
	char message[512];
	snprintf(message, sizeof(message), "%s", numbering_error_message());
	return numbering__error_field(rc, path, "%s: %s", path, message);
}

/* A signed money object at "amount" into a currency and minor units. */
static int read_signed_money(const char **currency, int64_t *minor, json_t *value)
{
	enum { CURRENCY, AMOUNT, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[CURRENCY] = {"currencyCode", "currency_code"},
		[AMOUNT] = {"amount", "amount"},
	};
	json_t *f[COUNT];
	if (value == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount", "amount is required");
	int rc = numbering__json_object(value, "amount");
	if (rc == NUMBERING_OK)
		rc = numbering__json_fields(f, value, fields, COUNT, "amount");
	const char *code = NULL, *text = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&code, f[CURRENCY], "amount.currencyCode");
	if (rc != NUMBERING_OK)
		return rc;
	if (code == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount.currencyCode",
		                              "amount.currencyCode is required");
	if (!numbering_currency_is_known(code))
		return numbering__sinch_invalid("amount.currencyCode",
		                                "is not an ISO 4217 currency (three upper-case letters, like \"USD\")", code);
	if (f[AMOUNT] != NULL && (json_is_integer(f[AMOUNT]) || json_is_real(f[AMOUNT])))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount.amount",
		                              "amount.amount must be a decimal string such as \"-1.50\", not a JSON number");
	if ((rc = numbering__json_string(&text, f[AMOUNT], "amount.amount")) != NUMBERING_OK)
		return rc;
	if (text == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount.amount", "amount.amount is required");
	if ((rc = numbering__money_parse_signed(minor, code, text)) != NUMBERING_OK)
		return at_path(rc, "amount.amount");
	*currency = code;
	return NUMBERING_OK;
}

static json_t *entry_json(const numbering_billing_entry *e)
{
	char time[40];
	numbering__format_time(time, numbering_billing_entry_time(e));
	const char *currency = numbering_billing_entry_currency(e);
	json_t *amount = numbering__json_signed_money(currency, numbering_billing_entry_amount(e));
	json_t *after = numbering__json_signed_money(currency, numbering_billing_entry_balance_after(e));
	if (amount == NULL || after == NULL) {
		json_decref(amount);
		json_decref(after);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:s}", "name", numbering_billing_entry_name(e), "time", time,
	                 "amount", amount, "balanceAfter", after, "reason", numbering_billing_entry_reason(e),
	                 "resource", numbering_billing_entry_resource(e));
}

int numbering__json_get_billing_account(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	static const struct numbering__json_field fields[1] = {{"parent", "parent"}};
	json_t *f[1];
	const char *parent = "";
	int rc = numbering__json_fields(f, request, fields, 1, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&parent, f[0], "parent");
	numbering_billing_account *a = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_get_billing_account(&a, store, caller, parent);
	if (rc != NUMBERING_OK)
		return rc;
	const char *currency = numbering_billing_account_currency(a);
	json_t *balance = numbering__json_signed_money(currency, numbering_billing_account_balance(a));
	json_t *reserved = numbering__json_signed_money(currency, numbering_billing_account_reserved(a));
	if (balance == NULL || reserved == NULL ||
	    (*result = json_pack("{s:s, s:s, s:o, s:o}", "name", numbering_billing_account_name(a), "currencyCode",
	                         currency, "balance", balance, "reserved", reserved)) == NULL) {
		if (balance == NULL || reserved == NULL) {
			json_decref(balance);
			json_decref(reserved);
		}
		rc = numbering__sinch_out_of_memory();
	}
	numbering_billing_account_free(a);
	return rc;
}

int numbering__json_adjust_billing_account(json_t **result, numbering_store *store, const char *caller,
                                           json_t *request)
{
	enum { PARENT, AMOUNT, REASON, REQUEST_ID, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PARENT] = {"parent", "parent"},
		[AMOUNT] = {"amount", "amount"},
		[REASON] = {"reason", "reason"},
		[REQUEST_ID] = {"requestId", "request_id"},
	};
	json_t *f[COUNT];
	const char *parent = "", *currency = NULL, *reason = NULL, *request_id = NULL;
	int64_t amount = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&parent, f[PARENT], "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&reason, f[REASON], "reason");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&request_id, f[REQUEST_ID], "requestId");
	if (rc == NUMBERING_OK)
		rc = read_signed_money(&currency, &amount, f[AMOUNT]);
	numbering_billing_entry *e = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_adjust_billing_account(&e, store, caller, parent, currency, amount, reason, request_id);
	if (rc == NUMBERING_OK && (*result = entry_json(e)) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_billing_entry_free(e);
	return rc;
}

int numbering__json_list_billing_entries(json_t **result, numbering_store *store, const char *caller,
                                         json_t *request)
{
	const char *parent, *token;
	int32_t page_size;
	int rc = numbering__json_list_request(&parent, &page_size, &token, request);
	numbering_billing_entry_page *page = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_list_billing_entries(&page, store, caller, parent, page_size, token);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *entries = json_array();
	for (int i = 0; entries != NULL && i < numbering_billing_entry_page_count(page); i++)
		if (json_array_append_new(entries, entry_json(numbering_billing_entry_page_item(page, i))) != 0) {
			json_decref(entries);
			entries = NULL;
		}
	if (entries == NULL || (*result = json_pack("{s:o, s:s}", "billingEntries", entries, "nextPageToken",
	                                            numbering_billing_entry_page_next_token(page))) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_billing_entry_page_free(page);
	return rc;
}
