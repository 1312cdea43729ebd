/* Phone ids (service/phone.h, numbering_instance_phone_id()): one on every instance,
 * however it was made, unique and increasing, never reused, kept by a move, given to
 * the instances of an old store at its first writable open; the instance record's
 * keys[0] and the PHONE record (kind 14); over the memory and the file backend. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <numbering/numbering.h>

#include "core/error.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "record-damage.h"
#include "service/backend-call.h"
#include "service/phone.h"
#include "service/service.h"
#include "rent-setup.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"
#include "top-up.h"

#define NS INT64_C(1000000000)
#define P1 "projects/p1"
#define P2 "projects/p2"

static numbering_store *store;
static int64_t clock_now;
static char path[TEMP_PATH_MAX];
static int on_file;

/* Opens @path's store (or a memory store over @backend, or a new one when NULL). */
static numbering_store *open_on(numbering_backend *backend)
{
	return fixture_open_on(backend, &clock_now);
}

static void open_store(int file)
{
	on_file = file;
	clock_now = FIXTURE_EPOCH;
	fixture_case_path(path, sizeof(path), file, "phone-id");
	store = open_on(file ? fixture_file_backend(path, 0) : NULL);
}

static void reopen(void)
{
	ck_assert(on_file);
	numbering_store_close(store);
	store = open_on(fixture_file_backend(path, 0));
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

static numbering_instance *create(const char *parent, const char *number, const char *range_end)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
	if (range_end != NULL)
		ck_assert_int_eq(numbering_instance_set_range_end(request, range_end), NUMBERING_OK);
	int rc = numbering_store_create(&out, store, NULL, parent, request, NULL, NULL, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create %s: %s", number, numbering_error_message());
	numbering_instance_free(request);
	return out;
}

static int64_t id_of(const char *name)
{
	numbering_instance *got = NULL;
	ck_assert_msg(numbering_store_get(&got, store, NULL, name) == NUMBERING_OK, "%s", numbering_error_message());
	int64_t id = numbering_instance_phone_id(got);
	numbering_instance_free(got);
	return id;
}

/* Every way an instance is made gives it the next id: create (single and range), a
 * Sinch rent, a purchase, a split (the new part; the old part keeps its own). */
START_TEST(every_instance_gets_the_next_id)
{
	numbering_instance *a = create(P1, "+12125550100", NULL);
	ck_assert_int_eq(numbering_instance_phone_id(a), 1);
	numbering_instance *r = create(P1, "+12125550200", "+12125550209");
	ck_assert_int_eq(numbering_instance_phone_id(r), 2);
	stock_import_usd(store, "+13125550100-09", NUMBERING_CAPABILITY_SMS, 100, 200, 1);
	top_up(store, P1, "USD", 100000);
	numbering_active_number *rented = NULL;
	ck_assert_msg(numbering_store_rent(&rented, store, NULL, P1, "+13125550101", NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_int_eq(numbering_instance_phone_id(numbering_active_number_instance(rented)), 3);
	numbering_purchase_request pr = NUMBERING_PURCHASE_REQUEST_INIT;
	pr.phone_number = "+13125550102";
	pr.friendly_name = "Main";
	pr.country_code = "US";
	numbering_purchase *bought = NULL;
	ck_assert_msg(numbering_store_create_purchase(&bought, store, NULL, P1, &pr) == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_int_eq(id_of(numbering_purchase_text(bought, "instance")), 4);
	numbering_instance *first = NULL, *second = NULL;
	ck_assert_msg(numbering_store_split_range(&first, &second, store, NULL, numbering_instance_name(r), 4) ==
	                  NUMBERING_OK,
	              "%s", numbering_error_message());
	ck_assert_int_eq(numbering_instance_phone_id(first), 2);
	ck_assert_int_eq(numbering_instance_phone_id(second), 5);
	/* Stored, not only answered: a get reads them back. */
	ck_assert_int_eq(id_of(numbering_instance_name(a)), 1);
	ck_assert_int_eq(id_of(numbering_instance_name(first)), 2);
	ck_assert_int_eq(id_of(numbering_instance_name(second)), 5);
	ck_assert_int_eq(id_of(numbering_instance_name(numbering_active_number_instance(rented))), 3);
	/* Each finds its instance, in its project only. */
	numbering_instance *found = NULL;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	ck_assert_int_eq(numbering__phone_find(store, P1, 5, &found), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(found), numbering_instance_name(second));
	numbering_instance_free(found);
	fixture_expect_error(numbering__phone_find(store, P2, 5, &found), NUMBERING_NOT_FOUND, "phone_id 5");
	ck_assert_ptr_null(found);
	fixture_expect_error(numbering__phone_find(store, P1, 6, &found), NUMBERING_NOT_FOUND, "phone_id 6");
	fixture_expect_error(numbering__phone_find(store, P1, 0, &found), NUMBERING_INVALID_ARGUMENT, "phone_id");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_id");
	numbering__rwlock_rdunlock(&store->lock, slot);
	numbering_instance_free(a);
	numbering_instance_free(r);
	numbering_instance_free(first);
	numbering_instance_free(second);
	numbering_active_number_free(rented);
	numbering_purchase_free(bought);
}
END_TEST

/* The newest instance deleted and the store reopened: its id is not handed out again,
 * nor one a failed create took. A move keeps the id. */
START_TEST(ids_are_never_reused)
{
	numbering_instance *a = create(P1, "+12125550100", NULL);
	numbering_instance *b = create(P1, "+12125550101", NULL);
	ck_assert_int_eq(numbering_instance_phone_id(b), 2);
	numbering_instance *deleted = NULL;
	ck_assert_int_eq(numbering_store_delete(&deleted, store, NULL, numbering_instance_name(b)), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_phone_id(deleted), 2); /* a DELETED instance keeps its id */
	numbering_instance_free(deleted);
	/* A create that fails after it took an id (the numbers are held) leaves a gap. */
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+12125550100"), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, store, NULL, P1, request, NULL, NULL, NULL),
	                     NUMBERING_ALREADY_EXISTS, "");
	numbering_instance_free(request);
	if (on_file)
		reopen();
	numbering_instance *c = create(P1, "+12125550102", NULL);
	ck_assert_int_gt(numbering_instance_phone_id(c), 2);
	int64_t c_id = numbering_instance_phone_id(c);
	/* Move: the id goes with the instance. */
	numbering_instance *moved = NULL;
	ck_assert_msg(numbering_store_move(&moved, store, NULL, numbering_instance_name(a), P2, NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_int_eq(numbering_instance_phone_id(moved), 1);
	ck_assert_int_eq(id_of(numbering_instance_name(moved)), 1);
	if (on_file)
		reopen();
	ck_assert_int_eq(id_of(numbering_instance_name(moved)), 1);
	numbering_instance *d = create(P2, "+12125550103", NULL);
	ck_assert_int_eq(numbering_instance_phone_id(d), c_id + 1);
	numbering_instance_free(a);
	numbering_instance_free(b);
	numbering_instance_free(c);
	numbering_instance_free(d);
	numbering_instance_free(moved);
}
END_TEST

/* numbering__next_id(): its three sequences apart, persisted at commit, a rolled-back
 * id a gap, not a reuse; an unknown sequence refused. */
START_TEST(sequences_persist_and_skip_rolled_back_ids)
{
	int64_t id = 0;
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_APPLICATION, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_APPLICATION, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 2);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_RULE, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_RULE, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 2);
	numbering__rollback(store);
	fixture_expect_error(numbering__next_id(store, NUMBERING__SEQ_COUNT, &id), NUMBERING_INVALID_ARGUMENT,
	                     "sequence 3");
	fixture_expect_error(numbering__next_id(store, -1, &id), NUMBERING_INVALID_ARGUMENT, "sequence -1");
	numbering__rwlock_wrunlock(&store->lock);
	/* The rolled-back rule id is stored with the next commit, whatever it writes: it
	 * may have been seen (a refused request's error) and is never handed out again.
	 * (A store closed before that commit never made it visible.) */
	numbering_instance *a = create(P1, "+12125550100", NULL);
	ck_assert_int_eq(numbering_instance_phone_id(a), 1);
	numbering_instance_free(a);
	if (on_file)
		reopen();
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_RULE, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 3);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_APPLICATION, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 3);
	ck_assert_int_eq(numbering__next_id(store, NUMBERING__SEQ_PHONE, &id), NUMBERING_OK);
	ck_assert_int_eq(id, 2);
	/* Exhausted: OUT_OF_RANGE, nothing handed out. */
	int64_t saved = store->seq_last[NUMBERING__SEQ_PHONE];
	store->seq_last[NUMBERING__SEQ_PHONE] = INT64_MAX;
	fixture_expect_error(numbering__next_id(store, NUMBERING__SEQ_PHONE, &id), NUMBERING_OUT_OF_RANGE, "exhausted");
	store->seq_last[NUMBERING__SEQ_PHONE] = saved;
	numbering__rollback(store);
	numbering__rwlock_wrunlock(&store->lock);
}
END_TEST

/* A store written before phone ids: instance records without keys[0], put with the
 * record API. Read-only, they read as 0; the first writable open gives each one, in
 * create-time order (DELETED ones too), once. */
static void write_old_store(numbering_backend *target, int with_token_key)
{
	/* Instances made on a scratch store, then written to @target as an old library
	 * wrote them: the same body, no phone id key. */
	numbering_instance *x = create(P1, "+12125550100", NULL);
	numbering_instance *y = create(P2, "+12125550200", "+12125550204");
	numbering_instance *z = create(P1, "+12125550101", NULL);
	numbering_instance *gone = NULL;
	ck_assert_int_eq(numbering_store_delete(&gone, store, NULL, numbering_instance_name(z)), NUMBERING_OK);
	numbering_instance *w = create(P1, "+12125550102", NULL);
	numbering_instance *order[] = {w, gone, y, x}; /* not in create order */
	struct numbering__buf body = {NULL, 0, 0};
	ck_assert_int_eq(target->begin(target), NUMBERING_OK);
	for (size_t i = 0; i < 4; i++) {
		order[i]->phone_id = 0;
		numbering_record rec;
		ck_assert_int_eq(numbering__instance_to_record(&rec, &body, order[i]), NUMBERING_OK);
		ck_assert_ptr_null(rec.keys[0]);
		ck_assert_int_eq(target->put(target, &rec), NUMBERING_OK);
	}
	if (with_token_key) {
		unsigned char key[32] = {1};
		numbering_record meta;
		ck_assert_int_eq(numbering__meta_record(&meta, NUMBERING__META_TOKEN_KEY, key, sizeof(key)), NUMBERING_OK);
		ck_assert_int_eq(target->put(target, &meta), NUMBERING_OK);
	}
	ck_assert_int_eq(target->commit(target), NUMBERING_OK);
	numbering__buf_free(&body);
	numbering_instance_free(x);
	numbering_instance_free(y);
	numbering_instance_free(z);
	numbering_instance_free(gone);
	numbering_instance_free(w);
}

static int64_t id_in(numbering_store *s, const char *parent, const char *number)
{
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	int rc = numbering_store_resolve(res, s, NULL, number, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "resolve %s: %s", number, numbering_error_message());
	int64_t id = numbering_instance_phone_id(numbering_resolution_instance(res));
	char project[80];
	ck_assert_int_eq(numbering_instance_project(project, sizeof(project), numbering_resolution_instance(res)),
	                 NUMBERING_OK);
	ck_assert_str_eq(project, parent);
	numbering_resolution_free(res);
	return id;
}

START_TEST(an_old_store_gets_ids_at_its_first_writable_open)
{
	numbering_backend *old = NULL;
	char fixture_path[sizeof(path)]; /* the fixture's store, which teardown unlinks */
	memcpy(fixture_path, path, sizeof(path));
	if (on_file) {
		fixture_temp_store_path(path, sizeof(path), "phone-id-old");
		old = fixture_file_backend(path, 0);
		write_old_store(old, 1);
		old->free(old);
		/* Read-only: as written, ids 0. */
		numbering_store *ro = open_on(fixture_file_backend(path, 1));
		ck_assert_int_eq(id_in(ro, P1, "+12125550100"), 0);
		numbering_store_close(ro);
		old = fixture_file_backend(path, 0);
	} else {
		ck_assert_int_eq(numbering_memory_backend_new(&old), NUMBERING_OK);
		write_old_store(old, 0);
	}
	numbering_store *s = open_on(old);
	/* Create order: x (p1 +0100), y (p2 range), z (deleted), w (p1 +0102). */
	ck_assert_int_eq(id_in(s, P1, "+12125550100"), 1);
	ck_assert_int_eq(id_in(s, P2, "+12125550203"), 2);
	ck_assert_int_eq(id_in(s, P1, "+12125550102"), 4);
	numbering_instance *found = NULL;
	unsigned slot = numbering__rwlock_rdlock(&s->lock);
	ck_assert_int_eq(numbering__phone_find(s, P1, 3, &found), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(found), NUMBERING_LIFECYCLE_DELETED);
	numbering_instance_free(found);
	numbering__rwlock_rdunlock(&s->lock, slot);
	/* The next instance continues the sequence. */
	numbering_store *saved = store;
	store = s;
	numbering_instance *n = create(P2, "+12125550300", NULL);
	ck_assert_int_eq(numbering_instance_phone_id(n), 5);
	numbering_instance_free(n);
	store = saved;
	if (on_file) {
		/* Once: a second open gives nothing (the ids and the sequence stay). */
		numbering_store_close(s);
		s = open_on(fixture_file_backend(path, 0));
		ck_assert_int_eq(id_in(s, P1, "+12125550100"), 1);
		ck_assert_int_eq(id_in(s, P1, "+12125550102"), 4);
		int64_t given = -1;
		numbering__rwlock_wrlock(&s->lock);
		ck_assert_int_eq(numbering__phone_migrate(s, &given), NUMBERING_OK);
		numbering__rwlock_wrunlock(&s->lock);
		ck_assert_int_eq(given, 0);
		numbering_store_close(s);
		unlink(path);
		memcpy(path, fixture_path, sizeof(path));
	} else {
		numbering_store_close(s);
	}
}
END_TEST

/* The instance record's keys[0] is the phone id in decimal and nothing else; its body
 * and a PHONE record's, cut or bit-flipped, read whole or as DATA_LOSS. */
struct damage {
	int instances, phones, cases;
};

static int damage_visit(const numbering_record *record, void *payload)
{
	struct damage *d = payload;
	d->cases += record_damage_check_all(record);
	const struct numbering__kind *kind = numbering__kind_find(record->kind);
	numbering_record copy = *record;
	if (record->kind == NUMBERING__KIND_INSTANCE) {
		d->instances++;
		ck_assert_ptr_nonnull(record->keys[0]);
		static const char *const bad[] = {"0", "01", "-1", "+1", "1a", "12a", "123a", "12 ", "", " 1",
		                                  "9223372036854775808", "99999999999999999999", "10000000000000000000"};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			copy.keys[0] = bad[i];
			ck_assert_msg(kind->check(&copy) == NUMBERING_DATA_LOSS, "keys[0] \"%s\" accepted", bad[i]);
			ck_assert_str_eq(numbering_error_violation_field(0), "keys[0]");
		}
		copy.keys[0] = "9223372036854775807";
		ck_assert_int_eq(kind->check(&copy), NUMBERING_OK);
		copy.keys[0] = NULL; /* an old record */
		ck_assert_int_eq(kind->check(&copy), NUMBERING_OK);
		copy = *record;
		copy.keys[1] = "1";
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	} else {
		ck_assert_int_eq(record->kind, NUMBERING__KIND_PHONE);
		d->phones++;
		copy.sort_key = 0;
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.parent = P2;
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.keys[0] = "77";
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.keys[1] = record->keys[1] ? NULL : "1";
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.keys[2] = "x";
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.expires = record->expires ? 0 : 5;
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.flags = NUMBERING_RECORD_LISTED;
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
		copy = *record;
		copy.name = "projects/p1/phoneNumberInstances/";
		ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	}
	return 0;
}

START_TEST(records_check_their_keys_and_survive_damage)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	numbering_store_close(store);
	store = open_on(backend);
	numbering_instance *a = create(P1, "+12125550100", NULL);
	numbering_instance *r = create(P1, "+12125550200", "+12125550209");
	numbering_instance *c = create(P1, "+12125550300", NULL);
	/* PHONE records: a binding with a rule and a URL; a pending verification. */
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	numbering__phone_clear(&p);
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	p.application_id = 7;
	p.rule_id = 300;
	ck_assert_int_eq(numbering__phone_set_text(&p, "incoming_sms_callback_url", "https://example.com/sms?x=\xc3\xa9"),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_put(store, &p, a), NUMBERING_OK);
	numbering__phone_clear(&p);
	p.verification_status = NUMBERING__VERIFICATION_REQUIRED;
	p.hold_until = FIXTURE_EPOCH + 14 * 86400 * NS;
	p.regulation_address_id = 12;
	ck_assert_int_eq(numbering__phone_set_text(&p, "verification_name", "Jane Roe"), NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_put(store, &p, r), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	numbering__phone_clear(&p);
	struct damage d = {0, 0, 0};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_INSTANCE;
	q.parent = P1;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	q.kind = NUMBERING__KIND_PHONE;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.instances, 3);
	ck_assert_int_eq(d.phones, 2);
	ck_assert_int_gt(d.cases, 500);
	numbering_instance_free(a);
	numbering_instance_free(r);
	numbering_instance_free(c);
}
END_TEST

/* The PHONE record: absent reads as defaults, put and load round trip, all defaults
 * removes it, bad values refused naming them; unbinding by application and by rule;
 * a split copies the binding; a move carries the record; a delete removes it. */
static int put_phone(const numbering_instance *in, int64_t app, int64_t rule, const char *url)
{
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	numbering__phone_clear(&p);
	p.application_id = app;
	p.rule_id = rule;
	int rc = numbering__phone_set_text(&p, "incoming_sms_callback_url", url);
	numbering__rwlock_wrlock(&store->lock);
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		rc = numbering__phone_put(store, &p, in);
		if (rc == NUMBERING_OK)
			rc = numbering__commit(store);
		else
			numbering__rollback(store);
	}
	numbering__rwlock_wrunlock(&store->lock);
	numbering__phone_clear(&p);
	return rc;
}

/* The PHONE state of the instance named @name, as loaded; *url its URL or "". */
static void load_phone(const char *name, int64_t *app, int64_t *rule, char url[64], int64_t *phone_id)
{
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_store_get(&in, store, NULL, name), NUMBERING_OK);
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	ck_assert_int_eq(numbering__phone_load(&p, store, in), NUMBERING_OK);
	numbering__rwlock_rdunlock(&store->lock, slot);
	*app = p.application_id;
	*rule = p.rule_id;
	snprintf(url, 64, "%s", p.sms_url ? p.sms_url : "");
	*phone_id = p.phone_id;
	numbering__phone_clear(&p);
	numbering_instance_free(in);
}

static int ignore_record(const numbering_record *record, void *payload)
{
	(void)record;
	(void)payload;
	return 0;
}

static int has_phone_record(const char *name)
{
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_PHONE, name, ignore_record, NULL);
	numbering__rwlock_rdunlock(&store->lock, slot);
	numbering_error_clear();
	return rc == NUMBERING_OK;
}

START_TEST(the_phone_record_follows_its_instance)
{
	numbering_instance *a = create(P1, "+12125550100", NULL);
	numbering_instance *b = create(P1, "+12125550101", NULL);
	numbering_instance *c = create(P1, "+12125550102", NULL);
	numbering_instance *r = create(P1, "+12125550200", "+12125550209");
	const char *an = numbering_instance_name(a), *bn = numbering_instance_name(b);
	int64_t app = -1, rule = -1, id = -1;
	char url[64];
	/* Absent: every default, the instance's phone id. */
	load_phone(an, &app, &rule, url, &id);
	ck_assert(app == 0 && rule == 0 && url[0] == '\0' && id == 1);
	ck_assert(!has_phone_record(an));
	ck_assert_int_eq(put_phone(a, 5, 9, "https://a.example/sms"), NUMBERING_OK);
	ck_assert_int_eq(put_phone(b, 5, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(put_phone(c, 6, 10, NULL), NUMBERING_OK);
	ck_assert_int_eq(put_phone(r, 6, 11, "https://r.example/"), NUMBERING_OK);
	if (on_file)
		reopen();
	load_phone(an, &app, &rule, url, &id);
	ck_assert(app == 5 && rule == 9 && strcmp(url, "https://a.example/sms") == 0 && id == 1);
	/* Refused, naming the attribute; nothing changes. */
	fixture_expect_error(put_phone(a, 0, 9, NULL), NUMBERING_INVALID_ARGUMENT, "without its application");
	ck_assert_str_eq(numbering_error_violation_field(0), "rule_id");
	fixture_expect_error(put_phone(a, -1, 0, NULL), NUMBERING_INVALID_ARGUMENT, "positive");
	ck_assert_str_eq(numbering_error_violation_field(0), "application_id");
	char longer[2100];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	fixture_expect_error(put_phone(a, 5, 0, longer), NUMBERING_INVALID_ARGUMENT, "");
	ck_assert_str_eq(numbering_error_violation_field(0), "incoming_sms_callback_url");
	fixture_expect_error(put_phone(a, 5, 0, "bad \xff utf-8"), NUMBERING_INVALID_ARGUMENT, "");
	load_phone(an, &app, &rule, url, &id);
	ck_assert(app == 5 && rule == 9);
	/* Unbinding a rule keeps the application; unbinding the application both; a
	 * number left with nothing has no record; another application's are untouched. */
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_unbind_rule(store, P1, 9), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	load_phone(an, &app, &rule, url, &id);
	ck_assert(app == 5 && rule == 0 && url[0] == 'h');
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_unbind_application(store, P1, 5), NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_unbind_application(store, P2, 6), NUMBERING_OK); /* not p1's */
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	load_phone(an, &app, &rule, url, &id);
	ck_assert(app == 0 && rule == 0 && url[0] == 'h');
	ck_assert(has_phone_record(an));
	ck_assert(!has_phone_record(bn));
	load_phone(numbering_instance_name(c), &app, &rule, url, &id);
	ck_assert(app == 6 && rule == 10);
	/* A split copies the binding (not the URL) to the new part, under its own id. */
	numbering_instance *first = NULL, *second = NULL;
	ck_assert_int_eq(numbering_store_split_range(&first, &second, store, NULL, numbering_instance_name(r), 3),
	                 NUMBERING_OK);
	load_phone(numbering_instance_name(second), &app, &rule, url, &id);
	ck_assert(app == 6 && rule == 11 && url[0] == '\0' && id == 5);
	load_phone(numbering_instance_name(first), &app, &rule, url, &id);
	ck_assert(app == 6 && rule == 11 && strcmp(url, "https://r.example/") == 0 && id == 4);
	/* A move carries it; a delete removes it. */
	numbering_instance *moved = NULL;
	ck_assert_int_eq(numbering_store_move(&moved, store, NULL, numbering_instance_name(c), P2, NULL), NUMBERING_OK);
	ck_assert(!has_phone_record(numbering_instance_name(c)));
	load_phone(numbering_instance_name(moved), &app, &rule, url, &id);
	ck_assert(app == 6 && rule == 10 && id == 3);
	if (on_file)
		reopen();
	ck_assert(has_phone_record(numbering_instance_name(moved)));
	numbering_instance *deleted = NULL;
	ck_assert_int_eq(numbering_store_delete(&deleted, store, NULL, numbering_instance_name(moved)), NUMBERING_OK);
	ck_assert(!has_phone_record(numbering_instance_name(moved)));
	numbering_instance_free(deleted);
	numbering_instance_free(a);
	numbering_instance_free(b);
	numbering_instance_free(c);
	numbering_instance_free(r);
	numbering_instance_free(first);
	numbering_instance_free(second);
	numbering_instance_free(moved);
}
END_TEST

static int deny_get(const char *caller, const char *permission, const char *project, void *payload)
{
	(void)project;
	(void)payload;
	return !(caller != NULL && strcmp(caller, "user:nobody") == 0 &&
	         strcmp(permission, "numbering.phoneNumberInstances.get") == 0);
}

/* The public calls: a number's phone id, an instance by its phone id; every error. */
START_TEST(public_calls_find_by_number_and_by_id)
{
	numbering_store_close(store);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_tick;
	options.clock_payload = &clock_now;
	options.authorizer = deny_get;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	numbering_instance *a = create(P1, "+12125550100", NULL);
	numbering_instance *r = create(P2, "+12125550200", "+12125550209");
	int64_t id = -1;
	ck_assert_int_eq(numbering_store_phone_id(&id, store, NULL, P1, "+1 212 555 0100"), NUMBERING_OK);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(numbering_store_phone_id(&id, store, NULL, P2, "+12125550205"), NUMBERING_OK);
	ck_assert_int_eq(id, 2);
	fixture_expect_error(numbering_store_phone_id(&id, store, NULL, P1, "+12125550205"), NUMBERING_NOT_FOUND,
	                     "no phone number instance of projects/p1 holds +12125550205");
	ck_assert_int_eq(id, 0);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
	fixture_expect_error(numbering_store_phone_id(&id, store, NULL, P1, "+12125559999"), NUMBERING_NOT_FOUND, "");
	fixture_expect_error(numbering_store_phone_id(&id, store, NULL, P1, "not a number"), NUMBERING_INVALID_ARGUMENT,
	                     "");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
	fixture_expect_error(numbering_store_phone_id(&id, store, NULL, "p1", "+12125550100"),
	                     NUMBERING_INVALID_ARGUMENT, "");
	ck_assert_str_eq(numbering_error_violation_field(0), "project");
	fixture_expect_error(numbering_store_phone_id(NULL, store, NULL, P1, "+12125550100"),
	                     NUMBERING_INVALID_ARGUMENT, "phone_id");
	fixture_expect_error(numbering_store_phone_id(&id, store, "user:nobody", P1, "+12125550100"),
	                     NUMBERING_PERMISSION_DENIED, "");
	ck_assert_int_eq(id, 0);
	numbering_instance *got = NULL;
	ck_assert_int_eq(numbering_store_get_by_phone_id(&got, store, NULL, P2, 2), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(got), numbering_instance_name(r));
	ck_assert_int_eq(numbering_instance_phone_id(got), 2);
	numbering_instance_free(got);
	got = NULL;
	fixture_expect_error(numbering_store_get_by_phone_id(&got, store, NULL, P1, 2), NUMBERING_NOT_FOUND,
	                     "phone_id 2 is not a number of projects/p1");
	ck_assert_ptr_null(got);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_id");
	fixture_expect_error(numbering_store_get_by_phone_id(&got, store, NULL, P1, 0), NUMBERING_INVALID_ARGUMENT,
	                     "phone_id 0");
	fixture_expect_error(numbering_store_get_by_phone_id(&got, store, NULL, "projects/", 1),
	                     NUMBERING_INVALID_ARGUMENT, "");
	fixture_expect_error(numbering_store_get_by_phone_id(NULL, store, NULL, P1, 1), NUMBERING_INVALID_ARGUMENT,
	                     "out");
	fixture_expect_error(numbering_store_get_by_phone_id(&got, store, "user:nobody", P1, 1),
	                     NUMBERING_PERMISSION_DENIED, "");
	ck_assert_ptr_null(got);
	numbering_instance_free(a);
	numbering_instance_free(r);
}
END_TEST

static char *resolve_json(const char *number)
{
	char request[128], *response = NULL;
	snprintf(request, sizeof(request), "{\"phoneNumber\": \"%s\"}", number);
	ck_assert_msg(numbering_store_call_json(&response, store, NULL, "ResolvePhoneNumber", request) == NUMBERING_OK,
	              "%s", response ? response : "");
	return response;
}

/* ResolvePhoneNumber reports what routes a number: its phone id, its application and
 * rule, and the inbound SMS URL that applies (its own, else its account's general
 * one); a number with none of it answers as before. */
START_TEST(resolve_reports_routing)
{
	numbering_instance *a = create(P1, "+12125550100", NULL);
	numbering_instance *b = create(P1, "+12125550101", NULL);
	numbering_instance *c = create(P2, "+12125550102", NULL);
	char *json = resolve_json("+12125550101");
	ck_assert_ptr_null(strstr(json, "phoneId"));
	numbering_free(json);
	ck_assert_int_eq(put_phone(a, 7, 8, NULL), NUMBERING_OK);
	json = resolve_json("+12125550100");
	ck_assert_ptr_nonnull(strstr(json, "\"phoneId\":1,\"applicationId\":7,\"ruleId\":8}"));
	numbering_free(json);
	/* The account's general URL applies to a number without its own. */
	ck_assert_int_eq(numbering_store_set_account_callback_url(store, NULL, P1, "https://acme.example/sms"),
	                 NUMBERING_OK);
	json = resolve_json("+12125550101");
	ck_assert_msg(strstr(json, "\"phoneId\":2,\"incomingSmsCallbackUrl\":\"https://acme.example/sms\","
	                           "\"incomingSmsCallbackUrlSource\":\"ACCOUNT\"}") != NULL, "%s", json);
	numbering_free(json);
	json = resolve_json("+12125550102"); /* another account's number: not its URL */
	ck_assert_ptr_null(strstr(json, "phoneId"));
	numbering_free(json);
	ck_assert_int_eq(put_phone(a, 7, 8, "https://a.example/own"), NUMBERING_OK);
	int64_t app = -1, rule = -1;
	char *url = NULL;
	int source = -1;
	ck_assert_int_eq(numbering_store_phone_routing(&app, &rule, &url, &source, store, NULL, numbering_instance_name(a)),
	                 NUMBERING_OK);
	ck_assert(app == 7 && rule == 8 && source == NUMBERING_SMS_CALLBACK_NUMBER);
	ck_assert_str_eq(url, "https://a.example/own");
	numbering_free(url);
	ck_assert_int_eq(numbering_store_phone_routing(NULL, NULL, &url, &source, store, NULL, numbering_instance_name(b)),
	                 NUMBERING_OK);
	ck_assert(source == NUMBERING_SMS_CALLBACK_ACCOUNT);
	ck_assert_str_eq(url, "https://acme.example/sms");
	numbering_free(url);
	ck_assert_int_eq(numbering_store_phone_routing(&app, &rule, &url, &source, store, NULL, numbering_instance_name(c)),
	                 NUMBERING_OK);
	ck_assert(app == 0 && rule == 0 && source == NUMBERING_SMS_CALLBACK_NONE);
	ck_assert_str_eq(url, "");
	numbering_free(url);
	fixture_expect_error(numbering_store_phone_routing(&app, NULL, NULL, NULL, store, NULL, P1 "/phoneNumberInstances/nope"),
	                     NUMBERING_NOT_FOUND, "does not exist");
	fixture_expect_error(numbering_store_phone_routing(&app, NULL, NULL, NULL, store, NULL, "nope"),
	                     NUMBERING_INVALID_ARGUMENT, "");
	/* The general URL: read back, kept beside the callback secret, refused when not a
	 * URL, removed with "". */
	ck_assert_int_eq(numbering_store_update_callback_secret(store, NULL, P1, "s3cret"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_account_callback_url(&url, store, NULL, P1), NUMBERING_OK);
	ck_assert_str_eq(url, "https://acme.example/sms");
	numbering_free(url);
	fixture_expect_error(numbering_store_set_account_callback_url(store, NULL, P1, "ftp://x"),
	                     NUMBERING_INVALID_ARGUMENT, "callback_url");
	fixture_expect_error(numbering_store_set_account_callback_url(store, NULL, P1, "https://"),
	                     NUMBERING_INVALID_ARGUMENT, "callback_url");
	ck_assert_str_eq(numbering_error_violation_field(0), "callback_url");
	fixture_expect_error(numbering_store_set_account_callback_url(store, NULL, P1, "https://a b/\xc3\xa9"),
	                     NUMBERING_INVALID_ARGUMENT, "callback_url");
	fixture_expect_error(numbering_store_set_account_callback_url(store, NULL, "projects/", "https://x"),
	                     NUMBERING_INVALID_ARGUMENT, "");
	ck_assert_str_eq(numbering_error_violation_field(0), "account_id");
	if (on_file)
		reopen();
	ck_assert_int_eq(numbering_store_set_account_callback_url(store, NULL, P1, ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_account_callback_url(&url, store, NULL, P1), NUMBERING_OK);
	ck_assert_str_eq(url, "");
	numbering_free(url);
	char *secret = NULL;
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, store, NULL, P1), NUMBERING_OK);
	ck_assert_str_eq(secret, "s3cret");
	numbering_free(secret);
	ck_assert_int_eq(numbering_store_update_callback_secret(store, NULL, P1, ""), NUMBERING_OK);
	json = resolve_json("+12125550101");
	ck_assert_ptr_null(strstr(json, "phoneId"));
	numbering_free(json);
	numbering_instance_free(a);
	numbering_instance_free(b);
	numbering_instance_free(c);
}
END_TEST

Suite *phone_id_suite(void)
{
	Suite *s = suite_create("phone_id");
	TCase *mem = tcase_create("memory");
	tcase_add_checked_fixture(mem, setup_memory, teardown);
	TCase *file = tcase_create("file");
	tcase_add_checked_fixture(file, setup_file, teardown);
	TCase *both[] = {mem, file};
	for (int i = 0; i < 2; i++) {
		tcase_set_timeout(both[i], 60);
		tcase_add_test(both[i], every_instance_gets_the_next_id);
		tcase_add_test(both[i], ids_are_never_reused);
		tcase_add_test(both[i], sequences_persist_and_skip_rolled_back_ids);
		tcase_add_test(both[i], an_old_store_gets_ids_at_its_first_writable_open);
		tcase_add_test(both[i], the_phone_record_follows_its_instance);
		tcase_add_test(both[i], resolve_reports_routing);
		suite_add_tcase(s, both[i]);
	}
	tcase_add_test(mem, records_check_their_keys_and_survive_damage);
	tcase_add_test(mem, public_calls_find_by_number_and_by_id);
	return s;
}
