/**
 * @file numbering/sys/file.h
 * @brief The file backend: a durable, crash-safe store in one file.
 *
 * A record store (numbering/sys/backend.h): the backend keeps the memory backend's
 * indexes as its read path (reads cost what they cost in memory) and appends every
 * committed transaction (its record puts and removes, in the library's record
 * encoding) to a log in the file as one checksummed record. Opening replays the file into memory. Compaction
 * rewrites the file as a snapshot of the live state, atomically (a temporary file,
 * synced, renamed over the store, the directory synced). The on-disk format and the
 * sync modes are documented in docs/FILE-FORMAT.md.
 *
 * Many processes: any number of processes may open one store, and each sees what the
 * others commit (under a store, a read that starts after another process's commit
 * returned sees it: each read checks one word of the lock file PATH.lock, mapped
 * shared, and catches up when it moved). A write transaction takes the store's write
 * lock (an flock on PATH.lock) for its own duration, first reading what others
 * committed; a writer that cannot get it within the busy timeout
 * (numbering_file_options.busy_timeout_ms, default 5 s) gets NUMBERING_UNAVAILABLE.
 * Compaction by any process takes the same lock; the others follow the store to its
 * new file. docs/FILE-FORMAT.md, "Many processes, one store".
 *
 * Thread safety: as for every backend (numbering/sys/backend.h). Control operations
 * may be called from any thread, except NUMBERING_FILE_CONTROL_COMPACT, which reads
 * every record and must not run while a write is in progress (e.g. call it between
 * store writes, or let the automatic compaction run it: under a store, after the write
 * that crossed the threshold, beside reads (NUMBERING_BACKEND_CONTROL_MAINTAIN)).
 *
 * Group commit: a store tells the backend it will wait for durability after
 * releasing its lock (NUMBERING_BACKEND_CONTROL_DEFER_SYNC); in FULL mode commits of
 * concurrent writers then share fdatasync calls. A change may be visible to readers
 * of the store shortly before it is durable; it is acknowledged only once durable.
 */
#ifndef NUMBERING_SYS_FILE_H
#define NUMBERING_SYS_FILE_H

#include "numbering/common.h"
#include "numbering/sys/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The on-disk format version this library writes, and the newest it reads. Version 3
 * is a log of records (numbering/sys/record.h), with the durable length in the
 * header; stores of versions 1 and 2 (instances and metadata) are still read, as
 * records, and a writable open (or a repair) rewrites them in version 3:
 * docs/FILE-FORMAT.md.
 */
#define NUMBERING_FILE_FORMAT_VERSION 3

/**
 * When a commit is made durable (compare SQLite's PRAGMA synchronous).
 * FULL is the default.
 */
enum numbering_file_sync {
	/** Every commit is on disk (fdatasync) before commit() returns. Survives power loss. */
	NUMBERING_FILE_SYNC_FULL = 0,
	/**
	 * A commit is written to the file (the OS page cache) before commit() returns and
	 * synced by a background thread within the group window (sync_window_us): all
	 * commits of the window share one fdatasync. Survives a crash of the process; a
	 * power loss may lose the commits of the last window, never more, never part of one.
	 */
	NUMBERING_FILE_SYNC_NORMAL = 1,
	/** Never synced except by compaction and close: survives a crash of the process only. */
	NUMBERING_FILE_SYNC_OFF = 2
};

/**
 * Receives one diagnostic (e.g. "discarded a torn tail of 37 bytes at offset 4096").
 * @param message the note, NUL-terminated; valid during the call only.
 * @param payload numbering_file_options.diagnostic_payload.
 *
 * Thread safety: called from the opening thread, or from a thread writing through the
 * store (a failed sync or automatic compaction); it must not call the backend.
 */
typedef void (*numbering_file_diagnostic_cb)(const char *message, void *payload);

/**
 * Receives the progress of a long operation (compare SQLite's sqlite3_progress_handler).
 * @param operation "replay" (an open reading the store, or following another
 *        process's compaction), "check" (numbering_file_check_v2() reading it) or
 *        "compact" (a compaction, an upgrade or a repair writing a snapshot).
 * @param done how far it is: bytes of the file read for "replay" and "check", records
 *        written for "compact"; never decreases within one operation.
 * @param total what @p done reaches: the file's size in bytes, or the records to write.
 * @param payload numbering_file_options.progress_payload.
 *
 * Called at most once per MiB read or 4096 records written, and once at the end with
 * @p done equal to @p total (also when the operation then fails). Thread safety: called
 * from the thread running the operation (the opening thread, a thread writing through
 * the store when it compacts automatically, a thread whose read follows another
 * process's compaction, the caller of a check); it must not call the backend.
 */
typedef void (*numbering_file_progress_cb)(const char *operation, int64_t done, int64_t total, void *payload);

/** The numbering_file_options version these headers know (the fields up to shared_index). */
#define NUMBERING_FILE_OPTIONS_VERSION 5

/** How to open a file backend. Initialize with NUMBERING_FILE_OPTIONS_INIT or numbering_file_options_init(). */
typedef struct numbering_file_options {
	/** NUMBERING_FILE_OPTIONS_VERSION, as NUMBERING_FILE_OPTIONS_INIT sets it. */
	unsigned int version;
	/* Version 1 fields. */
	/** A numbering_file_sync value. */
	int sync_mode;
	/** NORMAL mode's window in microseconds; 0 for the default (10 ms). */
	int sync_window_us;
	/** 0: create the file when it does not exist (the default); non-zero: NUMBERING_NOT_FOUND instead. */
	int must_exist;
	/**
	 * Compaction runs after a commit once the file exceeds this many bytes and twice
	 * its live data (what a snapshot of the live state takes, counted exactly), so the
	 * file stays within max(this, 2 x live data) plus one commit's record; 0 for the
	 * default (8 MiB); negative: never automatically.
	 */
	int64_t compact_min_bytes;
	/** Receives recovery notes (a discarded torn tail) and background sync failures; NULL for none. */
	numbering_file_diagnostic_cb diagnostic;
	/** Passed to @c diagnostic. */
	void *diagnostic_payload;
	/* Version 2 fields. */
	/**
	 * Non-zero: open the store for reading only. The file must exist; it is never
	 * written (a tail being written, or torn, is left alone), nor is the lock file
	 * beside it created; writes and compaction are NUMBERING_FAILED_PRECONDITION.
	 * Like any open, it follows what other processes commit (under a store, each
	 * read sees every commit that returned before it started), provided the lock
	 * file PATH.lock exists and can be read; without it, it reads the store as it was
	 * at open.
	 */
	int read_only;
	/* Version 3 fields. */
	/**
	 * How long a write (a transaction, a compaction) waits for the store's write lock
	 * while another process holds it, in milliseconds, before it fails with
	 * NUMBERING_UNAVAILABLE naming the store and the timeout; 0 for the default
	 * (5000); negative: do not wait. Under a store the wait counts from when the
	 * write started to wait, behind this process's other writers included, so no
	 * thread waits more than the timeout however many queue.
	 */
	int busy_timeout_ms;
	/* Version 4 fields. */
	/** Receives the progress of replays at open, checks and compactions; NULL for none. */
	numbering_file_progress_cb progress;
	/** Passed to @c progress. */
	void *progress_payload;
	/* Version 5 fields. */
	/**
	 * Non-zero: the shared index PATH.idx (docs/FILE-FORMAT.md, "The shared index"). A
	 * writable open makes it (from the log) and keeps it up to date with every commit,
	 * as every writer does once it exists. A read-only open reads through it: get and
	 * resolve (find of one number) are answered from the index and the log, both
	 * mapped shared, so that reader processes share their memory instead of each
	 * replaying the log into its own heap; what the index cannot answer (lists, walks,
	 * counts, find of an interval) builds this process's own index of the kinds
	 * asked for, on first use. Without a usable index (none yet, stale, damaged), a
	 * read-only open reads as without this option. 0: neither (the default).
	 */
	int shared_index;
} numbering_file_options;

/** Static initializer of a numbering_file_options: this version, every default (FULL sync). */
#define NUMBERING_FILE_OPTIONS_INIT {NUMBERING_FILE_OPTIONS_VERSION, NUMBERING_FILE_SYNC_FULL, 0, 0, 0, NULL, NULL, 0, 0, NULL, NULL, 0}

/**
 * Initializes @p options to the defaults of @p version, writing only that version's fields.
 * @param[out] options the struct to fill.
 * @param[in] version NUMBERING_FILE_OPTIONS_VERSION, or an older version the caller's struct has.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "options" or "version") for
 *         NULL or an unknown version.
 *
 * Ownership: nothing allocated. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_file_options_init(numbering_file_options *options, unsigned int version);

/**
 * Opens (or creates) the store file at @p path and replays it into memory.
 * A torn tail (an incomplete or checksum-failing write past the durable length the
 * header records, as a crash leaves) is cut off and reported to options->diagnostic;
 * anything missing or unreadable below the durable length is NUMBERING_DATA_LOSS. A
 * store of format version 1 or 2 is upgraded at once (unless read_only): rewritten in
 * version 3 through the compaction path, so that a crash leaves the old file or the
 * new one; when the upgrade fails, the open fails and the old file is left as it was.
 * @param[out] out the backend; pass it to numbering_options.backend (the store then
 *             owns it), or free it with its free(). NULL on failure.
 * @param[in] path the store file; its directory must exist. A path is used as given
 *            (relative to the working directory).
 * @param[in] options NULL for the defaults.
 * @return NUMBERING_OK;
 *         NUMBERING_INVALID_ARGUMENT (bad arguments, or the file is not a store);
 *         NUMBERING_NOT_FOUND (must_exist and no file);
 *         NUMBERING_PERMISSION_DENIED (the process may not open the store file, create it in
 *         its directory, or open PATH.lock for writing: the message names the file and the
 *         system's reason); NUMBERING_FAILED_PRECONDITION for a writable open of a store on
 *         a file system mounted read-only (open it read-only);
 *         NUMBERING_UNAVAILABLE (another process holds the write lock past the busy timeout, or holds the
 *         store exclusively (fsck --repair), or an I/O error; the message names the file);
 *         NUMBERING_FAILED_PRECONDITION (a newer format version);
 *         NUMBERING_DATA_LOSS (damage before the last valid record, or below the durable length:
 *         records synced once are cut off or unreadable, a snapshot cut short; the message names
 *         the offset: numbering_file_check() with repair keeps what precedes it);
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p path and @p options are only read (the path is copied). @p *out is the
 * caller's until a store takes it. Lifetime: options->diagnostic_payload must outlive
 * the backend.
 * Thread safety: callable from any thread; one backend per store; other processes
 * (and other backends of this process) may open the same file at the same time.
 */
NUMBERING_EXTERN(int) numbering_file_backend_new(numbering_backend **out, const char *path,
                                                 const numbering_file_options *options);

/** The numbering_file_stats version these headers know. */
#define NUMBERING_FILE_STATS_VERSION 1

/** What NUMBERING_FILE_CONTROL_STATS reports. */
typedef struct numbering_file_stats {
	/** Set by the caller to NUMBERING_FILE_STATS_VERSION: the fields it knows. */
	unsigned int version;
	/* Version 1 fields. */
	/** The numbering_file_sync value in use. */
	int sync_mode;
	/** The file's size. */
	int64_t file_bytes;
	/** Bytes of the snapshot written by the last compaction (the file's start). */
	int64_t snapshot_bytes;
	/** Records in the file (snapshot and log). */
	int64_t records;
	/** Live instance records (deleted ones included). */
	int64_t instances;
	/** Live META and REQUEST records (metadata values). */
	int64_t metas;
	/** Commits written since open. */
	int64_t commits;
	/** fdatasync calls since open. */
	int64_t syncs;
	/** Compactions since open. */
	int64_t compactions;
	/** Bytes of torn tail discarded when the file was opened. */
	int64_t truncated_bytes;
	/** Nanoseconds the open took (reading and replaying the file). */
	int64_t open_ns;
} numbering_file_stats;

/** @name Control operations (backend->control(backend, op, arg)). */
/**@{*/
/** arg NULL: compacts now. */
#define NUMBERING_FILE_CONTROL_COMPACT 0x46490001
/** arg int *: a numbering_file_sync value, used from the next commit. */
#define NUMBERING_FILE_CONTROL_SET_SYNC 0x46490002
/** arg numbering_file_stats * (version set by the caller). */
#define NUMBERING_FILE_CONTROL_STATS 0x46490003
/** arg NULL: re-reads the whole file and checks every record; NUMBERING_OK or NUMBERING_DATA_LOSS. */
#define NUMBERING_FILE_CONTROL_VERIFY 0x46490004
/** arg NULL: makes everything committed durable now (for NORMAL and OFF modes). */
#define NUMBERING_FILE_CONTROL_SYNC 0x46490005
/**@}*/

/** The numbering_file_report version these headers know (the fields up to damaged_copy). */
#define NUMBERING_FILE_REPORT_VERSION 2

/** What numbering_file_check() found. */
typedef struct numbering_file_report {
	/** Set by the caller to NUMBERING_FILE_REPORT_VERSION: the fields it knows. */
	unsigned int version;
	/* Version 1 fields. */
	/** NUMBERING_OK when the file is sound (a torn tail included), else the open error. */
	int status;
	/** Non-zero when repair changed the file. */
	int repaired;
	/** Format version in the header, 0 if unreadable. */
	int format_version;
	/** The file's size. */
	int64_t file_bytes;
	/** Valid records (log records: transactions and snapshot chunks). */
	int64_t records;
	/** The instance records they hold. */
	int64_t instances;
	/** The META and REQUEST records (metadata values) they hold. */
	int64_t metas;
	/** Bytes of a torn tail (discarded by repair, and by any open). */
	int64_t torn_bytes;
	/** Offset of the first damaged record before valid ones, -1 if none. */
	int64_t damage_offset;
	/** Bytes a repair dropped (from the damage to the end). */
	int64_t dropped_bytes;
	/** One line saying what was found (and done). */
	char message[256];
	/* Version 2 fields. */
	/** Where a repair kept the damaged file (a new name each time: PATH.damaged, then
	 *  PATH.damaged.1, ...; never overwritten), empty when it kept none. */
	char damaged_copy[4096];
} numbering_file_report;

/**
 * Checks the store file at @p path (fsck): reads every record, checks checksums,
 * sequence and contents, replays them, and reads every record back through its
 * kind's body check (a record that does not is DATA_LOSS, with damage_offset -1:
 * a repair leaves such a store as it is). With @p repair, a torn tail is cut off
 * and a file damaged in the middle is rewritten (atomically) with the state of the
 * records before the damage, the damaged file kept beside it under a name no earlier
 * repair used (PATH.damaged, PATH.damaged.1, ...: report->damaged_copy). A path that
 * is not a regular file (a FIFO, a device, a directory) or a file that is not a store
 * is reported with report->status NUMBERING_INVALID_ARGUMENT and left alone; a file
 * shorter than a store header (empty: what an interrupted creation leaves) with
 * NUMBERING_UNAVAILABLE, left alone too (a writable open initializes it).
 * @param[out] report what was found; the caller sets its version to
 *             NUMBERING_FILE_REPORT_VERSION (the rest is overwritten).
 * @param[in] path the store file, which must not be open in any process.
 * @param[in] repair 0 to only check; non-zero to also repair as described above.
 * @return NUMBERING_OK when the check ran (the verdict is in report->status);
 *         NUMBERING_INVALID_ARGUMENT; NUMBERING_NOT_FOUND (no file); NUMBERING_UNAVAILABLE
 *         (the store is open elsewhere, or an I/O error); NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p report is the caller's; nothing is allocated for it.
 * Thread safety: callable from any thread; the file must not be open anywhere (the
 * check takes its lock).
 */
NUMBERING_EXTERN(int) numbering_file_check(numbering_file_report *report, const char *path, int repair);

/**
 * numbering_file_check() with options: as it, reporting its progress to
 * options->progress ("check" while it reads the file, "compact" while a repair writes
 * the records it keeps).
 * @param[out] report as for numbering_file_check().
 * @param[in] path as for numbering_file_check().
 * @param[in] repair as for numbering_file_check().
 * @param[in] options NULL for none; only its progress fields (version 4) are used,
 *            the others are ignored.
 * @return as numbering_file_check(); NUMBERING_INVALID_ARGUMENT (field
 *         "options.version") for an unknown options version.
 *
 * Ownership: @p options is only read. Thread safety: as numbering_file_check().
 */
NUMBERING_EXTERN(int) numbering_file_check_v2(numbering_file_report *report, const char *path, int repair,
                                              const numbering_file_options *options);

#ifdef __cplusplus
}
#endif

#endif
