#include "store-fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include "temp-dir.h"

struct fixture fx;

static int64_t fake_clock(void *payload)
{
	struct fixture *f = payload;
	f->now += 1000000000;
	return f->now;
}

static int authorizer(const char *caller, const char *permission, const char *project, void *payload)
{
	struct fixture *f = payload;
	f->calls++;
	(void)caller;
	if (f->deny_permission && strcmp(permission, f->deny_permission) == 0 &&
	    (f->deny_project == NULL || strcmp(project, f->deny_project) == 0))
		return 0;
	return 1;
}

static void on_event(const char *event, void *payload)
{
	struct fixture *f = payload;
	f->events++;
	snprintf(f->last_event, sizeof(f->last_event), "%s", event);
}

void fixture_open(const char *requirements)
{
	fixture_open_provisioning(requirements, NUMBERING_PROVISIONING_IMMEDIATE);
}

void fixture_open_provisioning(const char *requirements, int provisioning)
{
	memset(&fx, 0, sizeof(fx));
	fx.now = FIXTURE_EPOCH - 1000000000;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fake_clock;
	options.clock_payload = &fx;
	options.authorizer = authorizer;
	options.authorizer_payload = &fx;
	options.event_sink = on_event;
	options.event_payload = &fx;
	options.default_region = "AU";
	options.regulatory_requirements = requirements;
	options.provisioning = provisioning;
	int rc = numbering_store_open(&fx.store, &options);
	ck_assert_msg(rc == NUMBERING_OK, "open: %s", numbering_error_message());
}

void fixture_close(void)
{
	numbering_store_close(fx.store);
	fx.store = NULL;
}

void fixture_setup(void)
{
	fixture_open(NULL);
}

void fixture_teardown(void)
{
	fixture_close();
}

void fixture_temp_store_path(char *path, size_t size, const char *tag)
{
	ck_assert_msg(temp_dir_template(path, size, tag) == 0, "TMPDIR %s is too long for a path of %zu bytes",
	              temp_dir_base(), size);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
}

numbering_store *fixture_open_file(const char *path)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open %s: %s", path,
	              numbering_error_message());
	return store;
}

numbering_store *fixture_open_racer(const char *path, int64_t *clock_now)
{
	numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
	file_options.busy_timeout_ms = -1;
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&backend, path, &file_options), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_still;
	options.clock_payload = clock_now;
	options.backend = backend;
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open %s: %s", path,
	              numbering_error_message());
	return store;
}

numbering_store *fixture_open_memory(numbering_backend **backend)
{
	*backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(backend), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = *backend;
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
	return store;
}

int64_t fixture_tick(void *payload)
{
	int64_t *now = payload;
	*now += 1000000000;
	return *now;
}

int64_t fixture_still(void *payload)
{
	return *(const int64_t *)payload;
}

void fixture_case_path(char *path, size_t size, int file, const char *tag)
{
	path[0] = '\0';
	if (file)
		fixture_temp_store_path(path, size, tag);
}

numbering_backend *fixture_file_backend(const char *path, int read_only)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.read_only = read_only;
	numbering_backend *b = NULL;
	ck_assert_msg(numbering_file_backend_new(&b, path, &o) == NUMBERING_OK, "%s", numbering_error_message());
	return b;
}

numbering_store *fixture_open_on(numbering_backend *backend, int64_t *now)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_tick;
	options.clock_payload = now;
	options.backend = backend;
	numbering_store *s = NULL;
	ck_assert_msg(numbering_store_open(&s, &options) == NUMBERING_OK, "%s", numbering_error_message());
	return s;
}

void fixture_close_store(numbering_store **store, const char *path)
{
	numbering_store_close(*store);
	*store = NULL;
	if (path[0] != '\0')
		unlink(path);
}

static char case_path[TEMP_PATH_MAX]; /* fixture_open_case's file store, "" on memory */

static void open_case(void)
{
	fx.store = fixture_open_on(case_path[0] != '\0' ? fixture_file_backend(case_path, 0) : NULL, &fx.now);
}

void fixture_open_case(int file, const char *tag)
{
	memset(&fx, 0, sizeof(fx));
	fx.now = FIXTURE_EPOCH;
	fixture_case_path(case_path, sizeof(case_path), file, tag);
	open_case();
}

void fixture_reopen_case(void)
{
	if (case_path[0] == '\0')
		return;
	numbering_store_close(fx.store);
	fx.store = NULL;
	open_case();
}

void fixture_close_case(void)
{
	fixture_close_store(&fx.store, case_path);
}

numbering_instance *fixture_create(const char *parent, const char *id, const char *number)
{
	return fixture_create_in(fx.store, "user:test", parent, id, number);
}

numbering_instance *fixture_create_in(numbering_store *store, const char *caller, const char *parent, const char *id,
                                      const char *number)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
	int rc = numbering_store_create(&out, store, caller, parent, request, id, NULL, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create %s %s: %s", parent, number, numbering_error_message());
	numbering_instance_free(request);
	return out;
}

void fixture_expect_error(int rc, int code, const char *text)
{
	ck_assert_msg(rc == code, "got %s (%s), want %s", numbering_status_name(rc), numbering_error_message(),
	              numbering_status_name(code));
	ck_assert_msg(strstr(numbering_error_message(), text) != NULL, "message \"%s\" lacks \"%s\"",
	              numbering_error_message(), text);
}

int64_t fixture_active_total(numbering_store *store, const char *caller, const char *project,
                             const char *region_code, int type)
{
	numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
	q.region_code = region_code;
	q.type = type;
	numbering_active_page *page = NULL;
	ck_assert_msg(numbering_store_list_active(&page, store, caller, project, &q) == NUMBERING_OK, "%s",
	              numbering_error_message());
	int64_t total = numbering_active_page_total_size(page);
	numbering_active_page_free(page);
	return total;
}
