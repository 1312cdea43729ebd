/*
 * numberctl export, import --export and projects: a store's records, whole.
 *
 * An export is the store's records (numbering/sys/record.h) as the backend holds them:
 * kind, name, index keys and the body in base64. That is the one form every kind has
 * and that the library reads back exactly (docs/EXPORT.md says why not the JSON forms).
 * The backend vtable has no "every record" call of its own: list() walks one (kind,
 * parent) group in sort-key order. So the export asks the backend once for every record
 * (NUMBERING_BACKEND_CONTROL_FOREACH), only to learn the groups and their sizes, then
 * lists the groups in (kind, parent) order, records in sort-key order, and records that
 * share a sort key in name order: the same records give the same bytes whatever the
 * backend's insertion history, and nothing is held in memory but the groups.
 */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "csv.h"

const char numberctl_export_help[] =
	"usage: numberctl [GLOBAL OPTIONS] export [--format jsonl|csv] [--project P]\n"
	"\n"
	"Writes every record of the store (instances, the inventory, purchases, subscriptions,\n"
	"the billing ledger, reservations, phones, applications, rules, callbacks, the store's\n"
	"own metadata ...) to stdout in one pass: a header line\n"
	"{\"numberingExport\":1,\"library\":VERSION,\"format\":\"jsonl\"}, one line per record\n"
	"{\"kind\":...,\"name\":...,\"parent\":...,\"flags\":N,\"sortKey\":\"N\",\"digits\":N,\"first\":\"N\",\n"
	"\"last\":\"N\",\"expires\":\"N\",\"keys\":[...],\"body\":BASE64} (fields that are empty or 0 left\n"
	"out), sorted by kind, parent, sort key and name, and an end line {\"end\":true,\n"
	"\"records\":N}. The same records always give the same bytes. --format csv writes the\n"
	"same in CSV. --project P writes only project P's records (those under projects/P),\n"
	"without the store-wide ones (metadata, inventory, regions, callbacks, tasks).\n"
	"'numberctl import --export' loads an export into an empty store. The store is read\n"
	"directly, as its file's owner: --policy and --as do not apply; --read-only exports a\n"
	"store another process has open. Progress goes to stderr when it is a terminal.\n"
	"Exit status: 0, 1 on an error (its JSON error body on stdout) or when the output\n"
	"cannot be written, 2 for bad usage.\n";

const char numberctl_projects_help[] =
	"usage: numberctl [GLOBAL OPTIONS] projects\n"
	"\n"
	"Lists the store's projects in name order, one line each:\n"
	"{\"project\":\"p1\",\"instances\":N,\"deletedInstances\":N,\"records\":N} (instances: those not\n"
	"DELETED; records: every record of the project, instances included). A project is any\n"
	"name with a record under projects/NAME. The store is read directly, as export reads\n"
	"it. Exit status: 0, 1 on an error (its JSON error body on stdout), 2 for bad usage.\n";

/* The longest line import reads: a record's body (64 MiB) in base64, and the rest. */
#define IMPORT_LINE_MAX ((size_t)NUMBERING_RECORD_BODY_MAX / 3 * 4 + 4 + 5 * NUMBERING_RECORD_NAME_MAX + 4096)
/* Progress is printed every this many records. */
#define PROGRESS_EVERY 65536

static const char *const csv_columns =
	"kind,name,parent,flags,sortKey,digits,first,last,expires,keys,key0,key1,key2,key3,body\n";
#define CSV_COLUMNS 15

static int fail(int code, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Sets the thread's error (numbering_error_set()) with a formatted message. */
static int fail(int code, const char *field, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return numbering_error_set(code, field, message);
}

/* ---- Output buffer ---- */

struct obuf {
	char *p;
	size_t len, cap;
	int oom;
};

static int ob_reserve(struct obuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap < 4096 ? 4096 : b->cap;
	while (cap < b->len + more)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void ob_put(struct obuf *b, const void *data, size_t len)
{
	if (ob_reserve(b, len) == 0) {
		memcpy(b->p + b->len, data, len);
		b->len += len;
	}
}

static void ob_str(struct obuf *b, const char *s)
{
	ob_put(b, s, strlen(s));
}

static void ob_char(struct obuf *b, char c)
{
	if (ob_reserve(b, 1) == 0)
		b->p[b->len++] = c;
}

/* Decimal digits two at a time (a sort key has 19 digits, an interval two of 11: the
 * digit loop was a third of an export's instructions one digit at a time). */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

static void ob_u64(struct obuf *b, uint64_t v)
{
	char tmp[20];
	int i = 20;
	while (v >= 100) {
		uint64_t q = v / 100;
		unsigned r = (unsigned)(v - q * 100);
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * r, 2);
		v = q;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	ob_put(b, tmp + i, (size_t)(20 - i));
}

static void ob_i64(struct obuf *b, int64_t v)
{
	if (v < 0) {
		ob_char(b, '-');
		ob_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(b, (uint64_t)v);
	}
}

/* ---- base64 (RFC 4648, with padding; decoding is strict: canonical text only) ---- */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void ob_base64(struct obuf *b, const uint8_t *in, size_t len)
{
	if (ob_reserve(b, (len + 2) / 3 * 4) != 0)
		return;
	char *o = b->p + b->len;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		*o++ = b64_alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	b->len = (size_t)(o - b->p);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes @len bytes of base64 into @out (at least len / 4 * 3 bytes); returns the
 * bytes decoded, or -1 with @why set (the offset and what is wrong). */
static long b64_decode(uint8_t *out, const char *in, size_t len, char *why, size_t why_size)
{
	if (len % 4 != 0) {
		snprintf(why, why_size, "not base64: %zu characters, not a multiple of 4 (cut short?)", len);
		return -1;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + (size_t)k];
			if (c == '=' && i + 4 == len && k >= 2 && (k == 3 || in[i + 3] == '=')) {
				v[k] = 0;
				pad++;
				continue;
			}
			v[k] = b64_value(c);
			if (v[k] < 0 || pad > 0) {
				snprintf(why, why_size, "not base64: character %zu is %s%c%s", i + (size_t)k + 1,
				         c >= 0x20 && c < 0x7f ? "'" : "byte 0x", c >= 0x20 && c < 0x7f ? (char)c : '?',
				         c >= 0x20 && c < 0x7f ? "'" : "");
				return -1;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[n++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[n++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[n++] = (uint8_t)w;
		if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0)) {
			snprintf(why, why_size, "not base64: the last group's unused bits are not 0 (not canonical)");
			return -1;
		}
	}
	return (long)n;
}

/* ---- JSON and CSV text ---- */

/* The length of the UTF-8 sequence at @s (at most @left bytes), or 0 when it is not valid UTF-8. */
static size_t utf8_length(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Appends @s as a JSON string; -1 when it is not UTF-8 (JSON text cannot hold it). */
static int ob_json_string(struct obuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	ob_char(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p != '\0') {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		ob_put(b, run, (size_t)(p - run));
		unsigned char c = *p;
		if (c == '\0')
			break;
		if (c == '"' || c == '\\') {
			ob_char(b, '\\');
			ob_char(b, (char)c);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ob_put(b, esc, 6);
			p++;
		} else {
			size_t n = utf8_length(p, strlen((const char *)p));
			if (n == 0)
				return -1;
			ob_put(b, p, n);
			p += n;
		}
	}
	ob_char(b, '"');
	return 0;
}

/* Appends @s as a CSV cell, quoted when it holds a separator, a quote or a line end. */
static void ob_csv_cell(struct obuf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		ob_str(b, s);
		return;
	}
	ob_char(b, '"');
	for (const char *c = s; *c != '\0'; c++) {
		if (*c == '"')
			ob_char(b, '"');
		ob_char(b, *c);
	}
	ob_char(b, '"');
}

/* ---- Groups: the (kind, parent) pairs of a store, with their record counts ---- */

struct group {
	int kind;
	char *parent;
	size_t parent_len;
	uint64_t hash;
	uint64_t records, listed;
};

struct groups {
	struct group *items; /* count of them */
	size_t count, cap;
	uint32_t *slots; /* open addressing: index + 1, or 0 */
	size_t slot_cap;
	int oom;
	/* The last group seen: consecutive records mostly share it. */
	size_t last;
	int has_last;
};

static uint64_t hash_group(int kind, const char *parent, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)parent[i]) * 1099511628211ull;
	return h;
}

static int groups_grow(struct groups *g)
{
	size_t cap = g->slot_cap < 64 ? 64 : g->slot_cap * 2;
	uint32_t *slots = calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < g->count; i++) {
		size_t s = (size_t)g->items[i].hash & (cap - 1);
		while (slots[s] != 0)
			s = (s + 1) & (cap - 1);
		slots[s] = (uint32_t)(i + 1);
	}
	free(g->slots);
	g->slots = slots;
	g->slot_cap = cap;
	return 0;
}

static struct group *groups_get(struct groups *g, int kind, const char *parent)
{
	size_t len = strlen(parent);
	if (g->has_last) {
		struct group *last = &g->items[g->last];
		if (last->kind == kind && last->parent_len == len && memcmp(last->parent, parent, len) == 0)
			return last;
	}
	uint64_t h = hash_group(kind, parent, len);
	if ((g->count + 1) * 2 > g->slot_cap && groups_grow(g) != 0)
		return NULL;
	size_t s = (size_t)h & (g->slot_cap - 1);
	for (; g->slots[s] != 0; s = (s + 1) & (g->slot_cap - 1)) {
		struct group *x = &g->items[g->slots[s] - 1];
		if (x->hash == h && x->kind == kind && x->parent_len == len && memcmp(x->parent, parent, len) == 0) {
			g->last = g->slots[s] - 1;
			g->has_last = 1;
			return x;
		}
	}
	if (g->count == g->cap) {
		size_t cap = g->cap < 16 ? 16 : g->cap * 2;
		struct group *items = realloc(g->items, cap * sizeof(*items));
		if (items == NULL)
			return NULL;
		g->items = items;
		g->cap = cap;
	}
	struct group *x = &g->items[g->count];
	if ((x->parent = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(x->parent, parent, len + 1);
	x->parent_len = len;
	x->kind = kind;
	x->hash = h;
	x->records = x->listed = 0;
	g->slots[s] = (uint32_t)(++g->count);
	g->last = g->count - 1;
	g->has_last = 1;
	return x;
}

static void groups_free(struct groups *g)
{
	for (size_t i = 0; i < g->count; i++)
		free(g->items[i].parent);
	free(g->items);
	free(g->slots);
	memset(g, 0, sizeof(*g));
}

static int count_visit(const numbering_record *record, void *payload)
{
	struct groups *g = payload;
	struct group *x = groups_get(g, record->kind, record->parent != NULL ? record->parent : "");
	if (x == NULL) {
		g->oom = 1;
		return NUMBERING_RESOURCE_EXHAUSTED;
	}
	x->records++;
	if (record->flags & NUMBERING_RECORD_LISTED)
		x->listed++;
	return 0;
}

static int group_order(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	size_t n = x->parent_len < y->parent_len ? x->parent_len : y->parent_len;
	int c = memcmp(x->parent, y->parent, n);
	if (c != 0)
		return c;
	return x->parent_len < y->parent_len ? -1 : x->parent_len > y->parent_len;
}

/* Gathers the groups of @backend, sorted. */
static int groups_gather(struct groups *g, numbering_backend *backend)
{
	memset(g, 0, sizeof(*g));
	if (backend == NULL || backend->control == NULL)
		return fail(NUMBERING_UNIMPLEMENTED, NULL, "the store's backend cannot visit every record (no control())");
	numbering_backend_foreach each = {count_visit, g};
	int rc = backend->control(backend, NUMBERING_BACKEND_CONTROL_FOREACH, &each);
	if (g->oom)
		rc = fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory gathering the store's record groups");
	else if (rc == NUMBERING_UNIMPLEMENTED)
		rc = fail(NUMBERING_UNIMPLEMENTED, NULL,
		          "the store's backend cannot visit every record (NUMBERING_BACKEND_CONTROL_FOREACH)");
	if (rc != NUMBERING_OK) {
		groups_free(g);
		return rc;
	}
	if (g->count > 1) /* items is NULL for an empty store */
		qsort(g->items, g->count, sizeof(*g->items), group_order);
	return NUMBERING_OK;
}

/* The project a parent belongs to ("projects/P", "projects/P/...", and, for a project's
 * request ids, "projects/" "*" "/P"): its name and length, or NULL. */
static const char *parent_project(const char *parent, size_t *len)
{
	if (strncmp(parent, "projects/", 9) != 0)
		return NULL;
	const char *p = parent + 9;
	if (p[0] == '*' && p[1] == '/')
		p += 2;
	else if (p[0] == '*')
		return NULL;
	size_t n = strcspn(p, "/");
	if (n == 0)
		return NULL;
	*len = n;
	return p;
}

static int is_project(const char *s, size_t len, const char *project)
{
	return s != NULL && strlen(project) == len && memcmp(s, project, len) == 0;
}

/* ---- Export ---- */

struct held {
	struct obuf name; /* NUL-terminated */
	struct obuf line;
};

struct exporter {
	FILE *out;
	const struct numberctl_export *args;
	struct obuf buf; /* lines waiting to be written */
	/* Records of one sort key, waiting for the next key: sorted by name when several. */
	struct held *held;
	size_t held_count, held_cap;
	int64_t held_key;
	uint64_t written, visited;
	int name_filter; /* only records named under the project (a group of another project's parent) */
	int rc;
};

static int flush_out(struct exporter *e)
{
	if (e->buf.len > 0 && fwrite(e->buf.p, 1, e->buf.len, e->out) != e->buf.len)
		return fail(NUMBERING_UNAVAILABLE, NULL, "cannot write the export: %s", strerror(errno));
	e->buf.len = 0;
	return NUMBERING_OK;
}

static int held_order(const void *a, const void *b)
{
	return strcmp(((const struct held *)a)->name.p, ((const struct held *)b)->name.p);
}

/* Writes the held records, sorted by name. */
static int flush_held(struct exporter *e)
{
	if (e->held_count > 1)
		qsort(e->held, e->held_count, sizeof(*e->held), held_order);
	for (size_t i = 0; i < e->held_count; i++)
		ob_put(&e->buf, e->held[i].line.p, e->held[i].line.len);
	e->held_count = 0;
	if (e->buf.oom)
		return fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory writing the export");
	return e->buf.len >= 256 * 1024 ? flush_out(e) : NUMBERING_OK;
}

/* Formats @r as one line of the export into @b; -1 for a string that is not UTF-8. */
static int format_record(struct obuf *b, const numbering_record *r, int csv)
{
	const char *kind = numbering_record_kind_name(r->kind);
	const char *parent = r->parent != NULL ? r->parent : "";
	int key_mask = 0, last_key = -1;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (r->keys[i] != NULL) {
			key_mask |= 1 << i;
			last_key = i;
		}
	if (csv) {
		if (kind != NULL)
			ob_str(b, kind);
		else
			ob_i64(b, r->kind);
		ob_char(b, ',');
		ob_csv_cell(b, r->name);
		ob_char(b, ',');
		ob_csv_cell(b, parent);
		ob_char(b, ',');
		if (r->flags != 0)
			ob_u64(b, r->flags);
		ob_char(b, ',');
		if (r->sort_key != 0)
			ob_i64(b, r->sort_key);
		ob_char(b, ',');
		if (r->digits != 0) {
			ob_i64(b, r->digits);
			ob_char(b, ',');
			ob_u64(b, r->first);
			ob_char(b, ',');
			ob_u64(b, r->last);
		} else {
			ob_str(b, ",,");
		}
		ob_char(b, ',');
		if (r->expires != 0)
			ob_i64(b, r->expires);
		ob_char(b, ',');
		if (key_mask != 0)
			ob_i64(b, key_mask);
		for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++) {
			ob_char(b, ',');
			if (r->keys[i] != NULL)
				ob_csv_cell(b, r->keys[i]);
		}
		ob_char(b, ',');
		ob_base64(b, r->body, r->body_len);
		ob_char(b, '\n');
		return 0;
	}
	ob_str(b, "{\"kind\":");
	if (kind != NULL) {
		ob_char(b, '"');
		ob_str(b, kind);
		ob_char(b, '"');
	} else {
		ob_i64(b, r->kind);
	}
	ob_str(b, ",\"name\":");
	if (ob_json_string(b, r->name) != 0)
		return -1;
	if (parent[0] != '\0') {
		ob_str(b, ",\"parent\":");
		if (ob_json_string(b, parent) != 0)
			return -1;
	}
	if (r->flags != 0) {
		ob_str(b, ",\"flags\":");
		ob_u64(b, r->flags);
	}
	if (r->sort_key != 0) {
		ob_str(b, ",\"sortKey\":\"");
		ob_i64(b, r->sort_key);
		ob_char(b, '"');
	}
	if (r->digits != 0) {
		ob_str(b, ",\"digits\":");
		ob_i64(b, r->digits);
		ob_str(b, ",\"first\":\"");
		ob_u64(b, r->first);
		ob_str(b, "\",\"last\":\"");
		ob_u64(b, r->last);
		ob_char(b, '"');
	}
	if (r->expires != 0) {
		ob_str(b, ",\"expires\":\"");
		ob_i64(b, r->expires);
		ob_char(b, '"');
	}
	if (last_key >= 0) {
		ob_str(b, ",\"keys\":[");
		for (int i = 0; i <= last_key; i++) {
			if (i > 0)
				ob_char(b, ',');
			if (r->keys[i] == NULL)
				ob_str(b, "null");
			else if (ob_json_string(b, r->keys[i]) != 0)
				return -1;
		}
		ob_char(b, ']');
	}
	if (r->body_len > 0) {
		ob_str(b, ",\"body\":\"");
		ob_base64(b, r->body, r->body_len);
		ob_char(b, '"');
	}
	ob_str(b, "}\n");
	return 0;
}

/* Progress on a terminal, as git prints its own: a count rewritten in place, then the
 * last count with ", done." on a line of its own. */
static void progress(FILE *to, const char *what, uint64_t n, int done)
{
	if (to == NULL)
		return;
	if (done < 0)
		fputs("\r\033[K", to); /* failed: the error says the rest */
	else
		fprintf(to, "\r\033[Knumberctl: %s: %" PRIu64 " records%s", what, n, done ? ", done.\n" : "");
	fflush(to);
}

static int export_visit(const numbering_record *r, void *payload)
{
	struct exporter *e = payload;
	e->visited++;
	if (e->name_filter) {
		const char *project = e->args->project;
		size_t n = strlen(project);
		if (strncmp(r->name, "projects/", 9) != 0 || strncmp(r->name + 9, project, n) != 0 || r->name[9 + n] != '/')
			return 0;
	}
	if (e->held_count > 0 && r->sort_key != e->held_key && (e->rc = flush_held(e)) != NUMBERING_OK)
		return e->rc;
	if (e->held_count == e->held_cap) {
		size_t cap = e->held_cap < 8 ? 8 : e->held_cap * 2;
		struct held *h = realloc(e->held, cap * sizeof(*h));
		if (h == NULL)
			return e->rc = fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory writing the export");
		memset(h + e->held_cap, 0, (cap - e->held_cap) * sizeof(*h));
		e->held = h;
		e->held_cap = cap;
	}
	struct held *h = &e->held[e->held_count];
	h->line.len = 0;
	if (format_record(&h->line, r, e->args->csv) != 0)
		return e->rc = fail(NUMBERING_DATA_LOSS, "name",
		                    "the %s record \"%.200s\" holds a name, parent or key that is not UTF-8; JSON cannot "
		                    "carry it (export --format csv can)",
		                    numbering_record_kind_name(r->kind) ? numbering_record_kind_name(r->kind) : "unknown",
		                    r->name);
	h->name.len = 0;
	ob_put(&h->name, r->name, strlen(r->name) + 1);
	if (h->name.oom || h->line.oom)
		return e->rc = fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory writing the export");
	e->held_count++;
	e->held_key = r->sort_key;
	e->written++;
	if (e->args->progress != NULL && e->written % PROGRESS_EVERY == 0)
		progress(e->args->progress, "export", e->written, 0);
	return 0;
}

static void header_line(struct obuf *b, const char *project, int csv)
{
	if (csv) {
		ob_str(b, "numberingExport,");
		ob_i64(b, NUMBERCTL_EXPORT_FORMAT);
		ob_str(b, ",library,");
		ob_csv_cell(b, numbering_version());
		ob_str(b, ",format,csv");
		if (project != NULL) {
			ob_str(b, ",project,");
			ob_csv_cell(b, project);
		}
		ob_char(b, '\n');
		ob_str(b, csv_columns);
		return;
	}
	ob_str(b, "{\"numberingExport\":");
	ob_i64(b, NUMBERCTL_EXPORT_FORMAT);
	ob_str(b, ",\"library\":");
	ob_json_string(b, numbering_version());
	ob_str(b, ",\"format\":\"jsonl\"");
	if (project != NULL) {
		ob_str(b, ",\"project\":");
		ob_json_string(b, project);
	}
	ob_str(b, "}\n");
}

int numberctl_export_write(FILE *out, numbering_backend *backend, const struct numberctl_export *args,
                           uint64_t *records)
{
	struct groups g;
	struct exporter e;
	memset(&e, 0, sizeof(e));
	e.out = out;
	e.args = args;
	*records = 0;
	int rc = groups_gather(&g, backend);
	if (rc != NUMBERING_OK)
		return rc;
	header_line(&e.buf, args->project, args->csv);
	for (size_t i = 0; rc == NUMBERING_OK && i < g.count; i++) {
		const struct group *x = &g.items[i];
		e.name_filter = 0;
		if (args->project != NULL) {
			size_t n = 0;
			const char *p = parent_project(x->parent, &n);
			if (!is_project(p, n, args->project)) {
				if (p == NULL)
					continue;
				e.name_filter = 1; /* a record of this project may still be parented elsewhere (accountLink) */
			}
		}
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = x->kind;
		q.order = NUMBERING_RECORD_ORDER_ASCENDING;
		q.parent = x->parent;
		e.visited = 0;
		e.rc = NUMBERING_OK;
		rc = backend->list(backend, &q, export_visit, &e);
		if (rc == NUMBERING_OK)
			rc = e.rc;
		if (rc == NUMBERING_OK)
			rc = flush_held(&e);
		if (rc == NUMBERING_OK && e.visited != x->records)
			rc = fail(NUMBERING_INTERNAL, NULL,
			          "the backend listed %" PRIu64 " records of kind %d under \"%.200s\", and visited %" PRIu64
			          " when walking every record",
			          e.visited, x->kind, x->parent, x->records);
	}
	if (rc == NUMBERING_OK) {
		if (args->csv) {
			ob_str(&e.buf, "end,");
			ob_u64(&e.buf, e.written);
			ob_char(&e.buf, '\n');
		} else {
			ob_str(&e.buf, "{\"end\":true,\"records\":");
			ob_u64(&e.buf, e.written);
			ob_str(&e.buf, "}\n");
		}
		rc = e.buf.oom ? fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory writing the export") : flush_out(&e);
	}
	if (rc == NUMBERING_OK && fflush(out) != 0)
		rc = fail(NUMBERING_UNAVAILABLE, NULL, "cannot write the export: %s", strerror(errno));
	progress(args->progress, "export", e.written, rc == NUMBERING_OK ? 1 : -1);
	*records = e.written;
	for (size_t i = 0; i < e.held_cap; i++) {
		free(e.held[i].name.p);
		free(e.held[i].line.p);
	}
	free(e.held);
	free(e.buf.p);
	groups_free(&g);
	return rc;
}

/* ---- Import ---- */

/* One record read from a line, its strings in the line's memory or @body. */
struct parsed {
	numbering_record r;
	uint8_t *body; /* decoded */
	size_t body_cap;
};

struct importer {
	numbering_backend *backend;
	const char *name;
	unsigned long line;
	int csv;
	int full; /* the export holds every record (no "project"): META is replaced wholesale */
	char **metas; /* the META records the store held before (names), removed for a full export */
	size_t meta_count, meta_cap;
	uint64_t others; /* records the store held before, META ones aside */
	struct parsed p;
	uint64_t records;
};

static int line_fail(const struct importer *im, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* The thread's error naming @field: "FILE: line N: FIELD: message". */
static int line_fail(const struct importer *im, const char *field, const char *fmt, ...)
{
	char message[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Parts of the message come from the input: printable ASCII only. */
	for (char *c = message; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	if (field != NULL)
		return fail(NUMBERING_INVALID_ARGUMENT, field, "%.200s: line %lu: %s: %s", im->name, im->line, field, message);
	return fail(NUMBERING_INVALID_ARGUMENT, NULL, "%.200s: line %lu: %s", im->name, im->line, message);
}

static int kind_of(const char *name)
{
	for (int k = 1; k <= NUMBERING_RECORD_KIND_MAX; k++) {
		const char *n = numbering_record_kind_name(k);
		if (n != NULL && strcmp(n, name) == 0)
			return k;
	}
	return 0;
}

/* Reads a decimal integer of the whole of @s into *@out, within @min .. @max (unsigned
 * when @min is 0 and @umax is set); -1 when it is not one. No sign, leading zero or
 * space but for "0" and a '-' of a negative. */
static int parse_i64(const char *s, int64_t *out)
{
	const char *p = s;
	int neg = *p == '-';
	if (neg)
		p++;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0') || (neg && p[0] == '0'))
		return -1;
	uint64_t v = 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if ((!neg && v > (uint64_t)INT64_MAX) || (neg && v > (uint64_t)INT64_MAX + 1))
		return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	const char *p = s;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return -1;
	uint64_t v = 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > UINT64_MAX / 10 || v * 10 > UINT64_MAX - (uint64_t)(*p - '0'))
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

static int set_body(struct importer *im, const char *text, size_t len)
{
	size_t need = len / 4 * 3 + 3;
	if (need > im->p.body_cap) {
		uint8_t *b = realloc(im->p.body, need);
		if (b == NULL)
			return fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory reading line %lu", im->line);
		im->p.body = b;
		im->p.body_cap = need;
	}
	char why[160];
	long n = b64_decode(im->p.body, text, len, why, sizeof(why));
	if (n < 0)
		return line_fail(im, "body", "%s", why);
	im->p.r.body = im->p.body;
	im->p.r.body_len = (size_t)n;
	return NUMBERING_OK;
}

/* Fields shared by both formats, given as text: checks and stores them into im->p.r. */
static int set_number_field(struct importer *im, const char *field, const char *text)
{
	numbering_record *r = &im->p.r;
	int64_t v = 0;
	uint64_t u = 0;
	if (strcmp(field, "sortKey") == 0 || strcmp(field, "expires") == 0) {
		if (parse_i64(text, &v) != 0)
			return line_fail(im, field, "\"%.40s\" is not a decimal 64-bit integer", text);
		*(field[0] == 's' ? &r->sort_key : &r->expires) = v;
		return NUMBERING_OK;
	}
	if (parse_u64(text, &u) != 0)
		return line_fail(im, field, "\"%.40s\" is not a decimal unsigned 64-bit integer", text);
	*(field[0] == 'f' ? &r->first : &r->last) = u;
	return NUMBERING_OK;
}

static int set_kind(struct importer *im, const char *text)
{
	im->p.r.kind = kind_of(text);
	if (im->p.r.kind == 0)
		return line_fail(im, "kind", "unknown kind \"%.60s\" (not one of this library's record kinds)", text);
	return NUMBERING_OK;
}

static int check_small(struct importer *im, const char *field, int64_t v, int64_t max)
{
	if (v < 0 || v > max)
		return line_fail(im, field, "%" PRId64 " is out of range (0 .. %" PRId64 ")", v, max);
	return NUMBERING_OK;
}

/* A \u0000 in a string @field: the line is read with JSON_ALLOW_NUL so that the refusal
 * names the field (jansson's own names only the column), as the C string would end there. */
static int nul_in(struct importer *im, const char *field, const json_t *v)
{
	const char *nul = json_is_string(v) ? memchr(json_string_value(v), '\0', json_string_length(v)) : NULL;
	if (nul == NULL)
		return NUMBERING_OK;
	return line_fail(im, field, "holds a NUL byte (\\u0000) at offset %ld: \"%.60s\\u0000...\"",
	                 (long)(nul - json_string_value(v)), json_string_value(v));
}

/* A JSON Lines record line into im->p.r (its strings point into @root). */
static int parse_json_record(struct importer *im, json_t *root)
{
	numbering_record *r = &im->p.r;
	const char *key;
	json_t *v;
	int rc = NUMBERING_OK, has_digits = 0, has_first = 0, has_last = 0;
	json_object_foreach(root, key, v) {
		if (rc != NUMBERING_OK || (rc = nul_in(im, key, v)) != NUMBERING_OK)
			break;
		if (strcmp(key, "kind") == 0) {
			if (json_is_integer(v))
				rc = line_fail(im, "kind", "unknown kind %" JSON_INTEGER_FORMAT " (a kind this library does not define)",
				               json_integer_value(v));
			else if (!json_is_string(v))
				rc = line_fail(im, "kind", "must be a string");
			else
				rc = set_kind(im, json_string_value(v));
		} else if (strcmp(key, "name") == 0 || strcmp(key, "parent") == 0) {
			if (!json_is_string(v))
				rc = line_fail(im, key, "must be a string");
			else
				*(key[0] == 'n' ? &r->name : &r->parent) = json_string_value(v);
		} else if (strcmp(key, "flags") == 0 || strcmp(key, "digits") == 0) {
			if (!json_is_integer(v))
				rc = line_fail(im, key, "must be an integer");
			else if (key[0] == 'f' && (rc = check_small(im, key, json_integer_value(v), 3)) == NUMBERING_OK)
				r->flags = (unsigned)json_integer_value(v);
			else if (key[0] == 'd' &&
			         (rc = check_small(im, key, json_integer_value(v), NUMBERING_RECORD_DIGITS_MAX)) == NUMBERING_OK) {
				r->digits = (int)json_integer_value(v);
				has_digits = 1;
			}
		} else if (strcmp(key, "sortKey") == 0 || strcmp(key, "expires") == 0 || strcmp(key, "first") == 0 ||
		           strcmp(key, "last") == 0) {
			if (!json_is_string(v))
				rc = line_fail(im, key, "must be a string of decimal digits");
			else
				rc = set_number_field(im, key, json_string_value(v));
			has_first |= key[0] == 'f';
			has_last |= strcmp(key, "last") == 0;
		} else if (strcmp(key, "keys") == 0) {
			if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > NUMBERING_RECORD_KEY_SLOTS) {
				rc = line_fail(im, "keys", "must be an array of 1 .. %d strings or nulls", NUMBERING_RECORD_KEY_SLOTS);
			} else {
				for (size_t i = 0; rc == NUMBERING_OK && i < json_array_size(v); i++) {
					json_t *k = json_array_get(v, i);
					char field[32];
					snprintf(field, sizeof(field), "keys[%zu]", i);
					if ((rc = nul_in(im, field, k)) != NUMBERING_OK)
						break;
					if (json_is_string(k))
						r->keys[i] = json_string_value(k);
					else if (!json_is_null(k))
						rc = line_fail(im, field, "must be a string or null");
				}
			}
		} else if (strcmp(key, "body") == 0) {
			if (!json_is_string(v))
				rc = line_fail(im, "body", "must be a base64 string");
			else
				rc = set_body(im, json_string_value(v), json_string_length(v));
		} else {
			rc = line_fail(im, key, "unknown field (a record line has kind, name, parent, flags, sortKey, digits, "
			                        "first, last, expires, keys and body)");
		}
	}
	if (rc == NUMBERING_OK && has_digits != (has_first && has_last))
		rc = line_fail(im, has_digits ? (has_first ? "last" : "first") : "digits",
		               "missing: an interval has digits, first and last");
	return rc;
}

/* A CSV record row into im->p.r (its strings point into the reader's buffer). */
static int parse_csv_record(struct importer *im, const struct csv_reader *csv)
{
	static const char *const names[CSV_COLUMNS] = {"kind",    "name", "parent", "flags", "sortKey",
	                                               "digits",  "first", "last",  "expires", "keys",
	                                               "key0",    "key1", "key2",   "key3",  "body"};
	numbering_record *r = &im->p.r;
	if (csv->count != CSV_COLUMNS)
		return line_fail(im, csv->count < CSV_COLUMNS ? names[csv->count] : NULL,
		                 "%zu cells, not %d (%s)", csv->count, CSV_COLUMNS,
		                 csv->count < CSV_COLUMNS ? "cut short?" : "too many");
	int rc = set_kind(im, csv_field(csv, 0));
	if (rc != NUMBERING_OK)
		return rc;
	r->name = csv_field(csv, 1);
	r->parent = csv_field(csv, 2);
	for (int i = 3; rc == NUMBERING_OK && i <= 9; i++) {
		const char *text = csv_field(csv, (size_t)i);
		if (text[0] == '\0')
			continue;
		if (i == 3 || i == 5 || i == 9) {
			int64_t v = 0;
			if (parse_i64(text, &v) != 0)
				rc = line_fail(im, names[i], "\"%.40s\" is not a decimal integer", text);
			else if ((rc = check_small(im, names[i], v, i == 3 ? 3 : i == 5 ? NUMBERING_RECORD_DIGITS_MAX : 15)) !=
			         NUMBERING_OK)
				break;
			else if (i == 3)
				r->flags = (unsigned)v;
			else if (i == 5)
				r->digits = (int)v;
			else
				for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
					if (v & (1 << k))
						r->keys[k] = csv_field(csv, (size_t)(10 + k));
		} else {
			rc = set_number_field(im, names[i], text);
		}
	}
	for (int k = 0; rc == NUMBERING_OK && k < NUMBERING_RECORD_KEY_SLOTS; k++)
		if (r->keys[k] == NULL && csv_field(csv, (size_t)(10 + k))[0] != '\0')
			rc = line_fail(im, names[10 + k], "a value for a slot the keys mask leaves out");
	if (rc == NUMBERING_OK && (r->digits != 0) != (csv_field(csv, 6)[0] != '\0' && csv_field(csv, 7)[0] != '\0'))
		rc = line_fail(im, r->digits != 0 ? "first" : "digits", "missing: an interval has digits, first and last");
	if (rc == NUMBERING_OK)
		rc = set_body(im, csv_field(csv, 14), strlen(csv_field(csv, 14)));
	return rc;
}

static int meta_visit(const numbering_record *r, void *payload)
{
	struct importer *im = payload;
	if (r->kind != 1) { /* meta: the store's own state, which an opened store always has */
		im->others++;
		return 0;
	}
	if (im->meta_count == im->meta_cap) {
		size_t cap = im->meta_cap < 8 ? 8 : im->meta_cap * 2;
		char **m = realloc(im->metas, cap * sizeof(*m));
		if (m == NULL)
			return fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory");
		im->metas = m;
		im->meta_cap = cap;
	}
	if ((im->metas[im->meta_count] = strdup(r->name)) == NULL)
		return fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory");
	im->meta_count++;
	return 0;
}

static int found_visit(const numbering_record *r, void *payload)
{
	(void)r;
	*(int *)payload = 1;
	return 0;
}

/* Puts the parsed record: refused when a record of its kind and name is already there. */
static int put_parsed(struct importer *im)
{
	numbering_record *r = &im->p.r;
	if (r->name == NULL || r->name[0] == '\0')
		return line_fail(im, "name", "missing: every record has a name");
	if (r->parent == NULL)
		r->parent = "";
	int found = 0;
	int rc = im->backend->get(im->backend, r->kind, r->name, found_visit, &found);
	if (rc != NUMBERING_OK && rc != NUMBERING_NOT_FOUND)
		return rc;
	if (found)
		return line_fail(im, "name", "a second %s record \"%.200s\": a record appears once in an export",
		                 numbering_record_kind_name(r->kind), r->name);
	/* Read as the store would read it back: a cut or altered body (or keys that do not
	 * match it) is refused here, naming the line, instead of a later DATA_LOSS. */
	if (numbering_record_check(r) != NUMBERING_OK) {
		char why[400];
		const char *field = numbering_error_violation_count() > 0 ? numbering_error_violation_field(0) : NULL;
		snprintf(why, sizeof(why), "%s", numbering_error_message());
		char named[40];
		snprintf(named, sizeof(named), "%s", field != NULL ? field : "body");
		return line_fail(im, named, "the %s record \"%.120s\" does not read back: %s",
		                 numbering_record_kind_name(r->kind), r->name, why);
	}
	rc = im->backend->put(im->backend, r);
	if (rc != NUMBERING_OK) {
		char why[400];
		snprintf(why, sizeof(why), "%s", numbering_error_message());
		return line_fail(im, NULL, "the %s record \"%.120s\" is refused: %s", numbering_record_kind_name(r->kind),
		                 r->name, why);
	}
	im->records++;
	return NUMBERING_OK;
}

/* Reads the next line of @in into *@line (NULs kept, the length returned); -1 at the
 * end, -2 on an error. Strips the end of line. Bounded, as the import refuses such a
 * line anyway: reading stops after a NUL byte or past IMPORT_LINE_MAX bytes, so
 * /dev/zero, or a file of one endless line, costs neither endless memory nor time
 * (getline() read them until memory ran out). */
static long next_line(FILE *in, char **line, size_t *cap)
{
	size_t n = 0;
	int c = 0;
	errno = 0;
	do {
		if (*line == NULL || n + 2 > *cap) {
			size_t more = *cap < 4096 ? 4096 : *cap * 2;
			char *p = realloc(*line, more);
			if (p == NULL)
				return -2;
			*line = p;
			*cap = more;
		}
		/* Unlocked, and the room checked once a run: the stream is the import's own. */
		char *to = *line;
		size_t room = *cap - 1;
		while (n < room && (c = getc_unlocked(in)) != EOF && c != '\n') {
			to[n++] = (char)c;
			if (c == '\0')
				break;
		}
	} while (c != EOF && c != '\n' && c != '\0' && n <= IMPORT_LINE_MAX);
	if (c == EOF && (ferror(in) || n == 0))
		return ferror(in) ? -2 : -1;
	if ((c == '\n' || c == EOF) && n > 0 && (*line)[n - 1] == '\r')
		n--; /* not when stopped early: the line stays too long */
	(*line)[n] = '\0';
	return (long)n;
}

/* The header line, either format's: sets im->csv and im->full. */
static int read_header(struct importer *im, const char *text, size_t len)
{
	if (len > 0 && text[0] == '{') {
		json_error_t error;
		json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
		if (root == NULL || !json_is_object(root)) {
			json_decref(root);
			return line_fail(im, NULL, "not an export header: malformed JSON at column %d", error.column);
		}
		json_t *version = json_object_get(root, "numberingExport");
		int rc = NUMBERING_OK;
		if (!json_is_integer(version))
			rc = line_fail(im, "numberingExport", "missing: not an export header (numberctl export writes one)");
		else if (json_integer_value(version) != NUMBERCTL_EXPORT_FORMAT)
			rc = line_fail(im, "numberingExport", "version %" JSON_INTEGER_FORMAT ": this numberctl reads version %d",
			               json_integer_value(version), NUMBERCTL_EXPORT_FORMAT);
		im->full = json_object_get(root, "project") == NULL;
		json_decref(root);
		im->csv = 0;
		return rc;
	}
	static const char prefix[] = "numberingExport,";
	if (strncmp(text, prefix, sizeof(prefix) - 1) != 0)
		return line_fail(im, NULL, "not an export header (numberctl export writes {\"numberingExport\":1,...} or "
		                           "numberingExport,1,...)");
	if (strncmp(text + sizeof(prefix) - 1, "1,", 2) != 0)
		return line_fail(im, "numberingExport", "\"%.20s\": this numberctl reads version %d",
		                 text + sizeof(prefix) - 1, NUMBERCTL_EXPORT_FORMAT);
	im->full = strstr(text, ",project,") == NULL;
	im->csv = 1;
	return NUMBERING_OK;
}

/* The end line: the record count must be the records read. */
static int read_end_json(struct importer *im, json_t *root)
{
	json_t *records = json_object_get(root, "records");
	if (json_object_size(root) != 2 || !json_is_true(json_object_get(root, "end")) || !json_is_integer(records))
		return line_fail(im, "end", "an end line is {\"end\":true,\"records\":N}");
	if ((uint64_t)json_integer_value(records) != im->records)
		return line_fail(im, "records", "the end line counts %" JSON_INTEGER_FORMAT " records, the export holds %" PRIu64,
		                 json_integer_value(records), im->records);
	return NUMBERING_OK;
}

static int import_json(struct importer *im, FILE *in, FILE *progress_to)
{
	char *line = NULL;
	size_t cap = 0;
	long n;
	int rc = NUMBERING_OK, ended = 0;
	while (rc == NUMBERING_OK && (n = next_line(in, &line, &cap)) >= 0) {
		im->line++;
		if (ended) {
			rc = line_fail(im, NULL, "a line after the end line");
			break;
		}
		if ((size_t)n > IMPORT_LINE_MAX) {
			rc = line_fail(im, NULL, "longer than %zu bytes", (size_t)IMPORT_LINE_MAX);
			break;
		}
		const char *nul = memchr(line, '\0', (size_t)n);
		if (nul != NULL) {
			rc = line_fail(im, NULL, "a NUL byte at byte offset %ld; an export is text", (long)(nul - line));
			break;
		}
		json_error_t error;
		json_t *root = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);
		if (root == NULL || !json_is_object(root)) {
			rc = root == NULL ? line_fail(im, NULL, "malformed JSON at column %d: %s (a line cut short?)", error.column,
			                              error.text)
			                  : line_fail(im, NULL, "a line is a JSON object");
			json_decref(root);
			break;
		}
		if (json_object_get(root, "end") != NULL) {
			rc = read_end_json(im, root);
			ended = 1;
		} else {
			memset(&im->p.r, 0, sizeof(im->p.r));
			im->p.r.version = NUMBERING_RECORD_VERSION;
			rc = parse_json_record(im, root);
			if (rc == NUMBERING_OK && im->p.r.kind == 0)
				rc = line_fail(im, "kind", "missing: every record has a kind");
			if (rc == NUMBERING_OK)
				rc = put_parsed(im);
		}
		json_decref(root);
		if (progress_to != NULL && im->records % PROGRESS_EVERY == 0 && im->records > 0)
			progress(progress_to, "import", im->records, 0);
	}
	if (rc == NUMBERING_OK && n == -2)
		rc = fail(NUMBERING_UNAVAILABLE, NULL, "%.200s: cannot read line %lu: %s", im->name, im->line + 1,
		          strerror(errno));
	if (rc == NUMBERING_OK && !ended) {
		im->line++;
		rc = line_fail(im, "end", "the export ends without its end line: it was cut short");
	}
	free(line);
	return rc;
}

static int import_csv(struct importer *im, FILE *in, FILE *progress_to)
{
	struct csv_reader csv;
	csv_init(&csv, in, IMPORT_LINE_MAX);
	csv.stop = 1; /* the first refusal ends the import */
	unsigned long start = 0;
	int got, rc = NUMBERING_OK, ended = 0, columns = 0;
	while (rc == NUMBERING_OK && (got = csv_read(&csv, &start)) != 0) {
		im->line = start + 1; /* the header line was read before the reader started */
		if (got == -2) {
			rc = fail(NUMBERING_UNAVAILABLE, NULL, "%.200s: cannot read line %lu: %s", im->name, im->line,
			          strerror(errno));
			break;
		}
		if (got == -1) {
			rc = line_fail(im, NULL, "%s", csv.error);
			break;
		}
		if (ended) {
			rc = line_fail(im, NULL, "a line after the end line");
		} else if (!columns) {
			char row[256] = "";
			for (size_t i = 0; i < csv.count; i++) {
				size_t used = strlen(row);
				snprintf(row + used, sizeof(row) - used, "%s%s", i > 0 ? "," : "", csv_field(&csv, i));
			}
			strncat(row, "\n", sizeof(row) - strlen(row) - 1);
			if (strcmp(row, csv_columns) != 0)
				rc = line_fail(im, NULL, "the column names are not %.*s", (int)strlen(csv_columns) - 1, csv_columns);
			columns = 1;
		} else if (strcmp(csv_field(&csv, 0), "end") == 0) {
			uint64_t count = 0;
			ended = 1;
			if (csv.count != 2 || parse_u64(csv_field(&csv, 1), &count) != 0)
				rc = line_fail(im, "end", "an end line is end,N");
			else if (count != im->records)
				rc = line_fail(im, "records", "the end line counts %" PRIu64 " records, the export holds %" PRIu64,
				               count, im->records);
		} else {
			memset(&im->p.r, 0, sizeof(im->p.r));
			im->p.r.version = NUMBERING_RECORD_VERSION;
			rc = parse_csv_record(im, &csv);
			if (rc == NUMBERING_OK)
				rc = put_parsed(im);
			if (progress_to != NULL && im->records % PROGRESS_EVERY == 0 && im->records > 0)
				progress(progress_to, "import", im->records, 0);
		}
	}
	if (rc == NUMBERING_OK && !ended) {
		im->line = csv.line + 1;
		rc = line_fail(im, "end", "the export ends without its end line: it was cut short");
	}
	csv_free(&csv);
	return rc;
}

int numberctl_import_export_read(numbering_backend *backend, FILE *in, const char *name, FILE *progress_to,
                                 uint64_t *records)
{
	struct importer im;
	memset(&im, 0, sizeof(im));
	im.backend = backend;
	im.name = name;
	*records = 0;
	if (backend == NULL || backend->control == NULL)
		return fail(NUMBERING_UNIMPLEMENTED, NULL, "the store's backend cannot visit every record (no control())");
	/* Refused before anything is written: a store holding more than its own metadata. */
	numbering_backend_foreach each = {meta_visit, &im};
	int rc = backend->control(backend, NUMBERING_BACKEND_CONTROL_FOREACH, &each);
	if (rc == NUMBERING_UNIMPLEMENTED)
		rc = fail(NUMBERING_UNIMPLEMENTED, NULL,
		          "the store's backend cannot visit every record (NUMBERING_BACKEND_CONTROL_FOREACH)");
	else if (rc == NUMBERING_OK && im.others > 0)
		rc = fail(NUMBERING_FAILED_PRECONDITION, NULL,
		          "the store is not empty: it holds %" PRIu64 " records besides its own metadata; import --export "
		          "loads an export into an empty store only (a new --store file:PATH)",
		          im.others);
	char *line = NULL;
	size_t cap = 0;
	long n = -1;
	if (rc == NUMBERING_OK) {
		n = next_line(in, &line, &cap);
		im.line = 1;
		if (n == -2)
			rc = fail(NUMBERING_UNAVAILABLE, NULL, "%.200s: cannot read: %s", name, strerror(errno));
		else if (n == -1)
			rc = line_fail(&im, NULL, "the input is empty: no export header");
		else if ((size_t)n > IMPORT_LINE_MAX)
			rc = line_fail(&im, NULL, "longer than %zu bytes: not an export header", (size_t)IMPORT_LINE_MAX);
		else if (memchr(line, '\0', (size_t)n) != NULL)
			rc = line_fail(&im, NULL, "a NUL byte at byte offset %ld; an export is text",
			               (long)((char *)memchr(line, '\0', (size_t)n) - line));
		else
			rc = read_header(&im, line, (size_t)n);
	}
	free(line);
	int begun = 0;
	if (rc == NUMBERING_OK && (rc = backend->begin(backend)) == NUMBERING_OK)
		begun = 1;
	/* A whole store's export brings the store's metadata: the new store's own goes. */
	for (size_t i = 0; rc == NUMBERING_OK && im.full && i < im.meta_count; i++)
		rc = backend->remove(backend, 1, im.metas[i]);
	if (rc == NUMBERING_OK)
		rc = im.csv ? import_csv(&im, in, progress_to) : import_json(&im, in, progress_to);
	if (begun) {
		if (rc == NUMBERING_OK) {
			rc = backend->commit(backend);
		} else {
			/* Keep the error that stopped the import, should the rollback set another. */
			char message[512];
			snprintf(message, sizeof(message), "%s", numbering_error_message());
			backend->rollback(backend);
			if (numbering_error_code() != rc)
				numbering_error_set(rc, NULL, message);
		}
	}
	progress(progress_to, "import", im.records, rc == NUMBERING_OK ? 1 : -1);
	for (size_t i = 0; i < im.meta_count; i++)
		free(im.metas[i]);
	free(im.metas);
	free(im.p.body);
	*records = rc == NUMBERING_OK ? im.records : 0;
	return rc;
}

/* ---- Projects ---- */

struct project_count {
	const char *name;
	size_t len;
	uint64_t instances, deleted, records;
};

static int project_order(const void *a, const void *b)
{
	const struct project_count *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);
	return c != 0 ? c : (x->len < y->len ? -1 : x->len > y->len);
}

int numberctl_projects_write(FILE *out, numbering_backend *backend)
{
	struct groups g;
	int rc = groups_gather(&g, backend);
	if (rc != NUMBERING_OK)
		return rc;
	struct project_count *p = calloc(g.count + 1, sizeof(*p));
	size_t count = 0;
	if (p == NULL) {
		groups_free(&g);
		return fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory counting projects");
	}
	for (size_t i = 0; i < g.count; i++) {
		size_t len = 0;
		const char *name = parent_project(g.items[i].parent, &len);
		if (name == NULL)
			continue;
		p[count].name = name;
		p[count].len = len;
		if (g.items[i].kind == 3) { /* phoneNumberInstance: listed unless DELETED */
			p[count].instances = g.items[i].listed;
			p[count].deleted = g.items[i].records - g.items[i].listed;
		}
		p[count].records = g.items[i].records;
		count++;
	}
	qsort(p, count, sizeof(*p), project_order);
	struct obuf b = {NULL, 0, 0, 0};
	for (size_t i = 0; i < count;) {
		size_t j = i + 1;
		for (; j < count && project_order(&p[i], &p[j]) == 0; j++) {
			p[i].instances += p[j].instances;
			p[i].deleted += p[j].deleted;
			p[i].records += p[j].records;
		}
		char name[NUMBERING_RECORD_NAME_MAX + 1];
		memcpy(name, p[i].name, p[i].len);
		name[p[i].len] = '\0';
		ob_str(&b, "{\"project\":");
		if (ob_json_string(&b, name) != 0)
			ob_str(&b, "null");
		ob_str(&b, ",\"instances\":");
		ob_u64(&b, p[i].instances);
		ob_str(&b, ",\"deletedInstances\":");
		ob_u64(&b, p[i].deleted);
		ob_str(&b, ",\"records\":");
		ob_u64(&b, p[i].records);
		ob_str(&b, "}\n");
		i = j;
	}
	if (b.oom)
		rc = fail(NUMBERING_RESOURCE_EXHAUSTED, NULL, "out of memory listing projects");
	else if ((b.len > 0 && fwrite(b.p, 1, b.len, out) != b.len) || fflush(out) != 0)
		rc = fail(NUMBERING_UNAVAILABLE, NULL, "cannot write the projects: %s", strerror(errno));
	free(b.p);
	free(p);
	groups_free(&g);
	return rc;
}

/* ---- Arguments and the commands ---- */

int numberctl_export_args(struct numberctl_export *args, int argc, char **argv)
{
	const char *format = NULL;
	memset(args, 0, sizeof(*args));
	for (int i = 0; i < argc; i++) {
		const char **slot = NULL, *name = NULL;
		if (strncmp(argv[i], "--format", 8) == 0 && (argv[i][8] == '\0' || argv[i][8] == '='))
			slot = &format, name = "--format";
		else if (strncmp(argv[i], "--project", 9) == 0 && (argv[i][9] == '\0' || argv[i][9] == '='))
			slot = &args->project, name = "--project";
		if (slot == NULL)
			return numberctl_usage("export", "%s '%s'", argv[i][0] == '-' ? "unknown option" : "unexpected argument",
			                       argv[i]);
		const char *eq = strchr(argv[i], '=');
		if (eq != NULL)
			*slot = eq + 1;
		else if (i + 1 < argc)
			*slot = argv[++i];
		else
			return numberctl_usage("export", "missing value for '%s'", name);
	}
	if (format != NULL && strcmp(format, "jsonl") != 0 && strcmp(format, "csv") != 0)
		return numberctl_usage("export", "--format '%s': not jsonl or csv", format);
	if (args->project != NULL && (args->project[0] == '\0' || strchr(args->project, '/') != NULL ||
	                              strcmp(args->project, "*") == 0))
		return numberctl_usage("export", "--project '%s': not a project id (no '/', not empty or '*')",
		                       args->project);
	args->csv = format != NULL && strcmp(format, "csv") == 0;
	args->progress = isatty(STDERR_FILENO) ? stderr : NULL;
	return 0;
}

int numberctl_import_is_export(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--export") == 0)
			return 1;
	return 0;
}

int numberctl_import_export_args(struct numberctl_import_export *args, int argc, char **argv)
{
	memset(args, 0, sizeof(*args));
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--export") == 0)
			continue;
		if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
			return numberctl_usage("import", "unknown option '%s' (import --export reads the format from the "
			                                 "export's header)",
			                       argv[i]);
		if (args->path != NULL)
			return numberctl_usage("import", "unexpected argument '%s': one FILE or -", argv[i]);
		args->path = argv[i];
	}
	if (args->path == NULL)
		return numberctl_usage("import", "missing FILE (or - for stdin)");
	args->progress = isatty(STDERR_FILENO) ? stderr : NULL;
	return 0;
}

int numberctl_projects_args(int argc, char **argv)
{
	if (argc > 0)
		return numberctl_usage("projects", "%s '%s'", argv[0][0] == '-' ? "unknown option" : "unexpected argument",
		                       argv[0]);
	return 0;
}

/* The thread's last error as its JSON body, on stdout. */
static void print_error_body(void)
{
	char *body = NULL;
	if (numbering_error_json(&body) == NUMBERING_OK)
		printf("%s\n", body);
	else
		fputs("{\"error\":{\"code\":500,\"status\":\"INTERNAL\",\"message\":\"cannot render error\"}}\n", stdout);
	numbering_free(body);
	fflush(stdout);
}

int numberctl_export_run(const struct numberctl_export *args, numbering_backend *backend)
{
	uint64_t records = 0;
	int rc = numberctl_export_write(stdout, backend, args, &records);
	if (rc == NUMBERING_OK)
		return 0;
	if (ferror(stdout))
		return 1; /* a write error: main's close_stdout says so on stderr */
	print_error_body();
	return 1;
}

int numberctl_import_export_open(struct numberctl_import_export *args)
{
	args->in = stdin;
	args->name = "stdin";
	if (strcmp(args->path, "-") != 0) {
		args->name = args->path;
		if ((args->in = fopen(args->path, "rb")) == NULL) {
			fail(NUMBERING_NOT_FOUND, "FILE", "cannot open %.300s: %s", args->path, strerror(errno));
			print_error_body();
			return 1;
		}
	}
	return 0;
}

void numberctl_import_export_close(struct numberctl_import_export *args)
{
	if (args->in != NULL && args->in != stdin)
		fclose(args->in);
	args->in = NULL;
}

int numberctl_import_export_run(struct numberctl_import_export *args, numbering_backend *backend)
{
	uint64_t records = 0;
	int rc = numberctl_import_export_read(backend, args->in, args->name, args->progress, &records);
	numberctl_import_export_close(args);
	if (rc != NUMBERING_OK) {
		print_error_body();
		return 1;
	}
	printf("{\"imported\":%" PRIu64 "}\n", records);
	return fflush(stdout) == 0 ? 0 : 1;
}

int numberctl_projects_run(numbering_backend *backend)
{
	int rc = numberctl_projects_write(stdout, backend);
	if (rc == NUMBERING_OK)
		return 0;
	if (!ferror(stdout))
		print_error_body();
	return 1;
}
