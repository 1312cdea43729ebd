/*
 * The storage backend conformance suite: the same tests over every backend, each
 * reached through a factory (tests/test-backend-memory.c, tests/test-backend-file.c).
 */
#ifndef NUMBERING_TEST_BACKEND_CONFORMANCE_H
#define NUMBERING_TEST_BACKEND_CONFORMANCE_H

#include <stdint.h>

#include <check.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#define P1 "projects/p1"
#define P2 "projects/p2"
#define NAME1 P1 "/phoneNumberInstances/one"
#define NAME2 P1 "/phoneNumberInstances/two"
#define NAME3 P2 "/phoneNumberInstances/three"

/* What a conformance run needs from a backend. */
struct backend_factory {
	const char *name;
	numbering_backend *(*make)(void);
	/* Optional: a full consistency check (NUMBERING_OK when sound). */
	int (*check)(numbering_backend *backend);
	/* Optional: closes @backend and opens its store again (durable backends). */
	numbering_backend *(*reopen)(numbering_backend *backend);
};

/* The conformance tests over @factory (which must outlive the suite). */
TCase *backend_conformance_tcase(const struct backend_factory *factory);

/* Helpers the backend-specific tests share. */
/* An instance as the store would write it: output fields set directly. */
numbering_instance *make_instance(const char *name, uint64_t first, uint64_t last, int digits, int64_t created,
                                  int state);
void assert_same(const numbering_instance *a, const numbering_instance *b);
/* Lists with @plain and again with query->place: the same instances (@expected of
 * them), each built in the block place() gave; a NULL from place() stops the walk. */
void assert_placed_list_matches(numbering_backend *b, const numbering_backend_query *plain, int expected);
/* One put in its own transaction. */
void put_one(numbering_backend *b, numbering_instance *in);
/* Puts a new instance in its own transaction. */
void add(numbering_backend *b, const char *name, uint64_t first, uint64_t last, int digits, int64_t created,
         int state);
/* The name find() gives for the interval, or "" when none (a static buffer). */
const char *found(numbering_backend *b, uint64_t first, uint64_t last, int digits);
/* A list as a comma-separated string of ids (a static buffer). */
const char *list_ids(numbering_backend *b, const char *project, int include_deleted, int64_t before,
                     const char *prefix, int limit);
/* "projects/p/phoneNumberInstances/id" (a static buffer). */
const char *id_name(const char *project, const char *id);
/* A pseudo-random number below @n, from rand(). */
uint64_t rand_u64(uint64_t n);

#endif
