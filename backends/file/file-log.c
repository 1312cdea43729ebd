/*
 * The file backend's log (docs/FILE-FORMAT.md): the I/O seam, the file header and its
 * two durable-length slots, record framing (a 24-byte header with length, sequence and
 * checksums, then the payload), appending a record, and replay: reading the records
 * after the header back into a memory backend, telling a torn tail (cut off) from
 * damage (NUMBERING_DATA_LOSS with the offset), and counting the live bytes a snapshot
 * of the state would take.
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

const uint8_t numbering__file_magic[8] = {0x89, 'N', 'U', 'M', 'B', 'D', 'B', '\n'};

/* The seam. */

int numbering__file_open(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags, mode);
	if (fd < 0 || fd > STDERR_FILENO)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	int e = errno;
	close(fd);
	errno = e;
	return moved;
}

const struct numbering__file_io numbering__file_io_system = {
    numbering__file_open, close, pread, pwrite, fdatasync, fsync, ftruncate, rename, unlink, link,
};

static const struct numbering__file_io *io_hook;

void numbering__file_io_set(const struct numbering__file_io *io)
{
	__atomic_store_n(&io_hook, io, __ATOMIC_RELEASE);
}

const struct numbering__file_io *numbering__file_sys(void)
{
	const struct numbering__file_io *io = __atomic_load_n(&io_hook, __ATOMIC_ACQUIRE);
	return io ? io : &numbering__file_io_system;
}

/* Errors. */

/* The code of a failed call's errno: no room is RESOURCE_EXHAUSTED; a file or directory
 * this process may not use (its mode, owner, an ACL, an immutable flag) is
 * PERMISSION_DENIED, which no retry mends (UNAVAILABLE would tell the caller to retry);
 * a file system mounted read-only FAILED_PRECONDITION (the store can be opened
 * read-only: the message says so); the rest (EIO, ...) UNAVAILABLE. */
int numbering__file_io_error(const char *what, const char *path)
{
	int e = errno ? errno : EIO;
	if (e == EROFS)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: cannot %s %s: %s (open the store read-only to read it)", what,
		                            path, strerror(e));
	/* Out of descriptors (the process's, EMFILE, or the system's, ENFILE) or of memory
	 * (a mapping, a kernel allocation): exhausted resources, as a full disk is, not
	 * storage that failed. */
	int code = e == ENOSPC || e == EDQUOT || e == EFBIG || e == EMFILE || e == ENFILE || e == ENOMEM
	                   ? NUMBERING_RESOURCE_EXHAUSTED
	           : e == EACCES || e == EPERM ? NUMBERING_PERMISSION_DENIED
	                                       : NUMBERING_UNAVAILABLE;
	return numbering__error_set(code, "file backend: cannot %s %s: %s", what, path, strerror(e));
}

int numbering__file_write_all(const struct numbering__file_io *io, int fd, const uint8_t *data, size_t len,
                              uint64_t off)
{
	while (len > 0) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : len;
		errno = 0;
		ssize_t n = io->pwrite(fd, data, chunk, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int numbering__file_read_all(const struct numbering__file_io *io, int fd, uint8_t *data, size_t len, uint64_t off)
{
	while (len > 0) {
		errno = 0;
		ssize_t n = io->pread(fd, data, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the file shrank under us */
			return -1;
		}
		data += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int numbering__file_fsync_dir(const struct numbering__file_io *io, const char *dir)
{
	int dfd = io->open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (dfd < 0)
		return -1;
	int rc = io->fsync(dfd);
	int e = errno;
	io->close(dfd);
	errno = e;
	return rc;
}

/* The file header. Version 2: the fixed part (64 bytes, checksummed) says what the
 * snapshot at the start of the file holds (where it ends, its records, its instances),
 * then two slots say how far the file is durable: a generation, the durable length and
 * the sequence of the record that ends there, and a checksum seeded with the fixed
 * part's (a slot belongs to its header). A sync writes the slot of the older
 * generation, so that a slot torn by a crash leaves the other one whole. */

static uint64_t slot_offset(uint64_t gen)
{
	return HEADER_SIZE + (gen & 1) * SLOT_SIZE;
}

static void slot_make(uint8_t p[SLOT_SIZE], uint32_t seed, uint64_t gen, uint64_t end, uint64_t seq)
{
	memset(p, 0, SLOT_SIZE);
	put64(p, gen);
	put64(p + 8, end);
	put64(p + 16, seq);
	put32(p + 28, numbering__crc32c(seed, p, 28));
}

/* A new file's header, of format @version (2, or 3 for a log of records): its snapshot
 * ends at @snapshot_end after @snapshot_records records holding @instances instances
 * (records, in version 3), and is durable up to there (both slots; the next sync
 * writes generation 3). */
void numbering__file_header_make(uint8_t h[HEADER_SIZE_V2], uint32_t version, uint64_t base_seq, uint64_t instances,
                                 uint64_t snapshot_end, uint64_t snapshot_records)
{
	memset(h, 0, HEADER_SIZE_V2);
	put64(h + 36, instances);
	memcpy(h, numbering__file_magic, 8);
	put32(h + 8, version);
	put32(h + 12, HEADER_SIZE_V2);
	put64(h + 16, base_seq);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	put64(h + 24, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	put64(h + 44, snapshot_end);
	put64(h + 52, snapshot_records);
	uint32_t crc = numbering__crc32c(0, h, 60);
	put32(h + 60, crc);
	for (uint64_t gen = 1; gen <= 2; gen++)
		slot_make(h + slot_offset(gen), crc, gen, snapshot_end, base_seq + snapshot_records);
}

/* Fills a record header for @payload. */
static void record_header(uint8_t h[RECORD_HEADER], const uint8_t *payload, uint32_t len, uint64_t seq)
{
	put32(h, RECORD_MAGIC);
	put32(h + 4, len);
	put64(h + 8, seq);
	put32(h + 16, numbering__crc32c(0, payload, len));
	put32(h + 20, numbering__crc32c(0, h, 20));
}

int numbering__file_record_header_ok(const uint8_t h[RECORD_HEADER])
{
	return get32(h) == RECORD_MAGIC && get32(h + 20) == numbering__crc32c(0, h, 20);
}

int numbering__file_append(const struct numbering__file_io *io, int fd, uint64_t off, uint64_t seq,
                           const uint8_t *payload, size_t len)
{
	uint8_t h[RECORD_HEADER];
	record_header(h, payload, (uint32_t)len, seq);
	if (numbering__file_write_all(io, fd, h, RECORD_HEADER, off) != 0 ||
	    numbering__file_write_all(io, fd, payload, len, off + RECORD_HEADER) != 0)
		return -1;
	return 0;
}

/* Reading a file through a window. */

/* Points *out at @len bytes at @off (which must lie inside the file). */
int numbering__file_scan_get(struct scan *s, uint64_t off, size_t len, const uint8_t **out)
{
	if (s->map != NULL) {
		if (off > s->size || len > s->size - off)
			return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: a read past the end of the store");
		*out = s->map + off;
		return NUMBERING_OK;
	}
	if (off >= s->win_off && off + len <= s->win_off + s->win.len) {
		*out = s->win.data + (off - s->win_off);
		return NUMBERING_OK;
	}
	size_t want = len < SCAN_WINDOW ? SCAN_WINDOW : len;
	if (want > s->size - off)
		want = (size_t)(s->size - off);
	s->win.len = 0;
	if (buf_reserve(&s->win, want) != 0)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory reading the store");
	if (numbering__file_read_all(s->io, s->fd, s->win.data, want, off) != 0)
		return -1;
	s->win.len = want;
	s->win_off = off;
	*out = s->win.data;
	return NUMBERING_OK;
}

/* The offset of the first valid record header after @from, or 0 if none. */
static int scan_find_header(struct scan *s, uint64_t from, uint64_t *found)
{
	*found = 0;
	for (uint64_t off = from + 1; off + RECORD_HEADER <= s->size;) {
		size_t len = SCAN_WINDOW;
		if (len > s->size - off)
			len = (size_t)(s->size - off);
		const uint8_t *p;
		int rc = numbering__file_scan_get(s, off, len, &p);
		if (rc != NUMBERING_OK)
			return rc;
		for (size_t i = 0; i + RECORD_HEADER <= len; i++) {
			if (p[i] == 'N' && numbering__file_record_header_ok(p + i)) {
				*found = off + i;
				return NUMBERING_OK;
			}
		}
		if (len < RECORD_HEADER + 1)
			break;
		off += len - RECORD_HEADER + 1;
	}
	return NUMBERING_OK;
}

/* Replays the records after the header through @apply (NULL: only check them). On a
 * torn tail sets r->torn_bytes and returns NUMBERING_OK; damage before valid
 * records is NUMBERING_DATA_LOSS, and so is anything missing or unreadable below the
 * durable length (version 2) or inside the snapshot the header describes. */
int numbering__file_replay_with(struct scan *s, numbering__file_apply_cb apply, void *ctx, struct replay *r,
                                const char *path)
{
	int rc = NUMBERING_OK;
	uint64_t off = r->data_start ? r->data_start : HEADER_SIZE, expect = r->base_seq + 1;
	const char *why = NULL, *bad = NULL;
	uint64_t reported = off;
	while (off < s->size) {
		if (r->progress != NULL && off - reported >= PROGRESS_BYTES) {
			r->progress(r->progress_op, (int64_t)off, (int64_t)s->size, r->progress_payload);
			reported = off;
		}
		const uint8_t *h, *payload;
		if (s->size - off < RECORD_HEADER) {
			why = "an incomplete record header";
			break;
		}
		if ((rc = numbering__file_scan_get(s, off, RECORD_HEADER, &h)) != NUMBERING_OK)
			goto io_failed;
		if (!numbering__file_record_header_ok(h)) {
			why = "a damaged record header";
			break;
		}
		uint32_t len = get32(h + 4), crc = get32(h + 16);
		uint64_t seq = get64(h + 8);
		if (len > RECORD_LOG_MAX || len > s->size - off - RECORD_HEADER) {
			why = len > RECORD_LOG_MAX ? "a record longer than any written" : "a record that runs past the end of the file";
			break;
		}
		if (seq != expect) {
			why = "a record out of sequence";
			break;
		}
		if ((rc = numbering__file_scan_get(s, off + RECORD_HEADER, len, &payload)) != NUMBERING_OK)
			goto io_failed;
		if (numbering__crc32c(0, payload, len) != crc) {
			why = "a record whose checksum does not match";
			break;
		}
		/* Whole and checksummed: it must also agree with the header. */
		uint64_t next = off + RECORD_HEADER + len;
		int in_snapshot = r->records < r->snapshot_records;
		if (r->slot_gen > 0 && len > 0 && (payload[0] == RECORD_SNAPSHOT) != in_snapshot)
			bad = in_snapshot ? "a transaction inside the snapshot the header describes"
			                  : "a snapshot chunk after the snapshot the header describes";
		else if ((off < r->snapshot_end && next > r->snapshot_end) || (off < r->durable_end && next > r->durable_end))
			bad = "a record that runs past the snapshot's end or the durable length the header records";
		else if (next == r->snapshot_end && r->records + 1 != r->snapshot_records)
			bad = "the snapshot ends with a different number of records than the header says";
		else if (next == r->durable_end && seq != r->durable_seq)
			bad = "the record at the durable length is not the one the header records";
		if (bad != NULL) {
			r->damage_offset = (int64_t)off;
			rc = numbering__error_set(NUMBERING_DATA_LOSS,
			                          "file backend: store %s is damaged: the record at offset %llu does not match "
			                          "the header: %s (numberctl fsck --repair keeps the records before it)",
			                          path, (unsigned long long)off, bad);
			goto done;
		}
		if (apply != NULL) {
			if ((rc = apply(ctx, payload, len, off, r)) != NUMBERING_OK) {
				if (rc == NUMBERING_DATA_LOSS)
					r->damage_offset = (int64_t)off;
				goto done;
			}
		}
		if (len > 0 && payload[0] == RECORD_SNAPSHOT)
			r->snapshot_stop = next;
		r->records++;
		r->seq = seq;
		expect++;
		off = next;
	}
	r->valid_end = off;
	if (why != NULL) {
		uint64_t next = 0;
		if ((rc = scan_find_header(s, off, &next)) != NUMBERING_OK)
			goto io_failed;
		snprintf(r->problem, sizeof(r->problem), "%s at offset %llu", why, (unsigned long long)off);
		if (next != 0) {
			r->damage_offset = (int64_t)off;
			rc = numbering__error_set(NUMBERING_DATA_LOSS,
			                          "file backend: store %s is damaged: %s, and valid records follow at offset %llu "
			                          "(numberctl fsck --repair keeps the records before the damage)",
			                          path, r->problem, (unsigned long long)next);
			goto done;
		}
	}
	if (off < r->snapshot_end) {
		/* The snapshot a compaction wrote is cut short or damaged: instances are gone. */
		r->damage_offset = (int64_t)off;
		rc = numbering__error_set(NUMBERING_DATA_LOSS,
		                          "file backend: store %s is damaged: its snapshot holds %llu records up to offset "
		                          "%llu, but only %llu are readable, up to offset %llu (%s; numberctl fsck --repair "
		                          "keeps the records before the damage)",
		                          path, (unsigned long long)r->snapshot_records, (unsigned long long)r->snapshot_end,
		                          (unsigned long long)r->records, (unsigned long long)off,
		                          why != NULL ? r->problem : "the file ends there");
		goto done;
	}
	if (off < r->durable_end) {
		/* Acknowledged (synced) records are cut off or unreadable: never a torn tail. */
		r->damage_offset = (int64_t)off;
		rc = numbering__error_set(NUMBERING_DATA_LOSS,
		                          "file backend: store %s is damaged: it was synced up to offset %llu, but its "
		                          "records are readable only up to offset %llu (%s; numberctl fsck --repair keeps the "
		                          "records before the damage)",
		                          path, (unsigned long long)r->durable_end, (unsigned long long)off,
		                          why != NULL ? r->problem : "the file ends there");
		goto done;
	}
	if (apply != NULL && r->format_version == 1 && r->instances_hint > r->snapshot_puts) {
		/* Version 1 records no snapshot length, but a compaction wrote the snapshot's
		 * instance count: fewer instances read means the snapshot was cut short. */
		if (r->snapshot_stop == 0)
			r->snapshot_stop = r->data_start; /* not one chunk readable */
		r->damage_offset = (int64_t)r->snapshot_stop;
		rc = numbering__error_set(NUMBERING_DATA_LOSS,
		                          "file backend: store %s is damaged: its snapshot holds %llu instances, but only %llu "
		                          "are readable, up to offset %llu (numberctl fsck --repair keeps them)",
		                          path, (unsigned long long)r->instances_hint, (unsigned long long)r->snapshot_puts,
		                          (unsigned long long)r->snapshot_stop);
		goto done;
	}
	if (apply != NULL && r->slot_gen > 0 && r->instances_hint != r->snapshot_puts) {
		r->damage_offset = (int64_t)r->data_start;
		rc = numbering__error_set(NUMBERING_DATA_LOSS,
		                          "file backend: store %s is damaged: its snapshot holds %llu instances where the "
		                          "header says %llu",
		                          path, (unsigned long long)r->snapshot_puts, (unsigned long long)r->instances_hint);
		goto done;
	}
	if (why != NULL)
		r->torn_bytes = s->size - off;
	rc = NUMBERING_OK;
	goto done;
io_failed:
	if (rc == -1)
		rc = numbering__file_io_error("read", path);
done:
	if (r->progress != NULL)
		r->progress(r->progress_op, (int64_t)s->size, (int64_t)s->size, r->progress_payload);
	return rc;
}

/* Reads and checks the header. @size is the file's size (at least HEADER_SIZE). */
void numbering__file_scan_cover_durable(struct scan *s, const struct replay *r)
{
	struct stat st;
	if (r->durable_end > s->size && fstat(s->fd, &st) == 0 && (uint64_t)st.st_size > s->size)
		s->size = (uint64_t)st.st_size;
}

int numbering__file_read_header(struct scan *s, struct replay *r, const char *path)
{
	const uint8_t *h;
	int rc = numbering__file_scan_get(s, 0, HEADER_SIZE, &h);
	if (rc == -1)
		return numbering__file_io_error("read", path);
	if (rc != NUMBERING_OK)
		return rc;
	if (memcmp(h, numbering__file_magic, 8) != 0) {
		/* Records without a header: a store whose header was destroyed (zeroed, say). */
		uint64_t found = 0;
		if ((rc = scan_find_header(s, HEADER_SIZE - 1, &found)) != NUMBERING_OK)
			return rc == -1 ? numbering__file_io_error("read", path) : rc;
		if (found != 0) {
			r->damage_offset = 0;
			return numbering__error_set(NUMBERING_DATA_LOSS,
			                            "file backend: store %s has a damaged header (no store magic at offset 0) but "
			                            "holds records from offset %llu (numberctl fsck --repair keeps them)",
			                            path, (unsigned long long)found);
		}
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
		                            "file backend: %s is not a libnumbering store (no store header)", path);
	}
	uint32_t version = get32(h + 8);
	r->format_version = (int)(version > INT_MAX ? INT_MAX : version);
	if (get32(h + 60) != numbering__crc32c(0, h, 60)) {
		r->damage_offset = 0;
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s has a damaged header (checksum mismatch at offset 0)", path);
	}
	int max_version = r->max_version ? r->max_version : NUMBERING_FILE_FORMAT_VERSION;
	if (version > (uint32_t)max_version)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: store %s has format version %u; this libnumbering reads versions "
		                            "up to %d (open it with a newer libnumbering)",
		                            path, version, max_version);
	uint32_t size = version == 1 ? HEADER_SIZE : HEADER_SIZE_V2;
	if (version == 0 || get32(h + 12) != size || get32(h + 32) != 0) {
		r->damage_offset = 0;
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s has an invalid header (version %u, size %u, flags %u)", path,
		                            version, get32(h + 12), get32(h + 32));
	}
	r->base_seq = get64(h + 16);
	r->instances_hint = get64(h + 36);
	r->seq = r->base_seq;
	r->data_start = size;
	if (version == 1)
		return NUMBERING_OK; /* no snapshot length, no durable length: everything after the header may be a tail */
	r->snapshot_end = get64(h + 44);
	r->snapshot_records = get64(h + 52);
	r->header_crc = get32(h + 60);
	if (s->size < HEADER_SIZE_V2) {
		r->damage_offset = 0;
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s is damaged: its header is cut short at %llu bytes (the "
		                            "durable length it records is missing)",
		                            path, (unsigned long long)s->size);
	}
	/* The newest slot whose checksum holds (a slot's generation says which slot it is in). */
	const uint8_t *p;
	if ((rc = numbering__file_scan_get(s, HEADER_SIZE, 2 * SLOT_SIZE, &p)) != NUMBERING_OK)
		return rc == -1 ? numbering__file_io_error("read", path) : rc;
	for (uint64_t i = 0; i < 2; i++) {
		const uint8_t *q = p + i * SLOT_SIZE;
		uint64_t gen = get64(q);
		if (gen == 0 || (gen & 1) != i || get32(q + 28) != numbering__crc32c(r->header_crc, q, 28) ||
		    gen <= r->slot_gen)
			continue;
		r->slot_gen = gen;
		r->durable_end = get64(q + 8);
		r->durable_seq = get64(q + 16);
	}
	if (r->slot_gen == 0) {
		r->damage_offset = 0;
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s has a damaged header (both durable-length slots at offset "
		                            "%d fail their checksums)",
		                            path, HEADER_SIZE);
	}
	if (r->snapshot_end < HEADER_SIZE_V2 || r->snapshot_records > (r->snapshot_end - HEADER_SIZE_V2) / RECORD_HEADER ||
	    r->durable_end < r->snapshot_end || r->durable_seq < r->base_seq + r->snapshot_records ||
	    r->durable_seq - r->base_seq > (r->durable_end - HEADER_SIZE_V2) / RECORD_HEADER) {
		r->damage_offset = 0;
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s has an invalid header (a snapshot of %llu records ending at "
		                            "%llu, durable up to %llu, sequence %llu)",
		                            path, (unsigned long long)r->snapshot_records, (unsigned long long)r->snapshot_end,
		                            (unsigned long long)r->durable_end, (unsigned long long)r->durable_seq);
	}
	return NUMBERING_OK;
}

/* Whether a file of @size < HEADER_SIZE_V2 bytes is what an interrupted creation left
 * (a prefix of a header, or zeros; or the fixed part of a new store's header without
 * its slots), so that it holds nothing and may be initialized. */
int numbering__file_interrupted_creation(const struct numbering__file_io *io, int fd, uint64_t size)
{
	uint8_t h[HEADER_SIZE_V2];
	if (size == 0)
		return 1;
	if (size >= HEADER_SIZE_V2 || numbering__file_read_all(io, fd, h, (size_t)size, 0) != 0)
		return 0;
	if (size >= HEADER_SIZE)
		/* A version-2 or -3 header as numbering__file_init() writes it: no sequence, no snapshot. */
		return memcmp(h, numbering__file_magic, 8) == 0 && get32(h + 60) == numbering__crc32c(0, h, 60) &&
		       (get32(h + 8) == 2 || get32(h + 8) == NUMBERING_FILE_FORMAT_VERSION) && get32(h + 12) == HEADER_SIZE_V2 &&
		       get64(h + 16) == 0 && get64(h + 36) == 0 && get64(h + 44) == HEADER_SIZE_V2 &&
		       get64(h + 52) == 0;
	size_t n = size < 8 ? (size_t)size : 8;
	if (memcmp(h, numbering__file_magic, n) == 0)
		return 1;
	for (size_t i = 0; i < size; i++)
		if (h[i] != 0)
			return 0;
	return 1;
}

/* Writes a fresh header of format @version (and nothing after it) into @fd and syncs it. */
int numbering__file_init(const struct numbering__file_io *io, int fd, const char *path, const char *dir,
                         uint32_t version)
{
	uint8_t h[HEADER_SIZE_V2];
	numbering__file_header_make(h, version, 0, 0, HEADER_SIZE_V2, 0);
	if (io->ftruncate(fd, 0) != 0 || numbering__file_write_all(io, fd, h, HEADER_SIZE_V2, 0) != 0 ||
	    io->fdatasync(fd) != 0 || numbering__file_fsync_dir(io, dir) != 0)
		return numbering__file_io_error("initialize", path);
	return NUMBERING_OK;
}

/*
 * Version 2: records in the header that the file is durable up to @end, where the
 * record of sequence @seq ends, and syncs it; @was_end and @was_seq are what the newest
 * slot says now. Called after the sync that made the records durable, by the one
 * thread that syncs: a slot never claims more than is on disk, so a crash at any point
 * leaves a slot that holds (this one, or the other, which is not written). A write is
 * acknowledged only after this returns, so every acknowledged record lies below the
 * durable length. Returns 0; -1 (errno set) when it failed and the slot was put back to
 * @was_end, so the caller may cut the file back there; -2 when even that failed: the
 * slot may claim the records, so they must stay, and the backend refuses writes.
 */
int numbering__file_mark_durable(const struct numbering__file_io *io, struct file *f, int fd, uint64_t end,
                                 uint64_t seq, uint64_t was_end, uint64_t was_seq)
{
	if (f->format_version < 2)
		return 0;
	uint8_t slot[SLOT_SIZE];
	uint64_t gen = f->slot_gen + 1;
	slot_make(slot, f->header_crc, gen, end, seq);
	if (numbering__file_write_all(io, fd, slot, SLOT_SIZE, slot_offset(gen)) == 0 && io->fdatasync(fd) == 0) {
		f->slot_gen = gen;
		return 0;
	}
	int e = errno;
	slot_make(slot, f->header_crc, gen, was_end, was_seq);
	int rc = -1;
	if (numbering__file_write_all(io, fd, slot, SLOT_SIZE, slot_offset(gen)) == 0 && io->fdatasync(fd) == 0) {
		f->slot_gen = gen;
	} else {
		__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
		rc = -2;
	}
	errno = e;
	return rc;
}

int numbering__file_verify(struct file *f)
{
	struct scan s = {numbering__file_sys(), f->fd, f->end, {NULL, 0, 0}, 0, NULL};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	int rc = numbering__file_read_header(&s, &r, f->path);
	if (rc == NUMBERING_OK)
		rc = numbering__file_replay_with(&s, NULL, NULL, &r, f->path);
	if (rc == NUMBERING_OK && (r.torn_bytes != 0 || r.valid_end != f->end || r.seq != f->seq))
		rc = numbering__error_set(NUMBERING_DATA_LOSS, "file backend: store %s: %s", f->path,
		                          r.problem[0] ? r.problem : "the file ends before what was written");
	buf_free(&s.win);
	return rc;
}
