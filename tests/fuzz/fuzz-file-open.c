/*
 * fuzz-file-open: the file backend's open and recovery path on arbitrary bytes.
 *
 * Each input, and then a copy with every checksum and sequence number made right (so
 * mutations reach the record decoder), is written to a scratch file (in $TMPDIR, or /tmp) that is then opened
 * as a store file: numbering_file_backend_new() (must_exist, sync off, no automatic
 * compaction), a store over it, a listing of a few projects, one write (a create,
 * which appends to the file), close, and numbering_file_check() without and with
 * repair. A store file comes from a disk that may fail: bad bytes give an error
 * (INVALID_ARGUMENT, FAILED_PRECONDITION, DATA_LOSS), never a crash.
 *
 * First it is opened read-only (a snapshot), listed, and written to in vain.
 *
 * Properties: a read-only open never changes a byte of the file; when the file
 * opens, the store opens and lists; a file that opened checks as sound, unless the
 * input already held records that do not read as their kind (fsck reads every body
 * back, an open does not); after repair the file opens. The repair runs beside symlinks to a victim file planted at
 * PATH.compact and PATH.damaged (the names older versions used): the victim is never
 * written, and the store stays a regular file.
 */
#include <sys/stat.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "fuzz.h"

static char path[512];

/* The file backend's CRC-32C (backends/file/crc32c.c; the targets link the static library). */
uint32_t numbering__crc32c(uint32_t crc, const void *data, size_t len);

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Makes the checksums and sequence numbers of @buf right (docs/FILE-FORMAT.md), so that
 * mutated headers and payloads get past the CRCs to the code that reads them. Returns
 * 1 when it changed something.
 */
static int fix_checksums(uint8_t *buf, size_t size)
{
	if (size < 64)
		return 0;
	uint8_t before[4];
	int changed = 0;
	memcpy(before, buf + 60, 4);
	uint32_t header_crc = numbering__crc32c(0, buf, 60);
	put32(buf + 60, header_crc);
	changed |= memcmp(before, buf + 60, 4) != 0;
	/* Version 2: records start after the two durable-length slots, whose checksums
	 * continue from the header's. */
	size_t start = get32(buf + 12) == 128 && size >= 128 ? 128 : 64;
	for (size_t slot = 64; start == 128 && slot < 128; slot += 32) {
		memcpy(before, buf + slot + 28, 4);
		put32(buf + slot + 28, numbering__crc32c(header_crc, buf + slot, 28));
		changed |= memcmp(before, buf + slot + 28, 4) != 0;
	}
	uint64_t sequence = 0;
	for (int i = 7; i >= 0; i--)
		sequence = sequence << 8 | buf[16 + i];
	for (size_t off = start; off + 24 <= size && memcmp(buf + off, "NRec", 4) == 0;) {
		uint8_t *h = buf + off;
		size_t len = get32(h + 4);
		if (len > size - off - 24)
			break;
		uint8_t old[24];
		memcpy(old, h, 24);
		put64(h + 8, ++sequence);
		put32(h + 16, numbering__crc32c(0, h + 24, len));
		put32(h + 20, numbering__crc32c(0, h, 20));
		changed |= memcmp(old, h, 24) != 0;
		off += 24 + len;
	}
	return changed;
}

static int64_t fake_clock(void *payload)
{
	(void)payload;
	return INT64_C(1767225600000000000);
}

static int write_file(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	int ok = (size == 0 || fwrite(data, 1, size, f) == size);
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int open_backend(numbering_backend **backend)
{
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	options.sync_mode = NUMBERING_FILE_SYNC_OFF;
	options.must_exist = 1;
	options.compact_min_bytes = -1;
	return numbering_file_backend_new(backend, path, &options);
}

/* Opens the file read-only (a snapshot, without the lock), lists it through a store
 * and tries a write: the file is never changed, whatever it holds. */
static void exercise_read_only(const uint8_t *data, size_t size)
{
	numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
	file_options.read_only = 1;
	numbering_backend *backend = NULL;
	int rc = numbering_file_backend_new(&backend, path, &file_options);
	if (rc == NUMBERING_OK) {
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.backend = backend;
		options.clock = fake_clock;
		numbering_store *store = NULL;
		rc = numbering_store_open(&store, &options);
		/* No key yet (a store would write one), or damaged metadata. */
		FUZZ_CHECK(rc == NUMBERING_OK || rc == NUMBERING_FAILED_PRECONDITION || rc == NUMBERING_DATA_LOSS ||
		           rc == NUMBERING_RESOURCE_EXHAUSTED);
		if (rc == NUMBERING_OK) {
			numbering_list_request *request = NULL;
			numbering_list_page *page = NULL;
			FUZZ_CHECK(numbering_list_request_new(&request) == NUMBERING_OK);
			FUZZ_CHECK(numbering_list_request_set_parent(request, "projects/p1") == NUMBERING_OK);
			int list_rc = numbering_store_list(&page, store, NULL, request);
			FUZZ_CHECK(list_rc == NUMBERING_OK || list_rc == NUMBERING_DATA_LOSS);
			numbering_list_page_free(page);
			numbering_list_request_free(request);
			numbering_instance *in = NULL, *created = NULL;
			if (numbering_instance_new(&in) == NUMBERING_OK &&
			    numbering_instance_set_phone_number(in, "+61255509999") == NUMBERING_OK)
				FUZZ_CHECK(numbering_store_create(&created, store, NULL, "projects/p1", in, NULL, NULL, NULL) !=
				           NUMBERING_OK);
			numbering_instance_free(in);
			numbering_instance_free(created);
			numbering_store_close(store);
		}
	} else {
		FUZZ_CHECK(backend == NULL);
		FUZZ_CHECK(rc != NUMBERING_INTERNAL);
	}
	/* Byte for byte what was written. */
	FILE *f = fopen(path, "rb");
	FUZZ_CHECK(f != NULL);
	uint8_t buf[4096];
	size_t at = 0, n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		FUZZ_CHECK(at + n <= size && memcmp(buf, data + at, n) == 0);
		at += n;
	}
	fclose(f);
	FUZZ_CHECK(at == size);
}

/* Opens a store over the file, lists and writes a little; returns the open's code. */
static int exercise(void)
{
	numbering_backend *backend = NULL;
	int rc = open_backend(&backend);
	if (rc != NUMBERING_OK) {
		FUZZ_CHECK(backend == NULL);
		FUZZ_CHECK(rc != NUMBERING_INTERNAL);
		return rc;
	}
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.clock = fake_clock;
	numbering_store *store = NULL;
	rc = numbering_store_open(&store, &options);
	if (rc != NUMBERING_OK) {
		/* The store freed the backend. Only damaged metadata refuses the store. */
		FUZZ_CHECK(rc == NUMBERING_DATA_LOSS || rc == NUMBERING_RESOURCE_EXHAUSTED);
		return rc;
	}
	static const char *const parents[] = {"projects/p1", "projects/p2", "projects/a"};
	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		numbering_list_request *request = NULL;
		numbering_list_page *page = NULL;
		FUZZ_CHECK(numbering_list_request_new(&request) == NUMBERING_OK);
		FUZZ_CHECK(numbering_list_request_set_parent(request, parents[i]) == NUMBERING_OK);
		FUZZ_CHECK(numbering_list_request_set_include_deleted(request, 1) == NUMBERING_OK);
		FUZZ_CHECK(numbering_list_request_set_page_size(request, 100) == NUMBERING_OK);
		int list_rc = numbering_store_list(&page, store, NULL, request);
		FUZZ_CHECK(list_rc == NUMBERING_OK || list_rc == NUMBERING_DATA_LOSS);
		for (int j = 0; page != NULL && j < numbering_list_page_count(page); j++) {
			const numbering_instance *instance = numbering_list_page_instance(page, j);
			numbering_instance *got = NULL;
			(void)numbering_store_get(&got, store, NULL, numbering_instance_name(instance));
			numbering_instance_free(got);
			numbering_resolution *resolution = NULL;
			if (numbering_resolution_new(&resolution) == NUMBERING_OK)
				(void)numbering_store_resolve(resolution, store, NULL, numbering_instance_phone_number(instance),
				                              NULL);
			numbering_resolution_free(resolution);
		}
		numbering_list_page_free(page);
		numbering_list_request_free(request);
	}
	numbering_instance *request = NULL, *created = NULL;
	if (numbering_instance_new(&request) == NUMBERING_OK &&
	    numbering_instance_set_phone_number(request, "+61255509999") == NUMBERING_OK)
		(void)numbering_store_create(&created, store, NULL, "projects/p1", request, NULL, NULL, NULL);
	numbering_instance_free(request);
	numbering_instance_free(created);
	numbering_store_close(store);
	return NUMBERING_OK;
}

static void run(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size);
	/* Then the same bytes with every checksum and sequence number made right. */
	uint8_t *fixed = malloc(size > 0 ? size : 1);
	if (fixed == NULL)
		return 0;
	if (size > 0)
		memcpy(fixed, data, size);
	if (fix_checksums(fixed, size))
		run(fixed, size);
	free(fixed);
	return 0;
}

static void run(const uint8_t *data, size_t size)
{
	if (path[0] == '\0') {
		fuzz_random_install();
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/numbering-fuzz-file-open-%ld.store", dir && dir[0] ? dir : "/tmp",
		         (long)getpid());
	}
	fuzz_random_reset();
	if (write_file(data, size) != 0)
		abort();
	/* The input as fsck sees it: a record with sound checksums that does not read as
	 * its kind is damage that an open does not look for (it replays; the record is
	 * refused when read), so only an input that checks sound must check sound after. */
	numbering_file_report input;
	memset(&input, 0, sizeof(input));
	input.version = NUMBERING_FILE_REPORT_VERSION;
	int input_sound = numbering_file_check(&input, path, 0) == NUMBERING_OK && input.status == NUMBERING_OK;
	exercise_read_only(data, size);
	int opened = exercise();
	numbering_file_report report;
	memset(&report, 0, sizeof(report));
	report.version = NUMBERING_FILE_REPORT_VERSION;
	/* Check the file the store left (its create appended a record): sound, or holding
	 * the input's own records that do not read as their kind (damage_offset -1). */
	if (numbering_file_check(&report, path, 0) == NUMBERING_OK && opened == NUMBERING_OK)
		FUZZ_CHECK(report.status == NUMBERING_OK ||
		           (!input_sound && report.status == NUMBERING_DATA_LOSS && report.damage_offset == -1));
	/* Repair the original bytes; a repaired file opens. */
	if (write_file(data, size) != 0)
		abort();
	static const char victim_text[] = "a victim: never written through a planted link\n";
	char victim[600], planted[2][600];
	snprintf(victim, sizeof(victim), "%s.victim", path);
	snprintf(planted[0], sizeof(planted[0]), "%s.compact", path);
	snprintf(planted[1], sizeof(planted[1]), "%s.damaged", path);
	FILE *v = fopen(victim, "wb");
	FUZZ_CHECK(v != NULL && fputs(victim_text, v) >= 0 && fclose(v) == 0);
	FUZZ_CHECK(chmod(victim, 0644) == 0);
	for (int i = 0; i < 2; i++)
		FUZZ_CHECK(symlink(victim, planted[i]) == 0);
	numbering_file_report repair;
	memset(&repair, 0, sizeof(repair));
	repair.version = NUMBERING_FILE_REPORT_VERSION;
	if (numbering_file_check(&repair, path, 1) == NUMBERING_OK && repair.status != NUMBERING_OK &&
	    repair.repaired) {
		numbering_backend *backend = NULL;
		FUZZ_CHECK(open_backend(&backend) == NUMBERING_OK);
		backend->free(backend);
	}
	struct stat st;
	FUZZ_CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
	FUZZ_CHECK(lstat(victim, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644);
	char seen[sizeof(victim_text) + 1] = {0};
	v = fopen(victim, "rb");
	FUZZ_CHECK(v != NULL);
	size_t got = fread(seen, 1, sizeof(seen), v);
	fclose(v);
	FUZZ_CHECK(got == sizeof(victim_text) - 1 && memcmp(seen, victim_text, got) == 0);
	unlink(path);
	unlink(victim);
	for (int i = 0; i < 2; i++)
		unlink(planted[i]);
	if (repair.damaged_copy[0] != '\0')
		unlink(repair.damaged_copy);
}
