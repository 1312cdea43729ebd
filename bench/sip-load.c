/*
 * sip-load: a SIP INVITE load generator over UDP, written for the Kamailio bench
 * (tools/bench-kamailio.sh; SIPp is not in Debian 12). It keeps WINDOW INVITEs in
 * flight to one server, each a new transaction (Call-ID and branch of its own), to the
 * Request-URI users read from a file in turn, and measures the rate of final answers
 * and each transaction's latency (send to final answer, CLOCK_MONOTONIC).
 *
 * usage: sip-load --port P [--host 127.0.0.1] --users FILE [--seconds S] [--warmup S]
 *                 [--window W] [--timeout-ms T]
 *
 *   --users FILE   one Request-URI user per line (+61390000000), used in turn
 *   --seconds S    measure for S seconds (default 5) after --warmup S (default 1)
 *   --window W     INVITEs in flight (default 32)
 *   --timeout-ms T an answer later than this is counted lost, and its slot reused
 *                  (default 1000)
 *
 * Prints one line:
 *   sip-load: N answers in S s: R/s p50 U us p99 U us lost L codes 302:a 404:b ... [send-errors E] cpu C s
 * (C: this program's own CPU time, user + system, for the whole run)
 * and exits 1 when nothing was answered.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_WINDOW 4096

struct slot {
	uint64_t seq;  /* the transaction in flight in this slot; 0 when none */
	uint64_t sent; /* ns */
	int measured;  /* sent after the warm-up */
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fputs("usage: sip-load --port P [--host 127.0.0.1] --users FILE [--seconds S] [--warmup S] [--window W] "
	      "[--timeout-ms T]\n",
	      stderr);
	exit(2);
}

static long number_arg(const char *text, long min, long max)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Reads the users, one per line; blank lines and # comments skipped. */
static char **read_users(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "sip-load: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	size_t n = 0, cap = 1024;
	char **users = malloc(cap * sizeof(*users));
	char line[512];
	while (users != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (n == cap) {
			char **grown = realloc(users, (cap *= 2) * sizeof(*users));
			if (grown == NULL)
				break;
			users = grown;
		}
		if ((users[n] = strdup(line)) == NULL)
			break;
		n++;
	}
	fclose(f);
	if (users == NULL || n == 0) {
		fprintf(stderr, "sip-load: %s: %s\n", path, users == NULL ? "out of memory" : "no users");
		exit(1);
	}
	*count = n;
	return users;
}

/* Writes INVITE number @p seq (slot @p slot) to @p user into @p buf; returns its length. */
static int invite(char *buf, size_t size, const char *host, int port, const char *local, const char *user, int slot,
                  uint64_t seq)
{
	static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	                          "m=audio 40000 RTP/AVP 0\r\n";
	return snprintf(buf, size,
	                "INVITE sip:%s@%s:%d SIP/2.0\r\n"
	                "Via: SIP/2.0/UDP %s;branch=z9hG4bK-l%d-%llu;rport\r\n"
	                "Max-Forwards: 70\r\n"
	                "From: <sip:load@127.0.0.1>;tag=l%d\r\n"
	                "To: <sip:%s@%s:%d>\r\n"
	                "Call-ID: L%d-%llu@sip-load\r\n"
	                "CSeq: 1 INVITE\r\n"
	                "Contact: <sip:load@%s>\r\n"
	                "Content-Type: application/sdp\r\n"
	                "Content-Length: %zu\r\n\r\n%s",
	                user, host, port, local, slot, (unsigned long long)seq, slot, user, host, port, slot,
	                (unsigned long long)seq, local, sizeof(sdp) - 1, sdp);
}

/* The status code and the slot and sequence of a response's Call-ID L<slot>-<seq>@... */
static int parse_answer(const char *buf, int *code, int *slot, uint64_t *seq)
{
	if (strncmp(buf, "SIP/2.0 ", 8) != 0)
		return -1;
	*code = atoi(buf + 8);
	const char *p = strstr(buf, "\r\nCall-ID: L");
	if (p == NULL)
		p = strstr(buf, "\r\ni: L");
	if (p == NULL)
		return -1;
	p = strchr(p, 'L') + 1;
	char *end = NULL;
	*slot = (int)strtol(p, &end, 10);
	if (*end != '-')
		return -1;
	*seq = strtoull(end + 1, NULL, 10);
	return 0;
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *users_path = NULL;
	long port = 0, seconds = 5, warmup = 1, window = 32, timeout_ms = 1000;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--port") == 0)
			port = number_arg(argv[++i], 1, 65535);
		else if (strcmp(argv[i], "--host") == 0)
			host = argv[++i];
		else if (strcmp(argv[i], "--users") == 0)
			users_path = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = number_arg(argv[++i], 1, 3600);
		else if (strcmp(argv[i], "--warmup") == 0)
			warmup = number_arg(argv[++i], 0, 3600);
		else if (strcmp(argv[i], "--window") == 0)
			window = number_arg(argv[++i], 1, MAX_WINDOW);
		else if (strcmp(argv[i], "--timeout-ms") == 0)
			timeout_ms = number_arg(argv[++i], 1, 60000);
		else
			usage();
	}
	if (port == 0 || users_path == NULL)
		usage();
	size_t user_count = 0;
	char **users = read_users(users_path, &user_count);

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t local_len = sizeof(local);
	int buffer = 4 << 20;
	if (fd < 0 || inet_pton(AF_INET, host, &server.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&local, sizeof(local)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&local, &local_len) != 0 ||
	    connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0) {
		fprintf(stderr, "sip-load: udp socket to %s:%ld: %s\n", host, port, strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
	char local_text[64];
	snprintf(local_text, sizeof(local_text), "127.0.0.1:%d", ntohs(local.sin_port));

	struct slot *slots = calloc((size_t)window, sizeof(*slots));
	/* One latency per answer; 400k answers a second is far above what Kamailio gives here. */
	size_t lat_cap = (size_t)seconds * 400000u, lat_n = 0;
	uint64_t *latencies = malloc(lat_cap * sizeof(*latencies));
	if (slots == NULL || latencies == NULL) {
		fputs("sip-load: out of memory\n", stderr);
		return 1;
	}
	long codes[700] = {0};
	long lost = 0, send_errors = 0;
	uint64_t seq = 0;
	size_t next_user = 0;
	char buf[65536];
	uint64_t start = now_ns(), measure_from = start + (uint64_t)warmup * 1000000000u,
	         end = measure_from + (uint64_t)seconds * 1000000000u, timeout = (uint64_t)timeout_ms * 1000000u;

#define SEND(s)                                                                                                   \
	do {                                                                                                          \
		slots[s].seq = ++seq;                                                                                     \
		int len_ = invite(buf, sizeof(buf), host, (int)port, local_text, users[next_user], (s), seq);            \
		next_user = (next_user + 1) % user_count;                                                                 \
		slots[s].sent = now_ns();                                                                                 \
		slots[s].measured = slots[s].sent >= measure_from;                                                        \
		if (send(fd, buf, (size_t)len_, 0) < 0 && errno != ENOBUFS && errno != EAGAIN && send_errors++ == 0)      \
			fprintf(stderr, "sip-load: send: %s (more send errors are only counted)\n", strerror(errno));          \
	} while (0)

	for (int s = 0; s < window; s++)
		SEND(s);
	uint64_t last_sweep = now_ns();
	for (;;) {
		uint64_t t = now_ns();
		if (t >= end)
			break;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ready = poll(&pfd, 1, 100);
		if (ready > 0) {
			ssize_t got = recv(fd, buf, sizeof(buf) - 1, 0);
			if (got > 0) {
				buf[got] = '\0';
				int code = 0, s = -1;
				uint64_t answered = 0;
				if (parse_answer(buf, &code, &s, &answered) == 0 && s >= 0 && s < window &&
				    slots[s].seq == answered && code >= 200) {
					uint64_t done = now_ns();
					if (slots[s].measured && done <= end) {
						if (lat_n < lat_cap)
							latencies[lat_n++] = done - slots[s].sent;
						if (code < 700)
							codes[code]++;
					}
					SEND(s);
				}
			}
		}
		t = now_ns();
		if (t - last_sweep > timeout / 4) {
			for (int s = 0; s < window; s++)
				if (t - slots[s].sent > timeout) {
					if (slots[s].measured)
						lost++;
					SEND(s);
				}
			last_sweep = t;
		}
	}
	if (lat_n == 0) {
		fputs("sip-load: no answer\n", stderr);
		return 1;
	}
	qsort(latencies, lat_n, sizeof(*latencies), cmp_u64);
	double p50 = (double)latencies[lat_n / 2] / 1000.0;
	double p99 = (double)latencies[(size_t)((double)lat_n * 0.99)] / 1000.0;
	printf("sip-load: %zu answers in %ld s: %.0f/s p50 %.0f us p99 %.0f us lost %ld codes", lat_n, seconds,
	       (double)lat_n / (double)seconds, p50, p99, lost);
	for (int c = 0; c < 700; c++)
		if (codes[c] > 0)
			printf(" %d:%ld", c, codes[c]);
	if (send_errors > 0)
		printf(" send-errors %ld", send_errors);
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	printf(" cpu %.2f s\n", (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
	                            (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6);
	for (size_t i = 0; i < user_count; i++)
		free(users[i]);
	free(users);
	free(slots);
	free(latencies);
	close(fd);
	return 0;
}
