/*
 * The kind table, expanded from NUMBERING__KINDS (model/kinds.h).
 */
#include <stddef.h>
#include <string.h>

#include "core/error.h"
#include "model/kinds.h"
#include "model/record.h"
#include "model/validate.h"

/* Indexed by kind; an entry whose kind is 0 is not a kind. */
static const struct numbering__kind kinds[NUMBERING_RECORD_KIND_MAX + 1] = {
#define KIND_ENTRY(name, value, kind_name, parent_prefix, collection, check)                                          \
	[value] = {value, kind_name, parent_prefix, sizeof(parent_prefix) - 1, collection, sizeof(collection) - 1, check},
	NUMBERING__KINDS(KIND_ENTRY)
#undef KIND_ENTRY
};

const struct numbering__kind *numbering__kind_find(int kind)
{
	if (kind < 1 || kind > NUMBERING_RECORD_KIND_MAX || kinds[kind].kind != kind)
		return NULL;
	return &kinds[kind];
}

const char *numbering_record_kind_name(int kind)
{
	const struct numbering__kind *k = numbering__kind_find(kind);
	return k == NULL ? NULL : k->name;
}

int numbering_record_check(const numbering_record *record)
{
	if (record == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "record", "numbering_record_check: the record is NULL");
	int rc = numbering__record_check(record);
	return rc != NUMBERING_OK ? rc : numbering__record_check_body(record);
}

int numbering__record_check_body(const numbering_record *record)
{
	const struct numbering__kind *k = numbering__kind_find(record->kind);
	if (k == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "kind",
		                              "record kind %d is not one this library defines", record->kind);
	/* Every name the library writes is UTF-8 text (a change journal record names the
	 * records a commit touched, and its check refuses a name that is not): a stored name
	 * that is not is damage, whatever its kind. */
	const char *problem = numbering__stored_text_problem(record->name, strlen(record->name));
	if (problem != NULL) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_DATA_LOSS, "name", "the stored %s record \"%s\" is damaged: its name: %s",
		                              k->name, numbering__quote(quoted, record->name, strlen(record->name)), problem);
	}
	if (k->check == NULL)
		return NUMBERING_OK;
	unsigned serial = numbering__error_serial();
	int rc = k->check(record);
	if (rc == NUMBERING_OK)
		return NUMBERING_OK;
	/* A check that answered without describing what it met still gets a message naming the record. */
	if (numbering__error_serial() == serial || numbering_error_code() != rc) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(rc, "body", "the stored %s record \"%s\" is damaged: it does not read back",
		                              k->name, numbering__quote(quoted, record->name, strlen(record->name)));
	}
	return rc;
}
