/* The temporary directories of the tests that write files: removed with the files a
 * test left in them (one level: no test makes a directory inside one). */
#ifndef NUMBERING_TEST_TEMP_DIR_H
#define NUMBERING_TEST_TEMP_DIR_H

#include <stddef.h>

/* Where the tests' files go: $TMPDIR, or /tmp when it is unset or empty (as mkstemp(3)
 * users and POSIX's sh expect). Never a hard-coded /tmp: a host whose /tmp is small,
 * shared or read-only sets TMPDIR. */
const char *temp_dir_base(void);

/* Room for a temporary file's or directory's path with a $TMPDIR of up to ~200 bytes
 * (a CI job's nested directories), and what a test appends to it. */
#define TEMP_PATH_MAX 256

/* "@base/numbering-@tag-XXXXXX" (temp_dir_base()) into @out, for mkdtemp() or
 * mkstemp(); -1 when it does not fit in @size bytes (a long $TMPDIR), else 0. */
int temp_dir_template(char *out, size_t size, const char *tag);

/* A new directory "@base/numbering-@tag-XXXXXX" (mkdtemp) named in @out: 0, or -1 with
 * errno set (ENAMETOOLONG when the name does not fit in @size bytes). */
int temp_dir_make(char *out, size_t size, const char *tag);

/* Removes every entry of @dir, then @dir; nothing when @dir is empty or missing. */
void temp_dir_remove(const char *dir);

#endif
