/*
 * An available number of the inventory (numbering/inventory.h), and its record.
 *
 * The record (kind AVAILABLE, docs/RECORDS.md):
 *   name      "availableNumbers/+" and a number of the interval's digit count, at most
 *             its first: the first number the record held when it was stored. A block
 *             keeps its name when its first numbers are taken (renting a block's first
 *             number is one put replacing the record); a new record is named by its
 *             first, and a block still named by that number moves to its own first's
 *             name (service/inventory.c).
 *   parent    region code "/" type name ("US/LOCAL"): a search walks one parent
 *   sort key  the numbers' order: digits * 10^16 + first (ascending = number order)
 *   interval  the numbers, flagged NUMBERING_RECORD_NUMBERS (exclusive with instances)
 *   flags     LISTED unless the numbers are held for someone
 *   body      the attributes of model/available-fields.h, encoded as model/fields.h says
 */
#ifndef NUMBERING_MODEL_AVAILABLE_H
#define NUMBERING_MODEL_AVAILABLE_H

#include <stddef.h>
#include <stdint.h>

#include "model/available-fields.h"
#include "model/fields.h"
#include "model/record.h"
#include "numbering/e164.h"
#include "numbering/inventory.h"

struct numbering_available_number {
	uint64_t first, last; /* the numbers; digits == 0 when unset */
	uint64_t named;       /* the number of the record's name: <= first, same digits */
	uint8_t digits;
	uint8_t type;   /* numbering_number_type */
	uint8_t listed; /* not held for anyone */
	char region_code[3];
	char phone_number[NUMBERING_RECORD_DIGITS_MAX + 2]; /* "+" and the first number's digits */
	NUMBERING__FIELDS_MEMBERS(NUMBERING__AVAILABLE_FIELDS)
};

/* The attribute table of an available number. */
extern const struct numbering__fields numbering__available_fields;

/* "availableNumbers/+" and 16 digits, NUL. */
#define NUMBERING__AVAILABLE_NAME_SIZE 40
/* "XX/" and the longest type name, NUL. */
#define NUMBERING__AVAILABLE_PARENT_SIZE 24

/* The sort key of numbers of @digits digits starting at @first. */
static inline int64_t numbering__number_order(int digits, uint64_t first)
{
	return (int64_t)((uint64_t)digits * 10000000000000000ULL + first);
}

/* Empties @n (frees its text) and sets the defaults, keeping the object. */
void numbering__available_clear(numbering_available_number *n);

/* Frees @n's text and nothing else: its text pointers are left dangling, for memory
 * about to be freed or overwritten whole. */
void numbering__available_free_text(numbering_available_number *n);

/* Copies @src into @dst (cleared first). */
int numbering__available_assign(numbering_available_number *dst, const numbering_available_number *src);

/* Copies @src into @dst, whose memory holds nothing to free (never cleared or
 * initialized): its text is duplicated. On failure @dst is cleared. */
int numbering__available_copy(numbering_available_number *dst, const numbering_available_number *src);

/* Sets @n's numbers to @first .. @last of @digits digits (and phone_number), and its
 * name to @first's: a new record's. */
void numbering__available_set_interval(numbering_available_number *n, int digits, uint64_t first, uint64_t last);

/* "availableNumbers/+..." for the number @number of @digits digits (a record's name is
 * that of its member named). */
void numbering__available_name(char name[NUMBERING__AVAILABLE_NAME_SIZE], int digits, uint64_t number);

/* "US/LOCAL"; NUMBERING_INVALID_ARGUMENT naming "regionCode" or "type" when either is
 * missing or unknown. */
int numbering__available_parent(char parent[NUMBERING__AVAILABLE_PARENT_SIZE], const char *region_code, int type);

/*
 * Checks that @n may be stored (numbers, region code, type): NUMBERING_INVALID_ARGUMENT
 * naming @path "." the field ("availableNumbers[2].type").
 */
int numbering__available_check(const numbering_available_number *n, const char *path);

/* The record of @n into @out, its strings in @name, @parent and @body (which must
 * outlive the record's use). The caller checked @n. */
int numbering__available_to_record(numbering_record *out, char name[NUMBERING__AVAILABLE_NAME_SIZE],
                                   char parent[NUMBERING__AVAILABLE_PARENT_SIZE], struct numbering__buf *body,
                                   const numbering_available_number *n);

/* Fills @out (cleared first) from an AVAILABLE record; NUMBERING_DATA_LOSS naming what
 * is damaged. */
int numbering__available_from_record(numbering_available_number *out, const numbering_record *record);

/*
 * A reader of many AVAILABLE records into one object (a search's): a record whose
 * parent and body bytes are those of the record read before keeps the attributes
 * already decoded, and only its header (name, numbers, flags) is read and checked.
 * Set @out and zero the rest before the first read; @out is the caller's to clear.
 */
struct numbering__available_reader {
	numbering_available_number *out;
	int has; /* parent and body hold the last record read whole */
	size_t body_len;
	char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	uint8_t body[64];
};

/* Reads @record into @reader->out, as numbering__available_from_record(). */
int numbering__available_read(struct numbering__available_reader *reader, const numbering_record *record);

/* The kind's body check (model/kinds.h). */
int numbering__available_record_check(const numbering_record *record);

#endif
