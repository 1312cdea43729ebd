/*
 * numberctl changes: the change journal on the command line (changes-command.h,
 * docs/CHANGES-JOURNAL.md).
 *
 * Each line is one change as ListChanges answers it ({"sequence", "time", "kind",
 * "name", "change"}), pages of NUMBERING_CHANGES_PAGE_MAX read until none is left. With
 * --follow the command then polls every --interval: for a file store it opens a new
 * read-only snapshot each time (the file store's live readers, which would see other
 * processes' commits without reopening, are other work of issue 15; a snapshot
 * needs no lock, so numberctl never stands in the way of the process that writes).
 * SIGINT or SIGTERM ends it with status 0 between polls.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "changes-command.h"
#include "cli.h"

#define INTERVAL_DEFAULT 1000
#define INTERVAL_MAX 3600000

const char numberctl_changes_help[] =
	"usage: numberctl [GLOBAL OPTIONS] changes [--after N] [--follow] [--interval MS]\n"
	"\n"
	"Prints the store's change journal: one JSON line per change of every commit after\n"
	"sequence N (default 0: every change the journal keeps), oldest first:\n"
	"  {\"sequence\":\"12\",\"time\":\"...\",\"kind\":\"phoneNumberInstance\",\"name\":\"projects/...\",\n"
	"   \"change\":\"created\"}\n"
	"change is created, updated, deleted, or reload (name \"\": more records of the kind\n"
	"changed in that commit than it lists; re-read them all). A host that caches the store\n"
	"re-reads what each line names, then goes on from the last sequence it printed.\n"
	"\n"
	"options:\n"
	"  --after N         start after sequence N (0 .. the store's last sequence)\n"
	"  --follow          keep printing as new commits arrive, until SIGINT or SIGTERM (exit 0)\n"
	"  --interval MS     with --follow, the pause between polls (default 1000, 1 .. 3600000)\n"
	"\n"
	"With --follow on a file store each poll reads a new read-only snapshot, so the command\n"
	"never takes the store's lock. The caller needs numbering.changes.list on \"*\".\n"
	"Exit status 1 with the JSON error body on stdout when the journal cannot be read:\n"
	"FAILED_PRECONDITION when N is before the journal's horizon (the oldest change it\n"
	"keeps) or after its last sequence: reload what you cache and start again.\n";

int numberctl_changes_args(struct numberctl_changes *args, int argc, char **argv)
{
	args->after = 0;
	args->follow = 0;
	args->interval_ms = INTERVAL_DEFAULT;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--follow") == 0) {
			args->follow = 1;
		} else if (strcmp(a, "--after") == 0 || strcmp(a, "--interval") == 0) {
			if (i + 1 >= argc)
				return numberctl_usage("changes", "%s needs a value", a);
			const char *v = argv[++i];
			char *end = NULL;
			errno = 0;
			long long n = strtoll(v, &end, 10);
			int bad = errno != 0 || end == v || *end != '\0' || n < 0;
			if (strcmp(a, "--after") == 0) {
				if (bad)
					return numberctl_usage("changes", "--after %s: not a sequence (0 or more)", v);
				args->after = n;
			} else {
				if (bad || n < 1 || n > INTERVAL_MAX)
					return numberctl_usage("changes", "--interval %s: not 1 .. %d milliseconds", v, INTERVAL_MAX);
				args->interval_ms = (long)n;
			}
		} else {
			return numberctl_usage("changes", "%s '%s'", a[0] == '-' ? "unknown option" : "unexpected argument", a);
		}
	}
	return 0;
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Prints every change after *@after, page by page, moving *@after on; 0, or 1. */
static int print_changes(numbering_store *store, const char *caller, long long *after)
{
	for (;;) {
		char request[96];
		snprintf(request, sizeof(request), "{\"afterSequence\":\"%lld\",\"pageSize\":%d}", *after,
		         NUMBERING_CHANGES_PAGE_MAX);
		char *response = NULL;
		if (numbering_store_call_json(&response, store, caller, "ListChanges", request) != NUMBERING_OK) {
			printf("%s\n", response != NULL ? response : "{}");
			fflush(stdout);
			numbering_free(response);
			return 1;
		}
		json_t *answer = json_loads(response, 0, NULL);
		numbering_free(response);
		json_t *changes = json_object_get(answer, "changes");
		const char *next = json_string_value(json_object_get(answer, "nextSequence"));
		if (!json_is_array(changes) || next == NULL) {
			json_decref(answer);
			fprintf(stderr, "numberctl: changes: cannot read ListChanges' answer\n");
			return 1;
		}
		size_t count = json_array_size(changes);
		for (size_t i = 0; i < count; i++) {
			if (json_dumpf(json_array_get(changes, i), stdout, JSON_COMPACT) != 0 || fputc('\n', stdout) == EOF) {
				json_decref(answer);
				return 1;
			}
		}
		fflush(stdout);
		*after = strtoll(next, NULL, 10);
		json_decref(answer);
		if (count == 0)
			return 0;
	}
}

int numberctl_changes_run(const struct numberctl_changes *args, numbering_store **store, const char *caller,
                          numberctl_changes_reopen_cb reopen, void *payload)
{
	long long after = args->after;
	int status = print_changes(*store, caller, &after);
	if (status != 0 || !args->follow)
		return status;
	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: the pause ends at once */
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (status == 0 && stop_signal == 0) {
		struct timespec ts = {args->interval_ms / 1000, (args->interval_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		if (stop_signal != 0)
			break;
		if (reopen != NULL && (status = reopen(store, payload)) != 0)
			break;
		status = print_changes(*store, caller, &after);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}
