/* Planting old stored bytes in tests: see tests/record-plant.h. */
#include "record-plant.h"

#include <string.h>

#include <numbering/numbering.h>

int record_plant_visit(const numbering_record *record, void *payload)
{
	struct record_plant *p = payload;
	uint8_t *bytes = NULL;
	size_t len = 0, n = strlen(p->from);
	int rc = numbering_record_encode(&bytes, &len, record);
	if (rc != NUMBERING_OK) {
		if (p->rc == NUMBERING_OK)
			p->rc = rc;
		return 0;
	}
	int changed = 0;
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(bytes + i, p->from, n) == 0) {
			memcpy(bytes + i, p->to, n);
			changed = 1;
		}
	if (!changed || p->count == RECORD_PLANT_MAX) {
		numbering_free(bytes);
		return 0;
	}
	p->copies[p->count] = bytes;
	p->lens[p->count++] = len;
	return 0;
}

int record_plant_write(numbering_backend *backend, struct record_plant *plant)
{
	int rc = backend->begin(backend);
	int began = rc == NUMBERING_OK;
	for (int i = 0; i < plant->count && rc == NUMBERING_OK; i++) {
		numbering_record r;
		rc = numbering_record_decode(&r, plant->copies[i], plant->lens[i]);
		if (rc == NUMBERING_OK)
			rc = backend->put(backend, &r);
	}
	if (rc == NUMBERING_OK)
		rc = backend->commit(backend);
	else if (began)
		backend->rollback(backend);
	for (int i = 0; i < plant->count; i++)
		numbering_free(plant->copies[i]);
	plant->count = 0;
	return rc;
}

int record_plant_copy(numbering_backend *backend, int kind, const char *parent, const char *from, const char *to)
{
	struct record_plant p = RECORD_PLANT_INIT(from, to);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = kind;
	q.parent = parent;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	int rc = backend->list(backend, &q, record_plant_visit, &p);
	if (rc == NUMBERING_OK)
		rc = p.rc;
	if (rc == NUMBERING_OK && p.count == 0)
		rc = NUMBERING_NOT_FOUND;
	if (rc == NUMBERING_OK)
		return record_plant_write(backend, &p);
	for (int i = 0; i < p.count; i++) /* not written: the list failed */
		numbering_free(p.copies[i]);
	return rc;
}
