/*
 * Prints the size and every field offset of the public versioned structs, for
 * comparison with a committed file (tests/abi/layout-<cpu>.txt). A field that moves,
 * changes size or is inserted rather than appended changes the output and fails the
 * test: versioned structs only ever grow at the end (docs/ABI.md); unversioned ones
 * (printed with version 0) never change. After appending a
 * field on purpose, regenerate the file with NUMBERING_UPDATE_GOLDEN=1.
 */
#include <stddef.h>
#include <stdio.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend-test.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>
#include <numbering/sys/file.h>

#define STRUCT(type, version) printf("%s version %d size %zu\n", #type, (int)(version), sizeof(type))
#define FIELD(type, field) printf("  %-26s offset %3zu size %zu\n", #field, offsetof(type, field), sizeof(((type *)0)->field))

int main(void)
{
	STRUCT(numbering_options, NUMBERING_OPTIONS_VERSION);
	FIELD(numbering_options, version);
	FIELD(numbering_options, backend);
	FIELD(numbering_options, clock);
	FIELD(numbering_options, clock_payload);
	FIELD(numbering_options, authorizer);
	FIELD(numbering_options, authorizer_payload);
	FIELD(numbering_options, event_sink);
	FIELD(numbering_options, event_payload);
	FIELD(numbering_options, default_region);
	FIELD(numbering_options, regulatory_requirements);
	FIELD(numbering_options, max_instances);
	FIELD(numbering_options, provisioning);
	FIELD(numbering_options, billing_grace_seconds);
	FIELD(numbering_options, unverified_hold_seconds);
	FIELD(numbering_options, log);
	FIELD(numbering_options, log_payload);
	FIELD(numbering_options, log_level);
	FIELD(numbering_options, changes_window);
	FIELD(numbering_options, snapshot_reads);

	STRUCT(numbering_backend, NUMBERING_BACKEND_VERSION);
	FIELD(numbering_backend, version);
	FIELD(numbering_backend, begin);
	FIELD(numbering_backend, commit);
	FIELD(numbering_backend, rollback);
	FIELD(numbering_backend, put);
	FIELD(numbering_backend, remove);
	FIELD(numbering_backend, get);
	FIELD(numbering_backend, find);
	FIELD(numbering_backend, list);
	FIELD(numbering_backend, control);
	FIELD(numbering_backend, free);

	STRUCT(numbering_backend_count, 0);
	FIELD(numbering_backend_count, kind);
	FIELD(numbering_backend_count, count);

	STRUCT(numbering_backend_foreach, 0);
	FIELD(numbering_backend_foreach, visit);
	FIELD(numbering_backend_foreach, payload);

	STRUCT(numbering_record, NUMBERING_RECORD_VERSION);
	FIELD(numbering_record, version);
	FIELD(numbering_record, kind);
	FIELD(numbering_record, flags);
	FIELD(numbering_record, name);
	FIELD(numbering_record, parent);
	FIELD(numbering_record, sort_key);
	FIELD(numbering_record, digits);
	FIELD(numbering_record, first);
	FIELD(numbering_record, last);
	FIELD(numbering_record, expires);
	FIELD(numbering_record, keys);
	FIELD(numbering_record, body);
	FIELD(numbering_record, body_len);

	STRUCT(numbering_record_interval, 0);
	FIELD(numbering_record_interval, digits);
	FIELD(numbering_record_interval, first);
	FIELD(numbering_record_interval, last);

	STRUCT(numbering_record_query, NUMBERING_RECORD_QUERY_VERSION);
	FIELD(numbering_record_query, version);
	FIELD(numbering_record_query, kind);
	FIELD(numbering_record_query, order);
	FIELD(numbering_record_query, parent);
	FIELD(numbering_record_query, listed_only);
	FIELD(numbering_record_query, has_after);
	FIELD(numbering_record_query, after);
	FIELD(numbering_record_query, expires_until);
	FIELD(numbering_record_query, intervals);
	FIELD(numbering_record_query, interval_count);
	FIELD(numbering_record_query, keys);
	FIELD(numbering_record_query, limit);

	STRUCT(numbering_backend_test_target, NUMBERING_BACKEND_TEST_TARGET_VERSION);
	FIELD(numbering_backend_test_target, version);
	FIELD(numbering_backend_test_target, name);
	FIELD(numbering_backend_test_target, open);
	FIELD(numbering_backend_test_target, reopen);
	FIELD(numbering_backend_test_target, open_second);
	FIELD(numbering_backend_test_target, check);
	FIELD(numbering_backend_test_target, payload);
	FIELD(numbering_backend_test_target, seed);
	FIELD(numbering_backend_test_target, timeout);

	STRUCT(numbering_allocator, NUMBERING_ALLOCATOR_VERSION);
	FIELD(numbering_allocator, version);
	FIELD(numbering_allocator, malloc_fn);
	FIELD(numbering_allocator, realloc_fn);
	FIELD(numbering_allocator, free_fn);
	FIELD(numbering_allocator, payload);

	STRUCT(numbering_file_options, NUMBERING_FILE_OPTIONS_VERSION);
	FIELD(numbering_file_options, version);
	FIELD(numbering_file_options, sync_mode);
	FIELD(numbering_file_options, sync_window_us);
	FIELD(numbering_file_options, must_exist);
	FIELD(numbering_file_options, compact_min_bytes);
	FIELD(numbering_file_options, diagnostic);
	FIELD(numbering_file_options, diagnostic_payload);
	FIELD(numbering_file_options, read_only);
	FIELD(numbering_file_options, busy_timeout_ms);
	FIELD(numbering_file_options, progress);
	FIELD(numbering_file_options, progress_payload);
	FIELD(numbering_file_options, shared_index);

	STRUCT(numbering_file_stats, NUMBERING_FILE_STATS_VERSION);
	FIELD(numbering_file_stats, version);
	FIELD(numbering_file_stats, sync_mode);
	FIELD(numbering_file_stats, file_bytes);
	FIELD(numbering_file_stats, snapshot_bytes);
	FIELD(numbering_file_stats, records);
	FIELD(numbering_file_stats, instances);
	FIELD(numbering_file_stats, metas);
	FIELD(numbering_file_stats, commits);
	FIELD(numbering_file_stats, syncs);
	FIELD(numbering_file_stats, compactions);
	FIELD(numbering_file_stats, truncated_bytes);
	FIELD(numbering_file_stats, open_ns);

	STRUCT(numbering_file_report, NUMBERING_FILE_REPORT_VERSION);
	FIELD(numbering_file_report, version);
	FIELD(numbering_file_report, status);
	FIELD(numbering_file_report, repaired);
	FIELD(numbering_file_report, format_version);
	FIELD(numbering_file_report, file_bytes);
	FIELD(numbering_file_report, records);
	FIELD(numbering_file_report, instances);
	FIELD(numbering_file_report, metas);
	FIELD(numbering_file_report, torn_bytes);
	FIELD(numbering_file_report, damage_offset);
	FIELD(numbering_file_report, dropped_bytes);
	FIELD(numbering_file_report, message);
	FIELD(numbering_file_report, damaged_copy);

	/* The enum values and status codes are part of the ABI too. */
	printf("NUMBERING_UNAUTHENTICATED %d NUMBERING_LIFECYCLE_PENDING %d NUMBERING_RECORDING_BRIDGE %d "
	       "NUMBERING_NUMBER_TYPE_SHARED_RATE %d NUMBERING_CAPABILITY_VOICE %d\n",
	       NUMBERING_UNAUTHENTICATED, NUMBERING_LIFECYCLE_PENDING, NUMBERING_RECORDING_BRIDGE,
	       NUMBERING_NUMBER_TYPE_SHARED_RATE, NUMBERING_CAPABILITY_VOICE);
	return 0;
}
