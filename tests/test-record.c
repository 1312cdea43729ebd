/*
 * Records (numbering/sys/record.h): the record encoding at and past every limit,
 * hostile bytes (every truncation, every single-bit flip), the kinds, and instances
 * as records: round trips of every shape, no allocation on a refill, placed copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#include "instance-same.h"
#include "model/instance-record.h"
#include "suites.h"

/* ---- Records ---- */

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static int str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void assert_record_eq(const numbering_record *a, const numbering_record *b)
{
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->parent, b->parent);
	ck_assert(a->sort_key == b->sort_key);
	ck_assert_int_eq(a->digits, b->digits);
	ck_assert(a->first == b->first && a->last == b->last);
	ck_assert(a->expires == b->expires);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		ck_assert_msg(str_eq(a->keys[i], b->keys[i]), "key slot %d differs", i);
	ck_assert_uint_eq(a->body_len, b->body_len);
	if (a->body_len > 0)
		ck_assert_int_eq(memcmp(a->body, b->body, a->body_len), 0);
}

/* Encodes @r, decodes the bytes from an exact-size copy (so a read past them is a
 * sanitizer error), and compares. Returns the encoding's length. */
static size_t round_trip(const numbering_record *r)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	ck_assert_int_eq(numbering_record_encode(&bytes, &len, r), NUMBERING_OK);
	uint8_t *copy = malloc(len);
	memcpy(copy, bytes, len);
	numbering_record back;
	ck_assert_int_eq(numbering_record_decode(&back, copy, len), NUMBERING_OK);
	ck_assert_uint_eq(back.version, NUMBERING_RECORD_VERSION);
	assert_record_eq(r, &back);
	/* Decoding copies nothing: the strings point into the bytes. */
	ck_assert((const uint8_t *)back.name >= copy && (const uint8_t *)back.name < copy + len);
	ck_assert((const uint8_t *)back.parent >= copy && (const uint8_t *)back.parent < copy + len);
	free(copy);
	numbering_free(bytes);
	return len;
}

static numbering_record blank(void)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	return r;
}

static numbering_record sample(void)
{
	numbering_record r = blank();
	r.kind = 3;
	r.flags = NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
	r.name = "projects/p1/phoneNumberInstances/front-desk";
	r.parent = "projects/p1";
	r.sort_key = 1795387286123456789LL;
	r.digits = 11;
	r.first = 61255501100ULL;
	r.last = 61255501199ULL;
	r.body = "\x01\x02\x03";
	r.body_len = 3;
	return r;
}

START_TEST(record_round_trips_at_every_limit)
{
	numbering_record r = sample();
	round_trip(&r);
	char *long_name = repeat('n', NUMBERING_RECORD_NAME_MAX);
	char *long_parent = repeat('p', NUMBERING_RECORD_NAME_MAX);
	char *long_key = repeat('k', NUMBERING_RECORD_KEY_MAX);
	uint8_t *body = calloc(1, 70000);
	numbering_record at = blank();
	at.kind = NUMBERING_RECORD_KIND_MAX;
	at.flags = NUMBERING_RECORD_NUMBERS;
	at.name = long_name;
	at.parent = long_parent;
	at.sort_key = INT64_MIN;
	at.digits = NUMBERING_RECORD_DIGITS_MAX;
	at.first = 0;
	at.last = 9999999999999999ULL;
	at.expires = INT64_MAX;
	at.keys[0] = long_key;
	at.keys[1] = "";
	at.keys[3] = "x";
	at.body = body;
	at.body_len = 70000;
	round_trip(&at);
	/* The smallest: kind 1, a 1-byte name, no parent, no keys, no body. */
	numbering_record least = blank();
	least.kind = 1;
	least.name = "n";
	least.parent = "";
	ck_assert_uint_eq(round_trip(&least), 8);
	least.sort_key = INT64_MAX;
	least.expires = INT64_MIN;
	least.digits = 1;
	least.first = least.last = 9;
	least.flags = NUMBERING_RECORD_LISTED;
	round_trip(&least);
	/* A later version's record is read as version 1. */
	least.version = NUMBERING_RECORD_VERSION + 1;
	round_trip(&least);
	free(long_name);
	free(long_parent);
	free(long_key);
	free(body);
}
END_TEST

/* @r is refused with INVALID_ARGUMENT naming @field. */
static void assert_refused(const numbering_record *r, const char *field)
{
	uint8_t *bytes = (uint8_t *)"untouched";
	size_t len = 99;
	ck_assert_int_eq(numbering_record_encode(&bytes, &len, r), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), field);
}

START_TEST(record_encode_refuses_one_past_every_limit)
{
	char *long_name = repeat('n', NUMBERING_RECORD_NAME_MAX + 1);
	char *long_key = repeat('k', NUMBERING_RECORD_KEY_MAX + 1);
	numbering_record r = sample();
	r.kind = 0;
	assert_refused(&r, "kind");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "kind 0"));
	r.kind = NUMBERING_RECORD_KIND_MAX + 1;
	assert_refused(&r, "kind");
	r = sample();
	r.version = 0;
	assert_refused(&r, "version");
	r = sample();
	r.flags = 4;
	assert_refused(&r, "flags");
	r = sample();
	r.name = "";
	assert_refused(&r, "name");
	r.name = NULL;
	assert_refused(&r, "name");
	r.name = long_name;
	assert_refused(&r, "name");
	r = sample();
	r.parent = long_name;
	assert_refused(&r, "parent");
	r.parent = NULL;
	assert_refused(&r, "parent");
	r = sample();
	r.digits = NUMBERING_RECORD_DIGITS_MAX + 1;
	assert_refused(&r, "digits");
	r.digits = -1;
	assert_refused(&r, "digits");
	r = sample();
	r.last = 100000000000ULL; /* 12 digits */
	assert_refused(&r, "last");
	r = sample();
	r.first = r.last + 1;
	assert_refused(&r, "first");
	r = sample();
	r.digits = 0;
	assert_refused(&r, "first");
	r.first = 0;
	assert_refused(&r, "last");
	r.last = 0;
	round_trip(&r); /* NUMBERS with digits 0: it holds no number, and is valid */
	r.flags = NUMBERING_RECORD_LISTED;
	round_trip(&r);
	r = sample();
	r.keys[2] = long_key;
	assert_refused(&r, "keys[2]");
	r = sample();
	r.body = NULL;
	assert_refused(&r, "body");
	r.body_len = (size_t)NUMBERING_RECORD_BODY_MAX + 1;
	assert_refused(&r, "body_len");
	ck_assert_int_eq(numbering_record_encode(NULL, NULL, &r), NUMBERING_INVALID_ARGUMENT);
	free(long_name);
	free(long_key);
}
END_TEST

/* Decodes @len bytes at @data from an exact-size copy: DATA_LOSS, or a record that
 * encodes and decodes to itself. */
static int decode_hostile(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len > 0) /* data may be NULL for no bytes, which memcpy may not be given */
		memcpy(copy, data, len);
	numbering_record r;
	int rc = numbering_record_decode(&r, copy, len);
	if (rc == NUMBERING_OK) {
		round_trip(&r);
	} else {
		ck_assert_int_eq(rc, NUMBERING_DATA_LOSS);
		ck_assert_int_eq(numbering_error_violation_count(), 1);
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "is damaged"));
		ck_assert_ptr_null(r.name);
	}
	free(copy);
	return rc;
}

START_TEST(record_decode_survives_every_truncation_and_bit_flip)
{
	numbering_record shapes[3] = {sample(), sample(), sample()};
	shapes[1].keys[0] = "AU";
	shapes[1].keys[2] = "";
	shapes[1].expires = -5;
	shapes[1].sort_key = 0;
	shapes[2].kind = 1;
	shapes[2].name = "token-key";
	shapes[2].parent = "";
	shapes[2].digits = 0;
	shapes[2].first = shapes[2].last = 0;
	shapes[2].flags = 0;
	int valid = 0, damaged = 0;
	for (int s = 0; s < 3; s++) {
		uint8_t *bytes;
		size_t len;
		ck_assert_int_eq(numbering_record_encode(&bytes, &len, &shapes[s]), NUMBERING_OK);
		size_t header = len - shapes[s].body_len;
		for (size_t cut = 0; cut < len; cut++) {
			int rc = decode_hostile(bytes, cut);
			/* Cut in the keys: damaged; cut in the body: a shorter body. */
			ck_assert_int_eq(rc, cut < header ? NUMBERING_DATA_LOSS : NUMBERING_OK);
		}
		for (size_t bit = 0; bit < len * 8; bit++) {
			bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (decode_hostile(bytes, len) == NUMBERING_OK)
				valid++;
			else
				damaged++;
			bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		numbering_free(bytes);
	}
	ck_assert_int_gt(valid, 0);
	ck_assert_int_gt(damaged, 0);
	/* Trailing zero bytes of a varint, a missing NUL, a NUL inside. */
	static const uint8_t cases[][12] = {
		{1, 1, 0, 0x80, 0x00, 0, 1, 'n', 0},  /* parent count not in shortest form */
		{1, 1, 0, 0, 0, 1, 'n', 'x'},         /* name without its NUL */
		{1, 1, 0, 0, 0, 2, 'n', 0, 0},        /* a NUL inside the name */
		{1, 1, 0, 0, 0, 0, 0},                /* an empty name */
		{2, 1, 0, 0, 0, 1, 'n', 0},           /* another version */
		{1, 0, 0, 0, 0, 1, 'n', 0},           /* kind 0 */
		{1, 1, 0x80, 0, 0, 1, 'n', 0},        /* an unknown bit */
		{1, 1, 0x04, 1, 'p', 1, 'n'},         /* compact: meta has no collection */
		{1, 1, 0x10, 0, 0, 1, 'n', 0, 17, 0, 0}, /* 17 digits */
		{1, 1, 0x10, 0, 0, 1, 'n', 0, 1, 10, 0}, /* 10 has 2 digits */
	};
	static const size_t lens[] = {9, 8, 9, 7, 8, 8, 8, 7, 11, 11};
	static const char *const fields[] = {"parent", "name", "name", "name", "format",
	                                     "kind",   "flags", "name", "digits", "first"};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		ck_assert_msg(decode_hostile(cases[i], lens[i]) == NUMBERING_DATA_LOSS, "case %zu decoded", i);
		ck_assert_str_eq(numbering_error_violation_field(0), fields[i]);
	}
	ck_assert_int_eq(decode_hostile(NULL, 0), NUMBERING_DATA_LOSS);
	/* NUMBERS without an interval holds no number: valid (sys/record.h). */
	static const uint8_t numbers_no_interval[] = {1, 1, 0x02, 0, 0, 1, 'n', 0};
	numbering_record back;
	ck_assert_int_eq(numbering_record_decode(&back, numbers_no_interval, sizeof(numbers_no_interval)), NUMBERING_OK);
	ck_assert_uint_eq(back.flags, NUMBERING_RECORD_NUMBERS);
	ck_assert_int_eq(back.digits, 0);
}
END_TEST

START_TEST(record_compact_form_is_rebuilt)
{
	numbering_record r = sample();
	struct numbering__buf whole = {0}, compact = {0};
	ck_assert_int_eq(numbering__record_encode(&whole, &r, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering__record_encode(&compact, &r, 1), NUMBERING_OK);
	/* Neither "projects/" twice, "/phoneNumberInstances/" nor the NULs are stored. */
	ck_assert_uint_eq(whole.len - compact.len, strlen("projects/projects/p1/phoneNumberInstances/") + 2);
	char buf[NUMBERING__RECORD_NAME_BUF];
	numbering_record back;
	ck_assert_int_eq(numbering__record_decode(&back, compact.ptr, compact.len, buf), NUMBERING_OK);
	assert_record_eq(&r, &back);
	ck_assert((char *)back.name >= buf && (char *)back.name < buf + sizeof(buf));
	ck_assert((char *)back.parent >= buf && (char *)back.parent < buf + sizeof(buf));
	/* The public decoder copies nothing, so it cannot rebuild them. */
	ck_assert_int_eq(numbering_record_decode(&back, compact.ptr, compact.len), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	/* Names of another form, parents without the prefix, kinds without a collection:
	 * stored whole. */
	const char *names[] = {"projects/p1/phoneNumberInstances/", "projects/p1/phoneNumberInstance/x",
	                       "projects/p10/phoneNumberInstances/x", "projects/p1", "other/phoneNumberInstances/x"};
	const char *parents[] = {"projects/p1", "projects/p1", "projects/p1", "projects/p1", "other"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		r.name = names[i];
		r.parent = parents[i];
		compact.len = whole.len = 0;
		ck_assert_int_eq(numbering__record_encode(&whole, &r, 0), NUMBERING_OK);
		ck_assert_int_eq(numbering__record_encode(&compact, &r, 1), NUMBERING_OK);
		ck_assert_uint_eq(whole.len, compact.len);
		ck_assert_int_eq(numbering_record_decode(&back, compact.ptr, compact.len), NUMBERING_OK);
	}
	r = sample();
	r.kind = 1;
	compact.len = whole.len = 0;
	ck_assert_int_eq(numbering__record_encode(&whole, &r, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering__record_encode(&compact, &r, 1), NUMBERING_OK);
	ck_assert_uint_eq(whole.len, compact.len);
	/* Request records are compact too. */
	r.kind = 2;
	r.name = "projects/p1/requests/r-1";
	compact.len = 0;
	ck_assert_int_eq(numbering__record_encode(&compact, &r, 1), NUMBERING_OK);
	ck_assert_int_eq(numbering__record_decode(&back, compact.ptr, compact.len, buf), NUMBERING_OK);
	ck_assert_str_eq(back.name, "projects/p1/requests/r-1");
	ck_assert_str_eq(back.parent, "projects/p1");
	/* The longest name that rebuilds, and one byte more. */
	size_t fixed = strlen("projects/p/requests/");
	char *id = repeat('i', NUMBERING_RECORD_NAME_MAX - fixed);
	char name[NUMBERING_RECORD_NAME_MAX + 2];
	snprintf(name, sizeof(name), "projects/p/requests/%s", id);
	r.name = name;
	r.parent = "projects/p";
	compact.len = 0;
	ck_assert_int_eq(numbering__record_encode(&compact, &r, 1), NUMBERING_OK);
	ck_assert_int_eq(numbering__record_decode(&back, compact.ptr, compact.len, buf), NUMBERING_OK);
	ck_assert_str_eq(back.name, name);
	/* Its parent "p" becomes "pp": the rebuilt name is one byte over. */
	ck_assert_uint_eq(compact.ptr[3], 1);
	ck_assert_uint_eq(compact.ptr[4], 'p');
	uint8_t *longer = malloc(compact.len + 1);
	memcpy(longer, compact.ptr, 4);
	longer[3] = 2;
	longer[4] = 'p';
	memcpy(longer + 5, compact.ptr + 4, compact.len - 4);
	ck_assert_int_eq(numbering__record_decode(&back, longer, compact.len + 1, buf), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "longer than its limit"));
	free(longer);
	free(id);
	/* Every truncation and bit flip of a compact record. */
	r = sample();
	compact.len = 0;
	ck_assert_int_eq(numbering__record_encode(&compact, &r, 1), NUMBERING_OK);
	for (size_t bit = 0; bit < compact.len * 8; bit++) {
		uint8_t *copy = malloc(compact.len);
		memcpy(copy, compact.ptr, compact.len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		for (size_t cut = 0; cut <= compact.len; cut += (bit % 8 == 0 ? 1 : compact.len)) {
			int rc = numbering__record_decode(&back, copy, cut, buf);
			ck_assert(rc == NUMBERING_OK || rc == NUMBERING_DATA_LOSS);
			if (rc == NUMBERING_OK)
				ck_assert_int_eq(numbering__record_check(&back), NUMBERING_OK);
		}
		free(copy);
	}
	numbering__buf_free(&whole);
	numbering__buf_free(&compact);
}
END_TEST

/* The trusted decode (what the shared index's readers use for bytes whose check value
 * matches) reads every record the checked decode accepts as it does, compact and whole,
 * every optional field present or not; and bytes that are not such a record (every cut
 * and bit flip, from exact-size copies so that a read past them is a sanitizer error)
 * never make it read outside them or give a record whose strings, digit count or
 * interval a reader could not rely on. */
static void trusted_alike(const uint8_t *bytes, size_t len, int *same, int *refused)
{
	uint8_t *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len > 0)
		memcpy(copy, bytes, len);
	char buf[NUMBERING__RECORD_NAME_BUF], tbuf[NUMBERING__RECORD_NAME_BUF];
	numbering_record checked, trusted;
	int rc = numbering__record_decode(&checked, copy, len, buf);
	int trc = numbering__record_decode_trusted(&trusted, copy, len, tbuf);
	if (rc == NUMBERING_OK) {
		ck_assert_int_eq(trc, NUMBERING_OK);
		assert_record_eq(&checked, &trusted);
		(*same)++;
	} else if (trc == NUMBERING_OK) {
		ck_assert(strlen(trusted.name) <= NUMBERING_RECORD_NAME_MAX);
		ck_assert(strlen(trusted.parent) <= NUMBERING_RECORD_NAME_MAX);
		for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
			ck_assert(trusted.keys[i] == NULL || strlen(trusted.keys[i]) <= NUMBERING_RECORD_NAME_MAX);
		ck_assert(trusted.digits >= 0 && trusted.digits <= NUMBERING_RECORD_DIGITS_MAX);
		ck_assert(trusted.first <= trusted.last);
		if (trusted.body_len > 0)
			ck_assert((const uint8_t *)trusted.body >= copy &&
			          (const uint8_t *)trusted.body + trusted.body_len <= copy + len);
	} else {
		ck_assert_int_eq(trc, NUMBERING_DATA_LOSS);
		(*refused)++;
	}
	free(copy);
}

START_TEST(record_trusted_decode_reads_alike)
{
	numbering_record shapes[5] = {sample(), sample(), sample(), sample(), sample()};
	shapes[1].keys[0] = "1234567";
	shapes[1].keys[2] = "";
	shapes[1].expires = -5;
	shapes[1].sort_key = 0;
	shapes[2].kind = 1;
	shapes[2].name = "token-key";
	shapes[2].parent = "";
	shapes[2].digits = 0;
	shapes[2].first = shapes[2].last = 0;
	shapes[2].flags = 0;
	shapes[3].digits = 16;
	shapes[3].first = 9999999999999998ULL;
	shapes[3].last = 9999999999999999ULL;
	shapes[3].keys[3] = "k";
	shapes[4].body_len = 0;
	shapes[4].body = NULL;
	shapes[4].sort_key = -1;
	int same = 0, refused = 0;
	for (int s = 0; s < 5; s++)
		for (int compact = 0; compact < 2; compact++) {
			struct numbering__buf enc = {0};
			ck_assert_int_eq(numbering__record_encode(&enc, &shapes[s], compact), NUMBERING_OK);
			int before = same;
			trusted_alike(enc.ptr, enc.len, &same, &refused);
			ck_assert_int_eq(same, before + 1);
			for (size_t cut = 0; cut < enc.len; cut++)
				trusted_alike(enc.ptr, cut, &same, &refused);
			for (size_t bit = 0; bit < enc.len * 8; bit++) {
				enc.ptr[bit / 8] ^= (uint8_t)(1u << (bit % 8));
				trusted_alike(enc.ptr, enc.len, &same, &refused);
				enc.ptr[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			}
			numbering__buf_free(&enc);
		}
	ck_assert_int_gt(refused, 0);
}
END_TEST

/* A record of @n bytes at the start of a buffer of @n + @pad bytes, the rest 0x80: the
 * decoder reads a varint or a string a word at a time when 8 or 10 bytes are left and a
 * byte at a time near the end; both must read the same, and refuse the same bytes with
 * the same message (and never look past the @n bytes given). */
static uint8_t *padded_copy; /* the last decode_padded()'s bytes, which @out points into */

static int decode_padded(numbering_record *out, const uint8_t *bytes, size_t n, size_t pad, char *msg, size_t size)
{
	free(padded_copy);
	uint8_t *copy = malloc(n + pad);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, bytes, n);
	memset(copy + n, 0x80, pad);
	int rc = numbering_record_decode(out, copy, n);
	snprintf(msg, size, "%s", rc == NUMBERING_OK ? "" : numbering_error_message());
	padded_copy = copy;
	return rc;
}

START_TEST(record_varints_and_strings_read_alike_word_or_byte)
{
	numbering_record r = blank(), back;
	r.kind = 1;
	r.name = "n";
	r.parent = "";
	const numbering_record plain = r;
	struct numbering__buf buf = {0};
	char near_end[512], with_room[512];
	/* Every varint length, 1 to 10 bytes: the expiry last (no keys, no body: read near
	 * the end), then with a body after it (read a word at a time). */
	for (int bits = 0; bits <= 64; bits++) {
		uint64_t u = bits == 0 ? 0 : bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
		for (int plus = 0; plus < 2; plus++) {
			uint64_t z = u + (uint64_t)plus; /* the zigzag value: 2^k - 1 and 2^k */
			int64_t v = (int64_t)((z >> 1) ^ (0 - (z & 1)));
			if (v == 0)
				continue;
			r.expires = v;
			r.sort_key = v;
			for (size_t body = 0; body <= 16; body += 16) {
				r.body = body ? "0123456789abcdef" : NULL;
				r.body_len = body;
				buf.len = 0;
				ck_assert_int_eq(numbering__record_encode(&buf, &r, 0), NUMBERING_OK);
				ck_assert_int_eq(decode_padded(&back, buf.ptr, buf.len, 0, near_end, sizeof(near_end)), NUMBERING_OK);
				ck_assert_msg(back.expires == v && back.sort_key == v, "varint of %d bits, body %zu", bits, body);
			}
		}
	}
	/* Not in the shortest form (a last byte of 0) and over 64 bits, at every length,
	 * with and without room after them: the same message. */
	for (int len = 2; len <= 11; len++) {
		for (int kind = 0; kind < (len >= 10 ? 2 : 1); kind++) {
			uint8_t rec[64] = {1, 1, 0x08, 0, 0, 1, 'n', 0};
			size_t n = 8;
			for (int i = 0; i < len - 1; i++)
				rec[n++] = kind == 0 ? 0x81 : 0xff;
			rec[n++] = kind == 0 ? 0x00 : 0x02;
			for (size_t tail = 0; tail <= 12; tail += 12) {
				int a = decode_padded(&back, rec, n, 0, near_end, sizeof(near_end));
				ck_assert_int_eq(a, NUMBERING_DATA_LOSS);
				ck_assert_str_eq(numbering_error_violation_field(0), "sort_key");
				memset(rec + n, 'b', tail); /* a body after it: the varint read with room */
				int b = decode_padded(&back, rec, n + tail, 0, with_room, sizeof(with_room));
				ck_assert_int_eq(b, NUMBERING_DATA_LOSS);
				ck_assert_ptr_nonnull(strstr(near_end, kind == 0 && len <= 10 ? "shortest form" : "64 bits"));
				/* The same problem at the same byte; only the record's length differs. */
				ck_assert_ptr_nonnull(strstr(with_room, kind == 0 && len <= 10 ? "shortest form" : "64 bits"));
				ck_assert_ptr_nonnull(strchr(strstr(near_end, "at byte"), ')'));
				ck_assert_str_eq(strstr(near_end, "at byte"), strstr(with_room, "at byte"));
			}
		}
	}
	/* A key of every length 1 to 40 with a NUL at each place, read near the end and
	 * with room after it (a body): refused, naming the key. */
	for (size_t len = 1; len <= 40; len++) {
		for (size_t at = 0; at < len; at++) {
			char key[48];
			memset(key, 'k', len);
			key[len] = '\0';
			r = plain;
			r.keys[1] = key;
			for (size_t body = 0; body <= 16; body += 16) {
				r.body = body ? "0123456789abcdef" : NULL;
				r.body_len = body;
				buf.len = 0;
				ck_assert_int_eq(numbering__record_encode(&buf, &r, 0), NUMBERING_OK);
				ck_assert_int_eq(decode_padded(&back, buf.ptr, buf.len, 8, near_end, sizeof(near_end)), NUMBERING_OK);
				ck_assert_str_eq(back.keys[1], key);
				/* The key's bytes, found in the encoding. */
				uint8_t *k = NULL;
				for (size_t i = 0; k == NULL && i + len <= buf.len; i++)
					if (memcmp(buf.ptr + i, key, len) == 0)
						k = buf.ptr + i;
				ck_assert_ptr_nonnull(k);
				k[at] = '\0';
				ck_assert_int_eq(decode_padded(&back, buf.ptr, buf.len, 0, near_end, sizeof(near_end)),
				                 NUMBERING_DATA_LOSS);
				ck_assert_str_eq(numbering_error_violation_field(0), "keys[1]");
				ck_assert_ptr_nonnull(strstr(near_end, "holds a NUL byte"));
			}
		}
	}
	numbering__buf_free(&buf);
	free(padded_copy);
	padded_copy = NULL;
}
END_TEST

START_TEST(record_kinds_are_named)
{
	ck_assert_str_eq(numbering_record_kind_name(1), "meta");
	ck_assert_str_eq(numbering_record_kind_name(2), "request");
	ck_assert_str_eq(numbering_record_kind_name(3), "phoneNumberInstance");
	ck_assert_ptr_null(numbering_record_kind_name(0));
	ck_assert_str_eq(numbering_record_kind_name(4), "availableNumber");
	ck_assert_ptr_null(numbering_record_kind_name(200));
	ck_assert_ptr_null(numbering_record_kind_name(NUMBERING_RECORD_KIND_MAX));
	ck_assert_ptr_null(numbering_record_kind_name(-1));
	ck_assert_ptr_null(numbering__kind_find(256));
	ck_assert_str_eq(numbering__kind_find(NUMBERING__KIND_INSTANCE)->collection, "phoneNumberInstances");
	ck_assert_uint_eq(numbering__kind_find(NUMBERING__KIND_REQUEST)->collection_len, strlen("requests"));
	ck_assert_uint_eq(numbering__kind_find(NUMBERING__KIND_META)->collection_len, 0);
}
END_TEST

/* ---- Instances as records ---- */

static void set_str(struct numbering__str *s, const char *text)
{
	ck_assert_int_eq(numbering__str_set(s, text, strlen(text)), NUMBERING_OK);
}

static numbering_instance *single(void)
{
	numbering_instance *x = NULL;
	ck_assert_int_eq(numbering_instance_new(&x), NUMBERING_OK);
	set_str(&x->name, "projects/acme-prod/phoneNumberInstances/front-desk");
	set_str(&x->phone_number, "+61255501100");
	set_str(&x->country_code, "AU");
	set_str(&x->display_name, "Front desk");
	x->first = x->last = 61255501100ULL;
	x->digits = 11;
	x->range_size = 1;
	x->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
	x->number_type = NUMBERING_NUMBER_TYPE_LOCAL;
	x->capabilities = NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE;
	x->create_time = 1795387286123456789LL;
	x->activate_time = x->create_time;
	return x;
}

/* A range with every field set and the largest lists. */
static numbering_instance *full(void)
{
	numbering_instance *x = single();
	char key[16], uri[64];
	set_str(&x->name, "projects/p1/phoneNumberInstances/block-100");
	set_str(&x->range_end, "+61255501199");
	x->last = 61255501199ULL;
	x->range_size = 100;
	x->is_range = 1;
	set_str(&x->sku, "services/numbering/skus/au-local-range");
	set_str(&x->activation_sku, "services/numbering/skus/au-activation");
	set_str(&x->regulatory_listing, "projects/p1/regulatoryListings/Acme_1");
	set_str(&x->display_name, "Caf\xc3\xa9 \xf0\x9f\x93\x9e block");
	for (int i = 0; i < NUMBERING_LABELS_MAX; i++) {
		snprintf(key, sizeof(key), "key-%02d", i);
		ck_assert_int_eq(numbering_instance_set_label(x, key, i % 7 == 0 ? "" : "value \xe2\x82\xac"), NUMBERING_OK);
	}
	for (int i = 0; i < NUMBERING_HANDLER_URIS_MAX; i++) {
		snprintf(uri, sizeof(uri), "https://m%d.example.com/hook?n=%d", i, i);
		ck_assert_int_eq(numbering_instance_add_message_handler(x, uri), NUMBERING_OK);
		snprintf(uri, sizeof(uri), "sip:desk%d@example.com", i);
		ck_assert_int_eq(numbering_instance_add_call_handler(x, uri), NUMBERING_OK);
	}
	x->set = 0;
	x->activate_time = x->create_time + 1000;
	x->compliant = 1;
	x->call_recording_trigger = NUMBERING_RECORDING_BRIDGE;
	x->number_type = NUMBERING_NUMBER_TYPE_SHARED_RATE;
	x->capabilities = 7;
	x->lifecycle_state = NUMBERING_LIFECYCLE_SUSPENDED;
	return x;
}

/* Instance records keep set and compliant too. */
static void assert_instance_eq(const numbering_instance *a, const numbering_instance *b)
{
	instance_assert_same(a, b);
	ck_assert_int_eq(a->compliant, b->compliant);
	ck_assert_uint_eq(a->set, b->set);
}

/* Every shape the tests round-trip; the caller frees them. */
#define SHAPES 9
static void shapes(numbering_instance *x[SHAPES])
{
	x[0] = single();
	x[1] = full();
	/* Deleted: not listed, holding no numbers, but keeping them for prefix listing. */
	x[2] = single();
	x[2]->lifecycle_state = NUMBERING_LIFECYCLE_DELETED;
	x[2]->delete_time = x[2]->create_time + 86400000000000LL;
	/* A name of another form: parent "projects/p", stored whole. */
	x[3] = single();
	set_str(&x[3]->name, "projects/p/otherCollection/x/y");
	/* Outside every project: parent "". */
	x[4] = single();
	set_str(&x[4]->name, "instance-without-project");
	/* Each enum at its largest, verbatim request texts, a range size the numbers do
	 * not give, a set mask, times before the epoch. */
	x[5] = single();
	set_str(&x[5]->phone_number, "02 5550 1100");
	set_str(&x[5]->range_end, "+61 2 5550 1199");
	x[5]->range_size = 7;
	x[5]->set = (1u << 12) - 1;
	x[5]->lifecycle_state = NUMBERING_LIFECYCLE_PENDING;
	x[5]->call_recording_trigger = NUMBERING_RECORDING_ANSWER;
	x[5]->number_type = NUMBERING_NUMBER_TYPE_TOLL_FREE;
	x[5]->create_time = -5;
	x[5]->activate_time = 0;
	x[5]->delete_time = INT64_MIN;
	/* A range whose range_end is "" but is_range set (derived end not taken). */
	x[6] = full();
	set_str(&x[6]->range_end, "");
	x[6]->activate_time = 0;
	x[6]->create_time = 0;
	/* 16 digits at the ends of the interval, create time the largest. */
	x[7] = single();
	x[7]->digits = 16;
	x[7]->first = 0;
	x[7]->last = 9999999999999999ULL;
	set_str(&x[7]->phone_number, "+0000000000000000");
	x[7]->range_size = 10000000000000000LL;
	x[7]->create_time = INT64_MAX;
	x[7]->activate_time = INT64_MIN;
	x[7]->lifecycle_state = NUMBERING_LIFECYCLE_STATE_UNSPECIFIED;
	/* One label with an empty value, one handler each. */
	x[8] = single();
	ck_assert_int_eq(numbering_instance_set_label(x[8], "k", ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x[8], "tel:+61255501100"), NUMBERING_OK);
	x[8]->set = 0;
}

static void free_shapes(numbering_instance *x[SHAPES])
{
	for (int i = 0; i < SHAPES; i++)
		numbering_instance_free(x[i]);
}

START_TEST(instance_record_round_trips_every_shape)
{
	numbering_instance *x[SHAPES];
	shapes(x);
	numbering_instance *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0}, bytes = {0};
	static const char *const parents[SHAPES] = {"projects/acme-prod", "projects/p1", "projects/acme-prod",
	                                            "projects/p",         "",            "projects/acme-prod",
	                                            "projects/p1",        "projects/acme-prod", "projects/acme-prod"};
	for (int i = 0; i < SHAPES; i++) {
		numbering_record r;
		ck_assert_int_eq(numbering__instance_to_record(&r, &body, x[i]), NUMBERING_OK);
		ck_assert_int_eq(r.kind, NUMBERING__KIND_INSTANCE);
		ck_assert_str_eq(r.name, numbering__str_get(&x[i]->name));
		ck_assert_str_eq(r.parent, parents[i]);
		ck_assert(r.sort_key == x[i]->create_time);
		ck_assert(r.first == x[i]->first && r.last == x[i]->last && r.digits == x[i]->digits);
		ck_assert_uint_eq(r.flags, i == 2 ? 0u : NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS);
		ck_assert_int_eq(numbering__instance_record_check(&r), NUMBERING_OK);
		ck_assert_int_eq(numbering__instance_from_record(back, &r), NUMBERING_OK);
		assert_instance_eq(x[i], back);
		/* Through the record encoding, shortened as the file log keeps it. */
		bytes.len = 0;
		ck_assert_int_eq(numbering__record_encode(&bytes, &r, 1), NUMBERING_OK);
		char name[NUMBERING__RECORD_NAME_BUF];
		numbering_record again;
		ck_assert_int_eq(numbering__record_decode(&again, bytes.ptr, bytes.len, name), NUMBERING_OK);
		numbering__instance_reset(back);
		ck_assert_int_eq(numbering__instance_from_record(back, &again), NUMBERING_OK);
		assert_instance_eq(x[i], back);
	}
	/* A typical stored instance: the body is 3 bytes of fixed fields and its country
	 * and display name; the whole record, compact, 58 bytes (numbering_instance_encode()
	 * takes 57). */
	numbering_record r;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x[0]), NUMBERING_OK);
	ck_assert_uint_eq(r.body_len, 3 + 3 + 11);
	bytes.len = 0;
	ck_assert_int_eq(numbering__record_encode(&bytes, &r, 1), NUMBERING_OK);
	ck_assert_uint_eq(bytes.len, 58);
	uint8_t *format1 = NULL;
	size_t format1_len = 0;
	ck_assert_int_eq(numbering_instance_encode(&format1, &format1_len, x[0]), NUMBERING_OK);
	ck_assert_uint_le(bytes.len, format1_len + 1);
	numbering_free(format1);
	numbering__buf_free(&body);
	numbering__buf_free(&bytes);
	numbering_instance_free(back);
	free_shapes(x);
}
END_TEST

START_TEST(instance_to_record_refuses_what_cannot_be_stored)
{
	struct numbering__buf body = {0};
	numbering_record r;
	numbering_instance *x = single();
	set_str(&x->name, "");
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	numbering_instance_free(x);
	x = single();
	x->digits = 0;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
	x->digits = 17;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	x->digits = 11;
	x->last = x->first - 1;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "front-desk"));
	x->last = 100000000000ULL;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	x->last = x->first;
	x->lifecycle_state = 5;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "lifecycle_state");
	x->lifecycle_state = 1;
	x->call_recording_trigger = 4;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "call_recording_trigger");
	x->call_recording_trigger = 0;
	x->number_type = 6;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "number_type");
	x->number_type = 0;
	x->capabilities = 8;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "capabilities");
	x->capabilities = 0;
	x->is_range = 2;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	x->is_range = 0;
	x->set = 1u << 12;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "set");
	x->set = 0;
	char *long_text = repeat('c', 9);
	set_str(&x->country_code, long_text);
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "country_code");
	free(long_text);
	long_text = repeat('n', 513);
	set_str(&x->country_code, "AU");
	set_str(&x->name, long_text);
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	free(long_text);
	numbering_instance_free(x);
	/* Labels out of order, one past 50. */
	x = full();
	struct numbering__label t = x->labels[0];
	x->labels[0] = x->labels[1];
	x->labels[1] = t;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "labels");
	numbering_instance_free(x);
	numbering__buf_free(&body);
}
END_TEST

/* Places @r in one pass in a 64 KiB block of dirty memory (@trusted: the placer of
 * the library's own backends): returns the outcome, and when @expect is given,
 * asserts the placed instance equals it, lies in the bytes the placer says it used,
 * and nothing after them was written. */
#define PLACE_ROOM (16 * 1024)
static uint8_t place_guard[PLACE_ROOM + 64];

static int place_in_large(const numbering_record *r, int trusted, const numbering_instance *expect)
{
	static uint8_t *block;
	if (block == NULL) {
		block = aligned_alloc(8, PLACE_ROOM + 64);
		memset(place_guard, 0xa5, sizeof(place_guard));
	}
	memset(block, 0xa5, PLACE_ROOM + 64);
	numbering_instance *placed = NULL;
	size_t used = 99;
	int rc = numbering__instance_record_place_in(&placed, &used, block, PLACE_ROOM, r, trusted);
	if (rc == NUMBERING_OK) {
		ck_assert_ptr_eq(placed, block);
		ck_assert_uint_eq(used % 8, 0);
		ck_assert_uint_le(used, PLACE_ROOM);
		ck_assert_msg(memcmp(block + used, place_guard, PLACE_ROOM + 64 - used) == 0,
		              "a byte after the %zu used was written", used);
		const uint8_t *name = (const uint8_t *)placed->name.ptr;
		ck_assert(name > block && name + placed->name.len < block + used);
		ck_assert(placed->name.cap & NUMBERING__STR_BORROWED);
		if (placed->label_count > 0)
			ck_assert((uint8_t *)placed->labels > block &&
			          (uint8_t *)(placed->labels + placed->label_count) <= block + used &&
			          (uintptr_t)placed->labels % 8 == 0);
		if (expect != NULL)
			assert_instance_eq(expect, placed);
	} else {
		ck_assert_ptr_null(placed);
		ck_assert_int_eq(numbering_error_code(), rc);
	}
	return rc;
}

/* Flips every bit of an instance record's body: DATA_LOSS naming a field, or an
 * instance that stores back to the same body. Never a crash nor a read outside. */
START_TEST(instance_from_record_survives_every_bit_flip)
{
	numbering_instance *x[SHAPES];
	shapes(x);
	numbering_instance *back = NULL, *again = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0}, body2 = {0};
	int valid = 0, damaged = 0;
	for (int s = 0; s < SHAPES; s++) {
		numbering_record r;
		ck_assert_int_eq(numbering__instance_to_record(&r, &body, x[s]), NUMBERING_OK);
		uint8_t *copy = malloc(r.body_len);
		memcpy(copy, r.body, r.body_len);
		r.body = copy;
		for (size_t cut = 0; cut < r.body_len; cut++) {
			r.body_len = cut;
			ck_assert_int_eq(numbering__instance_from_record(back, &r), NUMBERING_DATA_LOSS);
			ck_assert_int_eq(numbering__instance_record_check(&r), NUMBERING_DATA_LOSS);
			struct numbering__instance_layout layout;
			ck_assert_int_eq(numbering__instance_record_measure(&layout, &r), NUMBERING_DATA_LOSS);
			ck_assert_int_eq(place_in_large(&r, 0, NULL), NUMBERING_DATA_LOSS);
			ck_assert_int_eq(place_in_large(&r, 1, NULL), NUMBERING_DATA_LOSS);
		}
		r.body_len = body.len - strlen(r.parent) - 1;
		for (size_t bit = 0; bit < r.body_len * 8; bit++) {
			copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			/* The trusted reader checks the structure only: never a crash, and what the
			 * checking reader reads it reads alike. */
			int own_rc = numbering__instance_from_own_record(back, &r);
			ck_assert(own_rc == NUMBERING_OK || own_rc == NUMBERING_DATA_LOSS);
			int rc = numbering__instance_from_record(back, &r);
			ck_assert_int_eq(numbering__instance_record_check(&r), rc);
			if (rc == NUMBERING_OK)
				ck_assert_int_eq(own_rc, NUMBERING_OK);
			/* Measuring walks the structure only; placing refuses what reading refuses. */
			struct numbering__instance_layout layout;
			if (numbering__instance_record_measure(&layout, &r) == NUMBERING_OK) {
				void *block = aligned_alloc(8, layout.size);
				numbering_instance *placed = numbering__instance_record_place(block, &layout, &r);
				ck_assert_int_eq(placed != NULL, rc == NUMBERING_OK);
				if (placed != NULL)
					assert_instance_eq(back, placed);
				else
					ck_assert_int_eq(numbering_error_code(), NUMBERING_DATA_LOSS);
				free(block);
			} else {
				ck_assert_int_eq(rc, NUMBERING_DATA_LOSS);
			}
			/* Placing in one pass refuses what reading refuses, and the trusted placer
			 * what the trusted reader refuses; what they place is what was read. */
			ck_assert_int_eq(place_in_large(&r, 0, rc == NUMBERING_OK ? back : NULL), rc);
			if (own_rc == NUMBERING_OK)
				ck_assert_int_eq(numbering__instance_from_own_record(back, &r), NUMBERING_OK);
			ck_assert_int_eq(place_in_large(&r, 1, own_rc == NUMBERING_OK ? back : NULL), own_rc);
			if (rc == NUMBERING_OK)
				ck_assert_int_eq(numbering__instance_from_record(back, &r), NUMBERING_OK);
			else
				numbering__instance_reset(back);
			if (rc == NUMBERING_OK) {
				valid++;
				numbering_record r2;
				ck_assert_int_eq(numbering__instance_to_record(&r2, &body2, back), NUMBERING_OK);
				ck_assert_msg(r2.body_len == r.body_len && memcmp(r2.body, r.body, r.body_len) == 0,
				              "shape %d, bit %zu: read, but stores back to other bytes", s, bit);
			} else {
				damaged++;
				ck_assert_int_eq(rc, NUMBERING_DATA_LOSS);
				ck_assert_int_eq(numbering_error_violation_count(), 1);
				ck_assert_int_eq(numbering_instance_label_count(back), 0);
				ck_assert_str_eq(numbering_instance_name(back), "");
			}
			copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		free(copy);
	}
	ck_assert_int_gt(valid, 0);
	ck_assert_int_gt(damaged, 0);
	(void)again;
	numbering__buf_free(&body);
	numbering__buf_free(&body2);
	numbering_instance_free(back);
	free_shapes(x);
}
END_TEST

START_TEST(instance_from_record_checks_the_keys)
{
	numbering_instance *x = single(), *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0};
	numbering_record r, good;
	ck_assert_int_eq(numbering__instance_to_record(&good, &body, x), NUMBERING_OK);
	struct {
		const char *field;
		void (*unused)(void);
	} expect[] = {{"kind", NULL}, {"flags", NULL}, {"flags", NULL}, {"parent", NULL}, {"parent", NULL},
	              {"digits", NULL}, {"digits", NULL}, {"keys", NULL}, {"keys", NULL}, {"name", NULL}};
	for (int i = 0; i < (int)(sizeof(expect) / sizeof(expect[0])); i++) {
		r = good;
		switch (i) {
		case 0: r.kind = NUMBERING__KIND_REQUEST; break;
		case 1: r.flags = 0; break;                         /* ACTIVE but not listed */
		case 2: r.flags = NUMBERING_RECORD_LISTED; break;
		case 3: r.parent = "projects/other"; break;
		case 4: r.parent = ""; break;
		case 5: r.digits = 0; break;
		case 6: r.first = r.last + 1; break;
		case 7: r.keys[1] = "x"; break;
		case 8: r.expires = 1; break;
		case 9: r.name = ""; break;
		}
		ck_assert_msg(numbering__instance_from_record(back, &r) == NUMBERING_DATA_LOSS, "case %d read", i);
		ck_assert_str_eq(numbering_error_violation_field(0), expect[i].field);
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "is damaged"));
	}
	numbering__buf_free(&body);
	numbering_instance_free(x);
	numbering_instance_free(back);
}
END_TEST

/* The counting allocator. */
static long allocations;

static void *count_malloc(size_t size, void *payload)
{
	(void)payload;
	allocations++;
	return malloc(size);
}

static void *count_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	allocations++;
	return realloc(ptr, size);
}

static void count_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

START_TEST(instance_from_record_allocates_nothing_once_grown)
{
	numbering_allocator counting = {NUMBERING_ALLOCATOR_VERSION, count_malloc, count_realloc, count_free, NULL};
	ck_assert_int_eq(numbering_set_allocator(&counting), NUMBERING_OK);
	numbering_instance *x[SHAPES];
	shapes(x);
	numbering_record r[SHAPES];
	struct numbering__buf body[SHAPES];
	memset(body, 0, sizeof(body));
	for (int i = 0; i < SHAPES; i++)
		ck_assert_int_eq(numbering__instance_to_record(&r[i], &body[i], x[i]), NUMBERING_OK);
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering__instance_new_reserved(&out), NUMBERING_OK);
	/* A typical instance fits the reserved instance from the start. */
	allocations = 0;
	ck_assert_int_eq(numbering__instance_from_record(out, &r[0]), NUMBERING_OK);
	ck_assert_int_eq(allocations, 0);
	for (int i = 0; i < SHAPES; i++)
		ck_assert_int_eq(numbering__instance_from_record(out, &r[i]), NUMBERING_OK);
	allocations = 0;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < SHAPES; i++) {
			ck_assert_int_eq(numbering__instance_from_record(out, &r[i]), NUMBERING_OK);
			assert_instance_eq(x[i], out);
		}
	ck_assert_int_eq(allocations, 0);
	/* Nor does the trusted reader, which reads the same. */
	for (int i = 0; i < SHAPES; i++) {
		ck_assert_int_eq(numbering__instance_from_own_record(out, &r[i]), NUMBERING_OK);
		assert_instance_eq(x[i], out);
	}
	ck_assert_int_eq(allocations, 0);
	/* Nor does storing into a grown body. */
	for (int i = 0; i < SHAPES; i++)
		ck_assert_int_eq(numbering__instance_to_record(&r[i], &body[0], x[SHAPES - 1 - i]), NUMBERING_OK);
	allocations = 0;
	for (int i = 0; i < SHAPES; i++)
		ck_assert_int_eq(numbering__instance_to_record(&r[0], &body[0], x[i]), NUMBERING_OK);
	ck_assert_int_eq(allocations, 0);
	numbering_instance_free(out);
	for (int i = 0; i < SHAPES; i++)
		numbering__buf_free(&body[i]);
	free_shapes(x);
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
}
END_TEST

START_TEST(placed_instances_equal_read_ones)
{
	numbering_instance *x[SHAPES];
	shapes(x);
	numbering_instance *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0};
	for (int i = 0; i < SHAPES; i++) {
		numbering_record r;
		ck_assert_int_eq(numbering__instance_to_record(&r, &body, x[i]), NUMBERING_OK);
		ck_assert_int_eq(numbering__instance_from_record(back, &r), NUMBERING_OK);
		struct numbering__instance_layout layout;
		ck_assert_int_eq(numbering__instance_record_measure(&layout, &r), NUMBERING_OK);
		/* The size a frozen copy of the read instance takes. */
		ck_assert_uint_eq(layout.size, numbering__instance_frozen_size(back));
		ck_assert_uint_eq(layout.labels, back->label_count);
		/* Dirty memory, and a guard after the block. */
		uint8_t *block = aligned_alloc(8, layout.size + 8);
		memset(block, 0xa5, layout.size + 8);
		numbering_instance *placed = numbering__instance_record_place(block, &layout, &r);
		ck_assert_ptr_eq(placed, block);
		assert_instance_eq(back, placed);
		for (int g = 0; g < 8; g++)
			ck_assert_int_eq(block[layout.size + g], 0xa5);
		/* Its strings live in the block and are marked borrowed. */
		ck_assert((uint8_t *)placed->name.ptr > block && (uint8_t *)placed->name.ptr < block + layout.size);
		ck_assert(placed->name.cap & NUMBERING__STR_BORROWED);
		ck_assert_str_eq(numbering_instance_phone_number(placed), numbering__str_get(&x[i]->phone_number));
		/* Placed from a record of the library's own backend: the same. */
		memset(block, 0x5a, layout.size);
		ck_assert_ptr_eq(numbering__instance_record_place_own(block, &layout, &r), block);
		assert_instance_eq(back, (numbering_instance *)block);
		/* A layout measured for another record is refused. */
		struct numbering__instance_layout small = layout;
		small.size = sizeof(numbering_instance) + layout.labels * sizeof(struct numbering__label) + 8;
		if (small.size < layout.size) {
			ck_assert_ptr_null(numbering__instance_record_place(block, &small, &r));
			ck_assert_int_eq(numbering_error_code(), NUMBERING_INTERNAL);
		}
		free(block);
	}
	numbering__buf_free(&body);
	numbering_instance_free(back);
	free_shapes(x);
}
END_TEST

/* The list page path: placed in one pass, each instance equals the one read; a room
 * too small for it places nothing and writes nothing past the room. */
START_TEST(placed_in_one_pass_equal_read_ones)
{
	numbering_instance *x[SHAPES];
	shapes(x);
	numbering_instance *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0};
	uint8_t *block = aligned_alloc(8, PLACE_ROOM + 64);
	for (int i = 0; i < SHAPES; i++) {
		numbering_record r;
		ck_assert_int_eq(numbering__instance_to_record(&r, &body, x[i]), NUMBERING_OK);
		ck_assert_int_eq(numbering__instance_from_record(back, &r), NUMBERING_OK);
		for (int trusted = 0; trusted <= 1; trusted++) {
			ck_assert_int_eq(place_in_large(&r, trusted, back), NUMBERING_OK);
			numbering_instance *placed = NULL;
			size_t used = 0;
			memset(block, 0xa5, PLACE_ROOM + 64);
			ck_assert_int_eq(numbering__instance_record_place_in(&placed, &used, block, PLACE_ROOM, &r, trusted),
			                 NUMBERING_OK);
			/* No more than a frozen copy takes, and the labels' alignment. */
			ck_assert_uint_le(used, numbering__instance_frozen_size(back) + 8);
			/* Exactly the room it used is enough. */
			size_t enough = used;
			ck_assert_int_eq(numbering__instance_record_place_in(&placed, &used, block, enough, &r, trusted),
			                 NUMBERING_OK);
			ck_assert_ptr_eq(placed, block);
			ck_assert_uint_eq(used, enough);
			assert_instance_eq(back, placed);
			/* Any less room: nothing placed, nothing written past the room. */
			for (size_t room = 0; room < enough; room += room < 600 ? 1 : 61) {
				memset(block, 0xa5, enough + 64);
				placed = (numbering_instance *)block;
				used = 7;
				numbering_error_clear();
				int rc = numbering__instance_record_place_in(&placed, &used, block, room, &r, trusted);
				if (rc == NUMBERING_OK && placed != NULL) {
					/* It fits in less when the labels needed no padding. */
					ck_assert_uint_ge(room, enough - 7);
					continue;
				}
				ck_assert_int_eq(rc, NUMBERING_OK);
				ck_assert_ptr_null(placed);
				ck_assert_uint_eq(used, 0);
				ck_assert_int_eq(numbering_error_code(), NUMBERING_OK);
				ck_assert_msg(memcmp(block + room, place_guard, enough + 64 - room) == 0,
				              "shape %d, room %zu: a byte past the room was written", i, room);
			}
		}
	}
	free(block);
	numbering__buf_free(&body);
	numbering_instance_free(back);
	free_shapes(x);
}
END_TEST

/* The trusted readers still check the kind (find visits records of every kind). */
START_TEST(trusted_readers_check_the_kind)
{
	numbering_instance *x = single(), *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0};
	numbering_record r;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_OK);
	r.kind = NUMBERING__KIND_REQUEST;
	ck_assert_int_eq(numbering__instance_from_own_record(back, &r), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "kind");
	ck_assert_int_eq(place_in_large(&r, 1, NULL), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "kind");
	r.kind = NUMBERING__KIND_INSTANCE;
	r.digits = 17;
	ck_assert_int_eq(numbering__instance_from_own_record(back, &r), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "digits");
	ck_assert_int_eq(place_in_large(&r, 1, NULL), NUMBERING_DATA_LOSS);
	numbering__buf_free(&body);
	numbering_instance_free(back);
	numbering_instance_free(x);
}
END_TEST

/* The +E164 text the numbers give, at every digit count and at the ends of each:
 * written by neither encoder (the body is as long as for any derived number) and
 * read back the same by every reader. */
START_TEST(e164_text_at_every_digit_count)
{
	numbering_instance *x = single(), *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	struct numbering__buf body = {0};
	numbering_record r;
	ck_assert_int_eq(numbering__instance_to_record(&r, &body, x), NUMBERING_OK);
	size_t derived_len = r.body_len;
	uint64_t pow10 = 1;
	for (int d = 1; d <= NUMBERING_RECORD_DIGITS_MAX; d++) {
		pow10 *= 10;
		uint64_t values[] = {0, pow10 / 10, pow10 - 1, 1234567890123456ULL % pow10, 9087654321012345ULL % pow10,
		                     pow10 - pow10 / 10};
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			char text[24];
			snprintf(text, sizeof(text), "+%0*llu", d, (unsigned long long)values[v]);
			x->digits = (uint8_t)d;
			x->first = x->last = values[v];
			set_str(&x->phone_number, text);
			ck_assert_msg(numbering__instance_to_record(&r, &body, x) == NUMBERING_OK, "%s: %s", text,
			              numbering_error_message());
			ck_assert_msg(r.body_len == derived_len, "%s stored verbatim", text);
			ck_assert_int_eq(numbering__instance_from_record(back, &r), NUMBERING_OK);
			ck_assert_str_eq(numbering_instance_phone_number(back), text);
			ck_assert_int_eq(numbering__instance_from_own_record(back, &r), NUMBERING_OK);
			ck_assert_str_eq(numbering_instance_phone_number(back), text);
			ck_assert_int_eq(place_in_large(&r, 0, back), NUMBERING_OK);
			ck_assert_int_eq(place_in_large(&r, 1, back), NUMBERING_OK);
		}
	}
	numbering__buf_free(&body);
	numbering_instance_free(back);
	numbering_instance_free(x);
}
END_TEST

START_TEST(meta_and_request_records)
{
	numbering_record r;
	uint8_t key[32] = {1};
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_TOKEN_KEY, key, 32), NUMBERING_OK);
	ck_assert_int_eq(r.kind, NUMBERING__KIND_META);
	ck_assert_str_eq(r.parent, "");
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_OK);
	round_trip(&r);
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_TOKEN_KEY, key, 31), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "body");
	ck_assert_int_eq(numbering__meta_record(&r, "other", key, 32), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_LAST_TIME, key, 8), NUMBERING_OK);
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_OK);
	r.body_len = 7;
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_DATA_LOSS);
	/* Of the right size, but a value the store's open refuses as DATA_LOSS: refused here
	 * too (an import or fsck would otherwise pass what every open then refuses). */
	uint8_t mark = 1, time[16] = {0};
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_PHONE_IDS, &mark, 1), NUMBERING_OK);
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_OK);
	mark = 0x81;
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "body");
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_LAST_TIME, time, 16), NUMBERING_OK);
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_OK);
	time[6] = 0xff, time[7] = 0x7f; /* 0x7fff000000000000 ns: past 2261-12-31 */
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_DATA_LOSS);
	time[6] = time[7] = 0;
	time[15] = 0x80; /* the last phone id past INT64_MAX */
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_SEQ_PHONE, time + 8, 8), NUMBERING_OK);
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_DATA_LOSS);
	time[15] = 0x7f;
	ck_assert_int_eq(numbering__meta_check(&r), NUMBERING_OK);

	char name[NUMBERING__REQUEST_NAME_SIZE];
	/* A create's kept response: a digest, 0, the compliance byte and an instance. */
	numbering_instance *x = single();
	uint8_t *bytes = NULL, value[400] = {0};
	size_t bytes_len = 0;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &bytes_len, x), NUMBERING_OK);
	ck_assert_uint_lt(bytes_len, sizeof(value) - 34);
	memcpy(value + 34, bytes, bytes_len);
	size_t value_len = 34 + bytes_len;
	numbering_free(bytes);
	numbering_instance_free(x);
	value[33] = 1;
	ck_assert_int_eq(numbering__request_record(&r, name, "projects/p1", "r-1", 1795387286123456789LL, value, value_len),
	                 NUMBERING_OK);
	ck_assert_str_eq(r.name, "projects/p1/requests/r-1");
	ck_assert_str_eq(r.parent, "projects/p1");
	ck_assert(r.sort_key == 1795387286123456789LL);
	ck_assert_int_eq(r.kind, NUMBERING__KIND_REQUEST);
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering__kind_find(r.kind)->check(&r), NUMBERING_OK);
	round_trip(&r);
	/* Its response cut, or bit-flipped in its format byte: what create.c could not read. */
	r.body_len--;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "is damaged: its response: "));
	r.body_len++;
	value[34] ^= 1;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_DATA_LOSS);
	value[34] ^= 1;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_OK);
	/* The generic answers: 8 bytes after 'C', 'A' or 'K'; a name after 'P' (and an old
	 * record's instance name in place of the mark); another mark is no request's. */
	value[32] = 'C';
	r.body_len = 41;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_OK);
	r.body_len = 40;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "its answer is not 8 bytes"));
	memcpy(value + 32, "Pprojects/p1/phoneNumberPurchases/x", 35);
	r.body_len = 67;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_OK);
	value[40] = 0;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "its answer is not a name"));
	value[40] = 't';
	value[32] = 'Z';
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "its mark byte names no kind of request"));
	value[32] = 0;
	value[33] = 2;
	ck_assert_int_eq(numbering__request_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_int_eq(numbering__request_record(&r, name, "", "r-1", 0, value, 40), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "parent");
	ck_assert_int_eq(numbering__request_record(&r, name, "projects/p1", "", 0, value, 40), NUMBERING_INVALID_ARGUMENT);
	char *long_id = repeat('i', NUMBERING_RECORD_NAME_MAX);
	ck_assert_int_eq(numbering__request_record(&r, name, "projects/p1", long_id, 0, value, 40),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "request_id");
	free(long_id);
}
END_TEST

/* numbering_record_check(), the public entry: limits, then the kind's own check. */
START_TEST(record_check_dispatches_on_the_kind)
{
	ck_assert_int_eq(numbering_record_check(NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "record");
	numbering_record r;
	uint8_t key[32] = {1};
	ck_assert_int_eq(numbering__meta_record(&r, NUMBERING__META_TOKEN_KEY, key, 32), NUMBERING_OK);
	ck_assert_int_eq(numbering_record_check(&r), NUMBERING_OK);
	/* A body the kind's check refuses: DATA_LOSS naming the record. */
	r.body_len = 31;
	ck_assert_int_eq(numbering_record_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "\"token-key\" is damaged"));
	r.body_len = 32;
	/* Outside the limits: INVALID_ARGUMENT naming the field, before the body is read. */
	r.digits = 3;
	r.first = 200;
	r.last = 100;
	ck_assert_int_eq(numbering_record_check(&r), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "first");
	r.digits = 0;
	r.first = r.last = 0;
	/* A kind in range the library does not define. */
	ck_assert_ptr_null(numbering_record_kind_name(NUMBERING_RECORD_KIND_MAX));
	r.kind = NUMBERING_RECORD_KIND_MAX;
	ck_assert_int_eq(numbering_record_check(&r), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "kind");
	/* An instance record: its body cut, and a key its body does not give. */
	numbering_instance *x = full();
	numbering_record ir;
	struct numbering__buf body = {0};
	ck_assert_int_eq(numbering__instance_to_record(&ir, &body, x), NUMBERING_OK);
	ck_assert_int_eq(numbering_record_check(&ir), NUMBERING_OK);
	ir.body_len--;
	ck_assert_int_eq(numbering_record_check(&ir), NUMBERING_DATA_LOSS);
	ir.body_len++;
	/* A key slot the instance's body leaves empty, and keys that are not its own. */
	ir.keys[1] = "x";
	ck_assert_int_eq(numbering_record_check(&ir), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "keys");
	ir.keys[1] = NULL;
	ir.digits = 0;
	ir.first = ir.last = 0;
	ck_assert_int_eq(numbering_record_check(&ir), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "digits");
	numbering__buf_free(&body);
	numbering_instance_free(x);
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, record_round_trips_at_every_limit);
	tcase_add_test(tc, record_encode_refuses_one_past_every_limit);
	tcase_add_test(tc, record_decode_survives_every_truncation_and_bit_flip);
	tcase_add_test(tc, record_compact_form_is_rebuilt);
	tcase_add_test(tc, record_varints_and_strings_read_alike_word_or_byte);
	tcase_add_test(tc, record_trusted_decode_reads_alike);
	tcase_add_test(tc, record_kinds_are_named);
	tcase_add_test(tc, instance_record_round_trips_every_shape);
	tcase_add_test(tc, instance_to_record_refuses_what_cannot_be_stored);
	tcase_add_test(tc, instance_from_record_survives_every_bit_flip);
	tcase_add_test(tc, instance_from_record_checks_the_keys);
	tcase_add_test(tc, instance_from_record_allocates_nothing_once_grown);
	tcase_add_test(tc, placed_instances_equal_read_ones);
	tcase_add_test(tc, placed_in_one_pass_equal_read_ones);
	tcase_add_test(tc, trusted_readers_check_the_kind);
	tcase_add_test(tc, e164_text_at_every_digit_count);
	tcase_add_test(tc, meta_and_request_records);
	tcase_add_test(tc, record_check_dispatches_on_the_kind);
	suite_add_tcase(s, tc);
	return s;
}
