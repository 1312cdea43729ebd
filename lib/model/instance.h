/*
 * The layout of an instance, shared by the model, the service and the backends.
 * Strings are grow-only buffers so that filling an instance again (a resolve, a
 * get into a reused object) allocates nothing once it has grown.
 */
#ifndef NUMBERING_MODEL_INSTANCE_H
#define NUMBERING_MODEL_INSTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "numbering/instance.h"

/* A grow-only string: ptr is NULL or NUL-terminated; len excludes the NUL. */
struct numbering__str {
	char *ptr;
	uint32_t len;
	uint32_t cap; /* bytes at ptr, with NUMBERING__STR_BORROWED possibly set */
};

/* Set in cap when ptr is not the string's own allocation but part of its instance's
 * (numbering_instance_copy() and numbering__instance_new_reserved() put the strings
 * in the instance's block): written in place while it is large enough, never freed
 * or reallocated; a longer value gets a buffer of its own. */
#define NUMBERING__STR_BORROWED 0x80000000u

/* The bytes a string may hold in place, its NUL included. */
static inline uint32_t numbering__str_capacity(const struct numbering__str *str)
{
	return str->cap & ~NUMBERING__STR_BORROWED;
}

struct numbering__label {
	struct numbering__str key;
	struct numbering__str value;
};

/* Bits of numbering_instance.set: which request fields a caller set (for create
 * and update; a mask "*" means every writable field, set or not). */
enum {
	NUMBERING__SET_PHONE_NUMBER = 1 << 0,
	NUMBERING__SET_RANGE_SIZE = 1 << 1,
	NUMBERING__SET_RANGE_END = 1 << 2,
	NUMBERING__SET_CAPABILITIES = 1 << 3,
	NUMBERING__SET_NUMBER_TYPE = 1 << 4,
	NUMBERING__SET_DISPLAY_NAME = 1 << 5,
	NUMBERING__SET_LABELS = 1 << 6,
	NUMBERING__SET_MESSAGE_HANDLERS = 1 << 7,
	NUMBERING__SET_CALL_HANDLERS = 1 << 8,
	NUMBERING__SET_RECORDING_TRIGGER = 1 << 9,
	NUMBERING__SET_LIFECYCLE_STATE = 1 << 10,
	NUMBERING__SET_REGULATORY_LISTING = 1 << 11
};

struct numbering_instance {
	struct numbering__str name;          /* "projects/p/phoneNumberInstances/id" or "" */
	struct numbering__str phone_number;  /* +E164 of the first number; request: the text as set */
	struct numbering__str range_end;     /* +E164 of the last number of a range; request: the text as set */
	int64_t range_size;                  /* numbers held (>= 1 once stored); request: as set, 0 unset */
	uint64_t first, last;                /* the digits of the first and last number, once stored */
	uint8_t digits;                      /* digit count of first and last, 0 before storage */
	uint8_t is_range;                    /* created as a range (range fields are output) */
	uint8_t lifecycle_state;             /* numbering_lifecycle_state */
	uint8_t call_recording_trigger;      /* numbering_recording_trigger; 0 reads as DISABLED */
	uint8_t number_type;                 /* numbering_number_type */
	uint8_t capabilities;                /* NUMBERING_CAPABILITY_* */
	uint8_t compliant;                   /* computed by the service on the way out */
	/* The store lock's reader slot a get into this instance reads in (core/rwlock.h,
	 * numbering__rwlock_new_slot()), 0 until its first: an instance is one thread's at
	 * a time, as a resolution is, and this saves a get the thread-local look-up. In
	 * what was padding; not a field (reset and assign leave it). */
	uint8_t read_slot;
	uint32_t set;                        /* NUMBERING__SET_* bits (requests only) */
	int64_t create_time, delete_time, activate_time; /* ns since the epoch, 0 unset */
	int64_t phone_id;                    /* the store-wide phone id (service/phone.h), 0 before storage */
	struct numbering__str sku;
	struct numbering__str activation_sku;
	struct numbering__str country_code;
	struct numbering__str display_name;
	struct numbering__str regulatory_listing;
	uint32_t label_count, label_cap;
	struct numbering__label *labels;     /* sorted by key (strcmp) */
	uint32_t message_handler_count;
	struct numbering__str message_handlers[NUMBERING_HANDLER_URIS_MAX];
	uint32_t call_handler_count;
	struct numbering__str call_handlers[NUMBERING_HANDLER_URIS_MAX];
};

/* Sets a grow-only string to @len bytes of @s; NUMBERING_RESOURCE_EXHAUSTED on failure
 * (then unchanged). */
int numbering__str_set(struct numbering__str *str, const char *s, size_t len);
/* "" for an unset string. */
const char *numbering__str_get(const struct numbering__str *str);
void numbering__str_free(struct numbering__str *str);

/* Empties an instance, keeping its buffers for reuse. */
void numbering__instance_reset(numbering_instance *instance);

/* The handlers of @instance with a credential stored before they were refused
 * (model/uri.c) replaced by "***", in place. For what is handed to a caller only:
 * the records keep the handlers as stored, and every write starts from them, so a
 * write of other fields never turns a stored credential into "***". */
void numbering__instance_hide_credentials_in(numbering_instance *instance);
/* Inline, as every get and resolve asks it: an instance without handlers (most) costs
 * a test, not a call (bench-store --profile-get: 18 instructions a get as a call). */
static inline void numbering__instance_hide_credentials(numbering_instance *instance)
{
	if ((instance->message_handler_count | instance->call_handler_count) != 0)
		numbering__instance_hide_credentials_in(instance);
}

/* Copies @src into @dst, reusing @dst's buffers. */
int numbering__instance_assign(numbering_instance *dst, const numbering_instance *src);

/* A new empty instance whose name, phone number, range end, country code and display
 * name have room inside the instance's own allocation, so that filling it with a typical stored
 * instance (a get) allocates nothing more. Free with numbering_instance_free(). */
int numbering__instance_new_reserved(numbering_instance **out);
/* The bytes after the instance that hold those reserved strings. */
#define NUMBERING__INSTANCE_RESERVED_ROOM 216
/* The same in memory the caller holds (a purchase's, on its stack): an instance and
 * NUMBERING__INSTANCE_RESERVED_ROOM bytes after it, aligned for an instance. Give it
 * back with numbering__instance_release(), never numbering_instance_free(). */
void numbering__instance_init_reserved(numbering_instance *instance);
/* Frees what @instance owns (strings grown past their room, labels), not @instance. */
void numbering__instance_release(numbering_instance *instance);

/* A read-only copy laid out in one block the caller provides (a list page puts all its
 * instances in a few large blocks): numbering__instance_frozen_size() bytes, aligned
 * for an instance. Its strings and labels live in the block; it must never be passed
 * to numbering_instance_free() nor changed. */
/* The bytes of the strings of @src, a NUL after each non-empty one: what a frozen
 * copy of it holds after its labels. */
size_t numbering__instance_strings_size(const numbering_instance *src);
size_t numbering__instance_frozen_size(const numbering_instance *src);
numbering_instance *numbering__instance_freeze(void *block, const numbering_instance *src);

#endif
