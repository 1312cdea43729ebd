/*
 * The storage backend conformance suite (see backend-conformance.h): every backend's
 * tests run these through a factory.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend-conformance.h"
#include "model/instance.h"

/* Check runs each test in a child process, so tests pick their factory by the loop
 * index Check passes them. */
#define FACTORIES_MAX 8
static const struct backend_factory *factories[FACTORIES_MAX];
static int factory_count;

/* Instances. */

static void set_str(struct numbering__str *s, const char *text)
{
	ck_assert_int_eq(numbering__str_set(s, text, strlen(text)), NUMBERING_OK);
}

static void format_number(char *buf, uint64_t value, int digits)
{
	snprintf(buf, 24, "+%0*llu", digits, (unsigned long long)value);
}

/* An instance as the store would write it: output fields set directly. */
numbering_instance *make_instance(const char *name, uint64_t first, uint64_t last, int digits, int64_t created,
                                         int state)
{
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
	set_str(&in->name, name);
	char buf[24];
	format_number(buf, first, digits);
	set_str(&in->phone_number, buf);
	if (last != first) {
		format_number(buf, last, digits);
		set_str(&in->range_end, buf);
		in->is_range = 1;
	}
	in->first = first;
	in->last = last;
	in->digits = (uint8_t)digits;
	in->range_size = (int64_t)(last - first + 1);
	in->create_time = created;
	in->activate_time = state == NUMBERING_LIFECYCLE_ACTIVE ? created : 0;
	in->delete_time = state == NUMBERING_LIFECYCLE_DELETED ? created + 5 : 0;
	in->lifecycle_state = (uint8_t)state;
	in->call_recording_trigger = NUMBERING_RECORDING_DISABLED;
	set_str(&in->country_code, "US");
	return in;
}

static void assert_same_str(const struct numbering__str *a, const struct numbering__str *b, const char *what)
{
	ck_assert_msg(strcmp(numbering__str_get(a), numbering__str_get(b)) == 0, "%s: \"%s\" != \"%s\"", what,
	              numbering__str_get(a), numbering__str_get(b));
}

void assert_same(const numbering_instance *a, const numbering_instance *b)
{
	assert_same_str(&a->name, &b->name, "name");
	assert_same_str(&a->phone_number, &b->phone_number, "phone_number");
	assert_same_str(&a->range_end, &b->range_end, "range_end");
	assert_same_str(&a->sku, &b->sku, "sku");
	assert_same_str(&a->activation_sku, &b->activation_sku, "activation_sku");
	assert_same_str(&a->country_code, &b->country_code, "country_code");
	assert_same_str(&a->display_name, &b->display_name, "display_name");
	assert_same_str(&a->regulatory_listing, &b->regulatory_listing, "regulatory_listing");
	ck_assert_int_eq(a->range_size, b->range_size);
	ck_assert_uint_eq(a->first, b->first);
	ck_assert_uint_eq(a->last, b->last);
	ck_assert_int_eq(a->digits, b->digits);
	ck_assert_int_eq(a->is_range, b->is_range);
	ck_assert_int_eq(a->lifecycle_state, b->lifecycle_state);
	ck_assert_int_eq(a->call_recording_trigger, b->call_recording_trigger);
	ck_assert_int_eq(a->number_type, b->number_type);
	ck_assert_int_eq(a->capabilities, b->capabilities);
	ck_assert_int_eq(a->compliant, b->compliant);
	ck_assert_int_eq(a->set, b->set);
	ck_assert_int_eq(a->create_time, b->create_time);
	ck_assert_int_eq(a->delete_time, b->delete_time);
	ck_assert_int_eq(a->activate_time, b->activate_time);
	ck_assert_uint_eq(a->label_count, b->label_count);
	for (uint32_t i = 0; i < a->label_count; i++) {
		assert_same_str(&a->labels[i].key, &b->labels[i].key, "label key");
		assert_same_str(&a->labels[i].value, &b->labels[i].value, "label value");
	}
	ck_assert_uint_eq(a->message_handler_count, b->message_handler_count);
	for (uint32_t i = 0; i < a->message_handler_count; i++)
		assert_same_str(&a->message_handlers[i], &b->message_handlers[i], "message handler");
	ck_assert_uint_eq(a->call_handler_count, b->call_handler_count);
	for (uint32_t i = 0; i < a->call_handler_count; i++)
		assert_same_str(&a->call_handlers[i], &b->call_handlers[i], "call handler");
}

/* Backend helpers. */

static numbering_backend *open_backend(int i)
{
	ck_assert_int_lt(i, factory_count);
	numbering_backend *b = factories[i]->make();
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_ge(b->version, 1);
	return b;
}

static void check_backend(int i, numbering_backend *b)
{
	if (factories[i]->check != NULL)
		ck_assert_msg(factories[i]->check(b) == NUMBERING_OK, "consistency check: %s", numbering_error_message());
}

void put_one(numbering_backend *b, numbering_instance *in)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	int rc = b->put(b, in);
	ck_assert_msg(rc == NUMBERING_OK, "put %s: %d %s", numbering_instance_name(in), rc, numbering_error_message());
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

/* Puts a new instance and frees the request. */
void add(numbering_backend *b, const char *name, uint64_t first, uint64_t last, int digits, int64_t created,
                int state)
{
	numbering_instance *in = make_instance(name, first, last, digits, created, state);
	put_one(b, in);
	numbering_instance_free(in);
}

static void remove_one(numbering_backend *b, const char *name)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, name), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

/* The name find() gives for the interval, or "" when none. */
const char *found(numbering_backend *b, uint64_t first, uint64_t last, int digits)
{
	static char name[256];
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	int rc = b->find(out, b, first, last, digits);
	ck_assert_msg(rc == NUMBERING_OK || rc == NUMBERING_NOT_FOUND, "find: %d", rc);
	snprintf(name, sizeof(name), "%s", rc == NUMBERING_OK ? numbering__str_get(&out->name) : "");
	numbering_instance_free(out);
	return name;
}

struct listed {
	char names[64][128];
	int count;
	int stop_after; /* visit returns non-zero after this many; 0: never */
};

static int collect(const numbering_instance *instance, void *payload)
{
	struct listed *l = payload;
	ck_assert_int_lt(l->count, 64);
	snprintf(l->names[l->count++], sizeof(l->names[0]), "%s", numbering__str_get(&instance->name));
	return l->stop_after > 0 && l->count >= l->stop_after;
}

/* Lists into a comma-separated string of the ids (the part after the last '/'). */
const char *list_ids(numbering_backend *b, const char *project, int include_deleted, int64_t before,
                            const char *prefix, int limit)
{
	static char out[2048];
	struct listed l;
	memset(&l, 0, sizeof(l));
	numbering_backend_query q = {NUMBERING_BACKEND_QUERY_VERSION, project, include_deleted, before, prefix, limit, NULL};
	ck_assert_int_eq(b->list(b, &q, collect, &l), NUMBERING_OK);
	out[0] = '\0';
	for (int i = 0; i < l.count; i++) {
		const char *id = strrchr(l.names[i], '/');
		strcat(out, i ? "," : "");
		strcat(out, id ? id + 1 : l.names[i]);
	}
	return out;
}

const char *id_name(const char *project, const char *id)
{
	static char name[128];
	snprintf(name, sizeof(name), "%s/phoneNumberInstances/%s", project, id);
	return name;
}

/* A list visitor that takes instances built in its own memory (query->place). */
struct placed_list {
	numbering_backend *b;
	const numbering_backend_query *plain; /* the same query without place */
	unsigned char *blocks[64];
	size_t sizes[64];
	int count;
	int visited;
	int full_after; /* place() returns NULL after this many */
};

static void *place_in_test(void *payload, size_t size)
{
	struct placed_list *p = payload;
	if (p->count == p->full_after)
		return NULL;
	ck_assert_int_lt(p->count, 64);
	ck_assert_uint_ge(size, sizeof(void *));
	/* Dirty memory: the backend must not rely on zeroed blocks. */
	p->blocks[p->count] = malloc(size);
	ck_assert_ptr_nonnull(p->blocks[p->count]);
	memset(p->blocks[p->count], 0xa5, size);
	p->sizes[p->count] = size;
	return p->blocks[p->count++];
}

static void assert_within(const struct numbering__str *s, const unsigned char *block, size_t size)
{
	if (s->len == 0)
		return;
	const unsigned char *p = (const unsigned char *)s->ptr;
	ck_assert_msg(p >= block && p + s->len + 1 <= block + size, "a placed string lies outside its block");
	ck_assert_int_eq(p[s->len], '\0');
}

static int visit_placed(const numbering_instance *instance, void *payload)
{
	struct placed_list *p = payload;
	/* The library's own backends build every instance where they were told, and
	 * everything it holds lies in that block. */
	ck_assert_int_eq(p->visited + 1, p->count);
	ck_assert_ptr_eq(instance, p->blocks[p->visited]);
	const unsigned char *block = p->blocks[p->visited];
	size_t size = p->sizes[p->visited];
	const struct numbering__str *strs[] = {&instance->name,         &instance->phone_number,   &instance->range_end,
	                                       &instance->sku,          &instance->activation_sku, &instance->country_code,
	                                       &instance->display_name, &instance->regulatory_listing};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		assert_within(strs[i], block, size);
	if (instance->label_count > 0)
		ck_assert((const unsigned char *)instance->labels >= block &&
		          (const unsigned char *)(instance->labels + instance->label_count) <= block + size);
	for (uint32_t i = 0; i < instance->label_count; i++) {
		assert_within(&instance->labels[i].key, block, size);
		assert_within(&instance->labels[i].value, block, size);
	}
	for (uint32_t i = 0; i < instance->message_handler_count; i++)
		assert_within(&instance->message_handlers[i], block, size);
	for (uint32_t i = 0; i < instance->call_handler_count; i++)
		assert_within(&instance->call_handlers[i], block, size);
	p->visited++;
	return 0;
}

struct plain_list {
	const struct placed_list *placed;
	int i;
};

static void assert_same_instance(const numbering_instance *a, const numbering_instance *b)
{
	assert_same(a, b);
	ck_assert_str_eq(numbering_instance_name(a), numbering_instance_name(b));
	ck_assert_str_eq(numbering_instance_phone_number(a), numbering_instance_phone_number(b));
	ck_assert_str_eq(numbering_instance_display_name(a), numbering_instance_display_name(b));
	ck_assert_int_eq(numbering_instance_label_count(a), numbering_instance_label_count(b));
}

static int visit_plain(const numbering_instance *instance, void *payload)
{
	struct plain_list *p = payload;
	ck_assert_int_lt(p->i, p->placed->visited);
	const numbering_instance *placed = (const numbering_instance *)p->placed->blocks[p->i++];
	assert_same_instance(placed, instance);
	/* A placed instance is a frozen copy: copying it gives an owned one. */
	numbering_instance *copy = NULL;
	ck_assert_int_eq(numbering_instance_copy(&copy, placed), NUMBERING_OK);
	assert_same_instance(copy, instance);
	numbering_instance_free(copy);
	return 0;
}

/* Lists again with query->place: the same instances, each built in its block, and
 * a NULL from place() stops the walk. */
void assert_placed_list_matches(numbering_backend *b, const numbering_backend_query *plain, int expected)
{
	numbering_backend_query q = *plain;
	q.place = place_in_test;
	struct placed_list p;
	memset(&p, 0, sizeof(p));
	p.full_after = -1;
	ck_assert_int_eq(b->list(b, &q, visit_placed, &p), NUMBERING_OK);
	ck_assert_int_eq(p.visited, expected);
	struct plain_list pl = {&p, 0};
	ck_assert_int_eq(b->list(b, plain, visit_plain, &pl), NUMBERING_OK);
	ck_assert_int_eq(pl.i, expected);
	for (int i = 0; i < p.count; i++)
		free(p.blocks[i]);
	if (expected < 2)
		return;
	memset(&p, 0, sizeof(p));
	p.full_after = 1;
	ck_assert_int_eq(b->list(b, &q, visit_placed, &p), NUMBERING_OK);
	ck_assert_int_eq(p.visited, 1);
	free(p.blocks[0]);
}

/* Conformance tests. */

START_TEST(put_get_round_trip)
{
	numbering_backend *b = open_backend(_i);
	numbering_instance *in = make_instance(NAME1, 12025550134, 12025550134, 11, 1000, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(numbering_instance_set_display_name(in, "Front desk"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "team", "sales"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "cost-centre", "42"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(in, "sip:desk@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(in, "tel:+12025550199"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(in, "https://hooks.example.com/sms"), NUMBERING_OK);
	set_str(&in->sku, "local-us");
	set_str(&in->activation_sku, "activation-us");
	set_str(&in->regulatory_listing, P1 "/regulatoryListings/acme");
	in->capabilities = NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE;
	in->number_type = NUMBERING_NUMBER_TYPE_LOCAL;
	in->call_recording_trigger = NUMBERING_RECORDING_BRIDGE;
	in->compliant = 1;
	in->activate_time = 2000;
	in->delete_time = -7;
	put_one(b, in);

	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	ck_assert_int_eq(b->get(out, b, NAME1), NUMBERING_OK);
	assert_same(in, out);
	/* A reused output object is filled again completely. */
	numbering_instance *other = make_instance(NAME2, 2025550134, 2025550199, 10, 1001, NUMBERING_LIFECYCLE_DELETED);
	set_str(&other->phone_number, "not derived");
	other->range_size = 12345;
	put_one(b, other);
	ck_assert_int_eq(b->get(out, b, NAME2), NUMBERING_OK);
	assert_same(other, out);
	ck_assert_int_eq(b->get(out, b, NAME1), NUMBERING_OK);
	assert_same(in, out);
	ck_assert_int_eq(b->get(out, b, P1 "/phoneNumberInstances/none"), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->get(out, b, "projects/p1"), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->get(NULL, b, NAME1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->get(out, b, NULL), NUMBERING_INVALID_ARGUMENT);
	check_backend(_i, b);
	numbering_instance_free(in);
	numbering_instance_free(other);
	numbering_instance_free(out);
	b->free(b);
}
END_TEST

/* Listing with query->place builds the same instances as without, whatever they hold:
 * every field, the longest label value and the most labels an instance may have. */
START_TEST(list_places_every_field)
{
	numbering_backend *b = open_backend(_i);
	numbering_instance *rich = make_instance(NAME1, 12025550134, 12025550134, 11, 1000, NUMBERING_LIFECYCLE_ACTIVE);
	set_str(&rich->display_name, "Front desk");
	ck_assert_int_eq(numbering_instance_set_label(rich, "team", "sales"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(rich, "empty", ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(rich, "sip:desk@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(rich, "https://hooks.example.com/sms"), NUMBERING_OK);
	set_str(&rich->sku, "local-us");
	set_str(&rich->activation_sku, "activation-us");
	set_str(&rich->regulatory_listing, P1 "/regulatoryListings/acme");
	rich->number_type = NUMBERING_NUMBER_TYPE_TOLL_FREE;
	rich->activate_time = 2000;
	put_one(b, rich);

	numbering_instance *verbatim = make_instance(NAME2, 2025550134, 2025550199, 10, 1001, NUMBERING_LIFECYCLE_DELETED);
	set_str(&verbatim->phone_number, "not derived");
	set_str(&verbatim->range_end, "");
	verbatim->range_size = 12345;
	put_one(b, verbatim);

	numbering_instance *many = make_instance(P1 "/phoneNumberInstances/many", 7, 7, 1, 1002, NUMBERING_LIFECYCLE_ACTIVE);
	many->labels = calloc(NUMBERING_LABELS_MAX, sizeof(*many->labels));
	ck_assert_ptr_nonnull(many->labels);
	many->label_count = many->label_cap = NUMBERING_LABELS_MAX;
	for (int i = 0; i < NUMBERING_LABELS_MAX; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%03d", i);
		set_str(&many->labels[i].key, key);
		set_str(&many->labels[i].value, i % 2 ? "v" : "");
	}
	put_one(b, many);

	numbering_instance *long_name = make_instance(P1 "/phoneNumberInstances/long", 8, 8, 1, 1003,
	                                              NUMBERING_LIFECYCLE_ACTIVE);
	char text[1001];
	memset(text, 'x', 1000);
	text[1000] = '\0';
	set_str(&long_name->display_name, "\xc3\xa9t\xc3\xa9");
	ck_assert_int_eq(numbering_instance_set_label(long_name, "long", text), NUMBERING_OK);
	put_one(b, long_name);

	numbering_instance *bare = make_instance(P1 "/bare", 0, 0, 0, 1004, NUMBERING_LIFECYCLE_PENDING);
	set_str(&bare->country_code, "");
	put_one(b, bare);

	numbering_backend_query q = {NUMBERING_BACKEND_QUERY_VERSION, P1, 1, 0, NULL, 10, NULL};
	assert_placed_list_matches(b, &q, 5);
	q.prefix_digits = "1202";
	assert_placed_list_matches(b, &q, 1);
	numbering_instance_free(rich);
	numbering_instance_free(verbatim);
	numbering_instance_free(many);
	numbering_instance_free(long_name);
	numbering_instance_free(bare);
	b->free(b);
}
END_TEST

START_TEST(names_of_any_form)
{
	numbering_backend *b = open_backend(_i);
	const char *names[] = {"x", "projects/", "projects/p1", "projects/p1/", "projects/p1/other/id",
	                       "projects/p1/phoneNumberInstances/", "projects//phoneNumberInstances/a", NAME1};
	size_t n = sizeof(names) / sizeof(names[0]);
	for (size_t i = 0; i < n; i++)
		add(b, names[i], 100 + i, 100 + i, 3, (int64_t)i + 1, NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(b->get(out, b, names[i]), NUMBERING_OK);
		ck_assert_str_eq(numbering__str_get(&out->name), names[i]);
		ck_assert_uint_eq(out->first, 100 + i);
	}
	/* Only "projects/p1/..." names are in project p1. */
	ck_assert_str_eq(list_ids(b, P1, 0, 0, NULL, 10), "one,,id,,p1");
	numbering_instance_free(out);
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(replace_and_remove)
{
	numbering_backend *b = open_backend(_i);
	add(b, NAME1, 12025550134, 12025550134, 11, 10, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, NAME1, 12025550200, 12025550299, 11, 10, NUMBERING_LIFECYCLE_SUSPENDED);
	ck_assert_str_eq(found(b, 12025550134, 12025550134, 11), "");
	ck_assert_str_eq(found(b, 12025550250, 12025550250, 11), NAME1);
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "one");
	remove_one(b, NAME1);
	ck_assert_str_eq(found(b, 12025550250, 12025550250, 11), "");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "");
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	ck_assert_int_eq(b->get(out, b, NAME1), NUMBERING_NOT_FOUND);
	numbering_instance_free(out);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, NAME1), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	/* Move: remove and put under another name, one transaction. */
	add(b, NAME1, 5, 5, 1, 20, NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *moved = make_instance(NAME3, 5, 5, 1, 20, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, NAME1), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, moved), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_str_eq(found(b, 5, 5, 1), NAME3);
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "");
	ck_assert_str_eq(list_ids(b, P2, 1, 0, NULL, 10), "three");
	numbering_instance_free(moved);
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(find_numbers)
{
	numbering_backend *b = open_backend(_i);
	add(b, id_name(P1, "single"), 2025550134, 2025550134, 10, 1, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "single11"), 12025550134, 12025550134, 11, 2, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "range"), 61255501100, 61255501199, 11, 3, NUMBERING_LIFECYCLE_SUSPENDED);
	add(b, id_name(P2, "pending"), 61255501250, 61255501250, 11, 4, NUMBERING_LIFECYCLE_PENDING);
	add(b, id_name(P1, "gone"), 61255501050, 61255501150, 11, 5, NUMBERING_LIFECYCLE_DELETED);
	add(b, id_name(P1, "gone1"), 2025550135, 2025550135, 10, 6, NUMBERING_LIFECYCLE_DELETED);

	/* Exact numbers; the digit count tells 2025550134 from 12025550134. */
	ck_assert_str_eq(found(b, 2025550134, 2025550134, 10), id_name(P1, "single"));
	ck_assert_str_eq(found(b, 12025550134, 12025550134, 11), id_name(P1, "single11"));
	ck_assert_str_eq(found(b, 2025550134, 2025550134, 11), "");
	ck_assert_str_eq(found(b, 2025550134, 2025550134, 12), "");
	ck_assert_str_eq(found(b, 12025550134, 12025550134, 12), "");
	/* In a range: first, middle, last, and just outside. */
	ck_assert_str_eq(found(b, 61255501100, 61255501100, 11), id_name(P1, "range"));
	ck_assert_str_eq(found(b, 61255501142, 61255501142, 11), id_name(P1, "range"));
	ck_assert_str_eq(found(b, 61255501199, 61255501199, 11), id_name(P1, "range"));
	ck_assert_str_eq(found(b, 61255501099, 61255501099, 11), "");
	ck_assert_str_eq(found(b, 61255501200, 61255501200, 11), "");
	ck_assert_str_eq(found(b, 61255501250, 61255501250, 11), id_name(P2, "pending"));
	ck_assert_str_eq(found(b, 61255501251, 61255501251, 11), "");
	ck_assert_str_eq(found(b, 61255501100, 61255501100, 12), "");
	/* Deleted records are never found, even inside their numbers. */
	ck_assert_str_eq(found(b, 61255501050, 61255501050, 11), "");
	ck_assert_str_eq(found(b, 2025550135, 2025550135, 10), "");
	/* Intervals overlapping a range's start or end, containing it, or inside it. */
	ck_assert_str_eq(found(b, 61255501000, 61255501100, 11), id_name(P1, "range"));
	ck_assert_str_eq(found(b, 61255501199, 61255501249, 11), id_name(P1, "range"));
	ck_assert_str_eq(found(b, 61255501150, 61255501160, 11), id_name(P1, "range"));
	ck_assert_str_eq(found(b, 61255500000, 61255501099, 11), "");
	ck_assert_str_eq(found(b, 61255501200, 61255501249, 11), "");
	ck_assert_str_eq(found(b, 61255501200, 61299999999, 11), id_name(P2, "pending"));
	ck_assert_str_eq(found(b, 61255501251, 61299999999, 11), "");
	/* Intervals containing singles. */
	ck_assert_str_eq(found(b, 2025550000, 2025559999, 10), id_name(P1, "single"));
	ck_assert_str_eq(found(b, 2025550134, 2025550135, 10), id_name(P1, "single"));
	ck_assert_str_eq(found(b, 2025550135, 2025559999, 10), "");
	ck_assert_str_eq(found(b, 0, 9999999999, 10), id_name(P1, "single"));
	ck_assert_str_eq(found(b, 0, UINT64_MAX, 10), id_name(P1, "single"));
	ck_assert_str_eq(found(b, 0, UINT64_MAX, 9), "");
	ck_assert_str_eq(found(b, 0, UINT64_MAX, 0), "");
	ck_assert_str_eq(found(b, 0, UINT64_MAX, 99), "");
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	ck_assert_int_eq(b->find(out, b, 5, 4, 10), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->find(NULL, b, 5, 5, 10), NUMBERING_INVALID_ARGUMENT);
	/* The found instance is complete. */
	ck_assert_int_eq(b->find(out, b, 61255501150, 61255501150, 11), NUMBERING_OK);
	ck_assert_uint_eq(out->first, 61255501100);
	ck_assert_uint_eq(out->last, 61255501199);
	ck_assert_int_eq(out->create_time, 3);
	ck_assert_int_eq(out->lifecycle_state, NUMBERING_LIFECYCLE_SUSPENDED);
	ck_assert_str_eq(numbering__str_get(&out->range_end), "+61255501199");
	numbering_instance_free(out);
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(find_after_state_changes)
{
	numbering_backend *b = open_backend(_i);
	add(b, NAME1, 500, 599, 3, 1, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, NAME1, 500, 599, 3, 1, NUMBERING_LIFECYCLE_DELETED);
	ck_assert_str_eq(found(b, 550, 550, 3), "");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, NULL, 10), "");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "one");
	/* A new owner of the freed numbers, overlapping the deleted record. */
	add(b, NAME2, 550, 550, 3, 2, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_str_eq(found(b, 550, 550, 3), NAME2);
	ck_assert_str_eq(found(b, 500, 599, 3), NAME2);
	ck_assert_str_eq(found(b, 551, 599, 3), "");
	/* SplitRange: shrink one record and add the rest as another, one transaction. */
	add(b, NAME3, 700, 799, 3, 3, NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *a = make_instance(NAME3, 700, 709, 3, 3, NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *rest =
	    make_instance(P2 "/phoneNumberInstances/rest", 710, 799, 3, 4, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, a), NUMBERING_OK);
	/* The transaction reads its own writes. */
	ck_assert_str_eq(found(b, 710, 799, 3), "");
	ck_assert_int_eq(b->put(b, rest), NUMBERING_OK);
	ck_assert_str_eq(found(b, 750, 750, 3), P2 "/phoneNumberInstances/rest");
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_str_eq(found(b, 705, 705, 3), NAME3);
	ck_assert_str_eq(found(b, 710, 710, 3), P2 "/phoneNumberInstances/rest");
	numbering_instance_free(a);
	numbering_instance_free(rest);
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(list_order_and_filters)
{
	numbering_backend *b = open_backend(_i);
	/* Inserted out of create-time order, as a Move brings old records in. */
	add(b, id_name(P1, "c"), 300, 300, 3, 30, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "a"), 100, 100, 3, 10, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "e"), 500, 500, 3, 50, NUMBERING_LIFECYCLE_DELETED);
	add(b, id_name(P1, "b"), 200, 200, 3, 20, NUMBERING_LIFECYCLE_SUSPENDED);
	add(b, id_name(P1, "d"), 400, 400, 3, 40, NUMBERING_LIFECYCLE_PENDING);
	add(b, id_name(P2, "x"), 600, 600, 3, 60, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name("projects/p10", "y"), 700, 700, 3, 70, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_str_eq(list_ids(b, P1, 0, 0, NULL, 10), "d,c,b,a");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "e,d,c,b,a");
	ck_assert_str_eq(list_ids(b, P2, 1, 0, NULL, 10), "x");
	ck_assert_str_eq(list_ids(b, "projects/p", 1, 0, NULL, 10), "");
	ck_assert_str_eq(list_ids(b, "projects/p3", 1, 0, NULL, 10), "");
	/* created_before is exclusive. */
	ck_assert_str_eq(list_ids(b, P1, 1, 50, NULL, 10), "d,c,b,a");
	ck_assert_str_eq(list_ids(b, P1, 1, 40, NULL, 10), "c,b,a");
	ck_assert_str_eq(list_ids(b, P1, 0, 31, NULL, 10), "c,b,a");
	ck_assert_str_eq(list_ids(b, P1, 1, 10, NULL, 10), "");
	ck_assert_str_eq(list_ids(b, P1, 1, INT64_MIN, NULL, 10), "");
	ck_assert_str_eq(list_ids(b, P1, 1, INT64_MAX, NULL, 10), "e,d,c,b,a");
	/* Limits, and a visitor that stops early. */
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 2), "e,d");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 0), "");
	struct listed l;
	memset(&l, 0, sizeof(l));
	l.stop_after = 3;
	numbering_backend_query q = {NUMBERING_BACKEND_QUERY_VERSION, P1, 1, 0, NULL, 10, NULL};
	ck_assert_int_eq(b->list(b, &q, collect, &l), NUMBERING_OK);
	ck_assert_int_eq(l.count, 3);
	q.limit = -1;
	ck_assert_int_eq(b->list(b, &q, collect, &l), NUMBERING_INVALID_ARGUMENT);
	q.limit = 1;
	q.project = NULL;
	ck_assert_int_eq(b->list(b, &q, collect, &l), NUMBERING_INVALID_ARGUMENT);
	q.project = P1;
	ck_assert_int_eq(b->list(b, &q, NULL, &l), NUMBERING_INVALID_ARGUMENT);
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(list_prefix)
{
	numbering_backend *b = open_backend(_i);
	add(b, id_name(P1, "syd"), 61255501100, 61255501100, 11, 1, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "mel"), 61355501100, 61355501100, 11, 2, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "block"), 61255509000, 61255509099, 11, 3, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "us"), 12025550134, 12025550134, 11, 4, NUMBERING_LIFECYCLE_ACTIVE);
	/* A range starting before the prefix interval 6125551... and reaching into it. */
	add(b, id_name(P1, "span"), 61255509900, 61255510099, 11, 5, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "short"), 6125, 6125, 4, 6, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P1, "shorter"), 612, 612, 3, 7, NUMBERING_LIFECYCLE_ACTIVE);
	add(b, id_name(P2, "other"), 61255501101, 61255501101, 11, 8, NUMBERING_LIFECYCLE_ACTIVE);
	/* Deleted ranges may overlap anything, and start long before the prefix. */
	add(b, id_name(P1, "wide"), 61200000000, 61299999999, 11, 9, NUMBERING_LIFECYCLE_DELETED);
	add(b, id_name(P1, "gone"), 61255501100, 61255501100, 11, 10, NUMBERING_LIFECYCLE_DELETED);
	add(b, id_name(P1, "gone-before"), 61255400000, 61255409999, 11, 11, NUMBERING_LIFECYCLE_DELETED);

	ck_assert_str_eq(list_ids(b, P1, 0, 0, "6125", 10), "short,span,block,syd");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, "6125", 10), "gone-before,gone,wide,short,span,block,syd");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "61", 10), "shorter,short,span,block,mel,syd");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "6125551", 10), "span");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "61255510099", 10), "span");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "61255510100", 10), "");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, "61255510100", 10), "wide");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, "612554", 10), "gone-before,wide");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "612555090", 10), "block");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "1", 10), "us");
	/* Longer than the numbers: no match. */
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "612555011001", 10), "");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "61255501100123456789", 10), "");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "7", 10), "");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, "", 10), "shorter,short,span,us,block,mel,syd");
	/* With the cursor and limit. */
	ck_assert_str_eq(list_ids(b, P1, 1, 10, "6125", 10), "wide,short,span,block,syd");
	ck_assert_str_eq(list_ids(b, P1, 1, 10, "6125", 2), "wide,short");
	ck_assert_str_eq(list_ids(b, P2, 1, 0, "6125", 10), "other");
	struct listed l;
	memset(&l, 0, sizeof(l));
	numbering_backend_query q = {NUMBERING_BACKEND_QUERY_VERSION, P1, 0, 0, "61x", 10, NULL};
	ck_assert_int_eq(b->list(b, &q, collect, &l), NUMBERING_INVALID_ARGUMENT);
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(transactions)
{
	numbering_backend *b = open_backend(_i);
	numbering_instance *in = make_instance(NAME1, 100, 100, 3, 1, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(b->put(b, in), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->remove(b, NAME1), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->meta_put(b, "k", "v", 1), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->commit(b), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->rollback(b), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->begin(b), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->put(b, in), NUMBERING_OK);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	ck_assert_str_eq(found(b, 100, 100, 3), "");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "");

	put_one(b, in);
	add(b, NAME2, 200, 299, 3, 2, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "kept", "1", 1), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);

	/* Replace, remove, add, put twice, meta: all undone. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	numbering_instance *changed = make_instance(NAME1, 150, 150, 3, 1, NUMBERING_LIFECYCLE_DELETED);
	ck_assert_int_eq(b->put(b, changed), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, NAME2), NUMBERING_OK);
	numbering_instance *fresh = make_instance(NAME3, 250, 250, 3, 3, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(b->put(b, fresh), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, fresh), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "kept", "2", 1), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "new", "x", 1), NUMBERING_OK);
	ck_assert_str_eq(found(b, 250, 250, 3), NAME3);
	ck_assert_str_eq(found(b, 100, 100, 3), "");
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);

	ck_assert_str_eq(found(b, 100, 100, 3), NAME1);
	ck_assert_str_eq(found(b, 250, 250, 3), NAME2);
	ck_assert_str_eq(found(b, 150, 150, 3), "");
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "two,one");
	ck_assert_str_eq(list_ids(b, P2, 1, 0, NULL, 10), "");
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	ck_assert_int_eq(b->get(out, b, NAME1), NUMBERING_OK);
	assert_same(in, out);
	ck_assert_int_eq(b->get(out, b, NAME3), NUMBERING_NOT_FOUND);
	char buf[8];
	size_t len = sizeof(buf);
	ck_assert_int_eq(b->meta_get(b, "kept", buf, &len), NUMBERING_OK);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(buf[0], '1');
	len = sizeof(buf);
	ck_assert_int_eq(b->meta_get(b, "new", buf, &len), NUMBERING_NOT_FOUND);
	check_backend(_i, b);

	/* The same, committed. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, changed), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, NAME2), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, fresh), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_str_eq(found(b, 250, 250, 3), NAME3);
	ck_assert_str_eq(list_ids(b, P1, 1, 0, NULL, 10), "one");
	ck_assert_str_eq(list_ids(b, P1, 0, 0, NULL, 10), "");
	check_backend(_i, b);
	numbering_instance_free(out);
	numbering_instance_free(in);
	numbering_instance_free(changed);
	numbering_instance_free(fresh);
	b->free(b);
}
END_TEST

START_TEST(metadata)
{
	numbering_backend *b = open_backend(_i);
	char buf[64];
	size_t len = sizeof(buf);
	ck_assert_int_eq(b->meta_get(b, "token-key", buf, &len), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "token-key", "0123456789abcdef0123456789abcdef", 32), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "empty", NULL, 0), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "bin", "a\0b", 3), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, NULL, "x", 1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	len = sizeof(buf);
	ck_assert_int_eq(b->meta_get(b, "token-key", buf, &len), NUMBERING_OK);
	ck_assert_uint_eq(len, 32);
	ck_assert_int_eq(memcmp(buf, "0123456789abcdef0123456789abcdef", 32), 0);
	/* Too small: OUT_OF_RANGE and the size needed. */
	len = 31;
	ck_assert_int_eq(b->meta_get(b, "token-key", buf, &len), NUMBERING_OUT_OF_RANGE);
	ck_assert_uint_eq(len, 32);
	len = 0;
	ck_assert_int_eq(b->meta_get(b, "token-key", NULL, &len), NUMBERING_OUT_OF_RANGE);
	ck_assert_uint_eq(len, 32);
	len = 0;
	ck_assert_int_eq(b->meta_get(b, "empty", NULL, &len), NUMBERING_OK);
	ck_assert_uint_eq(len, 0);
	len = sizeof(buf);
	ck_assert_int_eq(b->meta_get(b, "bin", buf, &len), NUMBERING_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(buf, "a\0b", 3), 0);
	ck_assert_int_eq(b->meta_get(b, "bin", buf, NULL), NUMBERING_INVALID_ARGUMENT);
	/* Replace. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->meta_put(b, "bin", "longer value", 12), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	len = sizeof(buf);
	ck_assert_int_eq(b->meta_get(b, "bin", buf, &len), NUMBERING_OK);
	ck_assert_uint_eq(len, 12);
	/* Many keys, as idempotency records are. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 5000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "request:%d", i);
		ck_assert_int_eq(b->meta_put(b, key, &i, sizeof(i)), NUMBERING_OK);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	for (int i = 0; i < 5000; i += 7) {
		char key[32];
		int v = -1;
		snprintf(key, sizeof(key), "request:%d", i);
		len = sizeof(v);
		ck_assert_int_eq(b->meta_get(b, key, &v, &len), NUMBERING_OK);
		ck_assert_int_eq(v, i);
	}
	check_backend(_i, b);
	b->free(b);
}
END_TEST

START_TEST(control_and_arguments)
{
	numbering_backend *b = open_backend(_i);
	ck_assert_int_eq(b->control(b, 0x7fffffff, NULL), NUMBERING_UNIMPLEMENTED);
	ck_assert_int_eq(b->control(b, -1, NULL), NUMBERING_UNIMPLEMENTED);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_instance *unnamed = NULL;
	ck_assert_int_eq(numbering_instance_new(&unnamed), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, unnamed), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->remove(b, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	numbering_instance_free(unnamed);
	b->free(b);
}
END_TEST

/* A reference model: records in an array, every query a full scan. */
struct ref_record {
	char name[64];
	char project[16];
	uint64_t first, last;
	int digits;
	int64_t created;
	int state;
};

#define REF_MAX 400

struct ref {
	struct ref_record r[REF_MAX];
	int count;
	char meta[8][8];
	int meta_len[8]; /* -1: absent */
};

static int ref_find_name(const struct ref *ref, const char *name)
{
	for (int i = 0; i < ref->count; i++)
		if (strcmp(ref->r[i].name, name) == 0)
			return i;
	return -1;
}

static int ref_overlaps_live(const struct ref *ref, uint64_t first, uint64_t last, int digits, const char *except)
{
	for (int i = 0; i < ref->count; i++) {
		const struct ref_record *r = &ref->r[i];
		if (r->state != NUMBERING_LIFECYCLE_DELETED && r->digits == digits && r->first <= last && r->last >= first &&
		    strcmp(r->name, except) != 0)
			return 1;
	}
	return 0;
}

uint64_t rand_u64(uint64_t n)
{
	return ((uint64_t)rand() << 31 ^ (uint64_t)rand()) % n;
}

static void ref_put(numbering_backend *b, struct ref *ref, const struct ref_record *r)
{
	numbering_instance *in = make_instance(r->name, r->first, r->last, r->digits, r->created, r->state);
	ck_assert_int_eq(b->put(b, in), NUMBERING_OK);
	numbering_instance_free(in);
	int i = ref_find_name(ref, r->name);
	if (i < 0)
		i = ref->count++;
	ref->r[i] = *r;
}

static void ref_remove(numbering_backend *b, struct ref *ref, int i)
{
	ck_assert_int_eq(b->remove(b, ref->r[i].name), NUMBERING_OK);
	ref->count--;
	ref->r[i] = ref->r[ref->count];
}

static int cmp_created_desc(const void *x, const void *y)
{
	const struct ref_record *a = *(const struct ref_record *const *)x, *b = *(const struct ref_record *const *)y;
	return a->created < b->created ? 1 : a->created > b->created ? -1 : 0;
}

static int ref_prefix_matches(const struct ref_record *r, const char *prefix)
{
	size_t p = strlen(prefix);
	if (p > (size_t)r->digits)
		return 0;
	uint64_t value = strtoull(prefix, NULL, 10), scale = 1;
	for (size_t i = p; i < (size_t)r->digits; i++)
		scale *= 10;
	uint64_t lo = value * scale, hi = lo + scale - 1;
	return r->first <= hi && r->last >= lo;
}

static void ref_compare_list(numbering_backend *b, const struct ref *ref, const char *project, int include_deleted,
                             int64_t before, const char *prefix, int limit)
{
	const struct ref_record *sorted[REF_MAX];
	int n = 0;
	for (int i = 0; i < ref->count; i++) {
		const struct ref_record *r = &ref->r[i];
		if (strcmp(r->project, project) != 0 || (!include_deleted && r->state == NUMBERING_LIFECYCLE_DELETED) ||
		    (before != 0 && r->created >= before) || (prefix != NULL && !ref_prefix_matches(r, prefix)))
			continue;
		sorted[n++] = r;
	}
	qsort(sorted, (size_t)n, sizeof(sorted[0]), cmp_created_desc);
	if (n > limit)
		n = limit;
	struct listed l;
	memset(&l, 0, sizeof(l));
	numbering_backend_query q = {NUMBERING_BACKEND_QUERY_VERSION, project, include_deleted, before, prefix, limit, NULL};
	ck_assert_int_eq(b->list(b, &q, collect, &l), NUMBERING_OK);
	ck_assert_msg(l.count == n, "list %s deleted=%d before=%lld prefix=%s limit=%d: %d records, expected %d", project,
	              include_deleted, (long long)before, prefix ? prefix : "-", limit, l.count, n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(l.names[i], sorted[i]->name);
	assert_placed_list_matches(b, &q, n);
}

static void ref_compare_find(numbering_backend *b, const struct ref *ref, uint64_t first, uint64_t last, int digits)
{
	int expected = ref_overlaps_live(ref, first, last, digits, "");
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	int rc = b->find(out, b, first, last, digits);
	ck_assert_int_eq(rc, expected ? NUMBERING_OK : NUMBERING_NOT_FOUND);
	if (rc == NUMBERING_OK) {
		int i = ref_find_name(ref, numbering__str_get(&out->name));
		ck_assert_int_ge(i, 0);
		const struct ref_record *r = &ref->r[i];
		ck_assert_int_ne(r->state, NUMBERING_LIFECYCLE_DELETED);
		ck_assert(r->digits == digits && r->first <= last && r->last >= first);
		ck_assert_uint_eq(out->first, r->first);
		ck_assert_uint_eq(out->last, r->last);
	}
	numbering_instance_free(out);
}

static const char *const ref_projects[] = {"projects/a", "projects/b", "projects/c"};

/* Random numbers of 4 or 5 digits, dense enough that ranges and deleted records overlap. */
static void random_numbers(struct ref_record *r)
{
	r->digits = 4 + rand() % 2;
	uint64_t space = r->digits == 4 ? 10000 : 100000;
	uint64_t size = rand() % 3 == 0 ? 1 + rand_u64(r->digits == 4 ? 60 : 3000) : 1;
	r->first = rand_u64(space - size + 1);
	r->last = r->first + size - 1;
}

static void ref_random_op(numbering_backend *b, struct ref *ref, int64_t *clock, int *next_id)
{
	int op = rand() % 10;
	if (ref->count > 0 && op < 2) {
		ref_remove(b, ref, rand() % ref->count);
	} else if (ref->count > 0 && op < 5) {
		/* Update in place: new state, new numbers (a split), or a move. */
		struct ref_record r = ref->r[rand() % ref->count];
		int what = rand() % 3;
		if (what == 0) {
			r.state = 1 + rand() % 4;
		} else if (what == 1 && r.last > r.first) {
			r.last = r.first + rand_u64(r.last - r.first);
		} else {
			ref_remove(b, ref, ref_find_name(ref, r.name));
			char id[24];
			snprintf(id, sizeof(id), "%s", strrchr(r.name, '/') + 1);
			snprintf(r.project, sizeof(r.project), "%s", ref_projects[rand() % 3]);
			snprintf(r.name, sizeof(r.name), "%s/phoneNumberInstances/%s", r.project, id);
			if (ref_find_name(ref, r.name) >= 0)
				r.state = NUMBERING_LIFECYCLE_DELETED;
		}
		if (r.state != NUMBERING_LIFECYCLE_DELETED && ref_overlaps_live(ref, r.first, r.last, r.digits, r.name))
			r.state = NUMBERING_LIFECYCLE_DELETED;
		ref_put(b, ref, &r);
	} else if (op < 9 && ref->count < REF_MAX) {
		struct ref_record r;
		memset(&r, 0, sizeof(r));
		snprintf(r.project, sizeof(r.project), "%s", ref_projects[rand() % 3]);
		snprintf(r.name, sizeof(r.name), "%s/phoneNumberInstances/n%d", r.project, (*next_id)++);
		random_numbers(&r);
		r.created = ++*clock;
		r.state = rand() % 5 == 0 ? NUMBERING_LIFECYCLE_DELETED : NUMBERING_LIFECYCLE_ACTIVE;
		if (r.state != NUMBERING_LIFECYCLE_DELETED && ref_overlaps_live(ref, r.first, r.last, r.digits, r.name))
			r.state = NUMBERING_LIFECYCLE_DELETED;
		ref_put(b, ref, &r);
	} else {
		int k = rand() % 8;
		char key[24];
		snprintf(key, sizeof(key), "meta-%d", k);
		ref->meta_len[k] = rand() % 8;
		for (int i = 0; i < ref->meta_len[k]; i++)
			ref->meta[k][i] = (char)rand();
		ck_assert_int_eq(b->meta_put(b, key, ref->meta[k], (size_t)ref->meta_len[k]), NUMBERING_OK);
	}
}

static void ref_compare(numbering_backend *b, const struct ref *ref, int64_t clock)
{
	for (int q = 0; q < 40; q++) {
		int digits = 4 + rand() % 2;
		uint64_t space = digits == 4 ? 10000 : 100000;
		uint64_t first = rand_u64(space), last = rand() % 2 ? first : first + rand_u64(space / 50);
		ref_compare_find(b, ref, first, last, digits);
	}
	for (int p = 0; p < 3; p++) {
		for (int q = 0; q < 6; q++) {
			char prefix[8];
			int plen = rand() % 4;
			for (int i = 0; i < plen; i++)
				prefix[i] = (char)('0' + rand() % 10);
			prefix[plen] = '\0';
			int64_t before = rand() % 2 ? 0 : 1 + (int64_t)rand_u64((uint64_t)clock + 1);
			ref_compare_list(b, ref, ref_projects[p], rand() % 2, before, plen ? prefix : NULL, 1 + rand() % 60);
		}
	}
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	for (int i = 0; i < ref->count; i += 1 + rand() % 5) {
		const struct ref_record *r = &ref->r[i];
		ck_assert_int_eq(b->get(out, b, r->name), NUMBERING_OK);
		ck_assert_uint_eq(out->first, r->first);
		ck_assert_uint_eq(out->last, r->last);
		ck_assert_int_eq(out->lifecycle_state, r->state);
		ck_assert_int_eq(out->create_time, r->created);
	}
	numbering_instance_free(out);
	for (int k = 0; k < 8; k++) {
		char key[24], buf[8];
		size_t len = sizeof(buf);
		snprintf(key, sizeof(key), "meta-%d", k);
		int rc = b->meta_get(b, key, buf, &len);
		ck_assert_int_eq(rc, ref->meta_len[k] < 0 ? NUMBERING_NOT_FOUND : NUMBERING_OK);
		if (rc == NUMBERING_OK) {
			ck_assert_uint_eq(len, (size_t)ref->meta_len[k]);
			ck_assert_int_eq(memcmp(buf, ref->meta[k], len), 0);
		}
	}
}

START_TEST(random_against_reference)
{
	numbering_backend *b = open_backend(_i);
	srand(7);
	static struct ref ref, saved;
	memset(&ref, 0, sizeof(ref));
	for (int k = 0; k < 8; k++)
		ref.meta_len[k] = -1;
	int64_t clock = 1000;
	int next_id = 0;
	for (int tx = 0; tx < 600; tx++) {
		saved = ref;
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		int ops = 1 + rand() % (tx % 50 == 49 ? 120 : 6);
		for (int i = 0; i < ops; i++)
			ref_random_op(b, &ref, &clock, &next_id);
		if (rand() % 4 == 0) {
			ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
			ref = saved;
		} else {
			ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		}
		if (tx % 10 == 0)
			check_backend(_i, b);
		/* A durable backend shows the same after a reopen. */
		if (tx % 100 == 99 && factories[_i]->reopen != NULL) {
			b = factories[_i]->reopen(b);
			ck_assert_ptr_nonnull(b);
			check_backend(_i, b);
		}
		ref_compare(b, &ref, clock);
	}
	check_backend(_i, b);
	b->free(b);
}
END_TEST

/* Reads run concurrently from many threads when no write is open. */
struct reader {
	numbering_backend *b;
	int seed;
	int failures;
};

static void *read_many(void *arg)
{
	struct reader *r = arg;
	numbering_instance *out = NULL;
	if (numbering_instance_new(&out) != NUMBERING_OK) {
		r->failures++;
		return NULL;
	}
	unsigned state = (unsigned)r->seed;
	for (int i = 0; i < 20000; i++) {
		state = state * 1103515245u + 12345u;
		int k = (int)((state >> 8) % 2000);
		char name[64];
		snprintf(name, sizeof(name), P1 "/phoneNumberInstances/n%d", k);
		/* Record k holds 10000 + 10k .. 10000 + 10k + (k % 10): a range every tenth. */
		uint64_t n = 10000 + (uint64_t)k * 10 + (uint64_t)(k % 10) / 2;
		switch (i % 4) {
		case 0:
			if (r->b->get(out, r->b, name) != NUMBERING_OK || strcmp(numbering__str_get(&out->name), name) != 0)
				r->failures++;
			break;
		case 1:
			if (r->b->find(out, r->b, n, n, 6) != NUMBERING_OK || strcmp(numbering__str_get(&out->name), name) != 0)
				r->failures++;
			break;
		case 2:
			if (r->b->find(out, r->b, n + 9, n + 9, 7) != NUMBERING_NOT_FOUND)
				r->failures++;
			break;
		default: {
			struct listed l;
			memset(&l, 0, sizeof(l));
			numbering_backend_query q = {NUMBERING_BACKEND_QUERY_VERSION, P1, 1, k + 2, k % 2 ? "0" : NULL, 5, NULL};
			if (r->b->list(r->b, &q, collect, &l) != NUMBERING_OK || l.count != (k + 1 < 5 ? k + 1 : 5) ||
			    strcmp(l.names[0], name) != 0)
				r->failures++;
			break;
		}
		}
	}
	numbering_instance_free(out);
	return NULL;
}

START_TEST(concurrent_reads)
{
	numbering_backend *b = open_backend(_i);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int k = 0; k < 2000; k++) {
		char name[64];
		snprintf(name, sizeof(name), P1 "/phoneNumberInstances/n%d", k);
		uint64_t first = 10000 + (uint64_t)k * 10;
		numbering_instance *in = make_instance(name, first, first + (uint64_t)(k % 10), 6, k + 1,
		                                       NUMBERING_LIFECYCLE_ACTIVE);
		ck_assert_int_eq(b->put(b, in), NUMBERING_OK);
		numbering_instance_free(in);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	pthread_t threads[4];
	struct reader readers[4];
	for (int t = 0; t < 4; t++) {
		readers[t] = (struct reader){b, t + 1, 0};
		ck_assert_int_eq(pthread_create(&threads[t], NULL, read_many, &readers[t]), 0);
	}
	for (int t = 0; t < 4; t++) {
		ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
		ck_assert_int_eq(readers[t].failures, 0);
	}
	check_backend(_i, b);
	b->free(b);
}
END_TEST

TCase *backend_conformance_tcase(const struct backend_factory *factory)
{
	if (factory_count >= FACTORIES_MAX) {
		fprintf(stderr, "backend_conformance_tcase: more than %d backends\n", FACTORIES_MAX);
		abort();
	}
	int i = factory_count;
	factories[factory_count++] = factory;
	TCase *tc = tcase_create(factory->name);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, put_get_round_trip, i, i + 1);
	tcase_add_loop_test(tc, list_places_every_field, i, i + 1);
	tcase_add_loop_test(tc, names_of_any_form, i, i + 1);
	tcase_add_loop_test(tc, replace_and_remove, i, i + 1);
	tcase_add_loop_test(tc, find_numbers, i, i + 1);
	tcase_add_loop_test(tc, find_after_state_changes, i, i + 1);
	tcase_add_loop_test(tc, list_order_and_filters, i, i + 1);
	tcase_add_loop_test(tc, list_prefix, i, i + 1);
	tcase_add_loop_test(tc, transactions, i, i + 1);
	tcase_add_loop_test(tc, metadata, i, i + 1);
	tcase_add_loop_test(tc, control_and_arguments, i, i + 1);
	tcase_add_loop_test(tc, random_against_reference, i, i + 1);
	tcase_add_loop_test(tc, concurrent_reads, i, i + 1);
	return tc;
}

