/*
 * The file backend's private header: the format's constants, the little-endian and
 * buffer helpers, the scan and replay state, the backend's struct, and what each part
 * of the backend offers the others. Not installed.
 */
#ifndef NUMBERING_FILE_INTERNAL_H
#define NUMBERING_FILE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <sodium.h>

#include "../memory/memory.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "core/rwlock.h"
#include "file-io.h"
#include "numbering/sys/backend.h"
#include "numbering/sys/file.h"
#include "numbering/sys/record.h"

/* The file header's fixed part (all of a version-1 header), then in version 2 two slots
 * recording the durable length: records start at HEADER_SIZE_V2 (docs/FILE-FORMAT.md). */
#define HEADER_SIZE 64
#define HEADER_SIZE_V2 128
#define SLOT_SIZE 32
#define RECORD_HEADER 24
/* The largest transaction payload versions 1 and 2 write. */
#define RECORD_MAX (64u << 20)
/* Version 3: a transaction or chunk holding one record of the largest body
 * (NUMBERING_RECORD_BODY_MAX) with its name, parent, keys and lengths; also the longest
 * payload any replay accepts: a bound on what an untrusted length field can make us
 * allocate. */
#define RECORD_LOG_MAX (RECORD_MAX + (64u << 10))
_Static_assert(RECORD_LOG_MAX - RECORD_MAX > 2 * (NUMBERING_RECORD_NAME_MAX + 16) +
                                                 NUMBERING_RECORD_KEY_SLOTS * (NUMBERING_RECORD_KEY_MAX + 8) + 256,
               "a version-3 transaction holds a record of the largest body");
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

/* The first 8 bytes of every store: \x89NUMBDB\n. */
extern const uint8_t numbering__file_magic[8];
#define RECORD_MAGIC 0x6365524eu /* "NRec" little-endian */

enum { RECORD_TXN = 1, RECORD_SNAPSHOT = 2 };
/* Operations: versions 1 and 2 logged instances and metadata (read, and upgraded, by
 * file-records.c); version 3, NUMBERING_FILE_FORMAT_VERSION, a log of records
 * (numbering/sys/record.h), only records. */
enum { OP_PUT = 1, OP_REMOVE = 2, OP_META = 3, OP_RECORD_PUT = 4, OP_RECORD_REMOVE = 5 };
_Static_assert(NUMBERING_FILE_FORMAT_VERSION == 3, "the format written is a log of records");

/* Little-endian integers. */

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A growable byte buffer. */

struct buf {
	uint8_t *data;
	size_t len, cap;
};

static inline int buf_reserve(struct buf *b, size_t more)
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
static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

static inline void buf_add32(struct buf *b, uint32_t v)
{
	put32(b->data + b->len, v);
	b->len += 4;
}

/* Wiped: records carry metadata, and metadata can be a secret (the page-token key). */
static inline void buf_free(struct buf *b)
{
	if (b->data != NULL)
		sodium_memzero(b->data, b->cap);
	numbering__free_mem(b->data);
	memset(b, 0, sizeof(*b));
}

/* Reading a file through a window (numbering__file_scan_get). */
struct scan {
	const struct numbering__file_io *io;
	int fd;
	uint64_t size;
	struct buf win;
	uint64_t win_off;
	const uint8_t *map; /* the file mapped past size (a shared reader's log), read in place; or NULL */
};

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
	int max_version;            /* the highest format version to read; 0: NUMBERING_FILE_FORMAT_VERSION */
	char problem[160];
	/* Progress of the read (numbering_file_progress_cb), in bytes of the file; NULL: none. */
	numbering_file_progress_cb progress;
	void *progress_payload;
	const char *progress_op;
};

/* Progress is reported at most once per this many bytes read, or records written. */
#define PROGRESS_BYTES (1u << 20)
#define PROGRESS_RECORDS 4096u

/* Live bytes after an operation replaced @old bytes with @new ones. */
static inline uint64_t live_add(uint64_t live, uint64_t old, uint64_t new_bytes)
{
	return (old < live ? live - old : 0) + new_bytes;
}

struct file;
/* A snapshot being written (file-compact.c). */
struct snapshot;

/* The backend. */
struct file {
	numbering_backend base; /* the record store's vtable (file-records.c) */
	numbering_backend *mem; /* the memory record store: every read, and a transaction's own writes */
	void *rstate;           /* file-records.c's scratch (struct rstate), made by the first replay */
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
	numbering_file_progress_cb progress; /* of replays at open and compactions; NULL: none */
	void *progress_payload;
	struct numbering__log log; /* the store's log (NUMBERING__CONTROL_LOG); set under lock */
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
	uint64_t next_compact_check;
	int64_t commits, syncs, compactions, truncated_bytes, open_ns;
	int in_txn;
	int broken; /* the file's state is unknown: writes are refused */
	int dir_pending; /* a rename whose directory sync failed: retried before the next commit */
	struct buf txn;
	uint64_t txn_ops;
	/* Many processes (docs/FILE-FORMAT.md, "Many processes, one store"): the lock file
	 * REAL.lock beside the store, whose flock is the writers' lock and whose words,
	 * mapped shared, readers watch: a change counter every commit and compaction bumps,
	 * and the end of the last record published. lock_fd -1 and shared NULL for a
	 * read-only open without a lock file (a snapshot as of open). */
	int lock_fd;
	char *lock_path;
	uint8_t *shared;
	_Atomic uint64_t *changes, *published;
	/* The lock file's mapping faulted (a program cut the file short under it): the guard
	 * (file-guard.c) put a private stand-in there, whose counter reads UINT64_MAX, until
	 * a catch-up maps the file again. */
	_Atomic int lock_cut;
	/* A mapping of the shared index or of the log faulted (file-shared.c): each is a
	 * zero-filled stand-in since, and every read through them fails, naming the file
	 * cut, until a catch-up (no reader inside) maps them again. Raised by the guard. */
	_Atomic int map_cut;
	/* The watcher (file.c, watch_main): a thread that looks once a second whether
	 * PATH.lock or the store's file is still the file this backend holds, and sets
	 * moved when not (the next catch-up follows them). It waits on watch_cond under
	 * f->lock until f->stopping. */
	pthread_t watcher;
	pthread_cond_t watch_cond;
	int watcher_running;
	_Atomic int moved;
	_Atomic uint64_t seen;    /* *changes when this backend last caught up */
	int catch_up_failing;     /* a reader's last catch-up failed (said once); f->lock */
	int64_t quick_catch_ups;  /* a shared reader's catch-ups that the index answered; f->lock */
	_Atomic uint64_t foreign; /* catch-ups that took another process's records */
	int watched;              /* a store sends NUMBERING__CONTROL_REFRESH: reads need not catch up */
	struct numbering__rwlock *readers; /* that store's readers: held off while f->mem is replaced */
	struct numbering__rwlock rlock; /* reads without a store: caught up under its write side */
	/* The writers' lock: held by this process while xrefs > 0 (a transaction, a sync of
	 * records not yet durable: sync_ref, a compaction, the open). xmutex guards both. */
	pthread_mutex_t xmutex;
	int xrefs, sync_ref;
	int busy_ms; /* how long a writer waits for the lock; < 0: not at all */
	/* The process that opened the store. A child forked from it shares its lock file's
	 * open file description, and with it the flock: the writers' lock would let the two
	 * in at once (a store damaged within a few hundred commits). Writes in any other
	 * process are refused, and its close releases nothing of the parent's. */
	pid_t pid;
	/* The shared index REAL.idx (file-shared.c, docs/FILE-FORMAT.md "The shared index"):
	 * kept by writers that asked for it (shared_wanted) or found it kept (the lock
	 * file's index word); read by a read-only open in shared mode (shared_reader),
	 * which maps the log (lmap) and answers get and resolve from the two, and keeps in
	 * its heap (f->mem) only the kinds something listed (heap_kinds; heap_all: every
	 * kind, as every other open). */
	int shared_wanted, shared_reader;
	char *idx_path;
	struct numbering__shx *shx;
	const uint8_t *lmap;
	size_t lmap_len;
	struct {
		uint8_t *p;
		size_t len;
	} lmap_old[16]; /* older mappings readers may still be in, unmapped at close */
	int lmap_old_count;
	pthread_mutex_t map_mutex; /* lmap's growth */
	int shx_warned;
	int64_t shx_builds;
	int heap_all, build_all;
	/* The heap was made whole because the index could not answer a get or resolve (a
	 * moment of a compaction, a writer without the index): those look-ups try the index
	 * first while it is set; the kinds the heap held before (none: it is dropped once the
	 * index answers again; file-records.c). */
	int heap_fallback;
	uint64_t kinds_before_fallback[4];
	uint64_t heap_kinds[4], build_kinds[4]; /* what f->mem holds; what a heap being built takes */
	numbering_backend *building;            /* the heap being built (the replay's target), or NULL */
	numbering_backend *old_mems[16];        /* heaps replaced while readers may be in them (freed at
	                                         * a shared reader's next catch-up) */
	int old_mem_count;
	pthread_mutex_t heap_mutex;             /* heap builds */
};

/* file-shared.c: the shared index. */
struct numbering__shx;
/* REAL.idx's path (f->idx_path), once f->real is known. */
int numbering__file_shx_paths(struct file *f);
/* A writer, holding the writers' lock and f->lock, caught up: makes sure the index it
 * keeps is that of its log up to f->end, rebuilding it from the log if not. */
int numbering__file_shx_prepare(struct file *f);
void numbering__file_shx_prepare_grow(struct file *f, uint64_t more);
/* A writer's commit appended the record at @record_off (@payload_len bytes of payload,
 * @ops operations) and set f->end past it: the index takes it, before the publish. */
void numbering__file_shx_commit(struct file *f, uint64_t record_off, uint64_t payload_len, uint64_t ops);
/* The file was cut back under the index (a failed sync): readers must not use it. */
void numbering__file_shx_invalidate(struct file *f);
/* A reader: maps REAL.idx, if it is one of the log f->fd (f->header_crc). */
int numbering__file_shx_attach(struct file *f);
void numbering__file_shx_detach(struct file *f);
/* The index of the log @log_fd (whose header's checksum is @log_crc), mapped, not yet
 * used (install it, or discard it). */
int numbering__file_shx_open(struct file *f, int log_fd, uint32_t log_crc, struct numbering__shx **out);
int numbering__file_shx_install(struct file *f, struct numbering__shx *x);
void numbering__file_shx_discard(struct numbering__shx *x);
/* A shared reader without a heap: whether the change counter's value @changes is a
 * commit its index took (f->end then moved to the index's covered end, no system call). */
int numbering__file_shx_current(struct file *f, uint64_t changes, uint64_t *end);
/* Whether the mapped index was replaced by a newer file (or there is none). */
int numbering__file_shx_replaced(struct file *f);
/* Whether the mapped index is live and whole and answers for this process's view. */
int numbering__file_shx_usable(struct file *f);
/* Whether the mapped index covers the log up to the record of sequence @seq, no further. */
int numbering__file_shx_covers_seq(struct file *f, uint64_t seq);
/* Look-ups from the index: *served 0 when it cannot answer (the caller asks the heap). */
int numbering__file_shx_get(struct file *f, int kind, const char *name, numbering_record_visit_cb visit,
                            void *payload, int *served);
int numbering__file_shx_find1(struct file *f, int digits, uint64_t number, numbering_record_visit_cb visit,
                              void *payload, int *served);
void numbering__file_shx_free(struct file *f);
/* A mapping of the index or the log faulted (f->map_cut): both dropped (mapped again
 * at the next use) unless the log is shorter than this process read (DATA_LOSS naming
 * it; the stand-ins stay). No reader inside; @writer: the writers' lock held. */
int numbering__file_shx_mend(struct file *f, int writer);
/* A compaction, before it renames the new log @fd (@end bytes, its last sequence
 * @seq, its header's checksum @crc) over the store: when this writer keeps the index,
 * the new log's index is written and renamed over REAL.idx first, so that the log and
 * its index appear together (a reader opening the store in between would build a heap
 * of its own), and *replaced is the old index, still live for the readers of the old
 * log, retired once the new log is in place (numbering__file_shx_retire_replaced()). */
int numbering__file_shx_build_for_compaction(struct file *f, int fd, uint64_t end, uint64_t seq, uint32_t crc,
                                             struct numbering__shx **replaced);
void numbering__file_shx_retire_replaced(struct numbering__shx *x);
/* f->fd is another file now (a compaction): the log's mappings go (no reader inside). */
void numbering__file_shx_log_changed(struct file *f);
int numbering__file_shx_stats(struct file *f, int64_t *builds);
/* file-records.c: a shared reader's heap holds @kind (-1: every kind) from now on,
 * built by a replay of the log up to f->end when it did not (under a read lock). */
int numbering__file_heap_want(struct file *f, int kind);
/* Replays the log up to f->end into a new heap of the kinds it holds now (a shared
 * reader that followed a compaction: no reader inside). */
int numbering__file_heap_rebuild(struct file *f);
/* A shared reader caught up (no reader inside): the heaps replaced while readers may
 * have been in them are freed, and a heap made whole only because the index could not
 * answer is dropped once the index answers again. */
void numbering__file_heap_tidy(struct file *f);
/* Whether the heap holds any kind. */
static inline int numbering__file_heap_any(const struct file *f)
{
	if (__atomic_load_n(&f->heap_all, __ATOMIC_ACQUIRE))
		return 1;
	for (int i = 0; i < 4; i++)
		if (__atomic_load_n(&f->heap_kinds[i], __ATOMIC_ACQUIRE) != 0)
			return 1;
	return 0;
}
/* Whether the heap holds @kind. */
static inline int numbering__file_heap_has(const struct file *f, int kind)
{
	if (__atomic_load_n(&f->heap_all, __ATOMIC_ACQUIRE))
		return 1;
	return kind >= 0 && kind < 256 &&
	       (__atomic_load_n(&f->heap_kinds[kind / 64], __ATOMIC_ACQUIRE) >> (kind % 64) & 1) != 0;
}

/* The file backend's parts (docs/FILE-FORMAT.md):
 *   file.c          the vtable: transactions, reads, sync modes and group commit, open and locking
 *   file-log.c      the log: the I/O seam, the header and its durable-length slots, record
 *                   framing, append, and replay (reading records back into memory)
 *   file-compact.c  compaction: snapshots written to temporary files, renamed over the store
 *   file-check.c    fsck: numbering_file_check() and repair
 * Functions that return int return a NUMBERING_* status with the error set, except where
 * a comment says -1 (errno set, for numbering__file_io_error() to describe). */

/* file-log.c: I/O. */

/* The I/O seam in use (file-io.h). */
const struct numbering__file_io *numbering__file_sys(void);
/* Sets the error for a failed @what of @path from errno: RESOURCE_EXHAUSTED for a full
 * disk and for a process or system out of descriptors or memory, else UNAVAILABLE. */
int numbering__file_io_error(const char *what, const char *path);
/* Write or read all of @len bytes at @off: 0, or -1 with errno set. */
int numbering__file_write_all(const struct numbering__file_io *io, int fd, const uint8_t *data, size_t len,
                              uint64_t off);
int numbering__file_read_all(const struct numbering__file_io *io, int fd, uint8_t *data, size_t len, uint64_t off);
/* fsync()s the directory @dir: 0, or -1 with errno set. */
int numbering__file_fsync_dir(const struct numbering__file_io *io, const char *dir);

/* file-log.c: the header, record framing, append. */

void numbering__file_header_make(uint8_t h[HEADER_SIZE_V2], uint32_t version, uint64_t base_seq, uint64_t instances,
                                 uint64_t snapshot_end, uint64_t snapshot_records);
int numbering__file_record_header_ok(const uint8_t h[RECORD_HEADER]);
/* Writes the record of sequence @seq holding @payload at offset @off: 0, or -1 with errno set. */
int numbering__file_append(const struct numbering__file_io *io, int fd, uint64_t off, uint64_t seq,
                           const uint8_t *payload, size_t len);
int numbering__file_init(const struct numbering__file_io *io, int fd, const char *path, const char *dir,
                         uint32_t version);
int numbering__file_mark_durable(const struct numbering__file_io *io, struct file *f, int fd, uint64_t end,
                                 uint64_t seq, uint64_t was_end, uint64_t was_seq);

/* file-log.c: replay. */

int numbering__file_scan_get(struct scan *s, uint64_t off, size_t len, const uint8_t **out);
int numbering__file_read_header(struct scan *s, struct replay *r, const char *path);
/* After numbering__file_read_header(): raises @s's size to the file's size now when the
 * header names a durable length past it. A writer of another process appends its records
 * before it records their durable length, so between a reader's fstat and its read of the
 * header it may have done both: the records are there, and reading only to the older size
 * would take them for a file cut short (damage) and miss them. */
void numbering__file_scan_cover_durable(struct scan *s, const struct replay *r);
/* Applies the operations of one record (its @len bytes of payload, at offset @off) in one
 * transaction, counting r->live and, for a snapshot chunk, r->snapshot_puts. */
typedef int (*numbering__file_apply_cb)(void *ctx, const uint8_t *payload, size_t len, uint64_t off,
                                        struct replay *r);
int numbering__file_replay_with(struct scan *s, numbering__file_apply_cb apply, void *ctx, struct replay *r,
                                const char *path);
int numbering__file_interrupted_creation(const struct numbering__file_io *io, int fd, uint64_t size);
int numbering__file_verify(struct file *f);

/* file-compact.c */

void numbering__file_keep_mode(int fd, int store_fd);
int numbering__file_temp_create(int *fd_out, char **name_out, const char *real, const char *suffix);
void numbering__file_remove_stale_temps(const char *real, const char *dir);
/* Adds one operation @op (OP_RECORD_PUT) of @len bytes to the snapshot, which
 * writes them in (@key, @time) order: digits << 56 | first number, then create time. */
int numbering__file_snapshot_add(struct snapshot *s, uint8_t op, uint64_t key, int64_t time, const uint8_t *bytes,
                                 size_t len);
/* Writes what @gather gathers (ctx: @f) as a snapshot into a new synced temporary file. */
int numbering__file_snapshot_write(int *fd_out, char **tmp_out, uint64_t *end, uint64_t *seq, uint64_t *records,
                                   struct file *f, const char *real, uint64_t base_seq);
int numbering__file_compact_locked(struct file *f);
void numbering__file_compact_if_due_locked(struct file *f);

/* file.c */

/* The lock file's layout: magic, version, size, then the words readers watch. */
#define LOCKFILE_SIZE 64
#define LOCKFILE_CHANGES 16
#define LOCKFILE_PUBLISHED 24
/* u32: non-zero once a writer made the shared index REAL.idx: every writer keeps it. */
#define LOCKFILE_INDEX 32
#define DEFAULT_BUSY_MS 5000
/* Takes (or shares, within the process) the writers' lock, waiting up to the busy
 * timeout (@wait 0: not at all). */
int numbering__file_xlock(struct file *f, int wait);
void numbering__file_xunlock(struct file *f);
/* Tells readers of other processes that the store changed: its records now end at
 * f->end (f->lock held, with the writers' lock). */
void numbering__file_publish(struct file *f);
/* Brings f->mem up to what other processes committed; @writer: with the writers' lock
 * held (whole records past the published end are taken, a torn tail cut off). No read
 * may run inside the backend. */
int numbering__file_catch_up(struct file *f, int writer);

void numbering__file_diagnose(struct file *f, const char *fmt, ...) NUMBERING__PRINTF(2, 3);

/* file-guard.c: the SIGBUS guard of the mappings (docs/FILE-FORMAT.md, "Files cut
 * short under open stores"). Registers the mapping at @start (@len bytes): a fault
 * inside it replaces it with a private zero page whose u64 at @poison (SIZE_MAX: none)
 * reads UINT64_MAX, adds to *@cut (before and after), and with @unseen sets *@unseen to
 * 0 (the next read catches up), instead of killing the process. 0, or -1 when it
 * cannot guard it (no handler could be installed, or no memory for the registry). */
int numbering__file_guard_add(void *start, size_t len, size_t poison, _Atomic int *cut, _Atomic uint64_t *unseen);
/* Before the mapping at @start is unmapped. */
void numbering__file_guard_remove(void *start);
int numbering__file_broken_error(const struct file *f);
int numbering__file_same_file(int fd, const char *name);
int numbering__file_lock(int fd, const char *path);
int numbering__file_open_locked(int *out, int *created, const char *path, int must_exist, int writable);
int numbering__file_resolve_store(char **real_out, char **dir_out, int fd, const char *path);
int numbering__file_set_paths(struct file *f, const char *path);
/* Opens the store at @path, replays it into f->mem and upgrades a version-1 or -2 store
 * (f->base, the vtable, is the caller's to fill: file-records.c). */
int numbering__file_new(struct file **out, const char *path, const numbering_file_options *options);
/* What the vtable does around the memory record store, on the struct file. */
int numbering__file_begin(struct file *f);
int numbering__file_commit(struct file *f);
int numbering__file_rollback(struct file *f);
int numbering__file_control(struct file *f, int op, void *arg);
void numbering__file_free(struct file *f);

/* file-records.c: the vtable (numbering_file_backend_new()), the log's operations of
 * format version 3, and the reading of versions 1 and 2 as records. */
/* Replays @s into f->mem (made here when NULL, as fsck's scratch needs: freed with
 * f->mem->free), a log of records or a store of instances and metadata read as records. */
int numbering__file_records_replay(struct file *f, struct scan *s, struct replay *r);
/* Gathers f->mem's records (ctx: the struct file) for a snapshot, in number order. */
int numbering__file_records_gather(struct snapshot *s, void *ctx);
/* Frees f->rstate. */
void numbering__file_records_free(struct file *f);
/* What f->mem holds: instance records, and META and REQUEST records (the metadata values
 * of versions 1 and 2). */
void numbering__file_records_counts(struct file *f, int64_t *instances, int64_t *metas);

#endif
