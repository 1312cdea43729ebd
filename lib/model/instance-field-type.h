/*
 * A field of the instance field table (model/instance-fields.h) by how its member is
 * held: FIELD_TYPE(type, ACTION) is ACTION_STR, ACTION_SCALAR (U8, U32, I64, U64),
 * ACTION_LABELS, ACTION_URIS or ACTION_VIEW, so that an expansion takes the action of
 * the row's type and skips the rest (model/instance.c, model/encode.c).
 */
#ifndef NUMBERING_MODEL_INSTANCE_FIELD_TYPE_H
#define NUMBERING_MODEL_INSTANCE_FIELD_TYPE_H

#define FIELD_TYPE(type, action) FIELD_TYPE_##type(action)
#define FIELD_TYPE_STR(action) action##_STR
#define FIELD_TYPE_U8(action) action##_SCALAR
#define FIELD_TYPE_U32(action) action##_SCALAR
#define FIELD_TYPE_I64(action) action##_SCALAR
#define FIELD_TYPE_U64(action) action##_SCALAR
#define FIELD_TYPE_LABELS(action) action##_LABELS
#define FIELD_TYPE_URIS(action) action##_URIS
#define FIELD_TYPE_VIEW(action) action##_VIEW

#endif
