/*
 * Validation that needs no store: names, ids, display names, labels, URIs,
 * update masks, timestamps. Each function returns NUMBERING_OK or sets the thread's
 * error (INVALID_ARGUMENT with a violation naming @field) and returns its code.
 */
#ifndef NUMBERING_MODEL_VALIDATE_H
#define NUMBERING_MODEL_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "model/instance.h"

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

/* Key 1..100 and value 0..1000 characters of valid UTF-8 without control characters. */
int numbering__validate_label(const char *key, const char *value, const char *field);

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

/* Parses RFC 3339 (any offset, up to 9 fractional digits) into ns since the epoch. */
int numbering__parse_time(int64_t *ns, const char *text, const char *field);

#endif
