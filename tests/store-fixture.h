/* A store with a fake clock and a recording authorizer, shared by the service suites. */
#ifndef NUMBERING_TEST_STORE_FIXTURE_H
#define NUMBERING_TEST_STORE_FIXTURE_H

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

/* The fake clock starts here (2026-01-01T00:00:00Z) and advances 1 s per reading. */
#define FIXTURE_EPOCH INT64_C(1767225600000000000)

struct fixture {
	numbering_store *store;
	int64_t now;
	/* Authorizer: when deny_permission is set, that permission is refused to every caller
	 * (or only on deny_project when that is set too); calls counts its invocations. */
	const char *deny_permission;
	const char *deny_project;
	int calls;
	int events;
	char last_event[512];
};

extern struct fixture fx;

/* Opens fx.store over a memory backend with the fake clock and authorizer, and the
 * given regulatory requirements (or NULL). */
void fixture_open(const char *requirements);
/* The same, with numbering_options.provisioning set. */
void fixture_open_provisioning(const char *requirements, int provisioning);
void fixture_close(void);
void fixture_setup(void);    /* fixture_open(NULL), for tcase_add_checked_fixture */
void fixture_teardown(void);

/* A path for a file store that does not exist yet, "$TMPDIR/numbering-@tag-XXXXXX"
 * made unique (unlink it when done; tests/temp-dir.h). */
void fixture_temp_store_path(char *path, size_t size, const char *tag);

/* A store over the file backend at @path (created when missing), allow-all, the real
 * clock: for the round trips that close a store and open it again. */
numbering_store *fixture_open_file(const char *path);

/* A second process's store on the file store at @path, as the two-process race cases
 * open it: its clock stands still at the int64_t at @clock_now (fixture_still), and it
 * never waits for the other store's transaction (busy timeout -1). */
numbering_store *fixture_open_racer(const char *path, int64_t *clock_now);

/* A store over a new memory backend, allow-all, the real clock; the backend (the store's
 * to free) in *@backend, for the suites that read or damage its records directly. */
numbering_store *fixture_open_memory(numbering_backend **backend);

/* For the suites whose cases run on the memory and on the file backend (loop index 0
 * memory, 1 file), with a clock of their own and no authorizer: */

/* A numbering_options.clock: advances the int64_t at @payload by 1 s and returns it. */
int64_t fixture_tick(void *payload);

/* A numbering_options.clock that stands still: the int64_t at @payload, which only the
 * test moves. */
int64_t fixture_still(void *payload);

/* @path for a case on the file backend (@file 1): a new store path named after @tag, as
 * fixture_temp_store_path gives; "" for a case on the memory backend (@file 0). */
void fixture_case_path(char *path, size_t size, int file, const char *tag);

/* A file backend on @path, read-only when @read_only; asserts success. */
numbering_backend *fixture_file_backend(const char *path, int read_only);

/* A store over @backend (a new memory backend when NULL) whose clock is fixture_tick on
 * *@now, every caller allowed; asserts success. */
numbering_store *fixture_open_on(numbering_backend *backend, int64_t *now);

/* Closes *@store (NULL afterwards) and removes the file store at @path unless it is "". */
void fixture_close_store(numbering_store **store, const char *path);

/* The same on fx: fx cleared, fx.store over the memory backend (@file 0) or a new file
 * store named after @tag (@file 1), its clock fixture_tick on fx.now from FIXTURE_EPOCH
 * (the first reading is FIXTURE_EPOCH + 1 s), every caller allowed. */
void fixture_open_case(int file, const char *tag);
/* Closes fx.store and opens it again: the file store reads everything back; a memory
 * store is kept as it is (closing it would lose it). */
void fixture_reopen_case(void);
/* Closes fx.store and removes its file. */
void fixture_close_case(void);

/* Creates an instance of @number (any notation) in @parent with @id; asserts success. */
numbering_instance *fixture_create(const char *parent, const char *id, const char *number);
/* The same in @store as @caller. */
numbering_instance *fixture_create_in(numbering_store *store, const char *caller, const char *parent, const char *id,
                                      const char *number);

/* How many active numbers of @region_code and @type @project holds, as @caller lists
 * them (ListActiveNumbers' totalSize); asserts the list succeeds. */
int64_t fixture_active_total(numbering_store *store, const char *caller, const char *project,
                             const char *region_code, int type);

/* Asserts @rc is @code and the thread's message contains @text. */
void fixture_expect_error(int rc, int code, const char *text);

#endif
