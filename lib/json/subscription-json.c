/*
 * Subscriptions and the billing run on the JSON entry point (numbering/subscription.h;
 * docs/JSON-API.md):
 *   GetSubscription {name} -> the subscription
 *   ListSubscriptions {parent, pageSize?, pageToken?} -> {subscriptions, nextPageToken}
 *   UpdateSubscription {name, subscription: {autoCharge}} -> the subscription
 *   RunBilling {} -> {charged, deactivated, reactivated, cancelled}
 * A subscription: {name, instance, purchase?, state, autoCharge, monthlyPrice?,
 * paymentIntervalMonths, periodsPaid, startTime, nextChargeDate, deactivateTime?,
 * expireAt?, endTime?}; money in the Sinch shape, times RFC 3339.
 */
#include <string.h>

#include "core/error.h"
#include "json/json.h"
#include "json/sinch-common.h"
#include "json/subscription-json.h"
#include "model/validate.h"
#include "numbering/subscription.h"

/* Sets @key of @o to the time attribute @attribute of @s, unless it is 0. */
static int put_time(json_t *o, const numbering_subscription *s, const char *attribute)
{
	int64_t t = numbering_subscription_int(s, attribute);
	if (t == 0)
		return 0;
	char text[40];
	numbering__format_time(text, t);
	return json_object_set_new(o, attribute, json_string(text));
}

static json_t *subscription_json(const numbering_subscription *s)
{
	const char *state = numbering_subscription_state_name((int)numbering_subscription_int(s, "state"));
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I}", "name", numbering_subscription_name(s), "instance",
	                      numbering_subscription_text(s, "instance"), "state", state ? state : "STATE_UNSPECIFIED",
	                      "autoCharge", (int)numbering_subscription_int(s, "autoCharge"), "paymentIntervalMonths",
	                      (json_int_t)numbering_subscription_int(s, "paymentIntervalMonths"), "periodsPaid",
	                      (json_int_t)numbering_subscription_int(s, "periodsPaid"));
	if (o == NULL)
		return NULL;
	int bad = 0;
	const char *purchase = numbering_subscription_text(s, "purchase");
	if (purchase[0] != '\0')
		bad |= json_object_set_new(o, "purchase", json_string(purchase));
	const char *currency = numbering_subscription_text(s, "monthlyPrice.currencyCode");
	if (currency[0] != '\0')
		bad |= json_object_set_new(o, "monthlyPrice",
		                           numbering__sinch_money_json(currency, numbering_subscription_int(s, "monthlyPrice")));
	bad |= put_time(o, s, "startTime");
	if (numbering_subscription_int(s, "state") != NUMBERING_SUBSCRIPTION_CANCELLED)
		bad |= put_time(o, s, "nextChargeDate");
	bad |= put_time(o, s, "deactivateTime");
	bad |= put_time(o, s, "expireAt");
	bad |= put_time(o, s, "endTime");
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int answer(json_t **result, numbering_subscription *s, int rc)
{
	if (rc == NUMBERING_OK && (*result = subscription_json(s)) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_subscription_free(s);
	return rc;
}

int numbering__json_get_subscription(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	static const struct numbering__json_field fields[1] = {{"name", "name"}};
	json_t *f[1];
	const char *name = "";
	int rc = numbering__json_fields(f, request, fields, 1, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&name, f[0], "name");
	numbering_subscription *s = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_get_subscription(&s, store, caller, name);
	return answer(result, s, rc);
}

int numbering__json_list_subscriptions(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	const char *parent, *token;
	int32_t page_size;
	int rc = numbering__json_list_request(&parent, &page_size, &token, request);
	numbering_subscription_page *page = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_list_subscriptions(&page, store, caller, parent, page_size, token);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	for (int i = 0; items != NULL && i < numbering_subscription_page_count(page); i++)
		if (json_array_append_new(items, subscription_json(numbering_subscription_page_item(page, i))) != 0) {
			json_decref(items);
			items = NULL;
		}
	if (items == NULL || (*result = json_pack("{s:o, s:s}", "subscriptions", items, "nextPageToken",
	                                          numbering_subscription_page_next_token(page))) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_subscription_page_free(page);
	return rc;
}

int numbering__json_update_subscription(json_t **result, numbering_store *store, const char *caller,
                                        json_t *request)
{
	enum { NAME, SUBSCRIPTION, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[NAME] = {"name", "name"},
		[SUBSCRIPTION] = {"subscription", "subscription"},
	};
	static const struct numbering__json_field changes[1] = {{"autoCharge", "auto_charge"}};
	json_t *f[COUNT], *c[1] = {NULL};
	const char *name = "";
	int auto_charge = -1;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&name, f[NAME], "name");
	if (rc == NUMBERING_OK && f[SUBSCRIPTION] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "subscription",
		                            "subscription is required: {\"autoCharge\": true or false}");
	if (rc == NUMBERING_OK)
		rc = numbering__json_object(f[SUBSCRIPTION], "subscription");
	if (rc == NUMBERING_OK)
		rc = numbering__json_fields(c, f[SUBSCRIPTION], changes, 1, "subscription");
	if (rc == NUMBERING_OK)
		rc = numbering__json_bool(&auto_charge, c[0], "subscription.autoCharge");
	if (rc == NUMBERING_OK && auto_charge < 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "subscription.autoCharge",
		                            "subscription.autoCharge is required: the update sets nothing else");
	numbering_subscription *s = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_set_subscription_auto_charge(&s, store, caller, name, auto_charge);
	return answer(result, s, rc);
}

int numbering__json_run_billing(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	int rc = numbering__json_fields(NULL, request, NULL, 0, "");
	numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
	if (rc == NUMBERING_OK)
		rc = numbering_store_run_billing(&r, store, caller);
	if (rc == NUMBERING_OK &&
	    (*result = json_pack("{s:I, s:I, s:I, s:I}", "charged", (json_int_t)r.charged, "deactivated",
	                         (json_int_t)r.deactivated, "reactivated", (json_int_t)r.reactivated, "cancelled",
	                         (json_int_t)r.cancelled)) == NULL)
		rc = numbering__sinch_out_of_memory();
	return rc;
}
