/*
 * Renting in tests (tests/rent-setup.c): the host's stock of priced numbers, imported as
 * ImportAvailableNumbers does, and the billing runs that renew what was rented, for the
 * suites about rents, subscriptions and renewals.
 */
#ifndef NUMBERING_TESTS_RENT_SETUP_H
#define NUMBERING_TESTS_RENT_SETUP_H
#include <stdint.h>

#include <numbering/numbering.h>

/* Imports @numbers (one number or a range, "+12085550100-09") as LOCAL numbers of the
 * region they dial (e.g. US) with @capability (NUMBERING_CAPABILITY_*), priced in USD:
 * @setup minor units once and @monthly a month (each left unset when 0), paid
 * @interval months at a time. Fails the test when refused. */
void stock_import_usd(numbering_store *store, const char *numbers, int capability, int64_t setup, int64_t monthly,
                      int interval);

/* A billing run (RunBilling) by the host; fails the test when it fails. */
numbering_billing_report billing_run(numbering_store *store);

/* Fails the test, naming every count, unless @r charged, deactivated, reactivated and
 * cancelled what is given. */
void billing_report_expect(numbering_billing_report r, int64_t charged, int64_t deactivated, int64_t reactivated,
                           int64_t cancelled);
#endif
