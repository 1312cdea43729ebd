/*
 * Reader processes over one file store (tests/reader-procs.c), for the suites that
 * check what another process sees of a writer's commits (backend_file,
 * shared_readers): each reader reads an int at a time from its request pipe and
 * answers one byte on its answer pipe, until the request pipe is closed.
 */
#ifndef NUMBERING_TESTS_READER_PROCS_H
#define NUMBERING_TESTS_READER_PROCS_H
#include <sys/types.h>

#define READER_PROCS_MAX 8

struct reader_procs {
	int count;
	pid_t pid[READER_PROCS_MAX];
	int to[READER_PROCS_MAX][2];   /* requests: the parent writes to[r][1] */
	int from[READER_PROCS_MAX][2]; /* answers: the parent reads from[r][0] */
};

/* Forks @count readers, reader r running @reader(@path, its request fd, its answer fd),
 * which must _exit(); each child holds only its own two ends, so that every reader
 * sees its EOF when the parent closes its request pipe. */
void reader_procs_start(struct reader_procs *p, int count, void (*reader)(const char *path, int in, int out),
                        const char *path);

/* Sends @i to reader @r; returns its answer. */
char reader_procs_ask(struct reader_procs *p, int r, int i);

/* In another child of the parent: closes the parent's ends, which the child inherited
 * (else the readers would never see their EOF). */
void reader_procs_close_in_child(struct reader_procs *p);

/* Closes every request pipe and waits for the readers: each must exit 0. */
void reader_procs_stop(struct reader_procs *p);
#endif
