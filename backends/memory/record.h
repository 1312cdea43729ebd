/*
 * The memory backend's record: an instance in about a third of the bytes of its
 * numbering_instance. What the indexes read sits in a fixed header; the rest is a
 * compact body. What can be derived is not stored: the project part of the name
 * (the record names its project by index), "/phoneNumberInstances/", the +E164
 * phone number and range end, and the range size, each stored verbatim only when it
 * differs from what the numbers give.
 *
 * The bytes never leave the process, so the format can change freely.
 */
#ifndef NUMBERING_MEMORY_RECORD_H
#define NUMBERING_MEMORY_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/instance.h"

#define NUMBERING__MREC_PLACED_UNKNOWN_LABELS UINT8_MAX
#define NUMBERING__MREC_PLACED_UNKNOWN_BYTES UINT16_MAX

/* A uint64_t last follows the header (the record holds more than one number). */
#define NUMBERING__MREC_LAST 1
/* The name is project "/phoneNumberInstances/" tail; else project tail. */
#define NUMBERING__MREC_STANDARD 2

struct numbering__mrec {
	uint64_t first;
	int64_t create_time;
	uint32_t project;  /* index of the project in the backend's table */
	uint32_t size;     /* bytes of the whole record */
	uint16_t tail_len; /* bytes of the name after the project part (or the id) */
	uint8_t digits;
	uint8_t state; /* lifecycle state */
	uint8_t flags; /* NUMBERING__MREC_* */
	/* What the decoded instance's strings take, NULs included, and its label count,
	 * so a list page sizes its copy without a pass over the body; the _UNKNOWN values
	 * when they do not fit. */
	uint8_t placed_labels;
	uint16_t placed_bytes;
	/* uint64_t last if NUMBERING__MREC_LAST; the tail; the body */
};

static inline uint64_t numbering__mrec_last(const struct numbering__mrec *rec)
{
	uint64_t last = rec->first;
	if (rec->flags & NUMBERING__MREC_LAST)
		memcpy(&last, rec + 1, sizeof(last));
	return last;
}

static inline const char *numbering__mrec_tail(const struct numbering__mrec *rec)
{
	return (const char *)(rec + 1) + ((rec->flags & NUMBERING__MREC_LAST) ? sizeof(uint64_t) : 0);
}

/* The length of the "projects/{p}" part at the start of @name, 0 if it has none. */
size_t numbering__mrec_project_len(const char *name, size_t len);

/* The bytes a record of @instance takes; its name's project part is @project_len long. */
size_t numbering__mrec_size(const numbering_instance *instance, size_t project_len);
/* Writes the record (numbering__mrec_size() bytes, 8-byte aligned) of @instance. */
void numbering__mrec_write(struct numbering__mrec *rec, const numbering_instance *instance, uint32_t project,
                           size_t project_len);

/* Fills @out from @rec, whose project is @project (@project_len bytes), reusing @out's
 * buffers: allocates nothing when they are large enough. 0 or RESOURCE_EXHAUSTED. */
int numbering__mrec_read(numbering_instance *out, const struct numbering__mrec *rec, const char *project,
                         size_t project_len);
/* What placing @rec as an instance takes: numbering__mrec_measure() fills it. */
struct numbering__mrec_layout {
	size_t size;     /* bytes of the block, a multiple of 8 */
	uint32_t labels; /* label entries after the instance */
};

/* Whether the sizes @rec's header notes are what its body decodes to (a check). */
int numbering__mrec_noted_sizes_agree(const struct numbering__mrec *rec, size_t project_len);
/* Sizes the block numbering__mrec_place() builds @rec's instance in. */
void numbering__mrec_measure(struct numbering__mrec_layout *layout, const struct numbering__mrec *rec,
                             size_t project_len);
/* Builds @rec's instance in @block (layout->size bytes, 8-byte aligned), its strings
 * and labels in the block after it, as numbering__instance_freeze() lays out a copy:
 * the instance lives as long as the block and needs no freeing. NULL if @layout was
 * not measured for @rec. */
numbering_instance *numbering__mrec_place(void *block, const struct numbering__mrec_layout *layout,
                                          const struct numbering__mrec *rec, const char *project, size_t project_len);
/* Whether @rec's name is @name; its project part has been compared already. */
int numbering__mrec_tail_equals(const struct numbering__mrec *rec, const char *tail, size_t tail_len);
/* Writes @rec's name into @buf (NUL-terminated, cut to @size); returns its full length. */
size_t numbering__mrec_name(char *buf, size_t size, const struct numbering__mrec *rec, const char *project,
                            size_t project_len);
/* Frees every buffer of an instance only numbering__mrec_read() filled (a scratch
 * instance on the stack). */
void numbering__mrec_release(numbering_instance *scratch);

#endif
