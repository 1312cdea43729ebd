/* tests/temp-dir.h: what five suites did with a copy each. */
#define _DEFAULT_SOURCE

#include "temp-dir.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
