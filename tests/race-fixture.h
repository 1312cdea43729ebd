/*
 * Two processes on one file store (tests/race-fixture.c): store A, whose clock runs a
 * write on store B at its n-th reading, so that B commits between A's taking a time
 * (or reading a record) and A's transaction. Both clocks stand still at one time.
 */
#ifndef NUMBERING_TESTS_RACE_FIXTURE_H
#define NUMBERING_TESTS_RACE_FIXTURE_H

#include <numbering/numbering.h>

#include "temp-dir.h"

struct race {
	numbering_store *a, *b;
	int64_t now;   /* both clocks read it (from FIXTURE_EPOCH) */
	int fire_at;   /* A's reading that runs fire (0: none) */
	int reading;   /* A's readings since fire_at was set */
	/* What B does meanwhile: its outcome is not checked (a test reads the store after). */
	void (*fire)(numbering_store *b, void *payload);
	void *payload;
	char path[TEMP_PATH_MAX];
};

/* Opens @r->a on a new file store named after @tag and @r->b on the same file (as
 * fixture_open_racer: B never waits for A's transaction). @r->fire and @r->payload are
 * the caller's to set; fire_at starts 0. */
void race_open(struct race *r, const char *tag);

/* Makes A's @n-th clock reading from now on run fire on B (0: none). */
void race_fire_at(struct race *r, int n);

/* Closes A and B, and opens the file again as fixture_open_file does: the store to read
 * what both did (the caller's to close, then race_remove). */
numbering_store *race_close(struct race *r);

/* Removes the file store and its lock file. */
void race_remove(struct race *r);

#endif
