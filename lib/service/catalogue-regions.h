/*
 * The catalogue's regions without stock (service/catalogue-regions.c): the
 * PHONE_REGION record (kind 18, docs/RECORDS.md) an import writes for each
 * (country, category, state, region id) it is the first to bring, kept when the
 * region's last number leaves the inventory, so GetPhoneNumberRegions with
 * omit_empty false still lists the region, with phone_count 0.
 */
#ifndef NUMBERING_SERVICE_CATALOGUE_REGIONS_H
#define NUMBERING_SERVICE_CATALOGUE_REGIONS_H

#include "model/available.h"
#include "service/service.h"

/* Writes the region record of every distinct region of @numbers that has none yet:
 * one get per distinct region (a small table of the request's regions), a put only for
 * a region never seen before. Inside the caller's transaction, under the write lock.
 * Numbers without a categoryName are in no catalogue and write nothing. */
int numbering__catalogue_regions_note(numbering_store *store, const numbering_available_number *const *numbers,
                                      int count);

/* Calls @visit for every region record of @country (under the caller's lock), with
 * @n holding the region's attributes (region_code, category_name, region, region_id,
 * region_name, payment_interval_months, supporting_documentation_required, sandbox;
 * no numbers, no prices) and @prefix its phone prefix as last imported. */
int numbering__catalogue_regions_list(numbering_store *store, const char *country,
                                      int (*visit)(const numbering_available_number *n, const char *prefix,
                                                   void *payload),
                                      void *payload);

#endif
