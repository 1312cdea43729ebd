/*
 * The kinds of record the library stores (numbering/sys/record.h): one line each in
 * NUMBERING__KINDS, plus the codec functions the line names. A backend never sees
 * this table; it stores what the kind's codec encodes and indexes the keys the
 * kind's code computes.
 */
#ifndef NUMBERING_MODEL_KINDS_H
#define NUMBERING_MODEL_KINDS_H

#include "numbering/sys/record.h"

/*
 * X(NAME, value, kind name, parent prefix, collection segment, body check)
 *   value          1 .. NUMBERING_RECORD_KIND_MAX, never reused: it is in every store
 *   kind name      numbering_record_kind_name()
 *   parent prefix  what the parents of the kind's records start with ("projects/"), or ""
 *   collection     the segment of a standard name between parent and id
 *                  (parent "/" collection "/" id), or "" when the kind's names have
 *                  no such form. The record encoding of the file log stores neither
 *                  the prefix nor the collection (model/record.h)
 *   body check     validates a record's body against its keys (NUMBERING_DATA_LOSS
 *                  naming what is wrong); NULL accepts any body
 */
#define NUMBERING__KINDS(X)                                                                                         \
	X(META, 1, "meta", "", "", numbering__meta_check)                                                               \
	X(REQUEST, 2, "request", "projects/", "requests", numbering__request_check)                                     \
	X(INSTANCE, 3, "phoneNumberInstance", "projects/", "phoneNumberInstances", numbering__instance_record_check)  \
	X(AVAILABLE, 4, "availableNumber", "", "", numbering__available_record_check)                                 \
	X(ACTIVE, 5, "activeNumber", "projects/", "activeNumbers", numbering__active_record_check)                    \
	X(DELIVERY, 6, "callbackDelivery", "", "", numbering__delivery_record_check)                                  \
	X(CALLBACK_CONFIG, 7, "callbackConfiguration", "", "", numbering__callback_config_check)                    \
	X(SUBSCRIPTION, 12, "subscription", "projects/", "subscriptions", numbering__subscription_record_check)       \
	X(TASK, 8, "provisioningTask", "", "", numbering__task_record_check)                                          \
	X(BILLING_ACCOUNT, 9, "billingAccount", "projects/", "", numbering__billing_account_check)                    \
	X(BILLING_ENTRY, 10, "billingEntry", "projects/", "billingEntries", numbering__billing_entry_check)             \
	X(PHONE_NUMBER_PURCHASE, 11, "phoneNumberPurchase", "projects/", "phoneNumberPurchases",                            \
	  numbering__purchase_record_check)                                                                                 \
	X(RESERVATION, 13, "reservation", "projects/", "reservations", numbering__reservation_record_check)            \
	X(PHONE, 14, "phone", "projects/", "phoneNumberInstances", numbering__phone_record_check)                     \
	X(APPLICATION, 15, "application", "projects/", "applications", numbering__application_record_check)          \
	X(RULE, 16, "rule", "projects/", "rules", numbering__rule_record_check)                                       \
	X(ACCOUNT_LINK, 17, "accountLink", "projects/", "", numbering__account_link_record_check)                   \
	X(PHONE_REGION, 18, "phoneRegion", "", "", numbering__phone_region_record_check)                             \
	X(CHANGE, 19, "change", "", "", numbering__change_record_check)                                               \
	X(DUE, 20, "billingDue", "projects/", "billingDue", numbering__due_record_check)

enum {
#define NUMBERING__KIND_ENUM(name, value, kind_name, parent_prefix, collection, check) NUMBERING__KIND_##name = value,
	NUMBERING__KINDS(NUMBERING__KIND_ENUM)
#undef NUMBERING__KIND_ENUM
};

struct numbering__kind {
	int kind;
	const char *name;
	const char *parent_prefix; /* "" for none */
	size_t parent_prefix_len;
	const char *collection; /* "" for none */
	size_t collection_len;
	int (*check)(const numbering_record *record);
};

/* The kind @kind, or NULL for one the library does not define. */
const struct numbering__kind *numbering__kind_find(int kind);

/* What numbering_record_check() checks past the record's limits (numbering__record_check):
 * its kind is one this library defines, and its body reads back through the kind's
 * check (DATA_LOSS naming the record and field). For a record a backend's put took,
 * which checks those limits itself (fsck's scratch memory store): not twice. */
int numbering__record_check_body(const numbering_record *record);

/* The body checks the table names (numbering__instance_record_check() checks an
 * instance record as numbering__instance_from_record() reads it, storing nothing). */
int numbering__meta_check(const numbering_record *record);
int numbering__request_check(const numbering_record *record);
int numbering__instance_record_check(const numbering_record *record);
int numbering__available_record_check(const numbering_record *record);
int numbering__active_record_check(const numbering_record *record);
int numbering__delivery_record_check(const numbering_record *record);
int numbering__callback_config_check(const numbering_record *record);
int numbering__subscription_record_check(const numbering_record *record);
int numbering__task_record_check(const numbering_record *record);
int numbering__reservation_record_check(const numbering_record *record);
int numbering__billing_account_check(const numbering_record *record);
int numbering__billing_entry_check(const numbering_record *record);
int numbering__purchase_record_check(const numbering_record *record);
int numbering__phone_record_check(const numbering_record *record);
int numbering__application_record_check(const numbering_record *record);
int numbering__rule_record_check(const numbering_record *record);
int numbering__account_link_record_check(const numbering_record *record);
int numbering__phone_region_record_check(const numbering_record *record);
int numbering__change_record_check(const numbering_record *record); /* model/change-record.h */
int numbering__due_record_check(const numbering_record *record); /* service/billing-due.h */

#endif
