/*
 * DUE buckets (billingDue records, docs/RECORDS.md) through numberctl export and
 * import --export (examples/numberctl/export.c), on the memory and the file backend. A
 * store whose subscriptions renew from DUE buckets, one day of them split into shards
 * and one day unsplit, is exported, imported into an empty store of each backend and
 * exported again: the same bytes. The imported stores read every subscription as the
 * original does (after a reopen too), renew each once at the next run as the original
 * does, and export the same bytes as it afterwards. A DUE line whose name is not its
 * sort key's, or a directory whose shards are not a power of two or whose body is cut,
 * is refused naming the field, and the store it was imported into stays empty. Its own runner, as test-export's (the code is numberctl's).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "export-text.h"
#include "rent-setup.h"
#include "temp-dir.h"

#define NS INT64_C(1000000000)
#define DAY (86400 * NS)
#define P1 "projects/p1"
/* 2026-01-31T10:00:00Z */
#define JAN31 (INT64_C(1769853600) * NS)
/* More than a bucket keeps (NUMBERING__DUE_SHARD_ITEMS, 4,096): that day is split. */
#define SPLIT 4400
#define OTHER 20

static char tmpdir[200]; /* temp_dir_make(): under $TMPDIR */
static int64_t clk;

static int64_t test_clock(void *payload)
{
	(void)payload;
	return clk;
}

static numbering_store *open_store(numbering_backend *backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.clock = test_clock;
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
	return store;
}

static numbering_backend *file_backend(const char *path, int must_exist)
{
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	options.sync_mode = NUMBERING_FILE_SYNC_OFF;
	options.must_exist = must_exist;
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &options), NUMBERING_OK);
	return b;
}

static void rent(numbering_store *st, int i)
{
	char number[24]; /* sized for any int: -O2 checks the format against the whole range */
	snprintf(number, sizeof(number), "+120850%05d", i);
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, st, NULL, P1, number, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "rent %s: %s", number, numbering_error_message());
	numbering_active_number_free(a);
}

/* Every subscription of P1 as "name periodsPaid nextChargeDate state\n", in list order. */
static char *subscriptions(numbering_store *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	char token[256] = "";
	do {
		numbering_subscription_page *page = NULL;
		int rc = numbering_store_list_subscriptions(&page, st, NULL, P1, 1000, token);
		ck_assert_msg(rc == NUMBERING_OK, "list: %s", numbering_error_message());
		for (int i = 0; i < numbering_subscription_page_count(page); i++) {
			const numbering_subscription *s = numbering_subscription_page_item(page, i);
			fprintf(out, "%s %" PRId64 " %" PRId64 " %" PRId64 "\n", numbering_subscription_name(s),
			        numbering_subscription_int(s, "periodsPaid"), numbering_subscription_int(s, "nextChargeDate"),
			        numbering_subscription_int(s, "state"));
		}
		snprintf(token, sizeof(token), "%s", numbering_subscription_page_next_token(page));
		numbering_subscription_page_free(page);
	} while (token[0] != '\0');
	fclose(out);
	return text;
}

/* How many lines of @text hold @what. */
static int lines_with(const char *text, const char *what)
{
	int n = 0;
	for (const char *line = text; *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
		const char *at = strstr(line, what);
		n += at != NULL && at < line + len;
		line += len + (end != NULL);
	}
	return n;
}

/* The original: SPLIT subscriptions due on one day, OTHER on the next, all renewed once
 * (into DUE buckets: the first day's split, the second's not). */
static numbering_store *original;
static numbering_backend *original_backend; /* the store's (a store exports through its backend) */
static char *ref, *ref_subs;

static void fill(void)
{
	ck_assert_int_eq(numbering_memory_backend_new(&original_backend), NUMBERING_OK);
	original = open_store(original_backend);
	stock_import_usd(original, "+12085000000-9999", NUMBERING_CAPABILITY_VOICE, 0, 3, 1);
	numbering_billing_entry *e = NULL;
	ck_assert_int_eq(numbering_store_adjust_billing_account(&e, original, NULL, P1, "USD", 1000000, "top-up", NULL),
	                 NUMBERING_OK);
	numbering_billing_entry_free(e);
	clk = JAN31 - 31 * DAY; /* Dec 31: due Jan 31, Feb 28, Mar 31 */
	for (int i = 0; i < OTHER; i++)
		rent(original, SPLIT + i);
	clk = JAN31 - 2 * DAY; /* Jan 29: due Feb 28 (clamped), Mar 29 */
	for (int i = 0; i < SPLIT; i++)
		rent(original, i);
	clk = JAN31 + 28 * DAY + 3600 * NS; /* Feb 28: the first renewals (Dec 31's two periods) */
	numbering_billing_report r = billing_run(original);
	ck_assert_int_eq(r.charged, SPLIT + 2 * OTHER);
	ref = export_text(original_backend, 0, NULL, NULL);
	ref_subs = subscriptions(original);
}

/* Imports the reference into @b (empty), checks it exports as the reference, opens a
 * store on it: the subscriptions read as the original's. */
static numbering_store *imported(numbering_backend *b)
{
	int rc = import_text(b, ref, strlen(ref), NULL);
	ck_assert_msg(rc == NUMBERING_OK, "import: %s", numbering_error_message());
	char *again = export_text(b, 0, NULL, NULL);
	same_export(again, ref);
	free(again);
	numbering_store *st = open_store(b);
	char *subs = subscriptions(st);
	same_export(subs, ref_subs);
	free(subs);
	return st;
}

START_TEST(round_trip_both_backends)
{
	/* The reference holds the split day (its directory and shards) and the other day. */
	ck_assert_int_ge(lines_with(ref, "\"billingDue\""), 4);
	int shards = 0;
	for (const char *p = strstr(ref, "/billingDue/"); p != NULL; p = strstr(p + 1, "/billingDue/")) {
		size_t n = strcspn(p + 12, "\"");
		shards += memchr(p + 12, '.', n) != NULL;
	}
	ck_assert_int_ge(shards, 2);
	numbering_backend *m = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&m), NUMBERING_OK);
	numbering_store *mem = imported(m);
	char path[300];
	snprintf(path, sizeof(path), "%s/due.db", tmpdir);
	numbering_store *file = imported(file_backend(path, 0));
	numbering_store_close(file);
	numbering_backend *f = file_backend(path, 1);
	file = open_store(f);
	char *subs = subscriptions(file);
	same_export(subs, ref_subs);
	free(subs);
	/* The next month's run: each renewed once, as in the original; the same records. */
	clk = JAN31 + 59 * DAY + 3600 * NS;
	numbering_billing_report want = billing_run(original);
	ck_assert_int_eq(want.charged, SPLIT + OTHER);
	numbering_store *stores[2] = {mem, file};
	numbering_backend *backends[2] = {m, f};
	char *after = export_text(original_backend, 0, NULL, NULL);
	for (int i = 0; i < 2; i++) {
		numbering_billing_report got = billing_run(stores[i]);
		ck_assert_int_eq(got.charged, want.charged);
		ck_assert_int_eq(billing_run(stores[i]).charged, 0);
		char *again = export_text(backends[i], 0, NULL, NULL);
		same_export(again, after);
		free(again);
	}
	free(after);
	numbering_store_close(mem);
	numbering_store_close(file);
	unlink(path);
}
END_TEST

/* The reference with the first line holding @from changed: @from replaced by @to. */
static char *changed(const char *from, const char *to)
{
	const char *at = strstr(ref, from);
	ck_assert_ptr_nonnull(at);
	size_t head = (size_t)(at - ref), from_len = strlen(from), to_len = strlen(to);
	char *text = malloc(strlen(ref) - from_len + to_len + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, ref, head);
	memcpy(text + head, to, to_len);
	strcpy(text + head + to_len, at + from_len);
	return text;
}

/* Importing @text into an empty memory store fails naming @field; nothing stays. */
static void refused(const char *text, const char *field)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	int rc = import_text(b, text, strlen(text), NULL);
	ck_assert_msg(rc != NUMBERING_OK, "a damaged DUE line was imported");
	ck_assert_msg(strstr(numbering_error_message(), field) != NULL, "'%s' not in: %s", field,
	              numbering_error_message());
	char *left = export_text(b, 0, NULL, NULL);
	ck_assert_int_eq(lines_with(left, "\"billingDue\""), 0);
	free(left);
	b->free(b);
}

START_TEST(damaged_lines_refused)
{
	/* A shard named as another shard of its day: its sort key says otherwise. */
	const char *shard = strstr(ref, "/billingDue/");
	while (shard != NULL && memchr(shard + 12, '.', strcspn(shard + 12, "\"")) == NULL)
		shard = strstr(shard + 1, "/billingDue/");
	ck_assert_ptr_nonnull(shard);
	size_t n = strcspn(shard, "\"");
	char from[64], to[64];
	ck_assert_uint_lt(n, sizeof(from));
	memcpy(from, shard, n);
	from[n] = '\0';
	snprintf(to, sizeof(to), "%s", from);
	to[n - 1] = to[n - 1] == '0' ? '1' : '0';
	char *text = changed(from, to);
	refused(text, "name");
	free(text);
	/* The split day's directory (body version 2, u32 shards: "Ag..." in base64) with 3
	 * shards, or cut to 4 bytes. */
	const char *dir = ref;
	while ((dir = strstr(dir, "\"body\":\"Ag")) != NULL && strncmp(dir + 16, "\"}", 2) != 0)
		dir++;
	ck_assert_ptr_nonnull(dir);
	snprintf(from, sizeof(from), "%.16s", dir);
	text = changed(from, "\"body\":\"AgMAAAA=");
	refused(text, "shards");
	free(text);
	text = changed(from, "\"body\":\"AgIAAA==");
	refused(text, "version");
	free(text);
}
END_TEST

int main(void)
{
	if (temp_dir_make(tmpdir, sizeof(tmpdir), "due-export") != 0) {
		perror("a temporary directory under $TMPDIR");
		return 1;
	}
	Suite *s = suite_create("due-export");
	TCase *tc = tcase_create("due-export");
	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, fill, NULL);
	tcase_add_test(tc, round_trip_both_backends);
	tcase_add_test(tc, damaged_lines_refused);
	suite_add_tcase(s, tc);
	int failed = export_suite_run(s, tmpdir);
	if (original != NULL)
		numbering_store_close(original);
	free(ref);
	free(ref_subs);
	return failed == 0 ? 0 : 1;
}
