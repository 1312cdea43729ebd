/*
 * The file store on a full disk: a real small tmpfs, mounted in a mount namespace of a
 * child process (as root, or in a user namespace of its own), filled up while a writer
 * works. A write that finds no room fails with an error; it never kills the process,
 * and once room is made every acknowledged write is there.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "../backends/file/file-internal.h"
#include "suites.h"
#include "temp-dir.h"

#define P1 "projects/p1"

/* Exit statuses of the child: what went wrong, said on stderr too. */
enum { CHILD_OK = 0, CHILD_FAILED = 1, CHILD_NO_MOUNT = 77 };

#define REQUIRE(cond, ...)                                                                                             \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "full disk, line %d: ", __LINE__);                                             \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fprintf(stderr, " (%s)\n", numbering_error_message());                                         \
			_exit(CHILD_FAILED);                                                                           \
		}                                                                                                      \
	} while (0)

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Mounts a tmpfs of @kib KiB at @dir, in a mount namespace of this process only. */
static int mount_small(const char *dir, int kib)
{
	if (unshare(CLONE_NEWNS) != 0) {
		uid_t uid = geteuid();
		gid_t gid = getegid();
		char map[64];
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_text("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
			return -1;
		if (write_text("/proc/self/uid_map", map) != 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_text("/proc/self/gid_map", map) != 0)
			return -1;
	}
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	char options[32];
	snprintf(options, sizeof(options), "size=%dk", kib);
	return mount("tmpfs", dir, "tmpfs", 0, options);
}

/* Fills the file system of @dir up, then frees @room bytes: the filler's name. */
static void fill_up(const char *filler, off_t room)
{
	int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	REQUIRE(fd >= 0, "create %s", filler);
	static char block[16384];
	off_t size = 0;
	for (;;) {
		ssize_t n = write(fd, block, sizeof(block));
		if (n <= 0)
			break;
		size += n;
	}
	REQUIRE(errno == ENOSPC, "filling the disk ended with %s", strerror(errno));
	REQUIRE(ftruncate(fd, size > room ? size - room : 0) == 0, "make room");
	close(fd);
}

static numbering_backend *open_store(const char *path, int read_only, int shared, int *rc)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = NUMBERING_FILE_SYNC_FULL;
	o.compact_min_bytes = -1;
	o.read_only = read_only;
	o.shared_index = shared;
	numbering_backend *b = NULL;
	*rc = numbering_file_backend_new(&b, path, &o);
	return b;
}

static int put_one(numbering_backend *b, int i)
{
	char name[96], body[32], parent[] = P1;
	snprintf(name, sizeof(name), P1 "/phoneNumberInstances/N%d", i);
	snprintf(body, sizeof(body), "v%d", i);
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = 1;
	r.flags = NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
	r.name = name;
	r.parent = parent;
	r.sort_key = i + 1;
	r.digits = 11;
	r.first = r.last = 15550000000ULL + (uint64_t)i;
	r.body = body;
	r.body_len = strlen(body);
	int rc = b->begin(b);
	if (rc == NUMBERING_OK && (rc = b->put(b, &r)) == NUMBERING_OK)
		return b->commit(b);
	b->rollback(b);
	return rc;
}

static int count_visit(const numbering_record *r, void *payload)
{
	(void)r;
	++*(int *)payload;
	return 0;
}

/* Every one of records 0 .. @n - 1 resolves through @b. */
static void require_all(numbering_backend *b, int n)
{
	for (int i = 0; i < n; i++) {
		int visits = 0;
		uint64_t number = 15550000000ULL + (uint64_t)i;
		int rc = b->find(b, 11, number, number, count_visit, &visits);
		REQUIRE(rc == NUMBERING_OK && visits == 1, "record %d: %d, %d visits", i, rc, visits);
	}
}

/* The shared index is written through a mapping: on a full disk, its pages must not be
 * left for the stores into them to allocate (SIGBUS). A writer making it, then a
 * compaction, with no room: each fails with an error or goes on without the index, the
 * process lives, and what was acknowledged is there once room is made. */
static void full_disk_child(const char *dir)
{
	if (mount_small(dir, 512) != 0)
		_exit(CHILD_NO_MOUNT);
	char path[256], filler[256];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	fill_up(filler, 16384); /* the store's page and the lock file's, not the index's 100 KiB */
	int rc;
	numbering_backend *w = open_store(path, 0, 1, &rc);
	REQUIRE(rc == NUMBERING_OK, "open with the shared index on a full disk: %d", rc);
	int acked = 0;
	for (int i = 0; i < 20; i++) {
		rc = put_one(w, i);
		if (rc != NUMBERING_OK) {
			REQUIRE(rc == NUMBERING_RESOURCE_EXHAUSTED, "commit %d: %d", i, rc);
			break;
		}
		acked++;
	}
	REQUIRE(acked > 0, "no commit fitted");
	/* No room at all: a compaction fails, and the store reads on. */
	fill_up(filler, 0);
	rc = w->control(w, NUMBERING_FILE_CONTROL_COMPACT, NULL);
	REQUIRE(rc == NUMBERING_RESOURCE_EXHAUSTED, "compaction on a full disk: %d", rc);
	numbering_error_clear();
	require_all(w, acked);
	numbering_backend *r = open_store(path, 1, 1, &rc);
	REQUIRE(rc == NUMBERING_OK, "a reader beside the full disk: %d", rc);
	require_all(r, acked);
	r->free(r);
	/* Room again: everything acknowledged, and the index made by the next writer. */
	REQUIRE(unlink(filler) == 0, "unlink the filler");
	w->free(w);
	w = open_store(path, 0, 1, &rc);
	REQUIRE(rc == NUMBERING_OK, "reopen with room: %d", rc);
	require_all(w, acked);
	REQUIRE(put_one(w, acked) == NUMBERING_OK, "commit with room");
	w->free(w);
	r = open_store(path, 1, 1, &rc);
	REQUIRE(rc == NUMBERING_OK, "a reader with room: %d", rc);
	REQUIRE(((struct file *)r)->shx != NULL, "no shared index made once there was room");
	require_all(r, acked + 1);
	r->free(r);
	_exit(CHILD_OK);
}

static int64_t still_clock(void *payload)
{
	return *(const int64_t *)payload;
}

static numbering_store *open_service(const char *path, int64_t *now)
{
	int rc;
	numbering_backend *b = open_store(path, 0, 0, &rc);
	REQUIRE(rc == NUMBERING_OK, "open %s: %d", path, rc);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = b;
	options.clock = still_clock;
	options.clock_payload = now;
	numbering_store *s = NULL;
	REQUIRE(numbering_store_open(&s, &options) == NUMBERING_OK, "open the store");
	return s;
}

/* The US LOCAL numbers ListPhoneNumberPricing counts, or -1 when it fails (its code in
 * *@rc). */
static int64_t priced(numbering_store *s, int *rc)
{
	numbering_pricing_list *list = NULL;
	*rc = numbering_store_list_pricing(&list, s, NULL, "US", NUMBERING_NUMBER_TYPE_LOCAL);
	if (*rc != NUMBERING_OK)
		return -1;
	int64_t n = 0;
	for (int i = 0; i < numbering_pricing_list_count(list); i++)
		for (int t = 0; t < numbering_pricing_list_tier_count(list, i); t++)
			n += numbering_pricing_list_tier_available(list, i, t);
	numbering_pricing_list_free(list);
	return n;
}

/* How many reservations ListReservations shows for P1, or -1 when it fails. */
static int listed_reservations(numbering_store *s, int *rc)
{
	numbering_reservation_page *page = NULL;
	*rc = numbering_store_list_reservations(&page, s, NULL, P1, 0, NULL);
	int n = *rc == NUMBERING_OK ? numbering_reservation_page_count(page) : -1;
	numbering_reservation_page_free(page);
	return n;
}

/* The numbers ListAvailableNumbers shows "projects/p2" (at most @size), as the last
 * two digits of each, comma-separated, into @out; -1 when it fails. */
static int searched(numbering_store *s, int *rc, int size, const char *pattern, char *out, size_t out_size)
{
	numbering_available_query query = NUMBERING_AVAILABLE_QUERY_INIT;
	query.region_code = "US";
	query.type = NUMBERING_NUMBER_TYPE_LOCAL;
	query.pattern = pattern;
	query.search_pattern = pattern != NULL && pattern[0] != '+' ? NUMBERING_SEARCH_END : NUMBERING_SEARCH_START;
	query.size = size;
	numbering_available_list *list = NULL;
	out[0] = '\0';
	*rc = numbering_store_search_available(&list, s, NULL, "projects/p2", &query);
	if (*rc != NUMBERING_OK)
		return -1;
	int n = numbering_available_list_count(list);
	for (int i = 0; i < n; i++) {
		const char *number = numbering_available_number_phone_number(numbering_available_list_item(list, i));
		snprintf(out + strlen(out), out_size - strlen(out), "%s%s", i ? "," : "", number + strlen(number) - 2);
	}
	numbering_available_list_free(list);
	return n;
}

/* Whether GetAvailableNumber shows @number to "projects/p2": its status. */
static int got_available(numbering_store *s, const char *number)
{
	numbering_available_number *n = NULL;
	int rc = numbering_store_get_available(&n, s, NULL, "projects/p2", number);
	numbering_available_number_free(n);
	return rc;
}

/* Reads answer on a full disk when reservations expired: their expiry (a write) waits
 * for room, and the answer is the one it will give. They failed RESOURCE_EXHAUSTED. */
static void expiry_child(const char *dir)
{
	if (mount_small(dir, 2048) != 0)
		_exit(CHILD_NO_MOUNT);
	char path[256], filler[256], name[128];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	int64_t now = INT64_C(1767225600000000000);
	numbering_store *s = open_service(path, &now);
	numbering_available_number *n = NULL;
	REQUIRE(numbering_available_number_new(&n) == NUMBERING_OK, "new number");
	REQUIRE(numbering_available_number_set_numbers(n, "+12085550100-09", NULL) == NUMBERING_OK, "numbers");
	REQUIRE(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL) == NUMBERING_OK, "type");
	const numbering_available_number *items[] = {n};
	REQUIRE(numbering_store_import_available(NULL, s, NULL, items, 1) == NUMBERING_OK, "import");
	numbering_available_number_free(n);
	const char *held[] = {"+12085550103", "+12085550104", "+12085550105"};
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	q.phone_numbers = held;
	q.phone_number_count = 3;
	q.ttl = INT64_C(60000000000);
	numbering_reservation *r = NULL;
	REQUIRE(numbering_store_reserve_available(&r, s, NULL, P1, &q) == NUMBERING_OK, "reserve");
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	int64_t expire = numbering_reservation_expire_time(r);
	numbering_reservation_free(r);
	int rc;
	REQUIRE(priced(s, &rc) == 7, "7 numbers offered while 3 are held");
	REQUIRE(listed_reservations(s, &rc) == 1, "the reservation listed");

	fill_up(filler, 0);
	/* The room left in the store's last page taken too, by writes no answer below
	 * reads: then nothing more can be written. */
	int writes = 0;
	for (rc = NUMBERING_OK; rc == NUMBERING_OK && writes < 100000; writes++)
		rc = numbering_store_update_callback_secret(s, NULL, "projects/p3", writes % 2 ? "secret-a" : "secret-b");
	REQUIRE(rc == NUMBERING_RESOURCE_EXHAUSTED, "writes on a full disk: %d after %d", rc, writes);
	numbering_error_clear();
	/* A second before the expiry: still held, on a full disk too. */
	now = expire - INT64_C(1000000000);
	REQUIRE(priced(s, &rc) == 7, "before the expiry: %d", rc);
	REQUIRE(listed_reservations(s, &rc) == 1, "before the expiry: %d", rc);
	char found[128];
	REQUIRE(searched(s, &rc, 20, NULL, found, sizeof(found)) == 7 && strcmp(found, "00,01,02,06,07,08,09") == 0,
	        "ListAvailableNumbers before the expiry: %d, %s", rc, found);
	REQUIRE(got_available(s, "+12085550104") == NUMBERING_NOT_FOUND, "GetAvailableNumber of a held number");
	/* At the expiry: nothing held, though the expiry cannot be written. */
	now = expire;
	int64_t offered = priced(s, &rc);
	REQUIRE(rc == NUMBERING_OK && offered == 10, "pricing at the expiry on a full disk: %d, %lld numbers", rc,
	        (long long)offered);
	REQUIRE(listed_reservations(s, &rc) == 0, "ListReservations at the expiry on a full disk: %d", rc);
	/* ListAvailableNumbers and GetAvailableNumber show its numbers back in the inventory,
	 * in number order, a page's size at most (they failed RESOURCE_EXHAUSTED). */
	REQUIRE(searched(s, &rc, 20, NULL, found, sizeof(found)) == 10 &&
	            strcmp(found, "00,01,02,03,04,05,06,07,08,09") == 0,
	        "ListAvailableNumbers at the expiry on a full disk: %d, %s", rc, found);
	REQUIRE(searched(s, &rc, 5, NULL, found, sizeof(found)) == 5 && strcmp(found, "00,01,02,03,04") == 0,
	        "a page of 5: %d, %s", rc, found);
	REQUIRE(searched(s, &rc, 20, "4", found, sizeof(found)) == 1 && strcmp(found, "04") == 0,
	        "ending in 4: %d, %s", rc, found);
	REQUIRE(searched(s, &rc, 20, "+1208555010", found, sizeof(found)) == 10, "starting +1208555010: %d, %s", rc,
	        found);
	rc = got_available(s, "+12085550104");
	REQUIRE(rc == NUMBERING_OK, "GetAvailableNumber at the expiry on a full disk: %d", rc);
	r = NULL;
	rc = numbering_store_get_reservation(&r, s, NULL, name);
	REQUIRE(rc == NUMBERING_NOT_FOUND && strstr(numbering_error_message(), name) != NULL,
	        "GetReservation at the expiry on a full disk: %d", rc);
	/* A write still says there is no room, and changes nothing. */
	q.phone_numbers = (const char *[]){"+12085550100"};
	q.phone_number_count = 1;
	rc = numbering_store_reserve_available(&r, s, NULL, P1, &q);
	REQUIRE(rc == NUMBERING_RESOURCE_EXHAUSTED, "a reservation on a full disk: %d", rc);
	numbering_error_clear();

	/* Room again: the next read writes the expiry; it holds across a reopen. */
	REQUIRE(unlink(filler) == 0, "unlink the filler");
	REQUIRE(priced(s, &rc) == 10, "pricing with room: %d", rc);
	REQUIRE(searched(s, &rc, 20, NULL, found, sizeof(found)) == 10, "ListAvailableNumbers with room: %d", rc);
	numbering_store_close(s);
	s = open_service(path, &now);
	REQUIRE(priced(s, &rc) == 10, "pricing reopened: %d", rc);
	REQUIRE(listed_reservations(s, &rc) == 0, "ListReservations reopened: %d", rc);
	q.phone_numbers = held;
	q.phone_number_count = 3;
	REQUIRE(numbering_store_reserve_available(&r, s, NULL, "projects/p2", &q) == NUMBERING_OK,
	        "the numbers are back in the inventory");
	numbering_reservation_free(r);
	numbering_store_close(s);
	_exit(CHILD_OK);
}

/* Runs @child(dir) in a child process on a new temporary directory. */
static void run_child(void (*child)(const char *dir), const char *what)
{
	char dir[128];
	const char *base = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/numbering-full-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child(dir);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	temp_dir_remove(dir);
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NO_MOUNT) {
		fprintf(stderr, "%s: no tmpfs could be mounted here (neither root nor a user namespace); not run\n", what);
		return;
	}
	ck_assert_msg(!WIFSIGNALED(status), "%s: killed by signal %d", what, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK, "%s: the checks failed (stderr)", what);
}

START_TEST(reads_on_a_full_disk_with_expired_reservations)
{
	run_child(expiry_child, "reads_on_a_full_disk_with_expired_reservations");
}
END_TEST

START_TEST(file_full_disk)
{
	run_child(full_disk_child, "file_full_disk");
}
END_TEST

/* A store on a file system mounted read-only: a writable open is refused with
 * FAILED_PRECONDITION naming the path and the reason (no retry mends it, and the
 * caller can open it read-only), and a read-only open reads it. */
static void read_only_fs_child(const char *dir)
{
	if (mount_small(dir, 512) != 0)
		_exit(CHILD_NO_MOUNT);
	char path[256];
	snprintf(path, sizeof(path), "%s/store.db", dir);
	int rc;
	numbering_backend *b = open_store(path, 0, 0, &rc);
	REQUIRE(rc == NUMBERING_OK, "open %s: %d", path, rc);
	for (int i = 0; i < 3; i++)
		REQUIRE(put_one(b, i) == NUMBERING_OK, "put %d", i);
	b->free(b);
	REQUIRE(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount %s read-only: %s", dir,
	        strerror(errno));
	b = open_store(path, 0, 0, &rc);
	REQUIRE(b == NULL && rc == NUMBERING_FAILED_PRECONDITION, "a writable open on a read-only file system: %d", rc);
	REQUIRE(strstr(numbering_error_message(), path) != NULL && strstr(numbering_error_message(), "read-only") != NULL,
	        "the message names the path and the read-only file system");
	b = open_store(path, 1, 0, &rc);
	REQUIRE(rc == NUMBERING_OK, "a read-only open on a read-only file system: %d", rc);
	require_all(b, 3);
	b->free(b);
	/* And with no PATH.lock beside it (a copy on read-only media). */
	char lock[300];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	REQUIRE(mount(NULL, dir, NULL, MS_REMOUNT, NULL) == 0 && unlink(lock) == 0 &&
	            mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0,
	        "remove %s: %s", lock, strerror(errno));
	b = open_store(path, 1, 0, &rc);
	REQUIRE(rc == NUMBERING_OK, "a read-only open with no lock file on a read-only file system: %d", rc);
	require_all(b, 3);
	b->free(b);
	_exit(CHILD_OK);
}

START_TEST(file_on_a_read_only_file_system)
{
	run_child(read_only_fs_child, "file_on_a_read_only_file_system");
}
END_TEST

Suite *full_disk_suite(void)
{
	Suite *s = suite_create("full_disk");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, file_full_disk);
	tcase_add_test(tc, reads_on_a_full_disk_with_expired_reservations);
	tcase_add_test(tc, file_on_a_read_only_file_system);
	suite_add_tcase(s, tc);
	return s;
}
