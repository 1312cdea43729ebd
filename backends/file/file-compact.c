/*
 * Compaction of the file backend (docs/FILE-FORMAT.md, "Compaction"): the memory state
 * written as snapshot records into a new temporary file beside the store, synced, and
 * renamed over it. Every file the backend creates besides the store itself is created
 * with O_CREAT|O_EXCL|O_NOFOLLOW under a random name (temp_create): nothing planted in
 * the store's directory is ever followed, written or renamed into place.
 */
#define _DEFAULT_SOURCE /* flock, fsync, fdatasync */

#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file-internal.h"

/* Gives @fd, a file this backend has just created, the permission bits of the store
 * open as @store_fd. Never applied to a file the backend did not create. */
void numbering__file_keep_mode(int fd, int store_fd)
{
	struct stat st;
	if (fstat(store_fd, &st) == 0)
		(void)fchmod(fd, st.st_mode & 07777);
}

/* Creates a new file for this backend's own use beside the store @real, named
 * REAL@suffix.XXXXXXXXXXXX (random characters). O_CREAT|O_EXCL|O_NOFOLLOW: a file or
 * symlink already at the name (planted, or left by a crash) is never opened, followed
 * or truncated; another name is tried. On success *fd_out is the new file (mode 0600
 * less the umask) and *name_out its name, to be freed by the caller. */
int numbering__file_temp_create(int *fd_out, char **name_out, const char *real, const char *suffix)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	const struct numbering__file_io *io = numbering__file_sys();
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
			int rc = numbering__file_io_error("create", name);
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

/* Whether @entry is a name numbering__file_temp_create() makes for @base (the store's file name) with @suffix. */
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
 * in use. Only what is provably such a file goes: a name numbering__file_temp_create() makes (or the
 * fixed REAL.compact of older versions), a regular file, owned by this user, with one
 * link. Anything else is left alone; unlinking never changes another file's contents. */
void numbering__file_remove_stale_temps(const char *real, const char *dir)
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
		if (!legacy && !temp_name(e->d_name, base, ".compact") && !temp_name(e->d_name, base, ".idx"))
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
		numbering__file_sys()->unlink(name);
		numbering__free_mem(name);
	}
	closedir(d);
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
	/* Records are gathered and sorted by number before they are written, so that
	 * replaying a snapshot inserts into the number trees in order (far faster). */
	struct buf all;
	struct sorted *order;
	size_t count, cap;
};

struct sorted {
	uint64_t key; /* digits << 56 | first */
	int64_t time;
	size_t off;   /* of the encoded record in `all` */
	uint32_t len;
	uint8_t op;   /* OP_RECORD_PUT */
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
	if (numbering__file_append(s->io, s->fd, s->end, s->seq + 1, s->chunk.data, s->chunk.len) != 0)
		return s->rc = numbering__file_io_error("write the snapshot", s->path);
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

int numbering__file_snapshot_add(struct snapshot *s, uint8_t op, uint64_t key, int64_t time, const uint8_t *bytes,
                                 size_t len)
{
	int rc = NUMBERING_OK;
	if (len > RECORD_LOG_MAX - 6)
		return s->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED,
		                                    "file backend: a record of %zu bytes does not fit a snapshot chunk", len);
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
	if (rc != NUMBERING_OK)
		return s->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory compacting");
	struct sorted *e = &s->order[s->count++];
	e->key = key;
	e->time = time;
	e->off = s->all.len;
	e->len = (uint32_t)len;
	e->op = op;
	buf_add(&s->all, bytes, len);
	return NUMBERING_OK;
}

/* Writes the gathered records in number order, telling @progress (NULL: nobody). */
static int snapshot_sorted(struct snapshot *s, numbering_file_progress_cb progress, void *payload)
{
	if (s->count > 1)
		qsort(s->order, s->count, sizeof(*s->order), sorted_cmp);
	for (size_t i = 0; i < s->count; i++) {
		const struct sorted *e = &s->order[i];
		if (progress != NULL && i > 0 && i % PROGRESS_RECORDS == 0)
			progress("compact", (int64_t)i, (int64_t)s->count, payload);
		if (snapshot_room(s, 5 + (size_t)e->len) != NUMBERING_OK)
			return s->rc;
		s->chunk.data[s->chunk.len++] = e->op;
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

/* Writes @f's records (numbering__file_records_gather: a log of records, format
 * version 3) into a new temporary file beside the store @real (temp_create: created,
 * then locked) and syncs it; on success *fd is the open file, *tmp_out its name (the
 * caller's to free), *end its size and *seq its last record's sequence. */
int numbering__file_snapshot_write(int *fd_out, char **tmp_out, uint64_t *end, uint64_t *seq, uint64_t *records,
                                   struct file *f, const char *real, uint64_t base_seq)
{
	const struct numbering__file_io *io = numbering__file_sys();
	*fd_out = -1;
	*tmp_out = NULL;
	int fd = -1;
	char *tmp = NULL;
	int made = numbering__file_temp_create(&fd, &tmp, real, ".compact");
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
	/* Shared, as every process holding the store holds it (file.c, open_shared): an
	 * exclusive holder (fsck --repair, an older libnumbering) cannot take it. */
	int rc = flock(fd, LOCK_SH | LOCK_NB) == 0 ? NUMBERING_OK : numbering__file_io_error("lock", tmp);
	if (rc == NUMBERING_OK && buf_reserve(&s.chunk, 256) != 0)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory compacting");
	if (rc == NUMBERING_OK) {
		s.chunk.data[0] = RECORD_SNAPSHOT;
		s.chunk.len = 1;
		/* The records, gathered, then sorted by number. */
		rc = numbering__file_records_gather(&s, f);
		if (rc == NUMBERING_OK)
			rc = snapshot_sorted(&s, f->progress, f->progress_payload);
		if (rc == NUMBERING_OK)
			rc = snapshot_flush(&s);
		else if (s.rc != NUMBERING_OK)
			rc = s.rc;
	}
	/* The header last: it says where the snapshot ends, how many records and instances
	 * it holds, and that it is durable (the file is synced before it is renamed in). */
	if (rc == NUMBERING_OK) {
		numbering__file_header_make(h, NUMBERING_FILE_FORMAT_VERSION, base_seq,
		                            s.puts, s.end, s.records);
		if (numbering__file_write_all(io, fd, h, HEADER_SIZE_V2, 0) != 0)
			rc = numbering__file_io_error("write", tmp);
	}
	if (rc == NUMBERING_OK && io->fdatasync(fd) != 0)
		rc = numbering__file_io_error("sync", tmp);
	if (f->progress != NULL)
		f->progress("compact", (int64_t)s.puts, (int64_t)s.puts, f->progress_payload);
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

/* The automatic compaction, with f->lock held and no transaction open. The write that
 * triggered it has succeeded: a failure is reported to the diagnostic callback. */
void numbering__file_compact_if_due_locked(struct file *f)
{
	if (!wants_compaction(f))
		return;
	/* The writers' lock, without waiting (the next write tries again), and only over a
	 * state that holds every commit: after another process's, its writer compacts. */
	if (numbering__file_xlock(f, 0) != NUMBERING_OK) {
		numbering_error_clear();
		return;
	}
	if (f->changes != NULL && atomic_load(f->changes) != atomic_load(&f->seen)) {
		numbering__file_xunlock(f);
		return;
	}
	int rc = numbering__file_compact_locked(f);
	numbering__file_xunlock(f);
	if (rc != NUMBERING_OK) {
		/* A full disk, say: try again once the file has grown by an eighth. */
		f->next_compact_check = f->end + f->end / 8;
		numbering__file_diagnose(f, "store %s: automatic compaction failed: %s", f->path, numbering_error_message());
	}
	numbering_error_clear();
}

/* Compaction, with f->lock held and no transaction open. */
int numbering__file_compact_locked(struct file *f)
{
	const struct numbering__file_io *io = numbering__file_sys();
	if (f->broken)
		return numbering__file_broken_error(f);
	while (f->syncing)
		pthread_cond_wait(&f->cond, &f->lock);
	/* Only the store's own name is ever replaced: if it no longer names the file this
	 * backend holds (moved, replaced, turned into a symlink), refuse. */
	if (!numbering__file_same_file(f->fd, f->real))
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "file backend: store %s: %s is no longer the file this backend has open (it was "
		                            "moved or replaced); not compacting, reopen the store",
		                            f->path, f->real);
	int fd = -1;
	char *tmp = NULL;
	uint64_t end = 0, seq = 0, records = 0, before = f->end;
	int64_t started = numbering__log_clock();
	int rc = numbering__file_snapshot_write(&fd, &tmp, &end, &seq, &records, f, f->real, f->seq);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__file_keep_mode(fd, f->fd);
	uint8_t crc[4];
	struct numbering__shx *replaced = NULL;
	if (!numbering__file_same_file(f->fd, f->real))
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                          "file backend: store %s: %s was moved or replaced during the compaction; not "
		                          "compacting, reopen the store",
		                          f->path, f->real);
	else if (numbering__file_read_all(io, fd, crc, 4, 60) != 0)
		rc = numbering__file_io_error("read the header of the compacted file of", f->path);
	if (rc == NUMBERING_OK &&
	    numbering__file_shx_build_for_compaction(f, fd, end, seq, get32(crc), &replaced) != NUMBERING_OK) {
		/* Only the readers' index: made after the rename instead, as a writer would. */
		numbering__file_diagnose(f, "store %s: could not index the compacted file before renaming it: %s", f->path,
		                         numbering_error_message());
		numbering_error_clear();
	}
	if (rc == NUMBERING_OK && io->rename(tmp, f->real) != 0)
		rc = numbering__file_io_error("rename the compacted file over", f->path);
	if (replaced != NULL)
		numbering__file_shx_retire_replaced(replaced);
	if (rc != NUMBERING_OK) {
		io->close(fd);
		io->unlink(tmp);
		numbering__free_mem(tmp);
		/* An index of the file just unlinked may be in place: made again of the store
		 * (a check only, when none was made). */
		numbering__file_shx_prepare(f);
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
	/* A file of the current version, durable to its end (both slots); every byte after the
	 * header is a record header, a type byte or a live operation. */
	f->format_version = NUMBERING_FILE_FORMAT_VERSION;
	f->slot_gen = 2;
	f->live = end - HEADER_SIZE_V2 - records * (RECORD_HEADER + 1);
	f->next_compact_check = 0;
	f->header_crc = get32(crc);
	numbering__file_shx_log_changed(f);
	/* The new file's index is in place already (checked, and made now if it is not),
	 * before readers are told. */
	numbering__file_shx_prepare(f);
	numbering__file_publish(f); /* readers of other processes follow to the new file */
	if (numbering__file_fsync_dir(io, f->dir) != 0) {
		/* Until the rename is durable, acknowledging writes to the new file could lose
		 * them: the next commit syncs the directory first. */
		f->dir_pending = 1;
		return numbering__file_io_error("sync the directory of", f->path);
	}
	f->dir_pending = 0;
	numbering__log_compacted(&f->log, f->path, (int64_t)before, (int64_t)end, (int64_t)records, started);
	return NUMBERING_OK;
}
