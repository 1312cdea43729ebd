/*
 * The one list of a PHONE record's attributes (kind 14, service/phone.c): Voximplant's
 * own state of one phone number instance, kept only while it has some (an absent
 * record reads as every default: unbound, no URL, no verification). X(id, type, json,
 * limit, dflt) as model/fields.h; append only: a row's position is its presence bit
 * in every stored body.
 *
 *   application_id         the application the number is bound to (0: none)
 *   rule_id                the rule of that application it is bound to (0: none)
 *   sms_url                incoming_sms_callback_url: where inbound SMS callbacks go
 *                          (unset: the account's general URL)
 *   verification_status    0 none, 1 REQUIRED, 2 IN_PROGRESS, 3 VERIFIED
 *   hold_until             unverified_hold_until: when an unverified number is cancelled
 *   verification_name      the name of the verification (the seed's verification_name)
 *   regulation_address_id  the regulation address it was attached with (0: none)
 */
#ifndef NUMBERING_MODEL_PHONE_FIELDS_H
#define NUMBERING_MODEL_PHONE_FIELDS_H

#include <stdint.h>

/* clang-format off */
#define NUMBERING__PHONE_FIELDS(X)                                                     \
	X(application_id,        INT,  "application_id",            INT64_MAX, 0)     \
	X(rule_id,               INT,  "rule_id",                   INT64_MAX, 0)     \
	X(sms_url,               TEXT, "incoming_sms_callback_url", 2048,      0)     \
	X(verification_status,   INT,  "verification_status",       3,         0)     \
	X(hold_until,            TIME, "unverified_hold_until",     0,         0)     \
	X(verification_name,     TEXT, "verification_name",         256,       0)     \
	X(regulation_address_id, INT,  "regulation_address_id",     INT64_MAX, 0)
/* clang-format on */

#endif
