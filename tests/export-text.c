/* tests/export-text.h: what test-export and test-due-export did with a copy each. */
#include "export-text.h"

#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "export.h"
#include "temp-dir.h"

char *export_text(numbering_backend *backend, int csv, const char *project, uint64_t *records)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	struct numberctl_export args = {csv, project, NULL};
	uint64_t n = 0;
	int rc = numberctl_export_write(out, backend, &args, &n);
	ck_assert_msg(rc == NUMBERING_OK, "export: %s", numbering_error_message());
	fclose(out);
	if (records != NULL)
		*records = n;
	return text;
}

int import_text(numbering_backend *backend, const char *text, size_t len, uint64_t *records)
{
	FILE *in = fmemopen((void *)text, len, "rb");
	ck_assert_ptr_nonnull(in);
	uint64_t n = 0;
	int rc = numberctl_import_export_read(backend, in, "dump", NULL, &n);
	fclose(in);
	if (records != NULL)
		*records = n;
	return rc;
}

void same_export_at(const char *got, const char *want, int at)
{
	if (strcmp(got, want) == 0)
		return;
	size_t i = 0, line = 1, start = 0;
	for (; got[i] == want[i]; i++)
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
	ck_abort_msg("line %d: the exports differ at their line %zu: got '%.200s', want '%.200s'", at, line, got + start,
	             want + start);
}

int export_suite_run(Suite *suite, const char *dir)
{
	SRunner *runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	temp_dir_remove(dir);
	return failed;
}
