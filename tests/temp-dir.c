/* tests/temp-dir.h: what five suites did with a copy each. */
#define _DEFAULT_SOURCE

#include "temp-dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *temp_dir_base(void)
{
	const char *base = getenv("TMPDIR");
	return base != NULL && base[0] != '\0' ? base : "/tmp";
}

int temp_dir_template(char *out, size_t size, const char *tag)
{
	int n = snprintf(out, size, "%s/numbering-%s-XXXXXX", temp_dir_base(), tag);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int temp_dir_make(char *out, size_t size, const char *tag)
{
	if (temp_dir_template(out, size, tag) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(out) != NULL ? 0 : -1;
}

void temp_dir_remove(const char *dir)
{
	if (dir == NULL || dir[0] == '\0')
		return;
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *e;
		char path[1024];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}
