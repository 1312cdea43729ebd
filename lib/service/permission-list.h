/*
 * The one list of permissions: the service's enum constant (NUMBERING__PERM_<name>),
 * the full name an authorizer sees, and the least built-in role that holds it
 * (VIEWER, EDITOR or ADMIN: each role holds what the roles below it hold).
 * Everything that maps permissions to names, policy bits or roles expands it
 * (lib/service/service.h, lib/service/store.c, lib/service/policy.c), so a new
 * permission is one line here. Append only: a permission's position is its bit in a
 * parsed policy, and at most 64 fit (service.h checks).
 */
NUMBERING__PERMISSION(CREATE, "numbering.phoneNumberInstances.create", EDITOR)
NUMBERING__PERMISSION(GET, "numbering.phoneNumberInstances.get", VIEWER)
NUMBERING__PERMISSION(LIST, "numbering.phoneNumberInstances.list", VIEWER)
NUMBERING__PERMISSION(UPDATE, "numbering.phoneNumberInstances.update", EDITOR)
NUMBERING__PERMISSION(DELETE, "numbering.phoneNumberInstances.delete", EDITOR)
NUMBERING__PERMISSION(MOVE, "numbering.phoneNumberInstances.move", ADMIN)
NUMBERING__PERMISSION(SPLIT_RANGE, "numbering.phoneNumberInstances.splitRange", EDITOR)
NUMBERING__PERMISSION(ACTIVATE, "numbering.phoneNumberInstances.activate", ADMIN)
NUMBERING__PERMISSION(SUSPEND, "numbering.phoneNumberInstances.suspend", ADMIN)
NUMBERING__PERMISSION(RESUME, "numbering.phoneNumberInstances.resume", ADMIN)
NUMBERING__PERMISSION(RESOLVE, "numbering.phoneNumberInstances.resolve", VIEWER)
NUMBERING__PERMISSION(AVAILABLE_IMPORT, "numbering.availableNumbers.import", ADMIN)
NUMBERING__PERMISSION(AVAILABLE_REMOVE, "numbering.availableNumbers.remove", ADMIN)
NUMBERING__PERMISSION(AVAILABLE_LIST, "numbering.availableNumbers.list", VIEWER)
NUMBERING__PERMISSION(AVAILABLE_GET, "numbering.availableNumbers.get", VIEWER)
NUMBERING__PERMISSION(AVAILABLE_RENT, "numbering.availableNumbers.rent", EDITOR)
NUMBERING__PERMISSION(AVAILABLE_REGIONS, "numbering.availableRegions.list", VIEWER)
NUMBERING__PERMISSION(ACTIVE_GET, "numbering.activeNumbers.get", VIEWER)
NUMBERING__PERMISSION(ACTIVE_LIST, "numbering.activeNumbers.list", VIEWER)
NUMBERING__PERMISSION(ACTIVE_UPDATE, "numbering.activeNumbers.update", EDITOR)
NUMBERING__PERMISSION(ACTIVE_RELEASE, "numbering.activeNumbers.release", EDITOR)
NUMBERING__PERMISSION(CALLBACK_CONFIG_GET, "numbering.callbackConfiguration.get", ADMIN)
NUMBERING__PERMISSION(CALLBACK_CONFIG_UPDATE, "numbering.callbackConfiguration.update", ADMIN)
NUMBERING__PERMISSION(DELIVER, "numbering.callbackDeliveries.deliver", ADMIN)
NUMBERING__PERMISSION(PROVISION, "numbering.provisioningTasks.complete", ADMIN)
NUMBERING__PERMISSION(BILLING_GET, "numbering.billingAccounts.get", VIEWER)
NUMBERING__PERMISSION(BILLING_ADJUST, "numbering.billingAccounts.adjust", ADMIN)
NUMBERING__PERMISSION(BILLING_ENTRIES_LIST, "numbering.billingAccounts.listEntries", VIEWER)
NUMBERING__PERMISSION(BILLING_RUN, "numbering.billingAccounts.run", ADMIN)
NUMBERING__PERMISSION(PURCHASE_CREATE, "numbering.phoneNumberPurchases.create", EDITOR)
NUMBERING__PERMISSION(PURCHASE_GET, "numbering.phoneNumberPurchases.get", VIEWER)
NUMBERING__PERMISSION(PURCHASE_LIST, "numbering.phoneNumberPurchases.list", VIEWER)
NUMBERING__PERMISSION(PURCHASE_CANCEL, "numbering.phoneNumberPurchases.cancel", EDITOR)
NUMBERING__PERMISSION(PURCHASE_COMPLETE, "numbering.phoneNumberPurchases.complete", ADMIN)
NUMBERING__PERMISSION(PURCHASE_FAIL, "numbering.phoneNumberPurchases.fail", ADMIN)
NUMBERING__PERMISSION(RESERVATION_CREATE, "numbering.reservations.create", EDITOR)
NUMBERING__PERMISSION(RESERVATION_GET, "numbering.reservations.get", VIEWER)
NUMBERING__PERMISSION(RESERVATION_LIST, "numbering.reservations.list", VIEWER)
NUMBERING__PERMISSION(RESERVATION_DELETE, "numbering.reservations.delete", EDITOR)
