/*
 * The backend test kit (numbering/sys/backend-test.h) over a file store, for the suites
 * kit_file (test-backend-file.c) and kit_file_shared (test-shared-readers.c): each test
 * on a new store in a new temporary directory (removed by the next test and at exit);
 * sync OFF, as the kit tests what is stored and a reopen reads what the process wrote
 * (the crash tests test what is synced); compactions from 64 KiB, so that they happen
 * under the kit's writes. Its reopen closes the file and replays it; its second handle
 * opens the same file as another process would, so the kit's race of two writers runs
 * on the live store.
 */
#ifndef NUMBERING_TEST_KIT_FILE_H
#define NUMBERING_TEST_KIT_FILE_H

#include <numbering/sys/backend-test.h>

/* Sets @target's open, reopen and open_second; @shared_index: the stores keep the
 * shared index PATH.idx (numbering_file_options.shared_index). */
void kit_file_target(numbering_backend_test_target *target, int shared_index);

/* The store file of the running test. */
const char *kit_file_path(void);

#endif
