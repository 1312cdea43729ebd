/*
 * Applications, rules and parent accounts: the internal side (application.c,
 * account-link.c) that binding (service/phone.h), GetPhoneNumbers and the other
 * Voximplant methods call. The records (docs/RECORDS.md):
 *
 *  application (kind 15)  "projects/{p}/applications/{id}", parent "projects/{p}",
 *                         sort key the id, keys[0] the application name (unique in
 *                         the project); body model/application-fields.h
 *  rule (kind 16)         "projects/{p}/applications/{app}/rules/{id}", parent
 *                         "projects/{p}/applications/{app}", sort key the id, keys[0]
 *                         the rule name (unique in the application), keys[1] the id
 *                         in decimal; body model/rule-fields.h
 *  accountLink (kind 17)  "projects/{child}/parentAccount", parent "projects/{parent}"
 *                         (listing kind 17 under a project gives its children), sort
 *                         key the link's create time; body model/account-link-fields.h
 *
 * Ids come from numbering__next_id() (NUMBERING__SEQ_APPLICATION, _RULE): positive,
 * store-wide unique, never reused. Every function here reads under the lock its caller
 * already holds (read or write) and takes none itself; none calls the authorizer.
 */
#ifndef NUMBERING_SERVICE_APPLICATION_H
#define NUMBERING_SERVICE_APPLICATION_H

#include <stdint.h>

#include "service/service.h"

/* An application or rule name: 1 .. 128 bytes of UTF-8, no control character, no ';'
 * (the seed's stringlist separator). */
#define NUMBERING__APPLICATION_NAME_MAX 128
/* A rule pattern: 1 .. 4096 bytes of UTF-8 (a regular expression, stored as given). */
#define NUMBERING__RULE_PATTERN_MAX 4096
/* "projects/{p}/applications/{id}" and NUL. */
#define NUMBERING__APPLICATION_NAME_SIZE (NUMBERING__PROJECT_SIZE + 40)
/* "projects/{p}/applications/{app}/rules/{id}" and NUL. */
#define NUMBERING__RULE_RECORD_NAME_SIZE (NUMBERING__PROJECT_SIZE + 80)

/* Checks a name given for application_name or rule_name (@field): INVALID_ARGUMENT
 * naming @field and the value. */
int numbering__validate_app_name(const char *name, const char *field);

struct numbering__application {
	int64_t id;                                     /* > 0 */
	char name[NUMBERING__APPLICATION_NAME_MAX + 1]; /* application_name */
	int64_t create_time;                            /* ns, a store time */
	char record[NUMBERING__APPLICATION_NAME_SIZE];  /* "projects/{p}/applications/{id}" */
};

struct numbering__rule {
	int64_t id;                                     /* > 0 */
	int64_t application_id;                         /* the application it belongs to */
	char name[NUMBERING__APPLICATION_NAME_MAX + 1]; /* rule_name */
	int64_t create_time;                            /* ns, a store time */
	char record[NUMBERING__RULE_RECORD_NAME_SIZE];  /* "projects/{p}/applications/{app}/rules/{id}" */
};

/*
 * The application of @project ("projects/{p}") with id @id (when @id > 0) or, when @id
 * is 0, named @name, into *out. NOT_FOUND naming "application_id" or
 * "application_name" and the value when the project has none; INVALID_ARGUMENT naming
 * "application_id" when @id is 0 and @name NULL (neither given). Caller holds a lock.
 */
int numbering__application_find(numbering_store *store, const char *project, int64_t id, const char *name,
                                struct numbering__application *out);

/*
 * The rule of @project with id @rule_id (when > 0) or, when it is 0, named @rule_name
 * in application @application_id, into *out.
 *  - @application_id > 0: the rule must be that application's: a rule id of another
 *    application of the project is INVALID_ARGUMENT naming "rule_id" and both ids; a
 *    rule id of none NOT_FOUND naming "rule_id"; a name the application has no rule
 *    of NOT_FOUND naming "rule_name".
 *  - @application_id 0: by @rule_id alone (looked for in every application of the
 *    project); @rule_name without an application is INVALID_ARGUMENT naming
 *    "rule_name" (the seed: a rule name needs application_id or application_name).
 * Neither @rule_id nor @rule_name: INVALID_ARGUMENT naming "rule_id". The application
 * itself is not checked here (find it first with numbering__application_find()).
 * Caller holds a lock.
 */
int numbering__rule_find(numbering_store *store, const char *project, int64_t application_id, int64_t rule_id,
                         const char *rule_name, struct numbering__rule *out);

/* Receives one child project ("projects/{c}"); non-zero stops the walk and is returned. */
typedef int (*numbering__account_visit_cb)(void *payload, const char *child_project);

/*
 * Visits the direct children of @project ("projects/{p}": the projects declared its
 * children with SetParentAccount), oldest link first. Caller holds a lock. Returns
 * NUMBERING_OK, a backend error, or the visitor's non-zero value.
 */
int numbering__account_children(numbering_store *store, const char *project, numbering__account_visit_cb visit,
                                void *payload);

/*
 * The parent project of @project into @out ("projects/{parent}", or "" when it has
 * none). Caller holds a lock.
 */
int numbering__account_parent(numbering_store *store, const char *project, char out[NUMBERING__PROJECT_SIZE]);

#endif
