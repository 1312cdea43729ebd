/**
 * @file numbering/numbering.h
 * @brief libnumbering: phone-number inventory and lifecycle, embedded. Include this header.
 *
 * It includes every module's header. The backend layer (numbering/sys/: the storage
 * vtable, the file backend, records) is for backend authors and hosts that choose a
 * storage: include those headers yourself.
 */
#ifndef NUMBERING_NUMBERING_H
#define NUMBERING_NUMBERING_H

#include "common.h"
#include "errors.h"
#include "e164.h"
#include "instance.h"
#include "store.h"
#include "list.h"
#include "resolve.h"
#include "json.h"
#include "policy.h"
#include "callback.h"
#include "money.h"
#include "inventory.h"
#include "active.h"
#include "outbox.h"
#include "provisioning.h"
#include "purchase.h"
#include "reservation.h"
#include "billing.h"
#include "pricing.h"
#include "subscription.h"
#include "catalogue.h"
#include "application.h"
#include "phone.h"
#include "log.h"
#include "stats.h"
#include "changes.h"

#endif
