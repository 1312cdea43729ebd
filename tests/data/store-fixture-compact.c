/*
 * Compacts a file store: what tests/data/make-store-fixtures.sh runs between the two
 * parts of its scenario, so that a fixture holds a snapshot and log records after it.
 * Built against the libnumbering whose format the fixture records (numberctl cannot
 * ask for a compaction).
 */
#include <stdio.h>

#include "numbering/numbering.h"
#include "numbering/sys/backend.h"
#include "numbering/sys/file.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s STORE\n", argv[0]);
		return 2;
	}
	numbering_backend *backend = NULL;
	int rc = numbering_file_backend_new(&backend, argv[1], NULL);
	if (rc == NUMBERING_OK)
		rc = backend->control(backend, NUMBERING_FILE_CONTROL_COMPACT, NULL);
	if (rc != NUMBERING_OK)
		fprintf(stderr, "%s: %s\n", argv[1], numbering_error_message());
	if (backend != NULL)
		backend->free(backend);
	return rc == NUMBERING_OK ? 0 : 1;
}
