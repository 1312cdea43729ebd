/**
 * @file numbering/e164.h
 * @brief E.164 parsing, formatting, country facts and range notation.
 *
 * A parse fills a caller-owned, reusable result object and allocates nothing, so a
 * host can parse millions of dialed numbers with one object. Country facts (calling
 * codes, regions, trunk and international prefixes, possible national lengths) come
 * from a table generated from libphonenumber's metadata by tools/gen-e164-metadata;
 * the library does not link libphonenumber.
 *
 * Thread safety: the parse functions are reentrant. A result object must not be
 * written by one thread while another reads it; distinct objects are independent.
 */
#ifndef NUMBERING_E164_H
#define NUMBERING_E164_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The most digits an E.164 number has (country code included). */
#define NUMBERING_E164_MAX_DIGITS 15
/** Bytes that hold any "+E164" string with its NUL. */
#define NUMBERING_E164_BUFSIZE 17
/** Longest input the parsers accept, in bytes; longer input is INVALID_ARGUMENT. */
#define NUMBERING_E164_MAX_INPUT 256
/** Bytes that hold any range notation string with its NUL ("+E164-" and up to 15 digits). */
#define NUMBERING_RANGE_BUFSIZE 33

/**
 * The length verdict for a country, with libphonenumber's IsPossibleNumberWithReason
 * distinctions. Only NUMBERING_LENGTH_POSSIBLE may be stored.
 */
typedef enum numbering_length_verdict {
	NUMBERING_LENGTH_POSSIBLE = 0,            /**< a length the country uses */
	NUMBERING_LENGTH_POSSIBLE_LOCAL_ONLY = 1, /**< only dialable locally (no area code) */
	NUMBERING_LENGTH_TOO_SHORT = 2,           /**< shorter than any length of the country */
	NUMBERING_LENGTH_INVALID = 3,             /**< between the country's lengths, not one of them */
	NUMBERING_LENGTH_TOO_LONG = 4             /**< longer than any length of the country */
} numbering_length_verdict;

/** A parsed phone number: opaque, reusable, owned by the caller. */
typedef struct numbering_number numbering_number;

/** A parsed range of contiguous, equal-length numbers: opaque, reusable, owned by the caller. */
typedef struct numbering_range numbering_range;

/**
 * Allocates an empty number object.
 * @param[out] out the new object; NULL on failure.
 * @return NUMBERING_OK, NUMBERING_INVALID_ARGUMENT (@p out is NULL) or
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's, freed with numbering_number_free().
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_number_new(numbering_number **out);

/**
 * Frees a number object. NULL is a no-op.
 * @param[in] number the object from numbering_number_new(), or NULL. Never one that
 *            numbering_range_start() or numbering_range_end() returned.
 *
 * Ownership: takes @p number. Lifetime: strings read from it are invalid after it.
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(void) numbering_number_free(numbering_number *number);

/**
 * Parses a phone number.
 *
 * Accepted forms: "+E164"; a national number of @p region, with or without its
 * trunk prefix ("02 5550 1100" or "2 5550 1100" with "AU"); an international-prefix
 * form dialed from @p region ("0011 61 2 5550 1100" from AU, "011 ..." from US).
 * Spaces, dashes, dots, slashes and parentheses are ignored.
 *
 * Parsing succeeds when the text is a number of an assigned calling code, whatever
 * its length verdict; the verdict is reported by numbering_number_length_verdict().
 * Callers that store numbers also require NUMBERING_LENGTH_POSSIBLE.
 *
 * @param[out] out    overwritten with the result; emptied on failure.
 * @param[in]  text   NUL-terminated UTF-8 input.
 * @param[in]  region ISO 3166 alpha-2 region for national and international-prefix
 *                    forms, or NULL when the text must start with '+'.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT with a message saying why: @p out
 *         or @p text NULL, empty input, letters or other characters, non-ASCII digits,
 *         more than 15 digits or NUMBERING_E164_MAX_INPUT bytes, a missing or
 *         unassigned country calling code, a national number without a region, an
 *         unknown region (field "region_code"), or too few digits to be a number.
 *
 * Ownership: allocates nothing; @p out stays the caller's. Lifetime: strings read from
 * @p out before the call are invalid after it.
 * Thread safety: reentrant; no other thread may be using @p out.
 */
NUMBERING_EXTERN(int) numbering_e164_parse(numbering_number *out, const char *text, const char *region);

/**
 * As numbering_e164_parse(), for @p len bytes of @p text that need not be
 * NUL-terminated. A NUL byte inside the @p len bytes is not an end: it is refused,
 * NUMBERING_INVALID_ARGUMENT naming the field "phone_number" and the byte offset.
 * @param[out] out    overwritten with the result; emptied on failure.
 * @param[in]  text   @p len bytes of UTF-8 input.
 * @param[in]  len    how many bytes of @p text to read.
 * @param[in]  region as for numbering_e164_parse().
 * @return NUMBERING_OK or NUMBERING_INVALID_ARGUMENT, as numbering_e164_parse().
 *
 * Ownership: allocates nothing. Lifetime: as numbering_e164_parse().
 * Thread safety: reentrant; no other thread may be using @p out.
 */
NUMBERING_EXTERN(int) numbering_e164_parse_n(numbering_number *out, const char *text, size_t len,
                                            const char *region);

/**
 * Checks that a parsed number may be stored: its length verdict must be
 * NUMBERING_LENGTH_POSSIBLE.
 * @param[in] number a parsed number.
 * @param[in] field the request field to name in the error (e.g. "phone_number"), or NULL
 *            for "phone_number".
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT naming the number and its verdict
 *         (or saying no number was given, for NULL or an empty object).
 *
 * Ownership: only reads @p number. Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_number_require_possible(const numbering_number *number, const char *field);

/**
 * The number in "+E164" form.
 * @param[in] number a parsed number, or NULL.
 * @return the text; "" for an empty object or NULL. Sets no error.
 *
 * Ownership: owned by @p number; do not free it. Lifetime: valid until @p number is
 * next written or freed.
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(const char *) numbering_number_e164(const numbering_number *number);

/**
 * The country calling code.
 * @param[in] number a parsed number, or NULL.
 * @return 1 .. 999; 0 for an empty object or NULL. Sets no error.
 *
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(int) numbering_number_country_code(const numbering_number *number);

/**
 * The national significant number (the digits after the calling code).
 * @param[in] number a parsed number, or NULL.
 * @return the digits; "" for an empty object or NULL. Sets no error.
 *
 * Ownership: owned by @p number. Lifetime: as numbering_number_e164().
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(const char *) numbering_number_national(const numbering_number *number);

/**
 * How many regions share the number's calling code (the main region first).
 * @param[in] number a parsed number, or NULL.
 * @return the count; 0 for an empty object or NULL. Sets no error.
 *
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(int) numbering_number_region_count(const numbering_number *number);

/**
 * Region @p i of the calling code: ISO 3166 alpha-2, or "001" for non-geographic codes.
 * Index 0 is the code's main region.
 * @param[in] number a parsed number, or NULL.
 * @param[in] i 0 .. numbering_number_region_count() - 1.
 * @return a static string, or NULL when @p i is out of range. Sets no error.
 *
 * Ownership: the library's; never freed. Lifetime: the process's (it does not depend
 * on @p number).
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(const char *) numbering_number_region(const numbering_number *number, int i);

/**
 * The length verdict of the number for its country.
 * @param[in] number a parsed number, or NULL.
 * @return a numbering_length_verdict value; NUMBERING_LENGTH_TOO_SHORT for an empty
 *         object or NULL. Sets no error.
 *
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(int) numbering_number_length_verdict(const numbering_number *number);

/**
 * Whether the number may be stored.
 * @param[in] number a parsed number, or NULL.
 * @return 1 when the verdict is NUMBERING_LENGTH_POSSIBLE, else 0 (also for an empty
 *         object or NULL). Sets no error.
 *
 * Thread safety: reentrant; no other thread may be writing @p number.
 */
NUMBERING_EXTERN(int) numbering_number_is_possible(const numbering_number *number);

/**
 * The name of a verdict.
 * @param[in] verdict a numbering_length_verdict value (any int is accepted).
 * @return a static string: "POSSIBLE", "POSSIBLE_LOCAL_ONLY", "TOO_SHORT",
 *         "INVALID_LENGTH" or "TOO_LONG"; "UNKNOWN" for any other value. Cannot fail.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_length_verdict_name(int verdict);

/**
 * The calling code of a region ("AU" gives 61). Case-insensitive.
 * @param[in] region an ISO 3166 alpha-2 region, or NULL.
 * @return the calling code; 0 when the region is unknown or NULL. Sets no error.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_e164_region_country_code(const char *region);

/**
 * Allocates an empty range object.
 * @param[out] out the new object; NULL on failure.
 * @return NUMBERING_OK, NUMBERING_INVALID_ARGUMENT (@p out is NULL) or
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's, freed with numbering_range_free().
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_range_new(numbering_range **out);

/**
 * Frees a range object. NULL is a no-op.
 * @param[in] range the object from numbering_range_new(), or NULL.
 *
 * Ownership: takes @p range. Lifetime: the numbers and strings read from it are
 * invalid after it.
 * Thread safety: no other thread may be using @p range.
 */
NUMBERING_EXTERN(void) numbering_range_free(numbering_range *range);

/**
 * Parses range notation: a number, '-', and a suffix of k digits that replaces the
 * last k digits of the number to give the end ("+61255501100-99" is +61255501100 to
 * +61255501199, size 100; "+61255501100-1299" ends at +61255501299). The number may
 * be in any form numbering_e164_parse() accepts. Text without '-' is a range of one.
 * @param[out] out    overwritten with the result.
 * @param[in]  text   NUL-terminated range notation.
 * @param[in]  region as for numbering_e164_parse().
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT when @p out or @p text is NULL,
 *         the start does not parse (as numbering_e164_parse()), the suffix is empty,
 *         not digits, or longer than the number, or the end is below the start.
 *
 * Ownership: allocates nothing. Lifetime: numbers read from @p out before the call
 * are overwritten.
 * Thread safety: reentrant; no other thread may be using @p out.
 */
NUMBERING_EXTERN(int) numbering_e164_parse_range(numbering_range *out, const char *text, const char *region);

/**
 * Sets a range from a parsed start and a size.
 * @param[out] out   overwritten with the range.
 * @param[in]  start a parsed number, the range's first; copied.
 * @param[in]  size  how many numbers, >= 1.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "range" when @p out or
 *         @p start is NULL or empty, "range.size" when @p size < 1 or the range would
 *         need numbers with more digits than the start).
 *
 * Ownership: allocates nothing; @p start stays the caller's.
 * Thread safety: reentrant; no other thread may be using @p out.
 */
NUMBERING_EXTERN(int) numbering_range_from_size(numbering_range *out, const numbering_number *start, int64_t size);

/**
 * Sets a range from parsed start and end numbers.
 * @param[out] out   overwritten with the range.
 * @param[in]  start a parsed number, the range's first; copied.
 * @param[in]  end   a parsed number, the range's last; copied.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "range" when a pointer is
 *         NULL or a number empty, "range.end_phone_number" when the two differ in
 *         calling code or length, or the end is below the start).
 *
 * Ownership: allocates nothing; @p start and @p end stay the caller's.
 * Thread safety: reentrant; no other thread may be using @p out.
 */
NUMBERING_EXTERN(int) numbering_range_from_bounds(numbering_range *out, const numbering_number *start,
                                                 const numbering_number *end);

/**
 * The first number of the range.
 * @param[in] range a range, or NULL.
 * @return the number, NULL when @p range is NULL. Sets no error.
 *
 * Ownership: owned by @p range; never free it. Lifetime: valid until @p range is next
 * written or freed.
 * Thread safety: reentrant; no other thread may be writing @p range.
 */
NUMBERING_EXTERN(const numbering_number *) numbering_range_start(const numbering_range *range);

/**
 * The last number of the range.
 * @param[in] range a range, or NULL.
 * @return the number, NULL when @p range is NULL. Sets no error.
 *
 * Ownership: owned by @p range; never free it. Lifetime: as numbering_range_start().
 * Thread safety: reentrant; no other thread may be writing @p range.
 */
NUMBERING_EXTERN(const numbering_number *) numbering_range_end(const numbering_range *range);

/**
 * How many numbers the range holds.
 * @param[in] range a range, or NULL.
 * @return the size (>= 1); 0 for an empty object or NULL. Sets no error.
 *
 * Thread safety: reentrant; no other thread may be writing @p range.
 */
NUMBERING_EXTERN(int64_t) numbering_range_size(const numbering_range *range);

/**
 * Prints a range in its shortest notation, e.g. "+61255501100-99"; a range of one
 * number prints as "+61255501100-0".
 * @param[out] buf     receives the text, NUL-terminated.
 * @param[in]  bufsize size of @p buf; NUMBERING_RANGE_BUFSIZE always suffices.
 * @param[in]  range   a parsed range.
 * @return NUMBERING_OK, NUMBERING_INVALID_ARGUMENT (NULL or empty range) or
 *         NUMBERING_OUT_OF_RANGE when @p buf is too small.
 *
 * Ownership: @p buf is the caller's; nothing allocated.
 * Thread safety: reentrant; no other thread may be writing @p range.
 */
NUMBERING_EXTERN(int) numbering_range_format(char *buf, size_t bufsize, const numbering_range *range);

#ifdef __cplusplus
}
#endif

#endif
