/* Validation that needs no store (lib/model/validate.h): names and ids, display
 * names, labels, handler URIs, update masks and timestamps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "checks.h"
#include "core/error.h"
#include "model/validate.h"
#include "suites.h"

/* ---- Names and ids ---- */

START_TEST(parent_names)
{
	size_t len = 0;
	ck_assert_int_eq(numbering__parse_parent("projects/p1", "parent", &len), NUMBERING_OK);
	ck_assert_uint_eq(len, 11);
	ck_assert_int_eq(numbering__parse_parent("projects/my-project-2", "parent", &len), NUMBERING_OK);
	char *long_ok = repeat_text("a", 63), name[128];
	snprintf(name, sizeof(name), "projects/%s", long_ok);
	ck_assert_int_eq(numbering__parse_parent(name, "parent", &len), NUMBERING_OK);
	ck_assert_uint_eq(len, strlen(name));
	snprintf(name, sizeof(name), "projects/%sa", long_ok);
	check_error(numbering__parse_parent(name, "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent",
	             "longer than 63");
	free(long_ok);

	check_error(numbering__parse_parent(NULL, "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent", "required");
	check_error(numbering__parse_parent("", "destination_parent", &len), NUMBERING_INVALID_ARGUMENT,
	             "destination_parent", "required");
	check_error(numbering__parse_parent("project/p1", "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent",
	             "\"project/p1\"");
	check_error(numbering__parse_parent("projects/", "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent", "empty");
	check_error(numbering__parse_parent("projects/P1", "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent",
	             "a-z, 0-9");
	check_error(numbering__parse_parent("projects/a_b", "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent", NULL);
	check_error(numbering__parse_parent("projects/p1/", "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent",
	             "continues");
	check_error(numbering__parse_parent("projects/p1/phoneNumberInstances/x", "parent", &len),
	             NUMBERING_INVALID_ARGUMENT, "parent", NULL);
	/* Hostile bytes come back quoted. */
	check_error(numbering__parse_parent("projects/\x01\xff", "parent", &len), NUMBERING_INVALID_ARGUMENT, "parent",
	             "projects/\\x01\\xff");
}
END_TEST

START_TEST(instance_names)
{
	size_t len = 0;
	const char *id = NULL;
	const char *name = "projects/p1/phoneNumberInstances/front-desk";
	ck_assert_int_eq(numbering__parse_instance_name(name, "name", &len, &id), NUMBERING_OK);
	ck_assert_uint_eq(len, 11);
	ck_assert_ptr_eq(id, name + strlen("projects/p1/phoneNumberInstances/"));
	ck_assert_str_eq(id, "front-desk");
	ck_assert_int_eq(numbering__parse_instance_name(name, "name", NULL, NULL), NUMBERING_OK);

	check_error(numbering__parse_instance_name(NULL, "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "required");
	check_error(numbering__parse_instance_name("projects/p1", "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "phoneNumberInstances");
	check_error(numbering__parse_instance_name("projects/p1/instances/x", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", "phoneNumberInstances");
	check_error(numbering__parse_instance_name("projects/P1/phoneNumberInstances/x", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", "project id");
	check_error(numbering__parse_instance_name("projects/p1/phoneNumberInstances/", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", "empty");
	check_error(numbering__parse_instance_name("projects/p1/phoneNumberInstances/Abc", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", "\"projects/p1/phoneNumberInstances/Abc\"");
	check_error(numbering__parse_instance_name("projects/p1/phoneNumberInstances/a/b", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", NULL);
	check_error(numbering__parse_instance_name("projects//phoneNumberInstances/a", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", NULL);
}
END_TEST

/* The name's length bounds every comparison (project_prefix, the collection): names
 * that end inside "projects/" or inside "/phoneNumberInstances/", and ids at the
 * length limit. */
START_TEST(instance_name_lengths)
{
	size_t len = 0;
	const char *id = NULL;
	check_error(numbering__parse_instance_name("p", "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "does not start with \"projects/\"");
	check_error(numbering__parse_instance_name("projects", "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "does not start with \"projects/\"");
	check_error(numbering__parse_instance_name("projects/", "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "the project id is empty");
	check_error(numbering__parse_instance_name("projects/p1/phoneNumberInstances", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", "\"/phoneNumberInstances/\" does not follow");
	check_error(numbering__parse_instance_name("projects/p1/phoneNumberInstancez/a", "name", &len, &id),
	             NUMBERING_INVALID_ARGUMENT, "name", "\"/phoneNumberInstances/\" does not follow");
	ck_assert_int_eq(numbering__parse_instance_name("projects/p1/phoneNumberInstances/a", "name", &len, &id),
	                 NUMBERING_OK);
	ck_assert_uint_eq(len, 11);
	ck_assert_str_eq(id, "a");
	char *long_id = repeat_text("a", 63), name[160];
	snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/%s", long_id);
	ck_assert_int_eq(numbering__parse_instance_name(name, "name", &len, &id), NUMBERING_OK);
	snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/%sa", long_id);
	check_error(numbering__parse_instance_name(name, "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "the id is longer than 63 characters");
	snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/%s-", long_id + 1);
	check_error(numbering__parse_instance_name(name, "name", &len, &id), NUMBERING_INVALID_ARGUMENT, "name",
	             "the id ends with '-'");
	free(long_id);
}
END_TEST

START_TEST(instance_ids)
{
	const char *field = "phone_number_instance_id";
	char *id63 = repeat_text("a", 63), *id64 = repeat_text("a", 64);
	ck_assert_int_eq(numbering__validate_instance_id("a", field), NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_instance_id("front-desk-2", field), NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_instance_id(id63, field), NUMBERING_OK);
	check_error(numbering__validate_instance_id(id64, field), NUMBERING_INVALID_ARGUMENT, field, "longer than 63");
	check_error(numbering__validate_instance_id("1abc", field), NUMBERING_INVALID_ARGUMENT, field,
	             "\"1abc\" is not a valid id: the id does not start with a letter");
	check_error(numbering__validate_instance_id("Abc", field), NUMBERING_INVALID_ARGUMENT, field, "\"Abc\"");
	check_error(numbering__validate_instance_id("a_b", field), NUMBERING_INVALID_ARGUMENT, field,
	             "other than a-z, 0-9 and '-'");
	check_error(numbering__validate_instance_id("abc-", field), NUMBERING_INVALID_ARGUMENT, field, "ends with '-'");
	check_error(numbering__validate_instance_id("", field), NUMBERING_INVALID_ARGUMENT, field, "empty");
	check_error(numbering__validate_instance_id("-abc", field), NUMBERING_INVALID_ARGUMENT, field, NULL);
	check_error(numbering__validate_instance_id("a.b", field), NUMBERING_INVALID_ARGUMENT, field, NULL);
	check_error(numbering__validate_instance_id(NULL, field), NUMBERING_INVALID_ARGUMENT, field, "required");
	free(id63);
	free(id64);
}
END_TEST

START_TEST(regulatory_listings)
{
	const char *field = "regulatory_listing";
	ck_assert_int_eq(numbering__validate_regulatory_listing("projects/p1/regulatoryListings/Acme_Corp-1", field),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_regulatory_listing("projects/p1/regulatoryListings/9", field), NUMBERING_OK);
	char *id63 = repeat_text("Z", 63), name[160];
	snprintf(name, sizeof(name), "projects/p1/regulatoryListings/%s", id63);
	ck_assert_int_eq(numbering__validate_regulatory_listing(name, field), NUMBERING_OK);
	snprintf(name, sizeof(name), "projects/p1/regulatoryListings/%sZ", id63);
	check_error(numbering__validate_regulatory_listing(name, field), NUMBERING_INVALID_ARGUMENT, field,
	             "longer than 63");
	free(id63);
	check_error(numbering__validate_regulatory_listing("projects/p1/listings/acme", field),
	             NUMBERING_INVALID_ARGUMENT, field, "regulatoryListings");
	check_error(numbering__validate_regulatory_listing("projects/p1/regulatoryListings/", field),
	             NUMBERING_INVALID_ARGUMENT, field, "empty");
	check_error(numbering__validate_regulatory_listing("projects/p1/regulatoryListings/a.b", field),
	             NUMBERING_INVALID_ARGUMENT, field, "\"projects/p1/regulatoryListings/a.b\"");
	check_error(numbering__validate_regulatory_listing("projects/p_1/regulatoryListings/a", field),
	             NUMBERING_INVALID_ARGUMENT, field, "project id");
	check_error(numbering__validate_regulatory_listing("", field), NUMBERING_INVALID_ARGUMENT, field, "required");
	check_error(numbering__validate_regulatory_listing(NULL, field), NUMBERING_INVALID_ARGUMENT, field, NULL);
}
END_TEST

/* ---- Display names and labels ---- */

static void expect_display_name(const char *in, const char *expected)
{
	struct numbering__str out = {0};
	ck_assert_int_eq(numbering__normalize_display_name(&out, in, "display_name"), NUMBERING_OK);
	ck_assert_str_eq(numbering__str_get(&out), expected);
	ck_assert_uint_eq(out.len, strlen(expected));
	numbering__str_free(&out);
}

static void expect_bad_display_name(const char *in, const char *needle)
{
	struct numbering__str out = {0};
	ck_assert_int_eq(numbering__str_set(&out, "before", 6), NUMBERING_OK);
	check_error(numbering__normalize_display_name(&out, in, "display_name"), NUMBERING_INVALID_ARGUMENT,
	             "display_name", needle);
	ck_assert_str_eq(numbering__str_get(&out), "before");
	numbering__str_free(&out);
}

/* numbering__stored_text_problem(): ASCII text of 0 .. 40 bytes, with a valid character
 * of 2 to 4 bytes, or a NUL or bytes that are not UTF-8 (a stray byte, a lone
 * continuation, an overlong NUL, a surrogate, past U+10FFFF, a cut sequence) at each
 * place, word boundaries and the overlapping last word included; each copy in a buffer
 * of exactly its size (ASan sees an overread). */
START_TEST(stored_text)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *problem;
	} inserts[] = {
	    {"", 0, NULL},
	    {"\xc3\xa9", 2, NULL},
	    {"\xe2\x82\xac", 3, NULL},
	    {"\xf0\x9f\x98\x80", 4, NULL},
	    {"\0", 1, "it holds a NUL byte"},
	    {"\xff", 1, "it is not UTF-8 text"},
	    {"\x80", 1, "it is not UTF-8 text"},
	    {"\xc0\x80", 2, "it is not UTF-8 text"},
	    {"\xed\xa0\x80", 3, "it is not UTF-8 text"},
	    {"\xf4\x90\x80\x80", 4, "it is not UTF-8 text"},
	    {"\xe2\x82", 2, "it is not UTF-8 text"},
	};
	for (size_t k = 0; k < sizeof(inserts) / sizeof(inserts[0]); k++)
		for (size_t len = inserts[k].len; len <= 40; len++)
			for (size_t at = 0; at + inserts[k].len <= len; at++) {
				char *text = malloc(len > 0 ? len : 1);
				memset(text, 'a', len);
				memcpy(text + at, inserts[k].bytes, inserts[k].len);
				const char *got = numbering__stored_text_problem(text, len);
				ck_assert_msg(inserts[k].problem == NULL ? got == NULL : got != NULL && strcmp(got, inserts[k].problem) == 0,
				              "insert %zu at %zu of %zu bytes: %s", k, at, len, got ? got : "(none)");
				free(text);
			}
}
END_TEST

START_TEST(display_name_nfc)
{
	expect_display_name("", "");
	expect_display_name("Front desk", "Front desk");
	/* e + COMBINING ACUTE ACCENT composes to U+00E9. */
	expect_display_name("Caf\x65\xcc\x81", "Caf\xc3\xa9");
	/* Already composed stays as it is; Hangul jamo compose to a syllable. */
	expect_display_name("Caf\xc3\xa9", "Caf\xc3\xa9");
	expect_display_name("\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80");
	/* Combining marks are put in canonical order: dot below (220) before dot above (230). */
	expect_display_name("q\xcc\x87\xcc\xa3", "q\xcc\xa3\xcc\x87");
	/* Format characters (ZWJ in an emoji sequence) are not control characters. */
	expect_display_name("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb");
}
END_TEST

START_TEST(display_name_length_after_nfc)
{
	char *s100 = repeat_text("a", 100), *s101 = repeat_text("a", 101), *e100 = repeat_text("\xc3\xa9", 100);
	expect_display_name(s100, s100);
	expect_bad_display_name(s101, "101 characters");
	/* The message names the value: formatted only when there is an error. */
	expect_bad_display_name(s101, "display name \"aaaaaaaaaa");
	/* 100 two-byte characters are 100 characters, not 200. */
	expect_display_name(e100, e100);
	/* 99 letters and e + U+0301: 101 code points in, 100 after NFC. */
	char buf[256];
	snprintf(buf, sizeof(buf), "%.99s\x65\xcc\x81", s100);
	struct numbering__str out = {0};
	ck_assert_int_eq(numbering__normalize_display_name(&out, buf, "display_name"), NUMBERING_OK);
	ck_assert_uint_eq(out.len, 101); /* 99 + the two bytes of U+00E9 */
	numbering__str_free(&out);
	/* 100 letters and a combining mark that does not compose with 'a' (U+0323 does: use U+0334). */
	snprintf(buf, sizeof(buf), "%s\xcc\xb4", s100);
	expect_bad_display_name(buf, "101 characters");
	free(s100);
	free(s101);
	free(e100);
	/* Far too long input is refused before normalizing. */
	char *huge = repeat_text("a", 5000);
	expect_bad_display_name(huge, "longer than 100");
	free(huge);
}
END_TEST

START_TEST(display_name_rejects)
{
	expect_bad_display_name("bad\xff", "not valid UTF-8 (at byte 3)");
	expect_bad_display_name("bad\xff", "display name \"bad");
	expect_bad_display_name("bad\x07name", "display name \"bad");
	expect_bad_display_name("\xc3", "not valid UTF-8");
	expect_bad_display_name("\xc0\xaf", "not valid UTF-8");         /* overlong '/' */
	expect_bad_display_name("a\xed\xa0\x80", "not valid UTF-8");    /* a surrogate */
	expect_bad_display_name("\xf4\x90\x80\x80", "not valid UTF-8"); /* above U+10FFFF */
	expect_bad_display_name("bad\x07name", "U+0007");
	expect_bad_display_name("tab\there", "control");
	expect_bad_display_name("new\nline", "control");
	expect_bad_display_name("del\x7f", "U+007F");
	expect_bad_display_name("nel\xc2\x85", "U+0085");
	expect_bad_display_name("line\xe2\x80\xa8sep", "U+2028");
	expect_bad_display_name("para\xe2\x80\xa9sep", "U+2029");
	/* The message quotes the value in printable ASCII. */
	expect_bad_display_name("bad\x07name", "\"bad\\x07name\"");
	struct numbering__str out = {0};
	check_error(numbering__normalize_display_name(&out, NULL, "display_name"), NUMBERING_INVALID_ARGUMENT,
	             "display_name", NULL);
}
END_TEST

START_TEST(labels)
{
	const char *f = "labels";
	char *k100 = repeat_text("k", 100), *k101 = repeat_text("k", 101);
	char *v1000 = repeat_text("v", 1000), *v1001 = repeat_text("v", 1001);
	char *ke100 = repeat_text("\xc3\xa9", 100), *ve1000 = repeat_text("\xe2\x82\xac", 1000);
	ck_assert_int_eq(numbering__validate_label("env", "prod", f), NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_label("env", "", f), NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_label(k100, v1000, f), NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_label(ke100, ve1000, f), NUMBERING_OK);
	ck_assert_int_eq(numbering__validate_label("caf\xc3\xa9", "\xe2\x82\xac" "5", f), NUMBERING_OK);
	check_error(numbering__validate_label(k101, "v", f), NUMBERING_INVALID_ARGUMENT, f, "101 characters");
	check_error(numbering__validate_label("k", v1001, f), NUMBERING_INVALID_ARGUMENT, f,
	             "of label \"k\" has 1001 characters");
	check_error(numbering__validate_label("", "v", f), NUMBERING_INVALID_ARGUMENT, f, "empty");
	check_error(numbering__validate_label("k\xff", "v", f), NUMBERING_INVALID_ARGUMENT, f,
	             "label key \"k\\xff\" is not valid UTF-8");
	check_error(numbering__validate_label("k", "v\xc3", f), NUMBERING_INVALID_ARGUMENT, f,
	             "the value \"v\\xc3\" of label \"k\" is not valid UTF-8");
	check_error(numbering__validate_label("k\n", "v", f), NUMBERING_INVALID_ARGUMENT, f, "control");
	check_error(numbering__validate_label("key", "a\x1b[0m", f), NUMBERING_INVALID_ARGUMENT, f,
	             "the value \"a\\x1b[0m\" of label \"key\" holds the control character U+001B");
	check_error(numbering__validate_label(NULL, "v", f), NUMBERING_INVALID_ARGUMENT, f, NULL);
	check_error(numbering__validate_label("k", NULL, f), NUMBERING_INVALID_ARGUMENT, f, NULL);
	free(k100);
	free(k101);
	free(v1000);
	free(v1001);
	free(ke100);
	free(ve1000);
}
END_TEST

/* ---- Handler URIs ---- */

/* Every @good URI is accepted by @validate, every @bad one refused: INVALID_ARGUMENT
 * naming @field and, when @quotes, quoting the URI in the message. */
static void accepts_and_refuses(int (*validate)(const char *uri, const char *field), const char *field,
                                const char *const *good, size_t good_count, const char *const *bad, size_t bad_count,
                                int quotes)
{
	for (size_t i = 0; i < good_count; i++)
		ck_assert_msg(validate(good[i], field) == NUMBERING_OK, "%s: %s", good[i], numbering_error_message());
	for (size_t i = 0; i < bad_count; i++) {
		int rc = validate(bad[i], field);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s was accepted", bad[i]);
		ck_assert_str_eq(numbering_error_violation_field(0), field);
		if (!quotes)
			continue;
		char quoted[NUMBERING__QUOTE_SIZE + 2];
		snprintf(quoted, sizeof(quoted), "\"%s\"", bad[i]);
		ck_assert_msg(strstr(numbering_error_message(), quoted) != NULL, "%s: message does not quote it: %s", bad[i],
		              numbering_error_message());
	}
}

static const char *const good_http[] = {
	"https://example.com/hook",
	"http://example.com",
	"http://example.com/",
	"HTTPS://Example.COM:8443/a/b?x=1&y=%20z#frag",
	"hTtP://example.com./path",
	"http://192.0.2.1/",
	"http://localhost:8080",
	"http://[2001:db8::1]:8080/",
	"http://[::1]/",
	"http://[::ffff:192.0.2.1]/",
	"http://[2001:db8:0:0:0:0:0:1]/",
	"https://hooks.example.com/v1/calls;session=1?a=b/c?d",
	"http://my_host.internal/x",
	"https://xn--bcher-kva.example/",
	"http://1.example/",
	"http://example.com/a%2Fb",
};

static const char *const bad_http[] = {
	"http://",
	"https://",
	"http:///path",
	"http:example.com",
	"http:/example.com",
	"http://example.com:0/",
	"http://example.com:65536/",
	"http://example.com:/",
	"http://example.com:8o/",
	"http://-bad.example.com/",
	"http://bad-.example.com/",
	"http://a..b/",
	"http://256.1.1.1/",
	"http://1.2.3/",
	"http://01.2.3.4/",
	"http://[2001:db8::1/",
	"http://[::g]/",
	"http://[1:2:3:4:5:6:7:8:9]/",
	"http://[1::2::3]/",
	"http://[1:2:3:4:5:6:7]/",
	"http://[::1]x/",
	"http://exa%41mple.com/",
	"http://example.com/%zz",
	"http://example.com/%4",
	"http://example.com/<script>",
	"http://example.com/a\"b",
	"http://a@b@example.com/",
	"http://us[er@example.com/",
	"http://example.com/#a#b",
	"http://example.com/{x}",
};

START_TEST(message_handlers)
{
	const char *f = "incoming_message_handler_uris";
	accepts_and_refuses(numbering__validate_message_handler, f, good_http, sizeof(good_http) / sizeof(good_http[0]),
	                    bad_http, sizeof(bad_http) / sizeof(bad_http[0]), 0);
	check_error(numbering__validate_message_handler("ftp://example.com/", f), NUMBERING_INVALID_ARGUMENT, f,
	             "must be an absolute http or https URI, not ftp:");
	check_error(numbering__validate_message_handler("mailto:ops@example.com", f), NUMBERING_INVALID_ARGUMENT, f,
	             "mailto:");
	check_error(numbering__validate_message_handler("sip:alice@example.com", f), NUMBERING_INVALID_ARGUMENT, f,
	             "sip:");
	check_error(numbering__validate_message_handler("tel:+61255501100", f), NUMBERING_INVALID_ARGUMENT, f, NULL);
	check_error(numbering__validate_message_handler("/relative/path", f), NUMBERING_INVALID_ARGUMENT, f,
	             "no scheme");
	check_error(numbering__validate_message_handler("example.com/hook", f), NUMBERING_INVALID_ARGUMENT, f,
	             "no scheme");
	check_error(numbering__validate_message_handler("//example.com/hook", f), NUMBERING_INVALID_ARGUMENT, f,
	             "no scheme");
	check_error(numbering__validate_message_handler("1http://example.com", f), NUMBERING_INVALID_ARGUMENT, f,
	             "no scheme");
	check_error(numbering__validate_message_handler("http://", f), NUMBERING_INVALID_ARGUMENT, f,
	             "\"http://\" is not valid: the host is empty");
	check_error(numbering__validate_message_handler("http:example.com", f), NUMBERING_INVALID_ARGUMENT, f,
	             "not absolute");
	check_error(numbering__validate_message_handler("https://exa mple.com", f), NUMBERING_INVALID_ARGUMENT, f,
	             "space, control or non-ASCII character at byte 11");
	check_error(numbering__validate_message_handler("https://example.com/\x01", f), NUMBERING_INVALID_ARGUMENT, f,
	             "\\x01");
	check_error(numbering__validate_message_handler("https://example.com/caf\xc3\xa9", f),
	             NUMBERING_INVALID_ARGUMENT, f, "non-ASCII");
	check_error(numbering__validate_message_handler("https://example.com:99999/", f), NUMBERING_INVALID_ARGUMENT, f,
	             "port");
	/* Credentials are refused, and not repeated (docs/CALLBACKS.md). */
	check_error(numbering__validate_message_handler("https://user:pass@example.com/", f), NUMBERING_INVALID_ARGUMENT,
	             f, "\"https://***@example.com/\" is not valid: it holds user information");
	check_error(numbering__validate_message_handler("https://token@example.com/", f), NUMBERING_INVALID_ARGUMENT, f,
	             "\"https://***@example.com/\"");
	check_error(numbering__validate_message_handler("https://@example.com/", f), NUMBERING_INVALID_ARGUMENT, f,
	             "user information");
	char redacted[64];
	ck_assert_uint_eq(numbering__uri_redact(redacted, sizeof(redacted), "https://u:p@h/x@y"), 17);
	ck_assert_str_eq(redacted, "https://***@h/x@y");
	numbering__uri_redact(redacted, sizeof(redacted), "http://a@b@h/");
	ck_assert_str_eq(redacted, "http://***@h/");
	numbering__uri_redact(redacted, sizeof(redacted), "sips:alice:pw@h;transport=tls");
	ck_assert_str_eq(redacted, "sips:alice:***@h;transport=tls");
	numbering__uri_redact(redacted, sizeof(redacted), "sip:alice@h");
	ck_assert_str_eq(redacted, "sip:alice@h");
	numbering__uri_redact(redacted, sizeof(redacted), "mailto:ops@example.com");
	ck_assert_str_eq(redacted, "mailto:ops@example.com");
	char in_place[] = "https://a@h/";
	ck_assert_uint_eq(numbering__uri_redact_in_place(in_place), 12);
	ck_assert_str_eq(in_place, "https://*@h/");
	char longer[] = "https://user:secret@h/";
	ck_assert_uint_eq(numbering__uri_redact_in_place(longer), 14);
	ck_assert_str_eq(longer, "https://***@h/");
	check_error(numbering__validate_message_handler("", f), NUMBERING_INVALID_ARGUMENT, f, "empty");
	check_error(numbering__validate_message_handler(NULL, f), NUMBERING_INVALID_ARGUMENT, f, "empty");

	/* 2048 bytes is the limit. */
	char uri[NUMBERING_URI_MAX + 2];
	const char *prefix = "https://example.com/";
	memset(uri, 'a', sizeof(uri));
	memcpy(uri, prefix, strlen(prefix));
	uri[NUMBERING_URI_MAX] = '\0';
	ck_assert_int_eq(numbering__validate_message_handler(uri, f), NUMBERING_OK);
	uri[NUMBERING_URI_MAX] = 'a';
	uri[NUMBERING_URI_MAX + 1] = '\0';
	check_error(numbering__validate_message_handler(uri, f), NUMBERING_INVALID_ARGUMENT, f, "2049 bytes");
}
END_TEST

static const char *const good_call[] = {
	"sip:alice@example.com",
	"sips:pbx.example.com:5061",
	"sip:pbx.example.com",
	"SIP:alice@Example.com",
	"sip:+61255501100@sip.example.com;user=phone",
	"sip:alice@example.com;transport=tls;lr",
	"sip:[2001:db8::1]",
	"sips:bob@[2001:db8::1]:5061",
	"sip:a%20b@example.com",
	"sip:alice;ext=1@example.com",
	"tel:+61255501100",
	"TEL:+61255501100",
	"tel:+61-2-5550-1100",
	"tel:+1(650)253-0000",
	"tel:+442079460000",
	"https://example.com/calls",
	"http://192.0.2.1:8080/voice",
};

static const char *const bad_call[] = {
	"sip:alice@",
	"sip:",
	"sips:",
	"sip:@example.com",
	"sip:alice@example.com:0",
	"sip:alice@example.com:70000",
	"sip:alice@example.com:",
	"sip://alice@example.com",
	"sip:alice@example.com?subject=hi",
	"sip:alice@exa_mple..com",
	"sip:ali<ce@example.com",
	"sip:alice@example.com;",
	"sip:alice@example.com;=x",
	"sip:alice@[::1",
	"sip:alice@256.0.0.1",
	"tel:+123",
	"tel:+",
	"tel:61255501100",
	"tel:0255501100",
	"tel:+61255501100;ext=1",
	"tel:+6125550110a",
	"tel:+61 255501100",
	"tel:+0255501100",
	"tel:+61255501100000000",
	"ftp://example.com",
	"mailto:ops@example.com",
	"urn:example:x",
	"sipx:alice@example.com",
	"http://",
	"alice@example.com",
};

START_TEST(call_handlers)
{
	const char *f = "incoming_call_handler_uris";
	accepts_and_refuses(numbering__validate_call_handler, f, good_call, sizeof(good_call) / sizeof(good_call[0]),
	                    bad_call, sizeof(bad_call) / sizeof(bad_call[0]), 1);
	check_error(numbering__validate_call_handler("sip:alice@", f), NUMBERING_INVALID_ARGUMENT, f, "no host");
	check_error(numbering__validate_call_handler("sip:alice:secret@10.0.0.1:5060;transport=tcp", f),
	             NUMBERING_INVALID_ARGUMENT, f, "\"sip:alice:***@10.0.0.1:5060;transport=tcp\" is not valid: it holds a password");
	check_error(numbering__validate_call_handler("sip:alice@example.com:0", f), NUMBERING_INVALID_ARGUMENT, f,
	             "1 to 65535");
	check_error(numbering__validate_call_handler("tel:+123", f), NUMBERING_INVALID_ARGUMENT, f, "tel:+123");
	check_error(numbering__validate_call_handler("tel:61255501100", f), NUMBERING_INVALID_ARGUMENT, f, "+E164");
	check_error(numbering__validate_call_handler("ftp://example.com", f), NUMBERING_INVALID_ARGUMENT, f,
	             "must be http, https, sip, sips or tel, not ftp:");
	check_error(numbering__validate_call_handler("sip:alice@example.com?subject=hi", f), NUMBERING_INVALID_ARGUMENT,
	             f, "headers");
	/* A tel number with the wrong length for its country names the verdict. */
	check_error(numbering__validate_call_handler("tel:+165025300001", f), NUMBERING_INVALID_ARGUMENT, f,
	             "+165025300001 is not a possible number of +1 (TOO_LONG)");
	check_error(numbering__validate_call_handler("tel:+4420794600", f), NUMBERING_INVALID_ARGUMENT, f,
	             "POSSIBLE_LOCAL_ONLY");
}
END_TEST

/* ---- Update masks ---- */

#define ALL_BITS                                                                                               \
	(NUMBERING__SET_DISPLAY_NAME | NUMBERING__SET_LABELS | NUMBERING__SET_MESSAGE_HANDLERS |                   \
	 NUMBERING__SET_CALL_HANDLERS | NUMBERING__SET_RECORDING_TRIGGER | NUMBERING__SET_CAPABILITIES |          \
	 NUMBERING__SET_NUMBER_TYPE)

static uint32_t mask_ok(const char *mask)
{
	uint32_t bits = 0xdeadbeef;
	int rc = numbering__parse_update_mask(&bits, mask, "update_mask");
	ck_assert_msg(rc == NUMBERING_OK, "mask \"%s\": %s", mask ? mask : "(null)", numbering_error_message());
	return bits;
}

START_TEST(update_masks)
{
	ck_assert_uint_eq(mask_ok(NULL), ALL_BITS);
	ck_assert_uint_eq(mask_ok(""), ALL_BITS);
	ck_assert_uint_eq(mask_ok("  "), ALL_BITS);
	ck_assert_uint_eq(mask_ok("*"), ALL_BITS);
	ck_assert_uint_eq(mask_ok(" * "), ALL_BITS);
	ck_assert_uint_eq(mask_ok("displayName"), NUMBERING__SET_DISPLAY_NAME);
	ck_assert_uint_eq(mask_ok("display_name"), NUMBERING__SET_DISPLAY_NAME);
	ck_assert_uint_eq(mask_ok("labels"), NUMBERING__SET_LABELS);
	ck_assert_uint_eq(mask_ok(" displayName , labels "), NUMBERING__SET_DISPLAY_NAME | NUMBERING__SET_LABELS);
	ck_assert_uint_eq(mask_ok("labels,labels"), NUMBERING__SET_LABELS);
	ck_assert_uint_eq(mask_ok("incomingMessageHandlerUris"), NUMBERING__SET_MESSAGE_HANDLERS);
	ck_assert_uint_eq(mask_ok("incoming_message_handler_uris"), NUMBERING__SET_MESSAGE_HANDLERS);
	ck_assert_uint_eq(mask_ok("incomingCallHandlerUris"), NUMBERING__SET_CALL_HANDLERS);
	ck_assert_uint_eq(mask_ok("incoming_call_handler_uris"), NUMBERING__SET_CALL_HANDLERS);
	ck_assert_uint_eq(mask_ok("callRecordingTrigger"), NUMBERING__SET_RECORDING_TRIGGER);
	ck_assert_uint_eq(mask_ok("call_recording_trigger"), NUMBERING__SET_RECORDING_TRIGGER);
	ck_assert_uint_eq(mask_ok("phoneNumber.capabilities"), NUMBERING__SET_CAPABILITIES);
	ck_assert_uint_eq(mask_ok("phone_number.capabilities"), NUMBERING__SET_CAPABILITIES);
	ck_assert_uint_eq(mask_ok("phoneNumber.numberType"), NUMBERING__SET_NUMBER_TYPE);
	ck_assert_uint_eq(mask_ok("phone_number.number_type"), NUMBERING__SET_NUMBER_TYPE);
	ck_assert_uint_eq(mask_ok("displayName,labels,incomingMessageHandlerUris,incoming_call_handler_uris,"
	                          "callRecordingTrigger,phoneNumber.capabilities,\tphone_number.number_type\n"),
	                  ALL_BITS);
}
END_TEST

static void mask_bad(const char *mask, const char *needle)
{
	uint32_t bits = 0xdeadbeef;
	check_error(numbering__parse_update_mask(&bits, mask, "update_mask"), NUMBERING_INVALID_ARGUMENT, "update_mask",
	             needle);
	ck_assert_uint_eq(bits, 0);
}

START_TEST(update_mask_rejects)
{
	static const char *const output_only[] = {
		"name",
		"createTime",
		"create_time",
		"deleteTime",
		"activateTime",
		"lifecycleState",
		"lifecycle_state",
		"range",
		"range.primaryPhoneNumberInstance",
		"range.start_phone_number",
		"regulatoryListing",
		"compliant",
		"phoneNumber.sku",
		"phone_number.activation_sku",
		"phoneNumber.countryCode",
		"phone_number.name",
	};
	for (size_t i = 0; i < sizeof(output_only) / sizeof(output_only[0]); i++)
		mask_bad(output_only[i], "output only");
	static const char *const create_only[] = {"phoneNumber", "phone_number", "phoneNumber.phoneNumber",
	                                          "phone_number.phone_number", "range.size", "range.endPhoneNumber"};
	for (size_t i = 0; i < sizeof(create_only) / sizeof(create_only[0]); i++)
		mask_bad(create_only[i], "create-only");
	mask_bad("displayName,createTime", "\"createTime\": create_time is output only");
	mask_bad("foo", "update mask path \"foo\" names no field");
	mask_bad("displayname", "no field");
	mask_bad("DisplayName", "no field");
	mask_bad("capabilities", "no field");
	mask_bad("phone_number.foo", "no field");
	mask_bad("labels.env", "no field");
	mask_bad("range.foo", "no field");
	mask_bad("display_name.x", "no field");
	mask_bad("a_very_long_path_name_that_is_longer_than_any_field_of_the_instance_at_all", "no field");
	mask_bad("labels,,displayName", "empty path");
	mask_bad("labels,", "empty path");
	mask_bad(",labels", "empty path");
	mask_bad("*,labels", "\"*\" must be the whole mask");
	mask_bad("labels\x01", "labels\\x01");
}
END_TEST

/* ---- Timestamps ---- */

static void expect_format(int64_t ns, const char *expected)
{
	char buf[40];
	numbering__format_time(buf, ns);
	ck_assert_str_eq(buf, expected);
	int64_t back = 0;
	ck_assert_msg(numbering__parse_time(&back, buf, "t") == NUMBERING_OK, "%s: %s", buf, numbering_error_message());
	ck_assert_int_eq(back, ns);
}

START_TEST(time_format)
{
	const int64_t s = 1795387286; /* 2026-11-22T22:41:26Z */
	expect_format(0, "1970-01-01T00:00:00Z");
	expect_format(s * 1000000000LL, "2026-11-22T22:41:26Z");
	expect_format(s * 1000000000LL + 100000000, "2026-11-22T22:41:26.100Z");
	expect_format(s * 1000000000LL + 123000000, "2026-11-22T22:41:26.123Z");
	expect_format(s * 1000000000LL + 123400000, "2026-11-22T22:41:26.123400Z");
	expect_format(s * 1000000000LL + 1000, "2026-11-22T22:41:26.000001Z");
	expect_format(s * 1000000000LL + 1, "2026-11-22T22:41:26.000000001Z");
	expect_format(s * 1000000000LL + 999999999, "2026-11-22T22:41:26.999999999Z");
	expect_format(1709208000LL * 1000000000LL, "2024-02-29T12:00:00Z");
	expect_format(-1, "1969-12-31T23:59:59.999999999Z");
	expect_format(-1000000000LL, "1969-12-31T23:59:59Z");
	expect_format(951782400LL * 1000000000LL, "2000-02-29T00:00:00Z");
	/* The ends of int64 nanoseconds format; they are outside the years that parse. */
	char buf[40];
	numbering__format_time(buf, INT64_MIN);
	ck_assert_str_eq(buf, "1677-09-21T00:12:43.145224192Z");
	numbering__format_time(buf, INT64_MAX);
	ck_assert_str_eq(buf, "2262-04-11T23:47:16.854775807Z");
}
END_TEST

START_TEST(time_round_trips)
{
	/* Every day boundary and random instants across the representable years. */
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* 1678-01-01 .. 2261-12-31 in ns, roughly. */
		int64_t lo = -9214560000LL * 1000000000LL, hi = 9214646400LL * 1000000000LL;
		uint64_t span = (uint64_t)hi - (uint64_t)lo;
		int64_t ns = (int64_t)((uint64_t)lo + x % span); /* GCC converts modulo 2^64 */
		if (i % 4 == 1)
			ns -= ns % 1000000000LL;
		else if (i % 4 == 2)
			ns -= ns % 1000000LL;
		char buf[40];
		numbering__format_time(buf, ns);
		int64_t back = 0;
		ck_assert_msg(numbering__parse_time(&back, buf, "t") == NUMBERING_OK, "%s: %s", buf,
		              numbering_error_message());
		ck_assert_msg(back == ns, "%s: %lld != %lld", buf, (long long)back, (long long)ns);
	}
}
END_TEST

static int64_t parse_ok(const char *text)
{
	int64_t ns = 0;
	ck_assert_msg(numbering__parse_time(&ns, text, "t") == NUMBERING_OK, "%s: %s", text, numbering_error_message());
	return ns;
}

START_TEST(time_parse)
{
	const int64_t base = 1795387286LL * 1000000000LL;
	ck_assert_int_eq(parse_ok("2026-11-22T22:41:26Z"), base);
	ck_assert_int_eq(parse_ok("2026-11-22t22:41:26z"), base);
	ck_assert_int_eq(parse_ok("2026-11-22T23:41:26+01:00"), base);
	ck_assert_int_eq(parse_ok("2026-11-22T17:11:26-05:30"), base);
	ck_assert_int_eq(parse_ok("2026-11-23T08:41:26+10:00"), base);
	ck_assert_int_eq(parse_ok("2026-11-22T22:41:26-00:00"), base);
	ck_assert_int_eq(parse_ok("2026-11-22T22:41:26.1Z"), base + 100000000);
	ck_assert_int_eq(parse_ok("2026-11-22T22:41:26.12345Z"), base + 123450000);
	ck_assert_int_eq(parse_ok("2026-11-22T22:41:26.000000001Z"), base + 1);
	ck_assert_int_eq(parse_ok("2026-11-22T23:41:26.5+01:00"), base + 500000000);
	ck_assert_int_eq(parse_ok("2024-02-29T00:00:00Z"), 1709164800LL * 1000000000LL);
	ck_assert_int_eq(parse_ok("2000-02-29T00:00:00Z"), 951782400LL * 1000000000LL);
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00Z"), 0);
	ck_assert_int_eq(parse_ok("1969-12-31T23:59:59.999999999Z"), -1);
	/* The edges of the accepted years. */
	ck_assert_int_eq(parse_ok("1678-01-01T00:00:00Z"), -9214560000LL * 1000000000LL);
	ck_assert_int_eq(parse_ok("2261-12-31T23:59:59.999999999Z"), 9214646399LL * 1000000000LL + 999999999);
}
END_TEST

START_TEST(time_rejects)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{"", "too short"},
		{"2026-11-22", "too short"},
		{"2026-11-22 22:41:26Z", "'T'"},
		{"2026-11-22T22:41:26", "too short"},
		{"2026-11-22T22:41:26.123", "time zone"},
		{"2026-11-22T22:41Z", "too short"},
		{"2026/11/22T22:41:26Z", "YYYY-MM-DD"},
		{"26-11-22T22:41:26Z00", "YYYY-MM-DD"},
		{"2026-1x-22T22:41:26Z", "YYYY-MM-DD"},
		{"2026-11-22T22:41:2xZ", "HH:MM:SS"},
		{"2026-11-22T22.41.26Z", "HH:MM:SS"},
		{"2026-11-22T22:41:26.Z", "not followed by digits"},
		{"2026-11-22T22:41:26.1234567890Z", "more than 9 digits"},
		{"2026-13-01T00:00:00Z", "month"},
		{"2026-00-01T00:00:00Z", "month"},
		{"2026-11-31T00:00:00Z", "day"},
		{"2026-11-00T00:00:00Z", "day"},
		{"2023-02-29T00:00:00Z", "day"},
		{"2100-02-29T00:00:00Z", "day"},
		{"2026-11-22T24:00:00Z", "hour"},
		{"2026-11-22T22:60:00Z", "minute"},
		{"2026-11-22T22:41:60Z", "leap second"},
		{"2026-11-22T22:41:61Z", "second"},
		{"2026-11-22T22:41:26+24:00", "offset"},
		{"2026-11-22T22:41:26+01:60", "offset"},
		{"2026-11-22T22:41:26+0100", "offset"},
		{"2026-11-22T22:41:26+01", "offset"},
		{"2026-11-22T22:41:26Zjunk", "after the time zone"},
		{"2026-11-22T22:41:26+01:00 ", "after the time zone"},
		{"0000-01-01T00:00:00Z", "year"},
		{"1677-12-31T23:59:59Z", "outside the years 1678 to 2261"},
		{"0001-01-01T00:00:00Z", "outside the years"},
		{"2262-01-01T00:00:00Z", "outside the years"},
		{"9999-12-31T23:59:59Z", "outside the years"},
		{"2261-12-31T23:00:00-01:00", "outside the years"},
		{"1678-01-01T00:30:00+01:00", "outside the years"},
		{"+2026-11-22T22:41:26Z", NULL},
		{"2026-11-22T22:41:26\xc3\xa9", "\\xc3\\xa9"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ns = 42;
		int rc = numbering__parse_time(&ns, bad[i].text, "create_time");
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s was accepted", bad[i].text);
		ck_assert_int_eq(ns, 42);
		ck_assert_str_eq(numbering_error_violation_field(0), "create_time");
		if (bad[i].needle != NULL)
			ck_assert_msg(strstr(numbering_error_message(), bad[i].needle) != NULL, "%s: \"%s\" lacks \"%s\"",
			              bad[i].text, numbering_error_message(), bad[i].needle);
	}
	char *long_text = repeat_text("2026-11-22T22:41:26Z", 10);
	int64_t ns = 0;
	check_error(numbering__parse_time(&ns, long_text, "t"), NUMBERING_INVALID_ARGUMENT, "t", "too long");
	free(long_text);
	check_error(numbering__parse_time(&ns, NULL, "t"), NUMBERING_INVALID_ARGUMENT, "t", "required");
}
END_TEST

Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, parent_names);
	tcase_add_test(tc, instance_names);
	tcase_add_test(tc, instance_name_lengths);
	tcase_add_test(tc, instance_ids);
	tcase_add_test(tc, regulatory_listings);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, display_name_nfc);
	tcase_add_test(tc, display_name_length_after_nfc);
	tcase_add_test(tc, display_name_rejects);
	tcase_add_test(tc, labels);
	tcase_add_test(tc, stored_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("uris");
	tcase_add_test(tc, message_handlers);
	tcase_add_test(tc, call_handlers);
	suite_add_tcase(s, tc);
	tc = tcase_create("masks");
	tcase_add_test(tc, update_masks);
	tcase_add_test(tc, update_mask_rejects);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_test(tc, time_format);
	tcase_add_test(tc, time_round_trips);
	tcase_add_test(tc, time_parse);
	tcase_add_test(tc, time_rejects);
	suite_add_tcase(s, tc);
	return s;
}
