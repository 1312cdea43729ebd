/* UpdatePhoneNumberInstance: only the masked, writable fields change. */
#include "core/error.h"
#include "model/validate.h"
#include "service/service.h"

/* A writable field by how its member is held (model/instance-fields.h): strings and
 * values are copied here; lists go through their setters below. */
#define APPLY_WRITABLE(type, m, set) APPLY_TYPE_##type(m, set)
#define APPLY_CREATE_ONLY(type, m, set)
#define APPLY_OUTPUT_ONLY(type, m, set)
#define APPLY_CREATE_INPUT(type, m, set)
#define APPLY_TYPE_STR(m, set)                                                                                 \
	if (rc == NUMBERING_OK && (bits & (set)))                                                                  \
		rc = numbering__str_set(&instance->m, numbering__str_get(&request->m), request->m.len);
#define APPLY_TYPE_U8(m, set)                                                                                  \
	if (bits & (set))                                                                                          \
		instance->m = request->m;
#define APPLY_TYPE_U32 APPLY_TYPE_U8
#define APPLY_TYPE_I64 APPLY_TYPE_U8
#define APPLY_TYPE_U64 APPLY_TYPE_U8
#define APPLY_TYPE_LABELS(m, set)
#define APPLY_TYPE_URIS(m, set)
#define APPLY_TYPE_VIEW(m, set)

/* Copies the fields named by @bits from @request into @instance. */
static int apply(numbering_instance *instance, const numbering_instance *request, uint32_t bits)
{
	int rc = NUMBERING_OK;
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, access, set, ...)          \
	APPLY_##access(type, m, set)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	if (rc == NUMBERING_OK && (bits & NUMBERING__SET_LABELS)) {
		numbering_instance_clear_labels(instance);
		for (uint32_t i = 0; rc == NUMBERING_OK && i < request->label_count; i++)
			rc = numbering_instance_set_label(instance, numbering__str_get(&request->labels[i].key),
			                                  numbering__str_get(&request->labels[i].value));
	}
	if (rc == NUMBERING_OK && (bits & NUMBERING__SET_MESSAGE_HANDLERS)) {
		numbering_instance_clear_message_handlers(instance);
		for (uint32_t i = 0; rc == NUMBERING_OK && i < request->message_handler_count; i++)
			rc = numbering_instance_add_message_handler(instance, numbering__str_get(&request->message_handlers[i]));
	}
	if (rc == NUMBERING_OK && (bits & NUMBERING__SET_CALL_HANDLERS)) {
		numbering_instance_clear_call_handlers(instance);
		for (uint32_t i = 0; rc == NUMBERING_OK && i < request->call_handler_count; i++)
			rc = numbering_instance_add_call_handler(instance, numbering__str_get(&request->call_handlers[i]));
	}
	/* The seed's default trigger is DISABLED: an unset one in the request asks for it. */
	if ((bits & NUMBERING__SET_RECORDING_TRIGGER) &&
	    instance->call_recording_trigger == NUMBERING_RECORDING_TRIGGER_UNSPECIFIED)
		instance->call_recording_trigger = NUMBERING_RECORDING_DISABLED;
	instance->set = 0;
	return rc;
}

struct update_op {
	struct numbering__write_op op;
	const char *name;
	const numbering_instance *request;
	uint32_t bits;
};

static int update_locked(struct numbering__write_op *op, numbering_store *store)
{
	const struct update_op *o = (const struct update_op *)op;
	const char *name = o->name;
	numbering_instance *instance = NULL;
	int rc = numbering__begin_load(&instance, store, name, "name");
	if (rc != NUMBERING_OK)
		return rc;
	if (instance->lifecycle_state == NUMBERING_LIFECYCLE_DELETED)
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION, "cannot update %s: it is DELETED", name);
	if (rc == NUMBERING_OK)
		rc = apply(instance, o->request, o->bits);
	return numbering__save(op->out[0], store, instance, rc);
}

int numbering_store_update(numbering_instance **out, numbering_store *store, const char *caller, const char *name,
                           const numbering_instance *request, const char *update_mask)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_update: %s is NULL", out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(project, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_UPDATE, project);
	if (rc != NUMBERING_OK)
		return rc;
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance",
		                              "a phone number instance with the new values is required");
	/* No mask, an empty one or "*" means every writable field (DESIGN.md, store.h): the
	 * request replaces them all, and a field it leaves unset is cleared. */
	uint32_t bits = 0;
	if ((rc = numbering__parse_update_mask(&bits, update_mask, "update_mask")) != NUMBERING_OK)
		return rc;
	struct update_op op = {{update_locked, NULL, {out, NULL}, {"phoneNumberInstance.updated", NULL}, 0},
	                       name,
	                       request,
	                       bits};
	return numbering__write(store, &op.op);
}
