/*
 * fsck for the file backend: numbering_file_check() reads every record of a store into
 * a scratch memory record store and reports what it found; with repair, it cuts a torn tail,
 * or rewrites the store with the records before the damage and keeps the damaged file
 * beside it (docs/FILE-FORMAT.md, "Checking a store").
 */
#define _DEFAULT_SOURCE /* fsync, fdatasync */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file-internal.h"
#include "model/kinds.h"

/* fsck. */

/* Keeps the damaged store @real under a name nothing has: REAL.damaged, else
 * REAL.damaged.1, .2, ... link() never follows, replaces or reuses what is at the new
 * name, so every earlier copy stays as it was. *out is the name (the caller's to free). */
static int keep_damaged(char **out, const char *real)
{
	*out = NULL;
	size_t n = strlen(real) + sizeof(".damaged.") + 12;
	char *name = numbering__malloc(n);
	if (name == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	for (int i = 0; i < DAMAGED_MAX; i++) {
		if (i == 0)
			snprintf(name, n, "%s.damaged", real);
		else
			snprintf(name, n, "%s.damaged.%d", real, i);
		if (numbering__file_sys()->link(real, name) == 0) {
			*out = name;
			return NUMBERING_OK;
		}
		if (errno != EEXIST) {
			int rc = numbering__file_io_error("keep the damaged file as", name);
			numbering__free_mem(name);
			return rc;
		}
	}
	numbering__free_mem(name);
	return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
	                            "file backend: %d damaged copies of %s are kept beside it already (%s.damaged, "
	                            "%s.damaged.N); move them away to repair it again",
	                            DAMAGED_MAX, real, real, real);
}

static void report_set(numbering_file_report *report, const char *fmt, ...) NUMBERING__PRINTF(2, 3);

static void report_set(numbering_file_report *report, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(report->message, sizeof(report->message), fmt, ap);
	va_end(ap);
}

static int check(numbering_file_report *report, const char *path, int repair, numbering_file_progress_cb progress,
                 void *payload);

/* Every record read back through its kind's body check: a record whose checksum is sound
 * but whose body does not read as its kind (written so by a bug, or changed with its
 * checksum made again) is damage too, reported as such, never as a sound store. */
struct body_checks {
	int64_t damaged;
	char first[200];
};

static int body_check_visit(const numbering_record *record, void *payload)
{
	struct body_checks *b = payload;
	/* The scratch memory store's put checked the record's limits (what
	 * numbering_record_check() checks first): its kind and body are what is left. */
	int rc = numbering__record_check_body(record);
	if (rc == NUMBERING_RESOURCE_EXHAUSTED)
		return rc; /* the check could not run: not damage */
	if (rc != NUMBERING_OK && b->damaged++ == 0)
		snprintf(b->first, sizeof(b->first), "%s", numbering_error_message());
	return 0;
}

static int check_bodies(struct file *scratch, const char *path)
{
	struct body_checks b = {0, ""};
	struct numbering__memory_record_foreach each = {body_check_visit, &b};
	int rc = scratch->mem->control(scratch->mem, NUMBERING__MEMORY_CONTROL_FOREACH, &each);
	if (rc != NUMBERING_OK)
		return rc;
	if (b.damaged == 0)
		return NUMBERING_OK;
	return numbering__error_set(NUMBERING_DATA_LOSS,
	                            "file backend: %s: %lld record%s with sound checksums do%s not read back as %s kind "
	                            "(the first: %s); a repair leaves the file as it is: no stretch of the log is "
	                            "damaged to cut off",
	                            path, (long long)b.damaged, b.damaged == 1 ? "" : "s", b.damaged == 1 ? "es" : "",
	                            b.damaged == 1 ? "its" : "their", b.first);
}

int numbering_file_check(numbering_file_report *report, const char *path, int repair)
{
	return check(report, path, repair, NULL, NULL);
}

int numbering_file_check_v2(numbering_file_report *report, const char *path, int repair,
                            const numbering_file_options *options)
{
	if (options != NULL && (options->version < 1 || options->version > NUMBERING_FILE_OPTIONS_VERSION))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "options.version",
		                              "numbering_file_check_v2: unknown options version %u", options->version);
	/* Only the fields of the caller's version: an older struct is shorter. */
	if (options == NULL || options->version < 4)
		return check(report, path, repair, NULL, NULL);
	return check(report, path, repair, options->progress, options->progress_payload);
}

static int check(numbering_file_report *report, const char *path, int repair, numbering_file_progress_cb progress,
                 void *payload)
{
	if (report == NULL || report->version < 1 || report->version > NUMBERING_FILE_REPORT_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "report",
		                              "numbering_file_check: report is NULL or its version (%u) is not 1..%d",
		                              report == NULL ? 0u : report->version, NUMBERING_FILE_REPORT_VERSION);
	if (path == NULL || path[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path", "numbering_file_check: no path");
	unsigned int version = report->version;
	/* Only the fields of the caller's version: an older struct is shorter. */
	memset(report, 0, version >= 2 ? sizeof(*report) : offsetof(numbering_file_report, damaged_copy));
	report->version = version;
	report->damage_offset = -1;
	const struct numbering__file_io *io = numbering__file_sys();
	struct file scratch; /* for its paths */
	memset(&scratch, 0, sizeof(scratch));
	scratch.progress = progress; /* a repair's snapshot */
	scratch.progress_payload = payload;
	int fd = -1, created = 0;
	struct scan s = {io, -1, 0, {NULL, 0, 0}, 0, NULL};
	int rc = numbering__file_set_paths(&scratch, path);
	if (rc == NUMBERING_OK) {
		rc = numbering__file_open_locked(&fd, &created, path, 1, repair != 0);
		if (rc == NUMBERING_INVALID_ARGUMENT) {
			/* Not a regular file (a FIFO, a device, a directory): not a store. */
			report->status = rc;
			report_set(report, "%s", numbering_error_message());
			rc = NUMBERING_OK;
			goto out;
		}
	}
	if (rc == NUMBERING_OK && repair) {
		/* A repair writes beside the file the path names, symlinks resolved. */
		numbering__free_mem(scratch.dir);
		scratch.dir = NULL;
		rc = numbering__file_resolve_store(&scratch.real, &scratch.dir, fd, path);
	}
	if (rc != NUMBERING_OK)
		goto out;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rc = numbering__file_io_error("stat", path);
		goto out;
	}
	report->file_bytes = (int64_t)st.st_size;
	if (st.st_size < HEADER_SIZE_V2 && numbering__file_interrupted_creation(io, fd, (uint64_t)st.st_size)) {
		/* Empty, or a prefix of a header: nothing was ever stored in it, and it is no
		 * store yet either. Left alone; a writable open initializes it. */
		report->status = NUMBERING_UNAVAILABLE;
		report_set(report,
		           "file backend: %s has no store header (%lld bytes): not a store yet (a creation that was "
		           "interrupted or is under way; a writable open initializes it)",
		           path, (long long)st.st_size);
		goto out;
	}
	s.fd = fd;
	s.size = (uint64_t)st.st_size;
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	r.progress = progress;
	r.progress_payload = payload;
	r.progress_op = "check";
	int verdict;
	if (s.size < HEADER_SIZE) {
		verdict = numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s is not a libnumbering store", path);
		r.valid_end = s.size;
	} else {
		verdict = numbering__file_read_header(&s, &r, path);
		if (verdict == NUMBERING_OK) {
			verdict = numbering__file_records_replay(&scratch, &s, &r);
		} else if (verdict == NUMBERING_DATA_LOSS && r.damage_offset == 0 && s.size >= HEADER_SIZE + RECORD_HEADER) {
			/* A damaged header: salvage the records that follow it, if the first is whole. */
			const uint8_t *h;
			char message[512];
			snprintf(message, sizeof(message), "%s", numbering_error_message());
			uint64_t first = 0; /* where version 1's records start, or version 2's */
			for (uint64_t at = HEADER_SIZE; first == 0 && at <= HEADER_SIZE_V2; at += HEADER_SIZE_V2 - HEADER_SIZE)
				if (s.size >= at + RECORD_HEADER && numbering__file_scan_get(&s, at, RECORD_HEADER, &h) == NUMBERING_OK &&
				    numbering__file_record_header_ok(h) && get64(h + 8) > 0)
					first = at;
			if (first != 0) {
				/* Nothing the header says is trusted: no snapshot, no durable length. The
				 * format is what the records say: version 1's start at 64; after 128, a
				 * first operation putting or removing a record is version 3's, else
				 * version 2's (instances and metadata). */
				r.base_seq = r.seq = get64(h + 8) - 1;
				const uint8_t *op;
				r.format_version = first == HEADER_SIZE ? 1 : 2;
				if (first != HEADER_SIZE && s.size >= first + RECORD_HEADER + 2 &&
				    numbering__file_scan_get(&s, first + RECORD_HEADER + 1, 1, &op) == NUMBERING_OK &&
				    (op[0] == OP_RECORD_PUT || op[0] == OP_RECORD_REMOVE))
					r.format_version = NUMBERING_FILE_FORMAT_VERSION;
				r.data_start = first;
				r.snapshot_end = r.snapshot_records = r.durable_end = r.slot_gen = r.instances_hint = 0;
				int salvage = numbering__file_records_replay(&scratch, &s, &r);
				if (salvage == NUMBERING_RESOURCE_EXHAUSTED || salvage == NUMBERING_UNAVAILABLE) {
					rc = salvage;
					goto out;
				}
				r.damage_offset = 0;
				r.torn_bytes = 0;
			}
			numbering__error_set(NUMBERING_DATA_LOSS, "%s", message);
		}
	}
	if (verdict == NUMBERING_OK && scratch.mem != NULL)
		verdict = check_bodies(&scratch, path);
	if (verdict == NUMBERING_RESOURCE_EXHAUSTED || verdict == NUMBERING_UNAVAILABLE) {
		rc = verdict;
		goto out;
	}
	/* What was read: instance records, and META and REQUEST records (metadata values). */
	int64_t instances = 0, metas = 0;
	if (scratch.mem != NULL)
		numbering__file_records_counts(&scratch, &instances, &metas);
	report->status = verdict;
	report->format_version = r.format_version;
	report->records = (int64_t)r.records;
	report->instances = instances;
	report->metas = metas;
	report->torn_bytes = (int64_t)r.torn_bytes;
	report->damage_offset = r.damage_offset;
	if (verdict == NUMBERING_OK) {
		if (r.torn_bytes > 0)
			report_set(report, "%lld records, %lld instances; a torn tail of %lld bytes (%s)", (long long)r.records,
			           (long long)instances, (long long)r.torn_bytes, r.problem);
		else
			report_set(report, "%lld records, %lld instances, %lld metadata values: no damage", (long long)r.records,
			           (long long)instances, (long long)metas);
		if (repair && r.torn_bytes > 0 && s.size >= HEADER_SIZE) {
			if (io->ftruncate(fd, (off_t)r.valid_end) != 0 || io->fdatasync(fd) != 0) {
				rc = numbering__file_io_error("cut the torn tail of", path);
				goto out;
			}
			report->repaired = 1;
			report->dropped_bytes = (int64_t)r.torn_bytes;
			size_t n = strlen(report->message);
			snprintf(report->message + n, sizeof(report->message) - n, "; cut it off");
		}
	} else {
		report_set(report, "%s", numbering_error_message());
		if (repair && verdict == NUMBERING_DATA_LOSS && r.damage_offset >= 0 && s.size >= HEADER_SIZE) {
			/* Keep what precedes the damage: a snapshot of it replaces the file; the
			 * damaged file stays beside it, under a name of its own. Only files this
			 * repair creates are written or renamed. */
			char *damaged = NULL, *tmp = NULL;
			int nfd = -1;
			uint64_t end = 0, seq = 0, records = 0;
			int keep = r.records > 0;
			/* Repaired into a log of records (version 3), whatever version it was. */
			rc = !keep ? NUMBERING_OK
			           : numbering__file_snapshot_write(&nfd, &tmp, &end, &seq, &records, &scratch, scratch.real,
			                                            r.seq);
			if (rc == NUMBERING_OK && !keep) {
				/* Nothing before a damaged header: an empty store. */
				rc = numbering__file_temp_create(&nfd, &tmp, scratch.real, ".compact");
				if (rc == NUMBERING_OK && (rc = numbering__file_init(io, nfd, tmp, scratch.dir,
				                                                     NUMBERING_FILE_FORMAT_VERSION)) != NUMBERING_OK)
					io->unlink(tmp);
			}
			if (rc == NUMBERING_OK)
				numbering__file_keep_mode(nfd, fd);
			if (rc == NUMBERING_OK)
				rc = keep_damaged(&damaged, scratch.real);
			if (rc == NUMBERING_OK && !numbering__file_same_file(fd, scratch.real))
				rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION,
				                          "file backend: %s was moved or replaced during the repair; nothing changed",
				                          path);
			else if (rc == NUMBERING_OK && io->rename(tmp, scratch.real) != 0)
				rc = numbering__file_io_error("replace", path);
			if (rc != NUMBERING_OK && damaged != NULL) {
				/* The store is still the damaged file: the name made for it just now goes. */
				io->unlink(damaged);
				numbering__free_mem(damaged);
				damaged = NULL;
			}
			if (rc == NUMBERING_OK && numbering__file_fsync_dir(io, scratch.dir) != 0)
				rc = numbering__file_io_error("sync the directory of", path);
			if (nfd >= 0)
				io->close(nfd);
			if (rc == NUMBERING_OK || damaged != NULL) {
				/* Replaced (even if the directory sync failed): say where the damaged file is. */
				report->repaired = 1;
				report->dropped_bytes = (int64_t)s.size - (r.damage_offset > 0 ? r.damage_offset : 0);
				if (version >= 2)
					snprintf(report->damaged_copy, sizeof(report->damaged_copy), "%s", damaged);
				char problem[sizeof(report->message)];
				snprintf(problem, sizeof(problem), "%s", report->message);
				report_set(report,
				           "repaired: kept the %lld readable records before the damage; the damaged file is %s (%s)",
				           (long long)r.records, damaged, problem);
			} else if (tmp != NULL) {
				io->unlink(tmp);
			}
			numbering__free_mem(tmp);
			numbering__free_mem(damaged);
		}
	}
out:
	buf_free(&s.win);
	if (fd >= 0)
		io->close(fd);
	numbering__file_records_free(&scratch);
	if (scratch.mem != NULL)
		scratch.mem->free(scratch.mem);
	numbering__free_mem(scratch.path);
	numbering__free_mem(scratch.dir);
	numbering__free_mem(scratch.real);
	if (rc == NUMBERING_OK)
		numbering_error_clear();
	return rc;
}
