/*
 * The operators' side of a store: its log hook (numbering_options version 6), the
 * reports of its backend bridged to it, and the commit timing of its statistics
 * (numbering/log.h, numbering/stats.h, docs/OPERATIONS.md).
 */
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "numbering/sys/file.h"
#include "service/backend-call.h"
#include "service/service.h"

int numbering__store_log_options(numbering_store *store, const numbering_options *options)
{
	int level = options->log_level == 0 ? NUMBERING_LOG_WARNING : options->log_level;
	if (numbering_log_level_name(level) == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "log_level",
		                              "log_level %d is not NUMBERING_LOG_ERROR (1) .. NUMBERING_LOG_DEBUG (4), or 0 "
		                              "for NUMBERING_LOG_WARNING",
		                              options->log_level);
	store->log.fn = options->log;
	store->log.payload = options->log_payload;
	store->log.level = level;
	return NUMBERING_OK;
}

static int64_t real_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Where the backend's records go: counted for the statistics (compactions), then on
 * to the host's hook when its level is wanted. Called from the backend, possibly under
 * its own locks: it only counts and calls the host. */
static void backend_log(int level, const char *message, const numbering_log_field *fields, int count, void *payload)
{
	numbering_store *store = payload;
	if (strcmp(message, NUMBERING__LOG_COMPACTED) == 0)
		numbering__stats_compacted(&store->stats, real_now());
	numbering__log(&store->log, level, message, fields, count);
}

void numbering__store_log_open(numbering_store *store)
{
	if (store->backend->control == NULL)
		return;
	/* Every record, whatever the host's level: a compaction is counted even when the
	 * host hears only of errors. */
	struct numbering__log sink = {backend_log, store, NUMBERING_LOG_DEBUG};
	int rc = store->backend->control(store->backend, NUMBERING__CONTROL_LOG, &sink);
	numbering_error_clear();
	if (rc != NUMBERING_OK || !numbering__log_wants(&store->log, NUMBERING_LOG_WARNING))
		return;
	/* The file backend recovered before the store existed: its open is reported now,
	 * from what it counted. */
	numbering_file_stats fs;
	memset(&fs, 0, sizeof(fs));
	fs.version = NUMBERING_FILE_STATS_VERSION;
	if (store->backend->control(store->backend, NUMBERING_FILE_CONTROL_STATS, &fs) != NUMBERING_OK) {
		numbering_error_clear();
		return;
	}
	char records[NUMBERING__LOG_NUMBER_SIZE], bytes[NUMBERING__LOG_NUMBER_SIZE], torn[NUMBERING__LOG_NUMBER_SIZE],
	        took[NUMBERING__LOG_NUMBER_SIZE];
	numbering_log_field fields[] = {
		{"records_replayed", numbering__log_i64(records, fs.records)},
		{"file_bytes", numbering__log_i64(bytes, fs.file_bytes)},
		{"duration_seconds", numbering__log_seconds(took, fs.open_ns)},
		{"torn_bytes", numbering__log_i64(torn, fs.truncated_bytes)},
	};
	if (fs.truncated_bytes > 0)
		numbering__log(&store->log, NUMBERING_LOG_WARNING, NUMBERING__LOG_RECOVERED, fields, 4);
	else
		numbering__log(&store->log, NUMBERING_LOG_INFO, NUMBERING__LOG_OPENED, fields, 3);
}

/* The calling thread's commit whose durability the backend gives later (group commit):
 * its store and when it started; store NULL when none is waiting. */
static _Thread_local struct {
	const numbering_store *store;
	int64_t started;
} waiting;

void numbering__store_committed(numbering_store *store, int64_t started)
{
	int64_t now = numbering__stats_now();
	/* A commit of this thread on this store still waiting counts up to here (the next
	 * one's durability covers it too). One on another store is dropped, never touched:
	 * that store may be closed by now. */
	if (waiting.store == store)
		numbering__stats_commit(&store->stats, now - waiting.started);
	waiting.store = NULL;
	if (store->durable_wait) {
		waiting.store = store;
		waiting.started = started;
	} else {
		numbering__stats_commit(&store->stats, now - started);
	}
}

void numbering__store_durable(numbering_store *store)
{
	if (waiting.store != store)
		return;
	numbering__stats_commit(&store->stats, numbering__stats_now() - waiting.started);
	waiting.store = NULL;
}
