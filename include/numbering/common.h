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

/**
 * @def NUMBERING_EXTERN(type)
 * Declares a public function returning @p type: exported from the shared library when
 * the library itself is built (NUMBERING_BUILDING), a plain declaration for its users.
 */
#if defined(_WIN32) && defined(NUMBERING_BUILDING)
#define NUMBERING_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__) && defined(NUMBERING_BUILDING)
#define NUMBERING_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define NUMBERING_EXTERN(type) type
#endif

/** @name Version of the headers (compare with numbering_version() for the library). */
/**@{*/
#define NUMBERING_VERSION_MAJOR 0         /**< Major version: grows on an incompatible change. */
#define NUMBERING_VERSION_MINOR 1         /**< Minor version: grows when something is added. */
#define NUMBERING_VERSION_PATCH 0         /**< Patch version: grows with each fix release. */
#define NUMBERING_VERSION_STRING "0.1.0"  /**< "MAJOR.MINOR.PATCH" of these headers. */
/** One integer that grows with every release: major * 10000 + minor * 100 + patch. */
#define NUMBERING_VERSION_NUMBER \
	(NUMBERING_VERSION_MAJOR * 10000 + NUMBERING_VERSION_MINOR * 100 + NUMBERING_VERSION_PATCH)
/**@}*/

/**
 * Status codes: the google.rpc codes. 0 is success; every fallible call returns one of these.
 * The numeric values are the google.rpc values and never change.
 */
typedef enum numbering_status {
	NUMBERING_OK = 0, /**< Success. */
	NUMBERING_CANCELLED = 1, /**< The operation was cancelled by the caller. */
	NUMBERING_UNKNOWN = 2, /**< An error of no other kind. */
	/** An argument is invalid, whatever the store holds: a NULL pointer, a malformed value;
	 *  a field violation names it. */
	NUMBERING_INVALID_ARGUMENT = 3,
	NUMBERING_DEADLINE_EXCEEDED = 4, /**< A deadline expired before the operation completed. */
	NUMBERING_NOT_FOUND = 5, /**< The named resource (instance, record, file) does not exist. */
	NUMBERING_ALREADY_EXISTS = 6, /**< The resource to create, or a number it would hold, already exists. */
	NUMBERING_PERMISSION_DENIED = 7, /**< The caller may not do this (the authorizer or the policy said no). */
	NUMBERING_RESOURCE_EXHAUSTED = 8, /**< Out of memory, or a limit (docs/LIMITS.md) reached. */
	/** The store is not in the state the operation needs (e.g. the lifecycle state, a
	 *  read-only store). */
	NUMBERING_FAILED_PRECONDITION = 9,
	NUMBERING_ABORTED = 10, /**< A conflict with a concurrent change; retrying may succeed. */
	NUMBERING_OUT_OF_RANGE = 11, /**< A value past the valid range, or a caller's buffer too small. */
	NUMBERING_UNIMPLEMENTED = 12, /**< The operation is not supported (by this build, or by the backend). */
	NUMBERING_INTERNAL = 13, /**< A broken invariant inside the library or a backend. */
	NUMBERING_UNAVAILABLE = 14, /**< Storage failed or could not be reached (an I/O error); retrying may succeed. */
	NUMBERING_DATA_LOSS = 15, /**< Stored data is corrupt or lost (a bad checksum, a truncated file). */
	NUMBERING_UNAUTHENTICATED = 16 /**< The request has no valid caller identity. */
} numbering_status;

/**
 * The library's version as "MAJOR.MINOR.PATCH" (of the library running, which may be
 * newer than the headers' NUMBERING_VERSION_STRING).
 * @return a static string; never NULL. Cannot fail.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_version(void);

/**
 * The library's version as one integer (see NUMBERING_VERSION_NUMBER).
 * @return major * 10000 + minor * 100 + patch of the library running. Cannot fail.
 *
 * Ownership: nothing allocated. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_version_number(void);

/**
 * The Unicode version of the utf8proc the library runs with, e.g. "15.0.0".
 * @return a static string; never NULL. Cannot fail.
 *
 * Ownership: utf8proc's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_unicode_version(void);

/**
 * Frees memory the library allocated and handed to the caller (strings such as
 * numbering_error_json() output). NULL is a no-op.
 * @param[in] ptr what the library returned through a @c char** out parameter, or NULL.
 *
 * Ownership: takes @p ptr; it must come from the allocator installed now (see
 * numbering_set_allocator()). Objects with their own free function (instances, pages,
 * resolutions, policies, stores) are not freed with this.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(void) numbering_free(void *ptr);

/** The numbering_allocator version these headers know; set numbering_allocator.version to it. */
#define NUMBERING_ALLOCATOR_VERSION 1

/**
 * A host's allocator (as sqlite3_config(SQLITE_CONFIG_MALLOC) or libgit2's
 * GIT_OPT_SET_ALLOCATOR): every allocation the library makes, jansson's included,
 * goes through it. The functions are named *_fn so that a host whose malloc is a
 * macro (dmalloc, a leak checker) can still use this header.
 * Fields are only ever appended (docs/ABI.md).
 */
typedef struct numbering_allocator {
	/** NUMBERING_ALLOCATOR_VERSION (the fields the caller knows); 0 or newer is refused. */
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
 * @param[in] allocator the allocator, or NULL for the default.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT for an unknown version (field
 *         "version") or a NULL function (field "allocator"); the current allocator is
 *         then kept.
 *
 * Ownership: @p allocator is copied; the caller keeps it. Its payload must outlive every
 * allocation made through it.
 * Thread safety: not thread-safe; no other call of the library may be running.
 */
NUMBERING_EXTERN(int) numbering_set_allocator(const numbering_allocator *allocator);

#ifdef __cplusplus
}
#endif

#endif
