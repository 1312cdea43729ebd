/*
 * One HTTP POST of a signed callback through libcurl (see deliver-http.h for the
 * decisions: http/https only, no redirects, one timeout for the whole attempt).
 */
#include "deliver-http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#define SIGNATURE_LENGTH 40
/* Characters of a URL shown in a message. */
#define URL_SHOWN 200

int deliver_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void deliver_http_global_cleanup(void)
{
	curl_global_cleanup();
}

/* A printable, bounded copy of @url for messages: control and non-ASCII bytes become
 * '?', and a long URL is cut with "...". */
static const char *shown(char out[URL_SHOWN + 4], const char *url)
{
	size_t n = 0;
	for (; url[n] != '\0' && n < URL_SHOWN; n++)
		out[n] = url[n] > 0x20 && url[n] < 0x7f ? url[n] : '?';
	if (url[n] != '\0') {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static enum deliver_http_result fail(enum deliver_http_result result, char *error, size_t error_size,
                                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum deliver_http_result fail(enum deliver_http_result result, char *error, size_t error_size,
                                     const char *fmt, ...)
{
	if (error != NULL && error_size > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(error, error_size, fmt, ap);
		va_end(ap);
	}
	return result;
}

/* The scheme must be http or https, whatever libcurl could also speak. */
static enum deliver_http_result check_url(const char *url, char *error, size_t error_size)
{
	char show[URL_SHOWN + 4];
	if (url == NULL || url[0] == '\0')
		return fail(DELIVER_HTTP_BAD_REQUEST, error, error_size, "the callback URL is empty");
	const char *sep = strstr(url, "://");
	size_t scheme_len = sep == NULL ? 0 : (size_t)(sep - url);
	if (sep == NULL || strcspn(url, ":/?#") != scheme_len)
		return fail(DELIVER_HTTP_BAD_REQUEST, error, error_size,
		            "callback URL \"%s\" has no scheme: it must start with http:// or https://",
		            shown(show, url));
	if (!(scheme_len == 4 && strncasecmp(url, "http", 4) == 0) &&
	    !(scheme_len == 5 && strncasecmp(url, "https", 5) == 0))
		return fail(DELIVER_HTTP_BAD_REQUEST, error, error_size,
		            "callback URL \"%s\" has the scheme \"%.*s\": only http and https are delivered to",
		            shown(show, url), (int)(scheme_len < 32 ? scheme_len : 32), url);
	/* The rest as libcurl's URL parser reads it: a host, no spaces, a valid port. */
	CURLU *parsed = curl_url();
	if (parsed == NULL)
		return fail(DELIVER_HTTP_TRANSPORT, error, error_size, "out of memory");
	CURLUcode uc = curl_url_set(parsed, CURLUPART_URL, url, 0);
	curl_url_cleanup(parsed);
	if (uc != CURLUE_OK)
		return fail(DELIVER_HTTP_BAD_REQUEST, error, error_size, "callback URL \"%s\" is not a valid URL: %s",
		            shown(show, url), curl_url_strerror(uc));
	return DELIVER_HTTP_ANSWERED;
}

/* The answer's body is not needed: read and dropped. */
static size_t drop(char *data, size_t size, size_t count, void *payload)
{
	(void)data;
	(void)payload;
	return size * count;
}

enum deliver_http_result deliver_http_post(const char *url, const void *body, size_t body_len, const char *signature,
                                           long timeout_ms, long *http_status, char *error, size_t error_size)
{
	if (error != NULL && error_size > 0)
		error[0] = '\0';
	if (http_status != NULL)
		*http_status = 0;
	if (http_status == NULL || (body == NULL && body_len > 0) || timeout_ms <= 0)
		return fail(DELIVER_HTTP_BAD_REQUEST, error, error_size,
		            "deliver_http_post: http_status is NULL, body is NULL with a length, or the timeout is not "
		            "positive (%ld ms)",
		            timeout_ms);
	enum deliver_http_result result = check_url(url, error, error_size);
	if (result != DELIVER_HTTP_ANSWERED)
		return result;
	/* The signature goes into a header line: only what numbering_callback_sign() writes. */
	if (signature != NULL &&
	    (strlen(signature) != SIGNATURE_LENGTH || strspn(signature, "0123456789abcdef") != SIGNATURE_LENGTH))
		return fail(DELIVER_HTTP_BAD_REQUEST, error, error_size,
		            "the X-Sinch-Signature to send is not 40 lowercase hex digits");

	char header[64];
	struct curl_slist *headers = NULL, *grown;
	CURL *curl = curl_easy_init();
	char curl_error[CURL_ERROR_SIZE] = "";
	if (curl == NULL)
		return fail(DELIVER_HTTP_TRANSPORT, error, error_size, "libcurl could not start (out of memory?)");
	result = DELIVER_HTTP_TRANSPORT;
	/* Expect: off: no 100-continue round trip (and its one-second wait on servers that
	 * ignore it) for a small body. */
	static const char *const fixed[] = {"Content-Type: application/json", "Expect:"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if ((grown = curl_slist_append(headers, fixed[i])) == NULL)
			goto out_of_memory;
		headers = grown;
	}
	if (signature != NULL) {
		snprintf(header, sizeof(header), "X-Sinch-Signature: %s", signature);
		if ((grown = curl_slist_append(headers, header)) == NULL)
			goto out_of_memory;
		headers = grown;
	}
	CURLcode rc = CURLE_OK;
#define SET(option, value)                                                                                            \
	do {                                                                                                          \
		if (rc == CURLE_OK)                                                                                   \
			rc = curl_easy_setopt(curl, option, value);                                                   \
	} while (0)
	SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDS, body_len > 0 ? (const char *)body : "");
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_USERAGENT, "numberctl (libnumbering callbacks)");
	SET(CURLOPT_WRITEFUNCTION, drop);
	SET(CURLOPT_ERRORBUFFER, curl_error);
#undef SET
	if (rc != CURLE_OK) {
		result = fail(DELIVER_HTTP_TRANSPORT, error, error_size, "libcurl refused an option: %s",
		              curl_easy_strerror(rc));
		goto done;
	}
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		char show[URL_SHOWN + 4];
		/* A scheme libcurl will not speak is the request's fault, not the network's. */
		result = rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ? DELIVER_HTTP_BAD_REQUEST
		                                                                         : DELIVER_HTTP_TRANSPORT;
		fail(result, error, error_size, "POST %s failed: %s%s%s", shown(show, url), curl_easy_strerror(rc),
		     curl_error[0] != '\0' ? ": " : "", curl_error);
		goto done;
	}
	if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, http_status) != CURLE_OK) {
		result = fail(DELIVER_HTTP_TRANSPORT, error, error_size, "libcurl gave no HTTP status");
		goto done;
	}
	result = DELIVER_HTTP_ANSWERED;
	goto done;
out_of_memory:
	result = fail(DELIVER_HTTP_TRANSPORT, error, error_size, "out of memory building the request headers");
done:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return result;
}

char *deliver_http_redacted_url(const char *url)
{
	CURLU *h = curl_url();
	char *user = NULL, *password = NULL, *shown = NULL, *copy = NULL;
	if (h != NULL && curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
		int has_user = curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK;
		int has_password = curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK;
		if ((has_user || has_password) && curl_url_set(h, CURLUPART_USER, "***", 0) == CURLUE_OK &&
		    curl_url_set(h, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
		    curl_url_get(h, CURLUPART_URL, &shown, 0) == CURLUE_OK)
			copy = strdup(shown);
		else if (has_user || has_password)
			copy = strdup("(a URL with a credential)");
	} else if (strchr(url, '@') != NULL) {
		copy = strdup("(a URL holding '@' that libcurl cannot parse)");
	}
	curl_free(user);
	curl_free(password);
	curl_free(shown);
	curl_url_cleanup(h);
	return copy;
}
