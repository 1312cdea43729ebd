/*
 * gen-iso-data: writes lib/model/iso-table.c, the ISO 3166-1 region names and the
 * ISO 4217 currencies with their minor-unit digits, from Debian's iso-codes JSON files
 * (read with Jansson) and ICU's currency data (CLDR). See README.md beside it.
 *
 *   gen-iso-data --iso3166 iso_3166-1.json --iso4217 iso_4217.json \
 *                --iso-codes-version 4.15.0 --out iso-table.c
 *
 * Exits 1, writing nothing, when the data breaks an assumption the library makes (a
 * code that is not two or three upper-case letters, a duplicate, more than 9 digits).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unicode/ucurr.h>
#include <unicode/ulocdata.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

/* lib/model/money.c formats any int64 amount in NUMBERING_MONEY_BUFSIZE bytes when a
 * currency has at most this many digits. */
#define MAX_DIGITS 9

struct region {
	const char *code;
	const char *name;
	const char *iso_name; /* iso-codes' "name", when the common name replaced it */
};

struct currency {
	const char *code;
	int numeric;
	int digits;
	int icu_numeric;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gen-iso-data: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int is_upper_code(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

static const char *string_member(json_t *entry, const char *key, const char *file)
{
	json_t *v = json_object_get(entry, key);
	if (v == NULL)
		return NULL;
	if (!json_is_string(v))
		die("%s: member \"%s\" is not a string", file, key);
	return json_string_value(v);
}

static json_t *load_list(const char *path, const char *key)
{
	json_error_t error;
	json_t *root = json_load_file(path, 0, &error);
	if (root == NULL)
		die("%s: %s", path, error.text);
	json_t *list = json_object_get(root, key);
	if (!json_is_array(list))
		die("%s: no \"%s\" array", path, key);
	return root;
}

static int compare_regions(const void *a, const void *b)
{
	return strcmp(((const struct region *)a)->code, ((const struct region *)b)->code);
}

static int compare_currencies(const void *a, const void *b)
{
	return strcmp(((const struct currency *)a)->code, ((const struct currency *)b)->code);
}

/* A C string literal of UTF-8 text: non-ASCII bytes as three-digit octal escapes
 * (never swallow the next character, as hex escapes can). */
static void put_literal(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\%03o", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

int main(int argc, char **argv)
{
	const char *iso3166 = NULL, *iso4217 = NULL, *version = NULL, *out_path = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--iso3166") == 0)
			iso3166 = argv[i + 1];
		else if (strcmp(argv[i], "--iso4217") == 0)
			iso4217 = argv[i + 1];
		else if (strcmp(argv[i], "--iso-codes-version") == 0)
			version = argv[i + 1];
		else if (strcmp(argv[i], "--out") == 0)
			out_path = argv[i + 1];
		else
			die("unknown option %s", argv[i]);
	}
	if (iso3166 == NULL || iso4217 == NULL || version == NULL || out_path == NULL)
		die("usage: gen-iso-data --iso3166 FILE --iso4217 FILE --iso-codes-version V --out FILE");

	/* ---- ISO 3166-1 ---- */
	json_t *root3166 = load_list(iso3166, "3166-1");
	json_t *list = json_object_get(root3166, "3166-1");
	size_t nregions = json_array_size(list);
	struct region *regions = calloc(nregions, sizeof(*regions));
	if (regions == NULL)
		die("out of memory");
	size_t common_names = 0;
	for (size_t i = 0; i < nregions; i++) {
		json_t *e = json_array_get(list, i);
		const char *code = string_member(e, "alpha_2", iso3166);
		const char *name = string_member(e, "name", iso3166);
		const char *common = string_member(e, "common_name", iso3166);
		if (code == NULL || !is_upper_code(code, 2))
			die("%s: an entry's alpha_2 is missing or not two upper-case letters (%s)", iso3166,
			    code ? code : "missing");
		if (name == NULL || name[0] == '\0')
			die("%s: %s has no name", iso3166, code);
		regions[i].code = code;
		regions[i].name = common != NULL && common[0] != '\0' ? common : name;
		regions[i].iso_name = regions[i].name == name ? NULL : name;
		common_names += regions[i].iso_name != NULL;
	}
	qsort(regions, nregions, sizeof(*regions), compare_regions);
	for (size_t i = 1; i < nregions; i++)
		if (strcmp(regions[i - 1].code, regions[i].code) == 0)
			die("%s: %s appears twice", iso3166, regions[i].code);

	/* ---- ISO 4217 ---- */
	json_t *root4217 = load_list(iso4217, "4217");
	list = json_object_get(root4217, "4217");
	size_t ncurrencies = json_array_size(list);
	struct currency *currencies = calloc(ncurrencies, sizeof(*currencies));
	if (currencies == NULL)
		die("out of memory");
	for (size_t i = 0; i < ncurrencies; i++) {
		json_t *e = json_array_get(list, i);
		const char *code = string_member(e, "alpha_3", iso4217);
		const char *numeric = string_member(e, "numeric", iso4217);
		if (code == NULL || !is_upper_code(code, 3))
			die("%s: an entry's alpha_3 is missing or not three upper-case letters (%s)", iso4217,
			    code ? code : "missing");
		if (numeric == NULL || strlen(numeric) != 3 || strspn(numeric, "0123456789") != 3)
			die("%s: %s has no three-digit numeric code", iso4217, code);
		UChar ucode[4];
		u_charsToUChars(code, ucode, 4);
		UErrorCode status = U_ZERO_ERROR;
		int digits = ucurr_getDefaultFractionDigits(ucode, &status);
		if (U_FAILURE(status))
			die("ICU: ucurr_getDefaultFractionDigits(%s): %s", code, u_errorName(status));
		if (digits < 0 || digits > MAX_DIGITS)
			die("ICU gives %s %d digits, outside 0..%d", code, digits, MAX_DIGITS);
		currencies[i].code = code;
		currencies[i].numeric = atoi(numeric);
		currencies[i].digits = digits;
		currencies[i].icu_numeric = ucurr_getNumericCode(ucode);
	}
	qsort(currencies, ncurrencies, sizeof(*currencies), compare_currencies);
	for (size_t i = 1; i < ncurrencies; i++)
		if (strcmp(currencies[i - 1].code, currencies[i].code) == 0)
			die("%s: %s appears twice", iso4217, currencies[i].code);

	/* ---- Versions ---- */
	UVersionInfo v;
	char icu_version[U_MAX_VERSION_STRING_LENGTH], cldr_version[U_MAX_VERSION_STRING_LENGTH];
	u_getVersion(v);
	u_versionToString(v, icu_version);
	UErrorCode status = U_ZERO_ERROR;
	ulocdata_getCLDRVersion(v, &status);
	if (U_FAILURE(status))
		die("ICU: ulocdata_getCLDRVersion: %s", u_errorName(status));
	u_versionToString(v, cldr_version);

	/* ---- Output ---- */
	FILE *out = fopen(out_path, "w");
	if (out == NULL)
		die("cannot write %s", out_path);
	fprintf(out, "/*\n * Generated by tools/gen-iso-data from iso-codes %s and ICU %s (CLDR %s); do not edit.\n",
	        version, icu_version, cldr_version);
	fprintf(out, " * Regenerate with tools/gen-iso-data/regenerate.sh.\n *\n");
	fprintf(out, " * %zu regions: the ISO 3166-1 alpha-2 codes of iso-codes' iso_3166-1.json, sorted, each with\n"
	             " *   iso-codes' common_name where it has one (%zu do), else its name: English short names.\n",
	        nregions, common_names);
	fprintf(out, " * %zu currencies: the ISO 4217 alphabetic codes of iso-codes' iso_4217.json, sorted, with their\n"
	             " *   numeric code (iso-codes) and minor-unit digits (ICU's ucurr_getDefaultFractionDigits,\n"
	             " *   CLDR's digits, which differ from ISO 4217's published minor unit for a few currencies:\n"
	             " *   see tools/gen-iso-data/README.md).\n",
	        ncurrencies);
	int header = 0;
	for (size_t i = 0; i < ncurrencies; i++) {
		if (currencies[i].icu_numeric == currencies[i].numeric)
			continue;
		if (!header)
			fprintf(out, " *\n * Currencies ICU knows under another numeric code, or not at all (0); their digits are\n"
			             " * CLDR's default:\n *  ");
		header = 1;
		fprintf(out, " %s (%d)", currencies[i].code, currencies[i].icu_numeric);
	}
	if (header)
		fprintf(out, "\n");
	fprintf(out, " */\n#include <stddef.h>\n#include <stdint.h>\n\n#include \"model/iso.h\"\n\n");
	fprintf(out, "const char numbering__iso_source[] = \"iso-codes %s; ICU %s (CLDR %s)\";\n\n", version, icu_version,
	        cldr_version);

	fprintf(out, "const struct numbering__iso_region numbering__iso_regions[] = {\n");
	for (size_t i = 0; i < nregions; i++) {
		fprintf(out, "\t{\"%s\", ", regions[i].code);
		put_literal(out, regions[i].name);
		fprintf(out, "},");
		if (regions[i].iso_name != NULL) {
			fprintf(out, " /* ");
			/* The ISO name in the comment, ASCII only (non-ASCII bytes as '?'). */
			for (const unsigned char *p = (const unsigned char *)regions[i].iso_name; *p; p++)
				fputc(*p < 0x20 || *p >= 0x7f || (*p == '*' && p[1] == '/') ? '?' : *p, out);
			fprintf(out, " */");
		}
		fputc('\n', out);
	}
	fprintf(out, "};\nconst size_t numbering__iso_region_count = %zu;\n\n", nregions);

	fprintf(out, "const struct numbering__iso_currency numbering__iso_currencies[] = {\n");
	for (size_t i = 0; i < ncurrencies; i++)
		fprintf(out, "\t{\"%s\", %d, %d},\n", currencies[i].code, currencies[i].numeric, currencies[i].digits);
	fprintf(out, "};\nconst size_t numbering__iso_currency_count = %zu;\n", ncurrencies);

	if (fclose(out) != 0)
		die("cannot write %s", out_path);
	fprintf(stderr, "gen-iso-data: %zu regions (%zu common names), %zu currencies; iso-codes %s, ICU %s, CLDR %s\n",
	        nregions, common_names, ncurrencies, version, icu_version, cldr_version);
	free(regions);
	free(currencies);
	json_decref(root3166);
	json_decref(root4217);
	return 0;
}
