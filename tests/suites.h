/* The Check suites the harness runs; one per tests/test-<module>.c. */
#ifndef NUMBERING_TEST_SUITES_H
#define NUMBERING_TEST_SUITES_H

#include <check.h>

/* Weak so a suite whose file is not in this build is skipped, not a link error:
 * modules land one at a time. */
#define TEST_SUITE(name) Suite *name##_suite(void) __attribute__((weak))

TEST_SUITE(errors);
TEST_SUITE(e164);
TEST_SUITE(range);
TEST_SUITE(differential);
TEST_SUITE(instance);
TEST_SUITE(validate);
TEST_SUITE(encode);
TEST_SUITE(backend_memory);
TEST_SUITE(backend_file);
TEST_SUITE(store);
TEST_SUITE(list);
TEST_SUITE(resolve);
TEST_SUITE(policy);
TEST_SUITE(json);
TEST_SUITE(threads);
TEST_SUITE(alloc_failure);
TEST_SUITE(backend_errors);
TEST_SUITE(stress);
TEST_SUITE(snapshot);
TEST_SUITE(authz);
TEST_SUITE(authz_sinch);
TEST_SUITE(limits);
TEST_SUITE(page_token);
TEST_SUITE(callback);
TEST_SUITE(record);
TEST_SUITE(kit_array);
TEST_SUITE(kit_memory);
TEST_SUITE(kit_file);
TEST_SUITE(memory_records);
TEST_SUITE(slab);
TEST_SUITE(money);
TEST_SUITE(inventory);
TEST_SUITE(block_names);
TEST_SUITE(active);
TEST_SUITE(sinch_active);
TEST_SUITE(outbox);
TEST_SUITE(provisioning);
TEST_SUITE(reservation);
TEST_SUITE(authz_reservation);
TEST_SUITE(billing);
TEST_SUITE(authz_billing);
TEST_SUITE(subscription);
TEST_SUITE(authz_subscription);
TEST_SUITE(due);
TEST_SUITE(pricing);
TEST_SUITE(purchase);
TEST_SUITE(authz_purchase);
TEST_SUITE(vox_params);
TEST_SUITE(vox_numbers);
TEST_SUITE(authz_vox_numbers);
TEST_SUITE(vox_attach);
TEST_SUITE(authz_vox_attach);
TEST_SUITE(vox_catalogue);
TEST_SUITE(authz_vox_catalogue);
TEST_SUITE(applications);
TEST_SUITE(authz_vox_apps);
TEST_SUITE(phone_id);
TEST_SUITE(ops);

/* The statistics under threads (test-ops.c), a case of the threads suite. */
TCase *ops_threads_tcase(void);
TEST_SUITE(changes);
TEST_SUITE(vox_gaps);
TEST_SUITE(shared_readers);
TEST_SUITE(kit_file_shared);
TEST_SUITE(full_disk);
TEST_SUITE(uri_credentials);
TEST_SUITE(file_permissions);
TEST_SUITE(fields);
TEST_SUITE(write_races);

/* The store-fixture cases of the backend_file suite (test-store-fixtures.c). */
TCase *store_fixture_tcase(void);

/* Path of a file under tests/data. */
const char *test_data_path(const char *name);

#endif
