/*
 * The file backend, a record store (numbering/sys/backend.h): the memory record store's
 * indexes for reads, an append-only log of committed transactions in one file for
 * durability (docs/FILE-FORMAT.md).
 *
 * Composition: the backend owns a memory record store and forwards every read to it.
 * Writes go to the memory record store too (so a transaction reads its own writes) and
 * are encoded into a transaction buffer (file-records.c); commit() appends the buffer as one record
 * (header with length, sequence and checksums, then the operations), syncs according
 * to the sync mode, and only then commits the memory record store. A failed append or
 * sync cuts the file back to where it was and rolls the memory record store back, so what
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

 *
 * This file holds transactions, sync modes, group commit, control operations and the
 * opening and locking of the store; the vtable and the log's operations (records, and
 * the reading of versions 1 and 2) are in file-records.c, the log's framing, append and
 * replay in file-log.c, compaction in file-compact.c, fsck in file-check.c
 * (file-internal.h).
 */
#define _DEFAULT_SOURCE /* flock, fsync, fdatasync */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/rwlock.h"
#include "file-internal.h"
#include "model/record.h"

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Opening the file: create or open, lock, check it is still the file at @path. */

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
	const struct numbering__file_io *io = numbering__file_sys();
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
		numbering__file_io_error("open", path);
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
int numbering__file_same_file(int fd, const char *name)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && lstat(name, &b) == 0 && S_ISREG(b.st_mode) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The file a store's path names, once it is open and locked as @fd: the path with every
 * symlink resolved, and its directory. Compaction and repair create their files beside
 * it and rename over it, so a store opened through a symlink stays one: the link's
 * target is replaced, the link is left as it is. */
int numbering__file_resolve_store(char **real_out, char **dir_out, int fd, const char *path)
{
	char buf[PATH_MAX];
	*real_out = *dir_out = NULL;
	if (realpath(path, buf) == NULL)
		return numbering__file_io_error("resolve the path of", path);
	if (!numbering__file_same_file(fd, buf))
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

int numbering__file_lock(int fd, const char *path)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return NUMBERING_OK;
	if (errno == EWOULDBLOCK)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: store %s is open in another process (it holds the store's lock)",
		                            path);
	return numbering__file_io_error("lock", path);
}

/* Opens and locks @path; *created says whether this call created it. */
int numbering__file_open_locked(int *out, int *created, const char *path, int must_exist, int writable)
{
	const struct numbering__file_io *io = numbering__file_sys();
	*out = -1;
	*created = 0;
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd = -1;
		if (!must_exist && writable) {
			fd = io->open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, STORE_FILE_MODE);
			if (fd >= 0)
				*created = 1;
			else if (errno != EEXIST)
				return numbering__file_io_error("create", path);
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
				return numbering__file_io_error("open", path);
		}
		int rc = numbering__file_lock(fd, path);
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

/* Opens (creating it unless @must_exist) the store at @path for a writer of the shared
 * store: a shared flock on the file, held while it is open, keeps out an exclusive
 * holder (fsck --repair, or a libnumbering from before many processes, which locks
 * the whole file): the writers' own lock is the lock file's (numbering__file_xlock). */
static int open_shared(int *out, const char *path, int must_exist)
{
	const struct numbering__file_io *io = numbering__file_sys();
	*out = -1;
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd = -1;
		if (!must_exist) {
			fd = io->open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, STORE_FILE_MODE);
			if (fd < 0 && errno != EEXIST)
				return numbering__file_io_error("create", path);
		}
		if (fd < 0) {
			fd = open_regular(path, O_RDWR | O_CLOEXEC, 0);
			if (fd == -2)
				return numbering_error_code();
			struct stat l;
			if (fd < 0 && errno == ENOENT && lstat(path, &l) == 0 && S_ISLNK(l.st_mode))
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path",
				                              "file backend: store %s is a symlink to a file that does not exist; "
				                              "create the store at the link's target, or remove the link",
				                              path);
			if (fd < 0 && errno == ENOENT) {
				if (must_exist)
					return numbering__error_set(NUMBERING_NOT_FOUND, "file backend: store %s does not exist", path);
				continue; /* removed between the two opens */
			}
			if (fd < 0)
				return numbering__file_io_error("open", path);
		}
		if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
			int e = errno;
			io->close(fd);
			if (e == EWOULDBLOCK)
				return numbering__error_set(NUMBERING_UNAVAILABLE,
				                            "file backend: store %s is open in another process that holds it "
				                            "exclusively (fsck --repair, or a libnumbering older than many "
				                            "processes)",
				                            path);
			errno = e;
			return numbering__file_io_error("lock", path);
		}
		*out = fd;
		return NUMBERING_OK;
	}
	return numbering__error_set(NUMBERING_UNAVAILABLE, "file backend: store %s keeps being replaced while opening",
	                            path);
}

/* Many processes: the lock file and the writers' lock (docs/FILE-FORMAT.md). */

static const uint8_t lockfile_magic[8] = {0x89, 'N', 'U', 'M', 'L', 'C', 'K', '\n'};

/* Opens REAL.lock beside the store (creating it for a writer: O_NOFOLLOW, a regular
 * file, so a planted link is never followed). A read-only open without one, or
 * without the right to read it, stays a snapshot as of open. */
static int open_lock_file(struct file *f)
{
	size_t n = strlen(f->real) + sizeof(".lock");
	f->lock_path = numbering__malloc(n);
	if (f->lock_path == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	snprintf(f->lock_path, n, "%s.lock", f->real);
	int created = 0, fd = -1;
	if (!f->read_only) {
		fd = numbering__file_open(f->lock_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, STORE_FILE_MODE);
		if (fd >= 0)
			created = 1;
		else if (errno == EEXIST)
			fd = numbering__file_open(f->lock_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
	} else {
		fd = numbering__file_open(f->lock_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
		/* No lock file, one this user may not read, or a link or a socket planted there:
		 * nothing to watch, for good. Anything else (out of descriptors, EMFILE or ENFILE; out of
		 * memory; an I/O error) passes: a snapshot taken for it would serve this
		 * moment's store as current for the whole open, while a retry of the open
		 * would have followed the writers. */
		if (fd < 0 && errno != ENOENT && errno != EACCES && errno != EPERM && errno != ELOOP && errno != ENXIO)
			return numbering__file_io_error("open the lock file", f->lock_path);
		if (fd < 0) {
			numbering__file_diagnose(f,
			                         "store %s: no lock file %s to watch (%s): this read-only open sees the store "
			                         "as of now",
			                         f->path, f->lock_path, strerror(errno));
			return NUMBERING_OK;
		}
	}
	struct stat st;
	if (fd < 0) {
		/* Something planted at the name that O_NOFOLLOW will not open (a symlink), or
		 * that is no file to open read-write (a directory, a socket): no retry will
		 * ever open it, so not UNAVAILABLE. */
		if ((errno == ELOOP || errno == EISDIR || errno == ENXIO) && lstat(f->lock_path, &st) == 0)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path",
			                              "file backend: the lock file %s beside store %s is %s, not a regular "
			                              "file; move it away",
			                              f->lock_path, f->path, S_ISLNK(st.st_mode) ? "a symlink" : file_kind(st.st_mode));
		return numbering__file_io_error("open the lock file", f->lock_path);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (f->read_only) {
			/* As when it cannot be opened (a symlink there): nothing to watch. */
			numbering__file_diagnose(f,
			                         "store %s: the lock file %s is not a regular file: this read-only open sees "
			                         "the store as of now",
			                         f->path, f->lock_path);
			return NUMBERING_OK;
		}
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path",
		                              "file backend: the lock file %s beside store %s is %s, not a regular file; "
		                              "move it away",
		                              f->lock_path, f->path, file_kind(st.st_mode));
	}
	if (created)
		numbering__file_keep_mode(fd, f->fd); /* readers of the store may watch it */
	f->lock_fd = fd;
	return NUMBERING_OK;
}

/* A lock file's first LOCKFILE_SIZE bytes, its change counter at @changes. */
static void lock_file_image(uint8_t image[LOCKFILE_SIZE], uint64_t changes, uint32_t index)
{
	memset(image, 0, LOCKFILE_SIZE);
	memcpy(image, lockfile_magic, 8);
	put32(image + 8, 1);
	put32(image + 12, LOCKFILE_SIZE);
	/* The words are read in place, in the machine's order. */
	memcpy(image + LOCKFILE_CHANGES, &changes, 8);
	memcpy(image + LOCKFILE_INDEX, &index, 4);
}

/* The change counter of a lock file written anew: the time in nanoseconds (or one past
 * what this process saw, if more), ahead of any value a counter that started lower can
 * have reached (a commit takes more than a nanosecond). A file cut short and written
 * again lost its counter: a reader that saw the old one, at any value, finds the new
 * one ahead and catches up, where a counter restarted at 0 would leave it behind, stale
 * until as many commits had been made again. */
static uint64_t counter_start(struct file *f)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	uint64_t seen = atomic_load(&f->seen);
	return t > seen ? t : seen + 1;
}

/* Whether the @size bytes at @h, fewer than LOCKFILE_SIZE, are a lock file's cut short:
 * its header's first bytes, as far as they go. */
static int lock_file_prefix(const uint8_t *h, size_t size)
{
	uint8_t want[LOCKFILE_SIZE];
	lock_file_image(want, 0, 0);
	return memcmp(h, want, size < 16 ? size : 16) == 0;
}

/* Maps the lock file again at f->shared, where the guard's stand-in is (the file whole
 * again). */
static int lock_file_remap(struct file *f)
{
	void *p = mmap(f->shared, LOCKFILE_SIZE, PROT_READ | (f->read_only ? 0 : PROT_WRITE), MAP_SHARED | MAP_FIXED,
	               f->lock_fd, 0);
	if (p == MAP_FAILED)
		return numbering__file_io_error("map again the lock file", f->lock_path);
	atomic_store(&f->lock_cut, 0);
	return NUMBERING_OK;
}

/* A writer holding the writers' lock: a lock file a program cut short while the store
 * was open (its mapping here faulted, and the guard put its stand-in there; or the file
 * is shorter than its words; or its counter is behind what this process saw: the words
 * read as zeros) is written again, its counter ahead of every reader's, and mapped
 * again. Other processes' readers find the counter ahead and catch up from the store's
 * file; theirs that faulted map it again then. */
static int lock_file_mend_writer(struct file *f)
{
	struct stat st;
	if (fstat(f->lock_fd, &st) != 0)
		return numbering__file_io_error("stat", f->lock_path);
	if (!atomic_load(&f->lock_cut) && st.st_size >= LOCKFILE_SIZE && memcmp(f->shared, lockfile_magic, 8) == 0 &&
	    atomic_load(f->changes) >= atomic_load(&f->seen))
		return NUMBERING_OK;
	uint8_t image[LOCKFILE_SIZE];
	lock_file_image(image, counter_start(f), f->shx != NULL);
	if (pwrite(f->lock_fd, image, sizeof(image), 0) != (ssize_t)sizeof(image))
		return numbering__file_io_error("write again the lock file", f->lock_path);
	/* Or faulted in the checks above. */
	if (atomic_load(&f->lock_cut)) {
		int rc = lock_file_remap(f);
		if (rc != NUMBERING_OK)
			return rc;
	}
	numbering__file_diagnose(f,
	                         "store %s: its lock file %s was cut to %lld bytes while the store was open (not by "
	                         "libnumbering): written again; other processes read the store's file again",
	                         f->path, f->lock_path, (long long)st.st_size);
	return NUMBERING_OK;
}

/* A reader whose mapping of the lock file faulted (the guard's stand-in in its place):
 * the file mapped again once a writer has written it again; until then UNAVAILABLE,
 * naming it (reads go on with what this process holds). */
static int lock_file_mend_reader(struct file *f)
{
	struct stat st;
	uint8_t h[16];
	if (fstat(f->lock_fd, &st) != 0)
		return numbering__file_io_error("stat", f->lock_path);
	if (st.st_size < LOCKFILE_SIZE || pread(f->lock_fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h, lockfile_magic, 8) != 0)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: the lock file %s of store %s was cut to %lld bytes while the store "
		                            "was open (not by libnumbering): this process cannot see what other processes "
		                            "commit until a writer of the store writes it again",
		                            f->lock_path, f->path, (long long)st.st_size);
	return lock_file_remap(f);
}

/* PATH.lock is no longer the file this backend maps (removed, or another file renamed
 * over it): the processes that opened the store since use the new one, whose counter
 * this backend never saw move, so it would serve what it holds as current for good.
 * Maps the file at the name in place of the old one (at the same address: the store's
 * reads watch the counter there), unless this process holds the writers' lock on the
 * old one (its transaction goes on under it); else, or when the name holds no lock
 * file (yet), UNAVAILABLE naming it. f->xmutex held. */
static int follow_lock_file_locked(struct file *f)
{
	if (numbering__file_same_file(f->lock_fd, f->lock_path))
		return NUMBERING_OK;
	if (f->xrefs > 0)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: the lock file %s of store %s was removed or replaced while "
		                            "this process held the write lock; reopen the store",
		                            f->lock_path, f->path);
	int fd = numbering__file_open(f->lock_path, (f->read_only ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
	                              0);
	if (fd < 0 && errno == ENOENT)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: the lock file %s of store %s was removed while the store was "
		                            "open: this process sees what other processes commit again once a writable "
		                            "open makes it anew",
		                            f->lock_path, f->path);
	if (fd < 0)
		return numbering__file_io_error("open the lock file", f->lock_path);
	struct stat st;
	uint8_t h[16];
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < LOCKFILE_SIZE ||
	    pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, lockfile_magic, 8) != 0) {
		close(fd);
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: the lock file %s of store %s was replaced while the store was "
		                            "open, by a file that is not a whole lock file",
		                            f->lock_path, f->path);
	}
	void *p = mmap(f->shared, LOCKFILE_SIZE, PROT_READ | (f->read_only ? 0 : PROT_WRITE), MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		int rc = numbering__file_io_error("map the lock file", f->lock_path);
		close(fd);
		return rc;
	}
	close(f->lock_fd);
	f->lock_fd = fd;
	atomic_store(&f->lock_cut, 0);
	numbering__file_diagnose(f,
	                         "store %s: its lock file %s was removed or replaced while the store was open: this "
	                         "process follows the new one",
	                         f->path, f->lock_path);
	return NUMBERING_OK;
}

static int follow_lock_file(struct file *f)
{
	pthread_mutex_lock(&f->xmutex);
	int rc = follow_lock_file_locked(f);
	pthread_mutex_unlock(&f->xmutex);
	return rc;
}

/* Maps the lock file (a writer, holding the writers' lock, first gives a new one its
 * header, and writes again one cut short). A read-only open of a lock file without one
 * stays a snapshot. */
static int map_lock_file(struct file *f)
{
	struct stat st;
	if (fstat(f->lock_fd, &st) != 0)
		return numbering__file_io_error("stat", f->lock_path);
	uint8_t h[LOCKFILE_SIZE];
	int fresh = st.st_size == 0, cut = 0;
	if (!fresh && st.st_size < LOCKFILE_SIZE)
		cut = pread(f->lock_fd, h, (size_t)st.st_size, 0) == (ssize_t)st.st_size &&
		      lock_file_prefix(h, (size_t)st.st_size);
	if (cut && f->read_only)
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: the lock file %s of store %s is cut short (%lld bytes; not by "
		                            "libnumbering): a writable open of the store writes it again",
		                            f->lock_path, f->path, (long long)st.st_size);
	if (!fresh && !cut &&
	    (st.st_size < LOCKFILE_SIZE || pread(f->lock_fd, h, 16, 0) != 16 || memcmp(h, lockfile_magic, 8) != 0 ||
	     get32(h + 8) != 1 || get32(h + 12) != LOCKFILE_SIZE)) {
		if (f->read_only) {
			close(f->lock_fd);
			f->lock_fd = -1;
			return NUMBERING_OK;
		}
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "path",
		                              "file backend: %s beside store %s is not a libnumbering lock file; move it "
		                              "away",
		                              f->lock_path, f->path);
	}
	if (fresh && f->read_only) {
		close(f->lock_fd);
		f->lock_fd = -1;
		return NUMBERING_OK;
	}
	if (fresh || cut) {
		/* An empty file is also what a cut to 0 bytes leaves: the counter starts ahead. */
		uint8_t init[LOCKFILE_SIZE];
		lock_file_image(init, counter_start(f), 0);
		if (pwrite(f->lock_fd, init, sizeof(init), 0) != (ssize_t)sizeof(init))
			return numbering__file_io_error("initialize the lock file", f->lock_path);
		if (cut)
			numbering__file_diagnose(f, "store %s: its lock file %s was cut to %lld bytes (not by libnumbering): "
			                         "written again",
			                         f->path, f->lock_path, (long long)st.st_size);
	}
	void *p = mmap(NULL, LOCKFILE_SIZE, PROT_READ | (f->read_only ? 0 : PROT_WRITE), MAP_SHARED, f->lock_fd, 0);
	if (p == MAP_FAILED)
		return numbering__file_io_error("map the lock file", f->lock_path);
	f->shared = p;
	/* Every read loads its counter: a program cutting the file short must not kill this
	 * process with SIGBUS (file-guard.c). Without a guard, as before. */
	if (numbering__file_guard_add(p, LOCKFILE_SIZE, LOCKFILE_CHANGES, &f->lock_cut, NULL) != 0)
		numbering__file_diagnose(f, "store %s: its lock file %s is mapped without a guard against SIGBUS", f->path,
		                         f->lock_path);
	f->changes = (_Atomic uint64_t *)(void *)(f->shared + LOCKFILE_CHANGES);
	f->published = (_Atomic uint64_t *)(void *)(f->shared + LOCKFILE_PUBLISHED);
	return NUMBERING_OK;
}

static int busy_error(const struct file *f)
{
	return numbering__error_set(NUMBERING_UNAVAILABLE,
	                            "file backend: store %s is busy: another process held its write lock (%s) for the "
	                            "whole busy timeout of %d ms (counted from when this write started to wait)",
	                            f->path, f->lock_path, f->busy_ms < 0 ? 0 : f->busy_ms);
}

/* Whether this is a child forked from the process that opened the store (f->pid). */
static int forked(const struct file *f)
{
	return getpid() != f->pid;
}

/* *fresh (when not NULL) says whether this call took the lock (others may have written
 * since this process last held it) or shared this process's hold. */
static int xlock(struct file *f, int wait, int *fresh)
{
	if (fresh != NULL)
		*fresh = 0;
	if (f->lock_fd < 0)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: store %s is open read-only",
		                            f->path);
	/* Before the mutex, which a thread of the parent may have held at the fork. */
	if (forked(f))
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: store %s was opened by process %ld, and this process (%ld) was "
		                            "forked from it: its write lock is the parent's; open the store again in this "
		                            "process to write",
		                            f->path, (long)f->pid, (long)getpid());
	/* The timeout counts from when this transaction started to wait: under a store,
	 * when its thread queued for the store's write lock behind the other writers of
	 * this process (each of which may wait the timeout here), not when its turn came. */
	int64_t started = numbering__rwlock_take_wait_start();
	int rc = NUMBERING_OK;
	pthread_mutex_lock(&f->xmutex);
	if (f->xrefs == 0) {
		int64_t left_ns = wait && f->busy_ms > 0 ? (int64_t)f->busy_ms * 1000000 : 0;
		int64_t now = now_ns();
		int64_t deadline = (started > 0 && started < now ? started : now) + left_ns;
		long pause = 20000; /* ns, doubled up to 1 ms */
		for (;;) {
			if (flock(f->lock_fd, LOCK_EX | LOCK_NB) == 0)
				break;
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				rc = numbering__file_io_error("lock", f->lock_path);
				break;
			}
			int64_t left = deadline - now_ns();
			if (left <= 0) {
				rc = busy_error(f);
				break;
			}
			struct timespec ts = {0, pause < left ? pause : (long)left};
			nanosleep(&ts, NULL);
			if (pause < 1000000)
				pause *= 2;
		}
		/* Two lock files would let two writers in at once: one removed or replaced
		 * while the store was open is followed (this process holds nothing on the old
		 * one: xrefs is 0), and the lock taken on the new one; one that is not there
		 * stops this backend's writes. */
		for (int follows = 0; rc == NUMBERING_OK && !numbering__file_same_file(f->lock_fd, f->lock_path); follows++) {
			flock(f->lock_fd, LOCK_UN);
			if (follows == 3 || (rc = follow_lock_file_locked(f)) != NUMBERING_OK) {
				if (follows == 3)
					rc = numbering__error_set(NUMBERING_UNAVAILABLE,
					                          "file backend: the lock file %s of store %s keeps being replaced; "
					                          "reopen the store",
					                          f->lock_path, f->path);
				break;
			}
			while (flock(f->lock_fd, LOCK_EX) != 0)
				if (errno != EINTR) {
					rc = numbering__file_io_error("lock", f->lock_path);
					break;
				}
		}
		/* Cut short under the store (not the open's: map_lock_file, which follows). */
		if (rc == NUMBERING_OK && f->shared != NULL && (rc = lock_file_mend_writer(f)) != NUMBERING_OK)
			flock(f->lock_fd, LOCK_UN);
		if (rc == NUMBERING_OK && fresh != NULL)
			*fresh = 1;
	}
	if (rc == NUMBERING_OK)
		f->xrefs++;
	pthread_mutex_unlock(&f->xmutex);
	return rc;
}

int numbering__file_xlock(struct file *f, int wait)
{
	return xlock(f, wait, NULL);
}

void numbering__file_xunlock(struct file *f)
{
	if (forked(f))
		return; /* a hold copied from the parent is the parent's to release */
	pthread_mutex_lock(&f->xmutex);
	if (f->xrefs > 0 && --f->xrefs == 0)
		flock(f->lock_fd, LOCK_UN);
	pthread_mutex_unlock(&f->xmutex);
}

/* Tells other processes that the log holds records up to @end. */
static void publish_to(struct file *f, uint64_t end)
{
	if (f->changes == NULL || f->read_only)
		return;
	/* The lock file cut short since this transaction took the lock (before the stores,
	 * or by them: the guard's stand-in takes them then, and they are made again on the
	 * file written again). */
	for (int tries = 0; tries < 3; tries++) {
		if ((atomic_load(&f->lock_cut) || atomic_load(f->changes) < atomic_load(&f->seen)) &&
		    lock_file_mend_writer(f) != NUMBERING_OK) {
			numbering__file_diagnose(f, "store %s: a commit not told to other processes: %s", f->path,
			                         numbering_error_message());
			numbering_error_clear();
			return;
		}
		atomic_store_explicit(f->published, end, memory_order_release);
		/* Only a holder of the store's write lock (PATH.lock) adds to the word, so it is
		 * counted as seen here before it is told: a reader of this process compares
		 * changes > seen and never takes this process's own commit for another's, which
		 * would send it to catch up behind the write lock. Sequentially consistent:
		 * visible to every reader before the commit returns. */
		uint64_t now = atomic_load(f->changes) + 1;
		atomic_store(&f->seen, now);
		atomic_store(f->changes, now);
		if (!atomic_load(&f->lock_cut))
			return;
	}
}

void numbering__file_publish(struct file *f)
{
	publish_to(f, f->end);
}

/* The store header of @f's file into *@r, reading no more than its first @size bytes
 * through @io: what a writer checks at each transaction and an open before it trusts
 * the file. */
static int read_store_header(struct file *f, const struct numbering__file_io *io, uint64_t size, struct replay *r)
{
	struct scan s = {io, f->fd, size, {NULL, 0, 0}, 0, NULL};
	memset(r, 0, sizeof(*r));
	r->damage_offset = -1;
	r->max_version = NUMBERING_FILE_FORMAT_VERSION;
	int rc = numbering__file_read_header(&s, r, f->path);
	buf_free(&s.win);
	return rc;
}

/* The newest durable-length slot of the file, which other processes may have written
 * since this one last held the writers' lock (f->lock held, no sync running). */
static int reread_slots_locked(struct file *f)
{
	if (f->format_version < 2)
		return NUMBERING_OK;
	/* The header alone: a window of the whole first MiB, read and then wiped, cost
	 * every transaction of a writer ~370,000 instructions. */
	struct replay r;
	int rc = read_store_header(f, numbering__file_sys(), f->end < HEADER_SIZE_V2 ? f->end : HEADER_SIZE_V2, &r);
	if (rc != NUMBERING_OK)
		return rc;
	f->slot_gen = r.slot_gen;
	if (r.durable_end > f->synced_end && r.durable_end <= f->end) {
		f->synced_end = r.durable_end;
		f->synced_seq = r.durable_seq;
	}
	return NUMBERING_OK;
}

enum { RELOAD_AGAIN = -1 };

/* A shared reader follows a compaction: the new file @fd (@size bytes) mapped, its
 * index attached, the heap (the kinds it holds) replayed from it. No reader inside. */
static int reload_shared_locked(struct file *f, int fd, uint64_t size, int again)
{
	const struct numbering__file_io *io = numbering__file_sys();
	struct scan s = {io, fd, size, {NULL, 0, 0}, 0, NULL};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	int rc = size < HEADER_SIZE_V2 ? numbering__error_set(NUMBERING_DATA_LOSS,
	                                                       "file backend: store %s was replaced by a file of %llu bytes",
	                                                       f->path, (unsigned long long)size)
	                               : numbering__file_read_header(&s, &r, f->path);
	buf_free(&s.win);
	if (rc != NUMBERING_OK) {
		io->close(fd);
		return rc;
	}
	/* The new file's index, which the compaction writes after the rename and before it
	 * tells readers. While the new file holds nothing but the compaction's snapshot, the
	 * old file and its index hold the very same state: they answer until the index is in
	 * place (the next change brings this process back here). Once anything was committed
	 * to the new file, a missing index (a writer that does not keep it) sends reads to
	 * this process's own heap. */
	struct numbering__shx *x = NULL;
	if (numbering__file_shx_open(f, fd, r.header_crc, &x) != NUMBERING_OK) {
		numbering_error_clear();
		/* Compacted again since it was opened (this process did not read for a while):
		 * the index there is the newer file's; follow to that one. */
		if (again && !numbering__file_same_file(fd, f->real)) {
			io->close(fd);
			return RELOAD_AGAIN;
		}
		/* The very same state only if the mapped index covers the log up to where the
		 * snapshot starts (not when the compaction was of a file this process skipped). */
		if (f->shx != NULL && r.format_version >= 2 && size == r.snapshot_end &&
		    numbering__file_shx_covers_seq(f, r.base_seq)) {
			io->close(fd);
			return NUMBERING_OK;
		}
		numbering__file_diagnose(f, "store %s: after a compaction, reads go to this process's own index: %s",
		                         f->path, "the new file has no shared index");
	}
	/* Snapshot readers (numbering_options.snapshot_reads) ignore the write lock the
	 * caller holds: held off while the mappings they read are replaced. */
	numbering__rwlock_hold_readers(f->readers);
	numbering__file_shx_detach(f);
	io->close(f->fd);
	f->fd = fd;
	f->format_version = r.format_version;
	f->header_crc = r.header_crc;
	f->slot_gen = r.slot_gen;
	uint64_t limit = atomic_load_explicit(f->published, memory_order_acquire);
	if (limit < r.durable_end)
		limit = r.durable_end;
	if (limit > size)
		limit = size;
	__atomic_store_n(&f->end, limit, __ATOMIC_RELEASE);
	f->synced_end = limit;
	f->seq = f->synced_seq = r.durable_seq;
	f->snapshot_bytes = r.snapshot_end;
	f->next_compact_check = 0;
	if (x != NULL && numbering__file_shx_install(f, x) != NUMBERING_OK)
		numbering_error_clear();
	rc = numbering__file_heap_rebuild(f);
	numbering__rwlock_release_readers(f->readers);
	return rc;
}

/* One try of reload_locked; RELOAD_AGAIN (only when @again) when a shared reader found
 * the file it opened compacted again already. */
static int reload_once(struct file *f, int writer, int again)
{
	const struct numbering__file_io *io = numbering__file_sys();
	/* f->real is the store's file with every link resolved: a link there now was
	 * planted (the store moved away), not a compaction's file, and is not followed. */
	int fd = open_regular(f->real, (f->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOFOLLOW, 0);
	if (fd == -2)
		return numbering_error_code();
	if (fd < 0 && (errno == ENOENT || errno == ELOOP))
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: store %s: %s is no longer the store's file (it was moved or "
		                            "replaced while the store was open: %s); reopen the store",
		                            f->path, f->real, errno == ENOENT ? "nothing is there" : "a symlink is there");
	if (fd < 0)
		return numbering__file_io_error("open", f->path);
	if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
		io->close(fd);
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: store %s is held exclusively by another process", f->path);
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		io->close(fd);
		return numbering__file_io_error("stat", f->path);
	}
	if (f->shared_reader)
		return reload_shared_locked(f, fd, (uint64_t)st.st_size, again);
	numbering_backend *mem = NULL, *old = f->mem;
	int rc = numbering_memory_backend_new(&mem), snapshots = -1;
	/* As many copies as the one it replaces (snapshot reads: backends/memory/snapshot.c). */
	if (rc == NUMBERING_OK && old->control(old, NUMBERING__CONTROL_SNAPSHOTS, &snapshots) == NUMBERING_OK &&
	    snapshots == 1)
		rc = mem->control(mem, NUMBERING__CONTROL_SNAPSHOTS, &snapshots);
	if (rc != NUMBERING_OK) {
		if (mem != NULL)
			mem->free(mem);
		io->close(fd);
		return rc;
	}
	struct scan s = {io, fd, (uint64_t)st.st_size, {NULL, 0, 0}, 0, NULL};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	r.progress = f->progress;
	r.progress_payload = f->progress_payload;
	r.progress_op = "replay";
	if ((uint64_t)st.st_size < HEADER_SIZE_V2)
		rc = numbering__error_set(NUMBERING_DATA_LOSS, "file backend: store %s was replaced by a file of %llu bytes",
		                          f->path, (unsigned long long)st.st_size);
	else
		rc = numbering__file_read_header(&s, &r, f->path);
	s.win.len = 0; /* read what follows afresh: it may have grown since */
	if (rc == NUMBERING_OK)
		numbering__file_scan_cover_durable(&s, &r);
	if (rc == NUMBERING_OK && !writer) {
		uint64_t limit = atomic_load_explicit(f->published, memory_order_acquire);
		if (limit < r.durable_end)
			limit = r.durable_end;
		if (limit < s.size)
			s.size = limit;
	}
	if (rc == NUMBERING_OK && r.instances_hint > 0) {
		uint64_t n = r.instances_hint < s.size / 16 ? r.instances_hint : s.size / 16;
		uint32_t reserve = n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
		if (reserve > 0 && mem->control(mem, NUMBERING__MEMORY_CONTROL_RESERVE, &reserve) != NUMBERING_OK)
			numbering_error_clear();
	}
	/* Snapshot readers ignore the write lock the caller holds: they wait here. */
	numbering__rwlock_hold_readers(f->readers);
	f->mem = mem;
	if (rc == NUMBERING_OK)
		rc = numbering__file_records_replay(f, &s, &r);
	buf_free(&s.win);
	if (rc == NUMBERING_OK && writer && r.torn_bytes > 0 &&
	    (io->ftruncate(fd, (off_t)r.valid_end) != 0 || io->fdatasync(fd) != 0))
		rc = numbering__file_io_error("cut the torn tail of", f->path);
	if (rc != NUMBERING_OK) {
		f->mem = old;
		numbering__rwlock_release_readers(f->readers);
		mem->free(mem);
		io->close(fd);
		return rc;
	}
	numbering__rwlock_release_readers(f->readers);
	old->free(old);
	io->close(f->fd);
	f->fd = fd;
	numbering__file_shx_log_changed(f);
	f->format_version = r.format_version;
	f->header_crc = r.header_crc;
	f->slot_gen = r.slot_gen;
	f->end = r.valid_end;
	f->seq = r.seq;
	f->synced_end = r.durable_end < r.valid_end ? r.durable_end : r.valid_end;
	f->synced_seq = r.durable_seq < r.seq ? r.durable_seq : r.seq;
	f->records = r.records;
	f->live = r.live;
	f->snapshot_bytes = r.format_version >= 2 ? r.snapshot_end : HEADER_SIZE;
	f->next_compact_check = 0;
	return NUMBERING_OK;
}

/* Replays the file at f->real, which a compaction of another process renamed over the
 * one this backend holds, into a new memory store, and takes it (a shared reader: maps
 * it and its index). */
static int reload_locked(struct file *f, int writer)
{
	int rc;
	for (int tries = 0; (rc = reload_once(f, writer, tries < 8)) == RELOAD_AGAIN; tries++)
		;
	return rc;
}

/* The two catch-ups (from the file, from the log mapped) replay what follows f->end
 * the same way, and take what they read the same way. */
static int replay_past_end(struct file *f, struct scan *s, struct replay *r)
{
	r->data_start = f->end;
	r->base_seq = r->seq = f->seq;
	r->records = f->records;
	r->live = f->live;
	r->instances_hint = 0;
	return numbering__file_records_replay(f, s, r);
}

static void take_replayed(struct file *f, const struct replay *r)
{
	__atomic_store_n(&f->end, r->valid_end, __ATOMIC_RELEASE);
	f->seq = r->seq;
	f->records = r->records;
	f->live = r->live;
}

static void take_durable(struct file *f, const struct replay *r)
{
	f->slot_gen = r->slot_gen;
	f->synced_end = r->durable_end < f->end ? r->durable_end : f->end;
	f->synced_seq = r->durable_seq < f->seq ? r->durable_seq : f->seq;
}

/* Reads the records other processes appended to the file this backend holds. */
static int catch_up_locked(struct file *f, int writer)
{
	const struct numbering__file_io *io = numbering__file_sys();
	struct stat st;
	if (fstat(f->fd, &st) != 0)
		return numbering__file_io_error("stat", f->path);
	uint64_t size = (uint64_t)st.st_size;
	if (size < f->end)
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "file backend: store %s is %llu bytes, shorter than the %llu this process read",
		                            f->path, (unsigned long long)size, (unsigned long long)f->end);
	if (f->shared_reader && numbering__file_shx_replaced(f) && numbering__file_shx_attach(f) != NUMBERING_OK)
		numbering_error_clear(); /* a writer made it anew: this process's heap answers until it is back */
	if (f->shared_reader && !numbering__file_heap_any(f)) {
		/* Nothing in the heap to bring up: how far the log is published is what reads see. */
		uint64_t limit = atomic_load_explicit(f->published, memory_order_acquire);
		if (limit > size)
			limit = size;
		if (limit > f->end)
			__atomic_store_n(&f->end, limit, __ATOMIC_RELEASE);
		return NUMBERING_OK;
	}
	/* The header alone first (not a window of the file's first MiB, which cost each
	 * transaction a read and a wipe of it); then the records past f->end, if any. */
	struct scan s = {io, f->fd, size < HEADER_SIZE_V2 ? size : HEADER_SIZE_V2, {NULL, 0, 0}, 0, NULL};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	int rc = numbering__file_read_header(&s, &r, f->path);
	s.win.len = 0; /* read what follows afresh: it may have grown since */
	s.size = size;
	if (rc == NUMBERING_OK)
		numbering__file_scan_cover_durable(&s, &r);
	if (rc == NUMBERING_OK && !writer) {
		/* Only what was published: records below it were whole before it was. */
		uint64_t limit = atomic_load_explicit(f->published, memory_order_acquire);
		if (limit < r.durable_end)
			limit = r.durable_end;
		if (limit < f->end)
			limit = f->end;
		if (limit < s.size)
			s.size = limit;
	}
	if (rc == NUMBERING_OK && s.size > f->end) {
		rc = replay_past_end(f, &s, &r);
		if (rc == NUMBERING_OK && writer && r.torn_bytes > 0) {
			/* A writer killed in its append: the writers' lock is ours, so nobody is writing it. */
			if (io->ftruncate(f->fd, (off_t)r.valid_end) != 0 || io->fdatasync(f->fd) != 0)
				rc = numbering__file_io_error("cut the torn tail of", f->path);
			else {
				f->truncated_bytes += (int64_t)r.torn_bytes;
				numbering__file_diagnose(f,
				                         "store %s: discarded a torn tail of %llu bytes (%s), left by an "
				                         "interrupted write of another process",
				                         f->path, (unsigned long long)r.torn_bytes, r.problem);
			}
		}
		if (rc == NUMBERING_OK)
			take_replayed(f, &r);
	}
	buf_free(&s.win);
	if (rc == NUMBERING_OK)
		take_durable(f, &r);
	return rc;
}

/* A shared reader after a commit its index took (numbering__file_shx_current): the
 * records up to @indexed_end, all whole, read from the log mapped (its heap's kinds, if
 * it has a heap), with no system call. */
static int catch_up_mapped(struct file *f, uint64_t indexed_end)
{
	if (!numbering__file_heap_any(f)) {
		__atomic_store_n(&f->end, indexed_end, __ATOMIC_RELEASE);
		return NUMBERING_OK;
	}
	struct scan s = {numbering__file_sys(), f->fd, indexed_end, {NULL, 0, 0}, 0, f->lmap};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	int rc = numbering__file_read_header(&s, &r, f->path);
	if (rc == NUMBERING_OK && indexed_end > f->end) {
		rc = replay_past_end(f, &s, &r);
		if (rc == NUMBERING_OK)
			take_replayed(f, &r);
	}
	if (rc == NUMBERING_OK)
		take_durable(f, &r);
	return rc;
}

int numbering__file_catch_up(struct file *f, int writer)
{
	if (f->changes == NULL)
		return NUMBERING_OK;
	uint64_t c = atomic_load_explicit(f->changes, memory_order_acquire);
	if (!writer && c == atomic_load_explicit(&f->seen, memory_order_relaxed))
		return NUMBERING_OK;
	pthread_mutex_lock(&f->lock);
	while (f->syncing)
		pthread_cond_wait(&f->cond, &f->lock);
	uint64_t records = f->records, end = f->end, indexed_end = 0;
	int rc = NUMBERING_OK, replaced = 0;
	/* The lock file was cut short under this process's mapping: its counter and
	 * published end are lost; the whole file mapped again, the store's file says what
	 * was committed (catch_up_locked, since no index names the new counter). */
	if (atomic_load(&f->lock_cut)) {
		rc = writer ? lock_file_mend_writer(f) : lock_file_mend_reader(f);
		c = atomic_load_explicit(f->changes, memory_order_acquire);
	}
	/* The index or the log was cut under a mapping of it (file-shared.c): mapped again,
	 * or the log's damage said. */
	if (rc == NUMBERING_OK && atomic_load(&f->map_cut))
		rc = numbering__file_shx_mend(f, writer);
	/* The watcher found a name moved: the lock file's followed first (its counter is
	 * the one the others move), then the store's file looked at below. */
	int moved = atomic_exchange(&f->moved, 0);
	if (moved && rc == NUMBERING_OK) {
		rc = follow_lock_file(f);
		c = atomic_load_explicit(f->changes, memory_order_acquire);
	}
	if (rc != NUMBERING_OK) {
		/* Said below, once. */
	} else if (!moved && !writer && f->shared_reader && numbering__file_shx_current(f, c, &indexed_end)) {
		rc = catch_up_mapped(f, indexed_end); /* a commit of another process, in the index already */
		f->quick_catch_ups++;
	} else if ((writer || moved || c != atomic_load(&f->seen)) && !numbering__file_same_file(f->fd, f->real)) {
		/* A writer looks whether or not the word moved: a compaction killed between its
		 * rename and its publish left the new file at the name and the word as it was,
		 * and appending to the old file would acknowledge commits no name reaches. */
		rc = reload_locked(f, writer);
		replaced = 1;
	} else {
		rc = catch_up_locked(f, writer);
	}
	if (rc == NUMBERING_OK && (replaced || f->records != records || f->end != end))
		atomic_fetch_add(&f->foreign, 1);
	if (rc == NUMBERING_OK && !writer && f->shared_reader)
		numbering__file_heap_tidy(f);
	/* Seen only once caught up: a reader whose catch-up failed (it reads on with what it
	 * holds) tries again at its next read, told once until one succeeds. */
	if (rc == NUMBERING_OK)
		atomic_store(&f->seen, !writer && atomic_load(&f->map_cut) ? 0 : c); /* a fault meanwhile: again */
	if (rc != NUMBERING_OK && moved) {
		/* Not at every read: the watcher says so again at its next look. */
		atomic_store(&f->moved, 1);
		atomic_store(&f->seen, c);
	}
	if (rc != NUMBERING_OK && !writer && !f->catch_up_failing)
		numbering__file_diagnose(f, "store %s: could not read what other processes wrote (tried again at each "
		                         "read): %s",
		                         f->path, numbering_error_message());
	if (!writer)
		f->catch_up_failing = rc != NUMBERING_OK;
	pthread_mutex_unlock(&f->lock);
	return rc;
}

/* The backend. */

/* The calling thread's last commit waiting for its sync (group commit). */
static _Thread_local struct {
	const struct file *backend;
	uint64_t seq;
} pending;

void numbering__file_diagnose(struct file *f, const char *fmt, ...)
{
	if (f->diagnostic == NULL && !numbering__log_wants(&f->log, NUMBERING_LOG_ERROR))
		return;
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (f->diagnostic != NULL)
		f->diagnostic(message, f->diagnostic_payload);
	numbering__log_failure(&f->log, f->path, message);
}

int numbering__file_broken_error(const struct file *f)
{
	return numbering__error_set(NUMBERING_UNAVAILABLE,
	                            "file backend: store %s failed a write and its file's state is unknown; reopen it",
	                            f->path);
}

static int read_only_error(const struct file *f)
{
	return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: store %s is open read-only", f->path);
}

/* The memory side of a transaction: the memory record store's. */
static int mem_begin(struct file *f)
{
	return f->mem->begin(f->mem);
}

static int mem_commit(struct file *f)
{
	return f->mem->commit(f->mem);
}

static int mem_rollback(struct file *f)
{
	return f->mem->rollback(f->mem);
}

int numbering__file_begin(struct file *f)
{
	if (__atomic_load_n(&f->broken, __ATOMIC_ACQUIRE))
		return numbering__file_broken_error(f);
	if (f->read_only)
		return read_only_error(f);
	/* The writers' lock for the transaction's duration; then what others committed. */
	int fresh = 0;
	int rc = xlock(f, 1, &fresh);
	if (rc != NUMBERING_OK)
		return rc;
	if (fresh) {
		int watched = __atomic_load_n(&f->watched, __ATOMIC_ACQUIRE);
		if (!watched)
			numbering__rwlock_wrlock(&f->rlock);
		rc = numbering__file_catch_up(f, 1);
		if (!watched)
			numbering__rwlock_wrunlock(&f->rlock);
		if (rc == NUMBERING_OK) {
			pthread_mutex_lock(&f->lock);
			rc = numbering__file_shx_prepare(f);
			pthread_mutex_unlock(&f->lock);
		}
	}
	if (rc == NUMBERING_OK)
		rc = mem_begin(f);
	if (rc != NUMBERING_OK) {
		numbering__file_xunlock(f);
		return rc;
	}
	__atomic_store_n(&f->in_txn, 1, __ATOMIC_RELEASE);
	f->txn.len = 0;
	f->txn_ops = 0;
	f->txn_live = 0;
	if (buf_reserve(&f->txn, 1) != 0) {
		mem_rollback(f);
		__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
		numbering__file_xunlock(f);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	}
	f->txn.data[f->txn.len++] = RECORD_TXN;
	return NUMBERING_OK;
}

static int not_in_txn(const char *what)
{
	return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: %s without a transaction", what);
}

int numbering__file_rollback(struct file *f)
{
	if (!f->in_txn)
		return not_in_txn("rollback");
	__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
	f->txn.len = 0;
	int rc = mem_rollback(f);
	numbering__file_xunlock(f);
	return rc;
}

int numbering__file_commit(struct file *f)
{
	if (!f->in_txn)
		return not_in_txn("commit");
	if (f->txn_ops == 0) {
		__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
		int rc = mem_commit(f);
		numbering__file_xunlock(f);
		return rc;
	}
	const struct numbering__file_io *io = numbering__file_sys();
	pthread_mutex_lock(&f->lock);
	int rc = NUMBERING_OK;
	if (f->broken) {
		rc = numbering__file_broken_error(f);
	} else if (f->dir_pending && numbering__file_fsync_dir(io, f->dir) != 0) {
		/* Acknowledging a write to a file whose name may not survive a power loss could lose it. */
		rc = numbering__file_io_error("sync the directory of", f->path);
	} else {
		f->dir_pending = 0;
		int full = f->sync_mode == NUMBERING_FILE_SYNC_FULL && !f->deferred;
		while (full && f->syncing)
			pthread_cond_wait(&f->cond, &f->lock); /* one thread writes the durable length at a time */
		if (numbering__file_append(io, f->fd, f->end, f->seq + 1, f->txn.data, f->txn.len) != 0)
			rc = numbering__file_io_error("append to", f->path);
		else if (full && io->fdatasync(f->fd) != 0)
			rc = numbering__file_io_error("sync", f->path);
		else if (full && numbering__file_mark_durable(io, f, f->fd, f->end + RECORD_HEADER + f->txn.len,
		                                              f->seq + 1, f->synced_end, f->synced_seq) != 0)
			rc = numbering__file_io_error("record the durable length of", f->path);
		if (rc == NUMBERING_OK) {
			uint64_t record_off = f->end;
			f->end += RECORD_HEADER + f->txn.len;
			f->seq++;
			f->records++;
			f->commits++;
			f->live = f->txn_live < 0 ? live_add(f->live, (uint64_t)-f->txn_live, 0) : f->live + (uint64_t)f->txn_live;
			numbering__file_shx_commit(f, record_off, f->txn.len, f->txn_ops); /* before readers are told */
			/* Group commit: other processes are told once the record is durable
			 * (wait_durable), never before: a sync that fails cuts it off again, and a
			 * process that had read it would go on serving a commit no one acknowledged,
			 * then find the file shorter than what it read (or other records where it
			 * expected its end) and refuse every write as DATA_LOSS. */
			if (!(f->sync_mode == NUMBERING_FILE_SYNC_FULL && f->deferred))
				numbering__file_publish(f);
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
				numbering__file_diagnose(f,
				                         "store %s: a failed append could not be undone; writes are "
				                         "refused until it is reopened",
				                         f->path);
			}
			errno = e;
		}
	}
	/* In transaction until the record is appended: a group-commit leader waits for it. */
	__atomic_store_n(&f->in_txn, 0, __ATOMIC_RELEASE);
	if (rc != NUMBERING_OK) {
		pthread_mutex_unlock(&f->lock);
		mem_rollback(f);
		f->txn.len = 0;
		numbering__file_xunlock(f);
		return rc;
	}
	mem_commit(f);
	f->txn.len = 0;
	if (f->txn.cap > (1u << 20)) {
		buf_free(&f->txn);
	}
	if (!f->maintained)
		numbering__file_compact_if_due_locked(f);
	/* The writers' lock goes with the transaction, except that in FULL mode under a
	 * store its record is synced after the store's lock (group commit): the lock stays
	 * until then, so that no other process writes the slots meanwhile. */
	int keep = f->sync_mode == NUMBERING_FILE_SYNC_FULL && f->deferred && !f->sync_ref && pending.backend == f &&
	           pending.seq != 0;
	if (keep)
		f->sync_ref = 1;
	pthread_mutex_unlock(&f->lock);
	if (!keep)
		numbering__file_xunlock(f);
	return NUMBERING_OK;
}

static int sync_now_locked(struct file *f)
{
	if (f->broken)
		return numbering__file_broken_error(f);
	if (f->synced_end == f->end)
		return NUMBERING_OK;
	while (f->syncing)
		pthread_cond_wait(&f->cond, &f->lock);
	/* The slots are the writers' to write: with their lock, after the newest one. */
	int rc = numbering__file_xlock(f, 1);
	if (rc != NUMBERING_OK)
		return rc;
	if ((rc = reread_slots_locked(f)) != NUMBERING_OK || f->synced_end >= f->end) {
		numbering__file_xunlock(f);
		return rc;
	}
	uint64_t target = f->end;
	if (numbering__file_sys()->fdatasync(f->fd) != 0 ||
	    numbering__file_mark_durable(numbering__file_sys(), f, f->fd, target, f->seq, f->synced_end, f->synced_seq) != 0) {
		rc = numbering__file_io_error("sync", f->path);
		__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
		numbering__file_xunlock(f);
		return rc;
	}
	f->synced_end = target;
	f->synced_seq = f->seq;
	f->syncs++;
	numbering__file_xunlock(f);
	return NUMBERING_OK;
}

/* Group commit under the writers' lock: the lock kept for the records awaiting their
 * sync goes once they are all durable (or can no longer be made so). f->lock held. */
static void release_sync_ref_locked(struct file *f)
{
	if (f->sync_ref && (f->synced_seq >= f->seq || f->broken)) {
		f->sync_ref = 0;
		numbering__file_xunlock(f);
	}
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
		int failed = numbering__file_sys()->fdatasync(fd) != 0
		                     ? -1
		                     : numbering__file_mark_durable(numbering__file_sys(), f, fd, target_end,
		                                                    target_seq, was_end, was_seq);
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
			publish_to(f, target_end); /* the writers' lock is held (sync_ref) */
		} else {
			/* None of the records after synced_end was acknowledged: cut them off, so
			 * that the file holds exactly what was (unless the durable length may claim
			 * them: then they stay). Memory still shows them, so the backend refuses
			 * writes until it is reopened. */
			numbering__file_shx_invalidate(f); /* it may point past the cut */
			if (failed == -1 && numbering__file_sys()->ftruncate(fd, (off_t)f->synced_end) == 0 &&
			    numbering__file_sys()->fdatasync(fd) == 0)
				f->end = f->synced_end;
			__atomic_store_n(&f->broken, 1, __ATOMIC_RELEASE);
			numbering__file_diagnose(f,
			                         "store %s: sync failed (%s); writes are refused until it is reopened",
			                         f->path, strerror(e));
		}
		pthread_cond_broadcast(&f->cond);
	}
	if (f->synced_seq < mine)
		rc = numbering__error_set(NUMBERING_UNAVAILABLE,
		                          "file backend: store %s could not make a commit durable; reopen it", f->path);
	if (!f->syncing && !__atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE))
		release_sync_ref_locked(f);
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static void *flusher_main(void *arg);

/* Starts a thread of the backend (the sync thread, the watcher) with every signal
 * blocked (it inherits the mask): a signal sent to the process (SIGTERM, SIGINT, a
 * host's SIGUSR1) goes to a thread of the host, which may block it in all of its own
 * to take it with sigwait(), never to one of these, where its default would end the
 * process or the host's handler would run on a thread it never made. All but the
 * signals a fault raises in the thread that faults (SIGBUS, SIGSEGV, SIGFPE, SIGILL,
 * SIGTRAP, SIGSYS): blocked, the kernel would deliver them with their default action,
 * killing the process without running any handler, the mappings' guard's included
 * (file-guard.c; the sync thread writes the shared index's mapping). 0, or an errno. */
static int start_thread(pthread_t *thread, void *(*run)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	static const int faults[] = {SIGBUS, SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&all, faults[i]);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(thread, NULL, run, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int numbering__file_control(struct file *f, int op, void *arg)
{
	int rc = NUMBERING_OK;
	switch (op) {
	case NUMBERING_FILE_CONTROL_COMPACT:
		if (f->read_only)
			return read_only_error(f);
		if (f->in_txn)
			return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: compaction inside a transaction");
		/* As a write: the writers' lock, and first what others committed. */
		if ((rc = numbering__file_xlock(f, 1)) != NUMBERING_OK)
			return rc;
		rc = numbering__file_catch_up(f, 1);
		pthread_mutex_lock(&f->lock);
		if (rc == NUMBERING_OK)
			rc = numbering__file_compact_locked(f);
		pthread_mutex_unlock(&f->lock);
		numbering__file_xunlock(f);
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
			numbering__file_compact_if_due_locked(f);
		pthread_mutex_unlock(&f->lock);
		return NUMBERING_OK;
	case NUMBERING_BACKEND_CONTROL_WAIT_DURABLE:
		return wait_durable(f);
	case NUMBERING__CONTROL_WATCH: {
		struct numbering__backend_watch *w = arg;
		if (w == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "file backend: watch needs its struct");
		if (f->changes == NULL)
			return numbering__error_set(NUMBERING_UNIMPLEMENTED, "file backend: store %s is a snapshot", f->path);
		w->changes = f->changes;
		w->seen = &f->seen;
		w->foreign = &f->foreign;
		f->readers = w->readers;
		__atomic_store_n(&f->watched, 1, __ATOMIC_RELEASE);
		return NUMBERING_OK;
	}
	case NUMBERING__CONTROL_REFRESH:
		return numbering__file_catch_up(f, 0);
	case NUMBERING__CONTROL_READ_ONLY:
		return f->read_only ? NUMBERING_OK : numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                                                          "file backend: store %s takes writes", f->path);
	case NUMBERING__CONTROL_LOG:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "file backend: the log is NULL");
		pthread_mutex_lock(&f->lock);
		f->log = *(const struct numbering__log *)arg;
		pthread_mutex_unlock(&f->lock);
		return NUMBERING_OK;
	case NUMBERING_FILE_CONTROL_VERIFY:
		pthread_mutex_lock(&f->lock);
		rc = numbering__file_verify(f);
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
			if (start_thread(&f->flusher, flusher_main, f) != 0)
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
		/* Instances are the instance records; metadata values, the META and REQUEST ones. */
		int64_t instances = 0, metas = 0;
		numbering__file_records_counts(f, &instances, &metas);
		pthread_mutex_lock(&f->lock);
		s->sync_mode = f->sync_mode;
		s->file_bytes = (int64_t)f->end;
		s->snapshot_bytes = (int64_t)f->snapshot_bytes;
		s->records = (int64_t)f->records;
		s->instances = instances;
		s->metas = metas;
		s->commits = f->commits;
		s->syncs = f->syncs;
		s->compactions = f->compactions;
		s->truncated_bytes = f->truncated_bytes;
		s->open_ns = f->open_ns;
		pthread_mutex_unlock(&f->lock);
		return NUMBERING_OK;
	}
	default:
		/* The memory record store's own operations (its counts, consistency check, statistics). */
		return f->mem->control(f->mem, op, arg);
	}
}

/* How often the watcher looks at the names, in ms. */
#define WATCH_MS 1000

/* The watcher. PATH.lock removed or replaced (rm, mv over it), or another file renamed
 * over the store's (mv other.store PATH), moves no word this backend watches: the
 * counter it maps is the old lock file's, which writers no longer move, and a catch-up,
 * where the names are looked at, never comes; reads served the old state as current
 * for good (the store's file: until the next commit). Each read looking would be two
 * system calls per resolve; this thread looks once a second instead (lstat and fstat
 * of each name, as SQLite's unix VFS compares a journal's), and when a name no longer
 * reaches the file held sets f->moved and marks the counter unseen: the next read
 * catches up, which follows the new lock file and replays the new store's file. */
static void *watch_main(void *arg)
{
	struct file *f = arg;
	pthread_mutex_lock(&f->lock);
	while (!f->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		long ns = until.tv_nsec + (long)WATCH_MS * 1000000;
		until.tv_sec += ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		while (!f->stopping && pthread_cond_timedwait(&f->watch_cond, &f->lock, &until) == 0)
			;
		if (f->stopping)
			break;
		pthread_mutex_lock(&f->xmutex); /* f->lock_fd */
		int lock_moved = !numbering__file_same_file(f->lock_fd, f->lock_path);
		pthread_mutex_unlock(&f->xmutex);
		if (lock_moved || (f->real != NULL && !numbering__file_same_file(f->fd, f->real))) {
			atomic_store(&f->moved, 1);
			atomic_store(&f->seen, 0);
		}
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
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
		if (f->syncing || f->broken || f->stopping)
			continue;
		/* The slots are written under the writers' lock: when another process holds
		 * it, try again in the next window (its syncs cover our records too). */
		if (numbering__file_xlock(f, 0) != NUMBERING_OK) {
			numbering_error_clear();
			continue;
		}
		if (reread_slots_locked(f) != NUMBERING_OK || f->synced_end >= f->end) {
			numbering_error_clear();
			numbering__file_xunlock(f);
			continue;
		}
		uint64_t target = f->end, target_seq = f->seq, was_end = f->synced_end, was_seq = f->synced_seq;
		int fd = f->fd;
		f->syncing = 1;
		pthread_mutex_unlock(&f->lock);
		int rc = numbering__file_sys()->fdatasync(fd);
		if (rc == 0)
			rc = numbering__file_mark_durable(numbering__file_sys(), f, fd, target, target_seq, was_end, was_seq);
		int e = errno;
		numbering__file_xunlock(f);
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
			numbering__file_diagnose(
			        f, "store %s: background sync failed (%s); writes are refused until it is reopened",
			        f->path, strerror(e));
		}
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

void numbering__file_free(struct file *f)
{
	if (f == NULL)
		return;
	/* A child forked from the opener has a copy of the watcher's condition variable
	 * that counts the parent's watcher waiting in it: destroying it would wait for that
	 * thread, which is not in this process, for ever. */
	int watch_cond_copied = forked(f) && f->watcher_running;
	if (f->lock_fd >= 0 && forked(f)) {
		/* A child's copy: the parent's sync thread is not here to stop, and the
		 * transaction, the write lock and the records not yet synced are the parent's.
		 * Closing the descriptors releases nothing: the parent holds the same ones. */
		f->flusher_running = 0;
		f->watcher_running = 0;
		f->in_txn = 0;
		f->sync_ref = 0;
		f->broken = 1;
	}
	if (f->flusher_running || f->watcher_running) {
		pthread_mutex_lock(&f->lock);
		f->stopping = 1;
		pthread_cond_broadcast(&f->cond);
		pthread_cond_broadcast(&f->watch_cond);
		pthread_mutex_unlock(&f->lock);
		if (f->flusher_running)
			pthread_join(f->flusher, NULL);
		if (f->watcher_running)
			pthread_join(f->watcher, NULL);
	}
	if (f->in_txn) {
		mem_rollback(f);
		numbering__file_xunlock(f);
	}
	if (f->fd >= 0) {
		/* What this process wrote and did not sync (NORMAL, OFF), under the writers' lock. */
		if (!f->broken && !f->read_only && f->synced_end != f->end && f->lock_fd >= 0 &&
		    numbering__file_xlock(f, 1) == NUMBERING_OK) {
			pthread_mutex_lock(&f->lock);
			if (reread_slots_locked(f) == NUMBERING_OK && f->synced_end < f->end &&
			    numbering__file_sys()->fdatasync(f->fd) == 0)
				numbering__file_mark_durable(numbering__file_sys(), f, f->fd, f->end, f->seq, f->synced_end,
				                             f->synced_seq);
			pthread_mutex_unlock(&f->lock);
			numbering__file_xunlock(f);
		}
		numbering__file_sys()->close(f->fd);
	}
	if (f->sync_ref) {
		f->sync_ref = 0;
		numbering__file_xunlock(f);
	}
	if (f->shared != NULL) {
		numbering__file_guard_remove(f->shared);
		munmap(f->shared, LOCKFILE_SIZE);
	}
	if (f->lock_fd >= 0)
		close(f->lock_fd); /* and with it the writers' lock, if still held */
	numbering__free_mem(f->lock_path);
	numbering__file_shx_free(f);
	for (int i = 0; i < f->old_mem_count; i++)
		f->old_mems[i]->free(f->old_mems[i]);
	pthread_mutex_destroy(&f->map_mutex);
	pthread_mutex_destroy(&f->heap_mutex);
	numbering__rwlock_destroy(&f->rlock);
	pthread_mutex_destroy(&f->xmutex);
	numbering__file_records_free(f);
	if (f->mem)
		f->mem->free(f->mem);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	if (!watch_cond_copied)
		pthread_cond_destroy(&f->watch_cond);
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
	/* Only the fields of that version: an older caller's struct is shorter. */
	size_t size = version == 1   ? offsetof(numbering_file_options, read_only)
	              : version == 2 ? offsetof(numbering_file_options, busy_timeout_ms)
	              : version == 3 ? offsetof(numbering_file_options, progress)
	              : version == 4 ? offsetof(numbering_file_options, shared_index)
	                             : sizeof(defaults);
	memcpy(options, &defaults, size);
	options->version = version;
	return NUMBERING_OK;
}

int numbering__file_set_paths(struct file *f, const char *path)
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
	int rc = numbering__file_resolve_store(&real, &dir, f->fd, f->path);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__free_mem(f->dir);
	f->dir = dir;
	f->real = real;
	return NUMBERING_OK;
}

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
		return numbering__file_io_error("open", path);
	*out = fd;
	return NUMBERING_OK;
}

/* A writable open refuses a file that is not a store before it creates PATH.lock
 * beside it, which would otherwise stay there after the refusal: numberctl --store
 * file:/etc/passwd left /etc/passwd.lock, the lock file shadow's tools take (useradd,
 * passwd then fail). What may be a store (empty, a header's prefix, the magic) is
 * checked under the lock as before; anything else gets the header check's answer now
 * (INVALID_ARGUMENT, or DATA_LOSS for records behind a destroyed header), read only. */
static int refuse_not_a_store(struct file *f)
{
	const struct numbering__file_io *io = numbering__file_sys();
	struct stat st;
	if (fstat(f->fd, &st) != 0)
		return numbering__file_io_error("stat", f->path);
	uint64_t size = (uint64_t)st.st_size;
	uint8_t magic[8];
	if (size < HEADER_SIZE_V2 && numbering__file_interrupted_creation(io, f->fd, size))
		return NUMBERING_OK;
	if (size >= 8 && numbering__file_read_all(io, f->fd, magic, 8, 0) == 0 &&
	    memcmp(magic, numbering__file_magic, 8) == 0)
		return NUMBERING_OK;
	if (size < HEADER_SIZE)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
		                            "file backend: %s is not a libnumbering store (%llu bytes, no store header)",
		                            f->path, (unsigned long long)size);
	struct replay r;
	return read_store_header(f, io, size, &r);
}

/* Opens the store, its lock file, and (a writer) the writers' lock, held until the
 * open is done (numbering__file_new releases it); the store's file is then the one at
 * its path, which a compaction of another process may have replaced meanwhile. */
static int open_files(struct file *f, int must_exist)
{
	const struct numbering__file_io *io = numbering__file_sys();
	for (int attempt = 0; attempt < 8; attempt++) {
		int rc = f->read_only ? open_snapshot(&f->fd, f->path) : open_shared(&f->fd, f->path, must_exist);
		if (rc == NUMBERING_OK && f->real == NULL)
			rc = set_real(f);
		if (rc == NUMBERING_OK && !f->read_only && f->lock_path == NULL)
			rc = refuse_not_a_store(f);
		if (rc == NUMBERING_OK)
			rc = numbering__file_shx_paths(f);
		if (rc == NUMBERING_OK && f->lock_path == NULL && (rc = open_lock_file(f)) == NUMBERING_OK &&
		    f->lock_fd >= 0 && !f->read_only)
			rc = numbering__file_xlock(f, 1);
		if (rc == NUMBERING_OK && f->lock_fd >= 0 && f->shared == NULL)
			rc = map_lock_file(f);
		if (rc != NUMBERING_OK)
			return rc;
		/* What a read-only open has seen: the changes word first, then the file. */
		if (f->changes != NULL)
			atomic_store(&f->seen, atomic_load(f->changes));
		if (numbering__file_same_file(f->fd, f->real))
			return NUMBERING_OK;
		io->close(f->fd);
		f->fd = -1;
	}
	return numbering__error_set(NUMBERING_UNAVAILABLE, "file backend: store %s keeps being replaced while opening",
	                            f->path);
}

/* Opens the file and replays it into f->mem. */
static int file_open(struct file *f, int must_exist)
{
	const struct numbering__file_io *io = numbering__file_sys();
	int rc = open_files(f, must_exist);
	if (rc != NUMBERING_OK)
		return rc;
	struct stat st;
	if (fstat(f->fd, &st) != 0)
		return numbering__file_io_error("stat", f->path);
	uint64_t size = (uint64_t)st.st_size;
	/* Under the writers' lock: a file another opener is creating is not ours to initialize. */
	int created = size == 0 && !f->read_only;
	int fresh = !created && size < HEADER_SIZE_V2 && numbering__file_interrupted_creation(io, f->fd, size);
	if (f->read_only && (size < HEADER_SIZE || fresh))
		return numbering__error_set(NUMBERING_UNAVAILABLE,
		                            "file backend: %s has no store header yet (%llu bytes): not a store, or one "
		                            "being created",
		                            f->path, (unsigned long long)size);
	if (created || fresh) {
		/* Initialized, then read like any store (an empty one). */
		if ((rc = numbering__file_init(io, f->fd, f->path, f->dir, NUMBERING_FILE_FORMAT_VERSION)) != NUMBERING_OK)
			return rc;
		size = HEADER_SIZE_V2;
	} else if (size < HEADER_SIZE)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
		                            "file backend: %s is not a libnumbering store (%llu bytes, no store header)", f->path,
		                            (unsigned long long)size);
	struct scan s = {io, f->fd, size, {NULL, 0, 0}, 0, NULL};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	r.progress = f->progress;
	r.progress_payload = f->progress_payload;
	r.progress_op = "replay";
	rc = numbering__file_read_header(&s, &r, f->path);
	if (rc == NUMBERING_OK && f->read_only) {
		numbering__file_scan_cover_durable(&s, &r);
		size = s.size;
		/* What the replay says of it, which a shared reader does not run. */
		if (f->shared_reader && r.durable_end > size)
			rc = numbering__error_set(NUMBERING_DATA_LOSS,
			                          "file backend: store %s is damaged: it was synced up to offset %llu, but "
			                          "the file ends at offset %llu (numberctl fsck --repair keeps the records "
			                          "before the damage)",
			                          f->path, (unsigned long long)r.durable_end, (unsigned long long)size);
		/* Only what was published, or is durable, as every catch-up reads: past it may
		 * lie a group commit's record whose sync is still to come, and a sync that fails
		 * cuts it off again. Read, it would be a create no one acknowledged, and this
		 * open would read on from its end, in the middle of what is written there next. */
		if (rc == NUMBERING_OK && f->changes != NULL && r.format_version >= 2) {
			uint64_t limit = atomic_load_explicit(f->published, memory_order_acquire);
			if (limit < r.durable_end)
				limit = r.durable_end;
			if (limit < s.size)
				s.size = size = limit;
		}
	}
	if (rc == NUMBERING_OK && f->shared_reader) {
		/* Shared mode: get and resolve from the shared index and the mapped log, no
		 * replay; the heap is built for what the index cannot answer, on first use. */
		if (r.format_version == NUMBERING_FILE_FORMAT_VERSION && f->changes != NULL) {
			f->header_crc = r.header_crc;
			if (numbering__file_shx_attach(f) != NUMBERING_OK) {
				/* None yet, or a compaction's new one not in place: tried again at each
				 * catch-up and read; what it cannot answer meanwhile, the heap does. */
				numbering__file_diagnose(f, "store %s: no shared index to read through yet: %s", f->path,
				                         numbering_error_message());
				numbering_error_clear();
			}
			{
				buf_free(&s.win);
				uint64_t limit = atomic_load_explicit(f->published, memory_order_acquire);
				if (limit < r.durable_end)
					limit = r.durable_end;
				if (limit > size)
					limit = size;
				f->format_version = r.format_version;
				f->slot_gen = r.slot_gen;
				f->end = f->synced_end = limit;
				f->seq = f->synced_seq = r.durable_seq;
				f->snapshot_bytes = r.snapshot_end;
				return NUMBERING_OK;
			}
		}
		f->shared_reader = 0;
		__atomic_store_n(&f->heap_all, 1, __ATOMIC_RELEASE);
	}
	if (rc == NUMBERING_OK && r.instances_hint > 0) {
		/* Size the hash tables once; the hint is untrusted, so bounded by what the file can hold. */
		uint64_t n = r.instances_hint < size / 16 ? r.instances_hint : size / 16;
		uint32_t reserve = n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
		if (reserve > 0 && f->mem->control(f->mem, NUMBERING__MEMORY_CONTROL_RESERVE, &reserve) != NUMBERING_OK)
			numbering_error_clear(); /* only an optimization */
	}
	if (rc == NUMBERING_OK)
		rc = numbering__file_records_replay(f, &s, &r);
	buf_free(&s.win);
	if (rc != NUMBERING_OK)
		return rc;
	if (r.torn_bytes > 0 && f->read_only) {
		numbering__file_diagnose(f,
		                         "store %s: read %llu bytes and left the %llu after them (%s): a write in "
		                         "progress or a torn tail",
		                         f->path, (unsigned long long)r.valid_end, (unsigned long long)r.torn_bytes,
		                         r.problem);
	} else if (r.torn_bytes > 0) {
		if (io->ftruncate(f->fd, (off_t)r.valid_end) != 0 || io->fdatasync(f->fd) != 0)
			return numbering__file_io_error("cut the torn tail of", f->path);
		f->truncated_bytes = (int64_t)r.torn_bytes;
		numbering__file_diagnose(
		        f, "store %s: discarded a torn tail of %llu bytes (%s), left by an interrupted write", f->path,
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
	if (!f->read_only && f->changes != NULL && atomic_load(f->published) != f->end)
		numbering__file_publish(f); /* a torn tail cut, or records a killed writer never published */
	if (!f->read_only && r.format_version >= 2 && r.valid_end != r.durable_end &&
	    ((r.torn_bytes == 0 && io->fdatasync(f->fd) != 0) ||
	     numbering__file_mark_durable(io, f, f->fd, r.valid_end, r.seq, r.durable_end, r.durable_seq) != 0)) {
		/* Whole records after the durable length (written, not all synced, before a
		 * crash) are kept: durable now, and recorded so. */
		return numbering__file_io_error("sync", f->path);
	}
	return NUMBERING_OK;
}

/* The read lock's refresh for reads without a store (f->rlock). */
static void refresh_reads(void *arg)
{
	struct file *f = arg;
	numbering__rwlock_wrlock(&f->rlock);
	numbering__file_catch_up(f, 0);
	numbering__rwlock_wrunlock(&f->rlock);
	numbering_error_clear();
}

int numbering__file_new(struct file **out, const char *path, const numbering_file_options *options)
{
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
		if (options->version >= 3)
			opts.busy_timeout_ms = options->busy_timeout_ms;
		if (options->version >= 4) {
			opts.progress = options->progress;
			opts.progress_payload = options->progress_payload;
		}
		if (options->version >= 5)
			opts.shared_index = options->shared_index;
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
	f->lock_fd = -1;
	f->pid = getpid();
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	pthread_cond_init(&f->watch_cond, NULL);
	pthread_mutex_init(&f->xmutex, NULL);
	pthread_mutex_init(&f->map_mutex, NULL);
	pthread_mutex_init(&f->heap_mutex, NULL);
	f->heap_all = 1;
	f->busy_ms = opts.busy_timeout_ms == 0 ? DEFAULT_BUSY_MS : opts.busy_timeout_ms < 0 ? -1 : opts.busy_timeout_ms;
	if (numbering__rwlock_init(&f->rlock) != 0) {
		pthread_mutex_destroy(&f->xmutex);
		pthread_cond_destroy(&f->cond);
		pthread_cond_destroy(&f->watch_cond);
		pthread_mutex_destroy(&f->lock);
		numbering__free_mem(f);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: cannot create a lock");
	}
	f->sync_mode = opts.sync_mode;
	f->window_us = opts.sync_window_us > 0 ? opts.sync_window_us : DEFAULT_WINDOW_US;
	f->compact_min = opts.compact_min_bytes == 0 ? DEFAULT_COMPACT_MIN : opts.compact_min_bytes;
	f->diagnostic = opts.diagnostic;
	f->diagnostic_payload = opts.diagnostic_payload;
	f->progress = opts.progress;
	f->progress_payload = opts.progress_payload;
	f->read_only = opts.read_only != 0;
	f->shared_wanted = opts.shared_index != 0;
	if (f->read_only && f->shared_wanted) {
		f->shared_reader = 1; /* until the index proves unusable (file_open) */
		f->heap_all = 0;
	}
	int rc = numbering__file_set_paths(f, path);
	if (rc == NUMBERING_OK)
		rc = numbering_memory_backend_new(&f->mem);
	if (rc == NUMBERING_OK)
		rc = file_open(f, opts.must_exist);
	if (rc == NUMBERING_OK && !f->read_only) {
		/* Compactions and repairs that did not finish left their temporary files. */
		numbering__file_remove_stale_temps(f->real, f->dir);
		if (f->sync_mode == NUMBERING_FILE_SYNC_NORMAL) {
			if (start_thread(&f->flusher, flusher_main, f) != 0)
				rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: cannot start the sync thread");
			else
				f->flusher_running = 1;
		}
	}
	if (rc == NUMBERING_OK && !f->read_only && f->format_version < NUMBERING_FILE_FORMAT_VERSION) {
		/* A store of instances (version 1 or 2) is upgraded to a log of records now,
		 * through the compaction path: the snapshot of the records replayed from it goes
		 * to a new file, synced, renamed over the store. A crash leaves the old file or
		 * the new one; a failure leaves the old file, and the open fails. */
		pthread_mutex_lock(&f->lock);
		rc = numbering__file_compact_locked(f);
		pthread_mutex_unlock(&f->lock);
	}
	if (rc == NUMBERING_OK && !f->read_only) {
		pthread_mutex_lock(&f->lock);
		rc = numbering__file_shx_prepare(f);
		pthread_mutex_unlock(&f->lock);
	}
	if (f->xrefs > 0)
		numbering__file_xunlock(f); /* the open's hold of the writers' lock */
	if (rc == NUMBERING_OK && f->changes != NULL) {
		/* Without it a moved name goes unseen until a commit moves the counter (or for
		 * good): said, and the store opens. */
		if (start_thread(&f->watcher, watch_main, f) == 0)
			f->watcher_running = 1;
		else
			numbering__file_diagnose(f, "store %s: cannot start the thread that watches its names", f->path);
	}
	if (rc == NUMBERING_OK && f->changes != NULL) {
		/* Reads without a store catch up themselves, under a lock of their own. */
		f->rlock.refresh = refresh_reads;
		f->rlock.refresh_arg = f;
		f->rlock.seen = &f->seen;
		f->rlock.watch = f->changes;
	}
	if (rc != NUMBERING_OK) {
		/* Keep the error of the failure, not of the clean-up: its field too (the path
		 * that is not a store, say), which the caller's answer names. */
		int code = numbering_error_code();
		char message[512], field[128] = "";
		snprintf(message, sizeof(message), "%s", numbering_error_message());
		if (numbering_error_violation_count() > 0)
			snprintf(field, sizeof(field), "%s", numbering_error_violation_field(0));
		numbering__file_free(f);
		numbering__error_field(code, field[0] != '\0' ? field : NULL, "%s", message);
		return rc;
	}
	f->open_ns = now_ns() - started;
	*out = f;
	return NUMBERING_OK;
}
