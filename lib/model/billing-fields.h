/*
 * The one list of a billing account's attributes (the BILLING_ACCOUNT record,
 * service/billing.c) and of a ledger entry's (BILLING_ENTRY).
 * X(id, type, json, limit, dflt) as model/fields.h; append only.
 *
 * Amounts are signed (SMONEY) within -INT64_MAX .. INT64_MAX minor units, so that
 * every amount can be negated; the reserve and the entry count are never negative.
 *
 * A BILLING_ENTRY record holds entries n .. n + k - 1 of one account (k >= 1): the
 * attributes above are entry n's, and "more" (absent when k is 1) the k - 1 others in
 * the compact form of service/billing.c (docs/RECORDS.md), which has no NUL byte but is
 * not text (NUMBERING__FIELD_TEXT_BYTES): the reader checks the texts inside it.
 */
/* The longest "more": what a record body holds. */
#define NUMBERING__BILLING_MORE_MAX (64 * 1024 * 1024)
#ifndef NUMBERING_MODEL_BILLING_FIELDS_H
#define NUMBERING_MODEL_BILLING_FIELDS_H

#include <stdint.h>

/* clang-format off */
#define NUMBERING__BILLING_ACCOUNT_FIELDS(X)                                    \
	X(balance,       SMONEY, "balance",       INT64_MAX,     0)              \
	X(reserved,      INT,    "reserved",      INT64_MAX,     0)              \
	X(entries,       INT,    "entries",       INT64_MAX,     0)

#define NUMBERING__BILLING_ENTRY_FIELDS(X)                                      \
	X(amount,        SMONEY, "amount",        INT64_MAX,     0)              \
	X(balance_after, SMONEY, "balanceAfter",  INT64_MAX,     0)              \
	X(reason,        TEXT,   "reason",        256,           0)              \
	X(resource,      TEXT,   "resource",      1024,          0)              \
	X(charge_key,    TEXT,   "chargeKey",     255,           0)              \
	X(time,          TIME,   "time",          0,             0)              \
	X(from_reserve,  BOOL,   "fromReserve",   1,             0)              \
	X(more,          TEXT,   "more",          NUMBERING__BILLING_MORE_MAX, NUMBERING__FIELD_TEXT_BYTES)
/* clang-format on */

#endif
