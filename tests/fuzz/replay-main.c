/*
 * Replays fuzz corpora without libFuzzer: feeds every file named on the command line,
 * and every file in every directory named (in name order), to LLVMFuzzerTestOneInput().
 * Built with any compiler as the 'fuzz-replay' meson tests, so the sanitizer build
 * checks every committed seed and regression input. Exits non-zero when a directory
 * holds no input (a mistyped corpus path must not pass).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				free(buf);
				buf = NULL;
			}
			buf = grown;
			cap *= 2;
		}
	}
	int failed = ferror(f);
	fclose(f);
	if (buf == NULL || failed) {
		free(buf);
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	/* An exact-size copy, as libFuzzer gives, so reading past the end is caught. */
	uint8_t *exact = malloc(len > 0 ? len : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	if (len > 0)
		memcpy(exact, buf, len);
	free(buf);
	printf("replay: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *path, int *count)
{
	DIR *dir = opendir(path);
	if (dir == NULL) {
		fprintf(stderr, "replay: cannot open directory %s: %s\n", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t used = 0, cap = 0;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (used == cap) {
			cap = cap ? cap * 2 : 64;
			char **grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL) {
				rc = -1;
				break;
			}
			names = grown;
		}
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		if ((names[used] = malloc(len)) == NULL) {
			rc = -1;
			break;
		}
		snprintf(names[used++], len, "%s/%s", path, e->d_name);
	}
	closedir(dir);
	if (used > 0)
		qsort(names, used, sizeof(*names), by_name);
	for (size_t i = 0; i < used; i++) {
		struct stat st;
		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = replay_file(names[i]);
			(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
		return 2;
	}
	int total = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		int count = 0;
		if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) != 0)
				return 1;
			if (count == 0) {
				fprintf(stderr, "replay: %s holds no input\n", argv[i]);
				return 1;
			}
		} else {
			if (replay_file(argv[i]) != 0)
				return 1;
			count = 1;
		}
		total += count;
	}
	printf("replay: %d inputs, no crash\n", total);
	return 0;
}
