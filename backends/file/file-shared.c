/*
 * The shared index (docs/FILE-FORMAT.md, "The shared index"): PATH.idx beside a store,
 * which processes that write keep and reader processes map, so that N readers of one
 * store share one copy of what it takes to answer get by name and resolve (the page
 * cache's pages), instead of each replaying the log into its own heap.
 *
 * The index holds no record: only where each record lies in the log, which readers map
 * too (MAP_SHARED, read-only) and decode in place. It is derived from the log and
 * checked against it: a header naming the log file it indexes (device, inode, the
 * log header's checksum), the boot it was written in (an index is never synced: a
 * machine crash makes it stale, never wrong), how far into the log it reaches, and a
 * checksum in every slot, empty ones included. Anything that does not match is not
 * believed: a writer rebuilds the index from the log, a reader answers from its own
 * heap instead.
 *
 * Each slot also holds a check value of the record it points to (version 2): the
 * CRC-32C of the record's bytes, taken by the writer that indexed them from bytes whose
 * log checksum it had just verified, and a flag saying that writer checked the record
 * in full (an instance record, numbering__instance_record_check()). A reader compares
 * the bytes it is about to decode with that value at every read: equal, the record is
 * the one checked, and the store reads it as one of its own (NUMBERING__RECORD_VOUCHED);
 * not equal, it is damaged (DATA_LOSS), whatever the decode and the model's checks
 * would say of it.
 *
 *   header (4096)   magic \x89NUMIDX\n, version 2, the log's identity, the tables' sizes,
 *                   and the words writers change: a sequence lock (even: stable), the
 *                   state (live, replaced by a newer file, abandoned), how far the log
 *                   is covered, the counts, and a checksum of those words
 *   names           2^k slots of 24 bytes: (kind, name) -> the record's offset, length, check
 *   numbers         2^k slots of 32 bytes: (digits, number) -> a one-number record
 *   ranges          slots of 40 bytes: the records holding more than one number, sorted by
 *                   (digits, first)
 *
 * Writers update it in place under the store's write lock, inside the sequence lock,
 * one whole transaction at a time, before they publish the commit: a reader retries a
 * look-up that saw the lock move, so it never sees half a transaction. Growing a table,
 * a compaction (a new log) or an index found stale or damaged writes a new index file
 * from the log and renames it over PATH.idx; the old one is marked replaced and the
 * readers follow at their next catch-up.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file-internal.h"
#include "model/kinds.h"
#include "model/record.h"

static const uint8_t idx_magic[8] = {0x89, 'N', 'U', 'M', 'I', 'D', 'X', '\n'};

/* Version 1 (slots without the record's check value) is not read: a writer makes the
 * index again, and marks the old file replaced for the readers that map it. */
#define IDX_VERSION 2
#define IDX_HEADER 4096
/* The header's fields (host byte order: the index never leaves the machine and boot
 * it was written in). */
#define H_VERSION 8
#define H_SIZE 12
#define H_GEN 16          /* u64 sequence lock: odd while a writer changes the index */
#define H_STATE 24        /* u32 IDX_LIVE, IDX_REPLACED, IDX_ABANDONED */
#define H_COVERED_END 32  /* u64 the log offset up to which every record is indexed */
#define H_COVERED_SEQ 40  /* u64 the sequence of the record ending there */
#define H_LOG_DEV 48      /* u64 */
#define H_LOG_INO 56      /* u64 */
#define H_LOG_CRC 64      /* u32 the log header's checksum */
#define H_SALT 68         /* u32 seeds the hashes and the slot checksums */
#define H_NAME_SLOTS 72   /* u64, a power of two */
#define H_NUM_SLOTS 80    /* u64, a power of two */
#define H_RANGE_CAP 88    /* u64 */
#define H_RANGE_COUNT 96  /* u64 */
#define H_NAME_USED 104   /* u64 slots not empty (tombstones included) */
#define H_NUM_USED 112    /* u64 */
#define H_BOOT 120        /* 16 bytes: the boot it was written in */
#define H_CRC 136         /* u32 of the fixed fields */
#define H_DYN_CRC 140     /* u32 of the words writers change (state .. counts, changes) */
#define H_CHANGES 144     /* u64 the lock file's change counter that the last commit indexed published */

enum { IDX_LIVE = 0, IDX_REPLACED = 1, IDX_ABANDONED = 2 };

/* The slots (host byte order; every field covered by the slot's check, the last word):
 *   name    u64 record offset << 16 | the name hash's top 16 bits, u32 length,
 *           u32 record check, u32 flags, u32 slot check
 *   number  u64 key (digits << 56 | number), u64 offset, u32 length, u32 record check,
 *           u32 flags, u32 slot check: 32 bytes, so that a slot never lies across two
 *           cache lines
 *   range   u64 key, u64 last number, u64 offset, u32 length, u32 record check,
 *           u32 flags, u32 slot check */
#define NAME_SLOT 24
#define NUM_SLOT 32
#define RANGE_SLOT 40
/* A slot's flags: the writer that indexed the record checked it in full. */
#define SLOT_CHECKED 1u
#define OFF_EMPTY 0
#define OFF_TOMB 1
#define KEY_TOMB UINT64_MAX

struct numbering__shx {
	int fd;
	uint8_t *map;
	size_t len;
	uint64_t name_mask, num_mask, range_cap;
	uint32_t salt;
	uint8_t *names, *nums, *ranges;
	/* The generation at which a thread of this process last found the header's
	 * changing words whole (their checksum), or 1 (never: generations read are even):
	 * checked again only once a writer changed them, not at every look-up. */
	_Atomic uint64_t checked_gen;
};

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* The steps of a look-up (view_begin, record_at), inlined into each of the two
 * look-ups (get, find1): a call each, with six to nine arguments passed through
 * memory, was a tenth of a resolve's own cost. */
#if defined(__GNUC__) || defined(__clang__)
#define LOOKUP_INLINE static inline __attribute__((always_inline))
#else
#define LOOKUP_INLINE static inline
#endif

/* Loads and stores of the mapped words: other processes change them under us. */
static inline uint64_t ld64(const uint8_t *p)
{
	return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
}

static inline uint32_t ld32(const uint8_t *p)
{
	return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
}

static inline void st64(uint8_t *p, uint64_t v)
{
	__atomic_store_n((uint64_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static inline void st32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_name(uint32_t salt, int kind, const char *name, size_t len)
{
	uint64_t h = mix64((uint64_t)salt << 8 | (uint64_t)(unsigned)kind) ^ len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, name + i, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	memcpy(&w, name + i, len - i);
	h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
	return mix64(h);
}

static uint64_t num_key(int digits, uint64_t number)
{
	return (uint64_t)digits << 56 | number;
}

static uint32_t slot_check(uint32_t salt, uint64_t a, uint64_t b, uint64_t c, uint64_t where)
{
	return numbering__crc32c_words4(salt, a, b, c, where);
}

/* The check value of a record's @len bytes at @p that a slot holds. */
static inline uint32_t record_check(const uint8_t *p, uint64_t len)
{
	return numbering__crc32c(0, p, (size_t)len);
}

/* The boot this runs in: an index from another boot may have lost pages in a crash. */
static void boot_id(uint8_t out[16])
{
	memset(out, 0, 16);
	char text[64];
	int fd = numbering__file_open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	int k = 0;
	for (ssize_t i = 0; i < n && k < 32; i++) {
		char c = text[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			continue;
		out[k / 2] |= (uint8_t)(k % 2 == 0 ? v << 4 : v);
		k++;
	}
}

static uint32_t fixed_crc(const uint8_t *h)
{
	uint32_t c = numbering__crc32c(0, h, 16);
	c = numbering__crc32c(c, h + H_LOG_DEV, H_RANGE_COUNT - H_LOG_DEV);
	return numbering__crc32c(c, h + H_BOOT, 16);
}

static uint32_t dyn_crc(const uint8_t *h, uint32_t salt)
{
	uint64_t w[7] = {ld32(h + H_STATE), ld64(h + H_COVERED_END), ld64(h + H_COVERED_SEQ), ld64(h + H_RANGE_COUNT),
	                 ld64(h + H_NAME_USED), ld64(h + H_NUM_USED), ld64(h + H_CHANGES)};
	return numbering__crc32c(salt, w, sizeof(w));
}

static size_t idx_size(uint64_t name_slots, uint64_t num_slots, uint64_t range_cap)
{
	return IDX_HEADER + name_slots * NAME_SLOT + num_slots * NUM_SLOT + range_cap * RANGE_SLOT;
}

/* Registers a mapping of @path (the index, the log) with the SIGBUS guard
 * (file-guard.c): a program that cuts the file under it makes a read past the new end
 * fault, which then reads zeros and raises f->map_cut, and the next read catches up,
 * instead of the process being killed. Said when it cannot be guarded (as before). */
static void guard(struct file *f, void *p, size_t len, const char *path)
{
	if (numbering__file_guard_add(p, len, SIZE_MAX, &f->map_cut, &f->seen) != 0)
		numbering__file_diagnose(f, "store %s: %s is mapped without a guard against SIGBUS", f->path, path);
}

/* A read met the zeros the guard put in place of a mapping (f->map_cut), or a writer
 * found the log shorter than it read: the store's file cut below what this process
 * read is damage (DATA_LOSS, until its bytes are back, or a reopen or repair); the
 * index cut short, UNAVAILABLE (the next read maps it again, or answers from this
 * process's own index). Named, with the length now. */
static __attribute__((noinline, cold)) int cut_error(struct file *f)
{
	struct stat st;
	uint64_t end = __atomic_load_n(&f->end, __ATOMIC_ACQUIRE);
	if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size < end)
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s is damaged: its file was cut to %lld bytes while the "
		                            "store was open (not by libnumbering), below the %llu bytes this process read",
		                            f->path, (long long)st.st_size, (unsigned long long)end);
	struct numbering__shx *x = __atomic_load_n(&f->shx, __ATOMIC_ACQUIRE);
	if (x != NULL && fstat(x->fd, &st) == 0 && (uint64_t)st.st_size < x->len)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: the shared index %s of store %s was cut to %lld bytes while the "
		                            "store was open (not by libnumbering): this read is not answered; the next one "
		                            "reads the store's file",
		                            f->idx_path, f->path, (long long)st.st_size);
	return numbering__error_set(NUMBERING_UNAVAILABLE,
	                            "file backend: store %s: a file it maps (its file, or its shared index %s) was cut "
	                            "short while it was open (not by libnumbering): this read is not answered",
	                            f->path, f->idx_path != NULL ? f->idx_path : "");
}

static void shx_close(struct numbering__shx *x)
{
	if (x == NULL)
		return;
	if (x->map != NULL) {
		numbering__file_guard_remove(x->map);
		munmap(x->map, x->len);
	}
	if (x->fd >= 0)
		close(x->fd);
	numbering__free_mem(x);
}

/* Maps the index file open at @fd and checks its fixed part: the magic, the version,
 * the boot, the tables' sizes against the file's. DATA_LOSS naming what is wrong. */
static int shx_map(struct file *f, struct numbering__shx **out, int fd, int writable, const char *path)
{
	*out = NULL;
	struct stat st;
	if (fstat(fd, &st) != 0)
		return numbering__file_io_error("stat", path);
	if (!S_ISREG(st.st_mode))
		return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: the index %s is not a regular file", path);
	if ((uint64_t)st.st_size < IDX_HEADER)
		return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: the index %s is cut short (%lld bytes)", path,
		                            (long long)st.st_size);
	uint8_t h[IDX_HEADER];
	if (pread(fd, h, 256, 0) != 256)
		return numbering__file_io_error("read", path);
	uint8_t boot[16];
	boot_id(boot);
	uint64_t names = 0, nums = 0, ranges = 0;
	const char *bad = NULL;
	if (memcmp(h, idx_magic, 8) != 0 || get32(h + H_VERSION) != IDX_VERSION || get32(h + H_SIZE) != IDX_HEADER)
		bad = "not an index of this version";
	else if (get32(h + H_CRC) != fixed_crc(h))
		bad = "its header's checksum fails";
	else if (memcmp(h + H_BOOT, boot, 16) != 0)
		bad = "it was written before the machine last started";
	else {
		memcpy(&names, h + H_NAME_SLOTS, 8);
		memcpy(&nums, h + H_NUM_SLOTS, 8);
		memcpy(&ranges, h + H_RANGE_CAP, 8);
		if (names == 0 || nums == 0 || (names & (names - 1)) != 0 || (nums & (nums - 1)) != 0 ||
		    names > (1ULL << 40) || nums > (1ULL << 40) || ranges > (1ULL << 40) ||
		    (uint64_t)st.st_size != idx_size(names, nums, ranges))
			bad = "its tables do not fit its size";
	}
	if (bad != NULL)
		return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: the index %s is not believed: %s", path, bad);
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return numbering__file_io_error("map", path);
	struct numbering__shx *x = numbering__calloc(1, sizeof(*x));
	if (x == NULL) {
		munmap(p, (size_t)st.st_size);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	}
	x->fd = fd;
	x->map = p;
	guard(f, p, (size_t)st.st_size, path);
	atomic_init(&x->checked_gen, 1);
	x->len = (size_t)st.st_size;
	x->name_mask = names - 1;
	x->num_mask = nums - 1;
	x->range_cap = ranges;
	memcpy(&x->salt, h + H_SALT, 4);
	x->names = x->map + IDX_HEADER;
	x->nums = x->names + names * NAME_SLOT;
	x->ranges = x->nums + nums * NUM_SLOT;
	*out = x;
	return NUMBERING_OK;
}

/* Whether @x indexes the log open at @fd whose header's checksum is @crc, and the log
 * still holds every byte it covers: a log cut below the covered end (by a program, or
 * a disk) would have a look-up read a page past the file's end, which faults (SIGBUS). */
static int shx_of_log(const struct numbering__shx *x, int fd, uint32_t crc)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return 0;
	uint64_t dev = 0, ino = 0;
	uint32_t c = 0;
	memcpy(&dev, x->map + H_LOG_DEV, 8);
	memcpy(&ino, x->map + H_LOG_INO, 8);
	memcpy(&c, x->map + H_LOG_CRC, 4);
	return dev == (uint64_t)st.st_dev && ino == (uint64_t)st.st_ino && c == crc &&
	       ld64(x->map + H_COVERED_END) <= (uint64_t)st.st_size;
}

/* The log, mapped. */

/* Maps f->fd so that offsets below @need can be read; an older mapping another thread
 * may still be reading is kept until the backend is closed. f->map_mutex held. */
static int lmap_grow_locked(struct file *f, uint64_t need)
{
	if (need <= f->lmap_len)
		return NUMBERING_OK;
	if (f->lmap != NULL && f->lmap_old_count == (int)(sizeof(f->lmap_old) / sizeof(f->lmap_old[0])))
		return numbering__error_set(NUMBERING_UNAVAILABLE, "file backend: store %s grew too often to stay mapped",
		                            f->path);
	/* Room to grow into, so that the mapping is rarely made again: 4 GiB of address
	 * space, or four times the log. A process whose address space is limited (ulimit -v,
	 * RLIMIT_AS: ENOMEM) takes less, down to the log itself: the 4 GiB alone refused
	 * every write of a store whose index exists under a limit below it. */
	long page = sysconf(_SC_PAGESIZE);
	uint64_t tries[3] = {need * 4 > ((uint64_t)1 << 32) ? need * 4 : ((uint64_t)1 << 32),
	                     need * 2 > ((uint64_t)64 << 20) ? need * 2 : ((uint64_t)64 << 20), need};
	void *p = MAP_FAILED;
	uint64_t len = 0;
	for (int i = 0; i < 3 && p == MAP_FAILED; i++) {
		len = (tries[i] + (uint64_t)page - 1) / (uint64_t)page * (uint64_t)page;
		if (len > SIZE_MAX)
			continue;
		p = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED | MAP_NORESERVE, f->fd, 0);
		if (p == MAP_FAILED && errno != ENOMEM)
			break;
	}
	if (p == MAP_FAILED)
		return numbering__file_io_error("map", f->path);
	guard(f, p, (size_t)len, f->path);
	if (f->lmap != NULL) {
		f->lmap_old[f->lmap_old_count].p = (uint8_t *)f->lmap;
		f->lmap_old[f->lmap_old_count].len = f->lmap_len;
		f->lmap_old_count++;
	}
	__atomic_store_n(&f->lmap_len, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&f->lmap, (const uint8_t *)p, __ATOMIC_RELEASE);
	__atomic_store_n(&f->lmap_len, (size_t)len, __ATOMIC_RELEASE);
	return NUMBERING_OK;
}

/* Unmaps the log, every older mapping included (no reader inside the backend). */
static void lmap_drop(struct file *f)
{
	if (f->lmap != NULL) {
		numbering__file_guard_remove((void *)f->lmap);
		munmap((void *)f->lmap, f->lmap_len);
	}
	for (int i = 0; i < f->lmap_old_count; i++) {
		numbering__file_guard_remove(f->lmap_old[i].p);
		munmap(f->lmap_old[i].p, f->lmap_old[i].len);
	}
	f->lmap_old_count = 0;
	f->lmap = NULL;
	f->lmap_len = 0;
}

/* Asks for the cache lines of the first and the last of the first 128 bytes of the
 * record of @len bytes at @p: the decode reads them one after another, and a record
 * lies across two lines most of the time (a snapshot's instance takes about 55 bytes,
 * at any offset), so the second would otherwise be a miss waiting for the first. */
static inline void record_prefetch(const uint8_t *p, uint64_t len)
{
	PREFETCH(p);
	PREFETCH(p + (len < 128 ? len : 128) - 1);
}

/* What a record read through a slot is. */
enum { REC_BAD = -1, REC_VOUCHED = 0, REC_READ = 1, REC_CHANGED = 2 };

/* The record at @off (@len bytes) of the mapped log, below @limit, which the slot that
 * points to it says has the check value @check and @flags: decoded into @rec (names into
 * @name_buf). REC_VOUCHED: its bytes are the ones indexed, which their writer checked in
 * full (flagged NUMBERING__RECORD_VOUCHED for the store); REC_READ: the ones indexed, not
 * checked in full (another kind); REC_CHANGED: not the bytes indexed (damaged since),
 * decoded if it still decodes (else kind 0, name ""); REC_BAD: outside the log covered,
 * or not a record. */
LOOKUP_INLINE int record_at(const uint8_t *lmap, size_t lmap_len, uint64_t limit, uint64_t off, uint64_t len, uint32_t check,
                     uint32_t flags, numbering_record *rec, char *name_buf)
{
	if (off < HEADER_SIZE_V2 || len == 0 || off > limit || len > limit - off || off + len > lmap_len)
		return REC_BAD;
	const uint8_t *p = lmap + off;
	record_prefetch(p, len);
	int how = record_check(p, len) != check ? REC_CHANGED : (flags & SLOT_CHECKED) ? REC_VOUCHED : REC_READ;
	/* The bytes indexed are the ones the writer decoded: read without the encoding's checks. */
	if ((how == REC_CHANGED ? numbering__record_decode(rec, p, (size_t)len, name_buf)
	                        : numbering__record_decode_trusted(rec, p, (size_t)len, name_buf)) != NUMBERING_OK) {
		numbering_error_clear();
		if (how != REC_CHANGED)
			return REC_BAD;
		/* Damaged past decoding (zeros where the file was cut, say): still the damage the
		 * check value shows, whose record cannot be told. */
		memset(rec, 0, sizeof(*rec));
		rec->name = "";
	}
	if (how == REC_VOUCHED)
		rec->flags |= NUMBERING__RECORD_VOUCHED;
	return how;
}

/* Look-ups, on the words of @x as they are (a reader wraps them in the sequence lock). */

/* LOOK_CHANGED: a record the name's hash leads to (the one looked for, or another)
 * no longer has the bytes indexed: damaged. */
enum { LOOK_FOUND, LOOK_NONE, LOOK_DAMAGED, LOOK_CHANGED };

struct found {
	numbering_record rec; /* the record found by name, decoded (its pointers into the log and name_buf) */
	uint64_t off, len, slot;
	uint32_t check, flags; /* the record's check value and flags, as its slot holds them */
	int changed;           /* found by name, but its bytes are not the ones indexed */
	int has_slot;          /* a free slot (empty or tombstone) seen: where an insert goes */
	uint64_t free_slot;
};

static int name_look(const struct numbering__shx *x, const uint8_t *lmap, size_t lmap_len, uint64_t limit, int kind,
                     const char *name, size_t name_len, struct found *fd, char *name_buf)
{
	uint64_t h = hash_name(x->salt, kind, name, name_len);
	uint64_t tag = h >> 48;
	fd->has_slot = 0;
	for (uint64_t i = 0, at = h & x->name_mask; i <= x->name_mask; i++, at = (at + 1) & x->name_mask) {
		const uint8_t *s = x->names + at * NAME_SLOT;
		uint64_t a = ld64(s);
		uint32_t len = ld32(s + 8), check = ld32(s + 12), flags = ld32(s + 16);
		if (ld32(s + 20) != slot_check(x->salt, a, len | (uint64_t)check << 32, flags, at))
			return LOOK_DAMAGED;
		uint64_t off = a >> 16;
		if (off == OFF_EMPTY) {
			if (!fd->has_slot) {
				fd->has_slot = 1;
				fd->free_slot = at;
			}
			return LOOK_NONE;
		}
		if (off == OFF_TOMB) {
			if (!fd->has_slot) {
				fd->has_slot = 1;
				fd->free_slot = at;
			}
			continue;
		}
		if ((a & 0xffff) != tag)
			continue;
		numbering_record *rec = &fd->rec;
		int how = record_at(lmap, lmap_len, limit, off, len, check, flags, rec, name_buf);
		if (how == REC_BAD)
			return LOOK_DAMAGED;
		int same = rec->kind == kind && strlen(rec->name) == name_len && memcmp(rec->name, name, name_len) == 0;
		if (how == REC_CHANGED && !same) {
			/* Its name may be what changed: whose it is cannot be told. */
			fd->off = off;
			fd->len = len;
			return LOOK_CHANGED;
		}
		if (same) {
			fd->off = off;
			fd->len = len;
			fd->slot = at;
			fd->check = check;
			fd->flags = flags;
			fd->changed = how == REC_CHANGED;
			return LOOK_FOUND;
		}
	}
	return LOOK_NONE;
}

static int num_look(const struct numbering__shx *x, uint64_t key, struct found *fd)
{
	uint64_t h = mix64(key ^ x->salt);
	fd->has_slot = 0;
	/* A 32-byte slot lies in one cache line; at the table's load a probe goes on to the
	 * next slot about half the time, which is in the next line when the home slot ends
	 * its own: asked for with it (the last slot's own end, so that the address stays
	 * inside the table). */
	uint64_t home = h & x->num_mask;
	PREFETCH(x->nums + home * NUM_SLOT + (home < x->num_mask ? 2 * NUM_SLOT - 1 : NUM_SLOT - 1));
	for (uint64_t i = 0, at = home; i <= x->num_mask; i++, at = (at + 1) & x->num_mask) {
		const uint8_t *s = x->nums + at * NUM_SLOT;
		uint64_t k = ld64(s), off = ld64(s + 8);
		uint32_t len = ld32(s + 16), check = ld32(s + 20), flags = ld32(s + 24);
		if (ld32(s + 28) != slot_check(x->salt, k, off, len | (uint64_t)check << 32, at | (uint64_t)flags << 48))
			return LOOK_DAMAGED;
		if (k == 0 || k == KEY_TOMB) {
			if (!fd->has_slot) {
				fd->has_slot = 1;
				fd->free_slot = at;
			}
			if (k == 0)
				return LOOK_NONE;
			continue;
		}
		if (k == key) {
			fd->off = off;
			fd->len = len;
			fd->slot = at;
			fd->check = check;
			fd->flags = flags;
			return LOOK_FOUND;
		}
	}
	return LOOK_NONE;
}

/* The range whose (digits, first) is the greatest at most @key: its index, or -1. */
static int64_t range_floor(const struct numbering__shx *x, uint64_t count, uint64_t key)
{
	uint64_t lo = 0, hi = count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ld64(x->ranges + mid * RANGE_SLOT) <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo - 1;
}

struct range {
	uint64_t key, last, off, len;
	uint32_t check, flags;
};

static int range_entry(const struct numbering__shx *x, uint64_t i, struct range *e)
{
	const uint8_t *s = x->ranges + i * RANGE_SLOT;
	e->key = ld64(s);
	e->last = ld64(s + 8);
	e->off = ld64(s + 16);
	e->len = ld32(s + 24);
	e->check = ld32(s + 28);
	e->flags = ld32(s + 32);
	return ld32(s + 36) == slot_check(x->salt, e->key, e->last, e->off ^ (uint64_t)e->flags << 56,
	                                  e->len | (uint64_t)e->check << 32)
	               ? 0
	               : -1;
}

/* Writers. */

static void name_set(struct numbering__shx *x, uint64_t at, uint64_t a, uint32_t len, uint32_t check, uint32_t flags)
{
	uint8_t *s = x->names + at * NAME_SLOT;
	st64(s, a);
	st32(s + 8, len);
	st32(s + 12, check);
	st32(s + 16, flags);
	st32(s + 20, slot_check(x->salt, a, len | (uint64_t)check << 32, flags, at));
}

static void num_set(struct numbering__shx *x, uint64_t at, uint64_t key, uint64_t off, uint32_t len, uint32_t check,
                    uint32_t flags)
{
	uint8_t *s = x->nums + at * NUM_SLOT;
	st64(s, key);
	st64(s + 8, off);
	st32(s + 16, len);
	st32(s + 20, check);
	st32(s + 24, flags);
	st32(s + 28, slot_check(x->salt, key, off, len | (uint64_t)check << 32, at | (uint64_t)flags << 48));
}

static void range_set(struct numbering__shx *x, uint64_t i, const struct range *e)
{
	uint8_t *s = x->ranges + i * RANGE_SLOT;
	st64(s, e->key);
	st64(s + 8, e->last);
	st64(s + 16, e->off);
	st32(s + 24, (uint32_t)e->len);
	st32(s + 28, e->check);
	st32(s + 32, e->flags);
	st32(s + 36, slot_check(x->salt, e->key, e->last, e->off ^ (uint64_t)e->flags << 56,
	                        (uint32_t)e->len | (uint64_t)e->check << 32));
}

static void counter_add(struct numbering__shx *x, size_t field, int64_t by)
{
	st64(x->map + field, ld64(x->map + field) + (uint64_t)by);
}

/* What an update found wrong: the index no longer matches the log (rebuilt). */
struct update {
	struct numbering__shx *x;
	const uint8_t *lmap;
	size_t lmap_len;
	uint64_t limit;
	const char *bad;
	char *name_buf; /* the record being indexed */
	char *old_buf;  /* the record it replaces, found by the look-up */
};

/* Drops the number entry of the record @rec at @off, if it has one. */
static void number_drop(struct update *u, const numbering_record *found, uint64_t off)
{
	numbering_record rec = *found;
	if (!(rec.flags & NUMBERING_RECORD_NUMBERS) || rec.digits <= 0)
		return;
	uint64_t key = num_key(rec.digits, rec.first);
	struct numbering__shx *x = u->x;
	if (rec.first == rec.last) {
		struct found fd;
		int r = num_look(x, key, &fd);
		if (r == LOOK_FOUND && fd.off == off)
			num_set(x, fd.slot, KEY_TOMB, 0, 0, 0, 0);
		else
			u->bad = r == LOOK_DAMAGED ? "a number slot's checksum fails" : "a record's number is not indexed";
		return;
	}
	uint64_t count = ld64(x->map + H_RANGE_COUNT);
	int64_t i = range_floor(x, count, key);
	struct range e;
	if (i < 0 || range_entry(x, (uint64_t)i, &e) != 0 || e.key != key || e.off != off) {
		u->bad = "a record's range is not indexed";
		return;
	}
	memmove(x->ranges + (uint64_t)i * RANGE_SLOT, x->ranges + ((uint64_t)i + 1) * RANGE_SLOT,
	        (count - (uint64_t)i - 1) * RANGE_SLOT);
	st64(x->map + H_RANGE_COUNT, count - 1);
}

/* Indexes the number or range of @rec (at @off, @len bytes, check value @check, slot
 * flags @flags), if it has one. */
static void number_add(struct update *u, const numbering_record *rec, uint64_t off, uint64_t len, uint32_t check,
                       uint32_t flags)
{
	if (!(rec->flags & NUMBERING_RECORD_NUMBERS) || rec->digits <= 0)
		return;
	struct numbering__shx *x = u->x;
	uint64_t key = num_key(rec->digits, rec->first);
	if (rec->first == rec->last) {
		struct found fd;
		int r = num_look(x, key, &fd);
		if (r == LOOK_DAMAGED || !fd.has_slot) {
			u->bad = r == LOOK_DAMAGED ? "a number slot's checksum fails" : "the number table is full";
			return;
		}
		if (r == LOOK_FOUND) {
			/* the log refused a second owner: a replay of a replaced one */
			num_set(x, fd.slot, key, off, (uint32_t)len, check, flags);
			return;
		}
		uint64_t was = ld64(x->nums + fd.free_slot * NUM_SLOT);
		num_set(x, fd.free_slot, key, off, (uint32_t)len, check, flags);
		if (was == 0)
			counter_add(x, H_NUM_USED, 1);
		return;
	}
	uint64_t count = ld64(x->map + H_RANGE_COUNT);
	if (count >= x->range_cap) {
		u->bad = "the range table is full";
		return;
	}
	uint64_t at = (uint64_t)(range_floor(x, count, key) + 1);
	memmove(x->ranges + (at + 1) * RANGE_SLOT, x->ranges + at * RANGE_SLOT, (count - at) * RANGE_SLOT);
	struct range e = {key, rec->last, off, len, check, flags};
	range_set(x, at, &e);
	st64(x->map + H_RANGE_COUNT, count + 1);
}

/* One operation of a version-3 record at log offset @off: a put (its encoding, @n
 * bytes) or a remove (kind, then the name). */
static void update_op(struct update *u, uint8_t op, uint64_t off, const uint8_t *data, uint64_t n)
{
	struct numbering__shx *x = u->x;
	numbering_record rec;
	const char *name;
	size_t name_len;
	int kind;
	uint32_t check = 0, flags = 0;
	if (op == OP_RECORD_PUT) {
		if (numbering__record_decode(&rec, data, (size_t)n, u->name_buf) != NUMBERING_OK) {
			numbering_error_clear();
			u->bad = "a record does not decode";
			return;
		}
		kind = rec.kind;
		name = rec.name;
		name_len = strlen(rec.name);
		/* Its bytes, which the record's log checksum has just vouched for: their check
		 * value, and an instance record checked in full, as the store's checked reading
		 * would (one that fails is indexed unchecked: read with every check, it gets
		 * DATA_LOSS naming what is wrong). */
		check = record_check(data, n);
		if (kind == NUMBERING__KIND_INSTANCE) {
			if (numbering__instance_record_check(&rec) == NUMBERING_OK)
				flags = SLOT_CHECKED;
			else
				numbering_error_clear();
		}
	} else if (op == OP_RECORD_REMOVE) {
		if (n < 2 || n - 1 > NAME_MAX_BYTES) {
			u->bad = "a removed record's name is too long";
			return;
		}
		kind = data[0];
		name_len = (size_t)n - 1;
		name = (const char *)data + 1; /* hashed and compared by length */
	} else {
		u->bad = "an operation has an unknown code";
		return;
	}
	struct found fd;
	int r = name_look(x, u->lmap, u->lmap_len, u->limit, kind, name, name_len, &fd, u->old_buf);
	if (r == LOOK_DAMAGED || r == LOOK_CHANGED || (r == LOOK_FOUND && fd.changed)) {
		u->bad = r == LOOK_DAMAGED ? "a name slot's checksum fails, or its record does not decode"
		                           : "a record indexed no longer has the bytes indexed";
		return;
	}
	if (r == LOOK_FOUND)
		number_drop(u, &fd.rec, fd.off);
	if (u->bad != NULL)
		return;
	if (op == OP_RECORD_REMOVE) {
		if (r == LOOK_FOUND)
			name_set(x, fd.slot, OFF_TOMB << 16, 0, 0, 0);
		return;
	}
	uint64_t h = hash_name(x->salt, kind, name, name_len);
	if (r == LOOK_FOUND) {
		name_set(x, fd.slot, off << 16 | (h >> 48), (uint32_t)n, check, flags);
	} else if (fd.has_slot) {
		uint64_t was = ld64(x->names + fd.free_slot * NAME_SLOT) >> 16;
		name_set(x, fd.free_slot, off << 16 | (h >> 48), (uint32_t)n, check, flags);
		if (was == OFF_EMPTY)
			counter_add(x, H_NAME_USED, 1);
	} else {
		u->bad = "the name table is full";
		return;
	}
	number_add(u, &rec, off, n, check, flags);
}

/* The operations of the record whose payload (@len bytes) starts at log offset @at. */
static void update_record(struct update *u, uint64_t at, uint64_t len)
{
	const uint8_t *p = u->lmap + at;
	if (len < 1 || (p[0] != RECORD_TXN && p[0] != RECORD_SNAPSHOT)) {
		u->bad = "a record has an unknown type";
		return;
	}
	/* Its bytes are the ones written (below the covered end nothing changes them, but a
	 * disk or another program may have): what the slots' check values vouch for. */
	const uint8_t *h = p - RECORD_HEADER;
	if (!numbering__file_record_header_ok(h) || get32(h + 4) != len || get32(h + 16) != numbering__crc32c(0, p, len)) {
		u->bad = "a record's checksum fails";
		return;
	}
	uint64_t i = 1;
	while (i < len && u->bad == NULL) {
		uint8_t op = p[i++];
		if (len - i < 4) {
			u->bad = "an operation is cut short";
			return;
		}
		uint32_t n = get32(p + i);
		i += 4;
		if (n > len - i) {
			u->bad = "an operation runs past its record";
			return;
		}
		update_op(u, op, at + i, p + i, n);
		i += n;
	}
}

static void dyn_seal(struct numbering__shx *x)
{
	st32(x->map + H_DYN_CRC, dyn_crc(x->map, x->salt));
}

static void seq_enter(struct numbering__shx *x)
{
	uint8_t *g = x->map + H_GEN;
	__atomic_store_n((uint64_t *)(void *)g, ld64(g) | 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void seq_leave(struct numbering__shx *x)
{
	uint8_t *g = x->map + H_GEN;
	__atomic_store_n((uint64_t *)(void *)g, (ld64(g) | 1) + 1, __ATOMIC_RELEASE);
}

/* Marks @x as not to be read any longer (replaced by a newer file, or abandoned). */
static void shx_retire(struct numbering__shx *x, uint32_t state)
{
	if (x == NULL)
		return;
	seq_enter(x);
	st32(x->map + H_STATE, state);
	dyn_seal(x);
	seq_leave(x);
}

/* An index of version 1 at @path, which processes of an older library may map (its
 * header is laid out as this version's): marked replaced, as a newer file of this
 * version replaces it, so that they follow (and, not reading this version, answer from
 * their own heap). Anything else is left alone. */
static void shx_retire_version1(struct file *f, const char *path)
{
	int fd = numbering__file_open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
	if (fd < 0)
		return;
	struct stat st;
	uint8_t *h = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= IDX_HEADER)
		h = mmap(NULL, IDX_HEADER, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (h == MAP_FAILED)
		return;
	guard(f, h, IDX_HEADER, path);
	if (memcmp(h, idx_magic, 8) == 0 && get32(h + H_VERSION) == 1 && get32(h + H_SIZE) == IDX_HEADER &&
	    get32(h + H_CRC) == fixed_crc(h) && ld32(h + H_STATE) == IDX_LIVE) {
		struct numbering__shx old;
		memset(&old, 0, sizeof(old));
		old.map = h;
		memcpy(&old.salt, h + H_SALT, 4);
		shx_retire(&old, IDX_REPLACED);
	}
	numbering__file_guard_remove(h);
	munmap(h, IDX_HEADER);
}

static char *idx_path_of(const struct file *f)
{
	size_t n = strlen(f->real) + sizeof(".idx");
	char *p = numbering__malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s.idx", f->real);
	return p;
}

static uint64_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1024;
	while (p < n)
		p <<= 1;
	return p;
}

/* A log an index is made of: the store's (f->fd, mapped as f->lmap) or, in a
 * compaction, the new file before it is renamed over the store. */
struct log_src {
	int fd;
	const uint8_t *map;
	size_t map_len;
	uint64_t end, seq;
	uint32_t crc; /* its header's checksum */
};

/* Counts the puts of the log below @src's end, and those of ranges (sizes a new index). */
static void count_puts(const struct log_src *src, uint64_t *puts, uint64_t *ranges, char *name_buf)
{
	*puts = *ranges = 0;
	for (uint64_t at = HEADER_SIZE_V2; at + RECORD_HEADER <= src->end;) {
		uint64_t len = get32(src->map + at + 4);
		if (len > src->end - at - RECORD_HEADER)
			break;
		const uint8_t *p = src->map + at + RECORD_HEADER;
		for (uint64_t i = 1; i + 5 <= len;) {
			uint8_t op = p[i];
			uint32_t n = get32(p + i + 1);
			i += 5;
			if (n > len - i)
				break;
			if (op == OP_RECORD_PUT) {
				numbering_record rec;
				(*puts)++;
				if (numbering__record_decode(&rec, p + i, n, name_buf) != NUMBERING_OK)
					numbering_error_clear(); /* the build says what is wrong */
				else if ((rec.flags & NUMBERING_RECORD_NUMBERS) && rec.digits > 0 && rec.first != rec.last)
					(*ranges)++;
			}
			i += n;
		}
		at += RECORD_HEADER + len;
	}
}

/* Writes a new index of the log @src into a new temporary file (the writers' lock
 * held, f->lock held): *out, mapped, and *tmp_out its name, for shx_install(). */
static int shx_write(struct file *f, uint64_t min_names, const struct log_src *src, struct numbering__shx **out,
                     char **tmp_out)
{
	int rc = NUMBERING_OK;
	uint64_t puts = 0, ranges = 0;
	char *name_buf = numbering__malloc(2 * NUMBERING__RECORD_NAME_BUF);
	if (name_buf == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	count_puts(src, &puts, &ranges, name_buf);
	if (puts < min_names)
		puts = min_names;
	uint64_t names = pow2_at_least(puts * 2 + 16), nums = pow2_at_least(puts * 2 + 16);
	uint64_t range_cap = ranges * 2 + 1024;
	size_t size = idx_size(names, nums, range_cap);
	int fd = -1;
	char *tmp = NULL;
	if ((rc = numbering__file_temp_create(&fd, &tmp, f->real, ".idx")) != NUMBERING_OK) {
		numbering__free_mem(name_buf);
		return rc;
	}
	struct numbering__shx *x = NULL;
	uint8_t h[IDX_HEADER];
	memset(h, 0, sizeof(h));
	memcpy(h, idx_magic, 8);
	put32(h + H_VERSION, IDX_VERSION);
	put32(h + H_SIZE, IDX_HEADER);
	struct stat st;
	if (fstat(src->fd, &st) != 0) {
		rc = numbering__file_io_error("stat", f->path);
		goto fail;
	}
	uint64_t dev = (uint64_t)st.st_dev, ino = (uint64_t)st.st_ino;
	uint32_t salt = randombytes_random();
	memcpy(h + H_LOG_DEV, &dev, 8);
	memcpy(h + H_LOG_INO, &ino, 8);
	memcpy(h + H_LOG_CRC, &src->crc, 4);
	memcpy(h + H_SALT, &salt, 4);
	memcpy(h + H_NAME_SLOTS, &names, 8);
	memcpy(h + H_NUM_SLOTS, &nums, 8);
	memcpy(h + H_RANGE_CAP, &range_cap, 8);
	boot_id(h + H_BOOT);
	put32(h + H_CRC, fixed_crc(h));
	/* Its blocks allocated now, not at the first store into each page of the mapping:
	 * on a full disk (or a quota) that store would fault (SIGBUS) and kill the writer,
	 * where this fails with ENOSPC. */
	int e = posix_fallocate(fd, 0, (off_t)size);
	if (e != 0)
		errno = e;
	if (e != 0 || pwrite(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		rc = numbering__file_io_error("write the index", tmp);
		goto fail;
	}
	numbering__file_keep_mode(fd, f->fd);
	if ((rc = shx_map(f, &x, fd, 1, tmp)) != NUMBERING_OK)
		goto fail;
	fd = -1; /* x's */
	for (uint64_t i = 0; i < names; i++)
		name_set(x, i, 0, 0, 0, 0);
	for (uint64_t i = 0; i < nums; i++)
		num_set(x, i, 0, 0, 0, 0, 0);
	struct update u = {x, src->map, src->map_len, src->end, NULL, name_buf, name_buf + NUMBERING__RECORD_NAME_BUF};
	for (uint64_t at = HEADER_SIZE_V2; at < src->end && u.bad == NULL;) {
		uint64_t len = at + RECORD_HEADER <= src->end ? get32(src->map + at + 4) : UINT64_MAX;
		if (len > src->end - at - RECORD_HEADER) {
			u.bad = "a record runs past the end read";
			break;
		}
		update_record(&u, at + RECORD_HEADER, len);
		at += RECORD_HEADER + len;
	}
	if (u.bad != NULL) {
		rc = numbering__error_set(NUMBERING_DATA_LOSS, "file backend: store %s: cannot index the log: %s", f->path,
		                          u.bad);
		goto fail;
	}
	st64(x->map + H_COVERED_END, src->end);
	st64(x->map + H_COVERED_SEQ, src->seq);
	/* Current as of the change counter now (the writers' lock held): a compaction, which
	 * publishes after, is not taken for a commit indexed here. */
	st64(x->map + H_CHANGES, f->changes != NULL ? atomic_load(f->changes) : 0);
	st32(x->map + H_STATE, IDX_LIVE);
	dyn_seal(x);
	st64(x->map + H_GEN, 2);
	numbering__free_mem(name_buf);
	*out = x;
	*tmp_out = tmp;
	return NUMBERING_OK;
fail:
	shx_close(x);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	numbering__free_mem(tmp);
	numbering__free_mem(name_buf);
	return rc;
}

/* Renames the index shx_write() made, @x at @tmp (freed), over PATH.idx; it becomes
 * f->shx. The index it replaces is marked replaced and closed, or with @replaced,
 * handed there as it is (a compaction retires it once the new log is in place). */
static int shx_install(struct file *f, struct numbering__shx *x, char *tmp, struct numbering__shx **replaced)
{
	if (f->shx == NULL)
		shx_retire_version1(f, f->idx_path);
	if (rename(tmp, f->idx_path) != 0) {
		int rc = numbering__file_io_error("rename the index over", f->idx_path);
		shx_close(x);
		unlink(tmp);
		numbering__free_mem(tmp);
		return rc;
	}
	numbering__free_mem(tmp);
	if (replaced != NULL) {
		*replaced = f->shx;
	} else {
		shx_retire(f->shx, IDX_REPLACED);
		shx_close(f->shx);
	}
	f->shx = x;
	f->shx_builds++;
	if (f->shared != NULL)
		__atomic_store_n((uint32_t *)(void *)(f->shared + LOCKFILE_INDEX), 1, __ATOMIC_RELEASE);
	return NUMBERING_OK;
}

/* A new index of the store's own log, f->fd up to f->end, in place. */
static int shx_build(struct file *f, uint64_t min_names)
{
	/* Read through the mapping: not past the file's end (a program cut it). */
	struct stat st;
	if (fstat(f->fd, &st) != 0)
		return numbering__file_io_error("stat", f->path);
	if ((uint64_t)st.st_size < f->end)
		return cut_error(f);
	int cut = atomic_load(&f->map_cut);
	int rc = lmap_grow_locked(f, f->end);
	if (rc != NUMBERING_OK)
		return rc;
	struct log_src src = {f->fd, f->lmap, f->lmap_len, f->end, f->seq, f->header_crc};
	struct numbering__shx *x = NULL;
	char *tmp = NULL;
	if ((rc = shx_write(f, min_names, &src, &x, &tmp)) != NUMBERING_OK)
		return rc;
	if (atomic_load(&f->map_cut) != cut) {
		shx_close(x);
		unlink(tmp);
		numbering__free_mem(tmp);
		return cut_error(f);
	}
	return shx_install(f, x, tmp, NULL);
}

/* Whether this writer keeps the index: asked for, or another process made one. */
static int keeps_index(struct file *f)
{
	if (f->read_only || f->format_version < NUMBERING_FILE_FORMAT_VERSION || f->idx_path == NULL)
		return 0;
	return f->shared_wanted ||
	       (f->shared != NULL && __atomic_load_n((uint32_t *)(void *)(f->shared + LOCKFILE_INDEX), __ATOMIC_ACQUIRE) != 0);
}

int numbering__file_shx_build_for_compaction(struct file *f, int fd, uint64_t end, uint64_t seq, uint32_t crc,
                                             struct numbering__shx **replaced)
{
	*replaced = NULL;
	if (!keeps_index(f))
		return NUMBERING_OK;
	if (end > SIZE_MAX)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: store %s: too large to map", f->path);
	void *map = mmap(NULL, (size_t)end, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return numbering__file_io_error("map the compacted file of", f->path);
	guard(f, map, (size_t)end, f->path);
	int cut = atomic_load(&f->map_cut);
	struct log_src src = {fd, map, (size_t)end, end, seq, crc};
	struct numbering__shx *x = NULL;
	char *tmp = NULL;
	int rc = shx_write(f, 0, &src, &x, &tmp);
	if (rc == NUMBERING_OK && atomic_load(&f->map_cut) != cut) {
		/* Zeros read in place of the file: nothing indexed from them is kept. */
		shx_close(x);
		unlink(tmp);
		numbering__free_mem(tmp);
		rc = numbering__error_set(NUMBERING_DATA_LOSS,
		                          "file backend: store %s: the compacted file was cut short while it was indexed "
		                          "(not by libnumbering)",
		                          f->path);
	}
	numbering__file_guard_remove(map);
	munmap(map, (size_t)end);
	/* Renamed last, so that the new log's rename follows it at once. */
	return rc == NUMBERING_OK ? shx_install(f, x, tmp, replaced) : rc;
}

void numbering__file_shx_retire_replaced(struct numbering__shx *x)
{
	shx_retire(x, IDX_REPLACED);
	shx_close(x);
}

int numbering__file_shx_prepare(struct file *f)
{
	if (!keeps_index(f))
		return NUMBERING_OK;
	/* A mapping of this writer faulted (the index or the log cut under it): dropped, and
	 * the index made again below, unless the log is cut (the catch-up said so). */
	if (atomic_load(&f->map_cut) != 0 && numbering__file_shx_mend(f, 1) != NUMBERING_OK) {
		numbering__file_diagnose(f, "store %s: its shared index is not kept: %s", f->path, numbering_error_message());
		numbering_error_clear();
		return NUMBERING_OK;
	}
	struct numbering__shx *x = f->shx;
	if (x == NULL) {
		/* Another process's index, if it is one of this log. */
		int fd = numbering__file_open(f->idx_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
		if (fd >= 0 && shx_map(f, &x, fd, 1, f->idx_path) != NUMBERING_OK) {
			numbering_error_clear();
			close(fd);
			x = NULL;
		}
		f->shx = x;
	}
	int ok = x != NULL && shx_of_log(x, f->fd, f->header_crc) && ld32(x->map + H_STATE) == IDX_LIVE &&
	         (ld64(x->map + H_GEN) & 1) == 0 && ld64(x->map + H_COVERED_END) == f->end &&
	         ld32(x->map + H_DYN_CRC) == dyn_crc(x->map, x->salt);
	/* Missing, of another log, behind (a writer that did not keep it), left half
	 * changed by a killed writer, or damaged: made again from the log. The index is an
	 * aid, never a condition of a write: a log this process cannot map (its address
	 * space spent) fails the index, not the transaction. */
	int rc = ok ? lmap_grow_locked(f, f->end) : shx_build(f, 0);
	if (ok && rc == NUMBERING_OK)
		return NUMBERING_OK;
	if (rc != NUMBERING_OK) {
		numbering__file_diagnose(f, "store %s: could not write its shared index %s: %s", f->path, f->idx_path,
		                         numbering_error_message());
		numbering_error_clear();
		shx_retire(f->shx, IDX_ABANDONED);
		shx_close(f->shx);
		f->shx = NULL;
	}
	return NUMBERING_OK;
}

/* The puts of records holding ranges among the operations of the record whose payload
 * (@len bytes) starts at log offset @at: only counted when a transaction has more
 * operations than the range table has room (a bulk load, say). */
static uint64_t txn_ranges(struct file *f, uint64_t at, uint64_t len)
{
	char name_buf[NUMBERING__RECORD_NAME_BUF];
	const uint8_t *p = f->lmap + at;
	uint64_t ranges = 0;
	for (uint64_t i = 1; i + 5 <= len;) {
		uint8_t op = p[i];
		uint32_t n = get32(p + i + 1);
		i += 5;
		if (n > len - i)
			break;
		numbering_record rec;
		if (op == OP_RECORD_PUT && numbering__record_decode(&rec, p + i, n, name_buf) == NUMBERING_OK &&
		    (rec.flags & NUMBERING_RECORD_NUMBERS) && rec.digits > 0 && rec.first != rec.last)
			ranges++;
		i += n;
	}
	numbering_error_clear();
	return ranges;
}

void numbering__file_shx_commit(struct file *f, uint64_t record_off, uint64_t payload_len, uint64_t ops)
{
	if (!keeps_index(f))
		return;
	struct numbering__shx *x = f->shx;
	uint64_t before = record_off;
	/* Of this log: checked when the transaction took the lock (numbering__file_shx_prepare). */
	if (x == NULL || ld64(x->map + H_COVERED_END) != before || ld32(x->map + H_STATE) != IDX_LIVE ||
	    lmap_grow_locked(f, f->end) != NUMBERING_OK ||
	    ld64(x->map + H_NAME_USED) + ops > (x->name_mask + 1) / 4 * 3 ||
	    ld64(x->map + H_NUM_USED) + ops > (x->num_mask + 1) / 4 * 3 ||
	    (ld64(x->map + H_RANGE_COUNT) + ops > x->range_cap &&
	     ld64(x->map + H_RANGE_COUNT) + txn_ranges(f, record_off + RECORD_HEADER, payload_len) > x->range_cap)) {
		numbering_error_clear();
		if (x != NULL && ld64(x->map + H_COVERED_END) == before)
			numbering__file_shx_prepare_grow(f, ops);
		else
			numbering__file_shx_prepare(f);
		return;
	}
	char name_buf[NUMBERING__RECORD_NAME_BUF], old_buf[NUMBERING__RECORD_NAME_BUF];
	struct update u = {x, f->lmap, f->lmap_len, f->end, NULL, name_buf, old_buf};
	seq_enter(x);
	update_record(&u, record_off + RECORD_HEADER, payload_len);
	st64(x->map + H_COVERED_END, f->end);
	st64(x->map + H_COVERED_SEQ, f->seq);
	/* The value the publish that follows gives the lock file's change counter (only the
	 * holder of the writers' lock adds to it): a reader that finds the counter there
	 * knows that the change was this commit, in this log, indexed here. */
	if (f->changes != NULL)
		st64(x->map + H_CHANGES, atomic_load(f->changes) + 1);
	if (u.bad != NULL)
		st32(x->map + H_STATE, IDX_ABANDONED);
	dyn_seal(x);
	seq_leave(x);
	if (atomic_load(&f->map_cut) != 0) {
		/* A fault in the update: it went to the stand-in, not the file. */
		numbering__file_shx_prepare(f);
		return;
	}
	if (u.bad != NULL) {
		numbering__file_diagnose(f, "store %s: its shared index %s no longer matched the log (%s): made again", f->path,
		                         f->idx_path, u.bad);
		shx_close(f->shx);
		f->shx = NULL;
		numbering__file_shx_prepare(f);
	}
}

void numbering__file_shx_prepare_grow(struct file *f, uint64_t more)
{
	uint64_t want = f->shx != NULL ? (f->shx->name_mask + 1) + more : more;
	if (shx_build(f, want) != NUMBERING_OK) {
		numbering__file_diagnose(f, "store %s: could not grow its shared index %s: %s", f->path, f->idx_path,
		                         numbering_error_message());
		numbering_error_clear();
		shx_retire(f->shx, IDX_ABANDONED);
		shx_close(f->shx);
		f->shx = NULL;
	}
}

void numbering__file_shx_invalidate(struct file *f)
{
	if (f->shx == NULL || f->read_only)
		return;
	shx_retire(f->shx, IDX_ABANDONED);
}

/* Readers. */

int numbering__file_shx_open(struct file *f, int log_fd, uint32_t log_crc, struct numbering__shx **out)
{
	*out = NULL;
	if (f->idx_path == NULL || f->changes == NULL)
		return numbering__error_set(NUMBERING_UNIMPLEMENTED, "file backend: store %s is a snapshot", f->path);
	struct numbering__shx *x = NULL;
	int fd = numbering__file_open(f->idx_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
	if (fd < 0 && errno != ENOENT)
		return numbering__file_io_error("open the shared index", f->idx_path);
	if (fd < 0)
		return numbering__error_set(NUMBERING_NOT_FOUND, "file backend: store %s has no shared index %s (%s)", f->path,
		                            f->idx_path, strerror(errno));
	int rc = shx_map(f, &x, fd, 0, f->idx_path);
	if (rc != NUMBERING_OK) {
		close(fd);
		return rc;
	}
	if (!shx_of_log(x, log_fd, log_crc)) {
		shx_close(x);
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: the shared index %s is of another log than %s, or covers more "
		                            "than it holds",
		                            f->idx_path, f->path);
	}
	*out = x;
	return NUMBERING_OK;
}

int numbering__file_shx_install(struct file *f, struct numbering__shx *x)
{
	pthread_mutex_lock(&f->map_mutex);
	int rc = lmap_grow_locked(f, ld64(x->map + H_COVERED_END));
	pthread_mutex_unlock(&f->map_mutex);
	if (rc != NUMBERING_OK) {
		shx_close(x);
		return rc;
	}
	shx_close(f->shx);
	__atomic_store_n(&f->shx, x, __ATOMIC_RELEASE);
	return NUMBERING_OK;
}

void numbering__file_shx_discard(struct numbering__shx *x)
{
	shx_close(x);
}

int numbering__file_shx_attach(struct file *f)
{
	struct numbering__shx *x = NULL;
	int rc = numbering__file_shx_open(f, f->fd, f->header_crc, &x);
	if (rc != NUMBERING_OK)
		return rc;
	return numbering__file_shx_install(f, x);
}

void numbering__file_shx_detach(struct file *f)
{
	shx_close(f->shx);
	f->shx = NULL;
	lmap_drop(f);
}

int numbering__file_shx_replaced(struct file *f)
{
	struct numbering__shx *x = f->shx;
	return x == NULL || ld32(x->map + H_STATE) != IDX_LIVE;
}

int numbering__file_shx_covers_seq(struct file *f, uint64_t seq)
{
	struct numbering__shx *x = f->shx;
	if (x == NULL)
		return 0;
	uint64_t gen = __atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_ACQUIRE);
	int covers = (gen & 1) == 0 && ld64(x->map + H_COVERED_SEQ) == seq;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return covers && __atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_RELAXED) == gen;
}

/* seq_begin()'s wait for a writer to leave (@g, the odd generation first read): the
 * generation once even, or -1 when it stays odd and no process holds the writers' lock
 * (a writer killed inside its update: the index is abandoned). */
static __attribute__((noinline)) int seq_wait(struct file *f, const struct numbering__shx *x, uint64_t g, uint64_t *gen)
{
	for (int spins = 1;; spins++) {
		if (spins >= 64) {
			if (spins % 256 == 255 && f->lock_fd >= 0 && flock(f->lock_fd, LOCK_SH | LOCK_NB) == 0) {
				flock(f->lock_fd, LOCK_UN);
				if (__atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_ACQUIRE) == g)
					return -1;
			}
			sched_yield();
		}
		g = __atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_ACQUIRE);
		if ((g & 1) == 0) {
			*gen = g;
			return 0;
		}
	}
}

/* The sequence lock's read side: the generation to check against, once even. The
 * common case (no writer inside) inline, in the look-up; the wait apart. */
static inline int seq_begin(struct file *f, const struct numbering__shx *x, uint64_t *gen)
{
	uint64_t g = __atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_ACQUIRE);
	if ((g & 1) == 0) {
		*gen = g;
		return 0;
	}
	return seq_wait(f, x, g, gen);
}

static int seq_retry(const struct numbering__shx *x, uint64_t gen)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_RELAXED) != gen;
}

/* A shared reader, after another process's change (@changes, the lock file's counter):
 * whether the index says the change was a commit it indexed (its change word, whole and
 * under the sequence lock, and the index live), so that the file is the one the index
 * indexes (a compaction or a writer that does not keep the index changes the counter
 * without the word) and its records end at the covered end (*@end), mapped: no system
 * call to tell either. */
int numbering__file_shx_current(struct file *f, uint64_t changes, uint64_t *end)
{
	struct numbering__shx *x = f->shx;
	if (x == NULL)
		return 0;
	uint64_t gen = __atomic_load_n((const uint64_t *)(const void *)(x->map + H_GEN), __ATOMIC_ACQUIRE);
	if ((gen & 1) != 0 || ld32(x->map + H_STATE) != IDX_LIVE || ld64(x->map + H_CHANGES) != changes)
		return 0;
	*end = ld64(x->map + H_COVERED_END);
	/* And the end published is the one indexed (a writer killed between its index update
	 * and its publish, then a writer that does not keep the index: the word matches, the
	 * end does not). */
	if (seq_retry(x, gen) || ld32(x->map + H_DYN_CRC) != dyn_crc(x->map, x->salt) || *end < f->end ||
	    atomic_load_explicit(f->published, memory_order_acquire) != *end)
		return 0;
	/* Whole at @gen (the lock read again after the checksum): the next look-up's view
	 * need not check the same words again (view_ok). */
	if (!seq_retry(x, gen))
		atomic_store_explicit(&x->checked_gen, gen, memory_order_relaxed);
	pthread_mutex_lock(&f->map_mutex);
	int rc = lmap_grow_locked(f, *end);
	pthread_mutex_unlock(&f->map_mutex);
	if (rc != NUMBERING_OK) {
		numbering_error_clear();
		return 0;
	}
	return 1;
}

/* The header's changing words as one state, under the sequence lock: 0, or -1 when
 * the index cannot answer for this process's view (f->end). Their checksum is checked
 * once per generation of the mapping (x->checked_gen; an atomic word of the mapping
 * rather than a thread-local one, whose every read in a shared library is a call). */
LOOKUP_INLINE int view_ok(const struct file *f, struct numbering__shx *x, uint64_t gen, uint64_t *limit, uint64_t *ranges)
{
	const uint8_t *h = x->map;
	uint32_t state = ld32(h + H_STATE);
	*limit = ld64(h + H_COVERED_END);
	*ranges = ld64(h + H_RANGE_COUNT);
	if (state == IDX_ABANDONED || *ranges > x->range_cap)
		return -1;
	if (atomic_load_explicit(&x->checked_gen, memory_order_relaxed) != gen) {
		if (ld32(h + H_DYN_CRC) != dyn_crc(h, x->salt))
			return -1;
		atomic_store_explicit(&x->checked_gen, gen, memory_order_relaxed);
	}
	/* Behind what this process has seen published: a writer that does not keep it. */
	if (*limit < __atomic_load_n(&f->end, __ATOMIC_ACQUIRE))
		return -1;
	return 0;
}

int numbering__file_shx_usable(struct file *f)
{
	struct numbering__shx *x = f->shx;
	uint64_t gen, limit, ranges;
	if (x == NULL || seq_begin(f, x, &gen) != 0)
		return 0;
	int usable = ld32(x->map + H_STATE) == IDX_LIVE && view_ok(f, x, gen, &limit, &ranges) == 0;
	return usable && !seq_retry(x, gen);
}

/* The index to read through: the one mapped, or, when there is none (not made yet, or
 * a compaction's not yet in place when this process followed it), one mapped now. */
static struct numbering__shx *reading(struct file *f)
{
	struct numbering__shx *x = __atomic_load_n(&f->shx, __ATOMIC_ACQUIRE);
	if (x != NULL)
		return x;
	pthread_mutex_lock(&f->heap_mutex);
	if (f->shx == NULL && numbering__file_shx_attach(f) != NUMBERING_OK)
		numbering_error_clear();
	pthread_mutex_unlock(&f->heap_mutex);
	return __atomic_load_n(&f->shx, __ATOMIC_ACQUIRE);
}

static void not_served(struct file *f, const char *why)
{
	if (!__atomic_exchange_n(&f->shx_warned, 1, __ATOMIC_ACQ_REL))
		numbering__file_diagnose(f, "store %s: its shared index %s cannot answer (%s): reads go to this process's own "
		                         "index",
		                         f->path, f->idx_path, why);
}

/* A record the index points to no longer has the bytes it indexed: the log was
 * changed in place below its covered end (a disk, or a program writing the file),
 * which no writer of this library does. Never read: DATA_LOSS, the record's name
 * given when it is known (@name, else NULL). */
static int changed(struct file *f, uint64_t off, const char *name)
{
	char quoted[NUMBERING__QUOTE_SIZE], which[NUMBERING__QUOTE_SIZE + 8] = "";
	if (name != NULL)
		snprintf(which, sizeof(which), " \"%s\"", numbering__quote(quoted, name, strlen(name)));
	return numbering__error_set(NUMBERING_DATA_LOSS,
	                            "file backend: store %s is damaged: the record%s at offset %llu of its log is not what "
	                            "was written there (its bytes do not match the check value its shared index holds)",
	                            f->path, which, (unsigned long long)off);
}

enum { VIEW_READY, VIEW_RETRY, VIEW_NONE };

/* Opens a look-up's view of the index: its generation, the log length it covers, its
 * ranges' count, and the log mapped that far. VIEW_RETRY: look again (a writer moved on,
 * or the mapping grew); VIEW_NONE: the index cannot serve, said through not_served. */
LOOKUP_INLINE int view_begin(struct file *f, struct numbering__shx *x, uint64_t *gen, uint64_t *limit, uint64_t *ranges,
                      const uint8_t **lmap, size_t *lmap_len)
{
	if (seq_begin(f, x, gen) != 0) {
		not_served(f, "a writer was killed while changing it");
		return VIEW_NONE;
	}
	if (view_ok(f, x, *gen, limit, ranges) != 0) {
		if (seq_retry(x, *gen))
			return VIEW_RETRY;
		not_served(f, "it is behind the log, abandoned or damaged");
		return VIEW_NONE;
	}
	*lmap = __atomic_load_n(&f->lmap, __ATOMIC_ACQUIRE);
	*lmap_len = __atomic_load_n(&f->lmap_len, __ATOMIC_ACQUIRE);
	if (*limit > *lmap_len) {
		pthread_mutex_lock(&f->map_mutex);
		int rc = lmap_grow_locked(f, *limit);
		pthread_mutex_unlock(&f->map_mutex);
		if (rc != NUMBERING_OK) {
			numbering_error_clear();
			not_served(f, "the log cannot be mapped");
			return VIEW_NONE;
		}
		return VIEW_RETRY;
	}
	return VIEW_READY;
}

LOOKUP_INLINE int shx_get(struct file *f, int kind, const char *name, numbering_record_visit_cb visit, void *payload,
                        int *served)
{
	*served = 0;
	struct numbering__shx *x = reading(f);
	if (x == NULL) {
		not_served(f, "there is none");
		return NUMBERING_OK;
	}
	size_t name_len = strlen(name);
	char name_buf[NUMBERING__RECORD_NAME_BUF];
	for (int attempt = 0; attempt < 1000; attempt++) {
		uint64_t gen, limit, ranges;
		const uint8_t *lmap;
		size_t lmap_len;
		int view = view_begin(f, x, &gen, &limit, &ranges, &lmap, &lmap_len);
		if (view == VIEW_RETRY)
			continue;
		if (view == VIEW_NONE)
			return NUMBERING_OK;
		struct found fd;
		int r = kind < 1 || kind > NUMBERING_RECORD_KIND_MAX || name_len == 0 || name_len > NAME_MAX_BYTES
		                ? LOOK_NONE
		                : name_look(x, lmap, lmap_len, limit, kind, name, name_len, &fd, name_buf);
		if (seq_retry(x, gen))
			continue;
		if (r == LOOK_DAMAGED) {
			not_served(f, "a slot's checksum fails, or a record it points to does not decode");
			return NUMBERING_OK;
		}
		*served = 1;
		if (r == LOOK_NONE)
			return numbering__error_set(NUMBERING_NOT_FOUND, "file backend: no record of the kind has the name");
		if (r == LOOK_CHANGED || fd.changed)
			return changed(f, fd.off, r == LOOK_FOUND ? fd.rec.name : NULL);
		/* Decoded by the look-up from the log, whose bytes below the covered end never
		 * change: valid now that the look-up is known to have seen a whole index. */
		fd.rec.version = NUMBERING_RECORD_VERSION;
		return visit(&fd.rec, payload);
	}
	not_served(f, "it kept changing under the look-up");
	return NUMBERING_OK;
}

LOOKUP_INLINE int shx_find1(struct file *f, int digits, uint64_t number, numbering_record_visit_cb visit,
                          void *payload, int *served)
{
	*served = 0;
	struct numbering__shx *x = reading(f);
	if (x == NULL) {
		not_served(f, "there is none");
		return NUMBERING_OK;
	}
	char name_buf[NUMBERING__RECORD_NAME_BUF];
	uint64_t key = num_key(digits, number);
	for (int attempt = 0; attempt < 1000; attempt++) {
		uint64_t gen, limit, ranges;
		const uint8_t *lmap;
		size_t lmap_len;
		int view = view_begin(f, x, &gen, &limit, &ranges, &lmap, &lmap_len);
		if (view == VIEW_RETRY)
			continue;
		if (view == VIEW_NONE)
			return NUMBERING_OK;
		struct found fd;
		int r = num_look(x, key, &fd);
		if (r == LOOK_NONE && ranges > 0) {
			int64_t i = range_floor(x, ranges, key);
			struct range e;
			if (i >= 0 && range_entry(x, (uint64_t)i, &e) != 0)
				r = LOOK_DAMAGED;
			else if (i >= 0 && e.key >> 56 == (uint64_t)digits && number <= e.last) {
				r = LOOK_FOUND;
				fd.off = e.off;
				fd.len = e.len;
				fd.check = e.check;
				fd.flags = e.flags;
			}
		}
		if (seq_retry(x, gen))
			continue;
		if (r == LOOK_DAMAGED) {
			not_served(f, "a slot's checksum fails");
			return NUMBERING_OK;
		}
		*served = 1;
		if (r == LOOK_NONE)
			return numbering__error_set(NUMBERING_NOT_FOUND, "file backend: no record holds that number");
		numbering_record rec;
		int how = record_at(lmap, lmap_len, limit, fd.off, fd.len, fd.check, fd.flags, &rec, name_buf);
		if (how == REC_CHANGED)
			return changed(f, fd.off, NULL);
		if (how == REC_BAD || !(rec.flags & NUMBERING_RECORD_NUMBERS) || rec.digits != digits ||
		    rec.first > number || rec.last < number) {
			*served = 0;
			not_served(f, "a record it points to does not decode or does not hold the number");
			return NUMBERING_OK;
		}
		rec.version = NUMBERING_RECORD_VERSION;
		return visit(&rec, payload);
	}
	not_served(f, "it kept changing under the look-up");
	return NUMBERING_OK;
}

/* The look-ups, and all that reads through the mappings in them (the visit too, which
 * reads the record in the log): a fault in either mapping (a program cut the file)
 * reads zeros there (the guard's stand-in) and raises f->map_cut. Looked at before
 * (raised earlier: not mapped again yet) and after: then the answer, whatever it was,
 * is an error naming the file cut. Two loads of one word on the hot path. */
int numbering__file_shx_get(struct file *f, int kind, const char *name, numbering_record_visit_cb visit,
                            void *payload, int *served)
{
	int rc = NUMBERING_OK;
	if (atomic_load_explicit(&f->map_cut, memory_order_relaxed) == 0) {
		rc = shx_get(f, kind, name, visit, payload, served);
		if (atomic_load_explicit(&f->map_cut, memory_order_acquire) == 0)
			return rc;
	}
	*served = 1;
	return cut_error(f);
}

int numbering__file_shx_find1(struct file *f, int digits, uint64_t number, numbering_record_visit_cb visit,
                              void *payload, int *served)
{
	int rc = NUMBERING_OK;
	if (atomic_load_explicit(&f->map_cut, memory_order_relaxed) == 0) {
		rc = shx_find1(f, digits, number, visit, payload, served);
		if (atomic_load_explicit(&f->map_cut, memory_order_acquire) == 0)
			return rc;
	}
	*served = 1;
	return cut_error(f);
}

int numbering__file_shx_mend(struct file *f, int writer)
{
	if (atomic_load(&f->map_cut) == 0)
		return NUMBERING_OK;
	/* The log cut below what this process read: damage, said at every read until its
	 * bytes are back; the stand-ins stay (reads through them fail the same way). */
	struct stat st;
	if (fstat(f->fd, &st) != 0)
		return numbering__file_io_error("stat", f->path);
	if ((uint64_t)st.st_size < f->end)
		return cut_error(f);
	numbering__file_diagnose(f, "store %s: a file it maps (its file, or its shared index %s) was cut short while it "
	                         "was open (not by libnumbering): mapped again%s",
	                         f->path, f->idx_path != NULL ? f->idx_path : "",
	                         writer ? ", the index written again" : "");
	shx_close(f->shx);
	f->shx = NULL;
	lmap_drop(f);
	atomic_store(&f->map_cut, 0);
	return NUMBERING_OK;
}

void numbering__file_shx_log_changed(struct file *f)
{
	lmap_drop(f);
}

void numbering__file_shx_free(struct file *f)
{
	shx_close(f->shx);
	f->shx = NULL;
	lmap_drop(f);
	numbering__free_mem(f->idx_path);
	f->idx_path = NULL;
}

int numbering__file_shx_paths(struct file *f)
{
	if (f->real == NULL || f->idx_path != NULL)
		return NUMBERING_OK;
	f->idx_path = idx_path_of(f);
	return f->idx_path == NULL ? numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory")
	                           : NUMBERING_OK;
}

int numbering__file_shx_stats(struct file *f, int64_t *builds)
{
	*builds = f->shx_builds;
	return f->shx != NULL;
}
