/*
 * The guard of the backend's mappings (docs/FILE-FORMAT.md, "A lock file cut short",
 * "The index and the log cut short"): every read of a store that other processes write
 * loads the change counter from PATH.lock, mapped shared, with no system call, and a
 * shared reader reads PATH.idx and the log in place. A page of a file mapping that lies
 * past the file's end faults, and Linux sends SIGBUS: a program that truncated one of
 * them (`: > PATH.lock`, a disk tool, a restore) killed every process that had the store
 * open, a PBX included. SQLite's -shm file and LMDB's lock file leave it at that ("an
 * I/O error on a memory-mapped file cannot be caught", SQLite's mmap page); a library
 * whose host is a PBX may not.
 *
 * So the mappings are registered here, and the first registration installs a SIGBUS
 * handler (the host's, if it had one, is kept and called for every other fault). A fault
 * inside a registered mapping replaces it with a private zero page of the same size at
 * the same address (mmap MAP_FIXED, which the kernel does atomically for every thread)
 * and raises the backend's flag. The lock file's stand-in has its change counter read
 * UINT64_MAX, so every later read finds it ahead of what it has seen and catches up,
 * and the catch-up, seeing the flag, reports the lock file cut (UNAVAILABLE) until it is
 * whole again and maps it again (file.c). A fault in the index or the log marks the
 * counter unseen instead, and the read that faulted, looking at the flag after its
 * look-up, fails naming the file cut (file-shared.c). No jump out of the handler (a
 * sigsetjmp at each look-up, as some databases do, costs a resolve a thread-local
 * buffer and a register save, and cannot cover the caller's callback that reads the
 * record in place): the faulting instruction runs again over the stand-in.
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

/* Mappings guarded: a list of blocks of entries, the first static, each further one
 * mapped (never freed, never malloc'ed: the handler walks them, and a host's allocator
 * hooks see nothing that outlives every store). A store guards its lock file, its
 * shared index and each mapping of its log: there is no bound on how many. */
#define GUARD_BLOCK 64

struct guarded {
	_Atomic uintptr_t start; /* 0: a free entry */
	_Atomic size_t len;      /* whole pages */
	_Atomic size_t poison;   /* the offset of the u64 word the stand-in sets to UINT64_MAX; SIZE_MAX: none */
	_Atomic(_Atomic int *) cut;
	_Atomic(_Atomic uint64_t *) unseen;
};

struct block {
	struct guarded e[GUARD_BLOCK];
	_Atomic(struct block *) next;
};

static struct block first;
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

/* What the handler needs of the entry of a guarded mapping. */
struct hit {
	uintptr_t start;
	size_t len, poison;
	_Atomic int *cut;
	_Atomic uint64_t *unseen;
};

/* The entry of a guarded mapping holding @a, read whole (its start read again last: an
 * entry is only cleared before its mapping is unmapped, and reused after), or 0. */
static int find(uintptr_t a, struct hit *out)
{
	for (struct block *b = &first; b != NULL; b = atomic_load_explicit(&b->next, memory_order_acquire))
		for (int i = 0; i < GUARD_BLOCK; i++) {
			struct guarded *g = &b->e[i];
			uintptr_t s = atomic_load_explicit(&g->start, memory_order_acquire);
			size_t len = atomic_load_explicit(&g->len, memory_order_relaxed);
			if (s == 0 || a < s || a - s >= len)
				continue;
			out->start = s;
			out->len = len;
			out->poison = atomic_load_explicit(&g->poison, memory_order_relaxed);
			out->cut = atomic_load_explicit(&g->cut, memory_order_relaxed);
			out->unseen = atomic_load_explicit(&g->unseen, memory_order_relaxed);
			if (atomic_load_explicit(&g->start, memory_order_acquire) == s)
				return 1;
		}
	return 0;
}

/* Only async-signal-safe calls: mmap (a system call), atomics. The flag is raised
 * before the stand-in is put in place, so that a thread reading the stand-in's zeros
 * finds it raised when it looks (a reader's check after its read), and again after, so
 * that a lock file mapped again in between (lock_file_remap, which lowers it) is mapped
 * again once more. */
static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	int saved = errno;
	struct hit g;
	if (info != NULL && info->si_code > 0 && find((uintptr_t)info->si_addr, &g)) {
		atomic_fetch_add(g.cut, 1);
		void *p = mmap((void *)g.start, g.len, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		               -1, 0);
		if (p != MAP_FAILED) {
			if (g.poison != SIZE_MAX)
				__atomic_store_n((uint64_t *)(void *)((uint8_t *)p + g.poison), UINT64_MAX, __ATOMIC_SEQ_CST);
			atomic_fetch_add(g.cut, 1);
			if (g.unseen != NULL)
				atomic_store(g.unseen, 0);
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

int numbering__file_guard_add(void *start, size_t len, size_t poison, _Atomic int *cut, _Atomic uint64_t *unseen)
{
	pthread_once(&install_once, install);
	if (!installed)
		return -1;
	long page = sysconf(_SC_PAGESIZE);
	size_t whole = (len + (size_t)page - 1) / (size_t)page * (size_t)page;
	pthread_mutex_lock(&guard_mutex);
	struct guarded *g = NULL;
	struct block *last = &first;
	for (struct block *b = &first; b != NULL && g == NULL; b = atomic_load_explicit(&b->next, memory_order_relaxed)) {
		last = b;
		for (int i = 0; i < GUARD_BLOCK && g == NULL; i++)
			if (atomic_load_explicit(&b->e[i].start, memory_order_relaxed) == 0)
				g = &b->e[i];
	}
	if (g == NULL) {
		/* Zeros: every entry free. Linked once whole, for the handler to walk. */
		void *p = mmap(NULL, sizeof(struct block), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			struct block *b = p;
			atomic_store_explicit(&last->next, b, memory_order_release);
			g = &b->e[0];
		}
	}
	if (g != NULL) {
		atomic_store_explicit(&g->len, whole, memory_order_relaxed);
		atomic_store_explicit(&g->poison, poison, memory_order_relaxed);
		atomic_store_explicit(&g->cut, cut, memory_order_relaxed);
		atomic_store_explicit(&g->unseen, unseen, memory_order_relaxed);
		atomic_store_explicit(&g->start, (uintptr_t)start, memory_order_release);
	}
	pthread_mutex_unlock(&guard_mutex);
	return g != NULL ? 0 : -1;
}

void numbering__file_guard_remove(void *start)
{
	if (start == NULL)
		return;
	pthread_mutex_lock(&guard_mutex);
	for (struct block *b = &first; b != NULL; b = atomic_load_explicit(&b->next, memory_order_relaxed))
		for (int i = 0; i < GUARD_BLOCK; i++)
			if (atomic_load_explicit(&b->e[i].start, memory_order_relaxed) == (uintptr_t)start)
				atomic_store_explicit(&b->e[i].start, 0, memory_order_release);
	pthread_mutex_unlock(&guard_mutex);
}
