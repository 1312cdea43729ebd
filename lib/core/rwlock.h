/*
 * A reader-writer lock for a read-mostly handle: a store, on which every incoming
 * call of a PBX resolves a number. A pthread_rwlock keeps its reader count in one
 * word, so readers on different cores take turns owning that cache line and each
 * read pays for the transfer; here each reader counts itself in one of several
 * padded slots (chosen once per thread), so concurrent readers touch no shared line
 * that a writer is not also waiting on.
 *
 * Writers take a mutex, raise a flag and wait for every slot to drain; a reader that
 * finds the flag raised steps back out of its slot, spins a little, then sleeps until
 * the flag falls, and a writer lets waiting readers in before it raises the flag
 * again. So a stream of readers cannot starve writers, nor a writer in a loop starve
 * readers; and work that holds only the writers' mutex (exclude_writers) never holds
 * up a reader. Not recursive.
 */
#ifndef NUMBERING_CORE_RWLOCK_H
#define NUMBERING_CORE_RWLOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define NUMBERING__RWLOCK_SLOTS 16

/* 128 bytes apart, so that two counters never share a 64-byte cache line whatever the
 * alignment the allocator gave the lock. */
struct numbering__rwlock_slot {
	atomic_uint readers;
	char pad[128 - sizeof(atomic_uint)];
};

struct numbering__rwlock {
	struct numbering__rwlock_slot slots[NUMBERING__RWLOCK_SLOTS];
	atomic_int writing;
	atomic_uint waiting_readers; /* readers waiting for the flag to fall */
	pthread_mutex_t writer;      /* one writer (or exclude_writers holder) at a time */
	pthread_mutex_t wait_mutex;  /* with flag_down: where waiting readers sleep */
	pthread_cond_t flag_down;
	/* A cache line between what writers write at every write (the flag, the mutexes)
	 * and what snapshot readers read at every read (below), which changes only at
	 * open and while a reader is held: a snapshot reader beside a writer in a loop
	 * would otherwise lose that line at every write. */
	char gap[64];
	/* Optional (NULL: none): a counter other processes add to, and the value it had
	 * when this process last caught up with it (or committed: this process counts its
	 * own commit as seen before it adds it). When the counter is ahead, a reader calls
	 * refresh(refresh_arg) before it enters (with no lock held); refresh takes the
	 * write lock to catch up, so readers never see the state change under them. A
	 * file store that other processes write sets them (NUMBERING__CONTROL_WATCH). */
	const _Atomic uint64_t *watch;
	const _Atomic uint64_t *seen;
	void (*refresh)(void *refresh_arg);
	void *refresh_arg;
	/* Set at open when the backend's reads never see a write half done (the memory
	 * record store's snapshots, backends/memory/snapshot.c): snapshot readers then
	 * ignore writers, and wait only while the holder of the write lock holds readers
	 * (holding: a file store taking another process's compaction replaces the memory
	 * its readers read). */
	int snapshots;
	atomic_int holding;
	/* And one before what the owner puts after the lock (a store writes there). */
	char tail[64];
};

/* 0, or an errno value from pthread_mutex_init or pthread_cond_init. */
int numbering__rwlock_init(struct numbering__rwlock *lock);
void numbering__rwlock_destroy(struct numbering__rwlock *lock);

/* The slot of the calling thread (to hand to unlock). */
unsigned numbering__rwlock_rdlock(struct numbering__rwlock *lock);
void numbering__rwlock_rdunlock(struct numbering__rwlock *lock, unsigned slot);
void numbering__rwlock_wrlock(struct numbering__rwlock *lock);
void numbering__rwlock_wrunlock(struct numbering__rwlock *lock);
/* When the calling thread started to wait in numbering__rwlock_wrlock() for a lock
 * with a watch (a file store other processes write), CLOCK_MONOTONIC ns, and forgets
 * it; 0 when it has not, or it was taken already, or the thread unlocked since. The
 * file backend's write lock (backends/file/file.c) counts its busy timeout from then,
 * so the timeout bounds a transaction's whole wait: this process's queue of writers
 * and the other processes' hold together. */
int64_t numbering__rwlock_take_wait_start(void);
/* A read of the backend alone (resolve, get) that, with lock->snapshots, waits for no
 * writer: the backend gives it a consistent snapshot. Without, rdlock/rdunlock. */
unsigned numbering__rwlock_snapshot_rdlock_on(struct numbering__rwlock *lock);
void numbering__rwlock_snapshot_rdunlock_on(struct numbering__rwlock *lock, unsigned slot);
static inline unsigned numbering__rwlock_snapshot_rdlock(struct numbering__rwlock *lock)
{
	return lock->snapshots ? numbering__rwlock_snapshot_rdlock_on(lock) : numbering__rwlock_rdlock(lock);
}
/* A reader slot (1 .. SLOTS - 1, handed out in turn as threads' are) for an object
 * that one thread uses at a time and reads through again and again (a resolution):
 * the _at forms read in it, without finding the thread's own slot, a thread-local
 * read through __tls_get_addr() in a shared library (~17 instructions of a resolve).
 * Any slot is correct (unlock names the same one); spreading them spreads the
 * contention. */
unsigned numbering__rwlock_new_slot(void);
/* numbering__rwlock_rdlock_at() when a writer is in, apart: the inline path without
 * one, every resolve's, sets up no frame. */
unsigned numbering__rwlock_rdlock_behind_writer(struct numbering__rwlock *lock, unsigned slot);
/*
 * The fast path and the writer's check form a Dekker handshake, which needs every one
 * of the four accesses sequentially consistent: the reader's slot increment and
 * reading of the flag, the writer's raising of the flag and reading of the slots.
 * Then either the writer sees the reader or the reader sees the flag (or both).
 */
static inline unsigned numbering__rwlock_rdlock_at(struct numbering__rwlock *lock, unsigned slot)
{
	/* One shared word read per read: another process committed since we caught up. */
	if (lock->watch != NULL &&
	    atomic_load_explicit(lock->watch, memory_order_acquire) > atomic_load_explicit(lock->seen, memory_order_relaxed))
		lock->refresh(lock->refresh_arg);
	atomic_fetch_add(&lock->slots[slot].readers, 1);
	if (!atomic_load(&lock->writing))
		return slot;
	return numbering__rwlock_rdlock_behind_writer(lock, slot);
}
unsigned numbering__rwlock_snapshot_rdlock_on_at(struct numbering__rwlock *lock, unsigned slot);
/* A snapshot read of a store no other process writes counts nowhere: no call. */
static inline unsigned numbering__rwlock_snapshot_rdlock_at(struct numbering__rwlock *lock, unsigned slot)
{
	if (lock->snapshots)
		return lock->watch == NULL ? slot : numbering__rwlock_snapshot_rdlock_on_at(lock, slot);
	return numbering__rwlock_rdlock_at(lock, slot);
}
static inline void numbering__rwlock_snapshot_rdunlock(struct numbering__rwlock *lock, unsigned slot)
{
	if (lock->snapshots) {
		if (lock->watch != NULL)
			numbering__rwlock_snapshot_rdunlock_on(lock, slot);
	} else {
		atomic_fetch_sub_explicit(&lock->slots[slot].readers, 1, memory_order_release); /* rdunlock(), inline */
	}
}
/* For the holder of the write lock: holds off snapshot readers too, while it replaces
 * what they read (NULL @lock or no snapshots: nothing to do). */
void numbering__rwlock_hold_readers(struct numbering__rwlock *lock);
void numbering__rwlock_release_readers(struct numbering__rwlock *lock);
/* Holds off writers without holding off readers (for work that reads the protected
 * state at length, such as a file store's compaction). */
void numbering__rwlock_exclude_writers(struct numbering__rwlock *lock);
void numbering__rwlock_allow_writers(struct numbering__rwlock *lock);

#endif
