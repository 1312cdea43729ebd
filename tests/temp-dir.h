/* The temporary directories of the tests that write files: removed with the files a
 * test left in them (one level: no test makes a directory inside one). */
#ifndef NUMBERING_TEST_TEMP_DIR_H
#define NUMBERING_TEST_TEMP_DIR_H

/* Removes every entry of @dir, then @dir; nothing when @dir is empty or missing. */
void temp_dir_remove(const char *dir);

#endif
