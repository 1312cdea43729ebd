/*
 * The one list of an active number's own attributes (model/active.h): what a number
 * rented or configured through the Sinch seed holds besides its instance and the
 * inventory attributes it was rented with. X(id, type, json, limit, dflt) as
 * model/available-fields.h; the names are the seed's JSON paths. Append only: a row's
 * position is its presence bit in every stored body.
 *
 * Scheduled provisioning statuses (the *_task_status rows): 0 none, 1 WAITING,
 * 2 IN_PROGRESS, 3 FAILED (NUMBERING_PROVISIONING_*).
 */
#ifndef NUMBERING_MODEL_ACTIVE_FIELDS_H
#define NUMBERING_MODEL_ACTIVE_FIELDS_H

/* clang-format off */
#define NUMBERING__ACTIVE_FIELDS(X)                                                                                          \
	X(instance,                 TEXT, "instance",                                                       512,  0)              \
	X(callback_url,             TEXT, "callbackUrl",                                                    2048, 0)              \
	X(rent_time,                TIME, "rentTime",                                                       0,    0)              \
	X(next_charge_time,         TIME, "nextChargeDate",                                                 0,    0)              \
	X(expire_time,              TIME, "expireAt",                                                       0,    0)              \
	X(sms_service_plan_id,      TEXT, "smsConfiguration.servicePlanId",                                 256,  0)              \
	X(sms_campaign_id,          TEXT, "smsConfiguration.campaignId",                                    256,  0)              \
	X(sms_task_service_plan_id, TEXT, "smsConfiguration.scheduledProvisioning.servicePlanId",           256,  0)              \
	X(sms_task_campaign_id,     TEXT, "smsConfiguration.scheduledProvisioning.campaignId",              256,  0)              \
	X(sms_task_status,          INT,  "smsConfiguration.scheduledProvisioning.status",                  3,    0)              \
	X(sms_task_time,            TIME, "smsConfiguration.scheduledProvisioning.lastUpdatedTime",         0,    0)              \
	X(sms_task_errors,          TEXT, "smsConfiguration.scheduledProvisioning.errorCodes",              1024, 0)              \
	X(voice_app_id,             TEXT, "voiceConfiguration.appId",                                       256,  0)              \
	X(voice_time,               TIME, "voiceConfiguration.lastUpdatedTime",                             0,    0)              \
	X(voice_task_app_id,        TEXT, "voiceConfiguration.scheduledVoiceProvisioning.appId",            256,  0)              \
	X(voice_task_status,        INT,  "voiceConfiguration.scheduledVoiceProvisioning.status",           3,    0)              \
	X(voice_task_time,          TIME, "voiceConfiguration.scheduledVoiceProvisioning.lastUpdatedTime",  0,    0)
/* clang-format on */

#endif
