/*
 * The instance record codec (lib/model/instance-record.c, issue 11) beside the memory
 * backend's record reader it replaces (backends/memory/record.c), on the same
 * instances: what the resolve path pays to fill a reused instance, what a list page
 * pays to place one in its block, and the bytes each form takes.
 *
 *   from_record     numbering__instance_from_record() into a reused instance
 *   from_own_record the same, trusting the model's limits (the library's own backends)
 *   mrec_read       numbering__mrec_read() into a reused instance (today's resolve)
 *   measure+place   numbering__instance_record_measure() + _place() into a block (and _place_own())
 *   mrec place      numbering__mrec_measure() + numbering__mrec_place()
 *   to_record       numbering__instance_to_record() into a reused body
 *   record decode   numbering__record_decode() of the compact encoding (the file log's)
 *
 * Run: <builddir>/bench/bench-record-codec [--iterations N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <numbering/numbering.h>

#include <numbering/sys/backend.h>

#include "model/instance-record.h"
#include "record.h" /* backends/memory */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The best of REPEATS runs of @body over @n iterations, in ns per iteration: the
 * machine is shared, and the least disturbed run is the one that measures the code. */
#define REPEATS 21
#define TIME(result, n, body)                                                                                         \
	do {                                                                                                              \
		result = 1e300;                                                                                               \
		for (int rep_ = 0; rep_ < REPEATS; rep_++) {                                                                  \
			double t0_ = now_ns();                                                                                    \
			for (long i = 0; i < (n); i++) {                                                                          \
				body;                                                                                                 \
			}                                                                                                         \
			double t_ = (now_ns() - t0_) / (double)(n);                                                               \
			if (t_ < result)                                                                                          \
				result = t_;                                                                                          \
		}                                                                                                             \
	} while (0)

static void set(struct numbering__str *s, const char *text)
{
	if (numbering__str_set(s, text, strlen(text)) != NUMBERING_OK)
		abort();
}

/* A stored single number as most are: a generated id, a country, a display name. */
static numbering_instance *typical(void)
{
	numbering_instance *x = NULL;
	if (numbering_instance_new(&x) != NUMBERING_OK)
		abort();
	set(&x->name, "projects/acme-prod/phoneNumberInstances/7f3a9c2e4b1d8a60");
	set(&x->phone_number, "+61255501100");
	set(&x->country_code, "AU");
	set(&x->display_name, "Front desk");
	x->first = x->last = 61255501100ULL;
	x->digits = 11;
	x->range_size = 1;
	x->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
	x->number_type = NUMBERING_NUMBER_TYPE_LOCAL;
	x->capabilities = 5;
	x->create_time = 1795387286123456789LL;
	x->activate_time = x->create_time;
	return x;
}

/* A range with labels and handlers. */
static numbering_instance *rich(void)
{
	numbering_instance *x = typical();
	set(&x->range_end, "+61255501199");
	x->last = 61255501199ULL;
	x->range_size = 100;
	x->is_range = 1;
	char key[16];
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "team-%d", i);
		if (numbering_instance_set_label(x, key, "support") != NUMBERING_OK)
			abort();
	}
	if (numbering_instance_add_message_handler(x, "https://hooks.example.com/sms") != NUMBERING_OK ||
	    numbering_instance_add_call_handler(x, "sip:desk@example.com") != NUMBERING_OK)
		abort();
	x->set = 0;
	return x;
}

static void run(const char *label, numbering_instance *in, long iterations)
{
	const char *name = numbering__str_get(&in->name);
	size_t project_len = numbering__mrec_project_len(name, in->name.len);
	size_t mrec_size = numbering__mrec_size(in, project_len);
	struct numbering__mrec *rec = aligned_alloc(8, (mrec_size + 7) & ~(size_t)7);
	numbering__mrec_write(rec, in, 0, project_len);

	struct numbering__buf body = {0}, bytes = {0};
	numbering_record record;
	if (numbering__instance_to_record(&record, &body, in) != NUMBERING_OK ||
	    numbering__record_encode(&bytes, &record, 1) != NUMBERING_OK)
		abort();
	uint8_t *format1 = NULL;
	size_t format1_len = 0;
	if (numbering_instance_encode(&format1, &format1_len, in) != NUMBERING_OK)
		abort();

	numbering_instance *out = NULL;
	if (numbering__instance_new_reserved(&out) != NUMBERING_OK)
		abort();
	volatile uint64_t sink = 0;
	double from_record, from_own, mrec_read, place, place_own, mrec_place, to_record, decode;
	static _Alignas(8) unsigned char block[65536];
	char name_buf[NUMBERING__RECORD_NAME_BUF];

	TIME(from_record, iterations, {
		if (numbering__instance_from_record(out, &record) != NUMBERING_OK)
			abort();
		sink += out->name.len;
	});
	TIME(from_own, iterations, {
		if (numbering__instance_from_own_record(out, &record) != NUMBERING_OK)
			abort();
		sink += out->name.len;
	});
	TIME(mrec_read, iterations, {
		if (numbering__mrec_read(out, rec, name, project_len) != NUMBERING_OK)
			abort();
		sink += out->name.len;
	});
	TIME(place, iterations, {
		struct numbering__instance_layout layout;
		if (numbering__instance_record_measure(&layout, &record) != NUMBERING_OK || layout.size > sizeof(block))
			abort();
		numbering_instance *placed = numbering__instance_record_place(block, &layout, &record);
		sink += placed->name.len;
	});
	TIME(place_own, iterations, {
		struct numbering__instance_layout layout;
		if (numbering__instance_record_measure(&layout, &record) != NUMBERING_OK || layout.size > sizeof(block))
			abort();
		numbering_instance *placed = numbering__instance_record_place_own(block, &layout, &record);
		sink += placed->name.len;
	});
	TIME(mrec_place, iterations, {
		struct numbering__mrec_layout layout;
		numbering__mrec_measure(&layout, rec, project_len);
		numbering_instance *placed = numbering__mrec_place(block, &layout, rec, name, project_len);
		sink += placed->name.len;
	});
	TIME(to_record, iterations, {
		if (numbering__instance_to_record(&record, &body, in) != NUMBERING_OK)
			abort();
		sink += record.body_len;
	});
	TIME(decode, iterations, {
		numbering_record back;
		if (numbering__record_decode(&back, bytes.ptr, bytes.len, name_buf) != NUMBERING_OK)
			abort();
		sink += back.body_len;
	});

	printf("%-8s read:  from_record %6.1f ns   from_own_record %6.1f ns   mrec_read %6.1f ns\n", label, from_record,
	       from_own, mrec_read);
	printf("%-8s place: measure+place %6.1f ns   measure+place_own %6.1f ns   mrec measure+place %6.1f ns\n", label,
	       place, place_own, mrec_place);
	printf("%-8s to_record   %6.1f ns   record decode (compact) %6.1f ns\n", label, to_record, decode);
	printf("%-8s bytes: record body %zu, record encoding (compact) %zu, memory record %zu, instance encoding "
	       "(format 1) %zu\n",
	       label, record.body_len, bytes.len, mrec_size, format1_len);
	(void)sink;
	numbering_free(format1);
	numbering_instance_free(out);
	numbering__buf_free(&body);
	numbering__buf_free(&bytes);
	free(rec);
}

int main(int argc, char **argv)
{
	long iterations = 100000;
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--iterations") == 0)
			iterations = atol(argv[++i]);
	numbering_instance *a = typical(), *b = rich();
	run("typical", a, iterations);
	run("rich", b, iterations / 4);
	numbering_instance_free(a);
	numbering_instance_free(b);
	return 0;
}
