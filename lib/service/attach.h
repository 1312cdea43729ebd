/* Voximplant attach, deactivate and verification (attach.c): what the rest of the
 * service calls. */
#ifndef NUMBERING_SERVICE_ATTACH_H
#define NUMBERING_SERVICE_ATTACH_H

#include <stdint.h>

#include "service/service.h"

/*
 * For numbering_store_process_due(): every attached number whose verification hold
 * (its PHONE record's expiry key, unverified_hold_until) is at or before @now and that
 * is still REQUIRED or IN_PROGRESS is cancelled: its purchase FAILED with statusDetails
 * saying the hold expired, its reserve released, its instance DELETED, its number back
 * in the inventory, its PHONE record removed. Takes the lock itself (one look under the
 * read lock when nothing is due); batches of 64, one transaction each. *@cancelled
 * counts the instances given back.
 */
int numbering__phone_holds_expire(numbering_store *store, int64_t now, int64_t *cancelled);

#endif
