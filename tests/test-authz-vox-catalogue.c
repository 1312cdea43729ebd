/*
 * Authorization of Voximplant's catalogue methods (lib/json/vox-catalogue.c): each of
 * GetPhoneNumberCategories, GetPhoneNumberCountryStates, GetPhoneNumberRegions,
 * GetActualPhoneNumberRegion and GetNewPhoneNumbers needs numbering.availableNumbers.list
 * on the account's project, and only that: refused exactly when it is (PERMISSION_DENIED
 * naming the permission and the project, no result), answered when any other permission
 * or the permission on another project is refused.
 */
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "store-fixture.h"
#include "suites.h"

static const struct {
	const char *method, *request;
} calls[] = {
	{"GetPhoneNumberCategories", "{\"account_id\":\"p1\"}"},
	{"GetPhoneNumberCountryStates", "{\"account_id\":\"p1\",\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\"}"},
	{"GetPhoneNumberRegions", "{\"account_id\":\"p1\",\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\"}"},
	{"GetActualPhoneNumberRegion",
	 "{\"account_id\":\"p1\",\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\",\"phone_region_id\":10}"},
	{"GetNewPhoneNumbers",
	 "{\"account_id\":\"p1\",\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\",\"phone_region_id\":10}"},
};

static const char *const permissions[] = {
	"numbering.availableNumbers.list", "numbering.availableNumbers.get", "numbering.availableNumbers.rent",
	"numbering.availableRegions.list", "numbering.phoneNumbers.list",    "numbering.phoneNumbers.attach",
};

START_TEST(each_needs_its_permission)
{
	fixture_open(NULL);
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, "user:host", "ImportAvailableNumbers",
	                                           "{\"availableNumbers\":[{\"phoneNumber\":\"+12135550100-04\",\"type\":"
	                                           "\"LOCAL\",\"categoryName\":\"GEOGRAPHIC\",\"region\":\"CA\","
	                                           "\"regionId\":10,\"regionName\":\"Los Angeles\"}]}"),
	                 NUMBERING_OK);
	numbering_free(response);
	for (size_t p = 0; p < sizeof(permissions) / sizeof(permissions[0]); p++) {
		for (int other_project = 0; other_project <= 1; other_project++) {
			fx.deny_permission = permissions[p];
			fx.deny_project = other_project ? "projects/p2" : NULL;
			int refused = p == 0 && !other_project;
			for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
				response = NULL;
				int rc = numbering_store_call_json(&response, fx.store, "user:a", calls[i].method, calls[i].request);
				if (refused) {
					ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s with %s refused: %s", calls[i].method,
					              permissions[p], response);
					ck_assert_ptr_nonnull(strstr(response, "numbering.availableNumbers.list"));
					ck_assert_ptr_nonnull(strstr(response, "projects/p1"));
					ck_assert_ptr_null(strstr(response, "\"result\""));
				} else {
					ck_assert_msg(rc == NUMBERING_OK, "%s with %s refused on %s: %s", calls[i].method, permissions[p],
					              other_project ? "p2" : "p1", response);
					ck_assert_ptr_nonnull(strstr(response, "\"result\""));
				}
				numbering_free(response);
			}
		}
	}
	fx.deny_permission = NULL;
	fx.deny_project = NULL;
	fixture_close();
}
END_TEST

Suite *authz_vox_catalogue_suite(void)
{
	Suite *s = suite_create("authz_vox_catalogue");
	TCase *tc = tcase_create("authz_vox_catalogue");
	tcase_add_test(tc, each_needs_its_permission);
	suite_add_tcase(s, tc);
	return s;
}
