/*
 * Subscriptions (numbering/billing.h): every number a project acquired (a purchase, a
 * Sinch rent, later a Voximplant attach) renews each paymentIntervalMonths until it is
 * released or cancelled. numbering_store_run_billing() charges the due ones; the
 * functions here are for the operations that acquire and release numbers. Each runs
 * inside the caller's write lock and transaction.
 *
 * Record SUBSCRIPTION (docs/RECORDS.md): name "{project}/subscriptions/{instance id}",
 * parent the project, sort key its start time, expires when something is next due for
 * it (the next charge date while it renews; 0 once released or cancelled).
 */
#ifndef NUMBERING_SERVICE_SUBSCRIPTION_H
#define NUMBERING_SERVICE_SUBSCRIPTION_H

#include <stdint.h>

#include "model/fields.h"
#include "service/service.h"

/* "{project}/subscriptions/{id}", NUL. */
#define NUMBERING__SUBSCRIPTION_NAME_SIZE NUMBERING__NAME_SIZE

/* What a new subscription is. */
struct numbering__subscription_in {
	const char *instance;          /* the acquired instance's name */
	const char *purchase;          /* the purchase that paid the first period, or NULL */
	struct numbering__money price; /* per interval: the monthly price; currency "" = free */
	int interval_months;           /* paymentIntervalMonths, 1 .. 120 */
	int64_t start;                 /* the acquisition time; the first period is paid */
	/* 0, or the length of the project that starts @instance when the library has just
	 * made both names (an acquisition: "{project}/phoneNumberInstances/{id}" and its
	 * purchase's) and @price is an available number's, read from its record: none is
	 * parsed or checked again (~850 instructions a purchase). */
	size_t made_project_len;
};

/* The subscription name of the instance named @instance. */
int numbering__subscription_name(char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], const char *instance);

/* Writes the subscription of a number just acquired (inside a transaction): active,
 * autoCharge on, next charge date start + interval months (clamped to the month's
 * last day), into *next_charge when not NULL. */
int numbering__subscription_start(numbering_store *store, const struct numbering__subscription_in *s,
                                  int64_t *next_charge);

/* The number of @instance was released (Sinch ReleaseNumber): it is not renewed and
 * ends at @expire_time. NUMBERING_OK when the instance has no subscription. */
int numbering__subscription_release(numbering_store *store, const char *instance, int64_t expire_time);

/* The number of @instance is gone (its release took effect, or its purchase failed):
 * the subscription is cancelled. NUMBERING_OK when it has none. */
int numbering__subscription_end(numbering_store *store, const char *instance);

#endif
