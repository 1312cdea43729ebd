/*
 * The one list of a callback delivery's attributes (the DELIVERY record of the outbox,
 * service/outbox.c), and of a project's callback configuration (CALLBACK_CONFIG): its
 * hmacSecret, and the account's general inbound SMS callback URL (Voximplant: where a
 * number without its own incoming_sms_callback_url sends them; service/phone.h).
 * X(id, type, json, limit, dflt) as model/fields.h; append only.
 */
#ifndef NUMBERING_MODEL_OUTBOX_FIELDS_H
#define NUMBERING_MODEL_OUTBOX_FIELDS_H

/* clang-format off */
#define NUMBERING__DELIVERY_FIELDS(X)                                  \
	X(url,          TEXT, "url",             2048,           0)        \
	X(project,      TEXT, "projectId",       63,             0)        \
	X(body,         TEXT, "body",            65536,          0)        \
	X(attempts,     INT,  "attempts",        1000,           0)        \
	X(last_error,   TEXT, "lastError",       1024,           0)        \
	X(create_time,  TIME, "createTime",      0,              0)        \
	X(dead,         BOOL, "dead",            1,              0)

#define NUMBERING__CALLBACK_CONFIG_FIELDS(X)                           \
	X(hmac_secret,  TEXT, "hmacSecret",      256,            0)        \
	X(sms_url,      TEXT, "incomingSmsCallbackUrl", 2048,    0)
/* clang-format on */

#endif
