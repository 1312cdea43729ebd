/**
 * @file numbering/application.h
 * @brief Applications, rules and parent accounts: what Voximplant binds numbers to.
 *
 * A project (Voximplant's account) has **applications**, each with a numeric id and a
 * name unique in the project, and each application has **rules**, each with a numeric
 * id and a name unique in the application, and optionally a pattern (a regular
 * expression's text, stored as given). Ids are positive, unique in the store and never
 * handed out again, even after the application or rule is deleted. A number is bound
 * to an application and optionally one of its rules (BindPhoneNumberToApplication);
 * deleting an application unbinds its numbers, deleting a rule unbinds the rule.
 *
 * A project may be declared the **child** of another
 * (numbering_store_set_parent_account()): one parent per child, no cycle. A parent
 * lists its children's numbers where the Voximplant methods ask for them
 * (GetPhoneNumbers' child_account_id).
 *
 * Names (application_name, rule_name): 1 .. NUMBERING_APPLICATION_NAME_MAX bytes of
 * UTF-8 without control characters and without ';' (the separator of the seed's
 * lists). A rule pattern: 1 .. NUMBERING_RULE_PATTERN_MAX bytes of UTF-8 without
 * control characters.
 *
 * Thread safety: an object is not shared between threads while one of them changes it;
 * the store calls may run beside every other store call.
 */
#ifndef NUMBERING_APPLICATION_H
#define NUMBERING_APPLICATION_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The longest application or rule name, in bytes. */
#define NUMBERING_APPLICATION_NAME_MAX 128
/** The longest rule pattern, in bytes. */
#define NUMBERING_RULE_PATTERN_MAX 4096
/** The most applications, or rules, one delete names. */
#define NUMBERING_APPLICATION_DELETE_MAX 1000
/** The most applications one list returns (its count). */
#define NUMBERING_APPLICATION_LIST_MAX 1000

/** A page of applications with their rules: opaque, the caller's, freed with numbering_application_list_free(). */
typedef struct numbering_application_list numbering_application_list;

/**
 * Creates an application (AddApplication).
 * @param[out] application_id its id (may be NULL).
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.applications.create on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] application_name its name, unique in the project.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "account_id" or
 *         "application_name"; NUMBERING_ALREADY_EXISTS naming "application_name" when
 *         the project has an application of that name; NUMBERING_PERMISSION_DENIED;
 *         the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_add_application(int64_t *application_id, numbering_store *store,
                                                      const char *caller, const char *project,
                                                      const char *application_name);

/**
 * Creates a rule of an application (AddRule), named by @p application_id or, when it
 * is 0, by @p application_name.
 * @param[out] rule_id its id (may be NULL).
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.applications.create on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] application_id the application's id, or 0.
 * @param[in] application_name the application's name when @p application_id is 0.
 * @param[in] rule_name the rule's name, unique in the application.
 * @param[in] rule_pattern its pattern, or NULL for none.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "account_id",
 *         "application_id" (negative, or neither given), "application_name",
 *         "rule_name" or "rule_pattern"; NUMBERING_NOT_FOUND naming "application_id" or
 *         "application_name"; NUMBERING_ALREADY_EXISTS naming "rule_name";
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_add_rule(int64_t *rule_id, numbering_store *store, const char *caller,
                                               const char *project, int64_t application_id,
                                               const char *application_name, const char *rule_name,
                                               const char *rule_pattern);

/**
 * Deletes applications (DelApplication), with their rules, all or none: every number
 * bound to one of them is unbound in the same transaction.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.applications.delete on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] ids @p id_count application ids (may be NULL when 0).
 * @param[in] id_count how many.
 * @param[in] names @p name_count application names (may be NULL when 0).
 * @param[in] name_count how many; together with @p id_count 1 ..
 *            NUMBERING_APPLICATION_DELETE_MAX.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "account_id",
 *         "application_id" (none given, too many, an id < 1) or "application_name";
 *         NUMBERING_NOT_FOUND naming "application_id" or "application_name" and the
 *         first one the project has not; NUMBERING_PERMISSION_DENIED; the backend's
 *         errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_delete_applications(numbering_store *store, const char *caller,
                                                          const char *project, const int64_t *ids, size_t id_count,
                                                          const char *const *names, size_t name_count);

/**
 * Deletes rules (DelRule), all or none: every number bound to one of them keeps its
 * application and loses the rule, in the same transaction. Rules named by id may be
 * of any application of the project; rules named by name are the application's
 * (@p application_id, or @p application_name when it is 0), and when an application
 * is given every rule named by id must be its too.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.applications.delete on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] application_id the application, or 0.
 * @param[in] application_name the application's name, or NULL.
 * @param[in] ids @p id_count rule ids (may be NULL when 0).
 * @param[in] id_count how many.
 * @param[in] names @p name_count rule names (may be NULL when 0).
 * @param[in] name_count how many; together with @p id_count 1 ..
 *            NUMBERING_APPLICATION_DELETE_MAX.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "account_id", "rule_id"
 *         (none given, too many, an id < 1, a rule of another application),
 *         "rule_name" (given without an application), "application_id" or
 *         "application_name"; NUMBERING_NOT_FOUND naming "application_id",
 *         "application_name", "rule_id" or "rule_name"; NUMBERING_PERMISSION_DENIED;
 *         the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_delete_rules(numbering_store *store, const char *caller, const char *project,
                                                   int64_t application_id, const char *application_name,
                                                   const int64_t *ids, size_t id_count, const char *const *names,
                                                   size_t name_count);

/**
 * A page of a project's applications (GetApplications), in id order (creation order),
 * optionally with each one's rules (in id order).
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.applications.list on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] application_id only this application, or 0 for any.
 * @param[in] application_name only the application of this name, or NULL for any.
 * @param[in] count at most this many: 0 .. NUMBERING_APPLICATION_LIST_MAX.
 * @param[in] offset skip this many matches first: 0 .. INT32_MAX.
 * @param[in] with_rules non-zero: read each application's rules too.
 * @return NUMBERING_OK (an empty page when nothing matches); NUMBERING_INVALID_ARGUMENT
 *         naming "account_id", "application_id", "application_name", "count" or
 *         "offset"; NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_applications(numbering_application_list **out, numbering_store *store,
                                                        const char *caller, const char *project,
                                                        int64_t application_id, const char *application_name,
                                                        int64_t count, int64_t offset, int with_rules);

/**
 * Frees @p list. NULL is a no-op.
 * @param[in] list the object, or NULL.
 *
 * Ownership: takes @p list. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_application_list_free(numbering_application_list *list);

/**
 * How many applications the page holds; 0 for NULL.
 * @param[in] list the page, or NULL.
 * @return the count. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(size_t) numbering_application_list_count(const numbering_application_list *list);

/**
 * How many applications matched, the page's and every other; 0 for NULL.
 * @param[in] list the page, or NULL.
 * @return the total. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(int64_t) numbering_application_list_total(const numbering_application_list *list);

/**
 * The id of application @p i of the page; 0 for NULL or @p i out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return the id. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(int64_t) numbering_application_list_id(const numbering_application_list *list, size_t i);

/**
 * The name of application @p i; "" for NULL or @p i out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return a string owned by @p list. Sets no error. Thread safety: any number of
 *         threads may read it.
 */
NUMBERING_EXTERN(const char *) numbering_application_list_name(const numbering_application_list *list, size_t i);

/**
 * When application @p i was created, ns since the epoch (a store time); 0 for NULL or
 * @p i out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return the time. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(int64_t) numbering_application_list_created(const numbering_application_list *list, size_t i);

/**
 * How many rules application @p i has: 0 for NULL, @p i out of range, or a page read
 * without its rules.
 * @param[in] list the page, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return the count. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(size_t) numbering_application_list_rule_count(const numbering_application_list *list, size_t i);

/**
 * The id of rule @p j of application @p i; 0 when out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i the application, 0 .. count - 1.
 * @param[in] j the rule, 0 .. rule count - 1.
 * @return the id. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(int64_t) numbering_application_list_rule_id(const numbering_application_list *list, size_t i,
                                                             size_t j);

/**
 * The name of rule @p j of application @p i; "" when out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i the application.
 * @param[in] j the rule.
 * @return a string owned by @p list. Sets no error. Thread safety: any number of
 *         threads may read it.
 */
NUMBERING_EXTERN(const char *) numbering_application_list_rule_name(const numbering_application_list *list,
                                                                    size_t i, size_t j);

/**
 * The pattern of rule @p j of application @p i; NULL when it has none or out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i the application.
 * @param[in] j the rule.
 * @return a string owned by @p list, or NULL. Sets no error. Thread safety: any number
 *         of threads may read it.
 */
NUMBERING_EXTERN(const char *) numbering_application_list_rule_pattern(const numbering_application_list *list,
                                                                       size_t i, size_t j);

/**
 * When rule @p j of application @p i was created (ns, a store time); 0 when out of range.
 * @param[in] list the page, or NULL.
 * @param[in] i the application.
 * @param[in] j the rule.
 * @return the time. Sets no error. Thread safety: any number of threads may read it.
 */
NUMBERING_EXTERN(int64_t) numbering_application_list_rule_created(const numbering_application_list *list, size_t i,
                                                                  size_t j);

/**
 * Declares @p project the child of @p parent_project (SetParentAccount), or, with
 * @p parent_project NULL or "", makes it nobody's child. A host operation.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.accounts.setParent on project "*".
 * @param[in] project "projects/{child}".
 * @param[in] parent_project "projects/{parent}", or NULL / "".
 * @return NUMBERING_OK (also when nothing changes); NUMBERING_INVALID_ARGUMENT naming
 *         "account_id" or "parent_account_id"; NUMBERING_FAILED_PRECONDITION naming
 *         "parent_account_id" and both projects when the link would make a cycle (a
 *         project its own parent, or a parent of one of its parents);
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_set_parent_account(numbering_store *store, const char *caller,
                                                         const char *project, const char *parent_project);

/**
 * The parent of @p project: "projects/{parent}", or "" when it has none.
 * @param[out] out the parent, the caller's, freed with numbering_free(); NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.applications.list on @p project.
 * @param[in] project "projects/{project}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "account_id";
 *         NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_parent_account(char **out, numbering_store *store, const char *caller,
                                                         const char *project);

#ifdef __cplusplus
}
#endif

#endif
