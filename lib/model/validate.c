/*
 * Validation that needs no store: resource names and ids, display names, labels,
 * update masks. Handler URIs are in uri.c and timestamps in time.c.
 *
 * Every message quotes the offending value (numbering__quote keeps it printable and
 * bounded whatever the caller sent) and says the rule it broke.
 */
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/validate.h"

#define PROJECTS "projects/"
#define PROJECTS_LEN (sizeof(PROJECTS) - 1)
#define INSTANCES "/phoneNumberInstances/"
#define INSTANCES_LEN (sizeof(INSTANCES) - 1)
#define LISTINGS "/regulatoryListings/"
#define LISTINGS_LEN (sizeof(LISTINGS) - 1)
#define SEGMENT_MAX 63

#define PROJECT_RULE "a project id is 1 to 63 of a-z, 0-9 and '-'"
#define ID_RULE "an instance id is 1 to 63 of a-z, 0-9 and '-', starts with a letter and does not end with '-'"
#define LISTING_RULE "a listing id is 1 to 63 of A-Z, a-z, 0-9, '_' and '-'"

/* Longer input cannot be 100 characters after NFC (a composed character takes at most
 * a few code points of at most 4 bytes), so it is refused before any allocation. */
#define DISPLAY_NAME_INPUT_MAX 4096
/* The same bound for label keys (100 characters) and values (1000). */
#define LABEL_KEY_INPUT_MAX 4096
#define LABEL_VALUE_INPUT_MAX 40960

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_project_char(char c)
{
	return is_lower(c) || is_digit(c) || c == '-';
}

static int is_listing_char(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '_';
}

/* Why a project id of @len bytes breaks the rule, or NULL. */
static const char *project_problem(const char *s, size_t len)
{
	if (len == 0)
		return "the project id is empty";
	if (len > SEGMENT_MAX)
		return "the project id is longer than 63 characters";
	for (size_t i = 0; i < len; i++)
		if (!is_project_char(s[i]))
			return "the project id holds a character other than a-z, 0-9 and '-'";
	return NULL;
}

static const char *id_problem(const char *s, size_t len)
{
	if (len == 0)
		return "the id is empty";
	if (len > SEGMENT_MAX)
		return "the id is longer than 63 characters";
	for (size_t i = 0; i < len; i++)
		if (!is_project_char(s[i]))
			return "the id holds a character other than a-z, 0-9 and '-'";
	if (!is_lower(s[0]))
		return "the id does not start with a letter";
	if (s[len - 1] == '-')
		return "the id ends with '-'";
	return NULL;
}

static const char *listing_problem(const char *s, size_t len)
{
	if (len == 0)
		return "the listing id is empty";
	if (len > SEGMENT_MAX)
		return "the listing id is longer than 63 characters";
	for (size_t i = 0; i < len; i++)
		if (!is_listing_char(s[i]))
			return "the listing id holds a character other than A-Z, a-z, 0-9, '_' and '-'";
	return NULL;
}

static int required(const char *field, const char *form)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is required, in the form %s", field, form);
}

/* Checks "projects/{project}" at the start of @s, which continues with '/' or ends
 * there; sets *len to the length of that part. Returns the problem or NULL. */
/* @s is @s_len bytes (its strlen): the constant parts are compared with memcmp within
 * them and the project id ends at memchr's '/', not at strncmp's and strcspn's byte
 * loops (most of a get's validation of the name, bench-store --only get). */
static const char *project_prefix(const char *s, size_t s_len, size_t *len)
{
	if (s_len < PROJECTS_LEN || memcmp(s, PROJECTS, PROJECTS_LEN) != 0)
		return "it does not start with \"projects/\"";
	const char *project = s + PROJECTS_LEN;
	const char *slash = memchr(project, '/', s_len - PROJECTS_LEN);
	size_t n = slash != NULL ? (size_t)(slash - project) : s_len - PROJECTS_LEN;
	const char *problem = project_problem(project, n);
	if (problem != NULL)
		return problem;
	*len = PROJECTS_LEN + n;
	return NULL;
}

int numbering__parse_parent(const char *parent, const char *field, size_t *parent_len)
{
	if (parent == NULL || parent[0] == '\0')
		return required(field, "projects/{project}");
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = 0;
	const char *problem = project_prefix(parent, strlen(parent), &len);
	if (problem == NULL && parent[len] != '\0')
		problem = "it continues after the project id";
	if (problem != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" must be projects/{project}: %s (" PROJECT_RULE ")", field,
		                              numbering__quote(quoted, parent, strlen(parent)), problem);
	if (parent_len != NULL)
		*parent_len = len;
	return NUMBERING_OK;
}

int numbering__parse_instance_name(const char *name, const char *field, size_t *parent_len, const char **id)
{
	if (name == NULL || name[0] == '\0')
		return required(field, "projects/{project}/phoneNumberInstances/{id}");
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = 0;
	size_t name_len = strlen(name);
	const char *problem = project_prefix(name, name_len, &len);
	const char *rule = PROJECT_RULE;
	if (problem == NULL && (name_len - len < INSTANCES_LEN || memcmp(name + len, INSTANCES, INSTANCES_LEN) != 0))
		problem = "\"/phoneNumberInstances/\" does not follow the project id";
	if (problem == NULL) {
		const char *tail = name + len + INSTANCES_LEN;
		problem = id_problem(tail, name_len - len - INSTANCES_LEN);
		rule = ID_RULE;
	}
	if (problem != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" must be projects/{project}/phoneNumberInstances/{id}: %s (%s)",
		                              field, numbering__quote(quoted, name, name_len), problem, rule);
	if (parent_len != NULL)
		*parent_len = len;
	if (id != NULL)
		*id = name + len + INSTANCES_LEN;
	return NUMBERING_OK;
}

int numbering__validate_instance_id(const char *id, const char *field)
{
	if (id == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is required (" ID_RULE ")", field);
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = strlen(id);
	const char *problem = id_problem(id, len);
	if (problem != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is not a valid id: %s (" ID_RULE ")", field,
		                              numbering__quote(quoted, id, len), problem);
	return NUMBERING_OK;
}

int numbering__validate_regulatory_listing(const char *listing, const char *field)
{
	if (listing == NULL || listing[0] == '\0')
		return required(field, "projects/{project}/regulatoryListings/{listing}");
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = 0;
	const char *problem = project_prefix(listing, strlen(listing), &len);
	const char *rule = PROJECT_RULE;
	if (problem == NULL && strncmp(listing + len, LISTINGS, LISTINGS_LEN) != 0)
		problem = "\"/regulatoryListings/\" does not follow the project id";
	if (problem == NULL) {
		const char *tail = listing + len + LISTINGS_LEN;
		problem = listing_problem(tail, strlen(tail));
		rule = LISTING_RULE;
	}
	if (problem != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" must be projects/{project}/regulatoryListings/{listing}: %s (%s)",
		                              field, numbering__quote(quoted, listing, strlen(listing)), problem, rule);
	return NUMBERING_OK;
}

/* ---- Text: display names and labels ---- */

enum scan_result { SCAN_OK, SCAN_BAD_UTF8, SCAN_CONTROL };

struct scan {
	size_t points;   /* code points read */
	size_t at;       /* byte offset of the problem */
	int32_t control; /* the control character found */
};

/* Line and paragraph separators break a line like a control character does. */
static int is_control(int32_t cp)
{
	utf8proc_category_t category = utf8proc_category(cp);
	return category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_ZL || category == UTF8PROC_CATEGORY_ZP;
}

static enum scan_result scan_text(struct scan *scan, const char *s, size_t len)
{
	size_t i = 0;
	scan->points = 0;
	while (i < len) {
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t n;
		unsigned char b = (unsigned char)s[i];
		scan->at = i;
		if (b < 0x80) {
			/* ASCII, most text: the control characters are C0 and DEL (category Cc). */
			if (b < 0x20 || b == 0x7f) {
				scan->control = b;
				return SCAN_CONTROL;
			}
			scan->points++;
			i++;
			continue;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0)
			return SCAN_BAD_UTF8;
		if (is_control(cp)) {
			scan->control = cp;
			return SCAN_CONTROL;
		}
		scan->points++;
		i += (size_t)n;
	}
	return SCAN_OK;
}

const char *numbering__stored_text_scan(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		if (s[i] == 0)
			return "it holds a NUL byte";
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		/* What scan_text() reads as UTF-8 (surrogates and overlong forms refused). */
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0)
			return "it is not UTF-8 text";
		i += (size_t)n;
	}
	return NULL;
}

/* Reports a scan failure of @subject, a phrase that quotes the value ("display name \"x\""). */
static int scan_error(enum scan_result result, const struct scan *scan, const char *field, const char *subject)
{
	if (result == SCAN_BAD_UTF8)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is not valid UTF-8 (at byte %zu)",
		                              subject, scan->at);
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
	                              "%s holds the control character U+%04X at byte %zu; control characters are not "
	                              "allowed",
	                              subject, (unsigned)scan->control, scan->at);
}

int numbering__validate_text(const char *text, size_t max_bytes, const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE], subject[NUMBERING__QUOTE_SIZE + 32];
	size_t len = text ? strlen(text) : 0;
	if (len == 0 || len > max_bytes)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s \"%s\" is not 1 to %zu bytes", field,
		                              numbering__quote(quoted, text ? text : "", len), max_bytes);
	snprintf(subject, sizeof(subject), "%s \"%s\"", field, numbering__quote(quoted, text, len));
	struct scan scan;
	enum scan_result result = scan_text(&scan, text, len);
	return result == SCAN_OK ? NUMBERING_OK : scan_error(result, &scan, field, subject);
}

int numbering__nfc(const char **out, size_t *out_len, char **owned, const char *text, size_t len)
{
	*out = text;
	*out_len = len;
	*owned = NULL;
	/* ASCII is its own NFC, a character a byte: the common case needs no utf8proc
	 * (which costs thousands of instructions and an allocation). */
	size_t ascii = 0;
	while (ascii < len && (unsigned char)text[ascii] < 0x80)
		ascii++;
	if (ascii == len)
		return NUMBERING_OK;
	/* NFC as utf8proc_map does it, with our allocator and its error codes kept. */
	const utf8proc_option_t options = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
	utf8proc_ssize_t points = utf8proc_decompose((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, NULL, 0, options);
	if (points < 0)
		return (int)points;
	utf8proc_int32_t *buffer = numbering__malloc((size_t)points * sizeof(utf8proc_int32_t) + 1);
	if (buffer == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	utf8proc_ssize_t n =
	    utf8proc_decompose((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, buffer, points, options);
	if (n >= 0 && n <= points)
		n = utf8proc_reencode(buffer, n, options);
	if (n < 0 || n > points * (utf8proc_ssize_t)sizeof(utf8proc_int32_t)) {
		numbering__free_mem(buffer);
		return n < 0 ? (int)n : (int)UTF8PROC_ERROR_OVERFLOW;
	}
	*out = (const char *)buffer;
	*out_len = (size_t)n;
	*owned = (char *)buffer;
	return NUMBERING_OK;
}

/* Code points of valid UTF-8. */
static size_t characters(const char *s, size_t len)
{
	size_t count = 0;
	for (size_t i = 0; i < len; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}

/* numbering__nfc() with its failure reported: "@subject cannot be normalized". */
static int nfc_error(int rc, const char *field, const char *subject)
{
	if (rc == NUMBERING_RESOURCE_EXHAUSTED)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory normalizing %s", subject);
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s cannot be normalized: %s", subject,
	                              utf8proc_errmsg(rc));
}

static int nfc_or_error(const char **out, size_t *out_len, char **owned, const char *text, size_t len,
                        const char *field, const char *subject)
{
	int rc = numbering__nfc(out, out_len, owned, text, len);
	return rc == NUMBERING_OK ? rc : nfc_error(rc, field, subject);
}

/* "display name \"...\"", the value quoted, in @subject. */
static const char *display_subject(char subject[NUMBERING__QUOTE_SIZE + 32], char quoted[NUMBERING__QUOTE_SIZE],
                                   const char *display_name, size_t len)
{
	snprintf(subject, NUMBERING__QUOTE_SIZE + 32, "display name \"%s\"", numbering__quote(quoted, display_name, len));
	return subject;
}

int numbering__normalize_display_name(struct numbering__str *out, const char *display_name, const char *field)
{
	if (out == NULL || display_name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is NULL; pass \"\" to clear it", field);
	char quoted[NUMBERING__QUOTE_SIZE], subject[NUMBERING__QUOTE_SIZE + 32];
	size_t len = strlen(display_name);
	if (len > DISPLAY_NAME_INPUT_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "display name \"%s\" is longer than %d characters",
		                              numbering__quote(quoted, display_name, len), NUMBERING_DISPLAY_NAME_MAX);
	/* The phrase naming the value is formatted only for an error: it was ~60% of setting
	 * a display name (snprintf and the quoting), on every create and update. */
	struct scan scan;
	enum scan_result result = scan_text(&scan, display_name, len);
	if (result != SCAN_OK)
		return scan_error(result, &scan, field, display_subject(subject, quoted, display_name, len));
	const char *nfc = NULL;
	size_t nfc_len = 0;
	char *owned = NULL;
	int rc = numbering__nfc(&nfc, &nfc_len, &owned, display_name, len);
	if (rc != NUMBERING_OK)
		return nfc_error(rc, field, display_subject(subject, quoted, display_name, len));
	/* Text NFC left as it was (ASCII) has the characters the scan counted. */
	size_t count = owned == NULL ? scan.points : characters(nfc, nfc_len);
	if (count > NUMBERING_DISPLAY_NAME_MAX)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                            "%s has %zu characters after NFC normalization; the most is %d",
		                            display_subject(subject, quoted, display_name, len), count,
		                            NUMBERING_DISPLAY_NAME_MAX);
	else
		rc = numbering__str_set(out, nfc, nfc_len);
	numbering__free_mem(owned);
	return rc;
}

int numbering__normalize_label(struct numbering__nfc_label *out, const char *key, const char *value,
                               const char *field)
{
	memset(out, 0, sizeof(*out));
	if (key == NULL || value == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "a label needs a key and a value, not NULL");
	char quoted[NUMBERING__QUOTE_SIZE], quoted_value[NUMBERING__QUOTE_SIZE], subject[2 * NUMBERING__QUOTE_SIZE + 32];
	size_t key_len = strlen(key), value_len = strlen(value);
	numbering__quote(quoted, key, key_len);
	snprintf(subject, sizeof(subject), "label key \"%s\"", quoted);
	/* Longer input cannot be the most characters after NFC, as for display names. */
	if (key_len > LABEL_KEY_INPUT_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s is longer than %d characters; keys are 1 to %d characters", subject,
		                              NUMBERING_LABEL_KEY_MAX, NUMBERING_LABEL_KEY_MAX);
	struct scan scan;
	enum scan_result result = scan_text(&scan, key, key_len);
	if (result != SCAN_OK)
		return scan_error(result, &scan, field, subject);
	if (scan.points == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "a label key is empty; keys are 1 to %d characters", NUMBERING_LABEL_KEY_MAX);
	int rc = nfc_or_error(&out->key, &out->key_len, &out->owned[0], key, key_len, field, subject);
	size_t count = rc == NUMBERING_OK ? characters(out->key, out->key_len) : 0;
	if (rc == NUMBERING_OK && count > NUMBERING_LABEL_KEY_MAX)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                            "%s has %zu characters%s; keys are 1 to %d characters", subject, count,
		                            out->owned[0] ? " after NFC normalization" : "", NUMBERING_LABEL_KEY_MAX);
	if (rc == NUMBERING_OK) {
		snprintf(subject, sizeof(subject), "the value \"%s\" of label \"%s\"",
		         numbering__quote(quoted_value, value, value_len), quoted);
		if (value_len > LABEL_VALUE_INPUT_MAX)
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
			                            "the value of label \"%s\" is longer than %d characters", quoted,
			                            NUMBERING_LABEL_VALUE_MAX);
		else if ((result = scan_text(&scan, value, value_len)) != SCAN_OK)
			rc = scan_error(result, &scan, field, subject);
		else
			rc = nfc_or_error(&out->value, &out->value_len, &out->owned[1], value, value_len, field, subject);
	}
	count = rc == NUMBERING_OK ? characters(out->value, out->value_len) : 0;
	if (rc == NUMBERING_OK && count > NUMBERING_LABEL_VALUE_MAX)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                            "the value of label \"%s\" has %zu characters%s; values are at most %d "
		                            "characters",
		                            quoted, count, out->owned[1] ? " after NFC normalization" : "",
		                            NUMBERING_LABEL_VALUE_MAX);
	if (rc != NUMBERING_OK)
		numbering__nfc_label_free(out);
	return rc;
}

void numbering__nfc_label_free(struct numbering__nfc_label *label)
{
	numbering__free_mem(label->owned[0]);
	numbering__free_mem(label->owned[1]);
	memset(label, 0, sizeof(*label));
}

int numbering__validate_label(const char *key, const char *value, const char *field)
{
	struct numbering__nfc_label label;
	int rc = numbering__normalize_label(&label, key, value, field);
	if (rc == NUMBERING_OK)
		numbering__nfc_label_free(&label);
	return rc;
}

/* ---- Update masks ---- */

enum path_kind { PATH_WRITABLE, PATH_OUTPUT_ONLY, PATH_CREATE_ONLY };

struct mask_path {
	const char *path; /* snake_case */
	enum path_kind kind;
	uint32_t bit;
};

/* Every field with a JSON name has a path (model/instance-fields.h): its snake name
 * under its object's; a path that CREATE_INPUT names is output only to a mask. */
#define MASK_PATH_TOP(snake, kind, bit) {snake, kind, bit},
#define MASK_PATH_PHONE(snake, kind, bit) {"phone_number." snake, kind, bit},
#define MASK_PATH_RANGE(snake, kind, bit) {"range." snake, kind, bit},
#define MASK_PATH_NONE(snake, kind, bit)
#define MASK_KIND_WRITABLE PATH_WRITABLE
#define MASK_KIND_CREATE_ONLY PATH_CREATE_ONLY
#define MASK_KIND_OUTPUT_ONLY PATH_OUTPUT_ONLY
#define MASK_KIND_CREATE_INPUT PATH_OUTPUT_ONLY
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, access, set, ...)          \
	MASK_PATH_##obj(snake, MASK_KIND_##access, set)
static const struct mask_path mask_paths[] = {
#include "model/instance-fields.h"
};
#undef NUMBERING__INSTANCE_FIELD

/* What no mask, "" or "*" updates. */
#define MASK_WRITABLE_WRITABLE(set) | (set)
#define MASK_WRITABLE_CREATE_ONLY(set)
#define MASK_WRITABLE_OUTPUT_ONLY(set)
#define MASK_WRITABLE_CREATE_INPUT(set)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, access, set, ...)          \
	MASK_WRITABLE_##access(set)
static const uint32_t ALL_WRITABLE = 0
#include "model/instance-fields.h"
    ;
#undef NUMBERING__INSTANCE_FIELD

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The longest known path is shorter; anything longer names no field. */
#define MASK_PATH_MAX 64

/* One path of @len bytes (trimmed) into bits. */
static int mask_path(uint32_t *bits, const char *path, size_t len, const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	char snake[MASK_PATH_MAX + 1];
	size_t n = 0;
	const struct mask_path *found = NULL;
	if (len == 1 && path[0] == '*')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "update mask path \"*\" must be the whole mask, not one of its paths");
	for (size_t i = 0; i < len && n < MASK_PATH_MAX; i++) {
		char c = path[i];
		if (c >= 'A' && c <= 'Z') {
			if (n + 2 > MASK_PATH_MAX)
				break;
			snake[n++] = '_';
			c = (char)(c - 'A' + 'a');
		}
		snake[n++] = c;
	}
	snake[n] = '\0';
	if (len < MASK_PATH_MAX) {
		for (size_t i = 0; i < sizeof(mask_paths) / sizeof(mask_paths[0]); i++)
			if (strcmp(snake, mask_paths[i].path) == 0)
				found = &mask_paths[i];
	}
	numbering__quote(quoted, path, len);
	if (found == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "update mask path \"%s\" names no field of a phone number instance", quoted);
	if (found->kind == PATH_OUTPUT_ONLY)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "update mask path \"%s\": %s is output only and cannot be updated", quoted,
		                              found->path);
	if (found->kind == PATH_CREATE_ONLY)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "update mask path \"%s\": %s is create-only; it can only be set on creation",
		                              quoted, found->path);
	*bits |= found->bit;
	return NUMBERING_OK;
}

int numbering__parse_update_mask(uint32_t *bits, const char *mask, const char *field)
{
	if (bits == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "numbering__parse_update_mask: bits is NULL");
	*bits = 0;
	if (mask == NULL) {
		*bits = ALL_WRITABLE;
		return NUMBERING_OK;
	}
	size_t len = strlen(mask);
	size_t start = 0, end = len;
	while (start < end && is_space(mask[start]))
		start++;
	while (end > start && is_space(mask[end - 1]))
		end--;
	if (start == end || (end - start == 1 && mask[start] == '*')) {
		*bits = ALL_WRITABLE;
		return NUMBERING_OK;
	}
	uint32_t result = 0;
	const char *p = mask;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *stop = comma != NULL ? comma : mask + len;
		const char *a = p, *b = stop;
		while (a < b && is_space(*a))
			a++;
		while (b > a && is_space(b[-1]))
			b--;
		if (a == b) {
			char quoted[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
			                              "update mask \"%s\" has an empty path; paths are separated by single commas",
			                              numbering__quote(quoted, mask, len));
		}
		int rc = mask_path(&result, a, (size_t)(b - a), field);
		if (rc != NUMBERING_OK)
			return rc;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*bits = result;
	return NUMBERING_OK;
}
