/* Two processes on one file store: see tests/race-fixture.h. */
#include "race-fixture.h"

#include <check.h>
#include <stdio.h>
#include <unistd.h>

#include "store-fixture.h"

static int64_t race_clock(void *payload)
{
	struct race *r = payload;
	if (r->fire_at > 0 && ++r->reading == r->fire_at && r->fire != NULL)
		r->fire(r->b, r->payload);
	return r->now;
}

void race_open(struct race *r, const char *tag)
{
	fixture_temp_store_path(r->path, sizeof(r->path), tag);
	r->now = FIXTURE_EPOCH;
	r->reading = r->fire_at = 0;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = race_clock;
	options.clock_payload = r;
	options.backend = fixture_file_backend(r->path, 0);
	r->a = NULL;
	ck_assert_msg(numbering_store_open(&r->a, &options) == NUMBERING_OK, "open %s: %s", r->path,
	              numbering_error_message());
	r->b = fixture_open_racer(r->path, &r->now);
}

void race_fire_at(struct race *r, int n)
{
	r->reading = 0;
	r->fire_at = n;
}

numbering_store *race_close(struct race *r)
{
	r->fire_at = 0;
	numbering_store_close(r->b);
	numbering_store_close(r->a);
	r->a = r->b = NULL;
	return fixture_open_file(r->path);
}

void race_remove(struct race *r)
{
	char lock[TEMP_PATH_MAX + 8];
	snprintf(lock, sizeof(lock), "%s.lock", r->path);
	unlink(r->path);
	unlink(lock);
}
