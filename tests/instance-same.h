/* Comparing two instances field by field, for the suites that round-trip them through
 * an encoding (test-encode.c's instance encoding, test-record.c's instance records). */
#ifndef NUMBERING_TEST_INSTANCE_SAME_H
#define NUMBERING_TEST_INSTANCE_SAME_H

#include <numbering/numbering.h>

/* Asserts that @a and @b are equal in every field an encoding keeps: all but set and
 * compliant, which the caller compares when its encoding keeps them. A failure names
 * the field and both values. */
void instance_assert_same(const numbering_instance *a, const numbering_instance *b);

#endif
