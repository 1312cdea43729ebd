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

/* The console table bench-store and bench-inventory print, each row also appended to
 * the combined table (bench_table_row()); @missed counts the rows that missed. */
struct bench_console {
	const char *program;
	int figure_width, peer_width;
	int missed;
};

static inline void bench_header(const struct bench_console *c)
{
	printf("%-*s %12s  %-*s %12s %8s %8s  %s\n", c->figure_width, "figure", "libnumbering", c->peer_width, "peer",
	       "peer", "ratio", "target", "verdict");
}

static inline void bench_emit(const struct bench_console *c, const char *figure, const char *ours, const char *peer,
                              const char *peer_value, const char *ratio, const char *target, const char *verdict)
{
	printf("%-*s %12s  %-*s %12s %8s %8s  %s\n", c->figure_width, figure, ours, c->peer_width, peer, peer_value, ratio,
	       target, verdict);
	fflush(stdout);
	bench_table_row(c->program, figure, ours, peer, peer_value, ratio, target, verdict);
}

/* A rate figure from nanoseconds per operation: ratio = peer ns / our ns (how many
 * times faster we are), a PASS from @target up. */
static inline void bench_row_rate(struct bench_console *c, const char *figure, double ours_ns, const char *peer,
                                  double peer_ns, double target)
{
	char a[24], b[24], ratio[16], t[16];
	bench_format_rate(a, sizeof(a), 1e9 / ours_ns);
	bench_format_rate(b, sizeof(b), 1e9 / peer_ns);
	double r = peer_ns / ours_ns;
	snprintf(ratio, sizeof(ratio), "%.1fx", r);
	snprintf(t, sizeof(t), ">=%.0fx", target);
	int pass = r >= target;
	c->missed += !pass;
	bench_emit(c, figure, a, peer, b, ratio, t, pass ? "PASS" : "MISS");
}

#endif
