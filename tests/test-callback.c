/*
 * Signed callbacks (include/numbering/callback.h): HMAC-SHA1 signing against RFC 2202's
 * vectors, verification of a right, altered, malformed or missing X-Sinch-Signature,
 * and the CallbackPayload body as golden text, with every field's refusals and
 * timestamps at microsecond, second and range boundaries, before 1970 too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "suites.h"

#define SECRET "YOUR_hmac_secret"
#define SECRET_LEN (sizeof(SECRET) - 1)
/* The seed's CallbackPayload example values. */
#define EVENT_ID "abcd1234efghijklmnop567890"
#define PROJECT "abcd12ef-ab12-ab12-bc34-abcdef123456"
#define NUMBER "+12345612345"
#define SEED_TIME INT64_C(1686037527785357000) /* 2023-06-06T07:45:27.785357Z */
/* The library's time range (lib/model/validate.h): 1678-01-01 .. 2261-12-31. */
#define TIME_MIN (INT64_C(-9214560000) * 1000000000)
#define TIME_MAX (INT64_C(9214646399) * 1000000000 + 999999999)

static void assert_error(int rc, int code, const char *field)
{
	ck_assert_int_eq(rc, code);
	ck_assert_int_eq(numbering_error_code(), code);
	ck_assert_int_ge(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), field);
	ck_assert_str_ne(numbering_error_message(), "");
}

/* RFC 2202 section 3: HMAC-SHA1, test cases 1 to 7. */
START_TEST(rfc2202_vectors)
{
	static const struct {
		unsigned char key[80];
		size_t key_len;
		const char *data; /* NULL: data_byte repeated data_len times */
		unsigned char data_byte;
		size_t data_len;
		const char *digest;
	} cases[] = {
		{{0}, 20, "Hi There", 0, 8, "b617318655057264e28bc0b6fb378c8ef146be00"},
		{"Jefe", 4, "what do ya want for nothing?", 0, 28, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
		{{0}, 20, NULL, 0xdd, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
		{{0}, 25, NULL, 0xcd, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
		{{0}, 20, "Test With Truncation", 0, 20, "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
		{{0}, 80, "Test Using Larger Than Block-Size Key - Hash Key First", 0, 54,
		 "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
		{{0}, 80, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data", 0, 73,
		 "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
	};
	static const unsigned char key_byte[] = {0x0b, 0, 0xaa, 0, 0x0c, 0xaa, 0xaa};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char key[80], data[80];
		memcpy(key, cases[i].key, sizeof(key));
		if (key_byte[i] != 0)
			memset(key, key_byte[i], cases[i].key_len);
		if (i == 3)
			for (int k = 0; k < 25; k++)
				key[k] = (unsigned char)(k + 1);
		if (cases[i].data != NULL)
			memcpy(data, cases[i].data, cases[i].data_len);
		else
			memset(data, cases[i].data_byte, cases[i].data_len);
		char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
		ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), (const char *)key, cases[i].key_len, data,
		                                         cases[i].data_len),
		                 NUMBERING_OK);
		ck_assert_msg(strcmp(sig, cases[i].digest) == 0, "case %zu: %s, want %s", i + 1, sig, cases[i].digest);
		ck_assert_int_eq(numbering_callback_verify((const char *)key, cases[i].key_len, data, cases[i].data_len,
		                                           cases[i].digest),
		                 NUMBERING_OK);
	}
}
END_TEST

START_TEST(sign_empty_body)
{
	char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	/* HMAC-SHA1("key", "") */
	ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), "key", 3, NULL, 0), NUMBERING_OK);
	ck_assert_str_eq(sig, "f42bb0eeb018ebbd4597ae7213711ec60760843f");
	ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), "key", 3, "", 0), NUMBERING_OK);
	ck_assert_str_eq(sig, "f42bb0eeb018ebbd4597ae7213711ec60760843f");
	ck_assert_int_eq(numbering_callback_verify("key", 3, NULL, 0, sig), NUMBERING_OK);
}
END_TEST

START_TEST(sign_refusals)
{
	char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	assert_error(numbering_callback_sign(NULL, 41, SECRET, SECRET_LEN, "x", 1), NUMBERING_INVALID_ARGUMENT, "out");
	memset(sig, 'z', sizeof(sig));
	assert_error(numbering_callback_sign(sig, NUMBERING_CALLBACK_SIGNATURE_BUFSIZE - 1, SECRET, SECRET_LEN, "x", 1),
	             NUMBERING_OUT_OF_RANGE, "outsize");
	ck_assert_str_eq(sig, "");
	assert_error(numbering_callback_sign(sig, 0, SECRET, SECRET_LEN, "x", 1), NUMBERING_OUT_OF_RANGE, "outsize");
	memset(sig, 'z', sizeof(sig));
	assert_error(numbering_callback_sign(sig, sizeof(sig), NULL, 0, "x", 1), NUMBERING_INVALID_ARGUMENT,
	             "hmacSecret");
	ck_assert_str_eq(sig, "");
	assert_error(numbering_callback_sign(sig, sizeof(sig), SECRET, 0, "x", 1), NUMBERING_INVALID_ARGUMENT,
	             "hmacSecret");
	assert_error(numbering_callback_sign(sig, sizeof(sig), NULL, 5, "x", 1), NUMBERING_INVALID_ARGUMENT,
	             "hmacSecret");
	assert_error(numbering_callback_sign(sig, sizeof(sig), SECRET, SECRET_LEN, NULL, 1), NUMBERING_INVALID_ARGUMENT,
	             "body");
	/* A larger buffer is fine; the signature is 40 characters whatever its size. */
	char big[64];
	ck_assert_int_eq(numbering_callback_sign(big, sizeof(big), SECRET, SECRET_LEN, "x", 1), NUMBERING_OK);
	ck_assert_uint_eq(strlen(big), NUMBERING_CALLBACK_SIGNATURE_LENGTH);
}
END_TEST

/* The secret and the body are bytes: a NUL inside either is data, not an end. */
START_TEST(lengths_not_nul)
{
	static const char body[] = "ab\0cd";
	char whole[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE], cut[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	ck_assert_int_eq(numbering_callback_sign(whole, sizeof(whole), SECRET, SECRET_LEN, body, 5), NUMBERING_OK);
	ck_assert_int_eq(numbering_callback_sign(cut, sizeof(cut), SECRET, SECRET_LEN, body, 2), NUMBERING_OK);
	ck_assert_str_ne(whole, cut);
	ck_assert_int_eq(numbering_callback_verify(SECRET, SECRET_LEN, body, 5, whole), NUMBERING_OK);
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, 2, whole), NUMBERING_UNAUTHENTICATED,
	             "X-Sinch-Signature");
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, 5, cut), NUMBERING_UNAUTHENTICATED,
	             "X-Sinch-Signature");

	static const char key[] = "k\0ey";
	char full_key[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE], short_key[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	ck_assert_int_eq(numbering_callback_sign(full_key, sizeof(full_key), key, 4, "x", 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_callback_sign(short_key, sizeof(short_key), key, 1, "x", 1), NUMBERING_OK);
	ck_assert_str_ne(full_key, short_key);
	ck_assert_int_eq(numbering_callback_verify(key, 4, "x", 1, full_key), NUMBERING_OK);
	assert_error(numbering_callback_verify(key, 1, "x", 1, full_key), NUMBERING_UNAUTHENTICATED, "X-Sinch-Signature");
}
END_TEST

static const char body[] = "{\"eventId\":\"e1\",\"status\":\"SUCCEEDED\"}";

/* Every one of the MAC's 160 bits, flipped in the header, is refused. */
START_TEST(verify_flipped_bits)
{
	char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), SECRET, SECRET_LEN, body, strlen(body)), NUMBERING_OK);
	ck_assert_int_eq(numbering_callback_verify(SECRET, SECRET_LEN, body, strlen(body), sig), NUMBERING_OK);
	static const char hex[] = "0123456789abcdef";
	for (int bit = 0; bit < 160; bit++) {
		char bad[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
		memcpy(bad, sig, sizeof(bad));
		int at = bit / 4;
		int nibble = (int)(strchr(hex, bad[at]) - hex) ^ (1 << (bit % 4));
		bad[at] = hex[nibble];
		int rc = numbering_callback_verify(SECRET, SECRET_LEN, body, strlen(body), bad);
		ck_assert_msg(rc == NUMBERING_UNAUTHENTICATED, "bit %d: %s accepted (%d)", bit, bad, rc);
		ck_assert_str_eq(numbering_error_violation_field(0), "X-Sinch-Signature");
	}
}
END_TEST

START_TEST(verify_altered_body_or_secret)
{
	char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), SECRET, SECRET_LEN, body, strlen(body)), NUMBERING_OK);
	char altered[sizeof(body)];
	memcpy(altered, body, sizeof(body));
	altered[13] = '2'; /* "e1" -> "e2" */
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, altered, strlen(altered), sig),
	             NUMBERING_UNAUTHENTICATED, "X-Sinch-Signature");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "does not match"));
	assert_error(numbering_callback_verify("other", 5, body, strlen(body), sig), NUMBERING_UNAUTHENTICATED,
	             "X-Sinch-Signature");
	/* Bytes appended to the body (a length-extension attempt) are refused too. */
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, sizeof(body), sig), NUMBERING_UNAUTHENTICATED,
	             "X-Sinch-Signature");
}
END_TEST

START_TEST(verify_malformed_headers)
{
	char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), SECRET, SECRET_LEN, body, strlen(body)), NUMBERING_OK);
	size_t n = strlen(body);

	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, NULL), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "missing"));
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, ""), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");

	/* One character short, one too many (the right signature with a character more). */
	char shorter[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE], longer[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE + 1];
	memcpy(shorter, sig, 39);
	shorter[39] = '\0';
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, shorter), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "has 39 characters"));
	snprintf(longer, sizeof(longer), "%s0", sig);
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, longer), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "has 41 characters"));

	/* Sinch's SDKs compare hex digests as strings: uppercase is not this encoding. */
	char upper[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	int letters = 0;
	for (int i = 0; i < NUMBERING_CALLBACK_SIGNATURE_BUFSIZE; i++) {
		upper[i] = sig[i] >= 'a' && sig[i] <= 'f' ? (char)(sig[i] - 'a' + 'A') : sig[i];
		letters += upper[i] != sig[i];
	}
	ck_assert_int_gt(letters, 0);
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, upper), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "lowercase"));

	/* Non-hex characters anywhere, named with their offset. */
	static const char bad_chars[] = {'g', ' ', '-', 'x', '\n', (char)0xff};
	for (size_t i = 0; i < sizeof(bad_chars); i++) {
		char bad[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
		memcpy(bad, sig, sizeof(bad));
		bad[17] = bad_chars[i];
		assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, bad), NUMBERING_INVALID_ARGUMENT,
		             "X-Sinch-Signature");
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "at offset 17"));
	}
	/* A NUL inside the header ends it: 10 characters. */
	char cut[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	memcpy(cut, sig, sizeof(cut));
	cut[10] = '\0';
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, cut), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");
	/* A huge header is quoted, bounded, in the message. */
	char huge[4096];
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, body, n, huge), NUMBERING_INVALID_ARGUMENT,
	             "X-Sinch-Signature");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "has 4095 characters"));
	ck_assert_uint_lt(strlen(numbering_error_message()), 400);

	/* Secret and body as for signing. */
	assert_error(numbering_callback_verify(SECRET, 0, body, n, sig), NUMBERING_INVALID_ARGUMENT, "hmacSecret");
	assert_error(numbering_callback_verify(NULL, 0, body, n, sig), NUMBERING_INVALID_ARGUMENT, "hmacSecret");
	assert_error(numbering_callback_verify(SECRET, SECRET_LEN, NULL, n, sig), NUMBERING_INVALID_ARGUMENT, "body");
	/* The argument checks come before the header's: still OK afterwards. */
	ck_assert_int_eq(numbering_callback_verify(SECRET, SECRET_LEN, body, n, sig), NUMBERING_OK);
}
END_TEST

/* The names, written here a second time from the seed, agree with the library's. */
START_TEST(enum_names)
{
	static const char *const events[] = {NULL,
	                                     "PROVISIONING_TO_SMS_PLATFORM",
	                                     "DEPROVISIONING_FROM_SMS_PLATFORM",
	                                     "PROVISIONING_TO_CAMPAIGN",
	                                     "DEPROVISIONING_FROM_CAMPAIGN",
	                                     "PROVISIONING_TO_VOICE_PLATFORM",
	                                     "DEPROVISIONING_TO_VOICE_PLATFORM"};
	static const char *const failures[] = {NULL,
	                                       "CAMPAIGN_NOT_AVAILABLE",
	                                       "EXCEEDED_10DLC_LIMIT",
	                                       "NUMBER_PROVISIONING_FAILED",
	                                       "PARTNER_SERVICE_UNAVAILABLE",
	                                       "CAMPAIGN_PENDING_ACCEPTANCE",
	                                       "MNO_SHARING_ERROR",
	                                       "CAMPAIGN_PROVISIONING_FAILED",
	                                       "CAMPAIGN_EXPIRED",
	                                       "CAMPAIGN_MNO_REJECTED",
	                                       "CAMPAIGN_MNO_SUSPENDED",
	                                       "CAMPAIGN_MNO_REVIEW",
	                                       "INSUFFICIENT_BALANCE",
	                                       "MOCK_CAMPAIGN_NOT_ALLOWED",
	                                       "TFN_NOT_ALLOWED",
	                                       "INVALID_NNID"};
	for (int i = 1; i <= 6; i++)
		ck_assert_str_eq(numbering_callback_event_type_name(i), events[i]);
	ck_assert_int_eq(NUMBERING_CALLBACK_EVENT_DEPROVISIONING_TO_VOICE_PLATFORM, 6);
	for (int i = 1; i <= 15; i++)
		ck_assert_str_eq(numbering_callback_failure_code_name(i), failures[i]);
	ck_assert_int_eq(NUMBERING_CALLBACK_FAILURE_INVALID_NNID, 15);
	ck_assert_str_eq(numbering_callback_status_name(NUMBERING_CALLBACK_STATUS_SUCCEEDED), "SUCCEEDED");
	ck_assert_str_eq(numbering_callback_status_name(NUMBERING_CALLBACK_STATUS_FAILED), "FAILED");
	static const int outside[] = {0, -1, 7, 16, 3, 1000, -2147483647 - 1, 2147483647};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		if (outside[i] < 1 || outside[i] > 6)
			ck_assert_ptr_null(numbering_callback_event_type_name(outside[i]));
		if (outside[i] < 1 || outside[i] > 2)
			ck_assert_ptr_null(numbering_callback_status_name(outside[i]));
		if (outside[i] < 1 || outside[i] > 15)
			ck_assert_ptr_null(numbering_callback_failure_code_name(outside[i]));
	}
}
END_TEST

static char *payload(int64_t ns, int event_type, int status, int failure_code)
{
	char *out = (char *)1;
	int rc = numbering_callback_payload_json(&out, EVENT_ID, ns, PROJECT, NUMBER, event_type, status, failure_code);
	ck_assert_msg(rc == NUMBERING_OK, "%d: %s", rc, numbering_error_message());
	ck_assert_ptr_nonnull(out);
	return out;
}

#define GOLDEN_HEAD                                                                                                   \
	"{\"eventId\":\"abcd1234efghijklmnop567890\",\"timestamp\":\"2023-06-06T07:45:27.785357\",\"projectId\":"  \
	"\"abcd12ef-ab12-ab12-bc34-abcdef123456\",\"resourceId\":\"+12345612345\",\"resourceType\":\"ACTIVE_NUMBER\","

START_TEST(payload_golden_each_event)
{
	static const char *const golden[] = {
		NULL,
		GOLDEN_HEAD "\"eventType\":\"PROVISIONING_TO_SMS_PLATFORM\",\"status\":\"SUCCEEDED\"}",
		GOLDEN_HEAD "\"eventType\":\"DEPROVISIONING_FROM_SMS_PLATFORM\",\"status\":\"SUCCEEDED\"}",
		GOLDEN_HEAD "\"eventType\":\"PROVISIONING_TO_CAMPAIGN\",\"status\":\"SUCCEEDED\"}",
		GOLDEN_HEAD "\"eventType\":\"DEPROVISIONING_FROM_CAMPAIGN\",\"status\":\"SUCCEEDED\"}",
		GOLDEN_HEAD "\"eventType\":\"PROVISIONING_TO_VOICE_PLATFORM\",\"status\":\"SUCCEEDED\"}",
		GOLDEN_HEAD "\"eventType\":\"DEPROVISIONING_TO_VOICE_PLATFORM\",\"status\":\"SUCCEEDED\"}",
	};
	for (int e = 1; e <= 6; e++) {
		char *out = payload(SEED_TIME, e, NUMBERING_CALLBACK_STATUS_SUCCEEDED, NUMBERING_CALLBACK_FAILURE_NONE);
		ck_assert_str_eq(out, golden[e]);
		numbering_free(out);
	}
}
END_TEST

START_TEST(payload_golden_failed)
{
	char *out = payload(SEED_TIME, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
	                    NUMBERING_CALLBACK_STATUS_FAILED, NUMBERING_CALLBACK_FAILURE_CAMPAIGN_NOT_AVAILABLE);
	ck_assert_str_eq(out, GOLDEN_HEAD "\"eventType\":\"PROVISIONING_TO_CAMPAIGN\",\"status\":\"FAILED\","
	                                  "\"failureCode\":\"CAMPAIGN_NOT_AVAILABLE\"}");
	numbering_free(out);
	/* FAILED without a code: the seed's SMS platform provisioning, whose result is binary. */
	out = payload(SEED_TIME, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM, NUMBERING_CALLBACK_STATUS_FAILED,
	              NUMBERING_CALLBACK_FAILURE_NONE);
	ck_assert_str_eq(out, GOLDEN_HEAD "\"eventType\":\"PROVISIONING_TO_SMS_PLATFORM\",\"status\":\"FAILED\"}");
	numbering_free(out);
	/* Every failure code renders under its seed name. */
	for (int code = 1; code <= 15; code++) {
		out = payload(SEED_TIME, NUMBERING_CALLBACK_EVENT_DEPROVISIONING_TO_VOICE_PLATFORM,
		              NUMBERING_CALLBACK_STATUS_FAILED, code);
		char want[128];
		snprintf(want, sizeof(want), ",\"status\":\"FAILED\",\"failureCode\":\"%s\"}",
		         numbering_callback_failure_code_name(code));
		size_t len = strlen(out), wlen = strlen(want);
		ck_assert_uint_gt(len, wlen);
		ck_assert_str_eq(out + len - wlen, want);
		numbering_free(out);
	}
}
END_TEST

START_TEST(payload_failure_code_rules)
{
	char *out = (char *)1;
	assert_error(numbering_callback_payload_json(&out, EVENT_ID, SEED_TIME, PROJECT, NUMBER,
	                                             NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
	                                             NUMBERING_CALLBACK_STATUS_SUCCEEDED,
	                                             NUMBERING_CALLBACK_FAILURE_CAMPAIGN_EXPIRED),
	             NUMBERING_INVALID_ARGUMENT, "failureCode");
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "only a FAILED event"));
	assert_error(numbering_callback_payload_json(&out, EVENT_ID, SEED_TIME, PROJECT, NUMBER,
	                                             NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM,
	                                             NUMBERING_CALLBACK_STATUS_FAILED,
	                                             NUMBERING_CALLBACK_FAILURE_NUMBER_PROVISIONING_FAILED),
	             NUMBERING_INVALID_ARGUMENT, "failureCode");
	static const int bad_codes[] = {-1, 16, 1000};
	for (size_t i = 0; i < sizeof(bad_codes) / sizeof(bad_codes[0]); i++)
		assert_error(numbering_callback_payload_json(&out, EVENT_ID, SEED_TIME, PROJECT, NUMBER,
		                                             NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
		                                             NUMBERING_CALLBACK_STATUS_FAILED, bad_codes[i]),
		             NUMBERING_INVALID_ARGUMENT, "failureCode");
}
END_TEST

static void assert_time(int64_t ns, const char *want)
{
	char *out = payload(ns, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN, NUMBERING_CALLBACK_STATUS_SUCCEEDED,
	                    NUMBERING_CALLBACK_FAILURE_NONE);
	char field[64];
	snprintf(field, sizeof(field), "\"timestamp\":\"%s\",", want);
	ck_assert_msg(strstr(out, field) != NULL, "%lld ns: %s, want %s", (long long)ns, out, want);
	numbering_free(out);
}

START_TEST(payload_timestamps)
{
	assert_time(SEED_TIME, "2023-06-06T07:45:27.785357");
	assert_time(0, "1970-01-01T00:00:00.000000");
	/* Below the microsecond is dropped, toward the past. */
	assert_time(1, "1970-01-01T00:00:00.000000");
	assert_time(999, "1970-01-01T00:00:00.000000");
	assert_time(1000, "1970-01-01T00:00:00.000001");
	assert_time(1999, "1970-01-01T00:00:00.000001");
	assert_time(999999999, "1970-01-01T00:00:00.999999");
	assert_time(1000000000, "1970-01-01T00:00:01.000000");
	assert_time(SEED_TIME + 999, "2023-06-06T07:45:27.785357");
	assert_time(SEED_TIME - 1, "2023-06-06T07:45:27.785356");
	/* Before 1970. */
	assert_time(-1, "1969-12-31T23:59:59.999999");
	assert_time(-1000, "1969-12-31T23:59:59.999999");
	assert_time(-1001, "1969-12-31T23:59:59.999998");
	assert_time(-999999999, "1969-12-31T23:59:59.000000");
	assert_time(-1000000000, "1969-12-31T23:59:59.000000");
	assert_time(-1000000001, "1969-12-31T23:59:58.999999");
	assert_time(INT64_C(-86400000000000), "1969-12-31T00:00:00.000000");
	assert_time(INT64_C(-2208988800000000000) + 123456789, "1900-01-01T00:00:00.123456");
	/* A leap day, and the range's two ends. */
	assert_time(INT64_C(951782400) * 1000000000 + 500, "2000-02-29T00:00:00.000000");
	assert_time(TIME_MIN, "1678-01-01T00:00:00.000000");
	assert_time(TIME_MIN + 1, "1678-01-01T00:00:00.000000");
	assert_time(TIME_MAX, "2261-12-31T23:59:59.999999");

	char *out = (char *)1;
	static const int64_t outside[] = {TIME_MIN - 1, TIME_MAX + 1, INT64_MIN, INT64_MAX};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		assert_error(numbering_callback_payload_json(&out, EVENT_ID, outside[i], PROJECT, NUMBER,
		                                             NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
		                                             NUMBERING_CALLBACK_STATUS_SUCCEEDED,
		                                             NUMBERING_CALLBACK_FAILURE_NONE),
		             NUMBERING_INVALID_ARGUMENT, "timestamp");
		ck_assert_ptr_null(out);
	}
}
END_TEST

/* Each field refused alone, named in the seed's spelling. */
START_TEST(payload_field_refusals)
{
	static const struct {
		const char *event_id, *project, *number;
		int event_type, status;
		const char *field;
	} cases[] = {
		{NULL, PROJECT, NUMBER, 3, 1, "eventId"},
		{"", PROJECT, NUMBER, 3, 1, "eventId"},
		{"has space", PROJECT, NUMBER, 3, 1, "eventId"},
		{"quote\"d", PROJECT, NUMBER, 3, 1, "eventId"},
		{"back\\slash", PROJECT, NUMBER, 3, 1, "eventId"},
		{"caf\xc3\xa9", PROJECT, NUMBER, 3, 1, "eventId"},
		{"tab\t", PROJECT, NUMBER, 3, 1, "eventId"},
		{EVENT_ID, NULL, NUMBER, 3, 1, "projectId"},
		{EVENT_ID, "", NUMBER, 3, 1, "projectId"},
		{EVENT_ID, "Upper", NUMBER, 3, 1, "projectId"},
		{EVENT_ID, "projects/p1", NUMBER, 3, 1, "projectId"},
		{EVENT_ID, PROJECT, NULL, 3, 1, "resourceId"},
		{EVENT_ID, PROJECT, "", 3, 1, "resourceId"},
		{EVENT_ID, PROJECT, "12345612345", 3, 1, "resourceId"},
		{EVENT_ID, PROJECT, "+1 234 561 2345", 3, 1, "resourceId"},
		{EVENT_ID, PROJECT, "+999123456", 3, 1, "resourceId"},
		{EVENT_ID, PROJECT, "+1234561234x", 3, 1, "resourceId"},
		{EVENT_ID, PROJECT, NUMBER, 0, 1, "eventType"},
		{EVENT_ID, PROJECT, NUMBER, 7, 1, "eventType"},
		{EVENT_ID, PROJECT, NUMBER, -1, 1, "eventType"},
		{EVENT_ID, PROJECT, NUMBER, 3, 0, "status"},
		{EVENT_ID, PROJECT, NUMBER, 3, 3, "status"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = (char *)1;
		int rc = numbering_callback_payload_json(&out, cases[i].event_id, SEED_TIME, cases[i].project,
		                                         cases[i].number, cases[i].event_type, cases[i].status, 0);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "case %zu: %d", i, rc);
		ck_assert_ptr_null(out);
		ck_assert_msg(strcmp(numbering_error_violation_field(0), cases[i].field) == 0, "case %zu: field %s", i,
		              numbering_error_violation_field(0));
	}
	/* Lengths: 128 and 63 characters pass, one more does not. */
	char id[130], project[65];
	memset(id, 'e', 128);
	id[128] = '\0';
	memset(project, 'p', 63);
	project[63] = '\0';
	char *out = NULL;
	ck_assert_int_eq(numbering_callback_payload_json(&out, id, SEED_TIME, project, NUMBER, 3, 1, 0), NUMBERING_OK);
	numbering_free(out);
	id[128] = 'e';
	id[129] = '\0';
	assert_error(numbering_callback_payload_json(&out, id, SEED_TIME, project, NUMBER, 3, 1, 0),
	             NUMBERING_INVALID_ARGUMENT, "eventId");
	id[128] = '\0';
	project[63] = 'p';
	project[64] = '\0';
	assert_error(numbering_callback_payload_json(&out, id, SEED_TIME, project, NUMBER, 3, 1, 0),
	             NUMBERING_INVALID_ARGUMENT, "projectId");
	assert_error(numbering_callback_payload_json(NULL, EVENT_ID, SEED_TIME, PROJECT, NUMBER, 3, 1, 0),
	             NUMBERING_INVALID_ARGUMENT, "out");
}
END_TEST

/* The payload signs and verifies as the receiver gets it. */
START_TEST(payload_signed_round_trip)
{
	char *out = payload(SEED_TIME, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_VOICE_PLATFORM,
	                    NUMBERING_CALLBACK_STATUS_SUCCEEDED, NUMBERING_CALLBACK_FAILURE_NONE);
	char sig[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	ck_assert_int_eq(numbering_callback_sign(sig, sizeof(sig), SECRET, SECRET_LEN, out, strlen(out)), NUMBERING_OK);
	ck_assert_int_eq(numbering_callback_verify(SECRET, SECRET_LEN, out, strlen(out), sig), NUMBERING_OK);
	numbering_free(out);
}
END_TEST

/* A host allocator failing the n-th allocation, n = 1, 2, ... until one run completes
 * without the failure firing: each run gives the body or RESOURCE_EXHAUSTED. */
static struct {
	long count, fail_at, fired;
} failer;

static void *fail_malloc(size_t size, void *payload_)
{
	(void)payload_;
	if (++failer.count == failer.fail_at) {
		failer.fired++;
		return NULL;
	}
	return malloc(size);
}

static void *fail_realloc(void *ptr, size_t size, void *payload_)
{
	(void)payload_;
	if (++failer.count == failer.fail_at) {
		failer.fired++;
		return NULL;
	}
	return realloc(ptr, size);
}

static void fail_free(void *ptr, void *payload_)
{
	(void)payload_;
	free(ptr);
}

START_TEST(payload_allocation_failures)
{
	char *want = payload(SEED_TIME, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
	                     NUMBERING_CALLBACK_STATUS_FAILED, NUMBERING_CALLBACK_FAILURE_MNO_SHARING_ERROR);
	char *copy = strdup(want);
	numbering_free(want);
	numbering_allocator a = {NUMBERING_ALLOCATOR_VERSION, fail_malloc, fail_realloc, fail_free, NULL};
	ck_assert_int_eq(numbering_set_allocator(&a), NUMBERING_OK);
	long runs = 0;
	for (failer.fail_at = 1; runs < 1000; failer.fail_at++, runs++) {
		failer.count = 0;
		long fired = failer.fired;
		char *out = NULL;
		int rc = numbering_callback_payload_json(&out, EVENT_ID, SEED_TIME, PROJECT, NUMBER,
		                                         NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
		                                         NUMBERING_CALLBACK_STATUS_FAILED,
		                                         NUMBERING_CALLBACK_FAILURE_MNO_SHARING_ERROR);
		if (failer.fired == fired) {
			ck_assert_int_eq(rc, NUMBERING_OK);
			ck_assert_str_eq(out, copy);
			numbering_free(out);
			break;
		}
		ck_assert_msg(rc == NUMBERING_RESOURCE_EXHAUSTED, "allocation %ld: %d", failer.fail_at, rc);
		ck_assert_ptr_null(out);
	}
	ck_assert_int_gt(runs, 0);
	ck_assert_int_lt(runs, 1000);
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
	free(copy);
}
END_TEST

Suite *callback_suite(void)
{
	Suite *s = suite_create("callback");
	TCase *tc = tcase_create("signature");
	tcase_add_test(tc, rfc2202_vectors);
	tcase_add_test(tc, sign_empty_body);
	tcase_add_test(tc, sign_refusals);
	tcase_add_test(tc, lengths_not_nul);
	tcase_add_test(tc, verify_flipped_bits);
	tcase_add_test(tc, verify_altered_body_or_secret);
	tcase_add_test(tc, verify_malformed_headers);
	suite_add_tcase(s, tc);
	tc = tcase_create("payload");
	tcase_add_test(tc, enum_names);
	tcase_add_test(tc, payload_golden_each_event);
	tcase_add_test(tc, payload_golden_failed);
	tcase_add_test(tc, payload_failure_code_rules);
	tcase_add_test(tc, payload_timestamps);
	tcase_add_test(tc, payload_field_refusals);
	tcase_add_test(tc, payload_signed_round_trip);
	tcase_add_test(tc, payload_allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
