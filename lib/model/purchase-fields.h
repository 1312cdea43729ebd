/*
 * The one list of a phone number purchase's attributes (the PHONE_NUMBER_PURCHASE
 * record, service/purchase.c): the schema seed's PhoneNumberPurchase, besides its id
 * and name, which the record's name holds. X(id, type, json, limit, dflt) as
 * model/fields.h; append only: a row's position is its presence bit in every stored
 * body.
 *
 *  status      NUMBERING_PURCHASE_PENDING (1, the default) .. NUMBERING_PURCHASE_CANCELLED
 *  numberType  a numbering_number_type
 *  charged     what was charged (chargedCredits: its minor units); unset: nothing
 *  cost        what the number costs (numbering__acquisition_cost()): reserved on the
 *              account while the purchase is PROCESSING; unset for a free number
 *  instance    the name of the instance the purchase made (none for one that failed
 *              at once: the number stayed in the inventory)
 *  metadata    a JSON object's compact text
 *  times       ns since the epoch (the JSON shows Unix ms)
 */
#ifndef NUMBERING_MODEL_PURCHASE_FIELDS_H
#define NUMBERING_MODEL_PURCHASE_FIELDS_H

/* clang-format off */
#define NUMBERING__PURCHASE_FIELDS(X)                                        \
	X(friendly_name,  TEXT,  "friendlyName",  400,           0)              \
	X(phone_number,   TEXT,  "phoneNumber",   17,            0)              \
	X(country_code,   TEXT,  "countryCode",   2,             0)              \
	X(status,         INT,   "status",        5,             1)              \
	X(number_type,    INT,   "numberType",    5,             1)              \
	X(status_details, TEXT,  "statusDetails", 1024,          0)              \
	X(charged,        MONEY, "charged",       INT64_MAX / 2, 0)              \
	X(cost,           MONEY, "cost",          INT64_MAX / 2, 0)              \
	X(completed_at,   TIME,  "completedAt",   0,             0)              \
	X(metadata,       TEXT,  "metadata",      65536,         0)              \
	X(create_time,    TIME,  "createdAt",     0,             0)              \
	X(update_time,    TIME,  "updatedAt",     0,             0)              \
	X(instance,       TEXT,  "instance",      512,           0)
/* clang-format on */

#endif
