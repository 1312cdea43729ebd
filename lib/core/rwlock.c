#include "core/rwlock.h"
#include "core/cpu-relax.h"

#include <sched.h>
#include <time.h>

/* Threads are spread over slots 1 .. SLOTS - 1 in the order they first read. Slot 0 is
 * no thread's: its stripe of a store's counters (core/stats.h) takes the rare
 * outcomes counted before a look-up, and the line before it is the owner's, so no
 * reader counts its every read there. */
static atomic_uint next_slot;
static _Thread_local unsigned my_slot = NUMBERING__RWLOCK_SLOTS;

/* How long a reader polls for a writer to leave before it sleeps: a
 * write holds the lock for a microsecond or so, and waking a sleeping thread costs
 * far more, so a reader that slept behind every write of a busy writer would barely
 * read at all. */
#define READER_SPINS 2000
/* How many times a writer lets readers that wait for it go first. */
#define WRITER_COURTESY 64

static unsigned thread_slot(void)
{
	if (my_slot == NUMBERING__RWLOCK_SLOTS)
		my_slot = numbering__rwlock_new_slot();
	return my_slot;
}

int numbering__rwlock_init(struct numbering__rwlock *lock)
{
	for (unsigned i = 0; i < NUMBERING__RWLOCK_SLOTS; i++)
		atomic_init(&lock->slots[i].readers, 0);
	atomic_init(&lock->writing, 0);
	atomic_init(&lock->waiting_readers, 0);
	lock->watch = lock->seen = NULL;
	lock->refresh = NULL;
	lock->refresh_arg = NULL;
	lock->snapshots = 0;
	atomic_init(&lock->holding, 0);
	int rc = pthread_mutex_init(&lock->writer, NULL);
	if (rc != 0)
		return rc;
	if ((rc = pthread_mutex_init(&lock->wait_mutex, NULL)) != 0) {
		pthread_mutex_destroy(&lock->writer);
		return rc;
	}
	if ((rc = pthread_cond_init(&lock->flag_down, NULL)) != 0) {
		pthread_mutex_destroy(&lock->wait_mutex);
		pthread_mutex_destroy(&lock->writer);
	}
	return rc;
}

void numbering__rwlock_destroy(struct numbering__rwlock *lock)
{
	pthread_cond_destroy(&lock->flag_down);
	pthread_mutex_destroy(&lock->wait_mutex);
	pthread_mutex_destroy(&lock->writer);
}

unsigned numbering__rwlock_rdlock(struct numbering__rwlock *lock)
{
	return numbering__rwlock_rdlock_at(lock, thread_slot());
}

unsigned numbering__rwlock_new_slot(void)
{
	return 1 + atomic_fetch_add_explicit(&next_slot, 1, memory_order_relaxed) % (NUMBERING__RWLOCK_SLOTS - 1);
}

unsigned numbering__rwlock_rdlock_behind_writer(struct numbering__rwlock *lock, unsigned slot)
{
	atomic_uint *readers = &lock->slots[slot].readers;
	atomic_fetch_sub(readers, 1);
	/* A writer is in. Counted as waiting (before reading the flag again, so that a
	 * writer lowering it either sees us and wakes us, or we see it lowered), a writer
	 * about to enter lets us go first. */
	atomic_fetch_add(&lock->waiting_readers, 1);
	for (unsigned spins = 0;; spins++) {
		if (!atomic_load(&lock->writing)) {
			atomic_fetch_add(readers, 1);
			if (!atomic_load(&lock->writing)) {
				atomic_fetch_sub(&lock->waiting_readers, 1);
				return slot;
			}
			atomic_fetch_sub(readers, 1);
		}
		if (spins < READER_SPINS) {
			numbering__cpu_relax();
			continue;
		}
		pthread_mutex_lock(&lock->wait_mutex);
		while (atomic_load(&lock->writing))
			pthread_cond_wait(&lock->flag_down, &lock->wait_mutex);
		pthread_mutex_unlock(&lock->wait_mutex);
	}
}

void numbering__rwlock_rdunlock(struct numbering__rwlock *lock, unsigned slot)
{
	atomic_fetch_sub_explicit(&lock->slots[slot].readers, 1, memory_order_release);
}

/* When the calling thread started to wait for the writers' mutex of a lock that other
 * processes' writes also wait for (lock->watch set); 0: none since the last take. */
static _Thread_local int64_t wait_started;

int64_t numbering__rwlock_take_wait_start(void)
{
	int64_t started = wait_started;
	wait_started = 0;
	return started;
}

void numbering__rwlock_wrlock(struct numbering__rwlock *lock)
{
	if (lock->watch != NULL) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		wait_started = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	}
	/* A writer in a loop would otherwise raise the flag again before readers that
	 * wait for it to fall have seen it down, and starve them. */
	for (unsigned i = 0; i < WRITER_COURTESY && atomic_load(&lock->waiting_readers) > 0; i++)
		sched_yield();
	pthread_mutex_lock(&lock->writer);
	atomic_store(&lock->writing, 1);
	for (unsigned i = 0; i < NUMBERING__RWLOCK_SLOTS; i++) {
		/* Readers hold the lock for one look-up or one page: spin briefly, then yield. */
		for (unsigned spins = 0; atomic_load(&lock->slots[i].readers) != 0; spins++)
			if (spins >= 64)
				sched_yield();
	}
}

void numbering__rwlock_wrunlock(struct numbering__rwlock *lock)
{
	if (lock->watch != NULL)
		wait_started = 0;
	atomic_store(&lock->writing, 0);
	if (atomic_load(&lock->waiting_readers) > 0) {
		/* Under wait_mutex, so that a reader between reading the flag and sleeping
		 * cannot miss the wake-up. */
		pthread_mutex_lock(&lock->wait_mutex);
		pthread_cond_broadcast(&lock->flag_down);
		pthread_mutex_unlock(&lock->wait_mutex);
	}
	pthread_mutex_unlock(&lock->writer);
}

unsigned numbering__rwlock_snapshot_rdlock_on(struct numbering__rwlock *lock)
{
	return numbering__rwlock_snapshot_rdlock_on_at(lock, thread_slot());
}

unsigned numbering__rwlock_snapshot_rdlock_on_at(struct numbering__rwlock *lock, unsigned slot)
{
	if (lock->watch != NULL &&
	    atomic_load_explicit(lock->watch, memory_order_acquire) > atomic_load_explicit(lock->seen, memory_order_relaxed))
		lock->refresh(lock->refresh_arg);
	/* Only a store that other processes write replaces what readers read (holding):
	 * elsewhere a snapshot read counts nowhere. */
	if (lock->watch == NULL)
		return slot;
	atomic_uint *readers = &lock->slots[slot].readers;
	for (unsigned spins = 0;; spins++) {
		atomic_fetch_add(readers, 1);
		if (!atomic_load(&lock->holding))
			return slot;
		atomic_fetch_sub(readers, 1);
		if (spins < READER_SPINS) {
			numbering__cpu_relax();
			continue;
		}
		atomic_fetch_add(&lock->waiting_readers, 1);
		pthread_mutex_lock(&lock->wait_mutex);
		while (atomic_load(&lock->holding))
			pthread_cond_wait(&lock->flag_down, &lock->wait_mutex);
		pthread_mutex_unlock(&lock->wait_mutex);
		atomic_fetch_sub(&lock->waiting_readers, 1);
	}
}

void numbering__rwlock_snapshot_rdunlock_on(struct numbering__rwlock *lock, unsigned slot)
{
	if (lock->watch != NULL)
		atomic_fetch_sub_explicit(&lock->slots[slot].readers, 1, memory_order_release);
}

void numbering__rwlock_hold_readers(struct numbering__rwlock *lock)
{
	if (lock == NULL || !lock->snapshots)
		return; /* the write lock holds every reader off */
	atomic_store(&lock->holding, 1);
	for (unsigned i = 0; i < NUMBERING__RWLOCK_SLOTS; i++)
		for (unsigned spins = 0; atomic_load(&lock->slots[i].readers) != 0; spins++)
			if (spins >= 64)
				sched_yield();
}

void numbering__rwlock_release_readers(struct numbering__rwlock *lock)
{
	if (lock == NULL || !lock->snapshots)
		return;
	atomic_store(&lock->holding, 0);
	/* Under wait_mutex, so that a reader between reading the flag and sleeping cannot
	 * miss the wake-up. */
	pthread_mutex_lock(&lock->wait_mutex);
	pthread_cond_broadcast(&lock->flag_down);
	pthread_mutex_unlock(&lock->wait_mutex);
}

void numbering__rwlock_exclude_writers(struct numbering__rwlock *lock)
{
	pthread_mutex_lock(&lock->writer);
}

void numbering__rwlock_allow_writers(struct numbering__rwlock *lock)
{
	pthread_mutex_unlock(&lock->writer);
}
