/*
 * Billing accounts and their ledger (numbering/billing.h), for the operations that
 * charge: purchases, renewals, rents. Every function here runs inside the caller's
 * write lock; the ones that write run inside the caller's transaction
 * (numbering__begin() .. numbering__commit()), so a charge and what it pays for are
 * one atomic step.
 *
 * Records (docs/RECORDS.md):
 *   BILLING_ACCOUNT  name "{project}/billingAccount", parent the project, sort key
 *                    0; the account below (its body: model/billing-fields.h)
 *   BILLING_ENTRY    name "{project}/billingEntries/{n}" (n = 1, 2, ... per project,
 *                    never reused), parent the project, sort key n (newest first is
 *                    descending), key 0 the charge key (NULL for none); the entry
 *   REQUEST          a charge key's: name "projects/" "*" "/{p}/requests/#{charge key}"
 *                    (the project's request-id scope, service/request-id.h; a request
 *                    id has no '#'), put with its entry, so that whether the ledger
 *                    holds a key is one get, not a walk of the ledger
 */
#ifndef NUMBERING_SERVICE_BILLING_H
#define NUMBERING_SERVICE_BILLING_H

#include <stddef.h>
#include <stdint.h>

#include "service/service.h"

/* "{project}/billingEntries/" and 20 digits, NUL. */
#define NUMBERING__ENTRY_NAME_SIZE (NUMBERING__PROJECT_SIZE + 40)
/* "insufficient balance: needed ... available ..." */
#define NUMBERING__BILLING_DETAILS_SIZE 160

/* A project's billing account as read under the write lock. */
struct numbering__account {
	char project[NUMBERING__PROJECT_SIZE]; /* "projects/p" */
	char currency[4]; /* "" until the first entry fixes it (shown as "USD") */
	int64_t balance;  /* minor units; the sum of every entry */
	int64_t reserved; /* minor units held for PROCESSING purchases, 0 .. */
	int64_t entries;  /* entries written: the next is entries + 1 */
};

/* What one ledger entry says. */
struct numbering__entry_in {
	const char *currency;   /* the amount's: the account's, or any when it has no entry yet */
	int64_t amount;         /* signed minor units: a charge is negative */
	int from_reserve;       /* the charge is paid out of the reserve: reserved -= -amount too */
	const char *reason;     /* "purchase", "renewal", "top-up" ... : 1 .. 256 bytes of text */
	const char *resource;   /* the purchase or subscription it is for ("" for a top-up) */
	const char *charge_key; /* NULL, or unique in the ledger: "{subscription}#{period}" */
	int64_t time;           /* a store time (numbering__next_time()) */
};

/* The account of @project ("projects/p") into @a: an account never written reads
 * as currency "", balance, reserved and entries 0. NUMBERING_DATA_LOSS for a damaged
 * record. */
int numbering__account_load(struct numbering__account *a, numbering_store *store, const char *project);

/* FAILED_PRECONDITION naming @field when @currency is not the account's (an account
 * without entries takes any currency). */
int numbering__account_check_currency(const struct numbering__account *a, const char *currency, const char *field);

/* 1 when the account cannot pay @needed of @currency out of balance - reserved, with
 * "insufficient balance: needed USD 3.00, available USD 1.00" in @details; 0 otherwise. */
int numbering__account_short(const struct numbering__account *a, const char *currency, int64_t needed, char *details,
                             size_t size);

/* Appends the entry @e and puts the updated account (inside a transaction); the
 * entry's name goes to @name (NUMBERING__ENTRY_NAME_SIZE bytes, may be NULL).
 * FAILED_PRECONDITION for another currency; ALREADY_EXISTS for a charge key already
 * in the ledger; OUT_OF_RANGE when the balance would leave int64. */
int numbering__account_post(numbering_store *store, struct numbering__account *a, const struct numbering__entry_in *e,
                            char *name);

/* numbering__account_post() without putting the account: *a holds what it is now, and
 * the caller puts it with numbering__account_put() before the transaction commits
 * (several entries of one account, one account write: the billing run). */
int numbering__account_append(numbering_store *store, struct numbering__account *a,
                              const struct numbering__entry_in *e, char *name);

/* Puts the account @a (inside a transaction). */
int numbering__account_put(numbering_store *store, const struct numbering__account *a);

/* numbering__account_reserve() without putting the account (same errors): for a
 * reserve that an entry paid out of it follows in the same transaction, which puts
 * the account once for both. */
int numbering__account_hold(struct numbering__account *a, const char *currency, int64_t amount);

/* Holds @amount (>= 0) of @currency for a purchase: FAILED_PRECONDITION with the
 * details above when the account cannot pay it. Puts the account (inside a
 * transaction). */
int numbering__account_reserve(numbering_store *store, struct numbering__account *a, const char *currency,
                               int64_t amount);

/* Gives back @amount of the reserve (a purchase failed or was cancelled); puts the
 * account (inside a transaction). */
int numbering__account_unreserve(numbering_store *store, struct numbering__account *a, int64_t amount);

/* Whether the ledger of @project holds an entry with @charge_key: *found 1 or 0 (one
 * get of the key's REQUEST record). */
int numbering__account_charged(numbering_store *store, const char *project, const char *charge_key, int *found);

#endif
