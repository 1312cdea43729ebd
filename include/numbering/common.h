/**
 * @file numbering/common.h
 * @brief Export macro, version, allocation and the status codes shared by every module.
 *
 * Thread safety: every function declared here may be called from any thread.
 */
#ifndef NUMBERING_COMMON_H
#define NUMBERING_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(NUMBERING_BUILDING)
#define NUMBERING_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__) && defined(NUMBERING_BUILDING)
#define NUMBERING_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define NUMBERING_EXTERN(type) type
#endif

/** @name Version of the headers (compare with numbering_version() for the library). */
/**@{*/
#define NUMBERING_VERSION_MAJOR 0
#define NUMBERING_VERSION_MINOR 1
#define NUMBERING_VERSION_PATCH 0
#define NUMBERING_VERSION_STRING "0.1.0"
/** One integer that grows with every release: major * 10000 + minor * 100 + patch. */
#define NUMBERING_VERSION_NUMBER \
	(NUMBERING_VERSION_MAJOR * 10000 + NUMBERING_VERSION_MINOR * 100 + NUMBERING_VERSION_PATCH)
/**@}*/

/**
 * Status codes: the google.rpc codes. 0 is success; every fallible call returns one of these.
 * The numeric values are the google.rpc values and never change.
 */
typedef enum numbering_status {
	NUMBERING_OK = 0,
	NUMBERING_CANCELLED = 1,
	NUMBERING_UNKNOWN = 2,
	NUMBERING_INVALID_ARGUMENT = 3,
	NUMBERING_DEADLINE_EXCEEDED = 4,
	NUMBERING_NOT_FOUND = 5,
	NUMBERING_ALREADY_EXISTS = 6,
	NUMBERING_PERMISSION_DENIED = 7,
	NUMBERING_RESOURCE_EXHAUSTED = 8,
	NUMBERING_FAILED_PRECONDITION = 9,
	NUMBERING_ABORTED = 10,
	NUMBERING_OUT_OF_RANGE = 11,
	NUMBERING_UNIMPLEMENTED = 12,
	NUMBERING_INTERNAL = 13,
	NUMBERING_UNAVAILABLE = 14,
	NUMBERING_DATA_LOSS = 15,
	NUMBERING_UNAUTHENTICATED = 16
} numbering_status;

/**
 * The library's version as "MAJOR.MINOR.PATCH".
 * @return a static string; never NULL.
 */
NUMBERING_EXTERN(const char *) numbering_version(void);

/**
 * The library's version as one integer (see NUMBERING_VERSION_NUMBER).
 */
NUMBERING_EXTERN(int) numbering_version_number(void);

/**
 * The Unicode version of the utf8proc the library runs with, e.g. "15.0.0".
 * @return a static string; never NULL.
 */
NUMBERING_EXTERN(const char *) numbering_unicode_version(void);

/**
 * Frees memory the library allocated and handed to the caller (strings such as
 * numbering_error_json() output). NULL is a no-op.
 */
NUMBERING_EXTERN(void) numbering_free(void *ptr);

#define NUMBERING_ALLOCATOR_VERSION 1

/**
 * A host's allocator (as sqlite3_config(SQLITE_CONFIG_MALLOC) or libgit2's
 * GIT_OPT_SET_ALLOCATOR): every allocation the library makes, jansson's included,
 * goes through it. The functions are named *_fn so that a host whose malloc is a
 * macro (dmalloc, a leak checker) can still use this header.
 * Fields are only ever appended (docs/ABI.md).
 */
typedef struct numbering_allocator {
	unsigned int version;
	/* Version 1 fields. */
	/** Returns @p size bytes (never asked for 0), or NULL when out of memory. */
	void *(*malloc_fn)(size_t size, void *payload);
	/** As realloc(); never given a NULL @p ptr nor a 0 @p size. NULL when out of memory,
	 *  @p ptr then still valid. */
	void *(*realloc_fn)(void *ptr, size_t size, void *payload);
	/** Releases what malloc_fn or realloc_fn returned; never given NULL. */
	void (*free_fn)(void *ptr, void *payload);
	/** Passed to each function. */
	void *payload;
} numbering_allocator;

/**
 * Installs the host's allocator, or restores the default (malloc, realloc, free)
 * when @p allocator is NULL. The library copies the struct.
 *
 * Call it before any other call of the library, and again (e.g. with NULL) only when
 * nothing the library allocated is still alive: no store open, no instance, list page,
 * resolution, policy or returned string left to free. Memory must be freed by the
 * allocator that allocated it.
 *
 * jansson's allocator is process-wide: installing a hook also installs it in jansson
 * (json_set_alloc_funcs), and NULL restores jansson's malloc and free. A host that
 * uses jansson itself must hold no jansson value across either call.
 *
 * Thread safety: not thread-safe; no other call of the library may be running.
 * @param[in] allocator the allocator, or NULL for the default.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT for an unknown version or a
 *         NULL function (the current allocator is then kept).
 */
NUMBERING_EXTERN(int) numbering_set_allocator(const numbering_allocator *allocator);

#ifdef __cplusplus
}
#endif

#endif
