/*
 * The field table (model/instance-fields.h) once for each bit of a body byte of an
 * instance record, 0 to 6, with NUMBERING__RECORD_SLOT that bit: a row whose `at` is
 * the slot emits its code, the others emit code the compiler drops (a constant false
 * condition), so the fields come out in bit order whatever the row order, as straight
 * code. Bit 7 of the mask and of the extra byte is no field's (model/instance-record.c
 * asserts it). Include it with NUMBERING__INSTANCE_FIELD defined; no include guard.
 */
#define NUMBERING__RECORD_SLOT 0
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
#define NUMBERING__RECORD_SLOT 1
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
#define NUMBERING__RECORD_SLOT 2
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
#define NUMBERING__RECORD_SLOT 3
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
#define NUMBERING__RECORD_SLOT 4
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
#define NUMBERING__RECORD_SLOT 5
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
#define NUMBERING__RECORD_SLOT 6
#include "model/instance-fields.h"
#undef NUMBERING__RECORD_SLOT
