/*
 * Handler URIs. A small checker of the grammar we accept rather than a URI library:
 * http/https follow RFC 3986 with a DNS name or IP literal for the host (a handler
 * must be reachable, so percent-encoded or empty hosts are refused), sip/sips follow
 * RFC 3261 (user@host or host, a port, ;parameters), and tel is RFC 3966's global
 * number checked by our E.164 parser. A library would still leave the scheme rules,
 * the host rule, sip and tel to us.
 *
 * Credentials never live in a handler or callback URI (docs/CALLBACKS.md): an http or
 * https URI with user information, or a sip or sips URI with a password, is refused, and
 * one stored before that rule is shown with its credential replaced by "***"
 * (numbering__uri_redact), in error messages too.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "e164/number.h"
#include "model/validate.h"

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Where the credential of @uri is, [*from, *to): all the user information of a URI with
 * an authority ("scheme://userinfo@host", RFC 3986: "user:password" is deprecated, and
 * the user alone is often a token), the password of a sip or sips URI (its user is the
 * address). Any stored text is taken, so the last '@' ends the user information. */
static int credential_span(const char *uri, size_t *from, size_t *to)
{
	size_t n = strspn(uri, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	if (n == 0 || uri[n] != ':')
		return 0;
	const char *rest = uri + n + 1;
	if ((n == 3 && strncasecmp(uri, "sip", 3) == 0) || (n == 4 && strncasecmp(uri, "sips", 4) == 0)) {
		const char *at = strrchr(rest, '@');
		const char *colon = at != NULL ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
		if (colon == NULL)
			return 0;
		*from = (size_t)(colon + 1 - uri);
		*to = (size_t)(at - uri);
		return 1;
	}
	if (rest[0] != '/' || rest[1] != '/')
		return 0;
	const char *authority = rest + 2;
	size_t len = strcspn(authority, "/?#");
	const char *at = NULL;
	for (const char *c = authority; c < authority + len; c++)
		if (*c == '@')
			at = c;
	if (at == NULL)
		return 0;
	*from = (size_t)(authority - uri);
	*to = (size_t)(at - uri);
	return 1;
}

#define REDACTED "***"

size_t numbering__uri_redact(char *out, size_t size, const char *uri)
{
	size_t from, to;
	if (!credential_span(uri, &from, &to))
		return (size_t)snprintf(out, size, "%s", uri);
	return (size_t)snprintf(out, size, "%.*s" REDACTED "%s", (int)from, uri, uri + to);
}

size_t numbering__uri_redact_in_place(char *uri)
{
	size_t from, to, len = strlen(uri);
	if (!credential_span(uri, &from, &to))
		return len;
	size_t stars = to - from < sizeof(REDACTED) - 1 ? to - from : sizeof(REDACTED) - 1;
	memset(uri + from, '*', stars);
	memmove(uri + from + stars, uri + to, len - to + 1);
	return len - (to - from - stars);
}

/* numbering__quote() of @uri redacted. */
static const char *quote_uri(char quoted[NUMBERING__QUOTE_SIZE], const char *uri)
{
	char redacted[2 * NUMBERING__QUOTE_SIZE]; /* longer than numbering__quote() shows */
	size_t len = numbering__uri_redact(redacted, sizeof(redacted), uri);
	return numbering__quote(quoted, redacted, len < sizeof(redacted) ? len : sizeof(redacted) - 1);
}

/* RFC 3986 unreserved and sub-delims. */
static int is_unreserved(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_sub_delim(char c)
{
	return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* Length of a "%" HEXDIG HEXDIG at @s (0 if there is none), with @end bounding it. */
static size_t pct_encoded(const char *s, const char *end)
{
	return (end - s >= 3 && s[0] == '%' && is_hex(s[1]) && is_hex(s[2])) ? 3 : 0;
}

/* Does every character of [s, end) belong to the RFC 3986 set that @extra extends
 * (pchar is unreserved / pct-encoded / sub-delims / ":" / "@")? */
static int all_pchar(const char *s, const char *end, const char *extra)
{
	while (s < end) {
		size_t pct = pct_encoded(s, end);
		if (pct > 0) {
			s += pct;
			continue;
		}
		char c = *s;
		if (!(is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || (extra && strchr(extra, c))))
			return 0;
		s++;
	}
	return 1;
}

/* A dec-octet of RFC 3986: 0..255 without leading zeros. */
static int dec_octet(const char *s, size_t len)
{
	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return 0;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 255;
}

static int is_ipv4(const char *s, size_t len)
{
	size_t start = 0, parts = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (!dec_octet(s + start, i - start))
				return 0;
			parts++;
			start = i + 1;
		}
	}
	return parts == 4;
}

/* Groups of an IPv6 address between or around "::": "" or h16 *(":" h16), the last
 * of which may be an IPv4 address (two groups) when @allow_ipv4. */
static int ipv6_groups(const char *s, size_t len, int allow_ipv4, size_t *count)
{
	*count = 0;
	if (len == 0)
		return 1;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ':')
			continue;
		size_t n = i - start;
		if (memchr(s + start, '.', n) != NULL) {
			if (i != len || !allow_ipv4 || !is_ipv4(s + start, n))
				return 0;
			*count += 2;
		} else {
			if (n == 0 || n > 4)
				return 0;
			for (size_t j = start; j < i; j++)
				if (!is_hex(s[j]))
					return 0;
			*count += 1;
		}
		start = i + 1;
	}
	return 1;
}

/* RFC 4291 text form: eight groups of 1..4 hex digits, or fewer around one "::", the
 * last 32 bits optionally as an IPv4 address. No zone id. */
static int is_ipv6(const char *s, size_t len)
{
	size_t gap = len;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == ':' && s[i + 1] == ':') {
			gap = i;
			break;
		}
	}
	size_t left = 0, right = 0;
	if (gap == len)
		return ipv6_groups(s, len, 1, &left) && left == 8;
	return ipv6_groups(s, gap, 0, &left) && ipv6_groups(s + gap + 2, len - gap - 2, 1, &right) &&
	       left + right <= 7;
}

/* A DNS name: labels of 1..63 letters, digits, '-' and '_' (not starting or ending
 * with '-'), at most 253 bytes, one optional trailing dot. A name whose last label is
 * all digits must be an IPv4 address: no top-level domain is numeric. */
static const char *host_problem(const char *s, size_t len)
{
	if (len == 0)
		return "the host is empty";
	if (s[0] == '[') {
		if (len < 2 || s[len - 1] != ']')
			return "an IP literal host lacks its ']'";
		if (!is_ipv6(s + 1, len - 2))
			return "the host is not a valid IPv6 address";
		return NULL;
	}
	if (s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return "the host is not a DNS name of 1 to 253 characters";
	size_t start = 0;
	int numeric = 1;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			char c = s[i];
			if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_'))
				return "the host holds a character other than letters, digits, '-', '_' and '.'";
			continue;
		}
		size_t n = i - start;
		if (n == 0 || n > 63)
			return "a label of the host is empty or longer than 63 characters";
		if (s[start] == '-' || s[i - 1] == '-')
			return "a label of the host starts or ends with '-'";
		numeric = 1;
		for (size_t j = start; j < i; j++)
			numeric = numeric && is_digit(s[j]);
		start = i + 1;
	}
	if (numeric && !is_ipv4(s, len))
		return "the host is neither a DNS name nor an IPv4 address";
	return NULL;
}

static const char *port_problem(const char *s, size_t len)
{
	if (len == 0 || len > 5)
		return "the port is not a number from 1 to 65535";
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return "the port is not a number from 1 to 65535";
		v = v * 10 + (s[i] - '0');
	}
	return (v >= 1 && v <= 65535) ? NULL : "the port is not a number from 1 to 65535";
}

/* host [":" port] in [s, end); the host may be an IP literal in brackets. */
static const char *hostport_problem(const char *s, const char *end)
{
	const char *colon;
	if (s < end && s[0] == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));
		if (close == NULL)
			return "an IP literal host lacks its ']'";
		colon = close + 1 < end ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return "an IP literal host is followed by something other than \":port\"";
	} else {
		colon = memchr(s, ':', (size_t)(end - s));
	}
	const char *host_end = colon != NULL ? colon : end;
	const char *problem = host_problem(s, (size_t)(host_end - s));
	if (problem == NULL && colon != NULL)
		problem = port_problem(colon + 1, (size_t)(end - colon - 1));
	return problem;
}

/* A credential of only '*' is how one stored before they were refused reads back
 * (numbering__uri_redact()): a caller writing it back is told how to keep the stored
 * one, not that it tried to store a credential. */
#define MASKED_PROBLEM                                                                                                 \
	"it holds \"***\" where a credential was, as a URL stored with one before they were refused reads back: "   \
	"the stored URL is not rewritten from it; leave the field out of the update mask to keep the stored one, "    \
	"or write the URL without a credential (docs/CALLBACKS.md)"

static int only_stars(const char *from, const char *to)
{
	if (from == to)
		return 0;
	for (const char *c = from; c < to; c++)
		if (*c != '*')
			return 0;
	return 1;
}

/* What follows "http:" or "https:". */
static const char *http_problem(const char *rest)
{
	if (strncmp(rest, "//", 2) != 0)
		return "it is not absolute: the scheme must be followed by \"//\" and a host";
	const char *authority = rest + 2;
	const char *end = authority + strcspn(authority, "/?#");
	const char *at = memchr(authority, '@', (size_t)(end - authority));
	const char *host = authority;
	if (at != NULL && only_stars(authority, at))
		return MASKED_PROBLEM;
	if (at != NULL)
		return "it holds user information (\"user:password@\"): credentials are not kept in a URI, where "
		       "every reader would see them; the receiver checks the X-Sinch-Signature made with the "
		       "project's hmacSecret instead (docs/CALLBACKS.md)";
	const char *problem = hostport_problem(host, end);
	if (problem != NULL)
		return problem;
	const char *path_end = end + strcspn(end, "?#");
	if (!all_pchar(end, path_end, "/"))
		return "the path holds a character RFC 3986 does not allow (percent-encode it)";
	if (*path_end == '?') {
		const char *query_end = path_end + 1 + strcspn(path_end + 1, "#");
		if (!all_pchar(path_end + 1, query_end, "/?"))
			return "the query holds a character RFC 3986 does not allow (percent-encode it)";
		path_end = query_end;
	}
	if (*path_end == '#' && !all_pchar(path_end + 1, path_end + strlen(path_end), "/?"))
		return "the fragment holds a character RFC 3986 does not allow (percent-encode it)";
	return NULL;
}

/* RFC 3261 character sets. */
static int sip_unreserved(char c)
{
	return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("-_.!~*'()", c) != NULL);
}

/* Checks that [s, end) is 1* of sip_unreserved, escapes and @extra (0* when @allow_empty). */
static int sip_chars(const char *s, const char *end, const char *extra, int allow_empty)
{
	if (s == end)
		return allow_empty;
	while (s < end) {
		size_t pct = pct_encoded(s, end);
		if (pct == 0 && !(sip_unreserved(*s) || strchr(extra, *s) != NULL))
			return 0;
		s += pct > 0 ? pct : 1;
	}
	return 1;
}

/* What follows "sip:" or "sips:": [user[:password]@]host[:port]*(;param). */
static const char *sip_problem(const char *rest)
{
	if (strncmp(rest, "//", 2) == 0)
		return "a SIP URI has no \"//\": write sip:user@host";
	const char *host = rest;
	const char *at = strchr(rest, '@');
	if (at != NULL) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		const char *user_end = colon != NULL ? colon : at;
		if (!sip_chars(rest, user_end, "&=+$,;?/", 0))
			return "the user part is empty or holds a character RFC 3261 does not allow";
		if (colon != NULL && only_stars(colon + 1, at))
			return MASKED_PROBLEM;
		if (colon != NULL)
			return "it holds a password (\"user:password@\"): credentials are not kept in a URI, where every "
			       "reader would see them (RFC 3261 recommends against them too); write sip:user@host";
		host = at + 1;
	}
	const char *end = host + strcspn(host, ";?");
	if (end == host)
		return "it has no host: write sip:user@host or sip:host";
	const char *problem = hostport_problem(host, end);
	if (problem != NULL)
		return problem;
	while (*end == ';') {
		const char *param = end + 1;
		const char *param_end = param + strcspn(param, ";?");
		const char *eq = memchr(param, '=', (size_t)(param_end - param));
		if (!sip_chars(param, eq != NULL ? eq : param_end, "[]/:&+$", 0) ||
		    (eq != NULL && !sip_chars(eq + 1, param_end, "[]/:&+$", 0)))
			return "a ;parameter is empty or holds a character RFC 3261 does not allow";
		end = param_end;
	}
	if (*end == '?')
		return "SIP URI headers (\"?...\") are not supported in a handler";
	return NULL;
}

/* What follows "tel:": '+' and digits with RFC 3966 visual separators, a possible number. */
static int tel_check(const char *uri, const char *rest, const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = strlen(rest);
	int digits = 0, ok = rest[0] == '+';
	for (size_t i = 1; ok && i < len; i++) {
		if (is_digit(rest[i]))
			digits++;
		else
			ok = strchr("-.()", rest[i]) != NULL;
	}
	if (!ok || digits == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "call handler \"%s\" must be tel: and a number in +E164 form, e.g. "
		                              "tel:+61255501100 (no parameters)",
		                              quote_uri(quoted, uri));
	numbering_number number;
	if (numbering_e164_parse_n(&number, rest, len, NULL) != NUMBERING_OK) {
		char reason[256];
		snprintf(reason, sizeof(reason), "%s", numbering_error_message());
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "call handler \"%s\" does not hold a valid E.164 number: %s",
		                              quote_uri(quoted, uri), reason);
	}
	if (numbering_number_length_verdict(&number) != NUMBERING_LENGTH_POSSIBLE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "call handler \"%s\": %s is not a possible number of +%d (%s)",
		                              quote_uri(quoted, uri), numbering_number_e164(&number),
		                              numbering_number_country_code(&number),
		                              numbering_length_verdict_name(numbering_number_length_verdict(&number)));
	return NUMBERING_OK;
}

/* Checks what every handler URI shares and finds its scheme: 1..2048 bytes of
 * printable ASCII, then scheme ":" (RFC 3986 scheme characters). */
static int uri_common(const char *uri, const char *field, const char *what, size_t *scheme_len)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (uri == NULL || uri[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "a %s URI is empty", what);
	size_t len = strlen(uri);
	quote_uri(quoted, uri);
	if (len > NUMBERING_URI_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s URI \"%s\" is %zu bytes long; the most is %d", what, quoted, len,
		                              NUMBERING_URI_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c <= 0x20 || c >= 0x7f)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
			                              "%s URI \"%s\" holds a space, control or non-ASCII character at byte %zu; "
			                              "percent-encode it",
			                              what, quoted, i);
	}
	size_t n = 0;
	if (is_alpha(uri[0])) {
		n = 1;
		while (is_alpha(uri[n]) || is_digit(uri[n]) || uri[n] == '+' || uri[n] == '-' || uri[n] == '.')
			n++;
	}
	if (n == 0 || uri[n] != ':')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s URI \"%s\" is not an absolute URI: it has no scheme", what, quoted);
	*scheme_len = n;
	return NUMBERING_OK;
}

static int scheme_is(const char *uri, size_t len, const char *scheme)
{
	if (strlen(scheme) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = uri[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != scheme[i])
			return 0;
	}
	return 1;
}

static int problem_error(const char *field, const char *what, const char *uri, const char *problem)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s URI \"%s\" is not valid: %s", what,
	                              quote_uri(quoted, uri), problem);
}

int numbering__validate_message_handler(const char *uri, const char *field)
{
	size_t scheme = 0;
	int rc = uri_common(uri, field, "message handler", &scheme);
	if (rc != NUMBERING_OK)
		return rc;
	if (!scheme_is(uri, scheme, "http") && !scheme_is(uri, scheme, "https")) {
		char quoted[NUMBERING__QUOTE_SIZE], scheme_quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "message handler URI \"%s\" must be an absolute http or https URI, not %s:",
		                              quote_uri(quoted, uri),
		                              numbering__quote(scheme_quoted, uri, scheme));
	}
	const char *problem = http_problem(uri + scheme + 1);
	return problem != NULL ? problem_error(field, "message handler", uri, problem) : NUMBERING_OK;
}

int numbering__validate_call_handler(const char *uri, const char *field)
{
	size_t scheme = 0;
	int rc = uri_common(uri, field, "call handler", &scheme);
	if (rc != NUMBERING_OK)
		return rc;
	const char *rest = uri + scheme + 1;
	const char *problem;
	if (scheme_is(uri, scheme, "http") || scheme_is(uri, scheme, "https"))
		problem = http_problem(rest);
	else if (scheme_is(uri, scheme, "sip") || scheme_is(uri, scheme, "sips"))
		problem = sip_problem(rest);
	else if (scheme_is(uri, scheme, "tel"))
		return tel_check(uri, rest, field);
	else {
		char quoted[NUMBERING__QUOTE_SIZE], scheme_quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "call handler URI \"%s\" must be http, https, sip, sips or tel, not %s:",
		                              quote_uri(quoted, uri),
		                              numbering__quote(scheme_quoted, uri, scheme));
	}
	return problem != NULL ? problem_error(field, "call handler", uri, problem) : NUMBERING_OK;
}
