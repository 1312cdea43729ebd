/* What billing holds of an acquired number's lifecycle (billing-hold.h). */
#include <string.h>

#include "core/error.h"
#include "numbering/subscription.h"
#include "service/billing-hold.h"
#include "service/purchase.h"
#include "service/subscription-record.h"
#include "service/subscription.h"

/* Activate, delete or move of a PENDING instance: its purchase may wait for documents. */
static int check_pending(numbering_store *store, const char *name, const char *project, int to)
{
	char purchase[NUMBERING__NAME_SIZE];
	int found = 0;
	int rc = numbering__purchase_processing(store, project, name, purchase, &found);
	if (rc != NUMBERING_OK || !found)
		return rc;
	if (to == NUMBERING_LIFECYCLE_ACTIVE)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name",
		                              "cannot activate %s: it waits for the documents of its purchase %s, and "
		                              "the host completes its purchase (CompletePhoneNumberPurchase)",
		                              name, purchase);
	return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name",
	                              "cannot %s %s: its purchase %s is PROCESSING; cancel the purchase "
	                              "(CancelPhoneNumberPurchase), which gives the number back",
	                              to == NUMBERING__BILLING_HOLD_MOVE ? "move" : "delete", name, purchase);
}

int numbering__billing_hold_check(numbering_store *store, const numbering_instance *in, int to)
{
	const char *name = numbering_instance_name(in);
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(project, name, "name");
	if (rc == NUMBERING_OK && in->lifecycle_state == NUMBERING_LIFECYCLE_PENDING)
		rc = check_pending(store, name, project, to);
	/* A resume of a PENDING one is refused before; an activate has no subscription. */
	if (rc != NUMBERING_OK || in->lifecycle_state == NUMBERING_LIFECYCLE_PENDING)
		return rc;
	char sub[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	int found = 0;
	if ((rc = numbering__subscription_name(sub, name)) == NUMBERING_OK)
		rc = numbering__subscription_load(&s, store, sub, &found);
	if (rc != NUMBERING_OK || !found || s.f.state == NUMBERING_SUBSCRIPTION_CANCELLED) {
		numbering__subscription_clear(&s);
		return rc;
	}
	int leaves = to == NUMBERING_LIFECYCLE_DELETED || to == NUMBERING__BILLING_HOLD_MOVE;
	if (leaves && s.f.expire_time != 0)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name",
		                            "cannot %s %s: it was released, and ends, with its subscription %s, "
		                            "at its expireAt, when the number goes back to the inventory",
		                            to == NUMBERING__BILLING_HOLD_MOVE ? "move" : "delete", name, sub);
	else if (to == NUMBERING_LIFECYCLE_DELETED)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name",
		                            "cannot delete %s: its subscription %s renews it and charges for it; release "
		                            "the number (NumberService_ReleaseNumber), which ends the subscription and "
		                            "gives the number back",
		                            name, sub);
	else if (to == NUMBERING__BILLING_HOLD_MOVE)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name",
		                            "cannot move %s: its subscription %s charges the account of %s for it; "
		                            "release the number (NumberService_ReleaseNumber), and acquire it in the "
		                            "other project",
		                            name, sub, project);
	else if (to == NUMBERING_LIFECYCLE_ACTIVE && s.f.state == NUMBERING_SUBSCRIPTION_DEACTIVATED)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name",
		                            "cannot resume %s: its subscription %s is DEACTIVATED for a missed payment; "
		                            "a top-up and a billing run resume it",
		                            name, sub);
	numbering__subscription_clear(&s);
	return rc;
}
