/*
 * bench-e164: libnumbering's E.164 parser against Google libphonenumber, on the same
 * inputs in the same run.
 *
 *   bench-e164 [path/to/e164-differential.tsv] [seconds-per-measurement]
 *
 * The corpus is tests/data/e164-differential.tsv (written by tools/gen-e164-metadata):
 * the rows libphonenumber parsed and where the two libraries are expected to agree
 * (lpn_status OK, comparable 1). Each form is timed for both libraries with the same
 * work per input: parse, then ask whether the number has a possible length.
 *
 *   +E164                 numbering_e164_parse(n, text, NULL) + numbering_number_is_possible
 *                         vs Parse(text, "ZZ") + IsPossibleNumber
 *   national              numbering_e164_parse(n, text, region) + is_possible
 *                         vs Parse(text, region) + IsPossibleNumber
 *   international prefix  the same, for inputs dialed with the region's IDD ("011 44 ...")
 *
 * A measurement repeats the corpus for about a second (the second argument changes
 * that); the figure is the median of 5 measurements. Heap allocations on libnumbering's
 * parse path are counted by interposing malloc, calloc and realloc.
 */
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <numbering/e164.h>
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "report.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/* ------------------------------------------------------------------------------------ */
/* Allocation counting. The executable's malloc family overrides the C library's for     */
/* the whole process (libnumbering.so included) and forwards to glibc's allocator; it   */
/* counts only while g_counting is set.                                                 */

#if defined(__GLIBC__)
#define BENCH_COUNT_ALLOCATIONS 1
extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *ptr);
}

static volatile int g_counting;
static unsigned long g_allocations;

extern "C" void *malloc(size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_malloc(size);
}

extern "C" void *calloc(size_t count, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_calloc(count, size);
}

extern "C" void *realloc(void *ptr, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_realloc(ptr, size);
}

extern "C" void *memalign(size_t alignment, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_memalign(alignment, size);
}

extern "C" void *aligned_alloc(size_t alignment, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_memalign(alignment, size);
}

extern "C" int posix_memalign(void **out, size_t alignment, size_t size)
{
	if (g_counting)
		g_allocations++;
	void *p = __libc_memalign(alignment, size);
	if (p == nullptr)
		return 12; /* ENOMEM */
	*out = p;
	return 0;
}

extern "C" void free(void *ptr)
{
	__libc_free(ptr);
}
#else
#define BENCH_COUNT_ALLOCATIONS 0
static volatile int g_counting;
static unsigned long g_allocations;
#endif

/* ------------------------------------------------------------------------------------ */

namespace {

enum Form { E164, NATIONAL, IDD, FORMS };

const char *const kFormNames[FORMS] = {"+E164", "national", "international prefix"};
const double kTargets[FORMS] = {100.0, 50.0, 50.0};

struct Input {
	std::string text;
	std::string region; /* "" for +E164 */
};

/* Splits a line on tabs. */
std::vector<std::string> Split(const std::string &line)
{
	std::vector<std::string> fields;
	size_t start = 0;
	for (;;) {
		size_t tab = line.find('\t', start);
		fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
		if (tab == std::string::npos)
			return fields;
		start = tab + 1;
	}
}

/* The form a row belongs to, from the region and the note's leading form tag. */
int FormOf(const std::string &region, const std::string &note)
{
	std::string form = note.substr(0, note.find(';'));
	if (region.empty())
		return form.compare(0, 4, "e164") == 0 ? E164 : -1;
	if (form.compare(0, 8, "national") == 0)
		return NATIONAL;
	if (form.compare(0, 3, "idd") == 0)
		return IDD;
	return -1;
}

bool Load(const std::string &path, std::vector<Input> corpus[FORMS], int *rows)
{
	std::ifstream in(path);
	if (!in)
		return false;
	std::string line;
	*rows = 0;
	while (std::getline(in, line)) {
		if (line.empty() || line[0] == '#')
			continue;
		(*rows)++;
		std::vector<std::string> f = Split(line);
		if (f.size() != 11 || f[2] != "OK" || f[9] != "1")
			continue;
		int form = FormOf(f[1], f[10]);
		if (form >= 0)
			corpus[form].push_back({f[0], f[1]});
	}
	return true;
}

/* The corpus path when none is given: next to the sources this file was compiled from. */
std::string DefaultPath()
{
	const char *rel = "tests/data/e164-differential.tsv";
	std::vector<std::string> candidates;
	std::string file = __FILE__; /* e.g. "../bench/bench-e164.cc", relative to the build root */
	std::string src = file.substr(0, file.rfind('/') + 1) + "../";
	candidates.push_back(src + rel);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0 && file[0] != '/') {
		exe[n] = '\0';
		std::string dir(exe);
		dir = dir.substr(0, dir.rfind('/') + 1); /* <build>/bench/ */
		candidates.push_back(dir + "../" + src + rel);
	}
	candidates.push_back(rel);
	candidates.push_back(std::string("../") + rel);
	for (const std::string &c : candidates)
		if (std::ifstream(c))
			return c;
	return candidates.front();
}

using Clock = std::chrono::steady_clock;

volatile long g_sink; /* keeps the results alive */

long RunOurs(numbering_number *num, const std::vector<Input> &inputs, long reps)
{
	long possible = 0;
	for (long r = 0; r < reps; r++)
		for (const Input &in : inputs)
			possible += numbering_e164_parse(num, in.text.c_str(), in.region.empty() ? NULL : in.region.c_str()) ==
			                    NUMBERING_OK &&
			            numbering_number_is_possible(num);
	return possible;
}

long RunLpn(const PhoneNumberUtil &u, const std::vector<Input> &inputs, long reps)
{
	static const std::string zz = "ZZ";
	PhoneNumber n;
	long possible = 0;
	for (long r = 0; r < reps; r++)
		for (const Input &in : inputs)
			possible += u.Parse(in.text, in.region.empty() ? zz : in.region, &n) == PhoneNumberUtil::NO_PARSING_ERROR &&
			            u.IsPossibleNumber(n);
	return possible;
}

/* Median ns per parse over 5 measurements of about @seconds each. */
template <typename F> double Measure(F run, size_t count, double seconds)
{
	if (count == 0)
		return 0.0;
	/* Calibrate: how many passes over the inputs fill a measurement. */
	long reps = 1;
	for (;;) {
		Clock::time_point t0 = Clock::now();
		g_sink = run(reps);
		double s = std::chrono::duration<double>(Clock::now() - t0).count();
		if (s >= seconds / 10 || reps > (1L << 30)) {
			reps = std::max(1L, (long)((double)reps * seconds / std::max(s, 1e-9)));
			break;
		}
		reps *= 4;
	}
	std::vector<double> ns;
	for (int i = 0; i < 5; i++) {
		Clock::time_point t0 = Clock::now();
		g_sink = run(reps);
		double s = std::chrono::duration<double>(Clock::now() - t0).count();
		ns.push_back(s * 1e9 / ((double)reps * (double)count));
	}
	std::sort(ns.begin(), ns.end());
	return ns[2];
}

} // namespace

int main(int argc, char **argv)
{
	std::string path = argc > 1 ? argv[1] : DefaultPath();
	double seconds = argc > 2 ? atof(argv[2]) : 1.0;
	if (seconds <= 0)
		seconds = 1.0;

	std::vector<Input> corpus[FORMS];
	int rows = 0;
	if (!Load(path, corpus, &rows)) {
		fprintf(stderr, "bench-e164: cannot read %s (give the path to tests/data/e164-differential.tsv)\n",
		        path.c_str());
		return 1;
	}

	PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
	u->SetLogger(new i18n::phonenumbers::NullLogger());
	numbering_number *num = nullptr;
	if (numbering_number_new(&num) != NUMBERING_OK) {
		fprintf(stderr, "bench-e164: numbering_number_new failed\n");
		return 1;
	}

	printf("bench-e164: libnumbering %s vs libphonenumber, corpus %s\n", numbering_version(), path.c_str());
	printf("  %d rows; timing the rows libphonenumber parsed and the libraries agree on:", rows);
	for (int f = 0; f < FORMS; f++)
		printf(" %zu %s%s", corpus[f].size(), kFormNames[f], f + 1 < FORMS ? "," : "\n");
	printf("  per input: parse + is-possible; median of 5 runs of ~%.1f s each\n\n", seconds);

	/* Both libraries warm (libphonenumber compiles its regular expressions lazily). */
	for (int f = 0; f < FORMS; f++) {
		RunOurs(num, corpus[f], 1);
		RunLpn(*u, corpus[f], 1);
	}

	printf("%-22s %7s %14s %14s %10s %8s\n", "form", "inputs", "ours ns/parse", "lpn ns/parse", "lpn/ours",
	       "target");
	int missed = 0;
	for (int f = 0; f < FORMS; f++) {
		const std::vector<Input> &in = corpus[f];
		double ours = Measure([&](long reps) { return RunOurs(num, in, reps); }, in.size(), seconds);
		double lpn = Measure([&](long reps) { return RunLpn(*u, in, reps); }, in.size(), seconds);
		double ratio = ours > 0 ? lpn / ours : 0.0;
		bool pass = ratio >= kTargets[f];
		missed += !pass;
		char target[16], times[16];
		snprintf(target, sizeof(target), ">=%.0fx", kTargets[f]);
		snprintf(times, sizeof(times), "%.1fx", ratio);
		printf("%-22s %7zu %14.1f %14.1f %10s %8s  %s\n", kFormNames[f], in.size(), ours, lpn, times, target,
		       pass ? "PASS" : "MISS");
		fflush(stdout);
		char figure[64], a[24], b[24];
		snprintf(figure, sizeof(figure), "parse %s", kFormNames[f]);
		snprintf(a, sizeof(a), "%.1f ns", ours);
		snprintf(b, sizeof(b), "%.1f ns", lpn);
		bench_table_row("bench-e164", figure, a, "libphonenumber", b, times, target, pass ? "PASS" : "MISS");
	}

	/* Allocations: one pass over every form, counted only around libnumbering's loop. */
	size_t parses = 0;
	for (int f = 0; f < FORMS; f++)
		parses += corpus[f].size();
	printf("\n");
	if (BENCH_COUNT_ALLOCATIONS) {
		g_allocations = 0;
		g_counting = 1;
		for (int f = 0; f < FORMS; f++)
			g_sink = RunOurs(num, corpus[f], 1);
		g_counting = 0;
		unsigned long ours = g_allocations;
		g_allocations = 0;
		g_counting = 1;
		for (int f = 0; f < FORMS; f++)
			g_sink = RunLpn(*u, corpus[f], 1);
		g_counting = 0;
		unsigned long lpn = g_allocations;
		if (ours == 0)
			printf("allocations per libnumbering parse: 0 (%zu parses)\n", parses);
		else
			printf("allocations per libnumbering parse: %.3f (%lu in %zu parses)\n", (double)ours / (double)parses,
			       ours, parses);
		printf("allocations per libphonenumber parse: %.1f\n", (double)lpn / (double)parses);
		char a[24], b[24];
		snprintf(a, sizeof(a), "%.3f", (double)ours / (double)parses);
		snprintf(b, sizeof(b), "%.1f", (double)lpn / (double)parses);
		bench_table_row("bench-e164", "parse, allocations/call", a, "libphonenumber", b, "", "0",
		                ours == 0 ? "PASS" : "MISS");
	} else {
		printf("allocations per libnumbering parse: not counted (needs glibc)\n");
	}
	numbering_number_free(num);
	/* Targets missed are reported, not failed: timings depend on the machine. */
	(void)missed;
	return 0;
}
