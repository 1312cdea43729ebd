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

/* A rate as the table shows it: "1.41M/s", "887.0k/s", "905/s". */
static inline void bench_format_rate(char *buf, size_t size, double per_second)
{
	if (per_second >= 1e6)
		snprintf(buf, size, "%.2fM/s", per_second / 1e6);
	else if (per_second >= 1e3)
		snprintf(buf, size, "%.1fk/s", per_second / 1e3);
	else
		snprintf(buf, size, "%.0f/s", per_second);
}

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
