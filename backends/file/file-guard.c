/*
 * The guard of the lock file's mapping (docs/FILE-FORMAT.md, "A lock file cut short"):
 * every read of a store that other processes write loads the change counter from
 * PATH.lock, mapped shared, with no system call. A page of a file mapping that lies past
 * the file's end faults, and Linux sends SIGBUS: a program that truncated PATH.lock
 * (`: > PATH.lock`, a disk tool, a restore) killed every process that had the store open,
 * a PBX included. SQLite's -shm file and LMDB's lock file leave it at that ("an I/O error
 * on a memory-mapped file cannot be caught", SQLite's mmap page); a library whose host
 * is a PBX may not.
 *
 * So the mappings are registered here, and the first registration installs a SIGBUS
 * handler (the host's, if it had one, is kept and called for every other fault). A fault
 * inside a registered mapping replaces it with a private zero page of the same size at
 * the same address (mmap MAP_FIXED, which the kernel does atomically for every thread),
 * whose change counter reads UINT64_MAX, and sets the backend's flag: the faulting load
 * then reads the stand-in, every later read finds the counter ahead of what it has seen
 * and catches up, and the catch-up, seeing the flag, reports the lock file cut
 * (UNAVAILABLE) until it is whole again and maps it again (file.c, lock_file_whole).
 * Reads cost nothing more: the guard acts only in the fault.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "file-internal.h"

/* Mappings guarded at once: the lock files of the stores open in the process. One more
 * store than this is left unguarded (as every store was before the guard). */
#define GUARD_MAX 256

struct guarded {
	_Atomic uintptr_t start; /* 0: a free entry */
	_Atomic size_t len;      /* whole pages */
	_Atomic size_t poison;   /* the offset of the u64 word the stand-in sets to UINT64_MAX */
	_Atomic(_Atomic int *) cut;
};

static struct guarded guarded[GUARD_MAX];
static struct sigaction previous;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int installed;
static pthread_mutex_t guard_mutex = PTHREAD_MUTEX_INITIALIZER;

/* A fault outside every guarded mapping, or a SIGBUS sent: what would have happened
 * without the guard. */
static void pass_on(int sig, siginfo_t *info, void *context)
{
	if (previous.sa_flags & SA_SIGINFO) {
		if (previous.sa_sigaction != NULL)
			previous.sa_sigaction(sig, info, context);
		return;
	}
	if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
		return;
	}
	int sent = info == NULL || info->si_code <= 0;
	if (sent && previous.sa_handler == SIG_IGN)
		return;
	/* The default action: a fault happens again on return, now unhandled; a signal
	 * sent is raised again, delivered once this handler returns. */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	if (sent)
		raise(sig);
}

/* Only async-signal-safe calls: mmap (a system call), atomics. */
static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	int saved = errno;
	if (info != NULL && info->si_code > 0) {
		uintptr_t a = (uintptr_t)info->si_addr;
		for (int i = 0; i < GUARD_MAX; i++) {
			uintptr_t s = atomic_load_explicit(&guarded[i].start, memory_order_acquire);
			size_t len = atomic_load_explicit(&guarded[i].len, memory_order_relaxed);
			if (s == 0 || a < s || a - s >= len)
				continue;
			size_t poison = atomic_load_explicit(&guarded[i].poison, memory_order_relaxed);
			_Atomic int *cut = atomic_load_explicit(&guarded[i].cut, memory_order_relaxed);
			void *p = mmap((void *)s, len, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				break;
			__atomic_store_n((uint64_t *)(void *)((uint8_t *)p + poison), UINT64_MAX, __ATOMIC_SEQ_CST);
			atomic_store(cut, 1);
			errno = saved;
			return;
		}
	}
	errno = saved;
	pass_on(sig, info, context);
}

static void install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	installed = sigaction(SIGBUS, &sa, &previous) == 0;
}

int numbering__file_guard_add(void *start, size_t len, size_t poison, _Atomic int *cut)
{
	pthread_once(&install_once, install);
	if (!installed)
		return -1;
	long page = sysconf(_SC_PAGESIZE);
	size_t whole = (len + (size_t)page - 1) / (size_t)page * (size_t)page;
	pthread_mutex_lock(&guard_mutex);
	int rc = -1;
	for (int i = 0; i < GUARD_MAX; i++) {
		if (atomic_load_explicit(&guarded[i].start, memory_order_relaxed) != 0)
			continue;
		atomic_store_explicit(&guarded[i].len, whole, memory_order_relaxed);
		atomic_store_explicit(&guarded[i].poison, poison, memory_order_relaxed);
		atomic_store_explicit(&guarded[i].cut, cut, memory_order_relaxed);
		atomic_store_explicit(&guarded[i].start, (uintptr_t)start, memory_order_release);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&guard_mutex);
	return rc;
}

void numbering__file_guard_remove(void *start)
{
	if (start == NULL)
		return;
	pthread_mutex_lock(&guard_mutex);
	for (int i = 0; i < GUARD_MAX; i++)
		if (atomic_load_explicit(&guarded[i].start, memory_order_relaxed) == (uintptr_t)start)
			atomic_store_explicit(&guarded[i].start, 0, memory_order_release);
	pthread_mutex_unlock(&guard_mutex);
}
