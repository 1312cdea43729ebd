/*
 * The one list of a reservation's attributes (the RESERVATION record,
 * service/reservation.c; docs/RECORDS.md). X(id, type, json, limit, dflt) as
 * model/fields.h; append only: a row's position is its presence bit in every stored body.
 *
 *  phone_numbers  the numbers the reservation took, E.164 with '+', comma-separated,
 *                 in the order they were reserved (at most NUMBERING_RESERVATION_MAX
 *                 of them: 100 x 17 bytes)
 *  create_time    when it was made (also the record's sort key)
 *  expire_time    when its numbers return to stock (also the record's expiry key)
 */
#ifndef NUMBERING_MODEL_RESERVATION_FIELDS_H
#define NUMBERING_MODEL_RESERVATION_FIELDS_H

/* clang-format off */
#define NUMBERING__RESERVATION_FIELDS(X)                               \
	X(phone_numbers, TEXT, "phoneNumbers",    1800,           0)      \
	X(create_time,   TIME, "createTime",      0,              0)      \
	X(expire_time,   TIME, "expireTime",      0,              0)
/* clang-format on */

#endif
