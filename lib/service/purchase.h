/*
 * Purchases (numbering/purchase.h): the schema seed's PhoneNumberPurchase, and what
 * every acquisition of a number costs (a purchase, a Sinch rent), kept in one place.
 */
#ifndef NUMBERING_SERVICE_PURCHASE_H
#define NUMBERING_SERVICE_PURCHASE_H

#include "model/available.h"
#include "model/fields.h"

/*
 * What acquiring a number of @n costs into @out: setupPrice + monthlyPrice x
 * paymentIntervalMonths (the first interval is paid in advance). A number without
 * prices costs nothing: currency "" and 0. NUMBERING_FAILED_PRECONDITION naming
 * "monthlyPrice" when the two prices are in different currencies;
 * NUMBERING_OUT_OF_RANGE when the sum leaves int64. Sets the error on failure.
 */
int numbering__acquisition_cost(struct numbering__money *out, const numbering_available_number *n);

#endif
