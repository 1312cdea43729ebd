/* The test harness: runs every suite (or those named on the command line) and
 * ends with Check's summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

#ifndef NUMBERING_TEST_DATA_DIR
#define NUMBERING_TEST_DATA_DIR "tests/data"
#endif

const char *test_data_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("NUMBERING_TEST_DATA_DIR");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : NUMBERING_TEST_DATA_DIR, name);
	return path;
}

struct named_suite {
	const char *name;
	Suite *(*make)(void);
};

static const struct named_suite all_suites[] = {
	{"errors", errors_suite},
	{"e164", e164_suite},
	{"range", range_suite},
	{"differential", differential_suite},
	{"instance", instance_suite},
	{"validate", validate_suite},
	{"encode", encode_suite},
	{"backend_memory", backend_memory_suite},
	{"backend_file", backend_file_suite},
	{"store", store_suite},
	{"list", list_suite},
	{"resolve", resolve_suite},
	{"policy", policy_suite},
	{"json", json_suite},
	{"threads", threads_suite},
	{"alloc_failure", alloc_failure_suite},
	{"backend_errors", backend_errors_suite},
	{"stress", stress_suite},
	{"snapshot", snapshot_suite},
	{"authz", authz_suite},
	{"authz_sinch", authz_sinch_suite},
	{"limits", limits_suite},
	{"page_token", page_token_suite},
	{"callback", callback_suite},
	{"record", record_suite},
	{"kit_array", kit_array_suite},
	{"kit_memory", kit_memory_suite},
	{"kit_file", kit_file_suite},
	{"memory_records", memory_records_suite},
	{"slab", slab_suite},
	{"money", money_suite},
	{"inventory", inventory_suite},
	{"block_names", block_names_suite},
	{"active", active_suite},
	{"sinch_active", sinch_active_suite},
	{"outbox", outbox_suite},
	{"provisioning", provisioning_suite},
	{"reservation", reservation_suite},
	{"authz_reservation", authz_reservation_suite},
	{"billing", billing_suite},
	{"authz_billing", authz_billing_suite},
	{"subscription", subscription_suite},
	{"authz_subscription", authz_subscription_suite},
	{"due", due_suite},
	{"pricing", pricing_suite},
	{"purchase", purchase_suite},
	{"authz_purchase", authz_purchase_suite},
	{"vox_params", vox_params_suite},
	{"vox_numbers", vox_numbers_suite},
	{"authz_vox_numbers", authz_vox_numbers_suite},
	{"vox_attach", vox_attach_suite},
	{"authz_vox_attach", authz_vox_attach_suite},
	{"vox_catalogue", vox_catalogue_suite},
	{"authz_vox_catalogue", authz_vox_catalogue_suite},
	{"applications", applications_suite},
	{"authz_vox_apps", authz_vox_apps_suite},
	{"phone_id", phone_id_suite},
	{"ops", ops_suite},
	{"changes", changes_suite},
	{"vox_gaps", vox_gaps_suite},
	{"shared_readers", shared_readers_suite},
	{"kit_file_shared", kit_file_shared_suite},
	{"full_disk", full_disk_suite},
	{"uri_credentials", uri_credentials_suite},
	{"file_permissions", file_permissions_suite},
	{"fields", fields_suite},
	{"write_races", write_races_suite},
};

static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	/* Check's own default is 4 s a test: the e164 corpus agreement alone takes ~3 s of
	 * CPU, so on a loaded machine (or under a sanitizer) tests timed out with nothing
	 * wrong. A hang is still caught, after a minute; CK_DEFAULT_TIMEOUT still rules. */
	setenv("CK_DEFAULT_TIMEOUT", "60", 0);
	SRunner *runner = NULL;
	for (size_t i = 0; i < sizeof(all_suites) / sizeof(all_suites[0]); i++) {
		if (all_suites[i].make == NULL || !wanted(all_suites[i].name, argc, argv))
			continue;
		if (runner == NULL)
			runner = srunner_create(all_suites[i].make());
		else
			srunner_add_suite(runner, all_suites[i].make());
	}
	if (runner == NULL) {
		fprintf(stderr, "no suite matches; suites:");
		for (size_t i = 0; i < sizeof(all_suites) / sizeof(all_suites[0]); i++)
			fprintf(stderr, " %s", all_suites[i].name);
		fprintf(stderr, "\n");
		return 2;
	}
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
