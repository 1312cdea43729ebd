/*
 * Reservations on the JSON entry point (lib/json/reservation-json.c, registered in
 * lib/json/call.c; docs/JSON-API.md): ReserveAvailableNumbers, GetReservation,
 * ListReservations, DeleteReservation.
 */
#ifndef NUMBERING_JSON_RESERVATION_JSON_H
#define NUMBERING_JSON_RESERVATION_JSON_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_reserve_available_numbers(json_t **result, numbering_store *store, const char *caller,
                                              json_t *request);
int numbering__json_get_reservation(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_list_reservations(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_delete_reservation(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
