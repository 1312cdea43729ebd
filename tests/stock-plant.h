/*
 * Planting inventory records in tests (tests/stock-plant.c): what a store written
 * before an import check, or a host's backend, can hold and the import now refuses.
 */
#ifndef NUMBERING_TESTS_STOCK_PLANT_H
#define NUMBERING_TESTS_STOCK_PLANT_H
#include <stdint.h>

#include <numbering/numbering.h>

/* Gives the stored block holding @number (one number, "+12125551243") the @attribute
 * price (setupPrice, monthlyPrice) @currency @minor, written through the backend past
 * the import's checks: a number priced in two currencies, as a store written before the
 * import refused them (or a host's backend) can hold it. */
void stock_reprice(numbering_store *store, const char *number, const char *attribute, const char *currency,
                   int64_t minor);

#endif
