/* tests/kit-file.h: the file-store target the two kit suites had a copy of each. */
#define _DEFAULT_SOURCE /* mkdtemp */

#include "kit-file.h"

#include <stdio.h>
#include <stdlib.h>

#include <numbering/sys/file.h>

#include "temp-dir.h"

static char kit_dir[256], kit_path[300];
static int kit_shared_index;

static void kit_remove_dir(void)
{
	temp_dir_remove(kit_dir);
	kit_dir[0] = '\0';
}

static int kit_open_at(numbering_backend **out)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = NUMBERING_FILE_SYNC_OFF;
	o.compact_min_bytes = 64 * 1024;
	o.shared_index = kit_shared_index;
	return numbering_file_backend_new(out, kit_path, &o);
}

static int kit_open(numbering_backend **out, void *payload)
{
	kit_shared_index = *(const int *)payload;
	kit_remove_dir();
	const char *base = getenv("TMPDIR");
	snprintf(kit_dir, sizeof(kit_dir), "%s/numbering-kit-file-XXXXXX", base && base[0] ? base : "/tmp");
	if (mkdtemp(kit_dir) == NULL) {
		kit_dir[0] = '\0';
		return NUMBERING_UNAVAILABLE;
	}
	static int registered;
	if (!registered++)
		atexit(kit_remove_dir);
	snprintf(kit_path, sizeof(kit_path), "%s/store.db", kit_dir);
	return kit_open_at(out);
}

static int kit_reopen(numbering_backend **backend, void *payload)
{
	(void)payload;
	(*backend)->free(*backend);
	*backend = NULL;
	return kit_open_at(backend);
}

static int kit_open_second(numbering_backend **out, numbering_backend *first, void *payload)
{
	(void)payload;
	(void)first;
	return kit_open_at(out);
}

void kit_file_target(numbering_backend_test_target *target, int shared_index)
{
	static int modes[2] = {0, 1};
	target->payload = &modes[shared_index != 0];
	target->open = kit_open;
	target->reopen = kit_reopen;
	target->open_second = kit_open_second;
}

const char *kit_file_path(void)
{
	return kit_path;
}
