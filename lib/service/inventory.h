/* The inventory's shared internals: search and taking numbers out (inventory.c), for
 * renting (rent.c). */
#ifndef NUMBERING_SERVICE_INVENTORY_H
#define NUMBERING_SERVICE_INVENTORY_H

#include "model/available.h"
#include "service/service.h"

#define NUMBERING__SEARCH_SIZE_DEFAULT 10
#define NUMBERING__SEARCH_SIZE_MAX 1000

/* A checked search (numbering_available_query). */
struct numbering__search {
	char parent[NUMBERING__AVAILABLE_PARENT_SIZE]; /* "US/LOCAL" */
	int mode;                                      /* NUMBERING_SEARCH_* */
	int size;
	uint8_t capabilities;
	int has_intervals; /* START with a pattern: only these numbers */
	numbering_record_interval intervals[NUMBERING_RECORD_DIGITS_MAX];
	size_t interval_count;
	char pattern[16]; /* CONTAINS and END: the digits */
	size_t pattern_len;
};

/* Checks @query into @s: NUMBERING_INVALID_ARGUMENT naming the field. */
int numbering__search_prepare(struct numbering__search *s, const numbering_available_query *query);

/* Called for each matching number @x of @block, in number order; returns 0 to go on,
 * NUMBERING__VISIT_STOP to stop, or an error code. */
typedef int (*numbering__search_match_cb)(const numbering_available_number *block, uint64_t x, void *payload);

/* Runs a search (caller holds a lock). */
int numbering__search_run(numbering_store *store, const struct numbering__search *s, numbering__search_match_cb match,
                          void *payload);

/* The first number >= @from of @digits digits, <= @to, that the search's pattern
 * matches (its capabilities are not looked at); *found is 0 when none. */
uint64_t numbering__search_next(const struct numbering__search *s, int digits, uint64_t from, uint64_t to, int *found);

/* Puts @n's record (inside a transaction), under its name: a record read from the
 * store (numbering__inventory_find()) replaces itself. */
int numbering__inventory_put(numbering_store *store, const numbering_available_number *n);

/* Puts @n as a new record (inside a transaction), named by its first number (as
 * numbering__available_set_interval() sets it): a block still named by that number,
 * which kept its name when its first numbers were taken, moves to its own first's
 * name. NUMBERING_ALREADY_EXISTS when a record holds @n's first number. */
int numbering__inventory_add(numbering_store *store, const numbering_available_number *n);

/* Reads the available record holding a number of @first .. @last into @out:
 * NUMBERING_NOT_FOUND when no available number holds one (no error set). */
int numbering__inventory_find(numbering_available_number *out, numbering_store *store, int digits, uint64_t first,
                              uint64_t last);

/* Takes @first .. @last (inside @block, read by numbering__inventory_find()) out of the
 * inventory, inside a transaction: the rest of the block stays, as up to two records.
 * The part before @first, or else the part after @last, keeps the block's record and
 * name; a part after beside a part before is a new record. */
int numbering__inventory_take(numbering_store *store, numbering_available_number *block, uint64_t first, uint64_t last);

/* NUMBERING_ALREADY_EXISTS naming @field and the first number of @first .. @last held,
 * and by what (a put of them was refused); when none is held now, still
 * NUMBERING_ALREADY_EXISTS, saying so. Or the error of the look-up. */
int numbering__inventory_report_held(numbering_store *store, int digits, uint64_t first, uint64_t last,
                                     const char *field);

/* Whether @project ("projects/p") may rent or purchase the number of @n, read by
 * numbering__inventory_find(): it is listed, or held for @project by a reservation
 * (service/reservation.c). Callers run numbering_store_process_due() first, which ends
 * the reservations that expired, so a reservation still named is not expired. */
int numbering__available_usable(const numbering_available_number *n, const char *project);

/* One number "+..." into its digit count and value: NUMBERING_INVALID_ARGUMENT naming @field. */
int numbering__parse_one_number(int *digits, uint64_t *value, const char *phone_number, const char *field);

#endif
