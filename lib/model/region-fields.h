/*
 * The attribute list of a catalogue region record (PHONE_REGION, kind 18:
 * service/catalogue-regions.c; docs/RECORDS.md). X(id, type, json, limit, dflt) as
 * model/fields.h; append only: a row's position is its presence bit in every stored body.
 *
 *  category_name   the inventory's categoryName (never absent)
 *  state           the inventory's region (country_state), absent when none
 *  region_id       regionId
 *  region_name     regionName, absent when none
 *  region_code     the phone prefix of the region's numbers as the import that wrote
 *                  the record brought them (after the calling code; digits only)
 *  months          paymentIntervalMonths
 *  documents       supportingDocumentationRequired
 *  sandbox         sandbox
 */
#ifndef NUMBERING_MODEL_REGION_FIELDS_H
#define NUMBERING_MODEL_REGION_FIELDS_H

/* clang-format off */
#define NUMBERING__REGION_FIELDS(X)                                              \
	X(category_name, TEXT, "categoryName",                    256,           0) \
	X(state,         TEXT, "region",                          256,           0) \
	X(region_id,     INT,  "regionId",                        INT64_MAX / 2, 0) \
	X(region_name,   TEXT, "regionName",                      256,           0) \
	X(region_code,   TEXT, "regionCode",                      19,            0) \
	X(months,        INT,  "paymentIntervalMonths",           120,           1) \
	X(documents,     BOOL, "supportingDocumentationRequired", 1,             0) \
	X(sandbox,       BOOL, "sandbox",                         1,             0)
/* clang-format on */

#endif
