/* Damaged records in tests (record-damage.h): every cut and every flipped bit of a
 * record's body, through its kind's check. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/kinds.h"
#include "numbering/errors.h"
#include "record-damage.h"

int record_damage_check_all(const numbering_record *record)
{
	const struct numbering__kind *kind = numbering__kind_find(record->kind);
	ck_assert_ptr_nonnull(kind);
	ck_assert_int_eq(kind->check(record), NUMBERING_OK);
	int cases = 0;
	size_t len = record->body_len;
	for (size_t cut = 0; cut <= len; cut++) {
		for (size_t bit = 0; bit <= (cut == len ? 8 * len : 0); bit++) {
			uint8_t *body = malloc(cut > 0 ? cut : 1);
			ck_assert_ptr_nonnull(body);
			memcpy(body, record->body, cut);
			if (cut == len && bit < 8 * len)
				body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			numbering_record copy = *record;
			copy.body = cut > 0 ? body : NULL;
			copy.body_len = cut;
			int rc = kind->check(&copy);
			ck_assert_msg(rc == NUMBERING_OK || rc == NUMBERING_DATA_LOSS, "%s cut at %zu, bit %zu: %s",
			              record->name, cut, bit, numbering_status_name(rc));
			free(body);
			cases++;
		}
	}
	return cases;
}

int record_damage_visit(const numbering_record *record, void *payload)
{
	struct record_damage *d = payload;
	d->records++;
	d->cases += record_damage_check_all(record);
	return 0;
}
