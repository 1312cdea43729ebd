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
 *                    descending); entries n .. n + k - 1 (k >= 1: the entries one
 *                    transaction appended, numbering__account_append()); key 0 the
 *                    charge key of a record of one entry (NULL for none, and for k > 1)
 * Stores written before the key index also hold a REQUEST record per charge key
 * ("projects/" "*" "/{p}/requests/#{charge key}"), no longer read.
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

/* The bytes of entries an account holds until it is put (numbering__account_append()):
 * ~50 a renewal; more are written as a record of their own before the next. */
#define NUMBERING__ACCOUNT_PENDING_MAX 1024

/* A project's billing account as read under the write lock. */
struct numbering__account {
	char project[NUMBERING__PROJECT_SIZE]; /* "projects/p" */
	char currency[4]; /* "" until the first entry fixes it (shown as "USD") */
	int64_t balance;  /* minor units; the sum of every entry */
	int64_t reserved; /* minor units held for PROCESSING purchases, 0 .. */
	int64_t entries;  /* entries written or pending: the next is entries + 1 */
	/* The stored account as numbering__account_load() read it or the last put wrote it:
	 * a put after another process changed it meanwhile is refused (put() in billing.c). */
	int64_t read_balance, read_reserved, read_entries;
	/* Entries appended and not yet written: entries - pending + 1 .. entries, in the
	 * record body's compact form (service/billing.c), the first of them against no
	 * previous entry; the balance after the first. Written as one BILLING_ENTRY record
	 * by every put of the account. */
	int64_t pending;
	int64_t pending_after;
	int64_t pending_time;              /* the last pending entry's time */
	uint32_t pending_len;              /* bytes in pending_body */
	uint32_t reason_at, reason_len;    /* the last pending entry's reason in pending_body */
	uint32_t resource_at, resource_len; /* its resource (resource_len 0: none) */
	uint8_t pending_body[NUMBERING__ACCOUNT_PENDING_MAX + 1];
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
/* numbering__account_post() of an entry whose reason and resource the library made
 * (a purchase's charge: "purchase" and the purchase's name): they are not checked
 * again (~200 instructions a purchase). */
int numbering__account_post_made(numbering_store *store, struct numbering__account *a,
                                 const struct numbering__entry_in *e);

/* numbering__account_post() without writing anything: the entry is held in *a, and
 * the caller puts it with numbering__account_put() before the transaction commits,
 * which writes the account and every entry appended since as ONE record (the billing
 * run: an account's charges of one batch, one ledger record and one account write).
 * Errors as numbering__account_post(), except that the charge key is not looked up:
 * the caller makes a charge twice impossible by what it writes in the same
 * transaction (the run: the subscription's periods paid, read inside it). */
int numbering__account_append(numbering_store *store, struct numbering__account *a,
                              const struct numbering__entry_in *e, char *name);

/* Puts the account @a (inside a transaction), with the entries appended to it first. */
int numbering__account_put(numbering_store *store, struct numbering__account *a);

/* One entry of a BILLING_ENTRY record, as numbering__billing_entry_each() hands it out. */
struct numbering__entry_view {
	int64_t n;
	char currency[4];
	int64_t amount, balance_after, time;
	int from_reserve;
	const char *reason;     /* NUL-terminated, valid during the call */
	const char *resource;   /* NULL for none */
	const char *charge_key; /* NULL for none */
};

/* Calls @each for every entry of @record (a BILLING_ENTRY), oldest first, after
 * checking the whole record (NUMBERING_DATA_LOSS naming the field as the record check
 * does); stops at the first non-zero return of @each and returns it. */
int numbering__billing_entry_each(const numbering_record *record,
                                  int (*each)(const struct numbering__entry_view *v, void *payload), void *payload);

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

/* Whether the ledger of @project holds a record of one entry with @charge_key (its key
 * 0): *found 1 or 0, one look-up in the backend's key index. The keys of the entries in
 * a record of several (numbering__account_append()) are not found. */
int numbering__account_charged(numbering_store *store, const char *project, const char *charge_key, int *found);

#endif
