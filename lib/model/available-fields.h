/*
 * The one list of an available number's attributes (model/available.h), besides its
 * numbers, region code and type, which are the record's keys. It expands into the
 * struct members and the descriptor table (model/fields.h) that drive clearing and
 * copying, the by-name accessors of numbering/inventory.h, the record body and JSON
 * in and out, so adding an attribute is one row here.
 *
 * X(id, type, json, limit, dflt): see model/fields.h for the types.
 *  id     the struct member
 *  json   the attribute's JSON name (the seeds' camelCase), also its name in the C API
 *  limit  TEXT: the most bytes; INT: the largest value; MONEY: the most minor units;
 *         CAPS: the flags allowed
 *  dflt   INT: the value of an unset attribute, and the least allowed
 *
 * Append only: a row's position is its presence bit in every stored body.
 */
#ifndef NUMBERING_MODEL_AVAILABLE_FIELDS_H
#define NUMBERING_MODEL_AVAILABLE_FIELDS_H

/* clang-format off */
#define NUMBERING__AVAILABLE_FIELDS(X)                                                            \
	X(capabilities,                      CAPS,  "capability",                      7,             0) \
	X(setup_price,                       MONEY, "setupPrice",                      INT64_MAX / 2, 0) \
	X(monthly_price,                     MONEY, "monthlyPrice",                    INT64_MAX / 2, 0) \
	X(payment_interval_months,           INT,   "paymentIntervalMonths",           120,           1) \
	X(supporting_documentation_required, BOOL,  "supportingDocumentationRequired", 1,             0) \
	X(lata,                              TEXT,  "lata",                            16,            0) \
	X(rate_center,                       TEXT,  "rateCenter",                      256,           0) \
	X(region,                            TEXT,  "region",                          256,           0) \
	X(postal_code,                       TEXT,  "postalCode",                      32,            0) \
	X(beta,                              BOOL,  "beta",                            1,             0) \
	X(friendly_name,                     TEXT,  "friendlyName",                    400,           0) \
	X(category_name,                     TEXT,  "categoryName",                    256,           0) \
	X(region_id,                         INT,   "regionId",                        INT64_MAX / 2, 0) \
	X(region_name,                       TEXT,  "regionName",                      256,           0) \
	X(reservation,                       TEXT,  "reservation",                     128,           0) \
	X(sandbox,                           BOOL,  "sandbox",                         1,             0)
/* clang-format on */

#endif
