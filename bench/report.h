/*
 * One row of the combined performance table. Each benchmark prints its own report
 * and, when NUMBERING_BENCH_TABLE names a file (tools/bench.sh sets it), also appends
 * each figure there as one tab-separated line: program, figure, ours, peer, peer's
 * figure, ratio, target, verdict. tools/bench.sh prints those lines as one table.
 */
#ifndef NUMBERING_BENCH_REPORT_H
#define NUMBERING_BENCH_REPORT_H

#include <stdio.h>
#include <stdlib.h>

static inline void bench_table_row(const char *program, const char *figure, const char *ours, const char *peer,
                                   const char *peer_value, const char *ratio, const char *target,
                                   const char *verdict)
{
	const char *path = getenv("NUMBERING_BENCH_TABLE");
	if (path == NULL || path[0] == '\0')
		return;
	FILE *f = fopen(path, "a");
	if (f == NULL)
		return;
	fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", program, figure, ours, peer, peer_value, ratio, target, verdict);
	fclose(f);
}

#endif
