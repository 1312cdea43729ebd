/*
 * Log records inside the library (numbering/log.h): a sink (the host's hook and its
 * least severe level), and how a backend of the library's own is handed one.
 */
#ifndef NUMBERING_CORE_LOG_H
#define NUMBERING_CORE_LOG_H

#include <stdint.h>

#include "numbering/log.h"

/* Where records go: @fn NULL sends none. */
struct numbering__log {
	numbering_log_cb fn;
	void *payload;
	int level; /* the least severe level delivered (NUMBERING_LOG_*) */
};

/*
 * Internal control operation (not in numbering/sys/backend.h: only the library's own
 * backends answer it; lib/model/record.h has the others), arg const struct
 * numbering__log *: where the backend sends its reports (compactions, failures) from
 * now on; the struct is copied. A store sends it once, at open. Beside the diagnostic
 * callback of numbering_file_options, not instead of it.
 */
#define NUMBERING__CONTROL_LOG 0x4e42f010

/* The messages of the records a store and its backends send (docs/OPERATIONS.md). */
#define NUMBERING__LOG_OPENED "store opened"
#define NUMBERING__LOG_RECOVERED "store recovered: a torn tail was cut"
#define NUMBERING__LOG_COMPACTED "compacted"
#define NUMBERING__LOG_FAILURE "storage failure"
#define NUMBERING__LOG_DAMAGE "damaged data found"

/* The most fields a record has. */
#define NUMBERING__LOG_FIELDS_MAX 16

/* Whether a record of @level goes anywhere. */
static inline int numbering__log_wants(const struct numbering__log *log, int level)
{
	return log != NULL && log->fn != NULL && level <= log->level;
}

/* Sends a record when its level is wanted. */
void numbering__log(const struct numbering__log *log, int level, const char *message,
                    const numbering_log_field *fields, int count);

/* Room for an int64 in decimal, or a duration in seconds ("-9223372036.854775808"). */
#define NUMBERING__LOG_NUMBER_SIZE 24

/* @v in decimal into @buf; returns @buf. */
const char *numbering__log_i64(char buf[NUMBERING__LOG_NUMBER_SIZE], int64_t v);

/* @ns as seconds with nine decimals ("0.001250000"), exact; returns @buf. */
const char *numbering__log_seconds(char buf[NUMBERING__LOG_NUMBER_SIZE], int64_t ns);

/* CLOCK_MONOTONIC in nanoseconds: the start of what a record times. */
int64_t numbering__log_clock(void);

/* The records a backend sends (docs/OPERATIONS.md), each with field "file" = @path:
 * a compaction that started at @started (numbering__log_clock()) and took the file
 * from @before to @after bytes holding @records records (info); a failure the backend
 * also gave its diagnostic callback, @detail its text (error). */
void numbering__log_compacted(const struct numbering__log *log, const char *path, int64_t before, int64_t after,
                              int64_t records, int64_t started);
void numbering__log_failure(const struct numbering__log *log, const char *path, const char *detail);

/* A call (@operation: a JSON method's name, or a C function's) that answered
 * NUMBERING_DATA_LOSS: error, with the thread's error message as "detail". */
void numbering__log_damage(const struct numbering__log *log, const char *operation);

#endif
