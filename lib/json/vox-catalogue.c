/*
 * The Voximplant seed's catalogue methods on the JSON entry point (lib/json/call.c):
 * GetPhoneNumberCategories, GetPhoneNumberCountryStates, GetPhoneNumberRegions,
 * GetActualPhoneNumberRegion and GetNewPhoneNumbers, over numbering/catalogue.h.
 * Parameters are read with json/vox-params.h (the seed's snake_case names, every bad
 * value INVALID_ARGUMENT naming it); answers are the seed's {"result": ...}, with
 * count and total_count for GetNewPhoneNumbers. docs/VOXIMPLANT.md describes them.
 *
 * A number without a categoryName is not in this catalogue: every method but
 * GetPhoneNumberCategories names a category, and Voximplant's numbers all have one.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "json/json.h"
#include "json/vox-catalogue.h"
#include "json/vox-params.h"
#include "model/iso.h"
#include "numbering/catalogue.h"
#include "numbering/e164.h"
#include "numbering/money.h"

/* Bytes of a category, state or region name the catalogue reads (the attributes' limit). */
#define NAME_MAX_BYTES 256

/* The country's name in @locale: iso-codes' English short name, or its Russian
 * translation (model/iso-ru.c) when there is one. */
static const char *country_name(const char *code, int locale)
{
	const char *name = NULL;
	if (locale == NUMBERING__VOX_LOCALE_RU && (name = numbering__iso_region_name_ru(code)) != NULL)
		return name;
	if (numbering_region_name(&name, code) != NUMBERING_OK)
		return code;
	return name;
}

/* The state's name: ISO 3166-2's name of "CC-STATE" (model/iso-subdivisions.c), or the
 * state code when the standard has none. */
static const char *state_name(const char *country, const char *state)
{
	const char *name = numbering__iso_subdivision_name(country, state);
	return name != NULL ? name : state;
}

/* A price of row @i, or JSON null when the number has none. */
static json_t *price(const numbering_catalogue *c, int i, int monthly)
{
	const char *currency = NULL;
	int64_t minor = 0;
	if (numbering_catalogue_price(c, i, monthly, &currency, &minor) != NUMBERING_OK) {
		numbering_error_clear();
		return json_null();
	}
	return numbering__vox_price_json(currency, minor);
}

static const char *currency_of(const numbering_catalogue *c, int i)
{
	const char *currency = NULL;
	int64_t minor = 0;
	if (numbering_catalogue_price(c, i, 1, &currency, &minor) != NUMBERING_OK &&
	    numbering_catalogue_price(c, i, 0, &currency, &minor) != NUMBERING_OK) {
		numbering_error_clear();
		return NULL;
	}
	return currency;
}

/* The shared parameters of a catalogue request. */
struct request {
	char project[NUMBERING__VOX_PROJECT_SIZE];
	const char *country_code;
	const char *category;
	const char *state;
	int64_t region_id;
	const char *region_name;
	const char *region_code;
	int locale;
	int omit_empty;
	int64_t count, offset;
};

/* The common readers, by name: each method gives the values of its own fields. */
static int read_common(struct request *r, json_t *account, json_t *country, json_t *category, json_t *state,
                       json_t *locale)
{
	int rc = numbering__vox_account(r->project, account);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r->country_code, country, "country_code", 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r->category, category, "phone_category_name", NAME_MAX_BYTES);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r->state, state, "country_state", NAME_MAX_BYTES);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_locale(&r->locale, locale);
	return rc;
}

static int require(const char *value, const char *name)
{
	return value == NULL ? numbering__vox_required(name) : NUMBERING_OK;
}

/* The query of @r, for one country. */
static void query_of(numbering_catalogue_query *q, const struct request *r, const char **countries)
{
	numbering_catalogue_query init = NUMBERING_CATALOGUE_QUERY_INIT;
	*q = init;
	countries[0] = r->country_code;
	q->country_codes = countries;
	q->country_code_count = r->country_code != NULL ? 1 : 0;
	q->category_name = r->category;
	q->country_state = r->state;
	q->region_id = r->region_id;
	q->region_name = r->region_name;
	q->region_code = r->region_code;
	q->include_empty = !r->omit_empty;
}

/* What the methods on one category's regions or numbers require of @r. */
static int require_country_and_category(const struct request *r)
{
	int rc = require(r->country_code, "country_code");
	if (rc == NUMBERING_OK)
		rc = require(r->category, "phone_category_name");
	return rc;
}

/* The catalogue's regions that @r asks for. */
static int catalogue_regions(numbering_catalogue **c, numbering_store *store, const char *caller,
                             const struct request *r)
{
	numbering_catalogue_query q;
	const char *countries[1];
	query_of(&q, r, countries);
	return numbering_store_catalogue_regions(c, store, caller, r->project, &q);
}

/* ---- GetPhoneNumberCategories ---- */

int numbering__json_vox_get_categories(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, COUNTRY, LOCALE, SANDBOX, COUNT };
	static const char *const names[COUNT] = {"account_id", "country_code", "locale", "sandbox"};
	json_t *f[COUNT];
	struct request r;
	memset(&r, 0, sizeof(r));
	struct numbering__vox_list countries = NUMBERING__VOX_LIST_INIT;
	int sandbox = NUMBERING__VOX_SANDBOX_ALL;
	int rc = numbering__vox_fields(f, request, names, COUNT);
	if (rc == NUMBERING_OK)
		rc = read_common(&r, f[ACCOUNT], NULL, NULL, NULL, f[LOCALE]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&countries, f[COUNTRY], "country_code", 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_sandbox(&sandbox, f[SANDBOX]);
	numbering_catalogue *c = NULL;
	if (rc == NUMBERING_OK) {
		numbering_catalogue_query q = NUMBERING_CATALOGUE_QUERY_INIT;
		q.country_codes = countries.texts;
		q.country_code_count = (int)countries.count;
		q.sandbox = sandbox == NUMBERING__VOX_SANDBOX_TRUE    ? NUMBERING_SANDBOX_ONLY
		            : sandbox == NUMBERING__VOX_SANDBOX_FALSE ? NUMBERING_SANDBOX_NONE
		                                                      : NUMBERING_SANDBOX_ALL;
		rc = numbering_store_catalogue_regions(&c, store, caller, r.project, &q);
	}
	numbering__vox_list_free(&countries);
	if (rc != NUMBERING_OK)
		return rc;
	/* Rows come by country, then category: one entry per country, one category each. */
	json_t *items = json_array(), *entry = NULL, *categories = NULL;
	const char *last_country = "", *last_category = NULL;
	for (int i = 0; items != NULL && i < numbering_catalogue_count(c); i++) {
		const char *country = numbering_catalogue_country_code(c, i);
		const char *category = numbering_catalogue_category_name(c, i);
		if (category[0] == '\0')
			continue;
		if (strcmp(country, last_country) != 0) {
			char prefix[8];
			snprintf(prefix, sizeof(prefix), "%d", numbering_e164_region_country_code(country));
			categories = json_array();
			entry = categories == NULL ? NULL
			                           : json_pack("{s:s, s:s, s:b, s:s, s:o}", "country_code", country, "phone_prefix",
			                                       prefix, "can_list_phone_numbers", 1, "localized_country_name",
			                                       country_name(country, r.locale), "phone_categories", categories);
			if (entry == NULL || json_array_append_new(items, entry) != 0) {
				json_decref(items);
				items = NULL;
				break;
			}
			last_country = country;
			last_category = NULL;
		}
		if (last_category != NULL && strcmp(category, last_category) == 0)
			continue;
		json_t *o = json_pack("{s:s, s:b}", "phone_category_name", category, "country_has_states",
		                      numbering_catalogue_has_states(c, i));
		if (o == NULL || json_array_append_new(categories, o) != 0) {
			json_decref(items);
			items = NULL;
		}
		last_category = category;
	}
	numbering_catalogue_free(c);
	return numbering__vox_result(result, items);
}

/* ---- GetPhoneNumberCountryStates ---- */

int numbering__json_vox_get_country_states(json_t **result, numbering_store *store, const char *caller,
                                           json_t *request)
{
	enum { ACCOUNT, COUNTRY, CATEGORY, STATE, COUNT };
	static const char *const names[COUNT] = {"account_id", "country_code", "phone_category_name", "country_state"};
	json_t *f[COUNT];
	struct request r;
	memset(&r, 0, sizeof(r));
	r.omit_empty = 1;
	int rc = numbering__vox_fields(f, request, names, COUNT);
	if (rc == NUMBERING_OK)
		rc = read_common(&r, f[ACCOUNT], f[COUNTRY], f[CATEGORY], f[STATE], NULL);
	if (rc == NUMBERING_OK)
		rc = require_country_and_category(&r);
	numbering_catalogue *c = NULL;
	if (rc == NUMBERING_OK)
		rc = catalogue_regions(&c, store, caller, &r);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	const char *last = NULL;
	for (int i = 0; items != NULL && i < numbering_catalogue_count(c); i++) {
		const char *state = numbering_catalogue_country_state(c, i);
		if (state[0] == '\0' || (last != NULL && strcmp(state, last) == 0))
			continue;
		last = state;
		json_t *o = json_pack("{s:s, s:s}", "country_state", state, "country_state_name",
		                      state_name(r.country_code, state));
		if (o == NULL || json_array_append_new(items, o) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	numbering_catalogue_free(c);
	return numbering__vox_result(result, items);
}

/* ---- GetPhoneNumberRegions, GetActualPhoneNumberRegion ---- */

static json_t *region_json(const numbering_catalogue *c, int i, int locale)
{
	char period[NUMBERING__VOX_PERIOD_SIZE];
	const char *country = numbering_catalogue_country_code(c, i);
	const char *state = numbering_catalogue_country_state(c, i);
	const char *currency = currency_of(c, i);
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:s, s:b, s:s, s:s}", "phone_region_id",
	                      (json_int_t)numbering_catalogue_region_id(c, i), "phone_region_name",
	                      numbering_catalogue_region_name(c, i), "phone_region_code",
	                      numbering_catalogue_region_code(c, i), "phone_count",
	                      (json_int_t)numbering_catalogue_phone_count(c, i), "phone_price", price(c, i, 1),
	                      "phone_installation_price", price(c, i, 0), "phone_period",
	                      numbering__vox_format_period(period, numbering_catalogue_payment_interval_months(c, i)),
	                      "is_need_regulation_address", numbering_catalogue_documents_required(c, i),
	                      "localized_country_name", country_name(country, locale), "phone_category_name",
	                      numbering_catalogue_category_name(c, i));
	if (o != NULL && state[0] != '\0' && json_object_set_new(o, "country_state", json_string(state)) != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o != NULL && currency != NULL && json_object_set_new(o, "local_currency", json_string(currency)) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static int regions(json_t **result, numbering_store *store, const char *caller, json_t *request, int actual)
{
	enum { ACCOUNT, COUNTRY, CATEGORY, STATE, LOCALE, REGION_ID, OMIT_EMPTY, REGION_CODE, REGION_NAME, COUNT };
	static const char *const names[COUNT] = {
		"account_id", "country_code",    "phone_category_name", "country_state",    "locale",
		"phone_region_id", "omit_empty", "phone_region_code",   "phone_region_name",
	};
	/* GetActualPhoneNumberRegion takes the first seven but omit_empty. */
	json_t *f[COUNT];
	struct request r;
	memset(&r, 0, sizeof(r));
	r.omit_empty = 1;
	int rc = numbering__vox_fields(f, request, names, actual ? REGION_ID + 1 : COUNT);
	if (actual)
		f[OMIT_EMPTY] = f[REGION_CODE] = f[REGION_NAME] = NULL;
	if (rc == NUMBERING_OK)
		rc = read_common(&r, f[ACCOUNT], f[COUNTRY], f[CATEGORY], f[STATE], f[LOCALE]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&r.region_id, f[REGION_ID], "phone_region_id", 1, INT64_MAX / 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&r.omit_empty, f[OMIT_EMPTY], "omit_empty");
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r.region_code, f[REGION_CODE], "phone_region_code", 15);
	if (rc == NUMBERING_OK && r.region_code != NULL && strspn(r.region_code, "0123456789") != strlen(r.region_code))
		rc = numbering__vox_invalid("phone_region_code", r.region_code, strlen(r.region_code),
		                            "is not a phone prefix (digits)");
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r.region_name, f[REGION_NAME], "phone_region_name", NAME_MAX_BYTES);
	if (rc == NUMBERING_OK)
		rc = require_country_and_category(&r);
	if (rc == NUMBERING_OK && actual && r.region_id == 0)
		rc = numbering__vox_required("phone_region_id");
	if (actual)
		r.omit_empty = 0; /* the region as it is now, stock or none */
	numbering_catalogue *c = NULL;
	if (rc == NUMBERING_OK)
		rc = catalogue_regions(&c, store, caller, &r);
	if (rc != NUMBERING_OK)
		return rc;
	if (actual) {
		if (numbering_catalogue_count(c) == 0) {
			numbering_catalogue_free(c);
			return numbering__error_field(NUMBERING_NOT_FOUND, "phone_region_id",
			                              "no region %lld of category \"%s\" in %s", (long long)r.region_id,
			                              r.category, r.country_code);
		}
		json_t *o = region_json(c, 0, r.locale);
		numbering_catalogue_free(c);
		return numbering__vox_result(result, o);
	}
	json_t *items = json_array();
	for (int i = 0; items != NULL && i < numbering_catalogue_count(c); i++) {
		json_t *o = region_json(c, i, r.locale);
		if (o == NULL || json_array_append_new(items, o) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	numbering_catalogue_free(c);
	return numbering__vox_result(result, items);
}

int numbering__json_vox_get_regions(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return regions(result, store, caller, request, 0);
}

int numbering__json_vox_get_actual_region(json_t **result, numbering_store *store, const char *caller,
                                          json_t *request)
{
	return regions(result, store, caller, request, 1);
}

/* ---- GetNewPhoneNumbers ---- */

int numbering__json_vox_get_new_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, COUNTRY, STATE, CATEGORY, REGION_ID, COUNT_, OFFSET, COUNT };
	static const char *const names[COUNT] = {"account_id",      "country_code", "country_state", "phone_category_name",
	                                         "phone_region_id", "count",        "offset"};
	json_t *f[COUNT];
	struct request r;
	memset(&r, 0, sizeof(r));
	r.omit_empty = 1;
	r.count = 20;
	r.offset = 0;
	int rc = numbering__vox_fields(f, request, names, COUNT);
	if (rc == NUMBERING_OK)
		rc = read_common(&r, f[ACCOUNT], f[COUNTRY], f[CATEGORY], f[STATE], NULL);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&r.region_id, f[REGION_ID], "phone_region_id", 1, INT64_MAX / 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_count(&r.count, f[COUNT_]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_offset(&r.offset, f[OFFSET]);
	if (rc == NUMBERING_OK)
		rc = require_country_and_category(&r);
	if (rc == NUMBERING_OK && r.region_id == 0)
		rc = numbering__vox_required("phone_region_id");
	numbering_catalogue *c = NULL;
	int64_t total = 0;
	if (rc == NUMBERING_OK) {
		numbering_catalogue_query q;
		const char *countries[1];
		query_of(&q, &r, countries);
		rc = numbering_store_catalogue_numbers(&c, &total, store, caller, r.project, &q, r.offset, (int)r.count);
	}
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	for (int i = 0; items != NULL && i < numbering_catalogue_count(c); i++) {
		char period[NUMBERING__VOX_PERIOD_SIZE];
		json_t *o = json_pack("{s:s, s:o, s:o, s:s}", "phone_number", numbering_catalogue_phone_number(c, i),
		                      "phone_price", price(c, i, 1), "phone_installation_price", price(c, i, 0),
		                      "phone_period",
		                      numbering__vox_format_period(period, numbering_catalogue_payment_interval_months(c, i)));
		if (o == NULL || json_array_append_new(items, o) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	numbering_catalogue_free(c);
	return numbering__vox_page(result, items, total);
}
