/*
 * The backend test kit's reference model (kit.h): records in an array, every question
 * answered by a full scan, and the answers of a backend and of the model written as the
 * same text, so that comparing them checks every field of every visited record.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"

static void *kit_alloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL) {
		fprintf(stderr, "backend test kit: out of memory\n");
		abort();
	}
	return p;
}

static char *kit_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	size_t len = strlen(s);
	char *copy = kit_alloc(len + 1);
	memcpy(copy, s, len + 1);
	return copy;
}

void kit_buf_printf(struct kit_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL)
			abort();
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void kit_buf_free(struct kit_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

uint64_t kit_digits_max(int digits)
{
	uint64_t max = 1;
	for (int i = 0; i < digits; i++)
		max *= 10;
	return max - 1;
}

/* Records. */

void kit_rec_init(struct kit_rec *r, int kind, const char *name, const char *parent, int64_t sort_key,
                  unsigned int flags)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->name = kit_strdup(name);
	r->parent = kit_strdup(parent);
	r->sort_key = sort_key;
	r->flags = flags;
}

void kit_rec_interval(struct kit_rec *r, int digits, uint64_t first, uint64_t last)
{
	r->digits = digits;
	r->first = first;
	r->last = last;
}

void kit_rec_key(struct kit_rec *r, int slot, const char *key)
{
	free(r->keys[slot]);
	r->keys[slot] = kit_strdup(key);
}

void kit_rec_body(struct kit_rec *r, const void *body, size_t len)
{
	free(r->body);
	r->body = NULL;
	r->body_len = len;
	if (len > 0) {
		r->body = kit_alloc(len);
		memcpy(r->body, body, len);
	}
}

void kit_rec_copy(struct kit_rec *to, const struct kit_rec *from)
{
	*to = *from;
	to->name = kit_strdup(from->name);
	to->parent = kit_strdup(from->parent);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		to->keys[i] = kit_strdup(from->keys[i]);
	to->body = NULL;
	if (from->body_len > 0) {
		to->body = kit_alloc(from->body_len);
		memcpy(to->body, from->body, from->body_len);
	}
}

void kit_rec_free(struct kit_rec *r)
{
	free(r->name);
	free(r->parent);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		free(r->keys[i]);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void kit_rec_view(numbering_record *out, const struct kit_rec *r)
{
	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = r->kind;
	out->flags = r->flags;
	out->name = r->name;
	out->parent = r->parent;
	out->sort_key = r->sort_key;
	out->digits = r->digits;
	out->first = r->first;
	out->last = r->last;
	out->expires = r->expires;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		out->keys[i] = r->keys[i];
	out->body = r->body;
	out->body_len = r->body_len;
}

/* The model. */

void kit_model_free(struct kit_model *m)
{
	for (size_t i = 0; i < m->count; i++)
		kit_rec_free(&m->r[i]);
	for (size_t i = 0; i < m->seen_count; i++)
		kit_rec_free(&m->seen[i]);
	free(m->r);
	free(m->seen);
	memset(m, 0, sizeof(*m));
}

void kit_model_save(struct kit_model *to, const struct kit_model *from)
{
	memset(to, 0, sizeof(*to));
	to->r = kit_alloc(from->count * sizeof(*to->r));
	to->count = to->cap = from->count;
	for (size_t i = 0; i < from->count; i++)
		kit_rec_copy(&to->r[i], &from->r[i]);
}

void kit_model_restore(struct kit_model *m, struct kit_model *saved)
{
	for (size_t i = 0; i < m->count; i++)
		kit_rec_free(&m->r[i]);
	free(m->r);
	m->r = saved->r;
	m->count = saved->count;
	m->cap = saved->cap;
	saved->r = NULL;
	saved->count = saved->cap = 0;
}

int kit_model_index(const struct kit_model *m, int kind, const char *name)
{
	for (size_t i = 0; i < m->count; i++)
		if (m->r[i].kind == kind && strcmp(m->r[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int overlaps(const struct kit_rec *r, int digits, uint64_t first, uint64_t last)
{
	return r->digits != 0 && r->digits == digits && r->first <= last && r->last >= first;
}

int kit_model_put_status(const struct kit_model *m, const struct kit_rec *r)
{
	if (!(r->flags & NUMBERING_RECORD_NUMBERS) || r->digits == 0)
		return NUMBERING_OK;
	for (size_t i = 0; i < m->count; i++) {
		const struct kit_rec *o = &m->r[i];
		if (o->kind == r->kind && strcmp(o->name, r->name) == 0)
			continue;
		if ((o->flags & NUMBERING_RECORD_NUMBERS) && overlaps(o, r->digits, r->first, r->last))
			return NUMBERING_ALREADY_EXISTS;
	}
	return NUMBERING_OK;
}

static void note_seen(struct kit_model *m, const struct kit_rec *r)
{
	if (r->digits > 0)
		m->digits_seen |= 1u << r->digits;
	for (size_t i = 0; i < m->seen_count; i++)
		if (m->seen[i].kind == r->kind && strcmp(m->seen[i].name, r->name) == 0 &&
		    strcmp(m->seen[i].parent, r->parent) == 0)
			return;
	if (m->seen_count == m->seen_cap) {
		m->seen_cap = m->seen_cap ? 2 * m->seen_cap : 16;
		m->seen = realloc(m->seen, m->seen_cap * sizeof(*m->seen));
		if (m->seen == NULL)
			abort();
	}
	kit_rec_init(&m->seen[m->seen_count++], r->kind, r->name, r->parent, 0, 0);
}

void kit_model_put(struct kit_model *m, const struct kit_rec *r, int applied)
{
	note_seen(m, r);
	if (!applied)
		return;
	int i = kit_model_index(m, r->kind, r->name);
	if (i >= 0) {
		kit_rec_free(&m->r[i]);
		kit_rec_copy(&m->r[i], r);
		return;
	}
	if (m->count == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->r = realloc(m->r, m->cap * sizeof(*m->r));
		if (m->r == NULL)
			abort();
	}
	kit_rec_copy(&m->r[m->count++], r);
}

int kit_model_remove(struct kit_model *m, int kind, const char *name)
{
	int i = kit_model_index(m, kind, name);
	if (i < 0)
		return NUMBERING_NOT_FOUND;
	kit_rec_free(&m->r[i]);
	m->r[i] = m->r[--m->count];
	return NUMBERING_OK;
}

/* Questions. */

void kit_ask_get(struct kit_ask *a, int kind, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->what = KIT_GET;
	a->kind = kind;
	a->name = name;
}

void kit_ask_find(struct kit_ask *a, int digits, uint64_t first, uint64_t last)
{
	memset(a, 0, sizeof(*a));
	a->what = KIT_FIND;
	a->digits = digits;
	a->first = first;
	a->last = last;
}

void kit_ask_list(struct kit_ask *a, int kind, int order, const char *parent)
{
	memset(a, 0, sizeof(*a));
	a->what = KIT_LIST;
	numbering_record_query q;
	/* Not NUMBERING_RECORD_QUERY_INIT: it names one field, which -Wextra warns about. */
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_QUERY_VERSION;
	q.kind = kind;
	q.order = order;
	q.parent = parent;
	a->query = q;
}

static void describe_string(struct kit_buf *out, const char *s)
{
	if (s == NULL) {
		kit_buf_printf(out, "NULL");
		return;
	}
	size_t len = strlen(s);
	kit_buf_printf(out, "\"");
	for (size_t i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			kit_buf_printf(out, "\\x%02x", c);
		else
			kit_buf_printf(out, "%c", c);
	}
	if (len > 80)
		kit_buf_printf(out, "...(%zu bytes)", len);
	kit_buf_printf(out, "\"");
}

static void format_record(struct kit_buf *out, const numbering_record *r)
{
	kit_buf_printf(out, "  kind %d name ", r->kind);
	describe_string(out, r->name);
	kit_buf_printf(out, " parent ");
	describe_string(out, r->parent);
	kit_buf_printf(out, " flags %u sort_key %lld interval %d:%llu..%llu expires %lld keys", r->flags,
	               (long long)r->sort_key, r->digits, (unsigned long long)r->first, (unsigned long long)r->last,
	               (long long)r->expires);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++) {
		kit_buf_printf(out, " ");
		describe_string(out, r->keys[i]);
	}
	kit_buf_printf(out, " body %zu bytes ", r->body_len);
	const unsigned char *body = r->body;
	if (r->body_len > 0 && body == NULL) {
		kit_buf_printf(out, "NULL");
	} else if (r->body_len <= 32) {
		for (size_t i = 0; i < r->body_len; i++)
			kit_buf_printf(out, "%02x", body[i]);
	} else {
		/* FNV-1a over long bodies. */
		uint64_t h = 1469598103934665603u;
		for (size_t i = 0; i < r->body_len; i++)
			h = (h ^ body[i]) * 1099511628211u;
		kit_buf_printf(out, "fnv %016llx", (unsigned long long)h);
	}
	kit_buf_printf(out, "\n");
}

void kit_ask_describe(const struct kit_ask *a, struct kit_buf *out)
{
	switch (a->what) {
	case KIT_GET:
		kit_buf_printf(out, "get(kind %d, ", a->kind);
		describe_string(out, a->name);
		kit_buf_printf(out, ")");
		break;
	case KIT_FIND:
		kit_buf_printf(out, "find(digits %d, %llu .. %llu)", a->digits, (unsigned long long)a->first,
		               (unsigned long long)a->last);
		break;
	default: {
		const numbering_record_query *q = &a->query;
		static const char *const orders[] = {"DESCENDING", "ASCENDING", "EXPIRY"};
		kit_buf_printf(out, "list(kind %d, order %s, parent ", q->kind,
		               q->order >= 0 && q->order <= 2 ? orders[q->order] : "?");
		describe_string(out, q->parent);
		if (q->listed_only)
			kit_buf_printf(out, ", listed_only");
		if (q->has_after)
			kit_buf_printf(out, ", after %lld", (long long)q->after);
		if (q->expires_until)
			kit_buf_printf(out, ", expires_until %lld", (long long)q->expires_until);
		for (size_t i = 0; i < q->interval_count; i++)
			kit_buf_printf(out, ", interval %d:%llu..%llu", q->intervals[i].digits,
			               (unsigned long long)q->intervals[i].first, (unsigned long long)q->intervals[i].last);
		for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
			if (q->keys[i] != NULL) {
				kit_buf_printf(out, ", keys[%d] ", i);
				describe_string(out, q->keys[i]);
			}
		if (q->limit)
			kit_buf_printf(out, ", limit %d", q->limit);
		kit_buf_printf(out, ")");
	}
	}
	if (a->stop_after)
		kit_buf_printf(out, " with a visitor returning %d at visit %d", a->stop_value, a->stop_after);
}

const char *kit_ask_sentence(const struct kit_ask *a)
{
	if (a->stop_after)
		return S_VISIT;
	if (a->what == KIT_GET)
		return S_GET;
	if (a->what == KIT_FIND)
		return S_FIND;
	const numbering_record_query *q = &a->query;
	if (q->order == NUMBERING_RECORD_ORDER_EXPIRY)
		return S_EXPIRY;
	if (q->interval_count)
		return S_INTERVALS;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (q->keys[i] != NULL)
			return S_KEYS;
	if (q->listed_only)
		return S_LISTED;
	if (q->limit)
		return S_LIMIT;
	return q->has_after ? S_ORDER : S_LIST;
}

static const char *status_name(int rc)
{
	const char *name = rc >= 0 && rc <= NUMBERING_UNAUTHENTICATED ? numbering_status_name(rc) : NULL;
	return name ? name : "a visitor's value";
}

/* The model's answers. */

static int list_matches(const struct kit_rec *r, const numbering_record_query *q)
{
	if (r->kind != q->kind || (q->parent != NULL && strcmp(r->parent, q->parent) != 0))
		return 0;
	if (q->listed_only && !(r->flags & NUMBERING_RECORD_LISTED))
		return 0;
	if (q->order == NUMBERING_RECORD_ORDER_EXPIRY) {
		if (r->expires == 0 || (q->expires_until != 0 && r->expires > q->expires_until) ||
		    (q->has_after && r->expires <= q->after))
			return 0;
	} else if (q->has_after) {
		if (q->order == NUMBERING_RECORD_ORDER_DESCENDING ? r->sort_key >= q->after : r->sort_key <= q->after)
			return 0;
	}
	if (q->interval_count > 0) {
		size_t i = 0;
		while (i < q->interval_count &&
		       !overlaps(r, q->intervals[i].digits, q->intervals[i].first, q->intervals[i].last))
			i++;
		if (i == q->interval_count)
			return 0;
	}
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (q->keys[i] != NULL && (r->keys[i] == NULL || strcmp(r->keys[i], q->keys[i]) != 0))
			return 0;
	return 1;
}

static int order_of_sort;

static int compare_recs(const void *x, const void *y)
{
	const struct kit_rec *a = *(const struct kit_rec *const *)x, *b = *(const struct kit_rec *const *)y;
	switch (order_of_sort) {
	case NUMBERING_RECORD_ORDER_DESCENDING:
		return a->sort_key < b->sort_key ? 1 : a->sort_key > b->sort_key ? -1 : 0;
	case NUMBERING_RECORD_ORDER_ASCENDING:
		return a->sort_key < b->sort_key ? -1 : a->sort_key > b->sort_key ? 1 : 0;
	case NUMBERING_RECORD_ORDER_EXPIRY:
		if (a->expires != b->expires)
			return a->expires < b->expires ? -1 : 1;
		return strcmp(a->name, b->name);
	default: /* number order */
		return a->first < b->first ? -1 : a->first > b->first ? 1 : 0;
	}
}

/* The model is read from several threads at once (concurrent reads): the sort order is
 * passed through a variable, so the sort itself is done under a lock. */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static void sort_recs(const struct kit_rec **v, size_t n, int order)
{
	pthread_mutex_lock(&sort_lock);
	order_of_sort = order;
	qsort(v, n, sizeof(*v), compare_recs);
	pthread_mutex_unlock(&sort_lock);
}

void kit_model_answer(const struct kit_model *m, const struct kit_ask *a, struct kit_buf *out)
{
	const struct kit_rec **v = kit_alloc((m->count + 1) * sizeof(*v));
	size_t n = 0;
	int none = NUMBERING_OK;
	if (a->what == KIT_GET) {
		int i = kit_model_index(m, a->kind, a->name);
		if (i >= 0)
			v[n++] = &m->r[i];
		none = NUMBERING_NOT_FOUND;
	} else if (a->what == KIT_FIND) {
		for (size_t i = 0; i < m->count; i++)
			if ((m->r[i].flags & NUMBERING_RECORD_NUMBERS) && overlaps(&m->r[i], a->digits, a->first, a->last))
				v[n++] = &m->r[i];
		sort_recs(v, n, -1);
		none = NUMBERING_NOT_FOUND;
	} else {
		for (size_t i = 0; i < m->count; i++)
			if (list_matches(&m->r[i], &a->query))
				v[n++] = &m->r[i];
		sort_recs(v, n, a->query.order);
		if (a->query.limit > 0 && n > (size_t)a->query.limit)
			n = (size_t)a->query.limit;
	}
	int rc = n == 0 ? none : NUMBERING_OK;
	struct kit_buf lines = {0};
	size_t visits = 0;
	for (size_t i = 0; i < n; i++) {
		numbering_record view;
		kit_rec_view(&view, v[i]);
		format_record(&lines, &view);
		visits++;
		if (a->stop_after && (int)visits == a->stop_after) {
			rc = a->stop_value;
			break;
		}
	}
	kit_buf_printf(out, "returns %d (%s), %zu visits\n%s", rc, status_name(rc), visits, lines.p ? lines.p : "");
	kit_buf_free(&lines);
	free(v);
}

/* A backend's answers. */

struct collect {
	struct kit_buf lines;
	size_t visits;
	int stop_after, stop_value;
	int bad_version;
};

static int collect_visit(const numbering_record *record, void *payload)
{
	struct collect *c = payload;
	if (record == NULL) {
		kit_buf_printf(&c->lines, "  a NULL record\n");
		c->visits++;
		return 0;
	}
	if (record->version == 0)
		c->bad_version++;
	format_record(&c->lines, record);
	c->visits++;
	if (c->visits > 1000000)
		return -12345; /* a runaway walk */
	return c->stop_after && (int)c->visits == c->stop_after ? c->stop_value : 0;
}

void kit_backend_answer(numbering_backend *b, const struct kit_ask *a, struct kit_buf *out, int *bad_version)
{
	struct collect c;
	memset(&c, 0, sizeof(c));
	c.stop_after = a->stop_after;
	c.stop_value = a->stop_value;
	int rc;
	if (a->what == KIT_GET)
		rc = b->get(b, a->kind, a->name, collect_visit, &c);
	else if (a->what == KIT_FIND)
		rc = b->find(b, a->digits, a->first, a->last, collect_visit, &c);
	else
		rc = b->list(b, &a->query, collect_visit, &c);
	kit_buf_printf(out, "returns %d (%s), %zu visits\n%s", rc, status_name(rc), c.visits,
	               c.lines.p ? c.lines.p : "");
	if (bad_version != NULL)
		*bad_version += c.bad_version;
	kit_buf_free(&c.lines);
}

void kit_expect_same(numbering_backend *b, const struct kit_model *m, const struct kit_ask *a,
                     const char *sentence, const char *context)
{
	struct kit_buf want = {0}, got = {0}, what = {0};
	int bad_version = 0;
	kit_model_answer(m, a, &want);
	kit_backend_answer(b, a, &got, &bad_version);
	kit_ask_describe(a, &what);
	KIT_CLAIM(bad_version == 0, S_VERSION, "%s: %s: %d visited records with version 0", context, what.p,
	          bad_version);
	if (strcmp(want.p, got.p) != 0) {
		/* Show the text from the first line that differs. */
		size_t i = 0, line = 0;
		while (want.p[i] == got.p[i]) {
			if (want.p[i] == '\n')
				line = i + 1;
			i++;
		}
		const char *w = want.p + line, *g = got.p + line;
		kit_fail(__FILE__, __LINE__, sentence ? sentence : kit_ask_sentence(a),
		         "%s: %s\n  expected (from the first difference):\n%.1500s\n  the backend answered:\n%.1500s",
		         context, what.p, w, g);
	}
	kit_buf_free(&want);
	kit_buf_free(&got);
	kit_buf_free(&what);
}

void kit_expect_all(numbering_backend *b, const struct kit_model *m, const char *sentence,
                    const char *context)
{
	struct kit_ask a;
	for (size_t i = 0; i < m->seen_count; i++) {
		kit_ask_get(&a, m->seen[i].kind, m->seen[i].name);
		kit_expect_same(b, m, &a, sentence, context);
	}
	for (int d = 1; d <= NUMBERING_RECORD_DIGITS_MAX; d++)
		if (m->digits_seen & (1u << d)) {
			kit_ask_find(&a, d, 0, kit_digits_max(d));
			kit_expect_same(b, m, &a, sentence, context);
		}
	for (size_t i = 0; i < m->count; i++) {
		const struct kit_rec *r = &m->r[i];
		if (r->digits == 0)
			continue;
		kit_ask_find(&a, r->digits, r->first, r->first);
		kit_expect_same(b, m, &a, sentence, context);
		kit_ask_find(&a, r->digits, r->last, r->last);
		kit_expect_same(b, m, &a, sentence, context);
		if (r->first > 0) {
			kit_ask_find(&a, r->digits, r->first - 1, r->first - 1);
			kit_expect_same(b, m, &a, sentence, context);
		}
		if (r->last < kit_digits_max(r->digits)) {
			kit_ask_find(&a, r->digits, r->last + 1, r->last + 1);
			kit_expect_same(b, m, &a, sentence, context);
		}
	}
	for (size_t i = 0; i < m->seen_count; i++) {
		/* Each (kind, parent) once. */
		size_t j = 0;
		while (j < i && !(m->seen[j].kind == m->seen[i].kind && strcmp(m->seen[j].parent, m->seen[i].parent) == 0))
			j++;
		if (j < i)
			continue;
		const char *parent = m->seen[i].parent;
		int kind = m->seen[i].kind;
		for (int order = NUMBERING_RECORD_ORDER_DESCENDING; order <= NUMBERING_RECORD_ORDER_EXPIRY; order++) {
			kit_ask_list(&a, kind, order, parent);
			kit_expect_same(b, m, &a, sentence, context);
			a.query.listed_only = 1;
			kit_expect_same(b, m, &a, sentence, context);
		}
		kit_ask_list(&a, kind, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
		kit_expect_same(b, m, &a, sentence, context);
	}
}
