/*
 * Instances, idempotency records and store metadata as records (numbering/sys/record.h,
 * kinds in model/kinds.h): what the service gives a record-store backend and reads
 * back from one.
 *
 * An instance record: kind NUMBERING__KIND_INSTANCE, name = the instance's name,
 * parent = its "projects/{p}" ("" for a name of another form), sort_key = its create
 * time, flags LISTED | NUMBERS unless it is DELETED (then 0), the interval its
 * numbers (kept when deleted), no expiry, no secondary keys. The body holds the rest
 * (docs/RECORDS.md): what the keys carry and what the numbers give (the +E164 phone
 * number and range end, the range size) is not stored.
 */
#ifndef NUMBERING_MODEL_INSTANCE_RECORD_H
#define NUMBERING_MODEL_INSTANCE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "model/instance.h"
#include "model/kinds.h"
#include "model/record.h"

/*
 * Fills @out with the record of @instance. Its body and parent are written to @body
 * (emptied first, its memory reused: no allocation once grown); the name points into
 * @instance. @out is valid while both are unchanged. NUMBERING_INVALID_ARGUMENT
 * naming the field for an instance the encoding cannot hold (no name, no numbers,
 * an enum or a string outside the model's limits); NUMBERING_RESOURCE_EXHAUSTED.
 */
int numbering__instance_to_record(numbering_record *out, struct numbering__buf *body,
                                  const numbering_instance *instance);

/*
 * Fills @out from @record, reusing @out's buffers: no allocation once they have
 * grown (the resolve path). NUMBERING_DATA_LOSS naming what is wrong for a record
 * that is not an instance's (@out is then emptied); NUMBERING_RESOURCE_EXHAUSTED.
 */
int numbering__instance_from_record(numbering_instance *out, const numbering_record *record);

/*
 * numbering__instance_from_record() for a record the library's own backend kept as
 * numbering__instance_to_record() wrote it (the memory backend's, the file backend's
 * after replay checked it): the body's structure is still checked, so nothing is
 * read outside it, but not the model's limits, which the bytes met when they were
 * written, nor the keys beyond the kind and the digit count (the parent and the
 * absent secondary keys are as numbering__instance_to_record() wrote them). The
 * resolve and get paths over the library's backends; a host's backend gets
 * numbering__instance_from_record(). NUMBERING_DATA_LOSS; NUMBERING_RESOURCE_EXHAUSTED.
 */
int numbering__instance_from_own_record(numbering_instance *out, const numbering_record *record);

/*
 * numbering__instance_from_own_record() given the +E164 text of one number, @value of
 * @digits digits: @e164 holds '+', those digits and a NUL, as the parser writes them
 * (e164/number.h). A derived string that is that number's text (the phone number of
 * the instance it is the first number of) is copied from it instead of formatted: the
 * resolve path, which has just parsed the number.
 */
int numbering__instance_from_own_record_e164(numbering_instance *out, const numbering_record *record, uint64_t value,
                                             unsigned digits, const char *e164);

/*
 * numbering__instance_from_record() given the +E164 text of one number, as
 * numbering__instance_from_own_record_e164() is given it: every check of the checking
 * reader, and the phone number copied instead of formatted.
 */
int numbering__instance_from_record_e164(numbering_instance *out, const numbering_record *record, uint64_t value,
                                         unsigned digits, const char *e164);

/* What placing an instance record takes: numbering__instance_record_measure() fills it. */
struct numbering__instance_layout {
	size_t size;     /* bytes of the block, a multiple of 8 */
	uint32_t labels; /* label entries after the instance */
};

/*
 * Sizes the block numbering__instance_record_place() builds @record's instance in.
 * It walks the body's structure only (NUMBERING_DATA_LOSS for counts past its end);
 * placing checks the rest.
 */
int numbering__instance_record_measure(struct numbering__instance_layout *layout, const numbering_record *record);

/*
 * Builds @record's instance in @block (layout->size bytes, 8-byte aligned), laid out
 * as numbering__instance_freeze() lays out a copy: the labels right after the
 * instance, then its strings, each marked borrowed. The instance lives as long as
 * the block; it is never freed nor changed. NULL, with the thread's error set, for a
 * record numbering__instance_from_record() refuses (NUMBERING_DATA_LOSS) or a
 * @layout measured for another record (NUMBERING_INTERNAL).
 */
numbering_instance *numbering__instance_record_place(void *block, const struct numbering__instance_layout *layout,
                                                     const numbering_record *record);
/* numbering__instance_record_place() for a record of the library's own backend
 * (numbering__instance_from_own_record() says which). */
numbering_instance *numbering__instance_record_place_own(void *block, const struct numbering__instance_layout *layout,
                                                         const numbering_record *record);

/*
 * Builds @record's instance in one pass over its body (no measuring first: the list
 * page path) in the @room bytes at @block (8-byte aligned): the instance, its
 * strings, then its labels, each string marked borrowed. On NUMBERING_OK, *out is
 * the instance (at @block) and *used the bytes it took, a multiple of 8 (or @room);
 * or, when it does not fit in @room, *out is NULL and *used 0, and the caller
 * measures it (numbering__instance_record_measure()) and places it in a block of that
 * size. @trusted: a record of the library's own backend, read as
 * numbering__instance_from_own_record() reads it. NUMBERING_DATA_LOSS naming what is
 * wrong for a record numbering__instance_from_record() (or _from_own_record())
 * refuses.
 */
int numbering__instance_record_place_in(numbering_instance **out, size_t *used, void *block, size_t room,
                                        const numbering_record *record, int trusted);

/* The META record names. */
#define NUMBERING__META_TOKEN_KEY "token-key" /* body: the 32-byte page-token key */
#define NUMBERING__META_LAST_TIME "last-time" /* body: 8 bytes, the last time handed out, little-endian */
/* The id sequences (service.h NUMBERING__SEQ_*): body 8 bytes, the last id handed out,
 * little-endian; absent: none handed out yet. */
#define NUMBERING__META_SEQ_PHONE "seq-phone"
#define NUMBERING__META_SEQ_APPLICATION "seq-application"
#define NUMBERING__META_SEQ_RULE "seq-rule"
/* Present (body 1 byte, 1) once every instance of the store has a phone id: written
 * by the migration of a store made before phone ids (service/phone.c) and at the
 * first open of a new store. */
#define NUMBERING__META_PHONE_IDS "phone-ids"

/*
 * A META record (parent "", no keys, sort_key 0, flags 0) named @name with @len bytes
 * of @body; everything borrowed. NUMBERING_INVALID_ARGUMENT for a name other than
 * the two above or a body of another size.
 */
int numbering__meta_record(numbering_record *out, const char *name, const void *body, size_t len);

/* Bytes of a request record's name: "projects/{p}/requests/{id}" and its NUL. */
#define NUMBERING__REQUEST_NAME_SIZE (NUMBERING_RECORD_NAME_MAX + 1)

/*
 * A REQUEST record (an idempotency record): name @project "/requests/" @request_id,
 * written to @name_buf (NUMBERING__REQUEST_NAME_SIZE bytes), parent @project,
 * sort_key @create_time (the create time of the instance the request made), flags 0,
 * body @len bytes of @value (digest, 0, compliance, encoded instance: see
 * lib/service/create.c). NUMBERING_INVALID_ARGUMENT for an empty project or id or a
 * name over the record limit.
 */
int numbering__request_record(numbering_record *out, char *name_buf, const char *project, const char *request_id,
                              int64_t create_time, const void *value, size_t len);

#endif
