/*
 * Validation that needs no store: names, ids, display names, labels, URIs,
 * update masks, timestamps. Each function returns NUMBERING_OK or sets the thread's
 * error (INVALID_ARGUMENT with a violation naming @field) and returns its code.
 */
#ifndef NUMBERING_MODEL_VALIDATE_H
#define NUMBERING_MODEL_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/instance.h"

/* Text of 1 .. @max_bytes bytes: valid UTF-8 without control characters (@field names
 * it in the error, which quotes the value). */
int numbering__validate_text(const char *text, size_t max_bytes, const char *field);

/* The scan numbering__stored_text_problem() makes of text that is not all ASCII
 * without NUL. */
const char *numbering__stored_text_scan(const unsigned char *s, size_t len);

/*
 * What is wrong with the @len bytes of a stored text at @s, or NULL: "it holds a NUL
 * byte" or "it is not UTF-8 text". Every record reader asks it of each text it reads,
 * so that such a record (damaged, or imported from a hand-edited export) is DATA_LOSS
 * naming the record and the field when read, checked, imported or fsck'ed, not "out of
 * memory" when json_string() refuses it in a rendering. Control characters are not its
 * business: a stored text holds what its writer took.
 *
 * Inline, as the readers call it on every string of a body: ASCII without NUL (most
 * text) is a few instructions a word, and a call only for the rest. For a byte b,
 * (b - 1) | b has its high bit set exactly when b is NUL or not ASCII (a borrow from a
 * NUL flags more, which the scan then reads byte by byte).
 */
static inline const char *numbering__stored_text_problem(const void *text, size_t len)
{
	const unsigned char *s = text;
	if (len >= 8) {
		const uint64_t ones = UINT64_C(0x0101010101010101);
		uint64_t w, flags = 0;
		for (size_t i = 0; i + 8 <= len; i += 8) {
			memcpy(&w, s + i, 8);
			flags |= (w - ones) | w;
		}
		memcpy(&w, s + len - 8, 8); /* the last word, overlapping */
		flags |= (w - ones) | w;
		if ((flags & (ones << 7)) == 0)
			return NULL;
	} else {
		unsigned flags = 0;
		for (size_t i = 0; i < len; i++)
			flags |= ((unsigned)s[i] - 1u) | s[i];
		if ((flags & ~0x7fu) == 0)
			return NULL;
	}
	return numbering__stored_text_scan(s, len);
}

/* "projects/{project}": project is 1..63 of a-z, 0-9, '-'. Sets *project_len to the
 * length of the whole "projects/{project}" part. */
int numbering__parse_parent(const char *parent, const char *field, size_t *parent_len);

/* "projects/{project}/phoneNumberInstances/{id}". Sets *parent_len to the length of
 * "projects/{project}" and *id to the start of the id inside @name. */
int numbering__parse_instance_name(const char *name, const char *field, size_t *parent_len, const char **id);

/* An instance id per AIP-122: 1..63 of a-z, 0-9 and '-', starting with a letter,
 * not ending with '-'. */
int numbering__validate_instance_id(const char *id, const char *field);

/* "projects/{project}/regulatoryListings/{listing}". */
int numbering__validate_regulatory_listing(const char *listing, const char *field);

/* Valid UTF-8, no control characters, at most 100 code points after NFC; writes the
 * NFC form into @out. */
int numbering__normalize_display_name(struct numbering__str *out, const char *display_name, const char *field);

/*
 * The NFC form of @len bytes of valid UTF-8 at @text: *out is @text itself when it is
 * ASCII (its own NFC), else a new buffer, NUL-terminated, that *owned holds too (free
 * it with numbering__free_mem). Sets no error: returns NUMBERING_OK,
 * NUMBERING_RESOURCE_EXHAUSTED or a (negative) utf8proc error code.
 */
int numbering__nfc(const char **out, size_t *out_len, char **owned, const char *text, size_t len);

/* A label as the model keeps it: key and value in NFC. */
struct numbering__nfc_label {
	const char *key, *value; /* NUL-terminated */
	size_t key_len, value_len;
	char *owned[2];
};

/*
 * Key 1..100 and value 0..1000 characters of valid UTF-8 without control characters,
 * counted after NFC normalization; writes both in NFC into @out (the key is what
 * makes a label that label: keys equal after NFC are one key). On success free @out
 * with numbering__nfc_label_free().
 */
int numbering__normalize_label(struct numbering__nfc_label *out, const char *key, const char *value,
                               const char *field);
void numbering__nfc_label_free(struct numbering__nfc_label *label);

/* numbering__normalize_label() without keeping the result. */
int numbering__validate_label(const char *key, const char *value, const char *field);

/* Credentials never live in a URI: an http or https URI with user information
 * ("https://user:secret@host"), a sip or sips URI with a password, is refused by the
 * checks below; one stored before them is read redacted. */

/* @uri with its credential replaced by "***" (the user information of
 * an http URI, the password of "sip:alice:***@host"), into @out as snprintf() would: returns the whole length. */
size_t numbering__uri_redact(char *out, size_t size, const char *uri);

/* numbering__uri_redact() within @uri's own bytes, so it cannot fail: a credential of
 * fewer than 3 bytes becomes as many '*'. Returns the new length. */
size_t numbering__uri_redact_in_place(char *uri);

/* An absolute http or https URI (message handlers). */
int numbering__validate_message_handler(const char *uri, const char *field);

/* http, https, sip, sips (sip:user@host[:port]), or tel:+E164 (call handlers). */
int numbering__validate_call_handler(const char *uri, const char *field);

/* Parses an update mask (comma-separated paths, camelCase or snake_case; NULL, "" or
 * "*" is every writable field) into NUMBERING__SET_* bits of writable fields. A path
 * naming an output-only or create-only field, or no field, is INVALID_ARGUMENT. */
int numbering__parse_update_mask(uint32_t *bits, const char *mask, const char *field);

/* RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits ("2026-11-22T22:41:26.123Z"):
 * writes at most 40 bytes into @buf. */
void numbering__format_time(char buf[40], int64_t ns);

/* @ns plus @months calendar months (UTC), on the same day or the month's last when it
 * is shorter; clamped to NUMBERING__TIME_MIN .. NUMBERING__TIME_MAX. */
int64_t numbering__add_months(int64_t ns, int months);

/* Parses RFC 3339 (any offset, up to 9 fractional digits) into ns since the epoch;
 * a time outside NUMBERING__TIME_MIN .. NUMBERING__TIME_MAX is INVALID_ARGUMENT. */
int numbering__parse_time(int64_t *ns, const char *text, const char *field);

/*
 * The times the library records, reads and hands out: the whole years that int64
 * nanoseconds since 1970 hold (1677-09-21 .. 2262-04-11), so that a time one step
 * past either end can still be computed, compared and refused. RFC 3339 itself
 * reaches 0001 .. 9999; those years are refused, not wrapped.
 */
#define NUMBERING__TIME_MIN_TEXT "1678-01-01T00:00:00Z"
#define NUMBERING__TIME_MAX_TEXT "2261-12-31T23:59:59.999999999Z"
#define NUMBERING__TIME_MIN (INT64_C(-9214560000) * 1000000000)
#define NUMBERING__TIME_MAX (INT64_C(9214646399) * 1000000000 + 999999999)

/* Whether @ns lies in NUMBERING__TIME_MIN .. NUMBERING__TIME_MAX. */
static inline int numbering__time_in_range(int64_t ns)
{
	return ns >= NUMBERING__TIME_MIN && ns <= NUMBERING__TIME_MAX;
}

#endif
