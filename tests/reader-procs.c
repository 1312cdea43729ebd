/* tests/reader-procs.h: the pipes and forks test-backend-file and test-shared-readers
 * each wrote out. */
#include "reader-procs.h"

#include <check.h>
#include <sys/wait.h>
#include <unistd.h>

void reader_procs_start(struct reader_procs *p, int count, void (*reader)(const char *path, int in, int out),
                        const char *path)
{
	ck_assert_int_le(count, READER_PROCS_MAX);
	p->count = count;
	for (int r = 0; r < count; r++) {
		ck_assert_int_eq(pipe(p->to[r]), 0);
		ck_assert_int_eq(pipe(p->from[r]), 0);
		p->pid[r] = fork();
		ck_assert_int_ge(p->pid[r], 0);
		if (p->pid[r] == 0) {
			for (int q = 0; q < r; q++) { /* the other readers' pipes: their EOF is theirs */
				close(p->to[q][1]);
				close(p->from[q][0]);
			}
			close(p->to[r][1]);
			close(p->from[r][0]);
			reader(path, p->to[r][0], p->from[r][1]);
			_exit(2); /* a reader that returns */
		}
		close(p->to[r][0]);
		close(p->from[r][1]);
	}
}

char reader_procs_ask(struct reader_procs *p, int r, int i)
{
	char c = 0;
	ck_assert_int_eq(write(p->to[r][1], &i, sizeof(i)), (ssize_t)sizeof(i));
	ck_assert_int_eq(read(p->from[r][0], &c, 1), 1);
	return c;
}

void reader_procs_close_in_child(struct reader_procs *p)
{
	for (int r = 0; r < p->count; r++) {
		close(p->to[r][1]);
		close(p->from[r][0]);
	}
}

void reader_procs_stop(struct reader_procs *p)
{
	for (int r = 0; r < p->count; r++) {
		close(p->to[r][1]);
		int status;
		ck_assert_int_eq(waitpid(p->pid[r], &status, 0), p->pid[r]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader %d: %d", r, status);
		close(p->from[r][0]);
	}
}
