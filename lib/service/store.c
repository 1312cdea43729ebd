/* Opening and closing a store, and the helpers every operation shares. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/random.h"
#include "e164/number.h"
#include "model/validate.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/phone.h"
#include "service/service.h"

#define META_TOKEN_KEY NUMBERING__META_TOKEN_KEY
#define META_LAST_TIME NUMBERING__META_LAST_TIME
#define BILLING_GRACE_MAX (INT64_C(100) * 366 * 86400)

static const char *const permission_names[] = {
#define NUMBERING__PERMISSION(id, name, role) [NUMBERING__PERM_##id] = name,
#include "service/permission-list.h"
#undef NUMBERING__PERMISSION
};

const char *numbering__permission_name(int permission)
{
	return permission_names[permission];
}

int numbering_options_init(numbering_options *options, unsigned int version)
{
	if (options == NULL || version == 0 || version > NUMBERING_OPTIONS_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "numbering_options_init: unknown options version %u (this library knows 1..%d)",
		                              version, NUMBERING_OPTIONS_VERSION);
	/* Only that version's fields: a caller built against an older header passes a
	 * smaller struct (docs/ABI.md). */
	size_t size = version == 1   ? offsetof(numbering_options, max_instances)
	              : version == 2 ? offsetof(numbering_options, provisioning)
	              : version == 3 ? offsetof(numbering_options, billing_grace_seconds)
	              : version == 4 ? offsetof(numbering_options, unverified_hold_seconds)
	              : version == 5 ? offsetof(numbering_options, log)
	              : version == 6 ? offsetof(numbering_options, changes_window)
	              : version == 7 ? offsetof(numbering_options, snapshot_reads)
	                             : sizeof(*options);
	memset(options, 0, size);
	options->version = version;
	return NUMBERING_OK;
}

static int64_t real_clock(void *payload)
{
	(void)payload;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Parses "AU:*,DE:LOCAL" into the store's requirement table. */
static int parse_requirements(numbering_store *store, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return NUMBERING_OK;
	size_t count = 1;
	for (const char *p = text; *p; p++)
		count += *p == ',';
	store->requirements = numbering__calloc(count, sizeof(*store->requirements));
	if (store->requirements == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading regulatory requirements");
	const char *p = text;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[48];
		char quoted[NUMBERING__QUOTE_SIZE];
		if (len >= sizeof(item) || len < 4 || p[2] != ':' || p[0] < 'A' || p[0] > 'Z' || p[1] < 'A' || p[1] > 'Z')
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "regulatory_requirements",
			                              "regulatory requirement \"%s\" is not COUNTRY:TYPE (e.g. AU:* or DE:LOCAL)",
			                              numbering__quote(quoted, p, len));
		memcpy(item, p, len);
		item[len] = '\0';
		struct numbering__requirement *r = &store->requirements[store->requirement_count];
		memcpy(r->country, item, 2);
		r->country[2] = '\0';
		if (strcmp(item + 3, "*") == 0) {
			r->number_type = 0;
		} else {
			int type = 0;
			for (int t = NUMBERING_NUMBER_TYPE_LOCAL; t <= NUMBERING_NUMBER_TYPE_SHARED_RATE; t++)
				if (strcmp(item + 3, numbering_number_type_name(t)) == 0)
					type = t;
			if (type == 0)
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "regulatory_requirements",
				                              "regulatory requirement \"%s\": \"%s\" is not a number type "
				                              "(LOCAL, NATIONAL, MOBILE, TOLL_FREE, SHARED_RATE or *)",
				                              numbering__quote(quoted, p, len), item + 3);
			r->number_type = (uint8_t)type;
		}
		store->requirement_count++;
		p += len;
		if (*p == ',')
			p++;
	}
	return NUMBERING_OK;
}

/* The META record of each id sequence (NUMBERING__SEQ_*). */
static const char *const seq_names[NUMBERING__SEQ_COUNT] = {
	[NUMBERING__SEQ_PHONE] = NUMBERING__META_SEQ_PHONE,
	[NUMBERING__SEQ_APPLICATION] = NUMBERING__META_SEQ_APPLICATION,
	[NUMBERING__SEQ_RULE] = NUMBERING__META_SEQ_RULE,
};
_Static_assert(sizeof(((numbering_store *)0)->seq_last) / sizeof(int64_t) == NUMBERING__SEQ_COUNT,
               "one last id per sequence");

static void put_le64(unsigned char buf[8], uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8) /* little-endian */
		buf[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_le64(const unsigned char buf[8])
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | buf[i];
	return v;
}

/* Reads the last id of each sequence (absent: 0, none handed out). The phone ids'
 * is kept in META_LAST_TIME (load_meta() reads it first); its own record, written by
 * stores of the first phone-id builds, counts when it holds more. */
static int load_sequences(numbering_store *store)
{
	for (int i = 0; i < NUMBERING__SEQ_COUNT; i++) {
		unsigned char buf[8];
		size_t len = sizeof(buf);
		int rc = numbering__backend_meta_get(store, seq_names[i], buf, &len);
		if (rc == NUMBERING_NOT_FOUND)
			continue;
		if (rc == NUMBERING_OUT_OF_RANGE || (rc == NUMBERING_OK && len != sizeof(buf)))
			return numbering__error_set(NUMBERING_DATA_LOSS,
			                            "the store's %s record has %zu bytes, not 8: it is not one this library "
			                            "wrote",
			                            seq_names[i], len);
		if (rc != NUMBERING_OK)
			return rc;
		uint64_t v = get_le64(buf);
		if (v > (uint64_t)INT64_MAX)
			return numbering__error_set(NUMBERING_DATA_LOSS,
			                            "the store's %s record holds %llu, more than any id this library hands out",
			                            seq_names[i], (unsigned long long)v);
		if ((int64_t)v > store->seq_last[i])
			store->seq_last[i] = (int64_t)v;
	}
	return NUMBERING_OK;
}

/* What the META last-time record holds now (its two 8-byte words, as written). */
static void meta_stored(numbering_store *store, int64_t time, int64_t phone)
{
	store->meta_time = time;
	store->meta_phone = phone;
	store->meta_known = 1;
}

/* The last time and phone id META_LAST_TIME holds as the backend reads now: *found 0
 * when there is no such record, or one of another size or out of range (load_meta()
 * refused those at open). */
static int shared_meta_marks(numbering_store *store, int *found, int64_t *last, int64_t *phone)
{
	unsigned char buf[16];
	size_t len = sizeof(buf);
	*found = 0;
	int rc = numbering__backend_meta_get(store, META_LAST_TIME, buf, &len);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	if (rc != NUMBERING_OK || (len != 8 && len != 16))
		return rc;
	uint64_t v = get_le64(buf), p = len == 16 ? get_le64(buf + 8) : 0;
	*last = v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
	*phone = (int64_t)p;
	*found = numbering__time_in_range(*last) && p <= (uint64_t)INT64_MAX;
	return NUMBERING_OK;
}

/* A backend other processes write caught up on their commits (in begin()): the last
 * time and the last ids they handed out count too, or this process would hand out an
 * id or a time again. Each only ever grows. */
static int reread_shared_meta(numbering_store *store)
{
	int found = 0;
	int64_t last = 0, phone = 0;
	int rc = shared_meta_marks(store, &found, &last, &phone);
	if (rc != NUMBERING_OK)
		return rc;
	if (found) {
		if (last > store->last_time)
			store->last_time = last;
		if (phone > store->seq_last[NUMBERING__SEQ_PHONE])
			store->seq_last[NUMBERING__SEQ_PHONE] = phone;
		meta_stored(store, last, phone);
	}
	return load_sequences(store);
}

int numbering__committed_time(numbering_store *store, int64_t *out)
{
	int found = 0;
	int64_t last = 0, phone = 0, ring = 0;
	int rc = shared_meta_marks(store, &found, &last, &phone);
	if (rc == NUMBERING_OK)
		rc = numbering__journal_last_time(store, &ring);
	if (rc != NUMBERING_OK)
		return rc;
	*out = store->last_time;
	if (found && last > *out)
		*out = last;
	if (ring > *out)
		*out = ring;
	return NUMBERING_OK;
}

int numbering__next_id(numbering_store *store, int sequence, int64_t *out)
{
	if (sequence < 0 || sequence >= NUMBERING__SEQ_COUNT)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "sequence", "id sequence %d is not one (0 .. %d)",
		                              sequence, NUMBERING__SEQ_COUNT - 1);
	if (store->seq_last[sequence] == INT64_MAX)
		return numbering__error_set(NUMBERING_OUT_OF_RANGE, "the store's %s sequence is exhausted: every id to %lld "
		                            "was handed out",
		                            seq_names[sequence], (long long)INT64_MAX);
	*out = ++store->seq_last[sequence];
	store->seq_dirty |= 1u << sequence;
	return NUMBERING_OK;
}

/* Reads the store's last time, and its page-token key, creating the key on first open
 * (the last time first: the commit that creates the key records it). */
static int load_meta(numbering_store *store)
{
	/* The last time, then (since the phone ids) the last phone id: 8 or 16 bytes. */
	unsigned char buf[16];
	size_t len = sizeof(buf);
	int rc = numbering__backend_meta_get(store, META_LAST_TIME, buf, &len);
	if (rc == NUMBERING_OUT_OF_RANGE || (rc == NUMBERING_OK && len != 8 && len != 16))
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "the store's " META_LAST_TIME " record has %zu bytes, not 8 or 16: it is not one "
		                            "this library wrote",
		                            len);
	if (rc != NUMBERING_OK && rc != NUMBERING_NOT_FOUND)
		return rc;
	if (rc == NUMBERING_OK) {
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--) /* little-endian */
			v = v << 8 | buf[i];
		/* Two's complement without an implementation-defined conversion. */
		int64_t last = v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
		uint64_t phone = len == 16 ? get_le64(buf + 8) : 0;
		if (phone > (uint64_t)INT64_MAX)
			return numbering__error_set(NUMBERING_DATA_LOSS,
			                            "the store's " META_LAST_TIME " record holds the last phone id %llu, more "
			                            "than any id this library hands out",
			                            (unsigned long long)phone);
		store->seq_last[NUMBERING__SEQ_PHONE] = (int64_t)phone;
		/* Every time this library hands out is in range, so one outside it was not
		 * written by it; taking it would wrap the next time (INT64_MAX + 1) or order
		 * new instances before old ones. */
		if (!numbering__time_in_range(last))
			return numbering__error_set(NUMBERING_DATA_LOSS,
			                            "the store's " META_LAST_TIME " record holds %lld ns, outside the times a "
			                            "store records (" NUMBERING__TIME_MIN_TEXT " to " NUMBERING__TIME_MAX_TEXT ")",
			                            (long long)last);
		store->last_time = last;
		meta_stored(store, last, (int64_t)phone);
	}
	if ((rc = load_sequences(store)) != NUMBERING_OK)
		return rc;
	len = sizeof(store->token_key);
	rc = numbering__backend_meta_get(store, META_TOKEN_KEY, store->token_key, &len);
	if (rc == NUMBERING_NOT_FOUND) {
		crypto_auth_keygen(store->token_key);
		if ((rc = numbering__begin(store)) != NUMBERING_OK)
			return rc;
		/* Another process opening the same new file store may have stored its key
		 * first (begin() caught up on it): every process must use the same one. */
		len = sizeof(store->token_key);
		rc = numbering__backend_meta_get(store, META_TOKEN_KEY, store->token_key, &len);
		if (rc == NUMBERING_OK) {
			numbering__rollback(store);
			if (len != sizeof(store->token_key))
				return numbering__error_set(NUMBERING_DATA_LOSS, "the store's page-token key has %zu bytes, not %zu",
				                            len, sizeof(store->token_key));
			return NUMBERING_OK;
		}
		if (rc != NUMBERING_NOT_FOUND) {
			numbering__rollback(store);
			return rc;
		}
		numbering_error_clear();
		crypto_auth_keygen(store->token_key);
		rc = numbering__backend_meta_put(store, META_TOKEN_KEY, store->token_key, sizeof(store->token_key));
		if (rc != NUMBERING_OK) {
			numbering__rollback(store);
			return rc;
		}
		if ((rc = numbering__commit(store)) != NUMBERING_OK)
			return rc;
	} else if (rc != NUMBERING_OK) {
		return rc;
	} else if (len != sizeof(store->token_key)) {
		return numbering__error_set(NUMBERING_DATA_LOSS, "the store's page-token key has %zu bytes, not %zu", len,
		                            sizeof(store->token_key));
	}
	return NUMBERING_OK;
}

/* The read lock's refresh (numbering__rwlock.refresh): another process committed, so
 * the backend catches up, with no reader inside. Its failures are its own to report
 * (the reads go on with what it holds). */
static void refresh_backend(void *arg)
{
	numbering_store *store = arg;
	numbering__rwlock_wrlock(&store->lock);
	store->backend->control(store->backend, NUMBERING__CONTROL_REFRESH, NULL);
	numbering__rwlock_wrunlock(&store->lock);
	numbering_error_clear();
}

/* Whether @backend says it takes no writes (NUMBERING__CONTROL_READ_ONLY). */
static int backend_read_only(numbering_backend *backend)
{
	if (backend->control == NULL)
		return 0;
	int rc = backend->control(backend, NUMBERING__CONTROL_READ_ONLY, NULL);
	numbering_error_clear();
	return rc == NUMBERING_OK;
}

int numbering__store_read_only(numbering_store *store)
{
	return backend_read_only(store->backend);
}

/* Version 2 (the record store) with every function but the optional control(). */
/* NULL when @b is a record store this library can use; else what it lacks: "version",
 * or the name of a required function it left NULL (all of version 2's but control). */
static const char *backend_lacks(const numbering_backend *b)
{
	if (b->version < 2)
		return "version";
	return !b->begin ? "begin" : !b->commit ? "commit" : !b->rollback ? "rollback" : !b->put ? "put"
	     : !b->remove ? "remove" : !b->get ? "get" : !b->find ? "find" : !b->list ? "list" : !b->free ? "free"
	                                                                                                 : NULL;
}

/* Whether @backend is one of the library's own record stores: only they answer
 * NUMBERING__CONTROL_OWN_RECORDS, naming themselves (a host's backend that hands
 * unknown operations on to one of them is not one). */
static int own_records(numbering_backend *backend)
{
	const numbering_backend *self = NULL;
	if (backend->control == NULL)
		return 0;
	int rc = backend->control(backend, NUMBERING__CONTROL_OWN_RECORDS, &self);
	numbering_error_clear();
	return rc == NUMBERING_OK && self == backend;
}

/* Whether @backend may flag records NUMBERING__RECORD_VOUCHED: the file backend,
 * naming itself (a host's backend that hands the question on to one is not). */
static int vouching(numbering_backend *backend)
{
	const numbering_backend *self = NULL;
	if (backend->control == NULL)
		return 0;
	int rc = backend->control(backend, NUMBERING__CONTROL_VOUCHES, &self);
	numbering_error_clear();
	return rc == NUMBERING_OK && self == backend;
}

int numbering_store_open(numbering_store **out, const numbering_options *options)
{
	/* The store takes the backend whatever happens: every exit that does not hand
	 * out a store frees it, at done. */
	numbering_backend *backend = options ? options->backend : NULL;
	numbering_store *store = NULL;
	numbering_backend_count count = {NUMBERING__KIND_INSTANCE, 0};
	int rc = NUMBERING_OK;
	if (out == NULL) {
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_store_open: out is NULL");
		goto done;
	}
	*out = NULL;
	if (sodium_init() < 0) {
		rc = numbering__error_set(NUMBERING_INTERNAL, "libsodium failed to initialize");
		goto done;
	}
	if (options != NULL && (options->version == 0 || options->version > NUMBERING_OPTIONS_VERSION)) {
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                            "numbering_options version %u is not one this library knows (1..%d)",
		                            options->version, NUMBERING_OPTIONS_VERSION);
		goto done;
	}
	if ((store = numbering__calloc(1, sizeof(*store))) == NULL) {
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory opening a store");
		goto done;
	}
	if (numbering__rwlock_init(&store->lock) != 0) {
		numbering__free_mem(store);
		store = NULL;
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "cannot create the store's lock");
		goto done;
	}
	store->clock = real_clock;
	store->billing_grace = NUMBERING_BILLING_GRACE_SECONDS_DEFAULT * INT64_C(1000000000);
	store->unverified_hold = NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT * INT64_C(1000000000);
	store->journal.window = NUMBERING__CHANGES_WINDOW_DEFAULT;
	if (options != NULL) {
		if (options->clock) {
			store->clock = options->clock;
			store->clock_payload = options->clock_payload;
		}
		store->authorizer = options->authorizer;
		store->authorizer_payload = options->authorizer_payload;
		store->event_sink = options->event_sink;
		store->event_payload = options->event_payload;
		if (options->default_region != NULL && options->default_region[0] != '\0') {
			if (numbering_e164_region_country_code(options->default_region) == 0 ||
			    strlen(options->default_region) != 2) {
				char quoted[NUMBERING__QUOTE_SIZE];
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "default_region",
				                            "default region \"%s\" is not an ISO 3166 alpha-2 region with a calling code",
				                            numbering__quote(quoted, options->default_region,
				                                             strlen(options->default_region)));
			} else {
				for (int i = 0; i < 2; i++)
					store->default_region[i] = (char)(options->default_region[i] & ~0x20);
			}
		}
		if (rc == NUMBERING_OK)
			rc = parse_requirements(store, options->regulatory_requirements);
		if (rc == NUMBERING_OK && options->version >= 2) {
			store->max_instances = options->max_instances;
			if (store->max_instances < 0)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "max_instances",
				                            "max_instances %lld is negative; 0 means no limit",
				                            (long long)store->max_instances);
		}
		if (rc == NUMBERING_OK && options->version >= 3) {
			store->provisioning_manual = options->provisioning == NUMBERING_PROVISIONING_MANUAL;
			if (options->provisioning != NUMBERING_PROVISIONING_IMMEDIATE &&
			    options->provisioning != NUMBERING_PROVISIONING_MANUAL)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "provisioning",
				                            "provisioning %d is neither NUMBERING_PROVISIONING_IMMEDIATE (0) nor "
				                            "NUMBERING_PROVISIONING_MANUAL (1)",
				                            options->provisioning);
		}
		if (rc == NUMBERING_OK && options->version >= 4 && options->billing_grace_seconds != 0) {
			if (options->billing_grace_seconds < 0 || options->billing_grace_seconds > BILLING_GRACE_MAX)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "billing_grace_seconds",
				                            "billing_grace_seconds %lld is not 0 (30 days) .. %lld (100 years)",
				                            (long long)options->billing_grace_seconds, (long long)BILLING_GRACE_MAX);
			else
				store->billing_grace = options->billing_grace_seconds * INT64_C(1000000000);
		}
		if (rc == NUMBERING_OK && options->version >= 5 && options->unverified_hold_seconds != 0) {
			if (options->unverified_hold_seconds < 0 || options->unverified_hold_seconds > BILLING_GRACE_MAX)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "unverified_hold_seconds",
				                            "unverified_hold_seconds %lld is not 0 (14 days) .. %lld (100 years)",
				                            (long long)options->unverified_hold_seconds,
				                            (long long)BILLING_GRACE_MAX);
			else
				store->unverified_hold = options->unverified_hold_seconds * INT64_C(1000000000);
		}
		if (rc == NUMBERING_OK && options->version >= 6)
			rc = numbering__store_log_options(store, options);
		if (rc == NUMBERING_OK && options->version >= 7 && options->changes_window != 0) {
			if (options->changes_window < 0 || options->changes_window > NUMBERING__CHANGES_WINDOW_MAX)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "changes_window",
				                            "changes_window %lld is not 0 (%d) .. %lld", (long long)options->changes_window,
				                            NUMBERING__CHANGES_WINDOW_DEFAULT, (long long)NUMBERING__CHANGES_WINDOW_MAX);
			else
				store->journal.window = options->changes_window;
		}
		if (rc == NUMBERING_OK && options->version >= 8) {
			if (options->snapshot_reads != 0 && options->snapshot_reads != 1)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "snapshot_reads",
				                            "snapshot_reads %d is not 0 (off) or 1 (on)", options->snapshot_reads);
			else
				store->snapshot_reads = options->snapshot_reads;
		}
	}
	if (rc != NUMBERING_OK)
		goto done;
	if (backend == NULL && (rc = numbering_memory_backend_new(&backend)) != NUMBERING_OK)
		goto done;
	const char *lacks = backend_lacks(backend);
	if (lacks != NULL && strcmp(lacks, "version") == 0) {
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend.version",
		                            "the storage backend has version %u: this library needs 2 (the record store) "
		                            "or later",
		                            backend->version);
		goto done;
	}
	if (lacks != NULL) {
		char field[32];
		snprintf(field, sizeof(field), "backend.%s", lacks);
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                            "the storage backend's %s is NULL: every function of version 2 but control "
		                            "is required",
		                            lacks);
		goto done;
	}
	/* From here the store owns the backend: closing it frees both. */
	store->backend = backend;
	backend = NULL;
	store->own_records = own_records(store->backend);
	store->vouching = vouching(store->backend);
	numbering__store_log_open(store);
	if (store->max_instances > 0 &&
	    (store->backend->control == NULL ||
	     store->backend->control(store->backend, NUMBERING_BACKEND_CONTROL_COUNT, &count) != NUMBERING_OK)) {
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "max_instances",
		                            "max_instances needs a backend that counts its instances "
		                            "(NUMBERING_BACKEND_CONTROL_COUNT); this one does not");
		goto done;
	}
	/* The journal's last sequence is for commits: a store that cannot write reads the
	 * journal at each ListChanges only (a shared reader that listed it here would keep
	 * its records in its heap and replay every other process's commit into it). */
	if ((rc = load_meta(store)) != NUMBERING_OK ||
	    (!backend_read_only(store->backend) && (rc = numbering__journal_load(store)) != NUMBERING_OK))
		goto done;
	/* Phone ids for the instances of a store written before them (once): the
	 * journal tells their puts as updates, not creates. */
	{
		int64_t given = 0;
		store->journal.migrating = 1;
		rc = numbering__phone_migrate(store, &given);
		store->journal.migrating = 0;
	}
	if (rc != NUMBERING_OK)
		goto done;
	/* Group commit: a backend that can make a commit durable after the write lock is
	 * released (so that concurrent writers share a disk sync) says so here. */
	if (store->backend->control != NULL &&
	    store->backend->control(store->backend, NUMBERING_BACKEND_CONTROL_DEFER_SYNC, NULL) == NUMBERING_OK)
		store->durable_wait = 1;
	/* Housekeeping such as compaction beside reads, after writes, rather than inside
	 * commits under the write lock. */
	if (store->backend->control != NULL &&
	    store->backend->control(store->backend, NUMBERING_BACKEND_CONTROL_MAINTAIN, NULL) == NUMBERING_OK)
		store->maintained = 1;
	/* Reads that never wait for a writer (docs/CONCEPTS.md, "Concurrency"): the
	 * library's own record stores keep a second copy for readers; with another
	 * backend, or when it cannot, readers wait for writers as before. */
	if (store->snapshot_reads && store->backend->control != NULL) {
		int on = 1;
		if (store->backend->control(store->backend, NUMBERING__CONTROL_SNAPSHOTS, &on) == NUMBERING_OK)
			store->lock.snapshots = 1;
	}
	/* A backend that other processes write (a file store): each read checks one word
	 * that their commits change, and catches up under the write lock when it moved. */
	{
		struct numbering__backend_watch watch = {NULL, NULL, NULL, &store->lock};
		if (store->backend->control != NULL &&
		    store->backend->control(store->backend, NUMBERING__CONTROL_WATCH, &watch) == NUMBERING_OK &&
		    watch.changes != NULL && watch.seen != NULL && watch.foreign != NULL) {
			store->foreign = watch.foreign;
			/* One behind, so the first begin rereads: another process's commit taken
			 * while this open ran (after load_meta read the last phone id) counts
			 * too, or its phone id would be handed out again. */
			store->foreign_read = atomic_load(watch.foreign) - 1;
			store->lock.refresh = refresh_backend;
			store->lock.refresh_arg = store;
			store->lock.seen = watch.seen;
			store->lock.watch = watch.changes;
		}
	}
	numbering_error_clear();
	*out = store;
	store = NULL;
done:
	/* A store that was not handed out is closed with the backend it owns; a backend
	 * it never took is freed here. */
	numbering_store_close(store);
	if (backend != NULL && backend->free != NULL)
		backend->free(backend);
	return rc;
}

void numbering_store_close(numbering_store *store)
{
	if (store == NULL)
		return;
	if (store->backend)
		store->backend->free(store->backend);
	numbering__rwlock_destroy(&store->lock);
	numbering__free_mem(store->requirements);
	numbering__buf_free(&store->put_body);
	numbering__journal_free(store);
	sodium_memzero(store->token_key, sizeof(store->token_key));
	numbering__free_mem(store);
}

int numbering__check_room(numbering_store *store, int64_t adding)
{
	if (store->max_instances == 0)
		return NUMBERING_OK;
	numbering_backend_count counted = {NUMBERING__KIND_INSTANCE, 0};
	int rc = numbering__backend_control(store, NUMBERING_BACKEND_CONTROL_COUNT, &counted);
	if (rc != NUMBERING_OK)
		return rc;
	int64_t count = counted.count;
	if (count + adding > store->max_instances)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED,
		                            "the store holds %lld instances, deleted ones included, and max_instances is %lld",
		                            (long long)count, (long long)store->max_instances);
	return NUMBERING_OK;
}

int numbering__allowed(numbering_store *store, const char *caller, int permission, const char *project)
{
	if (store->authorizer == NULL)
		return 1;
	return store->authorizer(caller, permission_names[permission], project, store->authorizer_payload) != 0;
}

int numbering__authorize(numbering_store *store, const char *caller, int permission, const char *project)
{
	if (numbering__allowed(store, caller, permission, project))
		return NUMBERING_OK;
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_set(NUMBERING_PERMISSION_DENIED, "caller %s lacks permission %s on %s",
	                            caller ? numbering__quote(quoted, caller, strlen(caller)) : "(none)",
	                            permission_names[permission], project);
}

int numbering__project_of_parent(char *project, const char *parent, const char *field)
{
	size_t len = 0;
	int rc = numbering__parse_parent(parent, field, &len);
	if (rc != NUMBERING_OK)
		return rc;
	memcpy(project, parent, len);
	project[len] = '\0';
	return NUMBERING_OK;
}

int numbering__project_of_name(char *project, const char *name, const char *field)
{
	size_t len = 0;
	const char *id = NULL;
	int rc = numbering__parse_instance_name(name, field, &len, &id);
	if (rc != NUMBERING_OK)
		return rc;
	memcpy(project, name, len);
	project[len] = '\0';
	return NUMBERING_OK;
}

/* Another process on the same file store may have committed since this one last caught
 * up: its last time counts before a time is handed out. Waiting for begin() was too late
 * where the time is taken before the transaction (most writes): with a clock standing
 * still or set back, two processes taking turns handed out the same time, and a
 * reservation, named after its time, overwrote the other's (tests/test-reservation.c,
 * two_stores_on_one_file_never_hand_out_one_time). The caller holds the write lock, as
 * refresh_backend() takes it. Inside a transaction this process holds the file's write
 * lock: nothing moved, and this is two loads. foreign_read is left to begin(), which
 * rereads the rest (the id sequences, the journal). */
static int catch_up_time(numbering_store *store)
{
	if (store->foreign == NULL)
		return NUMBERING_OK;
	if (store->lock.watch != NULL && store->lock.seen != NULL &&
	    atomic_load(store->lock.watch) != atomic_load(store->lock.seen)) {
		store->backend->control(store->backend, NUMBERING__CONTROL_REFRESH, NULL);
		numbering_error_clear(); /* a failed catch-up reads on, as a reader's does */
	}
	if (atomic_load(store->foreign) == store->foreign_read)
		return NUMBERING_OK;
	int64_t committed = 0;
	int rc = numbering__committed_time(store, &committed);
	if (rc == NUMBERING_OK && committed > store->last_time && numbering__time_in_range(committed))
		store->last_time = committed;
	return rc;
}

int numbering__next_time(numbering_store *store, int64_t *out)
{
	int rc = catch_up_time(store);
	if (rc != NUMBERING_OK)
		return rc;
	int64_t now = store->clock(store->clock_payload);
	if (!numbering__time_in_range(now))
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "the clock reads %lld ns since 1970, outside the times a store records "
		                            "(" NUMBERING__TIME_MIN_TEXT " to " NUMBERING__TIME_MAX_TEXT ")",
		                            (long long)now);
	/* A clock before the epoch is a machine whose clock is unset or failing, not a
	 * time: a new store (last time 0) stamped 1970-01-01T00:00:00.000000001Z from it,
	 * and every later write the next nanosecond. Records may hold earlier times (an
	 * import's); the clock may not. (The epoch itself is where fake clocks start:
	 * numberctl's NUMBERING_FAKE_CLOCK, the batch clock.) */
	if (now < 0) {
		char text[40];
		numbering__format_time(text, now);
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
		                            "the clock reads %lld ns since 1970 (%s), before 1970-01-01T00:00:00Z: the "
		                            "machine's clock is unset or failing, and no write is stamped from it",
		                            (long long)now, text);
	}
	if (now <= store->last_time) {
		/* last_time is in range (load_meta, and here), so the sum cannot overflow;
		 * checked all the same. Formatted only for the error: a write per
		 * subscription of a billing run gets here, and the text was a tenth of it. */
		if (__builtin_add_overflow(store->last_time, 1, &now) || now > NUMBERING__TIME_MAX) {
			char last[40];
			numbering__format_time(last, store->last_time);
			return numbering__error_set(NUMBERING_FAILED_PRECONDITION,
			                            "no time is left after the store's last time %s: times strictly increase "
			                            "and end at " NUMBERING__TIME_MAX_TEXT,
			                            last);
		}
	}
	store->last_time = now;
	*out = now;
	return NUMBERING_OK;
}

void numbering__compute_compliant(const numbering_store *store, numbering_instance *instance)
{
	instance->compliant = 1;
	/* No requirement (most stores): no country to look at, on every get and list row. */
	if (instance->regulatory_listing.len > 0 || store->requirement_count == 0)
		return;
	const char *country = numbering__str_get(&instance->country_code);
	for (size_t i = 0; i < store->requirement_count; i++) {
		const struct numbering__requirement *r = &store->requirements[i];
		if (strcmp(r->country, country) == 0 && (r->number_type == 0 || r->number_type == instance->number_type)) {
			instance->compliant = 0;
			return;
		}
	}
}

int numbering__begin(numbering_store *store)
{
	numbering__journal_reset(store);
	store->begin_took_foreign = 0;
	int rc = numbering__backend_begin(store);
	if (rc == NUMBERING_OK && store->foreign != NULL && atomic_load(store->foreign) != store->foreign_read) {
		store->begin_took_foreign = 1;
		/* Another process committed (a shared file store): what this store caches of
		 * the META records and the journal's last sequence follow it. */
		store->foreign_read = atomic_load(store->foreign);
		if ((rc = reread_shared_meta(store)) != NUMBERING_OK || (rc = numbering__journal_load(store)) != NUMBERING_OK)
			numbering__rollback(store);
	}
	/* Not read at open (a read-only backend): before the first commit would use it. */
	if (rc == NUMBERING_OK && !store->journal.loaded && (rc = numbering__journal_load(store)) != NUMBERING_OK)
		numbering__rollback(store);
	return rc;
}

/* The last time is stored with every commit so a reopened store keeps create times
 * strictly increasing even if the clock went back; the last phone id goes in the same
 * record (every create takes one: a META put of its own was +15% of a create's
 * instructions, bench-store --only write), and another id sequence that handed out an
 * id since the last commit is stored with it, so no id is handed out twice. A
 * sequence stays marked until a commit stores it: a rolled-back transaction leaves a
 * gap, never a reuse. */
int numbering__commit(numbering_store *store)
{
	int64_t started = numbering__stats_now();
	unsigned char buf[16];
	int64_t time = store->last_time, phone = store->seq_last[NUMBERING__SEQ_PHONE];
	put_le64(buf, (uint64_t)time);
	put_le64(buf + 8, (uint64_t)phone);
	/* The change journal's record of this commit, in the same transaction. */
	int rc = numbering__journal_write(store);
	/* Not when the journal's record of this commit holds both (numbering__journal_load()
	 * reads them back), nor when it holds both already (an update takes no time and no
	 * phone id): the put was ~1.2k instructions of an update's 10.9k, ~1.0k of a
	 * create's 13.0k (bench-store, callgrind). */
	int journaled = store->journal.pending_last != store->journal.last;
	int meta = !journaled && (!store->meta_known || store->meta_time != time || store->meta_phone != phone);
	if (rc == NUMBERING_OK && meta)
		rc = numbering__backend_meta_put(store, META_LAST_TIME, buf, sizeof(buf));
	for (int i = 0; rc == NUMBERING_OK && store->seq_dirty != 0 && i < NUMBERING__SEQ_COUNT; i++)
		if (i != NUMBERING__SEQ_PHONE && (store->seq_dirty & (1u << i))) {
			put_le64(buf, (uint64_t)store->seq_last[i]);
			rc = numbering__backend_meta_put(store, seq_names[i], buf, 8);
		}
	if (rc != NUMBERING_OK) {
		numbering__rollback(store);
		return rc;
	}
	rc = numbering__backend_commit(store);
	if (rc != NUMBERING_OK) {
		numbering__rollback(store);
	} else {
		store->seq_dirty = 0;
		if (meta)
			meta_stored(store, time, phone);
		numbering__journal_committed(store);
		numbering__store_committed(store, started);
	}
	return rc;
}

int numbering__durable(numbering_store *store)
{
	int rc = NUMBERING_OK;
	if (store->durable_wait) {
		rc = numbering__backend_control(store, NUMBERING_BACKEND_CONTROL_WAIT_DURABLE, NULL);
		numbering__store_durable(store);
	}
	if (rc == NUMBERING_OK && store->maintained) {
		/* The write succeeded whatever this does: the backend reports its own failures. */
		numbering__rwlock_exclude_writers(&store->lock);
		store->backend->control(store->backend, NUMBERING_BACKEND_CONTROL_MAINTAIN, NULL);
		numbering__rwlock_allow_writers(&store->lock);
	}
	return rc;
}

void numbering__rollback(numbering_store *store)
{
	/* Keep the error that made us roll back, not the rollback's. */
	int code = numbering_error_code();
	char message[512];
	snprintf(message, sizeof(message), "%s", numbering_error_message());
	numbering__journal_reset(store);
	if (numbering__backend_rollback(store) != NUMBERING_OK && code != NUMBERING_OK)
		numbering__error_set(code, "%s", message);
}

int numbering__save(numbering_instance **out, numbering_store *store, numbering_instance *instance, int rc)
{
	if (rc == NUMBERING_OK)
		rc = numbering__backend_put(store, instance);
	rc = numbering__commit_or_rollback(store, rc);
	if (rc == NUMBERING_OK) {
		numbering__instance_for_caller(store, instance);
		*out = instance;
	} else {
		numbering_instance_free(instance);
	}
	return rc;
}

int numbering__write(numbering_store *store, struct numbering__write_op *op)
{
	numbering__rwlock_wrlock(&store->lock);
	int rc = op->locked(op, store);
	numbering__rwlock_wrunlock(&store->lock);
	if (op->unlocked != NULL)
		rc = op->unlocked(op, store, rc);
	if (rc == NUMBERING_OK && (rc = numbering__durable(store)) != NUMBERING_OK)
		for (size_t i = 0; i < 2; i++)
			if (op->out[i] != NULL) {
				numbering_instance_free(*op->out[i]);
				*op->out[i] = NULL;
			}
	if (rc == NUMBERING_OK && !op->replayed)
		for (size_t i = 0; i < 2; i++)
			if (op->out[i] != NULL && op->event[i] != NULL)
				numbering__emit(store, op->event[i], numbering_instance_name(*op->out[i]));
	return rc;
}

int numbering__load_into(numbering_instance *instance, numbering_store *store, const char *name, const char *field)
{
	int rc = numbering__backend_get(store, instance, name);
	if (rc == NUMBERING_NOT_FOUND)
		rc = numbering__error_field(NUMBERING_NOT_FOUND, field, "phone number instance %s does not exist", name);
	return rc;
}

int numbering__load(numbering_instance **out, numbering_store *store, const char *name, const char *field)
{
	*out = NULL;
	numbering_instance *instance = NULL;
	int rc = numbering__instance_new_reserved(&instance);
	if (rc == NUMBERING_OK)
		rc = numbering__load_into(instance, store, name, field);
	if (rc != NUMBERING_OK) {
		numbering_instance_free(instance);
		return rc;
	}
	*out = instance;
	return NUMBERING_OK;
}

int numbering__begin_load(numbering_instance **out, numbering_store *store, const char *name, const char *field)
{
	*out = NULL;
	int rc = numbering__begin(store);
	if (rc == NUMBERING_OK && (rc = numbering__load(out, store, name, field)) != NUMBERING_OK)
		numbering__rollback(store);
	return rc;
}

int numbering__output(numbering_instance **out, const numbering_store *store, const numbering_instance *instance)
{
	int rc = numbering_instance_copy(out, instance);
	if (rc == NUMBERING_OK)
		numbering__instance_for_caller(store, *out);
	return rc;
}

void numbering__emit(numbering_store *store, const char *type, const char *name)
{
	if (store->event_sink == NULL)
		return;
	char time_text[40];
	numbering__format_time(time_text, store->clock(store->clock_payload));
	/* Names are validated ASCII without quotes or backslashes, so no escaping is needed. */
	char event[NUMBERING__NAME_SIZE + 160];
	snprintf(event, sizeof(event), "{\"type\":\"%s\",\"phoneNumberInstance\":\"%s\",\"time\":\"%s\"}", type, name,
	         time_text);
	store->event_sink(event, store->event_payload);
}

void numbering__generate_id(char id[17])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char random[16];
	numbering__random_bytes(random, sizeof(random));
	id[0] = alphabet[random[0] % 26];
	for (int i = 1; i < 16; i++)
		id[i] = alphabet[random[i] & 31];
	id[16] = '\0';
}

size_t numbering__prefix_intervals(numbering_record_interval out[NUMBERING_RECORD_DIGITS_MAX], const char *digits)
{
	size_t len = strlen(digits);
	if (len == 0 || len > NUMBERING_RECORD_DIGITS_MAX)
		return 0;
	uint64_t value = 0;
	for (size_t i = 0; i < len; i++)
		value = value * 10 + (uint64_t)(digits[i] - '0');
	size_t n = 0;
	uint64_t span = 1; /* 10^(L - len) */
	for (size_t l = len; l <= NUMBERING_RECORD_DIGITS_MAX; l++, span *= 10) {
		out[n].digits = (int)l;
		out[n].first = value * span;
		out[n].last = out[n].first + span - 1;
		n++;
	}
	return n;
}

int numbering__host_call(numbering_store *store, const char *caller, int permission, int max, int max_limit,
                         const char *fn)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: store is NULL", fn);
	int rc = numbering__authorize(store, caller, permission, "*");
	if (rc == NUMBERING_OK && (max < 1 || max > max_limit))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "max", "max %d is not 1 to %d", max, max_limit);
	return rc;
}
