/* Billing accounts and their ledger (numbering/billing.h, lib/service/billing.c,
 * lib/json/billing-json.c): through C and JSON, over memory and file stores. */
#include <check.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>
#include <numbering/sys/record.h>

#include "ledger-invariant.h"
#include "model/billing-fields.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/record.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/service.h"
#include "record-damage.h"
#include "store-fixture.h"
#include "stored-records.h"
#include "suites.h"
#include "temp-dir.h"

#define P1 "projects/p1"
#define P2 "projects/p2"

/* ---- Helpers ---- */

static numbering_billing_entry *adjust(numbering_store *store, const char *parent, const char *currency,
                                       int64_t amount, const char *reason, const char *request_id)
{
	numbering_billing_entry *e = NULL;
	int rc = numbering_store_adjust_billing_account(&e, store, NULL, parent, currency, amount, reason, request_id);
	ck_assert_msg(rc == NUMBERING_OK, "adjust %s %" PRId64 ": %s", currency, amount, numbering_error_message());
	return e;
}

static void adjust_ok(numbering_store *store, const char *parent, const char *currency, int64_t amount)
{
	numbering_billing_entry_free(adjust(store, parent, currency, amount, "top-up", NULL));
}

/* Runs a JSON call; returns its code, the response in *out (the caller frees it). */
static int call(numbering_store *store, char **out, const char *method, const char *request)
{
	if (out != NULL)
		return numbering_store_call_json(out, store, NULL, method, request);
	char *response = NULL;
	int rc = numbering_store_call_json(&response, store, NULL, method, request);
	numbering_free(response);
	return rc;
}

/* Asserts a JSON call fails with @code naming @field (the first violation). */
static void expect_json_error(numbering_store *store, const char *method, const char *request, int code,
                              const char *field)
{
	char *response = NULL;
	int rc = call(store, &response, method, request);
	ck_assert_msg(rc == code, "%s %s: got %s (%s), want %s", method, request, numbering_status_name(rc), response,
	              numbering_status_name(code));
	ck_assert_msg(numbering_error_violation_count() > 0 && strcmp(numbering_error_violation_field(0), field) == 0,
	              "%s %s: the error names \"%s\", not \"%s\": %s", method, request,
	              numbering_error_violation_count() > 0 ? numbering_error_violation_field(0) : "", field, response);
	numbering_free(response);
}

static void expect_field(int rc, int code, const char *field, const char *text)
{
	fixture_expect_error(rc, code, text);
	ck_assert_msg(numbering_error_violation_count() > 0 && strcmp(numbering_error_violation_field(0), field) == 0,
	              "the error names \"%s\", not \"%s\"",
	              numbering_error_violation_count() > 0 ? numbering_error_violation_field(0) : "", field);
}

/* A file store in a fresh temporary path (the fixture's clock is not used). */
struct file_store {
	char path[TEMP_PATH_MAX];
	numbering_store *store;
};

static void file_open(struct file_store *f)
{
	fixture_temp_store_path(f->path, sizeof(f->path), "billing");
	f->store = fixture_open_file(f->path);
}

static void file_close(struct file_store *f)
{
	numbering_store_close(f->store);
	unlink(f->path);
}

/* Runs @body on the fixture's memory store and then on a file store. */
static void on_both_backends(void (*body)(numbering_store *store))
{
	body(fx.store);
	struct file_store f;
	file_open(&f);
	body(f.store);
	file_close(&f);
}

/* ---- The account ---- */

START_TEST(new_account_reads_usd_zero)
{
	numbering_billing_account *a = NULL;
	ck_assert_int_eq(numbering_store_get_billing_account(&a, fx.store, "user:x", P1), NUMBERING_OK);
	ck_assert_str_eq(numbering_billing_account_name(a), "projects/p1/billingAccount");
	ck_assert_str_eq(numbering_billing_account_currency(a), "USD");
	ck_assert_int_eq(numbering_billing_account_balance(a), 0);
	ck_assert_int_eq(numbering_billing_account_reserved(a), 0);
	numbering_billing_account_free(a);
	char *out = NULL;
	ck_assert_int_eq(call(fx.store, &out, "GetBillingAccount", "{\"parent\":\"projects/p1\"}"), NUMBERING_OK);
	ck_assert_str_eq(out, "{\"name\":\"projects/p1/billingAccount\",\"currencyCode\":\"USD\","
	                      "\"balance\":{\"currencyCode\":\"USD\",\"amount\":\"0.00\"},"
	                      "\"reserved\":{\"currencyCode\":\"USD\",\"amount\":\"0.00\"}}");
	numbering_free(out);
	/* NULL objects read as nothing. */
	ck_assert_str_eq(numbering_billing_account_name(NULL), "");
	ck_assert_str_eq(numbering_billing_account_currency(NULL), "");
	ck_assert_int_eq(numbering_billing_account_balance(NULL), 0);
	ck_assert_int_eq(numbering_billing_account_reserved(NULL), 0);
	numbering_billing_account_free(NULL);
	ck_assert_str_eq(numbering_billing_entry_name(NULL), "");
	ck_assert_str_eq(numbering_billing_entry_currency(NULL), "");
	ck_assert_str_eq(numbering_billing_entry_reason(NULL), "");
	ck_assert_str_eq(numbering_billing_entry_resource(NULL), "");
	ck_assert_int_eq(numbering_billing_entry_amount(NULL), 0);
	ck_assert_int_eq(numbering_billing_entry_balance_after(NULL), 0);
	ck_assert_int_eq(numbering_billing_entry_time(NULL), 0);
	numbering_billing_entry_free(NULL);
	ck_assert_int_eq(numbering_billing_entry_page_count(NULL), 0);
	ck_assert_ptr_null(numbering_billing_entry_page_item(NULL, 0));
	ck_assert_str_eq(numbering_billing_entry_page_next_token(NULL), "");
	numbering_billing_entry_page_free(NULL);
}
END_TEST

START_TEST(null_arguments_and_bad_parents)
{
	numbering_billing_account *a = NULL;
	numbering_billing_entry *e = NULL;
	numbering_billing_entry_page *page = NULL;
	fixture_expect_error(numbering_store_get_billing_account(NULL, fx.store, NULL, P1), NUMBERING_INVALID_ARGUMENT,
	                     "out is NULL");
	fixture_expect_error(numbering_store_get_billing_account(&a, NULL, NULL, P1), NUMBERING_INVALID_ARGUMENT,
	                     "store is NULL");
	fixture_expect_error(numbering_store_adjust_billing_account(NULL, fx.store, NULL, P1, "USD", 1, "x", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "out is NULL");
	fixture_expect_error(numbering_store_adjust_billing_account(&e, NULL, NULL, P1, "USD", 1, "x", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "store is NULL");
	fixture_expect_error(numbering_store_list_billing_entries(NULL, fx.store, NULL, P1, 0, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "out is NULL");
	fixture_expect_error(numbering_store_list_billing_entries(&page, NULL, NULL, P1, 0, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "store is NULL");
	const char *bad[] = {NULL, "", "projects/", "projects/P1", "projects/p1/x", "p1", "projects/a_b"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_field(numbering_store_get_billing_account(&a, fx.store, NULL, bad[i]), NUMBERING_INVALID_ARGUMENT,
		             "parent", "");
		ck_assert_ptr_null(a);
		expect_field(numbering_store_adjust_billing_account(&e, fx.store, NULL, bad[i], "USD", 1, "x", NULL),
		             NUMBERING_INVALID_ARGUMENT, "parent", "");
		ck_assert_ptr_null(e);
		expect_field(numbering_store_list_billing_entries(&page, fx.store, NULL, bad[i], 0, NULL),
		             NUMBERING_INVALID_ARGUMENT, "parent", "");
		ck_assert_ptr_null(page);
	}
	expect_json_error(fx.store, "GetBillingAccount", "{}", NUMBERING_INVALID_ARGUMENT, "parent");
	expect_json_error(fx.store, "GetBillingAccount", "{\"parent\":\"projects/P\"}", NUMBERING_INVALID_ARGUMENT,
	                  "parent");
	expect_json_error(fx.store, "GetBillingAccount", "{\"parent\":1}", NUMBERING_INVALID_ARGUMENT, "parent");
	expect_json_error(fx.store, "GetBillingAccount", "{\"parent\":\"projects/p1\",\"x\":1}",
	                  NUMBERING_INVALID_ARGUMENT, "x");
	expect_json_error(fx.store, "ListBillingEntries", "{\"parent\":\"projects/p1\",\"pageSize\":\"x\"}",
	                  NUMBERING_INVALID_ARGUMENT, "pageSize");
	fixture_expect_error(call(fx.store, NULL, "AdjustBillingAccount", "[]"), NUMBERING_INVALID_ARGUMENT,
	                     "must be a JSON object");
}
END_TEST

/* ---- Adjusting ---- */

static void adjust_and_read(numbering_store *store)
{
	numbering_billing_entry *e = adjust(store, P1, "USD", 500, "top-up", NULL);
	ck_assert_str_eq(numbering_billing_entry_name(e), "projects/p1/billingEntries/1");
	ck_assert_str_eq(numbering_billing_entry_currency(e), "USD");
	ck_assert_int_eq(numbering_billing_entry_amount(e), 500);
	ck_assert_int_eq(numbering_billing_entry_balance_after(e), 500);
	ck_assert_str_eq(numbering_billing_entry_reason(e), "top-up");
	ck_assert_str_eq(numbering_billing_entry_resource(e), "");
	int64_t t1 = numbering_billing_entry_time(e);
	ck_assert_int_gt(t1, 0);
	numbering_billing_entry_free(e);
	e = adjust(store, P1, "USD", -150, "refund of a wrong top-up", NULL);
	ck_assert_str_eq(numbering_billing_entry_name(e), "projects/p1/billingEntries/2");
	ck_assert_int_eq(numbering_billing_entry_amount(e), -150);
	ck_assert_int_eq(numbering_billing_entry_balance_after(e), 350);
	ck_assert_int_gt(numbering_billing_entry_time(e), t1);
	numbering_billing_entry_free(e);
	/* Another project's account is its own. */
	adjust_ok(store, P2, "JPY", 1000);
	numbering_billing_account *a = NULL;
	ck_assert_int_eq(numbering_store_get_billing_account(&a, store, NULL, P1), NUMBERING_OK);
	ck_assert_str_eq(numbering_billing_account_currency(a), "USD");
	ck_assert_int_eq(numbering_billing_account_balance(a), 350);
	numbering_billing_account_free(a);
	ck_assert_int_eq(numbering_store_get_billing_account(&a, store, NULL, P2), NUMBERING_OK);
	ck_assert_str_eq(numbering_billing_account_currency(a), "JPY");
	ck_assert_int_eq(numbering_billing_account_balance(a), 1000);
	numbering_billing_account_free(a);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 2);
	ck_assert_int_eq(ledger_check(store, NULL, P2, 1, NULL), 1);
	/* Newest first. */
	numbering_billing_entry_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_entry_page_count(page), 2);
	ck_assert_str_eq(numbering_billing_entry_name(numbering_billing_entry_page_item(page, 0)),
	                 "projects/p1/billingEntries/2");
	ck_assert_str_eq(numbering_billing_entry_reason(numbering_billing_entry_page_item(page, 0)),
	                 "refund of a wrong top-up");
	ck_assert_str_eq(numbering_billing_entry_name(numbering_billing_entry_page_item(page, 1)),
	                 "projects/p1/billingEntries/1");
	ck_assert_ptr_null(numbering_billing_entry_page_item(page, 2));
	ck_assert_ptr_null(numbering_billing_entry_page_item(page, -1));
	ck_assert_str_eq(numbering_billing_entry_page_next_token(page), "");
	numbering_billing_entry_page_free(page);
}

START_TEST(adjust_get_and_list)
{
	on_both_backends(adjust_and_read);
}
END_TEST

START_TEST(file_store_keeps_the_ledger)
{
	struct file_store f;
	file_open(&f);
	adjust_ok(f.store, P1, "EUR", 1234);
	adjust_ok(f.store, P1, "EUR", -34);
	numbering_store_close(f.store);
	f.store = fixture_open_file(f.path);
	int64_t balance = 0;
	ck_assert_int_eq(ledger_check(f.store, NULL, P1, 0, &balance), 2);
	ck_assert_int_eq(balance, 1200);
	/* The ledger goes on where it was: entry 3. */
	numbering_billing_entry *e = adjust(f.store, P1, "EUR", 1, "x", NULL);
	ck_assert_str_eq(numbering_billing_entry_name(e), "projects/p1/billingEntries/3");
	numbering_billing_entry_free(e);
	file_close(&f);
}
END_TEST

/* Every refused adjustment leaves the ledger as it was. */
static void refused(numbering_store *store, int code, const char *field, const char *text, const char *currency,
                    int64_t amount, const char *reason, const char *request_id)
{
	int64_t before_balance = 0, before = ledger_check(store, NULL, P1, 0, &before_balance), after_balance = 0;
	numbering_billing_entry *e = NULL;
	int rc = numbering_store_adjust_billing_account(&e, store, NULL, P1, currency, amount, reason, request_id);
	expect_field(rc, code, field, text);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, &after_balance), before);
	ck_assert_int_eq(after_balance, before_balance);
}

static void adjust_errors(numbering_store *store)
{
	refused(store, NUMBERING_INVALID_ARGUMENT, "amount.currencyCode", "not an ISO 4217", "ABC", 1, "x", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "amount.currencyCode", "not an ISO 4217", "usd", 1, "x", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "amount.currencyCode", "not an ISO 4217", NULL, 1, "x", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "amount", "0 excluded", "USD", 0, "x", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "amount", "0 excluded", "USD", INT64_MIN, "x", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "reason", "reason is required", "USD", 1, NULL, NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "reason", "reason is required", "USD", 1, "", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "reason", "", "USD", 1, "tab\there", NULL);
	refused(store, NUMBERING_INVALID_ARGUMENT, "reason", "", "USD", 1, "bad \xff utf-8", NULL);
	char long_reason[NUMBERING_BILLING_REASON_MAX + 2];
	memset(long_reason, 'r', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	refused(store, NUMBERING_INVALID_ARGUMENT, "reason", "", "USD", 1, long_reason, NULL);
	long_reason[NUMBERING_BILLING_REASON_MAX] = '\0'; /* 256 bytes: the most */
	numbering_billing_entry_free(adjust(store, P1, "USD", 100, long_reason, NULL));
	refused(store, NUMBERING_INVALID_ARGUMENT, "requestId", "must be 1 to 128", "USD", 1, "x", "has space");
	/* The currency is fixed by the first entry. */
	refused(store, NUMBERING_FAILED_PRECONDITION, "amount.currencyCode", "no conversion", "EUR", 1, "x", NULL);
	/* A debit cannot take the balance below 0 (nothing is reserved here). */
	refused(store, NUMBERING_FAILED_PRECONDITION, "amount", "needed USD 1.01, available USD 1.00", "USD", -101, "x",
	        NULL);
	numbering_billing_entry_free(adjust(store, P1, "USD", -100, "to zero", NULL));
	/* The balance stays within -INT64_MAX .. INT64_MAX. */
	numbering_billing_entry_free(adjust(store, P1, "USD", INT64_MAX, "most", NULL));
	refused(store, NUMBERING_OUT_OF_RANGE, "amount", "would leave", "USD", 1, "x", NULL);
	numbering_billing_entry_free(adjust(store, P1, "USD", -INT64_MAX, "least", NULL));
}

START_TEST(adjust_refusals_change_nothing)
{
	on_both_backends(adjust_errors);
}
END_TEST

static void request_ids(numbering_store *store)
{
	numbering_billing_entry *first = adjust(store, P1, "USD", 250, "top-up", "topup-1");
	numbering_billing_entry *again = adjust(store, P1, "USD", 250, "top-up", "topup-1");
	ck_assert_str_eq(numbering_billing_entry_name(again), numbering_billing_entry_name(first));
	ck_assert_int_eq(numbering_billing_entry_time(again), numbering_billing_entry_time(first));
	ck_assert_int_eq(numbering_billing_entry_balance_after(again), 250);
	ck_assert_str_eq(numbering_billing_entry_reason(again), "top-up");
	numbering_billing_entry_free(again);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 1);
	/* Later entries do not change what the retry answers. */
	adjust_ok(store, P1, "USD", 5);
	again = adjust(store, P1, "USD", 250, "top-up", "topup-1");
	ck_assert_str_eq(numbering_billing_entry_name(again), "projects/p1/billingEntries/1");
	ck_assert_int_eq(numbering_billing_entry_balance_after(again), 250);
	numbering_billing_entry_free(again);
	numbering_billing_entry_free(first);
	/* The id with another request: another amount, reason or currency. */
	refused(store, NUMBERING_INVALID_ARGUMENT, "requestId", "already used for a different billing adjustment", "USD",
	        251, "top-up", "topup-1");
	refused(store, NUMBERING_INVALID_ARGUMENT, "requestId", "already used", "USD", 250, "top-up!", "topup-1");
	refused(store, NUMBERING_INVALID_ARGUMENT, "requestId", "already used", "EUR", 250, "top-up", "topup-1");
	/* Ids belong to their project. */
	numbering_billing_entry *other = adjust(store, P2, "USD", 250, "top-up", "topup-1");
	ck_assert_str_eq(numbering_billing_entry_name(other), "projects/p2/billingEntries/1");
	numbering_billing_entry_free(other);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 2);
	ck_assert_int_eq(ledger_check(store, NULL, P2, 0, NULL), 1);
	/* A refused request keeps no id: the id is free for the request that succeeds. */
	refused(store, NUMBERING_FAILED_PRECONDITION, "amount", "insufficient balance", "USD", -1000, "x", "debit-1");
	numbering_billing_entry_free(adjust(store, P1, "USD", -5, "x", "debit-1"));
	/* "" is no id. */
	adjust_ok(store, P1, "USD", 1);
	numbering_billing_entry_free(adjust(store, P1, "USD", 1, "top-up", ""));
	numbering_billing_entry_free(adjust(store, P1, "USD", 1, "top-up", ""));
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 6);
}

START_TEST(request_ids_answer_the_first_entry)
{
	on_both_backends(request_ids);
}
END_TEST

/* An import's request id is kept as before the id record was made generic: the digest,
 * 'C' and the count, 8 bytes little-endian (stores written before read the same). */
struct raw {
	int seen;
	size_t len;
	uint8_t body[512];
};

static int raw_visit(const numbering_record *record, void *payload)
{
	struct raw *r = payload;
	r->seen = 1;
	r->len = record->body_len;
	if (r->len <= sizeof(r->body))
		memcpy(r->body, record->body, r->len);
	return 0;
}

START_TEST(import_request_ids_keep_their_bytes)
{
	numbering_backend *backend = NULL;
	numbering_store *store = fixture_open_memory(&backend);
	const char *req = "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550100-04\",\"type\":\"LOCAL\"}],"
	                  "\"requestId\":\"import-1\"}";
	char *out = NULL;
	ck_assert_int_eq(call(store, &out, "ImportAvailableNumbers", req), NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(out, "5"));
	numbering_free(out);
	struct raw r = {0, 0, {0}};
	ck_assert_int_eq(backend->get(backend, NUMBERING__KIND_REQUEST, "projects/*/requests/import-1", raw_visit, &r),
	                 NUMBERING_OK);
	ck_assert_int_eq(r.len, 41);
	ck_assert_int_eq(r.body[32], 'C');
	ck_assert_int_eq(r.body[33], 5);
	for (int i = 34; i < 41; i++)
		ck_assert_int_eq(r.body[i], 0);
	/* The retry answers the count; another import under the id is refused. */
	ck_assert_int_eq(call(store, &out, "ImportAvailableNumbers", req), NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(out, "5"));
	numbering_free(out);
	expect_json_error(store, "ImportAvailableNumbers",
	                  "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550200\",\"type\":\"LOCAL\"}],"
	                  "\"requestId\":\"import-1\"}",
	                  NUMBERING_INVALID_ARGUMENT, "requestId");
	/* An adjustment's id lives under its project's scope, apart from the host's. */
	numbering_billing_entry_free(adjust(store, P1, "USD", 1, "x", "import-1"));
	r.seen = 0;
	ck_assert_int_eq(backend->get(backend, NUMBERING__KIND_REQUEST, "projects/*/p1/requests/import-1", raw_visit, &r),
	                 NUMBERING_OK);
	ck_assert_int_eq(r.len, 41);
	ck_assert_int_eq(r.body[32], 'A');
	ck_assert_int_eq(r.body[33], 1); /* entry 1 */
	numbering_store_close(store);
}
END_TEST

/* ---- Listing ---- */

static void paging(numbering_store *store)
{
	for (int i = 1; i <= 7; i++)
		adjust_ok(store, P1, "USD", i);
	adjust_ok(store, P2, "USD", 1);
	char token[256] = "";
	int seen = 0, pages = 0;
	int64_t expect = 7;
	do {
		numbering_billing_entry_page *page = NULL;
		ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, P1, 3, token), NUMBERING_OK);
		for (int i = 0; i < numbering_billing_entry_page_count(page); i++, expect--)
			ck_assert_int_eq(numbering_billing_entry_amount(numbering_billing_entry_page_item(page, i)), expect);
		seen += numbering_billing_entry_page_count(page);
		pages++;
		snprintf(token, sizeof(token), "%s", numbering_billing_entry_page_next_token(page));
		if (pages == 1) {
			/* The token is bound to its project, and authenticated. */
			numbering_billing_entry_page *other = NULL;
			expect_field(numbering_store_list_billing_entries(&other, store, NULL, P2, 3, token),
			             NUMBERING_INVALID_ARGUMENT, "pageToken", "");
			ck_assert_ptr_null(other);
			char forged[256];
			snprintf(forged, sizeof(forged), "%s", token);
			forged[strlen(forged) / 2] = forged[strlen(forged) / 2] == 'A' ? 'B' : 'A';
			expect_field(numbering_store_list_billing_entries(&other, store, NULL, P1, 3, forged),
			             NUMBERING_INVALID_ARGUMENT, "pageToken", "");
			expect_field(numbering_store_list_billing_entries(&other, store, NULL, P1, 3, "nonsense"),
			             NUMBERING_INVALID_ARGUMENT, "pageToken", "");
		}
		numbering_billing_entry_page_free(page);
	} while (token[0] != '\0');
	ck_assert_int_eq(seen, 7);
	ck_assert_int_eq(pages, 3);
	/* Exactly a page: no token to an empty page. */
	numbering_billing_entry_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, P1, 7, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_entry_page_count(page), 7);
	ck_assert_str_eq(numbering_billing_entry_page_next_token(page), "");
	numbering_billing_entry_page_free(page);
	expect_field(numbering_store_list_billing_entries(&page, store, NULL, P1, -1, NULL), NUMBERING_INVALID_ARGUMENT,
	             "pageSize", "pageSize -1 is not 1 to 1000");
	expect_field(numbering_store_list_billing_entries(&page, store, NULL, P1, NUMBERING_BILLING_PAGE_MAX + 1, NULL),
	             NUMBERING_INVALID_ARGUMENT, "pageSize", "");
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, P1, NUMBERING_BILLING_PAGE_MAX, NULL),
	                 NUMBERING_OK);
	numbering_billing_entry_page_free(page);
	/* An account without entries lists none. */
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, "projects/empty", 0, NULL),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_entry_page_count(page), 0);
	ck_assert_str_eq(numbering_billing_entry_page_next_token(page), "");
	numbering_billing_entry_page_free(page);
}

START_TEST(pages_newest_first_with_tokens)
{
	on_both_backends(paging);
}
END_TEST

START_TEST(default_page_size)
{
	for (int i = 0; i < NUMBERING_BILLING_PAGE_DEFAULT + 1; i++)
		adjust_ok(fx.store, P1, "USD", 1);
	numbering_billing_entry_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, fx.store, NULL, P1, 0, ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_entry_page_count(page), NUMBERING_BILLING_PAGE_DEFAULT);
	ck_assert_str_ne(numbering_billing_entry_page_next_token(page), "");
	numbering_billing_entry_page_free(page);
	ck_assert_int_eq(ledger_check(fx.store, NULL, P1, 7, NULL), NUMBERING_BILLING_PAGE_DEFAULT + 1);
}
END_TEST

/* ---- JSON ---- */

static void json_calls(numbering_store *store)
{
	char *out = NULL;
	ck_assert_int_eq(call(store, &out, "AdjustBillingAccount",
	                      "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"10.00\"},"
	                      "\"reason\":\"top-up\",\"requestId\":\"r1\"}"),
	                 NUMBERING_OK);
	ck_assert_msg(strstr(out, "\"name\":\"projects/p1/billingEntries/1\"") != NULL &&
	                  strstr(out, "\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"10.00\"}") != NULL &&
	                  strstr(out, "\"balanceAfter\":{\"currencyCode\":\"USD\",\"amount\":\"10.00\"}") != NULL &&
	                  strstr(out, "\"reason\":\"top-up\",\"resource\":\"\"") != NULL &&
	                  strstr(out, "\"time\":\"20") != NULL,
	              "%s", out);
	numbering_free(out);
	ck_assert_int_eq(call(store, &out, "AdjustBillingAccount",
	                      "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"-1.50\"},"
	                      "\"reason\":\"refund\"}"),
	                 NUMBERING_OK);
	ck_assert_msg(strstr(out, "\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"-1.50\"}") != NULL &&
	                  strstr(out, "\"balanceAfter\":{\"currencyCode\":\"USD\",\"amount\":\"8.50\"}") != NULL,
	              "%s", out);
	numbering_free(out);
	/* proto names are accepted too. */
	ck_assert_int_eq(call(store, NULL, "AdjustBillingAccount",
	                      "{\"parent\":\"projects/p1\",\"amount\":{\"currency_code\":\"USD\",\"amount\":\"0.5\"},"
	                      "\"reason\":\"x\",\"request_id\":\"r2\"}"),
	                 NUMBERING_OK);
	ck_assert_int_eq(call(store, &out, "GetBillingAccount", "{\"parent\":\"projects/p1\"}"), NUMBERING_OK);
	ck_assert_str_eq(out, "{\"name\":\"projects/p1/billingAccount\",\"currencyCode\":\"USD\","
	                      "\"balance\":{\"currencyCode\":\"USD\",\"amount\":\"9.00\"},"
	                      "\"reserved\":{\"currencyCode\":\"USD\",\"amount\":\"0.00\"}}");
	numbering_free(out);
	ck_assert_int_eq(call(store, &out, "ListBillingEntries", "{\"parent\":\"projects/p1\",\"pageSize\":2}"),
	                 NUMBERING_OK);
	ck_assert_msg(strstr(out, "\"billingEntries\":[{\"name\":\"projects/p1/billingEntries/3\"") != NULL &&
	                  strstr(out, "projects/p1/billingEntries/2") != NULL &&
	                  strstr(out, "projects/p1/billingEntries/1") == NULL &&
	                  strstr(out, "\"nextPageToken\":\"\"") == NULL,
	              "%s", out);
	const char *t = strstr(out, "\"nextPageToken\":\"") + strlen("\"nextPageToken\":\"");
	char request[512];
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p1\",\"pageSize\":2,\"pageToken\":\"%.*s\"}",
	         (int)(strchr(t, '"') - t), t);
	numbering_free(out);
	ck_assert_int_eq(call(store, &out, "ListBillingEntries", request), NUMBERING_OK);
	ck_assert_msg(strstr(out, "projects/p1/billingEntries/1\"") != NULL && strstr(out, "billingEntries/2") == NULL &&
	                  strstr(out, "\"nextPageToken\":\"\"") != NULL,
	              "%s", out);
	numbering_free(out);
	ck_assert_int_eq(call(store, &out, "ListBillingEntries", "{\"parent\":\"projects/none\"}"), NUMBERING_OK);
	ck_assert_str_eq(out, "{\"billingEntries\":[],\"nextPageToken\":\"\"}");
	numbering_free(out);
	/* Currencies with 0 and 3 digits. */
	ck_assert_int_eq(call(store, &out, "AdjustBillingAccount",
	                      "{\"parent\":\"projects/jp\",\"amount\":{\"currencyCode\":\"JPY\",\"amount\":\"500\"},"
	                      "\"reason\":\"x\"}"),
	                 NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(out, "\"balanceAfter\":{\"currencyCode\":\"JPY\",\"amount\":\"500\"}"));
	numbering_free(out);
	ck_assert_int_eq(call(store, &out, "AdjustBillingAccount",
	                      "{\"parent\":\"projects/bh\",\"amount\":{\"currencyCode\":\"BHD\",\"amount\":\"1.234\"},"
	                      "\"reason\":\"x\"}"),
	                 NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(out, "\"balanceAfter\":{\"currencyCode\":\"BHD\",\"amount\":\"1.234\"}"));
	numbering_free(out);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 3);
}

START_TEST(json_adjust_get_list)
{
	on_both_backends(json_calls);
}
END_TEST

#define ADJ(amount_json, extra) \
	"{\"parent\":\"projects/p1\",\"amount\":" amount_json ",\"reason\":\"x\"" extra "}"

static void json_errors(numbering_store *store)
{
	adjust_ok(store, P1, "USD", 100);
	adjust_ok(store, "projects/jp", "JPY", 100);
	adjust_ok(store, "projects/bh", "BHD", 100);
	/* More fraction digits than the currency has. */
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"1.505\"}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount.amount");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"-0.001\"}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount.amount");
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/jp\",\"amount\":{\"currencyCode\":\"JPY\",\"amount\":\"1.5\"},"
	                  "\"reason\":\"x\"}",
	                  NUMBERING_INVALID_ARGUMENT, "amount.amount");
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/bh\",\"amount\":{\"currencyCode\":\"BHD\",\"amount\":\"1.2345\"},"
	                  "\"reason\":\"x\"}",
	                  NUMBERING_INVALID_ARGUMENT, "amount.amount");
	/* Malformed amounts. */
	const char *bad[] = {"\"\"", "\"-\"", "\"+1\"", "\"--1\"", "\"1.\"", "\".5\"", "\"1e3\"", "\" 1\"", "\"1,000\"",
	                     "\"92233720368547758.08\"", "\"-92233720368547758.08\"", "null"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char request[256];
		snprintf(request, sizeof(request),
		         "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":%s},\"reason\":\"x\"}",
		         bad[i]);
		expect_json_error(store, "AdjustBillingAccount", request, NUMBERING_INVALID_ARGUMENT, "amount.amount");
	}
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":1.5}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount.amount");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"0.00\"}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"-0\"}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount");
	expect_json_error(store, "AdjustBillingAccount", "{\"parent\":\"projects/p1\",\"reason\":\"x\"}",
	                  NUMBERING_INVALID_ARGUMENT, "amount");
	expect_json_error(store, "AdjustBillingAccount", ADJ("\"1.00\"", ""), NUMBERING_INVALID_ARGUMENT, "amount");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"amount\":\"1.00\"}", ""), NUMBERING_INVALID_ARGUMENT,
	                  "amount.currencyCode");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"XYZ\",\"amount\":\"1.00\"}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount.currencyCode");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"1\",\"x\":1}", ""),
	                  NUMBERING_INVALID_ARGUMENT, "amount.x");
	/* Another currency than the account's. */
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"EUR\",\"amount\":\"1.00\"}", ""),
	                  NUMBERING_FAILED_PRECONDITION, "amount.currencyCode");
	/* Overflow. */
	expect_json_error(store, "AdjustBillingAccount",
	                  ADJ("{\"currencyCode\":\"USD\",\"amount\":\"92233720368547758.07\"}", ""),
	                  NUMBERING_OUT_OF_RANGE, "amount");
	/* The reason. */
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"1\"}}",
	                  NUMBERING_INVALID_ARGUMENT, "reason");
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"1\"}", ",\"x\":1"),
	                  NUMBERING_INVALID_ARGUMENT, "x");
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"1\"},"
	                  "\"reason\":\"a\\u0001b\"}",
	                  NUMBERING_INVALID_ARGUMENT, "reason");
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"1\"},"
	                  "\"reason\":\"a\\u0000b\"}",
	                  NUMBERING_INVALID_ARGUMENT, "reason");
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"1\"},"
	                  "\"reason\":7}",
	                  NUMBERING_INVALID_ARGUMENT, "reason");
	expect_json_error(store, "AdjustBillingAccount",
	                  "{\"parent\":\"projects/p\\u0000\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"1\"},"
	                  "\"reason\":\"x\"}",
	                  NUMBERING_INVALID_ARGUMENT, "parent");
	expect_json_error(store, "AdjustBillingAccount",
	                  ADJ("{\"currencyCode\":\"USD\",\"amount\":\"1\"}", ",\"requestId\":\"a\\u0000b\""),
	                  NUMBERING_INVALID_ARGUMENT, "requestId");
	expect_json_error(store, "AdjustBillingAccount",
	                  ADJ("{\"currencyCode\":\"USD\",\"amount\":\"1\"}", ",\"requestId\":\"a/b\""),
	                  NUMBERING_INVALID_ARGUMENT, "requestId");
	/* Below what is available. */
	expect_json_error(store, "AdjustBillingAccount", ADJ("{\"currencyCode\":\"USD\",\"amount\":\"-1.01\"}", ""),
	                  NUMBERING_FAILED_PRECONDITION, "amount");
	expect_json_error(store, "ListBillingEntries", "{\"parent\":\"projects/p1\",\"pageSize\":1001}",
	                  NUMBERING_INVALID_ARGUMENT, "pageSize");
	expect_json_error(store, "ListBillingEntries", "{\"parent\":\"projects/p1\",\"pageToken\":\"zz\"}",
	                  NUMBERING_INVALID_ARGUMENT, "pageToken");
	/* Nothing of it was written. */
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 1);
	ck_assert_int_eq(ledger_check(store, NULL, "projects/jp", 0, NULL), 1);
	ck_assert_int_eq(ledger_check(store, NULL, "projects/bh", 0, NULL), 1);
}

START_TEST(json_refusals_name_the_field)
{
	on_both_backends(json_errors);
}
END_TEST

/* A debit's amount in a refusal is the text given, sign and all: the message quoted
 * it without its '-' (and counted bytes from after it), called "--5" a negative price,
 * and "-" a missing amount. */
static void debit_errors(numbering_store *store)
{
	static const struct {
		const char *amount, *text;
	} cases[] = {
		{"-1.005", "amount \"-1.005\" is not a signed amount of USD: byte 5, past the decimal places"},
		{"--5", "amount \"--5\" is not a signed amount of USD: a second sign at byte 1"},
		{"-+5", "amount \"-+5\" is not a signed amount of USD: a second sign at byte 1"},
		{"-", "amount \"-\" is not a signed amount of USD: no digits after the '-'"},
		{"- 5", "amount \"- 5\" is not a signed amount of USD: white space at byte 1"},
		{"-1e3", "amount \"-1e3\" is not a signed amount of USD: an exponent at byte 2"},
		{"-92233720368547758.08", "amount \"-92233720368547758.08\" is not a signed amount of USD: it is too large"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char request[256];
		snprintf(request, sizeof(request),
		         "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"%s\"},\"reason\":\"x\"}",
		         cases[i].amount);
		expect_json_error(store, "AdjustBillingAccount", request, NUMBERING_INVALID_ARGUMENT, "amount.amount");
		char *out = NULL;
		ck_assert_int_eq(call(store, &out, "AdjustBillingAccount", request), NUMBERING_INVALID_ARGUMENT);
		ck_assert_msg(strstr(numbering_error_message(), cases[i].text) != NULL, "%s: \"%s\" lacks \"%s\"",
		              cases[i].amount, numbering_error_message(), cases[i].text);
		numbering_free(out);
	}
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, NULL), 0);
}

START_TEST(json_debits_quote_the_amount_given)
{
	on_both_backends(debit_errors);
}
END_TEST

/* ---- The internal interface (service/billing.h) ---- */

static int post(numbering_store *store, struct numbering__account *a, const struct numbering__entry_in *e, char *name)
{
	int rc = numbering__begin(store);
	if (rc == NUMBERING_OK && (rc = numbering__account_post(store, a, e, name)) == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

static int reserve(numbering_store *store, struct numbering__account *a, const char *currency, int64_t amount)
{
	int rc = numbering__begin(store);
	if (rc == NUMBERING_OK && (rc = numbering__account_reserve(store, a, currency, amount)) == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

static int unreserve(numbering_store *store, struct numbering__account *a, int64_t amount)
{
	int rc = numbering__begin(store);
	if (rc == NUMBERING_OK && (rc = numbering__account_unreserve(store, a, amount)) == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

static int64_t store_time(numbering_store *store)
{
	int64_t now = 0;
	ck_assert_int_eq(numbering__next_time(store, &now), NUMBERING_OK);
	return now;
}

/* A REQUEST record's body, as the backend holds it. */
struct key_record {
	size_t len;
	uint8_t body[64];
};

static int key_visit(const numbering_record *record, void *payload)
{
	struct key_record *k = payload;
	k->len = record->body_len;
	memcpy(k->body, record->body, record->body_len < sizeof(k->body) ? record->body_len : sizeof(k->body));
	return 0;
}

static int get_key_record(numbering_store *store, struct key_record *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	return numbering__backend_get_record(store, NUMBERING__KIND_REQUEST, name, key_visit, k);
}

/* Puts the REQUEST record @name of projects/p1 with @body (inside the caller's lock). */
static void put_key_record(numbering_store *store, const char *name, const uint8_t *body, size_t len)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_REQUEST;
	r.name = name;
	r.parent = "projects/*/p1";
	r.sort_key = 1;
	r.body = body;
	r.body_len = len;
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__backend_put_record(store, &r), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
}

static void internal_calls(numbering_store *store)
{
	struct numbering__account a;
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
	ck_assert_str_eq(a.project, P1);
	ck_assert_str_eq(a.currency, "");
	ck_assert_int_eq(a.balance + a.reserved + a.entries, 0);
	/* No entry yet: any currency goes, and nothing can be reserved. */
	ck_assert_int_eq(numbering__account_check_currency(&a, "EUR", "price"), NUMBERING_OK);
	char details[NUMBERING__BILLING_DETAILS_SIZE];
	ck_assert_int_eq(numbering__account_short(&a, "USD", 300, details, sizeof(details)), 1);
	ck_assert_str_eq(details, "insufficient balance: needed USD 3.00, available USD 0.00");
	ck_assert_int_eq(numbering__account_short(&a, "USD", 0, details, sizeof(details)), 0);
	ck_assert_str_eq(details, "");
	expect_field(reserve(store, &a, "USD", 1), NUMBERING_FAILED_PRECONDITION, "amount", "needed USD 0.01");
	struct numbering__entry_in top = {"USD", 500, 0, "top-up", "", NULL, store_time(store)};
	char name[NUMBERING__ENTRY_NAME_SIZE];
	ck_assert_int_eq(post(store, &a, &top, name), NUMBERING_OK);
	ck_assert_str_eq(name, "projects/p1/billingEntries/1");
	ck_assert_str_eq(a.currency, "USD");
	expect_field(numbering__account_check_currency(&a, "EUR", "price"), NUMBERING_FAILED_PRECONDITION, "price",
	             "no conversion");
	expect_field(numbering__account_check_currency(&a, "QQQ", "price"), NUMBERING_INVALID_ARGUMENT, "price", "");
	/* Reserve, then charge out of the reserve. */
	ck_assert_int_eq(reserve(store, &a, "USD", 300), NUMBERING_OK);
	ck_assert_int_eq(a.reserved, 300);
	ck_assert_int_eq(numbering__account_short(&a, "USD", 201, details, sizeof(details)), 1);
	ck_assert_str_eq(details, "insufficient balance: needed USD 2.01, available USD 2.00");
	ck_assert_int_eq(numbering__account_short(&a, "USD", 200, NULL, 0), 0);
	expect_field(reserve(store, &a, "USD", 201), NUMBERING_FAILED_PRECONDITION, "amount",
	             "insufficient balance: needed USD 2.01, available USD 2.00");
	expect_field(reserve(store, &a, "EUR", 1), NUMBERING_FAILED_PRECONDITION, "amount", "no conversion");
	expect_field(reserve(store, &a, "USD", -1), NUMBERING_INVALID_ARGUMENT, "amount", "negative");
	struct numbering__entry_in charge = {"USD",  -300, 1, "purchase", "projects/p1/phoneNumberPurchases/x",
	                                     "projects/p1/subscriptions/s#1", store_time(store)};
	ck_assert_int_eq(post(store, &a, &charge, NULL), NUMBERING_OK);
	ck_assert_int_eq(a.balance, 200);
	ck_assert_int_eq(a.reserved, 0);
	ck_assert_int_eq(a.entries, 2);
	int found = 0;
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#1", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#2", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(numbering__account_charged(store, P2, "projects/p1/subscriptions/s#1", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(numbering__account_charged(store, P1, NULL, &found), NUMBERING_OK);
	ck_assert_int_eq(found, 0);
	/* A charge key is charged once. */
	charge.from_reserve = 0;
	charge.amount = -100;
	expect_field(post(store, &a, &charge, NULL), NUMBERING_ALREADY_EXISTS, "chargeKey", "already holds the charge");
	/* The key is the entry's own first key: no REQUEST record "#" + key is written. */
	struct key_record kr;
	ck_assert_int_eq(get_key_record(store, &kr, "projects/*/p1/requests/#projects/p1/subscriptions/s#1"),
	                 NUMBERING_NOT_FOUND);
	numbering_error_clear();
	/* Stores written before kept one beside the entry (41 bytes: 32 zero, 'K', the entry's
	 * number): it is not read, so a damaged one changes nothing. */
	uint8_t old_key[41] = {0};
	old_key[32] = 'K';
	old_key[33] = 2;
	put_key_record(store, "projects/*/p1/requests/#projects/p1/subscriptions/s#1", old_key, 33);
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#1", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 1);
	expect_field(post(store, &a, &charge, NULL), NUMBERING_ALREADY_EXISTS, "chargeKey", "already holds the charge");
	put_key_record(store, "projects/*/p1/requests/#projects/p1/subscriptions/s#1", old_key, sizeof(old_key));
	/* Out of the reserve, no more than it holds; unreserving likewise. */
	charge.charge_key = "projects/p1/subscriptions/s#2";
	charge.from_reserve = 1;
	expect_field(post(store, &a, &charge, NULL), NUMBERING_FAILED_PRECONDITION, "amount", "more than the reserve");
	ck_assert_int_eq(reserve(store, &a, "USD", 150), NUMBERING_OK);
	expect_field(unreserve(store, &a, 151), NUMBERING_FAILED_PRECONDITION, "amount", "cannot be given back");
	expect_field(unreserve(store, &a, -1), NUMBERING_FAILED_PRECONDITION, "amount", "");
	ck_assert_int_eq(unreserve(store, &a, 150), NUMBERING_OK);
	ck_assert_int_eq(a.reserved, 0);
	/* A charge that is not checked first may take the balance below 0: it reads back. */
	charge.from_reserve = 0;
	charge.amount = -1000;
	ck_assert_int_eq(post(store, &a, &charge, name), NUMBERING_OK);
	ck_assert_str_eq(name, "projects/p1/billingEntries/3");
	ck_assert_int_eq(a.balance, -800);
	ck_assert_int_eq(numbering__account_short(&a, "USD", 1, details, sizeof(details)), 1);
	ck_assert_str_eq(details, "insufficient balance: needed USD 0.01, available USD -8.00");
	/* Bad entries: nothing written. */
	struct numbering__entry_in bad = {"USD", 1, 0, NULL, "", NULL, store_time(store)};
	expect_field(post(store, &a, &bad, NULL), NUMBERING_INVALID_ARGUMENT, "reason", "");
	bad.reason = "a\nb";
	expect_field(post(store, &a, &bad, NULL), NUMBERING_INVALID_ARGUMENT, "reason", "");
	bad.reason = "ok";
	bad.resource = "x\x01";
	expect_field(post(store, &a, &bad, NULL), NUMBERING_INVALID_ARGUMENT, "resource", "");
	bad.resource = "";
	bad.time = 0;
	expect_field(post(store, &a, &bad, NULL), NUMBERING_INVALID_ARGUMENT, "time", "");
	bad.time = store_time(store);
	bad.currency = "EUR";
	expect_field(post(store, &a, &bad, NULL), NUMBERING_FAILED_PRECONDITION, "amount", "no conversion");
	bad.currency = "USD";
	bad.amount = INT64_MIN;
	expect_field(post(store, &a, &bad, NULL), NUMBERING_OUT_OF_RANGE, "amount", "");
	bad.amount = -INT64_MAX;
	expect_field(post(store, &a, &bad, NULL), NUMBERING_OUT_OF_RANGE, "amount", "");
	struct numbering__account reread;
	ck_assert_int_eq(numbering__account_load(&reread, store, P1), NUMBERING_OK);
	ck_assert_int_eq(memcmp(&reread, &a, offsetof(struct numbering__account, pending_body)), 0);
	numbering__rwlock_wrunlock(&store->lock);
	int64_t balance = 0;
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, &balance), 3);
	ck_assert_int_eq(balance, -800);
	/* The charge names what it paid for. */
	numbering_billing_entry_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_billing_entry_resource(numbering_billing_entry_page_item(page, 1)),
	                 "projects/p1/phoneNumberPurchases/x");
	ck_assert_str_eq(numbering_billing_entry_reason(numbering_billing_entry_page_item(page, 1)), "purchase");
	numbering_billing_entry_page_free(page);
}

START_TEST(internal_interface)
{
	on_both_backends(internal_calls);
}
END_TEST

/* A backend that answers no key find (NUMBERING__CONTROL_KEY_FIND), as one outside the
 * library would: the ledger lists the project's entries with the key as a filter. */
struct no_key_find {
	numbering_backend base;
	numbering_backend *inner;
	int asked;
};

static numbering_backend *nk_inner(numbering_backend *b)
{
	return ((struct no_key_find *)b)->inner;
}

static int nk_begin(numbering_backend *b)
{
	return nk_inner(b)->begin(nk_inner(b));
}

static int nk_commit(numbering_backend *b)
{
	return nk_inner(b)->commit(nk_inner(b));
}

static int nk_rollback(numbering_backend *b)
{
	return nk_inner(b)->rollback(nk_inner(b));
}

static int nk_put(numbering_backend *b, const numbering_record *r)
{
	return nk_inner(b)->put(nk_inner(b), r);
}

static int nk_remove(numbering_backend *b, int kind, const char *name)
{
	return nk_inner(b)->remove(nk_inner(b), kind, name);
}

static int nk_get(numbering_backend *b, int kind, const char *name, numbering_record_visit_cb visit, void *payload)
{
	return nk_inner(b)->get(nk_inner(b), kind, name, visit, payload);
}

static int nk_find(numbering_backend *b, int digits, uint64_t first, uint64_t last, numbering_record_visit_cb visit,
                   void *payload)
{
	return nk_inner(b)->find(nk_inner(b), digits, first, last, visit, payload);
}

static int nk_list(numbering_backend *b, const numbering_record_query *query, numbering_record_visit_cb visit,
                   void *payload)
{
	return nk_inner(b)->list(nk_inner(b), query, visit, payload);
}

static int nk_control(numbering_backend *b, int op, void *arg)
{
	if (op == NUMBERING__CONTROL_KEY_FIND) {
		((struct no_key_find *)b)->asked++;
		return NUMBERING_UNIMPLEMENTED;
	}
	return nk_inner(b)->control(nk_inner(b), op, arg);
}

static void nk_free(numbering_backend *b)
{
	nk_inner(b)->free(nk_inner(b));
	free(b);
}

START_TEST(charge_keys_without_the_key_index)
{
	struct no_key_find *b = calloc(1, sizeof(*b));
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(numbering_memory_backend_new(&b->inner), NUMBERING_OK);
	b->base.version = NUMBERING_BACKEND_VERSION;
	b->base.begin = nk_begin;
	b->base.commit = nk_commit;
	b->base.rollback = nk_rollback;
	b->base.put = nk_put;
	b->base.remove = nk_remove;
	b->base.get = nk_get;
	b->base.find = nk_find;
	b->base.list = nk_list;
	b->base.control = nk_control;
	b->base.free = nk_free;
	numbering_store *store = NULL;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = &b->base;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	numbering__rwlock_wrlock(&store->lock);
	struct numbering__account a;
	ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
	struct numbering__entry_in top = {"USD", 500, 0, "top-up", "", NULL, store_time(store)};
	ck_assert_int_eq(post(store, &a, &top, NULL), NUMBERING_OK);
	struct numbering__entry_in charge = {"USD", -100, 0, "renewal", "projects/p1/subscriptions/s",
	                                     "projects/p1/subscriptions/s#2", store_time(store)};
	ck_assert_int_eq(post(store, &a, &charge, NULL), NUMBERING_OK);
	charge.charge_key = "projects/p1/subscriptions/s#3";
	ck_assert_int_eq(post(store, &a, &charge, NULL), NUMBERING_OK);
	int asked = b->asked;
	ck_assert_int_ge(asked, 2);
	/* Each key is found by the list, in this project only; charged once. */
	int found = 0;
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#2", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#3", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#4", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(numbering__account_charged(store, P2, "projects/p1/subscriptions/s#2", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 0);
	charge.charge_key = "projects/p1/subscriptions/s#2";
	expect_field(post(store, &a, &charge, NULL), NUMBERING_ALREADY_EXISTS, "chargeKey", "already holds the charge");
	ck_assert_int_gt(b->asked, asked);
	ck_assert_int_eq(a.entries, 3);
	numbering__rwlock_wrunlock(&store->lock);
	int64_t balance = 0;
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, &balance), 3);
	ck_assert_int_eq(balance, 300);
	numbering_store_close(store);
}
END_TEST

/* A file store reopened: its memory store indexes the keys of the entries it read back
 * at the first charge, those of a store written before the key index (entries with
 * their keys, and a REQUEST record per key, not read) included. */
START_TEST(charge_keys_found_after_a_reopen)
{
	struct file_store f;
	file_open(&f);
	numbering_store *store = f.store;
	numbering__rwlock_wrlock(&store->lock);
	struct numbering__account a;
	ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
	struct numbering__entry_in top = {"USD", 500, 0, "top-up", "", NULL, store_time(store)};
	ck_assert_int_eq(post(store, &a, &top, NULL), NUMBERING_OK);
	struct numbering__entry_in charge = {"USD", -100, 0, "renewal", "projects/p1/subscriptions/s",
	                                     "projects/p1/subscriptions/s#2", store_time(store)};
	ck_assert_int_eq(post(store, &a, &charge, NULL), NUMBERING_OK);
	uint8_t old_key[41] = {0};
	old_key[32] = 'K';
	old_key[33] = 2;
	put_key_record(store, "projects/*/p1/requests/#projects/p1/subscriptions/s#2", old_key, sizeof(old_key));
	numbering__rwlock_wrunlock(&store->lock);
	numbering_store_close(store);
	store = f.store = fixture_open_file(f.path);
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
	ck_assert_int_eq(a.entries, 2);
	/* Before any charge (no transaction yet: the list answers), then inside one. */
	int found = 0;
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#2", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 1);
	expect_field(post(store, &a, &charge, NULL), NUMBERING_ALREADY_EXISTS, "chargeKey", "already holds the charge");
	charge.charge_key = "projects/p1/subscriptions/s#3";
	ck_assert_int_eq(post(store, &a, &charge, NULL), NUMBERING_OK);
	expect_field(post(store, &a, &charge, NULL), NUMBERING_ALREADY_EXISTS, "chargeKey", "already holds the charge");
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#2", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(numbering__account_charged(store, P1, "projects/p1/subscriptions/s#4", &found), NUMBERING_OK);
	ck_assert_int_eq(found, 0);
	numbering__rwlock_wrunlock(&store->lock);
	int64_t balance = 0;
	ck_assert_int_eq(ledger_check(store, NULL, P1, 0, &balance), 3);
	ck_assert_int_eq(balance, 300);
	file_close(&f);
}
END_TEST

/* A random sequence of adjustments, reserves, charges out of the reserve, releases
 * and keyed charges: the invariant holds after every step, on both backends. */
static void random_sequence(numbering_store *store)
{
	unsigned seed = 12345;
	int64_t model_balance = 0, model_reserved = 0, model_entries = 0;
	for (int step = 0; step < 300; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		int op = (int)(r % 5);
		int64_t amount = (int64_t)((r >> 3) % 5000) - 1000;
		int rc;
		if (op == 0 || op == 1) {
			numbering_billing_entry *e = NULL;
			rc = numbering_store_adjust_billing_account(&e, store, NULL, P1, "USD", amount, "random",
			                                            (r & 64) ? "same-id" : NULL);
			if (rc == NUMBERING_OK) {
				int64_t n = strtoll(strrchr(numbering_billing_entry_name(e), '/') + 1, NULL, 10);
				if (n > model_entries) {
					model_entries = n;
					model_balance += amount;
				}
			} else {
				ck_assert_msg(rc == NUMBERING_FAILED_PRECONDITION || rc == NUMBERING_INVALID_ARGUMENT,
				              "step %d: %s", step, numbering_error_message());
			}
			numbering_billing_entry_free(e);
		} else {
			struct numbering__account a;
			numbering__rwlock_wrlock(&store->lock);
			ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
			int64_t take = amount < 0 ? -amount : amount;
			if (op == 2) {
				rc = reserve(store, &a, "USD", take);
				if (rc == NUMBERING_OK)
					model_reserved += take;
			} else if (op == 3) {
				int64_t part = a.reserved == 0 ? 0 : take % (a.reserved + 1);
				if (part > 0) {
					char key[32];
					snprintf(key, sizeof(key), "k#%d", step % 40);
					struct numbering__entry_in e = {"USD", -part, 1, "purchase", "projects/p1/x", key,
					                                store_time(store)};
					rc = post(store, &a, &e, NULL);
					if (rc == NUMBERING_OK) {
						model_reserved -= part;
						model_balance -= part;
						model_entries++;
					} else {
						ck_assert_int_eq(rc, NUMBERING_ALREADY_EXISTS);
					}
				}
			} else {
				rc = unreserve(store, &a, take % (a.reserved + 1));
				ck_assert_int_eq(rc, NUMBERING_OK);
				model_reserved = a.reserved;
			}
			numbering__rwlock_wrunlock(&store->lock);
		}
		int64_t balance = 0;
		ck_assert_int_eq(ledger_check(store, NULL, P1, 1 + step % 17, &balance), model_entries);
		ck_assert_int_eq(balance, model_balance);
		numbering_billing_account *account = NULL;
		ck_assert_int_eq(numbering_store_get_billing_account(&account, store, NULL, P1), NUMBERING_OK);
		ck_assert_int_eq(numbering_billing_account_reserved(account), model_reserved);
		ck_assert_int_le(numbering_billing_account_reserved(account), numbering_billing_account_balance(account));
		numbering_billing_account_free(account);
	}
	ck_assert_int_gt(model_entries, 50);
}

START_TEST(random_sequence_keeps_the_invariant)
{
	on_both_backends(random_sequence);
}
END_TEST

/* ---- Damaged records ---- */

struct damage {
	int records;
	int cases;
};

static int damage_visit(const numbering_record *record, void *payload)
{
	struct damage *d = payload;
	d->records++;
	d->cases += record_damage_check_all(record);
	return 0;
}

/* Every record of kinds 9 and 10 a store writes (an account with a reserve, entries
 * with and without a charge key, resource and reserve flag, negative amounts), cut at
 * every length and each bit flipped: read whole or as DATA_LOSS, never past its bytes
 * (exact-size copies, so ASan sees an overread). Keys that do not fit are DATA_LOSS. */
START_TEST(damaged_billing_records)
{
	numbering_backend *backend = NULL;
	numbering_store *store = fixture_open_memory(&backend);
	adjust_ok(store, P1, "USD", 100000);
	adjust_ok(store, P1, "USD", -99);
	struct numbering__account a;
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
	ck_assert_int_eq(reserve(store, &a, "USD", 500), NUMBERING_OK);
	struct numbering__entry_in e = {"USD", -400, 1, "purchase", "projects/p1/phoneNumberPurchases/abc", "p#1",
	                                store_time(store)};
	ck_assert_int_eq(post(store, &a, &e, NULL), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	struct damage d = {0, 0};
	for (int kind = NUMBERING__KIND_BILLING_ACCOUNT; kind <= NUMBERING__KIND_BILLING_ENTRY; kind++) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = kind;
		q.parent = P1;
		ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	}
	ck_assert_int_eq(d.records, 4); /* the account and three entries */
	ck_assert_int_gt(d.cases, 500);
	/* Keys that do not match the body or the name. */
	struct raw r = {0, 0, {0}};
	ck_assert_int_eq(backend->get(backend, NUMBERING__KIND_BILLING_ENTRY, "projects/p1/billingEntries/3", raw_visit, &r),
	                 NUMBERING_OK);
	numbering_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.version = NUMBERING_RECORD_VERSION;
	rec.kind = NUMBERING__KIND_BILLING_ENTRY;
	rec.name = "projects/p1/billingEntries/3";
	rec.parent = P1;
	rec.sort_key = 3;
	rec.keys[0] = "p#1";
	rec.body = r.body;
	rec.body_len = r.len;
	ck_assert_int_eq(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_OK);
	rec.keys[0] = "p#2";
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "chargeKey");
	rec.keys[0] = NULL;
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "chargeKey");
	rec.keys[0] = "p#1";
	rec.sort_key = 4;
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "name");
	rec.sort_key = 0;
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "sortKey");
	rec.sort_key = 3;
	rec.parent = "projects/p2";
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "name");
	rec.parent = "nonsense";
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "parent");
	rec.parent = P1;
	rec.expires = 5;
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "keys");
	rec.expires = 0;
	rec.kind = NUMBERING__KIND_BILLING_ACCOUNT;
	fixture_expect_error(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_DATA_LOSS, "name");
	/* A damaged account is DATA_LOSS through the API, named. */
	r.seen = 0;
	ck_assert_int_eq(backend->get(backend, NUMBERING__KIND_BILLING_ACCOUNT, "projects/p1/billingAccount", raw_visit, &r),
	                 NUMBERING_OK);
	rec.name = "projects/p1/billingAccount";
	rec.sort_key = 0;
	rec.keys[0] = NULL;
	rec.body = r.body;
	rec.body_len = r.len;
	ck_assert_int_eq(numbering__kind_find(rec.kind)->check(&rec), NUMBERING_OK);
	r.body[0] ^= 0x40; /* a presence bit of no attribute */
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	ck_assert_int_eq(backend->put(backend, &rec), NUMBERING_OK);
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	numbering_billing_account *account = NULL;
	fixture_expect_error(numbering_store_get_billing_account(&account, store, NULL, P1), NUMBERING_DATA_LOSS,
	                     "projects/p1/billingAccount");
	ck_assert_ptr_null(account);
	numbering_billing_entry *entry = NULL;
	fixture_expect_error(numbering_store_adjust_billing_account(&entry, store, NULL, P1, "USD", 1, "x", NULL),
	                     NUMBERING_DATA_LOSS, "projects/p1/billingAccount");
	ck_assert_ptr_null(entry);
	numbering_store_close(store);
}
END_TEST

/* ---- Records of several entries (numbering__account_append()) ---- */

/* The records of @project's ledger: how many, and how many entries they hold. */
struct record_count {
	int records;
	int64_t entries;
};

static int count_entry(const struct numbering__entry_view *v, void *payload)
{
	(void)v;
	((struct record_count *)payload)->entries++;
	return 0;
}

static int count_visit(const numbering_record *record, void *payload)
{
	((struct record_count *)payload)->records++;
	ck_assert_int_eq(numbering__billing_entry_each(record, count_entry, payload), NUMBERING_OK);
	return 0;
}

static struct record_count count_records(numbering_store *store, const char *project)
{
	struct record_count c = {0, 0};
	stored_list(store, NUMBERING__KIND_BILLING_ENTRY, project, NUMBERING_RECORD_ORDER_DESCENDING, count_visit, &c);
	return c;
}

/* Appends @k charges of 101, 102 ... to @project's account in one transaction, entry
 * i's attributes varied as a run's and a purchase's are (resources repeated or not,
 * keys "{resource}#{period}" or other, no resource, another reason, out of the
 * reserve); then puts the account, or rolls back when @rollback. */
static void append_charges(numbering_store *store, const char *project, int k, int rollback)
{
	numbering__rwlock_wrlock(&store->lock);
	struct numbering__account a;
	ck_assert_int_eq(numbering__account_load(&a, store, project), NUMBERING_OK);
	int64_t entries = a.entries, balance = a.balance;
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__account_hold(&a, "USD", 1000), NUMBERING_OK);
	for (int i = 0; i < k; i++) {
		char resource[64], key[80], name[NUMBERING__ENTRY_NAME_SIZE];
		snprintf(resource, sizeof(resource), "%s/subscriptions/s%d", project, i / 2);
		snprintf(key, sizeof(key), "%s#%d", resource, 10 + i);
		struct numbering__entry_in e = {"USD", -(100 + i), 0, "renewal", resource, key, store_time(store)};
		if (i % 5 == 3)
			e.charge_key = "a key of another form";
		if (i % 7 == 4) {
			e.resource = "";
			e.charge_key = NULL;
		}
		if (i % 4 == 2)
			e.reason = "renewal, late";
		if (i == 1)
			e.from_reserve = 1;
		ck_assert_int_eq(numbering__account_append(store, &a, &e, name), NUMBERING_OK);
		char want[NUMBERING__ENTRY_NAME_SIZE];
		snprintf(want, sizeof(want), "%s/billingEntries/%" PRId64, project, entries + 1 + i);
		ck_assert_str_eq(name, want);
		balance -= 100 + i;
		ck_assert_int_eq(a.balance, balance);
	}
	ck_assert_int_eq(a.entries, entries + k);
	if (rollback) {
		numbering__rollback(store);
	} else {
		ck_assert_int_eq(numbering__account_put(store, &a), NUMBERING_OK);
		ck_assert_int_eq(a.pending, 0);
		ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	}
	numbering__rwlock_wrunlock(&store->lock);
}

/* What entry @n of @project's charges above says, through the public list. */
static void expect_charge(numbering_store *store, const char *project, int64_t n, int i)
{
	char token[256] = "";
	numbering_billing_entry_page *page = NULL;
	/* One page of one from the top down to n: tokens inside records. */
	for (;;) {
		ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, project, 1, token), NUMBERING_OK);
		ck_assert_int_eq(numbering_billing_entry_page_count(page), 1);
		const numbering_billing_entry *e = numbering_billing_entry_page_item(page, 0);
		char want[NUMBERING__ENTRY_NAME_SIZE];
		snprintf(want, sizeof(want), "%s/billingEntries/%" PRId64, project, n);
		if (strcmp(numbering_billing_entry_name(e), want) == 0) {
			char resource[64];
			snprintf(resource, sizeof(resource), "%s/subscriptions/s%d", project, i / 2);
			ck_assert_int_eq(numbering_billing_entry_amount(e), -(100 + i));
			ck_assert_str_eq(numbering_billing_entry_currency(e), "USD");
			ck_assert_str_eq(numbering_billing_entry_reason(e), i % 4 == 2 ? "renewal, late" : "renewal");
			ck_assert_str_eq(numbering_billing_entry_resource(e), i % 7 == 4 ? "" : resource);
			ck_assert_int_gt(numbering_billing_entry_time(e), 0);
			numbering_billing_entry_page_free(page);
			return;
		}
		snprintf(token, sizeof(token), "%s", numbering_billing_entry_page_next_token(page));
		numbering_billing_entry_page_free(page);
		ck_assert_str_ne(token, "");
	}
}

/* The charge keys of @project's entries, oldest first, into @keys ("-" for none). */
static int key_entry(const struct numbering__entry_view *v, void *payload)
{
	char *keys = payload;
	size_t len = strlen(keys);
	snprintf(keys + len, 8192 - len, "%s%s", len ? "," : "", v->charge_key ? v->charge_key : "-");
	return 0;
}

static int key_list_visit(const numbering_record *record, void *payload)
{
	ck_assert_int_eq(numbering__billing_entry_each(record, key_entry, payload), NUMBERING_OK);
	return 0;
}

static void charge_keys(numbering_store *store, const char *project, char keys[8192])
{
	keys[0] = '\0';
	stored_list(store, NUMBERING__KIND_BILLING_ENTRY, project, NUMBERING_RECORD_ORDER_ASCENDING, key_list_visit, keys);
}

static void several_entries(numbering_store *store)
{
	adjust_ok(store, P1, "USD", 100000);
	append_charges(store, P1, 9, 0);
	adjust_ok(store, P1, "USD", 7);
	append_charges(store, P1, 1, 0);
	append_charges(store, P1, 4, 0);
	append_charges(store, P1, 3, 1); /* rolled back: nothing */
	/* 1 + 9 + 1 + 1 + 4 entries in 5 records. */
	struct record_count c = count_records(store, P1);
	ck_assert_int_eq(c.records, 5);
	ck_assert_int_eq(c.entries, 16);
	/* Newest first in pages of every size, with tokens inside records; names and
	 * balanceAfter (ledger_check), and what each entry says. */
	for (int size = 1; size <= 17; size++)
		ck_assert_int_eq(ledger_check(store, NULL, P1, size, NULL), 16);
	for (int i = 0; i < 9; i++)
		expect_charge(store, P1, 2 + i, i);
	expect_charge(store, P1, 12, 0);
	for (int i = 0; i < 4; i++)
		expect_charge(store, P1, 13 + i, i);
	/* The account: the reserve's charge came out of it. */
	numbering_billing_account *account = NULL;
	ck_assert_int_eq(numbering_store_get_billing_account(&account, store, NULL, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_account_reserved(account), 3 * 1000 - 2 * 101); /* k 9 and 4 */
	numbering_billing_account_free(account);
	/* Each entry keeps its charge key. */
	char keys[8192];
	charge_keys(store, P1, keys);
	const char *want = "-,projects/p1/subscriptions/s0#10,projects/p1/subscriptions/s0#11,"
	                   "projects/p1/subscriptions/s1#12,a key of another form,-,projects/p1/subscriptions/s2#15,"
	                   "projects/p1/subscriptions/s3#16,projects/p1/subscriptions/s3#17,a key of another form,"
	                   "-,projects/p1/subscriptions/s0#10,projects/p1/subscriptions/s0#10,"
	                   "projects/p1/subscriptions/s0#11,projects/p1/subscriptions/s1#12,a key of another form";
	ck_assert_str_eq(keys, want);
	/* A retried adjustment still answers its own entry among them. */
	numbering_billing_entry *e = adjust(store, P1, "USD", 5, "top-up", "again");
	numbering_billing_entry *again = adjust(store, P1, "USD", 5, "top-up", "again");
	ck_assert_str_eq(numbering_billing_entry_name(again), "projects/p1/billingEntries/17");
	ck_assert_int_eq(numbering_billing_entry_balance_after(again), numbering_billing_entry_balance_after(e));
	numbering_billing_entry_free(e);
	numbering_billing_entry_free(again);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 3, NULL), 17);
	/* Another project's ledger is its own. */
	ck_assert_int_eq(ledger_check(store, NULL, P2, 0, NULL), 0);
}

START_TEST(entries_of_one_transaction_are_one_record)
{
	on_both_backends(several_entries);
}
END_TEST

/* A file store reopened reads the records of several entries back the same. */
START_TEST(records_of_several_entries_after_a_reopen)
{
	struct file_store f;
	file_open(&f);
	adjust_ok(f.store, P1, "USD", 100000);
	append_charges(f.store, P1, 6, 0);
	numbering_store_close(f.store);
	f.store = fixture_open_file(f.path);
	struct record_count c = count_records(f.store, P1);
	ck_assert_int_eq(c.records, 2);
	ck_assert_int_eq(c.entries, 7);
	for (int size = 1; size <= 8; size++)
		ck_assert_int_eq(ledger_check(f.store, NULL, P1, size, NULL), 7);
	append_charges(f.store, P1, 2, 0);
	numbering_store_close(f.store);
	f.store = fixture_open_file(f.path);
	ck_assert_int_eq(ledger_check(f.store, NULL, P1, 4, NULL), 9);
	expect_charge(f.store, P1, 9, 1);
	file_close(&f);
}
END_TEST

/* More than an account holds until its put: written as records of their own on the
 * way, an entry too long to hold as one of its own; the ledger reads the same. */
START_TEST(long_runs_are_written_in_several_records)
{
	numbering_store *store = fx.store;
	adjust_ok(store, P1, "USD", 10000000);
	numbering__rwlock_wrlock(&store->lock);
	struct numbering__account a;
	ck_assert_int_eq(numbering__account_load(&a, store, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	char resource[1100];
	for (int i = 0; i < 200; i++) {
		size_t len = (size_t)snprintf(resource, sizeof(resource), "projects/p1/subscriptions/s%d", i);
		if (i == 50 || i == 51) {
			memset(resource + len, 'x', 1000 - len);
			resource[1000] = '\0';
		}
		struct numbering__entry_in e = {"USD", -1 - i, 0, "renewal", resource, NULL, store_time(store)};
		ck_assert_int_eq(numbering__account_append(store, &a, &e, NULL), NUMBERING_OK);
	}
	ck_assert_int_eq(numbering__account_put(store, &a), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	struct record_count c = count_records(store, P1);
	ck_assert_int_eq(c.entries, 201);
	ck_assert_int_gt(c.records, 5);
	ck_assert_int_lt(c.records, 40);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 13, NULL), 201);
	ck_assert_int_eq(ledger_check(store, NULL, P1, 1000, NULL), 201);
}
END_TEST

/* ---- Damaged records of several entries ---- */

struct entry_body {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__BILLING_ENTRY_FIELDS)
};
#define DESCRIBE_BODY(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct entry_body, id, type, json, limit, dflt)
static const struct numbering__field body_rows[] = {NUMBERING__BILLING_ENTRY_FIELDS(DESCRIBE_BODY)};
static const struct numbering__fields body_table = {body_rows, sizeof(body_rows) / sizeof(body_rows[0]), "entry", NULL, NULL};

/* A record of @project's entries @n .. (USD -5, balanceAfter @after, reason "r", time
 * 1000, and one more with @more), its first key @key, built in *@rec (its name in @name,
 * its body in *@body, the caller's to free). */
static void entry_record(numbering_record *rec, struct numbering__buf *body, char name[64], const char *project,
                         int64_t n, int64_t after, const char *more, const char *key)
{
	struct entry_body b;
	memset(&b, 0, sizeof(b));
	memcpy(b.amount.currency, "USD", 4);
	b.amount.minor = -5;
	memcpy(b.balance_after.currency, "USD", 4);
	b.balance_after.minor = after;
	b.reason = "r";
	b.time = 1000;
	b.more = (char *)(uintptr_t)more;
	*body = (struct numbering__buf){NULL, 0, 0};
	ck_assert_int_eq(numbering__fields_encode(&body_table, body, &b), NUMBERING_OK);
	snprintf(name, 64, "%s/billingEntries/%" PRId64, project, n);
	memset(rec, 0, sizeof(*rec));
	rec->version = NUMBERING_RECORD_VERSION;
	rec->kind = NUMBERING__KIND_BILLING_ENTRY;
	rec->name = name;
	rec->parent = project;
	rec->sort_key = n;
	rec->keys[0] = key;
	rec->body = body->ptr;
	rec->body_len = body->len;
}

/* The check of a record of P1's entry n = @n (as entry_record() makes it). */
static int check_more(int64_t n, int64_t after, const char *more, const char *key)
{
	numbering_record rec;
	struct numbering__buf body;
	char name[64];
	entry_record(&rec, &body, name, P1, n, after, more, key);
	int rc = numbering__kind_find(rec.kind)->check(&rec);
	numbering__buf_free(&body);
	return rc;
}

/* Puts a record of @project's entries @n .. (and one more with @more) straight into
 * the backend. */
static void put_raw(numbering_backend *backend, const char *project, int64_t n, int64_t after, const char *more)
{
	numbering_record rec;
	struct numbering__buf body;
	char name[64];
	entry_record(&rec, &body, name, project, n, after, more, NULL);
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	ck_assert_int_eq(backend->put(backend, &rec), NUMBERING_OK);
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	numbering__buf_free(&body);
}

static void expect_list_error(numbering_store *store, const char *parent, int page_size, const char *text)
{
	numbering_billing_entry_page *page = NULL;
	fixture_expect_error(numbering_store_list_billing_entries(&page, store, NULL, parent, page_size, ""),
	                     NUMBERING_DATA_LOSS, text);
	ck_assert_ptr_null(page);
}

/* Records of several entries a store writes, cut at every length and each bit
 * flipped: whole or DATA_LOSS (record_damage_check_all); "more" made by hand: each
 * damage named by the attribute; records that overlap or leave a gap: the listing is
 * DATA_LOSS saying so. */
START_TEST(damaged_records_of_several_entries)
{
	numbering_backend *backend = NULL;
	numbering_store *store = fixture_open_memory(&backend);
	adjust_ok(store, P1, "USD", 100000);
	append_charges(store, P1, 9, 0);
	struct damage d = {0, 0};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_BILLING_ENTRY;
	q.parent = P1;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records, 2);
	ck_assert_int_gt(d.cases, 3000);
	/* A second entry: tag 3 (the same reason), time + 1 (zigzag 2, + 1), amount -5
	 * (zigzag 9, + 1). */
	ck_assert_int_eq(check_more(4, 50, "\x03\x03\x0a", NULL), NUMBERING_OK);
	ck_assert_int_eq(check_more(4, 50, "\x03\x03\x0a\x03\x03\x0a", NULL), NUMBERING_OK);
	/* A record of several entries has no key. */
	fixture_expect_error(check_more(4, 50, "\x03\x03\x0a", "k"), NUMBERING_DATA_LOSS, "chargeKey");
	/* Cut inside an entry. */
	fixture_expect_error(check_more(4, 50, "\x03\x03", NULL), NUMBERING_DATA_LOSS, "more.amount");
	fixture_expect_error(check_more(4, 50, "\x03", NULL), NUMBERING_DATA_LOSS, "more.time");
	fixture_expect_error(check_more(4, 50, "\x03\x03\x0a\x03", NULL), NUMBERING_DATA_LOSS, "more.time");
	fixture_expect_error(check_more(4, 50, "\x01\x03\x0a", NULL), NUMBERING_DATA_LOSS, "more.reason");
	fixture_expect_error(check_more(4, 50, "\x01\x03\x0a\x05xy", NULL), NUMBERING_DATA_LOSS, "more.reason");
	/* A tag of no meaning, a resource "as the previous" after none, out of the
	 * reserve with a credit, a key of a period without a resource. */
	fixture_expect_error(check_more(4, 50, "\x41\x03\x0a", NULL), NUMBERING_DATA_LOSS, "more");
	fixture_expect_error(check_more(4, 50, "\x0f\x03\x0a", NULL), NUMBERING_DATA_LOSS, "more.resource");
	fixture_expect_error(check_more(4, 50, "\x04\x03\x0b", NULL), NUMBERING_DATA_LOSS, "more.fromReserve");
	fixture_expect_error(check_more(4, 50, "\x33\x03\x0a\x02", NULL), NUMBERING_DATA_LOSS, "more");
	/* A balanceAfter chain that leaves int64: balance INT64_MAX - 1, then + 5. */
	fixture_expect_error(check_more(4, INT64_MAX - 1, "\x03\x03\x0b", NULL), NUMBERING_DATA_LOSS,
	                     "more.balanceAfter");
	/* A time going back to before the epoch's start (- 2000: zigzag 3999, + 1). */
	fixture_expect_error(check_more(4, 50, "\x03\xa0\x1f\x0a", NULL), NUMBERING_DATA_LOSS, "more.time");
	/* Numbers past int64. */
	fixture_expect_error(check_more(INT64_MAX, 50, "\x03\x03\x0a", NULL), NUMBERING_DATA_LOSS, "more");
	/* Records that follow each other: entry 1, then 2 .. 3. */
	put_raw(backend, P2, 1, -5, NULL);
	put_raw(backend, P2, 2, -10, "\x03\x03\x0a");
	numbering_billing_entry_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, P2, 0, ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_entry_page_count(page), 3);
	ck_assert_str_eq(numbering_billing_entry_name(numbering_billing_entry_page_item(page, 0)),
	                 "projects/p2/billingEntries/3");
	ck_assert_int_eq(numbering_billing_entry_balance_after(numbering_billing_entry_page_item(page, 0)), -15);
	numbering_billing_entry_page_free(page);
	/* Then 3 .. 4: entry 3 twice. */
	put_raw(backend, P2, 3, -15, "\x03\x03\x0a");
	expect_list_error(store, P2, 0, "overlaps");
	/* p3: entry 1, then 3: entry 2 is missing; p4: 2 .. 3 only, 1 is missing. */
	put_raw(backend, "projects/p3", 1, -5, NULL);
	put_raw(backend, "projects/p3", 3, -15, NULL);
	expect_list_error(store, "projects/p3", 0, "entries 2 .. 2 are missing");
	put_raw(backend, "projects/p4", 2, -10, "\x03\x03\x0a");
	expect_list_error(store, "projects/p4", 0, "entries 1 .. 1 are missing");
	/* A page token that lands on a gap. */
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, store, NULL, "projects/p3", 1, ""), NUMBERING_OK);
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_billing_entry_page_next_token(page));
	numbering_billing_entry_page_free(page);
	page = NULL;
	fixture_expect_error(numbering_store_list_billing_entries(&page, store, NULL, "projects/p3", 1, token),
	                     NUMBERING_DATA_LOSS, "entries 2 .. 2 are missing");
	ck_assert_ptr_null(page);
	numbering_store_close(store);
}
END_TEST

Suite *billing_suite(void)
{
	Suite *s = suite_create("billing");
	TCase *tc = tcase_create("billing");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, new_account_reads_usd_zero);
	tcase_add_test(tc, null_arguments_and_bad_parents);
	tcase_add_test(tc, adjust_get_and_list);
	tcase_add_test(tc, file_store_keeps_the_ledger);
	tcase_add_test(tc, adjust_refusals_change_nothing);
	tcase_add_test(tc, request_ids_answer_the_first_entry);
	tcase_add_test(tc, import_request_ids_keep_their_bytes);
	tcase_add_test(tc, pages_newest_first_with_tokens);
	tcase_add_test(tc, default_page_size);
	tcase_add_test(tc, json_adjust_get_list);
	tcase_add_test(tc, json_refusals_name_the_field);
	tcase_add_test(tc, json_debits_quote_the_amount_given);
	tcase_add_test(tc, internal_interface);
	tcase_add_test(tc, charge_keys_without_the_key_index);
	tcase_add_test(tc, charge_keys_found_after_a_reopen);
	tcase_add_test(tc, random_sequence_keeps_the_invariant);
	tcase_add_test(tc, damaged_billing_records);
	tcase_add_test(tc, entries_of_one_transaction_are_one_record);
	tcase_add_test(tc, records_of_several_entries_after_a_reopen);
	tcase_add_test(tc, long_runs_are_written_in_several_records);
	tcase_add_test(tc, damaged_records_of_several_entries);
	suite_add_tcase(s, tc);
	return s;
}
