/* The change journal's records (model/change-record.h). */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/change-record.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "model/varint.h"

static const char *const change_names[NUMBERING__CHANGE_MAX + 1] = {
	[NUMBERING__CHANGE_CREATED] = "created",
	[NUMBERING__CHANGE_UPDATED] = "updated",
	[NUMBERING__CHANGE_DELETED] = "deleted",
	[NUMBERING__CHANGE_RELOAD] = "reload",
};

const char *numbering__change_name(int change)
{
	return change >= 1 && change <= NUMBERING__CHANGE_MAX ? change_names[change] : NULL;
}

/* Writes @value in decimal at @out, NUL after it; returns the digits written. By hand:
 * snprintf was 850 instructions, a third of what the journal first added to a commit. */
static size_t put_decimal(char *out, int64_t value)
{
	char digits[20];
	size_t n = 0;
	uint64_t v = value < 0 ? 0 : (uint64_t)value;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = digits[n - 1 - i];
	out[n] = '\0';
	return n;
}

static const char name_prefix[] = "changes/";
#define PREFIX_LEN (sizeof(name_prefix) - 1)

void numbering__change_record_name(char name[NUMBERING__CHANGE_NAME_SIZE], int64_t sequence)
{
	memcpy(name, name_prefix, PREFIX_LEN);
	put_decimal(name + PREFIX_LEN, sequence);
}

size_t numbering__change_ring_prefix(char prefix[NUMBERING__CHANGE_NAME_SIZE], int64_t window)
{
	memcpy(prefix, name_prefix, PREFIX_LEN);
	size_t len = PREFIX_LEN + put_decimal(prefix + PREFIX_LEN, window);
	prefix[len++] = '/';
	prefix[len] = '\0';
	return len;
}

void numbering__change_ring_name(char name[NUMBERING__CHANGE_NAME_SIZE], size_t prefix_len, int64_t window,
                                 int64_t sequence)
{
	put_decimal(name + prefix_len, sequence % window);
}

int64_t numbering__change_ring_sort_key(int64_t window, int64_t sequence)
{
	return -(sequence % window) - 1;
}

/* A decimal of 1 .. 18 digits without a leading zero (but "0" itself) at *p, ended by
 * @stop; -1 when there is none. */
static int64_t get_decimal(const char **p, char stop)
{
	const char *s = *p;
	uint64_t v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 18)
			return -1;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (n == 0 || (n > 1 && s[0] == '0') || s[n] != stop)
		return -1;
	*p = s + n;
	return (int64_t)v;
}

int64_t numbering__change_name_window(const char *name, int64_t sort_key)
{
	if (name == NULL || strncmp(name, name_prefix, PREFIX_LEN) != 0)
		return -1;
	const char *p = name + PREFIX_LEN;
	if (sort_key >= 1) {
		char linear[NUMBERING__CHANGE_NAME_SIZE];
		numbering__change_record_name(linear, sort_key);
		return strcmp(name, linear) == 0 ? 0 : -1;
	}
	int64_t window = get_decimal(&p, '/');
	if (window < 1 || window > NUMBERING__CHANGE_WINDOW_MAX)
		return -1;
	p++;
	int64_t slot = get_decimal(&p, '\0');
	return slot >= 0 && slot < window && sort_key == -slot - 1 ? window : -1;
}

/* Appends @v to @body, which has the room. */
static void put_varint(struct numbering__buf *body, uint64_t v)
{
	body->len = (size_t)(numbering__varint_put(body->ptr + body->len, v) - body->ptr);
}

int numbering__change_body_begin(struct numbering__buf *body, int64_t sequence, int64_t time, size_t count)
{
	int rc = numbering__buf_reserve(body, 30);
	if (rc != NUMBERING_OK)
		return rc;
	if (sequence > 0)
		put_varint(body, (uint64_t)sequence);
	put_varint(body, numbering__zigzag(time));
	put_varint(body, count);
	return NUMBERING_OK;
}

int numbering__change_body_entry(struct numbering__buf *body, int kind, int change, const char *name, size_t len)
{
	int rc = numbering__buf_reserve(body, len + 12);
	if (rc != NUMBERING_OK)
		return rc;
	body->ptr[body->len++] = (uint8_t)kind;
	body->ptr[body->len++] = (uint8_t)change;
	put_varint(body, len);
	if (len > 0)
		memcpy(body->ptr + body->len, name, len);
	body->len += len;
	return NUMBERING_OK;
}

int numbering__change_body_end(struct numbering__buf *body, int64_t last_phone)
{
	int rc = last_phone > 0 ? numbering__buf_reserve(body, 10) : NUMBERING_OK;
	if (rc == NUMBERING_OK && last_phone > 0)
		put_varint(body, (uint64_t)last_phone);
	return rc;
}

void numbering__change_record(numbering_record *out, char name[NUMBERING__CHANGE_NAME_SIZE], int64_t sequence,
                              const struct numbering__buf *body)
{
	numbering__change_record_name(name, sequence);
	numbering__change_record_named(out, name, sequence, body);
}

void numbering__change_record_named(numbering_record *out, const char *name, int64_t sort_key,
                                    const struct numbering__buf *body)
{
	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = NUMBERING__KIND_CHANGE;
	out->name = name;
	out->parent = "";
	out->sort_key = sort_key;
	out->body = body->ptr;
	out->body_len = body->len;
}

/* A varint at *pos of @end - p bytes: 0, or 1 when it is cut, too long or not in its
 * shortest form. */
static int get_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
	const uint8_t *at = p + *pos;
	int bad = numbering__varint_get(&at, p + len, out) != NULL;
	*pos = (size_t)(at - p);
	return bad;
}

/* The whole body read, each entry handed to @visit (NULL: checked only); the last
 * phone id after the entries into *phone (0: none). */
static int read_body(const numbering_record *record, size_t pos, int64_t *time, size_t *count, int64_t *phone,
                     int (*visit)(const struct numbering__change_entry *entry, void *payload), void *payload)
{
	const uint8_t *p = record->body;
	size_t len = record->body_len;
	uint64_t v = 0, n = 0;
	char problem[96];
	if (get_varint(p, len, &pos, &v) != 0)
		return numbering__record_damaged(record, "change journal ", "time", "cut or not a varint");
	*time = numbering__unzigzag(v);
	if (get_varint(p, len, &pos, &n) != 0)
		return numbering__record_damaged(record, "change journal ", "count", "cut or not a varint");
	if (n < 1 || n > NUMBERING__CHANGE_ENTRIES_MAX) {
		snprintf(problem, sizeof(problem), "%llu, not 1 .. %d", (unsigned long long)n,
		         NUMBERING__CHANGE_ENTRIES_MAX);
		return numbering__record_damaged(record, "change journal ", "count", problem);
	}
	for (uint64_t i = 0; i < n; i++) {
		struct numbering__change_entry e;
		uint64_t name_len = 0;
		if (len - pos < 2) {
			snprintf(problem, sizeof(problem), "entry %llu is cut at byte %zu", (unsigned long long)i, pos);
			return numbering__record_damaged(record, "change journal ", "entries", problem);
		}
		e.kind = p[pos++];
		e.change = p[pos++];
		if (numbering__kind_find(e.kind) == NULL || !numbering__change_journaled(e.kind)) {
			snprintf(problem, sizeof(problem), "entry %llu names kind %d, which is not journaled",
			         (unsigned long long)i, e.kind);
			return numbering__record_damaged(record, "change journal ", "kind", problem);
		}
		if (numbering__change_name(e.change) == NULL) {
			snprintf(problem, sizeof(problem), "entry %llu says change %d, not 1 .. %d", (unsigned long long)i,
			         e.change, NUMBERING__CHANGE_MAX);
			return numbering__record_damaged(record, "change journal ", "change", problem);
		}
		if (get_varint(p, len, &pos, &name_len) != 0 || name_len > len - pos) {
			snprintf(problem, sizeof(problem), "entry %llu's name is cut at byte %zu", (unsigned long long)i, pos);
			return numbering__record_damaged(record, "change journal ", "name", problem);
		}
		e.name = (const char *)p + pos;
		e.name_len = (size_t)name_len;
		pos += e.name_len;
		if ((e.change == NUMBERING__CHANGE_RELOAD) != (e.name_len == 0) || e.name_len > NUMBERING_RECORD_NAME_MAX) {
			snprintf(problem, sizeof(problem), "entry %llu has a name of %zu bytes (1 .. %d; none for a reload)",
			         (unsigned long long)i, e.name_len, NUMBERING_RECORD_NAME_MAX);
			return numbering__record_damaged(record, "change journal ", "name", problem);
		}
		/* ListChanges renders the name: not UTF-8 is damage here, not "out of memory" there. */
		const char *text = numbering__stored_text_problem(e.name, e.name_len);
		if (text != NULL) {
			snprintf(problem, sizeof(problem), "%s (entry %llu)", text, (unsigned long long)i);
			return numbering__record_damaged(record, "change journal ", "name", problem);
		}
		if (visit != NULL) {
			int rc = visit(&e, payload);
			if (rc != 0)
				return rc;
		}
	}
	*phone = 0;
	if (pos != len) {
		if (get_varint(p, len, &pos, &v) != 0 || v < 1 || v > (uint64_t)INT64_MAX)
			return numbering__record_damaged(record, "change journal ", "lastPhoneId",
			                                 "cut, not a varint or not an id (1 .. 2^63 - 1)");
		*phone = (int64_t)v;
	}
	if (pos != len) {
		snprintf(problem, sizeof(problem), "%zu bytes follow the last phone id", len - pos);
		return numbering__record_damaged(record, "change journal ", "body", problem);
	}
	*count = (size_t)n;
	return NUMBERING_OK;
}

/* The record's fields other than the body, and a ring record's sequence (the body's
 * first varint): *start is where the rest of the body starts. */
static int check_header(const numbering_record *record, int64_t *sequence, size_t *start)
{
	if (record->kind != NUMBERING__KIND_CHANGE)
		return numbering__record_damaged(record, "change journal ", "kind", "not a change record");
	int64_t window = numbering__change_name_window(record->name, record->sort_key);
	if (window < 0)
		return numbering__record_damaged(record, "change journal ", "name",
		                                 "neither changes/{sequence} with its sequence as sort key nor "
		                                 "changes/{window}/{slot} with the sort key -(slot + 1)");
	if (record->parent == NULL || record->parent[0] != '\0')
		return numbering__record_damaged(record, "change journal ", "parent", "not empty");
	if (record->flags != 0 || record->digits != 0 || record->expires != 0)
		return numbering__record_damaged(record, "change journal ", "flags", "flags, numbers or an expiry are set");
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL)
			return numbering__record_damaged(record, "change journal ", "keys", "a secondary key is set");
	*start = 0;
	if (window == 0) {
		*sequence = record->sort_key;
		return NUMBERING_OK;
	}
	uint64_t v = 0;
	if (get_varint(record->body, record->body_len, start, &v) != 0)
		return numbering__record_damaged(record, "change journal ", "sequence", "cut or not a varint");
	if (v < 1 || v > (uint64_t)INT64_MAX || (int64_t)(v % (uint64_t)window) != -record->sort_key - 1)
		return numbering__record_damaged(record, "change journal ", "sequence", "not one of the name's slot");
	*sequence = (int64_t)v;
	return NUMBERING_OK;
}

int numbering__change_record_read(const numbering_record *record, int64_t *sequence, int64_t *time, size_t *count,
                                  int (*visit)(const struct numbering__change_entry *entry, void *payload),
                                  void *payload)
{
	size_t start = 0;
	int64_t phone = 0;
	int rc = check_header(record, sequence, &start);
	/* Checked whole before anything is visited: a damaged record adds nothing to a page. */
	if (rc == NUMBERING_OK)
		rc = read_body(record, start, time, count, &phone, NULL, NULL);
	if (rc == NUMBERING_OK && visit != NULL)
		rc = read_body(record, start, time, count, &phone, visit, payload);
	return rc;
}

int numbering__change_record_marks(const numbering_record *record, int64_t *time, int64_t *last_phone)
{
	size_t start = 0, count = 0;
	int64_t sequence = 0;
	int rc = check_header(record, &sequence, &start);
	return rc == NUMBERING_OK ? read_body(record, start, time, &count, last_phone, NULL, NULL) : rc;
}

int numbering__change_record_check(const numbering_record *record)
{
	int64_t sequence = 0, time = 0;
	size_t count = 0;
	return numbering__change_record_read(record, &sequence, &time, &count, NULL, NULL);
}
