/*
 * The in-memory record store (numbering/sys/record.h): the memory backend on the
 * resource-neutral contract of issue 11. It knows kinds, names, bodies and the index
 * keys the library computes, and nothing of any resource.
 *
 * Records live in a slab (slab.h) as a 24-byte header, the optional sort key, last
 * number and expiry, the secondary keys, the name's tail and the body as given; they
 * are named by 32-bit handles and every index holds handles. What a record's number
 * gives is not stored (a single available number is 24 bytes and its body):
 * - a sort key equal to the number order of its first number (digits * 10^16 +
 *   first, 0 without an interval), as an available number's is;
 * - the tail of a single number's NUMBERS record named by its number ('+' and the
 *   number's digits after the last '/': "availableNumbers/+12085550100"), which is
 *   also left out of the names hash and found by its number in singles instead.
 *
 * - names: hash of (kind, name) (SipHash with a per-backend random key, so chosen
 *   names cannot flood a chain) -> every record but those named by their number.
 *   A name ending in '+' and digits is looked up in singles first.
 * - homes: a record's name is stored as a home (interned: its (kind, parent) group
 *   and the name up to its last '/', "projects/p/phoneNumberInstances/") and the
 *   tail after it. Visits rebuild the full name in a buffer on the stack.
 * - singles: hash of (digits, number) -> records flagged NUMBERING_RECORD_NUMBERS
 *   holding one number: the resolve look-up is one probe and one record read.
 * - singles_sorted, ranges: ordered by (digits, first), the NUMBERS records of one
 *   number and of several, across kinds. They never overlap (put refuses it), so for
 *   an interval [first, last] the only range that can hold its first number is the
 *   one starting last at or before it; any single is found by a seek. Ranges have a
 *   tree of their own so that resolving a number inside a range searches a tree of
 *   ranges only, which stays in cache far longer than one of every number.
 * - per (kind, parent) group: listed and unlisted ordered by sort_key (a page is a
 *   walk from the cursor, merging the two when unlisted ones are wanted); numbers
 *   (the NUMBERS records, which never overlap) and others (any other interval,
 *   which may overlap: a scan starts `others_span` before the interval, the widest
 *   such record the group has indexed) ordered by (digits, first), for intervals.
 * - per kind: expiry, ordered by expires, of the records with an expiry.
 *
 * Secondary keys (NUMBERING_RECORD_KEY_SLOTS) have no index of their own: an
 * equality filter is tested on each record the query's order walks (its group's
 * trees, or the kind's expiry order), so a filtered page costs the records walked
 * until the page is full: O(records of the group) when few match. Kinds filter on
 * keys inside small groups or with a selective interval or expiry bound; an index
 * per (kind, slot, value) is the change to make when one does not.
 * - keyed: the one such index, of key 0, for a kind whose first keys are unique (a
 *   ledger entry's charge key): hash of (kind, key) -> the records of the groups (or
 *   whole kinds) a NUMBERING__CONTROL_KEY_FIND has asked for, built on that first
 *   find inside a write transaction and kept by every link and unlink after it.
 *
 * Keys are (digits << 56 | first): numbers have at most 16 digits, so the digit
 * count sorts first and numbers of different lengths never mix. Sort keys and
 * expiries are stored as unsigned keys that sort like the signed values.
 *
 * Transactions: writes change the indexes in place (so a transaction reads its own
 * writes) and append to an undo log; records replaced or removed stay allocated
 * until commit. Every allocation a write needs is made before it changes anything
 * (hash and tree reserves), trees do not merge nodes inside a transaction, and hash
 * tables never shrink, so replaying the undo log needs no memory and rollback cannot
 * fail. Commit then rebalances where entries were removed and frees the old records:
 * it cannot fail either. Groups and homes added by a rolled-back write stay (they
 * change nothing a reader sees).
 *
 * Reads change nothing but a hint (rmem.group_hint, atomic), so any number of threads
 * may read while nobody writes.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "blocks.h"
#include "hash.h"
#include "memory.h"
#include "model/record.h"
#include "numbering/sys/backend.h"
#include "numbering/sys/record.h"
#include "ordered.h"
#include "slab.h"

#define DIGITS_MAX NUMBERING_RECORD_DIGITS_MAX
#define NAME_MAX_BYTES NUMBERING_RECORD_NAME_MAX
#define KIND_MAX NUMBERING_RECORD_KIND_MAX
#define SLOTS NUMBERING_RECORD_KEY_SLOTS
#define KNOWN_FLAGS (NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS)
#define ON_STACK 128

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Layout bits of a stored record. */
#define RL_LAST 0x1u    /* a uint64_t last follows the header (last != first) */
#define RL_EXPIRES 0x2u /* an int64_t expires follows (non-zero) */
#define RL_KEY(i) (0x4u << (i))
/* An int64_t sort key follows: it is not the number order of the record's first number
 * (number_sort_key(), 0 without an interval), which is what a record without it has. */
#define RL_SORT_KEY 0x40u
/* The name's tail is '+' and the record's first number in its digit count (a single
 * number's record named by its number): the tail is not stored, and the record is
 * found by its number in the singles hash instead of the names hash. Set only on
 * records that are is_single(). */
#define RL_NUMBER_NAME 0x80u

_Static_assert(NUMBERING_RECORD_KEY_SLOTS == 4, "key slots use layout bits 0x04 .. 0x20");

/* The stored record: this header, [sort_key], [last], [expires], the keys (for each
 * present slot: a length byte, the bytes, a NUL), the name's tail after its home
 * (unless RL_NUMBER_NAME), the body. */
struct rrec {
	uint64_t first;
	uint32_t home;
	uint32_t size; /* bytes of the whole record */
	uint16_t tail_len;
	uint16_t keys_len;
	uint8_t kind;
	uint8_t digits;
	uint8_t flags; /* NUMBERING_RECORD_* */
	uint8_t layout;
};

_Static_assert(sizeof(struct rrec) == 24, "the record header takes 24 bytes");

struct group {
	char *parent; /* NUL-terminated */
	uint32_t parent_len;
	uint32_t kind;
	uint64_t others_span;
	struct numbering__ordered listed, unlisted, numbers, others;
	/* Per digit count, the records of numbers [0] and others [1]: a prefix query's
	 * interval of a digit count the group has none of costs no seek. */
	uint32_t with_digits[2][DIGITS_MAX + 1];
	/* Its records' first keys are in the key index (key_index_build()). */
	uint8_t keyed;
};

struct home {
	char *dir; /* the name up to and including its last '/', "" for none */
	uint32_t dir_len;
	uint32_t group;
};

enum { UNDO_PUT, UNDO_REMOVE };
/* Every tree entry of the replaced record was repointed in place: nothing to rebalance. */
#define UNDO_IN_PLACE 0x100u
/* The new record was written over the replaced one (same size class, same place in
 * every index: only the body differs); `made` holds the replaced bytes for rollback. */
#define UNDO_IN_SITU 0x200u
/* A remove whose record's tree entries left no leaf below its minimum: nothing to
 * rebalance (numbering__ordered_take()). */
#define UNDO_FULL 0x400u
#define UNDO_OP(u) ((u)->op & 0xffu)

struct undo {
	uint32_t op;
	uint32_t hash; /* of the name */
	uint32_t old;  /* the record replaced or removed, 0 if none */
	uint32_t made; /* the record written, 0 if none */
};

/* The hash of the name a writer last put or prefetched (NUMBERING__CONTROL_PREFETCH),
 * per kind modulo NAME_HINTS (every kind the library has its own): the store puts its
 * META last-time record with every commit, a SipHash costs as much as the rest of
 * such a put, and a prefetched name is not hashed again by its put. Only names and hashes are kept (no handle), so nothing goes stale. */
#define NAME_HINTS 32
#define NAME_HINT_MAX 96
struct name_hint {
	uint32_t hash;
	uint16_t len; /* 0: empty */
	uint8_t kind;
	char name[NAME_HINT_MAX];
};

struct rmem {
	numbering_backend base;
	unsigned char sip_key[crypto_shorthash_KEYBYTES];
	uint64_t seed[2];
	struct numbering__slab slab;
	struct numbering__ordered_pool pool;
	struct numbering__mhash names, singles, group_index, home_index;
	struct numbering__ordered singles_sorted, ranges;
	/* The ranges again, by their blocks (blocks.h): a number inside one is found by a
	 * probe, not a descent of the ranges tree. */
	struct numbering__rblocks blocks;
	struct numbering__ordered expiry[KIND_MAX + 1];
	int64_t counts[KIND_MAX + 1];
	/* Per kind, the RL_NUMBER_NAME records linked (count_linked()): a look-up by a name
	 * of a kind that has none (instances, named by their ids) does not ask whether the
	 * name ends in a number (number_named(), ~50 of a get's ~1,250 instructions). */
	uint32_t number_named[KIND_MAX + 1];
	struct group *groups;
	uint32_t group_count, group_cap;
	struct home *homes;
	uint32_t home_count, home_cap;
	uint32_t last_home[KIND_MAX + 1]; /* per kind, the home its last write named */
	struct name_hint hints[NAME_HINTS];
	/* The key index (NUMBERING__CONTROL_KEY_FIND): hash of (kind, first key) -> the
	 * records with a first key of the kinds marked in keyed_kinds and of the groups
	 * marked keyed, built by the first find that asks for the kind or the group
	 * (key_index_build()) and kept by every link. */
	struct numbering__mhash keyed;
	uint8_t keyed_kinds[KIND_MAX + 1];
	struct undo *undo;
	size_t undo_count, undo_cap;
	size_t hash_bytes, other_bytes;
	int in_transaction;
	/* Per kind, the index + 1 of the group a list last named: an inventory search lists
	 * one parent two or three times and the due checks list theirs on every call, and
	 * the SipHash of the parent was a quarter of such a list's own cost. Readers write
	 * it (relaxed: any group index of the kind is a valid hint, checked before use, and
	 * groups are never removed); it is the only thing a read changes. */
	_Atomic uint32_t group_hint[KIND_MAX + 1];
};

/* 10^n for n = 0 .. 19. */
static const uint64_t pow10s[20] = {
    UINT64_C(1),
    UINT64_C(10),
    UINT64_C(100),
    UINT64_C(1000),
    UINT64_C(10000),
    UINT64_C(100000),
    UINT64_C(1000000),
    UINT64_C(10000000),
    UINT64_C(100000000),
    UINT64_C(1000000000),
    UINT64_C(10000000000),
    UINT64_C(100000000000),
    UINT64_C(1000000000000),
    UINT64_C(10000000000000),
    UINT64_C(100000000000000),
    UINT64_C(1000000000000000),
    UINT64_C(10000000000000000),
    UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000),
};

static uint64_t number_key(unsigned digits, uint64_t first)
{
	return (uint64_t)digits << 56 | first;
}

/* Signed values as unsigned keys that sort alike. */
static uint64_t signed_key(int64_t t)
{
	return (uint64_t)t ^ UINT64_C(0x8000000000000000);
}

/* SipHash-1-3 (one compression round, three finalization rounds: what Rust's and
 * CPython's hash tables use against flooding) of a name with the backend's random key,
 * inline: libsodium's SipHash-2-4 cost ~475 instructions for a 55-byte name, a fifth
 * of a put; this ~200. Only this process sees the values (nothing stores them). */
#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3) \
	do { \
		v0 += v1; \
		v1 = SIP_ROTL(v1, 13); \
		v1 ^= v0; \
		v0 = SIP_ROTL(v0, 32); \
		v2 += v3; \
		v3 = SIP_ROTL(v3, 16); \
		v3 ^= v2; \
		v0 += v3; \
		v3 = SIP_ROTL(v3, 21); \
		v3 ^= v0; \
		v2 += v1; \
		v1 = SIP_ROTL(v1, 17); \
		v1 ^= v2; \
		v2 = SIP_ROTL(v2, 32); \
	} while (0)

static uint64_t sip_load(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

_Static_assert(crypto_shorthash_KEYBYTES == 16, "SipHash takes a 16-byte key");

static uint32_t sip_hash(const struct rmem *m, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t k0 = sip_load(m->sip_key), k1 = sip_load(m->sip_key + 8);
	uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575), v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = k0 ^ UINT64_C(0x6c7967656e657261), v3 = k1 ^ UINT64_C(0x7465646279746573);
	const unsigned char *end = p + (len & ~(size_t)7);
	for (; p != end; p += 8) {
		uint64_t mi = sip_load(p);
		v3 ^= mi;
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= mi;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[i] << (8 * i);
	v3 ^= b;
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	return (uint32_t)(v0 ^ v1 ^ v2 ^ v3);
}


static uint32_t name_hash(const struct rmem *m, int kind, const char *name, size_t len)
{
	return sip_hash(m, name, len) ^ (uint32_t)kind * 0x9e3779b1u;
}

/* Numbers are hashed on the hot path with a keyed multiply-xorshift (the murmur3
 * finalizer around a random key): a few cycles instead of SipHash's ~20 ns, and
 * still unpredictable without the key. */
static uint32_t number_hash(const struct rmem *m, uint64_t key)
{
	return numbering__mhash_keyed(m->seed, key);
}

static const struct rrec *rec_at(const struct rmem *m, uint32_t handle)
{
	return numbering__slab_get(&m->slab, handle);
}

/* The sort key a record without RL_SORT_KEY has: its first number's place in number
 * order (digits first, then the value: digits * 10^16 + first), 0 without an interval. */
static int64_t number_sort_key(unsigned digits, uint64_t first)
{
	return digits == 0 ? 0 : (int64_t)(digits * pow10s[DIGITS_MAX] + first);
}

static int64_t rec_sort_key(const struct rrec *r)
{
	if (!(r->layout & RL_SORT_KEY))
		return number_sort_key(r->digits, r->first);
	int64_t key;
	memcpy(&key, r + 1, sizeof(key));
	return key;
}

static const uint8_t *rec_extra(const struct rrec *r)
{
	return (const uint8_t *)(r + 1) + ((r->layout & RL_SORT_KEY) ? 8 : 0);
}

static uint64_t rec_last(const struct rrec *r)
{
	uint64_t last = r->first;
	if (r->layout & RL_LAST)
		memcpy(&last, rec_extra(r), sizeof(last));
	return last;
}

static int64_t rec_expires(const struct rrec *r)
{
	int64_t expires = 0;
	if (r->layout & RL_EXPIRES)
		memcpy(&expires, rec_extra(r) + ((r->layout & RL_LAST) ? 8 : 0), sizeof(expires));
	return expires;
}

static const uint8_t *rec_keys(const struct rrec *r)
{
	return rec_extra(r) + ((r->layout & RL_LAST) ? 8 : 0) + ((r->layout & RL_EXPIRES) ? 8 : 0);
}

/* The stored tail (nothing with RL_NUMBER_NAME) and its length. */
static const char *rec_tail(const struct rrec *r)
{
	return (const char *)rec_keys(r) + r->keys_len;
}

static size_t rec_tail_stored(const struct rrec *r)
{
	return (r->layout & RL_NUMBER_NAME) ? 0 : r->tail_len;
}

static const uint8_t *rec_body(const struct rrec *r)
{
	return (const uint8_t *)rec_tail(r) + rec_tail_stored(r);
}

/* Writes '+' and @first in @digits digits (leading zeros kept) to @out, and a NUL
 * after them, where every caller puts the name's end; returns the length. Out of
 * line, as fill_named() below: the resolve of an instance never comes here, and the
 * formatter's words inlined changed what gcc inlined along the resolve path (+10.6
 * instructions a resolve, callgrind, bench-store --profile-resolve exact). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t number_text(char *out, unsigned digits, uint64_t first)
{
	return numbering__e164_format(out, (size_t)digits + 2, first, digits);
}

/* Writes @r's tail to @out (tail_len bytes). */
static void rec_tail_copy(const struct rrec *r, char *out)
{
	if (r->layout & RL_NUMBER_NAME)
		number_text(out, r->digits, r->first);
	else
		memcpy(out, rec_tail(r), r->tail_len);
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_DIGITS 1
/* How many of the 8 bytes of @w (a name's, in memory order) from the last back are
 * digits: with x = byte ^ '0', a digit's x is 0..9, and (x & 0x7f) + 0x76 sets bit 7
 * from 10 up without carrying into the next byte; so bit 7 of each byte of nondigit
 * is set unless it is a digit, and the last nondigit's byte is the highest one set. */
static size_t trailing_digits8(uint64_t w)
{
	const uint64_t x = w ^ UINT64_C(0x3030303030303030);
	const uint64_t nondigit =
	    (((x & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7676767676767676)) | x) & UINT64_C(0x8080808080808080);
	return nondigit != 0 ? (size_t)__builtin_clzll(nondigit) / 8 : 8;
}

/* The value of the last @d (1 .. 8) bytes of @w, digits, the bytes before them taken
 * as '0' (Lemire's eight digits in three multiplies). */
static uint64_t digits_value8(uint64_t w, size_t d)
{
	const uint64_t low = (UINT64_C(1) << (8 * (8 - d))) - 1;
	w = ((w & ~low) | (UINT64_C(0x3030303030303030) & low)) - UINT64_C(0x3030303030303030);
	w = w * 10 + (w >> 8);
	return (((w & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x000F424000000064)) +
	        (((w >> 16) & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x0000271000000001))) >>
	       32;
}
#endif

/* Whether the name ends in '+' and 1 .. DIGITS_MAX digits after its last '/' (or
 * is just that): the digit count and value go to *@digits and *@first. */
static int number_named(const char *name, size_t len, unsigned *digits, uint64_t *first)
{
	/* One bound and one unsigned compare a byte: every get by name runs this, and an
	 * instance's name ending in digits ("n0000123") walked them at ~12 instructions each. */
	const size_t most = len <= DIGITS_MAX ? len : DIGITS_MAX + 1;
	size_t d = 0;
#ifdef SWAR_DIGITS
	/* Eight bytes at once (a get by name's 7 digits walked were 60 instructions), and
	 * their value too (a number of 11 digits read a digit at a time was 110). */
	uint64_t lo = 0, hi = 0;
	if (len >= 8) {
		memcpy(&lo, name + len - 8, 8);
		d = trailing_digits8(lo);
		if (d == 8 && len >= 16) {
			memcpy(&hi, name + len - 16, 8);
			d += trailing_digits8(hi);
		}
	}
#endif
	while (d < most && (unsigned char)(name[len - 1 - d] - '0') <= 9)
		d++;
	if (d == 0 || d > DIGITS_MAX || d == len || name[len - 1 - d] != '+' || (d + 1 < len && name[len - 2 - d] != '/'))
		return 0;
	uint64_t v = 0;
#ifdef SWAR_DIGITS
	if (len >= 8 && d <= 8)
		v = digits_value8(lo, d);
	else if (len >= 16)
		v = digits_value8(hi, d - 8) * 100000000u + digits_value8(lo, 8);
	else
#endif
		for (size_t i = len - d; i < len; i++)
			v = v * 10 + (uint64_t)(name[i] - '0');
	*digits = (unsigned)d;
	*first = v;
	return 1;
}

/* The length of @name up to and including its last '/', 0 without one. */
static size_t dir_length(const char *name, size_t len)
{
	size_t i = len;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight bytes a step from the end (a byte at a time was 80 instructions of every
	 * put): with x = byte ^ '/', (x & 0x7f) + 0x7f sets bit 7 unless x is 0, without
	 * carrying into the next byte, so bit 7 of slash is set exactly on the '/' bytes. */
	for (; i >= 8; i -= 8) {
		uint64_t w;
		memcpy(&w, name + i - 8, 8);
		const uint64_t x = w ^ UINT64_C(0x2f2f2f2f2f2f2f2f);
		const uint64_t slash =
		    ~(((x & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7f7f7f7f7f7f7f7f)) | x) & UINT64_C(0x8080808080808080);
		if (slash != 0)
			return i - 8 + (size_t)(63 - __builtin_clzll(slash)) / 8 + 1;
	}
#endif
	while (i > 0 && name[i - 1] != '/')
		i--;
	return i;
}

/* Whether the record is in the names hash (every record without RL_NUMBER_NAME). */
static int in_names(const struct rrec *r)
{
	return !(r->layout & RL_NUMBER_NAME);
}

/* Key slot @slot of @r (its length in *len), or NULL when absent. */
static const char *rec_key(const struct rrec *r, int slot, size_t *len)
{
	if (!(r->layout & RL_KEY(slot)))
		return NULL;
	const uint8_t *p = rec_keys(r);
	for (int i = 0; i < slot; i++)
		if (r->layout & RL_KEY(i))
			p += 1 + (size_t)p[0] + 1;
	*len = p[0];
	return (const char *)p + 1;
}

static int is_single(const struct rrec *r)
{
	return r->digits != 0 && (r->flags & NUMBERING_RECORD_NUMBERS) && !(r->layout & RL_LAST);
}

/* A NUMBERS record of several numbers: in the ranges tree and the blocks hash. */
static int is_range(const struct rrec *r)
{
	return r->digits != 0 && (r->flags & NUMBERING_RECORD_NUMBERS) && (r->layout & RL_LAST);
}

static const struct group *group_of(const struct rmem *m, const struct rrec *r)
{
	return &m->groups[m->homes[r->home].group];
}

/* Writes @r's full name into @buf (NAME_MAX_BYTES + 1 bytes); returns its length. */
static size_t rec_name(const struct rmem *m, const struct rrec *r, char *buf)
{
	const struct home *h = &m->homes[r->home];
	memcpy(buf, h->dir, h->dir_len);
	rec_tail_copy(r, buf + h->dir_len);
	buf[h->dir_len + r->tail_len] = '\0';
	return h->dir_len + r->tail_len;
}

/* Fills @out with @r, borrowed, whose name is in @name once its tail is written to
 * @tail (NUL-terminated: the home's directory is already before it). */
#if defined(__GNUC__)
__attribute__((noinline)) /* the shape the resolve path was measured in (number_text()) */
#endif
static void fill_named(const struct rmem *m, const struct rrec *r, numbering_record *out, const char *name, char *tail)
{
	/* One pass over the optional parts (the resolve path reads every field). */
	unsigned layout = r->layout;
	const uint8_t *p = (const uint8_t *)(r + 1);
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = r->kind;
	out->flags = r->flags;
	out->name = name;
	out->parent = group_of(m, r)->parent;
	out->digits = r->digits;
	out->first = r->first;
	out->last = r->first;
	out->expires = 0;
	if (layout & RL_SORT_KEY) {
		memcpy(&out->sort_key, p, 8);
		p += 8;
	} else {
		out->sort_key = number_sort_key(r->digits, r->first);
	}
	if (layout & RL_LAST) {
		memcpy(&out->last, p, 8);
		p += 8;
	}
	if (layout & RL_EXPIRES) {
		memcpy(&out->expires, p, 8);
		p += 8;
	}
	for (int i = 0; i < SLOTS; i++)
		out->keys[i] = NULL;
	if (r->keys_len > 0) { /* an instance has none: the resolve path skips the walk */
		const uint8_t *k = p;
		for (int i = 0; i < SLOTS; i++)
			if (layout & RL_KEY(i)) {
				out->keys[i] = (const char *)k + 1;
				k += 1 + (size_t)k[0] + 1;
			}
		p += r->keys_len;
	}
	const uint8_t *body = p;
	if (layout & RL_NUMBER_NAME) {
		number_text(tail, r->digits, r->first);
	} else {
		memcpy(tail, p, r->tail_len);
		body += r->tail_len;
	}
	tail[r->tail_len] = '\0';
	out->body_len = r->size - (size_t)(body - (const uint8_t *)r);
	out->body = out->body_len > 0 ? body : NULL;
}

/* Fills @out with @handle's record, borrowed; its name is written into @name. */
static void fill(const struct rmem *m, uint32_t handle, numbering_record *out, char *name)
{
	const struct rrec *r = rec_at(m, handle);
	const struct home *h = &m->homes[r->home];
	memcpy(name, h->dir, h->dir_len);
	fill_named(m, r, out, name, name + h->dir_len);
}

static int out_of_memory(const char *what)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "memory backend: out of memory %s", what);
}

static int bad_backend(void)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "memory backend: backend is NULL");
}

/* Groups and homes. */

static uint32_t group_hash(const struct rmem *m, int kind, const char *parent, size_t len)
{
	return sip_hash(m, parent, len) ^ (uint32_t)kind * 0x85ebca6bu;
}

/* The group's index + 1, or 0. */
static uint32_t group_find(const struct rmem *m, int kind, const char *parent, size_t len, uint32_t hash)
{
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->group_index, hash);
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->group_index)) != 0;) {
		const struct group *g = &m->groups[h - 1];
		if (g->kind == (uint32_t)kind && g->parent_len == len && memcmp(g->parent, parent, len) == 0)
			return h;
	}
	return 0;
}

/* group_find() of a list, trying the kind's last group first (rmem.group_hint). */
static uint32_t group_lookup(const struct rmem *m, int kind, const char *parent, size_t len)
{
	_Atomic uint32_t *hint = &((struct rmem *)(uintptr_t)m)->group_hint[kind];
	uint32_t h = atomic_load_explicit(hint, memory_order_relaxed);
	if (h != 0 && h <= m->group_count) {
		const struct group *g = &m->groups[h - 1];
		if (g->kind == (uint32_t)kind && g->parent_len == len && memcmp(g->parent, parent, len) == 0)
			return h;
	}
	h = group_find(m, kind, parent, len, group_hash(m, kind, parent, len));
	if (h != 0)
		atomic_store_explicit(hint, h, memory_order_relaxed);
	return h;
}

/* Homes are hashed by (kind, dir) and compared with their group's parent, so that
 * finding one takes one SipHash. */
static uint32_t home_hash(const struct rmem *m, int kind, const char *dir, size_t len)
{
	return sip_hash(m, dir, len) ^ (uint32_t)kind * 0xc2b2ae35u;
}

static uint32_t home_find(const struct rmem *m, int kind, const char *parent, size_t parent_len, const char *dir,
                          size_t len, uint32_t hash)
{
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->home_index, hash);
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->home_index)) != 0;) {
		const struct home *o = &m->homes[h - 1];
		const struct group *g = &m->groups[o->group];
		if (o->dir_len == len && g->kind == (uint32_t)kind && g->parent_len == parent_len &&
		    memcmp(o->dir, dir, len) == 0 && memcmp(g->parent, parent, parent_len) == 0)
			return h;
	}
	return 0;
}

static int grow_array(void **array, uint32_t *cap, uint32_t count, size_t elem, size_t *bytes)
{
	if (count < *cap)
		return NUMBERING_OK;
	uint32_t want = *cap ? *cap * 2 : 8;
	void *grown = numbering__realloc(*array, (size_t)want * elem);
	if (grown == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	*bytes += (size_t)(want - *cap) * elem;
	*array = grown;
	*cap = want;
	return NUMBERING_OK;
}

static int group_get(struct rmem *m, int kind, const char *parent, size_t len, uint32_t *index)
{
	uint32_t hash = group_hash(m, kind, parent, len);
	uint32_t h = group_find(m, kind, parent, len, hash);
	if (h != 0) {
		*index = h - 1;
		return NUMBERING_OK;
	}
	void *array = m->groups;
	int rc = grow_array(&array, &m->group_cap, m->group_count, sizeof(struct group), &m->other_bytes);
	m->groups = array;
	if (rc != NUMBERING_OK || numbering__mhash_reserve(&m->group_index, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	char *copy = numbering__strndup(parent, len);
	if (copy == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	m->other_bytes += len + 1;
	struct group *g = &m->groups[m->group_count];
	memset(g, 0, sizeof(*g));
	g->parent = copy;
	g->parent_len = (uint32_t)len;
	g->kind = (uint32_t)kind;
	numbering__mhash_insert(&m->group_index, hash, m->group_count + 1);
	*index = m->group_count++;
	return NUMBERING_OK;
}

static int home_is(const struct rmem *m, uint32_t index, int kind, const char *parent, size_t parent_len,
                   const char *dir, size_t dir_len)
{
	if (index >= m->home_count)
		return 0;
	const struct home *o = &m->homes[index];
	const struct group *g = &m->groups[o->group];
	return o->dir_len == dir_len && g->kind == (uint32_t)kind && g->parent_len == parent_len &&
	       memcmp(o->dir, dir, dir_len) == 0 && memcmp(g->parent, parent, parent_len) == 0;
}

/* The home of a name of @kind under @parent whose part up to its last '/' is @dir;
 * @hint (the home of the record replaced, or UINT32_MAX) is tried first. */
static int home_get(struct rmem *m, int kind, const char *parent, size_t parent_len, const char *dir,
                    size_t dir_len, uint32_t hint, uint32_t *index)
{
	/* A replacement usually keeps its home, and writes come in runs under one home per
	 * kind (a create puts an instance, then the store's META last-time): neither needs
	 * a SipHash. Only writers use this. last_home is stored only when it changes: it
	 * shares a cache line with the groups and homes every resolve reads, which a store
	 * at every put would take from snapshot readers (backends/memory/snapshot.c). */
	if (home_is(m, hint, kind, parent, parent_len, dir, dir_len)) {
		*index = hint;
		if (m->last_home[kind] != hint)
			m->last_home[kind] = hint;
		return NUMBERING_OK;
	}
	if (home_is(m, m->last_home[kind], kind, parent, parent_len, dir, dir_len)) {
		*index = m->last_home[kind];
		return NUMBERING_OK;
	}
	uint32_t hash = home_hash(m, kind, dir, dir_len);
	uint32_t h = home_find(m, kind, parent, parent_len, dir, dir_len, hash);
	if (h != 0) {
		*index = m->last_home[kind] = h - 1;
		return NUMBERING_OK;
	}
	uint32_t group;
	if (group_get(m, kind, parent, parent_len, &group) != NUMBERING_OK)
		return out_of_memory("adding a group");
	void *array = m->homes;
	int rc = grow_array(&array, &m->home_cap, m->home_count, sizeof(struct home), &m->other_bytes);
	m->homes = array;
	if (rc != NUMBERING_OK || numbering__mhash_reserve(&m->home_index, 1, &m->hash_bytes) != NUMBERING_OK)
		return out_of_memory("adding a home");
	char *copy = numbering__strndup(dir, dir_len);
	if (copy == NULL)
		return out_of_memory("adding a home");
	m->other_bytes += dir_len + 1;
	struct home *o = &m->homes[m->home_count];
	o->dir = copy;
	o->dir_len = (uint32_t)dir_len;
	o->group = group;
	numbering__mhash_insert(&m->home_index, hash, m->home_count + 1);
	*index = m->last_home[kind] = m->home_count++;
	return NUMBERING_OK;
}

/* Records and their indexes. */

/* Whether @n bytes at @a and @b are the same: a name's tail (an id of a few bytes) is
 * compared with two loads a side, overlapping, instead of memcmp's call (~18
 * instructions of every get by name). */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8) {
		uint64_t a0, a1, b0, b1;
		memcpy(&a0, a, 8);
		memcpy(&a1, a + n - 8, 8);
		memcpy(&b0, b, 8);
		memcpy(&b1, b + n - 8, 8);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	if (n >= 4) {
		uint32_t a0, a1, b0, b1;
		memcpy(&a0, a, 4);
		memcpy(&a1, a + n - 4, 4);
		memcpy(&b0, b, 4);
		memcpy(&b1, b + n - 4, 4);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The record of @kind named @name found in the names hash (@hash: name_hash()), or 0;
 * *@probe is left where the look-up ended (after the entry found, or where a new entry
 * of the name goes: numbering__mhash_insert_at()). */
static uint32_t record_probe(const struct rmem *m, int kind, const char *name, size_t len, uint32_t hash,
                             struct numbering__mprobe *probe)
{
	numbering__mhash_start(probe, &m->names, hash);
	for (uint32_t h; (h = numbering__mhash_next(probe, &m->names)) != 0;) {
		const struct rrec *r = rec_at(m, h);
		/* Its second cache line with its first (a get by name reads on into the body):
		 * most records span two, and the tail's compare would wait for one, then the other. */
		PREFETCH((const char *)r + 64);
		if (r->kind != kind)
			continue;
		const struct home *o = &m->homes[r->home];
		if ((size_t)o->dir_len + r->tail_len == len && memcmp(o->dir, name, o->dir_len) == 0 &&
		    same_bytes(rec_tail(r), name + o->dir_len, r->tail_len))
			return h;
	}
	return 0;
}

/* The record of @kind named @name found in the names hash (@hash: name_hash()), or 0. */
static uint32_t record_find(const struct rmem *m, int kind, const char *name, size_t len, uint32_t hash)
{
	struct numbering__mprobe probe;
	return record_probe(m, kind, name, len, hash, &probe);
}

/* The RL_NUMBER_NAME record of @kind named @name, whose name ends in '+' and @first
 * in @digits digits (number_named()), found by that number, or 0 (the name may still
 * be in the names hash). */
static uint32_t number_find_at(const struct rmem *m, int kind, const char *name, size_t len, unsigned digits,
                               uint64_t first)
{
	size_t dir_len = len - digits - 1;
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->singles, number_hash(m, number_key(digits, first)));
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->singles)) != 0;) {
		const struct rrec *r = rec_at(m, h);
		if (r->first != first || r->digits != digits)
			continue;
		/* The one record holding the number (they are exclusive): is it named by it? */
		const struct home *o = &m->homes[r->home];
		if ((r->layout & RL_NUMBER_NAME) && r->kind == kind && o->dir_len == dir_len &&
		    memcmp(o->dir, name, dir_len) == 0)
			return h;
		return 0;
	}
	return 0;
}

static uint32_t number_find(const struct rmem *m, int kind, const char *name, size_t len)
{
	unsigned digits;
	uint64_t first;
	return m->number_named[kind] != 0 && number_named(name, len, &digits, &first)
	           ? number_find_at(m, kind, name, len, digits, first)
	           : 0;
}

/* The record of @kind named @name, or 0; *@hash is set to name_hash() when the names
 * hash was asked (left alone when the number found it). */
static uint32_t record_lookup(const struct rmem *m, int kind, const char *name, size_t len, uint32_t *hash)
{
	uint32_t h = number_find(m, kind, name, len);
	if (h != 0)
		return h;
	*hash = name_hash(m, kind, name, len);
	return record_find(m, kind, name, len, *hash);
}

/* Enters @handle in the names hash, or takes it out, or points its entry at
 * @handle, as @was (the record it replaces, NULL for none) and @r are in it or not.
 * Inserting needs room (reserve_links(), or an entry taken out before). */
static void names_relink(struct rmem *m, uint32_t hash, const struct rrec *was, uint32_t old, const struct rrec *r,
                         uint32_t handle)
{
	int before = was != NULL && in_names(was), after = r != NULL && in_names(r);
	if (before && after)
		numbering__mhash_replace(&m->names, hash, old, handle);
	else if (before)
		numbering__mhash_remove(&m->names, hash, old);
	else if (after)
		numbering__mhash_insert(&m->names, hash, handle);
}

/* Whether @r is in the key index: a record with a first key, of a kind or a group
 * indexed. */
static int key_indexed(const struct rmem *m, const struct rrec *r)
{
	return (r->layout & RL_KEY(0)) && (m->keyed_kinds[r->kind] || m->groups[m->homes[r->home].group].keyed);
}

static uint32_t key_hash(const struct rmem *m, int kind, const char *key, size_t len)
{
	return sip_hash(m, key, len) ^ (uint32_t)kind * 0x27d4eb2fu;
}

static uint32_t rec_key_hash(const struct rmem *m, const struct rrec *r)
{
	size_t len = 0;
	const char *key = rec_key(r, 0, &len);
	return key_hash(m, r->kind, key, len);
}

#define TREES_MAX 5

/* The trees @r belongs in, and its key in each; returns how many. */
static int rec_trees(struct rmem *m, const struct rrec *r, struct numbering__ordered *trees[TREES_MAX],
                     uint64_t keys[TREES_MAX])
{
	struct group *g = &m->groups[m->homes[r->home].group];
	int n = 0;
	trees[n] = (r->flags & NUMBERING_RECORD_LISTED) ? &g->listed : &g->unlisted;
	keys[n++] = signed_key(rec_sort_key(r));
	if (r->digits != 0) {
		uint64_t key = number_key(r->digits, r->first);
		int numbers = (r->flags & NUMBERING_RECORD_NUMBERS) != 0;
		trees[n] = numbers ? &g->numbers : &g->others;
		keys[n++] = key;
		if (numbers) {
			trees[n] = (r->layout & RL_LAST) ? &m->ranges : &m->singles_sorted;
			keys[n++] = key;
		}
	}
	if (r->layout & RL_EXPIRES) {
		trees[n] = &m->expiry[r->kind];
		keys[n++] = signed_key(rec_expires(r));
	}
	return n;
}

static void note_span(struct rmem *m, const struct rrec *r)
{
	if (r->digits == 0 || (r->flags & NUMBERING_RECORD_NUMBERS))
		return;
	struct group *g = &m->groups[m->homes[r->home].group];
	uint64_t span = rec_last(r) - r->first;
	if (span > g->others_span)
		g->others_span = span;
}

/* Counts @r in (@delta 1) or out (UINT32_MAX) where its links are counted: its group's
 * records per digit count, its kind's RL_NUMBER_NAME records. */
static void count_linked(struct rmem *m, const struct rrec *r, uint32_t delta)
{
	if (r->digits != 0)
		m->groups[m->homes[r->home].group].with_digits[!(r->flags & NUMBERING_RECORD_NUMBERS)][r->digits] += delta;
	if (r->layout & RL_NUMBER_NAME)
		m->number_named[r->kind] += delta;
}

static void reset_span(struct rmem *m, const struct rrec *r)
{
	struct group *g = &m->groups[m->homes[r->home].group];
	if (g->others.count == 0)
		g->others_span = 0;
}

/* The trees a record belongs in and its keys there (rec_trees()), for
 * reserve_links() and then links_enter(). */
struct links {
	struct numbering__ordered *trees[TREES_MAX];
	uint64_t keys[TREES_MAX];
	int n;
};

/* Makes every allocation linking @r will need; fills *@l. */
static int reserve_links(struct rmem *m, const struct rrec *r, int new_name, struct links *l)
{
	struct numbering__ordered **trees = l->trees;
	int n = l->n = rec_trees(m, r, trees, l->keys);
	uint32_t need = 0;
	for (int i = 0; i < n; i++)
		if (numbering__ordered_reserve(&m->pool, trees[i], &need) != NUMBERING_OK)
			return NUMBERING_RESOURCE_EXHAUSTED;
	if (numbering__ordered_pool_ensure(&m->pool, need) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (is_single(r) && numbering__mhash_reserve(&m->singles, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (is_range(r) && numbering__rblocks_reserve(&m->blocks, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (new_name && numbering__mhash_reserve(&m->names, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (key_indexed(m, r) && numbering__mhash_reserve(&m->keyed, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	return NUMBERING_OK;
}

/* Enters @r in every index but names, its trees' in @l. Cannot fail after
 * reserve_links(), nor when putting back what a rollback takes out. */
static void links_enter(struct rmem *m, const struct rrec *r, uint32_t handle, const struct links *l)
{
	for (int i = 0; i < l->n; i++)
		numbering__ordered_insert(&m->pool, l->trees[i], l->keys[i], handle);
	if (is_single(r))
		numbering__mhash_insert(&m->singles, number_hash(m, number_key(r->digits, r->first)), handle);
	if (is_range(r))
		numbering__rblocks_insert(&m->blocks, r->digits, r->first, rec_last(r), handle);
	if (key_indexed(m, r))
		numbering__mhash_insert(&m->keyed, rec_key_hash(m, r), handle);
	note_span(m, r);
	count_linked(m, r, 1);
}

static void index_link(struct rmem *m, const struct rrec *r, uint32_t handle)
{
	struct links l;
	l.n = rec_trees(m, r, l.trees, l.keys);
	links_enter(m, r, handle, &l);
}

/* Returns whether a leaf is left below its minimum (numbering__ordered_take()). */
static int index_unlink(struct rmem *m, const struct rrec *r, uint32_t handle)
{
	struct numbering__ordered *trees[TREES_MAX];
	uint64_t keys[TREES_MAX];
	int n = rec_trees(m, r, trees, keys), thin = 0;
	for (int i = 0; i < n; i++)
		thin |= numbering__ordered_take(trees[i], keys[i], handle) == 2;
	if (is_single(r))
		numbering__mhash_remove(&m->singles, number_hash(m, number_key(r->digits, r->first)), handle);
	if (is_range(r))
		numbering__rblocks_remove(&m->blocks, r->digits, r->first, rec_last(r), handle);
	if (key_indexed(m, r))
		numbering__mhash_remove(&m->keyed, rec_key_hash(m, r), handle);
	reset_span(m, r);
	count_linked(m, r, UINT32_MAX);
	return thin;
}

/* index_unlink(@o) then index_link(@n), for @n replacing @o: where both sit in the
 * same tree under the same key, the entry is pointed at the new record in place.
 * Returns whether every entry was. Cannot fail after reserve_links(@n). */
static int index_relink(struct rmem *m, const struct rrec *o, uint32_t old, const struct rrec *n, uint32_t handle)
{
	struct numbering__ordered *old_trees[TREES_MAX], *new_trees[TREES_MAX];
	uint64_t old_keys[TREES_MAX], new_keys[TREES_MAX];
	int on = rec_trees(m, o, old_trees, old_keys), nn = rec_trees(m, n, new_trees, new_keys);
	int old_done[TREES_MAX] = {0}, new_done[TREES_MAX] = {0};
	for (int i = 0; i < on; i++)
		for (int j = 0; j < nn; j++)
			if (!new_done[j] && old_trees[i] == new_trees[j] && old_keys[i] == new_keys[j]) {
				if (numbering__ordered_replace(old_trees[i], old_keys[i], old, handle))
					old_done[i] = new_done[j] = 1;
				break;
			}
	/* A key moved up within its gap (a block's first numbers taken): in place too. */
	for (int i = 0; i < on; i++)
		for (int j = 0; j < nn && !old_done[i]; j++)
			if (!new_done[j] && old_trees[i] == new_trees[j] && old_keys[i] != new_keys[j] &&
			    numbering__ordered_rekey(old_trees[i], old_keys[i], old, new_keys[j], handle))
				old_done[i] = new_done[j] = 1;
	int in_place = on == nn;
	for (int i = 0; i < on; i++)
		if (!old_done[i]) {
			numbering__ordered_remove(old_trees[i], old_keys[i], old);
			in_place = 0;
		}
	uint64_t ok = number_key(o->digits, o->first), nk = number_key(n->digits, n->first);
	if (is_single(o) && is_single(n) && ok == nk) {
		numbering__mhash_replace(&m->singles, number_hash(m, ok), old, handle);
	} else {
		if (is_single(o))
			numbering__mhash_remove(&m->singles, number_hash(m, ok), old);
		if (is_single(n))
			numbering__mhash_insert(&m->singles, number_hash(m, nk), handle);
	}
	if (is_range(o) && is_range(n) && ok == nk && rec_last(o) == rec_last(n)) {
		numbering__rblocks_replace(&m->blocks, o->digits, o->first, rec_last(o), old, handle);
	} else if (!(is_range(o) && is_range(n) && o->digits == n->digits &&
	             numbering__rblocks_move(&m->blocks, o->digits, o->first, rec_last(o), old, n->first, rec_last(n),
	                                     handle))) {
		if (is_range(o))
			numbering__rblocks_remove(&m->blocks, o->digits, o->first, rec_last(o), old);
		if (is_range(n))
			numbering__rblocks_insert(&m->blocks, n->digits, n->first, rec_last(n), handle);
	}
	if (key_indexed(m, o))
		numbering__mhash_remove(&m->keyed, rec_key_hash(m, o), old);
	if (key_indexed(m, n))
		numbering__mhash_insert(&m->keyed, rec_key_hash(m, n), handle);
	reset_span(m, o);
	count_linked(m, o, UINT32_MAX);
	count_linked(m, n, 1);
	for (int j = 0; j < nn; j++)
		if (!new_done[j]) {
			numbering__ordered_insert(&m->pool, new_trees[j], new_keys[j], handle);
			in_place = 0;
		}
	note_span(m, n);
	return in_place;
}

/* Rebalances the trees where @r's entries were. */
static void fix_links(struct rmem *m, const struct rrec *r, uint32_t handle)
{
	struct numbering__ordered *trees[TREES_MAX];
	uint64_t keys[TREES_MAX];
	int n = rec_trees(m, r, trees, keys);
	for (int i = 0; i < n; i++)
		numbering__ordered_fix(&m->pool, trees[i], keys[i], handle);
}

/* Bodies can be secrets (the store's page-token key): wiped before the slot is reused. */
static void free_record(struct rmem *m, uint32_t handle)
{
	uint32_t size = rec_at(m, handle)->size;
	sodium_memzero(numbering__slab_get(&m->slab, handle), size);
	numbering__slab_free(&m->slab, handle, size);
}

/* Whether @n may be written over @o, the record of its kind and name: both in one
 * small slab size class, and everything an index or a visit's keys read equal (home,
 * flags, sort key, interval, expiry, keys), so that only the body changes and no
 * index needs touching. */
static int fits_in_situ(const struct rrec *o, const struct rrec *n)
{
	if (o->size > NUMBERING__SLAB_SMALL_MAX || n->size > NUMBERING__SLAB_SMALL_MAX ||
	    (o->size + 7) / 8 != (n->size + 7) / 8)
		return 0;
	if (o->home != n->home || o->kind != n->kind || o->flags != n->flags || o->layout != n->layout ||
	    o->digits != n->digits || o->first != n->first ||
	    o->tail_len != n->tail_len || o->keys_len != n->keys_len)
		return 0;
	/* [sort_key], [last], [expires], the keys and the stored tail: one run of bytes
	 * after the header (a derived sort key or tail follows from the header). */
	size_t extra = (size_t)(rec_body(o) - (const uint8_t *)(o + 1));
	return memcmp(o + 1, n + 1, extra) == 0;
}

/* Exchanges the bytes of two records of one slab size class. */
static void swap_records(struct rmem *m, uint32_t a, uint32_t b)
{
	unsigned char *p = numbering__slab_get(&m->slab, a), *q = numbering__slab_get(&m->slab, b);
	size_t n = ((size_t)((const struct rrec *)p)->size + 7) / 8 * 8;
	unsigned char tmp[256];
	while (n > 0) {
		size_t k = n < sizeof(tmp) ? n : sizeof(tmp);
		memcpy(tmp, p, k);
		memcpy(p, q, k);
		memcpy(q, tmp, k);
		p += k;
		q += k;
		n -= k;
	}
}

static int undo_reserve(struct rmem *m)
{
	if (m->undo_count < m->undo_cap)
		return NUMBERING_OK;
	size_t cap = m->undo_cap ? m->undo_cap * 2 : 16;
	struct undo *undo = numbering__realloc(m->undo, cap * sizeof(*undo));
	if (undo == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	m->other_bytes += (cap - m->undo_cap) * sizeof(*undo);
	m->undo = undo;
	m->undo_cap = cap;
	return NUMBERING_OK;
}

static void undo_push(struct rmem *m, uint32_t op, uint32_t hash, uint32_t old, uint32_t made)
{
	struct undo *u = &m->undo[m->undo_count++];
	u->op = op;
	u->hash = hash;
	u->old = old;
	u->made = made;
}

static void undo_trim(struct rmem *m)
{
	m->undo_count = 0;
	/* A huge transaction's log is not kept for the next one. */
	if (m->undo_cap > 4096) {
		numbering__free_mem(m->undo);
		m->other_bytes -= m->undo_cap * sizeof(*m->undo);
		m->undo = NULL;
		m->undo_cap = 0;
	}
}

/* The NUMBERS record other than @self holding a number of [first, last], or 0. */
static uint32_t numbers_holder(const struct rmem *m, unsigned digits, uint64_t first, uint64_t last, uint32_t self)
{
	uint64_t kf = number_key(digits, first), kl = number_key(digits, last), k0 = number_key(digits, 0);
	struct numbering__ordered_cursor c;
	/* Ranges never overlap: sorted by first, they are sorted by last too, so the walk
	 * back from the last one starting in the interval stops at the first ending before it. */
	for (int ok = numbering__ordered_seek_le(&c, &m->ranges, kl, UINT32_MAX); ok && numbering__ordered_key(&c) >= k0;
	     ok = numbering__ordered_prev(&c)) {
		uint32_t h = numbering__ordered_value(&c);
		if (rec_last(rec_at(m, h)) < first)
			break;
		if (h != self)
			return h;
	}
	if (first == last) {
		struct numbering__mprobe probe;
		numbering__mhash_start(&probe, &m->singles, number_hash(m, kf));
		for (uint32_t h; (h = numbering__mhash_next(&probe, &m->singles)) != 0;) {
			const struct rrec *r = rec_at(m, h);
			if (r->first == first && r->digits == digits && h != self)
				return h;
		}
		return 0;
	}
	for (int ok = numbering__ordered_seek_ge(&c, &m->singles_sorted, kf, 0); ok && numbering__ordered_key(&c) <= kl;
	     ok = numbering__ordered_next(&c))
		if (numbering__ordered_value(&c) != self)
			return numbering__ordered_value(&c);
	return 0;
}

/* The vtable. */

static int rm_begin(numbering_backend *backend)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	if (m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: a transaction is already open");
	m->in_transaction = 1;
	m->undo_count = 0;
	return NUMBERING_OK;
}

static int rm_commit(numbering_backend *backend)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: commit without a transaction");
	for (size_t i = 0; i < m->undo_count; i++) {
		const struct undo *u = &m->undo[i];
		if (u->old == 0)
			continue;
		if (u->op & UNDO_IN_SITU) {
			free_record(m, u->made); /* the replaced bytes */
			continue;
		}
		if (!(u->op & (UNDO_IN_PLACE | UNDO_FULL)))
			fix_links(m, rec_at(m, u->old), u->old);
		free_record(m, u->old);
	}
	undo_trim(m);
	m->in_transaction = 0;
	return NUMBERING_OK;
}

static int rm_rollback(numbering_backend *backend)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: rollback without a transaction");
	/* Newest first, each step the exact inverse, so every put-back finds its room. */
	for (size_t i = m->undo_count; i-- > 0;) {
		const struct undo *u = &m->undo[i];
		if (u->op & UNDO_IN_SITU) {
			swap_records(m, u->old, u->made);
		} else if (UNDO_OP(u) == UNDO_PUT) {
			const struct rrec *made = rec_at(m, u->made);
			index_unlink(m, made, u->made);
			if (u->old != 0) {
				const struct rrec *old = rec_at(m, u->old);
				index_link(m, old, u->old);
				names_relink(m, u->hash, made, u->made, old, u->old);
			} else {
				names_relink(m, u->hash, made, u->made, NULL, 0);
				m->counts[made->kind]--;
			}
		} else {
			const struct rrec *old = rec_at(m, u->old);
			index_link(m, old, u->old);
			names_relink(m, u->hash, NULL, 0, old, u->old);
			m->counts[old->kind]++;
		}
	}
	/* Only now may trees merge nodes again. */
	for (size_t i = 0; i < m->undo_count; i++) {
		const struct undo *u = &m->undo[i];
		if (u->made != 0) {
			if (!(u->op & UNDO_IN_SITU))
				fix_links(m, rec_at(m, u->made), u->made);
			free_record(m, u->made);
		}
	}
	undo_trim(m);
	m->in_transaction = 0;
	return NUMBERING_OK;
}

static int check_kind(int kind, const char *field, const char *call)
{
	if (kind < 1 || kind > KIND_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "memory backend %s: kind %d is not 1 .. %d",
		                              call, kind, KIND_MAX);
	return NUMBERING_OK;
}

static int check_name(const char *name, size_t *len, const char *call)
{
	if (name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "memory backend %s: name is NULL", call);
	*len = strnlen(name, NAME_MAX_BYTES + 1);
	if (*len == 0 || *len > NAME_MAX_BYTES)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name",
		                              "memory backend %s: a name has 1 .. %d bytes, not %s", call, NAME_MAX_BYTES,
		                              *len == 0 ? "0" : "more");
	return NUMBERING_OK;
}

/* Checks @r against the limits of sys/record.h; fills the lengths. */
static int check_record(const numbering_record *r, size_t *name_len, size_t *parent_len, size_t key_lens[SLOTS])
{
	if (r->version < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "memory backend put: record version %u is unknown", r->version);
	int rc;
	if ((rc = check_kind(r->kind, "kind", "put")) != NUMBERING_OK || (rc = check_name(r->name, name_len, "put")) != NUMBERING_OK)
		return rc;
	if (r->flags & ~KNOWN_FLAGS)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "flags", "memory backend put: unknown flags 0x%x",
		                              r->flags & ~KNOWN_FLAGS);
	if (r->parent == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "parent",
		                              "memory backend put: parent is NULL (\"\" for none)");
	*parent_len = strnlen(r->parent, NAME_MAX_BYTES + 1);
	if (*parent_len > NAME_MAX_BYTES)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "parent",
		                              "memory backend put: the parent has more than %d bytes", NAME_MAX_BYTES);
	if (r->digits < 0 || r->digits > DIGITS_MAX ||
	    (r->digits == 0 ? r->first != 0 || r->last != 0 : r->first > r->last || r->last >= pow10s[r->digits]))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "digits",
		                              "memory backend put: numbers %llu .. %llu of %d digits are not an interval",
		                              (unsigned long long)r->first, (unsigned long long)r->last, r->digits);
	for (int i = 0; i < SLOTS; i++) {
		key_lens[i] = r->keys[i] ? strnlen(r->keys[i], NUMBERING_RECORD_KEY_MAX + 1) : 0;
		if (key_lens[i] > NUMBERING_RECORD_KEY_MAX)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "keys",
			                              "memory backend put: key %d has more than %d bytes", i,
			                              NUMBERING_RECORD_KEY_MAX);
	}
	if (r->body_len > NUMBERING_RECORD_BODY_MAX || (r->body == NULL && r->body_len > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "body",
		                              "memory backend put: a body of %zu bytes %s", r->body_len,
		                              r->body == NULL ? "is NULL" : "is too long");
	return NUMBERING_OK;
}

/* Asks for the cache line of @hash's home slot in @table. */
static void prefetch_slot(const struct numbering__mhash *table, uint32_t hash)
{
	if (table->cap != 0)
		PREFETCH(&table->slots[numbering__mhash_home(table, hash)]);
}

/* The names hash of a name being put. */
static uint32_t put_hash(struct rmem *m, int kind, const char *name, size_t len)
{
	struct name_hint *hint = &m->hints[kind % NAME_HINTS];
	if (hint->len == len && hint->kind == kind && memcmp(hint->name, name, len) == 0)
		return hint->hash;
	uint32_t hash = name_hash(m, kind, name, len);
	if (len <= NAME_HINT_MAX) {
		memcpy(hint->name, name, len);
		hint->len = (uint16_t)len;
		hint->kind = (uint8_t)kind;
		hint->hash = hash;
	}
	return hash;
}

/* A put; with @named (snapshot.c's two copies), the names hash it used is reported in
 * *named (hash, and known 1 when it hashed the name), and with @replay, the put is the
 * replay of one the other copy took (equal state, equal keys), whose hash *named gives
 * and whose numbers held no other record there: neither is computed again. */
static int put(struct rmem *m, const numbering_record *record, struct numbering__memory_named *named, int replay)
{
	if (record == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "record", "memory backend put: record is NULL");
	size_t len = 0, parent_len = 0, key_lens[SLOTS];
	int rc = check_record(record, &len, &parent_len, key_lens);
	if (rc != NUMBERING_OK)
		return rc;
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: put outside a transaction");
	const char *name = record->name;
	int numbers = record->digits > 0 && (record->flags & NUMBERING_RECORD_NUMBERS);
	/* A single number's record named by its number ("...availableNumbers/+12085550100")
	 * stores no tail and is found by its number, not in the names hash. */
	unsigned name_digits = 0;
	uint64_t name_number = 0;
	/* Only a single number's record can be kept by its number, and only a kind with
	 * such records holds one to replace: the others (a purchase's ledger entry,
	 * subscription, journal record...) skip the look at the name's end. */
	int number_name = ((numbers && record->first == record->last) || m->number_named[record->kind] != 0) &&
	                  number_named(name, len, &name_digits, &name_number);
	int derived = number_name && numbers && record->first == record->last && name_digits == (unsigned)record->digits &&
	              name_number == record->first;
	/* The look-ups' slots are asked for first and read only once the record is built:
	 * in a large store each is a cache miss (a new name's probe was 15% of a purchase's
	 * CPU time, perf, bench-purchase), which building the record now overlaps. */
	uint32_t hash = replay && named->known ? named->hash : put_hash(m, record->kind, name, len);
	/* The names hash has room before it is probed, so that a new name goes where the
	 * probe for it stopped (one walk of its run, not two). */
	if (!derived && numbering__mhash_reserve(&m->names, 1, &m->hash_bytes) != NUMBERING_OK)
		return out_of_memory("writing a record");
	prefetch_slot(&m->names, hash);
	if (number_name)
		prefetch_slot(&m->singles, number_hash(m, number_key(name_digits, name_number)));
	if (named != NULL && !replay) {
		named->hash = hash;
		named->known = 1;
	}
	size_t dir_len = dir_length(name, len);
	uint32_t home = 0;
	if ((rc = home_get(m, record->kind, record->parent, parent_len, name, dir_len, UINT32_MAX, &home)) != NUMBERING_OK)
		return rc;
	unsigned layout = 0;
	size_t keys_len = 0;
	for (int i = 0; i < SLOTS; i++)
		if (record->keys[i] != NULL) {
			layout |= RL_KEY(i);
			keys_len += key_lens[i] + 2;
		}
	if (record->last != record->first)
		layout |= RL_LAST;
	if (record->expires != 0)
		layout |= RL_EXPIRES;
	if (record->sort_key != number_sort_key((unsigned)record->digits, record->first))
		layout |= RL_SORT_KEY;
	if (derived)
		layout |= RL_NUMBER_NAME;
	size_t tail_stored = derived ? 0 : len - dir_len;
	size_t size = sizeof(struct rrec) + ((layout & RL_SORT_KEY) ? 8 : 0) + ((layout & RL_LAST) ? 8 : 0) +
	              ((layout & RL_EXPIRES) ? 8 : 0) + keys_len + tail_stored + record->body_len;
	if (size > UINT32_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "body", "memory backend put: the record is too large");
	if (undo_reserve(m) != NUMBERING_OK)
		return out_of_memory("writing a record");
	uint32_t handle = numbering__slab_alloc(&m->slab, size);
	if (handle == 0)
		return out_of_memory("writing a record");
	struct rrec *r = numbering__slab_get(&m->slab, handle);
	r->first = record->first;
	r->home = home;
	r->size = (uint32_t)size;
	r->tail_len = (uint16_t)(len - dir_len);
	r->keys_len = (uint16_t)keys_len;
	r->kind = (uint8_t)record->kind;
	r->digits = (uint8_t)record->digits;
	r->flags = (uint8_t)record->flags;
	r->layout = (uint8_t)layout;
	uint8_t *p = (uint8_t *)(r + 1);
	if (layout & RL_SORT_KEY) {
		memcpy(p, &record->sort_key, 8);
		p += 8;
	}
	if (layout & RL_LAST) {
		memcpy(p, &record->last, 8);
		p += 8;
	}
	if (layout & RL_EXPIRES) {
		memcpy(p, &record->expires, 8);
		p += 8;
	}
	for (int i = 0; i < SLOTS; i++)
		if (record->keys[i] != NULL) {
			*p++ = (uint8_t)key_lens[i];
			memcpy(p, record->keys[i], key_lens[i]);
			p += key_lens[i];
			*p++ = '\0';
		}
	memcpy(p, name + dir_len, tail_stored);
	p += tail_stored;
	if (record->body_len > 0)
		memcpy(p, record->body, record->body_len);
	uint32_t old = 0;
	struct numbering__mprobe stop;
	int probed = 0; /* stop is where the name goes in the names hash */
	if (number_name)
		old = number_find_at(m, record->kind, name, len, name_digits, name_number);
	if (old == 0) {
		old = record_probe(m, record->kind, name, len, hash, &stop);
		probed = old == 0 && m->names.cap != 0;
	}
	const struct rrec *was = old != 0 ? rec_at(m, old) : NULL;
	/* Numbers the replaced record holds are held by no other (exclusivity): a
	 * replacement keeping its numbers or some of them (an update, the first part of a
	 * split) needs no search. */
	if (replay || (numbers && was != NULL && (was->flags & NUMBERING_RECORD_NUMBERS) &&
	               was->digits == record->digits && was->first <= record->first && record->last <= rec_last(was)))
		numbers = 0;
	if (numbers) {
		uint32_t holder = numbers_holder(m, (unsigned)record->digits, record->first, record->last, old);
		if (holder != 0) {
			numbering__slab_free(&m->slab, handle, size);
			char held[NAME_MAX_BYTES + 1], quoted[NUMBERING__QUOTE_SIZE];
			const struct rrec *h = rec_at(m, holder);
			size_t held_len = rec_name(m, h, held);
			return numbering__error_set(NUMBERING_ALREADY_EXISTS,
			                            "memory backend put: a number of %llu .. %llu (%d digits) is held by %s "
			                            "(kind %d)",
			                            (unsigned long long)record->first, (unsigned long long)record->last,
			                            record->digits, numbering__quote(quoted, held, held_len), h->kind);
		}
	}
	if (old != 0 && fits_in_situ(rec_at(m, old), r)) {
		/* A new body under the same keys (an update of a display name, the store's
		 * last time): written over the old record, whose bytes are kept in the one
		 * just written for rollback. No index is touched. */
		swap_records(m, old, handle);
		undo_push(m, UNDO_PUT | UNDO_IN_SITU, hash, old, handle);
		return NUMBERING_OK;
	}
	struct links links;
	if (reserve_links(m, r, in_names(r) && (was == NULL || !in_names(was)), &links) != NUMBERING_OK) {
		numbering__slab_free(&m->slab, handle, size);
		return out_of_memory("indexing a record");
	}
	uint32_t op = UNDO_PUT;
	if (probed && in_names(r))
		numbering__mhash_insert_at(&m->names, &stop, handle);
	else
		names_relink(m, hash, was, old, r, handle);
	if (old != 0) {
		if (index_relink(m, was, old, r, handle))
			op |= UNDO_IN_PLACE;
	} else {
		links_enter(m, r, handle, &links);
		m->counts[r->kind]++;
	}
	undo_push(m, op, hash, old, handle);
	return NUMBERING_OK;
}

static int rm_put(numbering_backend *backend, const numbering_record *record)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	return put(m, record, NULL, 0);
}

int numbering__memory_records_put(struct numbering_backend *backend, const struct numbering_record *record,
                                  struct numbering__memory_named *named, int replay)
{
	return put((struct rmem *)backend, record, named, replay);
}

void numbering__memory_records_share_keys(struct numbering_backend *to, const struct numbering_backend *from)
{
	struct rmem *t = (struct rmem *)to;
	const struct rmem *f = (const struct rmem *)from;
	memcpy(t->sip_key, f->sip_key, sizeof(t->sip_key));
	memcpy(t->seed, f->seed, sizeof(t->seed));
}

/* A constant message: a create asks get() for the name it takes and expects
 * NOT_FOUND, and formatting (quoting the name) cost as much as the look-up; the
 * caller knows the kind and the name it asked for. */
static int not_found_name(void)
{
	return numbering__error_set(NUMBERING_NOT_FOUND, "memory backend: no record of the kind has the name");
}

static int rm_remove(numbering_backend *backend, int kind, const char *name)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	size_t len = 0;
	int rc;
	if ((rc = check_kind(kind, "kind", "remove")) != NUMBERING_OK || (rc = check_name(name, &len, "remove")) != NUMBERING_OK)
		return rc;
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: remove outside a transaction");
	uint32_t hash = 0;
	struct numbering__mprobe found;
	uint32_t old = number_find(m, kind, name, len);
	int named = old == 0; /* found in the names hash, at found */
	if (named) {
		hash = name_hash(m, kind, name, len);
		old = record_probe(m, kind, name, len, hash, &found);
	}
	if (old == 0)
		return not_found_name();
	if (undo_reserve(m) != NUMBERING_OK)
		return out_of_memory("removing a record");
	uint32_t op = index_unlink(m, rec_at(m, old), old) ? UNDO_REMOVE : UNDO_REMOVE | UNDO_FULL;
	if (named)
		numbering__mhash_remove_found(&m->names, &found);
	else
		names_relink(m, hash, rec_at(m, old), old, NULL, 0);
	m->counts[kind]--;
	undo_push(m, op, hash, old, 0);
	return NUMBERING_OK;
}

static int bad_visit(const char *call)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "visit", "memory backend %s: visit is NULL", call);
}

static int rm_get(numbering_backend *backend, int kind, const char *name, numbering_record_visit_cb visit,
                  void *payload)
{
	const struct rmem *m = (const struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	size_t len = 0;
	int rc;
	if ((rc = check_kind(kind, "kind", "get")) != NUMBERING_OK || (rc = check_name(name, &len, "get")) != NUMBERING_OK)
		return rc;
	if (visit == NULL)
		return bad_visit("get");
	uint32_t hash = 0;
	uint32_t handle = record_lookup(m, kind, name, len, &hash);
	if (handle == 0)
		return not_found_name();
	/* The record's name is @name's very bytes (the look-up compared them), so the
	 * caller's string is handed over: the home's directory is not copied before it. */
	numbering_record out;
	char tail[NAME_MAX_BYTES + 1];
	fill_named(m, rec_at(m, handle), &out, name, tail);
	return visit(&out, payload);
}

static int visit_one(const struct rmem *m, uint32_t handle, numbering_record_visit_cb visit, void *payload)
{
	numbering_record out;
	char buf[NAME_MAX_BYTES + 1];
	fill(m, handle, &out, buf);
	return visit(&out, payload);
}

static int rm_find(numbering_backend *backend, int digits, uint64_t first, uint64_t last,
                   numbering_record_visit_cb visit, void *payload)
{
	const struct rmem *m = (const struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	if (visit == NULL)
		return bad_visit("find");
	if (digits < 1 || digits > DIGITS_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "digits",
		                              "memory backend find: digits %d is not 1 .. %d", digits, DIGITS_MAX);
	if (first > last)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "first",
		                              "memory backend find: first %llu is after last %llu", (unsigned long long)first,
		                              (unsigned long long)last);
	if (first < pow10s[digits]) {
		if (last >= pow10s[digits])
			last = pow10s[digits] - 1;
		uint64_t kf = number_key((unsigned)digits, first), kl = number_key((unsigned)digits, last),
		         k0 = number_key((unsigned)digits, 0);
		struct numbering__ordered_cursor rc, sc;
		if (first == last) {
			/* The singles hash and the ranges' blocks hash (blocks.h) are asked at once,
			 * so that their cache misses overlap: both slots are loaded before either is
			 * read, and a range's entry holds its interval, so neither look-up reads a
			 * record it does not return. Each record's next two cache lines are loaded
			 * with its first: a record is 8-byte aligned, and an instance's spans two or
			 * three (callgrind's cache simulation, which leaves prefetches out, counts
			 * half a miss a resolve past the first line). */
			uint32_t hash = number_hash(m, kf);
			if (m->singles.cap > 0)
				PREFETCH(&m->singles.slots[numbering__mhash_home(&m->singles, hash)]);
			numbering__rblocks_prefetch(&m->blocks, (unsigned)digits, first);
			struct numbering__mprobe probe;
			numbering__mhash_start(&probe, &m->singles, hash);
			for (uint32_t h; (h = numbering__mhash_next(&probe, &m->singles)) != 0;) {
				const struct rrec *r = rec_at(m, h);
				PREFETCH((const char *)r + 64);
				PREFETCH((const char *)r + 128);
				if (r->first == first && r->digits == digits)
					return visit_one(m, h, visit, payload);
			}
			uint32_t range = numbering__rblocks_find(&m->blocks, (unsigned)digits, first);
			if (range != 0) {
				PREFETCH((const char *)rec_at(m, range) + 64);
				PREFETCH((const char *)rec_at(m, range) + 128);
				return visit_one(m, range, visit, payload);
			}
		} else {
			/* Ranges and singles never overlap: merged by first, they are in number order. */
			int rok = numbering__ordered_seek_le(&rc, &m->ranges, kf, UINT32_MAX) && numbering__ordered_key(&rc) >= k0;
			if (rok && rec_last(rec_at(m, numbering__ordered_value(&rc))) < first)
				rok = numbering__ordered_next(&rc);
			else if (!rok)
				rok = numbering__ordered_seek_ge(&rc, &m->ranges, kf, 0);
			int sok = numbering__ordered_seek_ge(&sc, &m->singles_sorted, kf, 0);
			int found = 0;
			for (;;) {
				rok = rok && numbering__ordered_key(&rc) <= kl;
				sok = sok && numbering__ordered_key(&sc) <= kl;
				if (!rok && !sok)
					break;
				struct numbering__ordered_cursor *c =
				    !sok || (rok && numbering__ordered_key(&rc) < numbering__ordered_key(&sc)) ? &rc : &sc;
				uint32_t h = numbering__ordered_value(c);
				if (c == &rc)
					rok = numbering__ordered_next(&rc);
				else
					sok = numbering__ordered_next(&sc);
				found = 1;
				int stop = visit_one(m, h, visit, payload);
				if (stop != 0)
					return stop;
			}
			if (found)
				return NUMBERING_OK;
		}
	}
	/* A constant message: a create asks find() for every number it takes and expects
	 * NOT_FOUND, and formatting the interval cost more than the look-up. */
	return numbering__error_set(NUMBERING_NOT_FOUND, "memory backend: no record holds a number of the interval");
}

/* Listing. */

struct lister {
	const struct rmem *m;
	const numbering_record_query *q;
	uint32_t group; /* index + 1 of the query's group; 0 for every parent */
	const numbering_record_interval *iv; /* sorted by (digits, first), disjoint, not adjacent */
	size_t iv_count;
	/* Per digit count d, iv[iv_from[d] .. iv_from[d + 1]) are its intervals. */
	size_t iv_from[DIGITS_MAX + 2];
	size_t key_lens[SLOTS];
	numbering_record_visit_cb visit;
	void *payload;
	int visited;
	int stop;
	int rc;
	int has_keys;       /* the query filters on a key */
	uint32_t name_home; /* the home whose directory name[] starts with; UINT32_MAX for none */
	char name[NAME_MAX_BYTES + 1];
};

static int interval_less(const numbering_record_interval *a, const numbering_record_interval *b)
{
	return a->digits < b->digits || (a->digits == b->digits && a->first < b->first);
}

/* Clamps, sorts and merges the query's intervals into @out (room for all); returns the count. */
static size_t merge_intervals(numbering_record_interval *out, const numbering_record_interval *in, size_t count)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		numbering_record_interval v = in[i];
		if (v.first >= pow10s[v.digits])
			continue;
		if (v.last >= pow10s[v.digits])
			v.last = pow10s[v.digits] - 1;
		size_t j = n++;
		for (; j > 0 && interval_less(&v, &out[j - 1]); j--)
			out[j] = out[j - 1];
		out[j] = v;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && out[k - 1].digits == out[i].digits && out[k - 1].last != UINT64_MAX &&
		    out[i].first <= out[k - 1].last + 1) {
			if (out[i].last > out[k - 1].last)
				out[k - 1].last = out[i].last;
		} else {
			out[k++] = out[i];
		}
	}
	return k;
}

static inline int overlaps_intervals(const struct lister *l, const struct rrec *r)
{
	if (l->iv_count == 0)
		return 1;
	if (r->digits == 0)
		return 0;
	size_t lo = l->iv_from[r->digits], hi = l->iv_from[r->digits + 1];
	if (hi - lo == 1) /* a prefix query has one interval per digit count */
		return l->iv[lo].first <= rec_last(r) && l->iv[lo].last >= r->first;
	numbering_record_interval probe = {r->digits, rec_last(r), 0};
	/* The last interval starting at or before the record's last number. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (interval_less(&probe, &l->iv[mid]))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo > l->iv_from[r->digits] && l->iv[lo - 1].last >= r->first;
}

/* Whether @r meets the query's keys, listed_only and parent conditions. */
static int matches(const struct lister *l, const struct rrec *r)
{
	if (l->q->listed_only && !(r->flags & NUMBERING_RECORD_LISTED))
		return 0;
	if (l->group != 0 && l->m->homes[r->home].group != l->group - 1)
		return 0;
	if (!l->has_keys)
		return 1;
	for (int i = 0; i < SLOTS; i++) {
		if (l->q->keys[i] == NULL)
			continue;
		size_t len;
		const char *key = rec_key(r, i, &len);
		if (key == NULL || len != l->key_lens[i] || memcmp(key, l->q->keys[i], len) != 0)
			return 0;
	}
	return 1;
}

/* Visits one record; sets stop when the page is full or the visitor says so. The
 * records of a page mostly share a home: its directory stays in name[] from the
 * record before, and only the tail is copied. */
static void emit(struct lister *l, uint32_t handle)
{
	numbering_record out;
	const struct rrec *r = rec_at(l->m, handle);
	const struct home *h = &l->m->homes[r->home];
	if (l->name_home != r->home) {
		memcpy(l->name, h->dir, h->dir_len);
		l->name_home = r->home;
	}
	fill_named(l->m, r, &out, l->name, l->name + h->dir_len);
	l->visited++;
	int rc = l->visit(&out, l->payload);
	if (rc != 0) {
		l->rc = rc;
		l->stop = 1;
	} else if (l->q->limit > 0 && l->visited >= l->q->limit) {
		l->stop = 1;
	}
}

/* The group's records in sort order from the query's cursor, merging listed and
 * unlisted ones when unlisted ones are wanted. */
struct sort_walk {
	struct numbering__ordered_cursor c[2];
	int has[2];
	int ascending;
};

static int walk_seek(struct numbering__ordered_cursor *c, const struct numbering__ordered *tree,
                     const numbering_record_query *q)
{
	if (q->order == NUMBERING_RECORD_ORDER_ASCENDING) {
		if (!q->has_after)
			return numbering__ordered_first(c, tree);
		uint64_t key = signed_key(q->after);
		return key < UINT64_MAX && numbering__ordered_seek_ge(c, tree, key + 1, 0);
	}
	if (!q->has_after)
		return numbering__ordered_last(c, tree);
	uint64_t key = signed_key(q->after);
	return key > 0 && numbering__ordered_seek_le(c, tree, key - 1, UINT32_MAX);
}

static void walk_start(struct sort_walk *w, const struct lister *l, const struct group *g)
{
	w->ascending = l->q->order == NUMBERING_RECORD_ORDER_ASCENDING;
	w->has[0] = walk_seek(&w->c[0], &g->listed, l->q);
	w->has[1] = !l->q->listed_only && walk_seek(&w->c[1], &g->unlisted, l->q);
}

/* The next handle, 0 at the end. */
static uint32_t walk_next(struct sort_walk *w, const struct rmem *m)
{
	int i;
	if (w->has[0] && w->has[1]) {
		uint64_t a = numbering__ordered_key(&w->c[0]), b = numbering__ordered_key(&w->c[1]);
		i = w->ascending ? b < a : b > a;
	} else if (w->has[0] || w->has[1]) {
		i = w->has[1];
	} else {
		return 0;
	}
	uint32_t handle = numbering__ordered_value(&w->c[i]);
	w->has[i] = w->ascending ? numbering__ordered_next(&w->c[i]) : numbering__ordered_prev(&w->c[i]);
	/* The caller is about to read this record: start loading the one after it. */
	if (w->has[i])
		PREFETCH(rec_at(m, numbering__ordered_value(&w->c[i])));
	return handle;
}

/*
 * The group's records whose interval overlaps one of the query's, in number order
 * per interval. The numbers tree's records never overlap: only the one starting
 * last before an interval can reach into it. The others tree's may: its scan starts
 * others_span (the widest the group indexed) before the interval. A record reaching
 * into two intervals is returned for the first only.
 */
enum { SCAN_START, SCAN_NUMBERS, SCAN_OTHERS_START, SCAN_OTHERS };

struct number_scan {
	struct numbering__ordered_cursor c;
	size_t k;
	int phase;
	int ok;
	uint64_t key_hi;
};

#define SCAN_PREFETCH 6

static uint32_t scan_next(struct number_scan *s, const struct lister *l, const struct group *g)
{
	const struct rmem *m = l->m;
	for (;;) {
		if (s->k >= l->iv_count)
			return 0;
		const numbering_record_interval *v = &l->iv[s->k];
		unsigned d = (unsigned)v->digits;
		uint32_t h = 0;
		switch (s->phase) {
		case SCAN_START:
			s->key_hi = number_key(d, v->last);
			s->phase = SCAN_NUMBERS;
			if (g->with_digits[0][d] == 0) {
				s->ok = 0;
				break;
			}
			if (v->first > 0 &&
			    numbering__ordered_seek_le(&s->c, &g->numbers, number_key(d, v->first) - 1, UINT32_MAX) &&
			    numbering__ordered_key(&s->c) >= number_key(d, 0) &&
			    rec_last(rec_at(m, numbering__ordered_value(&s->c))) >= v->first)
				h = numbering__ordered_value(&s->c);
			s->ok = numbering__ordered_seek_ge(&s->c, &g->numbers, number_key(d, v->first), 0);
			break;
		case SCAN_NUMBERS:
		case SCAN_OTHERS:
			if (s->ok && numbering__ordered_key(&s->c) <= s->key_hi) {
				uint32_t ahead;
				h = numbering__ordered_value(&s->c);
				/* Matches are read in number order, scattered in memory: load ahead. */
				if (numbering__ordered_peek(&s->c, SCAN_PREFETCH, &ahead))
					PREFETCH(rec_at(m, ahead));
				s->ok = numbering__ordered_next(&s->c);
				if (s->phase == SCAN_OTHERS && rec_last(rec_at(m, h)) < v->first)
					h = 0;
			} else if (s->phase == SCAN_NUMBERS) {
				s->phase = SCAN_OTHERS_START;
			} else {
				s->phase = SCAN_START;
				s->k++;
			}
			break;
		default: {
			uint64_t from = v->first > g->others_span ? v->first - g->others_span : 0;
			s->ok = g->with_digits[1][d] != 0 && numbering__ordered_seek_ge(&s->c, &g->others, number_key(d, from), 0);
			s->phase = SCAN_OTHERS;
			break;
		}
		}
		if (h == 0)
			continue;
		/* Reaching back into the previous interval: returned with it already. */
		if (s->k > 0 && l->iv[s->k - 1].digits == v->digits && rec_at(m, h)->first <= l->iv[s->k - 1].last)
			continue;
		return h;
	}
}

struct candidate {
	uint64_t rank; /* higher comes first */
	uint32_t handle;
};

/* A min-heap by rank of at most cap candidates: the best seen so far. */
struct best {
	struct candidate *items;
	size_t count, cap;
};

static void sift_down(struct candidate *a, size_t count, size_t i)
{
	struct candidate item = a[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= count)
			break;
		if (c + 1 < count && a[c + 1].rank < a[c].rank)
			c++;
		if (a[c].rank >= item.rank)
			break;
		a[i] = a[c];
		i = c;
	}
	a[i] = item;
}

static void best_offer(struct best *heap, uint64_t rank, uint32_t handle)
{
	struct candidate *a = heap->items;
	if (heap->count < heap->cap) {
		size_t i = heap->count++;
		while (i > 0 && a[(i - 1) / 2].rank > rank) {
			a[i] = a[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		a[i].rank = rank;
		a[i].handle = handle;
	} else if (heap->cap > 0 && rank > a[0].rank) {
		a[0].rank = rank;
		a[0].handle = handle;
		sift_down(a, heap->count, 0);
	}
}

/* Sorts the heap best first: each step moves the worst left to the end. */
static void best_sort(struct best *heap)
{
	struct candidate *a = heap->items;
	for (size_t n = heap->count; n > 1; n--) {
		struct candidate worst = a[0];
		a[0] = a[n - 1];
		a[n - 1] = worst;
		sift_down(a, n - 1, 0);
	}
}

static int after_ok(const struct lister *l, const struct rrec *r)
{
	if (!l->q->has_after)
		return 1;
	int64_t key = rec_sort_key(r);
	return l->q->order == NUMBERING_RECORD_ORDER_ASCENDING ? key > l->q->after : key < l->q->after;
}

static void list_sorted(struct lister *l, const struct group *g)
{
	struct sort_walk w;
	walk_start(&w, l, g);
	/* The walk reads the group's own trees, the listed one alone for listed_only: only
	 * the keys are left to check. */
	if (!l->has_keys) {
		for (uint32_t h; !l->stop && (h = walk_next(&w, l->m)) != 0;)
			emit(l, h);
		return;
	}
	for (uint32_t h; !l->stop && (h = walk_next(&w, l->m)) != 0;)
		if (matches(l, rec_at(l->m, h)))
			emit(l, h);
}

/*
 * A page with intervals comes either from the number indexes (every match read,
 * the best kept: cheap when the intervals hold few records) or from the walk in
 * sort order (each record tested until the page is full: cheap when they hold many).
 * Which one is cheaper is not known in advance, so both advance in step and the
 * first to finish answers: never more than twice the work of the better one.
 */
static int list_sorted_intervals(struct lister *l, const struct group *g)
{
	size_t records = g->listed.count + (l->q->listed_only ? 0 : g->unlisted.count);
	size_t cap = l->q->limit > 0 && (size_t)l->q->limit < records ? (size_t)l->q->limit : records;
	struct candidate small_heap[ON_STACK];
	uint32_t small_walk[ON_STACK];
	struct best heap = {small_heap, 0, cap};
	uint32_t *walked = small_walk;
	if (cap > ON_STACK) {
		heap.items = numbering__malloc(cap * sizeof(*heap.items));
		walked = numbering__malloc(cap * sizeof(*walked));
		if (heap.items == NULL || walked == NULL) {
			numbering__free_mem(heap.items);
			numbering__free_mem(walked);
			return out_of_memory("listing records");
		}
	}
	int ascending = l->q->order == NUMBERING_RECORD_ORDER_ASCENDING;
	struct number_scan scan;
	memset(&scan, 0, sizeof(scan));
	struct sort_walk walk;
	walk_start(&walk, l, g);
	size_t walk_count = 0;
	int by_number;
	for (;;) {
		uint32_t h = scan_next(&scan, l, g);
		if (h == 0) {
			by_number = 1;
			break;
		}
		const struct rrec *r = rec_at(l->m, h);
		/* The number trees are the group's own: listed and keys are left to check. */
		if (after_ok(l, r) && (!l->q->listed_only || (r->flags & NUMBERING_RECORD_LISTED)) &&
		    (!l->has_keys || matches(l, r))) {
			uint64_t key = signed_key(rec_sort_key(r));
			best_offer(&heap, ascending ? ~key : key, h);
		}
		h = walk_next(&walk, l->m);
		if (h == 0) {
			by_number = 0;
			break;
		}
		r = rec_at(l->m, h);
		if (overlaps_intervals(l, r) && (!l->has_keys || matches(l, r))) { /* the walk's own group */
			walked[walk_count++] = h;
			if (walk_count == cap) {
				by_number = 0;
				break;
			}
		}
	}
	if (by_number) {
		best_sort(&heap);
		for (size_t i = 0; i < heap.count && !l->stop; i++)
			emit(l, heap.items[i].handle);
	} else {
		for (size_t i = 0; i < walk_count && !l->stop; i++)
			emit(l, walked[i]);
	}
	if (heap.items != small_heap) {
		numbering__free_mem(heap.items);
		numbering__free_mem(walked);
	}
	return NUMBERING_OK;
}

/* Sorts @n handles by name (a heap sort: no allocation). */
static int name_less(struct lister *l, uint32_t a, uint32_t b, char *other)
{
	size_t la = rec_name(l->m, rec_at(l->m, a), l->name), lb = rec_name(l->m, rec_at(l->m, b), other);
	int c = memcmp(l->name, other, la < lb ? la : lb);
	return c < 0 || (c == 0 && la < lb);
}

static void name_sift(struct lister *l, uint32_t *a, size_t n, size_t i, char *other)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && name_less(l, a[c], a[c + 1], other))
			c++;
		if (!name_less(l, a[i], a[c], other))
			return;
		uint32_t t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void sort_by_name(struct lister *l, uint32_t *a, size_t n, char *other)
{
	l->name_home = UINT32_MAX; /* name_less writes name[] whole */
	for (size_t i = n / 2; i-- > 0;)
		name_sift(l, a, n, i, other);
	for (size_t k = n; k > 1; k--) {
		uint32_t t = a[0];
		a[0] = a[k - 1];
		a[k - 1] = t;
		name_sift(l, a, k - 1, 0, other);
	}
}

/* The kind's records by expires, then name: each run of one expiry is gathered and
 * sorted by name before it is visited. */
static int list_expiry(struct lister *l)
{
	const struct numbering__ordered *tree = &l->m->expiry[l->q->kind];
	struct numbering__ordered_cursor c;
	int ok;
	if (l->q->has_after) {
		uint64_t key = signed_key(l->q->after);
		ok = key < UINT64_MAX && numbering__ordered_seek_ge(&c, tree, key + 1, 0);
	} else {
		ok = numbering__ordered_first(&c, tree);
	}
	uint32_t small[ON_STACK], *run = small;
	size_t cap = ON_STACK;
	char other[NAME_MAX_BYTES + 1];
	int rc = NUMBERING_OK;
	while (ok && !l->stop) {
		uint64_t key = numbering__ordered_key(&c);
		if (l->q->expires_until != 0 && key > signed_key(l->q->expires_until))
			break;
		size_t n = 0;
		for (; ok && numbering__ordered_key(&c) == key; ok = numbering__ordered_next(&c)) {
			uint32_t h = numbering__ordered_value(&c);
			const struct rrec *r = rec_at(l->m, h);
			if (!matches(l, r) || !overlaps_intervals(l, r))
				continue;
			if (n == cap) {
				uint32_t *grown = numbering__malloc(cap * 2 * sizeof(*grown));
				if (grown == NULL) {
					rc = out_of_memory("listing records");
					goto done;
				}
				memcpy(grown, run, n * sizeof(*run));
				if (run != small)
					numbering__free_mem(run);
				run = grown;
				cap *= 2;
			}
			run[n++] = h;
		}
		if (n > 1)
			sort_by_name(l, run, n, other);
		for (size_t i = 0; i < n && !l->stop; i++)
			emit(l, run[i]);
	}
done:
	if (run != small)
		numbering__free_mem(run);
	return rc;
}

static int check_query(const numbering_record_query *q, size_t key_lens[SLOTS], size_t *parent_len)
{
	if (q->version < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "memory backend list: query version %u is unknown", q->version);
	int rc = check_kind(q->kind, "kind", "list");
	if (rc != NUMBERING_OK)
		return rc;
	if (q->order < NUMBERING_RECORD_ORDER_DESCENDING || q->order > NUMBERING_RECORD_ORDER_EXPIRY)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "order", "memory backend list: order %d is unknown",
		                              q->order);
	if (q->parent == NULL && q->order != NUMBERING_RECORD_ORDER_EXPIRY)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "parent",
		                              "memory backend list: a parent is needed but in expiry order");
	*parent_len = q->parent != NULL ? strnlen(q->parent, NAME_MAX_BYTES + 1) : 0;
	if (*parent_len > NAME_MAX_BYTES)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "parent",
		                              "memory backend list: the parent has more than %d bytes", NAME_MAX_BYTES);
	if (q->limit < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "limit", "memory backend list: limit %d is negative",
		                              q->limit);
	if (q->interval_count > 0 && q->intervals == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "intervals",
		                              "memory backend list: %zu intervals at NULL", q->interval_count);
	for (size_t i = 0; i < q->interval_count; i++) {
		const numbering_record_interval *v = &q->intervals[i];
		if (v->digits < 1 || v->digits > DIGITS_MAX || v->first > v->last)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "intervals",
			                              "memory backend list: interval %zu (%llu .. %llu of %d digits) is not one",
			                              i, (unsigned long long)v->first, (unsigned long long)v->last, v->digits);
	}
	for (int i = 0; i < SLOTS; i++) {
		key_lens[i] = q->keys[i] ? strnlen(q->keys[i], NUMBERING_RECORD_KEY_MAX + 1) : 0;
		if (key_lens[i] > NUMBERING_RECORD_KEY_MAX)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "keys",
			                              "memory backend list: key %d has more than %d bytes", i,
			                              NUMBERING_RECORD_KEY_MAX);
	}
	return NUMBERING_OK;
}

static int rm_list(numbering_backend *backend, const numbering_record_query *query,
                   numbering_record_visit_cb visit, void *payload)
{
	const struct rmem *m = (const struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	if (query == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "query", "memory backend list: query is NULL");
	if (visit == NULL)
		return bad_visit("list");
	/* On the stack, as get's and find's name buffers are: a list is two on every
	 * inventory search and the nothing-due checks before it, and allocating the
	 * lister (4.4 kB: the name buffer) cost more than some of those lists did. */
	struct lister lister, *l = &lister;
	size_t parent_len = 0;
	int rc = check_query(query, l->key_lens, &parent_len);
	if (rc != NUMBERING_OK)
		return rc;
	/* No record of the kind expires: the answer of most of the due checks every
	 * inventory call makes first (numbering__backend_due), without setting up a walk. */
	if (query->order == NUMBERING_RECORD_ORDER_EXPIRY && m->expiry[query->kind].count == 0)
		return NUMBERING_OK;
	l->m = m;
	l->q = query;
	l->group = 0;
	l->visit = visit;
	l->payload = payload;
	l->visited = 0;
	l->stop = 0;
	l->rc = NUMBERING_OK;
	l->iv = NULL;
	l->iv_count = 0;
	l->name_home = UINT32_MAX;
	l->has_keys = 0;
	for (int i = 0; i < SLOTS; i++)
		l->has_keys |= query->keys[i] != NULL;
	numbering_record_interval small[16], *iv = small;
	if (query->interval_count > 16 && (iv = numbering__malloc(query->interval_count * sizeof(*iv))) == NULL)
		return out_of_memory("listing records");
	if (query->interval_count > 0) {
		l->iv = iv;
		l->iv_count = merge_intervals(iv, query->intervals, query->interval_count);
		size_t k = 0;
		for (int d = 0; d <= DIGITS_MAX + 1; d++) {
			while (k < l->iv_count && l->iv[k].digits < d)
				k++;
			l->iv_from[d] = k;
		}
	}
	int empty = query->interval_count > 0 && l->iv_count == 0;
	if (query->parent != NULL) {
		l->group = group_lookup(m, query->kind, query->parent, parent_len);
		empty |= l->group == 0;
	}
	if (!empty) {
		if (query->order == NUMBERING_RECORD_ORDER_EXPIRY)
			rc = list_expiry(l);
		else if (l->iv_count == 0)
			list_sorted(l, &m->groups[l->group - 1]);
		else
			rc = list_sorted_intervals(l, &m->groups[l->group - 1]);
	}
	if (rc == NUMBERING_OK)
		rc = l->rc;
	if (iv != small)
		numbering__free_mem(iv);
	return rc;
}

/* Control. */

static void stats(const struct rmem *m, struct numbering__memory_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->record_bytes = m->slab.bytes;
	s->record_used = m->slab.used;
	s->tree_bytes = m->pool.bytes;
	s->hash_bytes = m->hash_bytes;
	s->other_bytes = m->other_bytes + sizeof(*m);
	s->bytes = s->record_bytes + s->tree_bytes + s->hash_bytes + s->other_bytes;
	int64_t records = 0;
	for (int k = 0; k <= KIND_MAX; k++)
		records += m->counts[k];
	s->records = (uint32_t)records;
	s->projects = m->group_count;
}

/* Every record is named by exactly one slot of these: the names hash's, then those of
 * the singles hash holding an RL_NUMBER_NAME record. */
static uint64_t record_slots(const struct rmem *m)
{
	return (uint64_t)m->names.cap + m->singles.cap;
}

/* The record slot @i names, or 0. */
static uint32_t record_slot(const struct rmem *m, uint64_t i)
{
	if (i < m->names.cap)
		return m->names.slots[i].handle;
	uint32_t handle = m->singles.slots[i - m->names.cap].handle;
	return handle != 0 && !in_names(rec_at(m, handle)) ? handle : 0;
}

static int check_failed(const char *what)
{
	return numbering__error_set(NUMBERING_INTERNAL, "memory backend check: %s", what);
}

/* Every entry of @tree names a record that belongs there under that key. */
static int check_tree(struct rmem *m, const struct numbering__ordered *tree, size_t *entries)
{
	if (numbering__ordered_check(tree) != 0)
		return check_failed("a tree is malformed");
	struct numbering__ordered_cursor c;
	for (int ok = numbering__ordered_first(&c, tree); ok; ok = numbering__ordered_next(&c)) {
		const struct rrec *r = rec_at(m, numbering__ordered_value(&c));
		struct numbering__ordered *trees[TREES_MAX];
		uint64_t keys[TREES_MAX];
		int n = rec_trees(m, r, trees, keys), found = 0;
		for (int i = 0; i < n; i++)
			found |= trees[i] == tree && keys[i] == numbering__ordered_key(&c);
		if (!found)
			return check_failed("a tree entry does not match its record");
		(*entries)++;
	}
	return NUMBERING_OK;
}

/* The NUMBERS records hold no number twice: merged in key order, each ends before the next starts. */
static int check_exclusive(struct rmem *m)
{
	struct numbering__ordered_cursor a, b;
	int aok = numbering__ordered_first(&a, &m->ranges), bok = numbering__ordered_first(&b, &m->singles_sorted);
	const struct rrec *prev = NULL;
	while (aok || bok) {
		struct numbering__ordered_cursor *c =
		    !bok || (aok && numbering__ordered_key(&a) < numbering__ordered_key(&b)) ? &a : &b;
		const struct rrec *r = rec_at(m, numbering__ordered_value(c));
		if (prev != NULL && prev->digits == r->digits && rec_last(prev) >= r->first)
			return check_failed("two records flagged NUMBERS hold a common number");
		prev = r;
		if (c == &a)
			aok = numbering__ordered_next(&a);
		else
			bok = numbering__ordered_next(&b);
	}
	return NUMBERING_OK;
}

/* The blocks hash holds each range of the ranges tree, entry for entry, finds it by its
 * first, middle and last numbers, and holds nothing else. */
static int check_blocks(const struct rmem *m)
{
	const struct numbering__rblocks *t = &m->blocks;
	uint32_t entries = 0, ranges = 0, levels = 0;
	struct numbering__ordered_cursor c;
	for (int ok = numbering__ordered_first(&c, &m->ranges); ok; ok = numbering__ordered_next(&c)) {
		uint32_t h = numbering__ordered_value(&c);
		const struct rrec *r = rec_at(m, h);
		uint64_t last = rec_last(r), middle = r->first + (last - r->first) / 2;
		if (!numbering__rblocks_has(t, r->digits, r->first, last, h) ||
		    numbering__rblocks_find(t, r->digits, r->first) != h || numbering__rblocks_find(t, r->digits, middle) != h ||
		    numbering__rblocks_find(t, r->digits, last) != h)
			return check_failed("a range is not found in the blocks hash by its numbers");
		entries += numbering__rblocks_entries(r->first, last);
	}
	for (unsigned level = 0; level < NUMBERING__RBLOCK_LEVELS; level++) {
		ranges += t->level_ranges[level];
		if (t->level_ranges[level] > 0)
			levels |= 1u << level;
	}
	if (entries != t->count || ranges != m->ranges.count || levels != t->levels)
		return check_failed("the blocks hash holds more or fewer entries than the ranges need");
	return NUMBERING_OK;
}

static int check(struct rmem *m)
{
	if (m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: check inside a transaction");
	size_t entries = 0, expected = 0;
	int rc;
	if ((rc = check_tree(m, &m->singles_sorted, &entries)) != NUMBERING_OK ||
	    (rc = check_tree(m, &m->ranges, &entries)) != NUMBERING_OK)
		return rc;
	for (int k = 0; k <= KIND_MAX; k++)
		if ((rc = check_tree(m, &m->expiry[k], &entries)) != NUMBERING_OK)
			return rc;
	for (uint32_t i = 0; i < m->group_count; i++) {
		const struct group *g = &m->groups[i];
		const struct numbering__ordered *trees[] = {&g->listed, &g->unlisted, &g->numbers, &g->others};
		for (int t = 0; t < 4; t++)
			if ((rc = check_tree(m, trees[t], &entries)) != NUMBERING_OK)
				return rc;
		struct numbering__ordered_cursor c;
		for (int ok = numbering__ordered_first(&c, &g->others); ok; ok = numbering__ordered_next(&c)) {
			const struct rrec *r = rec_at(m, numbering__ordered_value(&c));
			if (rec_last(r) - r->first > g->others_span)
				return check_failed("a record is wider than its group's span");
		}
		uint32_t with_digits[2][DIGITS_MAX + 1];
		memset(with_digits, 0, sizeof(with_digits));
		for (int t = 0; t < 2; t++)
			for (int ok = numbering__ordered_first(&c, t ? &g->others : &g->numbers); ok;
			     ok = numbering__ordered_next(&c))
				with_digits[t][rec_at(m, numbering__ordered_value(&c))->digits]++;
		if (memcmp(with_digits, g->with_digits, sizeof(with_digits)) != 0)
			return check_failed("a group's count of records per digit count is not what its trees hold");
		if (group_find(m, (int)g->kind, g->parent, g->parent_len, group_hash(m, (int)g->kind, g->parent,
		                                                                        g->parent_len)) != i + 1)
			return check_failed("a group is not found by its kind and parent");
	}
	for (uint32_t i = 0; i < m->home_count; i++) {
		const struct home *o = &m->homes[i];
		const struct group *g = o->group < m->group_count ? &m->groups[o->group] : NULL;
		if (g == NULL || home_find(m, (int)g->kind, g->parent, g->parent_len, o->dir, o->dir_len,
		                           home_hash(m, (int)g->kind, o->dir, o->dir_len)) != i + 1)
			return check_failed("a home is not found by its group and directory");
	}
	if ((rc = check_exclusive(m)) != NUMBERING_OK || (rc = check_blocks(m)) != NUMBERING_OK)
		return rc;
	int64_t counts[KIND_MAX + 1];
	memset(counts, 0, sizeof(counts));
	uint32_t number_named_counts[KIND_MAX + 1];
	memset(number_named_counts, 0, sizeof(number_named_counts));
	uint32_t singles = 0, keyed = 0;
	char name[NAME_MAX_BYTES + 1];
	for (uint64_t i = 0; i < record_slots(m); i++) {
		int named = i < m->names.cap;
		const struct numbering__mslot *slot = named ? &m->names.slots[i] : &m->singles.slots[i - m->names.cap];
		if (record_slot(m, i) == 0)
			continue;
		const struct rrec *r = rec_at(m, slot->handle);
		if (r->kind < 1 || r->home >= m->home_count)
			return check_failed("a record's kind or home is out of range");
		size_t len = rec_name(m, r, name);
		unsigned digits;
		uint64_t first;
		if (named ? (name_hash(m, r->kind, name, len) != slot->hash ||
		             record_find(m, r->kind, name, len, slot->hash) != slot->handle ||
		             number_find(m, r->kind, name, len) != 0)
		          : (record_find(m, r->kind, name, len, name_hash(m, r->kind, name, len)) != 0 ||
		             record_lookup(m, r->kind, name, len, &(uint32_t){0}) != slot->handle))
			return check_failed("a name does not find its record");
		int by_number = is_single(r) && number_named(name, len, &digits, &first) && digits == r->digits &&
		                first == r->first;
		if (by_number != !in_names(r))
			return check_failed("a record is in the names hash or not, against its name and number");
		if (memchr(name + m->homes[r->home].dir_len, '/', r->tail_len) != NULL)
			return check_failed("a record's tail holds a '/'");
		counts[r->kind]++;
		number_named_counts[r->kind] += !in_names(r);
		struct numbering__ordered *trees[TREES_MAX];
		uint64_t keys[TREES_MAX];
		expected += (size_t)rec_trees(m, r, trees, keys);
		if (is_single(r)) {
			singles++;
			struct numbering__mprobe probe;
			uint32_t h;
			numbering__mhash_start(&probe, &m->singles, number_hash(m, number_key(r->digits, r->first)));
			while ((h = numbering__mhash_next(&probe, &m->singles)) != 0 && h != slot->handle)
				;
			if (h == 0)
				return check_failed("a single number is missing from the number hash");
		}
		if (key_indexed(m, r)) {
			keyed++;
			struct numbering__mprobe probe;
			uint32_t h;
			numbering__mhash_start(&probe, &m->keyed, rec_key_hash(m, r));
			while ((h = numbering__mhash_next(&probe, &m->keyed)) != 0 && h != slot->handle)
				;
			if (h == 0)
				return check_failed("a record of a kind whose keys are indexed is missing from the key index");
		}
	}
	if (singles != m->singles.count)
		return check_failed("the number hash holds records it should not");
	if (keyed != m->keyed.count)
		return check_failed("the key index holds records it should not");
	if (entries != expected)
		return check_failed("the trees hold more or fewer entries than the records need");
	if (memcmp(number_named_counts, m->number_named, sizeof(number_named_counts)) != 0)
		return check_failed("a kind's count of records named by their number is not what the hashes hold");
	if (memcmp(counts, m->counts, sizeof(counts)) != 0)
		return check_failed("a kind's counter is not its number of records");
	return NUMBERING_OK;
}

static int foreach(struct rmem *m, const struct numbering__memory_record_foreach *f)
{
	if (m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: foreach inside a transaction");
	if (f->visit == NULL)
		return bad_visit("foreach");
	char *name = numbering__malloc(NAME_MAX_BYTES + 1);
	if (name == NULL)
		return out_of_memory("visiting records");
	int rc = NUMBERING_OK;
	for (uint64_t i = 0; rc == NUMBERING_OK && i < record_slots(m); i++) {
		uint32_t handle = record_slot(m, i);
		if (handle == 0)
			continue;
		numbering_record out;
		fill(m, handle, &out, name);
		rc = f->visit(&out, f->payload);
	}
	numbering__free_mem(name);
	return rc;
}

/* The first number of the listed record of @g holding @first of @digits digits when
 * one starts before it, else @first (sort keys in number order: one seek). */
static uint64_t walk_start_at(const struct rmem *m, const struct group *g, unsigned digits, uint64_t first)
{
	struct numbering__ordered_cursor c;
	if (first > 0 &&
	    numbering__ordered_seek_le(&c, &g->listed, signed_key(number_sort_key(digits, first)), UINT32_MAX)) {
		const struct rrec *r = rec_at(m, numbering__ordered_value(&c));
		if (r->digits == digits && r->first < first && rec_last(r) >= first)
			return r->first;
	}
	return first;
}

/* NUMBERING__CONTROL_DIGIT_COUNTS: the group's per digit count record counts, kept on
 * every link and unlink (count_linked), as a mask; and where a prefix walk starts. */
static int digit_counts(const struct rmem *m, struct numbering__digit_counts *arg)
{
	if (arg == NULL || arg->parent == NULL || (arg->intervals == NULL && arg->interval_count > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg",
		                              "memory backend control: digit counts need a parent (and intervals for a count)");
	if (check_kind(arg->kind, "kind", "digit counts") != NUMBERING_OK)
		return NUMBERING_INVALID_ARGUMENT;
	arg->mask = 0;
	arg->start_interval = arg->interval_count;
	size_t len = strnlen(arg->parent, NAME_MAX_BYTES + 1);
	uint32_t h = len <= NAME_MAX_BYTES ? group_lookup(m, arg->kind, arg->parent, len) : 0;
	if (h == 0)
		return NUMBERING_OK;
	const struct group *g = &m->groups[h - 1];
	for (unsigned d = 1; d <= DIGITS_MAX; d++)
		if (g->with_digits[0][d] != 0 || g->with_digits[1][d] != 0)
			arg->mask |= UINT32_C(1) << d;
	for (size_t i = 0; i < arg->interval_count; i++) {
		const numbering_record_interval *v = &arg->intervals[i];
		if (v->digits < 1 || v->digits > DIGITS_MAX || !(arg->mask & (UINT32_C(1) << v->digits)) ||
		    v->first >= pow10s[v->digits])
			continue;
		arg->start_interval = i;
		arg->start = walk_start_at(m, g, (unsigned)v->digits, v->first);
		break;
	}
	return NUMBERING_OK;
}

/* NUMBERING__CONTROL_DUE: the first key of each kind's expiry index. */
static int due_kinds(const struct rmem *m, struct numbering__due_kinds *arg)
{
	if (arg == NULL || (arg->kinds == NULL && arg->count > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: due needs kinds");
	arg->due = 0;
	for (size_t i = 0; i < arg->count; i++) {
		if (check_kind(arg->kinds[i], "kind", "due") != NUMBERING_OK)
			return NUMBERING_INVALID_ARGUMENT;
		const struct numbering__ordered *tree = &m->expiry[arg->kinds[i]];
		struct numbering__ordered_cursor c;
		if (tree->count > 0 && numbering__ordered_first(&c, tree) &&
		    (arg->now == 0 || numbering__ordered_key(&c) <= signed_key(arg->now)))
			arg->due = 1;
	}
	return NUMBERING_OK;
}

/* Enters every record with a first key of the group @only (the index of one), or of
 * every group of @kind not yet keyed (@only UINT32_MAX), in the key index; from then
 * on every link and unlink of one does. Inside a transaction, room is also made for
 * what its rollback may put back (the records it replaced or removed), so that
 * rollback still needs no memory. A find names its parent (a ledger's project): only
 * that group's records are walked. */
static int key_index_build(struct rmem *m, int kind, uint32_t only)
{
	const struct group *one = only != UINT32_MAX ? &m->groups[only] : NULL;
	uint64_t extra = (one ? (uint64_t)one->listed.count + one->unlisted.count : (uint64_t)m->counts[kind]) +
	                 m->undo_count;
	if (extra > UINT32_MAX / 2 || numbering__mhash_reserve(&m->keyed, (uint32_t)extra, &m->hash_bytes) != NUMBERING_OK)
		return out_of_memory("indexing keys");
	for (uint32_t i = one ? only : 0; i < (one ? only + 1 : m->group_count); i++) {
		struct group *g = &m->groups[i];
		if (g->kind != (uint32_t)kind || g->keyed)
			continue;
		g->keyed = 1;
		/* Every record is in its group's listed or unlisted tree. */
		const struct numbering__ordered *trees[] = {&g->listed, &g->unlisted};
		for (int t = 0; t < 2; t++) {
			struct numbering__ordered_cursor c;
			for (int ok = numbering__ordered_first(&c, trees[t]); ok; ok = numbering__ordered_next(&c)) {
				uint32_t h = numbering__ordered_value(&c);
				const struct rrec *r = rec_at(m, h);
				if (key_indexed(m, r))
					numbering__mhash_insert(&m->keyed, rec_key_hash(m, r), h);
			}
		}
	}
	if (one == NULL)
		m->keyed_kinds[kind] = 1;
	return NUMBERING_OK;
}

/* NUMBERING__CONTROL_KEY_FIND: one probe of the key index, built for the kind on its
 * first find (inside a write transaction: the build changes the backend). */
static int key_find(struct rmem *m, struct numbering__key_find *arg)
{
	if (arg == NULL || arg->key == NULL || arg->visit == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg",
		                              "memory backend control: a key find needs a key and a visit");
	if (check_kind(arg->kind, "kind", "key find") != NUMBERING_OK)
		return NUMBERING_INVALID_ARGUMENT;
	arg->found = 0;
	size_t len = strnlen(arg->key, NUMBERING_RECORD_KEY_MAX + 1);
	if (len > NUMBERING_RECORD_KEY_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "key",
		                              "memory backend key find: a key has at most %d bytes", NUMBERING_RECORD_KEY_MAX);
	size_t parent_len = arg->parent != NULL ? strnlen(arg->parent, NAME_MAX_BYTES + 1) : 0;
	uint32_t only = UINT32_MAX;
	if (!m->keyed_kinds[arg->kind] && arg->parent != NULL) {
		uint32_t g = parent_len <= NAME_MAX_BYTES ? group_lookup(m, arg->kind, arg->parent, parent_len) : 0;
		if (g == 0)
			return NUMBERING_OK; /* no record has that parent */
		only = g - 1;
	}
	if (!m->keyed_kinds[arg->kind] && (only == UINT32_MAX || !m->groups[only].keyed)) {
		if (!m->in_transaction)
			return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
			                            "memory backend: the keys of kind %d are not indexed yet (a find inside "
			                            "a write transaction indexes them)",
			                            arg->kind);
		int rc = key_index_build(m, arg->kind, only);
		if (rc != NUMBERING_OK)
			return rc;
	}
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->keyed, key_hash(m, arg->kind, arg->key, len));
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->keyed)) != 0;) {
		const struct rrec *r = rec_at(m, h);
		size_t key_len = 0;
		const char *key = rec_key(r, 0, &key_len);
		if (r->kind != arg->kind || key_len != len || memcmp(key, arg->key, len) != 0)
			continue;
		const struct group *g = group_of(m, r);
		if (arg->parent != NULL && (g->parent_len != parent_len || memcmp(g->parent, arg->parent, parent_len) != 0))
			continue;
		arg->found = 1;
		return visit_one(m, h, arg->visit, arg->payload);
	}
	return NUMBERING_OK;
}

static int no_arg(void)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
}

/* NUMBERING__CONTROL_PREFETCH: the slots a put of @p's name will read, hashed now
 * (put_hash() keeps the hash for the put) and asked for. Writers only: hints are theirs. */
static int prefetch(struct rmem *m, const struct numbering__prefetch *p)
{
	if (!m->in_transaction || p->kind < 1 || p->kind > KIND_MAX || p->name == NULL)
		return NUMBERING_OK;
	size_t len = strnlen(p->name, NAME_MAX_BYTES + 1);
	if (len == 0 || len > NAME_MAX_BYTES)
		return NUMBERING_OK;
	unsigned digits = 0;
	uint64_t first = 0;
	/* As put() asks: a kind with no record kept by its number (a purchase's, an
	 * instance's) has no such slot to read. */
	if (m->number_named[p->kind] != 0 && number_named(p->name, len, &digits, &first))
		prefetch_slot(&m->singles, number_hash(m, number_key(digits, first)));
	prefetch_slot(&m->names, put_hash(m, p->kind, p->name, len));
	return NUMBERING_OK;
}

static int rm_control(numbering_backend *backend, int op, void *arg)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return bad_backend();
	/* An op it does not know is UNIMPLEMENTED whatever its argument (DEFER_SYNC, MAINTAIN ... pass NULL). */
	if (arg == NULL && (op == NUMBERING_BACKEND_CONTROL_COUNT || op == NUMBERING__MEMORY_CONTROL_BYTES ||
	                    op == NUMBERING__MEMORY_CONTROL_STATS || op == NUMBERING__MEMORY_CONTROL_RESERVE ||
	                    op == NUMBERING__MEMORY_CONTROL_FOREACH || op == NUMBERING_BACKEND_CONTROL_FOREACH ||
	                    op == NUMBERING__CONTROL_PREFETCH))
		return no_arg();
	switch (op) {
	case NUMBERING__CONTROL_PREFETCH:
		return prefetch(m, arg);
	case NUMBERING_BACKEND_CONTROL_COUNT: {
		numbering_backend_count *count = arg;
		if (check_kind(count->kind, "kind", "count") != NUMBERING_OK)
			return NUMBERING_INVALID_ARGUMENT;
		count->count = m->counts[count->kind];
		return NUMBERING_OK;
	}
	case NUMBERING__MEMORY_CONTROL_BYTES: {
		struct numbering__memory_stats s;
		stats(m, &s);
		*(size_t *)arg = s.bytes;
		return NUMBERING_OK;
	}
	case NUMBERING__MEMORY_CONTROL_STATS:
		stats(m, arg);
		return NUMBERING_OK;
	case NUMBERING__MEMORY_CONTROL_CHECK:
		return check(m);
	case NUMBERING__MEMORY_CONTROL_RESERVE:
		if (numbering__mhash_reserve(&m->names, *(uint32_t *)arg, &m->hash_bytes) != NUMBERING_OK ||
		    numbering__mhash_reserve(&m->singles, *(uint32_t *)arg, &m->hash_bytes) != NUMBERING_OK)
			return out_of_memory("reserving");
		return NUMBERING_OK;
	case NUMBERING__MEMORY_CONTROL_FOREACH:
		return foreach(m, arg);
	case NUMBERING_BACKEND_CONTROL_FOREACH: { /* the public face of the same walk */
		const numbering_backend_foreach *each = arg;
		struct numbering__memory_record_foreach f = {each->visit, each->payload};
		return foreach(m, &f);
	}
	case NUMBERING__CONTROL_DIGIT_COUNTS:
		return digit_counts(m, arg);
	case NUMBERING__CONTROL_DUE:
		return due_kinds(m, arg);
	case NUMBERING__CONTROL_KEY_FIND:
		return key_find(m, arg);
	case NUMBERING__CONTROL_OWN_RECORDS: /* bodies are kept as put */
		*(const numbering_backend **)arg = backend;
		return NUMBERING_OK;
	default:
		return numbering__error_set(NUMBERING_UNIMPLEMENTED, "memory backend: no control operation %d", op);
	}
}

static void rm_free(numbering_backend *backend)
{
	struct rmem *m = (struct rmem *)backend;
	if (m == NULL)
		return;
	for (uint32_t i = 0; i < m->group_count; i++) {
		struct group *g = &m->groups[i];
		numbering__ordered_destroy(&m->pool, &g->listed);
		numbering__ordered_destroy(&m->pool, &g->unlisted);
		numbering__ordered_destroy(&m->pool, &g->numbers);
		numbering__ordered_destroy(&m->pool, &g->others);
		numbering__free_mem(g->parent);
	}
	for (uint32_t i = 0; i < m->home_count; i++)
		numbering__free_mem(m->homes[i].dir);
	numbering__free_mem(m->groups);
	numbering__free_mem(m->homes);
	numbering__ordered_destroy(&m->pool, &m->singles_sorted);
	numbering__ordered_destroy(&m->pool, &m->ranges);
	for (int k = 0; k <= KIND_MAX; k++)
		numbering__ordered_destroy(&m->pool, &m->expiry[k]);
	numbering__ordered_pool_drain(&m->pool);
	numbering__mhash_destroy(&m->group_index, &m->hash_bytes);
	numbering__mhash_destroy(&m->home_index, &m->hash_bytes);
	/* Bodies can be secrets (the store's page-token key): wiped before the pages go. */
	for (uint64_t i = 0; i < record_slots(m); i++) {
		uint32_t handle = record_slot(m, i);
		if (handle != 0)
			sodium_memzero(numbering__slab_get(&m->slab, handle), rec_at(m, handle)->size);
	}
	numbering__mhash_destroy(&m->singles, &m->hash_bytes);
	numbering__rblocks_destroy(&m->blocks, &m->hash_bytes);
	numbering__mhash_destroy(&m->names, &m->hash_bytes);
	numbering__mhash_destroy(&m->keyed, &m->hash_bytes);
	numbering__slab_destroy(&m->slab);
	numbering__free_mem(m->undo);
	sodium_memzero(m->sip_key, sizeof(m->sip_key));
	sodium_memzero(m->seed, sizeof(m->seed));
	numbering__free_mem(m);
}

/* One copy of the record store; numbering_memory_backend_new() (snapshot.c) hands out one
 * or two of them behind its snapshot reads. */
int numbering__memory_records_new(numbering_backend **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_memory_backend_new: out is NULL");
	*out = NULL;
	if (sodium_init() < 0)
		return numbering__error_set(NUMBERING_INTERNAL, "libsodium failed to initialize");
	struct rmem *m = numbering__calloc(1, sizeof(*m));
	if (m == NULL)
		return out_of_memory("creating a backend");
	m->base.version = NUMBERING_BACKEND_VERSION;
	m->base.begin = rm_begin;
	m->base.commit = rm_commit;
	m->base.rollback = rm_rollback;
	m->base.put = rm_put;
	m->base.remove = rm_remove;
	m->base.get = rm_get;
	m->base.find = rm_find;
	m->base.list = rm_list;
	m->base.control = rm_control;
	m->base.free = rm_free;
	crypto_shorthash_keygen(m->sip_key);
	randombytes_buf(m->seed, sizeof(m->seed));
	uint64_t block_seed[2];
	randombytes_buf(block_seed, sizeof(block_seed));
	numbering__rblocks_init(&m->blocks, block_seed);
	numbering__slab_init(&m->slab);
	numbering__ordered_pool_init(&m->pool);
	*out = &m->base;
	return NUMBERING_OK;
}
