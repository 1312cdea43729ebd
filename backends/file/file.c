/*
 * The file backend: the memory backend's indexes for reads, an append-only log of
 * committed transactions in one file for durability (docs/FILE-FORMAT.md).
 *
 * Composition: the backend owns a memory backend and forwards every read to it.
 * Writes go to the memory backend too (so a transaction reads its own writes) and
 * are encoded into a transaction buffer; commit() appends the buffer as one record
 * (header with length, sequence and checksums, then the operations), syncs according
 * to the sync mode, and only then commits the memory backend. A failed append or
 * sync cuts the file back to where it was and rolls the memory backend back, so what
 * memory holds is always what the file holds; when even that cut fails, the backend
 * refuses further writes (the file's state is unknown until it is reopened).
 *
 * Opening replays the records into memory. Scanning stops at the first record that
 * is incomplete or fails its checksums. If no valid record header follows it, that
 * is a torn tail (a crash during the last append): it is cut off and reported. If a
 * valid record follows, records the file once held are gone: NUMBERING_DATA_LOSS
 * with the offset, never a silent truncation.
 *
 * Compaction writes a snapshot of the memory state to a new temporary file beside the
 * store (records of the same format), syncs it, renames it over the store and syncs the
 * directory. Every file the backend creates besides the store itself is created with
 * O_CREAT|O_EXCL|O_NOFOLLOW under a random name (temp_create): nothing planted in the
 * store's directory is ever followed, written or renamed into place.
 */
#define _DEFAULT_SOURCE /* flock, fsync, fdatasync */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../memory/memory.h"
#include "core/alloc.h"
#include "core/error.h"
#include "file-io.h"
#include "model/instance.h"
#include "numbering/sys/backend.h"
#include "numbering/sys/file.h"

/* The file header's fixed part (all of a version-1 header), then in version 2 two slots
 * recording the durable length: records start at HEADER_SIZE_V2 (docs/FILE-FORMAT.md). */
#define HEADER_SIZE 64
#define HEADER_SIZE_V2 128
#define SLOT_SIZE 32
#define RECORD_HEADER 24
/* The largest record payload written or accepted: a bound on what an untrusted
 * length field can make us allocate. */
#define RECORD_MAX (64u << 20)
#define SNAPSHOT_CHUNK (1u << 20)
#define SCAN_WINDOW (1u << 20)
#define NAME_MAX_BYTES 4096
#define DEFAULT_COMPACT_MIN ((int64_t)8 << 20)
#define DEFAULT_WINDOW_US 10000

/* A store holds the page-token key and every customer's numbers: readable by its owner
 * only, as created (less the umask). A file that replaces it (compaction, repair)
 * takes the mode the owner has since given the store. */
#define STORE_FILE_MODE 0600
/* Random characters in a temporary file's name, and names tried before giving up. */
#define TEMP_RANDOM 12
#define TEMP_ATTEMPTS 64
/* Damaged copies kept beside a store (PATH.damaged, PATH.damaged.1, ...) before a repair
 * refuses to make another. */
#define DAMAGED_MAX 1000

/* Gives @fd, a file this backend has just created, the permission bits of the store
 * open as @store_fd. Never applied to a file the backend did not create. */
static void keep_mode(int fd, int store_fd)
{
	struct stat st;
	if (fstat(store_fd, &st) == 0)
		(void)fchmod(fd, st.st_mode & 07777);
}

static const uint8_t file_magic[8] = {0x89, 'N', 'U', 'M', 'B', 'D', 'B', '\n'};
#define RECORD_MAGIC 0x6365524eu /* "NRec" little-endian */

enum { RECORD_TXN = 1, RECORD_SNAPSHOT = 2 };
enum { OP_PUT = 1, OP_REMOVE = 2, OP_META = 3 };

/* The seam. */

static int sys_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

const struct numbering__file_io numbering__file_io_system = {
    sys_open, close, pread, pwrite, fdatasync, fsync, ftruncate, rename, unlink, link,
};

static const struct numbering__file_io *io_hook;

void numbering__file_io_set(const struct numbering__file_io *io)
{
	__atomic_store_n(&io_hook, io, __ATOMIC_RELEASE);
}

static const struct numbering__file_io *sys(void)
{
	const struct numbering__file_io *io = __atomic_load_n(&io_hook, __ATOMIC_ACQUIRE);
	return io ? io : &numbering__file_io_system;
}

/* Little-endian integers. */

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

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A growable byte buffer. */

struct buf {
	uint8_t *data;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t more)
{
	if (more > SIZE_MAX / 2 - b->len)
		return -1;
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *p = numbering__realloc(b->data, cap);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Appends; space must have been reserved. */
static void buf_add(struct buf *b, const void *data, size_t len)
{
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void buf_add32(struct buf *b, uint32_t v)
{
	put32(b->data + b->len, v);
	b->len += 4;
}

/* Wiped: records carry metadata, and metadata can be a secret (the page-token key). */
static void buf_free(struct buf *b)
{
	if (b->data != NULL)
		sodium_memzero(b->data, b->cap);
	numbering__free_mem(b->data);
	memset(b, 0, sizeof(*b));
}

/* Errors. */

static int io_error(const char *what, const char *path)
{
	int e = errno ? errno : EIO;
	int code = e == ENOSPC || e == EDQUOT || e == EFBIG ? NUMBERING_RESOURCE_EXHAUSTED : NUMBERING_UNAVAILABLE;
	return numbering__error_set(code, "file backend: cannot %s %s: %s", what, path, strerror(e));
}

static int write_all(const struct numbering__file_io *io, int fd, const uint8_t *data, size_t len, uint64_t off)
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

static int read_all(const struct numbering__file_io *io, int fd, uint8_t *data, size_t len, uint64_t off)
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

/* A new file's header: its snapshot ends at @snapshot_end after @snapshot_records
 * records holding @instances instances, and is durable up to there (both slots; the
 * next sync writes generation 3). */
static void header_make(uint8_t h[HEADER_SIZE_V2], uint64_t base_seq, uint64_t instances, uint64_t snapshot_end,
                        uint64_t snapshot_records)
{
	memset(h, 0, HEADER_SIZE_V2);
	put64(h + 36, instances);
	memcpy(h, file_magic, 8);
	put32(h + 8, NUMBERING_FILE_FORMAT_VERSION);
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

static int record_header_ok(const uint8_t h[RECORD_HEADER])
{
	return get32(h) == RECORD_MAGIC && get32(h + 20) == numbering__crc32c(0, h, 20);
}

/* Reading a file through a window. */

struct scan {
	const struct numbering__file_io *io;
	int fd;
	uint64_t size;
	struct buf win;
	uint64_t win_off;
};

/* Points *out at @len bytes at @off (which must lie inside the file). */
static int scan_get(struct scan *s, uint64_t off, size_t len, const uint8_t **out)
{
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
	if (read_all(s->io, s->fd, s->win.data, want, off) != 0)
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
		int rc = scan_get(s, off, len, &p);
		if (rc != NUMBERING_OK)
			return rc;
		for (size_t i = 0; i + RECORD_HEADER <= len; i++) {
			if (p[i] == 'N' && record_header_ok(p + i)) {
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

/* What a replay found. */
struct replay {
	uint64_t base_seq, seq;     /* the header's, the last record's */
	uint64_t valid_end;         /* end of the last valid record */
	uint64_t records;
	uint64_t live;              /* bytes of the operations a snapshot of the state replayed holds */
	uint64_t torn_bytes;        /* from valid_end to the end of the file, when torn */
	int64_t damage_offset;      /* -1 */
	int format_version;
	uint64_t data_start;        /* where the records start: the header's size */
	uint64_t instances_hint;    /* the snapshot's instances (version 1: 0 when no snapshot) */
	/* Version 2: the snapshot's end and records, from the header's fixed part; the
	 * durable length and the sequence of the record ending there, from its newest
	 * valid slot (0 in version 1: no durable length recorded). */
	uint64_t snapshot_end, snapshot_records;
	uint64_t durable_end, durable_seq, slot_gen;
	uint32_t header_crc;
	uint64_t snapshot_puts;     /* instances read from snapshot chunks */
	uint64_t snapshot_stop;     /* end of the last snapshot chunk read */
	char problem[160];
};

/* The bytes the instance named @name takes in a snapshot (an operation: 5 + its
 * encoding) in @mem, 0 if there is none; @scratch receives it. */
static int live_bytes_of(numbering_backend *mem, numbering_instance *scratch, const char *name, uint64_t *bytes)
{
	*bytes = 0;
	int rc = mem->get(scratch, mem, name);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	uint8_t *encoded = NULL;
	size_t len = 0;
	if (rc == NUMBERING_OK)
		rc = numbering_instance_encode(&encoded, &len, scratch);
	numbering_free(encoded);
	if (rc == NUMBERING_OK)
		*bytes = 5 + (uint64_t)len;
	return rc;
}

/* The bytes the metadata value @key takes in a snapshot (9 + key + value), 0 if none. */
static uint64_t meta_live_bytes_of(numbering_backend *mem, const char *key, size_t key_len)
{
	size_t len = 0;
	int rc = mem->meta_get(mem, key, NULL, &len);
	if (rc != NUMBERING_OK)
		numbering_error_clear();
	return rc == NUMBERING_OK || rc == NUMBERING_OUT_OF_RANGE ? 9 + (uint64_t)key_len + len : 0;
}

/* Live bytes after an operation replaced @old bytes with @new ones. */
static uint64_t live_add(uint64_t live, uint64_t old, uint64_t new_bytes)
{
	return (old < live ? live - old : 0) + new_bytes;
}

/* Applies one record's operations to @mem inside one transaction. @old is scratch
 * for the instances a transaction replaces (the live bytes they held); a snapshot
 * holds each name and key once, so its operations replace nothing. */
static int apply_record(numbering_backend *mem, const uint8_t *p, size_t len, uint64_t off, numbering_instance *scratch,
                        numbering_instance *old, struct buf *name, struct replay *r)
{
	const char *bad = NULL;
	if (len < 1 || (p[0] != RECORD_TXN && p[0] != RECORD_SNAPSHOT))
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: the record at offset %llu has an unknown type",
		                            (unsigned long long)off);
	int rc = mem->begin(mem);
	if (rc != NUMBERING_OK)
		return rc;
	int txn = p[0] == RECORD_TXN;
	uint64_t live = r->live, puts = 0, replaced = 0;
	size_t i = 1;
	while (i < len && bad == NULL) {
		uint8_t op = p[i++];
		if (len - i < 4) {
			bad = "an operation is cut short";
			break;
		}
		uint32_t n = get32(p + i);
		i += 4;
		if (n > len - i) {
			bad = "an operation's length runs past the record";
			break;
		}
		const uint8_t *data = p + i;
		i += n;
		if (op == OP_PUT) {
			rc = numbering_instance_decode(scratch, data, n);
			if (rc == NUMBERING_RESOURCE_EXHAUSTED)
				break;
			if (rc != NUMBERING_OK) {
				bad = "an instance does not decode";
				break;
			}
			replaced = 0;
			rc = txn ? live_bytes_of(mem, old, numbering__str_get(&scratch->name), &replaced) : NUMBERING_OK;
			if (rc == NUMBERING_OK)
				rc = mem->put(mem, scratch);
			live = live_add(live, replaced, 5 + (uint64_t)n);
			puts++;
		} else if (op == OP_REMOVE || op == OP_META) {
			if (n == 0 || n > NAME_MAX_BYTES || memchr(data, 0, n) != NULL) {
				bad = "a name or key is empty, too long or holds NUL";
				break;
			}
			name->len = 0;
			if (buf_reserve(name, n + 1) != 0) {
				rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory replaying");
				break;
			}
			buf_add(name, data, n);
			name->data[name->len] = 0;
			if (op == OP_REMOVE) {
				rc = live_bytes_of(mem, old, (const char *)name->data, &replaced);
				if (rc == NUMBERING_OK)
					rc = mem->remove(mem, (const char *)name->data);
				live = live_add(live, replaced, 0);
			} else {
				if (len - i < 4 || get32(p + i) > len - i - 4) {
					bad = "a metadata value runs past the record";
					break;
				}
				uint32_t vlen = get32(p + i);
				replaced = txn ? meta_live_bytes_of(mem, (const char *)name->data, n) : 0;
				rc = mem->meta_put(mem, (const char *)name->data, p + i + 4, vlen);
				i += 4 + (size_t)vlen;
				live = live_add(live, replaced, 9 + (uint64_t)n + vlen);
			}
		} else {
			bad = "an operation has an unknown code";
			break;
		}
		if (rc != NUMBERING_OK) {
			if (rc != NUMBERING_RESOURCE_EXHAUSTED)
				bad = rc == NUMBERING_NOT_FOUND ? "it removes an instance that does not exist"
				                                : "the memory index refused an operation";
			break;
		}
	}
	if (bad != NULL || rc != NUMBERING_OK) {
		mem->rollback(mem);
		if (bad != NULL)
			return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: the record at offset %llu is malformed: %s",
			                            (unsigned long long)off, bad);
		return rc;
	}
	if ((rc = mem->commit(mem)) == NUMBERING_OK) {
		r->live = live;
		if (!txn)
			r->snapshot_puts += puts;
	}
	return rc;
}

/* Replays the records after the header into @mem (NULL: only check them). On a
 * torn tail sets r->torn_bytes and returns NUMBERING_OK; damage before valid
 * records is NUMBERING_DATA_LOSS, and so is anything missing or unreadable below the
 * durable length (version 2) or inside the snapshot the header describes. */
static int replay_records(struct scan *s, numbering_backend *mem, struct replay *r, const char *path)
{
	numbering_instance *scratch = NULL, *old = NULL;
	struct buf name = {NULL, 0, 0};
	int rc = numbering_instance_new(&scratch);
	if (rc == NUMBERING_OK && (rc = numbering_instance_new(&old)) != NUMBERING_OK)
		numbering_instance_free(scratch);
	if (rc != NUMBERING_OK)
		return rc;
	uint64_t off = r->data_start ? r->data_start : HEADER_SIZE, expect = r->base_seq + 1;
	const char *why = NULL, *bad = NULL;
	while (off < s->size) {
		const uint8_t *h, *payload;
		if (s->size - off < RECORD_HEADER) {
			why = "an incomplete record header";
			break;
		}
		if ((rc = scan_get(s, off, RECORD_HEADER, &h)) != NUMBERING_OK)
			goto io_failed;
		if (!record_header_ok(h)) {
			why = "a damaged record header";
			break;
		}
		uint32_t len = get32(h + 4), crc = get32(h + 16);
		uint64_t seq = get64(h + 8);
		if (len > RECORD_MAX || len > s->size - off - RECORD_HEADER) {
			why = len > RECORD_MAX ? "a record longer than any written" : "a record that runs past the end of the file";
			break;
		}
		if (seq != expect) {
			why = "a record out of sequence";
			break;
		}
		if ((rc = scan_get(s, off + RECORD_HEADER, len, &payload)) != NUMBERING_OK)
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
		if (mem != NULL) {
			if ((rc = apply_record(mem, payload, len, off, scratch, old, &name, r)) != NUMBERING_OK) {
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
	if (mem != NULL && r->format_version == 1 && r->instances_hint > r->snapshot_puts) {
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
	if (mem != NULL && r->slot_gen > 0 && r->instances_hint != r->snapshot_puts) {
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
		rc = io_error("read", path);
done:
	numbering_instance_free(scratch);
	numbering_instance_free(old);
	buf_free(&name);
	return rc;
}

/* Reads and checks the header. @size is the file's size (at least HEADER_SIZE). */
static int read_header(struct scan *s, struct replay *r, const char *path)
{
	const uint8_t *h;
	int rc = scan_get(s, 0, HEADER_SIZE, &h);
	if (rc == -1)
		return io_error("read", path);
	if (rc != NUMBERING_OK)
		return rc;
	if (memcmp(h, file_magic, 8) != 0) {
		/* Records without a header: a store whose header was destroyed (zeroed, say). */
		uint64_t found = 0;
		if ((rc = scan_find_header(s, HEADER_SIZE - 1, &found)) != NUMBERING_OK)
			return rc == -1 ? io_error("read", path) : rc;
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
	if (version > NUMBERING_FILE_FORMAT_VERSION)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: store %s has format version %u; this libnumbering reads versions "
		                            "up to %d (open it with a newer libnumbering)",
		                            path, version, NUMBERING_FILE_FORMAT_VERSION);
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
	if ((rc = scan_get(s, HEADER_SIZE, 2 * SLOT_SIZE, &p)) != NUMBERING_OK)
		return rc == -1 ? io_error("read", path) : rc;
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
static int interrupted_creation(const struct numbering__file_io *io, int fd, uint64_t size)
{
	uint8_t h[HEADER_SIZE_V2];
	if (size == 0)
		return 1;
	if (size >= HEADER_SIZE_V2 || read_all(io, fd, h, (size_t)size, 0) != 0)
		return 0;
	if (size >= HEADER_SIZE)
		/* A version-2 header as init_file() writes it: no sequence, no snapshot. */
		return memcmp(h, file_magic, 8) == 0 && get32(h + 60) == numbering__crc32c(0, h, 60) && get32(h + 8) == 2 &&
		       get32(h + 12) == HEADER_SIZE_V2 && get64(h + 16) == 0 && get64(h + 36) == 0 &&
		       get64(h + 44) == HEADER_SIZE_V2 && get64(h + 52) == 0;
	size_t n = size < 8 ? (size_t)size : 8;
	if (memcmp(h, file_magic, n) == 0)
		return 1;
	for (size_t i = 0; i < size; i++)
		if (h[i] != 0)
			return 0;
	return 1;
}

/* Opening the file: create or open, lock, check it is still the file at @path. */

static int fsync_dir(const struct numbering__file_io *io, const char *dir)
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

/* What a file that is not a regular file is, for messages. */
static const char *file_kind(mode_t mode)
{
	return S_ISFIFO(mode)   ? "a FIFO"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
	       : S_ISDIR(mode)  ? "a directory"
	       : S_ISSOCK(mode) ? "a socket"
	                        : "not a regular file";
}

static int not_regular_error(const char *path, mode_t mode)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path",
	                              "file backend: %s is %s, not a regular file: not a libnumbering store", path,
	                              file_kind(mode));
}

/* Opens @path as a store may be opened: O_NONBLOCK, so that a FIFO cannot hang the
 * open, then refuses anything but a regular file before a byte is read, and clears
 * O_NONBLOCK. -1 with errno as open() left it; -2 with the error set for a file that is
 * not a regular file. */
static int open_regular(const char *path, int flags, mode_t mode)
{
	const struct numbering__file_io *io = sys();
	int fd = io->open(path, flags | O_NONBLOCK, mode);
	if (fd < 0) {
		if (errno == EISDIR) {
			not_regular_error(path, S_IFDIR);
			return -2;
		}
		return -1;
	}
	struct stat st;
	int fl;
	if (fstat(fd, &st) != 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    (S_ISREG(st.st_mode) && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)) {
		io_error("open", path);
		io->close(fd);
		return -2;
	}
	if (!S_ISREG(st.st_mode)) {
		not_regular_error(path, st.st_mode);
		io->close(fd);
		return -2;
	}
	return fd;
}

/* Whether @name (not followed if a symlink) is the regular file open as @fd. */
static int same_file(int fd, const char *name)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && lstat(name, &b) == 0 && S_ISREG(b.st_mode) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The file a store's path names, once it is open and locked as @fd: the path with every
 * symlink resolved, and its directory. Compaction and repair create their files beside
 * it and rename over it, so a store opened through a symlink stays one: the link's
 * target is replaced, the link is left as it is. */
static int resolve_store(char **real_out, char **dir_out, int fd, const char *path)
{
	char buf[PATH_MAX];
	*real_out = *dir_out = NULL;
	if (realpath(path, buf) == NULL)
		return io_error("resolve the path of", path);
	if (!same_file(fd, buf))
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: store %s was replaced or moved while it was being opened", path);
	const char *slash = strrchr(buf, '/'); /* realpath() is absolute */
	*real_out = numbering__strdup(buf);
	*dir_out = slash == buf ? numbering__strdup("/") : numbering__strndup(buf, (size_t)(slash - buf));
	if (*real_out == NULL || *dir_out == NULL) {
		numbering__free_mem(*real_out);
		numbering__free_mem(*dir_out);
		*real_out = *dir_out = NULL;
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	}
	return NUMBERING_OK;
}

/* Creates a new file for this backend's own use beside the store @real, named
 * REAL@suffix.XXXXXXXXXXXX (random characters). O_CREAT|O_EXCL|O_NOFOLLOW: a file or
 * symlink already at the name (planted, or left by a crash) is never opened, followed
 * or truncated; another name is tried. On success *fd_out is the new file (mode 0600
 * less the umask) and *name_out its name, to be freed by the caller. */
static int temp_create(int *fd_out, char **name_out, const char *real, const char *suffix)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	const struct numbering__file_io *io = sys();
	*fd_out = -1;
	*name_out = NULL;
	size_t prefix = strlen(real) + strlen(suffix) + 1;
	char *name = numbering__malloc(prefix + TEMP_RANDOM + 1);
	if (name == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	snprintf(name, prefix + 1, "%s%s.", real, suffix);
	for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
		uint8_t bytes[TEMP_RANDOM];
		randombytes_buf(bytes, sizeof(bytes));
		for (int i = 0; i < TEMP_RANDOM; i++)
			name[prefix + (size_t)i] = alphabet[bytes[i] & 31];
		name[prefix + TEMP_RANDOM] = '\0';
		int fd = io->open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, STORE_FILE_MODE);
		if (fd >= 0) {
			*fd_out = fd;
			*name_out = name;
			return NUMBERING_OK;
		}
		if (errno != EEXIST) {
			int rc = io_error("create", name);
			numbering__free_mem(name);
			return rc;
		}
	}
	numbering__free_mem(name);
	return numbering__error_set(NUMBERING_UNAVAILABLE,
	                            "file backend: cannot create a temporary file beside %s: %d random names %s%s.* "
	                            "were all taken",
	                            real, TEMP_ATTEMPTS, real, suffix);
}

/* Whether @entry is a name temp_create() makes for @base (the store's file name) with @suffix. */
static int temp_name(const char *entry, const char *base, const char *suffix)
{
	size_t b = strlen(base), s = strlen(suffix);
	if (strncmp(entry, base, b) != 0 || strncmp(entry + b, suffix, s) != 0 || entry[b + s] != '.')
		return 0;
	const char *r = entry + b + s + 1;
	if (strlen(r) != TEMP_RANDOM)
		return 0;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= '2' && *r <= '7')))
			return 0;
	return 1;
}

/* Deletes the temporary files that compactions and repairs of the store @real left when
 * they were interrupted (a crash, a kill), with the store's lock held, so that none is
 * in use. Only what is provably such a file goes: a name temp_create() makes (or the
 * fixed REAL.compact of older versions), a regular file, owned by this user, with one
 * link. Anything else is left alone; unlinking never changes another file's contents. */
static void remove_stale_temps(const char *real, const char *dir)
{
	const char *base = strrchr(real, '/') + 1;
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	size_t dir_len = strlen(dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t b = strlen(base);
		int legacy = strncmp(e->d_name, base, b) == 0 && strcmp(e->d_name + b, ".compact") == 0;
		if (!legacy && !temp_name(e->d_name, base, ".compact"))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_uid != geteuid() || st.st_nlink != 1)
			continue;
		size_t n = dir_len + strlen(e->d_name) + 2;
		char *name = numbering__malloc(n);
		if (name == NULL)
			break;
		snprintf(name, n, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, e->d_name);
		sys()->unlink(name);
		numbering__free_mem(name);
	}
	closedir(d);
}

static int lock_file(int fd, const char *path)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return NUMBERING_OK;
	if (errno == EWOULDBLOCK)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: store %s is open in another process (it holds the store's lock)",
		                            path);
	return io_error("lock", path);
}

/* Opens and locks @path; *created says whether this call created it. */
static int open_locked(int *out, int *created, const char *path, int must_exist, int writable)
{
	const struct numbering__file_io *io = sys();
	*out = -1;
	*created = 0;
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd = -1;
		if (!must_exist && writable) {
			fd = io->open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, STORE_FILE_MODE);
			if (fd >= 0)
				*created = 1;
			else if (errno != EEXIST)
				return io_error("create", path);
		}
		if (fd < 0) {
			fd = open_regular(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
			if (fd == -2)
				return numbering_error_code();
			struct stat l;
			if (fd < 0 && errno == ENOENT && lstat(path, &l) == 0 && S_ISLNK(l.st_mode))
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path",
				                              "file backend: store %s is a symlink to a file that does not exist; "
				                              "create the store at the link's target, or remove the link",
				                              path);
			if (fd < 0 && errno == ENOENT) {
				if (must_exist || !writable)
					return numbering__error_set(NUMBERING_NOT_FOUND, "file backend: store %s does not exist", path);
				continue; /* removed between the two opens */
			}
			if (fd < 0)
				return io_error("open", path);
		}
		int rc = lock_file(fd, path);
		if (rc != NUMBERING_OK) {
			io->close(fd);
			return rc;
		}
		/* A compaction may have renamed a new file over the one we opened. */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			*out = fd;
			return NUMBERING_OK;
		}
		io->close(fd);
		*created = 0;
	}
	return numbering__error_set(NUMBERING_UNAVAILABLE, "file backend: store %s keeps being replaced while opening",
	                            path);
}

/* Writes a fresh header (and nothing after it) into @fd and syncs it. */
static int init_file(const struct numbering__file_io *io, int fd, const char *path, const char *dir)
{
	uint8_t h[HEADER_SIZE_V2];
	header_make(h, 0, 0, HEADER_SIZE_V2, 0);
	if (io->ftruncate(fd, 0) != 0 || write_all(io, fd, h, HEADER_SIZE_V2, 0) != 0 || io->fdatasync(fd) != 0 ||
	    fsync_dir(io, dir) != 0)
		return io_error("initialize", path);
	return NUMBERING_OK;
}

/* Snapshots: the memory state as records after a header, into a new file. */

struct snapshot {
	const struct numbering__file_io *io;
	int fd;
	const char *path;
	uint64_t end, seq;
	uint64_t records, puts;
	struct buf chunk;
	int rc;
	/* Instances are gathered and sorted by number before they are written, so that
	 * replaying a snapshot inserts into the number trees in order (far faster). */
	struct buf all;
	struct sorted *order;
	size_t count, cap;
};

struct sorted {
	uint64_t key; /* digits << 56 | first */
	int64_t time;
	size_t off;   /* of the encoded instance in `all` */
	uint32_t len;
};

static int sorted_cmp(const void *x, const void *y)
{
	const struct sorted *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->time < b->time ? -1 : a->time > b->time;
}

static int snapshot_flush(struct snapshot *s)
{
	if (s->chunk.len <= 1)
		return NUMBERING_OK;
	uint8_t h[RECORD_HEADER];
	record_header(h, s->chunk.data, (uint32_t)s->chunk.len, s->seq + 1);
	if (write_all(s->io, s->fd, h, RECORD_HEADER, s->end) != 0 ||
	    write_all(s->io, s->fd, s->chunk.data, s->chunk.len, s->end + RECORD_HEADER) != 0)
		return s->rc = io_error("write the snapshot", s->path);
	s->end += RECORD_HEADER + s->chunk.len;
	s->seq++;
	s->records++;
	s->chunk.len = 1; /* the type byte stays */
	return NUMBERING_OK;
}

static int snapshot_room(struct snapshot *s, size_t need)
{
	if (s->chunk.len > 1 && s->chunk.len + need > SNAPSHOT_CHUNK && snapshot_flush(s) != NUMBERING_OK)
		return s->rc;
	if (buf_reserve(&s->chunk, need) != 0)
		return s->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory compacting");
	return NUMBERING_OK;
}

static int snapshot_instance(const struct numbering_instance *instance, void *payload)
{
	struct snapshot *s = payload;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc = numbering_instance_encode(&bytes, &len, instance);
	if (rc != NUMBERING_OK)
		return s->rc = rc;
	if (s->count == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		struct sorted *p = cap < SIZE_MAX / sizeof(*p) ? numbering__realloc(s->order, cap * sizeof(*p)) : NULL;
		if (p == NULL)
			rc = NUMBERING_RESOURCE_EXHAUSTED;
		else {
			s->order = p;
			s->cap = cap;
		}
	}
	if (rc == NUMBERING_OK && buf_reserve(&s->all, len) != 0)
		rc = NUMBERING_RESOURCE_EXHAUSTED;
	if (rc != NUMBERING_OK) {
		numbering_free(bytes);
		return s->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory compacting");
	}
	struct sorted *e = &s->order[s->count++];
	e->key = (uint64_t)instance->digits << 56 | instance->first;
	e->time = instance->create_time;
	e->off = s->all.len;
	e->len = (uint32_t)len;
	buf_add(&s->all, bytes, len);
	numbering_free(bytes);
	return NUMBERING_OK;
}

/* Writes the gathered instances in number order. */
static int snapshot_sorted(struct snapshot *s)
{
	if (s->count > 1)
		qsort(s->order, s->count, sizeof(*s->order), sorted_cmp);
	for (size_t i = 0; i < s->count; i++) {
		const struct sorted *e = &s->order[i];
		if (snapshot_room(s, 5 + (size_t)e->len) != NUMBERING_OK)
			return s->rc;
		s->chunk.data[s->chunk.len++] = OP_PUT;
		buf_add32(&s->chunk, e->len);
		buf_add(&s->chunk, s->all.data + e->off, e->len);
		s->puts++;
	}
	buf_free(&s->all);
	numbering__free_mem(s->order);
	s->order = NULL;
	s->count = s->cap = 0;
	return NUMBERING_OK;
}

static int snapshot_meta(const char *key, size_t key_len, const void *value, size_t value_len, void *payload)
{
	struct snapshot *s = payload;
	if (snapshot_room(s, 9 + key_len + value_len) == NUMBERING_OK) {
		s->chunk.data[s->chunk.len++] = OP_META;
		buf_add32(&s->chunk, (uint32_t)key_len);
		buf_add(&s->chunk, key, key_len);
		buf_add32(&s->chunk, (uint32_t)value_len);
		buf_add(&s->chunk, value, value_len);
	}
	return s->rc;
}

/* Writes @mem's state into a new temporary file beside the store @real (temp_create:
 * created, then locked) and syncs it; on success *fd is the open file, *tmp_out its
 * name (the caller's to free), *end its size and *seq its last record's sequence. */
static int snapshot_write(int *fd_out, char **tmp_out, uint64_t *end, uint64_t *seq, uint64_t *records,
                          numbering_backend *mem, const char *real, uint64_t base_seq)
{
	const struct numbering__file_io *io = sys();
	*fd_out = -1;
	*tmp_out = NULL;
	int fd = -1;
	char *tmp = NULL;
	int made = temp_create(&fd, &tmp, real, ".compact");
	if (made != NUMBERING_OK)
		return made;
	struct snapshot s;
	memset(&s, 0, sizeof(s));
	s.io = io;
	s.fd = fd;
	s.path = tmp;
	s.end = HEADER_SIZE_V2;
	s.seq = base_seq;
	s.rc = NUMBERING_OK;
	uint8_t h[HEADER_SIZE_V2];
	int rc = lock_file(fd, tmp);
	if (rc == NUMBERING_OK && buf_reserve(&s.chunk, 256) != 0)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory compacting");
	if (rc == NUMBERING_OK) {
		s.chunk.data[0] = RECORD_SNAPSHOT;
		s.chunk.len = 1;
		/* Instances first (gathered, then sorted), metadata after them. */
		struct numbering__memory_foreach f = {snapshot_instance, NULL, &s};
		rc = mem->control(mem, NUMBERING__MEMORY_CONTROL_FOREACH, &f);
		if (rc == NUMBERING_OK)
			rc = snapshot_sorted(&s);
		struct numbering__memory_foreach g = {NULL, snapshot_meta, &s};
		if (rc == NUMBERING_OK)
			rc = mem->control(mem, NUMBERING__MEMORY_CONTROL_FOREACH, &g);
		if (rc == NUMBERING_OK)
			rc = snapshot_flush(&s);
		else if (s.rc != NUMBERING_OK)
			rc = s.rc;
	}
	/* The header last: it says where the snapshot ends, how many records and instances
	 * it holds, and that it is durable (the file is synced before it is renamed in). */
	if (rc == NUMBERING_OK) {
		header_make(h, base_seq, s.puts, s.end, s.records);
		if (write_all(io, fd, h, HEADER_SIZE_V2, 0) != 0)
			rc = io_error("write", tmp);
	}
	if (rc == NUMBERING_OK && io->fdatasync(fd) != 0)
		rc = io_error("sync", tmp);
	buf_free(&s.chunk);
	buf_free(&s.all);
	numbering__free_mem(s.order);
	if (rc != NUMBERING_OK) {
		io->close(fd);
		io->unlink(tmp);
		numbering__free_mem(tmp);
		return rc;
	}
	*fd_out = fd;
	*tmp_out = tmp;
	*end = s.end;
	*seq = s.seq;
	*records = s.records;
	return NUMBERING_OK;
}

/* The backend. */

struct file {
	numbering_backend base;
	numbering_backend *mem;
	char *path, *dir;
	char *real; /* the store's file, symlinks resolved (resolve_store); NULL when read-only */
	int fd;
	int read_only; /* a snapshot opened without the lock: never written */
	pthread_mutex_t lock; /* fd, end, seq, counters; the flusher */
	pthread_cond_t cond;
	pthread_t flusher;
	int flusher_running, stopping, syncing;
	int sync_mode, window_us;
	int64_t compact_min;
	numbering_file_diagnostic_cb diagnostic;
	void *diagnostic_payload;
	uint64_t end, synced_end, seq, snapshot_bytes, records;
	uint64_t synced_seq; /* every record up to this sequence is on disk (and, in version 2, recorded so) */
	/* The file's format version (1 only until a writable open has rewritten it), and in
	 * version 2 the header's checksum (the slots' seed) and the newest slot's generation,
	 * which only the thread that syncs changes (f->syncing, or f->lock with no sync running). */
	int format_version;
	uint32_t header_crc;
	uint64_t slot_gen;
	int deferred;        /* the store waits for durability after its lock (group commit) */
	int maintained;      /* the store sends MAINTAIN after each write: compact there, not in commit */
	uint64_t last_group; /* commits the last group sync covered */
	int64_t last_sync_ns; /* how long the last group sync took */
	/* Bytes of the operations a snapshot of the committed state holds (exact: each put,
	 * remove and metadata write adds its bytes and takes those of what it replaces). */
	uint64_t live;
	int64_t txn_live;    /* the open transaction's change to it */
	numbering_instance *replaced; /* scratch: an instance a write replaces */
	uint64_t next_compact_check;
	int64_t commits, syncs, compactions, truncated_bytes, open_ns;
	int in_txn;
	int broken; /* the file's state is unknown: writes are refused */
	int dir_pending; /* a rename whose directory sync failed: retried before the next commit */
	struct buf txn;
	uint64_t txn_ops;
};

static void diagnose(struct file *f, const char *fmt, ...) NUMBERING__PRINTF(2, 3);

/* The calling thread's last commit waiting for its sync (group commit). */
static _Thread_local struct {
	const struct file *backend;
	uint64_t seq;
} pending;

static void diagnose(struct file *f, const char *fmt, ...)
{
	if (f->diagnostic == NULL)
		return;
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	f->diagnostic(message, f->diagnostic_payload);
}

static int broken_error(const struct file *f)
{
	return numbering__error_set(NUMBERING_UNAVAILABLE,
	                            "file backend: store %s failed a write and its file's state is unknown; reopen it",
	                            f->path);
}

static int read_only_error(const struct file *f)
{
	return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: store %s is open read-only", f->path);
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
static int mark_durable(const struct numbering__file_io *io, struct file *f, int fd, uint64_t end, uint64_t seq,
                        uint64_t was_end, uint64_t was_seq)
{
	if (f->format_version < 2)
		return 0;
	uint8_t slot[SLOT_SIZE];
	uint64_t gen = f->slot_gen + 1;
	slot_make(slot, f->header_crc, gen, end, seq);
	if (write_all(io, fd, slot, SLOT_SIZE, slot_offset(gen)) == 0 && io->fdatasync(fd) == 0) {
		f->slot_gen = gen;
		return 0;
	}
	int e = errno;
	slot_make(slot, f->header_crc, gen, was_end, was_seq);
	int rc = -1;
	if (write_all(io, fd, slot, SLOT_SIZE, slot_offset(gen)) == 0 && io->fdatasync(fd) == 0) {
		f->slot_gen = gen;
	} else {
		__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
		rc = -2;
	}
	errno = e;
	return rc;
}

static int file_begin(numbering_backend *backend)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	if (__atomic_load_n(&f->broken, __ATOMIC_ACQUIRE))
		return broken_error(f);
	if (f->read_only)
		return read_only_error(f);
	int rc = f->mem->begin(f->mem);
	if (rc != NUMBERING_OK)
		return rc;
	__atomic_store_n(&f->in_txn, 1, __ATOMIC_RELEASE);
	f->txn.len = 0;
	f->txn_ops = 0;
	f->txn_live = 0;
	if (buf_reserve(&f->txn, 1) != 0) {
		f->mem->rollback(f->mem);
		__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	}
	f->txn.data[f->txn.len++] = RECORD_TXN;
	return NUMBERING_OK;
}

static int txn_room(struct file *f, size_t need)
{
	if (need > RECORD_MAX || f->txn.len + need > RECORD_MAX)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED,
		                            "file backend: a transaction may write at most %u bytes", RECORD_MAX);
	if (buf_reserve(&f->txn, need) != 0)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	return NUMBERING_OK;
}

/* The live bytes of the instance a write to @name replaces (0 if none). */
static int replaced_bytes(struct file *f, const char *name, uint64_t *bytes)
{
	*bytes = 0;
	if (f->replaced == NULL && numbering_instance_new(&f->replaced) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	return live_bytes_of(f->mem, f->replaced, name, bytes);
}

static int not_in_txn(const char *what)
{
	return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: %s without a transaction", what);
}

static int file_put(numbering_backend *backend, const numbering_instance *instance)
{
	struct file *f = (struct file *)backend;
	if (f == NULL || instance == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, f == NULL ? "backend" : "instance",
		                              "file backend put: an argument is NULL");
	if (!f->in_txn)
		return not_in_txn("put");
	uint8_t *bytes = NULL;
	size_t len = 0;
	uint64_t replaced = 0;
	int rc = numbering_instance_encode(&bytes, &len, instance);
	if (rc == NUMBERING_OK)
		rc = txn_room(f, 5 + len);
	if (rc == NUMBERING_OK)
		rc = replaced_bytes(f, numbering__str_get(&instance->name), &replaced);
	if (rc == NUMBERING_OK)
		rc = f->mem->put(f->mem, instance);
	if (rc == NUMBERING_OK) {
		f->txn.data[f->txn.len++] = OP_PUT;
		buf_add32(&f->txn, (uint32_t)len);
		buf_add(&f->txn, bytes, len);
		f->txn_ops++;
		f->txn_live += (int64_t)(5 + len) - (int64_t)replaced;
	}
	numbering_free(bytes);
	return rc;
}

static int file_remove(numbering_backend *backend, const char *name)
{
	struct file *f = (struct file *)backend;
	if (f == NULL || name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, f == NULL ? "backend" : "name",
		                              "file backend remove: an argument is NULL");
	if (!f->in_txn)
		return not_in_txn("remove");
	size_t len = strlen(name);
	int rc = len == 0 || len > NAME_MAX_BYTES
	             ? numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "file backend: a name has 1 to %d bytes",
	                                      NAME_MAX_BYTES)
	             : txn_room(f, 5 + len);
	uint64_t replaced = 0;
	if (rc == NUMBERING_OK)
		rc = replaced_bytes(f, name, &replaced);
	if (rc == NUMBERING_OK)
		rc = f->mem->remove(f->mem, name);
	if (rc == NUMBERING_OK) {
		f->txn.data[f->txn.len++] = OP_REMOVE;
		buf_add32(&f->txn, (uint32_t)len);
		buf_add(&f->txn, name, len);
		f->txn_ops++;
		f->txn_live -= (int64_t)replaced;
	}
	return rc;
}

static int file_meta_put(numbering_backend *backend, const char *key, const void *value, size_t len)
{
	struct file *f = (struct file *)backend;
	if (f == NULL || key == NULL || (value == NULL && len > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, f == NULL ? "backend" : key == NULL ? "key" : "value",
		                              "file backend meta_put: an argument is NULL");
	if (!f->in_txn)
		return not_in_txn("meta_put");
	size_t key_len = strlen(key);
	int rc = key_len == 0 || key_len > NAME_MAX_BYTES
	             ? numbering__error_field(NUMBERING_INVALID_ARGUMENT, "key",
	                                      "file backend: a metadata key has 1 to %d bytes", NAME_MAX_BYTES)
	         : len > RECORD_MAX ? numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: value too large")
	                            : txn_room(f, 9 + key_len + len);
	uint64_t replaced = rc == NUMBERING_OK ? meta_live_bytes_of(f->mem, key, key_len) : 0;
	if (rc == NUMBERING_OK)
		rc = f->mem->meta_put(f->mem, key, value, len);
	if (rc == NUMBERING_OK) {
		f->txn_live += (int64_t)(9 + key_len + len) - (int64_t)replaced;
		f->txn.data[f->txn.len++] = OP_META;
		buf_add32(&f->txn, (uint32_t)key_len);
		buf_add(&f->txn, key, key_len);
		buf_add32(&f->txn, (uint32_t)len);
		buf_add(&f->txn, value, len);
		f->txn_ops++;
	}
	return rc;
}

static int file_rollback(numbering_backend *backend)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	if (!f->in_txn)
		return not_in_txn("rollback");
	__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
	f->txn.len = 0;
	return f->mem->rollback(f->mem);
}

static int compact_locked(struct file *f);
static void compact_if_due_locked(struct file *f);

/* Whether the file holds more than twice its live data (and more than the minimum). */
static int wants_compaction(struct file *f)
{
	if (f->compact_min < 0 || f->end < (uint64_t)f->compact_min || f->end < f->next_compact_check)
		return 0;
	/* What a snapshot of the live state takes: the header, the live operations, and a
	 * record header and type byte per chunk (a chunk is at least half full). Dead bytes
	 * are everything else, whatever the sizes of the records that made them. */
	uint64_t snapshot = HEADER_SIZE_V2 + f->live + (f->live / (SNAPSHOT_CHUNK / 2) + 1) * (RECORD_HEADER + 1);
	return f->end > 2 * snapshot;
}

static int file_commit(numbering_backend *backend)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	if (!f->in_txn)
		return not_in_txn("commit");
	if (f->txn_ops == 0) {
		__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
		return f->mem->commit(f->mem);
	}
	const struct numbering__file_io *io = sys();
	pthread_mutex_lock(&f->lock);
	int rc = NUMBERING_OK;
	if (f->broken) {
		rc = broken_error(f);
	} else if (f->dir_pending && fsync_dir(io, f->dir) != 0) {
		/* Acknowledging a write to a file whose name may not survive a power loss could lose it. */
		rc = io_error("sync the directory of", f->path);
	} else {
		f->dir_pending = 0;
		int full = f->sync_mode == NUMBERING_FILE_SYNC_FULL && !f->deferred;
		while (full && f->syncing)
			pthread_cond_wait(&f->cond, &f->lock); /* one thread writes the durable length at a time */
		uint8_t h[RECORD_HEADER];
		record_header(h, f->txn.data, (uint32_t)f->txn.len, f->seq + 1);
		if (write_all(io, f->fd, h, RECORD_HEADER, f->end) != 0 ||
		    write_all(io, f->fd, f->txn.data, f->txn.len, f->end + RECORD_HEADER) != 0)
			rc = io_error("append to", f->path);
		else if (full && io->fdatasync(f->fd) != 0)
			rc = io_error("sync", f->path);
		else if (full && mark_durable(io, f, f->fd, f->end + RECORD_HEADER + f->txn.len, f->seq + 1, f->synced_end,
		                              f->synced_seq) != 0)
			rc = io_error("record the durable length of", f->path);
		if (rc == NUMBERING_OK) {
			f->end += RECORD_HEADER + f->txn.len;
			f->seq++;
			f->records++;
			f->commits++;
			f->live = f->txn_live < 0 ? live_add(f->live, (uint64_t)-f->txn_live, 0) : f->live + (uint64_t)f->txn_live;
			if (f->sync_mode == NUMBERING_FILE_SYNC_FULL && f->deferred) {
				pending.backend = f;
				pending.seq = f->seq;
				pthread_cond_broadcast(&f->cond); /* a sync leader may be waiting for this record */
			} else if (f->sync_mode == NUMBERING_FILE_SYNC_FULL) {
				f->synced_end = f->end;
				f->synced_seq = f->seq;
				f->syncs++;
			} else {
				pthread_cond_broadcast(&f->cond);
			}
		} else {
			/* Cut the file back to the acknowledged state; after a failed fsync the
			 * cut itself must reach the disk, or the file's state is unknown. */
			int e = errno;
			if (f->broken || io->ftruncate(f->fd, (off_t)f->end) != 0 || io->fdatasync(f->fd) != 0) {
				__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
				diagnose(f, "store %s: a failed append could not be undone; writes are refused until it is reopened",
				         f->path);
			}
			errno = e;
		}
	}
	/* In transaction until the record is appended: a group-commit leader waits for it. */
	__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
	if (rc != NUMBERING_OK) {
		pthread_mutex_unlock(&f->lock);
		f->mem->rollback(f->mem);
		f->txn.len = 0;
		return rc;
	}
	f->mem->commit(f->mem);
	f->txn.len = 0;
	if (f->txn.cap > (1u << 20)) {
		buf_free(&f->txn);
	}
	if (!f->maintained)
		compact_if_due_locked(f);
	pthread_mutex_unlock(&f->lock);
	return NUMBERING_OK;
}

/* Reads: the memory backend's. */

static int file_get(numbering_instance *out, numbering_backend *backend, const char *name)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	return f->mem->get(out, f->mem, name);
}

static int file_find(numbering_instance *out, numbering_backend *backend, uint64_t first, uint64_t last, int digits)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	return f->mem->find(out, f->mem, first, last, digits);
}

static int file_list(numbering_backend *backend, const numbering_backend_query *query, numbering_backend_visit_cb visit,
                     void *payload)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	return f->mem->list(f->mem, query, visit, payload);
}

static int file_meta_get(numbering_backend *backend, const char *key, void *buf, size_t *len)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	return f->mem->meta_get(f->mem, key, buf, len);
}

/* The automatic compaction, with f->lock held and no transaction open. The write that
 * triggered it has succeeded: a failure is reported to the diagnostic callback. */
static void compact_if_due_locked(struct file *f)
{
	if (!wants_compaction(f))
		return;
	if (compact_locked(f) != NUMBERING_OK) {
		/* A full disk, say: try again once the file has grown by an eighth. */
		f->next_compact_check = f->end + f->end / 8;
		diagnose(f, "store %s: automatic compaction failed: %s", f->path, numbering_error_message());
	}
	numbering_error_clear();
}

/* Compaction, with f->lock held and no transaction open. */
static int compact_locked(struct file *f)
{
	const struct numbering__file_io *io = sys();
	if (f->broken)
		return broken_error(f);
	while (f->syncing)
		pthread_cond_wait(&f->cond, &f->lock);
	/* Only the store's own name is ever replaced: if it no longer names the file this
	 * backend holds (moved, replaced, turned into a symlink), refuse. */
	if (!same_file(f->fd, f->real))
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: store %s: %s is no longer the file this backend has open (it was "
		                            "moved or replaced); not compacting, reopen the store",
		                            f->path, f->real);
	int fd = -1;
	char *tmp = NULL;
	uint64_t end = 0, seq = 0, records = 0;
	int rc = snapshot_write(&fd, &tmp, &end, &seq, &records, f->mem, f->real, f->seq);
	if (rc != NUMBERING_OK)
		return rc;
	keep_mode(fd, f->fd);
	if (!same_file(f->fd, f->real))
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                          "file backend: store %s: %s was moved or replaced during the compaction; not "
		                          "compacting, reopen the store",
		                          f->path, f->real);
	else if (io->rename(tmp, f->real) != 0)
		rc = io_error("rename the compacted file over", f->path);
	if (rc != NUMBERING_OK) {
		io->close(fd);
		io->unlink(tmp);
		numbering__free_mem(tmp);
		return rc;
	}
	numbering__free_mem(tmp);
	/* From here the store is the new file, whatever else fails. */
	io->close(f->fd);
	f->fd = fd;
	f->end = f->synced_end = f->snapshot_bytes = end;
	f->seq = f->synced_seq = seq;
	f->records = records;
	f->compactions++;
	f->syncs++;
	/* A version-2 file, durable to its end (both slots); every byte after the header is
	 * a record header, a type byte or a live operation. */
	f->format_version = 2;
	f->slot_gen = 2;
	f->live = end - HEADER_SIZE_V2 - records * (RECORD_HEADER + 1);
	f->next_compact_check = 0;
	uint8_t crc[4];
	if (read_all(io, fd, crc, 4, 60) != 0) {
		__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
		return io_error("read the header of", f->path);
	}
	f->header_crc = get32(crc);
	if (fsync_dir(io, f->dir) != 0) {
		/* Until the rename is durable, acknowledging writes to the new file could lose
		 * them: the next commit syncs the directory first. */
		f->dir_pending = 1;
		return io_error("sync the directory of", f->path);
	}
	f->dir_pending = 0;
	return NUMBERING_OK;
}

static int sync_now_locked(struct file *f)
{
	if (f->broken)
		return broken_error(f);
	if (f->synced_end == f->end)
		return NUMBERING_OK;
	while (f->syncing)
		pthread_cond_wait(&f->cond, &f->lock);
	uint64_t target = f->end;
	if (sys()->fdatasync(f->fd) != 0 ||
	    mark_durable(sys(), f, f->fd, target, f->seq, f->synced_end, f->synced_seq) != 0) {
		int rc = io_error("sync", f->path);
		__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
		return rc;
	}
	f->synced_end = target;
	f->synced_seq = f->seq;
	f->syncs++;
	return NUMBERING_OK;
}

/* Group commit: the first waiter whose record is not on disk syncs for everyone
 * whose record was written by then; the others wait for it. */
static int wait_durable(struct file *f)
{
	if (pending.backend != f || pending.seq == 0)
		return NUMBERING_OK;
	uint64_t mine = pending.seq;
	pending.seq = 0;
	int rc = NUMBERING_OK;
	pthread_mutex_lock(&f->lock);
	if (mine > f->seq)
		mine = f->seq; /* left by an earlier backend at the same address: nothing of ours */
	int lingered = 0;
	while (f->synced_seq < mine && !f->broken) {
		if (f->syncing) {
			pthread_cond_wait(&f->cond, &f->lock);
			continue;
		}
		if (!lingered && (__atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE) || f->seq - f->synced_seq < f->last_group)) {
			/* Another writer is inside its transaction, or fewer records wait than the
			 * last group held: the writers just released are coming back, and their
			 * records will be appended in microseconds. One sync can cover them all:
			 * wait for them, at most a third of what a sync takes (and 300 us). */
			lingered = 1;
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			int64_t linger = f->last_sync_ns / 3 < 300000 ? f->last_sync_ns / 3 : 300000;
			until.tv_nsec += (long)linger;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			while (!f->syncing && f->synced_seq < mine &&
			       (__atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE) || f->seq - f->synced_seq < f->last_group) &&
			       pthread_cond_timedwait(&f->cond, &f->lock, &until) == 0)
				;
			continue;
		}
		uint64_t target_seq = f->seq, target_end = f->end, was_end = f->synced_end, was_seq = f->synced_seq;
		int fd = f->fd;
		f->syncing = 1;
		pthread_mutex_unlock(&f->lock);
		int64_t started = now_ns();
		/* The records, then the durable length that covers them: acknowledged after both. */
		int failed = sys()->fdatasync(fd) != 0 ? -1 : mark_durable(sys(), f, fd, target_end, target_seq, was_end, was_seq);
		int e = errno;
		int64_t took = now_ns() - started;
		pthread_mutex_lock(&f->lock);
		f->syncing = 0;
		f->last_sync_ns = took;
		if (!failed) {
			if (target_seq > f->synced_seq) {
				f->last_group = target_seq - f->synced_seq;
				f->synced_seq = target_seq;
			}
			if (target_end > f->synced_end)
				f->synced_end = target_end;
			f->syncs++;
		} else {
			/* None of the records after synced_end was acknowledged: cut them off, so
			 * that the file holds exactly what was (unless the durable length may claim
			 * them: then they stay). Memory still shows them, so the backend refuses
			 * writes until it is reopened. */
			if (failed == -1 && sys()->ftruncate(fd, (off_t)f->synced_end) == 0 && sys()->fdatasync(fd) == 0)
				f->end = f->synced_end;
			__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
			diagnose(f, "store %s: sync failed (%s); writes are refused until it is reopened", f->path, strerror(e));
		}
		pthread_cond_broadcast(&f->cond);
	}
	if (f->synced_seq < mine)
		rc = numbering__error_set(NUMBERING_UNAVAILABLE,
		                          "file backend: store %s could not make a commit durable; reopen it", f->path);
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static int verify(struct file *f)
{
	struct scan s = {sys(), f->fd, f->end, {NULL, 0, 0}, 0};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	int rc = read_header(&s, &r, f->path);
	if (rc == NUMBERING_OK)
		rc = replay_records(&s, NULL, &r, f->path);
	if (rc == NUMBERING_OK && (r.torn_bytes != 0 || r.valid_end != f->end || r.seq != f->seq))
		rc = numbering__error_set(NUMBERING_DATA_LOSS, "file backend: store %s: %s", f->path,
		                          r.problem[0] ? r.problem : "the file ends before what was written");
	buf_free(&s.win);
	return rc;
}

static void *flusher_main(void *arg);

static int file_control(numbering_backend *backend, int op, void *arg)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
	int rc = NUMBERING_OK;
	switch (op) {
	case NUMBERING_FILE_CONTROL_COMPACT:
		if (f->read_only)
			return read_only_error(f);
		if (f->in_txn)
			return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: compaction inside a transaction");
		pthread_mutex_lock(&f->lock);
		rc = compact_locked(f);
		pthread_mutex_unlock(&f->lock);
		return rc;
	case NUMBERING_FILE_CONTROL_SYNC:
		if (f->read_only)
			return NUMBERING_OK; /* nothing of ours to sync */
		pthread_mutex_lock(&f->lock);
		rc = sync_now_locked(f);
		pthread_mutex_unlock(&f->lock);
		return rc;
	case NUMBERING_BACKEND_CONTROL_DEFER_SYNC:
		pthread_mutex_lock(&f->lock);
		f->deferred = 1;
		pthread_mutex_unlock(&f->lock);
		return NUMBERING_OK;
	case NUMBERING_BACKEND_CONTROL_MAINTAIN:
		/* Writes are held off by the store; reads go on beside the compaction, which
		 * only reads the memory state. */
		if (f->read_only)
			return NUMBERING_OK;
		pthread_mutex_lock(&f->lock);
		f->maintained = 1;
		if (!__atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE))
			compact_if_due_locked(f);
		pthread_mutex_unlock(&f->lock);
		return NUMBERING_OK;
	case NUMBERING_BACKEND_CONTROL_WAIT_DURABLE:
		return wait_durable(f);
	case NUMBERING_FILE_CONTROL_VERIFY:
		pthread_mutex_lock(&f->lock);
		rc = verify(f);
		pthread_mutex_unlock(&f->lock);
		return rc;
	case NUMBERING_FILE_CONTROL_SET_SYNC: {
		if (arg == NULL || *(int *)arg < NUMBERING_FILE_SYNC_FULL || *(int *)arg > NUMBERING_FILE_SYNC_OFF)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg",
			                              "file backend: the sync mode is FULL (0), NORMAL (1) or OFF (2)");
		int mode = *(int *)arg;
		pthread_mutex_lock(&f->lock);
		if (mode == NUMBERING_FILE_SYNC_FULL)
			rc = sync_now_locked(f);
		if (rc == NUMBERING_OK && mode == NUMBERING_FILE_SYNC_NORMAL && !f->flusher_running) {
			if (pthread_create(&f->flusher, NULL, flusher_main, f) != 0)
				rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: cannot start the sync thread");
			else
				f->flusher_running = 1;
		}
		if (rc == NUMBERING_OK)
			f->sync_mode = mode;
		pthread_mutex_unlock(&f->lock);
		return rc;
	}
	case NUMBERING_FILE_CONTROL_STATS: {
		numbering_file_stats *s = arg;
		if (s == NULL || s->version < 1)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg",
			                              "file backend: stats needs a numbering_file_stats with its version set");
		struct numbering__memory_stats ms;
		memset(&ms, 0, sizeof(ms));
		f->mem->control(f->mem, NUMBERING__MEMORY_CONTROL_STATS, &ms);
		pthread_mutex_lock(&f->lock);
		s->sync_mode = f->sync_mode;
		s->file_bytes = (int64_t)f->end;
		s->snapshot_bytes = (int64_t)f->snapshot_bytes;
		s->records = (int64_t)f->records;
		s->instances = ms.records;
		s->metas = ms.metas;
		s->commits = f->commits;
		s->syncs = f->syncs;
		s->compactions = f->compactions;
		s->truncated_bytes = f->truncated_bytes;
		s->open_ns = f->open_ns;
		pthread_mutex_unlock(&f->lock);
		return NUMBERING_OK;
	}
	default:
		/* The memory backend's own operations (its consistency check, statistics). */
		return f->mem->control(f->mem, op, arg);
	}
}

/* NORMAL mode: one fdatasync per window for every commit written in it. */
static void *flusher_main(void *arg)
{
	struct file *f = arg;
	pthread_mutex_lock(&f->lock);
	while (!f->stopping) {
		if (f->sync_mode != NUMBERING_FILE_SYNC_NORMAL || f->synced_end == f->end || f->broken || f->syncing) {
			pthread_cond_wait(&f->cond, &f->lock);
			continue;
		}
		/* Let the window's commits gather. */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		long ns = until.tv_nsec + (long)f->window_us * 1000;
		until.tv_sec += ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		while (!f->stopping && pthread_cond_timedwait(&f->cond, &f->lock, &until) == 0)
			;
		if (f->syncing || f->broken)
			continue;
		uint64_t target = f->end, target_seq = f->seq, was_end = f->synced_end, was_seq = f->synced_seq;
		int fd = f->fd;
		f->syncing = 1;
		pthread_mutex_unlock(&f->lock);
		int rc = sys()->fdatasync(fd);
		if (rc == 0)
			rc = mark_durable(sys(), f, fd, target, target_seq, was_end, was_seq);
		int e = errno;
		pthread_mutex_lock(&f->lock);
		f->syncing = 0;
		pthread_cond_broadcast(&f->cond);
		if (rc == 0) {
			if (target > f->synced_end)
				f->synced_end = target;
			if (target_seq > f->synced_seq)
				f->synced_seq = target_seq;
			f->syncs++;
		} else {
			__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
			diagnose(f, "store %s: background sync failed (%s); writes are refused until it is reopened", f->path,
			         strerror(e));
		}
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

static void file_free(numbering_backend *backend)
{
	struct file *f = (struct file *)backend;
	if (f == NULL)
		return;
	if (f->flusher_running) {
		pthread_mutex_lock(&f->lock);
		f->stopping = 1;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->flusher, NULL);
	}
	if (f->in_txn)
		f->mem->rollback(f->mem);
	if (f->fd >= 0) {
		if (!f->broken && f->synced_end != f->end && sys()->fdatasync(f->fd) == 0)
			mark_durable(sys(), f, f->fd, f->end, f->seq, f->synced_end, f->synced_seq);
		sys()->close(f->fd);
	}
	numbering_instance_free(f->replaced);
	if (f->mem)
		f->mem->free(f->mem);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	buf_free(&f->txn);
	numbering__free_mem(f->path);
	numbering__free_mem(f->dir);
	numbering__free_mem(f->real);
	numbering__free_mem(f);
}

int numbering_file_options_init(numbering_file_options *options, unsigned int version)
{
	if (options == NULL || version < 1 || version > NUMBERING_FILE_OPTIONS_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, options == NULL ? "options" : "version",
		                              "numbering_file_options_init: NULL options or unknown version %u", version);
	numbering_file_options defaults = NUMBERING_FILE_OPTIONS_INIT;
	*options = defaults;
	options->version = version;
	return NUMBERING_OK;
}

static int set_paths(struct file *f, const char *path)
{
	f->path = numbering__strdup(path);
	const char *slash = strrchr(path, '/');
	f->dir = slash == NULL ? numbering__strdup(".")
	         : slash == path ? numbering__strdup("/")
	                         : numbering__strndup(path, (size_t)(slash - path));
	if (f->path == NULL || f->dir == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	return NUMBERING_OK;
}

/* A writable store, open and locked: the file its path names, and that file's directory
 * (for compaction's renames and their directory syncs). */
static int set_real(struct file *f)
{
	char *real = NULL, *dir = NULL;
	int rc = resolve_store(&real, &dir, f->fd, f->path);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__free_mem(f->dir);
	f->dir = dir;
	f->real = real;
	return NUMBERING_OK;
}

/* Opens the file and replays it into f->mem. */
/* A read-only snapshot: no lock, no create; the writer only ever appends to this
 * inode or renames a new file over the path, so what is read up to the last whole
 * record is a consistent state. */
static int open_snapshot(int *out, const char *path)
{
	int fd = open_regular(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd == -2)
		return numbering_error_code();
	if (fd < 0 && errno == ENOENT)
		return numbering__error_set(NUMBERING_NOT_FOUND, "file backend: store %s does not exist", path);
	if (fd < 0)
		return io_error("open", path);
	*out = fd;
	return NUMBERING_OK;
}

static int file_open(struct file *f, int must_exist)
{
	const struct numbering__file_io *io = sys();
	int created = 0;
	int rc = f->read_only ? open_snapshot(&f->fd, f->path) : open_locked(&f->fd, &created, f->path, must_exist, 1);
	if (rc == NUMBERING_OK && !f->read_only)
		rc = set_real(f);
	if (rc != NUMBERING_OK)
		return rc;
	struct stat st;
	if (fstat(f->fd, &st) != 0)
		return io_error("stat", f->path);
	uint64_t size = (uint64_t)st.st_size;
	int fresh = !created && size < HEADER_SIZE_V2 && interrupted_creation(io, f->fd, size);
	if (f->read_only && (size < HEADER_SIZE || fresh))
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: %s has no store header yet (%llu bytes): not a store, or one "
		                            "being created",
		                            f->path, (unsigned long long)size);
	if (created || fresh) {
		/* Initialized, then read like any store (an empty one). */
		if ((rc = init_file(io, f->fd, f->path, f->dir)) != NUMBERING_OK)
			return rc;
		size = HEADER_SIZE_V2;
	} else if (size < HEADER_SIZE)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
		                            "file backend: %s is not a libnumbering store (%llu bytes, no store header)", f->path,
		                            (unsigned long long)size);
	struct scan s = {io, f->fd, size, {NULL, 0, 0}, 0};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	rc = read_header(&s, &r, f->path);
	if (rc == NUMBERING_OK && f->read_only && r.durable_end > s.size && fstat(f->fd, &st) == 0 &&
	    (uint64_t)st.st_size > s.size) {
		/* The writer synced past what the size we read says: it wrote those records
		 * before it recorded their durable length, so they are there now. */
		s.size = size = (uint64_t)st.st_size;
	}
	if (rc == NUMBERING_OK && r.instances_hint > 0) {
		/* Size the hash tables once; the hint is untrusted, so bounded by what the file can hold. */
		uint64_t n = r.instances_hint < size / 16 ? r.instances_hint : size / 16;
		uint32_t reserve = n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
		if (reserve > 0 && f->mem->control(f->mem, NUMBERING__MEMORY_CONTROL_RESERVE, &reserve) != NUMBERING_OK)
			numbering_error_clear(); /* only an optimization */
	}
	if (rc == NUMBERING_OK)
		rc = replay_records(&s, f->mem, &r, f->path);
	buf_free(&s.win);
	if (rc != NUMBERING_OK)
		return rc;
	if (r.torn_bytes > 0 && f->read_only) {
		diagnose(f, "store %s: read %llu bytes and left the %llu after them (%s): a write in progress or a torn tail",
		         f->path, (unsigned long long)r.valid_end, (unsigned long long)r.torn_bytes, r.problem);
	} else if (r.torn_bytes > 0) {
		if (io->ftruncate(f->fd, (off_t)r.valid_end) != 0 || io->fdatasync(f->fd) != 0)
			return io_error("cut the torn tail of", f->path);
		f->truncated_bytes = (int64_t)r.torn_bytes;
		diagnose(f, "store %s: discarded a torn tail of %llu bytes (%s), left by an interrupted write", f->path,
		         (unsigned long long)r.torn_bytes, r.problem);
	}
	f->format_version = r.format_version;
	f->header_crc = r.header_crc;
	f->slot_gen = r.slot_gen;
	f->end = f->synced_end = r.valid_end;
	f->seq = f->synced_seq = r.seq;
	f->records = r.records;
	f->live = r.live;
	f->snapshot_bytes = r.format_version >= 2 ? r.snapshot_end : HEADER_SIZE;
	f->next_compact_check = 0;
	if (!f->read_only && r.format_version >= 2 && r.valid_end != r.durable_end &&
	    ((r.torn_bytes == 0 && io->fdatasync(f->fd) != 0) ||
	     mark_durable(io, f, f->fd, r.valid_end, r.seq, r.durable_end, r.durable_seq) != 0)) {
		/* Whole records after the durable length (written, not all synced, before a
		 * crash) are kept: durable now, and recorded so. */
		return io_error("sync", f->path);
	}
	return NUMBERING_OK;
}

int numbering_file_backend_new(numbering_backend **out, const char *path, const numbering_file_options *options)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_file_backend_new: out is NULL");
	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path", "numbering_file_backend_new: no path");
	numbering_file_options opts = NUMBERING_FILE_OPTIONS_INIT;
	if (options != NULL) {
		if (options->version < 1 || options->version > NUMBERING_FILE_OPTIONS_VERSION)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "options.version",
			                              "numbering_file_backend_new: unknown options version %u", options->version);
		/* Only the fields of the caller's version: an older struct is shorter. */
		opts.sync_mode = options->sync_mode;
		opts.sync_window_us = options->sync_window_us;
		opts.must_exist = options->must_exist;
		opts.compact_min_bytes = options->compact_min_bytes;
		opts.diagnostic = options->diagnostic;
		opts.diagnostic_payload = options->diagnostic_payload;
		if (options->version >= 2)
			opts.read_only = options->read_only;
	}
	if (opts.sync_mode < NUMBERING_FILE_SYNC_FULL || opts.sync_mode > NUMBERING_FILE_SYNC_OFF || opts.sync_window_us < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "options.sync_mode",
		                              "numbering_file_backend_new: unknown sync mode %d or negative window",
		                              opts.sync_mode);
	int64_t started = now_ns();
	struct file *f = numbering__calloc(1, sizeof(*f));
	if (f == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	f->fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	f->base.version = NUMBERING_BACKEND_VERSION;
	f->base.begin = file_begin;
	f->base.commit = file_commit;
	f->base.rollback = file_rollback;
	f->base.get = file_get;
	f->base.put = file_put;
	f->base.remove = file_remove;
	f->base.find = file_find;
	f->base.list = file_list;
	f->base.meta_get = file_meta_get;
	f->base.meta_put = file_meta_put;
	f->base.control = file_control;
	f->base.free = file_free;
	f->sync_mode = opts.sync_mode;
	f->window_us = opts.sync_window_us > 0 ? opts.sync_window_us : DEFAULT_WINDOW_US;
	f->compact_min = opts.compact_min_bytes == 0 ? DEFAULT_COMPACT_MIN : opts.compact_min_bytes;
	f->diagnostic = opts.diagnostic;
	f->diagnostic_payload = opts.diagnostic_payload;
	f->read_only = opts.read_only != 0;
	int rc = set_paths(f, path);
	if (rc == NUMBERING_OK)
		rc = numbering_memory_backend_new(&f->mem);
	if (rc == NUMBERING_OK)
		rc = file_open(f, opts.must_exist);
	if (rc == NUMBERING_OK && !f->read_only) {
		/* Compactions and repairs that did not finish left their temporary files. */
		remove_stale_temps(f->real, f->dir);
		if (f->sync_mode == NUMBERING_FILE_SYNC_NORMAL) {
			if (pthread_create(&f->flusher, NULL, flusher_main, f) != 0)
				rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: cannot start the sync thread");
			else
				f->flusher_running = 1;
		}
	}
	if (rc == NUMBERING_OK && !f->read_only && f->format_version < 2) {
		/* A version-1 file records no durable length: rewritten in version 2 now (a
		 * compaction), so that every write from here on lies below one. If that fails
		 * (a full disk), the store goes on in version 1 until a compaction succeeds. */
		pthread_mutex_lock(&f->lock);
		if (compact_locked(f) != NUMBERING_OK)
			diagnose(f, "store %s: could not rewrite it in format version %d (%s); it stays in version 1 until it is "
			         "compacted", f->path, NUMBERING_FILE_FORMAT_VERSION, numbering_error_message());
		numbering_error_clear();
		pthread_mutex_unlock(&f->lock);
	}
	if (rc != NUMBERING_OK) {
		/* Keep the error of the failure, not of the clean-up. */
		int code = numbering_error_code();
		char message[512];
		snprintf(message, sizeof(message), "%s", numbering_error_message());
		file_free(&f->base);
		numbering__error_set(code, "%s", message);
		return rc;
	}
	f->open_ns = now_ns() - started;
	*out = &f->base;
	return NUMBERING_OK;
}

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
		if (sys()->link(real, name) == 0) {
			*out = name;
			return NUMBERING_OK;
		}
		if (errno != EEXIST) {
			int rc = io_error("keep the damaged file as", name);
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

int numbering_file_check(numbering_file_report *report, const char *path, int repair)
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
	const struct numbering__file_io *io = sys();
	struct file scratch; /* for its paths */
	memset(&scratch, 0, sizeof(scratch));
	int fd = -1, created = 0;
	numbering_backend *mem = NULL;
	struct scan s = {io, -1, 0, {NULL, 0, 0}, 0};
	int rc = set_paths(&scratch, path);
	if (rc == NUMBERING_OK) {
		rc = open_locked(&fd, &created, path, 1, repair != 0);
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
		rc = resolve_store(&scratch.real, &scratch.dir, fd, path);
	}
	if (rc != NUMBERING_OK)
		goto out;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rc = io_error("stat", path);
		goto out;
	}
	report->file_bytes = (int64_t)st.st_size;
	if (st.st_size < HEADER_SIZE_V2 && interrupted_creation(io, fd, (uint64_t)st.st_size)) {
		/* Empty, or a prefix of a header: nothing was ever stored in it, and it is no
		 * store yet either. Left alone; a writable open initializes it. */
		report->status = NUMBERING_UNAVAILABLE;
		report_set(report,
		           "file backend: %s has no store header (%lld bytes): not a store yet (a creation that was "
		           "interrupted or is under way; a writable open initializes it)",
		           path, (long long)st.st_size);
		goto out;
	}
	if ((rc = numbering_memory_backend_new(&mem)) != NUMBERING_OK)
		goto out;
	s.fd = fd;
	s.size = (uint64_t)st.st_size;
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	int verdict;
	if (s.size < HEADER_SIZE) {
		verdict = numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s is not a libnumbering store", path);
		r.valid_end = s.size;
	} else {
		verdict = read_header(&s, &r, path);
		if (verdict == NUMBERING_OK) {
			verdict = replay_records(&s, mem, &r, path);
		} else if (verdict == NUMBERING_DATA_LOSS && r.damage_offset == 0 && s.size >= HEADER_SIZE + RECORD_HEADER) {
			/* A damaged header: salvage the records that follow it, if the first is whole. */
			const uint8_t *h;
			char message[512];
			snprintf(message, sizeof(message), "%s", numbering_error_message());
			uint64_t first = 0; /* where version 1's records start, or version 2's */
			for (uint64_t at = HEADER_SIZE; first == 0 && at <= HEADER_SIZE_V2; at += HEADER_SIZE_V2 - HEADER_SIZE)
				if (s.size >= at + RECORD_HEADER && scan_get(&s, at, RECORD_HEADER, &h) == NUMBERING_OK &&
				    record_header_ok(h) && get64(h + 8) > 0)
					first = at;
			if (first != 0) {
				/* Nothing the header says is trusted: no snapshot, no durable length. */
				r.base_seq = r.seq = get64(h + 8) - 1;
				r.data_start = first;
				r.snapshot_end = r.snapshot_records = r.durable_end = r.slot_gen = r.instances_hint = 0;
				int salvage = replay_records(&s, mem, &r, path);
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
	if (verdict == NUMBERING_RESOURCE_EXHAUSTED || verdict == NUMBERING_UNAVAILABLE) {
		rc = verdict;
		goto out;
	}
	struct numbering__memory_stats ms;
	memset(&ms, 0, sizeof(ms));
	mem->control(mem, NUMBERING__MEMORY_CONTROL_STATS, &ms);
	report->status = verdict;
	report->format_version = r.format_version;
	report->records = (int64_t)r.records;
	report->instances = ms.records;
	report->metas = ms.metas;
	report->torn_bytes = (int64_t)r.torn_bytes;
	report->damage_offset = r.damage_offset;
	if (verdict == NUMBERING_OK) {
		if (r.torn_bytes > 0)
			report_set(report, "%lld records, %lld instances; a torn tail of %lld bytes (%s)", (long long)r.records,
			           (long long)ms.records, (long long)r.torn_bytes, r.problem);
		else
			report_set(report, "%lld records, %lld instances, %lld metadata values: no damage", (long long)r.records,
			           (long long)ms.records, (long long)ms.metas);
		if (repair && r.torn_bytes > 0 && s.size >= HEADER_SIZE) {
			if (io->ftruncate(fd, (off_t)r.valid_end) != 0 || io->fdatasync(fd) != 0) {
				rc = io_error("cut the torn tail of", path);
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
			rc = !keep ? NUMBERING_OK : snapshot_write(&nfd, &tmp, &end, &seq, &records, mem, scratch.real, r.seq);
			if (rc == NUMBERING_OK && !keep) {
				/* Nothing before a damaged header: an empty store. */
				rc = temp_create(&nfd, &tmp, scratch.real, ".compact");
				if (rc == NUMBERING_OK && (rc = init_file(io, nfd, tmp, scratch.dir)) != NUMBERING_OK)
					io->unlink(tmp);
			}
			if (rc == NUMBERING_OK)
				keep_mode(nfd, fd);
			if (rc == NUMBERING_OK)
				rc = keep_damaged(&damaged, scratch.real);
			if (rc == NUMBERING_OK && !same_file(fd, scratch.real))
				rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION,
				                          "file backend: %s was moved or replaced during the repair; nothing changed",
				                          path);
			else if (rc == NUMBERING_OK && io->rename(tmp, scratch.real) != 0)
				rc = io_error("replace", path);
			if (rc != NUMBERING_OK && damaged != NULL) {
				/* The store is still the damaged file: the name made for it just now goes. */
				io->unlink(damaged);
				numbering__free_mem(damaged);
				damaged = NULL;
			}
			if (rc == NUMBERING_OK && fsync_dir(io, scratch.dir) != 0)
				rc = io_error("sync the directory of", path);
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
	if (mem)
		mem->free(mem);
	if (fd >= 0)
		io->close(fd);
	numbering__free_mem(scratch.path);
	numbering__free_mem(scratch.dir);
	numbering__free_mem(scratch.real);
	if (rc == NUMBERING_OK)
		numbering_error_clear();
	return rc;
}
