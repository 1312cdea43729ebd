/*
 * A file store the process may not use: the store file, its directory, PATH.lock or
 * PATH.idx refused by their mode. Opening it is PERMISSION_DENIED naming the path and
 * the system's reason (it was UNAVAILABLE, which tells the caller to retry; no retry
 * mends a mode).
 *
 * Root passes every mode bit, so each case runs in a child process that, as root, drops
 * to the user nobody (65534) for good before it opens anything; a user other than root
 * is refused by mode 000 on its own files. The files are made by the test process, mode
 * 0666 and their directory 0777 where the child may use them.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "suites.h"
#include "temp-dir.h"

#define NOBODY 65534

enum { CHILD_OK = 0, CHILD_FAILED = 1 };

#define REQUIRE(cond, ...)                                                                                             \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "file permissions, line %d: ", __LINE__);                                      \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fprintf(stderr, " (%s)\n", numbering_error_message());                                         \
			_exit(CHILD_FAILED);                                                                           \
		}                                                                                                      \
	} while (0)

static char dir[128], store[192];

/* The diagnostics of the last open, joined. */
static char said[4096];

static void diagnostic(const char *message, void *payload)
{
	(void)payload;
	size_t n = strlen(said);
	snprintf(said + n, sizeof(said) - n, "%s\n", message);
}

static int open_store(numbering_backend **b, int read_only, int shared)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.read_only = read_only;
	o.shared_index = shared;
	o.diagnostic = diagnostic;
	said[0] = '\0';
	*b = NULL;
	return numbering_file_backend_new(b, store, &o);
}

/* A store at @store made by this process (the test's user), left 0666 with its lock
 * file (and its shared index, with @shared). */
static void make_store(int shared)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_store(&b, 0, shared), NUMBERING_OK);
	b->free(b);
	char path[256];
	ck_assert_int_eq(chmod(store, 0666), 0);
	snprintf(path, sizeof(path), "%s.lock", store);
	ck_assert_int_eq(chmod(path, 0666), 0);
	if (shared) {
		snprintf(path, sizeof(path), "%s.idx", store);
		ck_assert_int_eq(chmod(path, 0666), 0);
	}
}

/* Drops root's right to pass mode bits, for good. */
static void lose_root(void)
{
	if (geteuid() != 0)
		return;
	REQUIRE(setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0, "become nobody: %s",
	        strerror(errno));
	REQUIRE(setuid(0) != 0, "root was not given up");
}

/* The open (@read_only) is PERMISSION_DENIED, its message naming @path and EACCES's text,
 * and leaves no backend. */
static void require_denied(int read_only, const char *path)
{
	numbering_backend *b = NULL;
	int rc = open_store(&b, read_only, 0);
	REQUIRE(rc == NUMBERING_PERMISSION_DENIED, "%s open: %s, not PERMISSION_DENIED",
	        read_only ? "a read-only" : "a writable", numbering_status_name(rc));
	REQUIRE(b == NULL, "a backend on failure");
	const char *m = numbering_error_message();
	REQUIRE(strstr(m, path) != NULL && strstr(m, strerror(EACCES)) != NULL, "the message names %s and \"%s\"", path,
	        strerror(EACCES));
}

/* Runs @child in a child process that is not root. */
static void run(void (*child)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		lose_root();
		child();
		_exit(CHILD_OK);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK, "the child's checks failed (stderr)");
}

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/numbering-perm-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0777), 0);
	snprintf(store, sizeof(store), "%s/store.db", dir);
}

static void teardown(void)
{
	chmod(dir, 0700);
	temp_dir_remove(dir);
}

static void store_refused(void)
{
	require_denied(0, store);
	require_denied(1, store);
}

START_TEST(store_file_not_readable)
{
	make_store(0);
	ck_assert_int_eq(chmod(store, 0), 0);
	run(store_refused);
}
END_TEST

static void create_refused(void)
{
	require_denied(0, store);
}

START_TEST(directory_not_writable)
{
	ck_assert_int_eq(chmod(dir, 0555), 0);
	run(create_refused);
}
END_TEST

static void lock_refused(void)
{
	char lock[256];
	snprintf(lock, sizeof(lock), "%s.lock", store);
	require_denied(0, lock);
	/* A read-only open reads the store as of now, and says why (FILE-FORMAT.md). */
	numbering_backend *b = NULL;
	REQUIRE(open_store(&b, 1, 0) == NUMBERING_OK, "a read-only open beside an unreadable lock file");
	REQUIRE(strstr(said, lock) != NULL && strstr(said, strerror(EACCES)) != NULL, "the diagnostic: %s", said);
	b->free(b);
}

START_TEST(lock_file_not_readable)
{
	make_store(0);
	char lock[256];
	snprintf(lock, sizeof(lock), "%s.lock", store);
	ck_assert_int_eq(chmod(lock, 0), 0);
	run(lock_refused);
}
END_TEST

static void index_refused(void)
{
	char idx[256];
	snprintf(idx, sizeof(idx), "%s.idx", store);
	/* The shared index is an aid: a reader that may not map it reads without it, and the
	 * diagnostic names the file and the reason. */
	numbering_backend *b = NULL;
	REQUIRE(open_store(&b, 1, 1) == NUMBERING_OK, "a reader beside an unreadable shared index");
	REQUIRE(strstr(said, idx) != NULL && strstr(said, strerror(EACCES)) != NULL, "the diagnostic: %s", said);
	b->free(b);
}

START_TEST(shared_index_not_readable)
{
	make_store(1);
	char idx[256];
	snprintf(idx, sizeof(idx), "%s.idx", store);
	ck_assert_int_eq(chmod(idx, 0), 0);
	run(index_refused);
}
END_TEST

Suite *file_permissions_suite(void)
{
	Suite *s = suite_create("file_permissions");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, store_file_not_readable);
	tcase_add_test(tc, directory_not_writable);
	tcase_add_test(tc, lock_file_not_readable);
	tcase_add_test(tc, shared_index_not_readable);
	suite_add_tcase(s, tc);
	return s;
}
