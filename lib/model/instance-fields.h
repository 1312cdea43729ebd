/*
 * The one list of the fields of a phone number instance (struct numbering_instance in
 * model/instance.h, the API's PhoneNumberInstance). Everything that goes field by field
 * expands it, as core/status-list.h is expanded for status codes: freeing, resetting,
 * copying and freezing an instance (model/instance.c), its string getters, the format-1
 * codec (model/encode.c), the body of its storage record (model/instance-record.c), JSON
 * in and out (json/instance-json.c) and the update mask (model/validate.c,
 * service/update.c). Include it with NUMBERING__INSTANCE_FIELD defined.
 *
 * NUMBERING__INSTANCE_FIELD(id, member, type, f1, f1_bit, aux, limit, obj, camel, snake, access, set, json, getter,
 *                           body, at, how)
 *
 *  id      a name unique in the list: the public getter is numbering_instance_<id>()
 *          and JSON code names the field by it
 *  member  the struct member the row stores, or the one it shows (a VIEW row)
 *  type    how the member is held, for free / reset / copy / freeze:
 *            STR     struct numbering__str
 *            U8 U32 I64 U64  a plain integer, copied by value
 *            LABELS  the label array (labels, label_count, label_cap)
 *            URIS    a handler list: member[], and aux names its count member
 *            VIEW    nothing of its own (another row's member, or a JSON object)
 *  f1      how format 1 (model/encode.c) stores it, after presence bit f1_bit:
 *            STR      varint length and 1..limit bytes, present when not empty
 *            TIME     zigzag varint; aux REL: the difference from create_time
 *            ENUM     bits aux.. of the one enums varint (bit f1_bit), 0..limit
 *            FLAG     the presence bit alone says 1 (0 or 1 held)
 *            LABELS   count, then key and value strings (limit: key bytes)
 *            URIS     count, then 1..limit byte strings
 *            SPECIAL  special code in encode.c (a name kept as project and id, numbers
 *                     derived from the digits): aux is its second bit, f1_bit again
 *                     when it has none
 *            NONE     not encoded
 *          limit is also the record body's: a string's most bytes, the largest value
 *          of a PACK or STATE integer, a handler URI's or a label key's most bytes
 *  obj     the JSON object holding it: TOP (the instance), PHONE (phoneNumber), RANGE
 *          (range), NONE (not in JSON)
 *  camel, snake  its JSON names, both accepted on input; the update-mask path is
 *          "snake" under its object's snake name ("phone_number.sku")
 *  access  what an update mask may name: WRITABLE, CREATE_ONLY, OUTPUT_ONLY, or
 *          CREATE_INPUT (a create request sets it, the mask calls it output only)
 *  set     its NUMBERING__SET_* bit in a request (0: none)
 *  json    its JSON output, and input when it is OUTPUT_ONLY (type checked, ignored):
 *            STR (omitted when ""), ENUM (its name, omitted when 0, named by
 *            numbering_<id>_name()), TIME (RFC 3339, omitted when 0), BOOL and INT
 *            (always), SPECIAL (a function of json/instance-json.c named for the id),
 *            NONE (not in JSON)
 *  getter  STR: numbering_instance_<id>() returns the string, generated; OWN: written
 *          by hand in model/instance.c; NONE: no getter, and not in JSON output (JSON
 *          output reads every field through its getter)
 *  body    its place in the body of an instance record (model/instance-record.c,
 *          docs/RECORDS.md: a mask byte, a pack byte, a state byte, the mask's strings,
 *          then the extra byte and its fields), at bit or shift `at`, read and written
 *          in bit order whatever the row order:
 *            KEY      held by the record's keys (name, sort key, interval), not the body
 *            MASK     a string of 1..limit bytes, present when mask bit `at` (0..6) is set
 *            DERIVED  the same, stored only when it is not what the numbers give; how:
 *                     FIRST the +E164 text of the first number, LAST that of the last
 *                     for a range and "" for a single number
 *            PACK     an integer 0..limit in `how` bits from bit `at` of the pack byte
 *                     (its bit 7 is TIME_OR_CREATE's)
 *            STATE    the same in the state byte
 *            EXTRA    after the strings when extra bit `at` (0..6) is set; how:
 *                       SET_BITS  varint of NUMBERING__SET_* bits (those this table
 *                                 names), stored when not 0
 *                       SIZE      zigzag varint, stored when not last - first + 1
 *                       TIME      zigzag varint difference from create_time, stored
 *                                 when the time is not 0
 *                       TIME_OR_CREATE  the same, or bit 7 of the pack byte alone when
 *                                 it is create_time (not 0); at most one row
 *                       URIS      a count byte (1..5), then strings of 1..limit bytes
 *                       LABELS    varint count (1..50), then key (1..limit bytes) and
 *                                 value strings in strictly increasing key order
 *            NONE     not stored: a VIEW, and only a VIEW (a static assertion in
 *                     model/instance-record.c refuses a stored field without a place)
 *          at and how are -1 where they do not apply. The mask and the extra byte have
 *          bit 7 left: it is the mask's "extra follows" and the extra byte's "reserved",
 *          so all 14 bits are taken (see docs/EXTENDING.md for the next field).
 *
 * Rows keep the JSON output order (the seed's field order), objects before their
 * members. Adding a plain output-only string field is one row here plus its public
 * getter declaration (include/numbering/instance.h, lib/numbering.sym); a writable one
 * adds its setter and NUMBERING__SET_ bit.
 */
#ifndef NUMBERING_MODEL_INSTANCE_FIELDS_LIMITS
#define NUMBERING_MODEL_INSTANCE_FIELDS_LIMITS
/* Byte limits of format-1 strings: the model's character limits at 4 bytes each, or a
 * generous bound where the model has none. */
#define NUMBERING__F1_NAME_BYTES_MAX 512
#define NUMBERING__F1_NUMBER_TEXT_MAX 64
#define NUMBERING__F1_COUNTRY_CODE_MAX 8
#define NUMBERING__F1_DISPLAY_NAME_BYTES_MAX (NUMBERING_DISPLAY_NAME_MAX * 4)
#define NUMBERING__F1_LABEL_KEY_BYTES_MAX (NUMBERING_LABEL_KEY_MAX * 4)
#define NUMBERING__F1_LABEL_VALUE_BYTES_MAX (NUMBERING_LABEL_VALUE_MAX * 4)
#endif

/* clang-format off */
/*                          id                   member                  type    f1       bit aux                   limit                             obj    camel                         snake                            access       set                               json     getter body     at  how */
NUMBERING__INSTANCE_FIELD(name,                  name,                   STR,    SPECIAL, 14, 0,                    NUMBERING__F1_NAME_BYTES_MAX,     TOP,   "name",                       "name",                          OUTPUT_ONLY, 0,                                STR,     STR,  KEY,     -1, -1)
NUMBERING__INSTANCE_FIELD(phone_number_object,   phone_number,           VIEW,   NONE,    -1, -1,                   0,                                TOP,   "phoneNumber",                "phone_number",                  CREATE_ONLY, 0,                                SPECIAL, NONE, NONE,    -1, -1)
NUMBERING__INSTANCE_FIELD(phone_number_name,     name,                   VIEW,   NONE,    -1, -1,                   0,                                PHONE, "name",                       "name",                          OUTPUT_ONLY, 0,                                STR,     NONE, NONE,    -1, -1)
NUMBERING__INSTANCE_FIELD(phone_number,          phone_number,           STR,    SPECIAL, 15, 1,                    NUMBERING__F1_NUMBER_TEXT_MAX,    PHONE, "phoneNumber",                "phone_number",                  CREATE_ONLY, NUMBERING__SET_PHONE_NUMBER,      STR,     STR,  DERIVED, 5,  FIRST)
NUMBERING__INSTANCE_FIELD(capabilities,          capabilities,           U8,     ENUM,    3,  8,                    7,                                PHONE, "capabilities",               "capabilities",                  WRITABLE,    NUMBERING__SET_CAPABILITIES,      SPECIAL, OWN,  STATE,   3,  3)
NUMBERING__INSTANCE_FIELD(sku,                   sku,                    STR,    STR,     18, -1,                   NUMBERING__F1_NAME_BYTES_MAX,     PHONE, "sku",                        "sku",                           OUTPUT_ONLY, 0,                                STR,     STR,  MASK,    0,  -1)
NUMBERING__INSTANCE_FIELD(activation_sku,        activation_sku,         STR,    STR,     19, -1,                   NUMBERING__F1_NAME_BYTES_MAX,     PHONE, "activationSku",              "activation_sku",                OUTPUT_ONLY, 0,                                STR,     STR,  MASK,    1,  -1)
NUMBERING__INSTANCE_FIELD(number_type,           number_type,            U8,     ENUM,    3,  5,                    NUMBERING_NUMBER_TYPE_SHARED_RATE, PHONE, "numberType",                "number_type",                   WRITABLE,    NUMBERING__SET_NUMBER_TYPE,       ENUM,    OWN,  PACK,    4,  3)
NUMBERING__INSTANCE_FIELD(country_code,          country_code,           STR,    STR,     6,  -1,                   NUMBERING__F1_COUNTRY_CODE_MAX,   PHONE, "countryCode",                "country_code",                  OUTPUT_ONLY, 0,                                STR,     STR,  MASK,    2,  -1)
NUMBERING__INSTANCE_FIELD(display_name,          display_name,           STR,    STR,     7,  -1,                   NUMBERING__F1_DISPLAY_NAME_BYTES_MAX, TOP, "displayName",              "display_name",                  WRITABLE,    NUMBERING__SET_DISPLAY_NAME,      STR,     STR,  MASK,    3,  -1)
NUMBERING__INSTANCE_FIELD(labels,                labels,                 LABELS, LABELS,  11, -1,                   NUMBERING__F1_LABEL_KEY_BYTES_MAX, TOP,  "labels",                     "labels",                        WRITABLE,    NUMBERING__SET_LABELS,            SPECIAL, OWN,  EXTRA,   6,  LABELS)
NUMBERING__INSTANCE_FIELD(message_handlers,      message_handlers,       URIS,   URIS,    12, message_handler_count, NUMBERING_URI_MAX,               TOP,   "incomingMessageHandlerUris", "incoming_message_handler_uris", WRITABLE,    NUMBERING__SET_MESSAGE_HANDLERS,  SPECIAL, OWN,  EXTRA,   4,  URIS)
NUMBERING__INSTANCE_FIELD(call_handlers,         call_handlers,          URIS,   URIS,    13, call_handler_count,   NUMBERING_URI_MAX,                TOP,   "incomingCallHandlerUris",    "incoming_call_handler_uris",    WRITABLE,    NUMBERING__SET_CALL_HANDLERS,     SPECIAL, OWN,  EXTRA,   5,  URIS)
NUMBERING__INSTANCE_FIELD(call_recording_trigger, call_recording_trigger, U8,    ENUM,    3,  3,                    NUMBERING_RECORDING_BRIDGE,       TOP,   "callRecordingTrigger",       "call_recording_trigger",        WRITABLE,    NUMBERING__SET_RECORDING_TRIGGER, SPECIAL, OWN,  PACK,    2,  2)
NUMBERING__INSTANCE_FIELD(create_time,           create_time,            I64,    TIME,    4,  ABS,                  0,                                TOP,   "createTime",                 "create_time",                   OUTPUT_ONLY, 0,                                TIME,    OWN,  KEY,     -1, -1)
NUMBERING__INSTANCE_FIELD(delete_time,           delete_time,            I64,    TIME,    10, REL,                  0,                                TOP,   "deleteTime",                 "delete_time",                   OUTPUT_ONLY, 0,                                TIME,    OWN,  EXTRA,   2,  TIME)
NUMBERING__INSTANCE_FIELD(activate_time,         activate_time,          I64,    TIME,    5,  REL,                  0,                                TOP,   "activateTime",               "activate_time",                 OUTPUT_ONLY, 0,                                TIME,    OWN,  EXTRA,   3,  TIME_OR_CREATE)
NUMBERING__INSTANCE_FIELD(lifecycle_state,       lifecycle_state,        U8,     ENUM,    3,  0,                    NUMBERING_LIFECYCLE_PENDING,      TOP,   "lifecycleState",             "lifecycle_state",               CREATE_INPUT, NUMBERING__SET_LIFECYCLE_STATE,  ENUM,    OWN,  STATE,   0,  3)
NUMBERING__INSTANCE_FIELD(range,                 is_range,               U8,     FLAG,    8,  -1,                   1,                                TOP,   "range",                      "range",                         CREATE_INPUT, 0,                               SPECIAL, NONE, PACK,    0,  1)
NUMBERING__INSTANCE_FIELD(range_primary,         name,                   VIEW,   NONE,    -1, -1,                   0,                                RANGE, "primaryPhoneNumberInstance", "primary_phone_number_instance", OUTPUT_ONLY, 0,                                STR,     OWN,  NONE,    -1, -1)
NUMBERING__INSTANCE_FIELD(range_start,           phone_number,           VIEW,   NONE,    -1, -1,                   0,                                RANGE, "startPhoneNumber",           "start_phone_number",            OUTPUT_ONLY, 0,                                STR,     OWN,  NONE,    -1, -1)
NUMBERING__INSTANCE_FIELD(range_end,             range_end,              STR,    SPECIAL, 16, 9,                    NUMBERING__F1_NUMBER_TEXT_MAX,    RANGE, "endPhoneNumber",             "end_phone_number",              CREATE_ONLY, NUMBERING__SET_RANGE_END,         STR,     OWN,  DERIVED, 6,  LAST)
NUMBERING__INSTANCE_FIELD(range_size,            range_size,             I64,    SPECIAL, 17, 17,                   0,                                RANGE, "size",                       "size",                          CREATE_ONLY, NUMBERING__SET_RANGE_SIZE,        INT,     OWN,  EXTRA,   1,  SIZE)
NUMBERING__INSTANCE_FIELD(regulatory_listing,    regulatory_listing,     STR,    STR,     20, -1,                   NUMBERING__F1_NAME_BYTES_MAX,     TOP,   "regulatoryListing",          "regulatory_listing",            CREATE_INPUT, NUMBERING__SET_REGULATORY_LISTING, STR,   STR,  MASK,    4,  -1)
NUMBERING__INSTANCE_FIELD(compliant,             compliant,              U8,     NONE,    -1, -1,                   1,                                TOP,   "compliant",                  "compliant",                     OUTPUT_ONLY, 0,                                BOOL,    OWN,  PACK,    1,  1)
/* The numbers held once stored: digits, first and last share presence bit 2. */
NUMBERING__INSTANCE_FIELD(first,                 first,                  U64,    SPECIAL, 2,  2,                    0,                                NONE,  NULL,                         NULL,                            OUTPUT_ONLY, 0,                                NONE,    NONE, KEY,     -1, -1)
NUMBERING__INSTANCE_FIELD(last,                  last,                   U64,    NONE,    -1, -1,                   0,                                NONE,  NULL,                         NULL,                            OUTPUT_ONLY, 0,                                NONE,    NONE, KEY,     -1, -1)
NUMBERING__INSTANCE_FIELD(digits,                digits,                 U8,     NONE,    -1, -1,                   0,                                NONE,  NULL,                         NULL,                            OUTPUT_ONLY, 0,                                NONE,    NONE, KEY,     -1, -1)
/* The store-wide phone id (Voximplant's phone_id, service/phone.h): the record's
 * keys[0] as decimal text, absent (0) in a record written before phone ids. Not in the
 * Enfonica JSON nor in format 1. */
NUMBERING__INSTANCE_FIELD(phone_id,              phone_id,               I64,    NONE,    -1, -1,                   0,                                NONE,  NULL,                         NULL,                            OUTPUT_ONLY, 0,                                NONE,    OWN,  KEY,     -1, -1)
/* Which fields a request set: only a request's instance holds it; never shown. */
NUMBERING__INSTANCE_FIELD(set,                   set,                    U32,    NONE,    -1, -1,                   0,                                NONE,  NULL,                         NULL,                            OUTPUT_ONLY, 0,                                NONE,    NONE, EXTRA,   0,  SET_BITS)
/* clang-format on */
