/*
 * Planting old stored bytes in tests (tests/record-plant.c): records rewritten through
 * a backend so that each occurrence of one text becomes another of the same length, as
 * a library from before a write check (a credential in a URL) would have stored them.
 * No Check: tests/outbox-setup.c, a program of its own, plants with it too.
 */
#ifndef NUMBERING_TESTS_RECORD_PLANT_H
#define NUMBERING_TESTS_RECORD_PLANT_H

#include <stddef.h>
#include <stdint.h>

#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#define RECORD_PLANT_MAX 64

/* What record_plant_visit gathers: the encoded copies of the records holding @from,
 * with @to written over each occurrence. Start it with RECORD_PLANT_INIT(from, to). */
struct record_plant {
	const char *from, *to;
	uint8_t *copies[RECORD_PLANT_MAX];
	size_t lens[RECORD_PLANT_MAX];
	int count;
	int rc; /* the first encode that failed, else NUMBERING_OK */
};
#define RECORD_PLANT_INIT(from, to) {(from), (to), {NULL}, {0}, 0, 0}

/* A record visitor (@payload a struct record_plant): keeps a rewritten copy of @record
 * when it holds @from (up to RECORD_PLANT_MAX of them). Returns 0: go on. */
int record_plant_visit(const numbering_record *record, void *payload);

/* Puts the gathered copies through @backend in one transaction and frees them: the
 * first failure's code (the rest not tried), else NUMBERING_OK. */
int record_plant_write(numbering_backend *backend, struct record_plant *plant);

/* Copies each record of @kind under @parent whose bytes hold @from through @backend,
 * @to (as long) written over each occurrence: with @from a record's id, the same
 * record under another name and of the same sort key, as two processes could write two
 * of one time before a write took its time inside its transaction. The first
 * failure's code, NUMBERING_NOT_FOUND when no record holds @from. */
int record_plant_copy(numbering_backend *backend, int kind, const char *parent, const char *from, const char *to);

#endif
