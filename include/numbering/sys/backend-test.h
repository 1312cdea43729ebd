/**
 * @file numbering/sys/backend-test.h
 * @brief The backend test kit: the record-store conformance suite, for backend authors.
 *
 * The same Check suite that holds the library's own backends to numbering/sys/backend.h,
 * run against yours. It lives in its own static library, libnumbering-backend-test
 * (`pkg-config --cflags --libs numbering-backend-test`, which brings in libnumbering and
 * Check), and builds its records with the public structs alone:
 *
 * ```c
 * #include <numbering/sys/backend-test.h>
 *
 * static int open_mine(numbering_backend **out, void *payload) { return my_backend_new(out); }
 *
 * int main(void)
 * {
 * 	numbering_backend_test_target target = NUMBERING_BACKEND_TEST_TARGET_INIT;
 * 	target.name = "mine";
 * 	target.open = open_mine;
 * 	SRunner *runner = srunner_create(numbering_backend_test_suite(&target));
 * 	srunner_run_all(runner, CK_NORMAL);
 * 	int failed = srunner_ntests_failed(runner);
 * 	srunner_free(runner);
 * 	return failed == 0 ? 0 : 1;
 * }
 * ```
 *
 * Every failure names the sentence of the contract that the backend broke (a line of
 * numbering/sys/record.h or docs/BACKENDS.md), then what was asked, what was expected and
 * what the backend answered. The tests: unique names per kind; paging by (parent,
 * sort key) in both orders with the cursor; listed-only; number intervals in list and
 * find at their edges; NUMBERS exclusivity across kinds; secondary-key filters; expiry
 * order; limits and visitors that stop; records at the contract's limits read back field
 * for field; atomic multi-kind commits and rollbacks; reading one's own writes; a
 * randomized comparison against a reference model; concurrent reads; failure injection
 * (the kit wraps the backend in a proxy failing the n-th call of a transaction, for every
 * n, and checks that a rollback leaves every answer as before); and, when the target
 * offers them, durability across a reopen and exclusivity between two handles writing at
 * once.
 *
 * The kit puts only valid records: refusing a record outside the limits is the
 * library's work, not the backend's.
 *
 * Thread safety: call numbering_backend_test_suite() from one thread; the tests it
 * returns use threads of their own (the backend's reads, and two handles with
 * open_second).
 */
#ifndef NUMBERING_SYS_BACKEND_TEST_H
#define NUMBERING_SYS_BACKEND_TEST_H

#include <check.h>

#include "numbering/sys/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the kit tests: how to open a backend, and what else it can do. */
typedef struct numbering_backend_test_target {
	/** NUMBERING_BACKEND_TEST_TARGET_VERSION: set by NUMBERING_BACKEND_TEST_TARGET_INIT. */
	unsigned int version;
	/* Version 1 fields. */
	/** Names the suite's test case and appears in every failure ("array", "postgres"). Required. */
	const char *name;
	/**
	 * Opens a backend on fresh, empty storage (a new temporary file, a new schema ...),
	 * for each test. Required.
	 * @return NUMBERING_OK, or a status code that fails the test.
	 */
	int (*open)(numbering_backend **out, void *payload);
	/**
	 * Optional (NULL): frees @p *backend and opens its storage again into @p *backend, as a
	 * restarted process would; with it the kit checks that every commit survives and no
	 * rolled-back write does.
	 */
	int (*reopen)(numbering_backend **backend, void *payload);
	/**
	 * Optional (NULL): opens a second handle on the storage of @p first (another
	 * connection or process), for backends shared between writers; with it the kit runs
	 * transactions on both at once from two threads and checks that of two overlapping
	 * NUMBERS puts exactly one commits. The kit frees the second handle before the first.
	 */
	int (*open_second)(numbering_backend **out, numbering_backend *first, void *payload);
	/**
	 * Optional (NULL): a consistency check of the backend's own (its indexes against its
	 * records), run after each test and often during the randomized one.
	 * @return NUMBERING_OK when sound.
	 */
	int (*check)(numbering_backend *backend, void *payload);
	/** Passed to every callback above. */
	void *payload;
	/** The randomized tests' seed; 0 for the kit's fixed one. A failure prints the seed it ran with. */
	unsigned int seed;
	/** Seconds each test may run (Check's timeout); 0 for 300. */
	int timeout;
} numbering_backend_test_target;

/** The version of numbering_backend_test_target these headers define. */
#define NUMBERING_BACKEND_TEST_TARGET_VERSION 1
/** Every field named, so that -Wextra's -Wmissing-field-initializers stays quiet. */
#define NUMBERING_BACKEND_TEST_TARGET_INIT {NUMBERING_BACKEND_TEST_TARGET_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0}

/**
 * The conformance suite over @p target: one Check test case named target->name. The kit
 * copies @p target (its payload is not copied: it must live as long as the suite runs).
 * Check runs each test in a child process by default (CK_FORK=no: in this one); a test
 * opens its own backend with target->open and frees it.
 * @param[in] target the backend to test, its version set to
 *            NUMBERING_BACKEND_TEST_TARGET_VERSION (NUMBERING_BACKEND_TEST_TARGET_INIT).
 * @return the suite, owned by the SRunner it is added to; NULL when @p target is NULL, has
 *         version 0, no name or no open, or when more than 64 targets were given in one process.
 *         Sets no error.
 *
 * Ownership: the suite is Check's (srunner_free() frees it); @p target is copied.
 * Thread safety: see the file's comment: call it from one thread.
 */
Suite *numbering_backend_test_suite(const numbering_backend_test_target *target);

#ifdef __cplusplus
}
#endif

#endif
