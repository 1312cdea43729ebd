/*
 * An active number (numbering/active.h) and its record.
 *
 * The record (kind ACTIVE, docs/RECORDS.md) holds what the instance does not: the
 * configuration and billing dates of model/active-fields.h and, for a rented number,
 * the inventory attributes it returns with.
 *   name      "projects/{p}/activeNumbers/+" and the instance's first number
 *   parent    "projects/{p}"
 *   sort key  the number's order (model/available.h)
 *   expires   expireAt: a released number, due then (ORDER_EXPIRY finds it)
 *   body      a byte: 1 when the stock follows; [the stock: 2 letters of region code,
 *             a type byte, a varint length and its attribute body]; then the
 *             attributes of model/active-fields.h (model/fields.h)
 */
#ifndef NUMBERING_MODEL_ACTIVE_H
#define NUMBERING_MODEL_ACTIVE_H

#include "model/active-fields.h"
#include "model/available.h"
#include "model/fields.h"
#include "numbering/active.h"

/* "projects/" + 63 + "/activeNumbers/+" + 16 digits + NUL. */
#define NUMBERING__ACTIVE_NAME_SIZE 112

struct numbering__active_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__ACTIVE_FIELDS)
};

struct numbering_active_number {
	numbering_instance *instance;    /* the caller's copy */
	numbering_available_number stock; /* digits == 0: not rented from the inventory */
	int has_stock;
	struct numbering__active_fields a;
	char project_id[80]; /* NUMBERING__PROJECT_SIZE: the id of "projects/{id}" */
	/* What the last apply changed, to report (numbering_callback_event_type values). */
	int events[6];
	int event_count;
};

extern const struct numbering__fields numbering__active_fields;

/* "projects/p/activeNumbers/+1208..." for @project and the number. */
void numbering__active_name(char name[NUMBERING__ACTIVE_NAME_SIZE], const char *project, int digits, uint64_t first);

/* The record of @a (its instance set) into @out, its body in @body; @name is its name,
 * numbering__active_name() of @project and the instance's number (made once by an
 * acquisition, which names it earlier for its prefetch). */
int numbering__active_to_record(numbering_record *out, const char *name, struct numbering__buf *body,
                                const numbering_active_number *a, const char *project);

/* Reads an ACTIVE record's body into @a's stock and attributes (cleared first):
 * NUMBERING_DATA_LOSS naming what is damaged. */
int numbering__active_from_record(numbering_active_number *a, const numbering_record *record);

/* Clears @a's stock and attributes, keeping its instance. */
void numbering__active_clear(numbering_active_number *a);

/* The kind's body check (model/kinds.h). */
int numbering__active_record_check(const numbering_record *record);

#endif
