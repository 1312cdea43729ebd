/*
 * Prints the size and every field offset of the public versioned structs, for
 * comparison with a committed file (tests/abi/layout-<cpu>.txt). A field that moves,
 * changes size or is inserted rather than appended changes the output and fails the
 * test: versioned structs only ever grow at the end (docs/ABI.md). After appending a
 * field on purpose, regenerate the file with NUMBERING_UPDATE_GOLDEN=1.
 */
#include <stddef.h>
#include <stdio.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

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

	STRUCT(numbering_backend, NUMBERING_BACKEND_VERSION);
	FIELD(numbering_backend, version);
	FIELD(numbering_backend, begin);
	FIELD(numbering_backend, commit);
	FIELD(numbering_backend, rollback);
	FIELD(numbering_backend, get);
	FIELD(numbering_backend, put);
	FIELD(numbering_backend, remove);
	FIELD(numbering_backend, find);
	FIELD(numbering_backend, list);
	FIELD(numbering_backend, meta_get);
	FIELD(numbering_backend, meta_put);
	FIELD(numbering_backend, control);
	FIELD(numbering_backend, free);

	STRUCT(numbering_backend_query, NUMBERING_BACKEND_QUERY_VERSION);
	FIELD(numbering_backend_query, version);
	FIELD(numbering_backend_query, project);
	FIELD(numbering_backend_query, include_deleted);
	FIELD(numbering_backend_query, created_before);
	FIELD(numbering_backend_query, prefix_digits);
	FIELD(numbering_backend_query, limit);

	/* The enum values and status codes are part of the ABI too. */
	printf("NUMBERING_UNAUTHENTICATED %d NUMBERING_LIFECYCLE_PENDING %d NUMBERING_RECORDING_BRIDGE %d "
	       "NUMBERING_NUMBER_TYPE_SHARED_RATE %d NUMBERING_CAPABILITY_VOICE %d\n",
	       NUMBERING_UNAUTHENTICATED, NUMBERING_LIFECYCLE_PENDING, NUMBERING_RECORDING_BRIDGE,
	       NUMBERING_NUMBER_TYPE_SHARED_RATE, NUMBERING_CAPABILITY_VOICE);
	return 0;
}
