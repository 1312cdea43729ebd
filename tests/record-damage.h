/*
 * Damaged records in tests (tests/record-damage.c): a stored record's body cut at
 * every length and each of its bits flipped, read by its kind's check.
 */
#ifndef NUMBERING_TESTS_RECORD_DAMAGE_H
#define NUMBERING_TESTS_RECORD_DAMAGE_H

#include <numbering/sys/record.h>

/* Checks that @record (as a store wrote it) reads whole by its kind's check, then that
 * every copy of its body cut at each length, and the whole body with each bit flipped,
 * reads whole or as NUMBERING_DATA_LOSS and nothing else. Each copy sits in a buffer of
 * exactly its size, so ASan sees an overread. Fails the test otherwise; returns how
 * many copies it checked. */
int record_damage_check_all(const numbering_record *record);

/* What record_damage_visit counts. */
struct record_damage {
	int records; /* records visited */
	int cases;   /* copies checked */
};

/* A record visitor (numbering_record_visit_cb; @payload a struct record_damage): runs
 * record_damage_check_all on @record and counts. Returns 0: go on. */
int record_damage_visit(const numbering_record *record, void *payload);

#endif
