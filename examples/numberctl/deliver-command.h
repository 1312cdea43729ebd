/*
 * `numberctl deliver` and `numberctl deliveries` (deliver-command.c): the host's side of
 * the callback outbox (numbering/outbox.h) on the command line. deliver claims due
 * deliveries, POSTs each through deliver-http.c and reports the outcome; deliveries
 * lists the dead ones.
 */
#ifndef NUMBERCTL_DELIVER_COMMAND_H
#define NUMBERCTL_DELIVER_COMMAND_H

#include <numbering/numbering.h>

/* The commands' help texts. */
extern const char numberctl_deliver_help[];
extern const char numberctl_deliveries_help[];

struct numberctl_deliver {
	int max;          /* deliveries claimed at once, 1 .. 1000 */
	int follow;       /* 1: poll until SIGINT or SIGTERM; 0: stop when none is due */
	long interval_ms; /* the pause between polls with --follow */
	long timeout_ms;  /* the bound of one attempt */
};

/* Reads deliver's arguments; 0, or 2 (usage) after printing one line on stderr. */
int numberctl_deliver_args(struct numberctl_deliver *args, int argc, char **argv);

/*
 * Delivers as @caller: one JSON line per attempt on stdout, a summary on stderr.
 * Calls deliver_http_global_init() and its cleanup itself (once per process). Returns
 * the exit status: 0 when every claimed delivery was delivered or rescheduled (a
 * receiver's refusal is the outbox's to retry, not a failure of the run), 1 on a store
 * error (printed on stderr as the JSON error body) or when libcurl cannot start.
 */
int numberctl_deliver_run(const struct numberctl_deliver *args, numbering_store *store, const char *caller);

struct numberctl_deliveries {
	int max; /* dead deliveries listed, 1 .. 1000 */
};

/* Reads the arguments of `deliveries --dead [--max N]`; 0, or 2 (usage). */
int numberctl_deliveries_args(struct numberctl_deliveries *args, int argc, char **argv);

/* Lists dead deliveries as @caller, one JSON line each on stdout, oldest first.
 * Returns 0, or 1 on a store error (its JSON error body on stdout, as other commands). */
int numberctl_deliveries_run(const struct numberctl_deliveries *args, numbering_store *store, const char *caller);

#endif
