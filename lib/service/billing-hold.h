/*
 * What billing holds of an acquired number's lifecycle (issue 13): a purchase waiting
 * for documents is completed by the host, a subscription a missed payment deactivated
 * is resumed by a top-up and a billing run, and an acquired number ends through its
 * release or its purchase's cancellation, which give it back and stop its charges. The
 * instance calls (activate, resume, delete) refuse to do any of it behind their back.
 */
#ifndef NUMBERING_SERVICE_BILLING_HOLD_H
#define NUMBERING_SERVICE_BILLING_HOLD_H

#include "service/service.h"

/* The @to of a move: the instance stays in its state, but leaves the project whose
 * purchase and subscription are named after it. */
#define NUMBERING__BILLING_HOLD_MOVE (-1)

/* Under the write lock: FAILED_PRECONDITION naming "name", with what to call instead,
 * when taking the instance @in from its lifecycle state to @to (or moving it) would
 * take from billing what it holds; NUMBERING_OK otherwise (an instance no purchase or
 * rent acquired). */
int numbering__billing_hold_check(numbering_store *store, const numbering_instance *in, int to);

#endif
