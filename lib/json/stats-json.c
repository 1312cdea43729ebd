/* numbering_store_stats_json(): a store's counters as one JSON object (numbering/stats.h). */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/stats.h"
#include "json/json.h"
#include "json/stats-json.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/stats.h"
#include "numbering/sys/file.h"
#include "numbering/sys/record.h"
#include "service/service.h"

void numbering__store_count_call(numbering_store *store, int slot, int status)
{
	numbering__stats_call(&store->stats, slot, status);
	if (status == NUMBERING_DATA_LOSS)
		numbering__log_damage(&store->log, numbering__json_method_name(slot));
}

static json_t *calls_json(const struct numbering__stats *stats)
{
	json_t *calls = json_array();
	const char *name;
	for (int m = 0; calls != NULL && (name = numbering__json_method_name(m)) != NULL; m++)
		for (int s = 0; s < NUMBERING__STATS_STATUSES; s++) {
			int64_t n = numbering__stats_get(&stats->calls[m][s]);
			if (n > 0 && json_array_append_new(calls, json_pack("{s:s, s:s, s:I}", "method", name, "status",
			                                                    numbering_status_name(s), "count",
			                                                    (json_int_t)n)) != 0) {
				json_decref(calls);
				return NULL;
			}
		}
	return calls;
}

static json_t *commits_json(const struct numbering__stats *stats)
{
	json_t *buckets = json_array();
	int64_t cumulative = 0;
	for (int b = 0; buckets != NULL && b <= NUMBERING_STATS_COMMIT_BUCKETS; b++) {
		cumulative += numbering__stats_get(&stats->commit_buckets[b]);
		int64_t le = numbering_stats_commit_bucket_ns(b);
		if (json_array_append_new(buckets, json_pack("{s:o, s:I}", "leNs",
		                                             le < 0 ? json_null() : json_integer((json_int_t)le), "count",
		                                             (json_int_t)cumulative)) != 0) {
			json_decref(buckets);
			return NULL;
		}
	}
	/* count is the +Inf bucket, so that the two always agree (Prometheus's _count). */
	return json_pack("{s:I, s:I, s:I, s:o}", "count", (json_int_t)cumulative, "sumNs",
	                 (json_int_t)numbering__stats_get(&stats->commit_sum_ns), "maxNs",
	                 (json_int_t)numbering__stats_get(&stats->commit_max_ns), "buckets", buckets);
}

/* The store's size: its records and instances (from the backend's counters, under
 * the read lock as any read), and what a file backend says of its file. */
static json_t *store_json(numbering_store *store)
{
	numbering_backend *b = store->backend;
	int64_t records = 0, instances = -1;
	int counts = 0;
	numbering_file_stats fs;
	memset(&fs, 0, sizeof(fs));
	fs.version = NUMBERING_FILE_STATS_VERSION;
	int file = 0;
	if (b->control != NULL) {
		unsigned slot = numbering__rwlock_rdlock(&store->lock);
		for (int kind = 1; kind <= NUMBERING_RECORD_KIND_MAX; kind++) {
			numbering_backend_count c = {kind, 0};
			if (b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &c) == NUMBERING_OK) {
				counts = 1;
				records += c.count;
				if (kind == NUMBERING__KIND_INSTANCE)
					instances = c.count;
			}
		}
		file = b->control(b, NUMBERING_FILE_CONTROL_STATS, &fs) == NUMBERING_OK;
		numbering__rwlock_rdunlock(&store->lock, slot);
		numbering_error_clear();
	}
	json_t *out = json_pack("{s:s}", "backend", file ? "file" : store->own_records ? "memory" : "other");
	if (out == NULL)
		return NULL;
	if (counts) {
		json_object_set_new(out, "records", json_integer((json_int_t)records));
		json_object_set_new(out, "instances", json_integer((json_int_t)(instances < 0 ? 0 : instances)));
	}
	if (file)
		json_object_set_new(out, "fileBytes", json_integer((json_int_t)fs.file_bytes));
	int64_t last = numbering__stats_get(&store->stats.last_compaction_ns);
	char when[40];
	if (last != 0)
		numbering__format_time(when, last);
	json_object_set_new(out, "compactions", json_integer((json_int_t)numbering__stats_get(&store->stats.compactions)));
	json_object_set_new(out, "lastCompactionTime", last != 0 ? json_string(when) : json_null());
	return out;
}

int numbering_store_stats_json(char **out, numbering_store *store)
{
	if (out != NULL)
		*out = NULL;
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_stats_json: %s is NULL", out == NULL ? "out" : "store");
	int64_t resolve[3];
	numbering__stats_resolve_totals(&store->stats, resolve);
	json_t *calls = calls_json(&store->stats), *commits = commits_json(&store->stats), *size = store_json(store);
	json_t *root = NULL;
	if (calls != NULL && commits != NULL && size != NULL)
		root = json_pack("{s:O, s:{s:I, s:I, s:I}, s:O, s:O}", "calls", calls, "resolve", "hit",
		                 (json_int_t)resolve[NUMBERING__RESOLVE_HIT], "miss", (json_int_t)resolve[NUMBERING__RESOLVE_MISS],
		                 "error", (json_int_t)resolve[NUMBERING__RESOLVE_ERROR], "commits", commits, "store", size);
	json_decref(calls);
	json_decref(commits);
	json_decref(size);
	if (root == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the store's statistics");
	int rc = numbering__json_dump(out, root);
	json_decref(root);
	return rc;
}
