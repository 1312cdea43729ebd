/* Voximplant AttachPhoneNumber, DeactivatePhoneNumber and the host's VerifyPhoneNumber
 * (numbering/phone.h, "Attach and deactivate"): all or nothing when stock or balance is
 * short, the purchases, charges and subscriptions made, the verification hold
 * (REQUIRED -> IN_PROGRESS -> VERIFIED, and its expiry at a test clock), deactivation
 * back to stock, 'all', another account's ids, and every bad input changing nothing;
 * over the memory and the file backend. The ledger invariant (tests/ledger-invariant.h)
 * is checked after every call. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/phone.h>
#include <numbering/sys/file.h>

#include "core/rwlock.h"
#include "ledger-invariant.h"
#include "model/validate.h"
#include "service/phone.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"
#include "top-up.h"

#define NS INT64_C(1000000000)
#define P1 "projects/1001"
#define P2 "projects/1002"
#define HOST "host:verifier"
#define HOLD_SECONDS 3600

static numbering_store *store;
static int64_t clock_now;
static char path[TEMP_PATH_MAX];
static int on_file;

static void open_store(int file)
{
	on_file = file;
	clock_now = FIXTURE_EPOCH;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_tick;
	options.clock_payload = &clock_now;
	options.unverified_hold_seconds = HOLD_SECONDS;
	fixture_case_path(path, sizeof(path), file, "vox-attach");
	options.backend = file ? fixture_file_backend(path, 0) : NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "%s", numbering_error_message());
}

static void setup_memory(void)
{
	open_store(0);
}

static void setup_file(void)
{
	open_store(1);
}

static void teardown(void)
{
	fixture_close_store(&store, path);
}

/* After every call: the ledger invariant of both accounts; the call's code and message
 * kept for the test. */
static char last_message[1024], last_field[128];

static int checked(int rc)
{
	snprintf(last_message, sizeof(last_message), "%s", numbering_error_message());
	snprintf(last_field, sizeof(last_field), "%s",
	         numbering_error_violation_count() > 0 ? numbering_error_violation_field(0) : "");
	ledger_check(store, NULL, P1, 0, NULL);
	ledger_check(store, NULL, P2, 2, NULL);
	return rc;
}

static void expect(int rc, int code, const char *field, const char *text)
{
	ck_assert_msg(rc == code, "code %d, wanted %d: %s", rc, code, last_message);
	if (field != NULL)
		ck_assert_msg(strcmp(last_field, field) == 0, "field \"%s\", wanted \"%s\": %s", last_field, field,
		              last_message);
	if (text != NULL)
		ck_assert_msg(strstr(last_message, text) != NULL, "\"%s\" not in: %s", text, last_message);
}

/* Imports @text with Voximplant's attributes: US, @category, region id @region_id,
 * state @state, USD 1.00 setup + 2.00 a month, @docs. */
static void import_vox(const char *text, const char *category, int64_t region_id, const char *state, int docs)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", docs), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "categoryName", category), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "regionId", region_id), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "regionName", "Washington"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "region", state), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_msg(numbering_store_import_available(NULL, store, NULL, items, 1) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_available_number_free(n);
}

/* The usual stock: +12025550100..109 GEOGRAPHIC region 1 DC; +12025550200..204 MOBILE
 * region 1 DC; +12025550300..304 GEOGRAPHIC region 2 DC; +13105550100..104 GEOGRAPHIC
 * region 1 CA; and, needing documents, +12025550400..404 GEOGRAPHIC region 3 DC. */
static void import_stock(void)
{
	import_vox("+12025550100-09", "GEOGRAPHIC", 1, "DC", 0);
	import_vox("+12025550200-04", "MOBILE", 1, "DC", 0);
	import_vox("+12025550300-04", "GEOGRAPHIC", 2, "DC", 0);
	import_vox("+13105550100-04", "GEOGRAPHIC", 1, "CA", 0);
	import_vox("+12025550400-04", "GEOGRAPHIC", 3, "DC", 1);
}

static int in_stock(const char *number)
{
	numbering_available_number *n = NULL;
	int rc = numbering_store_get_available(&n, store, NULL, P1, number);
	numbering_available_number_free(n);
	return rc == NUMBERING_OK;
}

static int64_t entries_of(const char *project)
{
	int64_t balance = 0, reserved = 0, entries = 0;
	account_state(store, project, &balance, &reserved, &entries);
	return entries;
}

static void balance_of(const char *project, int64_t *balance, int64_t *reserved)
{
	int64_t entries = 0;
	account_state(store, project, balance, reserved, &entries);
}

static int attach_count(numbering_attached **out, const char *project, int64_t count, int64_t region,
                        const char *state)
{
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = region;
	r.country_state = state;
	r.phone_count = count;
	return checked(numbering_store_attach_phone_numbers(out, store, NULL, project, &r));
}

static int attach_list(numbering_attached **out, const char *project, const char *const *numbers, int count,
                       int64_t region)
{
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = region;
	r.phone_numbers = numbers;
	r.phone_number_count = count;
	return checked(numbering_store_attach_phone_numbers(out, store, NULL, project, &r));
}

static numbering_instance *instance_of(const char *name)
{
	numbering_instance *in = NULL;
	ck_assert_msg(numbering_store_get(&in, store, NULL, name) == NUMBERING_OK, "%s", numbering_error_message());
	return in;
}

static int state_of(const char *name)
{
	numbering_instance *in = instance_of(name);
	int state = numbering_instance_lifecycle_state(in);
	numbering_instance_free(in);
	return state;
}

/* The subscription of the instance @name ("{project}/subscriptions/{instance id}"). */
static int subscription_state(const char *name)
{
	char sub[256];
	const char *id = strrchr(name, '/') + 1;
	int plen = (int)(strstr(name, "/phoneNumberInstances/") - name);
	snprintf(sub, sizeof(sub), "%.*s/subscriptions/%s", plen, name, id);
	numbering_subscription *s = NULL;
	int rc = numbering_store_get_subscription(&s, store, NULL, sub);
	int state = rc == NUMBERING_OK ? (int)numbering_subscription_int(s, "state") : 0;
	numbering_subscription_free(s);
	return state;
}

/* The PHONE state of the instance @name. */
static void phone_of(struct numbering__phone *p, const char *name)
{
	numbering_instance *in = instance_of(name);
	memset(p, 0, sizeof(*p));
	numbering__rwlock_wrlock(&store->lock);
	int rc = numbering__phone_load(p, store, in);
	numbering__rwlock_wrunlock(&store->lock);
	numbering_instance_free(in);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
}

/* The purchase of @project for the number @number: its status and statusDetails. */
static int purchase_status(const char *project, const char *number, char *details, size_t size)
{
	numbering_purchase_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, project, 0, 100, NULL), NUMBERING_OK);
	int status = 0;
	for (int i = 0; i < numbering_purchase_page_count(page); i++) {
		const numbering_purchase *p = numbering_purchase_page_item(page, i);
		if (strcmp(numbering_purchase_text(p, "phoneNumber"), number) == 0) {
			status = (int)numbering_purchase_int(p, "status");
			if (details != NULL)
				snprintf(details, size, "%s", numbering_purchase_text(p, "statusDetails"));
			break; /* newest first */
		}
	}
	numbering_purchase_page_free(page);
	return status;
}

static int call(char **response, const char *caller, const char *method, const char *request)
{
	*response = NULL;
	return checked(numbering_store_call_json(response, store, caller, method, request));
}

/* ---- Attach ---- */

START_TEST(attach_by_count_takes_the_lowest_matching_numbers_and_pays)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 3, 1, "DC"), NUMBERING_OK, NULL, NULL);
	ck_assert_int_eq(numbering_attached_count(a), 3);
	const char *want[] = {"+12025550100", "+12025550101", "+12025550102"};
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(numbering_attached_phone_number(a, i), want[i]);
		ck_assert_int_gt(numbering_attached_phone_id(a, i), 0);
		for (int j = 0; j < i; j++)
			ck_assert_int_ne(numbering_attached_phone_id(a, i), numbering_attached_phone_id(a, j));
		ck_assert_int_eq(numbering_attached_verification_status(a, i), NUMBERING_VERIFICATION_NONE);
		ck_assert_int_eq(numbering_attached_unverified_hold_until(a, i), 0);
		const char *name = numbering_attached_instance(a, i);
		ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_ACTIVE);
		ck_assert_int_eq(subscription_state(name), NUMBERING_SUBSCRIPTION_ACTIVE);
		ck_assert(!in_stock(want[i]));
		ck_assert_int_eq(purchase_status(P1, want[i], NULL, 0), NUMBERING_PURCHASE_COMPLETED);
	}
	ck_assert(in_stock("+12025550103"));
	/* top-up and three purchases of USD 3.00 (setup 1.00 + the first month 2.00) */
	int64_t balance = 0, reserved = 0;
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(balance, 10000 - 900);
	ck_assert_int_eq(reserved, 0);
	ck_assert_int_eq(entries_of(P1), 4);
	ck_assert_int_eq(numbering_attached_count(NULL), 0);
	ck_assert_str_eq(numbering_attached_phone_number(a, 3), "");
	ck_assert_int_eq(numbering_attached_phone_id(a, -1), 0);
	numbering_attached_free(a);
	numbering_attached_free(NULL);
	/* Without a state: region 1 GEOGRAPHIC is DC's and CA's; the lowest first. */
	expect(attach_count(&a, P1, 8, 1, NULL), NUMBERING_OK, NULL, NULL);
	ck_assert_str_eq(numbering_attached_phone_number(a, 0), "+12025550103");
	ck_assert_str_eq(numbering_attached_phone_number(a, 6), "+12025550109");
	ck_assert_str_eq(numbering_attached_phone_number(a, 7), "+13105550100");
	numbering_attached_free(a);
}
END_TEST

START_TEST(attach_is_all_or_nothing_when_stock_is_short)
{
	import_stock();
	top_up(store, P1, "USD", 100000);
	int64_t entries = entries_of(P1);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 11, 1, "DC"), NUMBERING_FAILED_PRECONDITION, "phone_count", "only 10 numbers");
	ck_assert_ptr_null(a);
	ck_assert(strstr(last_message, "phone_count 11") != NULL);
	ck_assert_int_eq(entries_of(P1), entries);
	for (int i = 0; i < 10; i++) {
		char number[16];
		snprintf(number, sizeof(number), "+120255501%02d", i);
		ck_assert_msg(in_stock(number), "%s left the inventory", number);
	}
	/* A region without numbers: 0 available. */
	expect(attach_count(&a, P1, 1, 9, NULL), NUMBERING_FAILED_PRECONDITION, "phone_count", "only 0 numbers");
	/* Another account's reservation hides its numbers. */
	const char *held[] = {"+12025550300", "+12025550301", "+12025550302", "+12025550303"};
	numbering_reservation *res = NULL;
	numbering_reservation_request rr = NUMBERING_RESERVATION_REQUEST_INIT;
	rr.phone_numbers = held;
	rr.phone_number_count = 4;
	ck_assert_msg(numbering_store_reserve_available(&res, store, NULL, P2, &rr) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_reservation_free(res);
	expect(attach_count(&a, P1, 2, 2, "DC"), NUMBERING_FAILED_PRECONDITION, "phone_count", "only 1 numbers");
	ck_assert_int_eq(entries_of(P1), entries);
}
END_TEST

START_TEST(attach_is_all_or_nothing_when_the_balance_is_short)
{
	import_stock();
	top_up(store, P1, "USD", 500); /* two numbers cost 6.00 */
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 2, 1, "DC"), NUMBERING_FAILED_PRECONDITION, "account_id", "needed USD 6.00");
	ck_assert(strstr(last_message, "available USD 5.00") != NULL);
	ck_assert_ptr_null(a);
	ck_assert(in_stock("+12025550100"));
	ck_assert(in_stock("+12025550101"));
	ck_assert_int_eq(entries_of(P1), 1);
	/* No account at all */
	expect(attach_count(&a, P2, 1, 1, "DC"), NUMBERING_FAILED_PRECONDITION, "account_id", "insufficient balance");
	/* One number it can pay */
	expect(attach_count(&a, P1, 1, 1, "DC"), NUMBERING_OK, NULL, NULL);
	numbering_attached_free(a);
	int64_t balance = 0, reserved = 0;
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(balance, 200);
}
END_TEST

START_TEST(attach_listed_numbers_must_all_match_and_be_available)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	const char *two[] = {"+12025550107", "+12025550105"};
	expect(attach_list(&a, P1, two, 2, 1), NUMBERING_OK, NULL, NULL);
	ck_assert_int_eq(numbering_attached_count(a), 2);
	ck_assert_str_eq(numbering_attached_phone_number(a, 0), "+12025550107");
	ck_assert_str_eq(numbering_attached_phone_number(a, 1), "+12025550105");
	numbering_attached_free(a);
	int64_t entries = entries_of(P1);
	/* One of another category: nothing attached, the first one stays in stock. */
	const char *category[] = {"+12025550100", "+12025550200"};
	expect(attach_list(&a, P1, category, 2, 1), NUMBERING_INVALID_ARGUMENT, "phone_category_name", "+12025550200");
	const char *region[] = {"+12025550100", "+12025550300"};
	expect(attach_list(&a, P1, region, 2, 1), NUMBERING_INVALID_ARGUMENT, "phone_region_id", "region 2");
	const char *taken[] = {"+12025550100", "+12025550105"};
	expect(attach_list(&a, P1, taken, 2, 1), NUMBERING_NOT_FOUND, "phone_number", "+12025550105 is not available");
	const char *twice[] = {"+12025550100", "+12025550100"};
	expect(attach_list(&a, P1, twice, 2, 1), NUMBERING_INVALID_ARGUMENT, "phone_number", "twice");
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = 1;
	r.country_state = "CA";
	r.phone_numbers = category;
	r.phone_number_count = 1;
	expect(checked(numbering_store_attach_phone_numbers(&a, store, NULL, P1, &r)), NUMBERING_INVALID_ARGUMENT,
	       "country_state", "\"DC\"");
	r.country_state = NULL;
	r.country_code = "CA";
	expect(checked(numbering_store_attach_phone_numbers(&a, store, NULL, P1, &r)), NUMBERING_INVALID_ARGUMENT,
	       "country_code", NULL);
	ck_assert(in_stock("+12025550100"));
	ck_assert_int_eq(entries_of(P1), entries);
}
END_TEST

START_TEST(attach_bad_input_names_the_parameter_and_changes_nothing)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	const char *one[] = {"+12025550100"};
	const char *bad_number[] = {"+1202555010x"};
	const char *empty[] = {""};
	struct {
		const char *cc, *category, *state;
		int64_t region, count, address;
		const char *const *numbers;
		int number_count;
		const char *field;
	} cases[] = {
	    {NULL, "GEOGRAPHIC", NULL, 1, 1, 0, NULL, 0, "country_code"},
	    {"usa", "GEOGRAPHIC", NULL, 1, 1, 0, NULL, 0, "country_code"},
	    {"US", NULL, NULL, 1, 1, 0, NULL, 0, "phone_category_name"},
	    {"US", "GEO\x01", NULL, 1, 1, 0, NULL, 0, "phone_category_name"},
	    {"US", "GEOGRAPHIC", "\xff", 1, 1, 0, NULL, 0, "country_state"},
	    {"US", "GEOGRAPHIC", NULL, 0, 1, 0, NULL, 0, "phone_region_id"},
	    {"US", "GEOGRAPHIC", NULL, -3, 1, 0, NULL, 0, "phone_region_id"},
	    {"US", "GEOGRAPHIC", NULL, 1, 0, 0, NULL, 0, "phone_count"},
	    {"US", "GEOGRAPHIC", NULL, 1, -1, 0, NULL, 0, "phone_count"},
	    {"US", "GEOGRAPHIC", NULL, 1, NUMBERING_ATTACH_COUNT_MAX + 1, 0, NULL, 0, "phone_count"},
	    {"US", "GEOGRAPHIC", NULL, 1, 1, 0, one, 1, "phone_count"},
	    {"US", "GEOGRAPHIC", NULL, 1, 0, 0, one, 0, "phone_number"},
	    {"US", "GEOGRAPHIC", NULL, 1, 0, 0, bad_number, 1, "phone_number"},
	    {"US", "GEOGRAPHIC", NULL, 1, 0, 0, empty, 1, "phone_number"},
	    {"US", "GEOGRAPHIC", NULL, 1, 1, -1, NULL, 0, "regulation_address_id"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
		r.country_code = cases[i].cc;
		r.phone_category_name = cases[i].category;
		r.country_state = cases[i].state;
		r.phone_region_id = cases[i].region;
		r.phone_count = cases[i].count;
		r.regulation_address_id = cases[i].address;
		r.phone_numbers = cases[i].numbers;
		r.phone_number_count = cases[i].number_count;
		numbering_attached *a = (numbering_attached *)1;
		int rc = checked(numbering_store_attach_phone_numbers(&a, store, NULL, P1, &r));
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT && strcmp(last_field, cases[i].field) == 0,
		              "case %zu: %d field \"%s\": %s", i, rc, last_field, last_message);
		ck_assert_ptr_null(a);
	}
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	numbering_attached *a = NULL;
	r.version = 2;
	expect(checked(numbering_store_attach_phone_numbers(&a, store, NULL, P1, &r)), NUMBERING_INVALID_ARGUMENT,
	       "version", NULL);
	expect(checked(numbering_store_attach_phone_numbers(&a, store, NULL, P1, NULL)), NUMBERING_INVALID_ARGUMENT,
	       "request", NULL);
	expect(checked(numbering_store_attach_phone_numbers(&a, store, NULL, "nonsense", &r)),
	       NUMBERING_INVALID_ARGUMENT, "account_id", NULL);
	expect(checked(numbering_store_attach_phone_numbers(NULL, store, NULL, P1, &r)), NUMBERING_INVALID_ARGUMENT,
	       NULL, NULL);
	expect(checked(numbering_store_attach_phone_numbers(&a, NULL, NULL, P1, &r)), NUMBERING_INVALID_ARGUMENT, NULL,
	       NULL);
	ck_assert_int_eq(numbering_attach_request_init(NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_attach_request_init(&r), NUMBERING_OK);
	ck_assert_int_eq(r.version, NUMBERING_ATTACH_REQUEST_VERSION);
	ck_assert_int_eq(entries_of(P1), 1);
	ck_assert(in_stock("+12025550100"));
}
END_TEST

START_TEST(attach_stores_the_regulation_address)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = 1;
	r.phone_count = 1;
	r.regulation_address_id = 77;
	numbering_attached *a = NULL;
	expect(checked(numbering_store_attach_phone_numbers(&a, store, NULL, P1, &r)), NUMBERING_OK, NULL, NULL);
	struct numbering__phone p;
	phone_of(&p, numbering_attached_instance(a, 0));
	ck_assert_int_eq(p.regulation_address_id, 77);
	ck_assert_int_eq(p.verification_status, NUMBERING_VERIFICATION_NONE);
	ck_assert_int_eq(p.phone_id, numbering_attached_phone_id(a, 0));
	numbering__phone_clear(&p);
	numbering_attached_free(a);
}
END_TEST

/* ---- Verification ---- */

START_TEST(a_number_needing_documents_waits_for_verification)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 2, 3, NULL), NUMBERING_OK, NULL, NULL);
	const char *name = numbering_attached_instance(a, 0);
	const char *number = numbering_attached_phone_number(a, 0);
	int64_t id = numbering_attached_phone_id(a, 0);
	ck_assert_int_eq(numbering_attached_verification_status(a, 0), NUMBERING_VERIFICATION_REQUIRED);
	int64_t hold = numbering_attached_unverified_hold_until(a, 0);
	ck_assert_int_gt(hold, FIXTURE_EPOCH + HOLD_SECONDS * NS);
	ck_assert_int_le(hold, clock_now + HOLD_SECONDS * NS);
	ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(purchase_status(P1, number, NULL, 0), NUMBERING_PURCHASE_PROCESSING);
	ck_assert_int_eq(subscription_state(name), 0); /* none until it is paid */
	int64_t balance = 0, reserved = 0;
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(balance, 10000);
	ck_assert_int_eq(reserved, 600);
	struct numbering__phone p;
	phone_of(&p, name);
	ck_assert_int_eq(p.verification_status, NUMBERING_VERIFICATION_REQUIRED);
	ck_assert_int_eq(p.hold_until, hold);
	numbering__phone_clear(&p);

	/* IN_PROGRESS keeps the hold; then VERIFIED completes the purchase. */
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, id, NULL, NUMBERING_VERIFICATION_IN_PROGRESS,
	                                                   "passport")),
	       NUMBERING_OK, NULL, NULL);
	phone_of(&p, name);
	ck_assert_int_eq(p.verification_status, NUMBERING_VERIFICATION_IN_PROGRESS);
	ck_assert_int_eq(p.hold_until, hold);
	ck_assert_str_eq(p.verification_name, "passport");
	numbering__phone_clear(&p);
	ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_PENDING);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, 0, number, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_OK, NULL, NULL);
	phone_of(&p, name);
	ck_assert_int_eq(p.verification_status, NUMBERING_VERIFICATION_VERIFIED);
	ck_assert_int_eq(p.hold_until, 0);
	ck_assert_str_eq(p.verification_name, "passport");
	numbering__phone_clear(&p);
	ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(purchase_status(P1, number, NULL, 0), NUMBERING_PURCHASE_COMPLETED);
	ck_assert_int_eq(subscription_state(name), NUMBERING_SUBSCRIPTION_ACTIVE);
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(balance, 10000 - 300);
	ck_assert_int_eq(reserved, 300);

	/* Once verified, or never needing it: FAILED_PRECONDITION. */
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, id, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_FAILED_PRECONDITION, "verification_status", "VERIFIED");
	/* The hold's end leaves a verified number alone, and cancels the other. */
	clock_now += (HOLD_SECONDS + 10) * NS;
	int64_t processed = 0;
	ck_assert_int_eq(numbering_store_process_due(&processed, store), NUMBERING_OK);
	ck_assert_int_eq(processed, 1);
	ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(state_of(numbering_attached_instance(a, 1)), NUMBERING_LIFECYCLE_DELETED);
	numbering_attached_free(a);
}
END_TEST

/* Near the last time a store records (2261-12-31T23:59:59.999999999Z), a hold that
 * would end after it ends at it: the attach was INVALID_ARGUMENT naming
 * unverified_hold_until, a field the caller never gave, and attached nothing. */
START_TEST(a_hold_past_the_last_time_ends_at_it)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	clock_now = NUMBERING__TIME_MAX - 600 * NS; /* the hold is an hour */
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 2, 3, NULL), NUMBERING_OK, NULL, NULL);
	ck_assert_int_eq(numbering_attached_verification_status(a, 0), NUMBERING_VERIFICATION_REQUIRED);
	ck_assert_int_eq(numbering_attached_unverified_hold_until(a, 0), NUMBERING__TIME_MAX);
	struct numbering__phone p;
	phone_of(&p, numbering_attached_instance(a, 1));
	ck_assert_int_eq(p.hold_until, NUMBERING__TIME_MAX);
	numbering__phone_clear(&p);
	ck_assert_int_eq(state_of(numbering_attached_instance(a, 0)), NUMBERING_LIFECYCLE_PENDING);
	numbering_attached_free(a);
}
END_TEST

START_TEST(verify_errors)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 1, 1, NULL), NUMBERING_OK, NULL, NULL);
	int64_t plain = numbering_attached_phone_id(a, 0);
	numbering_attached_free(a);
	expect(attach_count(&a, P1, 1, 3, NULL), NUMBERING_OK, NULL, NULL);
	int64_t held = numbering_attached_phone_id(a, 0);
	numbering_attached_free(a);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, plain, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_FAILED_PRECONDITION, "verification_status", "none");
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, held, NULL, NUMBERING_VERIFICATION_REQUIRED,
	                                                   NULL)),
	       NUMBERING_INVALID_ARGUMENT, "verification_status", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, held, "+12025550400",
	                                                   NUMBERING_VERIFICATION_VERIFIED, NULL)),
	       NUMBERING_INVALID_ARGUMENT, "phone_number", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, 0, NULL, NUMBERING_VERIFICATION_VERIFIED, NULL)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, -2, NULL, NUMBERING_VERIFICATION_VERIFIED, NULL)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, 0, "555", NUMBERING_VERIFICATION_VERIFIED, NULL)),
	       NUMBERING_INVALID_ARGUMENT, "phone_number", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, held, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   "\x01")),
	       NUMBERING_INVALID_ARGUMENT, "verification_name", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, "x", held, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_INVALID_ARGUMENT, "account_id", NULL);
	/* Another account's number, and one that does not exist: the same NOT_FOUND. */
	expect(checked(numbering_store_verify_phone_number(store, HOST, P2, held, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_NOT_FOUND, "phone_id", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, 999999, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_NOT_FOUND, "phone_id", NULL);
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, 0, "+12025550409",
	                                                   NUMBERING_VERIFICATION_VERIFIED, NULL)),
	       NUMBERING_NOT_FOUND, "phone_number", NULL);
	expect(checked(numbering_store_verify_phone_number(NULL, HOST, P1, held, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	int64_t balance = 0, reserved = 0;
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(reserved, 300); /* still held, unpaid */
}
END_TEST

START_TEST(the_hold_expiry_cancels_an_unverified_number)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 1, 3, "DC"), NUMBERING_OK, NULL, NULL);
	const char *name = numbering_attached_instance(a, 0);
	const char *number = numbering_attached_phone_number(a, 0);
	int64_t id = numbering_attached_phone_id(a, 0);
	ck_assert(!in_stock(number));
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, id, NULL, NUMBERING_VERIFICATION_IN_PROGRESS,
	                                                   NULL)),
	       NUMBERING_OK, NULL, NULL);
	/* Not yet due */
	int64_t processed = -1;
	ck_assert_int_eq(numbering_store_process_due(&processed, store), NUMBERING_OK);
	ck_assert_int_eq(processed, 0);
	ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_PENDING);
	clock_now += HOLD_SECONDS * NS;
	ck_assert_int_eq(checked(numbering_store_process_due(&processed, store)), NUMBERING_OK);
	ck_assert_int_eq(processed, 1);
	ck_assert_int_eq(state_of(name), NUMBERING_LIFECYCLE_DELETED);
	ck_assert(in_stock(number));
	char details[256];
	ck_assert_int_eq(purchase_status(P1, number, details, sizeof(details)), NUMBERING_PURCHASE_FAILED);
	ck_assert_msg(strstr(details, "hold expired") != NULL, "%s", details);
	int64_t balance = 0, reserved = 0;
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(balance, 10000);
	ck_assert_int_eq(reserved, 0);
	struct numbering__phone p;
	phone_of(&p, name);
	ck_assert_int_eq(p.verification_status, NUMBERING_VERIFICATION_NONE); /* the record is gone */
	numbering__phone_clear(&p);
	/* Verifying it now: NOT_FOUND */
	expect(checked(numbering_store_verify_phone_number(store, HOST, P1, id, NULL, NUMBERING_VERIFICATION_VERIFIED,
	                                                   NULL)),
	       NUMBERING_NOT_FOUND, "phone_id", NULL);
	ck_assert_int_eq(numbering_store_process_due(&processed, store), NUMBERING_OK);
	ck_assert_int_eq(processed, 0);
	/* The number can be attached again. */
	numbering_attached_free(a);
	expect(attach_count(&a, P1, 5, 3, "DC"), NUMBERING_OK, NULL, NULL);
	numbering_attached_free(a);
}
END_TEST

START_TEST(the_default_hold_is_14_days)
{
	numbering_options options;
	ck_assert_int_eq(numbering_options_init(&options, 4), NUMBERING_OK);
	ck_assert_int_eq(numbering_options_init(&options, NUMBERING_OPTIONS_VERSION), NUMBERING_OK);
	ck_assert_int_eq(options.unverified_hold_seconds, 0);
	numbering_store_close(store);
	store = NULL;
	options.clock = fixture_tick;
	options.clock_payload = &clock_now;
	options.unverified_hold_seconds = -1;
	numbering_store *bad = NULL;
	ck_assert_int_eq(numbering_store_open(&bad, &options), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "unverified_hold_seconds");
	options.unverified_hold_seconds = 0;
	if (on_file) {
		numbering_backend *backend = NULL;
		unlink(path);
		ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
		options.backend = backend;
	}
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 1, 3, NULL), NUMBERING_OK, NULL, NULL);
	int64_t hold = numbering_attached_unverified_hold_until(a, 0);
	ck_assert_int_ge(hold, FIXTURE_EPOCH + NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT * NS);
	ck_assert_int_le(hold, clock_now + NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT * NS);
	clock_now += (NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT - 100) * NS;
	int64_t processed = 0;
	ck_assert_int_eq(numbering_store_process_due(&processed, store), NUMBERING_OK);
	ck_assert_int_eq(processed, 0);
	clock_now += 200 * NS;
	ck_assert_int_eq(numbering_store_process_due(&processed, store), NUMBERING_OK);
	ck_assert_int_eq(processed, 1);
	numbering_attached_free(a);
}
END_TEST

/* ---- Deactivate ---- */

START_TEST(deactivate_gives_numbers_back_and_ends_their_subscriptions)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	top_up(store, P2, "USD", 10000);
	numbering_attached *a = NULL, *b = NULL;
	expect(attach_count(&a, P1, 4, 1, "DC"), NUMBERING_OK, NULL, NULL);
	expect(attach_count(&b, P2, 1, 1, "DC"), NUMBERING_OK, NULL, NULL);
	int64_t other = numbering_attached_phone_id(b, 0);
	int64_t entries = entries_of(P1);
	/* By phone id */
	int64_t ids[] = {numbering_attached_phone_id(a, 0)};
	int64_t n = 0;
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, ids, 1, 0, NULL, 0)), NUMBERING_OK,
	       NULL, NULL);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(state_of(numbering_attached_instance(a, 0)), NUMBERING_LIFECYCLE_DELETED);
	ck_assert_int_eq(subscription_state(numbering_attached_instance(a, 0)), NUMBERING_SUBSCRIPTION_CANCELLED);
	ck_assert(in_stock(numbering_attached_phone_number(a, 0)));
	/* Nothing refunded or charged */
	ck_assert_int_eq(entries_of(P1), entries);
	/* Another account's id with one of ours: NOT_FOUND as for no id, and nothing done. */
	int64_t mixed[] = {numbering_attached_phone_id(a, 1), other};
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, mixed, 2, 0, NULL, 0)),
	       NUMBERING_NOT_FOUND, "phone_id", NULL);
	char other_message[1024];
	snprintf(other_message, sizeof(other_message), "%s", last_message);
	ck_assert_int_eq(state_of(numbering_attached_instance(a, 1)), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(state_of(numbering_attached_instance(b, 0)), NUMBERING_LIFECYCLE_ACTIVE);
	int64_t none[] = {987654};
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, none, 1, 0, NULL, 0)),
	       NUMBERING_NOT_FOUND, "phone_id", NULL);
	/* The same words for both but the id */
	char *at = strstr(other_message, " is not a number of ");
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_nonnull(strstr(last_message, at));
	/* An id already deactivated */
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, ids, 1, 0, NULL, 0)),
	       NUMBERING_NOT_FOUND, "phone_id", NULL);
	/* By number; another account's number is NOT_FOUND too */
	const char *numbers[] = {numbering_attached_phone_number(a, 1)};
	const char *others[] = {numbering_attached_phone_number(b, 0)};
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, NULL, 0, 0, others, 1)),
	       NUMBERING_NOT_FOUND, "phone_number", NULL);
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, NULL, 0, 0, numbers, 1)),
	       NUMBERING_OK, NULL, NULL);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(state_of(numbering_attached_instance(a, 1)), NUMBERING_LIFECYCLE_DELETED);
	ck_assert(in_stock(numbers[0]));
	/* 'all': the two left of P1, none of P2's */
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, NULL, 0, 1, NULL, 0)), NUMBERING_OK,
	       NULL, NULL);
	ck_assert_int_eq(n, 2);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(state_of(numbering_attached_instance(a, i)), NUMBERING_LIFECYCLE_DELETED);
		ck_assert_int_eq(subscription_state(numbering_attached_instance(a, i)), NUMBERING_SUBSCRIPTION_CANCELLED);
		ck_assert(in_stock(numbering_attached_phone_number(a, i)));
	}
	ck_assert_int_eq(state_of(numbering_attached_instance(b, 0)), NUMBERING_LIFECYCLE_ACTIVE);
	/* 'all' again: nothing left, nothing done */
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, NULL, 0, 1, NULL, 0)), NUMBERING_OK,
	       NULL, NULL);
	ck_assert_int_eq(n, 0);
	/* The numbers given back can be attached again, with new phone ids. */
	numbering_attached *c = NULL;
	expect(attach_count(&c, P1, 1, 1, "DC"), NUMBERING_OK, NULL, NULL);
	ck_assert_str_eq(numbering_attached_phone_number(c, 0), numbering_attached_phone_number(a, 0));
	ck_assert_int_gt(numbering_attached_phone_id(c, 0), numbering_attached_phone_id(b, 0));
	numbering_attached_free(a);
	numbering_attached_free(b);
	numbering_attached_free(c);
}
END_TEST

START_TEST(deactivate_a_number_waiting_for_verification_cancels_its_purchase)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 1, 3, NULL), NUMBERING_OK, NULL, NULL);
	int64_t ids[] = {numbering_attached_phone_id(a, 0)};
	int64_t n = 0;
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, ids, 1, 0, NULL, 0)), NUMBERING_OK,
	       NULL, NULL);
	char details[256];
	ck_assert_int_eq(purchase_status(P1, numbering_attached_phone_number(a, 0), details, sizeof(details)),
	                 NUMBERING_PURCHASE_CANCELLED);
	int64_t balance = 0, reserved = 0;
	balance_of(P1, &balance, &reserved);
	ck_assert_int_eq(balance, 10000);
	ck_assert_int_eq(reserved, 0);
	ck_assert(in_stock(numbering_attached_phone_number(a, 0)));
	/* Its hold is gone with it: nothing due later. */
	clock_now += (HOLD_SECONDS + 5) * NS;
	int64_t processed = -1;
	ck_assert_int_eq(numbering_store_process_due(&processed, store), NUMBERING_OK);
	ck_assert_int_eq(processed, 0);
	numbering_attached_free(a);
}
END_TEST

START_TEST(deactivate_bad_input_changes_nothing)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	numbering_attached *a = NULL;
	expect(attach_count(&a, P1, 2, 1, NULL), NUMBERING_OK, NULL, NULL);
	int64_t good[] = {numbering_attached_phone_id(a, 0)}, zero[] = {numbering_attached_phone_id(a, 0), 0};
	const char *numbers[] = {numbering_attached_phone_number(a, 1)}, *bad[] = {numbering_attached_phone_number(a, 1),
	                                                                           "12x"};
	int64_t n = 0;
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, NULL, 0, 0, NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", "required");
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, good, 1, 0, numbers, 1)),
	       NUMBERING_INVALID_ARGUMENT, "phone_number", "exclude");
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, zero, 2, 0, NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", NULL);
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, good, 1, 1, NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", "'all'");
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, good, 0, 0, NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", NULL);
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, NULL, 0, 0, bad, 2)),
	       NUMBERING_INVALID_ARGUMENT, "phone_number", NULL);
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, P1, good, NUMBERING_PHONE_LIST_MAX + 1, 0,
	                                                        NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, "phone_id", NULL);
	expect(checked(numbering_store_deactivate_phone_numbers(&n, store, NULL, "projects/", good, 1, 0, NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, "account_id", NULL);
	expect(checked(numbering_store_deactivate_phone_numbers(&n, NULL, NULL, P1, good, 1, 0, NULL, 0)),
	       NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	ck_assert_int_eq(n, 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(state_of(numbering_attached_instance(a, i)), NUMBERING_LIFECYCLE_ACTIVE);
	numbering_attached_free(a);
}
END_TEST

/* ---- JSON ---- */

START_TEST(json_attach_deactivate_and_verify)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	char *out = NULL;
	expect(call(&out, NULL, "AttachPhoneNumber",
	            "{\"account_id\": 1001, \"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\","
	            " \"phone_region_id\": \"1\", \"country_state\": \"DC\", \"phone_count\": 2}"),
	       NUMBERING_OK, NULL, NULL);
	ck_assert_str_eq(out, "{\"result\":1,\"phone_numbers\":[\"+12025550100\",\"+12025550101\"]}");
	numbering_free(out);
	expect(call(&out, NULL, "AttachPhoneNumber",
	            "{\"account_id\": \"1001\", \"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\","
	            " \"phone_region_id\": 3, \"phone_number\": \"+12025550400;+12025550401\","
	            " \"regulation_address_id\": 5}"),
	       NUMBERING_OK, NULL, NULL);
	ck_assert_str_eq(out, "{\"result\":1,\"phone_numbers\":[\"+12025550400\",\"+12025550401\"]}");
	numbering_free(out);
	expect(call(&out, HOST, "VerifyPhoneNumber",
	            "{\"account_id\": 1001, \"phone_number\": \"+12025550400\", \"verification_status\": \"VERIFIED\","
	            " \"verification_name\": \"id card\"}"),
	       NUMBERING_OK, NULL, NULL);
	ck_assert_str_eq(out, "{\"result\":1}");
	numbering_free(out);
	expect(call(&out, HOST, "VerifyPhoneNumber",
	            "{\"account_id\": 1001, \"phone_number\": \"+12025550401\", \"verification_status\": \"REQUIRED\"}"),
	       NUMBERING_INVALID_ARGUMENT, "verification_status", "REQUIRED");
	numbering_free(out);
	expect(call(&out, NULL, "DeactivatePhoneNumber",
	            "{\"account_id\": 1001, \"phone_number\": [\"+12025550100\", \"+12025550400\"]}"),
	       NUMBERING_OK, NULL, NULL);
	ck_assert_str_eq(out, "{\"result\":1}");
	numbering_free(out);
	ck_assert(in_stock("+12025550100"));
	ck_assert(in_stock("+12025550400"));
	expect(call(&out, NULL, "DeactivatePhoneNumber", "{\"account_id\": 1001, \"phone_id\": \"all\"}"), NUMBERING_OK,
	       NULL, NULL);
	numbering_free(out);
	ck_assert(in_stock("+12025550101"));
	ck_assert(in_stock("+12025550401"));
}
END_TEST

START_TEST(json_bad_input_names_the_parameter_and_changes_nothing)
{
	import_stock();
	top_up(store, P1, "USD", 10000);
	const char *base = "\"account_id\": 1001, \"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\"";
	struct {
		const char *method, *request, *field;
	} cases[] = {
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1}", "phone_count"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 1, \"phone_number\": \"+12025550100\"}",
	     "phone_count"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 0}", "phone_count"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 1001}", "phone_count"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 1.5}", "phone_count"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": \"two\"}", "phone_count"},
	    {"AttachPhoneNumber", "{%s, \"phone_count\": 1}", "phone_region_id"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": \"x\", \"phone_count\": 1}", "phone_region_id"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_number\": \"+12025550100;;\"}", "phone_number"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_number\": [5]}", "phone_number[0]"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 1, \"regulation_address_id\": -1}",
	     "regulation_address_id"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 1, \"country_state\": 5}",
	     "country_state"},
	    {"AttachPhoneNumber", "{%s, \"phone_region_id\": 1, \"phone_count\": 1, \"colour\": 5}", "colour"},
	    {"AttachPhoneNumber", "{\"account_id\": 1001, \"phone_category_name\": \"G\", \"phone_region_id\": 1,"
	                          " \"phone_count\": 1%s}",
	     "country_code"},
	    {"AttachPhoneNumber", "{\"account_id\": 1001, \"country_code\": \"US\", \"phone_region_id\": 1,"
	                          " \"phone_count\": 1%s}",
	     "phone_category_name"},
	    {"AttachPhoneNumber", "{\"country_code\": \"US\", \"phone_category_name\": \"G\", \"phone_region_id\": 1,"
	                          " \"phone_count\": 1%s}",
	     "account_id"},
	    {"DeactivatePhoneNumber", "{\"account_id\": 1001%s}", "phone_id"},
	    {"DeactivatePhoneNumber", "{\"account_id\": 1001, \"phone_id\": \"1;x\"%s}", "phone_id"},
	    {"DeactivatePhoneNumber", "{\"account_id\": 1001, \"phone_id\": [1, -2]%s}", "phone_id[1]"},
	    {"DeactivatePhoneNumber", "{\"account_id\": 1001, \"phone_id\": 1, \"phone_number\": \"+1\"%s}",
	     "phone_number"},
	    {"DeactivatePhoneNumber", "{\"account_id\": 1001, \"phone_number\": \"\"%s}", "phone_number"},
	    {"VerifyPhoneNumber", "{\"account_id\": 1001, \"phone_id\": 1%s}", "verification_status"},
	    {"VerifyPhoneNumber", "{\"account_id\": 1001, \"phone_id\": 0, \"verification_status\": \"VERIFIED\"%s}",
	     "phone_id"},
	    {"VerifyPhoneNumber", "{\"account_id\": 1001, \"phone_id\": 1, \"verification_status\": \"verified\"%s}",
	     "verification_status"},
	};
	char *out = NULL;
	expect(call(&out, NULL, "AttachPhoneNumber",
	            "{\"account_id\": 1001, \"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\","
	            " \"phone_region_id\": 1, \"phone_count\": 1}"),
	       NUMBERING_OK, NULL, NULL);
	numbering_free(out);
	int64_t entries = entries_of(P1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char request[512];
		int has_base = strncmp(cases[i].request, "{%s", 3) == 0;
		snprintf(request, sizeof(request), cases[i].request, has_base ? base : "");
		int rc = call(&out, HOST, cases[i].method, request);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT && strcmp(last_field, cases[i].field) == 0,
		              "case %zu %s: %d field \"%s\": %s", i, request, rc, last_field, out);
		ck_assert_msg(strstr(out, "INVALID_ARGUMENT") != NULL, "%s", out);
		numbering_free(out);
	}
	ck_assert_int_eq(entries_of(P1), entries);
	ck_assert(!in_stock("+12025550100"));
	ck_assert(in_stock("+12025550101"));
}
END_TEST

static void add_cases(TCase *t)
{
	tcase_add_test(t, attach_by_count_takes_the_lowest_matching_numbers_and_pays);
	tcase_add_test(t, attach_is_all_or_nothing_when_stock_is_short);
	tcase_add_test(t, attach_is_all_or_nothing_when_the_balance_is_short);
	tcase_add_test(t, attach_listed_numbers_must_all_match_and_be_available);
	tcase_add_test(t, attach_bad_input_names_the_parameter_and_changes_nothing);
	tcase_add_test(t, attach_stores_the_regulation_address);
	tcase_add_test(t, a_number_needing_documents_waits_for_verification);
	tcase_add_test(t, a_hold_past_the_last_time_ends_at_it);
	tcase_add_test(t, verify_errors);
	tcase_add_test(t, the_hold_expiry_cancels_an_unverified_number);
	tcase_add_test(t, the_default_hold_is_14_days);
	tcase_add_test(t, deactivate_gives_numbers_back_and_ends_their_subscriptions);
	tcase_add_test(t, deactivate_a_number_waiting_for_verification_cancels_its_purchase);
	tcase_add_test(t, deactivate_bad_input_changes_nothing);
	tcase_add_test(t, json_attach_deactivate_and_verify);
	tcase_add_test(t, json_bad_input_names_the_parameter_and_changes_nothing);
}

Suite *vox_attach_suite(void)
{
	Suite *s = suite_create("vox_attach");
	TCase *memory = tcase_create("memory");
	tcase_add_checked_fixture(memory, setup_memory, teardown);
	add_cases(memory);
	suite_add_tcase(s, memory);
	TCase *file = tcase_create("file");
	tcase_add_checked_fixture(file, setup_file, teardown);
	add_cases(file);
	suite_add_tcase(s, file);
	return s;
}
