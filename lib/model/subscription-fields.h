/*
 * The one list of a subscription's attributes (the SUBSCRIPTION record,
 * service/subscription.c). X(id, type, json, limit, dflt) as model/fields.h; append
 * only: a row's position is its presence bit in every stored body.
 *
 *   state            1 active, 2 deactivated, 3 cancelled (NUMBERING_SUBSCRIPTION_*)
 *   autoChargeOff    autoCharge is off (stored inverted: on is the default)
 *   monthlyPrice     the per-month fee; a period costs it x paymentIntervalMonths
 *   periodsPaid      periods paid so far, the first included: the next charge date is
 *                    startTime + periodsPaid x paymentIntervalMonths calendar months,
 *                    computed from the start each time so a clamped day (Jan 31 ->
 *                    Feb 28) does not drift (-> Mar 31)
 *   deactivateTime   when a missed payment deactivated it (0 when not deactivated)
 *   suspended        billing suspended its instance (and resumes it on reactivation)
 *   expireAt         a released number's end (it is no longer renewed)
 *   endTime          when it was cancelled
 *   dueBucket        bucket-managed (service/billing-due.h): periodsPaid is p0, the
 *                    periods paid when its item moved into a DUE bucket; the item holds
 *                    the periods paid now, and the record has no expiry key
 */
#ifndef NUMBERING_MODEL_SUBSCRIPTION_FIELDS_H
#define NUMBERING_MODEL_SUBSCRIPTION_FIELDS_H

/* clang-format off */
#define NUMBERING__SUBSCRIPTION_FIELDS(X)                                      \
	X(instance,          TEXT,  "instance",              512,           0)  \
	X(purchase,          TEXT,  "purchase",              512,           0)  \
	X(state,             INT,   "state",                 3,             1)  \
	X(auto_charge_off,   BOOL,  "autoChargeOff",         1,             0)  \
	X(price,             MONEY, "monthlyPrice",          INT64_MAX / 2, 0)  \
	X(interval_months,   INT,   "paymentIntervalMonths", 120,           1)  \
	X(start_time,        TIME,  "startTime",             0,             0)  \
	X(periods_paid,      INT,   "periodsPaid",           1000000,       1)  \
	X(deactivate_time,   TIME,  "deactivateTime",        0,             0)  \
	X(suspended,         BOOL,  "suspended",             1,             0)  \
	X(expire_time,       TIME,  "expireAt",              0,             0)  \
	X(end_time,          TIME,  "endTime",               0,             0)  \
	X(due_bucket,        BOOL,  "dueBucket",             1,             0)
/* clang-format on */

#endif
