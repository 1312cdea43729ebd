/*
 * What the Sinch Numbers seed's methods on the JSON entry point share
 * (lib/json/sinch-common.c): the readers of its path and query parameters and the
 * writers of its small shapes, every failure INVALID_ARGUMENT naming the JSON path
 * (camelCase, as the seed writes it) and quoting the value. Used by
 * lib/json/sinch-available.c (the inventory) and lib/json/sinch-active.c (active numbers).
 */
#ifndef NUMBERING_JSON_SINCH_COMMON_H
#define NUMBERING_JSON_SINCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "numbering/inventory.h"

/* INVALID_ARGUMENT naming @path: "@path \"@value\" @what". */
int numbering__sinch_invalid(const char *path, const char *what, const char *value);

/* projectId "p" into "projects/p" in @out (@size bytes); absent or "" is required. */
int numbering__sinch_read_project(char *out, size_t size, json_t *value);

/* A NumberType name (MOBILE, LOCAL, ...) into a numbering_number_type; absent leaves
 * *out; NUMBER_TYPE_UNSPECIFIED is refused like any unknown name. */
int numbering__sinch_read_type(int *out, json_t *value, const char *path);

/* An array of capability names (SMS, MMS, VOICE) into NUMBERING_CAPABILITY_* flags;
 * absent leaves *out. */
int numbering__sinch_read_capabilities(int *out, json_t *value, const char *path);

/* numberPattern {pattern, searchPattern START|CONTAINS|END} into *pattern and
 * NUMBERING_SEARCH_*; absent members leave their outputs. */
int numbering__sinch_read_pattern(const char **pattern, int *search, json_t *value);

/* The path parameters of a method on one number: projectId into @project (@size bytes),
 * then phoneNumber into *number (borrowed from @number_value; absent leaves it). */
int numbering__sinch_read_number_path(char *project, size_t size, const char **number, json_t *project_value,
                                      json_t *number_value);

/* A request of those path parameters only ({projectId, phoneNumber}; any other member
 * refused), read as numbering__sinch_read_number_path. */
int numbering__sinch_read_number_request(char *project, size_t size, const char **number, json_t *request);

/* The array of strings phoneNumbers (@value; absent: *numbers NULL and *count 0) as
 * *numbers, a NULL-terminated array of the strings (borrowed from @value; the array is
 * the caller's to free with numbering__free_mem, also on failure), each item refused
 * naming it ("phoneNumbers[1]") when it is not a string. */
int numbering__sinch_read_phone_numbers(const char ***numbers, size_t *count, json_t *value);

/* The search of available numbers that ListAvailableNumbers and RentAnyNumber share:
 * projectId into @project (@size bytes), then numberPattern, regionCode, type and
 * capabilities into @q, in that order (the first failure is the answer); absent ones
 * leave @q's fields. */
int numbering__sinch_read_available_query(char *project, size_t size, numbering_available_query *q,
                                          json_t *project_value, json_t *pattern, json_t *region, json_t *type,
                                          json_t *capabilities);

/* NUMBERING_CAPABILITY_* flags as the seed's array of names; NULL when out of memory. */
json_t *numbering__sinch_capabilities_json(int flags);

/* The seed's money {currencyCode, amount}, the amount with the currency's digits;
 * NULL when out of memory or for a currency the library does not know. */
json_t *numbering__sinch_money_json(const char *currency, int64_t minor_units);

/* RESOURCE_EXHAUSTED: out of memory rendering the response. */
int numbering__sinch_out_of_memory(void);

#endif
