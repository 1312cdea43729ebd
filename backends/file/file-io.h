/*
 * The file backend's I/O seam (internal): every system call that writes, syncs,
 * renames or reads the store goes through this table, so tests can make the n-th
 * call fail (short write, EIO, ENOSPC, failed fsync) the way SQLite's test VFS does.
 */
#ifndef NUMBERING_FILE_IO_H
#define NUMBERING_FILE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct numbering__file_io {
	int (*open)(const char *path, int flags, mode_t mode);
	int (*close)(int fd);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t offset);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t offset);
	int (*fdatasync)(int fd);
	/* Used for directories (after a rename or a create). */
	int (*fsync)(int fd);
	int (*ftruncate)(int fd, off_t len);
	int (*rename)(const char *from, const char *to);
	int (*unlink)(const char *path);
	int (*link)(const char *from, const char *to);
};

/* The system's calls. */
extern const struct numbering__file_io numbering__file_io_system;

/* open(2), but never on descriptor 0, 1 or 2: a host whose stdin, stdout or stderr is
 * closed (a daemon, `prog >&-`) would otherwise get the store or its lock file there,
 * and its next printf would write into the store (SQLite's robust_open() guards the
 * same). Such a descriptor is moved to 3 or above (close-on-exec) and the low one is
 * closed again. Every file the backend opens is opened through it. */
int numbering__file_open(const char *path, int flags, mode_t mode);

/* Replaces the seam for every file backend of the process (NULL restores the
 * system's). For tests; not thread-safe against open backends doing I/O. */
void numbering__file_io_set(const struct numbering__file_io *io);

/* CRC-32C (Castagnoli) of @data, continuing from @crc (0 to start). */
uint32_t numbering__crc32c(uint32_t crc, const void *data, size_t len);

/* numbering__crc32c() of the 32 bytes of four words in this host's byte order (a
 * shared index slot's check, at every look-up): the same value, without the loop. */
uint32_t numbering__crc32c_words4(uint32_t crc, uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* For tests: both CRC-32C calls take the portable table's path (@on 1), as on a CPU
 * without SSE 4.2, or ask the CPU again (@on 0). Either path gives the same values. */
void numbering__crc32c_use_table(int on);

#endif
