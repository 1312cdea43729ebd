/*
 * numberctl export and import --export (examples/numberctl/export.c) on the memory and
 * the file backend: a store holding every record kind (filled by replaying numberctl's
 * batch scenarios, the .jsonl files of tests/numberctl, through the JSON API) is exported, imported
 * into an empty store of either backend and exported again: the same bytes, in JSON
 * Lines and CSV, whole and for one project. Every way an import can be refused names
 * the line and the field and leaves the store as it was. Its own runner, as test-csv's:
 * the code is numberctl's. Run: test-export DIR (tests/numberctl).
 */
#define _GNU_SOURCE /* fopencookie() */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "batch-clock.h"
#include "export-text.h"
#include "export.h"
#include "temp-dir.h"

static const char *scenario_dir;
static char tmpdir[200]; /* temp_dir_make(): under $TMPDIR */

/* The kinds this test was written against: each must be in the filled store. */
#define KINDS_COVERED 18

/* ---- Helpers ---- */

static int file_no;

/* A new file backend at a new path (@path set to it when not NULL). */
static numbering_backend *new_file_backend(char *path, size_t size)
{
	char name[256];
	snprintf(name, sizeof(name), "%s/store-%d.db", tmpdir, ++file_no);
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&b, name, &options), NUMBERING_OK);
	if (path != NULL)
		snprintf(path, size, "%s", name);
	return b;
}

static numbering_backend *reopen_file_backend(const char *path)
{
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	options.must_exist = 1;
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &options), NUMBERING_OK);
	return b;
}

static numbering_backend *new_memory_backend(void)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	return b;
}

/* A new memory backend holding the export @ref, imported. */
static numbering_backend *imported(const char *ref)
{
	numbering_backend *m = new_memory_backend();
	ck_assert_int_eq(import_text(m, ref, strlen(ref), NULL), NUMBERING_OK);
	return m;
}

/* The CSV export of the export @ref (imported into a memory store), a new string. */
static char *csv_of(const char *ref)
{
	numbering_backend *m = imported(ref);
	char *csv = export_text(m, 1, NULL, NULL);
	m->free(m);
	return csv;
}

/* @backend's export (whole, or @project's) is @want, byte for byte. */
#define exports_as(backend, csv, project, want) exports_as_at(backend, csv, project, want, __LINE__)
static void exports_as_at(numbering_backend *backend, int csv, const char *project, const char *want, int at)
{
	char *again = export_text(backend, csv, project, NULL);
	same_export_at(again, want, at);
	free(again);
}

/* The line number (from 1) of @at in @text. */
static int line_of(const char *text, const char *at)
{
	int no = 1;
	for (const char *c = text; c < at; c++)
		no += *c == '\n';
	return no;
}

/* Replays the batch lines of tests/numberctl/@file into @store (answers ignored: the
 * scenarios hold refusals on purpose; what counts is the records they leave). */
static void replay(numbering_store *store, struct batch_clock *clock, const char *file)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", scenario_dir, file);
	FILE *in = fopen(path, "r");
	ck_assert_msg(in != NULL, "cannot open %s", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) > 0) {
		clock->line++;
		json_t *root = json_loadb(line, (size_t)n, 0, NULL);
		if (root == NULL)
			continue;
		const char *method = json_string_value(json_object_get(root, "method"));
		const char *caller = json_string_value(json_object_get(root, "caller"));
		const char *time = json_string_value(json_object_get(root, "time"));
		json_t *request = json_object_get(root, "request");
		int64_t ns;
		const char *why;
		if (time != NULL && batch_clock_parse(&ns, time, &why) == 0)
			batch_clock_set(clock, ns);
		char *text = request != NULL ? json_dumps(request, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		char *response = NULL;
		if (method != NULL)
			numbering_store_call_json(&response, store, caller, method, text != NULL ? text : "{}");
		numbering_free(response);
		free(text);
		json_decref(root);
	}
	free(line);
	fclose(in);
}

static struct batch_clock fill_clock;

/* The fill's fake clock, back at its start: both stores are filled at the same times. */
static void start_fill_clock(void)
{
	memset(&fill_clock, 0, sizeof(fill_clock));
	fill_clock.fake = 1;
	fill_clock.start = 1700000000000000000;
}

/* The scenarios after provisioning.jsonl (replayed first, with manual provisioning, so
 * that a task stays waiting): together they leave a record of every kind. */
static void replay_all(numbering_store *store)
{
	static const char *const files[] = {"inventory.jsonl", "pricing.jsonl", "purchases.jsonl",
	                                    "subscriptions.jsonl", "billing.jsonl", "reservations.jsonl",
	                                    "applications.jsonl", "vox-attach.jsonl", "vox-catalogue.jsonl",
	                                    "vox-numbers.jsonl", "lifecycle.jsonl", "active.jsonl",
	                                    "scenario.jsonl", "batch-ok.jsonl", "texts.jsonl"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		replay(store, &fill_clock, files[i]);
}

static numbering_store *open_store(numbering_backend *backend, int manual)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.clock = batch_clock_now;
	options.clock_payload = &fill_clock;
	options.default_region = "AU";
	options.provisioning = manual ? NUMBERING_PROVISIONING_MANUAL : NUMBERING_PROVISIONING_IMMEDIATE;
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
	return store;
}

/* Counts the record lines of each kind in a JSON Lines export. */
static void kinds_of(const char *text, int counts[NUMBERING_RECORD_KIND_MAX + 1])
{
	memset(counts, 0, sizeof(int) * (NUMBERING_RECORD_KIND_MAX + 1));
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		if (strncmp(line, "{\"kind\":\"", 9) == 0) {
			const char *name = line + 9;
			size_t n = strcspn(name, "\"");
			for (int k = 1; k <= NUMBERING_RECORD_KIND_MAX; k++) {
				const char *kn = numbering_record_kind_name(k);
				if (kn != NULL && strlen(kn) == n && strncmp(kn, name, n) == 0)
					counts[k]++;
			}
		}
		line = end != NULL ? end + 1 : NULL;
	}
}

/* ---- The stores under test ---- */

/* The reference export of a filled store, and the filled file store's path. */
static char *memory_ref, *file_ref;
static char file_path[256];

/* The memory store is filled through a store that owns the backend, so its records are
 * exported through a backend the test keeps: the store is given a memory backend, and
 * its export is taken before the store (and the backend) close. */
static void fill_memory(void)
{
	numbering_backend *b = new_memory_backend();
	start_fill_clock();
	numbering_store *store = open_store(b, 1);
	replay(store, &fill_clock, "provisioning.jsonl");
	replay_all(store);
	/* The store holds the backend; it is single-threaded here, so reading the backend
	 * beside it is what numberctl does with no store at all. */
	memory_ref = export_text(b, 0, NULL, NULL);
	numbering_store_close(store);
}

static void fill_file(void)
{
	numbering_backend *b = new_file_backend(file_path, sizeof(file_path));
	start_fill_clock();
	numbering_store *store = open_store(b, 1);
	replay(store, &fill_clock, "provisioning.jsonl");
	numbering_store_close(store);
	store = open_store(reopen_file_backend(file_path), 0);
	replay_all(store);
	numbering_store_close(store);
	numbering_backend *r = reopen_file_backend(file_path);
	file_ref = export_text(r, 0, NULL, NULL);
	r->free(r);
}

static void fill_both(void)
{
	fill_memory();
	fill_file();
}

static void check_every_kind(const char *text, const char *which)
{
	int counts[NUMBERING_RECORD_KIND_MAX + 1];
	kinds_of(text, counts);
	for (int k = 1; k <= NUMBERING_RECORD_KIND_MAX; k++) {
		const char *name = numbering_record_kind_name(k);
		if (name == NULL)
			continue;
		if (k <= KINDS_COVERED)
			ck_assert_msg(counts[k] > 0, "the %s store holds no %s record: the export test covers every kind", which,
			              name);
		else if (counts[k] == 0)
			fprintf(stderr, "test-export: note: the %s store holds no %s record (kind %d, newer than this test)\n",
			        which, name, k);
	}
}

/* Import @ref into an empty store of each backend and export again: the same bytes; a
 * file store reopened gives them too. */
static void round_trip(const char *ref, int csv, const char *project)
{
	size_t len = strlen(ref);
	/* memory */
	numbering_backend *m = new_memory_backend();
	uint64_t n = 0;
	ck_assert_msg(import_text(m, ref, len, &n) == NUMBERING_OK, "import into memory: %s", numbering_error_message());
	ck_assert_uint_gt(n, 0);
	exports_as(m, csv, project, ref);
	m->free(m);
	/* file, and reopened */
	char path[256];
	numbering_backend *f = new_file_backend(path, sizeof(path));
	ck_assert_msg(import_text(f, ref, len, NULL) == NUMBERING_OK, "import into a file: %s", numbering_error_message());
	exports_as(f, csv, project, ref);
	f->free(f);
	f = reopen_file_backend(path);
	exports_as(f, csv, project, ref);
	f->free(f);
}

/* ---- Tests ---- */

START_TEST(every_kind_on_both_backends)
{
	check_every_kind(memory_ref, "memory");
	check_every_kind(file_ref, "file");
	/* The header and end lines. */
	ck_assert_msg(strncmp(memory_ref, "{\"numberingExport\":1,\"library\":\"", 32) == 0, "%.80s", memory_ref);
	char version[64];
	snprintf(version, sizeof(version), "\"library\":\"%s\",\"format\":\"jsonl\"}\n", numbering_version());
	ck_assert_ptr_nonnull(strstr(memory_ref, version));
	ck_assert_ptr_nonnull(strstr(memory_ref, "\n{\"end\":true,\"records\":"));
}
END_TEST

START_TEST(round_trip_jsonl)
{
	round_trip(memory_ref, 0, NULL);
	round_trip(file_ref, 0, NULL);
}
END_TEST

/* A store whose records came in another order exports the same bytes. */
START_TEST(order_does_not_matter)
{
	/* Reverse the record lines of the reference (header and end line kept). */
	size_t len = strlen(memory_ref);
	char *copy = strdup(memory_ref), *reversed = calloc(1, len + 1);
	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_nonnull(reversed);
	static char *lines[4096];
	size_t count = 0;
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		ck_assert_uint_lt(count, 4096);
		lines[count++] = l;
	}
	strcat(reversed, lines[0]);
	strcat(reversed, "\n");
	for (size_t i = count - 2; i >= 1; i--) {
		strcat(reversed, lines[i]);
		strcat(reversed, "\n");
	}
	strcat(reversed, lines[count - 1]);
	strcat(reversed, "\n");
	numbering_backend *m = new_memory_backend();
	ck_assert_msg(import_text(m, reversed, len, NULL) == NUMBERING_OK, "%s", numbering_error_message());
	exports_as(m, 0, NULL, memory_ref);
	m->free(m);
	free(copy);
	free(reversed);
}
END_TEST

START_TEST(round_trip_csv)
{
	char *csv = csv_of(memory_ref);
	ck_assert_msg(strncmp(csv, "numberingExport,1,library,", 26) == 0, "%.80s", csv);
	ck_assert_ptr_nonnull(strstr(csv, "\nkind,name,parent,flags,sortKey,digits,first,last,expires,keys,key0,key1,"
	                                  "key2,key3,body\n"));
	round_trip(csv, 1, NULL);
	/* A CSV export imported gives the JSON Lines export of the same records. */
	numbering_backend *m = imported(csv);
	exports_as(m, 0, NULL, memory_ref);
	m->free(m);
	free(csv);
}
END_TEST

START_TEST(project_filter)
{
	numbering_backend *m = imported(file_ref);
	uint64_t n = 0, whole = 0;
	char *all = export_text(m, 0, NULL, &whole);
	char *p1 = export_text(m, 0, "p1", &n);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, whole);
	ck_assert_msg(strncmp(p1, "{\"numberingExport\":1,", 21) == 0 && strstr(p1, ",\"project\":\"p1\"}\n") != NULL,
	              "%.120s", p1);
	/* Every record line is p1's: its name or parent under projects/p1 (or a request id's projects/ * /p1). */
	for (char *save = NULL, *l = strtok_r(p1, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "{\"kind\"", 7) != 0)
			continue;
		ck_assert_msg(strstr(l, "\"projects/p1/") != NULL || strstr(l, "\"projects/p1\"") != NULL ||
		                  strstr(l, "\"projects/*/p1\"") != NULL,
		              "not p1's: %.200s", l);
		ck_assert_msg(strstr(l, "\"projects/p2") == NULL || strstr(l, "\"name\":\"projects/p1/") != NULL, "%.200s", l);
		/* Every line of it is a line of the whole export. */
		ck_assert_msg(strstr(all, l) != NULL, "not in the whole export: %.200s", l);
	}
	free(p1);
	p1 = export_text(m, 0, "p1", NULL);
	ck_assert_ptr_null(strstr(p1, "\"kind\":\"meta\""));
	ck_assert_ptr_null(strstr(p1, "\"kind\":\"availableNumber\""));
	round_trip(p1, 0, "p1");
	char *csv = export_text(m, 1, "p1", NULL);
	round_trip(csv, 1, "p1");
	/* A project without records: the header and the end line. */
	char *none = export_text(m, 0, "nosuch", &n);
	ck_assert_uint_eq(n, 0);
	char want[256];
	snprintf(want, sizeof(want),
	         "{\"numberingExport\":1,\"library\":\"%s\",\"format\":\"jsonl\",\"project\":\"nosuch\"}\n{\"end\":true,"
	         "\"records\":0}\n",
	         numbering_version());
	ck_assert_str_eq(none, want);
	free(none);
	free(csv);
	free(p1);
	free(all);
	m->free(m);
}
END_TEST

START_TEST(projects_listed)
{
	numbering_backend *m = imported(file_ref);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_int_eq(numberctl_projects_write(out, m), NUMBERING_OK);
	fclose(out);
	/* One line per project, in name order, counts as the export's. */
	ck_assert_msg(strstr(text, "{\"project\":\"p1\",\"instances\":") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "{\"project\":\"p2\",\"instances\":") != NULL, "%s", text);
	ck_assert(strstr(text, "\"p1\"") < strstr(text, "\"p2\""));
	/* p1's instances: the listed phoneNumberInstance records parented projects/p1. */
	int listed = 0, deleted = 0;
	for (const char *l = file_ref; (l = strstr(l, "{\"kind\":\"phoneNumberInstance\"")) != NULL; l++) {
		const char *end = strchr(l, '\n');
		const char *parent = strstr(l, "\"parent\":\"projects/p1\"");
		if (parent == NULL || parent > end)
			continue;
		const char *flags = strstr(l, "\"flags\":");
		if (flags != NULL && flags < end && (atoi(flags + 8) & 1))
			listed++;
		else
			deleted++;
	}
	char want[128];
	snprintf(want, sizeof(want), "{\"project\":\"p1\",\"instances\":%d,\"deletedInstances\":%d,", listed, deleted);
	ck_assert_msg(strstr(text, want) != NULL, "want %s in %s", want, text);
	ck_assert_int_gt(listed, 0);
	free(text);
	m->free(m);
	/* An empty store: nothing. */
	m = new_memory_backend();
	out = open_memstream(&text, &len);
	ck_assert_int_eq(numberctl_projects_write(out, m), NUMBERING_OK);
	fclose(out);
	ck_assert_str_eq(text, "");
	free(text);
	m->free(m);
}
END_TEST

/* The record line @nth (from 0) of @kind in the reference export, and where it is;
 * NULL when it holds fewer. */
static const char *nth_record_line(const char *ref, const char *kind, int nth, size_t *len)
{
	char want[64];
	snprintf(want, sizeof(want), "\n{\"kind\":\"%s\"", kind);
	const char *l = ref;
	for (int i = 0; i <= nth && l != NULL; i++)
		l = strstr(l + 1, want);
	if (l == NULL)
		return NULL;
	l++;
	*len = (size_t)(strchr(l, '\n') - l) + 1;
	return l;
}

/* The first record line of the reference export, and where it is. */
static const char *record_line(const char *ref, const char *kind, size_t *len)
{
	const char *l = nth_record_line(ref, kind, 0, len);
	ck_assert_ptr_nonnull(l);
	return l;
}

/* Imports @text into a store holding only a store's own META records (as one opened
 * once holds), expecting a refusal whose message and field name say @message and
 * @field; the store's export after is what it was before. */
static void refused(const char *text, size_t len, const char *message, const char *field)
{
	numbering_backend *b = new_memory_backend();
	numbering_record meta = {NUMBERING_RECORD_VERSION, 1, 0, "token-key", "", 0, 0, 0, 0, 0, {NULL, NULL, NULL, NULL},
	                         "0123456789abcdef0123456789abcdef", 32};
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &meta), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	char *before = export_text(b, 0, NULL, NULL);
	uint64_t n = 99;
	int rc = import_text(b, text, len, &n);
	ck_assert_msg(rc != NUMBERING_OK, "imported: %.200s", text);
	ck_assert_uint_eq(n, 0);
	const char *got = numbering_error_message();
	ck_assert_msg(strstr(got, message) != NULL, "message '%s' lacks '%s'", got, message);
	if (field != NULL) {
		char *body = NULL, want[64];
		ck_assert_int_eq(numbering_error_json(&body), NUMBERING_OK);
		snprintf(want, sizeof(want), "\"field\":\"%s\"", field);
		ck_assert_msg(strstr(body, want) != NULL, "%s lacks %s", body, want);
		numbering_free(body);
	}
	char *after = export_text(b, 0, NULL, NULL);
	same_export(after, before);
	free(before);
	free(after);
	b->free(b);
}

/* A copy of the reference with line @line (from 1) replaced by @with. */
static char *replace_line(const char *ref, int line, const char *with, size_t with_len, size_t *len)
{
	const char *start = ref;
	for (int i = 1; i < line; i++)
		start = strchr(start, '\n') + 1;
	const char *end = strchr(start, '\n') + 1;
	size_t head = (size_t)(start - ref), tail = strlen(end);
	char *out = malloc(head + with_len + tail + 1);
	memcpy(out, ref, head);
	memcpy(out + head, with, with_len);
	memcpy(out + head + with_len, end, tail + 1);
	*len = head + with_len + tail;
	return out;
}

/* The reference @ref with line @line replaced by @with (a whole line, its newline too)
 * is refused as refused() says. */
static void refused_line(const char *ref, int line, const char *with, const char *message, const char *field)
{
	size_t len;
	char *t = replace_line(ref, line, with, strlen(with), &len);
	refused(t, len, message, field);
	free(t);
}

START_TEST(import_errors)
{
	const char *ref = memory_ref;
	size_t ref_len = strlen(ref), len;
	/* Line 2 is the first record line. */
	size_t l2;
	const char *first = strchr(ref, '\n') + 1;
	l2 = (size_t)(strchr(first, '\n') - first) + 1;
	char line[4096], *t;

	/* A truncated line (the export cut inside a line), and one cut at a line's end. */
	refused(ref, (size_t)(first - ref) + l2 / 2, "dump: line 2: malformed JSON", NULL);
	t = strndup(ref, (size_t)(first - ref) + l2);
	refused(t, strlen(t), "line 3: end: the export ends without its end line", "end");
	free(t);
	/* Bad base64, a body cut short. */
	size_t n;
	const char *inst = record_line(ref, "phoneNumberInstance", &n);
	int inst_no = line_of(ref, inst);
	snprintf(line, sizeof(line), "%.*s", (int)n, inst);
	char *body = strstr(line, "\"body\":\"") + 8;
	body[0] = '!';
	char want[128];
	snprintf(want, sizeof(want), "line %d: body: not base64: character 1 is '!'", inst_no);
	refused_line(ref, inst_no, line, want, "body");
	snprintf(line, sizeof(line), "%.*s", (int)n, inst);
	body = strstr(line, "\"body\":\"") + 8;
	memmove(body, body + 1, strlen(body)); /* one character fewer */
	snprintf(want, sizeof(want), "line %d: body: not base64", inst_no);
	refused_line(ref, inst_no, line, want, "body");
	/* An unknown kind, by name and by number. */
	snprintf(line, sizeof(line), "{\"kind\":\"frobnicator\",\"name\":\"x\"}\n");
	refused_line(ref, 2, line, "line 2: kind: unknown kind \"frobnicator\"", "kind");
	snprintf(line, sizeof(line), "{\"kind\":200,\"name\":\"x\"}\n");
	refused_line(ref, 2, line, "line 2: kind: unknown kind 200", "kind");
	/* A NUL byte in a line, and an escaped one in a string. */
	snprintf(line, sizeof(line), "%.*s", (int)n, inst);
	t = replace_line(ref, inst_no, line, n, &len);
	size_t at = (size_t)(strstr(t, line) - t) + 10;
	t[at] = '\0';
	snprintf(want, sizeof(want), "line %d: a NUL byte at byte offset 10", inst_no);
	refused(t, len, want, NULL);
	free(t);
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":\"a\\u0000b\"}\n");
	refused_line(ref, 2, line, "line 2: name: holds a NUL byte (\\u0000) at offset 1", "name");
	/* In every string field, each named: the C string would end at it ("12" for "12\u00003"). */
	static const char *const nul_fields[][2] = {
		{"{\"kind\":\"me\\u0000ta\",\"name\":\"a\"}\n", "kind"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"parent\":\"p\\u0000\"}\n", "parent"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"sortKey\":\"12\\u00003\"}\n", "sortKey"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"expires\":\"\\u00001\"}\n", "expires"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"digits\":1,\"first\":\"1\\u00002\",\"last\":\"1\"}\n", "first"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"digits\":1,\"first\":\"1\",\"last\":\"1\\u0000\"}\n", "last"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"keys\":[null,\"k\\u0000\"]}\n", "keys[1]"},
		{"{\"kind\":\"meta\",\"name\":\"a\",\"body\":\"AQ==\\u0000\"}\n", "body"},
	};
	for (size_t i = 0; i < sizeof(nul_fields) / sizeof(nul_fields[0]); i++) {
		char want_nul[80];
		snprintf(want_nul, sizeof(want_nul), "line 2: %s: holds a NUL byte (\\u0000)", nul_fields[i][1]);
		refused_line(ref, 2, nul_fields[i][0], want_nul, nul_fields[i][1]);
	}
	/* A record twice. */
	{
		size_t head = (size_t)(first - ref) + l2;
		t = malloc(ref_len + l2 + 1);
		memcpy(t, ref, head);
		memcpy(t + head, first, l2);
		memcpy(t + head + l2, ref + head, ref_len - head + 1);
		refused(t, ref_len + l2, "line 3: name: a second meta record", "name");
		free(t);
	}
	/* An unknown field, a field of the wrong type, a bad number, flags out of range. */
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":\"x\",\"colour\":1}\n");
	refused_line(ref, 2, line, "line 2: colour: unknown field", "colour");
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":7}\n");
	refused_line(ref, 2, line, "line 2: name: must be a string", "name");
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":\"x\",\"sortKey\":\"12a\"}\n");
	refused_line(ref, 2, line, "line 2: sortKey: \"12a\" is not a decimal 64-bit integer", "sortKey");
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":\"x\",\"flags\":8}\n");
	refused_line(ref, 2, line, "line 2: flags: 8 is out of range", "flags");
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":\"x\",\"digits\":3,\"first\":\"100\"}\n");
	refused_line(ref, 2, line, "line 2: last: missing", "last");
	snprintf(line, sizeof(line), "{\"kind\":\"meta\"}\n");
	refused_line(ref, 2, line, "line 2: name: missing", "name");
	/* A record outside the limits of a record: an interval that is not one (last before first). */
	snprintf(line, sizeof(line), "{\"kind\":\"meta\",\"name\":\"x\",\"digits\":3,\"first\":\"200\",\"last\":\"100\"}\n");
	refused_line(ref, 2, line,
	             "line 2: first: the meta record \"x\" does not read back: record interval start 200 is after", "first");
	/* The header: missing, another version, not an export at all; an empty input. */
	refused(first, strlen(first), "line 1: numberingExport: missing", "numberingExport");
	snprintf(line, sizeof(line), "{\"numberingExport\":2,\"library\":\"9.9.9\",\"format\":\"jsonl\"}\n");
	refused_line(ref, 1, line, "line 1: numberingExport: version 2: this numberctl reads version 1", "numberingExport");
	refused("phoneNumber,type\n+12085550100,LOCAL\n", 35, "line 1: not an export header", NULL);
	refused("", 0, "line 1: the input is empty", NULL);
	/* The end line: a wrong count, a line after it. */
	const char *end = strstr(ref, "{\"end\":true");
	int end_no = line_of(ref, end);
	snprintf(line, sizeof(line), "{\"end\":true,\"records\":1}\n");
	snprintf(want, sizeof(want), "line %d: records: the end line counts 1 records", end_no);
	refused_line(ref, end_no, line, want, "records");
	t = malloc(ref_len + l2 + 1);
	memcpy(t, ref, ref_len);
	memcpy(t + ref_len, first, l2);
	t[ref_len + l2] = '\0';
	snprintf(want, sizeof(want), "line %d: a line after the end line", end_no + 1);
	refused(t, ref_len + l2, want, NULL);
	free(t);
}
END_TEST

START_TEST(import_errors_csv)
{
	char *csv = csv_of(memory_ref);
	/* Line 3 is the first record row (the header, the column names). */
	refused_line(csv, 3, "frobnicator,x,,,,,,,,,,,,,\n", "line 3: kind: unknown kind \"frobnicator\"", "kind");
	refused_line(csv, 3, "meta,x,,,,,,,,,,,,,AQ=\n", "line 3: body: not base64", "body");
	refused_line(csv, 3, "meta,x,,,\n", "line 3: digits: 5 cells, not 15", "digits");
	refused_line(csv, 3, "meta,x,,,,,,,,1,,k,,,\n", "line 3: key1: a value for a slot the keys mask leaves out",
	             "key1");
	refused_line(csv, 2, "kind,name\n", "line 2: the column names are not", NULL);
	/* Cut short: no end row. */
	const char *end = strstr(csv, "\nend,");
	refused(csv, (size_t)(end - csv) + 1, "the export ends without its end line", "end");
	/* A NUL byte in a row. */
	char *t = strdup(csv);
	char *row3 = strchr(strchr(t, '\n') + 1, '\n') + 1;
	row3[2] = '\0';
	refused(t, strlen(csv), "line 3:", NULL);
	free(t);
	free(csv);
}
END_TEST

/* ---- Damaged bodies (every kind's body as the store would read it back) ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_decode_text(uint8_t *out, const char *in)
{
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (; *in != '\0' && *in != '='; in++) {
		acc = acc << 6 | (uint32_t)(strchr(b64, *in) - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

static void b64_encode_text(char *out, const uint8_t *in, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

/* The reference export with its record line @l (@n bytes) given the body @body (@len
 * bytes), or its keys[@key] replaced by @key_value (@key >= 0); its line number in *@no
 * and its name in @name. */
static char *with_line(const char *ref, const char *l, size_t n, const uint8_t *body, size_t len, int key,
                       const char *key_value, int *no, char *name, size_t name_size, size_t *out_len)
{
	*no = line_of(ref, l);
	json_error_t error;
	json_t *root = json_loadb(l, n, 0, &error);
	ck_assert_msg(root != NULL, "%s", error.text);
	snprintf(name, name_size, "%s", json_string_value(json_object_get(root, "name")));
	if (body != NULL) {
		char *text = malloc(len / 3 * 4 + 8);
		b64_encode_text(text, body, len);
		json_object_set_new(root, "body", json_string(text));
		free(text);
	}
	if (key >= 0)
		json_array_set_new(json_object_get(root, "keys"), (size_t)key, json_string(key_value));
	char *line = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	size_t line_len = strlen(line);
	line = realloc(line, line_len + 2);
	line[line_len++] = '\n';
	line[line_len] = '\0';
	char *t = replace_line(ref, *no, line, line_len, out_len);
	free(line);
	return t;
}

/* with_line() of the first @kind record's line. */
static char *with_record(const char *ref, const char *kind, const uint8_t *body, size_t len, int key,
                         const char *key_value, int *no, char *name, size_t name_size, size_t *out_len)
{
	size_t n;
	const char *l = record_line(ref, kind, &n);
	return with_line(ref, l, n, body, len, key, key_value, no, name, name_size, out_len);
}

/* The body of the first @kind record of @ref, decoded into @out (*@len its size). */
static void body_of(const char *ref, const char *kind, uint8_t *out, size_t *len)
{
	size_t n;
	const char *l = record_line(ref, kind, &n);
	json_t *root = json_loadb(l, n, 0, NULL);
	ck_assert_ptr_nonnull(root);
	const char *text = json_string_value(json_object_get(root, "body"));
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_lt(strlen(text), 8000);
	*len = b64_decode_text(out, text);
	json_decref(root);
}

/* The thread's error names line @no and the @kind record @name that does not read back. */
static void error_names_record(int no, const char *kind, const char *name)
{
	char want[900];
	snprintf(want, sizeof(want), "dump: line %d: ", no);
	ck_assert_msg(strstr(numbering_error_message(), want) != NULL, "'%s' lacks '%s'", numbering_error_message(), want);
	snprintf(want, sizeof(want), "the %.60s record \"%.120s\" does not read back: ", kind, name);
	ck_assert_msg(strstr(numbering_error_message(), want) != NULL, "%s: '%s' lacks '%s'", kind,
	              numbering_error_message(), want);
}

/* Every kind's first record: its body cut by one byte, cut in half, and bit-flipped,
 * imported, is refused naming the line, the kind and the name, the store unchanged
 * (refused()). Every kind must refuse both cuts and, but META (numbers, a key), at least one single-bit flip; a
 * flip that still decodes is a valid body (a letter of a text changed), not damage. */
START_TEST(import_damaged_bodies)
{
	const char *ref = memory_ref;
	uint8_t body[6000], damaged[6000];
	char name[600];
	int kinds = 0;
	for (int k = 1; k <= KINDS_COVERED; k++) {
		const char *kind = numbering_record_kind_name(k);
		if (kind == NULL)
			continue;
		size_t len = 0, tlen;
		body_of(ref, kind, body, &len);
		ck_assert_msg(len > 0, "the first %s record has an empty body", kind);
		int no;
		/* Cut by one byte, and to less than half (half of a 16-byte last-time is its older 8-byte form). */
		size_t cuts[2] = {len - 1, (len - 1) / 2};
		for (int c = 0; c < 2; c++) {
			char *t = with_record(ref, kind, body, cuts[c], -1, NULL, &no, name, sizeof(name), &tlen);
			refused(t, tlen, "does not read back: ", NULL);
			error_names_record(no, kind, name);
			ck_assert_int_eq(numbering_error_code(), NUMBERING_INVALID_ARGUMENT);
			free(t);
		}
		/* Single-bit flips: each byte's low and high bit in turn, up to 64 bytes. */
		int flips_refused = 0;
		for (size_t i = 0; i < len && i < 64; i++)
			for (int bit = 0; bit < 8; bit += 7) {
				memcpy(damaged, body, len);
				damaged[i] ^= (uint8_t)(1u << bit);
				char *t = with_record(ref, kind, damaged, len, -1, NULL, &no, name, sizeof(name), &tlen);
				numbering_backend *m = new_memory_backend();
				int rc = import_text(m, t, tlen, NULL);
				if (rc != NUMBERING_OK) {
					flips_refused++;
					error_names_record(no, kind, name);
					/* Nothing of it stayed. */
					char *after = export_text(m, 0, NULL, NULL);
					ck_assert_ptr_null(strstr(after, "\n{\"kind\":\"phoneNumberInstance\""));
					free(after);
				}
				m->free(m);
				free(t);
			}
		/* A META record's body is a number, a key or a flag: every bit pattern is one. */
		if (k != 1)
			ck_assert_msg(flips_refused > 0, "no single-bit flip of the first %s record's body is refused", kind);
		kinds++;
	}
	ck_assert_int_eq(kinds, KINDS_COVERED);
}
END_TEST

/* Keys the store derives from the body: an instance's keys[0] that its body does not
 * give is refused too; and a cut body in a CSV export. */
START_TEST(import_damaged_keys_and_csv)
{
	const char *ref = memory_ref;
	uint8_t body[6000];
	char name[600], want[900];
	int no;
	size_t tlen, len;
	char *t = with_record(ref, "phoneNumberInstance", NULL, 0, 0, "zz-not-its-key", &no, name, sizeof(name), &tlen);
	refused(t, tlen, "does not read back: ", NULL);
	error_names_record(no, "phoneNumberInstance", name);
	free(t);
	/* CSV: the same cut body, refused the same way. */
	body_of(ref, "subscription", body, &len);
	t = with_record(ref, "subscription", body, len - 1, -1, NULL, &no, name, sizeof(name), &tlen);
	char *csv = csv_of(ref);
	numbering_backend *m = new_memory_backend();
	ck_assert_int_ne(import_text(m, t, tlen, NULL), NUMBERING_OK); /* the JSON Lines one */
	m->free(m);
	free(t);
	/* Cut the body cell of the first subscription row by its last base64 quantum. */
	char *row = strstr(csv, "\nsubscription,");
	ck_assert_ptr_nonnull(row);
	row++;
	int row_no = line_of(csv, row);
	char *eol = strchr(row, '\n');
	size_t row_len = (size_t)(eol - row);
	char *edited = strndup(row, row_len);
	char *cell = strrchr(edited, ',') + 1;
	size_t cell_len = strlen(cell);
	ck_assert_uint_gt(cell_len, 8);
	cell[cell_len - 4] = '\0'; /* drop the last quantum: 1 .. 3 bytes fewer */
	size_t elen = strlen(edited);
	edited = realloc(edited, elen + 2);
	edited[elen] = '\n';
	edited[elen + 1] = '\0';
	t = replace_line(csv, row_no, edited, elen + 1, &tlen);
	snprintf(want, sizeof(want), "dump: line %d: ", row_no);
	refused(t, tlen, want, NULL);
	ck_assert_msg(strstr(numbering_error_message(), "the subscription record \"") != NULL &&
	                  strstr(numbering_error_message(), "does not read back") != NULL,
	              "%s", numbering_error_message());
	free(t);
	free(edited);
	free(csv);
}
END_TEST

/* A store holding more than its own metadata is refused, unchanged. */
START_TEST(import_into_non_empty)
{
	numbering_backend *m = imported(memory_ref);
	ck_assert_int_eq(import_text(m, memory_ref, strlen(memory_ref), NULL), NUMBERING_FAILED_PRECONDITION);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "the store is not empty"));
	exports_as(m, 0, NULL, memory_ref);
	m->free(m);
	/* A store opened once (its own META records only) takes an export, whose META
	 * records replace the store's. */
	char path[256];
	numbering_backend *f = new_file_backend(path, sizeof(path));
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = f;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	numbering_store_close(store);
	f = reopen_file_backend(path);
	ck_assert_int_eq(import_text(f, memory_ref, strlen(memory_ref), NULL), NUMBERING_OK);
	exports_as(f, 0, NULL, memory_ref);
	f->free(f);
	/* And the imported store opens as a store and answers. */
	f = reopen_file_backend(path);
	options.backend = f;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "ListPhoneNumberInstances",
	                                           "{\"parent\":\"projects/p1\"}"),
	                 NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(response, "\"phoneNumberInstances\":[{"));
	numbering_free(response);
	numbering_store_close(store);
}
END_TEST

static int count_records(const numbering_record *r, void *payload)
{
	(void)r;
	++*(int *)payload;
	return 0;
}

static int stop_at_third(const numbering_record *r, void *payload)
{
	(void)r;
	return ++*(int *)payload == 3 ? 42 : 0;
}

/* NUMBERING_BACKEND_CONTROL_FOREACH, the walk export needs, on both backends: every
 * record once, a visitor's stop value returned, refused inside a transaction and
 * without its argument. */
START_TEST(foreach_control)
{
	char path[256];
	numbering_backend *backends[2] = {new_memory_backend(), new_file_backend(path, sizeof(path))};
	for (int i = 0; i < 2; i++) {
		numbering_backend *b = backends[i];
		uint64_t records = 0;
		ck_assert_int_eq(import_text(b, memory_ref, strlen(memory_ref), &records), NUMBERING_OK);
		int seen = 0;
		numbering_backend_foreach each = {count_records, &seen};
		ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_FOREACH, &each), NUMBERING_OK);
		ck_assert_int_eq(seen, (int)records);
		seen = 0;
		each.visit = stop_at_third;
		ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_FOREACH, &each), 42);
		ck_assert_int_eq(seen, 3);
		ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_FOREACH, NULL), NUMBERING_INVALID_ARGUMENT);
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_FOREACH, &each), NUMBERING_FAILED_PRECONDITION);
		ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
		b->free(b);
	}
}
END_TEST

/* A write error on the output is reported, not a silent short export. */
START_TEST(write_error)
{
	FILE *full = fopen("/dev/full", "w");
	if (full == NULL)
		return;
	numbering_backend *m = imported(memory_ref);
	struct numberctl_export args = {0, NULL, NULL};
	uint64_t n;
	ck_assert_int_eq(numberctl_export_write(full, m, &args, &n), NUMBERING_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "cannot write the export"));
	ck_assert_int_eq(numberctl_projects_write(full, m), NUMBERING_UNAVAILABLE);
	fclose(full);
	m->free(m);
}
END_TEST

/* Copies a record's body into the struct raw it is given. */
struct raw {
	uint8_t body[4096];
	size_t len;
	numbering_record r;
	char name[256], parent[256];
};

static int copy_record(const numbering_record *r, void *payload)
{
	struct raw *raw = payload;
	ck_assert_uint_lt(r->body_len, sizeof(raw->body));
	memcpy(raw->body, r->body, r->body_len);
	raw->len = r->body_len;
	raw->r = *r;
	snprintf(raw->name, sizeof(raw->name), "%s", r->name);
	snprintf(raw->parent, sizeof(raw->parent), "%s", r->parent);
	raw->r.name = raw->name;
	raw->r.parent = raw->parent;
	raw->r.body = raw->body;
	return 0;
}

/* An instance whose stored display name is not UTF-8 (the library writes only UTF-8:
 * a record damaged, or imported from a hand-edited export) is DATA_LOSS naming it, when
 * got and when listed; it was RESOURCE_EXHAUSTED "out of memory rendering", which a
 * client retries (HTTP 429) for ever. */
START_TEST(instance_text_not_utf8)
{
	numbering_backend *m = new_memory_backend();
	numbering_store *store = open_store(m, 0);
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "CreatePhoneNumberInstance",
	                                           "{\"parent\":\"projects/u8\",\"phoneNumberInstanceId\":\"zed\","
	                                           "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                                           "\"+61255501234\"},\"displayName\":\"Zed\"}}"),
	                 NUMBERING_OK);
	numbering_free(response);
	static struct raw raw;
	ck_assert_int_eq(m->get(m, 3, "projects/u8/phoneNumberInstances/zed", copy_record, &raw), NUMBERING_OK);
	uint8_t *z = memmem(raw.body, raw.len, "Zed", 3);
	ck_assert_ptr_nonnull(z);
	z[1] = 0xff;
	ck_assert_int_eq(m->begin(m), NUMBERING_OK);
	ck_assert_int_eq(m->put(m, &raw.r), NUMBERING_OK);
	ck_assert_int_eq(m->commit(m), NUMBERING_OK);
	static const char *const calls[][2] = {
		{"GetPhoneNumberInstance", "{\"name\":\"projects/u8/phoneNumberInstances/zed\"}"},
		{"ListPhoneNumberInstances", "{\"parent\":\"projects/u8\"}"},
	};
	for (int i = 0; i < 2; i++) {
		response = NULL;
		ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, calls[i][0], calls[i][1]),
		                 NUMBERING_DATA_LOSS);
		ck_assert_msg(strstr(numbering_error_message(), "\"projects/u8/phoneNumberInstances/zed\" holds text that "
		                                                "is not UTF-8") != NULL,
		              "%s: %s", calls[i][0], numbering_error_message());
		numbering_free(response);
	}
	numbering_store_close(store);
}
END_TEST

/* ---- Text that is not UTF-8, in every kind ---- */

/* The text attributes (JSON names) that the filled store's records of each kind hold:
 * each, its bytes made "\xff\xfe...", must be damage (not UTF-8: json_string() refuses
 * it, and a rendering took that for a lack of memory, RESOURCE_EXHAUSTED). */
static const struct {
	const char *kind;
	const char *fields[12];
} text_fields[] = {
	{"phoneNumberInstance", {"display_name", "labels", "incoming_call_handler_uris", "regulatory_listing",
	                         "country_code", "incoming_message_handler_uris"}},
	{"availableNumber", {"friendlyName", "region", "regionName", "categoryName", "reservation"}},
	{"activeNumber", {"instance", "region", "regionName", "categoryName", "reservation", "callbackUrl",
	                  "smsConfiguration.scheduledProvisioning.campaignId",
	                  "smsConfiguration.scheduledProvisioning.servicePlanId",
	                  "voiceConfiguration.scheduledVoiceProvisioning.appId"}},
	{"callbackDelivery", {"projectId", "url", "body"}},
	{"callbackConfiguration", {"hmacSecret", "incomingSmsCallbackUrl"}},
	{"subscription", {"instance", "purchase"}},
	{"provisioningTask", {"projectId", "phoneNumber", "appId", "campaignId", "servicePlanId"}},
	{"billingEntry", {"reason", "resource", "chargeKey", "more.resource"}},
	{"phoneNumberPurchase", {"phoneNumber", "countryCode", "friendlyName", "instance"}},
	{"reservation", {"phoneNumbers"}},
	{"application", {"application_name"}},
	{"rule", {"rule_name", "rule_pattern"}},
	{"accountLink", {"parent_account"}},
	{"phoneRegion", {"region", "regionCode", "regionName", "categoryName"}},
	{"change", {"name"}},
	{"phone", {"incoming_sms_callback_url"}},
	/* A kept response: the instance's encoding (model/encode.c), its texts named so. */
	{"request", {"response.name", "response.country_code", "response.display_name", "response.labels",
	             "response.incoming_message_handler_uris", "response.incoming_call_handler_uris"}},
};

/* A read that meets the damaged record of a kind: @method with @request, whose "%s" is
 * the record's name, or its parent when @parent. */
static const struct {
	const char *kind, *method, *request;
	int parent;
} damaged_reads[] = {
	{"phoneNumberInstance", "GetPhoneNumberInstance", "{\"name\":\"%s\"}", 0},
	{"phoneNumberPurchase", "GetPhoneNumberPurchase", "{\"name\":\"%s\"}", 0},
	{"phoneNumberPurchase", "ListPhoneNumberPurchases", "{\"parent\":\"%s\",\"pageSize\":1000}", 1},
	{"subscription", "GetSubscription", "{\"name\":\"%s\"}", 0},
	{"subscription", "ListSubscriptions", "{\"parent\":\"%s\",\"pageSize\":1000}", 1},
	{"reservation", "GetReservation", "{\"name\":\"%s\"}", 0},
	{"reservation", "ListReservations", "{\"parent\":\"%s\",\"pageSize\":1000}", 1},
	{"billingAccount", "GetBillingAccount", "{\"parent\":\"%s\"}", 1},
	{"billingEntry", "ListBillingEntries", "{\"parent\":\"%s\",\"pageSize\":1000}", 1},
	{"change", "ListChanges", "{\"pageSize\":1000}", 0},
};

/* The attribute a record check's message names as damaged with text that is not UTF-8
 * ("... is damaged: its friendlyName: it is not UTF-8 text"), into @field; 0 if none. */
static int not_utf8_field(char *field, size_t size)
{
	const char *m = numbering_error_message(), *its = strstr(m, "is damaged: its ");
	if (numbering_error_code() != NUMBERING_DATA_LOSS || its == NULL || strstr(m, "it is not UTF-8 text") == NULL)
		return 0;
	its += strlen("is damaged: its ");
	snprintf(field, size, "%.*s", (int)strcspn(its, ":"), its);
	return 1;
}

/* Whether @said names @name whole, or, when it was @cut at its bound, names its start
 * (its first 16 bytes at least) up to where it ends. */
static int names_maybe_cut(const char *said, const char *name, int cut)
{
	if (strstr(said, name) != NULL)
		return 1;
	char start[17];
	snprintf(start, sizeof(start), "%s", name);
	const char *at = cut && strlen(name) > 16 ? strstr(said, start) : NULL;
	return at != NULL && strncmp(at, name, strlen(at)) == 0;
}

/* The record @raw (of line @l, @n bytes, of the reference) with its text @field made
 * not UTF-8 in @bad: import refuses it naming the line, the record and the field, and
 * changes nothing; fsck of a file store holding it reports it; a read meeting it in a
 * store is DATA_LOSS naming it. */
static void not_utf8_everywhere(const char *kind, const char *field, const struct raw *raw, const uint8_t *bad,
                                const char *l, size_t n)
{
	char name[600], want[900], got[1200];
	int no;
	size_t tlen;
	snprintf(want, sizeof(want), "its %s: it is not UTF-8 text", field);
	/* import */
	char *t = with_line(memory_ref, l, n, bad, raw->len, -1, NULL, &no, name, sizeof(name), &tlen);
	refused(t, tlen, want, NULL);
	error_names_record(no, kind, name);
	free(t);
	numbering_record r = raw->r;
	r.body = bad;
	/* fsck: a file store holding the record, put as a backend takes any record */
	char path[256];
	numbering_backend *f = new_file_backend(path, sizeof(path));
	ck_assert_int_eq(f->begin(f), NUMBERING_OK);
	ck_assert_int_eq(f->put(f, &r), NUMBERING_OK);
	ck_assert_int_eq(f->commit(f), NUMBERING_OK);
	f->free(f);
	/* (the file holds it as put) */
	static struct raw held;
	f = reopen_file_backend(path);
	ck_assert_int_eq(f->get(f, r.kind, r.name, copy_record, &held), NUMBERING_OK);
	f->free(f);
	ck_assert(held.len == raw->len && memcmp(held.body, bad, raw->len) == 0);
	numbering_file_report report;
	memset(&report, 0, sizeof(report));
	report.version = NUMBERING_FILE_REPORT_VERSION;
	ck_assert_int_eq(numbering_file_check(&report, path, 0), NUMBERING_OK);
	/* (report.message is bounded: a long path and name may cut off the field, and the
	 * name's end: $TMPDIR's length is the checkout's) */
	const char *said = report.message;
	int cut = strlen(said) == sizeof(report.message) - 1;
	ck_assert_msg(report.status == NUMBERING_DATA_LOSS && names_maybe_cut(said, raw->name, cut) &&
	                  (strstr(said, want) != NULL || cut),
	              "%s %s: fsck: %d %s", kind, field, report.status, said);
	/* reads of a store holding it */
	for (size_t i = 0; i < sizeof(damaged_reads) / sizeof(damaged_reads[0]); i++) {
		if (strcmp(damaged_reads[i].kind, kind) != 0)
			continue;
		numbering_backend *m = imported(memory_ref);
		ck_assert_int_eq(m->begin(m), NUMBERING_OK);
		ck_assert_int_eq(m->put(m, &r), NUMBERING_OK);
		ck_assert_int_eq(m->commit(m), NUMBERING_OK);
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.backend = m;
		options.clock = batch_clock_now;
		options.clock_payload = &fill_clock;
		numbering_store *store = NULL;
		char request[900], *response = NULL;
		snprintf(request, sizeof(request), damaged_reads[i].request, damaged_reads[i].parent ? raw->parent : raw->name);
		/* (an open that reads the record, the newest change, is such a read too) */
		int rc = numbering_store_open(&store, &options);
		if (rc == NUMBERING_OK)
			rc = numbering_store_call_json(&response, store, NULL, damaged_reads[i].method, request);
		snprintf(got, sizeof(got), "%s", numbering_error_message());
		ck_assert_msg(rc == NUMBERING_DATA_LOSS && strstr(got, raw->name) != NULL, "%s %s: %s %s: %d %s", kind,
		              field, damaged_reads[i].method, request, rc, got);
		numbering_free(response);
		numbering_store_close(store); /* (a failed open freed the backend) */
	}
}

/* Every kind's records in the filled store (up to 40 a kind): each text of their
 * bodies (a length byte then printable bytes) given the bytes 0xff 0xfe for its first
 * two; a record check that says so names the attribute. Each attribute of text_fields
 * must be found so, and is then held to not_utf8_everywhere(). */
START_TEST(text_not_utf8_every_kind)
{
	numbering_backend *m = imported(memory_ref);
	static struct raw raw;
	static uint8_t bad[4096];
	char missing[2000] = "";
	for (size_t k = 0; k < sizeof(text_fields) / sizeof(text_fields[0]); k++) {
		const char *kind = text_fields[k].kind;
		int kind_no = 0;
		for (int i = 1; i <= NUMBERING_RECORD_KIND_MAX; i++)
			if (numbering_record_kind_name(i) != NULL && strcmp(numbering_record_kind_name(i), kind) == 0)
				kind_no = i;
		ck_assert_int_ne(kind_no, 0);
		int found[12] = {0};
		size_t n;
		const char *l;
		for (int nth = 0; nth < 40 && (l = nth_record_line(memory_ref, kind, nth, &n)) != NULL; nth++) {
			json_t *root = json_loadb(l, n, 0, NULL);
			ck_assert_ptr_nonnull(root);
			ck_assert_int_eq(m->get(m, kind_no, json_string_value(json_object_get(root, "name")), copy_record, &raw),
			                 NUMBERING_OK);
			json_decref(root);
			for (size_t at = 0; at + 2 < raw.len; at++) {
				size_t len = raw.body[at], j = 0;
				while (j < len && at + 1 + j < raw.len && raw.body[at + 1 + j] >= 0x20 && raw.body[at + 1 + j] < 0x7f)
					j++;
				if (len < 2 || j < len)
					continue;
				memcpy(bad, raw.body, raw.len);
				bad[at + 1] = 0xff;
				bad[at + 2] = 0xfe;
				numbering_record r = raw.r;
				r.body = bad;
				char field[64];
				if (numbering_record_check(&r) == NUMBERING_OK || !not_utf8_field(field, sizeof(field)))
					continue;
				ck_assert_msg(strstr(numbering_error_message(), raw.name) != NULL, "%s", numbering_error_message());
				int row = -1;
				for (int f = 0; f < 12 && text_fields[k].fields[f] != NULL; f++)
					if (strcmp(text_fields[k].fields[f], field) == 0)
						row = f;
				ck_assert_msg(row >= 0, "%s: %s is not in text_fields", kind, field);
				if (!found[row]++)
					not_utf8_everywhere(kind, field, &raw, bad, l, n);
			}
		}
		for (int f = 0; f < 12 && text_fields[k].fields[f] != NULL; f++)
			if (!found[f])
				snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s.%s", kind,
				         text_fields[k].fields[f]);
	}
	m->free(m);
	ck_assert_msg(missing[0] == '\0', "text that is not UTF-8 passes the record check in:%s", missing);
}
END_TEST

/* Every kind's first record under a name that is not UTF-8 (its last byte made 0xff):
 * the record check says so, and fsck of a file store holding it reports DATA_LOSS
 * naming it, with no stretch of the log to cut off (damage_offset -1). Before, names
 * were not looked at: fsck called such a file sound, and the store's next commit wrote a
 * change journal record naming the record, which fsck then called damaged (found by
 * fuzz-file-open in CI). */
START_TEST(name_not_utf8_every_kind)
{
	numbering_backend *m = imported(memory_ref);
	static struct raw raw;
	int kinds = 0;
	for (int kind = 1; kind <= NUMBERING_RECORD_KIND_MAX; kind++) {
		const char *kind_name = numbering_record_kind_name(kind);
		size_t n;
		const char *l = kind_name != NULL ? nth_record_line(memory_ref, kind_name, 0, &n) : NULL;
		if (l == NULL)
			continue;
		json_t *root = json_loadb(l, n, 0, NULL);
		ck_assert_ptr_nonnull(root);
		ck_assert_int_eq(m->get(m, kind, json_string_value(json_object_get(root, "name")), copy_record, &raw),
		                 NUMBERING_OK);
		json_decref(root);
		char name[sizeof(raw.name)];
		snprintf(name, sizeof(name), "%s", raw.name);
		name[strlen(name) - 1] = (char)0xff;
		numbering_record r = raw.r;
		r.name = name;
		ck_assert_int_eq(numbering_record_check(&r), NUMBERING_DATA_LOSS);
		ck_assert_msg(strstr(numbering_error_message(), "its name: it is not UTF-8 text") != NULL, "%s: %s",
		              kind_name, numbering_error_message());
		char path[256];
		numbering_backend *f = new_file_backend(path, sizeof(path));
		ck_assert_int_eq(f->begin(f), NUMBERING_OK);
		ck_assert_int_eq(f->put(f, &r), NUMBERING_OK);
		ck_assert_int_eq(f->commit(f), NUMBERING_OK);
		f->free(f);
		numbering_file_report report;
		memset(&report, 0, sizeof(report));
		report.version = NUMBERING_FILE_REPORT_VERSION;
		ck_assert_int_eq(numbering_file_check(&report, path, 0), NUMBERING_OK);
		/* (report.message is bounded: a long path and name may cut off the reason) */
		ck_assert_msg(report.status == NUMBERING_DATA_LOSS && report.damage_offset == -1 &&
		                  (strstr(report.message, "its name: it is not UTF-8 text") != NULL ||
		                   strlen(report.message) == sizeof(report.message) - 1),
		              "%s: fsck: %d %lld %s", kind_name, report.status, (long long)report.damage_offset, report.message);
		kinds++;
	}
	m->free(m);
	ck_assert_int_ge(kinds, 15);
}
END_TEST

/* An endless input (/dev/zero, a FIFO fed forever): after @head, zero bytes, counting
 * how many were read. */
struct endless {
	const char *head;
	size_t head_len, at;
	size_t read;
};

static ssize_t endless_read(void *cookie, char *buf, size_t size)
{
	struct endless *e = cookie;
	for (size_t i = 0; i < size; i++, e->at++)
		buf[i] = e->at < e->head_len ? e->head[e->at] : '\0';
	e->read += size;
	return (ssize_t)size;
}

/* The import of endless input, refused at its first NUL byte: before, a line was read
 * whole (getline(), or the CSV reader's reading on to the record's end), that is until
 * memory ran out, or forever. The stream stands for /dev/zero, read by the stdio buffer
 * (4 KiB .. 64 KiB) at a time: the import must stop within a few of them. */
START_TEST(import_endless_input)
{
	static const char *const heads[] = {"", "{\"numberingExport\":1,\"library\":\"0.1.0\",\"format\":\"jsonl\"}\n",
	                                    "numberingExport,1,library,0.1.0,format,csv\n"
	                                    "kind,name,parent,flags,sortKey,digits,first,last,expires,keys,key0,key1,key2,"
	                                    "key3,body\n"};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		struct endless e = {heads[i], strlen(heads[i]), 0, 0};
		cookie_io_functions_t io = {endless_read, NULL, NULL, NULL};
		FILE *in = fopencookie(&e, "r", io);
		ck_assert_ptr_nonnull(in);
		numbering_backend *m = new_memory_backend();
		uint64_t n = 99;
		ck_assert_int_eq(numberctl_import_export_read(m, in, "zeros", NULL, &n), NUMBERING_INVALID_ARGUMENT);
		ck_assert_msg(strstr(numbering_error_message(), "a NUL byte at byte offset 0") != NULL, "%s",
		              numbering_error_message());
		ck_assert_uint_eq(n, 0);
		ck_assert_msg(e.read <= 256 * 1024, "read %zu bytes of endless zeros", e.read);
		fclose(in);
		m->free(m);
	}
}
END_TEST

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-export DIR (tests/numberctl)\n");
		return 2;
	}
	scenario_dir = argv[1];
	if (temp_dir_make(tmpdir, sizeof(tmpdir), "export") != 0) {
		perror("a temporary directory under $TMPDIR");
		return 1;
	}
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, fill_both, NULL);
	tcase_add_test(tc, every_kind_on_both_backends);
	tcase_add_test(tc, round_trip_jsonl);
	tcase_add_test(tc, order_does_not_matter);
	tcase_add_test(tc, round_trip_csv);
	tcase_add_test(tc, project_filter);
	tcase_add_test(tc, projects_listed);
	tcase_add_test(tc, import_errors);
	tcase_add_test(tc, import_errors_csv);
	tcase_add_test(tc, import_damaged_bodies);
	tcase_add_test(tc, import_damaged_keys_and_csv);
	tcase_add_test(tc, import_into_non_empty);
	tcase_add_test(tc, write_error);
	tcase_add_test(tc, import_endless_input);
	tcase_add_test(tc, instance_text_not_utf8);
	tcase_add_test(tc, text_not_utf8_every_kind);
	tcase_add_test(tc, name_not_utf8_every_kind);
	tcase_add_test(tc, foreach_control);
	suite_add_tcase(s, tc);
	int failed = export_suite_run(s, tmpdir);
	free(memory_ref);
	free(file_ref);
	return failed == 0 ? 0 : 1;
}
