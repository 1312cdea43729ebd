/**
 * @file numbering/log.h
 * @brief Log records a store hands its host: a level, a message and key/value fields.
 *
 * A host that opens a store with a log hook (numbering_options.log, version 6) is told
 * what an operator wants to know and no call returns: how a file store was recovered
 * at open (a torn tail cut, records replayed, the time it took), each compaction
 * (sizes before and after, its duration), and damage or failures found while running
 * (a failed sync, a failed automatic compaction). docs/OPERATIONS.md lists every record.
 *
 * A record is a fixed message ("compacted") and fields whose keys are fixed too
 * ("before_bytes"), so a host can route and count them without parsing text; values
 * are text (numbers in decimal). numbering_log_format() renders a record as one
 * logfmt line, as numberctl --log-level prints them.
 */
#ifndef NUMBERING_LOG_H
#define NUMBERING_LOG_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Log levels, most severe first (numbering_options.log_level is the least severe delivered) */
/**@{*/
/** Something failed or was found damaged: a write refused until reopen, data cut off. */
#define NUMBERING_LOG_ERROR 1
/** Something an operator should look at, though the store goes on (a torn tail cut at open). */
#define NUMBERING_LOG_WARNING 2
/** Routine events worth a line: the store opened and what it replayed, a compaction. */
#define NUMBERING_LOG_INFO 3
/** Detail for finding a problem. */
#define NUMBERING_LOG_DEBUG 4
/**@}*/

/** One field of a log record: both strings NUL-terminated, valid during the call only. */
typedef struct numbering_log_field {
	/** The key: lower-case letters, digits and '_' (e.g. "before_bytes"). */
	const char *key;
	/** The value as text (a number in decimal, a path, a status name). */
	const char *value;
} numbering_log_field;

/**
 * Receives one log record.
 * @param level NUMBERING_LOG_ERROR .. NUMBERING_LOG_DEBUG, never less severe than
 *        numbering_options.log_level.
 * @param message what happened, a fixed text per kind of record ("compacted").
 * @param fields @p field_count key/value pairs.
 * @param field_count how many fields (0 .. 16).
 * @param payload numbering_options.log_payload.
 *
 * Ownership and lifetime: everything is the library's, valid during the call only.
 * Thread safety: called from whichever thread caused the record (an open, a write, a
 * compaction), possibly from several at once; it must not call the store.
 */
typedef void (*numbering_log_cb)(int level, const char *message, const numbering_log_field *fields,
                                 int field_count, void *payload);

/**
 * The name of a log level.
 * @param[in] level NUMBERING_LOG_ERROR .. NUMBERING_LOG_DEBUG.
 * @return "error", "warning", "info" or "debug"; NULL for another value.
 *
 * Lifetime: a static string. Thread safety: any thread.
 */
NUMBERING_EXTERN(const char *) numbering_log_level_name(int level);

/**
 * Reads a log level's name ("error", "warning", "info", "debug"; case matters).
 * @param[out] out the level; 0 on failure.
 * @param[in] name the name.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "level") naming the value.
 *
 * Thread safety: any thread.
 */
NUMBERING_EXTERN(int) numbering_log_level_from_name(int *out, const char *name);

/**
 * Renders a record as one logfmt line, without a line end:
 * level=info msg="compacted" before_bytes=8391022 after_bytes=1048576 ...
 * A value is written bare when it is non-empty and holds only letters, digits and
 * '+', '-', '.', '/', ':', '_', '@'; otherwise quoted, with a double quote and a
 * backslash escaped by a backslash, and control bytes written as backslash-n, -r, -t
 * or -xNN (two hex digits), so a line never breaks. The message is always quoted.
 * @param[out] buf where the line goes, NUL-terminated, cut to @p size - 1 bytes.
 * @param[in] size bytes at @p buf (0: nothing is written).
 * @param[in] level the record's level.
 * @param[in] message the record's message.
 * @param[in] fields the record's fields (NULL when @p field_count is 0).
 * @param[in] field_count how many.
 * @return the length of the whole line (as snprintf: a value >= @p size means it was
 *         cut), or -1 for a bad level, a NULL message or fields, or a negative count.
 *
 * Ownership: nothing allocated. Thread safety: any thread.
 */
NUMBERING_EXTERN(int) numbering_log_format(char *buf, size_t size, int level, const char *message,
                                           const numbering_log_field *fields, int field_count);

#ifdef __cplusplus
}
#endif

#endif
