/*
 * The attribute lists of applications, rules and parent-account links (the
 * APPLICATION, RULE and ACCOUNT_LINK records, kinds 15 to 17: service/application.c,
 * service/account-link.c; docs/RECORDS.md). X(id, type, json, limit, dflt) as
 * model/fields.h; append only: a row's position is its presence bit in every stored body.
 *
 *  application_name  the application's name, unique in its project (also key 0)
 *  rule_name         the rule's name, unique in its application (also key 0)
 *  rule_pattern      the rule's pattern (a regular expression's text, stored as
 *                    given; absent when none was given)
 *  parent            the parent project "projects/{p}" (also the record's parent)
 *  create_time       when it was made (the link's sort key)
 */
#ifndef NUMBERING_MODEL_APPLICATION_FIELDS_H
#define NUMBERING_MODEL_APPLICATION_FIELDS_H

/* clang-format off */
#define NUMBERING__APPLICATION_FIELDS(X)                                \
	X(application_name, TEXT, "application_name", 128,          0)   \
	X(create_time,      TIME, "created",          0,            0)

#define NUMBERING__RULE_FIELDS(X)                                       \
	X(rule_name,        TEXT, "rule_name",        128,          0)   \
	X(create_time,      TIME, "created",          0,            0)   \
	X(rule_pattern,     TEXT, "rule_pattern",     4096,         0)

#define NUMBERING__ACCOUNT_LINK_FIELDS(X)                               \
	X(parent,           TEXT, "parent_account",   79,           0)   \
	X(create_time,      TIME, "created",          0,            0)
/* clang-format on */

#endif
