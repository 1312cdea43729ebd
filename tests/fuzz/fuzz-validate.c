/*
 * fuzz-validate: URI, label, display-name and other text validation, through the
 * public setters of numbering_instance.
 *
 * Input: one selector byte, then strings separated by NUL bytes. The selector (mod 8)
 * picks the setter each string goes to, in turn: display name, label (key and value,
 * two strings each), message handler, call handler, regulatory listing, phone number,
 * range end, or a mix (each string's first byte picks: '0' display name .. '6' range
 * end). Up to 64 calls per input, so
 * the limits (5 handlers, 50 labels) are reached.
 *
 * Properties: an accepted display name reads back as at most 100 code points and is
 * accepted again unchanged (NFC is idempotent); an accepted label reads back as set,
 * labels stay in strictly increasing key order and at most 50; accepted handlers read
 * back as given and stay at most 5; the instance built encodes, and the encoding
 * decodes to an instance that encodes to the same bytes.
 */
#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "fuzz.h"

enum { DISPLAY_NAME, LABEL, MESSAGE_HANDLER, CALL_HANDLER, LISTING, PHONE_NUMBER, RANGE_END, MIX };

static size_t code_points(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void check_display_name(numbering_instance *instance, const char *text)
{
	if (numbering_instance_set_display_name(instance, text) != NUMBERING_OK)
		return;
	const char *got = numbering_instance_display_name(instance);
	FUZZ_CHECK(got != NULL && code_points(got) <= NUMBERING_DISPLAY_NAME_MAX);
	char *copy = strdup(got);
	if (copy == NULL)
		return;
	FUZZ_CHECK(numbering_instance_set_display_name(instance, copy) == NUMBERING_OK);
	FUZZ_CHECK(strcmp(numbering_instance_display_name(instance), copy) == 0);
	free(copy);
}

static void check_label(numbering_instance *instance, const char *key, const char *value)
{
	int before = numbering_instance_label_count(instance);
	if (numbering_instance_set_label(instance, key, value) == NUMBERING_OK) {
		/* Keys and values are kept in NFC: what comes back is the value or its NFC
		 * form, and setting that again changes nothing (normalizing is idempotent). */
		const char *got = numbering_instance_label(instance, key);
		FUZZ_CHECK(got != NULL);
		char *copy = strdup(got);
		if (copy != NULL) {
			FUZZ_CHECK(numbering_instance_set_label(instance, key, copy) == NUMBERING_OK);
			FUZZ_CHECK(strcmp(numbering_instance_label(instance, key), copy) == 0);
			free(copy);
		}
	} else {
		FUZZ_CHECK(numbering_instance_label_count(instance) == before);
	}
	int count = numbering_instance_label_count(instance);
	FUZZ_CHECK(count >= 0 && count <= NUMBERING_LABELS_MAX);
	for (int i = 1; i < count; i++)
		FUZZ_CHECK(strcmp(numbering_instance_label_key(instance, i - 1), numbering_instance_label_key(instance, i)) < 0);
	FUZZ_CHECK(numbering_instance_label_key(instance, count) == NULL);
	/* Sometimes remove it again, so removal is explored too. */
	if (value[0] == '-')
		(void)numbering_instance_remove_label(instance, key);
}

static void check_handler(numbering_instance *instance, const char *uri, int call)
{
	int (*add)(numbering_instance *, const char *) =
	        call ? numbering_instance_add_call_handler : numbering_instance_add_message_handler;
	int (*count_of)(const numbering_instance *) =
	        call ? numbering_instance_call_handler_count : numbering_instance_message_handler_count;
	const char *(*get)(const numbering_instance *, int) =
	        call ? numbering_instance_call_handler : numbering_instance_message_handler;
	int before = count_of(instance);
	if (add(instance, uri) == NUMBERING_OK) {
		FUZZ_CHECK(count_of(instance) == before + 1);
		FUZZ_CHECK(strcmp(get(instance, before), uri) == 0);
	} else {
		FUZZ_CHECK(count_of(instance) == before);
	}
	FUZZ_CHECK(count_of(instance) <= NUMBERING_HANDLER_URIS_MAX);
	FUZZ_CHECK(get(instance, count_of(instance)) == NULL);
}

static void check_encoding(const numbering_instance *instance)
{
	uint8_t *bytes = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	if (numbering_instance_encode(&bytes, &len, instance) != NUMBERING_OK)
		return;
	numbering_instance *decoded = NULL;
	FUZZ_CHECK(numbering_instance_new(&decoded) == NUMBERING_OK);
	FUZZ_CHECK(numbering_instance_decode(decoded, bytes, len) == NUMBERING_OK);
	FUZZ_CHECK(numbering_instance_encode(&again, &again_len, decoded) == NUMBERING_OK);
	FUZZ_CHECK(again_len == len && memcmp(again, bytes, len) == 0);
	numbering_free(bytes);
	numbering_free(again);
	numbering_instance_free(decoded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int selector = data[0] % 8;
	data++, size--;
	numbering_instance *instance = NULL;
	if (numbering_instance_new(&instance) != NUMBERING_OK)
		return 0;
	const char *pending_key = NULL;
	char *key_copy = NULL;
	for (int calls = 0; calls < 64 && (size > 0 || calls == 0); calls++) {
		char *text = fuzz_string(data, size);
		if (text == NULL)
			break;
		size_t used = strlen(text) + 1;
		data += used <= size ? used : size;
		size -= used <= size ? used : size;
		int what = selector;
		const char *arg = text;
		if (what == MIX) {
			/* '0' display name, '1' label, ... '6' range end. */
			what = text[0] ? (int)(((unsigned char)text[0] + 256u - '0') % 7) : DISPLAY_NAME;
			arg = text[0] ? text + 1 : text;
		}
		switch (what) {
		case DISPLAY_NAME:
			check_display_name(instance, arg);
			break;
		case LABEL:
			if (pending_key == NULL) {
				key_copy = strdup(arg);
				pending_key = key_copy;
			} else {
				check_label(instance, pending_key, arg);
				free(key_copy);
				key_copy = NULL;
				pending_key = NULL;
			}
			break;
		case MESSAGE_HANDLER:
			check_handler(instance, arg, 0);
			break;
		case CALL_HANDLER:
			check_handler(instance, arg, 1);
			break;
		case LISTING:
			(void)numbering_instance_set_regulatory_listing(instance, arg);
			break;
		case PHONE_NUMBER:
			(void)numbering_instance_set_phone_number(instance, arg);
			break;
		default:
			(void)numbering_instance_set_range_end(instance, arg);
			break;
		}
		free(text);
	}
	free(key_copy);
	check_encoding(instance);
	numbering_instance_free(instance);
	return 0;
}
