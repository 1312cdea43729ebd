/*
 * The backend test kit's insides (include/numbering/sys/backend-test.h is its face): a
 * reference model of the record store, the queries the kit asks, and the sentences of the
 * contract each check holds a backend to. Public headers only: the kit tests a backend
 * the way a host's program would, so it never includes the library's internals.
 */
#ifndef NUMBERING_BACKEND_TEST_KIT_H
#define NUMBERING_BACKEND_TEST_KIT_H

#include <stddef.h>
#include <stdint.h>

#include <numbering/errors.h>
#include <numbering/sys/backend-test.h>

/* The kit is a static library linked into hosts' programs: its own symbols carry the
 * library's internal prefix. */
#define kit_buf_printf numbering__kit_buf_printf
#define kit_buf_free numbering__kit_buf_free
#define kit_rec_init numbering__kit_rec_init
#define kit_rec_interval numbering__kit_rec_interval
#define kit_rec_key numbering__kit_rec_key
#define kit_rec_body numbering__kit_rec_body
#define kit_rec_copy numbering__kit_rec_copy
#define kit_rec_free numbering__kit_rec_free
#define kit_rec_view numbering__kit_rec_view
#define kit_model_free numbering__kit_model_free
#define kit_model_save numbering__kit_model_save
#define kit_model_restore numbering__kit_model_restore
#define kit_model_put_status numbering__kit_model_put_status
#define kit_model_put numbering__kit_model_put
#define kit_model_remove numbering__kit_model_remove
#define kit_model_index numbering__kit_model_index
#define kit_ask_get numbering__kit_ask_get
#define kit_ask_find numbering__kit_ask_find
#define kit_ask_list numbering__kit_ask_list
#define kit_model_answer numbering__kit_model_answer
#define kit_backend_answer numbering__kit_backend_answer
#define kit_ask_describe numbering__kit_ask_describe
#define kit_ask_sentence numbering__kit_ask_sentence
#define kit_expect_same numbering__kit_expect_same
#define kit_expect_all numbering__kit_expect_all
#define kit_fail numbering__kit_fail
#define kit_digits_max numbering__kit_digits_max

/* The contract's sentences, quoted in failures. */
#define S_GET "backend.h get(): \"Visits the record of kind named name; NUMBERING_NOT_FOUND if none.\""
#define S_PUT "backend.h put(): \"Inserts record, or replaces the record of its kind and name\""
#define S_UNIQUE "record.h numbering_record.name: \"Unique within the kind\""
#define S_REMOVE "backend.h remove(): \"Removes the record of kind named name; NUMBERING_NOT_FOUND if none.\""
#define S_FIND                                                                                                    \
	"backend.h find(): \"Visits, in number order, every record flagged NUMBERING_RECORD_NUMBERS that holds a " \
	"number of digits digits in first .. last; NUMBERING_NOT_FOUND if none.\""
#define S_LIST                                                                                                    \
	"backend.h list(): \"Visits the records matching query in its order, at most query->limit; NUMBERING_OK " \
	"when none match.\" and numbering_record_query: \"every condition given must hold\""
#define S_ORDER                                                                                                  \
	"record.h ORDER_DESCENDING: \"By sort_key descending within (kind, parent)\" / ORDER_ASCENDING, and " \
	"has_after: \"start strictly after after in the order\""
#define S_EXPIRY                                                                                                  \
	"record.h ORDER_EXPIRY: \"By expires ascending, then by name, within the kind; records with expires == 0 " \
	"are not visited.\" (names in byte order), expires_until: \"only records with expires <= this\", "         \
	"has_after: \"expires > after\""
#define S_LISTED "record.h NUMBERING_RECORD_LISTED / listed_only: \"Non-zero: only records flagged NUMBERING_RECORD_LISTED.\""
#define S_INTERVALS                                                                                     \
	"record.h query intervals: \"only records whose interval overlaps one of these (same digit count)\""
#define S_KEYS "record.h query keys: \"Only records whose key slot i equals keys[i], byte for byte (NULL: any).\""
#define S_EXCLUSIVE                                                                                               \
	"record.h NUMBERING_RECORD_NUMBERS: \"no two records with this flag hold a common number (same digit count, " \
	"overlapping first .. last), whatever their kinds. put() refuses an overlap with NUMBERING_ALREADY_EXISTS\""
#define S_UNCHANGED "backend.h put(): \"NUMBERING_ALREADY_EXISTS, changing nothing, when it is flagged NUMBERING_RECORD_NUMBERS and another record so flagged (another kind or name) holds a number of its interval\""
#define S_NOT_NUMBERS                                                                                       \
	"record.h NUMBERING_RECORD_NUMBERS: \"find() finds only these. A record without it may still carry an " \
	"interval, which list() filters on.\""
#define S_VISIT                                                                                             \
	"record.h numbering_record_visit_cb: \"Return 0 to go on; non-zero stops the walk, and the backend " \
	"returns that value from the call that visited.\""
#define S_LIMIT "record.h query limit: \"At most this many visits; 0 for no limit\""
#define S_VERSION                                                                                             \
	"record.h numbering_record.version: \"NUMBERING_RECORD_VERSION of whoever filled it (the library for " \
	"put(), the backend for a visit)\""
#define S_COPIES "backend.h put(): \"The backend copies what it keeps.\" (put's pointers are borrowed for the call)"
#define S_COMMIT                                                                                                \
	"backend.h commit(): \"Makes the transaction's writes durable and visible, all or nothing; on failure none " \
	"is visible.\""
#define S_ROLLBACK "backend.h rollback(): \"Forgets the transaction's writes; should not fail.\""
#define S_BEGIN "backend.h begin(): \"Starts a write transaction.\""
#define S_OWN_WRITES "docs/BACKENDS.md, transactions: \"their reads must see their own writes\""
#define S_DURABLE "backend.h commit(): \"Makes the transaction's writes durable\" (the same after a reopen)"
#define S_CONCURRENT_READS                                                                                     \
	"docs/BACKENDS.md, transactions and threads: \"read calls ... may run concurrently with each other, from " \
	"several threads\""
#define S_CHECK "the target's own consistency check (numbering_backend_test_target.check)"

/* A growing string. */
struct kit_buf {
	char *p;
	size_t len, cap;
};
void kit_buf_printf(struct kit_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kit_buf_free(struct kit_buf *b);

/* A record the kit owns. */
struct kit_rec {
	int kind;
	unsigned int flags;
	char *name;
	char *parent;
	int64_t sort_key;
	int digits;
	uint64_t first, last;
	int64_t expires;
	char *keys[NUMBERING_RECORD_KEY_SLOTS];
	unsigned char *body;
	size_t body_len;
};

void kit_rec_init(struct kit_rec *r, int kind, const char *name, const char *parent, int64_t sort_key,
                  unsigned int flags);
void kit_rec_interval(struct kit_rec *r, int digits, uint64_t first, uint64_t last);
void kit_rec_key(struct kit_rec *r, int slot, const char *key);
void kit_rec_body(struct kit_rec *r, const void *body, size_t len);
void kit_rec_copy(struct kit_rec *to, const struct kit_rec *from);
void kit_rec_free(struct kit_rec *r);
/* The public record of @r, its pointers into @r. */
void kit_rec_view(numbering_record *out, const struct kit_rec *r);

/* The reference model: what every backend must answer, by full scans. */
struct kit_model {
	struct kit_rec *r;
	size_t count, cap;
	/* Every (kind, name), parent and digit count ever put: what the full comparison asks about. */
	struct kit_rec *seen; /* kind, name and parent only */
	size_t seen_count, seen_cap;
	unsigned int digits_seen; /* bit d */
};

void kit_model_free(struct kit_model *m);
/* Copies the records (not what was seen), for a rollback; restore takes them back (only them). */
void kit_model_save(struct kit_model *to, const struct kit_model *from);
void kit_model_restore(struct kit_model *m, struct kit_model *saved);
/* What put() must answer for @r: NUMBERING_OK or NUMBERING_ALREADY_EXISTS. */
int kit_model_put_status(const struct kit_model *m, const struct kit_rec *r);
/* Applies a put that succeeded (or was refused: only noted as seen). */
void kit_model_put(struct kit_model *m, const struct kit_rec *r, int applied);
/* Applies a remove: NUMBERING_OK or NUMBERING_NOT_FOUND. */
int kit_model_remove(struct kit_model *m, int kind, const char *name);
int kit_model_index(const struct kit_model *m, int kind, const char *name);

/* A question put to a backend and to the model. */
enum { KIT_GET, KIT_FIND, KIT_LIST };
struct kit_ask {
	int what;
	int kind;           /* GET */
	const char *name;   /* GET */
	int digits;         /* FIND */
	uint64_t first, last;
	numbering_record_query query; /* LIST */
	int stop_after;     /* the visitor returns stop_value at this visit; 0: never */
	int stop_value;
};

void kit_ask_get(struct kit_ask *a, int kind, const char *name);
void kit_ask_find(struct kit_ask *a, int digits, uint64_t first, uint64_t last);
void kit_ask_list(struct kit_ask *a, int kind, int order, const char *parent);
/* The answer text: "rc N, M visits" then one line per visited record. */
void kit_model_answer(const struct kit_model *m, const struct kit_ask *a, struct kit_buf *out);
/* The same asked of @b; *bad_version counts visits whose record had version 0. Thread-safe. */
void kit_backend_answer(numbering_backend *b, const struct kit_ask *a, struct kit_buf *out, int *bad_version);
void kit_ask_describe(const struct kit_ask *a, struct kit_buf *out);
/* The sentence a wrong answer to @a breaks. */
const char *kit_ask_sentence(const struct kit_ask *a);
/* Asks both; a failure (naming @sentence, or the question's own when NULL) when they differ. */
void kit_expect_same(numbering_backend *b, const struct kit_model *m, const struct kit_ask *a,
                     const char *sentence, const char *context);
/* Every get, find and list the model's records and what it has seen call for. */
void kit_expect_all(numbering_backend *b, const struct kit_model *m, const char *sentence,
                    const char *context);

/* Fails the test: the sentence, then the detail. */
void kit_fail(const char *file, int line, const char *sentence, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));
#define KIT_CLAIM(ok, sentence, ...)                               \
	do {                                                       \
		if (!(ok))                                         \
			kit_fail(__FILE__, __LINE__, sentence, __VA_ARGS__); \
	} while (0)

/* 10^digits - 1: the largest number of @digits digits. */
uint64_t kit_digits_max(int digits);

#endif
