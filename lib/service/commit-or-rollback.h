/*
 * The end of a write transaction (numbering__begin in service/service.h), as every
 * write operation ends it: commit what its writes did, or roll it all back.
 */
#ifndef NUMBERING_SERVICE_COMMIT_OR_ROLLBACK_H
#define NUMBERING_SERVICE_COMMIT_OR_ROLLBACK_H

#include "service/service.h"

/* Commits the transaction when @rc (the writes' status) is NUMBERING_OK, else rolls it
 * back; returns the commit's status, or @rc. */
static inline int numbering__commit_or_rollback(numbering_store *store, int rc)
{
	if (rc == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

#endif
