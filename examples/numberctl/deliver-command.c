/*
 * numberctl deliver: the callback outbox delivered over HTTP (deliver-command.h).
 *
 * One round claims up to --max due deliveries (numbering_store_claim_deliveries: each
 * counts an attempt and is leased for NUMBERING_DELIVERY_LEASE_SECONDS), POSTs each
 * (deliver_http_post, with X-Sinch-Signature when the project has a secret) and reports
 * it (numbering_store_report_claimed_delivery, naming the claim by its attempt:
 * delivered for a 2xx answer only; otherwise "HTTP 500" or the transport's message, and
 * the outbox reschedules it with backoff or keeps it as dead). Rounds go on while deliveries are due; with --follow the command
 * then polls every --interval until SIGINT or SIGTERM.
 *
 * Decisions (docs/CALLBACKS.md):
 * - A signal stops the run between deliveries, never inside one: the POST in flight is
 *   finished and reported. The rest of a claimed round is not sent: those deliveries
 *   stay leased and are due again when the lease ends (their attempt counted), which is
 *   the outbox's at-least-once promise and needs no "unclaim". SIGINT and SIGTERM are
 *   blocked while deliveries run and unblocked only at the checks between them and
 *   during the pause (pselect), so a signal is never lost between a check and a sleep.
 * - A store error (claim or report) ends the run at once with exit status 1: a delivery
 *   sent but not recorded would be sent again, so nothing more is sent. A receiver's
 *   refusal or a transport error is the outbox's to retry and leaves the status at 0.
 * - Every attempt of a round ends inside the lease of its claim, so that no other
 *   deliverer can claim and POST it meanwhile: a round claims no more deliveries than
 *   LEASE_BUDGET_MS / --timeout (--timeout itself is at most LEASE_BUDGET_MS), and a
 *   delivery whose lease would run out before its attempt could end (slow reports) is
 *   not sent by this round: it is due again when its lease ends. The rest of the lease
 *   is for reporting the last attempt.
 * - stdout holds only the attempt lines (one JSON object each, flushed per line); the
 *   summary and errors go to stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "deliver-command.h"
#include "deliver-http.h"

#define MAX_DEFAULT 100
#define MAX_LIMIT 1000
#define INTERVAL_DEFAULT_MS 1000L
/* An hour bounds both the pause and an attempt: longer is a typo, not a setting. */
#define SECONDS_LIMIT 3600L
#define NS INT64_C(1000000000)
/* The part of a delivery's lease its attempt may use; the last minute is for the report. */
#define LEASE_BUDGET_MS ((NUMBERING_DELIVERY_LEASE_SECONDS - 60) * 1000L)
_Static_assert(NUMBERING_DELIVERY_LEASE_SECONDS > 60, "a lease leaves time for an attempt");

const char numberctl_deliver_help[] =
	"usage: numberctl [GLOBAL OPTIONS] deliver [--max N] [--follow] [--interval SECONDS]\n"
	"                                          [--timeout SECONDS]\n"
	"\n"
	"Delivers the callback outbox over HTTP, as the caller named by --as (who needs\n"
	"numbering.callbackDeliveries.deliver on project \"*\" under a --policy): claims up to\n"
	"N due deliveries at a time (default 100, at most 1000), POSTs each to its callbackUrl\n"
	"with X-Sinch-Signature (when the project has a secret) and reports the outcome: a 2xx\n"
	"answer is delivered; anything else is retried with backoff (30 s, doubling, at most\n"
	"6 h) and kept as dead after 10 attempts. Without --follow it stops when no delivery is\n"
	"due; with --follow it polls every --interval SECONDS (default 1) until SIGINT or\n"
	"SIGTERM, finishing the delivery in flight. --timeout SECONDS bounds one attempt\n"
	"(default 10, at most 240: every attempt ends inside its delivery's 300 s lease, so a\n"
	"round claims at most 240 / SECONDS of them). SECONDS may have a fraction (0.5).\n"
	"\n"
	"Prints one line per attempt on stdout:\n"
	"  {\"id\":...,\"url\":...,\"projectId\":...,\"attempts\":N,\"status\":HTTP status or 0,\n"
	"   \"delivered\":true|false,\"error\":null|\"HTTP 500\"|\"...\",\"dead\":true|false}\n"
	"and a summary on stderr. Exit status: 0 when every claimed delivery was delivered or\n"
	"rescheduled, 1 on a store error (its JSON error body on stderr), 2 for bad usage.\n"
	"\n"
	"Testing aid: NUMBERING_FAKE_CLOCK=NS fixes the store's clock, so a test can step past\n"
	"a backoff by running deliver again with a later NS.\n";

const char numberctl_deliveries_help[] =
	"usage: numberctl [GLOBAL OPTIONS] deliveries --dead [--max N]\n"
	"\n"
	"Lists up to N (default 100, at most 1000) dead callback deliveries, oldest first, one\n"
	"line each: {\"id\":...,\"url\":...,\"projectId\":...,\"attempts\":N,\"createTime\":...,\n"
	"\"lastError\":...,\"body\":...} (body: the exact JSON text that was POSTed). The caller\n"
	"needs numbering.callbackDeliveries.deliver on project \"*\". Exit status: 0, 1 on an\n"
	"error (its JSON error body on stdout), 2 for bad usage.\n";

/* ---- Arguments ---- */

/* Reads "--NAME VALUE" or "--NAME=VALUE" at argv[*i]; 1 when it matched (*value NULL
 * when the value is missing). */
static int option(const char *name, int argc, char **argv, int *i, const char **value)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];
	if (strncmp(arg, name, n) != 0 || (arg[n] != '\0' && arg[n] != '='))
		return 0;
	if (arg[n] == '=')
		*value = arg + n + 1;
	else
		*value = *i + 1 < argc ? argv[++*i] : NULL;
	return 1;
}

/* Parses a count @min .. @max; 0, or -1. */
static int parse_count(int *out, const char *text, int min, int max)
{
	char *end;
	if (text == NULL || text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < min || value > max)
		return -1;
	*out = (int)value;
	return 0;
}

/* Parses seconds with at most three fraction digits ("1", "0.25") into milliseconds,
 * 1 ms .. SECONDS_LIMIT s, without a float; 0, or -1. */
static int parse_seconds(long *ms, const char *text)
{
	long whole = 0, frac = 0;
	int digits = 0, frac_digits = 0;
	const char *p = text;
	if (p == NULL)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if ((whole = whole * 10 + (*p - '0')) > SECONDS_LIMIT)
			return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, frac_digits++) {
			if (frac_digits < 3)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0')
				return -1; /* finer than a millisecond */
		}
	}
	if (*p != '\0' || digits + frac_digits == 0)
		return -1;
	for (int i = frac_digits; i < 3; i++)
		frac *= 10;
	*ms = whole * 1000 + frac;
	return *ms >= 1 && *ms <= SECONDS_LIMIT * 1000 ? 0 : -1;
}

int numberctl_deliver_args(struct numberctl_deliver *args, int argc, char **argv)
{
	args->max = MAX_DEFAULT;
	args->follow = 0;
	args->interval_ms = INTERVAL_DEFAULT_MS;
	args->timeout_ms = DELIVER_HTTP_DEFAULT_TIMEOUT_MS;
	for (int i = 0; i < argc; i++) {
		const char *value = NULL;
		if (strcmp(argv[i], "--follow") == 0)
			args->follow = 1;
		else if (option("--max", argc, argv, &i, &value)) {
			if (parse_count(&args->max, value, 1, MAX_LIMIT) != 0)
				return numberctl_usage("deliver", "--max '%s': not a count from 1 to 1000",
				                   value ? value : "");
		} else if (option("--interval", argc, argv, &i, &value)) {
			if (parse_seconds(&args->interval_ms, value) != 0)
				return numberctl_usage("deliver", "--interval '%s': not seconds from 0.001 to 3600",
				                       value ? value : "");
		} else if (option("--timeout", argc, argv, &i, &value)) {
			if (parse_seconds(&args->timeout_ms, value) != 0 || args->timeout_ms > LEASE_BUDGET_MS)
				return numberctl_usage("deliver",
				                       "--timeout '%s': not seconds from 0.001 to %ld (an attempt ends "
				                       "inside its delivery's %d s lease)",
				                       value ? value : "", LEASE_BUDGET_MS / 1000, NUMBERING_DELIVERY_LEASE_SECONDS);
		} else
			return numberctl_usage("deliver", "%s '%s'", argv[i][0] == '-' ? "unknown option" : "unexpected argument",
			                       argv[i]);
	}
	return 0;
}

int numberctl_deliveries_args(struct numberctl_deliveries *args, int argc, char **argv)
{
	int dead = 0;
	args->max = MAX_DEFAULT;
	for (int i = 0; i < argc; i++) {
		const char *value = NULL;
		if (strcmp(argv[i], "--dead") == 0)
			dead = 1;
		else if (option("--max", argc, argv, &i, &value)) {
			if (parse_count(&args->max, value, 1, MAX_LIMIT) != 0)
				return numberctl_usage("deliveries", "--max '%s': not a count from 1 to 1000",
				                   value ? value : "");
		} else
			return numberctl_usage("deliveries", "%s '%s'",
			                       argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
	}
	if (!dead) /* the outbox lists only dead deliveries; the flag keeps room for others */
		return numberctl_usage("deliveries", "say which: --dead");
	return 0;
}

/* ---- Output ---- */

/* Prints the thread's last library error as its JSON body on @out. */
static void print_error(FILE *out)
{
	char *body = NULL;
	if (numbering_error_json(&body) == NUMBERING_OK)
		fprintf(out, "%s\n", body);
	else
		fprintf(out, "{\"error\":{\"code\":500,\"status\":\"INTERNAL\",\"message\":\"cannot render error\"}}\n");
	numbering_free(body);
	fflush(out);
}

/* Prints @value compactly on one line of stdout and releases it; 0, or -1. */
static int print_line(json_t *value)
{
	int rc = value != NULL && json_dumpf(value, stdout, JSON_COMPACT) == 0 ? 0 : -1;
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(value);
	return rc;
}

/* RFC 3339 UTC of @ns since the Unix epoch, nanoseconds when there are any. */
static void format_time(char buf[48], int64_t ns)
{
	int64_t secs = ns / NS, frac = ns % NS;
	if (frac < 0) {
		frac += NS;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, 48, "%lld", (long long)ns);
		return;
	}
	size_t n = strftime(buf, 48, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac != 0)
		snprintf(buf + n, 48 - n, ".%09lldZ", (long long)frac);
	else
		snprintf(buf + n, 48 - n, "Z");
}

/* ---- Signals ---- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct signals {
	sigset_t blocked; /* SIGINT and SIGTERM */
	sigset_t before;  /* the mask before the run */
	struct sigaction old_int, old_term;
};

/* Catches SIGINT and SIGTERM (no SA_RESTART) and blocks them while deliveries run. */
static void signals_catch(struct signals *s)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	sigemptyset(&s->blocked);
	sigaddset(&s->blocked, SIGINT);
	sigaddset(&s->blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &s->blocked, &s->before);
	sigaction(SIGINT, &sa, &s->old_int);
	sigaction(SIGTERM, &sa, &s->old_term);
}

/* Lets a pending SIGINT or SIGTERM in; 1 when the run must stop. */
static int signals_check(const struct signals *s)
{
	sigset_t open = s->before;
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);
	sigprocmask(SIG_SETMASK, &open, NULL);
	sigprocmask(SIG_BLOCK, &s->blocked, NULL);
	return stop_signal != 0;
}

/* Sleeps @ms with the signals let in (atomically: pselect), so one arriving just before
 * the sleep ends it at once. */
static void signals_pause(const struct signals *s, long ms)
{
	sigset_t open = s->before;
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	if (stop_signal == 0)
		pselect(0, NULL, NULL, NULL, &ts, &open);
}

static void signals_restore(const struct signals *s)
{
	sigaction(SIGINT, &s->old_int, NULL);
	sigaction(SIGTERM, &s->old_term, NULL);
	sigprocmask(SIG_SETMASK, &s->before, NULL);
}

/* ---- Delivery ---- */

/* Milliseconds of a clock that only goes forward. */
static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct tally {
	long attempts, delivered, rescheduled, dead;
};

/* POSTs one claimed delivery, reports it, prints its line. 0, or 1 on a store error. */
static int deliver_one(const struct numberctl_deliver *args, numbering_store *store, const char *caller,
                       const numbering_delivery *d, struct tally *tally)
{
	const char *id = numbering_delivery_text(d, "id");
	const char *url = numbering_delivery_text(d, "url");
	const char *body = numbering_delivery_text(d, "body");
	const char *signature = numbering_delivery_text(d, "signature");
	int64_t attempts = numbering_delivery_int(d, "attempts");
	long status = 0;
	char error[DELIVER_HTTP_ERROR_SIZE];
	error[0] = '\0';
	enum deliver_http_result result = deliver_http_post(url, body, strlen(body), signature[0] ? signature : NULL,
	                                                    args->timeout_ms, &status, error, sizeof(error));
	int delivered = result == DELIVER_HTTP_ANSWERED && status >= 200 && status < 300;
	if (result == DELIVER_HTTP_ANSWERED && !delivered)
		snprintf(error, sizeof(error), "HTTP %ld", status);
	/* Named by its attempt: a claim whose lease ran out reports nothing over a newer one. */
	if (numbering_store_report_claimed_delivery(store, caller, id, attempts, delivered, delivered ? NULL : error) !=
	    NUMBERING_OK) {
		fprintf(stderr, "numberctl: deliver: cannot report delivery %s (sent: %s): ", id,
		        delivered ? "delivered" : error);
		print_error(stderr);
		return 1;
	}
	/* The outbox's rule (numbering/outbox.h): dead after the last attempt fails. */
	int dead = !delivered && attempts >= NUMBERING_DELIVERY_ATTEMPTS_MAX;
	tally->attempts++;
	if (delivered)
		tally->delivered++;
	else if (dead)
		tally->dead++;
	else
		tally->rescheduled++;
	/* The line goes to logs: a credential in the URL (stored before they were refused) is not. */
	char *redacted = deliver_http_redacted_url(url);
	json_t *line = json_pack("{s:s, s:s, s:s, s:I, s:i, s:b, s:s?, s:b}", "id", id, "url", redacted ? redacted : url,
	                         "projectId", numbering_delivery_text(d, "projectId"), "attempts", (json_int_t)attempts,
	                         "status", (int)status, "delivered", delivered, "error", delivered ? NULL : error, "dead",
	                         dead);
	free(redacted);
	print_line(line);
	return 0;
}

int numberctl_deliver_run(const struct numberctl_deliver *args, numbering_store *store, const char *caller)
{
	if (deliver_http_global_init() != 0) {
		fprintf(stderr, "numberctl: deliver: libcurl cannot start\n");
		return 1;
	}
	struct signals signals;
	signals_catch(&signals);
	struct tally tally = {0, 0, 0, 0};
	int failed = 0, stopped = 0;
	/* As many as can be sent, one timeout each, inside their lease. */
	int per_round = LEASE_BUDGET_MS / args->timeout_ms < args->max ? (int)(LEASE_BUDGET_MS / args->timeout_ms)
	                                                               : args->max;
	if (per_round < 1)
		per_round = 1;
	while (!failed && !(stopped = signals_check(&signals))) {
		numbering_delivery_list *list = NULL;
		int64_t claimed_ms = monotonic_ms();
		if (numbering_store_claim_deliveries(&list, store, caller, per_round) != NUMBERING_OK) {
			fprintf(stderr, "numberctl: deliver: cannot claim deliveries: ");
			print_error(stderr);
			failed = 1;
			break;
		}
		int count = numbering_delivery_list_count(list);
		for (int i = 0; i < count && !failed; i++) {
			if (i > 0 && (stopped = signals_check(&signals)) != 0) {
				fprintf(stderr,
				        "numberctl: deliver: stopping with %d claimed and not sent: due again when their lease ends"
				        " (%d s)\n",
				        count - i, NUMBERING_DELIVERY_LEASE_SECONDS);
				break;
			}
			/* The first is sent whatever the claim took: its attempt ends well inside the
			 * lease (--timeout is at most the budget), and a round must make progress. */
			if (i > 0 && monotonic_ms() - claimed_ms + args->timeout_ms > LEASE_BUDGET_MS) {
				fprintf(stderr,
				        "numberctl: deliver: %d claimed and not sent: their lease (%d s) could run out during "
				        "the attempt; due again when it ends\n",
				        count - i, NUMBERING_DELIVERY_LEASE_SECONDS);
				break;
			}
			failed = deliver_one(args, store, caller, numbering_delivery_list_item(list, i), &tally);
		}
		numbering_delivery_list_free(list);
		if (failed || stopped)
			break;
		if (count == 0) { /* nothing due: done, or wait for more */
			if (!args->follow)
				break;
			signals_pause(&signals, args->interval_ms);
		}
	}
	signals_restore(&signals);
	deliver_http_global_cleanup();
	fprintf(stderr, "numberctl: deliver: %ld attempts: %ld delivered, %ld rescheduled, %ld dead%s%s\n", tally.attempts,
	        tally.delivered, tally.rescheduled, tally.dead, stopped ? "; stopped by " : "",
	        stopped ? (stop_signal == SIGINT ? "SIGINT" : "SIGTERM") : "");
	return failed ? 1 : 0;
}

/* ---- The dead ---- */

int numberctl_deliveries_run(const struct numberctl_deliveries *args, numbering_store *store, const char *caller)
{
	numbering_delivery_list *list = NULL;
	if (numbering_store_list_dead_deliveries(&list, store, caller, args->max) != NUMBERING_OK) {
		print_error(stdout);
		return 1;
	}
	int rc = 0;
	for (int i = 0; i < numbering_delivery_list_count(list) && rc == 0; i++) {
		const numbering_delivery *d = numbering_delivery_list_item(list, i);
		char created[48];
		format_time(created, numbering_delivery_int(d, "createTime"));
		rc = print_line(json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "id", numbering_delivery_text(d, "id"), "url",
		                          numbering_delivery_text(d, "url"), "projectId",
		                          numbering_delivery_text(d, "projectId"), "attempts",
		                          (json_int_t)numbering_delivery_int(d, "attempts"), "createTime", created,
		                          "lastError", numbering_delivery_text(d, "lastError"), "body",
		                          numbering_delivery_text(d, "body"))) == 0
		         ? 0
		         : 1;
	}
	numbering_delivery_list_free(list);
	return rc;
}
